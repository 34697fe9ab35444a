"""The claim scorer (scripts/score_claims.py): its measures on hand-built cases, then the
floors of the hand-made claim gold (tests/gold/claims), run through the CLI as the script
runs it: `factdb ingest`, then `factdb claims --format json` (issue 26)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.score_claims import Score, content_words, main, overlap, score_item

FACTDB = str(Path(sys.executable).parent / "factdb")


def claim(text: str, standalone: str | None = None) -> dict[str, Any]:
    return {"text": text, "standalone": standalone or text}


ITEM = {
    "id": "kerr",
    "text": "Police named the gunman as Dana Kerr. He had lived in the town for 20 years.",
    "claims": [
        {"text": "Police named the gunman as Dana Kerr", "standalone": "Police named the gunman"},
        {
            "text": "He had lived in the town for 20 years",
            "standalone": "Dana Kerr had lived in the town for 20 years",
            "refers_to": "Dana Kerr",
        },
    ],
}


def test_content_words_leave_stop_words_out() -> None:
    assert content_words("He had lived in the town for 20 years") == {
        "lived",
        "town",
        "20",
        "years",
    }


def test_a_claim_matches_only_when_most_words_of_both_sides_are_shared() -> None:
    gold = content_words("Kerr killed himself on Thursday")
    assert overlap(gold, content_words("Kerr killed himself on Thursday evening")) == 0.75
    # A fragment holds a part of the fact; a merged claim holds two.
    assert overlap(gold, content_words("Thursday")) == pytest.approx(1 / 3)
    merged = content_words("Kerr killed himself on Thursday as officers closed in on his house")
    assert overlap(gold, merged) < 0.6


def test_a_resolved_pronoun_counts_and_a_wrong_name_is_caught() -> None:
    score = Score()
    score_item(
        ITEM,
        [
            claim("Police named the gunman as Dana Kerr"),
            claim("He had lived in the town for 20 years", "Dana Kerr had lived in the town"),
        ],
        score,
    )
    assert (score.recall, score.precision, score.resolution) == (1.0, 1.0, 1.0)
    assert score.wrong_resolutions == 0
    wrong = Score()
    score_item(
        ITEM,
        [
            claim("Police named the gunman as Dana Kerr"),
            claim("He had lived in the town for 20 years", "Police had lived in the town"),
            claim("the gunman"),
        ],
        wrong,
    )
    assert wrong.resolution == 0.0
    assert wrong.wrong_resolutions == 1
    assert wrong.precision == pytest.approx(2 / 3)


def test_the_hand_made_gold_scores_above_its_floors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--factdb", FACTDB, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["sentences"] >= 60
    assert figures["recall"] >= 0.85
    assert figures["precision"] >= 0.85
    assert figures["resolution"] >= 0.9
    assert figures["wrong_resolutions"] == 0
