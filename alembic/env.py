"""Alembic environment: the schema is factdb's SQLModel metadata, the URL factdb's setting.

`factdb.store.db` runs migrations programmatically and hands over an open connection (already
inside a transaction that holds the migration lock) in ``config.attributes["connection"]``.
Run from the command line in a checkout, the URL comes from ``FACTDB_DATABASE_URL`` or the
default SQLite file, exactly as for the factdb CLI.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from factdb.store import models
from factdb.store.config import database_url

config = context.config
target_metadata = models.metadata


def include_object(_object: object, name: str | None, type_: str, *_: object) -> bool:
    """Leave the full-text search tables and indexes (made by hand in migration 0008, not
    described by the models) out of autogenerate."""
    return not (type_ in ("table", "index") and models.is_full_text_object(name))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_object,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) instead of touching a database."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations on the connection factdb passed in, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.begin() as new_connection:
        _configure(new_connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
