"""Facts: claims of different articles that state the same thing, found through indexed keys,
the same whatever order the articles arrive in."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Date, MetaData, Table, create_engine, event, select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from factdb import db
from factdb.cli import app
from factdb.ingest import ingest
from factdb.matching import (
    MATCH_THRESHOLD,
    ArticleContext,
    ClaimFeatures,
    QuantityFeatures,
    claim_keys,
    compare_claims,
)
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval
from factdb.store import MAX_DAYS_APART, within_window

from .conftest import SEED_000, SEED_001

ARTICLES = Path(__file__).parent / "articles"
KESSLER = sorted(ARTICLES.glob("kessler-*.txt"))
MARISOL = sorted(ARTICLES.glob("*-2023-03-02.txt"))


def run(runner: CliRunner, db_url: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--db", db_url])
    assert result.exit_code == 0, result.output
    return result


def query(runner: CliRunner, db_url: str, *args: str) -> Any:
    return json.loads(run(runner, db_url, *args, "--format", "json").stdout)


def shared_facts(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in facts if f["articles"] > 1]


def fact_with(facts: list[dict[str, Any]], *fragments: str) -> dict[str, Any]:
    """The one fact holding a claim with each fragment (every fragment in some claim)."""
    found = [f for f in facts if all(any(p in c["text"] for c in f["claims"]) for p in fragments)]
    assert len(found) == 1, [f["label"] for f in found]
    return found[0]


# --- the seeds ----------------------------------------------------------------------------


@pytest.fixture
def seed_facts(db_url: str, runner: CliRunner) -> list[dict[str, Any]]:
    run(runner, db_url, "ingest", str(SEED_000), str(SEED_001), "--quiet")
    facts: list[dict[str, Any]] = query(runner, db_url, "facts")
    return facts


def test_the_seeds_share_at_least_eight_facts(seed_facts: list[dict[str, Any]]) -> None:
    shared = shared_facts(seed_facts)
    assert len(shared) >= 8
    for fragments in [
        ("75 planes", "75 aircraft"),
        ("20,000", "20,000"),
        ("Dozens of people", "Dozens of people"),
        ("hundreds injured", "hundreds wounded"),
        ("30 basis points",),
        ("Xi Jinping backed the crackdown on", "Xi Jinping backed the crackdown against"),
        ("Russian paratroopers have joined", "Russian paratroopers joined"),
    ]:
        fact = fact_with(shared, *fragments)
        assert fact["articles"] == 2


def test_each_seed_fact_is_one_independent_source_and_none_conflict(
    seed_facts: list[dict[str, Any]], db_url: str, runner: CliRunner
) -> None:
    for fact in shared_facts(seed_facts):
        assert fact["independent_sources"] == 1
        assert fact["state"] == "single source"
        assert fact["conflicts"] == []
    assert query(runner, db_url, "conflicts", "--status", "all") == []


def test_every_claim_knows_its_fact_and_why(
    seed_facts: list[dict[str, Any]], db_url: str, runner: CliRunner
) -> None:
    planes = fact_with(seed_facts, "75 planes", "75 aircraft")
    for claim in planes["claims"]:
        assert claim["fact_id"] == planes["id"]
        assert claim["fact_score"] >= MATCH_THRESHOLD
        assert "plane" in claim["fact_reason"]
        assert claim["fact_matched_claim_id"] in {c["id"] for c in planes["claims"]}
    shown = query(runner, db_url, "show", "fact", str(planes["id"]))
    assert shown == planes


# --- the invented event -------------------------------------------------------------------


@pytest.fixture(scope="module")
def kessler_facts(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('kessler') / 'k.db'}"
    runner = CliRunner()
    run(runner, db_url, "ingest", *map(str, KESSLER), "--quiet")
    facts: list[dict[str, Any]] = query(runner, db_url, "facts")
    return facts


def test_a_paraphrase_with_synonyms_is_the_same_fact(kessler_facts: list[dict[str, Any]]) -> None:
    fact = fact_with(kessler_facts, "Nine firefighters were wounded", "9 firefighters were hurt")
    assert (fact["state"], fact["independent_sources"]) == ("agree", 2)


def test_a_vague_number_agrees_with_exact_ones(kessler_facts: list[dict[str, Any]]) -> None:
    fact = fact_with(kessler_facts, "Dozens of workers were killed", "killed 26 workers")
    dozens = next(c for c in fact["claims"] if "Dozens" in c["text"])
    involved = {i for k in fact["conflicts"] for i in (k["claim_a_id"], k["claim_b_id"])}
    assert dozens["id"] not in involved
    assert fact["state"] == "conflict"  # 26 against 41, on the same day


def test_the_same_number_about_unrelated_things_is_not_matched(
    kessler_facts: list[dict[str, Any]],
) -> None:
    brennmoor = fact_with(kessler_facts, "Police arrested twelve people in Brennmoor")
    halden = fact_with(kessler_facts, "police in Halden arrested twelve people")
    assert brennmoor["id"] != halden["id"]
    assert brennmoor["articles"] == halden["articles"] == 1


def test_a_number_fact_and_an_event_fact_stay_apart(kessler_facts: list[dict[str, Any]]) -> None:
    """ "Blast kills 26" and "the blast happened on Monday" share words, not a fact."""
    toll = fact_with(kessler_facts, "killed 26 workers")
    assert not any("happened" in c["text"] for c in toll["claims"])


# --- the rules, one at a time -------------------------------------------------------------


def _number(
    raw: str, low: float, high: float | None, qualifier: Qualifier = Qualifier.EXACT, **fields: Any
) -> QuantityFeatures:
    values: dict[str, Any] = {
        "id": 1,
        "raw": raw,
        "counted": "worker",
        "predicate": "kill",
        "unit": None,
        "location": None,
        "interval": Interval(raw, low, low, high, qualifier),
        "start": 0,
    }
    return QuantityFeatures(**{**values, **fields})


def _claim(id_: int, text_: str, *numbers: QuantityFeatures, **fields: Any) -> ClaimFeatures:
    words = frozenset(w for w in re.findall(r"[a-z]+", text_.lower()) if len(w) > 3)
    values: dict[str, Any] = {
        "id": id_,
        "article_id": id_,
        "source_id": id_,
        "source": f"Source {id_}",
        "published": date(2024, 5, 14),
        "content_hash": f"{id_:064d}",
        "start": 0,
        "end": len(text_),
        "text": text_,
        "sentence": text_,
        "predicate": "kill",
        "polarity": "asserted",
        "hedged": False,
        "event_start": None,
        "event_end": None,
        "event_granularity": None,
        "event_text": None,
        "lemmas": words - {"kill", "killed"},
        "entities": frozenset({"kessler"}),
        "locations": frozenset(),
        "quantities": numbers,
    }
    return ClaimFeatures(**{**values, **fields})


STORY = ArticleContext(frozenset({"kessler", "brennmoor"}), dated=True)
TOLL_A = _claim(1, "26 workers were killed in the Kessler blast", _number("26", 26, 26))
TOLL_B = _claim(2, "41 workers were killed in the Kessler blast", _number("41", 41, 41))


def test_two_reports_of_one_toll_match_and_the_reason_says_why() -> None:
    link = compare_claims(TOLL_A, TOLL_B, STORY, STORY)
    assert link is not None
    assert link.score >= MATCH_THRESHOLD
    assert "worker" in link.reason and "same predicate 'kill'" in link.reason
    assert compare_claims(TOLL_B, TOLL_A, STORY, STORY) is not None  # symmetric


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (replace(TOLL_B, article_id=TOLL_A.article_id), "same article"),
        (replace(TOLL_B, published=date(2024, 7, 1)), "more than a month apart"),
        (
            replace(TOLL_B, quantities=(_number("41", 41, 41, counted="firefighter"),)),
            "numbers count different things",
        ),
        (
            replace(TOLL_B, quantities=(_number("41", 41, 41, predicate="injure"),)),
            "killed is not injured",
        ),
        (
            replace(TOLL_B, quantities=(_number("41", 41, 41, unit="percent"),)),
            "a percentage is not a head count",
        ),
        (
            replace(TOLL_B, locations=frozenset({"halden"}), entities=frozenset({"halden"})),
            "a place the other article never names",
        ),
        (
            replace(TOLL_B, published=date(2024, 5, 20), quantities=(_number("3", 3, 3),)),
            "a death toll does not fall from 26 to 3",
        ),
        (
            replace(
                TOLL_B,
                event_start=date(1939, 1, 1),
                event_end=date(1939, 12, 31),
                event_granularity="year",
            ),
            "a toll of 1939 is history, not today's toll",
        ),
    ],
)
def test_claims_that_do_not_state_the_same_fact(other: ClaimFeatures, why: str) -> None:
    assert compare_claims(TOLL_A, other, STORY, STORY) is None, why


IN_1939 = {
    "event_start": date(1939, 1, 1),
    "event_end": date(1939, 12, 31),
    "event_granularity": "year",
}
LAST_WEEK = {
    "event_start": date(2024, 5, 7),
    "event_end": date(2024, 5, 7),
    "event_granularity": "day",
}
THIS_YEAR = {
    "event_start": date(2024, 1, 1),
    "event_end": date(2024, 12, 31),
    "event_granularity": "year",
}


def test_historical_claims_only_match_claims_about_the_same_past() -> None:
    old_a, old_b = replace(TOLL_A, **IN_1939), replace(TOLL_B, **IN_1939)
    assert compare_claims(old_a, old_b, STORY, STORY)
    for recent in (TOLL_B, replace(TOLL_B, **LAST_WEEK), replace(TOLL_B, **THIS_YEAR)):
        assert compare_claims(old_a, recent, STORY, STORY) is None
        assert compare_claims(recent, old_a, STORY, STORY) is None
    # A recent event date, even a whole year that began months ago, is not history.
    assert compare_claims(TOLL_A, replace(TOLL_B, **LAST_WEEK), STORY, STORY)
    assert compare_claims(replace(TOLL_A, **THIS_YEAR), TOLL_B, STORY, STORY)


def test_numbers_in_different_places_are_different_facts_unless_a_headline_covers_both() -> None:
    uk = _claim(
        1,
        "400,000 UK consumers affected",
        _number("400,000", 0, 400_000, location="united kingdom"),
    )
    us = _claim(
        2,
        "143 million consumers affected",
        _number("143 million", 143e6, 143e6, location="united states"),
    )
    places = frozenset({"united kingdom", "united states"})
    story = ArticleContext(frozenset({"kessler", "brennmoor"}) | places, True, places)
    assert compare_claims(uk, us, story, story) is None
    headline = ArticleContext(story.entities, True, places, frozenset({"united kingdom"}))
    assert compare_claims(uk, us, story, headline) is not None


def test_a_number_tied_to_a_place_meets_an_unplaced_one_only_where_that_place_is_covered() -> None:
    istanbul = _claim(
        1, "1,000 died in Istanbul", _number("1,000", 1000, 1000, location="istanbul")
    )
    national = _claim(2, "killed more than 14,000", _number("more than 14,000", 14000, None))
    names = frozenset({"kessler", "brennmoor", "istanbul", "turkey"})
    turkey = ArticleContext(names, True, frozenset({"istanbul", "turkey"}), frozenset({"turkey"}))
    assert compare_claims(istanbul, national, turkey, turkey) is None
    about_istanbul = ArticleContext(names, True, turkey.places, frozenset({"istanbul"}))
    assert compare_claims(istanbul, national, turkey, about_istanbul) is not None


def rose_and_fell() -> tuple[ClaimFeatures, ClaimFeatures]:
    """Two sources on the same 4% move of Kessler shares, one saying rose, one fell."""
    rose = _claim(
        1,
        "Kessler shares rose",
        _number("4 percent", 4, 4, counted=None, unit="percent", predicate="rise"),
        predicate="rise",
    )
    fell = replace(
        rose,
        id=2,
        article_id=2,
        source_id=2,
        predicate="fall",
        quantities=(_number("4 percent", 4, 4, counted=None, unit="percent", predicate="fall"),),
    )
    return rose, fell


def test_rose_and_fell_share_a_key_but_not_a_meaning() -> None:
    rose, fell = rose_and_fell()
    assert claim_keys(rose) & claim_keys(fell)
    assert "u|percent|change" in claim_keys(rose)
    assert compare_claims(rose, fell, STORY, STORY) is not None


def test_a_story_is_needed_when_the_claims_name_nothing_in_common() -> None:
    a = replace(TOLL_A, entities=frozenset())
    b = replace(TOLL_B, entities=frozenset())
    elsewhere = ArticleContext(frozenset({"halden"}), dated=True)
    assert compare_claims(a, b, STORY, STORY) is not None
    assert compare_claims(a, b, STORY, elsewhere) is None


def test_the_candidate_window_keeps_a_month_either_side_and_the_undated() -> None:
    table = Table("report", MetaData(), Column("published", Date))
    engine = create_engine("sqlite://")
    table.create(engine)
    day = date(2024, 5, 14)
    edge, beyond = timedelta(days=MAX_DAYS_APART), timedelta(days=MAX_DAYS_APART + 1)
    stored = [day - beyond, day - edge, day, day + edge, day + beyond]
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"published": d} for d in [*stored, None]])

        def kept(published: date | None) -> list[date | None]:
            return sorted(
                (
                    row[0]
                    for condition in within_window(table.c.published, published)
                    for row in connection.execute(select(table.c.published).where(condition))
                ),
                key=lambda d: d or date.max,
            )

        assert kept(day) == [day - edge, day, day + edge, None]
        assert kept(None) == [*stored, None]


# --- incremental = all at once, in any order ----------------------------------------------

ORDERS = {
    "all at once": [[*KESSLER, *MARISOL, SEED_000, SEED_001]],
    "one by one, reversed": [[p] for p in reversed([*KESSLER, *MARISOL, SEED_000, SEED_001])],
    "two batches, shuffled": [
        [KESSLER[3], SEED_001, KESSLER[1], MARISOL[1]],
        [SEED_000, KESSLER[0], MARISOL[0], KESSLER[2]],
    ],
}


def _content(db_url: str, runner: CliRunner) -> tuple[Any, Any]:
    """Facts and conflicts by content (origins and texts), never by ids."""

    def claim_key(claim: dict[str, Any], origins: dict[int, str]) -> tuple[str, int, str]:
        return (origins[claim["article_id"]], claim["evidence"]["start"], claim["text"])

    origins = {a["id"]: Path(a["origin"]).name for a in query(runner, db_url, "articles")}
    facts = {
        (
            frozenset(claim_key(c, origins) for c in f["claims"]),
            f["label"],
            f["state"],
            f["independent_sources"],
        )
        for f in query(runner, db_url, "facts")
    }
    conflicts = {
        (
            claim_key(k["claim_a"], origins),
            claim_key(k["claim_b"], origins),
            k["kind"],
            k["confidence"],
            k["explanation"],
        )
        for k in query(runner, db_url, "conflicts", "--status", "all")
    }
    return facts, conflicts


def _ingest_in(order: list[list[Path]], db_url: str, runner: CliRunner) -> tuple[Any, Any]:
    for batch in order:
        run(runner, db_url, "ingest", *map(str, batch), "--quiet")
    return _content(db_url, runner)


def test_any_order_gives_the_same_facts_and_conflicts(tmp_path: Path, runner: CliRunner) -> None:
    results = {
        name: _ingest_in(order, f"sqlite:///{tmp_path / (name.replace(' ', '_') + '.db')}", runner)
        for name, order in ORDERS.items()
    }
    facts, conflicts = results["all at once"]
    assert len([f for f in facts if len(f[0]) > 1]) >= 20
    assert {k[2] for k in conflicts} == {"number", "update", "polarity", "direction", "date"}
    for name, (other_facts, other_conflicts) in results.items():
        assert other_facts == facts, name
        assert other_conflicts == conflicts, name


@pytest.mark.postgres
def test_order_does_not_matter_on_postgresql_either(
    postgres_url: str, tmp_path: Path, runner: CliRunner
) -> None:
    on_sqlite = _ingest_in(ORDERS["all at once"], f"sqlite:///{tmp_path / 'f.db'}", runner)
    assert _ingest_in(ORDERS["one by one, reversed"], postgres_url, runner) == on_sqlite


# --- every lookup goes through an index ---------------------------------------------------

INDEXED_TABLES = (
    "claim_key",
    "article_entity",
    "article_shingle",
    "fact_claim",
    "article_copy",
    "fact",
    "claim",
    "quantity",
    "claim_entity",
    "entity",
    "article",
    "conflict",
)


def test_every_lookup_during_ingest_uses_an_index(tmp_path: Path) -> None:
    """EXPLAIN every query ingest sends: none may scan a table, so the work per article
    depends on what the index finds, not on how many articles are stored."""
    engine = db.open_engine(f"sqlite:///{tmp_path / 'f.db'}")
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    ingest(engine, [str(p) for p in (*KESSLER, SEED_000, SEED_001)])
    event.remove(engine, "before_cursor_execute", record)
    assert sum("claim_key" in statement for statement, _ in seen) >= 6
    assert sum("article_shingle" in statement for statement, _ in seen) >= 6
    scans = _scans(engine, seen)
    assert scans == [], scans
    assert _window_lookups_off_their_index(engine, seen) == []
    engine.dispose()


# The candidate lookups of a dated article (by key or hash) must range over an index leading
# with the key and the publication date, so that they read the matching window and nothing
# older. (An undated article is compared with every article: its lookups have no window.)
WINDOW_INDEXES = {
    'claim_key."key" IN': "claim_key USING COVERING INDEX ix_claim_key_window (",
    'article_entity."key" IN': "article_entity USING COVERING INDEX ix_article_entity_window (",
    "article_shingle.hash IN": "article_shingle USING COVERING INDEX ix_article_shingle_window (",
}


def _window_lookups_off_their_index(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    used = set()
    with engine.connect() as connection:
        for statement, parameters in statements:
            for condition, expected in WINDOW_INDEXES.items():
                if condition not in statement or ".published" not in statement:
                    continue
                used.add(condition)
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                details = [str(row[-1]) for row in plan]
                if not any(
                    d.startswith(f"SEARCH {expected}") and "published" in d for d in details
                ):
                    found.append(f"{details}: {statement[:200]}")
    return found + [f"never looked up: {c}" for c in WINDOW_INDEXES if c not in used]


def _scans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for row in plan:
                detail = str(row[-1])
                if detail.startswith("SCAN") and any(
                    re.search(rf"\b{t}\b", detail) for t in INDEXED_TABLES
                ):
                    found.append(f"{detail}: {statement[:200]}")
        connection.execute(text("SELECT 1"))
    return found
