"""The `factdb` command line: parses options, calls the library, prints results.

Exit codes: 0 success; 1 some input was rejected (the rest was ingested) or the database could
not be used; 2 usage error (bad option value, unknown id). Errors go to standard error as one
``Error: …`` line each; results go to standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, NoReturn

import click
import typer
from alembic.util.exc import CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from factdb import db, queries
from factdb.conflicts import KINDS as CONFLICT_KINDS
from factdb.conflicts import set_conflict_status
from factdb.output import Column, OutputFormat, cell, field, render, render_object
from factdb.readers import Overrides, count_inputs, plausible_publication_date
from factdb.synonyms import SynonymFileError, Synonyms, load_synonyms

app = typer.Typer(
    help="factdb: who claimed what, when — and where sources disagree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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

err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one ``Error:`` line to standard error and exit with `code`."""
    err.print(f"[bold red]Error:[/] {message}", markup=True)
    raise typer.Exit(code)


def parse_date_option(value: str | None) -> date | None:
    """Typer callback: a date given on the command line, in any format feeds use."""
    if value is None:
        return None
    from factdb.nlp.dates import parse_publication_date

    parsed = parse_publication_date(value)
    if parsed is None:
        raise typer.BadParameter(f"cannot read {value!r} as a date; use e.g. 2022-01-08")
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


def _filters(
    source: str | None,
    since: str | None,
    until: str | None,
    search: str | None,
    entity: str | None,
    limit: int | None,
) -> queries.Filters:
    return queries.Filters(
        source=source,
        since=_usage_date("--since", since),
        until=_usage_date("--until", until),
        search=search,
        entity=entity,
        limit=limit,
    )


def _synonyms(path: str | None) -> Synonyms:
    """The synonym table, or a usage error naming the user's file and what is wrong."""
    try:
        return load_synonyms(path)
    except SynonymFileError as exc:
        fail(str(exc), code=2)


def _usage_date(option: str, value: str | None) -> date | None:
    try:
        return parse_date_option(value)
    except typer.BadParameter as exc:
        fail(f"{option}: {exc}", code=2)


def _driver_message(exc: SQLAlchemyError) -> str:
    """The driver's own words for a database error, on one line, passwords masked."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return db.mask_secrets(text.splitlines()[0] if text else type(exc).__name__)


@contextmanager
def _database(url: str | None, *, create: bool = False, write: bool = False) -> Iterator[Engine]:
    """Open (and if needed migrate) the database, turning failures into one-line errors.

    Only `create` commands (ingest) make a database or its schema where there is none; a
    query on a missing database says so instead.
    """
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
    from factdb.config import database_url

    return db.describe_url(database_url(url))


def _query(url: str | None, action: Callable[[Session], Any]) -> Any:
    with _database(url) as engine, Session(engine) as session:
        return action(session)


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

    Re-ingesting an article already stored (same text) adds nothing. Each article is stored
    in its own transaction; a bad file is reported and the others are still ingested (exit 1).

    Example: factdb ingest seeds/ --quiet
    """
    # Imported here: loading spaCy costs half a second that the query commands do not need.
    from factdb.ingest import choose_workers
    from factdb.ingest import ingest as run_ingest
    from factdb.nlp.pipeline import ModelNotInstalledError

    publication_date = _usage_date("--date", published)
    if publication_date is not None and not plausible_publication_date(publication_date):
        fail(f"--date: {published!r} is not a publication date between 1800 and 2200", code=2)
    overrides = Overrides(source=source, title=title, author=author, published=publication_date)
    synonym_table = _synonyms(synonyms)
    show_progress = not quiet and not as_json and sys.stderr.isatty() and "-" not in paths
    inputs = count_inputs(paths)
    chosen_workers = workers or choose_workers(inputs)
    with _database(database, create=True, write=True) as engine:
        try:
            with Progress(
                TextColumn("Ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
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
                    article_timeout=article_timeout,
                )
        except ModelNotInstalledError as exc:
            fail(str(exc))
    for message in report.errors:
        err.print(f"[bold red]Error:[/] {message}", markup=True, highlight=False)
    if not quiet:
        for message in report.warnings:
            err.print(f"[yellow]Warning:[/] {message}", markup=True, highlight=False)
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
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List stored articles in publication order.

    Example: factdb articles --source Bloomberg --format json
    """
    filters = _filters(source, since, until, search, entity, limit)
    rows = _query(database, lambda s: queries.list_articles(s, filters))
    render(rows, fmt, ARTICLE_COLUMNS, title="Articles")


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
    filters = queries.Filters(source=source, limit=limit)
    rows = _query(database, lambda s: queries.list_sources(s, filters))
    render(rows, fmt, SOURCE_COLUMNS, title="Sources")


@app.command()
def claims(
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    limit: LimitOption = None,
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
    """List atomic claims with speaker, source, dates and quantities (as intervals).

    Example: factdb claims --counted killed --format jsonl
    """
    base = _filters(source, since, until, search, entity, limit)
    filters = queries.ClaimFilters(
        **vars(base), article_id=article, speaker=speaker, counted=counted, with_quantities=numbers
    )
    synonym_table = _synonyms(synonyms)
    rows = _query(database, lambda s: queries.list_claims(s, filters, synonym_table))
    render(rows, fmt, CLAIM_COLUMNS, title="Claims")


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
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List claims of different sources that conflict, each with the rule that fired.

    Example: factdb conflicts --kind number --status all --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    if status not in (*queries.CONFLICT_STATUSES, "all"):
        fail(f"--status must be one of open, dismissed, resolved, all (got {status!r})", code=2)
    if kind is not None and kind not in CONFLICT_KINDS:
        fail(f"--kind must be one of {', '.join(CONFLICT_KINDS)} (got {kind!r})", code=2)
    base = _filters(source, since, until, search, entity, limit)
    filters = queries.ConflictFilters(**vars(base), kind=kind, status=status)
    rows = _query(database, lambda s: queries.list_conflicts(s, filters))
    render(rows, fmt, CONFLICT_COLUMNS, title="Conflicts")


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
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List facts: claims of different articles that state the same thing, with each source's
    report, whether the sources agree, and how many independent sources (copies count once).

    Example: factdb facts --min-sources 2 --counted killed --format json
    """
    states = {"single": "single source", **{s: s for s in queries.FACT_STATES}}
    if state is not None and state not in states:
        fail(f"--state must be one of agree, conflict, update, single (got {state!r})", code=2)
    base = _filters(source, since, until, search, entity, limit)
    filters = queries.FactFilters(
        **vars(base),
        counted=counted,
        state=states[state] if state else None,
        min_sources=min_sources,
    )
    synonym_table = _synonyms(synonyms)
    rows = _query(database, lambda s: queries.list_facts(s, filters, synonym_table))
    render(rows, fmt, FACT_COLUMNS, title="Facts")


@app.command()
def timeline(
    counted: CountedOption = None,
    entity: EntityOption = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    limit: LimitOption = None,
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """Each report of a number in publication order, with its source and interval, and
    whether it agrees with, updates or conflicts with the earlier reports of the same fact.

    Example: factdb timeline --counted killed --entity Turkey
    """
    synonym_table = _synonyms(synonyms)
    base = _filters(source, since, until, search, entity, limit)
    filters = queries.TimelineFilters(**vars(base), counted=counted)
    rows = _query(database, lambda s: queries.timeline(s, filters, synonym_table))
    render(rows, fmt, TIMELINE_COLUMNS, title="Timeline")


@app.command()
def stats(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Counts of sources, articles, claims, quantities, entities and conflicts.

    Example: factdb stats --format json
    """
    render_object(_query(database, queries.stats), fmt)


def _show(
    database: str | None,
    fmt: OutputFormat,
    kind: str,
    record_id: int,
    lookup: Callable[[Session, int], dict[str, Any] | None],
) -> None:
    """Print one record, or a usage error pointing at the command that lists them."""
    record = _query(database, lambda s: lookup(s, record_id))
    if record is None:
        fail(f"no {kind} with id {record_id}; list them with `factdb {kind}s`", code=2)
    render_object(record, fmt)


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
    _show(database, fmt, "claim", claim_id, queries.get_claim)


@show_app.command("article")
def show_article(
    article_id: Annotated[
        int, typer.Argument(min=1, max=MAX_INT, help="Article id (see `factdb articles`).")
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One article: metadata, stored text and all its claims.

    Example: factdb show article 1 --format json
    """
    _show(database, fmt, "article", article_id, queries.get_article)


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
    _show(database, fmt, "fact", fact_id, queries.get_fact)


# --- database -----------------------------------------------------------------------------


def _engine_without_migrating(url: str | None, create: bool = False) -> Engine:
    try:
        return db.create_db_engine(url, create=create)
    except db.DatabaseError as exc:
        fail(str(exc))


def _run_schema_command(
    url: str | None, action: Callable[[Engine], None], create: bool = False
) -> None:
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
    _run_schema_command(database, lambda engine: typer.echo(db.current_revision(engine) or ""))


@db_app.command("info")
def db_info(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Where the database is, its backend, and its current and newest revisions.

    Example: factdb db info --format json
    """
    _run_schema_command(database, lambda engine: render_object(vars(db.database_info(engine)), fmt))


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


def main() -> None:
    """Entry point for ``python -m factdb``."""
    app()
