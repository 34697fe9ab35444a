"""Queries at archive scale: filters answered by indexes, pages, full-text search, start-up.

Timing is measured by `scripts/benchmark.py queries`, never asserted here; these tests check
the properties the timing rests on: no filter reads a whole table, a default table is one
page, pages can be walked by key, search goes through the full-text index, and a query
imports neither Alembic, rich (for JSON), spaCy nor dateparser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.cli.common import DEFAULT_PAGE
from factdb.query import pages as pages_query
from factdb.query import sql as sql_query
from factdb.store import connect, db, driver

from .conftest import SEEDS, ingest_shared

ARTICLES = Path(__file__).parent / "articles"
KESSLER = sorted(str(p) for p in ARTICLES.glob("kessler-*.txt"))
# Tables that grow with the archive: a query may never read one of them whole.
GROWING_TABLES = {
    "article",
    "claim",
    "quantity",
    "claim_entity",
    "conflict",
    "fact",
    "fact_claim",
    "article_copy",
    "claim_time",
    "story_entity",
    "article_entity",
    "article_shingle",
}


def invoke(runner: CliRunner, url: str, *args: str) -> Any:
    return runner.invoke(app, [*args, "--db", url])


def rows(runner: CliRunner, url: str, *args: str) -> list[dict[str, Any]]:
    result = invoke(runner, url, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def execute(url: str, statement: str) -> None:
    """Run one statement in a transaction of its own, on another connection than a reader's."""
    from sqlalchemy import text

    engine = db.open_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def archive(module_db_url: str) -> str:
    """The seeds and the Kessler story (four outlets, conflicting tolls): over 50 claims,
    ingested once per backend for the tests that only read them."""
    ingest_shared(module_db_url, str(SEEDS), *KESSLER)
    return module_db_url


@pytest.fixture
def own_archive(db_url: str, runner: CliRunner) -> str:
    """The same archive, of this test alone: for a test that changes it."""
    result = invoke(runner, db_url, "ingest", str(SEEDS), *KESSLER, "--quiet")
    assert result.exit_code == 0, result.output
    return db_url


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The archive on SQLite alone, for the tests that EXPLAIN their statements. Only read:
    nothing runs ANALYZE on it, so every plan is made from the same statistics."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'f.db'}"
    ingest_shared(url, str(SEEDS), *KESSLER)
    return url


# --- every filter on an index --------------------------------------------------------------

FILTERED_COMMANDS = [
    [command, *option]
    for command in ("claims", "conflicts", "facts", "articles", "timeline")
    for option in (
        ["--source", "Courier"],
        ["--since", "2024-05-15", "--until", "2024-05-31"],
        ["--entity", "Brennmoor"],
        ["--search", "killed"],
    )
] + [
    ["conflicts", "--kind", "number"],
    ["conflicts", "--min-confidence", "0.5"],
    ["conflicts", "--status", "all", "--min-confidence", "0.5", "--order", "confidence"],
    ["conflicts", "--status", "all", "--kind", "update"],
    ["claims", "--counted", "killed"],
    ["facts", "--counted", "killed"],
    ["timeline", "--counted", "killed"],
    ["facts", "--state", "conflict"],
    # Story 2 is the Kessler blast (the seeds, ingested first, are story 1).
    ["claims", "--story", "2"],
    ["facts", "--story", "2"],
    ["conflicts", "--story", "2"],
    ["timeline", "--story", "2"],
    ["timeline", "--story", "2", "--counted", "killed"],
    ["stories", "--source", "Courier"],
    ["stories", "--limit", "1", "--after", "1"],
    ["show", "story", "2"],
]


@contextmanager
def _statements(seen: list[tuple[str, Any]]) -> Iterator[None]:
    """Record every SELECT sent while the block runs (query commands read through
    `factdb.store.driver`, not SQLAlchemy)."""

    def record(statement: str, parameters: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    stop = driver.observe(record)
    try:
        yield
    finally:
        stop()


def _scans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    """Every step of the statements' plans that reads a growing table whole."""
    found = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for row in plan:
                step = re.match(r"SCAN (\w+?)(?:_\d+)?\b", str(row[-1]))
                if step and step.group(1) in GROWING_TABLES:
                    found.append(f"{row[-1]}: {statement[:300]}")
    return found


@pytest.mark.parametrize("command", FILTERED_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_every_query_filter_is_answered_by_an_index(
    command: list[str], fmt: str, sqlite_archive: str, runner: CliRunner
) -> None:
    """EXPLAIN every statement a filtered query sends (the page, the records, the count):
    none may read a growing table whole, so the cost follows what the filter selects, not
    the size of the archive. (The small `source` and `entity` tables may be read whole:
    they name outlets and entities, not articles.)"""
    url = sqlite_archive
    seen: list[tuple[str, Any]] = []
    with _statements(seen):
        result = invoke(runner, url, *command, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert any(" IN (" in s or "WHERE" in s for s, _ in seen)
    engine = db.create_db_engine(url)
    try:
        assert _scans(engine, seen) == []
    finally:
        engine.dispose()


def test_conflicts_keep_and_order_by_their_confidence(
    archive: str, runner: CliRunner, tmp_path: Path
) -> None:
    """--min-confidence keeps the flags at least that likely to be right; --order confidence
    lists them least confident first (so a table's default page holds the most confident)."""
    every = rows(runner, archive, "conflicts", "--status", "all")
    levels = sorted({c["confidence"] for c in every})
    assert len(every) >= 2 and all(0.0 <= c["confidence"] <= 1.0 for c in every)
    middle = levels[len(levels) // 2]
    kept = rows(runner, archive, "conflicts", "--status", "all", "--min-confidence", str(middle))
    assert kept == [c for c in every if c["confidence"] >= middle]
    ordered = rows(runner, archive, "conflicts", "--status", "all", "--order", "confidence")
    by_confidence = sorted(every, key=lambda c: (c["confidence"], c["id"]))
    assert [c["id"] for c in ordered] == [c["id"] for c in by_confidence]
    page = rows(
        runner,
        archive,
        "conflicts",
        "--status",
        "all",
        "--order",
        "confidence",
        "--limit",
        "1",
        "--after",
        str(by_confidence[0]["id"]),
    )
    assert [c["id"] for c in page] == [by_confidence[1]["id"]]
    for wrong in (["--order", "sideways"], ["--min-confidence", "1.5"]):
        result = invoke(runner, archive, "conflicts", *wrong)
        assert result.exit_code == 2, result.output


# --- pages ---------------------------------------------------------------------------------


def test_a_default_table_shows_the_newest_page_and_how_many_there_are(
    archive: str, runner: CliRunner
) -> None:
    every = rows(runner, archive, "claims")
    assert len(every) > DEFAULT_PAGE
    result = invoke(runner, archive, "claims", "--format", "table")
    assert result.exit_code == 0, result.output
    assert (
        f"Note: showing the newest {DEFAULT_PAGE} of {len(every):,}; --limit/--offset or --all"
        in result.stderr
    )
    shown = [int(m) for m in re.findall(r"^│ (\d+) ", result.stdout, re.MULTILINE)]
    assert shown == [c["id"] for c in every[-DEFAULT_PAGE:]]
    everything = invoke(runner, archive, "claims", "--format", "table", "--all")
    assert "Note:" not in everything.stderr
    assert len(re.findall(r"^│ (\d+) ", everything.stdout, re.MULTILINE)) == len(every)


def test_a_count_stops_at_its_limit(
    archive: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past COUNTED_AT_MOST rows a listing says "more than" instead of counting millions."""

    every = rows(runner, archive, "claims")
    monkeypatch.setattr(pages_query, "COUNTED_AT_MOST", len(every) - 1)
    result = invoke(runner, archive, "claims", "--format", "table")
    assert f"of more than {len(every) - 1:,};" in result.stderr
    monkeypatch.setattr(pages_query, "COUNTED_AT_MOST", len(every))
    result = invoke(runner, archive, "claims", "--format", "table")
    assert f"showing the newest {DEFAULT_PAGE} of {len(every):,};" in result.stderr


def test_a_count_that_takes_too_long_is_left_out(
    sqlite_archive: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note gives up counting after COUNTING_SECONDS (here none) and says so."""

    url = sqlite_archive
    monkeypatch.setattr(pages_query, "COUNTING_SECONDS", 0.0)
    result = invoke(runner, url, "claims", "--format", "table")
    assert result.exit_code == 0, result.output
    assert f"showing the newest {DEFAULT_PAGE} (not counted: over 0.0 s of counting)" in (
        result.stderr
    )


def test_a_bounded_statement_stops_and_the_read_goes_on(db_url: str, runner: CliRunner) -> None:
    """`Reader.scalar_within` stops a statement at its time limit (None), and the command's
    read transaction goes on; within the limit it answers."""
    assert invoke(runner, db_url, "db", "upgrade").exit_code == 0
    reader = connect.open_reader(db_url)
    try:
        endless = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
            "SELECT count(*) FROM n"
        )
        assert reader.scalar_within(endless, (), 0.05) is None
        assert reader.scalar_within("SELECT count(*) FROM claim", (), 5.0) == 0
        assert reader.scalar("SELECT 1") == 1
    finally:
        reader.close()


def test_a_sibling_reader_reads_the_same_database_beside_the_first(
    db_url: str, runner: CliRunner
) -> None:
    """`Reader.sibling` opens a second connection for a count run in another thread: on
    PostgreSQL it shares the first reader's snapshot and settings (a source added since is
    not seen), on SQLite it takes its own snapshot when it first reads."""
    assert invoke(runner, db_url, "db", "upgrade").exit_code == 0
    reader = connect.open_reader(db_url)
    try:
        assert reader.scalar("SELECT count(*) FROM source") == 0
        if reader.dialect == "postgresql":
            reader.set_local("work_mem", "64MB")
        execute(db_url, "INSERT INTO source (name) VALUES ('Later Wire')")
        sibling = reader.sibling()
        assert sibling is not None
        try:
            sources = sibling.scalar("SELECT count(*) FROM source")
            if reader.dialect == "postgresql":
                assert sources == 0
                assert sibling.scalar("SELECT current_setting('work_mem')") == "64MB"
            else:
                assert sources == 1
        finally:
            sibling.close()
        assert reader.scalar("SELECT count(*) FROM source") == 0
    finally:
        reader.close()


def test_a_count_beside_the_page_gives_the_count_and_stops_when_told(
    db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pages_query.Counting` counts a selection on a sibling connection in a thread; `stop`
    interrupts a long count at once (a page that did not fill needs no count)."""
    import time

    assert invoke(runner, db_url, "db", "upgrade").exit_code == 0
    monkeypatch.setattr(pages_query, "COUNTING_SECONDS", 60.0)
    reader = connect.open_reader(db_url)
    try:
        numbers = sql_query.Selection(
            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7) "
            "SELECT i FROM n) AS numbers"
        )
        assert pages_query.Counting(reader, numbers).result() == 7
        endless = sql_query.Selection(
            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 1000000000) SELECT count(*) AS c FROM n) AS endless"
        )
        counting = pages_query.Counting(reader, endless)
        time.sleep(0.2)  # under way
        started = time.perf_counter()
        counting.stop()
        assert time.perf_counter() - started < 5
        assert counting.result() is None
        assert reader.scalar("SELECT 1") == 1  # the first reader goes on
    finally:
        reader.close()


def test_scripts_get_every_row_without_paging_options(archive: str, runner: CliRunner) -> None:
    lines = invoke(runner, archive, "claims", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == rows(runner, archive, "claims")
    assert len(lines) > DEFAULT_PAGE


@pytest.mark.parametrize(
    "command", [["claims"], ["conflicts", "--status", "all"], ["articles"], ["facts"]]
)
def test_pages_by_after_and_by_offset_walk_every_row_once(
    command: list[str], archive: str, runner: CliRunner
) -> None:
    every = rows(runner, archive, *command)
    assert len(every) >= 3
    size = max(1, len(every) // 4)
    walked: list[dict[str, Any]] = []
    after: list[str] = []
    while page := rows(runner, archive, *command, "--limit", str(size), *after):
        walked += page
        after = ["--after", str(page[-1]["id"])]
    assert walked == every
    by_offset = [
        r
        for start in range(0, len(every), size)
        for r in rows(runner, archive, *command, "--limit", str(size), "--offset", str(start))
    ]
    assert by_offset == every


@pytest.mark.parametrize(
    "command",
    [
        ["claims"],
        ["claims", "--source", "Courier"],
        ["conflicts", "--status", "all"],
        ["conflicts", "--entity", "Brennmoor"],
        ["facts"],
        ["facts", "--search", "killed"],
    ],
    ids=" ".join,
)
def test_pages_read_from_id_windows_are_the_same_pages(
    command: list[str], archive: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a page is read from the ids nearest its start first, in wider and wider
    windows (`pages_query.FIRST_WINDOW`, then eight times as many, then all): with windows of
    one id, every page (first, after an id, the newest) is what reading everything gives."""

    every = rows(runner, archive, *command)
    assert len(every) >= 3
    monkeypatch.setattr(pages_query, "FIRST_WINDOW", 1)
    for size in (1, 3, len(every) + 2):
        assert rows(runner, archive, *command, "--limit", str(size)) == every[:size]
        after = ["--after", str(every[0]["id"])]
        assert rows(runner, archive, *command, "--limit", str(size), *after) == every[1 : 1 + size]
    table = invoke(runner, archive, *command, "--format", "table")
    assert table.exit_code == 0, table.output
    shown = [int(m) for m in re.findall(r"^│ (\d+) ", table.stdout, re.MULTILINE)]
    assert shown == [r["id"] for r in every[-DEFAULT_PAGE:]]


@pytest.mark.parametrize(
    "option",
    [
        ["--source", "Courier"],
        ["--since", "2024-05-15", "--until", "2024-05-31"],
        ["--entity", "Brennmoor"],
        ["--search", "killed"],
        ["--source", "Courier", "--entity", "Brennmoor"],
    ],
    ids=" ".join,
)
def test_conflicts_of_narrow_and_broad_filters_are_found_either_way(
    option: list[str], archive: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A narrow claim filter finds its conflicts from its claims, a broad one checks the
    conflicts' claims from the newest (`sql_query.NARROW` decides): both find the same."""

    found = {}
    for narrow in (0, 10**9):
        monkeypatch.setattr(sql_query, "NARROW", narrow)
        found[narrow] = rows(runner, archive, "conflicts", "--status", "all", *option)
        page = rows(runner, archive, "conflicts", "--status", "all", *option, "--limit", "2")
        assert page == found[narrow][:2]
    assert found[0] == found[10**9]
    assert found[0]


def test_a_search_the_planner_expects_to_be_common_is_broad_without_counting_it(
    own_archive: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a search whose estimated matches (from the full-text index's word
    statistics) are over twice NARROW is broad without its matches being counted (a heap
    page read per match); on SQLite, or under that estimate, they are counted."""

    execute(own_archive, "ANALYZE")
    every = rows(runner, own_archive, "conflicts", "--status", "all", "--search", "killed")
    assert every
    sent: list[str] = []
    for narrow in (1, 10**9):
        monkeypatch.setattr(sql_query, "NARROW", narrow)
        sent.clear()
        stop = driver.observe(lambda sql, _: sent.append(sql))
        try:
            found = rows(runner, own_archive, "conflicts", "--status", "all", "--search", "killed")
        finally:
            stop()
        assert found == every
        searched = ("claim_fts", "to_tsvector")
        counted = any("AS probed" in sql and any(s in sql for s in searched) for sql in sent)
        assert counted == (narrow > 1 or own_archive.startswith("sqlite"))


def test_timeline_pages_compare_with_reports_before_the_page(
    archive: str, runner: CliRunner
) -> None:
    """A report's relation is the same on any page: earlier reports of its fact count even
    when they are on an earlier page."""
    every = rows(runner, archive, "timeline", "--counted", "killed")
    assert any(r["relation"] != "first report" for r in every)
    last = rows(runner, archive, "timeline", "--counted", "killed", "--offset", str(len(every) - 2))
    assert last == every[-2:]


def test_paging_usage_errors(archive: str, runner: CliRunner) -> None:
    both = invoke(runner, archive, "claims", "--all", "--limit", "5")
    assert both.exit_code == 2
    assert "Error: --all prints every row" in both.stderr
    unknown = invoke(runner, archive, "articles", "--after", "999999")
    assert unknown.exit_code == 2
    assert "Error: --after: no row with id 999999" in unknown.stderr


# --- full-text search ------------------------------------------------------------------------


def test_search_finds_words_through_the_full_text_index(archive: str, runner: CliRunner) -> None:
    """Stemmed words as a phrase, on both backends: "kill" finds "killed"; "basis points"
    finds the phrase; claims, conflicts, facts, articles and timeline all search."""
    killed = rows(runner, archive, "claims", "--search", "kill")
    assert killed and all(re.search(r"\bkill", c["text"], re.IGNORECASE) for c in killed)
    assert len(killed) == len(rows(runner, archive, "claims", "--search", "KILLED"))
    phrase = rows(runner, archive, "claims", "--search", "basis points")
    assert phrase and all("basis points" in c["text"] for c in phrase)
    assert rows(runner, archive, "claims", "--search", "points basis") == []
    assert rows(runner, archive, "claims", "--search", "?!") == []
    conflicts = rows(runner, archive, "conflicts", "--status", "all", "--search", "killed")
    assert conflicts and all(
        "kill" in (c["claim_a"]["text"] + c["claim_b"]["text"]).lower() for c in conflicts
    )
    articles = rows(runner, archive, "articles", "--search", "Brennmoor")
    assert {a["source"] for a in articles} >= {"Brennmoor Courier"}


# --- start-up ------------------------------------------------------------------------------


def test_query_commands_import_neither_the_orm_alembic_rich_spacy_nor_dateparser(
    archive: str, tmp_path: Path
) -> None:
    """The heavy imports belong to the commands that need them: SQLAlchemy, SQLModel and
    pydantic to writing and migrating (a query reads through the driver, `factdb.store.driver`;
    Typer before 0.29 parses options without pydantic), Alembic to
    migrating, rich to tables, spaCy to ingest, dateparser to dates that are not ISO dates;
    `--help` needs no database layer at all, nor the readers of ingest."""
    commands = [
        ["claims", "--since", "2024-05-01", "--search", "killed"],
        ["conflicts", "--status", "all", "--kind", "number"],
        ["facts", "--counted", "killed"],
        ["timeline", "--counted", "killed"],
        ["timeline", "--entity", "Brennmoor", "--limit", "3"],
        ["articles", "--source", "Courier"],
        ["sources"],
        ["stories"],
        ["show", "claim", "1"],
        ["show", "article", "1"],
        ["show", "fact", "1"],
        ["stats"],
    ]
    code = (
        "import sys; from typer.testing import CliRunner; from factdb.cli.app import app\n"
        f"for command in {commands!r}:\n"
        f"    r = CliRunner().invoke(app, [*command, '--db', {archive!r}, '--format', 'json'])\n"
        "    assert r.exit_code == 0 and len(r.stdout) > 20, (command, r.output)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'sqlmodel', 'pydantic', 'alembic', 'rich', 'spacy', 'dateparser', "
        "'pint'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    code = (
        "import sys; from factdb.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'sqlmodel', 'alembic', 'rich', 'spacy'} | "
        "({'factdb.inputs.readers'} & set(sys.modules))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_query_on_an_older_schema_upgrades_it_first_then_reads_the_same(
    own_archive: str, runner: CliRunner
) -> None:
    """Only a database at the newest migration opens without SQLAlchemy; one behind it goes
    through `db.open_engine`, which upgrades it, and the answer is the same."""
    before = rows(runner, own_archive, "articles", "--entity", "Brennmoor")
    assert before
    assert invoke(runner, own_archive, "db", "downgrade", "0011", "--yes").exit_code == 0
    assert rows(runner, own_archive, "articles", "--entity", "Brennmoor") == before
    assert invoke(runner, own_archive, "db", "current").stdout.strip() == db.head_revision()


def test_the_entry_point_builds_only_the_command_it_runs(archive: str, runner: CliRunner) -> None:
    """`factdb stats` builds the Click command of `stats` alone (start-up time); the answers
    are those of the whole tree, and --help, --version or a misspelt name get the whole tree."""
    from factdb.cli import app as cli_app

    for name in ("stats", "conflicts", "show"):
        lean = cli_app._only_command(name)
        assert lean is not None
        assert len(lean.registered_commands) + len(lean.registered_groups) == 1
    for name in (None, "--help", "--version", "conflict"):
        assert cli_app._only_command(name) is None
    for command in (["stats"], ["conflicts", "--kind", "number"], ["show", "claim", "1"]):
        arguments = [*command, "--db", archive, "--format", "json"]
        lean = cli_app._only_command(command[0])
        assert lean is not None
        assert runner.invoke(lean, arguments).stdout == runner.invoke(app, arguments).stdout


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"entity": "Brennmoor"},
        {"counted": "killed"},
        {"source": "Courier"},
        {"search": "killed"},
        {"source": "Courier", "entity": "Brennmoor"},
    ],
    ids=["all", "entity", "counted", "source", "search", "source-entity"],
)
def test_a_timeline_page_at_either_end_is_that_end_of_the_whole_timeline(
    archive: str, filters: dict[str, str]
) -> None:
    """The newest page and a first page read the articles at one end of the archive only (a
    window of weeks from the newest / oldest article the source, date and entity filters
    keep, widened until it holds the page), yet show exactly the last / first rows of the
    full timeline."""
    from factdb.nlp.synonyms import load_synonyms
    from factdb.query import timeline as timeline_query

    reader = connect.open_reader(archive)
    synonyms = load_synonyms()
    try:
        every = timeline_query.timeline(reader, timeline_query.TimelineFilters(**filters), synonyms)
        assert len(every) > 3
        for size in (1, 3, 6, len(every) + 5):
            newest = timeline_query.TimelineFilters(**filters, limit=size, newest=True)
            assert timeline_query.timeline(reader, newest, synonyms) == every[-size:]
            first = timeline_query.TimelineFilters(**filters, limit=size)
            assert timeline_query.timeline(reader, first, synonyms) == every[:size]
            second = timeline_query.TimelineFilters(**filters, limit=size, offset=2)
            assert timeline_query.timeline(reader, second, synonyms) == every[2 : 2 + size]
    finally:
        reader.close()


# --- stats and sources -----------------------------------------------------------------------


def _recount(url: str) -> dict[str, Any]:
    """What `factdb stats` says, and the articles and claims of each source that `factdb
    sources` lists, counted row by row in Python."""
    from sqlmodel import Session, select

    from factdb.store import models

    engine = db.open_engine(url)
    try:
        with Session(engine) as session:

            def every(model: Any) -> list[Any]:
                return list(session.exec(select(model)))

            claims = {c.id: c for c in every(models.Claim)}
            articles = every(models.Article)
            facts: dict[int, set[int]] = {}
            for member in every(models.FactClaim):
                facts.setdefault(member.fact_id, set()).add(claims[member.claim_id].article_id)
            per_source = {
                source.name: {
                    "articles": sum(1 for a in articles if a.source_id == source.id),
                    "claims": sum(
                        1 for c in claims.values() if by_id[c.article_id].source_id == source.id
                    ),
                }
                for source in every(models.Source)
                if (by_id := {a.id: a for a in articles})
            }
            by_kind: dict[str, dict[str, int]] = {}
            for conflict in every(models.Conflict):
                kind = by_kind.setdefault(conflict.kind, {})
                kind[conflict.status] = kind.get(conflict.status, 0) + 1
            return {
                "sources": len(every(models.Source)),
                "articles": len(articles),
                "articles_without_date": sum(1 for a in articles if a.published is None),
                "claims": len(claims),
                "quantities": len(every(models.Quantity)),
                "entities": len(every(models.Entity)),
                "conflicts": sum(n for kind in by_kind.values() for n in kind.values()),
                "conflicts_by_kind": by_kind,
                "facts": len(every(models.Fact)),
                "facts_with_several_articles": sum(1 for a in facts.values() if len(a) > 1),
                "copies": len(every(models.ArticleCopy)),
                "ingest_runs": len(every(models.IngestRun)),
                "per_source": per_source,
            }
    finally:
        engine.dispose()


def test_stats_tallies_stay_exact_through_every_kind_of_change(
    own_archive: str, runner: CliRunner
) -> None:
    """`stats` and `sources` read the tallies the database keeps (migration 0013's triggers)
    instead of counting: after ingest, review, a source merge, a deletion, a re-match and a
    downgrade and upgrade, they still say what counting the rows says."""

    def check() -> dict[str, Any]:
        stats = json.loads(invoke(runner, own_archive, "stats", "--format", "json").stdout)
        del stats["last_run"]
        stats["per_source"] = {
            s["name"]: {"articles": s["articles"], "claims": s["claims"]}
            for s in rows(runner, own_archive, "sources")
        }
        assert stats == _recount(own_archive)
        return stats

    first = check()
    assert first["facts_with_several_articles"] > 0 and first["conflicts"] > 1
    conflicts = rows(runner, own_archive, "conflicts")
    dismissed = invoke(
        runner, own_archive, "conflicts", "dismiss", str(conflicts[0]["id"]), "--note", "x"
    )
    assert dismissed.exit_code == 0
    resolved = invoke(
        runner, own_archive, "conflicts", "resolve", str(conflicts[1]["id"]), "--note", "x"
    )
    assert resolved.exit_code == 0
    assert check()["conflicts_by_kind"] != first["conflicts_by_kind"]
    sources = [s["name"] for s in rows(runner, own_archive, "sources")]
    assert invoke(runner, own_archive, "sources", "merge", sources[0], sources[1]).exit_code == 0
    assert check()["sources"] == first["sources"] - 1
    several = [a for a in rows(runner, own_archive, "articles") if a["claims"]]
    assert invoke(runner, own_archive, "delete", "article", str(several[-1]["id"])).exit_code == 0
    assert check()["claims"] < first["claims"]
    assert invoke(runner, own_archive, "rematch").exit_code == 0
    check()
    # Downgraded past 0013 and upgraded again, the tallies are counted afresh.
    assert invoke(runner, own_archive, "db", "downgrade", "0012", "--yes").exit_code == 0
    assert invoke(runner, own_archive, "db", "upgrade").exit_code == 0
    check()


def test_sources_count_claims_as_a_walk_of_the_rows_does(archive: str, runner: CliRunner) -> None:
    """`sources` counts claims per article, then sums them by source (one index read)."""
    listed = {s["id"]: (s["name"], s["claims"]) for s in rows(runner, archive, "sources")}
    per_source: dict[str, int] = {}
    by_article = {a["id"]: a for a in rows(runner, archive, "articles", "--all-versions")}
    for claim in rows(runner, archive, "claims", "--all-versions"):
        source = by_article[claim["article_id"]]["source"]
        per_source[source] = per_source.get(source, 0) + 1
    assert {name: n for name, n in listed.values()} == {
        name: per_source.get(name, 0) for name, _ in listed.values()
    }


def test_stats_reads_no_growing_table(sqlite_archive: str) -> None:
    """`factdb stats` on ten million claims reads the tallies and the newest ingest run,
    never a table that grows with the archive, not even its index."""
    url = sqlite_archive
    runner = CliRunner()
    seen: list[tuple[str, Any]] = []
    with _statements(seen):
        assert invoke(runner, url, "stats", "--format", "json").exit_code == 0
    engine = db.create_db_engine(url)
    try:
        with engine.connect() as connection:
            steps = [
                str(row[-1])
                for statement, parameters in seen
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
    finally:
        engine.dispose()
    read = {found.group(1) for step in steps if (found := re.match(r"(?:SCAN|SEARCH) (\w+)", step))}
    assert "tally" in read and read <= {"tally", "ingest_run", "alembic_version"}


@pytest.mark.postgres
def test_postgresql_connections_do_without_the_jit_compiler(postgres_url: str) -> None:
    """JIT compiling took longer than the short statements it was meant to speed up; a URL
    that sets its own options keeps them."""
    db_url = postgres_url
    engine = db.create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
    finally:
        engine.dispose()
    url = make_url(db_url)
    own = url.query.get("options")
    url = url.update_query_dict({"options": f"{own or ''} -c jit=on".strip()})
    engine = db.create_db_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "on"
    finally:
        engine.dispose()
    # The query commands' own connection (`factdb.store.driver`) does the same.
    assert invoke(CliRunner(), db_url, "db", "upgrade").exit_code == 0
    for shown, expected in ((db_url, "off"), (url.render_as_string(hide_password=False), "on")):
        reader = connect.open_reader(shown)
        try:
            assert reader.close == reader.connection.close  # opened without SQLAlchemy
            assert reader.scalar("SHOW jit") == expected
        finally:
            reader.close()


# --- stories as a filter ---------------------------------------------------------------------


def test_story_filter_and_show_story_in_every_format(archive: str, runner: CliRunner) -> None:
    """`--story ID` keeps exactly one story's claims, facts, conflicts and timeline reports;
    `show story ID` holds its articles by date and source, its facts with their state and
    its open conflicts, in every format; `stories` pages like every other listing."""
    stories = rows(runner, archive, "stories")
    kessler = next(s for s in stories if "Kessler" in s["label"])
    seeds = next(s for s in stories if s["id"] != kessler["id"])
    story = str(kessler["id"])
    articles = {a["id"]: a for a in rows(runner, archive, "articles")}
    in_story = {i for i, a in articles.items() if a["story_id"] == kessler["id"]}
    assert len(in_story) == 4

    claims = rows(runner, archive, "claims", "--story", story)
    every = rows(runner, archive, "claims")
    assert claims == [c for c in every if c["article_id"] in in_story]
    facts = rows(runner, archive, "facts", "--story", story)
    assert facts and len(facts) == kessler["facts"]
    assert all(c["article_id"] in in_story for f in facts for c in f["claims"])
    conflicts = rows(runner, archive, "conflicts", "--story", story)
    assert conflicts == rows(runner, archive, "conflicts")  # the seeds have no conflict
    assert rows(runner, archive, "conflicts", "--story", str(seeds["id"])) == []
    timeline = rows(runner, archive, "timeline", "--story", story, "--counted", "killed")
    assert timeline and all(r["article_id"] in in_story for r in timeline)
    assert len(rows(runner, archive, "timeline", "--story", str(seeds["id"]))) > 0

    shown = json.loads(invoke(runner, archive, "show", "story", story, "--format", "json").stdout)
    assert {k: shown[k] for k in kessler} == kessler
    dates = [(a["published"], a["source"]) for a in shown["article_list"]]
    assert dates == sorted(dates) and {a["id"] for a in shown["article_list"]} == in_story
    assert [f["id"] for f in shown["fact_list"]] == [f["id"] for f in facts]
    assert [f["state"] for f in shown["fact_list"]] == [f["state"] for f in facts]
    assert "claims" not in shown["fact_list"][0]
    assert [k["id"] for k in shown["conflict_list"]] == [k["id"] for k in conflicts]
    assert all(k["status"] == "open" for k in shown["conflict_list"])

    table = invoke(runner, archive, "show", "story", story)
    assert table.exit_code == 0, table.output
    for heading in ("Articles", "Facts", "Open conflicts", "Ostmark Radio", "conflict"):
        assert heading in table.stdout
    line = invoke(runner, archive, "show", "story", story, "--format", "jsonl")
    assert json.loads(line.stdout)["conflict_list"] == shown["conflict_list"]
    sheet = invoke(runner, archive, "show", "story", story, "--format", "csv")
    assert sheet.stdout.splitlines()[0] == "field,value" and "article_list" in sheet.stdout
    missing = invoke(runner, archive, "show", "story", "999")
    assert missing.exit_code == 2
    assert "no story with id 999; list them with `factdb stories`" in missing.stderr
    assert invoke(runner, archive, "claims", "--story", "0").exit_code == 2

    # Pages: by the last article's date; --limit/--offset/--after walk them, --all is every one.
    assert [s["id"] for s in stories] == [seeds["id"], kessler["id"]]
    assert rows(runner, archive, "stories", "--limit", "1") == [seeds]
    assert rows(runner, archive, "stories", "--limit", "1", "--offset", "1") == [kessler]
    assert rows(runner, archive, "stories", "--after", str(seeds["id"])) == [kessler]
    assert len(rows(runner, archive, "stories", "--all")) == 2
    both = invoke(runner, archive, "stories", "--all", "--limit", "1")
    assert both.exit_code == 2


@pytest.mark.parametrize("listing", ["stories", "sources"])
def test_the_tables_of_stories_and_sources_show_their_first_and_last_dates(
    archive: str, runner: CliRunner, listing: str
) -> None:
    """Each dated row of the table shows the first and last publication dates its JSON gives."""
    result = runner.invoke(app, [listing, "--db", archive], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for row in rows(runner, archive, listing):
        for day in (row["first_published"], row["last_published"]):
            if day is not None:
                assert day in result.stdout, (day, result.stdout)
