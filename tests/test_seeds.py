"""What factdb must find in the two seed articles (DOMAIN.md), checked through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app

from .conftest import SEED_000, SEED_001, SEEDS

INF = None  # an unbounded interval end is null in JSON


@pytest.fixture(scope="module")
def seed_claims(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every claim of each seed, by seed file name (ingested once for the module)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(SEEDS), "--quiet", "--db", db])
    assert result.exit_code == 0, result.output
    claims = json.loads(runner.invoke(app, ["claims", "--format", "json", "--db", db]).stdout)
    articles = json.loads(runner.invoke(app, ["articles", "--format", "json", "--db", db]).stdout)
    names = {a["id"]: Path(a["origin"]).name for a in articles}
    by_seed: dict[str, list[dict[str, Any]]] = {SEED_000.name: [], SEED_001.name: []}
    for claim in claims:
        by_seed[names[claim["article_id"]]].append(claim)
    return by_seed


def _quantities(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for claim in claims for q in claim["quantities"]]


def _find(claims: list[dict[str, Any]], raw_part: str) -> dict[str, Any]:
    matches = [q for q in _quantities(claims) if raw_part.lower() in q["raw"].lower()]
    assert matches, f"no quantity {raw_part!r} among {[q['raw'] for q in _quantities(claims)]}"
    return matches[0]


@pytest.mark.parametrize(
    ("raw", "low", "high", "qualifier", "counted", "predicate_in"),
    [
        ("75", 75, 75, "exact", "plane", {"transport"}),
        ("20,000", 20000, 20000, "exact", "bandit", {"attack"}),
        ("Dozens", 24, 99, "vague", "people", {"kill"}),
        ("hundreds", 200, 999, "vague", "people", {"injure"}),
        ("At least 26", 26, INF, "at_least", "protester", {"kill"}),
        ("18", 18, 18, "exact", "security guard", {"dead", "die"}),
        ("748", 748, 748, "exact", "security guard", {"injure"}),
        ("More than 3,800", 3800, INF, "more_than", "people", {"arrest"}),
        ("19 million", 19_000_000, 19_000_000, "exact", "people", {None}),
        ("more than 30", 30, INF, "more_than", None, {"surge"}),
    ],
)
def test_seed_000_quantities(
    seed_claims: dict[str, list[dict[str, Any]]],
    raw: str,
    low: float,
    high: float | None,
    qualifier: str,
    counted: str | None,
    predicate_in: set[str | None],
) -> None:
    quantity = _find(seed_claims[SEED_000.name], raw)
    assert (quantity["low"], quantity["high"], quantity["qualifier"]) == (low, high, qualifier)
    if counted is not None:
        assert quantity["counted"] == counted
    assert quantity["predicate"] in predicate_in


def test_seed_000_basis_points_keep_their_unit(
    seed_claims: dict[str, list[dict[str, Any]]],
) -> None:
    assert _find(seed_claims[SEED_000.name], "30 basis points")["unit"] == "basis_point"
    assert _find(seed_claims[SEED_000.name], "more than 30")["low_inclusive"] is False


@pytest.mark.parametrize("not_a_count", ["1991", "2045", "2019", "2020", "1997", "second"])
def test_seed_000_years_and_ordinals_are_not_counts(
    seed_claims: dict[str, list[dict[str, Any]]], not_a_count: str
) -> None:
    raws = [q["raw"].lower() for q in _quantities(seed_claims[SEED_000.name])]
    assert not [r for r in raws if not_a_count in r.split()], raws


def test_seed_000_age_is_a_measure_of_a_person(
    seed_claims: dict[str, list[dict[str, Any]]],
) -> None:
    """ "Nazarbayev, 81," is his age in years, not a count of 81 people."""
    age = _find(seed_claims[SEED_000.name], "81")
    assert (age["unit"], age["counted"], age["low"], age["high"]) == ("year", "age", 81, 81)
    assert age["base_unit"] == "second"


@pytest.mark.parametrize(
    ("evidence_part", "event_date"),
    [
        ("Those who do not surrender", "2022-01-07"),
        ("more than 30 basis points", "2022-01-05"),
        ("security talks", "2022-01-09"),
        ("fired several senior security officials", "2022-01-05"),
    ],
)
def test_seed_000_relative_dates_resolve_against_publication(
    seed_claims: dict[str, list[dict[str, Any]]], evidence_part: str, event_date: str
) -> None:
    claims = [c for c in seed_claims[SEED_000.name] if evidence_part in c["evidence"]["sentence"]]
    assert claims, evidence_part
    assert event_date in {c["event_date"] for c in claims}


def test_seed_000_reported_speech_keeps_the_speaker(
    seed_claims: dict[str, list[dict[str, Any]]],
) -> None:
    (claim,) = [
        c
        for c in seed_claims[SEED_000.name]
        if any(q["raw"] == "At least 26" for q in c["quantities"])
    ]
    assert claim["speaker"] == "Interior Ministry"
    assert "reported" not in claim["text"]


def test_seed_001_has_no_date_and_no_page_furniture(
    seed_claims: dict[str, list[dict[str, Any]]],
) -> None:
    claims = seed_claims[SEED_001.name]
    assert claims
    assert {c["published"] for c in claims} == {None}
    texts = " ".join(c["evidence"]["sentence"] for c in claims)
    assert "Leave a Reply" not in texts
    assert "Send this to a friend" not in texts
    assert all(c["text"].strip() != "Bloomberg" for c in claims)
    # relative dates stay unresolved without a publication date, but keep their text
    friday = [c for c in claims if c["event_date_text"] and "Friday" in c["event_date_text"]]
    assert friday and all(c["event_date"] is None for c in friday)


def test_seed_001_finds_the_same_numbers_as_000(
    seed_claims: dict[str, list[dict[str, Any]]],
) -> None:
    for raw, counted in [("75", "aircraft"), ("20,000", "bandit"), ("Dozens", "people")]:
        assert _find(seed_claims[SEED_001.name], raw)["counted"] == counted
    assert _find(seed_claims[SEED_001.name], "hundreds")["predicate"] == "wound"
