"""Assembling claims: which quantities and which event date belong to which claim."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from factdb.nlp.extract import ArticleText, extract_batch, extract_claims, headline_claims

PUBLISHED = date(2022, 1, 8)  # a Saturday


@pytest.mark.parametrize(
    ("sentence", "claim_part", "event_date"),
    [
        # the date dates the claim's own verb
        ("Tokayev fired several senior security officials on Wednesday.", "fired", "2022-01-05"),
        (
            "Kremlin to hold high-stakes security talks from Sunday with the United States.",
            "hold",
            "2022-01-09",
        ),
        ("Nazarbayev ceded the presidency to Tokayev in 2019.", "ceded", "2019-01-01"),
        # a date in the reporting clause dates the reported claim
        (
            "At least 26 protesters were killed, the Interior Ministry reported on Friday.",
            "killed",
            "2022-01-07",
        ),
        # a claim about a dated event takes the event's date
        (
            "The largest quake on the fault was a magnitude 8.2 quake in 1939, which killed "
            "20,000 people.",
            "killed",
            "1939-01-01",
        ),
        ("Survivors recalled the 1939 quake, which killed 33,000 people.", "33,000", "1939-01-01"),
        ("The blast on Monday killed 26 workers, police said on Friday.", "killed", "2022-01-03"),
        # but a thing's date does not date what is said of it now
        ("The 1997 treaty bans such weapons.", "bans", None),
        ("Russia cited the 1997 treaty, which bans such weapons.", "bans", None),
        # a date that names a thing, or dates another clause, is not the event date
        (
            "Dozens of people have already been killed and hundreds injured in the most serious "
            "challenge Kazakhstan's rulers have faced since independence in 1991.",
            "hundreds",
            None,
        ),
        (
            "Russia denies this, insisting that NATO withdraw to the positions it held in 1997.",
            "denies",
            None,
        ),
    ],
)
def test_event_date_belongs_to_the_claims_own_verb(
    nlp: Language, sentence: str, claim_part: str, event_date: str | None
) -> None:
    claims = extract_claims(nlp(sentence), PUBLISHED)
    (claim,) = [c for c in claims if claim_part in c.text]
    resolved = claim.event_date.resolved_start if claim.event_date else None
    assert (resolved.isoformat() if resolved else None) == event_date


def test_quantities_go_to_the_claim_that_holds_them(nlp: Language) -> None:
    claims = extract_claims(
        nlp("Previously, he said 18 security guards were dead and 748 injured in clashes."),
        PUBLISHED,
    )
    by_number = {q.raw: c.text for c in claims for q in c.quantities}
    assert set(by_number) == {"18", "748"}
    assert by_number["18"] != by_number["748"]
    assert "748 injured" in by_number["748"]


def test_extract_batch_matches_one_by_one(nlp: Language) -> None:
    texts = [
        ArticleText("At least 26 protesters were killed on Friday.", PUBLISHED),
        ArticleText("The talks will start on Sunday. 75 planes landed.", None, "Talks to start"),
    ]
    batched = extract_batch(nlp, texts)
    single = [
        ([] if a.title is None else headline_claims(nlp(a.title), a.published))
        + extract_claims(nlp(a.text), a.published)
        for a in texts
    ]
    assert batched == single
    assert [c.is_headline for c in batched[1]][:1] == [True]
