"""Reading the database: the public JSON shapes of articles, sources, claims and conflicts.

Every function takes a `Session` and returns plain dicts (JSON-ready: dates as ISO strings,
unbounded interval ends as None). These shapes are factdb's public interface, documented in
the README; change them only by adding fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from factdb import models

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
    }


def claim_records(session: Session, claim_ids: Sequence[int]) -> list[Record]:
    """Full claim objects for these ids, in the given order, with quantities and entities.

    Three queries in all, whatever the number of claims (no per-claim round trips).
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
        select(claim, article.published, article.title, models.Source.name, evidence, sentence)
        .join(article, col(article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == article.source_id)
        .where(col(claim.id).in_(ids))
    ).all()
    quantities: dict[int, list[Record]] = defaultdict(list)
    for quantity in session.execute(
        select(models.Quantity)
        .where(col(models.Quantity.claim_id).in_(ids))
        .order_by(col(models.Quantity.start))
    ).scalars():
        quantities[quantity.claim_id].append(_quantity_record(quantity))
    entities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, name, label in session.execute(
        select(models.ClaimEntity.claim_id, models.Entity.name, models.Entity.label)
        .join(models.Entity, col(models.Entity.id) == models.ClaimEntity.entity_id)
        .where(col(models.ClaimEntity.claim_id).in_(ids))
        .order_by(col(models.Entity.name))
    ):
        entities[claim_id].append({"text": name, "label": label})
    by_id: dict[int, Record] = {}
    for row, published, _title, source, evidence_text, sentence_text in rows:
        assert row.id is not None
        by_id[row.id] = {
            "id": row.id,
            "article_id": row.article_id,
            "source": source,
            "published": _iso(published),
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
        }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class ClaimFilters(Filters):
    """Claim-only filters: one article, a speaker, a counted thing, only claims with numbers."""

    article_id: int | None = None
    speaker: str | None = None
    counted: str | None = None
    with_quantities: bool = False


def list_claims(session: Session, filters: ClaimFilters) -> list[Record]:
    """Claims matching the filters, oldest article first, in text order within an article."""
    claim = models.Claim
    statement = (
        select(claim.id)
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
            pattern = _like(filters.counted)
            condition.append(
                or_(
                    col(quantity.counted).ilike(pattern, escape="\\"),
                    col(quantity.counted_key).ilike(pattern, escape="\\"),
                    col(quantity.predicate_key).ilike(pattern, escape="\\"),
                )
            )
        statement = statement.where(exists().where(*condition))
    statement = statement.order_by(
        col(models.Article.id), col(claim.sentence_index), col(claim.start), col(claim.id)
    )
    if filters.limit is not None:
        statement = statement.limit(filters.limit)
    return claim_records(session, list(session.execute(statement).scalars()))


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
    return select(models.Article, models.Source.name, claims.label("claims")).outerjoin(
        models.Source, col(models.Source.id) == models.Article.source_id
    )


def _article_record(article: models.Article, source: str | None, claims: int) -> Record:
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
    return [_article_record(a, s, n) for a, s, n in session.execute(statement)]


def get_article(session: Session, article_id: int) -> Record | None:
    """One article with its stored text and every claim extracted from it, or None."""
    row = session.execute(_article_statement().where(col(models.Article.id) == article_id)).first()
    if row is None:
        return None
    article, source, claims = row
    record = _article_record(article, source, claims)
    record["text"] = article.text
    record["claim_list"] = list_claims(session, ClaimFilters(article_id=article_id))
    return record


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
            source.id,
            source.name,
            func.count(col(article.id)),
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
    if filters.source or filters.since or filters.until or filters.entity or filters.search:
        claim = aliased(models.Claim)
        side = (
            select(claim.id)
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


# --- stats --------------------------------------------------------------------------------


def stats(session: Session) -> Record:
    """Counts of everything stored, conflicts by kind and status, and the last ingest run."""

    def count(model: type[Any]) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in session.execute(
        select(models.Conflict.kind, models.Conflict.status, func.count()).group_by(
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
        },
    }
