"""What every command shares: the common options (database, format, filters, pages), errors
and warnings, opening the database for a query or a write, and printing a listing page by
page with the "showing 50 of N" note.

Exit codes: 0 success; 1 some input was rejected (the rest was ingested) or the database could
not be used; 2 usage error (bad option value, unknown id). Errors go to standard error as one
``Error: …`` line each; results go to standard output.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from factdb.query.output import (
    Column,
    OutputFormat,
    render,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.nlp.dates import DateOrder
    from factdb.nlp.synonyms import Synonyms
    from factdb.query import sql as sql_query
    from factdb.store.driver import Reader


def stderr_line(label: str, colour: str, message: str) -> None:
    """One ``Error:``/``Warning:``/``Note:`` line on standard error (coloured on a terminal
    only)."""
    typer.echo(f"{typer.style(label, fg=colour, bold=True)} {message}", err=True)


def warn(message: str) -> None:
    """Print one ``Warning:`` line to standard error."""
    stderr_line("Warning:", "yellow", message)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one ``Error:`` line to standard error and exit with `code`."""
    stderr_line("Error:", "red", message)
    raise typer.Exit(code)


def parse_date_option(value: str | None, order: DateOrder | None = None) -> date | None:
    """A date given on the command line, in the formats people and feeds use: ISO, written
    ("March 5, 2024", "March 5" = the latest March 5 up to today), relative ("yesterday"),
    and all-numeric ("12/03/2024", read by `order` when day and month could swap)."""
    if value is None:
        return None
    try:  # the usual ISO date, without loading dateparser
        return date.fromisoformat(value)
    except ValueError:
        pass
    from factdb.nlp.dates import parse_publication_date

    parsed = parse_publication_date(value, today=date.today(), order=order)
    if parsed is None:
        hint = "use e.g. 2022-01-08, 'March 5' or yesterday"
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", value.strip()):
            hint = "day and month could swap: add --date-order dmy (12/03 = 12 March) or mdy"
        raise typer.BadParameter(f"cannot read {value!r} as a date; {hint}")
    return parsed


# The largest id or count a database column holds (64-bit); a bigger value is a usage error,
# not an overflow inside the database driver.
MAX_INT = 2**63 - 1


MAX_TIMEOUT_S = 7 * 24 * 3600.0


def fits_database(value: int | None) -> int | None:
    """Refuse an id or count beyond `MAX_INT` as a usage error. A callback rather than the
    option's ``max``, so that help shows only the lower bound (``[x>=1]``), not 2**63-1."""
    if value is not None and value > MAX_INT:
        raise typer.BadParameter(f"{value} is larger than any id or count factdb stores")
    return value


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        envvar="FACTDB_DATABASE_URL",
        help="Database URL (sqlite:///path.db, postgresql+psycopg://…) or SQLite file path. "
        "Default: a SQLite file in your data directory (see `factdb db info`).",
        show_envvar=True,
    ),
]


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", metavar="N", min=1, callback=fits_database, help="At most this many rows."
    ),
]


SourceOption = Annotated[
    str | None,
    typer.Option("--source", metavar="NAME", help="Only sources whose name contains this text."),
]


SinceOption = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="Published on or after this date.")
]


UntilOption = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Published on or before this date.")
]


SearchOption = Annotated[
    str | None, typer.Option("--search", "-s", metavar="WORDS", help="Words to look for.")
]


CountedOption = Annotated[
    str | None,
    typer.Option(
        metavar="WORD", help="Only numbers counting this (noun or predicate, e.g. killed)."
    ),
]


SynonymsOption = Annotated[
    str | None,
    typer.Option(
        "--synonyms",
        metavar="FILE",
        help="Extra synonym file (JSON) merged with the shipped one.",
        envvar="FACTDB_SYNONYMS",
    ),
]


EntityOption = Annotated[
    str | None,
    typer.Option("--entity", "-e", metavar="NAME", help="Only claims mentioning this entity."),
]


StoryOption = Annotated[
    int | None,
    typer.Option(
        "--story",
        metavar="ID",
        min=1,
        callback=fits_database,
        help="Only what belongs to this story (an id from `factdb stories`).",
    ),
]


OffsetOption = Annotated[
    int,
    typer.Option(
        "--offset", metavar="N", min=0, callback=fits_database, help="Skip this many rows first."
    ),
]


AfterOption = Annotated[
    int | None,
    typer.Option(
        "--after",
        metavar="ID",
        min=0,
        callback=fits_database,
        help="Start after the row with this id (the last id of the previous page): pages "
        "cost the same however deep, for scripts that walk everything.",
    ),
]


AllOption = Annotated[
    bool,
    typer.Option(
        "--all", help="Every row. A table otherwise shows the newest page and how many exist."
    ),
]


AllVersionsOption = Annotated[
    bool,
    typer.Option(
        "--all-versions",
        help="Include superseded versions of revised articles (hidden by default: their "
        "claims, reports and conflicts; `factdb show article ID` lists an article's versions).",
    ),
]


# What a table shows without --limit, --offset, --after or --all: the newest rows.
DEFAULT_PAGE = 50


def query_filters(
    source: str | None,
    since: str | None,
    until: str | None,
    search: str | None,
    entity: str | None,
    limit: int | None,
    *,
    fmt: OutputFormat,
    offset: int = 0,
    after: int | None = None,
    all_rows: bool = False,
    all_versions: bool = False,
    story: int | None = None,
) -> sql_query.Filters:
    """The shared filters and the page: a table with no paging options shows the newest
    DEFAULT_PAGE rows; the other formats, written for scripts, print every row (streamed)."""
    from factdb.query import sql as sql_query

    if all_rows and (limit is not None or offset or after is not None):
        fail("--all prints every row; leave out --limit, --offset and --after with it", code=2)
    newest = fmt is OutputFormat.TABLE and not (
        all_rows or limit is not None or offset or after is not None
    )
    return sql_query.Filters(
        source=source,
        since=usage_date("--since", since),
        until=usage_date("--until", until),
        search=search,
        entity=entity,
        story=story,
        limit=DEFAULT_PAGE if newest else limit,
        offset=offset,
        after=after,
        newest=newest,
        all_versions=all_versions,
    )


def synonyms_option(path: str | None) -> Synonyms:
    """The synonym table, or a usage error naming the user's file and what is wrong."""
    from factdb.nlp.synonyms import SynonymFileError, load_synonyms

    try:
        return load_synonyms(path)
    except SynonymFileError as exc:
        fail(str(exc), code=2)


def date_option(option: str, value: str | None, order: DateOrder | None = None) -> date | None:
    try:
        return parse_date_option(value, order)
    except typer.BadParameter as exc:
        fail(f"{option}: {exc}", code=2)


def usage_date(option: str, value: str | None) -> date | None:
    return date_option(option, value, date_order_option(os.environ.get("FACTDB_DATE_ORDER")))


def driver_message(exc: SQLAlchemyError) -> str:
    """The driver's own words for a database error, on one line, passwords masked."""
    from factdb.store.driver import mask_secrets

    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return mask_secrets(text.splitlines()[0] if text else type(exc).__name__)


@contextmanager
def open_database(
    url: str | None, *, create: bool = False, write: bool = False
) -> Iterator[Engine]:
    """Open (and if needed migrate) the database, turning failures into one-line errors.

    Only `create` commands (ingest) make a database or its schema where there is none; a
    query on a missing database says so instead.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.store import db

    try:
        engine = db.open_engine(url, create=create, write=write)
    except db.DatabaseError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"cannot open the database {_shown(url)}: {driver_message(exc)}")
    try:
        yield engine
    except SQLAlchemyError as exc:
        fail(f"database error on {db.where(engine)}: {driver_message(exc)}")
    finally:
        engine.dispose()


def _shown(url: str | None) -> str:
    from factdb.store import db
    from factdb.store.config import database_url

    return db.describe_url(database_url(url))


def run_query(url: str | None, action: Callable[[Reader], Any]) -> Any:
    """Run `action` on a reader of the database (no ORM: `factdb.store.driver`), turning failures
    into one-line errors."""
    from factdb.store.connect import open_reader
    from factdb.store.driver import DriverError, mask_secrets

    try:
        reader = open_reader(url)
    except Exception as exc:
        fail(_open_failure(url, exc))
    try:
        return action(reader)
    except DriverError as exc:
        fail(f"database error on {reader.where}: {mask_secrets(str(exc))}")
    finally:
        reader.close()


def _open_failure(url: str | None, exc: Exception) -> str:
    """The message for a database that cannot be opened; anything else is raised again."""
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.store import db

    if isinstance(exc, db.DatabaseError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return f"cannot open the database {_shown(url)}: {driver_message(exc)}"
    raise exc


def _total(found: int | None) -> str:
    """How many rows a listing has, as its note says it."""
    from factdb.query import pages as pages_query

    if found is None:
        return f" (not counted: over {pages_query.COUNTING_SECONDS} s of counting)"
    if found > pages_query.COUNTED_AT_MOST:
        return f" of more than {pages_query.COUNTED_AT_MOST:,}"
    return f" of {found:,}"


def print_listing(
    database: str | None,
    fmt: OutputFormat,
    filters: sql_query.Filters,
    columns: list[Column],
    title: str,
    records: Callable[[Reader], Iterable[dict[str, Any]]],
    selection: Callable[[Reader], sql_query.Selection] | None = None,
    *,
    csv_columns: list[Column] | None = None,
    csv_rows: Callable[[dict[str, Any]], Iterable[dict[str, Any]]] | None = None,
) -> None:
    """Print a listing as it is read (constant memory for any length). When a table shows
    only the newest page, say so on standard error, with how many rows there are in all
    (`selection` selects them; None when only building the records can tell)."""
    from factdb.query import pages as pages_query

    def run(reader: Reader) -> None:
        # Counted beside the page (another connection), for the note below.
        counting = (
            pages_query.Counting(reader, selection(reader))
            if filters.newest and selection
            else None
        )
        try:
            try:
                shown = render(
                    records(reader),
                    fmt,
                    columns,
                    title=title,
                    csv_columns=csv_columns,
                    csv_rows=csv_rows,
                )
            except LookupError as exc:
                fail(f"--after: no row with id {exc.args[0]} in this listing", code=2)
            if not filters.newest or shown < (filters.limit or 0):
                return
            total = "" if counting is None else _total(counting.result())
        finally:
            if counting is not None:
                counting.stop()
        stderr_line(
            "Note:", "cyan", f"showing the newest {shown:,}{total}; --limit/--offset or --all"
        )

    run_query(database, run)


DateOrderOption = Annotated[
    str | None,
    typer.Option(
        "--date-order",
        metavar="dmy|mdy",
        envvar="FACTDB_DATE_ORDER",
        help="How to read all-numeric dates whose day and month could swap: dmy (12/03/2024 "
        "= 12 March) or mdy (= December 3). Unset: such a date is left missing, with a warning.",
    ),
]


def date_order_option(value: str | None) -> DateOrder | None:
    if value is None or not value.strip():
        return None
    order = value.strip().lower()
    if order not in ("dmy", "mdy"):
        fail(f"--date-order must be dmy or mdy (got {value!r})", code=2)
    return cast("DateOrder", order)
