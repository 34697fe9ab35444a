"""The `factdb` command line: parses options, calls the library, prints results.

Exit codes: 0 success; 1 some input was rejected (the rest was ingested) or the database could
not be used; 2 usage error (bad option value, unknown id). Errors go to standard error as one
``Error: …`` line each; results go to standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from factdb.output import Column, OutputFormat, cell, field, render, render_object

# Start-up time is part of every query: the database layer, Alembic (only to migrate), rich
# (only to draw a table) and spaCy (only to ingest) are imported where they are used, so that
# `factdb --help` and a query that prints a page of JSON do not pay for them.
if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from factdb import queries
    from factdb.synonyms import Synonyms

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
app.add_typer(show_app, name="show")
app.add_typer(db_app, name="db")
app.add_typer(conflicts_app, name="conflicts")


def _stderr_line(label: str, colour: str, message: str) -> None:
    """One ``Error:``/``Warning:`` line on standard error (coloured on a terminal only)."""
    typer.echo(f"{typer.style(label, fg=colour, bold=True)} {message}", err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one ``Error:`` line to standard error and exit with `code`."""
    _stderr_line("Error:", "red", message)
    raise typer.Exit(code)


def parse_date_option(value: str | None) -> date | None:
    """Typer callback: a date given on the command line, in any format feeds use."""
    if value is None:
        return None
    try:  # the usual ISO date, without loading dateparser
        return date.fromisoformat(value)
    except ValueError:
        pass
    from factdb.nlp.dates import parse_publication_date

    parsed = parse_publication_date(value)
    if parsed is None:
        raise typer.BadParameter(f"cannot read {value!r} as a date; use e.g. 2022-01-08")
    return parsed


# --- shared options (defined once, used by every command) -------------------------------

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
    int | None, typer.Option("--limit", "-n", min=1, help="At most this many rows.")
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


OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip this many rows first.")]
AfterOption = Annotated[
    int | None,
    typer.Option(
        "--after",
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
) -> queries.Filters:
    """The shared filters and the page: a table with no paging options shows the newest
    DEFAULT_PAGE rows; the other formats, written for scripts, print every row (streamed)."""
    from factdb import queries

    if all_rows and (limit is not None or offset or after is not None):
        fail("--all prints every row; leave out --limit, --offset and --after with it", code=2)
    newest = fmt is OutputFormat.TABLE and not (
        all_rows or limit is not None or offset or after is not None
    )
    return queries.Filters(
        source=source,
        since=_usage_date("--since", since),
        until=_usage_date("--until", until),
        search=search,
        entity=entity,
        limit=DEFAULT_PAGE if newest else limit,
        offset=offset,
        after=after,
        newest=newest,
    )


def _synonyms(path: str | None) -> Synonyms:
    """The synonym table, or a usage error naming the user's file and what is wrong."""
    from factdb.synonyms import SynonymFileError, load_synonyms

    try:
        return load_synonyms(path)
    except SynonymFileError as exc:
        fail(str(exc), code=2)


def _usage_date(option: str, value: str | None) -> date | None:
    try:
        return parse_date_option(value)
    except typer.BadParameter as exc:
        fail(f"{option}: {exc}", code=2)


@contextmanager
def _database(url: str | None) -> Iterator[Engine]:
    """Open (and if needed migrate) the database, turning failures into one-line errors."""
    from sqlalchemy.exc import OperationalError

    from factdb import db

    try:
        engine = db.open_engine(url)
    except db.DatabaseURLError as exc:
        fail(f"{exc}. Give --db a URL such as sqlite:///factdb.db or a file path.", code=2)
    except OperationalError as exc:
        fail(f"cannot open the database {url or ''}: {exc.orig}".replace("  ", " "))
    try:
        yield engine
    except OperationalError as exc:
        fail(f"database error: {exc.orig}")
    finally:
        engine.dispose()


def _query(url: str | None, action: Callable[[Session], Any]) -> Any:
    from sqlmodel import Session

    with _database(url) as engine, Session(engine) as session:
        return action(session)


def _list(
    database: str | None,
    fmt: OutputFormat,
    filters: queries.Filters,
    columns: list[Column],
    title: str,
    records: Callable[[Session], Iterable[dict[str, Any]]],
    statement: Callable[[Session], Any] | None = None,
) -> None:
    """Print a listing as it is read (constant memory for any length). When a table shows
    only the newest page, say so on standard error, with how many rows there are in all
    (`statement` selects them; None when only building the records can tell)."""
    from factdb import queries

    def run(session: Session) -> None:
        try:
            shown = render(records(session), fmt, columns, title=title)
        except LookupError as exc:
            fail(f"--after: no row with id {exc.args[0]} in this listing", code=2)
        if not filters.newest or shown < (filters.limit or 0):
            return
        total = f" of {queries.count(session, statement(session)):,}" if statement else ""
        _stderr_line(
            "Note:", "cyan", f"showing the newest {shown:,}{total}; --limit/--offset or --all"
        )

    _query(database, run)


# --- ingest -------------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Article files, directories (read recursively), or - for stdin."),
    ],
    source: Annotated[str | None, typer.Option(help="Source name for every article.")] = None,
    published: Annotated[
        str | None,
        typer.Option("--date", help="Publication date for every article (e.g. 2022-01-08)."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title for every article.")] = None,
    author: Annotated[str | None, typer.Option(help="Author for every article.")] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, warnings or summary (cron).")
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
    synonyms: SynonymsOption = None,
    database: DbOption = None,
) -> None:
    """Split articles into atomic claims and store them.

    Re-ingesting an article already stored (same text) adds nothing. Each article is stored
    in its own transaction; a bad file is reported and the others are still ingested (exit 1).

    Example: factdb ingest seeds/ --quiet
    """
    # Imported here: loading spaCy costs half a second that the query commands do not need.
    from factdb.ingest import choose_workers
    from factdb.ingest import ingest as run_ingest
    from factdb.nlp.pipeline import ModelNotInstalledError
    from factdb.readers import Overrides, count_inputs

    overrides = Overrides(
        source=source, title=title, author=author, published=_usage_date("--date", published)
    )
    synonym_table = _synonyms(synonyms)
    show_progress = not quiet and not as_json and sys.stderr.isatty() and "-" not in paths
    inputs = count_inputs(paths)
    chosen_workers = workers or choose_workers(inputs)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with _database(database) as engine:
        try:
            with Progress(
                TextColumn("Ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                disable=not show_progress,
            ) as progress:
                task = progress.add_task("ingest", total=inputs)
                report = run_ingest(
                    engine,
                    paths,
                    overrides=overrides,
                    synonyms=synonym_table,
                    workers=chosen_workers,
                    on_progress=lambda n: progress.advance(task, n),
                )
        except ModelNotInstalledError as exc:
            fail(str(exc))
    for message in report.errors:
        _stderr_line("Error:", "red", message)
    if not quiet:
        for message in report.warnings:
            _stderr_line("Warning:", "yellow", message)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        if report.duplicates and not report.articles_added:
            typer.echo("Nothing new: every article was already stored.")
        typer.echo(report.summary())
    if report.errors:
        raise typer.Exit(1)


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


CONFLICT_COLUMNS = [
    field("id"),
    field("kind"),
    field("status"),
    field("confidence"),
    Column("source A", _side("claim_a", lambda c: f"{c['source']} {_published(c) or ''}"), 22),
    Column("claim A", _side("claim_a", lambda c: c["text"]), 45),
    Column("source B", _side("claim_b", lambda c: f"{c['source']} {_published(c) or ''}"), 22),
    Column("claim B", _side("claim_b", lambda c: c["text"]), 45),
    field("explanation", max_width=50),
]


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
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List stored articles in publication order.

    Example: factdb articles --source Bloomberg --format json
    """
    from factdb import queries

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
    )
    _list(
        database,
        fmt,
        filters,
        ARTICLE_COLUMNS,
        "Articles",
        lambda s: queries.iter_articles(s, filters),
        lambda s: queries.articles_statement(s, filters),
    )


@app.command()
def sources(
    source: SourceOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List sources with their article and claim counts.

    Example: factdb sources --format csv
    """
    from factdb import queries

    filters = queries.Filters(source=source, limit=limit)
    _list(
        database,
        fmt,
        filters,
        SOURCE_COLUMNS,
        "Sources",
        lambda s: queries.list_sources(s, filters),
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
    article: Annotated[int | None, typer.Option(help="Only claims of this article id.")] = None,
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
    from factdb import queries

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
    )
    filters = queries.ClaimFilters(
        **vars(base), article_id=article, speaker=speaker, counted=counted, with_quantities=numbers
    )
    table = _synonyms(synonyms) if counted else None
    _list(
        database,
        fmt,
        filters,
        CLAIM_COLUMNS,
        "Claims",
        lambda s: queries.iter_claims(s, filters, table),
        lambda s: queries.claims_statement(s, filters, table),
    )


@conflicts_app.callback()
def conflicts(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(help="Only this kind: number, update, polarity, direction or date."),
    ] = None,
    status: Annotated[str, typer.Option(help="open, dismissed, resolved or all.")] = "open",
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List claims of different sources that conflict, each with the rule that fired, in the
    order they were found.

    Example: factdb conflicts --kind number --status all --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from factdb import queries

    if status not in (*queries.CONFLICT_STATUSES, "all"):
        fail(f"--status must be one of open, dismissed, resolved, all (got {status!r})", code=2)
    if kind is not None:
        from factdb.conflicts import KINDS

        if kind not in KINDS:
            fail(f"--kind must be one of {', '.join(KINDS)} (got {kind!r})", code=2)
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
    )
    filters = queries.ConflictFilters(**vars(base), kind=kind, status=status)
    _list(
        database,
        fmt,
        filters,
        CONFLICT_COLUMNS,
        "Conflicts",
        lambda s: queries.iter_conflicts(s, filters),
        lambda s: queries.conflicts_statement(s, filters),
    )


@app.command()
def facts(
    counted: CountedOption = None,
    state: Annotated[
        str | None,
        typer.Option(help="Only facts in this state: agree, conflict, update or single."),
    ] = None,
    min_sources: Annotated[
        int, typer.Option(min=1, help="Only facts told by at least this many independent sources.")
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
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List facts: claims of different articles that state the same thing, with each source's
    report, whether the sources agree, and how many independent sources (copies count once).

    Example: factdb facts --min-sources 2 --counted killed --format json
    """
    from factdb import queries

    states = {"single": "single source", **{s: s for s in queries.FACT_STATES}}
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
    )
    filters = queries.FactFilters(
        **vars(base),
        counted=counted,
        state=states[state] if state else None,
        min_sources=min_sources,
    )
    table = _synonyms(synonyms) if counted else None
    # With --state or --min-sources only the built facts can be counted exactly: no total.
    statement = (
        None
        if queries.exact_fact_filters(filters)
        else (lambda s: queries.facts_statement(s, filters, table))
    )
    _list(
        database,
        fmt,
        filters,
        FACT_COLUMNS,
        "Facts",
        lambda s: queries.iter_facts(s, filters, table),
        statement,
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
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """Each report of a number in publication order, with its source and interval, and
    whether it agrees with, updates or conflicts with the earlier reports of the same fact.

    Example: factdb timeline --counted killed --entity Turkey
    """
    from factdb import queries

    synonym_table = _synonyms(synonyms)
    base = _filters(
        source, since, until, search, entity, limit, fmt=fmt, offset=offset, all_rows=all_rows
    )
    filters = queries.TimelineFilters(**vars(base), counted=counted)
    _list(
        database,
        fmt,
        filters,
        TIMELINE_COLUMNS,
        "Timeline",
        lambda s: queries.timeline(s, filters, synonym_table),
        # No total: counting every report costs what listing them all does.
        None,
    )


@app.command()
def stats(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Counts of sources, articles, claims, quantities, entities and conflicts.

    Example: factdb stats --format json
    """
    from factdb import queries

    render_object(_query(database, queries.stats), fmt)


def _show(
    database: str | None,
    fmt: OutputFormat,
    kind: str,
    record_id: int,
    lookup: str,
) -> None:
    """Print one record (`lookup` names the function of `factdb.queries` that reads it), or
    a usage error pointing at the command that lists them."""
    from factdb import queries

    record = _query(database, lambda s: getattr(queries, lookup)(s, record_id))
    if record is None:
        fail(f"no {kind} with id {record_id}; list them with `factdb {kind}s`", code=2)
    render_object(record, fmt)


@show_app.command("claim")
def show_claim(
    claim_id: Annotated[int, typer.Argument(help="Claim id (see `factdb claims`).")],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One claim with its evidence cut from the stored text and every extracted field.

    Example: factdb show claim 12 --format json
    """
    _show(database, fmt, "claim", claim_id, "get_claim")


@show_app.command("article")
def show_article(
    article_id: Annotated[int, typer.Argument(help="Article id (see `factdb articles`).")],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One article: metadata, stored text and all its claims.

    Example: factdb show article 1 --format json
    """
    _show(database, fmt, "article", article_id, "get_article")


@show_app.command("fact")
def show_fact(
    fact_id: Annotated[int, typer.Argument(help="Fact id (see `factdb facts`).")],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One fact: its state, independent sources, every claim in full and its conflicts.

    Example: factdb show fact 4 --format json
    """
    _show(database, fmt, "fact", fact_id, "get_fact")


# --- database -----------------------------------------------------------------------------


def _engine_without_migrating(url: str | None) -> Engine:
    from factdb import db

    try:
        return db.create_db_engine(url)
    except db.DatabaseURLError as exc:
        fail(str(exc), code=2)


def _run_schema_command(url: str | None, action: Callable[[Engine], None]) -> None:
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    engine = _engine_without_migrating(url)
    try:
        action(engine)
    except CommandError as exc:  # an unknown or ambiguous revision
        fail(f"{exc}; `factdb db current` shows where the database is", code=2)
    except OperationalError as exc:
        fail(f"cannot use the database: {exc.orig}")
    except SQLAlchemyError as exc:
        fail(f"migration failed: {exc}")
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
    from factdb import db

    _run_schema_command(database, lambda engine: db.upgrade(engine, revision))
    typer.echo(f"Database at revision {revision}.")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, or base to drop every table.")],
    database: DbOption = None,
) -> None:
    """Revert migrations down to REVISION (base removes all factdb tables and data).

    Example: factdb db downgrade base
    """
    from factdb import db

    _run_schema_command(database, lambda engine: db.downgrade(engine, revision))
    typer.echo(f"Database at revision {revision}.")


@db_app.command("current")
def db_current(database: DbOption = None) -> None:
    """Print the revision the database is at (nothing for an empty database).

    Example: factdb db current
    """
    from factdb import db

    _run_schema_command(database, lambda engine: typer.echo(db.current_revision(engine) or ""))


@db_app.command("info")
def db_info(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Where the database is, its backend, and its current and newest revisions.

    Example: factdb db info --format json
    """
    from factdb import db

    _run_schema_command(database, lambda engine: render_object(vars(db.database_info(engine)), fmt))


@conflicts_app.command("dismiss")
def conflicts_dismiss(
    conflict_id: Annotated[int, typer.Argument(help="Conflict id.")],
    note: Annotated[str, typer.Option(help="Why it is not a real conflict.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as not a real disagreement (it stays dismissed across re-ingests).

    Example: factdb conflicts dismiss 3 --note "different districts"
    """
    _review(database, conflict_id, "dismissed", note)


@conflicts_app.command("resolve")
def conflicts_resolve(
    conflict_id: Annotated[int, typer.Argument(help="Conflict id.")],
    note: Annotated[str, typer.Option(help="How it was settled.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as settled, with a note saying how.

    Example: factdb conflicts resolve 3 --note "ministry confirmed 26"
    """
    _review(database, conflict_id, "resolved", note)


def _review(database: str | None, conflict_id: int, status: str, note: str) -> None:
    from sqlmodel import Session

    from factdb.conflicts import set_conflict_status

    with _database(database) as engine, Session(engine) as session, session.begin():
        if not set_conflict_status(session, conflict_id, status, note):
            fail(
                f"no conflict with id {conflict_id}; "
                "list them with `factdb conflicts --status all`",
                2,
            )
    typer.echo(f"Conflict {conflict_id} {status}.")


def main() -> None:
    """Entry point for ``python -m factdb``."""
    app()
