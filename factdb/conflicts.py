"""Flagging claims of different sources that cannot both be true.

A number conflict: two quantities that count the same thing (same canonical counted noun,
predicate and unit, see `factdb.synonyms`) from articles of different sources that are about
the same story (they mention at least one named entity in common) and whose intervals do not
overlap. "dozens killed" and "at least 26 killed" overlap, so they agree; "26 killed"
and "164 killed" do not. Candidates are found through the indexed matching keys of the new
article's quantities only, so detection cost does not grow with the whole database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from factdb import models
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as QuantityValue
from factdb.store import insert_ignoring_duplicates, utcnow

NUMBER_RULE = (
    "number: same counted thing and predicate, articles sharing an entity, disjoint intervals, "
    "different sources"
)


def interval_text(quantity: models.Quantity) -> str:
    """An interval in mathematical notation: ``[26, 26]``, ``(3800, ∞)``, ``[0, 100)``."""
    low = "-∞" if quantity.low is None else f"{quantity.low:g}"
    high = "∞" if quantity.high is None else f"{quantity.high:g}"
    left = "[" if quantity.low is not None and quantity.low_inclusive else "("
    right = "]" if quantity.high is not None and quantity.high_inclusive else ")"
    return f"{left}{low}, {high}{right}"


def _as_value(quantity: models.Quantity) -> QuantityValue:
    return QuantityValue(
        raw=quantity.raw,
        value=quantity.value,
        low=quantity.low,
        high=quantity.high,
        qualifier=Qualifier(quantity.qualifier),
        low_inclusive=quantity.low_inclusive,
        high_inclusive=quantity.high_inclusive,
    )


def intervals_overlap(a: models.Quantity, b: models.Quantity) -> bool:
    """True when the two stored quantities can describe the same true value."""
    return _as_value(a).overlaps(_as_value(b))


def _share_an_entity(article_a: Any, article_b: Any) -> Any:
    """SQL condition: some entity is mentioned by claims of both articles.

    Without it, "dozens killed" in a story about Kazakhstan would conflict with "164 killed"
    in a story about an earthquake elsewhere.
    """
    claim_a, claim_b = aliased(models.Claim), aliased(models.Claim)
    link_a, link_b = aliased(models.ClaimEntity), aliased(models.ClaimEntity)
    return exists().where(
        col(claim_a.article_id) == article_a,
        col(link_a.claim_id) == claim_a.id,
        col(link_b.entity_id) == link_a.entity_id,
        col(claim_b.id) == link_b.claim_id,
        col(claim_b.article_id) == article_b,
    )


@dataclass(frozen=True)
class _Candidate:
    new: models.Quantity
    old: models.Quantity
    new_claim_id: int
    old_claim_id: int


def detect_conflicts_for_article(session: Session, article_id: int) -> int:
    """Record number conflicts between `article_id` and earlier articles; return how many are new.

    Runs inside the caller's per-article transaction. A pair already recorded (for example a
    dismissed one) is left as it is, so reviewers' decisions survive later ingests.
    """
    new_claim = aliased(models.Claim)
    old_claim = aliased(models.Claim)
    new_article = aliased(models.Article)
    old_article = aliased(models.Article)
    new_q = aliased(models.Quantity)
    old_q = aliased(models.Quantity)
    rows = session.execute(
        select(new_q, old_q, new_claim.id, old_claim.id)
        .join(new_claim, col(new_claim.id) == new_q.claim_id)
        .join(new_article, col(new_article.id) == new_claim.article_id)
        .join(
            old_q,
            and_(
                col(old_q.counted_key) == new_q.counted_key,
                col(old_q.predicate_key) == new_q.predicate_key,
                col(old_q.unit).is_not_distinct_from(new_q.unit),
                col(old_q.id) != new_q.id,
            ),
        )
        .join(old_claim, col(old_claim.id) == old_q.claim_id)
        .join(old_article, col(old_article.id) == old_claim.article_id)
        .where(
            col(new_claim.article_id) == article_id,
            col(old_claim.article_id) != article_id,
            col(new_q.counted_key).is_not(None),
            col(new_q.predicate_key).is_not(None),
            col(new_article.source_id).is_distinct_from(old_article.source_id),
            _share_an_entity(col(new_article.id), col(old_article.id)),
        )
    ).all()
    candidates: dict[tuple[int, int], _Candidate] = {}
    for new, old, new_id, old_id in rows:
        if not intervals_overlap(new, old):
            pair = (int(old_id), int(new_id))
            candidates.setdefault(pair, _Candidate(new, old, int(new_id), int(old_id)))
    now = utcnow()
    conflict_rows = [
        {
            "claim_a_id": c.old_claim_id,
            "claim_b_id": c.new_claim_id,
            "quantity_a_id": c.old.id,
            "quantity_b_id": c.new.id,
            "kind": "number",
            "rule": NUMBER_RULE,
            "detail": (
                f"{c.old.raw!r} {interval_text(c.old)} vs {c.new.raw!r} {interval_text(c.new)}: "
                f"both count {c.new.counted_key!r} with predicate {c.new.predicate_key!r}"
                + (f" in {c.new.unit}" if c.new.unit else "")
                + "; the intervals do not overlap"
            ),
            "confidence": 0.8,
            "status": "open",
            "created_at": now,
            "updated_at": now,
        }
        for c in candidates.values()
    ]
    return insert_ignoring_duplicates(
        session, models.Conflict, conflict_rows, ["claim_a_id", "claim_b_id", "kind"]
    )


def set_conflict_status(session: Session, conflict_id: int, status: str, note: str) -> bool:
    """Record a reviewer's decision on a conflict; False when there is no such conflict."""
    conflict = session.get(models.Conflict, conflict_id)
    if conflict is None:
        return False
    conflict.status = status
    conflict.note = note
    conflict.updated_at = utcnow()
    session.add(conflict)
    return True
