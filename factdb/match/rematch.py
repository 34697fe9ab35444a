"""Re-deriving stories, facts and conflicts for the articles already stored.

Stories, slots and conflicts are derived at ingest; when the rules change (a new factdb, a
database made before stories existed, a new synonym file), `rematch` derives them again
from the stored claims, without re-running any NLP. It replays the articles in publication
order (stated date, undated last, then content hash) through the same code ingest uses, in
one transaction, so a failure leaves the database as it was.

What is derived is a function of the set of stored articles, never of the order they arrived
in: the same articles stored by one ingest, by several ``--concurrent`` workers or in reverse
give the same stories, facts and conflicts. A story whose articles were each derived after
every article of it that precedes them in publication order is what such a replay gives (one
derived in parallel with another and merged with it later is too: a merge keeps the earliest
report as each fact's head). So ingest notes only an article derived after a later one of
its story (`note_order`, in ``out_of_order``), and before its run ends derives each noted
story again by a replay of its articles (`rederive_out_of_order`).

Reviewers' work survives: a conflict that is found again keeps its row, id, status and note
(rows are unique per claim pair and kind), and a dismissed or resolved conflict that is no
longer found is kept too; only open conflicts that the rules no longer find are removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from factdb.match.conflicts import record_conflicts
from factdb.match.matching import MatchResult, match_article
from factdb.match.revisions import current_links
from factdb.nlp.synonyms import Synonyms
from factdb.store import models
from factdb.store.lock import derive_lock

ConflictKey = tuple[int, int, str]


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


@dataclass(frozen=True)
class RederiveReport:
    """What deriving the stories of the articles noted out of order changed."""

    stories: int = 0
    conflicts_added: int = 0  # open conflicts the replays found that were not there before
    conflicts_dropped: int = 0  # of those recorded since the time given, the ones not found again


def _publication_order() -> tuple[ColumnElement[Any], ...]:
    """``ORDER BY`` of articles in publication order: stated date (undated last), then
    content hash, so that two articles of one day have an order that is not their arrival."""
    article = models.Article
    return (
        col(article.published).is_(None),
        col(article.published).asc(),
        col(article.content_hash).asc(),
    )


def rematch(engine: Engine, synonyms: Synonyms) -> RematchReport:
    """Derive every story, fact and conflict again from the stored claims."""
    with Session(engine) as session, session.begin():
        derive_lock(session)  # no ingest worker derives while everything is derived again
        conflict = models.Conflict
        before = _open_conflicts(session, None)
        session.execute(update(models.Article).values(story_id=None))
        for table in (
            models.FactClaim,
            models.SlotAlias,
            models.Fact,
            models.StoryEntity,
            models.Story,
        ):
            session.execute(delete(table))
        session.execute(delete(models.ArticleEntity))
        session.execute(delete(models.OutOfOrder))
        session.execute(delete(conflict).where(col(conflict.status) == "open"))
        articles = list(
            session.execute(select(col(models.Article.id)).order_by(*_publication_order()))
            .scalars()
            .all()
        )
        _replay(session, articles, synonyms)
        _keep_identities(session, before, _open_conflicts(session, None))

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


def note_order(session: Session, article_id: int) -> None:
    """Note a just derived article in ``out_of_order`` when its story holds an article that
    comes after it in publication order.

    Runs in the article's own transaction, after matching: one read of the story's index
    (``ix_article_story_published``), for the first later article only."""
    article = session.get(models.Article, article_id)
    if article is None or article.story_id is None:
        return
    other = models.Article
    undated = col(other.published).is_(None)
    if article.published is None:
        later = and_(undated, col(other.content_hash) > article.content_hash)
    else:
        later = or_(
            undated,
            col(other.published) > article.published,
            and_(
                col(other.published) == article.published,
                col(other.content_hash) > article.content_hash,
            ),
        )
    found = session.execute(
        select(col(other.id))
        .where(col(other.story_id) == article.story_id, col(other.id) != article_id, later)
        .limit(1)
    ).first()
    if found is not None:
        session.add(models.OutOfOrder(article_id=article_id))
        session.flush()


def rederive_out_of_order(engine: Engine, synonyms: Synonyms, since: datetime) -> RederiveReport:
    """Derive each story that holds an article noted out of order again, in publication
    order, one story per transaction (each under the derive lock, so that `--concurrent`
    workers derive between two stories, never during one); the notes of its articles go.
    Open conflicts dropped are counted only when recorded at `since` or later (by this run)."""
    stories = added = dropped = 0
    while True:
        with Session(engine) as session, session.begin():
            derive_lock(session)
            noted = session.execute(
                select(col(models.OutOfOrder.article_id))
                .order_by(col(models.OutOfOrder.article_id))
                .limit(1)
            ).scalar_one_or_none()
            if noted is None:
                break
            article = session.get(models.Article, noted)
            assert article is not None  # deleting an article deletes its note
            found, lost = _rederive_story(session, article, synonyms, since)
        stories += 1
        added += found
        dropped += lost
    return RederiveReport(stories, added, dropped)


def _rederive_story(
    session: Session, article: models.Article, synonyms: Synonyms, since: datetime
) -> tuple[int, int]:
    """Forget what was derived for the story of `article` (its story row, profile, facts and
    open conflicts, and its articles' name index; the articles and claims stay) and replay its
    articles in publication order. Returns (open conflicts not there before, open conflicts
    recorded at `since` or later not found again)."""
    story_id = article.story_id
    article_table = models.Article
    in_story = (
        col(article_table.story_id) == story_id
        if story_id is not None
        else col(article_table.id) == article.id
    )
    members = list(
        session.execute(
            select(col(article_table.id)).where(in_story).order_by(*_publication_order())
        )
        .scalars()
        .all()
    )
    before = _open_conflicts(session, members)
    conflict = models.Conflict
    ids = sorted(row.id for row in before.values())
    for start in range(0, len(ids), 500):
        session.execute(delete(conflict).where(col(conflict.id).in_(ids[start : start + 500])))
    if story_id is not None:
        facts = select(col(models.Fact.id)).where(col(models.Fact.story_id) == story_id)
        session.execute(delete(models.FactClaim).where(col(models.FactClaim.fact_id).in_(facts)))
        session.execute(delete(models.Fact).where(col(models.Fact.story_id) == story_id))
        session.execute(
            delete(models.StoryEntity).where(col(models.StoryEntity.story_id) == story_id)
        )
        session.execute(update(article_table).where(in_story).values(story_id=None))
        session.execute(delete(models.Story).where(col(models.Story.id) == story_id))
    for start in range(0, len(members), 500):
        chunk = members[start : start + 500]
        session.execute(
            delete(models.ArticleEntity).where(col(models.ArticleEntity.article_id).in_(chunk))
        )
        session.execute(
            delete(models.OutOfOrder).where(col(models.OutOfOrder.article_id).in_(chunk))
        )
    session.expire_all()  # the session's copies of the articles still name their old story
    _replay(session, members, synonyms)
    after = _open_conflicts(session, members)
    _keep_identities(session, before, after)
    lost = [key for key in before if key not in after and before[key].created_at >= since]
    return len(after.keys() - before.keys()), len(lost)


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


def _replay(session: Session, article_ids: Iterable[int], synonyms: Synonyms) -> None:
    """Match each article (already taken out of every story) as ingest does, in this order."""
    for article_id in article_ids:
        record_conflicts(
            session, standing_links(session, match_article(session, article_id, synonyms))
        )


@dataclass(frozen=True)
class _Recorded:
    """What an open conflict keeps when it is found again."""

    id: int
    created_at: datetime
    note: str | None


def _open_conflicts(
    session: Session, article_ids: Sequence[int] | None
) -> dict[ConflictKey, _Recorded]:
    """The open conflicts of the claims of these articles (of every article when None), by
    claim pair and kind."""
    conflict, claim = models.Conflict, models.Claim
    columns = (
        col(conflict.claim_a_id),
        col(conflict.claim_b_id),
        col(conflict.kind),
        col(conflict.id),
        col(conflict.created_at),
        col(conflict.note),
    )
    is_open = col(conflict.status) == "open"
    if article_ids is None:
        wheres = [is_open]
    else:
        wheres = []
        for start in range(0, len(article_ids), 500):
            claims = select(col(claim.id)).where(
                col(claim.article_id).in_(article_ids[start : start + 500])
            )
            wheres.append(
                is_open
                & or_(col(conflict.claim_a_id).in_(claims), col(conflict.claim_b_id).in_(claims))
            )
    return {
        (int(a), int(b), str(kind)): _Recorded(int(i), created, note)
        for where in wheres
        for a, b, kind, i, created, note in session.execute(select(*columns).where(where))
    }


def _keep_identities(
    session: Session,
    before: Mapping[ConflictKey, _Recorded],
    after: Mapping[ConflictKey, _Recorded],
) -> None:
    """Give each open conflict found again (in `after`) the id, creation time and note it had
    (in `before`: rows deleted since), so that a reviewer's listing and ``conflicts --new``
    stay right; the rest of the row is what the rules say now.

    The rows are written again rather than renumbered in place: SQLite hands out the highest
    id plus one, so a row the replay added may hold the old id of another."""
    wanted = {after[key].id: before[key] for key in after.keys() & before.keys()}
    old_ids = {old.id for old in wanted.values()}
    moving = sorted(
        new
        for new, old in ((row.id, wanted.get(row.id)) for row in after.values())
        if (old is not None and old.id != new) or (old is None and new in old_ids)
    )
    if not moving:
        return
    conflict = models.Conflict
    rows: list[models.Conflict] = []
    for start in range(0, len(moving), 500):
        chunk = moving[start : start + 500]
        rows += session.execute(select(conflict).where(col(conflict.id).in_(chunk))).scalars()
    columns = [column.key for column in conflict.__table__.columns]  # type: ignore[attr-defined]
    copies = []
    for row in rows:
        fields = {name: getattr(row, name) for name in columns}
        old = wanted.get(fields["id"])
        if old is None:
            del fields["id"]
        else:
            fields.update(id=old.id, created_at=old.created_at, note=old.note)
        copies.append(conflict(**fields))
        session.delete(row)
    session.flush()
    session.add_all(copies)
    session.flush()
