"""Deleting an article with everything derived from it: its claims and their fact links and
conflicts, its copy links, its place among its versions and in its story.

It lives with matching, not with the plain writes of `factdb.store.writes`, because taking an
article out of its story and out of its chain of versions is matching's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from factdb.match.revisions import unlink
from factdb.match.stories import leave_story
from factdb.store import models
from factdb.store.lock import derive_lock
from factdb.store.writes import utcnow


@dataclass(frozen=True)
class DeletedArticle:
    """What `delete_article` removed."""

    article_id: int
    claims: int
    conflicts: int
    facts_removed: int


def delete_article(session: Session, article_id: int) -> DeletedArticle | None:
    """Delete an article with its claims, quantities, entity links, copy links, fact
    memberships and conflicts, and take it out of its story; None when there is no such
    article.

    A fact left without claims is removed; a fact whose representative claim goes takes its
    earliest remaining claim as the new one. Links of other claims to the deleted ones are
    cleared (their claims stay in their facts).
    """
    from sqlalchemy import delete, or_, update

    derive_lock(session)  # not while a concurrent ingest derives over this article
    article = session.get(models.Article, article_id)
    if article is None:
        return None
    claim_ids = list(
        session.execute(
            select(col(models.Claim.id)).where(col(models.Claim.article_id) == article_id)
        ).scalars()
    )
    conflicts = session.execute(
        select(func.count()).where(
            or_(
                col(models.Conflict.claim_a_id).in_(claim_ids),
                col(models.Conflict.claim_b_id).in_(claim_ids),
            )
        )
    ).scalar_one()
    session.execute(
        delete(models.Conflict).where(
            or_(
                col(models.Conflict.claim_a_id).in_(claim_ids),
                col(models.Conflict.claim_b_id).in_(claim_ids),
            )
        )
    )
    fact_ids = set(
        session.execute(
            select(col(models.FactClaim.fact_id)).where(
                col(models.FactClaim.claim_id).in_(claim_ids)
            )
        ).scalars()
    )
    session.execute(
        update(models.FactClaim)
        .where(col(models.FactClaim.matched_claim_id).in_(claim_ids))
        .values(matched_claim_id=None, score=None, reason=None)
    )
    session.execute(delete(models.FactClaim).where(col(models.FactClaim.claim_id).in_(claim_ids)))
    facts_removed = 0
    for fact_id in sorted(fact_ids):
        remaining = list(
            session.execute(
                select(col(models.Claim.id))
                .join(models.FactClaim, col(models.FactClaim.claim_id) == models.Claim.id)
                .join(models.Article, col(models.Article.id) == models.Claim.article_id)
                .where(col(models.FactClaim.fact_id) == fact_id)
                .order_by(
                    col(models.Article.published).is_(None),
                    col(models.Article.published),
                    col(models.Article.content_hash),
                    col(models.Claim.sentence_index),
                    col(models.Claim.id),
                )
            ).scalars()
        )
        fact = session.get(models.Fact, fact_id)
        if fact is None:
            continue
        if not remaining:
            session.delete(fact)
            facts_removed += 1
        elif fact.claim_id in claim_ids:
            first = session.get(models.Claim, remaining[0])
            assert first is not None
            fact.claim_id = remaining[0]
            fact.label = first.text
            fact.updated_at = utcnow()
            session.add(fact)
    session.flush()
    quantity_ids = select(col(models.Quantity.id)).where(
        col(models.Quantity.claim_id).in_(claim_ids)
    )
    session.execute(
        delete(models.ClaimEntity).where(col(models.ClaimEntity.claim_id).in_(claim_ids))
    )
    session.execute(delete(models.ClaimTime).where(col(models.ClaimTime.claim_id).in_(claim_ids)))
    session.execute(
        delete(models.Conflict).where(
            or_(
                col(models.Conflict.quantity_a_id).in_(quantity_ids),
                col(models.Conflict.quantity_b_id).in_(quantity_ids),
            )
        )
    )
    session.execute(delete(models.Quantity).where(col(models.Quantity.claim_id).in_(claim_ids)))
    session.execute(delete(models.Claim).where(col(models.Claim.article_id) == article_id))
    session.execute(
        delete(models.ArticleCopy).where(
            or_(
                col(models.ArticleCopy.original_id) == article_id,
                col(models.ArticleCopy.copy_id) == article_id,
            )
        )
    )
    session.execute(
        delete(models.ArticleShingle).where(col(models.ArticleShingle.article_id) == article_id)
    )
    unlink(session, article)  # the next version, if any, now revises the one before
    leave_story(session, article)
    session.execute(
        delete(models.ArticleEntity).where(col(models.ArticleEntity.article_id) == article_id)
    )
    session.execute(
        delete(models.OutOfOrder).where(col(models.OutOfOrder.article_id) == article_id)
    )
    session.delete(article)
    session.flush()
    return DeletedArticle(article_id, len(claim_ids), int(conflicts or 0), facts_removed)
