"""Re-deriving stories, facts and conflicts for the articles already stored.

Stories, slots and conflicts are derived at ingest; when the rules change (a new factdb, a
database made before stories existed, a new synonym file), `rematch` derives them again
from the stored claims, without re-running any NLP. It replays the articles in publication
order (undated last) through the same code ingest uses, in one transaction, so a failure
leaves the database as it was.

Reviewers' work survives: a conflict that is found again keeps its row, status and note (rows
are unique per claim pair and kind), and a dismissed or resolved conflict that is no longer
found is kept too; only open conflicts that the rules no longer find are removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from factdb.match.conflicts import record_conflicts
from factdb.match.matching import MatchResult, match_article
from factdb.match.revisions import current_links
from factdb.nlp.synonyms import Synonyms
from factdb.store import models
from factdb.store.lock import derive_lock


@dataclass(frozen=True)
class RematchReport:
    """What a rematch derived."""

    articles: int
    stories: int
    facts: int
    conflicts: int
    reviewed_kept: int

    def summary(self) -> str:
        return (
            f"{self.articles} article(s) rematched: {self.stories} stories, {self.facts} facts, "
            f"{self.conflicts} open conflicts ({self.reviewed_kept} reviewed conflicts kept)"
        )


def rematch(engine: Engine, synonyms: Synonyms) -> RematchReport:
    """Derive every story, fact and conflict again from the stored claims."""
    with Session(engine) as session, session.begin():
        derive_lock(session)  # no ingest worker derives while everything is derived again
        session.execute(update(models.Article).values(story_id=None))
        for table in (models.FactClaim, models.Fact, models.StoryEntity, models.Story):
            session.execute(delete(table))
        session.execute(delete(models.ArticleEntity))
        conflict = models.Conflict
        session.execute(delete(conflict).where(col(conflict.status) == "open"))
        articles = list(
            session.execute(
                select(col(models.Article.id)).order_by(
                    col(models.Article.published).is_(None),
                    col(models.Article.published),
                    col(models.Article.content_hash),
                )
            ).scalars()
        )
        for article_id in articles:
            record_conflicts(
                session, standing_links(session, match_article(session, article_id, synonyms))
            )

        def count(statement: Select[Any]) -> int:
            return int(session.execute(statement).scalar_one())

        return RematchReport(
            articles=len(articles),
            stories=count(select(func.count()).select_from(models.Story)),
            facts=count(select(func.count()).select_from(models.Fact)),
            conflicts=count(
                select(func.count()).select_from(conflict).where(col(conflict.status) == "open")
            ),
            reviewed_kept=count(
                select(func.count()).select_from(conflict).where(col(conflict.status) != "open")
            ),
        )


def standing_links(session: Session, result: MatchResult) -> MatchResult:
    """The links of one article's match that conflicts may be recorded from: those between two
    reports that are still of one fact once matching is done, and of no superseded version
    (`factdb.match.revisions.current_links`: superseded versions are matched into facts but
    compared with nothing).

    When a story's home moves, its reports move to their new slots one by one, each linked with
    the reports of its new fact found there; a report that moves out of that fact later in the
    same step is still there for the reports that moved in before it. Whether it had left
    depended on which was stored first, so such links go."""
    claim_ids = sorted({c.id for link in result.links for c in (link.a, link.b)})
    fact_of: dict[int, int] = {}
    member = models.FactClaim
    for start in range(0, len(claim_ids), 500):
        for claim_id, fact_id in session.execute(
            select(col(member.claim_id), col(member.fact_id)).where(
                col(member.claim_id).in_(claim_ids[start : start + 500])
            )
        ):
            fact_of[int(claim_id)] = int(fact_id)
    kept = [link for link in result.links if fact_of.get(link.a.id) == fact_of.get(link.b.id)]
    return current_links(session, replace(result, links=kept))
