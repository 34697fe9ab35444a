"""`factdb ingest` and `factdb rematch`: options in, `factdb.ingest.pipeline` or
`factdb.match.rematch` called, a summary (or JSON) out, with a progress bar on a terminal."""

from __future__ import annotations

import json
import sys
from datetime import date
from time import perf_counter
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.progress import Progress

from factdb.cli.common import (
    MAX_TIMEOUT_S,
    DateOrderOption,
    DbOption,
    SynonymsOption,
    date_option,
    date_order_option,
    fail,
    open_database,
    run_query,
    stderr_line,
    synonyms_option,
    warn,
)


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


def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH...",
            help="Article files (text, HTML, JSON, JSON Lines, RSS/Atom, PDF), directories (read "
            "recursively), URLs, or - for stdin.",
            show_default=False,
        ),
    ] = None,
    feeds: Annotated[
        bool, typer.Option("--feeds", help="Poll every feed of `factdb feeds list` once.")
    ] = False,
    source: Annotated[
        str | None, typer.Option(metavar="NAME", help="Source name for every article.")
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Publication date for every article: 2022-01-08, 'March 5', yesterday, "
            "12/03/2024 (with --date-order).",
        ),
    ] = None,
    date_order: DateOrderOption = None,
    title: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Title for every article.")
    ] = None,
    author: Annotated[
        str | None, typer.Option(metavar="NAME", help="Author for every article.")
    ] = None,
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
        typer.Option(
            metavar="SECONDS", min=0.01, help="Seconds before a fetch times out (default 20)."
        ),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(
            metavar="N", min=0, help="Retries of a fetch that timed out or got a 5xx (default 2)."
        ),
    ] = None,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            metavar="BYTES",
            min=1,
            help="Largest page or feed fetched, in bytes (default 10000000).",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Only errors: no progress bar, warnings or summary."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            min=1,
            help="Processes parsing articles in parallel. Default: one per CPU (up to 4) for "
            "60 or more inputs, else 1.",
        ),
    ] = None,
    article_timeout: Annotated[
        float | None,
        typer.Option(
            "--article-timeout",
            metavar="SECONDS",
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
    order = date_order_option(date_order)
    when = date_option("--date", published, order)
    if when is not None and not plausible_publication_date(when):
        fail(f"--date: {published!r} is not a publication date between 1800 and 2200", code=2)
    if when is not None and when > date.today() and not quiet:
        warn(f"--date {when} is in the future; check it")
    overrides = Overrides(
        source=source, title=title, author=author, published=when, date_order=order
    )
    synonym_table = synonyms_option(synonyms)
    settings = _fetch_settings(timeout, retries, max_bytes)
    show_progress = progress_wanted(
        quiet=quiet, as_json=as_json, reads_stdin="-" in paths, terminal=sys.stderr.isatty()
    )
    files = [p for p in paths if not is_url(p)]
    inputs = count_inputs(files) + (len(paths) - len(files))
    with (
        open_database(database, create=True, write=True) as engine,
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
                feed_count = len(run_query(database, archive_query.list_feeds)) if feeds else 0
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
        stderr_line("Error:", "red", message)
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

    synonym_table = synonyms_option(synonyms)
    with open_database(database, write=True) as engine:
        report = run_rematch(engine, synonym_table)
    typer.echo(report.summary())
