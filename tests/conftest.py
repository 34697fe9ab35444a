"""Shared fixtures: one spaCy pipeline per session, and a private database for every test.

Storage tests take the `db_url` fixture and run twice: on a SQLite file in `tmp_path` and on
the real PostgreSQL server named by ``FACTDB_TEST_POSTGRES_URL`` (each test in a schema of its
own, dropped afterwards). Without that variable the PostgreSQL half is skipped, except under
CI (``CI`` set), where a missing or unreachable server is a failure.

Tests that only read an ingested database share one per module and backend (`module_db_url`):
ingesting the same articles again for every query test was most of the suite's time. An empty
SQLite database gets its schema as a copy of one migrated once per process, except in the
tests marked ``real_migrations``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from spacy.language import Language
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from factdb.nlp.pipeline import load_nlp
from factdb.store import db

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_000 = SEEDS / "000_ad3e0aac17cc3a38.txt"
SEED_001 = SEEDS / "001_5ecebfcf688ddb98.txt"
CORPUS = REPO.parent / "shared" / "corpus" / "news-dev"
POSTGRES_ENV_VAR = "FACTDB_TEST_POSTGRES_URL"


# The modules that take longest, longest first (as timed in one worker of two on the 2-core
# machine): they start first, so that under pytest-xdist no worker is left alone with one of
# them at the end. Every other module follows in its usual order.
RUN_FIRST = [
    "test_torture.py",  # factdb processes killed, overlapped, fuzzed
    "test_corpus_conflicts.py",  # the corpus ingested, then the scorer's own ingest
    "test_cli.py",
    "test_queries.py",
    "test_web.py",
    "test_benchmark.py",  # the benchmark script's three modes
    "test_migrations.py",
    "test_robustness.py",
    "test_matching.py",
    "test_concurrent.py",
    "test_revisions.py",
    "test_figures.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of RUN_FIRST first, in its order; the order of tests within a module and of
    the other modules is kept (a stable sort)."""
    rank = {name: index for index, name in enumerate(RUN_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The spaCy pipeline, loaded once for the whole session (load_nlp caches it)."""
    return load_nlp()


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's database or synonym file, nor draws tables to a width from
    the environment: a pytest-xdist worker finds COLUMNS=80 and LINES=24 in its own (set,
    it seems, by the readline module it imports), and tables would wrap where tests read them."""
    monkeypatch.setenv("FACTDB_DATABASE_URL", f"sqlite:///{tmp_path / 'default.db'}")
    monkeypatch.delenv("FACTDB_SYNONYMS", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database brought to the newest schema by the real migrations, once per
    test process."""
    path = tmp_path_factory.mktemp("migrated") / "head.db"
    db.open_engine(f"sqlite:///{path}").dispose()
    return path


_COPYING = threading.Lock()


@pytest.fixture(autouse=True)
def _sqlite_schema_from_a_migrated_copy(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty SQLite database that a test's command migrates to the newest schema is given
    a copy of `_migrated_sqlite` instead: the same tables, made once per process by the same
    migrations (a third of a second each time, some 150 times a run). Any other upgrade
    (PostgreSQL, an older schema, a database of other tables) runs the migrations. Tests of
    migrations and of what opening a database does (``@pytest.mark.real_migrations``) always
    run them."""
    if request.node.get_closest_marker("real_migrations"):
        return
    template: Path = request.getfixturevalue("_migrated_sqlite")
    migrate = db.upgrade

    def upgrade(engine: Engine, revision: str = "head") -> None:
        if revision == "head" and engine.dialect.name == "sqlite":
            with _COPYING:
                if not inspect(engine).get_table_names():
                    source = sqlite3.connect(template)
                    target = engine.raw_connection()
                    try:
                        source.backup(target.driver_connection)
                    finally:
                        target.close()
                        source.close()
                    return
        migrate(engine, revision)

    monkeypatch.setattr(db, "upgrade", upgrade)


def _postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV_VAR)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV_VAR} is not set; CI must test PostgreSQL for real")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV_VAR} (see README, Development)")
    return url


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL test server's URL, checked to be reachable (a failure if it is not)."""
    url = _postgres_base_url()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the server cannot be used
        pytest.fail(f"PostgreSQL at {POSTGRES_ENV_VAR}={url!r} is unreachable: {exc}")
    finally:
        engine.dispose()
    return url


@contextmanager
def _postgres_schema(admin_url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema, dropped when the block ends."""
    schema = f"factdb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in admin_url else "?"
    try:
        yield f"{admin_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema, dropped after the test."""
    with _postgres_schema(postgres_admin_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'factdb.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database URL shared by the tests of one module, once for SQLite and once for
    PostgreSQL: for a module fixture that ingests once what its tests only read. A test that
    writes (review, delete, migrate, ANALYZE) takes `db_url` instead."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('shared') / 'factdb.db'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with _postgres_schema(admin_url) as url:
        yield url


def ingest_shared(url: str, *paths: str) -> None:
    """Ingest `paths` into `url` for a module fixture, in the environment every test gets (no
    user synonym file), which function-scoped `_isolated_environment` cannot give it."""
    from factdb.cli.app import app

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("FACTDB_SYNONYMS", raising=False)
        result = CliRunner().invoke(app, ["ingest", *paths, "--quiet", "--db", url])
    assert result.exit_code == 0, result.output


@pytest.fixture
def runner() -> CliRunner:
    """A Typer test runner; stderr is captured apart from stdout."""
    return CliRunner()
