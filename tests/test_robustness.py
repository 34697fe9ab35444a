"""Robust under real use: one bad article never takes the others down, long articles parse in
pieces, and a database is never created, damaged or revealed by accident (issue 12).

Every test goes through the CLI on text."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.nlp import extract
from factdb.nlp.extract import ArticleText, extract_article, extract_claims, text_chunks

from .conftest import REPO, SEED_000, SEED_001, SEEDS

# What opening a database does, on every kind of file: migrated for real, never copied.
pytestmark = pytest.mark.real_migrations

GOOD = (
    "source: Harbour Post\ndate: 2023-03-02\nurl: unknown\ntitle: unknown\n\n"
    "At least 12 fishermen were rescued on Wednesday after their trawler sank, the coast guard "
    "said.\n"
)
BAD = (
    "source: Harbour Post\ndate: 2023-03-02\nurl: unknown\ntitle: unknown\n\n"
    "The EXPLODE marker makes this article fail. Five boats were lost.\n"
)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def _json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- one bad article ----------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    _write(tmp_path, "a-good.txt", GOOD)
    _write(tmp_path, "b-bad.txt", BAD)
    _write(tmp_path, "c-good.txt", GOOD.replace("12 fishermen", "14 sailors"))
    return tmp_path / "in"


def _explode_in_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract.split_claims

    def split_claims(sent: Any, index: int, coreference: Any = None) -> Any:
        if "EXPLODE" in sent.text:
            raise ValueError("simulated extraction bug")
        return real(sent, index, coreference)

    monkeypatch.setattr(extract, "split_claims", split_claims)


def test_an_extraction_failure_rejects_that_article_only(
    inputs: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _explode_in_extraction(monkeypatch)
    result = runner.invoke(app, ["ingest", str(inputs), "--db", db_url])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "b-bad.txt" in errors[0] and "ValueError: simulated extraction bug" in errors[0]
    assert "Traceback" not in result.output
    origins = [a["origin"] for a in _json(runner, "articles", "--db", db_url)]
    assert sorted(Path(o).name for o in origins) == ["a-good.txt", "c-good.txt"]


def test_a_storing_failure_rejects_that_article_and_leaves_nothing_of_it(
    inputs: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factdb.ingest.pipeline as ingest_module

    real = ingest_module.match_article

    def match_article(session: Any, article_id: int, synonyms: Any) -> Any:
        if (
            "EXPLODE"
            in session.execute(
                text("SELECT text FROM article WHERE id = :id"), {"id": article_id}
            ).scalar_one()
        ):
            raise KeyError("simulated matching bug")
        return real(session, article_id, synonyms)

    monkeypatch.setattr(ingest_module, "match_article", match_article)
    result = runner.invoke(app, ["ingest", str(inputs), "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "b-bad.txt: storing it failed (KeyError" in result.stderr
    assert _json(runner, "stats", "--db", db_url)["articles"] == 2
    claims = _json(runner, "claims", "--db", db_url)
    assert all("EXPLODE" not in claim["text"] for claim in claims)


def test_a_reading_failure_rejects_that_file_only(
    inputs: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factdb.inputs.readers as readers

    real = readers.parse_article

    def parse_article(raw: str, origin: str, overrides: Any = readers.NO_OVERRIDES) -> Any:
        if "EXPLODE" in raw:
            raise IndexError("simulated reader bug")
        return real(raw, origin, overrides)

    monkeypatch.setattr(readers, "parse_article", parse_article)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = runner.invoke(app, ["ingest", str(inputs), "--db", url])
    assert result.exit_code == 1
    assert "b-bad.txt: reading it failed (IndexError: simulated reader bug)" in result.stderr
    assert _json(runner, "stats", "--db", url)["articles"] == 2


def _long_article(paragraphs: int) -> str:
    """Distinct paragraphs of news prose (numbers vary so that no two are the same)."""
    return "\n\n".join(
        f"Rescuers said {n + 3} people were killed and {2 * n + 5} injured when the storm hit "
        f"the district of Harbour {n} on Tuesday. The governor promised {n + 1} million dollars "
        "in aid, officials said."
        for n in range(paragraphs)
    )


def test_the_article_timeout_rejects_a_slow_article_and_the_run_goes_on(
    inputs: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    real = extract.split_claims

    def slow_split_claims(sent: Any, index: int, coreference: Any = None) -> Any:
        if "EXPLODE" in sent.text:
            time.sleep(30)
        return real(sent, index, coreference)

    monkeypatch.setattr(extract, "split_claims", slow_split_claims)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    started = time.monotonic()
    result = runner.invoke(app, ["ingest", str(inputs), "--article-timeout", "1", "--db", url])
    assert time.monotonic() - started < 25
    assert result.exit_code == 1, result.output
    assert "b-bad.txt: parsing it took longer than the --article-timeout of 1 s" in result.stderr
    assert _json(runner, "stats", "--db", url)["articles"] == 2


def test_the_article_timeout_holds_in_worker_processes_too(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Two worker processes; the long article (a minute of parsing) runs out of time, the
    seeds (a second each) still go in. The clock starts when a worker begins the article,
    after loading its pipeline, so 8 s leaves a seed room on a busy machine."""
    long_text = "source: Storm Wire\ndate: 2023-03-02\n\n" + _long_article(3000)
    long_path = _write(tmp_path, "long.txt", long_text)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    args = ["ingest", str(SEEDS), str(long_path), "--workers", "2", "--article-timeout", "8"]
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 1, result.output
    assert "long.txt: parsing it took longer than the --article-timeout of 8 s" in result.stderr
    assert _json(runner, "stats", "--db", url)["articles"] == 2


def test_thousands_of_tiny_sentences_are_ingested_not_a_crash(
    tmp_path: Path, runner: CliRunner
) -> None:
    """These ran the claim splitter into Python's recursion limit (one "sentence" of
    thousands of tokens), which ended the whole run with a traceback."""
    _write(tmp_path, "mr.txt", "Mr." * 4000)
    _write(tmp_path, "died.txt", "26 died." * 3000)
    _write(tmp_path, "good.txt", GOOD)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", url])
    assert result.exit_code == 0, result.output
    assert _json(runner, "stats", "--db", url)["articles"] == 3


@pytest.mark.parametrize("header_date", ["0001-01-01", "9999-12-31", "0999-05-05"])
def test_a_header_date_off_the_calendar_is_ignored_not_a_crash(
    header_date: str, tmp_path: Path, runner: CliRunner
) -> None:
    """Resolving "on Friday" against 0001-01-01 ran off the calendar (OverflowError)."""
    _write(
        tmp_path,
        "odd.txt",
        f"DATE: {header_date}\n\n\nTanks arrived on Friday and 12 people were killed.\n",
    )
    _write(tmp_path, "good.txt", GOOD)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", url])
    assert result.exit_code == 0, result.output
    assert f"publication date {header_date!r} is not between 1800 and 2200" in result.stderr
    assert _json(runner, "stats", "--db", url)["articles"] == 2
    result = runner.invoke(app, ["ingest", str(SEED_000), "--date", header_date, "--db", url])
    assert result.exit_code == 2
    assert "is not a publication date between 1800 and 2200" in result.stderr


def test_a_nul_past_the_first_kilobytes_is_rejected_as_binary(
    db_url: str, tmp_path: Path, runner: CliRunner
) -> None:
    """PostgreSQL cannot store NUL in text; the reader looked only at the first 8 KB."""
    _write(tmp_path, "nul.txt", GOOD + "x " * 6000 + "\x00 tail.\n")
    _write(tmp_path, "good.txt", GOOD)
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db_url])
    assert result.exit_code == 1
    assert "nul.txt: binary file (contains NUL bytes)" in result.stderr
    assert _json(runner, "stats", "--db", db_url)["articles"] == 1


# --- long articles ------------------------------------------------------------------------


def test_text_chunks_cover_the_text_at_paragraphs_within_the_limit() -> None:
    body = "First paragraph here.\n\nSecond one, longer than the others.\n\nThird.\n"
    assert text_chunks(body, limit=1000) == [(0, len(body))]
    chunks = text_chunks(body, limit=40)
    second, third = body.index("Second"), body.index("Third")
    assert chunks == [(0, second), (second, third), (third, len(body))]
    assert all(end - start <= 30 for start, end in text_chunks(body, limit=30))
    assert "".join(body[s:e] for s, e in chunks) == body
    word = "x" * 95
    assert [e - s for s, e in text_chunks(word, limit=40)] == [40, 40, 15]


def test_a_long_article_is_parsed_in_pieces_with_offsets_into_the_whole_text(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _long_article(12)
    whole = extract_claims(nlp(body), None)
    monkeypatch.setattr(extract, "CHUNK_CHARS", 700)
    assert len(text_chunks(body)) > 2
    pieces = extract_article(nlp, ArticleText(body, None))
    assert [(c.start, c.end, c.text, c.sentence_index) for c in pieces] == [
        (c.start, c.end, c.text, c.sentence_index) for c in whole
    ]
    for claim in pieces:
        assert body[claim.start : claim.end] == claim.text
        for quantity in claim.quantities:
            assert body[quantity.start : quantity.end] == quantity.raw


def test_a_megabyte_article_is_ingested_with_evidence_cut_from_its_text(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over spaCy's 1,000,000-character limit, which rejected it before; the chunk size
    is made small so the test parses only its first pieces (the rest are whitespace)."""
    head = _long_article(6)
    body = head + "\n\n" + ("\n" * 1_000_000) + "The end came on Friday, police said."
    _write(tmp_path, "huge.txt", "source: Storm Wire\ndate: 2023-03-02\n\n" + body)
    monkeypatch.setattr(extract, "CHUNK_CHARS", 2_000)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", url])
    assert result.exit_code == 0, result.output
    claims = _json(runner, "claims", "--db", url)
    last = claims[-1]
    assert last["text"].startswith("The end came on Friday")
    assert last["evidence"]["start"] > 1_000_000
    assert last["evidence"]["text"] == last["text"]


# --- databases ----------------------------------------------------------------------------

QUERIES = [["stats"], ["claims"], ["articles"], ["db", "current"], ["db", "info"]]


@pytest.mark.parametrize("command", QUERIES)
def test_a_query_on_a_missing_database_creates_nothing(
    command: list[str], tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "no" / "such" / "dir" / "factdb.db"
    result = runner.invoke(app, [*command, "--db", str(path)])
    assert result.exit_code == 1, result.output
    assert f"Error: no database at {path}" in result.stderr
    assert not (tmp_path / "no").exists()


def test_ingest_and_db_upgrade_create_a_missing_database(tmp_path: Path, runner: CliRunner) -> None:
    first = tmp_path / "a" / "one.db"
    assert runner.invoke(app, ["db", "upgrade", "--db", str(first)]).exit_code == 0
    assert first.is_file()
    second = tmp_path / "b" / "two.db"
    result = runner.invoke(app, ["ingest", str(SEED_000), "--quiet", "--db", str(second)])
    assert result.exit_code == 0, result.output
    assert _json(runner, "stats", "--db", str(second))["articles"] == 1


@pytest.fixture
def foreign_postgres(postgres_url: str) -> str:
    """A PostgreSQL database (schema) holding someone else's table and no factdb schema."""
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer primary key, total numeric)"))
    engine.dispose()
    return postgres_url


def _tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_postgres_database_of_other_tables_is_left_alone(
    foreign_postgres: str, runner: CliRunner
) -> None:
    for command in (["stats"], ["claims"], ["ingest", str(SEED_000), "--quiet"]):
        result = runner.invoke(app, [*command, "--db", foreign_postgres])
        assert result.exit_code == 1, result.output
        assert "holds other tables (invoices) and no factdb schema" in result.stderr
        assert _tables(foreign_postgres) == {"invoices"}
    assert runner.invoke(app, ["db", "upgrade", "--db", foreign_postgres]).exit_code == 0
    assert {"invoices", "article", "claim"} <= _tables(foreign_postgres)
    result = runner.invoke(app, ["ingest", str(SEED_000), "--quiet", "--db", foreign_postgres])
    assert result.exit_code == 0, result.output


def test_a_sqlite_file_of_other_tables_is_left_alone(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body text)")
    result = runner.invoke(app, ["ingest", str(SEED_000), "--quiet", "--db", str(path)])
    assert result.exit_code == 1
    assert "holds other tables (notes) and no factdb schema" in result.stderr
    assert _tables(f"sqlite:///{path}") == {"notes"}


def test_a_query_on_an_empty_database_says_to_create_the_schema(
    db_url: str, runner: CliRunner
) -> None:
    if db_url.startswith("sqlite:///"):
        sqlite3.connect(db_url.removeprefix("sqlite:///")).close()  # an empty file
    result = runner.invoke(app, ["stats", "--db", db_url])
    assert result.exit_code == 1
    assert "has no factdb tables yet; `factdb ingest` or `factdb db upgrade`" in result.stderr
    assert not {"article", "claim"} & _tables(db_url)


@contextmanager
def _read_only_directory(directory: Path) -> Iterator[Path]:
    """`directory` seen read-only: a read-only bind mount for root (who may write any file),
    the permission bits for anyone else."""
    if os.geteuid() == 0:
        view = Path(tempfile.mkdtemp(prefix="factdb-ro-"))
        mounted = subprocess.run(["mount", "--bind", str(directory), str(view)], check=False)
        if mounted.returncode != 0:
            pytest.skip("cannot bind-mount a read-only view of a directory")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
            yield view
        finally:
            subprocess.run(["umount", str(view)], check=False)
            shutil.rmtree(view, ignore_errors=True)
    else:
        for path in directory.iterdir():
            path.chmod(stat.S_IRUSR)
        directory.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield directory
        finally:
            directory.chmod(stat.S_IRWXU)
            for path in directory.iterdir():
                path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_database_answers_queries_and_refuses_writes(
    tmp_path: Path, runner: CliRunner
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    result = runner.invoke(app, ["ingest", str(SEEDS), "--quiet", "--db", str(store / "f.db")])
    assert result.exit_code == 0, result.output
    before = sorted(p.name for p in store.iterdir())
    with _read_only_directory(store) as view:
        path = view / "f.db"
        assert _json(runner, "stats", "--db", str(path))["articles"] == 2
        assert len(_json(runner, "claims", "--numbers", "--db", str(path))) > 5
        for command in (
            ["ingest", str(REPO / "tests" / "articles"), "--quiet"],
            ["conflicts", "dismiss", "1", "--note", "x"],
            ["db", "downgrade", "base", "--yes"],
        ):
            result = runner.invoke(app, [*command, "--db", str(path)])
            assert result.exit_code == 1, (command, result.output)
            assert f"Error: {path} is read-only" in result.stderr
            assert "Traceback" not in result.output
    assert sorted(p.name for p in store.iterdir()) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://bob:hunter2@db.example/news", "unsupported database URL 'mysql://bob:***@"),
        ("nosuchdriver://x/y", "unsupported database URL 'nosuchdriver://x/y'"),
        ("postgresql+nosuchdriver://bob:hunter2@h/d", "unsupported database URL"),
        ("sqlite://", None),
    ],
)
def test_a_database_factdb_cannot_use_is_one_error_line(
    url: str, message: str | None, runner: CliRunner
) -> None:
    for command in (["stats"], ["ingest", str(SEED_000)], ["db", "info"]):
        result = runner.invoke(app, [*command, "--db", url])
        if message is None:  # an in-memory SQLite database: empty, so a query says so
            assert result.exit_code in (0, 1), result.output
        else:
            assert result.exit_code == 1, result.output
            assert result.stderr.count("Error:") == 1
            assert f"Error: {message}" in result.stderr
        assert "Traceback" not in result.output
        assert "hunter2" not in result.output


def test_a_file_that_is_not_a_database_is_one_error_line(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 200)
    for command in (["stats"], ["ingest", str(SEED_000), "--quiet"], ["db", "upgrade"]):
        result = runner.invoke(app, [*command, "--db", str(path)])
        assert result.exit_code == 1, result.output
        assert result.stderr.count("Error:") == 1
        assert f"{path} is not a usable SQLite database (file is not a database)" in result.stderr
    assert path.read_text().startswith("These are my notes")


def test_passwords_are_masked_in_every_message(runner: CliRunner) -> None:
    url = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/x"
    for command in (["stats"], ["ingest", str(SEED_000)], ["db", "upgrade"], ["db", "info"]):
        result = runner.invoke(app, [*command, "--db", url])
        assert result.exit_code == 1, result.output
        assert "hunter2" not in result.output
        assert "Error:" in result.stderr


def test_downgrade_asks_first_and_works_on_a_populated_database(
    db_url: str, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["ingest", str(SEED_000), str(SEED_001), "--quiet", "--db", db_url])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(app, ["db", "downgrade", "base", "--db", db_url], input="")
    assert refused.exit_code == 1
    assert "downgrade cancelled, nothing changed; pass --yes" in refused.stderr
    said_no = runner.invoke(app, ["db", "downgrade", "base", "--db", db_url], input="n\n")
    assert said_no.exit_code == 1
    assert "2 article(s) stored" in said_no.stderr
    assert _json(runner, "stats", "--db", db_url)["articles"] == 2
    result = runner.invoke(app, ["db", "downgrade", "base", "--yes", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert not {"article", "claim", "conflict"} & _tables(db_url)


@pytest.mark.parametrize(
    "args",
    [
        ["claims", "--limit", "99999999999999999999999"],
        ["claims", "--article", "99999999999999999999999"],
        ["facts", "--min-sources", "99999999999999999999999"],
        ["show", "claim", "99999999999999999999999"],
        ["conflicts", "resolve", "99999999999999999999999", "--note", "x"],
    ],
)
def test_a_huge_integer_option_is_a_usage_error(
    args: list[str], tmp_path: Path, runner: CliRunner
) -> None:
    """These overflowed inside the SQLite driver (a traceback); the help shows only the
    lower bound, the check says what the bound is for."""
    url = f"sqlite:///{tmp_path / 'f.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    assert "is larger than any id or count factdb stores" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_sql_wildcards_in_filters_match_only_themselves(db_url: str, runner: CliRunner) -> None:
    result = runner.invoke(app, ["ingest", str(SEEDS), "--quiet", "--db", db_url])
    assert result.exit_code == 0, result.output
    for args in (["articles", "--source", "%"], ["claims", "--search", "_"]):
        assert _json(runner, *args, "--db", db_url) == []
    assert _json(runner, "articles", "--source", "' OR '1'='1", "--db", db_url) == []
    assert _json(runner, "stats", "--db", db_url)["articles"] == 2
