"""Writing to the database: articles with their claims, quantities, times and entities, ingest
runs.

Functions take an open `Session` and never commit: the caller owns the transaction, so one
article (with everything extracted from it) is stored all or nothing. Inserts that may race
with an overlapping ingest (the same source, entity or article arriving twice) are written so
the loser finds the winner's row instead of failing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, bindparam, exists, func, insert, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from factdb.inputs.records import ArticleInput
from factdb.nlp.synonyms import Synonyms
from factdb.nlp.types import ClaimDraft
from factdb.store import models
from factdb.store.lock import derive_lock


def utcnow() -> datetime:
    """The current time in UTC (stored without zone by SQLite, with it by PostgreSQL)."""
    return datetime.now(UTC)


def table_of(model: type[Any]) -> Table:
    """The Core table of a model, for statements that write many rows at once."""
    table: Table = model.__table__
    return table


# Reports more than a month apart are not compared, for copies or for facts: a figure from
# another month belongs to another story or to history, and the window bounds the candidates
# of every new article whatever the size of the archive.
MAX_DAYS_APART = 30


def within_window(
    published_column: Mapped[date | None], published: date | None
) -> list[ColumnElement[bool]]:
    """Conditions, one query each, keeping the rows of articles that may be compared with an
    article published on `published`: those at most `MAX_DAYS_APART` days from it, and the
    undated (an undated article is compared with every one).

    Separate queries rather than one OR, so that each is a range scan of an index that leads
    with (key, published).
    """
    if published is None:
        return [true()]
    low = date.fromordinal(published.toordinal() - MAX_DAYS_APART)
    high = date.fromordinal(published.toordinal() + MAX_DAYS_APART)
    return [published_column.between(low, high), published_column.is_(None)]


def nearest_in_time(
    base: Select[Any], published: Any, undated_order: Any, limit: int, latest: int
) -> dict[str, Select[Any]]:
    """Index range reads of the rows of `base` nearest in time to a date bound as ``day``:
    ``before`` (on or before it, latest first) and ``after`` (after it, earliest first),
    `limit` each; for an undated article ``latest`` (the `latest` newest dated rows); and
    ``undated`` (`limit` rows without a date, by `undated_order` descending). Built once by
    their callers: they run for every fact or name of every new article, and building a
    statement costs more than running it."""
    return {
        "before": base.where(published <= bindparam("day")).order_by(published.desc()).limit(limit),
        "after": base.where(published > bindparam("day")).order_by(published).limit(limit),
        "latest": base.where(published.is_not(None)).order_by(published.desc()).limit(latest),
        "undated": base.where(published.is_(None)).order_by(undated_order.desc()).limit(limit),
    }


def insert_ignoring_duplicates(
    session: Session, model: type[Any], rows: list[dict[str, Any]], unique_columns: list[str]
) -> None:
    """INSERT rows, skipping any that collide on `unique_columns` (ON CONFLICT DO NOTHING).

    It reports no count: psycopg gives none for these statements, so callers that need to
    know what was new select it themselves.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table_of(model)).on_conflict_do_nothing(index_elements=unique_columns)
    # Rows as parameters, not one literal VALUES clause: the statement compiles once and is
    # cached, instead of coercing every value of every row on each call.
    session.execute(statement, rows)


def insert_returning_ids(
    session: Session, model: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """INSERT rows in one statement; their new ids, in the order of `rows`."""
    if not rows:
        return []
    table = table_of(model)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.execute(statement, rows).scalars()]


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT rows in one statement (an executemany): an article brings hundreds of claims,
    quantities and entity links, and building an ORM object for each cost more than storing
    it."""
    if rows:
        session.execute(insert(table_of(model)), rows)


def source_id(session: Session, name: str) -> int:
    """The id of the source called `name`, creating it if needed."""
    insert_ignoring_duplicates(session, models.Source, [{"name": name}], ["name"])
    found = session.execute(
        select(col(models.Source.id)).where(col(models.Source.name) == name)
    ).scalar_one()
    return int(found)


def known_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """Which of these content hashes are already stored (so their NLP can be skipped)."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    rows = session.execute(
        select(col(models.Article.content_hash)).where(col(models.Article.content_hash).in_(wanted))
    )
    return set(rows.scalars())


def known_urls(session: Session, urls: Iterable[str | None]) -> set[str]:
    """Which of these (canonical) URLs an stored article already has."""
    wanted = list({url for url in urls if url})
    if not wanted:
        return set()
    rows = session.execute(
        select(col(models.Article.url)).where(col(models.Article.url).in_(wanted))
    )
    return {url for url in rows.scalars() if url}


def _entity_ids(session: Session, claims: Sequence[ClaimDraft]) -> dict[tuple[str, str], int]:
    """Ids of every entity the claims mention, creating the missing ones."""
    wanted = {(entity.text, entity.label) for claim in claims for entity in claim.entities}
    if not wanted:
        return {}
    insert_ignoring_duplicates(
        session,
        models.Entity,
        [{"name": name, "label": label} for name, label in sorted(wanted)],
        ["name", "label"],
    )
    rows = session.execute(
        select(col(models.Entity.id), col(models.Entity.name), col(models.Entity.label)).where(
            col(models.Entity.name).in_({name for name, _ in wanted})
        )
    )
    return {(name, label): int(id_) for id_, name, label in rows if (name, label) in wanted}


@dataclass(frozen=True)
class StoredArticle:
    """What one article added: its id and the ids of its claims, in extraction order."""

    article_id: int
    claim_ids: list[int]
    quantity_count: int


def store_article(
    session: Session,
    article: ArticleInput,
    claims: Sequence[ClaimDraft],
    synonyms: Synonyms,
    run_id: int | None = None,
) -> StoredArticle:
    """Insert one article with its claims, quantities, times and entity links.

    Raises `sqlalchemy.exc.IntegrityError` when an article with the same content hash is
    already stored (an overlapping run may have stored it since the caller checked); the caller
    rolls back and counts it as a duplicate.
    """
    row = models.Article(
        source_id=source_id(session, article.source) if article.source else None,
        title=article.title,
        author=article.author,
        distributor=article.distributor,
        url=article.url,
        origin=article.origin,
        published=article.published,
        published_text=article.published_text,
        ingested_at=utcnow(),
        content_hash=article.content_hash,
        text=article.text,
        ingest_run_id=run_id,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    claim_ids = insert_returning_ids(
        session,
        models.Claim,
        [
            {
                "article_id": row.id,
                "sentence_index": claim.sentence_index,
                "start": claim.start,
                "end": claim.end,
                "sentence_start": claim.sentence_start,
                "sentence_end": claim.sentence_end,
                "text": claim.text,
                "normalized": claim.normalized,
                "subject": claim.subject,
                "predicate": claim.predicate,
                "object": claim.object,
                "speaker": claim.speaker,
                "speaker_resolved": claim.speaker_resolved,
                "polarity": str(claim.polarity),
                "hedged": claim.hedged,
                "is_headline": claim.is_headline,
                "event_date_start": claim.event_date.resolved_start if claim.event_date else None,
                "event_date_end": claim.event_date.resolved_end if claim.event_date else None,
                "event_date_text": claim.event_date.text if claim.event_date else None,
                "event_date_granularity": (
                    claim.event_date.granularity if claim.event_date else None
                ),
                "standalone": claim.standalone,
                "subject_entity": claim.subject_entity,
            }
            for claim in claims
        ],
    )
    quantity_rows = [
        {
            "claim_id": claim_id,
            "raw": quantity.raw,
            "value": quantity.value,
            "low": quantity.low,
            "high": quantity.high,
            "low_inclusive": quantity.low_inclusive,
            "high_inclusive": quantity.high_inclusive,
            "qualifier": str(quantity.qualifier),
            "unit": quantity.unit,
            "counted": quantity.counted,
            "predicate": quantity.predicate,
            "counted_key": synonyms.counted_key(quantity.counted),
            "predicate_key": synonyms.predicate_key(quantity.predicate),
            "start": quantity.start,
            "end": quantity.end,
            "base_value": quantity.base_value,
            "base_low": quantity.base_low,
            "base_high": quantity.base_high,
            "base_unit": quantity.base_unit,
        }
        for claim_id, claim in zip(claim_ids, claims, strict=True)
        for quantity in claim.quantities
    ]
    insert_rows(session, models.Quantity, quantity_rows)
    insert_rows(
        session,
        models.ClaimTime,
        [
            t
            for claim_id, claim in zip(claim_ids, claims, strict=True)
            for t in _time_rows(claim_id, claim)
        ],
    )
    entity_ids = _entity_ids(session, claims)
    links = {
        (claim_id, entity_ids[(entity.text, entity.label)])
        for claim_id, claim in zip(claim_ids, claims, strict=True)
        for entity in claim.entities
    }
    insert_rows(
        session,
        models.ClaimEntity,
        [
            {"claim_id": claim_id, "entity_id": entity_id, "article_id": row.id}
            for claim_id, entity_id in sorted(links)
        ],
    )
    return StoredArticle(article_id=row.id, claim_ids=claim_ids, quantity_count=len(quantity_rows))


def start_run(session: Session) -> int:
    """Record the start of an ingest run and return its id."""
    run = models.IngestRun(started_at=utcnow())
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    files_seen: int,
    articles_added: int,
    duplicates: int,
    claims_added: int,
    errors: Sequence[str],
    conflicts_added: int = 0,
) -> None:
    """Record what an ingest run did, including every rejected input's message."""
    run = session.get(models.IngestRun, run_id)
    if run is None:
        raise LookupError(f"ingest run {run_id} does not exist")
    run.finished_at = utcnow()
    run.files_seen = files_seen
    run.articles_added = articles_added
    run.duplicates = duplicates
    run.claims_added = claims_added
    run.errors = len(errors)
    run.error_details = json.dumps(list(errors)) if errors else None
    run.conflicts_added = conflicts_added
    session.add(run)


# --- feeds and remembered fetches -----------------------------------------------------------


class FeedExistsError(ValueError):
    """`add_feed` for a URL already in the feed list."""


def add_feed(session: Session, url: str, source: str | None) -> models.Feed:
    """Add a feed to the list `factdb ingest --feeds` polls."""
    existing = session.execute(
        select(models.Feed).where(col(models.Feed.url) == url)
    ).scalar_one_or_none()
    if existing is not None:
        raise FeedExistsError(f"feed {url} is already in the list (id {existing.id})")
    feed = models.Feed(url=url, source=source, added_at=utcnow())
    session.add(feed)
    session.flush()
    return feed


def remove_feed(session: Session, feed: int | str) -> models.Feed | None:
    """Remove a feed by id or URL (its articles stay); None when there is no such feed."""
    found = find_feed(session, feed)
    if found is not None:
        session.delete(found)
        session.flush()
    return found


def find_feed(session: Session, feed: int | str) -> models.Feed | None:
    """A feed by id (an int or a string of digits) or by URL."""
    if isinstance(feed, int) or feed.isdigit():
        return session.get(models.Feed, int(feed))
    return session.execute(
        select(models.Feed).where(col(models.Feed.url) == feed)
    ).scalar_one_or_none()


def record_feed_poll(session: Session, feed_id: int, status: str) -> None:
    """Record when a feed was polled and how it went (one line)."""
    feed = session.get(models.Feed, feed_id)
    if feed is None:
        return  # removed while the run was polling it
    feed.last_fetched_at = utcnow()
    feed.last_status = status
    session.add(feed)


def save_feed_validators(
    session: Session, feed_id: int, etag: str | None, last_modified: str | None
) -> None:
    """Remember a feed's ETag and Last-Modified for the next conditional poll."""
    feed = session.get(models.Feed, feed_id)
    if feed is not None:
        feed.etag, feed.last_modified = etag, last_modified
        session.add(feed)


def count_feed_articles(session: Session, added: dict[int, int]) -> None:
    """Add each feed's newly stored articles to its count."""
    for feed_id, count in added.items():
        feed = session.get(models.Feed, feed_id)
        if feed is not None:
            feed.articles += count
            session.add(feed)


def fetch_validators(session: Session, url: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified remembered for `url` (both None if never fetched)."""
    row = session.get(models.FetchedUrl, url)
    return (None, None) if row is None else (row.etag, row.last_modified)


def remember_fetch(
    session: Session, url: str, status: int, etag: str | None, last_modified: str | None
) -> None:
    """Remember the validators of a fetch of `url` for the next conditional request."""
    row = session.get(models.FetchedUrl, url)
    if row is None:
        row = models.FetchedUrl(url=url, status_code=status, fetched_at=utcnow())
    row.status_code = status
    row.fetched_at = utcnow()
    if status != 304:
        row.etag, row.last_modified = etag, last_modified
    session.add(row)


# --- merging sources --------------------------------------------------------------------


class SourceNotFoundError(LookupError):
    """`merge_sources` was given a source name or id that does not exist."""


def find_source(session: Session, source: str) -> models.Source | None:
    """A source by id (digits) or by exact name."""
    if source.isdigit():
        return session.get(models.Source, int(source))
    return session.execute(
        select(models.Source).where(col(models.Source.name) == source)
    ).scalar_one_or_none()


def merge_sources(session: Session, merged: str, into: str) -> tuple[models.Source, int]:
    """Move every article of source `merged` to source `into` and delete `merged`: two
    spellings of one outlet become one. Returns the kept source and how many articles moved.

    Raises `SourceNotFoundError` naming the missing one, `ValueError` for the same source twice.
    """
    from sqlalchemy import update

    derive_lock(session)  # revisions are told by their source: not while an ingest derives
    old = find_source(session, merged)
    if old is None:
        raise SourceNotFoundError(merged)
    new = find_source(session, into)
    if new is None:
        raise SourceNotFoundError(into)
    if old.id == new.id:
        raise ValueError(f"{merged!r} and {into!r} are the same source")
    moved = session.execute(
        select(func.count()).where(col(models.Article.source_id) == old.id)
    ).scalar_one()
    session.execute(
        update(models.Article)
        .where(col(models.Article.source_id) == old.id)
        .values(source_id=new.id)
    )
    session.delete(old)
    session.flush()
    return new, int(moved or 0)


def _timeless_claims() -> Any:
    """SQL condition: the claim has no stored time expression."""
    return ~exists().where(col(models.ClaimTime.claim_id) == models.Claim.id)


def articles_with_timeless_claims(session: Session) -> list[int]:
    """Ids of articles with a claim that has no times (stored before claim times existed, or
    with no time in its evidence)."""
    statement = (
        select(col(models.Claim.article_id))
        .where(_timeless_claims())
        .distinct()
        .order_by(col(models.Claim.article_id))
    )
    return [int(article_id) for article_id in session.execute(statement).scalars()]


def add_missing_times(session: Session, article_id: int, drafts: Sequence[ClaimDraft]) -> int:
    """Store the times of re-extracted `drafts` on the article's claims that have none,
    pairing each draft with the stored claim at the same place; returns the claims filled."""
    claims = session.execute(
        select(models.Claim).where(col(models.Claim.article_id) == article_id, _timeless_claims())
    ).scalars()
    by_place = {(c.is_headline, c.sentence_index, c.start, c.end): c.id for c in claims}
    filled = 0
    for draft in drafts:
        claim_id = by_place.get((draft.is_headline, draft.sentence_index, draft.start, draft.end))
        if claim_id is None or not draft.times:
            continue
        insert_rows(session, models.ClaimTime, _time_rows(claim_id, draft))
        filled += 1
    return filled


def _time_rows(claim_id: int, claim: ClaimDraft) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": claim_id,
            "text": time.text,
            "start": time.start,
            "end": time.end,
            "type": time.type,
            "value": time.value,
            "role": time.role,
            "resolved": time.resolved,
        }
        for time in claim.times
    ]
