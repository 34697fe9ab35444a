"""Copies and rewrites: the two seeds are one story, independent reports are not, and a copy
never counts as a second source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.match.copies import COPY_THRESHOLD, content_words, sampled_hashes, word_pairs

from .conftest import SEED_000, SEED_001

ARTICLES = Path(__file__).parent / "articles"
KESSLER = sorted(ARTICLES.glob("kessler-*.txt"))
COURIER = ARTICLES / "kessler-brennmoor-courier-2024-05-14.txt"


def run(runner: CliRunner, db: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result


def query(runner: CliRunner, db: str, *args: str) -> Any:
    return json.loads(run(runner, db, *args, "--format", "json").stdout)


def by_name(articles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(a["origin"]).name: a for a in articles}


# --- the text measure ---------------------------------------------------------------------


def test_word_pairs_skip_stop_words_and_keep_order() -> None:
    assert content_words("The forces of the Kazakh government’s army") == [
        "forces",
        "kazakh",
        "government's",
        "army",
    ]
    assert word_pairs("Security forces shot the protesters.") == {
        "security forces",
        "forces shot",
        "shot protesters",
    }


def test_the_sample_is_consistent_across_texts() -> None:
    """A pair sampled in one article is sampled in every article that has it."""
    long_text = SEED_000.read_text(encoding="utf-8")
    short_text = SEED_001.read_text(encoding="utf-8")
    shared = word_pairs(long_text) & word_pairs(short_text)
    assert sampled_hashes(shared) <= sampled_hashes(word_pairs(long_text))
    assert sampled_hashes(shared) <= sampled_hashes(word_pairs(short_text))
    assert len(sampled_hashes(shared)) >= 10


# --- the seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order", [[SEED_000, SEED_001], [SEED_001, SEED_000]], ids=["000-first", "001-first"]
)
def test_the_seeds_are_linked_as_copies_in_either_order(
    order: list[Path], db_url: str, runner: CliRunner
) -> None:
    for path in order:
        run(runner, db_url, "ingest", str(path), "--quiet")
    articles = by_name(query(runner, db_url, "articles"))
    rewrite, web_copy = articles[SEED_000.name], articles[SEED_001.name]
    # 000 came through a distributor (TNS): it is the rewrite of the story 001 carries.
    assert rewrite["copy_of"] == web_copy["id"]
    assert rewrite["copy_score"] >= COPY_THRESHOLD
    assert web_copy["copy_of"] is None and web_copy["copy_score"] is None
    # 001 states no date: it takes 000's, marked as inferred, and its stated date stays empty.
    assert web_copy["published"] is None
    assert web_copy["published_inferred"] == "2022-01-08"
    assert rewrite["published_inferred"] is None


def test_an_inferred_date_is_marked_wherever_it_is_shown(tmp_path: Path, runner: CliRunner) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    run(runner, db, "ingest", str(SEED_000), str(SEED_001), "--quiet")
    assert "2022-01-08 (inferred)" in run(runner, db, "articles").stdout
    assert "2022-01-08 (inferred)" in run(runner, db, "articles", "--format", "csv").stdout
    claims = query(runner, db, "claims", "--search", "aircraft")
    assert claims and {(c["published"], c["published_inferred"]) for c in claims} == {
        (None, "2022-01-08")
    }
    assert "(inferred)" in run(runner, db, "claims", "--search", "aircraft").stdout
    timeline = query(runner, db, "timeline", "--counted", "planes")
    assert {(r["published"], r["published_inferred"]) for r in timeline} == {
        ("2022-01-08", None),
        (None, "2022-01-08"),
    }


def test_the_seed_copies_never_conflict_and_count_as_one_source(
    tmp_path: Path, runner: CliRunner
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    run(runner, db, "ingest", str(SEED_000), str(SEED_001), "--quiet")
    assert query(runner, db, "conflicts", "--status", "all") == []
    shared = [f for f in query(runner, db, "facts") if f["articles"] == 2]
    assert shared
    assert {f["independent_sources"] for f in shared} == {1}
    assert {f["state"] for f in shared} == {"single source"}


# --- independent reports and a changed copy ---------------------------------------------


def test_independent_reports_of_one_event_are_not_copies(tmp_path: Path, runner: CliRunner) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    run(runner, db, "ingest", *map(str, KESSLER), "--quiet")
    assert {a["copy_of"] for a in query(runner, db, "articles")} == {None}
    assert query(runner, db, "stats")["copies"] == 0


def test_a_copy_with_a_changed_figure_is_not_a_conflict(tmp_path: Path, runner: CliRunner) -> None:
    """A syndicated copy that changed 26 to 27 is still the same source: no number conflict,
    one independent source; the original is the one not distributed."""
    body = COURIER.read_text(encoding="utf-8").split("\n\n", 1)[1].replace("26", "27")
    copy = tmp_path / "copy.txt"
    copy.write_text(
        "date 2024-05-14 Staff Reporter / Brennmoor Courier (TNS)\n\n" + body, encoding="utf-8"
    )
    db = f"sqlite:///{tmp_path / 'f.db'}"
    run(runner, db, "ingest", str(copy), str(COURIER), "--quiet")
    articles = by_name(query(runner, db, "articles"))
    assert articles["copy.txt"]["copy_of"] == articles[COURIER.name]["id"]
    assert query(runner, db, "conflicts", "--status", "all") == []
    killed = query(runner, db, "facts", "--counted", "killed")
    shared = [f["independent_sources"] for f in killed if f["articles"] == 2]
    assert shared and set(shared) == {1}  # the headline's toll and the body's, each one source
