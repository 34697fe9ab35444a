"""The `factdb` command line: parses options, calls the library, prints results.

Exit codes: 0 success; 1 some input was rejected (the rest was ingested) or the database could
not be used; 2 usage error (bad option value, unknown id). Errors go to standard error as one
``Error: …`` line each; results go to standard output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from time import perf_counter
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import click
import typer

from factdb import __version__
from factdb.query.output import (
    Column,
    OutputFormat,
    cell,
    field,
    print_table,
    render,
    render_object,
)

# Start-up time is part of every query: the database layer, Alembic (only to migrate), rich
# (only to draw a table or a progress bar), the readers and spaCy (only to ingest) are imported
# where they are used, so that `factdb --help` and a query that prints a page of JSON do not
# pay for them.
if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.nlp.dates import DateOrder
    from factdb.nlp.synonyms import Synonyms
    from factdb.query import conflicts as conflicts_query
    from factdb.query import sql as sql_query
    from factdb.store.driver import Reader

app = typer.Typer(
    help="factdb: who claimed what, when — and where sources disagree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Typer's rich rendering would import rich on every --help.
    rich_markup_mode=None,
)
show_app = typer.Typer(help="Show one claim or article with full provenance.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema (Alembic migrations).", no_args_is_help=True)
conflicts_app = typer.Typer(
    help="List conflicting claims, or review them (dismiss / resolve).",
    invoke_without_command=True,
)
feeds_app = typer.Typer(
    help="The RSS/Atom feeds `factdb ingest --feeds` polls: add, list, remove.",
    no_args_is_help=True,
)
sources_app = typer.Typer(
    help="List sources with their counts, or merge two spellings of one (sources merge).",
    invoke_without_command=True,
)
delete_app = typer.Typer(help="Delete stored records.", no_args_is_help=True)
app.add_typer(show_app, name="show")
app.add_typer(db_app, name="db")
app.add_typer(conflicts_app, name="conflicts")
app.add_typer(feeds_app, name="feeds")
app.add_typer(sources_app, name="sources")
app.add_typer(delete_app, name="delete")


def _stderr_line(label: str, colour: str, message: str) -> None:
    """One ``Error:``/``Warning:``/``Note:`` line on standard error (coloured on a terminal
    only)."""
    typer.echo(f"{typer.style(label, fg=colour, bold=True)} {message}", err=True)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"factdb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """factdb: who claimed what, when — and where sources disagree."""


def warn(message: str) -> None:
    """Print one ``Warning:`` line to standard error."""
    _stderr_line("Warning:", "yellow", message)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one ``Error:`` line to standard error and exit with `code`."""
    _stderr_line("Error:", "red", message)
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


# --- shared options (defined once, used by every command) -------------------------------

# The largest id or count a database column holds (64-bit); a bigger value is a usage error,
# not an overflow inside the database driver.
MAX_INT = 2**63 - 1
MAX_TIMEOUT_S = 7 * 24 * 3600.0

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
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
    int | None, typer.Option("--limit", "-n", min=1, max=MAX_INT, help="At most this many rows.")
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Only sources whose name contains this text.")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Published on or after this date.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Published on or before this date.")
]
SearchOption = Annotated[str | None, typer.Option("--search", "-s", help="Text to look for.")]
CountedOption = Annotated[
    str | None,
    typer.Option(help="Only numbers counting this (noun or predicate, e.g. killed)."),
]
SynonymsOption = Annotated[
    str | None,
    typer.Option(
        "--synonyms",
        help="Extra synonym file (JSON) merged with the shipped one.",
        envvar="FACTDB_SYNONYMS",
    ),
]
EntityOption = Annotated[
    str | None, typer.Option("--entity", "-e", help="Only claims mentioning this entity.")
]


OffsetOption = Annotated[
    int, typer.Option("--offset", min=0, max=MAX_INT, help="Skip this many rows first.")
]
AfterOption = Annotated[
    int | None,
    typer.Option(
        "--after",
        min=0,
        max=MAX_INT,
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


def _filters(
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
        since=_usage_date("--since", since),
        until=_usage_date("--until", until),
        search=search,
        entity=entity,
        limit=DEFAULT_PAGE if newest else limit,
        offset=offset,
        after=after,
        newest=newest,
        all_versions=all_versions,
    )


def _synonyms(path: str | None) -> Synonyms:
    """The synonym table, or a usage error naming the user's file and what is wrong."""
    from factdb.nlp.synonyms import SynonymFileError, load_synonyms

    try:
        return load_synonyms(path)
    except SynonymFileError as exc:
        fail(str(exc), code=2)


def _date_option(option: str, value: str | None, order: DateOrder | None = None) -> date | None:
    try:
        return parse_date_option(value, order)
    except typer.BadParameter as exc:
        fail(f"{option}: {exc}", code=2)


def _usage_date(option: str, value: str | None) -> date | None:
    return _date_option(option, value, _date_order(os.environ.get("FACTDB_DATE_ORDER")))


def _driver_message(exc: SQLAlchemyError) -> str:
    """The driver's own words for a database error, on one line, passwords masked."""
    from factdb.store.driver import mask_secrets

    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return mask_secrets(text.splitlines()[0] if text else type(exc).__name__)


@contextmanager
def _database(url: str | None, *, create: bool = False, write: bool = False) -> Iterator[Engine]:
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
        fail(f"cannot open the database {_shown(url)}: {_driver_message(exc)}")
    try:
        yield engine
    except SQLAlchemyError as exc:
        fail(f"database error on {db.where(engine)}: {_driver_message(exc)}")
    finally:
        engine.dispose()


def _shown(url: str | None) -> str:
    from factdb.store import db
    from factdb.store.config import database_url

    return db.describe_url(database_url(url))


def _query(url: str | None, action: Callable[[Reader], Any]) -> Any:
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
        return f"cannot open the database {_shown(url)}: {_driver_message(exc)}"
    raise exc


def _total(found: int | None) -> str:
    """How many rows a listing has, as its note says it."""
    from factdb.query import pages as pages_query

    if found is None:
        return f" (not counted: over {pages_query.COUNTING_SECONDS} s of counting)"
    if found > pages_query.COUNTED_AT_MOST:
        return f" of more than {pages_query.COUNTED_AT_MOST:,}"
    return f" of {found:,}"


def _list(
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
        _stderr_line(
            "Note:", "cyan", f"showing the newest {shown:,}{total}; --limit/--offset or --all"
        )

    _query(database, run)


# --- ingest -------------------------------------------------------------------------------


DateOrderOption = Annotated[
    str | None,
    typer.Option(
        "--date-order",
        envvar="FACTDB_DATE_ORDER",
        help="How to read all-numeric dates whose day and month could swap: dmy (12/03/2024 "
        "= 12 March) or mdy (= December 3). Unset: such a date is left missing, with a warning.",
    ),
]


def _date_order(value: str | None) -> DateOrder | None:
    if value is None or not value.strip():
        return None
    order = value.strip().lower()
    if order not in ("dmy", "mdy"):
        fail(f"--date-order must be dmy or mdy (got {value!r})", code=2)
    return cast("DateOrder", order)


def _fetch_settings(timeout: float | None, retries: int | None, max_bytes: int | None) -> Any:
    from factdb.inputs.fetch import FetchSettings

    try:
        settings = FetchSettings.from_env()
    except ValueError as exc:
        fail(str(exc), code=2)
    changes: dict[str, Any] = {}
    if timeout is not None:
        changes["timeout"] = timeout
    if retries is not None:
        changes["retries"] = retries
    if max_bytes is not None:
        changes["max_bytes"] = max_bytes
    from dataclasses import replace

    return replace(settings, **changes)


def progress_wanted(*, quiet: bool, as_json: bool, reads_stdin: bool, terminal: bool) -> bool:
    """A progress bar is for a person watching: never under --quiet or --json (cron, logs),
    when standard error is not a terminal, or while articles come from standard input."""
    return terminal and not (quiet or as_json or reads_stdin)


def _progress(show: bool) -> Progress:
    """Articles done / total, percentage, rate and time left, on standard error."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("Ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True, highlight=False, soft_wrap=True),
        transient=True,
        disable=not show,
    )


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Article files (text, HTML, JSON, JSON Lines, RSS/Atom), directories (read "
            "recursively), URLs, or - for stdin.",
            show_default=False,
        ),
    ] = None,
    feeds: Annotated[
        bool, typer.Option("--feeds", help="Poll every feed of `factdb feeds list` once.")
    ] = False,
    source: Annotated[str | None, typer.Option(help="Source name for every article.")] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Publication date for every article: 2022-01-08, 'March 5', yesterday, "
            "12/03/2024 (with --date-order).",
        ),
    ] = None,
    date_order: DateOrderOption = None,
    title: Annotated[str | None, typer.Option(help="Title for every article.")] = None,
    author: Annotated[str | None, typer.Option(help="Author for every article.")] = None,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links/--no-follow-links",
            help="For a feed entry that carries only a summary, fetch and read the linked page.",
        ),
    ] = True,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait", help="If another ingest is running, wait for it instead of exiting."
        ),
    ] = False,
    concurrent: Annotated[
        bool,
        typer.Option(
            "--concurrent",
            help="Run beside other --concurrent ingests of this database (workers on one or "
            "several machines sharing one PostgreSQL database): parsing runs in parallel, each "
            "article's copies, story, facts and conflicts are derived one at a time.",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(min=0.01, help="Seconds before a fetch times out (default 20)."),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(min=0, help="Retries of a fetch that timed out or got a 5xx (default 2)."),
    ] = None,
    max_bytes: Annotated[
        int | None,
        typer.Option(min=1, help="Largest page or feed fetched, in bytes (default 10000000)."),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Only errors: no progress bar, warnings or summary."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes parsing articles in parallel. Default: one per CPU (up to 4) for "
            "60 or more inputs, else 1.",
        ),
    ] = None,
    article_timeout: Annotated[
        float | None,
        typer.Option(
            "--article-timeout",
            min=0.001,
            max=MAX_TIMEOUT_S,
            help="Reject an article whose parsing takes longer than this many seconds (the "
            "run goes on with the next one); for cron jobs that must finish.",
        ),
    ] = None,
    synonyms: SynonymsOption = None,
    database: DbOption = None,
) -> None:
    """Split articles into atomic claims and store them.

    Re-ingesting an article already stored (same text) adds nothing; a new text at the URL of
    a stored article, or a near-copy from the same source, is stored as its new version.
    Each article is stored in its own transaction; a bad file or failed URL is reported and the
    others are still ingested (exit 1). One ingest runs at a time per database: a second one
    exits 0 at once saying "another ingest is running", unless --wait; --concurrent runs share
    the database with each other and give the same result as one ingest of all their inputs.

    Example: factdb ingest seeds/ --quiet ; factdb ingest --feeds --quiet ;
    factdb ingest part-1/ --concurrent --db postgresql+psycopg://ingest@db/news
    """
    from factdb.ingest.network import is_url
    from factdb.inputs.readers import count_inputs
    from factdb.inputs.records import Overrides, plausible_publication_date
    from factdb.store.lock import ingest_lock

    paths = paths or []
    if not paths and not feeds:
        fail("name files, directories, URLs or - to ingest, or give --feeds", code=2)
    order = _date_order(date_order)
    when = _date_option("--date", published, order)
    if when is not None and not plausible_publication_date(when):
        fail(f"--date: {published!r} is not a publication date between 1800 and 2200", code=2)
    if when is not None and when > date.today() and not quiet:
        warn(f"--date {when} is in the future; check it")
    overrides = Overrides(
        source=source, title=title, author=author, published=when, date_order=order
    )
    synonym_table = _synonyms(synonyms)
    settings = _fetch_settings(timeout, retries, max_bytes)
    show_progress = progress_wanted(
        quiet=quiet, as_json=as_json, reads_stdin="-" in paths, terminal=sys.stderr.isatty()
    )
    files = [p for p in paths if not is_url(p)]
    inputs = count_inputs(files) + (len(paths) - len(files))
    with (
        _database(database, create=True, write=True) as engine,
        ingest_lock(engine, wait=wait, shared=concurrent) as held,
    ):
        if not held:  # checked before loading spaCy: a run that steps aside costs nothing
            message = "another ingest is running on this database; nothing done (--wait queues)"
            if as_json:
                typer.echo(json.dumps({"locked": True, "message": message}, indent=2))
            elif not quiet:
                typer.echo(message, err=True)
            return
        # Imported here: loading spaCy costs seconds that the query commands do not need.
        from factdb.ingest.pipeline import choose_workers
        from factdb.ingest.pipeline import ingest as run_ingest
        from factdb.nlp.pipeline import ModelNotInstalledError
        from factdb.query import archive as archive_query

        chosen_workers = workers or choose_workers(inputs)
        try:
            with _progress(show_progress) as progress:
                # A URL or feed counts one until it is fetched; then `grow` adds its entries.
                feed_count = len(_query(database, archive_query.list_feeds)) if feeds else 0
                task = progress.add_task("ingest", total=inputs + feed_count, rate="")
                started = perf_counter()

                def grow(n: int) -> None:
                    progress.update(task, total=(progress.tasks[0].total or 0) + n)

                def advance(n: int) -> None:
                    progress.advance(task, n)
                    done = progress.tasks[0].completed
                    rate = done / max(perf_counter() - started, 1e-6)
                    progress.update(task, rate=f"{rate:.1f}/s")

                report = run_ingest(
                    engine,
                    paths,
                    overrides=overrides,
                    synonyms=synonym_table,
                    workers=chosen_workers,
                    on_progress=advance,
                    on_found=grow,
                    feeds=feeds,
                    fetch_settings=settings,
                    follow_links=follow_links,
                    article_timeout=article_timeout,
                )
        except ModelNotInstalledError as exc:
            fail(str(exc))
    for message in report.errors:
        _stderr_line("Error:", "red", message)
    if not quiet:
        for message in report.warnings:
            warn(message)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        if report.duplicates and not report.articles_added:
            typer.echo("Nothing new: every article was already stored.")
        typer.echo(report.summary())
        if report.conflicts_added:
            typer.echo(f"See them with: factdb conflicts --new   (run {report.run_id})")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def rematch(
    synonyms: SynonymsOption = None,
    database: DbOption = None,
) -> None:
    """Derive every story, fact and conflict again from the stored claims (no NLP).

    Run it after upgrading factdb or changing the synonym file. Reviewed conflicts keep their
    status and note; open conflicts the rules no longer find are removed.

    Example: factdb rematch --synonyms my-synonyms.json
    """
    from factdb.match.rematch import rematch as run_rematch

    synonym_table = _synonyms(synonyms)
    with _database(database, write=True) as engine:
        report = run_rematch(engine, synonym_table)
    typer.echo(report.summary())


# --- query commands -----------------------------------------------------------------------


def _interval(q: dict[str, Any]) -> str:
    low = "-∞" if q["low"] is None else cell(q["low"])
    high = "∞" if q["high"] is None else cell(q["high"])
    left = "[" if q["low"] is not None and q["low_inclusive"] else "("
    right = "]" if q["high"] is not None and q["high_inclusive"] else ")"
    what = " ".join(p for p in (q["unit"], q["counted"], q["predicate"]) if p)
    return f"{q['raw']} {left}{low}, {high}{right} {what}".strip()


def _quantities_text(record: dict[str, Any]) -> str:
    return "; ".join(_interval(q) for q in record["quantities"])


def _published(record: dict[str, Any]) -> str | None:
    """A record's publication date, or its inferred one marked as such."""
    if record.get("published") or not record.get("published_inferred"):
        return record.get("published")
    return f"{record['published_inferred']} (inferred)"


CLAIM_COLUMNS = [
    field("id"),
    field("source", max_width=18),
    Column("published", _published, 10),
    field("speaker", max_width=18),
    field("text", "claim", max_width=70),
    Column("event date", lambda r: r["event_date"] or r["event_date_text"], 12),
    Column("quantities", _quantities_text, 40),
    field("fact_id", "fact"),
]
ARTICLE_COLUMNS = [
    field("id"),
    field("source", max_width=24),
    Column("published", _published),
    field("title", max_width=50),
    field("author", max_width=20),
    field("claims"),
    Column("copy of", lambda r: r["copy_of"] and f"#{r['copy_of']} ({r['copy_score']:.2f})"),
    field("origin", max_width=40),
]
STORY_COLUMNS = [
    field("id"),
    field("label", max_width=60),
    field("articles"),
    field("sources"),
    field("facts"),
    field("first_published", "first"),
    field("last_published", "last"),
]
SOURCE_COLUMNS = [
    field("id"),
    field("name", max_width=40),
    field("articles"),
    field("claims"),
    field("first_published", "first"),
    field("last_published", "last"),
]


def _side(key: str, part: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda record: part(record[key]) if record.get(key) else None


def _who(claim: dict[str, Any]) -> str:
    """``Source, 2024-03-05`` for a claim, with ``?`` and ``undated`` for what is missing."""
    return f"{claim['source'] or '?'}, {_published(claim) or 'undated'}"


def _report_line(claim: dict[str, Any]) -> str:
    """Two lines for a compact table: who and when, then the claim's numbers or text."""
    return f"{_who(claim)}\n{_quantities_text(claim) or claim['text']}"


# Compact enough to scan: two lines a row (who and when, then what), cut with an ellipsis.
CONFLICT_COLUMNS = [
    field("id"),
    field("kind"),
    field("status"),
    Column("A", _side("claim_a", _report_line), 48, no_wrap=True),
    Column("B", _side("claim_b", _report_line), 48, no_wrap=True),
]
CONFLICT_CSV_COLUMNS = [
    field("id"),
    field("kind"),
    field("status"),
    field("confidence"),
    field("rule"),
    Column("claim_a_id", _side("claim_a", lambda c: c["id"])),
    Column("source_a", _side("claim_a", lambda c: c["source"])),
    Column("published_a", _side("claim_a", _published)),
    Column("evidence_a", _side("claim_a", lambda c: c["text"])),
    Column("claim_b_id", _side("claim_b", lambda c: c["id"])),
    Column("source_b", _side("claim_b", lambda c: c["source"])),
    Column("published_b", _side("claim_b", _published)),
    Column("evidence_b", _side("claim_b", lambda c: c["text"])),
    field("explanation"),
    field("note"),
    field("created_at"),
]


def _quantity(name: str) -> Column:
    return Column(name, lambda row: row["quantity"][name] if row.get("quantity") else None)


# One row per quantity of a claim (a claim without numbers: one row, empty number columns).
CLAIM_CSV_COLUMNS = [
    field("id"),
    field("article_id"),
    field("source"),
    field("published"),
    field("published_inferred"),
    field("speaker"),
    field("polarity"),
    field("hedged"),
    field("event_date"),
    field("event_date_end"),
    field("event_date_text"),
    Column("evidence", lambda r: r["text"]),
    _quantity("raw"),
    _quantity("value"),
    _quantity("low"),
    _quantity("high"),
    _quantity("low_inclusive"),
    _quantity("high_inclusive"),
    _quantity("qualifier"),
    _quantity("unit"),
    _quantity("counted"),
    _quantity("predicate"),
    field("fact_id"),
]


def _claim_rows(claim: dict[str, Any]) -> list[dict[str, Any]]:
    quantities = claim["quantities"] or [None]
    return [{**claim, "quantity": quantity} for quantity in quantities]


def _reports(fact: dict[str, Any]) -> str:
    """Each claim of a fact as "source date: numbers", one per line."""
    return "\n".join(
        f"{c['source'] or '?'} {_published(c) or 'undated'}: " + (_quantities_text(c) or c["text"])
        for c in fact["claims"]
    )


FACT_COLUMNS = [
    field("id"),
    field("state"),
    field("independent_sources", "sources"),
    field("label", "fact", max_width=60),
    Column("reports", _reports, 70),
]
TIMELINE_COLUMNS = [
    Column("published", _published, 12),
    field("source", max_width=20),
    Column("number", lambda r: f"{r['raw']} {r['interval']}", 24),
    field("text", "claim", max_width=50),
    field("relation"),
    Column("vs", lambda r: r["compared_with"] and f"#{r['compared_with']}"),
    field("claim_id", "claim id"),
    field("fact_id", "fact id"),
]


@app.command()
def articles(
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List stored articles in publication order.

    Example: factdb articles --source Bloomberg --format json
    """
    from factdb.query import archive as archive_query

    filters = _filters(
        source,
        since,
        until,
        search,
        entity,
        limit,
        fmt=fmt,
        offset=offset,
        after=after,
        all_rows=all_rows,
        all_versions=all_versions,
    )
    _list(
        database,
        fmt,
        filters,
        ARTICLE_COLUMNS,
        "Articles",
        lambda r: archive_query.iter_articles(r, filters),
        lambda r: archive_query.articles_selection(r, filters),
    )


@app.command()
def stories(
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List stories: the coverage of one event by every outlet, newest first, with their
    articles, sources, facts and first and last dates. Claims are only compared within one.

    Example: factdb stories --search earthquake --format json
    """
    from factdb.query import archive as archive_query
    from factdb.query import sql as sql_query

    filters = sql_query.Filters(
        source=source,
        since=_usage_date("--since", since),
        until=_usage_date("--until", until),
        search=search,
        entity=entity,
        limit=limit,
    )
    _list(
        database,
        fmt,
        filters,
        STORY_COLUMNS,
        "Stories",
        lambda r: archive_query.list_stories(r, filters),
    )


@sources_app.callback()
def sources(
    ctx: typer.Context,
    source: SourceOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List sources with their article and claim counts.

    Example: factdb sources --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from factdb.query import archive as archive_query
    from factdb.query import sql as sql_query

    filters = sql_query.Filters(source=source, limit=limit)
    _list(
        database,
        fmt,
        filters,
        SOURCE_COLUMNS,
        "Sources",
        lambda r: archive_query.list_sources(r, filters),
    )


@app.command()
def claims(
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    article: Annotated[
        int | None, typer.Option(min=1, max=MAX_INT, help="Only claims of this article id.")
    ] = None,
    speaker: Annotated[str | None, typer.Option(help="Only claims by this speaker.")] = None,
    counted: CountedOption = None,
    numbers: Annotated[
        bool, typer.Option("--numbers", help="Only claims with quantities.")
    ] = False,
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List atomic claims with speaker, source, dates and quantities (as intervals), in the
    order they were stored.

    Example: factdb claims --counted killed --format jsonl
    """
    from factdb.query import claims as claims_query

    base = _filters(
        source,
        since,
        until,
        search,
        entity,
        limit,
        fmt=fmt,
        offset=offset,
        after=after,
        all_rows=all_rows,
        all_versions=all_versions,
    )
    filters = claims_query.ClaimFilters(
        **vars(base), article_id=article, speaker=speaker, counted=counted, with_quantities=numbers
    )
    table = _synonyms(synonyms) if counted else None
    _list(
        database,
        fmt,
        filters,
        CLAIM_COLUMNS,
        "Claims",
        lambda r: claims_query.iter_claims(r, filters, table),
        lambda r: claims_query.claims_selection(r, filters, table),
        csv_columns=CLAIM_CSV_COLUMNS,
        csv_rows=_claim_rows,
    )


@conflicts_app.callback()
def conflicts(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(help="Only this kind: number, update, polarity, direction or date."),
    ] = None,
    status: Annotated[str, typer.Option(help="open, dismissed, resolved or all.")] = "open",
    new: Annotated[
        bool, typer.Option("--new", help="Only conflicts found by the latest ingest run.")
    ] = False,
    since_run: Annotated[
        int | None,
        typer.Option(
            "--since-run", min=1, help="Only conflicts found by ingest run N and later runs."
        ),
    ] = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List claims of different sources that conflict, each with the rule that fired, in the
    order they were found.

    --new lists what the latest ingest run found (for a cron job to mail or post); --since-run
    N what runs N and later found (the run ids are in `factdb ingest --json` and `stats`).

    Example: factdb conflicts --kind number --status all --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from factdb.query import conflicts as conflicts_query

    if status not in (*conflicts_query.CONFLICT_STATUSES, "all"):
        fail(f"--status must be one of open, dismissed, resolved, all (got {status!r})", code=2)
    if kind is not None and kind not in conflicts_query.CONFLICT_KINDS:
        kinds = ", ".join(conflicts_query.CONFLICT_KINDS)
        fail(f"--kind must be one of {kinds} (got {kind!r})", code=2)
    if new and since_run is not None:
        fail("give --new or --since-run, not both", code=2)
    base = _filters(
        source,
        since,
        until,
        search,
        entity,
        limit,
        fmt=fmt,
        offset=offset,
        after=after,
        all_rows=all_rows,
        all_versions=all_versions,
    )

    def conflict_filters(reader: Reader) -> conflicts_query.ConflictFilters | None:
        """The filters with the first run to list from (None: no run yet, so nothing)."""
        first_run = conflicts_query.latest_run_id(reader) if new else since_run
        if (new or since_run is not None) and first_run is None:
            return None
        return conflicts_query.ConflictFilters(
            **vars(base), kind=kind, status=status, since_run=first_run
        )

    def found(reader: Reader) -> Iterable[dict[str, Any]]:
        filters = conflict_filters(reader)
        return [] if filters is None else conflicts_query.iter_conflicts(reader, filters)

    def selection(reader: Reader) -> sql_query.Selection:
        filters = conflict_filters(reader)
        assert filters is not None  # only asked after a full page was printed
        return conflicts_query.conflicts_selection(reader, filters)

    _list(
        database,
        fmt,
        base,
        CONFLICT_COLUMNS,
        "Conflicts",
        found,
        selection,
        csv_columns=CONFLICT_CSV_COLUMNS,
    )


@app.command()
def facts(
    counted: CountedOption = None,
    state: Annotated[
        str | None,
        typer.Option(help="Only facts in this state: agree, conflict, update or single."),
    ] = None,
    min_sources: Annotated[
        int,
        typer.Option(
            min=1, max=MAX_INT, help="Only facts told by at least this many independent sources."
        ),
    ] = 1,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List facts: claims of different articles that state the same thing, with each source's
    report, whether the sources agree, and how many independent sources (copies count once).

    Example: factdb facts --min-sources 2 --counted killed --format json
    """
    from factdb.query import facts as facts_query

    states = {"single": "single source", **{s: s for s in facts_query.FACT_STATES}}
    if state is not None and state not in states:
        fail(f"--state must be one of agree, conflict, update, single (got {state!r})", code=2)
    base = _filters(
        source,
        since,
        until,
        search,
        entity,
        limit,
        fmt=fmt,
        offset=offset,
        after=after,
        all_rows=all_rows,
        all_versions=all_versions,
    )
    filters = facts_query.FactFilters(
        **vars(base),
        counted=counted,
        state=states[state] if state else None,
        min_sources=min_sources,
    )
    table = _synonyms(synonyms) if counted else None
    # With --state or --min-sources only the built facts can be counted exactly: no total.
    selection = (
        None
        if facts_query.exact_fact_filters(filters)
        else (lambda r: facts_query.facts_selection(r, filters, table))
    )
    _list(
        database,
        fmt,
        filters,
        FACT_COLUMNS,
        "Facts",
        lambda r: facts_query.iter_facts(r, filters, table),
        selection,
    )


@app.command()
def timeline(
    counted: CountedOption = None,
    entity: EntityOption = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """Each report of a number in publication order, with its source and interval, and
    whether it agrees with, updates or conflicts with the earlier reports of the same fact.

    Example: factdb timeline --counted killed --entity Turkey
    """
    from factdb.query import timeline as timeline_query

    synonym_table = _synonyms(synonyms)
    base = _filters(
        source,
        since,
        until,
        search,
        entity,
        limit,
        fmt=fmt,
        offset=offset,
        all_rows=all_rows,
        all_versions=all_versions,
    )
    filters = timeline_query.TimelineFilters(**vars(base), counted=counted)
    _list(
        database,
        fmt,
        filters,
        TIMELINE_COLUMNS,
        "Timeline",
        lambda r: timeline_query.timeline(r, filters, synonym_table),
        # No total: counting every report costs what listing them all does.
        None,
    )


@app.command()
def stats(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Counts of sources, articles, claims, quantities, entities and conflicts.

    Example: factdb stats --format json
    """
    from factdb.query import archive as archive_query

    render_object(_query(database, archive_query.stats), fmt)


def _show(
    database: str | None,
    fmt: OutputFormat,
    kind: str,
    record_id: int,
    lookup: Callable[[Reader, int], dict[str, Any] | None],
    table: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Print one record (`lookup` reads it, or None when there is none), or a usage error
    pointing at the command that lists them; `table` draws it as a table."""
    record = _query(database, lambda r: lookup(r, record_id))
    if record is None:
        fail(f"no {kind} with id {record_id}; list them with `factdb {kind}s`", code=2)
    if table is not None and fmt is OutputFormat.TABLE:
        table(record)
    else:
        render_object(record, fmt)


FACT_CLAIM_COLUMNS = [
    field("id", "claim"),
    field("source", max_width=20),
    Column("published", _published, 12),
    field("speaker", max_width=16),
    field("text", "claim text", max_width=60),
    Column("quantities", _quantities_text, 36),
    Column("link", lambda c: c["fact_score"] and f"{c['fact_score']:.2f} {c['fact_reason']}", 30),
]
FACT_CONFLICT_COLUMNS = [
    field("id"),
    field("kind"),
    field("status"),
    field("confidence"),
    Column("claims", lambda k: f"#{k['claim_a_id']} vs #{k['claim_b_id']}"),
]


def _fact_table(fact: dict[str, Any]) -> None:
    """A fact as a person reads it: a summary, then one row per report, then its conflicts."""
    summary = {
        key: ", ".join(value) if isinstance(value, list) else value
        for key, value in fact.items()
        if key not in ("claims", "conflicts")
    }
    render_object(summary, OutputFormat.TABLE)
    print_table(fact["claims"], FACT_CLAIM_COLUMNS, sys.stdout, title="Reports")
    if fact.get("conflicts"):
        print_table(fact["conflicts"], FACT_CONFLICT_COLUMNS, sys.stdout, title="Conflicts")


VERSION_COLUMNS = [
    field("version"),
    field("id", "article"),
    field("published"),
    field("title", max_width=60),
    field("ingested_at", "ingested"),
    Column("current", lambda v: "current" if v["current"] else "superseded", 10),
]


def _article_table(article: dict[str, Any]) -> None:
    """An article as a person reads it: its fields, its first claims as the claims listing
    shows them (not one cell of JSON), then its versions when it has several. A long
    article's claims are a page, as in a listing: the note says how to list them all."""
    versions = article.get("versions") or []
    claims = article.get("claim_list") or []
    summary = {k: v for k, v in article.items() if k not in ("versions", "claim_list")}
    render_object(summary, OutputFormat.TABLE)
    if claims:
        print_table(claims[:DEFAULT_PAGE], CLAIM_COLUMNS, sys.stdout, title="Claims")
    if len(versions) > 1:
        print_table(versions, VERSION_COLUMNS, sys.stdout, title="Versions")
    if len(claims) > DEFAULT_PAGE:
        _stderr_line(
            "Note:",
            "cyan",
            f"showing the first {DEFAULT_PAGE} of {len(claims):,} claims; all of them: "
            f"factdb claims --article {article['id']} --all",
        )


@show_app.command("claim")
def show_claim(
    claim_id: Annotated[
        int, typer.Argument(min=1, max=MAX_INT, help="Claim id (see `factdb claims`).")
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One claim with its evidence cut from the stored text and every extracted field.

    Example: factdb show claim 12 --format json
    """
    from factdb.query import claims as claims_query

    _show(database, fmt, "claim", claim_id, claims_query.get_claim)


@show_app.command("article")
def show_article(
    article_id: Annotated[
        int, typer.Argument(min=1, max=MAX_INT, help="Article id (see `factdb articles`).")
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One article: metadata, its versions (a revised article has several: the current one
    last), stored text and all its claims.

    Example: factdb show article 1 --format json
    """
    from factdb.query import archive as archive_query

    _show(database, fmt, "article", article_id, archive_query.get_article, _article_table)


@show_app.command("fact")
def show_fact(
    fact_id: Annotated[
        int, typer.Argument(min=1, max=MAX_INT, help="Fact id (see `factdb facts`).")
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One fact: its state, independent sources, every claim in full and its conflicts.

    Example: factdb show fact 4 --format json
    """
    from factdb.query import facts as facts_query

    _show(database, fmt, "fact", fact_id, facts_query.get_fact, table=_fact_table)


# --- database -----------------------------------------------------------------------------


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
        fail(f"cannot use the database {db.where(engine)}: {_driver_message(exc)}")
    except SQLAlchemyError as exc:
        fail(f"migration failed on {db.where(engine)}: {_driver_message(exc)}")
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
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


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, or base to drop every table.")],
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


@db_app.command("current")
def db_current(database: DbOption = None) -> None:
    """Print the revision the database is at (nothing for an empty database).

    Example: factdb db current
    """
    from factdb.store import db

    _run_schema_command(database, lambda engine: typer.echo(db.current_revision(engine) or ""))


@db_app.command("info")
def db_info(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Where the database is, its backend, and its current and newest revisions.

    Example: factdb db info --format json
    """
    from factdb.store import db

    _run_schema_command(database, lambda engine: render_object(vars(db.database_info(engine)), fmt))


@db_app.command("backfill-times")
def db_backfill_times(database: DbOption = None) -> None:
    """Find the time expressions of claims stored before claim times existed.

    `factdb db upgrade` adds the table but re-extracts nothing; this re-parses the stored
    articles and adds only the claims' times (claims, facts and conflicts are unchanged).

    Example: factdb db backfill-times
    """
    from factdb.ingest.pipeline import backfill_times  # loads spaCy: only for commands that parse
    from factdb.nlp.pipeline import ModelNotInstalledError

    with _database(database, write=True) as engine:
        try:
            filled = backfill_times(engine)
        except ModelNotInstalledError as exc:
            fail(str(exc))
    typer.echo(f"{filled} claim(s) given their times.")


@conflicts_app.command("dismiss")
def conflicts_dismiss(
    conflict_id: Annotated[int, typer.Argument(min=1, max=MAX_INT, help="Conflict id.")],
    note: Annotated[str, typer.Option(help="Why it is not a real conflict.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as not a real disagreement (it stays dismissed across re-ingests).

    Example: factdb conflicts dismiss 3 --note "different districts"
    """
    _review(database, conflict_id, "dismissed", note)


@conflicts_app.command("resolve")
def conflicts_resolve(
    conflict_id: Annotated[int, typer.Argument(min=1, max=MAX_INT, help="Conflict id.")],
    note: Annotated[str, typer.Option(help="How it was settled.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as settled, with a note saying how.

    Example: factdb conflicts resolve 3 --note "ministry confirmed 26"
    """
    _review(database, conflict_id, "resolved", note)


def _review(database: str | None, conflict_id: int, status: str, note: str) -> None:
    from sqlmodel import Session

    from factdb.match.conflicts import set_conflict_status

    with (
        _database(database, write=True) as engine,
        Session(engine) as session,
        session.begin(),
    ):
        if not set_conflict_status(session, conflict_id, status, note):
            fail(
                f"no conflict with id {conflict_id}; "
                "list them with `factdb conflicts --status all`",
                2,
            )
    typer.echo(f"Conflict {conflict_id} {status}.")


# --- feeds --------------------------------------------------------------------------------

FEED_COLUMNS = [
    field("id"),
    field("url", max_width=50),
    field("source", max_width=24),
    field("articles"),
    field("last_fetched_at", "last fetch", max_width=19),
    field("last_status", "status", max_width=30),
    field("etag", max_width=20),
]


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's URL (RSS or Atom).")],
    source: Annotated[
        str | None, typer.Option(help="Source name for its articles (default: the page's site).")
    ] = None,
    database: DbOption = None,
) -> None:
    """Add a feed to the list `factdb ingest --feeds` polls.

    Example: factdb feeds add https://example.org/world.rss --source "Example News"
    """
    from sqlmodel import Session

    from factdb.ingest.network import is_url
    from factdb.store import writes

    if not is_url(url):
        fail(f"{url!r} is not an http:// or https:// URL", code=2)
    with (
        _database(database, create=True, write=True) as engine,
        Session(engine) as session,
        session.begin(),
    ):
        try:
            feed = writes.add_feed(session, url, source)
        except writes.FeedExistsError as exc:
            fail(str(exc), code=2)
        feed_id = feed.id
    typer.echo(f"Feed {feed_id} added: {url}. Poll it with: factdb ingest --feeds")


@feeds_app.command("list")
def feeds_list(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """List the feeds with their last fetch, status, ETag and article count.

    Example: factdb feeds list --format json
    """
    from factdb.query import archive as archive_query

    render(_query(database, archive_query.list_feeds), fmt, FEED_COLUMNS, title="Feeds")


@feeds_app.command("remove")
def feeds_remove(
    feed: Annotated[str, typer.Argument(help="Feed id or URL (see `factdb feeds list`).")],
    database: DbOption = None,
) -> None:
    """Remove a feed from the list; the articles it brought stay.

    Example: factdb feeds remove 3
    """
    from sqlmodel import Session

    from factdb.store import writes

    with _database(database, write=True) as engine, Session(engine) as session, session.begin():
        removed = writes.remove_feed(session, feed)
        if removed is None:
            fail(f"no feed {feed!r}; list them with `factdb feeds list`", code=2)
        url = removed.url
    typer.echo(f"Feed removed: {url}")


# --- deleting and merging -------------------------------------------------------------------


@delete_app.command("article")
def delete_article(
    article_id: Annotated[int, typer.Argument(help="Article id (see `factdb articles`).")],
    database: DbOption = None,
) -> None:
    """Delete an article with its claims, their fact links and their conflicts.

    Example: factdb delete article 12
    """
    from sqlmodel import Session

    from factdb.match.deletion import delete_article as delete_stored_article

    with _database(database, write=True) as engine, Session(engine) as session, session.begin():
        deleted = delete_stored_article(session, article_id)
        if deleted is None:
            fail(f"no article with id {article_id}; list them with `factdb articles`", code=2)
    typer.echo(
        f"Article {article_id} deleted ({deleted.claims} claims, {deleted.conflicts} "
        f"conflicts, {deleted.facts_removed} facts left empty)."
    )


@sources_app.command("merge")
def sources_merge(
    merged: Annotated[str, typer.Argument(help="Source to merge away (name or id).")],
    into: Annotated[str, typer.Argument(help="Source to keep (name or id).")],
    database: DbOption = None,
) -> None:
    """Merge source A into source B: A's articles move to B and A is deleted (two spellings
    of one outlet, such as "Bloomberg" and "Bloomberg News").

    Example: factdb sources merge Bloomberg "Bloomberg News"
    """
    from sqlmodel import Session

    from factdb.store import writes

    with _database(database, write=True) as engine, Session(engine) as session, session.begin():
        try:
            kept, moved = writes.merge_sources(session, merged, into)
        except writes.SourceNotFoundError as exc:
            fail(f"no source {exc.args[0]!r}; list them with `factdb sources`", code=2)
        except ValueError as exc:
            fail(str(exc), code=2)
        name = kept.name
    typer.echo(f"Merged {merged!r} into {name!r} ({moved} articles moved).")


def _only_command(name: str | None) -> typer.Typer | None:
    """`app` with only the top-level command or group called `name`, or None when `name`
    names none (an option such as --help or --version, a misspelt command)."""
    if name is None or name.startswith("-"):
        return None
    from copy import copy

    from typer.main import get_command_name

    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return None
    lean = copy(app)
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def main() -> None:
    """The ``factdb`` command and ``python -m factdb``.

    Click builds every command of a group before it runs one of them: reading the
    signatures of all fifty command functions took 17 ms of every command's start-up. When
    the first argument names a command, only that one is built; --help, --version and a
    misspelt name get the whole tree, so listings and suggestions are unchanged.
    """
    (_only_command(sys.argv[1] if len(sys.argv) > 1 else None) or app)()
