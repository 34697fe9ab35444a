"""One ingest at a time per database: the lock scheduled runs take.

Cron starts a poll every 15 minutes whether or not the last one has finished. Two runs would not
corrupt anything (each article is stored once, see `factdb.ingest.pipeline`), but they would fetch
and parse the same articles twice, so the second run steps aside: `ingest_lock` with ``wait=False``
reports at once that another ingest holds the lock, and the caller exits 0 saying so. With
``wait=True`` it queues behind the other run instead.

The lock lives with the database: for a SQLite file, an advisory ``flock`` on a lock file next
to it (``factdb.db.ingest-lock``), released by the kernel if the process dies; for PostgreSQL,
a session-level advisory lock keyed by the schema, released when the connection closes.
An in-memory SQLite database needs no lock.

Several workers on one database (``factdb ingest --concurrent``, on one machine or several)
take that lock *shared*: they run side by side, while a plain run (exclusive) still steps aside
for them and they for it. What they may not do side by side is derive: the copies, story,
facts and conflicts of one article are read from and written over everything stored before
it, so two articles derived at once could each miss the other (two stories for one event, a
copy link lost) or merge one story from two sides. `derive_lock` makes each article's store
and derive transaction hold a transaction-scoped lock: the NLP of every worker runs in
parallel, the short derive steps one after another, each seeing every article committed
before it, which is what one ingest does. On SQLite every write transaction already holds the
database's write lock from its first statement (``BEGIN IMMEDIATE``, `factdb.store.db`).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

# First half of PostgreSQL's two-key advisory locks: "factdb ingest" and "factdb derive"; the
# second half is the schema, so databases in other schemas of one server never wait for each other.
INGEST_LOCK_CLASS = 0x0FAC7DB1
DERIVE_LOCK_CLASS = 0x0FAC7DB2


def lock_file_path(engine: Engine) -> Path | None:
    """The lock file of a SQLite database file (None for PostgreSQL or in-memory SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(f"{Path(database).expanduser()}.ingest-lock")


def derive_lock(session: Session) -> None:
    """Hold the derive lock until the session's transaction ends (PostgreSQL; see the module
    docstring): call it first in every transaction that stores or re-derives articles."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(current_schema()))"),
            {"cls": DERIVE_LOCK_CLASS},
        )


@contextmanager
def ingest_lock(engine: Engine, *, wait: bool, shared: bool = False) -> Iterator[bool]:
    """Hold the ingest lock for the block; yields False (without waiting) when another run
    holds it and `wait` is off, True once it is held. A `shared` holder runs beside other
    shared ones (``--concurrent`` workers), never beside an exclusive one."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, wait=wait, shared=shared) as held:
            yield held
        return
    path = lock_file_path(engine)
    if path is None:
        yield True
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        try:
            fcntl.flock(descriptor, mode | (0 if wait else fcntl.LOCK_NB))
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
def _postgres_lock(engine: Engine, *, wait: bool, shared: bool) -> Iterator[bool]:
    key = {"cls": INGEST_LOCK_CLASS}
    kind = "_shared" if shared else ""
    with engine.connect() as connection:
        if wait:
            connection.execute(
                text(f"SELECT pg_advisory_lock{kind}(:cls, hashtext(current_schema()))"), key
            )
            held = True
        else:
            held = bool(
                connection.execute(
                    text(f"SELECT pg_try_advisory_lock{kind}(:cls, hashtext(current_schema()))"),
                    key,
                ).scalar_one()
            )
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(
                    text(f"SELECT pg_advisory_unlock{kind}(:cls, hashtext(current_schema()))"),
                    key,
                )
                connection.commit()
