"""`factdb timeline`: every report of a number in publication order, each marked as agreeing
with, updating or conflicting with the reports before it (`factdb.match.number_relations`),
read in date windows from the newest report the filters keep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from factdb.store.driver import stored_date

if TYPE_CHECKING:
    from factdb.match.features import ClaimFeatures, QuantityFeatures
    from factdb.nlp.synonyms import Synonyms
    from factdb.store.driver import Reader
from factdb.query.claims import counted_terms, counts_term
from factdb.query.sql import (
    Filters,
    Record,
    Selection,
    Sql,
    among_ids,
    claim_conditions,
    current_claims,
    in_select,
    in_values,
    iso_date,
    naming_entity,
    published_conditions,
)


@dataclass(frozen=True)
class TimelineFilters(Filters):
    """Timeline filters: what is counted (noun or predicate, e.g. ``killed``) and the usual
    ones; an entity filter matches a claim that names it or whose article does."""

    counted: str | None = None


def _relation(
    earlier: list[tuple[ClaimFeatures, QuantityFeatures]],
    current: tuple[ClaimFeatures, QuantityFeatures],
) -> tuple[str, int | None, str]:
    """How a report relates to what came before it: (relation, the report it is compared
    with, explanation). Earlier reports are given latest first; a conflict with any of them
    outweighs an update, which outweighs agreement."""
    from factdb.match.features import report_time
    from factdb.match.number_relations import interval_text, number_relation

    if not earlier:
        return "first report", None, "no earlier report of this fact counts the same thing"
    b, qb = current
    found = [(number_relation(a, qa, b, qb), a, qa) for a, qa in earlier]
    # "apart": a later count under half an earlier one counts something narrower.
    found = [f for f in found if f[0] != "apart"]
    if not found:
        return "first report", None, "no earlier report of this fact counts the same thing"
    order = {"number": 0, "update": 1, "agree": 2}
    relation, a, qa = min(found, key=lambda t: order[t[0]])
    before = (
        f"#{a.id} ({a.source or 'unknown source'}, {a.published or 'undated'}: "
        f"{qa.raw} {interval_text(qa.interval)})"
    )
    if relation == "agree":
        return "agrees", a.id, f"overlaps {before}"
    if relation == "update":
        ta, tb = report_time(a, qa), report_time(b, qb)
        later = ta is not None and tb is not None and tb > ta
        moved = (qb.interval.low or 0) >= (qa.interval.high or 0)
        change = "rose" if moved == later else "fell"
        return "updates", a.id, f"a later figure than {before}; the count {change}"
    return "conflicts", a.id, f"does not overlap {before}, about the same or an unknown time"


_TIMELINE_FROM = (
    "quantity JOIN claim ON claim.id = quantity.claim_id "
    "JOIN article ON article.id = claim.article_id "
    "LEFT OUTER JOIN fact_claim ON fact_claim.claim_id = claim.id"
)


# (quantity id, claim id, inferred date, fact id, the quantity that put the claim in its slot)
_TIMELINE_COLUMNS = (
    "quantity.id, claim.id, article.published_inferred, fact_claim.fact_id, fact_claim.quantity_id"
)


_WHEN = "coalesce(article.published, article.published_inferred)"


# Publication order (an inferred date places an undated copy; undated last), then by source
# and text, which do not depend on the order articles were ingested in.
_TIMELINE_ORDER = [
    f"{_WHEN} IS NULL",
    _WHEN,
    "(SELECT source.name FROM source WHERE source.id = article.source_id)",
    "article.content_hash",
    "quantity.start",
    "quantity.id",
]


def timeline_selection(reader: Reader, filters: TimelineFilters, synonyms: Synonyms) -> Selection:
    """The reported numbers matching the filters (rows of quantity, claim, article and the
    claim's fact membership)."""
    selection = Selection(
        _TIMELINE_FROM, tuple(claim_conditions(reader, "claim", replace(filters, entity=None)))
    )
    if not filters.all_versions:
        selection = selection.where(current_claims("claim"))
    if filters.counted:
        selection = selection.where(counts_term(*counted_terms(filters.counted, synonyms)))
    if filters.entity:
        # A claim naming the entity is in an article naming it: the article decides.
        selection = selection.where(
            in_select("claim.article_id", naming_entity(reader, filters.entity, "article_id"))
        )
    return selection


def _timeline_rows(
    reader: Reader, selection: Selection, descending: bool, offset: int, limit: int | None
) -> list[Any]:
    query = selection.select(_TIMELINE_COLUMNS)
    direction = " DESC" if descending else ""
    page = (
        " LIMIT ? OFFSET ?"
        if limit is not None
        else (" LIMIT -1 OFFSET ?" if reader.dialect == "sqlite" else " OFFSET ?")
    )
    params = (*query.params, *((limit, offset) if limit is not None else (offset,)))
    return reader.all(
        f"{query.text} ORDER BY {', '.join(k + direction for k in _TIMELINE_ORDER)}{page}", params
    )


def _date_windows(
    reader: Reader, selection: Selection, articles: Selection, newest: bool
) -> Iterator[Selection]:
    """`selection` narrowed to the reports of the articles at one end of the archive, ever
    wider, then `selection` itself: published (or inferred) within 30, 120, 480, … days of
    the newest (oldest) of `articles`, the articles the filters can keep (of a source,
    naming an entity; all of them else). The newest
    end also keeps the undated reports, which come last in a timeline. A window that holds a
    page's rows holds exactly the rows the whole selection has at that end.

    A page of a timeline then sorts a few weeks of reports instead of every report in the
    archive; the dates are found through ix_article_published and
    ix_article_published_inferred. (An article has an inferred date only when it states
    none, so "published or inferred within the window" is exactly its timeline date.)
    """

    def end_of(column: str) -> Sql:
        # The first row of the column's index from that end that the filters keep: a walk
        # that stops there, however many articles the filters keep (a max() over the
        # articles naming a common name would read every one of them).
        kept = articles.where(Sql(f"{column} IS NOT NULL")).select(column)
        order = f"{column} DESC" if newest else column
        return Sql(f"({kept.text} ORDER BY {order} LIMIT 1)", kept.params)

    published, inferred = end_of("article.published"), end_of("article.published_inferred")
    query = Sql(f"SELECT {published.text}, {inferred.text}", published.params + inferred.params)
    ends = reader.first(query.text, query.params) or ()
    dates = [d for d in map(stored_date, ends) if d is not None]
    far = stored_date(
        reader.scalar(f"SELECT {'min' if newest else 'max'}(article.published) FROM article")
    )
    if not dates or far is None:
        yield selection
        return

    def within(end: date, days: int) -> Selection:
        # One index range each (an OR of them makes SQLite read the article table whole),
        # each kept to the articles the filters can keep.
        if newest:
            start = end - timedelta(days=days)
            ranges = [
                Sql("article.published >= ?", (start,)),
                Sql("article.published_inferred >= ?", (start,)),
                Sql("article.published IS NULL"),
            ]
        else:
            stop = end + timedelta(days=days)
            ranges = [
                Sql("article.published <= ?", (stop,)),
                Sql("article.published_inferred <= ?", (stop,)),
            ]
        parts = [articles.where(r).select("article.id") for r in ranges]
        union = Sql(
            " UNION ".join(p.text for p in parts), tuple(v for p in parts for v in p.params)
        )
        # A list of ids the planner looks up claim by claim (or intersects with a search's
        # index), never a join it might drive from the other side through every claim.
        return selection.where(among_ids(reader, "claim.article_id", union))

    end = max(dates) if newest else min(dates)
    # The month may not hold the page (a filter keeps reports of other years): each window
    # is four times the last, so a report decades back is reached in a few reads. (Asking
    # first for the newest report the filters keep would mean matching every report they
    # keep: seconds for a common name in ten million claims.)
    days = 30
    while (end - timedelta(days=days) > far) if newest else (end + timedelta(days=days) < far):
        yield within(end, days)
        days *= 4
    yield selection


def timeline(reader: Reader, filters: TimelineFilters, synonyms: Synonyms) -> list[Record]:
    """Every reported number matching the filters, in publication order (an inferred date
    places an undated copy), each compared with the earlier reports of the same fact that
    count the same thing: first report, agrees, updates or conflicts (with any of them).

    A page (``limit``, ``offset``, ``newest``) compares its reports with every earlier report
    of their facts that the filters keep, on the page or not, so a report's relation does not
    depend on the page it is shown on.
    """
    from factdb.match.features import claim_features

    selection = timeline_selection(reader, filters, synonyms)
    if filters.limit is None:
        rows = _timeline_rows(reader, selection, filters.newest, filters.offset, None)
    else:
        # The first window that fills the page gives the page of the whole selection.
        # The articles the filters can keep, as far as their indexes tell cheaply.
        articles = Selection("article", tuple(published_conditions(reader, filters)))
        if filters.entity:
            articles = articles.where(
                in_select("article.id", naming_entity(reader, filters.entity, "article_id"))
            )
        for window in _date_windows(reader, selection, articles, filters.newest):
            rows = _timeline_rows(reader, window, filters.newest, filters.offset, filters.limit)
            if len(rows) == filters.limit:
                break
    if filters.newest:
        rows.reverse()
    history: list[Any] = rows
    if filters.limit is not None or filters.offset:
        facts = {int(r[3]) for r in rows if r[3] is not None}
        members = in_values("fact_claim.fact_id", facts)
        # Through the facts' members, not by reading every report.
        earlier = selection.where(
            in_select(
                "claim.id",
                Sql(
                    f"SELECT fact_claim.claim_id FROM fact_claim WHERE {members.text}",
                    members.params,
                ),
            )
        )
        history = _timeline_rows(reader, earlier, False, 0, None) if facts else []
    features = claim_features(
        reader, {int(r[1]) for r in rows} | {int(r[1]) for r in history}, synonyms
    )
    relations: dict[int, tuple[str, int | None, str]] = {}
    seen: list[tuple[int | None, ClaimFeatures, QuantityFeatures]] = []
    for quantity_id, claim_id, _, fact_id, slot_quantity_id in history:
        current = features[claim_id]
        number = next(q for q in current.quantities if q.id == quantity_id)
        # Only the number that put a claim in its fact's slot is a report of that fact.
        in_slot = quantity_id == slot_quantity_id
        earlier_reports = [
            (c, q)
            for f, c, q in reversed(seen)
            if in_slot and fact_id is not None and f == fact_id and c.id != claim_id
        ]
        relations[quantity_id] = _relation(earlier_reports, (current, number))
        if in_slot:
            seen.append((fact_id, current, number))
    return [
        _timeline_record(quantity_id, features[claim_id], inferred, fact_id, relations)
        for quantity_id, claim_id, inferred, fact_id, _ in rows
    ]


def _timeline_record(
    quantity_id: int,
    current: ClaimFeatures,
    inferred: date | str | None,
    fact_id: int | None,
    relations: dict[int, tuple[str, int | None, str]],
) -> Record:
    from factdb.match.number_relations import interval_text

    number = next(q for q in current.quantities if q.id == quantity_id)
    relation, compared_with, explanation = relations.get(quantity_id) or _relation(
        [], (current, number)
    )
    return {
        "claim_id": current.id,
        "quantity_id": quantity_id,
        "fact_id": fact_id,
        "article_id": current.article_id,
        "source": current.source,
        "published": iso_date(current.published),
        "published_inferred": iso_date(inferred),
        "event_date": iso_date(current.event_start),
        "raw": number.raw,
        "interval": interval_text(number.interval),
        "low": number.interval.low,
        "high": number.interval.high,
        "counted": number.counted,
        "predicate": number.predicate,
        "unit": number.unit,
        "text": current.text,
        "sentence": current.sentence,
        "relation": relation,
        "compared_with": compared_with,
        "explanation": explanation,
    }
