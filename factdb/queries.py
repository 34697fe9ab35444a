"""Reading the database: the public JSON shapes of articles, sources, claims and conflicts.

Every function takes a `Session` and returns plain dicts (JSON-ready: dates as ISO strings,
unbounded interval ends as None). These shapes are factdb's public interface, documented in
the README; change them only by adding fields.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    column,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union,
)
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col

from factdb import models
from factdb.revisions import superseded_among, superseded_articles
from factdb.revisions import versions as article_versions

if TYPE_CHECKING:  # matching and conflicts load the lexicon; only facts and timeline need them
    from factdb.matching import ClaimFeatures, QuantityFeatures
    from factdb.synonyms import Synonyms

Record = dict[str, Any]
# Records are built this many at a time, so that a listing of any length streams in constant
# memory, and ids are walked by key (``id > last``), never by a growing OFFSET.
CHUNK = 500


@dataclass(frozen=True)
class Filters:
    """Filters shared by the query commands; None means "no filter"."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None
    entity: str | None = None
    limit: int | None = None
    # Paging: skip `offset` rows, or start after the row with id `after` (keyset: the same
    # cost on every page); `newest` takes the last `limit` rows of the listing instead of
    # the first (still printed in listing order).
    offset: int = 0
    after: int | None = None
    newest: bool = False
    # Superseded versions of revised articles (`factdb.revisions`) are left out unless asked
    # for: their claims, the conflicts and fact reports they take part in, the articles.
    all_versions: bool = False


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _source_ids(name: str) -> Select[Any]:
    """Ids of the sources whose name contains `name` (a scan of the small source table)."""
    return select(col(models.Source.id)).where(
        col(models.Source.name).ilike(_like(name), escape="\\")
    )


def _published_filters(statement: Select[Any], filters: Filters) -> Select[Any]:
    """Source and publication-date conditions on a statement that has ``article`` in FROM."""
    if filters.source:
        statement = statement.where(col(models.Article.source_id).in_(_source_ids(filters.source)))
    if filters.since:
        statement = statement.where(col(models.Article.published) >= filters.since)
    if filters.until:
        statement = statement.where(col(models.Article.published) <= filters.until)
    return statement


def _article_ids(filters: Filters) -> Select[Any] | None:
    """Ids of the articles passing the source and date filters (through ix_article_source_id
    and ix_article_published), or None when there are no such filters."""
    if not (filters.source or filters.since or filters.until):
        return None
    return _published_filters(select(col(models.Article.id)), filters)


SEARCH_CONFIG = "english"


def _search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def text_search(session: Session, kind: str, entity: Any, text: str) -> ColumnElement[bool]:
    """SQL condition: the text of `entity` (the claim table or an alias of it with
    ``kind="claim"``, the article table with ``kind="article"``: title and body) holds the
    words of `text` as a phrase.

    Answered by the full-text index of migration 0008, never by reading every text: SQLite
    FTS5 tables with the Porter stemmer, PostgreSQL GIN indexes on ``to_tsvector('english',
    …)``. Both stem, so "killed" also finds "kills".
    """
    words = _search_words(text)
    if not words:
        return false()
    if session.get_bind().dialect.name == "postgresql":
        # Spelled as in the index definitions (constants, not parameters), so that the
        # planner recognises the indexed expression.
        config: Any = literal_column(f"'{SEARCH_CONFIG}'::regconfig")
        document: Any = col(entity.text)
        if kind == "article":
            document = (
                func.coalesce(entity.title, literal_column("''"))
                .op("||")(literal_column("' '"))
                .op("||")(col(entity.text))
            )
        query = func.phraseto_tsquery(config, " ".join(words))
        return func.to_tsvector(config, document).op("@@")(query)
    index = table(f"{kind}_fts", column("rowid"))
    phrase = '"' + " ".join(words) + '"'
    return col(entity.id).in_(
        select(index.c.rowid).where(literal_column(f"{kind}_fts").op("MATCH")(phrase))
    )


def _current(claim: Any) -> ColumnElement[bool]:
    """SQL condition: the claim (table or alias) belongs to a current version."""
    return col(claim.article_id).not_in(superseded_articles())


def _superseded_claims() -> Select[Any]:
    """Ids of the claims of superseded articles (through ix_claim_article_sentence)."""
    return select(col(models.Claim.id)).where(
        col(models.Claim.article_id).in_(superseded_articles())
    )


def _entity_claims(name: str) -> Select[Any]:
    """Ids of the claims naming an entity whose name contains `name` (the small entity table
    is scanned; claims are found through ix_claim_entity_entity_id)."""
    return select(col(models.ClaimEntity.claim_id)).where(
        col(models.ClaimEntity.entity_id).in_(
            select(col(models.Entity.id)).where(
                col(models.Entity.name).ilike(_like(name), escape="\\")
            )
        )
    )


def _claim_conditions(session: Session, claim: Any, filters: Filters) -> list[Any]:
    """Conditions on a claim table (or alias) for the source, date, search and entity
    filters, each answered by an index."""
    conditions: list[Any] = []
    articles = _article_ids(filters)
    if articles is not None:
        conditions.append(col(claim.article_id).in_(articles))
    if filters.search:
        conditions.append(text_search(session, "claim", claim, filters.search))
    if filters.entity:
        conditions.append(col(claim.id).in_(_entity_claims(filters.entity)))
    return conditions


def _walk(
    session: Session,
    statement: Select[Any],
    keys: Sequence[Any],
    filters: Filters,
    build: Callable[[list[int]], list[Record]],
    *,
    kept_by_build: bool = True,
) -> Iterator[Record]:
    """The page of `statement` that `filters` asks for, in the order of `keys` (the last key
    is the id), built CHUNK records at a time. The newest page is read backwards from the end
    and printed in listing order.

    `kept_by_build=False` says that `build` drops some records (a filter only Python can
    decide); the offset and limit then count the records kept, not the ids read.
    """
    keyed = statement.with_only_columns(*keys)
    start: tuple[Any, ...] | None = None
    if filters.after is not None:
        if len(keys) == 1:
            start = (filters.after,)
        else:
            found = session.execute(keyed.where(keys[-1] == filters.after)).first()
            if found is None:
                raise LookupError(filters.after)
            start = tuple(found)
    if kept_by_build:
        records = _scan(
            session, keyed, keys, start, filters.offset, filters.limit, filters.newest, build
        )
    else:
        # Read no more than the page at a time: building a record is what costs here.
        chunk = CHUNK if filters.limit is None else min(CHUNK, filters.offset + filters.limit)
        records = islice(
            _scan(session, keyed, keys, start, 0, None, filters.newest, build, chunk),
            filters.offset,
            None if filters.limit is None else filters.offset + filters.limit,
        )
    if filters.newest:
        yield from reversed(list(records))
    else:
        yield from records


def _scan(
    session: Session,
    keyed: Select[Any],
    keys: Sequence[Any],
    start: tuple[Any, ...] | None,
    offset: int,
    limit: int | None,
    descending: bool,
    build: Callable[[list[int]], list[Record]],
    chunk: int = CHUNK,
) -> Iterator[Record]:
    """Walk `keyed` in key order (or backwards), chunk by chunk, each chunk starting after
    the last key of the one before: the thousandth chunk costs what the first does."""
    order = [key.desc() for key in keys] if descending else list(keys)
    remaining = limit
    while remaining is None or remaining > 0:
        size = chunk if remaining is None else min(chunk, remaining)
        page = keyed.order_by(*order)
        if start is not None:
            page = page.where(_after(keys, start, descending))
        rows = session.execute(page.offset(offset).limit(size)).all()
        if not rows:
            return
        yield from build([int(row[-1]) for row in rows])
        if len(rows) < size:
            return
        offset = 0
        start = tuple(rows[-1])
        if remaining is not None:
            remaining -= len(rows)


def _after(keys: Sequence[Any], start: tuple[Any, ...], descending: bool = False) -> Any:
    """Rows after `start` in key order (before it, walking backwards)."""
    left: Any = keys[0] if len(keys) == 1 else tuple_(*keys)
    right: Any = start[0] if len(keys) == 1 else tuple_(*start)
    return left < right if descending else left > right


def count(session: Session, statement: Select[Any]) -> int:
    """How many rows a listing's statement selects (for "showing 50 of 16,640")."""
    return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


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


def claims_statement(
    session: Session, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Select[Any]:
    """The ids of the claims matching the filters, every condition answered by an index."""
    claim = models.Claim
    statement = select(col(claim.id)).where(*_claim_conditions(session, claim, filters))
    if filters.article_id is not None:
        statement = statement.where(col(claim.article_id) == filters.article_id)
    elif not filters.all_versions:
        statement = statement.where(_current(claim))
    if filters.speaker:
        statement = statement.where(col(claim.speaker).ilike(_like(filters.speaker), escape="\\"))
    if filters.counted or filters.with_quantities:
        numbers = select(col(models.Quantity.claim_id))
        if filters.counted:
            numbers = numbers.where(_counts(*_counted_terms(filters.counted, synonyms)))
        statement = statement.where(col(claim.id).in_(numbers))
    return statement


def iter_claims(
    session: Session, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Claims matching the filters in the order they were stored (an article's claims in
    text order, articles in ingest order), streamed."""
    statement = claims_statement(session, filters, synonyms)
    yield from _walk(
        session, statement, [col(models.Claim.id)], filters, lambda ids: claim_records(session, ids)
    )


def list_claims(
    session: Session, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """`iter_claims` as a list."""
    return list(iter_claims(session, filters, synonyms))


def _counts(*terms: str) -> Any:
    """SQL condition: the quantity counts one of `terms` (its noun, its canonical noun or its
    canonical predicate is one of them), answered by the quantity indexes of each column."""
    wanted = list(dict.fromkeys(term.lower() for term in terms))
    quantity = models.Quantity
    return or_(
        col(quantity.counted_key).in_(wanted),
        col(quantity.predicate_key).in_(wanted),
        col(quantity.counted).in_(wanted),
    )


def counted_terms(counted: str, synonyms: Synonyms) -> tuple[str, ...]:
    """What a ``--counted`` value stands for: itself, its singular, their synonym keys
    ("killed" → "kill", "aircraft" → "plane") and the nouns that stand for such a count
    ("death toll"), so that users can type the word as written in articles."""
    words = [counted, counted[:-1]] if counted.endswith("s") else [counted]  # planes → plane
    keys = [key for word in words for key in (word, *_synonym_keys(word, synonyms))]
    from factdb.matching import lexicon

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
    return (
        select(models.Article, col(models.Source.name), claims.label("claims"))
        .outerjoin(models.Source, col(models.Source.id) == models.Article.source_id)
        .options(defer(models.Article.text))  # type: ignore[arg-type]
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
    superseded: bool = False,
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
        "version": article.version,
        "revision_of": article.revision_of_id,
        "current": not superseded,
    }


def articles_statement(session: Session, filters: Filters) -> Select[Any]:
    """The ids of the articles matching the filters."""
    article = models.Article
    statement = _published_filters(select(col(article.id)), filters)
    if not filters.all_versions:
        statement = statement.where(col(article.id).not_in(superseded_articles()))
    if filters.search:
        statement = statement.where(text_search(session, "article", article, filters.search))
    if filters.entity:
        statement = statement.where(
            col(article.id).in_(
                select(col(models.Claim.article_id)).where(
                    col(models.Claim.id).in_(_entity_claims(filters.entity))
                )
            )
        )
    return statement


# Undated articles sort after every dated one (a key without NULLs, so pages can be walked).
_UNDATED = date(9999, 12, 31)


def iter_articles(session: Session, filters: Filters) -> Iterator[Record]:
    """Articles matching the filters in publication order (undated last), streamed."""
    article = models.Article
    keys = [func.coalesce(article.published, _UNDATED), col(article.id)]

    def build(ids: list[int]) -> list[Record]:
        rows = {
            a.id: (a, s, n)
            for a, s, n in session.execute(
                _article_statement().where(col(article.id).in_(ids))
            ).all()
        }
        copies = _copy_of(session, ids)
        superseded = superseded_among(session, ids)
        return [_article_record(*rows[i], copies.get(i), i in superseded) for i in ids if i in rows]

    yield from _walk(session, articles_statement(session, filters), keys, filters, build)


def list_articles(session: Session, filters: Filters) -> list[Record]:
    """`iter_articles` as a list."""
    return list(iter_articles(session, filters))


def get_article(session: Session, article_id: int) -> Record | None:
    """One article with its stored text and every claim extracted from it, or None."""
    row = session.execute(_article_statement().where(col(models.Article.id) == article_id)).first()
    if row is None:
        return None
    article, source, claims = row
    record = _article_record(
        article,
        source,
        claims,
        _copy_of(session, [article_id]).get(article_id),
        bool(superseded_among(session, [article_id])),
    )
    record["versions"] = article_versions(session, article_id)
    record["text"] = session.execute(
        select(col(models.Article.text)).where(col(models.Article.id) == article_id)
    ).scalar_one()
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
        member = aliased(models.Article)
        statement = statement.where(
            col(story.id).in_(
                select(col(member.story_id)).where(
                    col(member.id).in_(articles_statement(session, filters))
                )
            )
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
    # Claims counted once per article (ix_claim_article_sentence alone), then summed by
    # source: a count correlated with each source made PostgreSQL read the claim table once
    # for every source (5.7 s at a million claims; 0.3 s this way, the same on SQLite).
    per_article = (
        select(col(models.Claim.article_id).label("article_id"), func.count().label("claims"))
        .group_by(col(models.Claim.article_id))
        .subquery()
    )
    per_source = (
        select(col(article.source_id).label("source_id"), func.sum(per_article.c.claims).label("n"))
        .join(per_article, per_article.c.article_id == article.id)
        .group_by(col(article.source_id))
        .subquery()
    )
    statement = (
        select(
            col(source.id),
            col(source.name),
            func.count(func.distinct(col(article.id))),
            func.max(per_source.c.n),
            func.min(article.published),
            func.max(article.published),
        )
        .outerjoin(article, col(article.source_id) == source.id)
        .outerjoin(per_source, per_source.c.source_id == source.id)
        .group_by(col(source.id), col(source.name))
        .order_by(col(source.name))
    )
    if filters.source:
        statement = statement.where(col(source.id).in_(_source_ids(filters.source)))
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


def conflicts_statement(session: Session, filters: ConflictFilters) -> Select[Any]:
    """The ids of the conflicts matching the filters; a source, date, entity or search filter
    matches either claim. Kind and status go through their indexes, the claim filters
    through the indexes of `_claim_conditions`, then ix_conflict_claim_a_id / _b_id."""
    conflict = models.Conflict
    statement = select(col(conflict.id))
    if filters.kind:
        statement = statement.where(col(conflict.kind) == filters.kind)
    if filters.status != "all":
        statement = statement.where(col(conflict.status) == filters.status)
    if not filters.all_versions:
        for side in (conflict.claim_a_id, conflict.claim_b_id):
            statement = statement.where(col(side).not_in(_superseded_claims()))
    if filters.since_run is not None:
        # A conflict belongs to the run that was storing when it was recorded. Plain runs do
        # not overlap (factdb.lock), so "created at or after run N started" is runs N and
        # later; beside --concurrent workers it also takes what they recorded since then.
        started = (
            select(col(models.IngestRun.started_at))
            .where(col(models.IngestRun.id) == filters.since_run)
            .scalar_subquery()
        )
        statement = statement.where(col(conflict.created_at) >= started)
    if filters.since or filters.until or filters.search:
        # A date window or a phrase selects few claims of a long archive (a month of 30
        # years): their conflicts are found through ix_conflict_claim_a_id / _b_id, instead
        # of checking every open conflict's claims (0.17 s at a million claims, for none).
        matched = select(col(models.Claim.id)).where(
            *_claim_conditions(session, models.Claim, filters)
        )
        a_side, b_side = aliased(conflict), aliased(conflict)
        sides_of = [
            select(col(a_side.id)).where(col(a_side.claim_a_id).in_(matched)),
            select(col(b_side.id)).where(col(b_side.claim_b_id).in_(matched)),
        ]
        statement = statement.where(col(conflict.id).in_(union(*sides_of)))
    elif _claim_conditions(session, models.Claim, filters):
        # Checked claim by claim from the conflicts, which are fewer than the claims a source
        # or an entity selects (a list of those would be built first), and a page of the
        # newest stops at its fiftieth.
        sides = []
        for side in (conflict.claim_a_id, conflict.claim_b_id):
            claim = aliased(models.Claim)
            sides.append(
                exists().where(col(claim.id) == side, *_claim_conditions(session, claim, filters))
            )
        statement = statement.where(or_(*sides))
    return statement


def iter_conflicts(session: Session, filters: ConflictFilters) -> Iterator[Record]:
    """Conflicts matching the filters in the order they were found, streamed."""
    conflict = models.Conflict

    def build(ids: list[int]) -> list[Record]:
        rows = {
            row.id: row
            for row in session.execute(select(conflict).where(col(conflict.id).in_(ids))).scalars()
        }
        return conflict_records(session, [rows[i] for i in ids if i in rows])

    statement = conflicts_statement(session, filters)
    yield from _walk(session, statement, [col(conflict.id)], filters, build)


def list_conflicts(session: Session, filters: ConflictFilters) -> list[Record]:
    """`iter_conflicts` as a list."""
    return list(iter_conflicts(session, filters))


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


def fact_records(
    session: Session, fact_ids: Sequence[int], all_versions: bool = False
) -> list[Record]:
    """Full fact objects for these ids, in the given order: every claim in full, the state,
    the number of independent sources and the fact's conflicts (dismissed ones excluded).

    Without `all_versions`, the reports of superseded versions are left out, and so is a
    fact that has no other."""
    if not fact_ids:
        return []
    ids = list(dict.fromkeys(fact_ids))
    members: dict[int, list[int]] = defaultdict(list)
    current_only = [] if all_versions else [_current(models.Claim)]
    for fact_id, claim_id in session.execute(
        select(col(models.FactClaim.fact_id), col(models.FactClaim.claim_id))
        .join(models.Claim, col(models.Claim.id) == models.FactClaim.claim_id)
        .join(models.Article, col(models.Article.id) == models.Claim.article_id)
        .where(col(models.FactClaim.fact_id).in_(ids), *current_only)
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
    other_side = (
        [] if all_versions else [col(models.Conflict.claim_b_id).not_in(_superseded_claims())]
    )
    conflicts = session.execute(
        select(models.Conflict).where(
            col(models.Conflict.claim_a_id).in_(claim_ids),
            col(models.Conflict.status) != "dismissed",
            *other_side,
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
        if not fact_claims and not all_versions:
            continue
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
        # Facts with a conflict that is not dismissed, found from the conflicts (through
        # ix_conflict_status, then fact_claim's key), not by probing every fact.
        conflicted = (
            select(col(member.fact_id))
            .join(conflict, col(conflict.claim_a_id) == member.claim_id)
            .where(col(conflict.status).in_([s for s in CONFLICT_STATUSES if s != "dismissed"]))
        )
        if filters.state == "conflict":
            conditions.append(
                col(models.Fact.id).in_(conflicted.where(col(conflict.kind).in_(_DISAGREEMENTS)))
            )
        elif filters.state == "update":
            conditions.append(col(models.Fact.id).in_(conflicted))
        else:
            conditions.append(col(models.Fact.id).not_in(conflicted))
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


def facts_statement(
    session: Session, filters: FactFilters, synonyms: Synonyms | None = None
) -> Select[Any]:
    """The ids of the facts one of whose claims matches the claim filters (source, dates,
    search, entity, counted), narrowed in SQL by the state and source-count filters."""
    claim = models.Claim
    conditions = _claim_conditions(session, claim, filters)
    if filters.counted:
        terms = _counted_terms(filters.counted, synonyms)
        conditions.append(
            col(claim.id).in_(select(col(models.Quantity.claim_id)).where(_counts(*terms)))
        )
    statement = select(col(models.Fact.id)).where(*_fact_prefilters(filters))
    if conditions:
        members = select(col(models.FactClaim.fact_id)).where(
            col(models.FactClaim.claim_id).in_(select(col(claim.id)).where(*conditions))
        )
        statement = statement.where(col(models.Fact.id).in_(members))
    return statement


def exact_fact_filters(filters: FactFilters) -> bool:
    """Whether some facts passing `facts_statement` may still be dropped once built (their
    state and independent sources are only known then)."""
    return filters.min_sources > 1 or filters.state is not None


def iter_facts(
    session: Session, filters: FactFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Facts matching the filters in the order they were made (newest last), streamed; with
    `synonyms`, the counted filter also matches the word's synonym keys."""

    def build(ids: list[int]) -> list[Record]:
        return [
            record
            for record in fact_records(session, ids, filters.all_versions)
            if record["independent_sources"] >= filters.min_sources
            and (filters.state is None or record["state"] == filters.state)
        ]

    yield from _walk(
        session,
        facts_statement(session, filters, synonyms),
        [col(models.Fact.id)],
        # A fact's record holds all its claims: build them a page at a time.
        filters,
        build,
        # A fact whose reports are all superseded is dropped once built.
        kept_by_build=filters.all_versions and not exact_fact_filters(filters),
    )


def list_facts(
    session: Session, filters: FactFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """`iter_facts` as a list."""
    return list(iter_facts(session, filters, synonyms))


def get_fact(session: Session, fact_id: int) -> Record | None:
    """One fact with all its claims, or None."""
    found = fact_records(session, [fact_id]) or fact_records(session, [fact_id], True)
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
    from factdb.conflicts import interval_text, number_relation
    from factdb.matching import report_time

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


def timeline_statement(
    session: Session, filters: TimelineFilters, synonyms: Synonyms
) -> Select[Any]:
    """The reported numbers matching the filters: (quantity id, claim id, inferred date, fact
    id) rows, unordered."""
    quantity, claim, article = models.Quantity, models.Claim, models.Article
    columns: list[Any] = [
        col(quantity.id),
        col(claim.id),
        col(article.published_inferred),
        col(models.FactClaim.fact_id),
        col(models.FactClaim.quantity_id),
    ]
    statement = (
        select(*columns)
        .join(claim, col(claim.id) == quantity.claim_id)
        .join(article, col(article.id) == claim.article_id)
        .outerjoin(models.FactClaim, col(models.FactClaim.claim_id) == claim.id)
        .where(*_claim_conditions(session, claim, replace(filters, entity=None)))
    )
    if not filters.all_versions:
        statement = statement.where(_current(claim))
    if filters.counted:
        statement = statement.where(_counts(*counted_terms(filters.counted, synonyms)))
    if filters.entity:
        # A claim naming the entity is in an article naming it: the article decides.
        naming = select(col(models.Claim.article_id)).where(
            col(models.Claim.id).in_(_entity_claims(filters.entity))
        )
        statement = statement.where(col(claim.article_id).in_(naming))
    return statement


def _timeline_order(statement: Select[Any], descending: bool = False) -> Select[Any]:
    """Publication order (an inferred date places an undated copy; undated last), then by
    source and text, which do not depend on the order articles were ingested in."""
    article, quantity = models.Article, models.Quantity
    when = func.coalesce(article.published, article.published_inferred)
    keys: list[Any] = [
        when.is_(None),
        when,
        select(col(models.Source.name))
        .where(col(models.Source.id) == article.source_id)
        .scalar_subquery(),
        col(article.content_hash),
        col(quantity.start),
        col(quantity.id),
    ]
    return statement.order_by(*(key.desc() for key in keys) if descending else keys)


def _date_window(
    session: Session, statement: Select[Any], wanted: int, newest: bool
) -> Select[Any]:
    """`statement` narrowed to the reports of the articles at one end of the archive that
    still hold its first `wanted` rows in timeline order (its last, walking back from the
    newest): published (or inferred) within 30 days of the end, else 120, 480, … days. The
    newest end also keeps the undated reports, which come last in a timeline.

    A page of a timeline then sorts a few weeks of reports instead of every report in the
    archive; the dates are found through ix_article_published and
    ix_article_published_inferred. (An article has an inferred date only when it states
    none, so "published or inferred within the window" is exactly its timeline date.)
    """
    article = models.Article
    ends = [
        session.execute(select(func.max(column) if newest else func.min(column))).scalar()
        for column in (article.published, article.published_inferred)
    ]
    dates = [d for d in ends if d is not None]
    far = session.execute(
        select(func.min(article.published) if newest else func.max(article.published))
    ).scalar()
    if not dates or far is None:
        return statement

    def within(days: int) -> Select[Any]:
        # One index range each (an OR of them makes SQLite read the article table whole).
        if newest:
            start = end - timedelta(days=days)
            parts = [
                select(col(article.id)).where(col(article.published) >= start),
                select(col(article.id)).where(col(article.published_inferred) >= start),
                select(col(article.id)).where(col(article.published).is_(None)),
            ]
        else:
            stop = end + timedelta(days=days)
            parts = [
                select(col(article.id)).where(col(article.published) <= stop),
                select(col(article.id)).where(col(article.published_inferred) <= stop),
            ]
        return statement.where(col(models.Claim.article_id).in_(union(*parts)))

    def holds_page(window: Select[Any]) -> bool:
        return count(session, window.limit(wanted)) >= wanted

    end = max(dates) if newest else min(dates)
    window = within(30)
    if holds_page(window):
        return window
    # The archive's last (first) month does not hold the page, a filter keeps reports of
    # other years: widen from the newest (oldest) report the filters keep, not from the end
    # of the archive. One statement instead of three or four ever wider windows, each of which
    # reads the filter's rows again (all the claims naming an entity, say).
    when = func.coalesce(article.published, article.published_inferred)
    kept = session.execute(
        statement.with_only_columns(func.max(when) if newest else func.min(when))
    ).scalar()
    if kept is None:
        return statement
    end = kept if isinstance(kept, date) else date.fromisoformat(str(kept))
    days = 30
    while (end - timedelta(days=days) > far) if newest else (end + timedelta(days=days) < far):
        window = within(days)
        if holds_page(window):
            return window
        days *= 4
    return statement


def timeline(session: Session, filters: TimelineFilters, synonyms: Synonyms) -> list[Record]:
    """Every reported number matching the filters, in publication order (an inferred date
    places an undated copy), each compared with the earlier reports of the same fact that
    count the same thing: first report, agrees, updates or conflicts (with any of them).

    A page (``limit``, ``offset``, ``newest``) compares its reports with every earlier report
    of their facts that the filters keep, on the page or not, so a report's relation does not
    depend on the page it is shown on.
    """
    from factdb.matching import load_claim_features

    statement = timeline_statement(session, filters, synonyms)
    window = statement
    if filters.limit is not None:
        window = _date_window(session, statement, filters.offset + filters.limit, filters.newest)
    paged = _timeline_order(window, descending=filters.newest).offset(filters.offset)
    if filters.limit is not None:
        paged = paged.limit(filters.limit)
    rows = list(session.execute(paged).all())
    if filters.newest:
        rows.reverse()
    history: list[Any] = rows
    if filters.limit is not None or filters.offset:
        facts = {int(r[3]) for r in rows if r[3] is not None}
        history = (
            list(
                session.execute(
                    _timeline_order(
                        statement.where(
                            # Through the facts' members, not by reading every report.
                            col(models.Claim.id).in_(
                                select(col(models.FactClaim.claim_id)).where(
                                    col(models.FactClaim.fact_id).in_(facts)
                                )
                            )
                        )
                    )
                ).all()
            )
            if facts
            else []
        )
    features = load_claim_features(
        session, {int(r[1]) for r in rows} | {int(r[1]) for r in history}, synonyms
    )
    relations: dict[int, tuple[str, int | None, str]] = {}
    seen: list[tuple[int | None, ClaimFeatures, QuantityFeatures]] = []
    for quantity_id, claim_id, _, fact_id, slot_quantity_id in history:
        current = features[claim_id]
        number = next(q for q in current.quantities if q.id == quantity_id)
        # Only the number that put a claim in its fact's slot is a report of that fact.
        in_slot = quantity_id == slot_quantity_id
        earlier = [
            (c, q)
            for f, c, q in reversed(seen)
            if in_slot and fact_id is not None and f == fact_id and c.id != claim_id
        ]
        relations[quantity_id] = _relation(earlier, (current, number))
        if in_slot:
            seen.append((fact_id, current, number))
    return [
        _timeline_record(quantity_id, features[claim_id], inferred, fact_id, relations)
        for quantity_id, claim_id, inferred, fact_id, _ in rows
    ]


def _timeline_record(
    quantity_id: int,
    current: ClaimFeatures,
    inferred: date | None,
    fact_id: int | None,
    relations: dict[int, tuple[str, int | None, str]],
) -> Record:
    from factdb.conflicts import interval_text

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


# --- stats --------------------------------------------------------------------------------


def _facts_with_several_articles(session: Session) -> int:
    """How many facts hold claims of more than one article.

    Only the facts with several claims can (a sixth of them at a million claims), and which
    those are, the index on ``fact_claim.fact_id`` tells alone; the article of a claim is
    then looked up for their claims only, not for every claim in the archive.
    """
    member = models.FactClaim
    several = select(col(member.fact_id)).group_by(col(member.fact_id)).having(func.count() > 1)
    spread = (
        select(col(member.fact_id))
        .join(models.Claim, col(models.Claim.id) == member.claim_id)
        .where(col(member.fact_id).in_(several))
        .group_by(col(member.fact_id))
        .having(func.min(models.Claim.article_id) != func.max(models.Claim.article_id))
    )
    return int(session.execute(select(func.count()).select_from(spread.subquery())).scalar_one())


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
        "facts_with_several_articles": _facts_with_several_articles(session),
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
