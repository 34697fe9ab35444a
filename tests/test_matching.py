"""Facts: claims of different articles that state the same thing, found through indexed keys,
the same whatever order the articles arrive in."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Date, MetaData, Table, create_engine, event, select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.ingest.pipeline import ingest
from factdb.match.matching import _Words
from factdb.store import db, driver
from factdb.store.writes import MAX_DAYS_APART, within_window

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
        assert claim["fact_score"] == 1.0
        assert "same story, same slot: count plane" in claim["fact_reason"]
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


# --- one measure in other words, told by its figure ----------------------------------------


def _cargo_article(folder: Path, name: str, source: str, day: str, sentence: str) -> str:
    path = folder / f"{name}.txt"
    path.write_text(
        f"source: {source}\ndate: {day}\nurl: unknown\ntitle: Marisol Star held at Port Caldera"
        "\n\nCustoms officers at Port Caldera are holding the freighter Marisol Star.\n\n"
        f"{sentence}\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize("reverse", [False, True], ids=["in date order", "reversed"])
def test_one_measure_in_other_words_is_one_fact_by_its_figure(
    tmp_path: Path, runner: CliRunner, reverse: bool
) -> None:
    """ "600 tons of refined petroleum" and "600 tons of oil products" fill two slots; the
    shared figure joins them into one fact, and the second wording becomes an alias of it, so
    "480 tons of oil products" joins too. 480 is flagged only against the report worded as it
    is: against "refined petroleum" nothing but the figure would say it is one measure."""
    articles = [
        _cargo_article(
            tmp_path,
            "ledger",
            "Harbour Ledger",
            "2024-03-02",
            "The crew of the Marisol Star unloaded 600 tons of refined petroleum at Port "
            "Caldera, customs officers said.",
        ),
        _cargo_article(
            tmp_path,
            "wire",
            "Caldera Wire",
            "2024-03-03",
            "The Marisol Star unloaded 600 tons of oil products at Port Caldera before it was "
            "held, officials said.",
        ),
        _cargo_article(
            tmp_path,
            "radio",
            "Coastal Radio",
            "2024-03-04",
            "The Marisol Star unloaded 480 tons of oil products at Port Caldera, the port "
            "authority said.",
        ),
    ]
    db_url = f"sqlite:///{tmp_path / 'cargo.db'}"
    for path in reversed(articles) if reverse else articles:
        run(runner, db_url, "ingest", path, "--quiet")
    facts = query(runner, db_url, "facts")
    cargo = fact_with(facts, "600 tons of refined petroleum", "600 tons of oil", "480 tons")
    assert cargo["articles"] == 3
    conflicts = query(runner, db_url, "conflicts")
    pairs = [{c["claim_a"]["text"], c["claim_b"]["text"]} for c in conflicts]
    assert len(pairs) == 1, pairs
    assert any("480 tons of oil" in t for t in pairs[0])
    assert any("600 tons of oil" in t for t in pairs[0])


# --- the window copy detection reads -------------------------------------------------------


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
    assert len([f for f in facts if len(f[0]) > 1]) >= 14
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
    "story",
    "story_entity",
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
    # The features of stored claims are read through the driver (`features.claim_features`).
    stop = driver.observe(lambda statement, parameters: record(None, None, statement, parameters))
    ingest(engine, [str(p) for p in (*KESSLER, SEED_000, SEED_001)])
    stop()
    event.remove(engine, "before_cursor_execute", record)
    assert any("claim.sentence_start + 1" in statement for statement, _ in seen)
    assert sum("article_entity" in statement for statement, _ in seen) >= 6
    assert sum("article_shingle" in statement for statement, _ in seen) >= 6
    assert sum("fact_claim" in statement for statement, _ in seen) >= 6
    scans = _scans(engine, seen)
    assert scans == [], scans
    assert _window_lookups_off_their_index(engine, seen) == []
    engine.dispose()


# The lookups of a dated article must range over an index leading with their key and the
# publication date, so that they read the articles (or reports) nearest in time and nothing
# else: the story candidates by salient name, the reports of a fact, the copy candidates.
WINDOW_INDEXES = {
    'article_entity."key" = ': "article_entity USING COVERING INDEX ix_article_entity_story (",
    "fact_claim.fact_id = ": "fact_claim USING COVERING INDEX ix_fact_claim_window (",
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


@given(
    st.text(alphabet="ab .-AB\u00e9_1\n", max_size=60),
    st.text(alphabet="ab .-AB\u00e9_1", min_size=1, max_size=6),
)
def test_word_index_finds_names_as_the_regular_expressions_did(text: str, name: str) -> None:
    """`_Words` (an index of where each word starts, so that a long article's names are not
    each a scan of its whole text) counts and recognises exactly what the expressions it
    replaced did."""
    words = _Words(text)
    assert words.count(name) == len(re.findall(rf"\b{re.escape(name)}\b", text))
    lower = name.lower()
    expected = (
        " " not in name
        and lower != name
        and re.search(rf"(?<!\w){re.escape(lower)}(?!\w)", text) is not None
    )
    assert words.common_word(name) == expected


def test_a_paraphrase_from_another_outlet_joins_the_fact_it_restates(
    tmp_path: Path, runner: CliRunner
) -> None:
    """ "The Orlen dam breach on Friday left 14 families homeless in the Corven valley below"
    and "... left 16 households homeless in the Corven valley below" count families and
    households, two slots, and their figures differ; the sentences say the same thing in
    nearly the same words, so the second joins the fact of the first (linked, not flagged:
    nothing but the words says the two counts are one measure)."""
    articles = [
        _cargo_article(
            tmp_path,
            "ledger",
            "Harbour Ledger",
            "2024-03-02",
            "The Orlen dam breach on Friday left 14 families homeless in the Corven valley "
            "below, the regional governor said.",
        ),
        _cargo_article(
            tmp_path,
            "wire",
            "Caldera Wire",
            "2024-03-02",
            "The Orlen dam breach on Friday left 16 households homeless in the Corven valley "
            "below, the regional governor said.",
        ),
    ]
    db_url = f"sqlite:///{tmp_path / 'dam.db'}"
    run(runner, db_url, "ingest", *articles, "--quiet")
    facts = query(runner, db_url, "facts")
    fact_with(facts, "14 families", "16 households")
    assert query(runner, db_url, "conflicts", "--status", "all") == []
