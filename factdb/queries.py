"""Reading the database: the public JSON shapes of articles, sources, claims and conflicts.

Every function takes a `Session` and returns plain dicts (JSON-ready: dates as ISO strings,
unbounded interval ends as None). These shapes are factdb's public interface, documented in
the README; change them only by adding fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from factdb import models
from factdb.conflicts import interval_text, number_relation
from factdb.matching import (
    ClaimFeatures,
    QuantityFeatures,
    lexicon,
    load_claim_features,
    report_time,
)
from factdb.synonyms import Synonyms

Record = dict[str, Any]


@dataclass(frozen=True)
class Filters:
    """Filters shared by the query commands; None means "no filter"."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None
    entity: str | None = None
    limit: int | None = None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _published_filters(statement: Select[Any], filters: Filters) -> Select[Any]:
    if filters.source:
        statement = statement.where(
            col(models.Source.name).ilike(_like(filters.source), escape="\\")
        )
    if filters.since:
        statement = statement.where(col(models.Article.published) >= filters.since)
    if filters.until:
        statement = statement.where(col(models.Article.published) <= filters.until)
    return statement


# --- claims -------------------------------------------------------------------------------


def _quantity_record(quantity: models.Quantity) -> Record:
    return {
        "id": quantity.id,
        "raw": quantity.raw,
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "low_inclusive": quantity.low_inclusive,
        "high_inclusive": quantity.high_inclusive,
        "qualifier": quantity.qualifier,
        "unit": quantity.unit,
        "counted": quantity.counted,
        "predicate": quantity.predicate,
        "counted_key": quantity.counted_key,
        "predicate_key": quantity.predicate_key,
        "start": quantity.start,
        "end": quantity.end,
        "base_value": quantity.base_value,
        "base_low": quantity.base_low,
        "base_high": quantity.base_high,
        "base_unit": quantity.base_unit,
    }


def _time_record(time: models.ClaimTime) -> Record:
    return {
        "text": time.text,
        "start": time.start,
        "end": time.end,
        "type": time.type,
        "value": time.value,
        "role": time.role,
        "resolved": time.resolved,
    }


def claim_records(session: Session, claim_ids: Sequence[int]) -> list[Record]:
    """Full claim objects for these ids, in the given order, with quantities, times and
    entities.

    Four queries in all, whatever the number of claims (no per-claim round trips).
    """
    if not claim_ids:
        return []
    ids = list(dict.fromkeys(claim_ids))
    claim = models.Claim
    article = models.Article
    # Offsets point into the stored body, or into the title for a headline claim.
    source_text = case((col(claim.is_headline), article.title), else_=article.text)
    evidence = func.substr(source_text, col(claim.start) + 1, col(claim.end) - col(claim.start))
    sentence = func.substr(
        source_text,
        col(claim.sentence_start) + 1,
        col(claim.sentence_end) - col(claim.sentence_start),
    )
    rows = session.execute(
        select(
            claim,
            col(article.published),
            col(article.published_inferred),
            col(models.Source.name),
            evidence,
            sentence,
            models.FactClaim,
            col(article.story_id),
        )
        .join(article, col(article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == article.source_id)
        .outerjoin(models.FactClaim, col(models.FactClaim.claim_id) == claim.id)
        .where(col(claim.id).in_(ids))
    ).all()
    quantities: dict[int, list[Record]] = defaultdict(list)
    for quantity in session.execute(
        select(models.Quantity)
        .where(col(models.Quantity.claim_id).in_(ids))
        .order_by(col(models.Quantity.start))
    ).scalars():
        quantities[quantity.claim_id].append(_quantity_record(quantity))
    times: dict[int, list[Record]] = defaultdict(list)
    for time in session.execute(
        select(models.ClaimTime)
        .where(col(models.ClaimTime.claim_id).in_(ids))
        .order_by(col(models.ClaimTime.start), col(models.ClaimTime.id))
    ).scalars():
        times[time.claim_id].append(_time_record(time))
    entities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, name, label in session.execute(
        select(col(models.ClaimEntity.claim_id), col(models.Entity.name), col(models.Entity.label))
        .join(models.Entity, col(models.Entity.id) == models.ClaimEntity.entity_id)
        .where(col(models.ClaimEntity.claim_id).in_(ids))
        .order_by(col(models.Entity.name))
    ):
        entities[claim_id].append({"text": name, "label": label})
    by_id: dict[int, Record] = {}
    for row, published, inferred, source, evidence_text, sentence_text, member, story_id in rows:
        assert row.id is not None
        by_id[row.id] = {
            "id": row.id,
            "article_id": row.article_id,
            "source": source,
            "published": _iso(published),
            "published_inferred": _iso(inferred),
            "sentence_index": row.sentence_index,
            "text": row.text,
            "normalized": row.normalized,
            "subject": row.subject,
            "predicate": row.predicate,
            "object": row.object,
            "speaker": row.speaker,
            "speaker_resolved": row.speaker_resolved,
            "polarity": row.polarity,
            "hedged": row.hedged,
            "headline": row.is_headline,
            "event_date": _iso(row.event_date_start),
            "event_date_end": _iso(row.event_date_end),
            "event_date_text": row.event_date_text,
            "evidence": {
                "start": row.start,
                "end": row.end,
                "text": evidence_text,
                "sentence": sentence_text,
                "sentence_start": row.sentence_start,
                "sentence_end": row.sentence_end,
            },
            "entities": entities[row.id],
            "quantities": quantities[row.id],
            "times": times[row.id],
            "fact_id": member.fact_id if member else None,
            "fact_score": member.score if member else None,
            "fact_reason": member.reason if member else None,
            "fact_matched_claim_id": member.matched_claim_id if member else None,
            "story_id": story_id,
        }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class ClaimFilters(Filters):
    """Claim-only filters: one article, a speaker, a counted thing, only claims with numbers."""

    article_id: int | None = None
    speaker: str | None = None
    counted: str | None = None
    with_quantities: bool = False


def list_claims(
    session: Session, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """Claims matching the filters, oldest article first, in text order within an article."""
    claim = models.Claim
    statement = (
        select(col(claim.id))
        .join(models.Article, col(models.Article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == models.Article.source_id)
    )
    statement = _published_filters(statement, filters)
    if filters.search:
        statement = statement.where(col(claim.text).ilike(_like(filters.search), escape="\\"))
    if filters.article_id is not None:
        statement = statement.where(col(claim.article_id) == filters.article_id)
    if filters.speaker:
        statement = statement.where(col(claim.speaker).ilike(_like(filters.speaker), escape="\\"))
    if filters.entity:
        statement = statement.where(_mentions_entity(col(claim.id), filters.entity))
    if filters.counted or filters.with_quantities:
        quantity = models.Quantity
        condition = [col(quantity.claim_id) == claim.id]
        if filters.counted:
            condition.append(_counts(quantity, *_counted_terms(filters.counted, synonyms)))
        statement = statement.where(exists().where(*condition))
    statement = statement.order_by(
        col(models.Article.id), col(claim.sentence_index), col(claim.start), col(claim.id)
    )
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    return claim_records(session, list(session.execute(statement).scalars()))


def _counts(quantity: type[models.Quantity], *terms: str) -> Any:
    """SQL condition: the quantity counts one of `terms` (its noun, canonical noun or
    predicate contains it)."""
    return or_(
        *(
            column.ilike(_like(term), escape="\\")
            for term in terms
            for column in (
                col(quantity.counted),
                col(quantity.counted_key),
                col(quantity.predicate_key),
            )
        )
    )


def counted_terms(counted: str, synonyms: Synonyms) -> tuple[str, ...]:
    """What a ``--counted`` value stands for: itself, its singular, their synonym keys
    ("killed" → "kill", "aircraft" → "plane") and the nouns that stand for such a count
    ("death toll"), so that users can type the word as written in articles."""
    words = [counted, counted[:-1]] if counted.endswith("s") else [counted]  # planes → plane
    keys = [key for word in words for key in (word, *_synonym_keys(word, synonyms))]
    # "killed" also finds "the death toll rose to 58": nouns that stand for a count.
    keys += [
        noun
        for noun, (what, predicate) in lexicon().counted_as.items()
        if predicate in keys or what in keys
    ]
    return tuple(dict.fromkeys(k for k in keys if k))


def _counted_terms(counted: str, synonyms: Synonyms | None) -> tuple[str, ...]:
    return counted_terms(counted, synonyms) if synonyms else (counted,)


def _synonym_keys(word: str, synonyms: Synonyms) -> list[str]:
    return [k for k in (synonyms.predicate_key(word), synonyms.counted_key(word)) if k]


def _mentions_entity(claim_id: Any, name: str) -> Any:
    return exists().where(
        col(models.ClaimEntity.claim_id) == claim_id,
        col(models.ClaimEntity.entity_id) == models.Entity.id,
        col(models.Entity.name).ilike(_like(name), escape="\\"),
    )


def get_claim(session: Session, claim_id: int) -> Record | None:
    """One claim with full provenance, or None."""
    found = claim_records(session, [claim_id])
    return found[0] if found else None


# --- articles and sources -----------------------------------------------------------------


def _article_statement() -> Select[Any]:
    claims = (
        select(func.count(col(models.Claim.id)))
        .where(col(models.Claim.article_id) == models.Article.id)
        .correlate(models.Article)
        .scalar_subquery()
    )
    return select(models.Article, col(models.Source.name), claims.label("claims")).outerjoin(
        models.Source, col(models.Source.id) == models.Article.source_id
    )


def _copy_of(session: Session, article_ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """For each copy among these articles: the article it copies and the link's score.

    An article linked to several originals gets the best-scoring one.
    """
    copy = models.ArticleCopy
    original = aliased(models.Article)
    found: dict[int, tuple[int, float]] = {}
    for copy_id, original_id, score in session.execute(
        select(col(copy.copy_id), col(copy.original_id), col(copy.score))
        .join(original, col(original.id) == copy.original_id)
        .where(col(copy.copy_id).in_(article_ids))
        .order_by(col(copy.score).desc(), col(original.content_hash))
    ):
        found.setdefault(int(copy_id), (int(original_id), float(score)))
    return found


def _article_record(
    article: models.Article,
    source: str | None,
    claims: int,
    copy_of: tuple[int, float] | None = None,
) -> Record:
    return {
        "id": article.id,
        "source": source,
        "title": article.title,
        "author": article.author,
        "distributor": article.distributor,
        "published": _iso(article.published),
        "published_text": article.published_text,
        "url": article.url,
        "origin": article.origin,
        "content_hash": article.content_hash,
        "ingested_at": article.ingested_at.isoformat(),
        "claims": int(claims),
        "published_inferred": _iso(article.published_inferred),
        "copy_of": copy_of[0] if copy_of else None,
        "copy_score": copy_of[1] if copy_of else None,
        "story_id": article.story_id,
    }


def list_articles(session: Session, filters: Filters) -> list[Record]:
    """Articles matching the filters, in publication order (undated last)."""
    statement = _published_filters(_article_statement(), filters)
    if filters.search:
        pattern = _like(filters.search)
        statement = statement.where(
            or_(
                col(models.Article.title).ilike(pattern, escape="\\"),
                col(models.Article.text).ilike(pattern, escape="\\"),
            )
        )
    if filters.entity:
        claim = aliased(models.Claim)
        statement = statement.where(
            exists().where(
                col(claim.article_id) == models.Article.id,
                _mentions_entity(col(claim.id), filters.entity),
            )
        )
    statement = statement.order_by(
        col(models.Article.published).is_(None),
        col(models.Article.published),
        col(models.Article.id),
    )
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    rows = session.execute(statement).all()
    copies = _copy_of(session, [a.id for a, _, _ in rows])
    return [_article_record(a, s, n, copies.get(a.id)) for a, s, n in rows]


def get_article(session: Session, article_id: int) -> Record | None:
    """One article with its stored text and every claim extracted from it, or None."""
    row = session.execute(_article_statement().where(col(models.Article.id) == article_id)).first()
    if row is None:
        return None
    article, source, claims = row
    record = _article_record(
        article, source, claims, _copy_of(session, [article_id]).get(article_id)
    )
    record["text"] = article.text
    record["claim_list"] = list_claims(session, ClaimFilters(article_id=article_id))
    return record


def list_stories(session: Session, filters: Filters) -> list[Record]:
    """Stories (the coverage of one event) with their articles, sources and date range,
    newest first; the filters narrow them to stories with a matching article."""
    story, article = models.Story, models.Article
    statement = (
        select(
            story,
            func.count(func.distinct(col(article.id))),
            func.count(func.distinct(col(article.source_id))),
            func.count(func.distinct(col(models.FactClaim.fact_id))),
        )
        .join(article, col(article.story_id) == story.id)
        .outerjoin(models.Claim, col(models.Claim.article_id) == article.id)
        .outerjoin(models.FactClaim, col(models.FactClaim.claim_id) == models.Claim.id)
        .group_by(col(story.id))
    )
    if filters.source or filters.since or filters.until or filters.search or filters.entity:
        matching = [a["id"] for a in list_articles(session, replace(filters, limit=None))]
        statement = statement.where(
            col(story.id).in_(select(col(article.story_id)).where(col(article.id).in_(matching)))
        )
    statement = statement.order_by(
        col(story.last_published).is_(None), col(story.last_published).desc(), col(story.id)
    )
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    return [
        {
            "id": row.id,
            "label": row.label,
            "articles": int(articles),
            "sources": int(sources),
            "facts": int(facts),
            "first_published": _iso(row.first_published),
            "last_published": _iso(row.last_published),
        }
        for row, articles, sources, facts in session.execute(statement)
    ]


def list_sources(session: Session, filters: Filters) -> list[Record]:
    """Sources with how many articles and claims each has, and their date range."""
    source = models.Source
    article = models.Article
    claim_count = (
        select(func.count(col(models.Claim.id)))
        .join(article, col(article.id) == models.Claim.article_id)
        .where(col(article.source_id) == source.id)
        .correlate(source)
        .scalar_subquery()
    )
    statement = (
        select(
            col(source.id),
            col(source.name),
            func.count(func.distinct(col(article.id))),
            claim_count,
            func.min(article.published),
            func.max(article.published),
        )
        .outerjoin(article, col(article.source_id) == source.id)
        .group_by(col(source.id), col(source.name))
        .order_by(col(source.name))
    )
    statement = _published_filters(statement, Filters(source=filters.source))
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    return [
        {
            "id": id_,
            "name": name,
            "articles": int(articles),
            "claims": int(claims or 0),
            "first_published": _iso(first),
            "last_published": _iso(last),
        }
        for id_, name, articles, claims, first, last in session.execute(statement)
    ]


# --- conflicts ----------------------------------------------------------------------------

CONFLICT_STATUSES = ("open", "dismissed", "resolved")


@dataclass(frozen=True)
class ConflictFilters(Filters):
    """Conflict filters: kind, review status (``all`` for every status)."""

    kind: str | None = None
    status: str = "open"
    # Only conflicts recorded by ingest run `since_run` or a later one (`conflicts --new`).
    since_run: int | None = None


def conflict_records(session: Session, conflicts: Sequence[models.Conflict]) -> list[Record]:
    """Full conflict objects (both claims in full) for these rows."""
    claims = {
        c["id"]: c
        for c in claim_records(
            session, [i for row in conflicts for i in (row.claim_a_id, row.claim_b_id)]
        )
    }
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "rule": row.rule,
            "confidence": row.confidence,
            "explanation": row.detail,
            "note": row.note,
            "claim_a": claims.get(row.claim_a_id),
            "claim_b": claims.get(row.claim_b_id),
            "quantity_a_id": row.quantity_a_id,
            "quantity_b_id": row.quantity_b_id,
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
        }
        for row in conflicts
    ]


def list_conflicts(session: Session, filters: ConflictFilters) -> list[Record]:
    """Conflicts matching the filters; a source, entity or date filter matches either claim."""
    conflict = models.Conflict
    statement = select(conflict)
    if filters.kind:
        statement = statement.where(col(conflict.kind) == filters.kind)
    if filters.status != "all":
        statement = statement.where(col(conflict.status) == filters.status)
    if filters.since_run is not None:
        # A conflict belongs to the run that was storing when it was recorded. Runs do not
        # overlap (factdb.lock), so "created at or after run N started" is runs N and later.
        started = (
            select(col(models.IngestRun.started_at))
            .where(col(models.IngestRun.id) == filters.since_run)
            .scalar_subquery()
        )
        statement = statement.where(col(conflict.created_at) >= started)
    if filters.source or filters.since or filters.until or filters.entity or filters.search:
        claim = aliased(models.Claim)
        side = (
            select(col(claim.id))
            .join(models.Article, col(models.Article.id) == claim.article_id)
            .outerjoin(models.Source, col(models.Source.id) == models.Article.source_id)
        )
        side = _published_filters(side, filters)
        if filters.entity:
            side = side.where(_mentions_entity(col(claim.id), filters.entity))
        if filters.search:
            side = side.where(col(claim.text).ilike(_like(filters.search), escape="\\"))
        matching = side.scalar_subquery()
        statement = statement.where(
            or_(col(conflict.claim_a_id).in_(matching), col(conflict.claim_b_id).in_(matching))
        )
    statement = statement.order_by(col(conflict.id))
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    return conflict_records(session, list(session.execute(statement).scalars()))


def latest_run_id(session: Session) -> int | None:
    """The id of the newest ingest run, or None before the first."""
    found = session.execute(select(func.max(models.IngestRun.id))).scalar_one()
    return None if found is None else int(found)


# --- feeds ----------------------------------------------------------------------------------


def feed_record(feed: models.Feed) -> Record:
    """A feed as `factdb feeds list` shows it."""
    return {
        "id": feed.id,
        "url": feed.url,
        "source": feed.source,
        "added_at": feed.added_at.isoformat(),
        "last_fetched_at": feed.last_fetched_at.isoformat() if feed.last_fetched_at else None,
        "last_status": feed.last_status,
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "articles": feed.articles,
    }


def list_feeds(session: Session) -> list[Record]:
    """Every feed in the list, in the order they were added."""
    feeds = session.execute(select(models.Feed).order_by(col(models.Feed.id))).scalars()
    return [feed_record(feed) for feed in feeds]


# --- facts --------------------------------------------------------------------------------

FACT_STATES = ("agree", "conflict", "update", "single source")
# Kinds that make a fact's sources disagree; an update is a change over time, not a dispute.
_DISAGREEMENTS = ("number", "polarity", "direction", "date")
_FACT_PAGE = 200


@dataclass(frozen=True)
class FactFilters(Filters):
    """Fact filters: a fact matches when one of its claims matches the claim filters
    (source, dates, search, entity, counted); then its state and independent sources."""

    counted: str | None = None
    state: str | None = None
    min_sources: int = 1


def independent_sources(articles: dict[int, int | None], copies: set[frozenset[int]]) -> int:
    """How many independent sources these articles (id → source id) are.

    Articles of one source count once, and so do articles linked as copies: union-find over
    both relations, then count the groups.
    """
    parent = {a: a for a in articles}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_of_source: dict[int, int] = {}
    for article, source in sorted(articles.items()):
        if source is not None:
            parent[find(article)] = find(first_of_source.setdefault(source, article))
    for pair in copies:
        a, b = sorted(pair)
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return len({find(a) for a in articles})


def fact_records(session: Session, fact_ids: Sequence[int]) -> list[Record]:
    """Full fact objects for these ids, in the given order: every claim in full, the state,
    the number of independent sources and the fact's conflicts (dismissed ones excluded)."""
    if not fact_ids:
        return []
    ids = list(dict.fromkeys(fact_ids))
    members: dict[int, list[int]] = defaultdict(list)
    for fact_id, claim_id in session.execute(
        select(col(models.FactClaim.fact_id), col(models.FactClaim.claim_id))
        .join(models.Claim, col(models.Claim.id) == models.FactClaim.claim_id)
        .join(models.Article, col(models.Article.id) == models.Claim.article_id)
        .where(col(models.FactClaim.fact_id).in_(ids))
        .order_by(
            func.coalesce(models.Article.published, models.Article.published_inferred).is_(None),
            func.coalesce(models.Article.published, models.Article.published_inferred),
            col(models.Article.content_hash),
            col(models.Claim.start),
        )
    ):
        members[fact_id].append(claim_id)
    claims = {c["id"]: c for c in claim_records(session, [i for f in ids for i in members[f]])}
    claim_ids = list(claims)
    conflicts = session.execute(
        select(models.Conflict).where(
            col(models.Conflict.claim_a_id).in_(claim_ids),
            col(models.Conflict.status) != "dismissed",
        )
    ).scalars()
    by_claim: dict[int, list[models.Conflict]] = defaultdict(list)
    for conflict in conflicts:
        by_claim[conflict.claim_a_id].append(conflict)
    sources: dict[int, int | None] = {
        int(article_id): source_id
        for article_id, source_id in session.execute(
            select(col(models.Article.id), col(models.Article.source_id)).where(
                col(models.Article.id).in_({c["article_id"] for c in claims.values()})
            )
        )
    }
    copies = {
        frozenset((int(a), int(b)))
        for a, b in session.execute(
            select(col(models.ArticleCopy.original_id), col(models.ArticleCopy.copy_id)).where(
                col(models.ArticleCopy.copy_id).in_(sources)
            )
        )
    }
    labels: dict[int, str] = {
        int(fact_id): label
        for fact_id, label in session.execute(
            select(col(models.Fact.id), col(models.Fact.label)).where(col(models.Fact.id).in_(ids))
        )
    }
    records = []
    for fact_id in ids:
        if fact_id not in labels:
            continue
        fact_claims = [claims[i] for i in members[fact_id] if i in claims]
        fact_conflicts = [k for c in fact_claims for k in by_claim[c["id"]]]
        independent = independent_sources(
            {c["article_id"]: sources[c["article_id"]] for c in fact_claims}, copies
        )
        if any(k.kind in _DISAGREEMENTS for k in fact_conflicts):
            state = "conflict"
        elif fact_conflicts:
            state = "update"
        elif independent >= 2:
            state = "agree"
        else:
            state = "single source"
        records.append(
            {
                "id": fact_id,
                "label": labels[fact_id],
                "state": state,
                "independent_sources": independent,
                "articles": len({c["article_id"] for c in fact_claims}),
                "sources": sorted({c["source"] for c in fact_claims if c["source"]}),
                "claims": fact_claims,
                "conflicts": [
                    {
                        "id": k.id,
                        "kind": k.kind,
                        "status": k.status,
                        "confidence": k.confidence,
                        "claim_a_id": k.claim_a_id,
                        "claim_b_id": k.claim_b_id,
                    }
                    for k in sorted(fact_conflicts, key=lambda k: k.id or 0)
                ],
            }
        )
    return records


def _fact_prefilters(filters: FactFilters) -> list[ColumnElement[bool]]:
    """SQL conditions every fact passing the state and source filters meets, so that records
    are only built for likely ones (`fact_records` decides exactly)."""
    member = aliased(models.FactClaim)
    conflict = models.Conflict
    conditions: list[ColumnElement[bool]] = []
    if filters.state is not None:
        open_conflicts = exists().where(
            col(member.fact_id) == models.Fact.id,
            col(conflict.claim_a_id) == member.claim_id,
            col(conflict.status) != "dismissed",
        )
        if filters.state == "conflict":
            conditions.append(open_conflicts.where(col(conflict.kind).in_(_DISAGREEMENTS)))
        elif filters.state == "update":
            conditions.append(open_conflicts)
        else:
            conditions.append(~open_conflicts)
    needed = max(filters.min_sources, 2 if filters.state == "agree" else 1)
    if needed > 1:
        claim = aliased(models.Claim)
        articles = (
            select(func.count(func.distinct(col(claim.article_id))))
            .join(member, col(member.claim_id) == claim.id)
            .where(col(member.fact_id) == models.Fact.id)
            .scalar_subquery()
        )
        conditions.append(articles >= needed)
    return conditions


def list_facts(
    session: Session, filters: FactFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """Facts matching the filters, earliest report first; with `synonyms`, the counted filter
    also matches the word's synonym keys."""
    claim = models.Claim
    statement = (
        select(col(models.FactClaim.fact_id))
        .join(claim, col(claim.id) == models.FactClaim.claim_id)
        .join(models.Article, col(models.Article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == models.Article.source_id)
    )
    statement = _published_filters(statement, filters)
    if filters.search:
        statement = statement.where(col(claim.text).ilike(_like(filters.search), escape="\\"))
    if filters.entity:
        statement = statement.where(_mentions_entity(col(claim.id), filters.entity))
    if filters.counted:
        terms = _counted_terms(filters.counted, synonyms)
        statement = statement.where(
            exists().where(
                col(models.Quantity.claim_id) == claim.id, _counts(models.Quantity, *terms)
            )
        )
    matching = statement.scalar_subquery()
    representative = aliased(models.Claim)
    first = aliased(models.Article)
    ordered = (
        select(col(models.Fact.id))
        .join(representative, col(representative.id) == models.Fact.claim_id)
        .join(first, col(first.id) == representative.article_id)
        .where(col(models.Fact.id).in_(matching), *_fact_prefilters(filters))
        .order_by(
            func.coalesce(first.published, first.published_inferred).is_(None),
            func.coalesce(first.published, first.published_inferred),
            col(models.Fact.id),
        )
    )
    found: list[Record] = []
    offset = 0
    # Without filters on the built records every fact of a page is kept, so a page needs to
    # be no larger than what is still wanted (a fact's record holds all its claims).
    filtered = filters.min_sources > 1 or filters.state is not None
    while filters.limit is None or len(found) < filters.limit:
        size = _FACT_PAGE
        if filters.limit is not None and not filtered:
            size = min(size, filters.limit - len(found))
        page = list(session.execute(ordered.offset(offset).limit(size)).scalars())
        if not page:
            break
        offset += len(page)
        found.extend(
            record
            for record in fact_records(session, page)
            if record["independent_sources"] >= filters.min_sources
            and (filters.state is None or record["state"] == filters.state)
        )
    return found if filters.limit is None else found[: filters.limit]


def get_fact(session: Session, fact_id: int) -> Record | None:
    """One fact with all its claims, or None."""
    found = fact_records(session, [fact_id])
    return found[0] if found else None


# --- timeline -----------------------------------------------------------------------------


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


def timeline(session: Session, filters: TimelineFilters, synonyms: Synonyms) -> list[Record]:
    """Every reported number matching the filters, in publication order (an inferred date
    places an undated copy), each compared with the earlier reports of the same fact that
    count the same thing: first report, agrees, updates or conflicts (with any of them)."""
    quantity, claim, article = models.Quantity, models.Claim, models.Article
    when = func.coalesce(article.published, article.published_inferred)
    columns: list[Any] = [
        quantity.id,
        claim.id,
        article.published_inferred,
        models.FactClaim.fact_id,
        models.FactClaim.quantity_id,
    ]
    statement = (
        select(*columns)
        .join(claim, col(claim.id) == quantity.claim_id)
        .join(article, col(article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == article.source_id)
        .outerjoin(models.FactClaim, col(models.FactClaim.claim_id) == claim.id)
    )
    statement = _published_filters(statement, filters)
    if filters.counted:
        statement = statement.where(_counts(quantity, *counted_terms(filters.counted, synonyms)))
    if filters.search:
        statement = statement.where(col(claim.text).ilike(_like(filters.search), escape="\\"))
    if filters.entity:
        neighbour = aliased(models.Claim)
        statement = statement.where(
            or_(
                _mentions_entity(col(claim.id), filters.entity),
                exists().where(
                    col(neighbour.article_id) == claim.article_id,
                    _mentions_entity(col(neighbour.id), filters.entity),
                ),
            )
        )
    statement = statement.order_by(
        when.is_(None),
        when,
        col(models.Source.name),
        col(article.content_hash),
        col(quantity.start),
    )
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    rows = session.execute(statement).all()
    features = load_claim_features(session, {int(r[1]) for r in rows}, synonyms)
    seen: list[tuple[int | None, ClaimFeatures, QuantityFeatures]] = []
    records: list[Record] = []
    for quantity_id, claim_id, inferred, fact_id, slot_quantity_id in rows:
        current = features[claim_id]
        number = next(q for q in current.quantities if q.id == quantity_id)
        # Only the number that put a claim in its fact's slot is a report of that fact.
        in_slot = quantity_id == slot_quantity_id
        earlier = [
            (c, q)
            for f, c, q in reversed(seen)
            if in_slot and fact_id is not None and f == fact_id and c.id != claim_id
        ]
        relation, compared_with, explanation = _relation(earlier, (current, number))
        if in_slot:
            seen.append((fact_id, current, number))
        records.append(
            {
                "claim_id": claim_id,
                "quantity_id": quantity_id,
                "fact_id": fact_id,
                "article_id": current.article_id,
                "source": current.source,
                "published": _iso(current.published),
                "published_inferred": _iso(inferred),
                "event_date": _iso(current.event_start),
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
        )
    return records


# --- stats --------------------------------------------------------------------------------


def stats(session: Session) -> Record:
    """Counts of everything stored, conflicts by kind and status, and the last ingest run."""

    def count(model: type[Any]) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in session.execute(
        select(col(models.Conflict.kind), col(models.Conflict.status), func.count()).group_by(
            col(models.Conflict.kind), col(models.Conflict.status)
        )
    ):
        by_kind[kind][status] = int(n)
    last_run = session.execute(
        select(models.IngestRun).order_by(col(models.IngestRun.id).desc()).limit(1)
    ).scalar_one_or_none()
    return {
        "sources": count(models.Source),
        "articles": count(models.Article),
        "articles_without_date": int(
            session.execute(
                select(func.count()).where(col(models.Article.published).is_(None))
            ).scalar_one()
        ),
        "claims": count(models.Claim),
        "quantities": count(models.Quantity),
        "entities": count(models.Entity),
        "conflicts": count(models.Conflict),
        "conflicts_by_kind": dict(by_kind),
        "facts": count(models.Fact),
        "facts_with_several_articles": int(
            session.execute(
                select(func.count()).select_from(
                    select(col(models.FactClaim.fact_id))
                    .join(models.Claim, col(models.Claim.id) == models.FactClaim.claim_id)
                    .group_by(col(models.FactClaim.fact_id))
                    .having(func.count(func.distinct(models.Claim.article_id)) > 1)
                    .subquery()
                )
            ).scalar_one()
        ),
        "copies": count(models.ArticleCopy),
        "ingest_runs": count(models.IngestRun),
        "last_run": None
        if last_run is None
        else {
            "id": last_run.id,
            "started_at": last_run.started_at.isoformat(),
            "finished_at": last_run.finished_at.isoformat() if last_run.finished_at else None,
            "articles_added": last_run.articles_added,
            "duplicates": last_run.duplicates,
            "errors": last_run.errors,
            "inputs": last_run.files_seen,
            "conflicts_added": last_run.conflicts_added,
        },
    }
