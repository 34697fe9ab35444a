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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlmodel import create_engine

from factdb.config import database_url

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


def head_revision() -> str | None:
    """The newest migration shipped with this version of factdb."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for a fresh database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the migration lock for its whole duration.

    On SQLite, foreign keys are checked once for the whole migration, before it commits, not
    statement by statement: a table rebuild (Alembic's batch mode, the only way SQLite adds a
    constraint) drops the old table while other tables' rows still point at it.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, or it is ignored
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(
                            f"the migration would leave rows pointing at nothing: {broken[:3]}"
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` under the migration lock."""
    with _migration_transaction(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` (``base`` removes every factdb table)."""
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
