"""Revisions: a new version of a stored article is linked to it, and only what changed is new.

Outlets update what they published: a correction line is added, a headline reworded, a toll
raised. Such a text is a new **version** of the stored article, not a new report: it is
stored (both versions are kept) and linked to the version it revises
(``article.revision_of_id``, ``article.version``) when, at ingest,

- it has the canonical URL of a stored article (a page fetched again after it changed), or
- it comes from the same source as a stored article (through the same distributor, or
  none) and is a near-copy of it: the copy detector (`factdb.match.copies`) scores it at least
  `REVISION_THRESHOLD` against that article. A syndicated copy is a copy, not a version.

Versions of one article form a chain ordered by stated publication date, then by arrival:
the new version goes after every version not dated later than it, so an older version that
arrives last takes its place in the chain instead of replacing the current one. Only the
last version of a chain is **current**; the others are **superseded**.

A superseded version takes no part in conflicts: links of its claims are dropped before the
conflict rules run (`current_links`), so a report repeated by two versions of one article is
one report, and the same disagreement is never listed twice. When a new version becomes
current (`take_over`), each claim of the previous version that it restates unchanged (same
words, polarity, hedging, speaker, event dates and numbers: `restated`) hands its conflicts
over: the conflict the new claim has with the same other claim and kind keeps the old row's
id, review status, note and creation time, so a dismissed or resolved conflict stays so and
the review queue does not grow. Open conflicts of the previous version that the new one does
not carry (its claim changed or went) are removed: the outlet withdrew that report, and what
still disagrees is recorded against the new version. Reviewed ones stay with the superseded
version, as the reviewer left them. The result is the same whatever order the versions and
the other reports arrive in.

Listings show current versions only unless asked for every version (``--all-versions``),
through the index on ``article.revision_of_id`` (`factdb.query.sql.SUPERSEDED_ARTICLES`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlmodel import Session, col

from factdb.store import models

if TYPE_CHECKING:  # the query commands import this module without the matching machinery
    from factdb.match.copies import CopyLink
    from factdb.match.matching import MatchResult

# Containment (`factdb.match.copies`) of a same-source near-copy that makes it a new version. An
# added correction line or a changed headline or figure scores 0.9 and more; an outlet's
# follow-up story that reuses background paragraphs stays well below.
REVISION_THRESHOLD = 0.8


@dataclass(frozen=True)
class Revision:
    """Where a new article went in its chain of versions."""

    article_id: int
    revision_of_id: int | None
    version: int
    current: bool  # the new article is the chain's last version
    previous_current: int | None  # the version that was current before it (None if still it)
    reason: str


def _chain(session: Session, article_id: int) -> list[models.Article]:
    """Every version of the article's chain, first version first."""
    article = models.Article
    first = session.get(article, article_id)
    assert first is not None
    while first.revision_of_id is not None:
        earlier = session.get(article, first.revision_of_id)
        assert earlier is not None
        first = earlier
    chain = [first]
    while True:
        later = session.execute(
            select(article).where(col(article.revision_of_id) == chain[-1].id)
        ).scalar_one_or_none()
        if later is None:
            return chain
        chain.append(later)


def _same_url(session: Session, new: models.Article) -> int | None:
    if not new.url:
        return None
    article = models.Article
    found = session.execute(
        select(col(article.id))
        .where(col(article.url) == new.url, col(article.id) != new.id)
        .order_by(col(article.id))
        .limit(1)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _near_copy(session: Session, new: models.Article, copies: Sequence[CopyLink]) -> int | None:
    if new.source_id is None:
        return None
    scores = {
        (link.original_id if link.copy_id == new.id else link.copy_id): link.score
        for link in copies
        if link.score >= REVISION_THRESHOLD
    }
    if not scores:
        return None
    article = models.Article
    # The same outlet through the same hands: a copy that came through a distributor is the
    # distributor's copy, not the outlet's new version (and the other way round).
    same_source = [
        int(i)
        for i, distributor in session.execute(
            select(col(article.id), col(article.distributor)).where(
                col(article.id).in_(scores), col(article.source_id) == new.source_id
            )
        )
        if distributor == new.distributor
    ]
    ranked = sorted(same_source, key=lambda i: (-scores[i], i))
    return int(ranked[0]) if ranked else None


def _after(version: models.Article, new: models.Article) -> bool:
    """Whether the new article comes after `version`: not dated earlier than it."""
    return version.published is None or new.published is None or version.published <= new.published


def link_revision(session: Session, article_id: int, copies: Sequence[CopyLink]) -> Revision | None:
    """Link a newly stored article into the chain of versions of the stored article it is a
    new version of (see the module docstring); None when it is no version of any.

    Runs inside the caller's per-article transaction, after `factdb.match.copies.detect_copies`
    (whose links of this article are `copies`) and before matching.
    """
    new = session.get(models.Article, article_id)
    if new is None:
        raise LookupError(f"article {article_id} does not exist")
    by_url = _same_url(session, new)
    found = by_url if by_url is not None else _near_copy(session, new, copies)
    if found is None:
        return None
    reason = "the same URL" if by_url is not None else "a near-copy from the same source"
    chain = _chain(session, found)
    place = len(chain)
    while place > 0 and not _after(chain[place - 1], new):
        place -= 1
    previous = chain[place - 1] if place else None
    following = chain[place] if place < len(chain) else None
    new.revision_of_id = previous.id if previous is not None else None
    session.add(new)
    session.flush()
    if following is not None:
        following.revision_of_id = new.id
        session.add(following)
    ordered = [*chain[:place], new, *chain[place:]]
    for number, version in enumerate(ordered, start=1):
        if version.version != number:
            version.version = number
            session.add(version)
    session.flush()
    return Revision(
        article_id=article_id,
        revision_of_id=new.revision_of_id,
        version=new.version,
        current=following is None,
        previous_current=chain[-1].id if following is None else None,
        reason=reason,
    )


def current_links(session: Session, result: MatchResult) -> MatchResult:
    """The match result without the links that touch a superseded version."""
    superseded = superseded_among(
        session, {c.article_id for link in result.links for c in (link.a, link.b)}
    )
    if not superseded:
        return result
    kept = [
        link
        for link in result.links
        if link.a.article_id not in superseded and link.b.article_id not in superseded
    ]
    return replace(result, links=kept)


Signature = tuple[Any, ...]


def _signatures(session: Session, article_id: int) -> list[tuple[int, Signature]]:
    """Each claim of an article (in text order) with what must stay the same for a later
    version's claim to restate it unchanged."""
    claim, quantity = models.Claim, models.Quantity
    claims = list(
        session.execute(
            select(claim)
            .where(col(claim.article_id) == article_id)
            .order_by(col(claim.is_headline).desc(), col(claim.start), col(claim.id))
        ).scalars()
    )
    numbers: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for q in session.execute(
        select(quantity)
        .where(col(quantity.claim_id).in_([c.id for c in claims]))
        .order_by(col(quantity.start))
    ).scalars():
        numbers[q.claim_id].append(
            (q.raw, q.low, q.high, q.qualifier, q.unit, q.counted_key, q.predicate_key)
        )
    return [
        (
            int(c.id or 0),
            (
                c.is_headline,
                " ".join(c.text.split()),
                c.polarity,
                c.hedged,
                c.speaker,
                c.event_date_start,
                c.event_date_end,
                tuple(numbers[int(c.id or 0)]),
            ),
        )
        for c in claims
    ]


def restated(session: Session, previous_id: int, current_id: int) -> dict[int, int]:
    """Claims of the previous version (id → id) that the current version restates unchanged,
    paired in text order when a sentence repeats."""
    waiting: dict[Signature, list[int]] = defaultdict(list)
    for claim_id, signature in _signatures(session, previous_id):
        waiting[signature].append(claim_id)
    pairs: dict[int, int] = {}
    for claim_id, signature in _signatures(session, current_id):
        if waiting[signature]:
            pairs[waiting[signature].pop(0)] = claim_id
    return pairs


def take_over(session: Session, previous_id: int, current_id: int) -> int:
    """Hand the previous version's conflicts over to the new current version (see the module
    docstring); returns how many conflicts it carried, which are therefore not new."""
    from factdb.store.writes import table_of, utcnow

    pairs = restated(session, previous_id, current_id)
    conflict = models.Conflict
    old_claims = select(col(models.Claim.id)).where(col(models.Claim.article_id) == previous_id)
    rows = list(
        session.execute(
            select(conflict)
            .where(
                or_(
                    col(conflict.claim_a_id).in_(old_claims),
                    col(conflict.claim_b_id).in_(old_claims),
                )
            )
            .order_by(col(conflict.id))
        ).scalars()
    )
    old_ids = set(session.execute(old_claims).scalars())
    new_claims = select(col(models.Claim.id)).where(col(models.Claim.article_id) == current_id)
    found_by_pair = {
        (found.kind, frozenset((found.claim_a_id, found.claim_b_id))): found
        for found in session.execute(
            select(conflict).where(
                or_(
                    col(conflict.claim_a_id).in_(new_claims),
                    col(conflict.claim_b_id).in_(new_claims),
                )
            )
        ).scalars()
    }
    gone: list[int] = []
    carried: list[dict[str, Any]] = []
    for row in rows:
        old, other = (
            (row.claim_a_id, row.claim_b_id)
            if row.claim_a_id in old_ids
            else (row.claim_b_id, row.claim_a_id)
        )
        new_claim = pairs.get(old)
        found = found_by_pair.get((row.kind, frozenset((new_claim, other)))) if new_claim else None
        if found is not None:
            assert found.id is not None
            gone.append(found.id)
            carried.append(
                {
                    "row_id": row.id,
                    "claim_a_id": found.claim_a_id,
                    "claim_b_id": found.claim_b_id,
                    "quantity_a_id": found.quantity_a_id,
                    "quantity_b_id": found.quantity_b_id,
                    "rule": found.rule,
                    "detail": found.detail,
                    "confidence": found.confidence,
                    "updated_at": utcnow(),
                }
            )
        elif row.status == "open":
            assert row.id is not None
            gone.append(row.id)
    # The new version's duplicates go first: the carried rows take over their claim pairs.
    for start in range(0, len(gone), 500):
        session.execute(delete(conflict).where(col(conflict.id).in_(gone[start : start + 500])))
    if carried:
        session.execute(
            # One executemany: the SET clause is the columns of the rows' other keys.
            update(table_of(conflict)).where(table_of(conflict).c.id == bindparam("row_id")),
            carried,
        )
    session.flush()
    session.expire_all()
    return len(carried)


def versions(session: Session, article_id: int) -> list[dict[str, Any]]:
    """Every version of an article's chain, first first: id, version, published, title,
    content hash, whether current (an article that was never revised has one)."""
    chain = _chain(session, article_id)
    return [
        {
            "id": v.id,
            "version": v.version,
            "published": v.published.isoformat() if isinstance(v.published, date) else None,
            "title": v.title,
            "content_hash": v.content_hash,
            "ingested_at": v.ingested_at.isoformat(),
            "current": v is chain[-1],
        }
        for v in chain
    ]


def unlink(session: Session, article: models.Article) -> None:
    """Take an article being deleted out of its chain: the version after it revises the one
    before it, and the versions are numbered again."""
    chain = _chain(session, int(article.id or 0))
    rest = [v for v in chain if v.id != article.id]
    session.execute(
        update(models.Article)
        .where(col(models.Article.revision_of_id) == article.id)
        .values(revision_of_id=article.revision_of_id)
    )
    article.revision_of_id = None
    session.add(article)
    session.flush()
    for number, version in enumerate(rest, start=1):
        session.refresh(version)
        if version.version != number:
            version.version = number
            session.add(version)
    session.flush()


def superseded_among(session: Session, article_ids: Iterable[int]) -> set[int]:
    """Which of these articles are superseded."""
    ids = list(set(article_ids))
    if not ids:
        return set()
    article = models.Article
    return {
        int(i)
        for i in session.execute(
            select(col(article.revision_of_id)).where(col(article.revision_of_id).in_(ids))
        ).scalars()
    }
