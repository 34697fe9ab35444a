"""The connection the query commands read through: the database driver itself, no ORM.

A query command reads a page of rows and prints it. Importing SQLAlchemy and SQLModel alone
takes longer than that (0.35 s of a 0.5 s budget on the development machine), so the query
layer (`factdb.query`) writes its SQL for the DB-API driver: ``sqlite3`` from the standard
library, ``psycopg`` for PostgreSQL.

A database whose schema is at the newest migration opens here without SQLAlchemy
(`open_sqlite`, `open_postgresql`); `factdb.store.connect.open_reader` tries that first and
otherwise goes through the engine.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# Every factdb statement is short: PostgreSQL's JIT compiler, which starts on the estimated
# cost of a statement (a count over a million rows), added 0.1-0.4 s of compiling to
# statements that run in 0.1 s. A URL's own ``?options=`` are kept (and may set jit).
POSTGRES_OPTIONS = "-c jit=off"
SQLITE_BUSY_TIMEOUT_MS = 60_000

# "scheme://user:password@host": the password part of any URL-like text.
_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s]*@")
# "password=secret" in a libpq connection string or an error quoting one.
_PASSWORD_PARAM = re.compile(r"(?i)(?P<head>password\s*=\s*)(?:'[^']*'|\S+)")


def mask_secrets(message: str) -> str:
    """`message` with every password in a URL or connection string replaced by ``***``.

    Every message factdb prints about a database passes through here, so a password given in
    ``--db`` never reaches a terminal, a log or a cron mail.
    """
    message = _PASSWORD_IN_URL.sub(r"\g<head>:***@", message)
    return _PASSWORD_PARAM.sub(r"\g<head>***", message)


_REVISION = re.compile(r"^(down_)?revision(?:: [^=]+)? = (?:\"([^\"]*)\"|None)", re.MULTILINE)


def migrations_path() -> Path:
    """The Alembic script directory shipped inside the package (a link to ``alembic/``)."""
    return Path(__file__).resolve().parent.parent / "migrations"


@lru_cache(maxsize=1)
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


class DriverError(Exception):
    """The driver failed on a statement; the message is the driver's first line."""


Row = tuple[Any, ...]


@dataclass
class Reader:
    """A DB-API connection in one read transaction (every statement of a command sees the
    same snapshot). SQL is written with ``?`` placeholders, turned into psycopg's ``%s``
    on PostgreSQL."""

    connection: Any
    dialect: str  # "sqlite" or "postgresql"
    where: str  # the database as named in messages (a file's path, or the masked URL)
    close: Callable[[], None]
    # Answers a command needs twice (the breadth of a filter, asked by its page and by its
    # count), by statement and parameters: one read transaction sees one snapshot.
    remembered: dict[tuple[str, tuple[Any, ...]], Any] = field(default_factory=dict)
    # Opens a second reader on the same database, for work beside this one's (`sibling`);
    # None when this reader came through SQLAlchemy (an engine's single connection).
    reopen: Callable[[], Reader | None] | None = None
    # What `set_local` changed in this transaction: a sibling starts with the same.
    settings: dict[str, str] = field(default_factory=dict)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Iterator[Row]:
        """Run one statement and stream its rows."""
        values = list(parameters)
        if self.dialect == "sqlite":  # dates are stored as ISO text (as SQLAlchemy stored them)
            values = [v.isoformat() if type(v) is date else v for v in values]
        for observer in _OBSERVERS:
            observer(sql, tuple(values))
        if self.dialect == "postgresql":
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, values)
            while batch := cursor.fetchmany(500):
                yield from batch
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg"):
                raise DriverError(_first_line(exc)) from exc
            raise
        finally:
            cursor.close()

    def set_local(self, setting: str, value: str) -> None:
        """Change a PostgreSQL setting for the rest of the read transaction."""
        cursor = self.connection.cursor()
        try:
            cursor.execute("SELECT set_config(%s, %s, true)", (setting, value))
        finally:
            cursor.close()
        self.settings[setting] = value

    def sibling(self) -> Reader | None:
        """A second reader on the same database, with this one's settings, for a statement
        run in another thread (its own connection). On PostgreSQL it reads this reader's
        snapshot; on SQLite it takes its own when it first reads, so it may also see what a
        writer committed since. None when this reader cannot have one, or it cannot open."""
        other = self.reopen() if self.reopen is not None else None
        if other is None:
            return None
        if self.dialect == "postgresql":
            from psycopg import sql

            snapshot = self.scalar("SELECT pg_export_snapshot()")
            # A snapshot is set first thing in a transaction: the one that opened the reader
            # (and read its schema version) ends, and the next begins with it.
            other.connection.rollback()
            cursor = other.connection.cursor()
            try:
                cursor.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            finally:
                cursor.close()
            for setting, value in self.settings.items():
                other.set_local(setting, value)
        return other

    def interrupt(self) -> None:
        """Stop the statement this reader is running in another thread (it then raises
        DriverError there); safe to call from any thread."""
        if self.dialect == "sqlite":
            self.connection.interrupt()
        else:
            self.connection.cancel_safe()

    def scalar_within(self, sql: str, parameters: Sequence[Any], seconds: float) -> Any:
        """`scalar`, or None when the statement runs longer than `seconds` (then stopped:
        on SQLite by a progress handler, on PostgreSQL by a statement timeout inside a
        savepoint, so the read transaction goes on)."""
        if self.dialect == "sqlite":
            deadline = time.perf_counter() + seconds
            self.connection.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
            try:
                return self.scalar(sql, parameters)
            except DriverError:
                if time.perf_counter() > deadline:
                    return None
                raise
            finally:
                self.connection.set_progress_handler(None, 0)
        cursor = self.connection.cursor()
        try:
            cursor.execute("SAVEPOINT bounded")
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                (f"{max(1, seconds * 1000):.0f}",),
            )
            try:
                found = self.scalar(sql, parameters)
            except DriverError as exc:
                if not isinstance(exc.__cause__, _query_canceled()):
                    raise
                cursor.execute("ROLLBACK TO SAVEPOINT bounded")
                return None
            cursor.execute("ROLLBACK TO SAVEPOINT bounded")  # the timeout's setting with it
            return found
        finally:
            cursor.close()

    def all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        return list(self.execute(sql, parameters))

    def first(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        return next(iter(self.all(sql, parameters)), None)

    def scalar(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        row = self.first(sql, parameters)
        return None if row is None else row[0]


# Called with (sql, parameters) before each statement of any reader: how the tests EXPLAIN them.
_OBSERVERS: list[Callable[[str, Sequence[Any]], None]] = []


def observe(callback: Callable[[str, Sequence[Any]], None]) -> Callable[[], None]:
    """Call `callback` with every statement any reader runs; returns the function that stops."""
    _OBSERVERS.append(callback)
    return lambda: _OBSERVERS.remove(callback)


def stored_date(value: date | str | None) -> date | None:
    """A date column's value as a `date`: SQLite's driver returns the ISO text it stored,
    psycopg a `date`."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _query_canceled() -> type[BaseException]:
    from psycopg.errors import QueryCanceled

    return QueryCanceled


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_sqlite(resolved: str, *, any_thread: bool = False) -> Reader | None:
    """A reader of a plain SQLite file this process can write (so WAL works), else None; the
    connection itself is ``query_only``. `any_thread`: the connection may be used by another
    thread than the one opening it."""
    import sqlite3

    raw = resolved.removeprefix("sqlite:///")
    if raw == resolved or not raw or "?" in raw or raw.startswith("file:") or raw == ":memory:":
        return None
    path = Path(raw).expanduser()
    if not path.is_file() or not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=not any_thread)
    except sqlite3.Error:
        return None
    reader = Reader(connection, "sqlite", str(path), connection.close)
    reader.reopen = lambda: open_sqlite(resolved, any_thread=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")  # a reader never writes
        connection.execute("BEGIN")
        if reader.scalar("SELECT version_num FROM alembic_version") == head_revision():
            return reader
    except (sqlite3.Error, DriverError):
        pass
    connection.close()
    return None


def open_postgresql(resolved: str) -> Reader | None:
    """A PostgreSQL URL with no query parameter but ``options``, else None."""
    parts = urlsplit(resolved)
    query = parse_qs(parts.query)
    if parts.scheme not in ("postgresql", "postgresql+psycopg") or set(query) - {"options"}:
        return None
    # Before the URL's own options (a search_path, say), so that a jit= there wins.
    options = " ".join([POSTGRES_OPTIONS, *query.get("options", [])])
    try:
        import psycopg
    except ImportError:
        return None
    try:
        port = parts.port
        connection = psycopg.connect(
            host=parts.hostname or None,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            dbname=unquote(parts.path.lstrip("/")) or None,
            options=options,
        )
    except (psycopg.Error, ValueError):
        return None
    # One snapshot for every statement of the command, which a sibling can share.
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = True
    reader = Reader(connection, "postgresql", mask_secrets(resolved), connection.close)
    reader.reopen = lambda: open_postgresql(resolved)
    try:
        if reader.scalar("SELECT version_num FROM alembic_version") == head_revision():
            return reader
    except DriverError:
        pass
    connection.close()
    return None
