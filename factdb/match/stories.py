"""Stories: the coverage of one real-world event, from the first report to the follow-ups.

Every article belongs to one story, and claims are compared only within a story, so a figure
of one event can never be flagged against a figure of another.

Two articles are about the same story when the names they are *about* (their salient
entities: named in the headline or in two sentences or more, `SALIENT_PER_ARTICLE` at most)
and their subject overlap enough (`similarity`, `linked`). Names are compared word by word
("EgyptAir Flight 990" and "EgyptAir" share "egyptair"), a place as one word:

- each shared word counts its weight in the article where it is least central: its name's
  mentions over those of the article's most named name, times `SPECIFIC_WEIGHT` for the name
  of a person, organisation, facility, event or product and `PLACE_WEIGHT` for a place or a
  people (places are shared by more unrelated stories); a name named in passing counts little;
- the cosine of their content words (`topic_vector`), times `TOPIC_WEIGHT`, adds to it: the
  same names *and* the same subject;
- the sum must reach `LINK_WEIGHT` for dated articles at most `NEAR_DAYS` apart, and
  `FAR_LINK_WEIGHT` otherwise: time is a soft signal, a follow-up months later needs more in
  common, never a hard cut;
- two articles about different places (each is about a place, none is the other's, and
  neither names the other's places even in passing: `apart`) need that much from the other
  names alone, each name counted once (`names_shared`): two earthquakes a fortnight apart
  share the Red Cross and every word of a quake report, and are still two stories, while a
  report about Terrigal Beach that also names Australia joins one about Australia.

Stories are the connected groups of this relation, so they come out the same whatever order
the articles arrive in; an article that links two stories merges them into the one with more
articles (their facts with the same slot merge too, see `factdb.match.matching`), so that a merge
costs what the smaller stories hold, never what a long-running story has gathered. A new
article is compared only with the `NEAREST_PER_KEY` articles nearest in time that are about
each of its salient names, read from an index range: the cost does not grow with the archive.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlmodel import Session, col

from factdb.nlp.stop_words import stop_words
from factdb.store import models
from factdb.store.writes import nearest_in_time, utcnow

SALIENT_PER_ARTICLE = 12
MIN_SALIENT = 4
SPECIFIC_WEIGHT = 1.0
PLACE_WEIGHT = 0.7
LINK_WEIGHT = 1.1
FAR_LINK_WEIGHT = 1.6
NEAR_DAYS = 60
TOPIC_WEIGHT = 2.0
NEAREST_PER_KEY = 25
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})


@dataclass(frozen=True)
class Profile:
    """An article as story linking sees it: its salient names with their weights."""

    article_id: int
    published: date | None
    weights: Mapping[str, float]
    topic: Mapping[str, float] = field(default_factory=dict)
    places: frozenset[str] = frozenset()  # its salient places and peoples
    names: tuple[tuple[str, ...], ...] = ()  # the words of each of its other salient names
    mentioned: frozenset[str] = frozenset()  # every name it gives, salient or not


def name_weight(label: str | None, place: bool) -> float:
    """`PLACE_WEIGHT` for places and peoples, `SPECIFIC_WEIGHT` for any other name."""
    return PLACE_WEIGHT if place or label in PLACE_LABELS else SPECIFIC_WEIGHT


def choose_salient(mentions: Mapping[str, tuple[int, bool]], places: Set[str]) -> set[str]:
    """The names an article is about, from each name's (sentences naming it, in headline).

    A brief that names fewer than `MIN_SALIENT` names twice or in its headline ("One of the
    black boxes of EgyptAir Flight 990 has been recovered …") is also about the names of
    people, organisations and things it gives once; they weigh little (`_profiles` weighs a
    name by its mentions). Not the places it names once: which places a story is about
    (`home_places`) counts the articles about each."""
    ranked = sorted((not headline, -count, key) for key, (count, headline) in mentions.items())
    about = [key for later, fewer, key in ranked if not later or fewer <= -2]
    if len(about) < MIN_SALIENT:
        about += [key for _, _, key in ranked if key not in about and key not in places]
    return set(about[:SALIENT_PER_ARTICLE])


def similarity(a: Profile, b: Profile) -> float:
    """How surely two articles cover one story: the names both are about, each counted by how
    central it is to the article that names it least, plus their shared topic words."""
    shared = sum(min(a.weights[k], b.weights[k]) for k in a.weights.keys() & b.weights.keys())
    topic = sum(a.topic[w] * b.topic[w] for w in a.topic.keys() & b.topic.keys())
    return shared + TOPIC_WEIGHT * topic


def names_shared(a: Profile, b: Profile) -> float:
    """The names other than places that both are about, each counted once (by its most
    central shared word) however many words it has: "Red Cross" is one name, not two."""

    def one_way(x: Profile, y: Profile) -> float:
        return sum(
            max((min(x.weights[w], y.weights[w]) for w in words if w in y.weights), default=0.0)
            for words in x.names
        )

    return min(one_way(a, b), one_way(b, a))


def linked(a: Profile, b: Profile) -> bool:
    """Whether two articles are about the same story (rules in the module docstring)."""
    near = (
        a.published is not None
        and b.published is not None
        and abs((a.published - b.published).days) <= NEAR_DAYS
    )
    needed = LINK_WEIGHT if near else FAR_LINK_WEIGHT
    if apart(a, b):
        # About different places: the same organisations ("the Red Cross", "the U.S.
        # Geological Survey") and the words of the same kind of event (a quake's dead and
        # injured) are common to many stories; only names shared in their own right link.
        return names_shared(a, b) >= needed
    return similarity(a, b) >= needed


def apart(a: Profile, b: Profile) -> bool:
    """Whether two articles are about different places: each is about a place, and neither
    names a place the other is about, even in passing. "A barge caught fire at Terrigal Beach
    in Australia" is about Australia in one report and about Terrigal in another: both name
    both, and no gazetteer is needed to see that they are not two places apart."""
    if not a.places or not b.places or a.places & b.places:
        return False
    return not (a.places & b.mentioned or b.places & a.mentioned)


@lru_cache(maxsize=4096)
def topic_vector(text: str, stop: frozenset[str]) -> Mapping[str, float]:
    """An article's content words (four letters or more) as a unit vector of square-rooted
    counts: the cosine of two such vectors says how much they talk about the same things.

    Cached by text: a stored article is a candidate partner of many later ones."""
    counts = Counter(w for w in re.findall(r"[a-z][a-z\-]{3,}", text.lower()) if w not in stop)
    weights = {w: math.sqrt(n) for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def name_words(key: str, label: str | None, place: bool) -> dict[str, float]:
    """The words a salient name contributes to an article's profile, with their weights."""
    weight = name_weight(label, place)
    if weight == PLACE_WEIGHT:
        return {key: weight}
    words = [w for w in re.findall(r"[^\W_]+", key) if len(w) > 2 or w.isdigit()]
    return dict.fromkeys(words or [key], weight)


def _profiles(
    session: Session, article_ids: Iterable[int], with_topics: bool = False
) -> dict[int, Profile]:
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    topics: dict[int, Mapping[str, float]] = {}
    if with_topics:
        stop = stop_words()
        for article_id, text in session.execute(
            select(col(models.Article.id), col(models.Article.text)).where(
                col(models.Article.id).in_(ids)
            )
        ):
            topics[int(article_id)] = topic_vector(text, stop)
    entity = models.ArticleEntity
    weights: dict[int, dict[str, float]] = defaultdict(dict)
    places: dict[int, set[str]] = defaultdict(set)
    names: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    most: dict[int, int] = {}
    published: dict[int, date | None] = {}
    mentioned: dict[int, set[str]] = defaultdict(set)
    for article_id, key in session.execute(
        select(col(entity.article_id), col(entity.key)).where(col(entity.article_id).in_(ids))
    ):
        mentioned[article_id].add(key)
    for article_id, key, label, place, day, mentions in session.execute(
        select(
            col(entity.article_id),
            col(entity.key),
            col(entity.label),
            col(entity.place),
            col(entity.published),
            col(entity.mentions),
        )
        .where(col(entity.article_id).in_(ids), col(entity.salient))
        .order_by(col(entity.article_id), col(entity.mentions).desc(), col(entity.key))
    ):
        top = most.setdefault(article_id, max(1, mentions))
        centrality = min(1.0, max(1, mentions) / top)
        words = name_words(key, label, place)
        for word, weight in words.items():
            value = weight * centrality
            weights[article_id][word] = max(value, weights[article_id].get(word, 0.0))
        if name_weight(label, place) == PLACE_WEIGHT:
            places[article_id].add(key)
        else:
            names[article_id].append(tuple(words))
        published[article_id] = day
    return {
        i: Profile(
            i,
            published.get(i),
            weights[i],
            topics.get(i, {}),
            frozenset(places[i]),
            tuple(names[i]),
            frozenset(mentioned[i]),
        )
        for i in ids
    }


def _salient_keys(session: Session, article_id: int) -> set[str]:
    entity = models.ArticleEntity
    return set(
        session.execute(
            select(col(entity.key)).where(col(entity.article_id) == article_id, col(entity.salient))
        ).scalars()
    )


@lru_cache(maxsize=1)
def _nearest_about_statements() -> dict[str, Select[Any]]:
    """The reads of `_nearest_about` (`factdb.store.writes.nearest_in_time`)."""
    entity = models.ArticleEntity
    base = select(col(entity.article_id)).where(
        col(entity.key) == bindparam("key"),
        col(entity.salient),
        col(entity.article_id) != bindparam("article"),
    )
    return nearest_in_time(
        base, col(entity.published), col(entity.article_id), NEAREST_PER_KEY, NEAREST_PER_KEY
    )


def _nearest_about(session: Session, key: str, article_id: int, day: date | None) -> set[int]:
    """The articles nearest in time to `day` whose salient names include `key` (the latest
    ones for an undated article), and as many undated ones."""
    statements = _nearest_about_statements()
    reads = ("before", "after", "undated") if day is not None else ("undated", "latest")
    where = {"key": key, "article": article_id, "day": day}
    found: set[int] = set()
    for read in reads:
        found.update(session.execute(statements[read], where).scalars())
    return found


@dataclass(frozen=True)
class StoryAssignment:
    """Where a new article went: its story, and the stories merged into it (absorbed)."""

    story_id: int
    absorbed: tuple[int, ...]


def assign_story(session: Session, article: models.Article) -> StoryAssignment:
    """Put a newly stored article (its ``article_entity`` rows written) into its story.

    Stories it merged are `absorbed`: their articles and profiles move over now, their facts
    are the caller's to move (`factdb.match.matching`) before `drop_stories` deletes them.
    """
    assert article.id is not None
    own = _profiles(session, [article.id], with_topics=True)[article.id]
    candidates: set[int] = set()
    for key in sorted(_salient_keys(session, article.id)):
        candidates |= _nearest_about(session, key, article.id, article.published)
    profiles = _profiles(session, candidates, with_topics=True)
    partners = [i for i in sorted(profiles) if linked(own, profiles[i])]
    stories: set[int] = set()
    if partners:
        stories = {
            int(s)
            for s in session.execute(
                select(col(models.Article.story_id)).where(
                    col(models.Article.id).in_(partners), col(models.Article.story_id).is_not(None)
                )
            ).scalars()
        }
    now = utcnow()
    if stories:
        story_id = _largest(session, stories)
        absorbed = tuple(sorted(stories - {story_id}))
    else:
        story = models.Story(label=_label(article), created_at=now, updated_at=now)
        session.add(story)
        session.flush()
        assert story.id is not None
        story_id, absorbed = story.id, ()
    article.story_id = story_id
    session.add(article)
    if absorbed:
        session.execute(
            update(models.Article)
            .where(col(models.Article.story_id).in_(absorbed))
            .values(story_id=story_id)
        )
    session.flush()
    _refresh_story(session, story_id, absorbed, [article.id])
    return StoryAssignment(story_id, absorbed)


def _largest(session: Session, stories: set[int]) -> int:
    """The story with the most articles (the oldest of those tied): the one the others merge
    into, so that a merge moves the facts of the smaller stories, never those of a long-running
    one, and the long-running story keeps its id."""
    sizes = dict(
        session.execute(
            select(col(models.Article.story_id), func.count())
            .where(col(models.Article.story_id).in_(sorted(stories)))
            .group_by(col(models.Article.story_id))
        ).all()
    )
    return min(stories, key=lambda s: (-sizes.get(s, 0), s))


def _label(article: models.Article) -> str:
    if article.title:
        return " ".join(article.title.split())[:200]
    first = " ".join(article.text.split())
    return first[:120] + ("…" if len(first) > 120 else "")


def _refresh_story(
    session: Session, story_id: int, absorbed: tuple[int, ...], new_articles: list[int]
) -> None:
    """Bring a story's dates, label and entity profile up to date after articles joined."""
    article = models.Article
    profile = models.StoryEntity
    if absorbed:
        # The absorbed stories' names add to the story's profile (read for their names only:
        # the story may be a long-running one with thousands).
        incoming: dict[str, tuple[bool, int]] = {}
        for key, place, count in session.execute(
            select(col(profile.key), col(profile.place), col(profile.articles)).where(
                col(profile.story_id).in_(absorbed)
            )
        ):
            was_place, was = incoming.get(key, (False, 0))
            incoming[key] = (was_place or bool(place), was + int(count))
        session.execute(delete(profile).where(col(profile.story_id).in_(absorbed)))
        _add_to_profile(session, story_id, incoming)
    joining: dict[str, tuple[bool, int]] = {}
    for key, place in session.execute(
        select(col(models.ArticleEntity.key), col(models.ArticleEntity.place)).where(
            col(models.ArticleEntity.article_id).in_(new_articles),
            col(models.ArticleEntity.salient),
        )
    ):
        was_place, was = joining.get(key, (False, 0))
        joining[key] = (was_place or bool(place), was + 1)
    _add_to_profile(session, story_id, joining)
    # Read from the (story_id, published) index: a story may have thousands of articles.
    in_story = col(article.story_id) == story_id
    dated = col(article.published).is_not(None)
    # Ties by content hash, not by id: the label is the same whatever order the articles came in.
    earliest = session.execute(
        select(article)
        .where(in_story, dated)
        .order_by(col(article.published), col(article.content_hash))
        .limit(1)
    ).scalar_one_or_none()
    if earliest is None:
        earliest = session.execute(
            select(article).where(in_story).order_by(col(article.content_hash)).limit(1)
        ).scalar_one()
    first = earliest.published
    last = session.execute(
        select(col(article.published))
        .where(in_story, dated)
        .order_by(col(article.published).desc())
        .limit(1)
    ).scalar()
    story = session.get(models.Story, story_id)
    assert story is not None
    story.first_published, story.last_published = first, last
    story.label = _label(earliest)
    story.updated_at = utcnow()
    session.add(story)
    session.flush()


def _add_to_profile(session: Session, story_id: int, names: Mapping[str, tuple[bool, int]]) -> None:
    """Count these names (key → (a place?, articles about it)) in the story's profile."""
    if not names:
        return
    profile = models.StoryEntity
    keys = sorted(names)
    counted: dict[str, models.StoryEntity] = {}
    for start in range(0, len(keys), 500):
        for row in session.execute(
            select(profile).where(
                col(profile.story_id) == story_id, col(profile.key).in_(keys[start : start + 500])
            )
        ).scalars():
            counted[row.key] = row
    for key in keys:
        place, articles = names[key]
        row = counted.get(key)
        if row is None:
            row = models.StoryEntity(story_id=story_id, key=key, place=place, articles=articles)
        else:
            row.articles += articles
            row.place = row.place or place
        session.add(row)
    session.flush()


def drop_stories(session: Session, story_ids: Iterable[int]) -> None:
    """Delete stories merged into another, once nothing refers to them any more."""
    ids = sorted(set(story_ids))
    if ids:
        session.execute(delete(models.Story).where(col(models.Story.id).in_(ids)))
        session.flush()


@dataclass(frozen=True)
class Home:
    """Where and since when a story is: its home places and the first day it was reported.

    A number in a home place needs no place scope. A year or an event date well before the
    first report belongs to an earlier event ("the 2015 attack that killed 90"); a follow-up
    published the next year that names the story's own year ("the 2017 breach affected 143
    million") is still the story's.
    """

    places: frozenset[str]
    since: date | None = None

    @property
    def text(self) -> str:
        """As stored on the story (`models.Story.home`), so that a move is noticed."""
        return "|".join(sorted(self.places)) + (f"@{self.since.isoformat()}" if self.since else "")


def story_home(session: Session, story_id: int) -> Home:
    """The story's `Home`: `home_places` and its earliest stated publication date."""
    since = session.execute(
        select(func.min(col(models.Article.published))).where(
            col(models.Article.story_id) == story_id
        )
    ).scalar()
    return Home(home_places(session, story_id), since)


def home_places(session: Session, story_id: int) -> frozenset[str]:
    """The places a story is about: named by the most of its articles (ties all count).

    A number in the home place needs no place scope: "the quake killed 12,000 in Turkey"
    is the story's toll, "984 dead in Istanbul" is a part of it.
    """
    profile = models.StoryEntity
    rows = session.execute(
        select(col(profile.key), col(profile.articles))
        .where(col(profile.story_id) == story_id, col(profile.place))
        .order_by(col(profile.articles).desc(), col(profile.key))
        .limit(5)
    ).all()
    if not rows:
        # No place is salient in any article: the place its articles name most often.
        entity, article = models.ArticleEntity, models.Article
        rows = session.execute(
            select(col(entity.key), func.count())
            .join(article, col(article.id) == entity.article_id)
            .where(col(article.story_id) == story_id, col(entity.place))
            .group_by(col(entity.key))
            .order_by(func.count().desc(), func.sum(col(entity.mentions)).desc(), col(entity.key))
            .limit(5)
        ).all()
    if not rows:
        return frozenset()
    top = rows[0][1]
    return frozenset(key for key, count in rows if count == top)


def leave_story(session: Session, article: models.Article) -> None:
    """Take an article being deleted out of its story: the story's profile forgets its names,
    and a story left without articles (and so without facts) goes."""
    if article.story_id is None:
        return
    story_id = article.story_id
    profile = models.StoryEntity
    for key in _salient_keys(session, article.id or 0):
        row = session.get(profile, (story_id, key))
        if row is None:
            continue
        row.articles -= 1
        if row.articles <= 0:
            session.delete(row)
        else:
            session.add(row)
    article.story_id = None
    session.add(article)
    session.flush()
    others = session.execute(
        select(func.count()).where(col(models.Article.story_id) == story_id)
    ).scalar_one()
    if others:
        _refresh_story(session, story_id, (), [])
        return
    session.execute(delete(models.Fact).where(col(models.Fact.story_id) == story_id))
    session.execute(delete(profile).where(col(profile.story_id) == story_id))
    drop_stories(session, [story_id])
