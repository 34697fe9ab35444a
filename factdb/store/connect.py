"""Opening the reader a query command reads through (`factdb.store.driver.Reader`).

A database whose schema is at the newest migration opens on the driver alone, without
SQLAlchemy (`factdb.store.driver.open_sqlite`, `open_postgresql`). Anything else (no file, no
schema, an older schema that must be upgraded first, a URL with driver options, a read-only
file, an unreachable server) goes through `factdb.store.db.open_engine`, which upgrades what
it may and words every refusal for the user, and the reader then uses that engine's driver
connection. SQLAlchemy is imported only on that slow path.

A reader cannot write, whichever path opened it: PostgreSQL sessions are read-only and SQLite
connections ``query_only``, so a page served by `factdb serve` or a query command can never
change the archive, whatever SQL reaches it.
"""

from __future__ import annotations

from factdb.store.config import database_url
from factdb.store.driver import Reader, open_postgresql, open_sqlite


def open_reader(url: str | None) -> Reader:
    """A reader on the database that `url` names (resolved as every command resolves it),
    its schema at the newest migration. Raises `factdb.store.db.DatabaseError` (and SQLAlchemy's
    errors) as `factdb.store.db.open_engine` does when the database cannot be read."""
    resolved = database_url(url)
    fast = open_sqlite(resolved) if resolved.startswith("sqlite:") else open_postgresql(resolved)
    return fast or _through_engine(url)


def _through_engine(url: str | None) -> Reader:
    """The slow path: SQLAlchemy opens (and if need be upgrades) the database, or says why it
    cannot be read; the reader then borrows the engine's driver connection."""
    from factdb.store import db

    engine = db.open_engine(url, create=False)
    pooled = engine.raw_connection()
    connection = pooled.driver_connection

    def close() -> None:
        pooled.close()
        engine.dispose()

    assert connection is not None
    reader = Reader(connection, engine.dialect.name, db.where(engine), close)
    if reader.dialect == "sqlite":
        connection.execute("PRAGMA query_only = ON")
        connection.execute("BEGIN")
    else:
        connection.rollback()  # out of the pool's liveness check, where the setting is allowed
        connection.read_only = True
    return reader
