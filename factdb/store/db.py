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

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from weakref import WeakKeyDictionary

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from factdb.store.config import database_url
from factdb.store.driver import (
    POSTGRES_OPTIONS,
    SQLITE_BUSY_TIMEOUT_MS,
    head_revision,
    mask_secrets,
    migrations_path,
)

if TYPE_CHECKING:  # Alembic takes most of a second to import: only migrating needs it.
    from alembic.config import Config

# Arbitrary constant shared by every factdb process: the PostgreSQL advisory lock key.
MIGRATION_LOCK_KEY = 0x0FAC7DB


class DatabaseError(Exception):
    """The database cannot be used as asked; the message is one line for the user, naming
    the database (password masked) and what to do."""


class DatabaseURLError(DatabaseError, ValueError):
    """The database URL cannot be used (bad syntax, unsupported kind, unreachable directory)."""


class DatabaseMissingError(DatabaseError):
    """No database where one was named, and this command does not create one."""


class SchemaError(DatabaseError):
    """The database has no factdb schema (empty, or other tables) or one this factdb cannot
    use, and this command must not change that."""


class ReadOnlyDatabaseError(DatabaseError):
    """The database can only be read, and this command writes."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for factdb's migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _enable_sqlite_concurrency(engine: Engine, read_only: bool = False) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for every transaction (a plain
    BEGIN on a database opened read-only, which can take no write lock)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred transaction that later writes can fail with "database is locked" without
        # waiting; taking the write lock up front makes overlapping writers queue instead.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def describe_url(url: str) -> str:
    """A database URL as shown to the user: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return mask_secrets(url)


def _parse(resolved: str) -> Any:
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise DatabaseURLError(
            f"not a database URL: {mask_secrets(resolved)!r}; give --db a URL such as "
            "sqlite:///factdb.db, postgresql+psycopg://user@host/db, or a file path"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseURLError(
            f"unsupported database URL {describe_url(resolved)!r}: factdb stores its data in "
            "SQLite (sqlite:///path.db or a file path) or PostgreSQL "
            "(postgresql+psycopg://user@host/db), not in "
            f"{backend!r}"
        )
    return parsed


def _sqlite_file(parsed: Any) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory or URI-style database."""
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if str(parsed.database).startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(parsed.database).expanduser()


def _writable(path: Path) -> tuple[bool, bool]:
    """Whether the file and its directory can be written (WAL needs both)."""
    return os.access(path, os.W_OK), os.access(path.parent, os.W_OK)


def create_db_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for `url` (resolved by `factdb.store.config.database_url`), without migrating.

    A SQLite file that does not exist is created (with its directory) only when `create` is
    true; otherwise that is a `DatabaseMissingError`. A file this process cannot write is
    opened read-only, so queries still work on it.
    """
    resolved = database_url(url)
    parsed = _parse(resolved)
    read_only = False
    path = _sqlite_file(parsed)
    if path is not None:
        if path.is_dir():
            raise DatabaseURLError(f"{path} is a directory; give --db a database file")
        if not path.exists():
            if not create:
                raise DatabaseMissingError(
                    f"no database at {path}; `factdb ingest` or `factdb db upgrade` creates "
                    "one (or check --db / FACTDB_DATABASE_URL)"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseURLError(
                    f"cannot create the directory {path.parent} for the SQLite database "
                    f"({exc.strerror})"
                ) from exc
        else:
            file_ok, directory_ok = _writable(path)
            if not (file_ok and directory_ok):
                read_only = True
                # Without a writable directory SQLite cannot make the WAL index (-shm) it
                # needs even to read; "immutable" reads the file as it is.
                flags = "mode=ro" if directory_ok else "mode=ro&immutable=1"
                parsed = make_url(f"sqlite:///file:{quote(str(path.resolve()))}?{flags}&uri=true")
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        # Before the URL's own options (a search_path, say), so that a jit= there wins.
        own = parsed.query.get("options")
        own = " ".join(own) if isinstance(own, tuple) else own
        connect_args["options"] = f"{POSTGRES_OPTIONS} {own}" if own else POSTGRES_OPTIONS
    try:
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseURLError(
            f"unsupported database URL {describe_url(resolved)!r}: {mask_secrets(str(exc))}"
        ) from exc
    _OPENED[engine] = _Opened(str(path) if path else describe_url(resolved), read_only)
    if engine.dialect.name == "sqlite":
        _enable_sqlite_concurrency(engine, read_only)
    return engine


@dataclass(frozen=True)
class _Opened:
    where: str
    read_only: bool


_OPENED: WeakKeyDictionary[Engine, _Opened] = WeakKeyDictionary()


def where(engine: Engine) -> str:
    """The database as named in messages: a SQLite file's path, else the masked URL."""
    opened = _OPENED.get(engine)
    return opened.where if opened else describe_url(engine.url.render_as_string(False))


def is_read_only(engine: Engine) -> bool:
    """True when `create_db_engine` opened the database read-only."""
    opened = _OPENED.get(engine)
    return opened.read_only if opened else False


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for a fresh database): the row Alembic keeps
    in ``alembic_version``, read with plain SQL."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the migration lock for its whole duration.

    On SQLite, foreign keys are off while migrations run (as SQLite's documentation asks for
    schema changes): batch migrations copy and drop tables, and dropping a table that other
    rows point at failed with "FOREIGN KEY constraint failed", so `db downgrade base` did not
    work on a populated database. The keys are checked before the transaction commits.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:  # outside any transaction, where the pragma takes effect
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise SchemaError(
                            f"the migration would leave rows of {broken[0]} pointing at missing "
                            f"rows of {broken[2]}; nothing was changed"
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


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


def ensure_schema(engine: Engine, *, create: bool = True, write: bool = False) -> None:
    """Bring the database to the newest schema, or say why this command must not.

    A factdb schema behind the newest is upgraded (what every command does). No schema at
    all is created only when `create` is true (``ingest``, ``db upgrade``) and the database is
    empty: factdb never adds its tables to a database that holds other tables unless asked
    with ``factdb db upgrade``. A read-only database is used as it is for queries, and
    refused when the command writes (`write`).
    """
    name = where(engine)
    try:
        revision = current_revision(engine)
        # The other tables matter only to a database without factdb's: one round trip less
        # for every command on a database in use.
        tables = set() if revision is not None else set(inspect(engine).get_table_names())
    except DBAPIError as exc:
        raise unusable(engine, exc) from exc
    head = head_revision()
    read_only = is_read_only(engine)
    if revision is None:
        others = sorted(tables - {"alembic_version"})
        if others:
            shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            raise SchemaError(
                f"{name} holds other tables ({shown}) and no factdb schema; factdb does not "
                "add its tables to it on its own: run `factdb db upgrade` on it to do so, or "
                "name another database"
            )
        if not create:
            raise SchemaError(
                f"{name} has no factdb tables yet; `factdb ingest` or `factdb db upgrade` "
                "creates them"
            )
    elif revision != head and not _known_revision(revision):
        raise SchemaError(
            f"{name} is at schema revision {revision!r}, which this factdb does not know (made "
            "by a newer version?); upgrade factdb"
        )
    if revision != head:
        if read_only:
            raise ReadOnlyDatabaseError(
                f"{name} is read-only and its schema must be "
                f"{'created' if revision is None else 'upgraded'} first; give write access"
            )
        upgrade(engine)
    if write and read_only:
        raise ReadOnlyDatabaseError(
            f"{name} is read-only (file or directory not writable); queries work, but this "
            "command writes: give write access or copy the database"
        )


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def unusable(engine: Engine, exc: DBAPIError) -> DatabaseError:
    """A driver error met while opening the database, as one line naming it."""
    reason = mask_secrets(str(exc.orig)).strip().splitlines()[0] if exc.orig else str(exc)
    name = where(engine)
    if "not a database" in reason or "malformed" in reason:
        return DatabaseError(f"{name} is not a usable SQLite database ({reason})")
    return DatabaseError(f"cannot open the database {name}: {reason}")


def probe(engine: Engine) -> None:
    """Connect once and read the schema revision, turning a driver error (no server, not a
    database file) into a `DatabaseError` naming the database."""
    try:
        current_revision(engine)
    except DBAPIError as exc:
        raise unusable(engine, exc) from exc


def open_engine(url: str | None = None, *, create: bool = True, write: bool = False) -> Engine:
    """The engine every command uses: resolved URL, concurrency settings, schema at head.

    Query commands pass ``create=False``: on a database that does not exist, or has no
    factdb schema, they fail (`DatabaseError`) instead of creating one by accident.
    """
    engine = create_db_engine(url, create=create)
    try:
        ensure_schema(engine, create=create, write=write)
    except BaseException:
        engine.dispose()
        raise
    return engine


def article_count(engine: Engine) -> int:
    """How many articles the database holds (0 without the table)."""
    if "article" not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM article")).scalar_one())


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
        url=describe_url(engine.url.render_as_string(hide_password=False)),
        backend=engine.dialect.name,
        current_revision=current_revision(engine),
        head_revision=head_revision(),
    )
