"""Engines and schema migrations.

Every command opens the database through `open_engine`, which brings the schema up to the
newest migration first (idempotent, and cheap when already current). Alembic is the only thing
that creates or changes tables.

Concurrency: cron jobs may overlap. On SQLite every write transaction starts with
``BEGIN IMMEDIATE`` (WAL mode, busy timeout), so a second writer waits for the first instead
of failing half-way; on PostgreSQL migrations take a transaction-level advisory lock. Two
processes that find a fresh database at the same moment therefore migrate it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from factdb.config import database_url

if TYPE_CHECKING:  # Alembic takes most of a second to import: only migrating needs it.
    from alembic.config import Config

SQLITE_BUSY_TIMEOUT_MS = 60_000
# Arbitrary constant shared by every factdb process: the PostgreSQL advisory lock key.
MIGRATION_LOCK_KEY = 0x0FAC7DB


class DatabaseURLError(ValueError):
    """The database URL cannot be used (bad syntax, unknown driver, unreachable directory)."""


def migrations_path() -> Path:
    """The Alembic script directory shipped inside the package (a link to ``alembic/``)."""
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for factdb's migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _enable_sqlite_concurrency(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for every transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred transaction that later writes can fail with "database is locked" without
        # waiting; taking the write lock up front makes overlapping writers queue instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str | None = None) -> Engine:
    """An engine for `url` (resolved by `factdb.config.database_url`), without migrating."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise DatabaseURLError(f"not a database URL: {resolved!r}") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        directory = Path(parsed.database).expanduser().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseURLError(
                f"cannot create the directory {directory} for the SQLite database ({exc.strerror})"
            ) from exc
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseURLError(f"unsupported database URL {resolved!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _enable_sqlite_concurrency(engine)
    return engine


_REVISION = re.compile(r"^(down_)?revision(?:: [^=]+)? = (?:\"([^\"]*)\"|None)", re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration shipped with this version of factdb: the one no other migration
    names as its ``down_revision``.

    Read from the migration files' ``revision = "…"`` lines rather than through Alembic, so
    that a command on an up-to-date database never imports Alembic (a test checks that both
    give the same answer).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations_path() / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            if value:
                (parents if down else revisions).add(value)
    heads = sorted(revisions - parents)
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for a fresh database): the row Alembic keeps
    in ``alembic_version``, read with plain SQL."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the migration lock for its whole duration."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
        yield connection


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` under the migration lock."""
    from alembic import command

    with _migration_transaction(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` (``base`` removes every factdb table)."""
    from alembic import command

    with _migration_transaction(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the newest schema unless it is already there."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def open_engine(url: str | None = None) -> Engine:
    """The engine every command uses: resolved URL, concurrency settings, schema at head."""
    engine = create_db_engine(url)
    ensure_schema(engine)
    return engine


@dataclass(frozen=True)
class DatabaseInfo:
    """What `factdb db info` shows."""

    url: str
    backend: str
    current_revision: str | None
    head_revision: str | None


def database_info(engine: Engine) -> DatabaseInfo:
    """Describe the database behind `engine` (the password is hidden)."""
    return DatabaseInfo(
        url=engine.url.render_as_string(hide_password=True),
        backend=engine.dialect.name,
        current_revision=current_revision(engine),
        head_revision=head_revision(),
    )
