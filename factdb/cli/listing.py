"""The query commands: `articles`, `stories`, `sources`, `claims`, `conflicts`, `facts`,
`timeline`, `stats` and `show claim|article|fact`, with the columns each prints as a table
or CSV (JSON and JSON lines print the full records of `factdb.query`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factdb.query.output import (
    Column,
    OutputFormat,
    field,
    print_table,
    published_text,
    quantity_text,
    render_object,
)

if TYPE_CHECKING:
    from factdb.query import conflicts as conflicts_query
    from factdb.query import sql as sql_query
    from factdb.store.driver import Reader
from factdb.cli.common import (
    DEFAULT_PAGE,
    AfterOption,
    AllOption,
    AllVersionsOption,
    CountedOption,
    DbOption,
    EntityOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    SearchOption,
    SinceOption,
    SourceOption,
    StoryOption,
    SynonymsOption,
    UntilOption,
    fail,
    fits_database,
    print_listing,
    query_filters,
    run_query,
    stderr_line,
    synonyms_option,
)


def _quantities_text(record: dict[str, Any]) -> str:
    return "; ".join(quantity_text(q) for q in record["quantities"])


def _claim_columns(text_field: str) -> list[Column]:
    """The claim table, its claim column showing `text_field`: ``standalone`` (the claim as a
    reader can check it on its own, the default) or ``text`` (as written, ``--as-written``)."""
    return [
        field("id"),
        field("source", max_width=18),
        Column("published", published_text, 10),
        field("speaker", max_width=18),
        field(text_field, "claim", max_width=70),
        Column("event date", lambda r: r["event_date"] or r["event_date_text"], 12),
        Column("quantities", _quantities_text, 40),
        field("fact_id", "fact"),
    ]


CLAIM_COLUMNS = _claim_columns("standalone")
CLAIM_AS_WRITTEN_COLUMNS = _claim_columns("text")


ARTICLE_COLUMNS = [
    field("id"),
    field("source", max_width=24),
    Column("published", published_text),
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
    return f"{claim['source'] or '?'}, {published_text(claim) or 'undated'}"


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
    Column("published_a", _side("claim_a", published_text)),
    Column("evidence_a", _side("claim_a", lambda c: c["text"])),
    Column("claim_b_id", _side("claim_b", lambda c: c["id"])),
    Column("source_b", _side("claim_b", lambda c: c["source"])),
    Column("published_b", _side("claim_b", published_text)),
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
        f"{c['source'] or '?'} {published_text(c) or 'undated'}: "
        + (_quantities_text(c) or c["text"])
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
    Column("published", published_text, 12),
    field("source", max_width=20),
    Column("number", lambda r: f"{r['raw']} {r['interval']}", 24),
    field("text", "claim", max_width=50),
    field("relation"),
    Column("vs", lambda r: r["compared_with"] and f"#{r['compared_with']}"),
    field("claim_id", "claim id"),
    field("fact_id", "fact id"),
]


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

    filters = query_filters(
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
    print_listing(
        database,
        fmt,
        filters,
        ARTICLE_COLUMNS,
        "Articles",
        lambda r: archive_query.iter_articles(r, filters),
        lambda r: archive_query.articles_selection(r, filters),
    )


def stories(
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
    """List stories: the coverage of one event by every outlet, by the date of their last
    article, with their articles, sources, facts and first and last dates. Claims are only
    compared within one; `--story ID` narrows claims, facts, conflicts and timeline to one,
    and `factdb show story ID` shows it whole.

    Example: factdb stories --search earthquake --format json
    """
    from factdb.query import archive as archive_query

    filters = query_filters(
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
        # A story counts every stored article; its versions are no reason to leave it out.
        all_versions=True,
    )
    print_listing(
        database,
        fmt,
        filters,
        STORY_COLUMNS,
        "Stories",
        lambda r: archive_query.iter_stories(r, filters),
        lambda r: archive_query.stories_selection(r, filters),
    )


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
    print_listing(
        database,
        fmt,
        filters,
        SOURCE_COLUMNS,
        "Sources",
        lambda r: archive_query.list_sources(r, filters),
    )


def claims(
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    story: StoryOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    article: Annotated[
        int | None,
        typer.Option(
            metavar="ID", min=1, callback=fits_database, help="Only claims of this article id."
        ),
    ] = None,
    speaker: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only claims by this speaker.")
    ] = None,
    counted: CountedOption = None,
    numbers: Annotated[
        bool, typer.Option("--numbers", help="Only claims with quantities.")
    ] = False,
    as_written: Annotated[
        bool,
        typer.Option(
            "--as-written",
            help="Tables show each claim as the article wrote it, not its standalone form.",
        ),
    ] = False,
    synonyms: SynonymsOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List atomic claims with speaker, source, dates and quantities (as intervals), in the
    order they were stored. Tables show each claim's standalone form (pronouns and
    descriptions replaced by the name they stand for); --as-written shows the text as
    written. --search looks in both.

    Example: factdb claims --counted killed --format jsonl
    """
    from factdb.query import claims as claims_query

    base = query_filters(
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
        story=story,
    )
    filters = claims_query.ClaimFilters(
        **vars(base), article_id=article, speaker=speaker, counted=counted, with_quantities=numbers
    )
    table = synonyms_option(synonyms) if counted else None
    print_listing(
        database,
        fmt,
        filters,
        CLAIM_AS_WRITTEN_COLUMNS if as_written else CLAIM_COLUMNS,
        "Claims",
        lambda r: claims_query.iter_claims(r, filters, table),
        lambda r: claims_query.claims_selection(r, filters, table),
        csv_columns=CLAIM_CSV_COLUMNS,
        csv_rows=_claim_rows,
    )


def conflicts(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(
            metavar="KIND", help="Only this kind: number, update, polarity, direction or date."
        ),
    ] = None,
    status: Annotated[
        str, typer.Option(metavar="STATUS", help="open, dismissed, resolved or all.")
    ] = "open",
    new: Annotated[
        bool, typer.Option("--new", help="Only conflicts found by the latest ingest run.")
    ] = False,
    since_run: Annotated[
        int | None,
        typer.Option(
            "--since-run",
            metavar="RUN",
            min=1,
            callback=fits_database,
            help="Only conflicts found by ingest run N and later runs.",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            metavar="P",
            min=0.0,
            max=1.0,
            help="Only conflicts at least this likely to be right (0-1; see README, Confidence).",
        ),
    ] = None,
    order: Annotated[
        str,
        typer.Option(
            metavar="ORDER",
            help="found (the order they were found) or confidence (least confident first, so "
            "the default page shows the most confident).",
        ),
    ] = "found",
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    story: StoryOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    all_rows: AllOption = False,
    all_versions: AllVersionsOption = False,
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """List claims of different sources that conflict, each with the rule that fired and how
    likely it is to be right (confidence), in the order they were found.

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
    if order not in conflicts_query.CONFLICT_ORDERS:
        orders = ", ".join(conflicts_query.CONFLICT_ORDERS)
        fail(f"--order must be one of {orders} (got {order!r})", code=2)
    base = query_filters(
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
        story=story,
    )

    def conflict_filters(reader: Reader) -> conflicts_query.ConflictFilters | None:
        """The filters with the first run to list from (None: no run yet, so nothing)."""
        first_run = conflicts_query.latest_run_id(reader) if new else since_run
        if (new or since_run is not None) and first_run is None:
            return None
        return conflicts_query.ConflictFilters(
            **vars(base),
            kind=kind,
            status=status,
            since_run=first_run,
            min_confidence=min_confidence,
            order=order,
        )

    def found(reader: Reader) -> Iterable[dict[str, Any]]:
        filters = conflict_filters(reader)
        return [] if filters is None else conflicts_query.iter_conflicts(reader, filters)

    def selection(reader: Reader) -> sql_query.Selection:
        filters = conflict_filters(reader)
        assert filters is not None  # only asked after a full page was printed
        return conflicts_query.conflicts_selection(reader, filters)

    print_listing(
        database,
        fmt,
        base,
        CONFLICT_COLUMNS,
        "Conflicts",
        found,
        selection,
        csv_columns=CONFLICT_CSV_COLUMNS,
    )


def facts(
    counted: CountedOption = None,
    state: Annotated[
        str | None,
        typer.Option(
            metavar="STATE", help="Only facts in this state: agree, conflict, update or single."
        ),
    ] = None,
    min_sources: Annotated[
        int,
        typer.Option(
            metavar="N",
            min=1,
            callback=fits_database,
            help="Only facts told by at least this many independent sources.",
        ),
    ] = 1,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    entity: EntityOption = None,
    story: StoryOption = None,
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
    base = query_filters(
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
        story=story,
    )
    filters = facts_query.FactFilters(
        **vars(base),
        counted=counted,
        state=states[state] if state else None,
        min_sources=min_sources,
    )
    table = synonyms_option(synonyms) if counted else None
    # With --state or --min-sources only the built facts can be counted exactly: no total.
    selection = (
        None
        if facts_query.exact_fact_filters(filters)
        else (lambda r: facts_query.facts_selection(r, filters, table))
    )
    print_listing(
        database,
        fmt,
        filters,
        FACT_COLUMNS,
        "Facts",
        lambda r: facts_query.iter_facts(r, filters, table),
        selection,
    )


def timeline(
    counted: CountedOption = None,
    entity: EntityOption = None,
    story: StoryOption = None,
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

    synonym_table = synonyms_option(synonyms)
    base = query_filters(
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
        story=story,
    )
    filters = timeline_query.TimelineFilters(**vars(base), counted=counted)
    print_listing(
        database,
        fmt,
        filters,
        TIMELINE_COLUMNS,
        "Timeline",
        lambda r: timeline_query.timeline(r, filters, synonym_table),
        # No total: counting every report costs what listing them all does.
        None,
    )


def stats(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """Counts of sources, articles, claims, quantities, entities and conflicts.

    Example: factdb stats --format json
    """
    from factdb.query import archive as archive_query

    render_object(run_query(database, archive_query.stats), fmt)


def _show(
    database: str | None,
    fmt: OutputFormat,
    kind: str,
    record_id: int,
    lookup: Callable[[Reader, int], dict[str, Any] | None],
    table: Callable[[dict[str, Any]], None] | None = None,
    listing: str | None = None,
) -> None:
    """Print one record (`lookup` reads it, or None when there is none), or a usage error
    pointing at the command that lists them (`listing`, by default the kind's plural);
    `table` draws it as a table."""
    record = run_query(database, lambda r: lookup(r, record_id))
    if record is None:
        fail(
            f"no {kind} with id {record_id}; list them with `factdb {listing or kind + 's'}`",
            code=2,
        )
    if table is not None and fmt is OutputFormat.TABLE:
        table(record)
    else:
        render_object(record, fmt)


FACT_CLAIM_COLUMNS = [
    field("id", "claim"),
    field("source", max_width=20),
    Column("published", published_text, 12),
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
        stderr_line(
            "Note:",
            "cyan",
            f"showing the first {DEFAULT_PAGE} of {len(claims):,} claims; all of them: "
            f"factdb claims --article {article['id']} --all",
        )


def show_claim(
    claim_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", min=1, callback=fits_database, help="Claim id (see `factdb claims`)."
        ),
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One claim with its evidence cut from the stored text and every extracted field.

    Example: factdb show claim 12 --format json
    """
    from factdb.query import claims as claims_query

    _show(database, fmt, "claim", claim_id, claims_query.get_claim)


def show_article(
    article_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", min=1, callback=fits_database, help="Article id (see `factdb articles`)."
        ),
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


def show_fact(
    fact_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", min=1, callback=fits_database, help="Fact id (see `factdb facts`)."
        ),
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One fact: its state, independent sources, every claim in full and its conflicts.

    Example: factdb show fact 4 --format json
    """
    from factdb.query import facts as facts_query

    _show(database, fmt, "fact", fact_id, facts_query.get_fact, table=_fact_table)


STORY_ARTICLE_COLUMNS = [
    field("id", "article"),
    Column("published", published_text, 12),
    field("source", max_width=24),
    field("title", max_width=60),
    field("claims"),
]


STORY_FACT_COLUMNS = [
    field("id", "fact"),
    field("state"),
    field("independent_sources", "sources"),
    field("label", "fact", max_width=70),
]


def _story_table(story: dict[str, Any]) -> None:
    """A story as a journalist reads it: its summary, its articles by date and source, its
    facts with their state, then its open conflicts."""
    lists = ("article_list", "fact_list", "conflict_list")
    render_object({k: v for k, v in story.items() if k not in lists}, OutputFormat.TABLE)
    print_table(story["article_list"], STORY_ARTICLE_COLUMNS, sys.stdout, title="Articles")
    if story["fact_list"]:
        print_table(story["fact_list"], STORY_FACT_COLUMNS, sys.stdout, title="Facts")
    if story["conflict_list"]:
        print_table(story["conflict_list"], CONFLICT_COLUMNS, sys.stdout, title="Open conflicts")


def show_story(
    story_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", min=1, callback=fits_database, help="Story id (see `factdb stories`)."
        ),
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    database: DbOption = None,
) -> None:
    """One story: its articles by date and source, its facts with their state, and its open
    conflicts.

    Example: factdb show story 1 --format json
    """
    from factdb.query import archive as archive_query

    _show(
        database,
        fmt,
        "story",
        story_id,
        archive_query.get_story,
        table=_story_table,
        listing="stories",
    )
