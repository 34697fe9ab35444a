"""What each page shows, read through the query layer: the JSON answer (the public shapes of
`factdb.query`, as `factdb … --format json` prints them) and what only its HTML adds (charts,
evidence in context, pagers).

Listings page the way the CLI does, newest (or most confident) first: a page of PAGE_SIZE rows
walked by key from the last row of the page before (`?after=ID`), so every page costs what
the first does however deep it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from factdb.query import archive as archive_query
from factdb.query import claims as claims_query
from factdb.query import conflicts as conflicts_query
from factdb.query import facts as facts_query
from factdb.query.pages import COUNTED_AT_MOST, Counting
from factdb.query.sql import Filters, Record, Selection
from factdb.store.driver import Reader
from factdb.web.charts import Chart, fact_chart, source_styles
from factdb.web.evidence import Passage, article_segments, claim_passage

PAGE_SIZE = 50
# The largest id or count a database column holds (64-bit).
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 500
# Characters of article text shown either side of a claim's sentence.
EVIDENCE_MARGIN = 600
# An article page lists this many claims (the JSON has every one), as `show article` does.
ARTICLE_CLAIMS_SHOWN = 50

# The order of a story's charts: the facts that need a reviewer first.
_STATE_ORDER = {"conflict": 0, "update": 1, "agree": 2, "single source": 3}


class PageError(Exception):
    """A request a page cannot answer: the HTTP status and a message saying what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Page:
    """A page's answer: its template, its title, the JSON record (``.json``) and what only
    the HTML shows."""

    template: str
    title: str
    data: Any
    context: dict[str, Any] = field(default_factory=dict)


Params = Mapping[str, str]


# --- query parameters ---------------------------------------------------------------------


def _text(params: Params, name: str) -> str | None:
    value = params.get(name, "").strip()
    return value or None


def _whole(params: Params, name: str, minimum: int = 1) -> int | None:
    value = _text(params, name)
    if value is None:
        return None
    if not value.isdigit() or not minimum <= int(value) <= MAX_ID:
        raise PageError(400, f"{name} must be a whole number of at least {minimum} (got {value!r})")
    return int(value)


def _day(params: Params, name: str) -> date | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PageError(400, f"{name} must be a date such as 2024-05-14 (got {value!r})") from None


def _choice(params: Params, name: str, choices: Any, default: str | None) -> str | None:
    value = _text(params, name) or default
    if value is not None and value not in choices:
        raise PageError(400, f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _share(params: Params, name: str) -> float | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise PageError(400, f"{name} must be a number from 0 to 1 (got {value!r})")
    return share


def _page_size(params: Params) -> int:
    size = _whole(params, "limit") or PAGE_SIZE
    if size > MAX_PAGE_SIZE:
        raise PageError(400, f"limit must be at most {MAX_PAGE_SIZE} (got {size})")
    return size


# --- listings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One page of a listing, newest first, with the link to the next (older) page and how
    many rows the filters select (counted up to COUNTED_AT_MOST, and only briefly)."""

    rows: list[Record]
    next: str | None
    # The first page with the same filters, when this is a later one.
    first: str | None
    total: int | None
    total_exact: bool

    def as_json(self, name: str) -> Record:
        return {
            name: self.rows,
            "next": self.next,
            "total": self.total,
            "total_exact": self.total_exact,
        }


def _listing(
    reader: Reader,
    path: str,
    params: Params,
    filters: Filters,
    rows: Callable[[], Iterator[Record]],
    selection: Selection,
) -> Listing:
    """Read a page of a listing (`filters` ask for the newest page, after `?after=` if
    given) while its rows are counted beside it, as the CLI's "showing 50 of N" note is."""
    counting = Counting(reader, selection)
    try:
        try:
            found = list(rows())
        except LookupError:
            raise PageError(
                400, f"after: no row with id {filters.after} in this listing; start from {path}"
            ) from None
        total = counting.result()
    finally:
        counting.stop()
    found.reverse()  # newest first
    kept = [(k, v) for k, v in params.items() if k != "after" and v]
    following = None
    if len(found) == filters.limit:
        following = f"{path}?{urlencode([*kept, ('after', found[-1]['id'])])}"
    first = None if filters.after is None else f"{path}?{urlencode(kept)}".rstrip("?")
    exact = total is not None and total <= COUNTED_AT_MOST
    shown_total = None if total is None else min(total, COUNTED_AT_MOST)
    return Listing(found, following, first, shown_total, exact)


def stories(reader: Reader, params: Params, path: str) -> Page:
    """The stories, the ones with the latest articles first, with their open conflicts;
    ``search`` finds the stories with an article holding the words."""
    filters = Filters(
        search=_text(params, "search"),
        limit=_page_size(params),
        newest=True,
        after=_whole(params, "after", 0),
        all_versions=True,  # a story counts every stored article
    )
    listing = _listing(
        reader,
        path,
        params,
        filters,
        lambda: archive_query.iter_stories(reader, filters),
        archive_query.stories_selection(reader, filters),
    )
    open_conflicts = archive_query.open_conflicts_by_story(reader, [s["id"] for s in listing.rows])
    for story in listing.rows:
        story["open_conflicts"] = open_conflicts.get(story["id"], 0)
    return Page(
        "stories.html",
        "Stories",
        listing.as_json("stories"),
        {"listing": listing, "search": filters.search or ""},
    )


# The queue's query parameters, as `factdb conflicts` has them as options (besides paging).
QUEUE_PARAMETERS = (
    "kind",
    "status",
    "order",
    "min_confidence",
    "source",
    "story",
    "since",
    "until",
    "search",
    "entity",
    "new",
    "since_run",
    "all_versions",
)


def conflict_filters(reader: Reader, params: Params) -> conflicts_query.ConflictFilters | None:
    """The queue's filters from the query parameters (the options of `factdb conflicts`);
    None when ``new`` asks for the latest ingest run and there has been none."""
    new = _text(params, "new") is not None
    since_run = _whole(params, "since_run")
    if new and since_run is not None:
        raise PageError(400, "give new or since_run, not both")
    if new:
        since_run = conflicts_query.latest_run_id(reader)
        if since_run is None:
            return None
    return conflicts_query.ConflictFilters(
        source=_text(params, "source"),
        since=_day(params, "since"),
        until=_day(params, "until"),
        search=_text(params, "search"),
        entity=_text(params, "entity"),
        story=_whole(params, "story"),
        limit=_page_size(params),
        newest=True,
        after=_whole(params, "after", 0),
        all_versions=_text(params, "all_versions") is not None,
        kind=_choice(params, "kind", conflicts_query.CONFLICT_KINDS, None),
        status=_choice(params, "status", (*conflicts_query.CONFLICT_STATUSES, "all"), "open")
        or "open",
        since_run=since_run,
        min_confidence=_share(params, "min_confidence"),
        order=_choice(params, "order", conflicts_query.CONFLICT_ORDERS, "found") or "found",
    )


def conflicts(reader: Reader, params: Params, path: str) -> Page:
    """The conflict queue: the conflicts the filters select, the newest (``order=found``)
    or the most confident (``order=confidence``) first."""
    filters = conflict_filters(reader, params)
    if filters is None:
        listing = Listing([], None, None, 0, True)
    else:
        listing = _listing(
            reader,
            path,
            params,
            filters,
            lambda: conflicts_query.iter_conflicts(reader, filters),
            conflicts_query.conflicts_selection(reader, filters),
        )
    return Page(
        "conflicts.html",
        "Conflicts",
        listing.as_json("conflicts"),
        {
            "listing": listing,
            "filters": {name: params.get(name, "") for name in QUEUE_PARAMETERS},
            "kinds": conflicts_query.CONFLICT_KINDS,
            "statuses": (*conflicts_query.CONFLICT_STATUSES, "all"),
        },
    )


# --- one record ---------------------------------------------------------------------------


def _missing(kind: str, record_id: int, listed: str) -> PageError:
    return PageError(404, f"no {kind} with id {record_id}; {listed}")


def _charts(facts: list[Record], sources: list[str]) -> dict[int, Chart]:
    """The chart of every fact with numbers, with one colour and shape per source."""
    styles = source_styles(sorted({s for s in sources if s}))
    return {fact["id"]: chart for fact in facts if (chart := fact_chart(fact, styles)) is not None}


def _without_reports(fact: Record) -> Record:
    return {k: v for k, v in fact.items() if k not in ("claims", "conflicts")}


def story(reader: Reader, story_id: int) -> Page:
    """A story: its articles by date and outlet, its facts with their state and a chart of
    each fact with numbers (those in conflict first), and its open conflicts."""
    found = archive_query.get_story(reader, story_id, with_reports=True)
    if found is None:
        raise _missing("story", story_id, "the stories are listed at /")
    facts = found["fact_list"]
    charts = _charts(facts, [a["source"] for a in found["article_list"]])
    charted = sorted(
        (f for f in facts if f["id"] in charts), key=lambda f: (_STATE_ORDER[f["state"]], f["id"])
    )
    data = {**found, "fact_list": [_without_reports(f) for f in facts]}
    return Page(
        "story.html",
        f"Story {story_id}",
        data,
        {"story": found, "charts": charts, "charted": charted},
    )


def _passage(reader: Reader, claim: Record) -> tuple[Passage | None, Record | None]:
    """The claim's evidence in its window of text, and the window as the JSON gives it."""
    window = claims_query.text_windows(reader, [claim], EVIDENCE_MARGIN).get(claim["id"])
    return (None, None) if window is None else (claim_passage(window, claim["evidence"]), window)


def conflict(reader: Reader, conflict_id: int) -> Page:
    """A conflict as a reviewer weighs it: both claims with their sentences marked in their
    article text, the explanation, the slot, the fact's chart, and each source's other
    reports of the same fact."""
    found = conflicts_query.conflict_records(reader, [conflict_id])
    if not found:
        raise _missing("conflict", conflict_id, "the open ones are listed at /conflicts")
    record = found[0]
    sides = {side: record[f"claim_{side}"] for side in ("a", "b") if record[f"claim_{side}"]}
    passages: dict[str, Passage | None] = {}
    windows: dict[str, Record | None] = {}
    for side, claim in sides.items():
        passages[side], windows[side] = _passage(reader, claim)
    fact_ids = list(dict.fromkeys(c["fact_id"] for c in sides.values() if c["fact_id"]))
    facts = [f for f in (facts_query.get_fact(reader, i) for i in fact_ids) if f is not None]
    pair = {c["id"] for c in sides.values()}
    others = {
        side: [
            c
            for f in facts
            for c in f["claims"]
            if c["source"] == claim["source"] and c["id"] not in pair
        ]
        for side, claim in sides.items()
    }
    charts = _charts(facts, [c["source"] for f in facts for c in f["claims"]])
    data = {
        **record,
        "slot": facts[0]["slot"] if facts else None,
        "fact_ids": fact_ids,
        "context": windows,
        "other_reports": others,
    }
    return Page(
        "conflict.html",
        f"Conflict {conflict_id}",
        data,
        {
            "conflict": record,
            "sides": sides,
            "passages": passages,
            "facts": facts,
            "charts": charts,
            "others": others,
        },
    )


def fact(reader: Reader, fact_id: int) -> Page:
    """A fact: its state, slot, chart, every report and its conflicts."""
    found = facts_query.get_fact(reader, fact_id)
    if found is None:
        raise _missing("fact", fact_id, "a story's page lists its facts")
    charts = _charts([found], [c["source"] for c in found["claims"]])
    return Page(
        "fact.html", f"Fact {fact_id}", found, {"fact": found, "chart": charts.get(fact_id)}
    )


def claim(reader: Reader, claim_id: int) -> Page:
    """A claim with full provenance (as `factdb show claim` gives it) and its evidence in
    its article's text."""
    found = claims_query.get_claim(reader, claim_id)
    if found is None:
        raise _missing("claim", claim_id, "an article's page lists its claims")
    passage, _ = _passage(reader, found)
    return Page("claim.html", f"Claim {claim_id}", found, {"claim": found, "passage": passage})


def article(reader: Reader, article_id: int) -> Page:
    """An article as `factdb show article` gives it: metadata, versions, its first claims
    and its stored text, each claim's evidence in it linked to the claim."""
    found = archive_query.get_article(reader, article_id)
    if found is None:
        raise _missing("article", article_id, "a story's page lists its articles")
    return Page(
        "article.html",
        f"Article {article_id}",
        found,
        {
            "article": found,
            "claims": found["claim_list"][:ARTICLE_CLAIMS_SHOWN],
            "segments": article_segments(found["text"] or "", found["claim_list"]),
        },
    )
