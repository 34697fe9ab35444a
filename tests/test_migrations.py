"""Alembic is the only way tables are made: migrations round-trip and match the models."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from spacy.language import Language
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.store import connect, db, models

from .conftest import REPO

# Every database here is migrated for real (conftest.py copies a migrated one elsewhere).
pytestmark = pytest.mark.real_migrations

FACTDB_TABLES = {
    "source",
    "article",
    "claim",
    "quantity",
    "claim_time",
    "entity",
    "claim_entity",
    "conflict",
    "ingest_run",
    "feed",
    "fetched_url",
}


def _tables(url: str) -> set[str]:
    engine = db.create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(db_url: str) -> None:
    engine = db.create_db_engine(db_url)
    try:
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
        assert _tables(db_url) >= FACTDB_TABLES
        db.downgrade(engine, "base")
        assert db.current_revision(engine) is None
        assert not FACTDB_TABLES & _tables(db_url)
        db.upgrade(engine)
        assert _tables(db_url) >= FACTDB_TABLES
    finally:
        engine.dispose()


def _modelled(_object: object, name: str | None, type_: str, *_: object) -> bool:
    """Everything but the full-text machinery of migration 0008, which no model describes."""
    return not (type_ in ("table", "index") and models.is_full_text_object(name))


def test_the_head_read_from_the_migration_files_is_alembics() -> None:
    """`db.head_revision` reads the files without Alembic (start-up time); it must agree."""
    from alembic.script import ScriptDirectory

    assert db.head_revision() == ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_full_text_indexes_follow_inserts_updates_and_deletes(db_url: str) -> None:
    """The search index of 0008 sees rows written after the migration, and forgets them."""
    from sqlmodel import Session

    from factdb.query import sql as sql_query

    engine = db.open_engine(db_url)
    try:
        with Session(engine) as session, session.begin():
            session.execute(
                text(
                    "INSERT INTO article (origin, ingested_at, content_hash, text, title) VALUES "
                    "('t', '2026-01-01', 'h1', 'Floods displaced villagers.', 'Rain')"
                )
            )

        def found(words: str) -> int:
            reader = connect.open_reader(db_url)
            try:
                where = sql_query.text_search(reader, "article", "article", words)
                return len(
                    reader.all(f"SELECT article.id FROM article WHERE {where.text}", where.params)
                )
            finally:
                reader.close()

        assert found("displaced") == found("displace") == found("rain") == 1
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE article SET text = 'Drought.' WHERE content_hash = 'h1'")
            )
        assert (found("displaced"), found("drought")) == (0, 1)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM article"))
        assert found("drought") == 0
    finally:
        engine.dispose()


def test_models_and_migrations_describe_the_same_schema(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(
                    connection,
                    opts={"compare_type": True, "include_object": _modelled},
                ),
                models.metadata,
            )
        assert differences == []
    finally:
        engine.dispose()


def test_the_article_of_mentions_and_fact_members_is_written_and_backfilled(
    db_url: str, runner: CliRunner
) -> None:
    """Ingest writes the claim's article on ``claim_entity`` and ``fact_claim``; migration
    0012 fills it on a database made before it (here: downgraded to 0011 and upgraded)."""
    seeds = str(REPO / "seeds")
    assert runner.invoke(app, ["ingest", seeds, "--quiet", "--db", db_url]).exit_code == 0
    check = (
        "SELECT count(*), count({t}.article_id), "
        "sum(CASE WHEN {t}.article_id = claim.article_id THEN 1 ELSE 0 END) "
        "FROM {t} JOIN claim ON claim.id = {t}.claim_id"
    )

    def written() -> list[tuple[int, ...]]:
        engine = db.create_db_engine(db_url)
        try:
            with engine.connect() as connection:
                return [
                    tuple(connection.execute(text(check.format(t=table))).one())
                    for table in ("claim_entity", "fact_claim")
                ]
        finally:
            engine.dispose()

    fresh = written()
    assert all(rows > 0 and rows == filled == right for rows, filled, right in fresh)
    result = runner.invoke(app, ["db", "downgrade", "0011", "--yes", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 0
    assert written() == fresh


def test_quantity_table_has_interval_and_matching_columns(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        inspector = inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("quantity")}
        assert {"low", "high", "low_inclusive", "high_inclusive", "qualifier", "unit"} <= columns
        assert {"counted", "predicate", "counted_key", "predicate_key"} <= columns
        index_names = {i["name"] for i in inspector.get_indexes("quantity")}
        assert "ix_quantity_match" in index_names
    finally:
        engine.dispose()


def test_db_commands_through_the_cli(db_url: str, runner: CliRunner) -> None:
    if db_url.startswith("postgresql"):  # an existing, empty database
        result = runner.invoke(app, ["db", "current", "--db", db_url])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == ""
    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["db", "current", "--db", db_url])
    assert result.stdout.strip() == db.head_revision()
    result = runner.invoke(app, ["db", "info", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert f'"current_revision": "{db.head_revision()}"' in result.stdout
    result = runner.invoke(app, ["db", "downgrade", "base", "--yes", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert not FACTDB_TABLES & _tables(db_url)


def test_first_ingest_on_a_fresh_database_creates_the_schema(
    db_url: str, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["ingest", str(REPO / "seeds"), "--quiet", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert _tables(db_url) >= FACTDB_TABLES


def test_default_database_lives_in_the_user_data_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FACTDB_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    code = "from factdb.store.config import database_url; print(database_url())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == f"sqlite:///{tmp_path / 'data' / 'factdb' / 'factdb.db'}"


def test_a_non_editable_install_migrates_from_any_directory(tmp_path: Path) -> None:
    """The wheel carries the migrations: build it, then migrate from an unrelated directory."""
    source = tmp_path / "source"  # a clean copy: no build/ leftovers of the working tree
    for part in ("factdb", "alembic"):
        shutil.copytree(
            REPO / part, source / part, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / part, source / part)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert (target / "factdb" / "migrations" / "env.py").is_file()
    assert list((target / "factdb" / "migrations" / "versions").glob("0001_*.py"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import factdb, factdb.store.db as d; "
        f"assert factdb.__file__.startswith({str(target)!r}), factdb.__file__; "
        "e = d.open_engine('sqlite:///fresh.db'); print(d.current_revision(e))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == db.head_revision()
    assert (elsewhere / "fresh.db").is_file()


def test_an_unknown_revision_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["db", "upgrade", "--db", str(tmp_path / "f.db")]).exit_code == 0
    result = runner.invoke(
        app, ["db", "downgrade", "nonsense", "--yes", "--db", str(tmp_path / "f.db")]
    )
    assert result.exit_code == 2
    assert "Can't locate revision identified by 'nonsense'" in result.stderr
    assert "Traceback" not in result.output


def _matching_index_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = db.create_db_engine(url)
    queries = {
        "article_entity": "SELECT article_id, key, published, place, headline_place "
        "FROM article_entity ORDER BY article_id, key",
        "article_shingle": "SELECT hash, article_id, published FROM article_shingle "
        "ORDER BY hash, article_id",
    }
    try:
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(text(sql))]
                for name, sql in queries.items()
            }
    finally:
        engine.dispose()


def test_windowed_matching_indexes_are_filled_for_articles_stored_before_them(
    db_url: str, runner: CliRunner, nlp: Language
) -> None:
    """Migration 0003 fills the article entities and window dates of existing articles
    exactly as ingest fills them for new ones."""
    articles = [str(REPO / "seeds"), str(REPO / "tests" / "articles")]
    result = runner.invoke(app, ["ingest", *articles, "--quiet", "--db", db_url])
    assert result.exit_code == 0, result.output
    as_ingested = _matching_index_rows(db_url)
    assert len(as_ingested["article_entity"]) > 20
    assert any(row[4] for row in as_ingested["article_entity"])  # a place in a headline
    assert any(row[2] is None for row in as_ingested["article_shingle"])  # an undated article
    assert any(row[2] is not None for row in as_ingested["article_shingle"])
    engine = db.create_db_engine(db_url)
    try:
        db.downgrade(engine, "0002")
        assert "article_entity" not in _tables(db_url)
        assert "published" not in {
            c["name"] for c in inspect(engine).get_columns("article_shingle")
        }
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert _matching_index_rows(db_url) == as_ingested


def test_revisions_migration_keeps_stored_articles_as_first_versions(
    db_url: str, runner: CliRunner, nlp: Language, tmp_path: Path
) -> None:
    """Migration 0009 adds the version link to a populated database without rebuilding
    ``article`` (a SQLite batch copy would drop the full-text triggers of 0008), and goes
    back down with a revision link stored."""

    def ingest(*paths: str) -> None:
        result = runner.invoke(app, ["ingest", *paths, "--quiet", "--db", db_url])
        assert result.exit_code == 0, result.output

    def versions() -> list[tuple[object, ...]]:
        with engine.connect() as connection:
            sql = "SELECT version, revision_of_id IS NOT NULL FROM article ORDER BY id"
            return [tuple(row) for row in connection.execute(text(sql))]

    ingest(str(REPO / "seeds"))
    engine = db.create_db_engine(db_url)
    try:
        db.downgrade(engine, "0008")
        assert "version" not in {c["name"] for c in inspect(engine).get_columns("article")}
        db.upgrade(engine)
        assert versions() == [(1, False), (1, False)]
        kessler = REPO / "tests" / "articles" / "kessler-brennmoor-courier-2024-05-14.txt"
        revised = tmp_path / "revised.txt"
        revised.write_text(kessler.read_text().replace("Nine firefighters", "Eleven firefighters"))
        ingest(str(kessler), str(revised))
        assert versions()[2:] == [(1, False), (2, True)]
        found = runner.invoke(app, ["claims", "--search", "Eleven", "--db", db_url])
        assert found.exit_code == 0 and "Eleven firefighters" in found.stdout, found.output
        db.downgrade(engine, "0008")
        db.upgrade(engine)
        assert versions() == [(1, False)] * 4
    finally:
        engine.dispose()


def test_claims_stored_before_standalone_forms_read_as_written_and_stay_searchable(
    db_url: str, runner: CliRunner
) -> None:
    """Migration 0017: claims of a database made before it have no standalone form (their
    text stands for it in JSON), and ``--search`` finds claims by either form afterwards."""
    seeds = str(REPO / "seeds")
    assert runner.invoke(app, ["ingest", seeds, "--quiet", "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["db", "downgrade", "0016", "--yes", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 0

    def claims(*args: str) -> list[dict[str, object]]:
        found = runner.invoke(app, ["claims", *args, "--format", "json", "--db", db_url])
        assert found.exit_code == 0, found.output
        return json.loads(found.stdout)

    old = claims()
    assert old and all(c["standalone"] == c["text"] for c in old)
    assert all(c["subject_entity"] is None for c in old)
    assert {c["id"] for c in claims("--search", "planes")} == {
        c["id"] for c in old if "planes" in str(c["text"])
    }
    engine = db.open_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE claim SET standalone = 'Tokayev fired officials' WHERE id = :id"),
                {"id": old[0]["id"]},
            )
    finally:
        engine.dispose()
    assert [c["id"] for c in claims("--search", "Tokayev fired officials")] == [old[0]["id"]]
