"""One ingest at a time per database: the lock scheduled runs take.

Cron starts a poll every 15 minutes whether or not the last one has finished. Two runs would
not corrupt anything (each article is stored once, see `factdb.ingest`), but they would fetch
and parse the same articles twice, so the second run steps aside: `ingest_lock` with
``wait=False`` reports at once that another ingest holds the lock, and the caller exits 0
saying so. With ``wait=True`` it queues behind the other run instead.

The lock lives with the database: for a SQLite file, an advisory ``flock`` on a lock file next
to it (``factdb.db.ingest-lock``), released by the kernel if the process dies; for PostgreSQL,
a session-level advisory lock keyed by the schema, released when the connection closes.
An in-memory SQLite database needs no lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

# First half of PostgreSQL's two-key advisory lock: "factdb ingest"; the second is the schema.
INGEST_LOCK_CLASS = 0x0FAC7DB1


def lock_file_path(engine: Engine) -> Path | None:
    """The lock file of a SQLite database file (None for PostgreSQL or in-memory SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(f"{Path(database).expanduser()}.ingest-lock")


@contextmanager
def ingest_lock(engine: Engine, *, wait: bool) -> Iterator[bool]:
    """Hold the ingest lock for the block; yields False (without waiting) when another run
    holds it and `wait` is off, True once it is held."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, wait=wait) as held:
            yield held
        return
    path = lock_file_path(engine)
    if path is None:
        yield True
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def _postgres_lock(engine: Engine, *, wait: bool) -> Iterator[bool]:
    key = {"cls": INGEST_LOCK_CLASS}
    with engine.connect() as connection:
        if wait:
            connection.execute(
                text("SELECT pg_advisory_lock(:cls, hashtext(current_schema()))"), key
            )
            held = True
        else:
            held = bool(
                connection.execute(
                    text("SELECT pg_try_advisory_lock(:cls, hashtext(current_schema()))"), key
                ).scalar_one()
            )
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:cls, hashtext(current_schema()))"), key
                )
                connection.commit()
