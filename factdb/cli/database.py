"""`factdb db`: schema migrations (upgrade, downgrade with a confirmation, current), where the
database is (info), and giving old claims their times (backfill-times)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import click
import typer

from factdb.query.output import (
    OutputFormat,
    render_object,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

from factdb.cli.common import DbOption, FormatOption, driver_message, fail, open_database


def _engine_without_migrating(url: str | None, create: bool = False) -> Engine:
    from factdb.store import db

    try:
        return db.create_db_engine(url, create=create)
    except db.DatabaseError as exc:
        fail(str(exc))


def _run_schema_command(
    url: str | None, action: Callable[[Engine], None], create: bool = False
) -> None:
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from factdb.store import db

    engine = _engine_without_migrating(url, create)
    try:
        db.probe(engine)
        action(engine)
    except CommandError as exc:  # an unknown or ambiguous revision
        fail(f"{exc}; `factdb db current` shows where the database is", code=2)
    except db.DatabaseError as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(f"cannot use the database {db.where(engine)}: {driver_message(exc)}")
    except SQLAlchemyError as exc:
        fail(f"migration failed on {db.where(engine)}: {driver_message(exc)}")
    finally:
        engine.dispose()


def db_upgrade(
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="Target revision.")] = "head",
    database: DbOption = None,
) -> None:
    """Apply migrations up to REVISION (default: the newest).

    Example: factdb db upgrade
    """
    from factdb.store import db

    def _upgrade(engine: Engine) -> None:
        if db.is_read_only(engine):
            raise db.ReadOnlyDatabaseError(f"{db.where(engine)} is read-only; give write access")
        db.upgrade(engine, revision)

    _run_schema_command(database, _upgrade, create=True)
    typer.echo(f"Database at revision {revision}.")


def db_downgrade(
    revision: Annotated[
        str,
        typer.Argument(metavar="REVISION", help="Target revision, or base to drop every table."),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
    ] = False,
    database: DbOption = None,
) -> None:
    """Revert migrations down to REVISION (base removes all factdb tables and data).

    A downgrade drops tables or columns and the data in them, so it asks first; --yes skips
    the question.

    Example: factdb db downgrade base --yes
    """
    from factdb.store import db

    def _downgrade(engine: Engine) -> None:
        if db.is_read_only(engine):
            raise db.ReadOnlyDatabaseError(f"{db.where(engine)} is read-only; give write access")
        if not yes:
            _confirm_downgrade(engine, revision)
        db.downgrade(engine, revision)

    _run_schema_command(database, _downgrade)
    typer.echo(f"Database at revision {revision}.")


def _confirm_downgrade(engine: Engine, revision: str) -> None:
    """Ask before a downgrade; no answer (a script without --yes) changes nothing."""
    from factdb.store import db

    current = db.current_revision(engine)
    if current is None:
        return  # nothing to drop
    stored = db.article_count(engine)
    question = (
        f"Downgrade {db.where(engine)} from revision {current} to {revision}? Tables or "
        f"columns are dropped with their data ({stored} article(s) stored)."
    )
    try:
        confirmed = typer.confirm(question, default=False, err=True)
    except (typer.Abort, click.exceptions.Abort):  # no answer: end of input, Ctrl-C
        confirmed = False
    if not confirmed:
        fail("downgrade cancelled, nothing changed; pass --yes to downgrade without asking")


def db_current(database: DbOption = None) -> None:
    """Print the revision the database is at (nothing for an empty database).

    Example: factdb db current
    """
    from factdb.store import db

    _run_schema_command(database, lambda engine: typer.echo(db.current_revision(engine) or ""))


def db_info(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Where the database is, its backend, and its current and newest revisions.

    Example: factdb db info --format json
    """
    from factdb.store import db

    _run_schema_command(database, lambda engine: render_object(vars(db.database_info(engine)), fmt))


def db_backfill_times(database: DbOption = None) -> None:
    """Find the time expressions of claims stored before claim times existed.

    `factdb db upgrade` adds the table but re-extracts nothing; this re-parses the stored
    articles and adds only the claims' times (claims, facts and conflicts are unchanged).

    Example: factdb db backfill-times
    """
    from factdb.ingest.pipeline import backfill_times  # loads spaCy: only for commands that parse
    from factdb.nlp.pipeline import ModelNotInstalledError

    with open_database(database, write=True) as engine:
        try:
            filled = backfill_times(engine)
        except ModelNotInstalledError as exc:
            fail(str(exc))
    typer.echo(f"{filled} claim(s) given their times.")
