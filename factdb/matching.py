"""Grouping the claims of different articles that state the same fact.

Every stored claim belongs to exactly one fact (``fact_claim``). When an article is ingested,
each of its claims is compared with candidate claims of *other* articles, and only with
candidates found through indexed keys (``claim_key``, looked up by its primary key):

- ``q|<counted>|<unit>`` for each number with a counted noun (``q|plane|-``, ``q|people|-``);
- ``u|<unit>|<predicate>`` for a number without a counted noun (``u|percent|change``,
  ``u|-|injure`` for "33,559 injured");
- ``p|<predicate>|<word>`` for the claim's predicate with each of its content words;
- ``e|<entity>|<word>`` for each entity the claim names with each of its content words.

Words and predicates go through the synonym file first (``aircraft`` → ``plane``, ``wounded`` →
``injure``), and ``rise``/``fall`` share the key ``change`` so that "rose" can meet "fell".
Candidates are also limited to articles published within `MAX_DAYS_APART` days (or undated)
that name an entity the new article names (``article_entity``): rule 5 below needs one in
common. Every lookup is a range of an index that leads with the key and the publication date,
so the work per article depends on what its keys and entities find in that window, not on the
size of the database.

Two claims state the same fact (`compare_claims`) when, in order:

1. they come from different articles published at most `MAX_DAYS_APART` days apart;
2. they are about the same period: a claim about a time long before its report (its event
   date ends more than `MAX_DAYS_APART` days before its publication: "a quake in 1939, which
   killed 20,000") only meets claims whose event dates overlap its own;
3. they do not name different places (both name places, none in common), and neither only
   names things the other's article never mentions ("the Lauda Air crash killed all 223" is
   not about the crash the other article reports);
4. if either carries a number, both do and their main numbers (`ClaimFeatures.number`)
   count the same thing: same counted noun (or none on both sides, with the same predicate:
   "33,559 injured"), same unit, compatible predicates, no different nearest place
   (`places_differ`: "400,000 UK consumers" is not "143 million consumers in the United
   States"), and a number tied to a place only meets an unplaced one from an article that
   covers that place (`ArticleContext.covers`: "1,000 died in Istanbul" is not the national
   toll);
5. they are about the same story: a shared entity, the same place for their numbers, or
   articles that name an entity in common (three if one is undated);
6. the score clears `MATCH_THRESHOLD`. It adds the strength of the best number pair, 0.3 for
   the same (meaningful) predicate, the word overlap (Jaccard of content words, times 0.4
   with numbers and 0.7 without), 0.1 per shared entity (two at most) and 0.1 for articles
   about the same story; it moves by 0.1 when both have day-precise event dates that agree or
   disagree (not for cumulative counts, whose dates are those of the reports). Claims
   without numbers need the same predicate or a word overlap of at least a half.

Facts are the connected components of this relation. A new claim that matches claims of
several facts merges them. Since whether two claims match depends only on the two claims and
their articles, the facts — and each claim's best link, chosen by score and then by the
earlier report — come out the same whatever order the articles are ingested in. A fact's
representative (its label) is its earliest report: by stated publication date, article content
hash, then position in the text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import case, delete, func, select, update
from sqlmodel import Session, col

from factdb import models
from factdb.copies import copy_partners
from factdb.nlp.stop_words import stop_words
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval
from factdb.store import MAX_DAYS_APART, insert_ignoring_duplicates, utcnow, within_window
from factdb.synonyms import Synonyms

MATCH_THRESHOLD = 0.6
_KEY_CHUNK = 500
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]")


# --- lexicon ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``factdb/data/matching.json`` (its ``_doc`` explains each one)."""

    light_predicates: frozenset[str]
    up: frozenset[str]
    down: frozenset[str]
    cumulative_predicates: frozenset[str]
    counted_as: Mapping[str, tuple[str, str]]
    value_words: frozenset[str]
    location_labels: frozenset[str]
    places: Mapping[str, str]

    def direction(self, predicate: str | None) -> str | None:
        """``up`` for rose/increased, ``down`` for fell/decreased, else None."""
        if predicate in self.up:
            return "up"
        if predicate in self.down:
            return "down"
        return None

    def neutral(self, predicate: str | None) -> str | None:
        """The predicate with its direction removed, so "rose" and "fell" share a key."""
        return "change" if self.direction(predicate) else predicate

    def entity_key(self, name: str) -> str:
        """An entity name as compared across articles: "the U.S." and "Americans" → "united
        states", "Almaty’s" → "almaty"."""
        text = " ".join(name.lower().replace("’", "'").split())
        text = text.removeprefix("the ").removesuffix("'s").strip(" ,;:'\"")
        return self.places.get(text, text)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The matching word lists, loaded once."""
    raw = json.loads(files("factdb.data").joinpath("matching.json").read_text(encoding="utf-8"))
    places: dict[str, str] = {}
    for group in raw["places"]:
        for name in group:
            places[name] = group[0]
    return Lexicon(
        light_predicates=frozenset(raw["light_predicates"]),
        up=frozenset(raw["directions"]["up"]),
        down=frozenset(raw["directions"]["down"]),
        cumulative_predicates=frozenset(raw["cumulative_predicates"]),
        counted_as={k: (v[0], v[1]) for k, v in raw["counted_as"].items()},
        value_words=frozenset(raw["value_words"]),
        location_labels=frozenset(raw["location_labels"]),
        places=places,
    )


# --- features -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantityFeatures:
    """A stored number as matching sees it: what it counts, its unit, place and interval."""

    id: int
    raw: str
    counted: str | None
    predicate: str | None
    unit: str | None
    location: str | None
    interval: Interval
    start: int
    # The claim's own predicate when it means something ("arrive" in "about 90 people will
    # arrive"); it vetoes a match when the number has no predicate of its own.
    clause_predicate: str | None = None

    @property
    def vague(self) -> bool:
        """True for "dozens", "about 20,000": the interval is a convention, not a statement."""
        return self.interval.qualifier in (Qualifier.VAGUE, Qualifier.APPROX)


@dataclass(frozen=True)
class ClaimFeatures:
    """A stored claim as matching and the conflict rules see it.

    `published` is the article's *stated* publication date only: an inferred one (taken
    from a copy) is for display, so that no decision depends on which copy arrived first.
    """

    id: int
    article_id: int
    source_id: int | None
    source: str | None
    published: date | None
    content_hash: str
    start: int
    end: int
    text: str
    sentence: str
    predicate: str | None
    polarity: str
    hedged: bool
    event_start: date | None
    event_end: date | None
    event_granularity: str | None
    event_text: str | None
    lemmas: frozenset[str]
    entities: frozenset[str]
    locations: frozenset[str]
    quantities: tuple[QuantityFeatures, ...]

    def order_key(self) -> tuple[date, str, int, int]:
        """Earliest report first: stated date (undated last), content hash, position."""
        return (self.published or date.max, self.content_hash, self.start, self.end)

    @property
    def number(self) -> tuple[QuantityFeatures, ...]:
        """The claim's main number (none or one), the one matching compares.

        A claim belongs to one fact, so one number decides it: the one its predicate
        governs, else the first that counts something with a predicate of its own ("the
        death toll in the 7.4-magnitude quake has surpassed 12,000" is about 12,000, not
        7.4), else its first. "The death toll has risen to 7,085, with 33,559 injured" is a
        death toll; matching it by its injured count too would chain the fact of the dead to
        the fact of the injured.
        """
        ranked = sorted(
            self.quantities,
            key=lambda q: (
                q.predicate != self.predicate,
                q.predicate is None,
                q.counted is None,
                q.start,
            ),
        )
        return tuple(ranked[:1])


@dataclass(frozen=True)
class _Mention:
    claim_id: int
    name: str
    key: str
    label: str


def _lemmas(normalized: str, predicate: str | None, synonyms: Synonyms) -> frozenset[str]:
    """Content words of a claim, through the synonym groups, without its predicate."""
    lex = lexicon()
    stop = stop_words()
    words: set[str] = set()
    for token in normalized.split():
        if token in stop or token in lex.value_words or not _WORD.fullmatch(token):
            continue
        words.add(synonyms.predicates.get(token, synonyms.counted.get(token, token)))
    if predicate:
        words -= {predicate, *predicate.split()}
    return frozenset(words)


def _nearest_place(sentence: str, offset: int, end: int, places: Iterable[_Mention]) -> str | None:
    """The place named nearest to a number in its sentence (`offset`/`end` are in `sentence`).

    In "143 million consumers in the United States as well as British and Canadian ones" the
    number belongs to the United States, not to Canada.
    """
    best: tuple[int, str] | None = None
    for mention in places:
        for found in re.finditer(re.escape(mention.name), sentence):
            distance = max(0, found.start() - end, offset - found.end())
            if best is None or (distance, mention.key) < best:
                best = (distance, mention.key)
    return None if best is None else best[1]


def load_claim_features(
    session: Session, claim_ids: Iterable[int], synonyms: Synonyms
) -> dict[int, ClaimFeatures]:
    """Features of these claims, read in four queries whatever their number."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    lex = lexicon()
    claim, article = models.Claim, models.Article
    # Offsets point into the stored body, or into the title for a headline claim.
    source_text = case((col(claim.is_headline), article.title), else_=article.text)
    sentence = func.substr(
        source_text,
        col(claim.sentence_start) + 1,
        col(claim.sentence_end) - col(claim.sentence_start),
    )
    rows = session.execute(
        select(
            claim,
            col(article.source_id),
            col(models.Source.name),
            col(article.published),
            col(article.content_hash),
            sentence,
        )
        .join(article, col(article.id) == claim.article_id)
        .outerjoin(models.Source, col(models.Source.id) == article.source_id)
        .where(col(claim.id).in_(ids))
    ).all()
    quantities: dict[int, list[models.Quantity]] = defaultdict(list)
    for quantity in session.execute(
        select(models.Quantity)
        .where(col(models.Quantity.claim_id).in_(ids))
        .order_by(col(models.Quantity.start))
    ).scalars():
        quantities[quantity.claim_id].append(quantity)
    sentences = {(row[0].article_id, row[0].sentence_index) for row in rows}
    mentions: dict[tuple[int, int], list[_Mention]] = defaultdict(list)
    for claim_id, article_id, sentence_index, name, label in session.execute(
        select(
            col(claim.id),
            col(claim.article_id),
            col(claim.sentence_index),
            col(models.Entity.name),
            col(models.Entity.label),
        )
        .join(models.ClaimEntity, col(models.ClaimEntity.claim_id) == claim.id)
        .join(models.Entity, col(models.Entity.id) == models.ClaimEntity.entity_id)
        .where(
            col(claim.article_id).in_({a for a, _ in sentences}),
            col(claim.sentence_index).in_({s for _, s in sentences}),
        )
    ):
        if (article_id, sentence_index) in sentences:
            mentions[(article_id, sentence_index)].append(
                _Mention(int(claim_id), name, lex.entity_key(name), label)
            )
    features: dict[int, ClaimFeatures] = {}
    for row, source_id, source, published, content_hash, sentence_text in rows:
        assert row.id is not None
        in_sentence = mentions[(row.article_id, row.sentence_index)]
        places = [m for m in in_sentence if m.label in lex.location_labels]
        own = [m for m in in_sentence if m.claim_id == row.id]
        predicate = synonyms.predicate_key(row.predicate)
        features[row.id] = ClaimFeatures(
            id=row.id,
            article_id=row.article_id,
            source_id=source_id,
            source=source,
            published=published,
            content_hash=content_hash,
            start=row.start,
            end=row.end,
            text=row.text,
            sentence=sentence_text or row.text,
            predicate=predicate,
            polarity=row.polarity,
            hedged=row.hedged,
            event_start=row.event_date_start,
            event_end=row.event_date_end,
            event_granularity=row.event_date_granularity,
            event_text=row.event_date_text,
            lemmas=_lemmas(row.normalized, predicate, synonyms),
            entities=frozenset(m.key for m in own),
            locations=frozenset(m.key for m in own if m.label in lex.location_labels),
            quantities=tuple(
                _quantity_features(q, predicate, row.sentence_start, sentence_text or "", places)
                for q in quantities[row.id]
            ),
        )
    return features


def _quantity_features(
    quantity: models.Quantity,
    claim_predicate: str | None,
    sentence_start: int,
    sentence: str,
    places: list[_Mention],
) -> QuantityFeatures:
    lex = lexicon()
    counted, predicate = quantity.counted_key, quantity.predicate_key
    standing_for = next(
        (v for k, v in lex.counted_as.items() if counted == k or (counted or "").endswith(f" {k}")),
        None,
    )
    if standing_for is not None:
        counted, predicate = standing_for
    assert quantity.id is not None
    return QuantityFeatures(
        id=quantity.id,
        raw=quantity.raw,
        counted=counted,
        predicate=predicate,
        unit=quantity.unit,
        location=_nearest_place(
            sentence, quantity.start - sentence_start, quantity.end - sentence_start, places
        ),
        interval=Interval(
            raw=quantity.raw,
            value=quantity.value,
            low=quantity.low,
            high=quantity.high,
            qualifier=Qualifier(quantity.qualifier),
            low_inclusive=quantity.low_inclusive,
            high_inclusive=quantity.high_inclusive,
        ),
        start=quantity.start,
        clause_predicate=None if claim_predicate in lex.light_predicates else claim_predicate,
    )


def claim_keys(claim: ClaimFeatures) -> set[str]:
    """The indexed keys a claim is found by (see the module docstring)."""
    lex = lexicon()
    keys: set[str] = set()
    for quantity in claim.number:
        predicate = lex.neutral(quantity.predicate)
        if quantity.counted:
            keys.add(f"q|{quantity.counted}|{quantity.unit or '-'}")
        elif predicate:
            keys.add(f"u|{quantity.unit or '-'}|{predicate}")
    predicate = lex.neutral(claim.predicate)
    if predicate and predicate not in lex.light_predicates:
        keys.update(f"p|{predicate}|{word}" for word in claim.lemmas)
    keys.update(f"e|{entity}|{word}" for entity in claim.entities for word in claim.lemmas)
    return keys


# --- comparing two claims -----------------------------------------------------------------


@dataclass(frozen=True)
class ArticleContext:
    """What an article is about, for the same-story test: the entities it names, and whether
    it states its publication date."""

    entities: frozenset[str]
    dated: bool
    places: frozenset[str] = frozenset()
    headline_places: frozenset[str] = frozenset()

    def covers(self, place: str) -> bool:
        """Whether a number this article gives without a place may be about `place`: the
        article's headline names it, or the article names no place at all.

        "Turkey's Earthquake Death Toll Exceeds 7,000" covers Turkey, so its unplaced figures
        may be compared with "the death toll in Turkey"; an article that names Istanbul only
        in passing does not make "1,000 died in Istanbul" a national toll.
        """
        return place in self.headline_places or not self.places

    def same_story(self, other: ArticleContext) -> bool:
        """The articles name an entity in common — three when one of them is undated.

        Two dated articles are also at most `MAX_DAYS_APART` days apart, so one shared name
        ("Marisol") places them in the same story; an undated article escapes that window,
        and one or two shared names prove little ("the United States" is in every other
        story).
        """
        needed = 1 if self.dated and other.dated else 3
        return len(self.entities & other.entities) >= needed


def quantity_strength(a: QuantityFeatures, b: QuantityFeatures) -> float:
    """How surely two numbers count the same thing (0: they do not).

    0.5 when counted noun, unit and predicate all agree; 0.4 with no counted noun on either
    side but the same unit and predicate ("5 percent", fell); 0.3 when a predicate is
    missing on one side — unless that number's claim says something else ("about 90 people
    will arrive" is not "14,718 people were injured").
    """
    lex = lexicon()
    if a.unit != b.unit or a.counted != b.counted:
        return 0.0
    pa, pb = lex.neutral(a.predicate), lex.neutral(b.predicate)
    ea = pa or lex.neutral(a.clause_predicate)
    eb = pb or lex.neutral(b.clause_predicate)
    if ea and eb and ea != eb:
        return 0.0
    if a.counted is None:
        return 0.4 if pa and pb else 0.0
    return 0.5 if pa and pb else 0.3


def places_differ(
    a: QuantityFeatures,
    b: QuantityFeatures,
    article_a: ArticleContext | None = None,
    article_b: ArticleContext | None = None,
) -> bool:
    """True when two numbers belong to different places ("400,000 UK consumers", "143 million
    consumers in the United States").

    Given the numbers' articles, two different places may still be one when an article's
    headline names the other's place (see `ArticleContext.covers`).
    """
    if a.location is None or b.location is None or a.location == b.location:
        return False
    if article_a is None or article_b is None:
        return True
    return not (article_b.covers(a.location) or article_a.covers(b.location))


def report_time(claim: ClaimFeatures, quantity: QuantityFeatures | None) -> date | None:
    """The date a claim's number is about; None when unknown.

    For a cumulative count, the later of the stated publication date and a day-precise event
    date: "the quake that struck on Tuesday has killed 12,000" is a count as of the report,
    not as of Tuesday. For any other number, its day-precise event date, else the stated
    publication date. Inferred publication dates are never used.
    """
    day = claim.event_start if claim.event_granularity == "day" else None
    if quantity is not None and quantity.predicate in lexicon().cumulative_predicates:
        known = [d for d in (claim.published, day) if d is not None]
        return max(known) if known else None
    return day or claim.published


def _implausible_drop(
    a: ClaimFeatures, qa: QuantityFeatures, b: ClaimFeatures, qb: QuantityFeatures
) -> bool:
    """True when a later report gives a cumulative count under half the earlier one.

    A death toll is revised down (17,997 to 12,514) but does not fall from 12,000 to 1: such a
    figure counts something else — one town, an aftershock — and is not the same fact.
    """
    if qa.predicate not in lexicon().cumulative_predicates:
        return False
    ta, tb = report_time(a, qa), report_time(b, qb)
    if ta is None or tb is None or ta == tb:
        return False
    earlier, later = (qa, qb) if ta < tb else (qb, qa)
    low, high = earlier.interval.low, later.interval.high
    return low is not None and high is not None and high < low / 2


@dataclass(frozen=True)
class Link:
    """Two claims found to state the same fact, with the score and the reasons."""

    a: ClaimFeatures
    b: ClaimFeatures
    score: float
    reason: str
    quantity_pairs: tuple[tuple[QuantityFeatures, QuantityFeatures], ...]


def _days_apart(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


def _outside_scope(
    placed: QuantityFeatures, other: QuantityFeatures, other_article: ArticleContext
) -> bool:
    """A number tied to a place against one with no place, from an article that does not
    cover that place (see `ArticleContext.covers`): probably a part against the whole."""
    return (
        placed.location is not None
        and other.location is None
        and not other_article.covers(placed.location)
    )


def _historical(claim: ClaimFeatures) -> bool:
    """The claim is about a time long before its report: its event date ends more than
    `MAX_DAYS_APART` days before the stated publication date ("the largest quake on the fault
    was in 1939, which killed 20,000", in a 1999 article)."""
    return (
        claim.published is not None
        and claim.event_end is not None
        and (claim.published - claim.event_end).days > MAX_DAYS_APART
    )


def _different_times(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """One claim is historical and the other is not about the same period (it has no event
    date, or one that does not overlap): the 1939 toll is not the 1999 toll."""
    if not (_historical(a) or _historical(b)):
        return False
    if a.event_start is None or a.event_end is None or b.event_start is None or b.event_end is None:
        return True
    return a.event_end < b.event_start or b.event_end < a.event_start


def _about_something_else(claim: ClaimFeatures, other: ArticleContext) -> bool:
    """The claim names entities and the other article mentions none of them."""
    return bool(claim.entities) and not claim.entities & other.entities


def compare_claims(
    a: ClaimFeatures, b: ClaimFeatures, context_a: ArticleContext, context_b: ArticleContext
) -> Link | None:
    """The link between two claims if they state the same fact, else None (rules above)."""
    lex = lexicon()
    if a.article_id == b.article_id:
        return None
    apart = _days_apart(a.published, b.published)
    if apart is not None and apart > MAX_DAYS_APART:
        return None
    if a.locations and b.locations and not a.locations & b.locations:
        return None
    if _different_times(a, b):
        return None
    if _about_something_else(a, context_b) or _about_something_else(b, context_a):
        return None
    pairs = sorted(
        (
            (strength, qa, qb)
            for qa in a.number
            for qb in b.number
            if (strength := quantity_strength(qa, qb)) > 0
            and not places_differ(qa, qb, context_a, context_b)
            and not _outside_scope(qa, qb, context_b)
            and not _outside_scope(qb, qa, context_a)
            and not _implausible_drop(a, qa, b, qb)
        ),
        key=lambda t: (-t[0], t[1].start, t[2].start),
    )
    if (a.number or b.number) and not pairs:
        # A number on one side only, or numbers that count different things: "Blast kills 26"
        # and "The blast happened on Monday" share words, not a fact; and a number fact that
        # met event facts would chain facts together ("143 million consumers" through
        # "British and Canadian customers" to "100,000 Canadian citizens").
        return None
    shared_entities = a.entities & b.entities
    best = pairs[0] if pairs else None
    same_story = context_a.same_story(context_b)
    if not (
        shared_entities
        or same_story
        or (
            best is not None
            and best[1].location is not None
            and best[1].location == best[2].location
        )
    ):
        return None
    predicate = lex.neutral(a.predicate)
    same_predicate = (
        predicate is not None
        and predicate == lex.neutral(b.predicate)
        and predicate not in lex.light_predicates
    )
    union = a.lemmas | b.lemmas
    overlap = len(a.lemmas & b.lemmas) / len(union) if union else 0.0
    reasons: list[str] = []
    if best is not None:
        strength, qa, qb = best
        score = strength + 0.3 * same_predicate + 0.4 * overlap
        what = " ".join(p for p in (qa.counted, qa.unit) if p) or "a value"
        reasons.append(
            f"numbers count the same thing ({what}"
            + (f", {lex.neutral(qa.predicate)}" if qa.predicate or qb.predicate else "")
            + f"): {qa.raw!r} and {qb.raw!r}"
        )
    else:
        if not same_predicate and overlap < 0.5:
            return None
        score = 0.3 * same_predicate + 0.7 * overlap
    if same_predicate:
        reasons.append(f"same predicate {predicate!r}")
    if overlap:
        shown = ", ".join(sorted(a.lemmas & b.lemmas)[:6])
        reasons.append(f"word overlap {overlap:.2f} ({shown})")
    if shared_entities:
        score += 0.1 * min(2, len(shared_entities))
        reasons.append("shared entities: " + ", ".join(sorted(shared_entities)))
    if same_story:
        score += 0.1
        reasons.append("articles about the same story (entities in common)")
    cumulative = best is not None and best[1].predicate in lex.cumulative_predicates
    if (
        not cumulative
        and a.event_granularity == b.event_granularity == "day"
        and a.event_start
        and b.event_start
    ):
        if a.event_start == b.event_start:
            score += 0.1
            reasons.append(f"same event date {a.event_start.isoformat()}")
        else:
            score -= 0.1
            reasons.append(
                f"different event dates ({a.event_start.isoformat()}, {b.event_start.isoformat()})"
            )
    if score < MATCH_THRESHOLD:
        return None
    return Link(
        a=a,
        b=b,
        score=round(score, 3),
        reason="; ".join(reasons),
        quantity_pairs=tuple((qa, qb) for _, qa, qb in pairs),
    )


# --- matching a new article ---------------------------------------------------------------


@dataclass(frozen=True)
class MatchResult:
    """What matching one article found: its links and which article pairs are copies."""

    article_id: int
    links: list[Link]
    copies: set[frozenset[int]]

    def are_copies(self, link: Link) -> bool:
        """True when the two claims' articles are linked as copies of each other."""
        return frozenset((link.a.article_id, link.b.article_id)) in self.copies


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _KEY_CHUNK):
        yield items[i : i + _KEY_CHUNK]


def _same_story_articles(
    session: Session, article_id: int, entities: set[str], published: date | None
) -> set[int]:
    """Articles in the window that name one of `entities` (the new article's): the only ones
    whose claims can match, since every link needs an entity in common (`compare_claims`)."""
    found: set[int] = set()
    entity = models.ArticleEntity
    for chunk in _chunks(sorted(entities)):
        for condition in within_window(col(entity.published), published):
            found.update(
                session.execute(
                    select(col(entity.article_id)).where(
                        col(entity.key).in_(chunk), condition, col(entity.article_id) != article_id
                    )
                ).scalars()
            )
    return found


def _candidate_keys(
    session: Session, article_ids: set[int], keys: set[str], published: date | None
) -> dict[int, set[str]]:
    """Claims of `article_ids` sharing any of `keys`, with the keys they share."""
    found: dict[int, set[str]] = defaultdict(set)
    claim_key = models.ClaimKey
    if not article_ids:
        return found
    for chunk in _chunks(sorted(keys)):
        for condition in within_window(col(claim_key.published), published):
            for claim_id, key in session.execute(
                select(col(claim_key.claim_id), col(claim_key.key)).where(
                    col(claim_key.key).in_(chunk),
                    condition,
                    col(claim_key.article_id).in_(article_ids),
                )
            ):
                found[int(claim_id)].add(key)
    return found


def _article_contexts(session: Session, article_ids: set[int]) -> dict[int, ArticleContext]:
    entities: dict[int, set[str]] = defaultdict(set)
    places: dict[int, set[str]] = defaultdict(set)
    headline_places: dict[int, set[str]] = defaultdict(set)
    entity = models.ArticleEntity
    for article_id, key, place, headline_place in session.execute(
        select(
            col(entity.article_id), col(entity.key), col(entity.place), col(entity.headline_place)
        ).where(col(entity.article_id).in_(article_ids))
    ):
        entities[article_id].add(key)
        if place:
            places[article_id].add(key)
        if headline_place:
            headline_places[article_id].add(key)
    dated = set(
        session.execute(
            select(col(models.Article.id)).where(
                col(models.Article.id).in_(article_ids), col(models.Article.published).is_not(None)
            )
        ).scalars()
    )
    return {
        i: ArticleContext(
            frozenset(entities[i]),
            i in dated,
            frozenset(places[i]),
            frozenset(headline_places[i]),
        )
        for i in article_ids
    }


def article_entity_rows(
    mentions: Iterable[tuple[int, str, str, bool]],
) -> list[dict[str, object]]:
    """``article_entity`` rows (without `published`) from an article's entity mentions, each
    (article id, name, spaCy label, whether in the headline): one row per normalised name."""
    lex = lexicon()
    rows: dict[tuple[int, str], dict[str, object]] = {}
    for article_id, name, label, headline in mentions:
        key = lex.entity_key(name)
        row = rows.setdefault(
            (article_id, key),
            {"article_id": article_id, "key": key, "place": False, "headline_place": False},
        )
        if label in lex.location_labels:
            row["place"] = True
            row["headline_place"] = bool(row["headline_place"]) or bool(headline)
    return [rows[k] for k in sorted(rows)]


def _index_article_entities(session: Session, article_id: int, published: date | None) -> set[str]:
    """Store the entities a new article names (``article_entity``); return their keys."""
    mentions = session.execute(
        select(
            col(models.Claim.article_id),
            col(models.Entity.name),
            col(models.Entity.label),
            col(models.Claim.is_headline),
        )
        .join(models.ClaimEntity, col(models.ClaimEntity.entity_id) == models.Entity.id)
        .join(models.Claim, col(models.Claim.id) == models.ClaimEntity.claim_id)
        .where(col(models.Claim.article_id) == article_id)
        .distinct()
    )
    rows = [
        {**row, "published": published}
        for row in article_entity_rows((int(a), n, lb, bool(h)) for a, n, lb, h in mentions)
    ]
    insert_ignoring_duplicates(session, models.ArticleEntity, rows, ["article_id", "key"])
    return {str(row["key"]) for row in rows}


def article_claims(
    session: Session, article_id: int, synonyms: Synonyms
) -> dict[int, ClaimFeatures]:
    """Features of every claim of one article."""
    claim_ids = session.execute(
        select(col(models.Claim.id)).where(col(models.Claim.article_id) == article_id)
    ).scalars()
    return load_claim_features(session, claim_ids, synonyms)


def find_links(
    session: Session,
    article_id: int,
    new: Mapping[int, ClaimFeatures],
    entities: set[str],
    synonyms: Synonyms,
) -> list[Link]:
    """Links between an article's claims (`new`) and claims of other articles.

    Reads only: the candidates are the claims indexed under the new claims' keys, in the
    articles of the window that name one of the new article's `entities`.
    """
    keys = {claim_id: claim_keys(features) for claim_id, features in new.items()}
    published = next(iter(new.values())).published if new else None
    articles = _same_story_articles(session, article_id, entities, published)
    candidates = _candidate_keys(session, articles, set().union(*keys.values()), published)
    old = load_claim_features(session, candidates, synonyms)
    contexts = _article_contexts(session, {article_id} | {f.article_id for f in old.values()})
    links: list[Link] = []
    for claim_id, features in sorted(new.items()):
        for other_id, shared in sorted(candidates.items()):
            if keys[claim_id] & shared:
                link = compare_claims(
                    features,
                    old[other_id],
                    contexts[article_id],
                    contexts[old[other_id].article_id],
                )
                if link is not None:
                    links.append(link)
    return links


def match_article(session: Session, article_id: int, synonyms: Synonyms) -> MatchResult:
    """Index a newly stored article's claims and entities and put each claim into a fact.

    Runs inside the caller's per-article transaction, after `factdb.copies.detect_copies`.
    """
    article = session.get(models.Article, article_id)
    if article is None:
        raise LookupError(f"article {article_id} does not exist")
    new = article_claims(session, article_id, synonyms)
    insert_ignoring_duplicates(
        session,
        models.ClaimKey,
        [
            {"key": k, "claim_id": c, "article_id": article_id, "published": article.published}
            for c in sorted(new)
            for k in sorted(claim_keys(new[c]))
        ],
        ["key", "claim_id"],
    )
    entities = _index_article_entities(session, article_id, article.published)
    links = find_links(session, article_id, new, entities, synonyms)
    _assign_facts(session, list(new.values()), links)
    copies = copy_partners(session, {article_id})
    return MatchResult(article_id, links, copies)


# --- facts --------------------------------------------------------------------------------


def _best(
    links: Iterable[tuple[float, tuple[date, str, int, int], int, str]],
) -> tuple[float, tuple[date, str, int, int], int, str] | None:
    """The best of (score, other claim's order key, other claim id, reason): highest score,
    then the earliest other report."""
    return min(links, key=lambda t: (-t[0], t[1]), default=None)


def _order_keys(session: Session, claim_ids: set[int]) -> dict[int, tuple[date, str, int, int]]:
    if not claim_ids:
        return {}
    rows = session.execute(
        select(
            col(models.Claim.id),
            col(models.Article.published),
            col(models.Article.content_hash),
            col(models.Claim.start),
            col(models.Claim.end),
        )
        .join(models.Article, col(models.Article.id) == models.Claim.article_id)
        .where(col(models.Claim.id).in_(claim_ids))
    )
    return {
        int(i): (published or date.max, content_hash, start, end)
        for i, published, content_hash, start, end in rows
    }


def _assign_facts(session: Session, new: Sequence[ClaimFeatures], links: Sequence[Link]) -> None:
    """Put each new claim into a fact, merging the facts it links."""
    old_ids = {link.b.id for link in links}
    fact_of: dict[int, int] = {
        int(claim_id): int(fact_id)
        for claim_id, fact_id in session.execute(
            select(col(models.FactClaim.claim_id), col(models.FactClaim.fact_id)).where(
                col(models.FactClaim.claim_id).in_(old_ids)
            )
        )
    }
    # Union-find over new claims ("c", id) and existing facts ("f", id).
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for claim in new:
        find(("c", claim.id))
    for link in links:
        if link.b.id in fact_of:
            parent[find(("f", fact_of[link.b.id]))] = find(("c", link.a.id))
    groups: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for node in list(parent):
        groups[find(node)].append(node)
    representatives: dict[int, int] = {}
    labels = {claim.id: claim.text for claim in new}
    for fact_id, claim_id, label in session.execute(
        select(col(models.Fact.id), col(models.Fact.claim_id), col(models.Fact.label)).where(
            col(models.Fact.id).in_(set(fact_of.values()))
        )
    ):
        representatives[fact_id] = claim_id
        labels[claim_id] = label
    order = _order_keys(session, set(representatives.values()))
    order.update({claim.id: claim.order_key() for claim in new})
    now = utcnow()
    memberships: list[dict[str, object]] = []
    for members in groups.values():
        facts = sorted(i for kind, i in members if kind == "f")
        claims = sorted(i for kind, i in members if kind == "c")
        heads = [representatives[f] for f in facts] + claims
        head = min(heads, key=lambda i: order[i])
        if facts:
            keep, others = facts[0], facts[1:]
            if others:
                session.execute(
                    update(models.FactClaim)
                    .where(col(models.FactClaim.fact_id).in_(others))
                    .values(fact_id=keep)
                )
                session.execute(delete(models.Fact).where(col(models.Fact.id).in_(others)))
            session.execute(
                update(models.Fact)
                .where(col(models.Fact.id) == keep)
                .values(claim_id=head, label=labels[head], updated_at=now)
            )
        else:
            fact = models.Fact(claim_id=head, label=labels[head], created_at=now, updated_at=now)
            session.add(fact)
            session.flush()
            assert fact.id is not None
            keep = fact.id
        for claim_id in claims:
            best = _best(
                (link.score, link.b.order_key(), link.b.id, link.reason)
                for link in links
                if link.a.id == claim_id
            )
            memberships.append(
                {
                    "claim_id": claim_id,
                    "fact_id": keep,
                    "score": best[0] if best else None,
                    "reason": best[3] if best else None,
                    "matched_claim_id": best[2] if best else None,
                }
            )
    insert_ignoring_duplicates(session, models.FactClaim, memberships, ["claim_id"])
    _improve_best_links(session, links)


def _improve_best_links(session: Session, links: Sequence[Link]) -> None:
    """Give each older claim the new link when it beats the best link it had."""
    by_old: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        by_old[link.b.id].append(link)
    if not by_old:
        return
    stored = {
        row.claim_id: row
        for row in session.execute(
            select(models.FactClaim).where(col(models.FactClaim.claim_id).in_(by_old))
        ).scalars()
    }
    order = _order_keys(
        session, {r.matched_claim_id for r in stored.values() if r.matched_claim_id is not None}
    )
    for old_id, old_links in by_old.items():
        row = stored.get(old_id)
        if row is None:
            continue
        best = _best((link.score, link.a.order_key(), link.a.id, link.reason) for link in old_links)
        assert best is not None
        current = (
            None
            if row.score is None or row.matched_claim_id is None
            else (row.score, order[row.matched_claim_id], row.matched_claim_id, row.reason or "")
        )
        if current is None or _best([best, current]) is best:
            row.score, row.matched_claim_id, row.reason = best[0], best[2], best[3]
            session.add(row)
