"""Stored claims as matching, the conflict rules and the timeline see them: what each
number counts, where, when and how much, read from the database in a few statements.

Read through the driver (`factdb.store.driver.Reader`), so that a query command (`factdb
timeline`) compares reports without importing the ORM that ingest writes with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from factdb.match.lexicon import lexicon
from factdb.nlp.stop_words import stop_words
from factdb.nlp.synonyms import Synonyms
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval
from factdb.store.driver import Reader, stored_date

_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]")


@dataclass(frozen=True)
class QuantityFeatures:
    """A stored number as matching sees it: what it counts, its unit, place and interval."""

    id: int
    raw: str
    counted: str | None
    predicate: str | None
    unit: str | None
    places: tuple[str, ...]
    interval: Interval
    start: int
    end: int
    base_unit: str | None = None
    base: Interval | None = None
    # The claim's own predicate when it means something ("arrive" in "about 90 people will
    # arrive"); it vetoes a match when the number has no predicate of its own.
    clause_predicate: str | None = None

    @property
    def compared(self) -> Interval:
        """The interval to compare with other numbers: in the base unit of its dimension when
        it has one (feet and meters meet in meters), else as stated."""
        return self.base or self.interval

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
    sentence_start: int
    predicate: str | None
    subject: str | None
    object: str | None
    polarity: str
    hedged: bool
    event_start: date | None
    event_end: date | None
    event_granularity: str | None
    event_text: str | None
    lemmas: frozenset[str]
    normalized: str
    entities: frozenset[str]
    locations: frozenset[str]
    quantities: tuple[QuantityFeatures, ...]
    people: frozenset[str] = frozenset()
    story_id: int | None = None
    # Surnames the article gives to two people or more ("Thomas Kerr" and "Dana Kerr"): there
    # a full name is needed to tell whose age a figure is.
    namesakes: frozenset[str] = frozenset()
    # The named person or organisation the claim's subject stands for, resolved within its
    # article ("he", "the 49-year-old", "Cantor" → "Eric Cantor"; `factdb.nlp.coreference`).
    subject_entity: str | None = None

    def order_key(self) -> tuple[date, str, int, int]:
        """Earliest report first: stated date (undated last), content hash, position."""
        return (self.published or date.max, self.content_hash, self.start, self.end)

    @property
    def ranked_numbers(self) -> tuple[QuantityFeatures, ...]:
        """The claim's numbers, the one it is most about first (see `number`)."""
        return tuple(
            sorted(
                self.quantities,
                key=lambda q: (
                    q.predicate != self.predicate,
                    q.predicate is None,
                    q.counted is None,
                    q.start,
                ),
            )
        )

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
        return self.ranked_numbers[:1]


@dataclass(frozen=True)
class _Mention:
    claim_id: int
    name: str
    key: str
    label: str


def _namesakes(reader: Reader, article_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """Each article's surnames shared by two or more full names (see
    `ClaimFeatures.namesakes`), from the people its claims name."""
    if not article_ids:
        return {}
    names: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for article_id, name in reader.execute(
        "SELECT claim.article_id, entity.name FROM claim "
        "JOIN claim_entity ON claim_entity.claim_id = claim.id "
        "JOIN entity ON entity.id = claim_entity.entity_id "
        f"WHERE claim.article_id IN ({', '.join('?' * len(article_ids))}) "
        "AND entity.label = 'PERSON'",
        list(article_ids),
    ):
        words = _WORD.findall(str(name).lower())
        if len(words) >= 2:
            names[int(article_id)][words[-1]].add(" ".join(words))
    return {
        article: frozenset(surname for surname, full in people.items() if len(full) > 1)
        for article, people in names.items()
    }


def content_lemmas(normalized: str, predicate: str | None, synonyms: Synonyms) -> frozenset[str]:
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


_PLACE_BEFORE = 100  # characters before a number within which a place scopes it
_PLACE_AFTER = 50  # and after it
_LIST_BREAK = re.compile(r"[,;:(]|\band\b")
_CLAUSE_BREAK = re.compile(r";|,\s+(?:while|whereas|but|and)\b")
_JOINED = re.compile(r"^(?:,?\s+(?:and|or)\s+|,\s+)$")
# A place passed by, aimed at or near ("crashed off the Massachusetts coast", "off
# Nantucket, Massachusetts", "60 miles from Nantucket", "bound for Cairo", "flights to
# Paris") is not where the counted people are.
_PASSING = re.compile(
    r"(?:\b(?:off|near|to|toward|towards|for|into|outside|over)"
    r"|\b(?:miles?|kilometers?|kilometres?|km)\s+(?:\w+\s+)?(?:from|of))\s+(?:the\s+)?"
    r"(?:[A-Z][\w.\-]*\s+)*(?:[A-Z][\w.\-]*,\s+)?$"
)
_PLACE_NOUN = re.compile(
    # "Tarvel province"; "Kocaeli (Izmit) province" is Izmit's: the name given in brackets is
    # the one the writer expects readers to know, and other reports use alone
    r"\b(?P<named>(?:[A-Z][\w\-]+ )*[A-Z][\w\-]+)(?: \((?P<gloss>[A-Z][\w\-]+)\))? "
    r"(?:province|region|district|county|prefecture|municipality|state|city|town|village)\b"
    # a list line that starts with a name and a figure: "Bolu 226 dead, 1,159 injured"
    r"|^\W*(?P<line>(?:[A-Z][\w\-]+ )*[A-Z][\w\-]+):? (?=\d)"
    # "12 people died in Lorvik": a name after "in" (the recogniser often calls it an ORG)
    # when nothing but punctuation or a preposition follows ("in Kessler explosion" names a
    # blast, not a place)
    r"|\b[Ii]n (?P<after_in>(?:[A-Z][\w\-]+ )*[A-Z][\w\-]+)"
    r"(?=[,.;:)]|$| (?:alone|on|at|in|and|where|after|before|during|when|since|as)\b)"
)


@dataclass(frozen=True)
class _PlaceName:
    """A place named in a sentence: its matching key and where it stands."""

    key: str
    start: int
    end: int


def sentence_places(sentence: str, places: Iterable[_Mention]) -> tuple[_PlaceName, ...]:
    """The places a sentence names that may scope its numbers: entities with a place label
    (unless passed by or aimed at: "off the coast of", "bound for"), and names followed by
    "province", "region", "city"… (which the entity recogniser often misses). Found once per
    sentence, for all of its numbers."""
    lex = lexicon()
    found: list[_PlaceName] = []
    for mention in places:
        for match in re.finditer(re.escape(mention.name), sentence):
            if not _PASSING.search(sentence, max(0, match.start() - 40), match.start()):
                found.append(_PlaceName(mention.key, match.start(), match.end()))
    stop = stop_words()
    for match in _PLACE_NOUN.finditer(sentence):
        name = match["gloss"] or match["named"] or match["line"] or match["after_in"]
        words = name.split()
        while words and words[0].lower() in stop:  # "In Izmit region", "The 217 people"
            words.pop(0)
        key = lex.entity_key(" ".join(words))
        if key and key not in lex.value_words:  # not "in March", "in Monday's storm"
            found.append(_PlaceName(key, match.start(), match.end()))
    return tuple(found)


def _places_near(
    sentence: str, offset: int, end: int, places: Iterable[_PlaceName]
) -> tuple[str, ...]:
    """The places of `sentence_places` near a number in its sentence (`offset`/`end` are in
    `sentence`), nearest first.

    In "143 million consumers in the United States as well as British and Canadian ones" the
    number belongs to the United States first.
    """
    found: dict[str, int] = {}
    joined_end = -1  # the end of the last place after the number that scopes it
    for place in sorted(places, key=lambda p: p.start):
        if place.end <= offset:
            distance = offset - place.end
            # "died in Turkey, while 1,600 in Syria": a place of the clause before.
            if distance > _PLACE_BEFORE or _CLAUSE_BREAK.search(sentence, place.end, offset):
                continue
        elif place.start >= end:
            # A place after a comma, a semicolon or "and" names the next item of a list
            # ("Yalova with 2,400, Istanbul with 984"), not this number; but a place joined
            # to the one before it ("2,300 in Turkey and Syria") is the number's too.
            distance = place.start - end
            joined = joined_end >= 0 and _JOINED.match(sentence[joined_end : place.start])
            if not joined and (
                distance > _PLACE_AFTER or _LIST_BREAK.search(sentence, end, place.start)
            ):
                continue
            joined_end = place.end
        else:
            distance = 0
        found[place.key] = min(distance, found.get(place.key, distance))
    return tuple(sorted(found, key=lambda k: (found[k], k)))


class _StoredQuantity(NamedTuple):
    id: int
    claim_id: int
    raw: str
    counted_key: str | None
    predicate_key: str | None
    unit: str | None
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    low_inclusive: bool
    high_inclusive: bool
    base_unit: str | None
    base_value: float | None
    base_low: float | None
    base_high: float | None


class _StoredClaim(NamedTuple):
    id: int
    article_id: int
    sentence_index: int
    predicate: str | None
    start: int
    end: int
    text: str
    sentence_start: int
    subject: str | None
    object: str | None
    polarity: str
    hedged: bool
    event_date_start: date | None
    event_date_end: date | None
    event_date_granularity: str | None
    event_date_text: str | None
    normalized: str
    subject_entity: str | None
    source_id: int | None
    source: str | None
    published: date | None
    content_hash: str
    story_id: int | None
    sentence_text: str | None


def claim_features(
    reader: Reader, claim_ids: Iterable[int], synonyms: Synonyms
) -> dict[int, ClaimFeatures]:
    """Features of these claims, read in four queries whatever their number, as plain rows
    of the driver (this runs for every report a new article is compared with, and for every
    report of a timeline page)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    lex = lexicon()
    marks = ", ".join("?" * len(ids))
    # Offsets point into the stored body, or into the title for a headline claim.
    source_text = "CASE WHEN claim.is_headline THEN article.title ELSE article.text END"
    claim_fields = _StoredClaim._fields[: _StoredClaim._fields.index("source_id")]
    claim_columns = ", ".join(f'claim."{f}"' for f in claim_fields)
    rows = [
        row._replace(
            hedged=bool(row.hedged),
            event_date_start=stored_date(row.event_date_start),
            event_date_end=stored_date(row.event_date_end),
            published=stored_date(row.published),
        )
        for row in map(
            _StoredClaim._make,
            reader.execute(
                f"SELECT {claim_columns}, article.source_id, source.name, article.published, "
                "article.content_hash, article.story_id, "
                f"substr({source_text}, claim.sentence_start + 1, "
                "claim.sentence_end - claim.sentence_start) "
                "FROM claim JOIN article ON article.id = claim.article_id "
                "LEFT OUTER JOIN source ON source.id = article.source_id "
                f"WHERE claim.id IN ({marks})",
                ids,
            ),
        )
    ]
    quantities: dict[int, list[_StoredQuantity]] = defaultdict(list)
    quantity_columns = ", ".join(f'quantity."{f}"' for f in _StoredQuantity._fields)
    for found in reader.execute(
        f"SELECT {quantity_columns} FROM quantity WHERE quantity.claim_id IN ({marks}) "
        "ORDER BY quantity.start",
        ids,
    ):
        quantity = _StoredQuantity._make(found)
        quantities[quantity.claim_id].append(
            quantity._replace(
                low_inclusive=bool(quantity.low_inclusive),
                high_inclusive=bool(quantity.high_inclusive),
            )
        )
    sentences = {(row.article_id, row.sentence_index) for row in rows}
    articles = sorted({a for a, _ in sentences})
    indexes = sorted({s for _, s in sentences})
    mentions: dict[tuple[int, int], list[_Mention]] = defaultdict(list)
    for claim_id, article_id, sentence_index, name, label in reader.execute(
        "SELECT claim.id, claim.article_id, claim.sentence_index, entity.name, entity.label "
        "FROM claim JOIN claim_entity ON claim_entity.claim_id = claim.id "
        "JOIN entity ON entity.id = claim_entity.entity_id "
        f"WHERE claim.article_id IN ({', '.join('?' * len(articles))}) "
        f"AND claim.sentence_index IN ({', '.join('?' * len(indexes))})",
        [*articles, *indexes],
    ):
        if (article_id, sentence_index) in sentences:
            mentions[(article_id, sentence_index)].append(
                _Mention(int(claim_id), name, lex.entity_key(name), label)
            )
    namesakes = _namesakes(reader, articles)
    features: dict[int, ClaimFeatures] = {}
    named: dict[tuple[int, int, str], tuple[_PlaceName, ...]] = {}
    for row in rows:
        sentence_text = row.sentence_text
        in_sentence = mentions[(row.article_id, row.sentence_index)]
        where = (row.article_id, row.sentence_index, sentence_text or "")
        if where not in named:
            places = [m for m in in_sentence if m.label in lex.location_labels]
            named[where] = sentence_places(sentence_text or "", places)
        own = [m for m in in_sentence if m.claim_id == row.id]
        predicate = synonyms.predicate_key(row.predicate)
        features[row.id] = ClaimFeatures(
            id=row.id,
            article_id=row.article_id,
            source_id=row.source_id,
            source=row.source,
            published=row.published,
            content_hash=row.content_hash,
            start=row.start,
            end=row.end,
            text=row.text,
            sentence=sentence_text or row.text,
            sentence_start=row.sentence_start if sentence_text else row.start,
            predicate=predicate,
            subject=row.subject,
            subject_entity=row.subject_entity,
            object=row.object,
            polarity=row.polarity,
            hedged=row.hedged,
            event_start=row.event_date_start,
            event_end=row.event_date_end,
            event_granularity=row.event_date_granularity,
            event_text=row.event_date_text,
            lemmas=content_lemmas(row.normalized, predicate, synonyms),
            normalized=row.normalized,
            entities=frozenset(m.key for m in own),
            locations=frozenset(m.key for m in own if m.label in lex.location_labels),
            people=frozenset(m.key for m in in_sentence if m.label == "PERSON"),
            quantities=tuple(
                _quantity_features(
                    q, predicate, row.sentence_start, sentence_text or "", named[where]
                )
                for q in quantities[row.id]
            ),
            story_id=row.story_id,
            namesakes=namesakes.get(row.article_id, frozenset()),
        )
    return features


def _interval(
    quantity: _StoredQuantity, value: float | None, low: float | None, high: float | None
) -> Interval:
    """A stored quantity's interval, as stated or in its base unit (the bounds given)."""
    return Interval(
        raw=quantity.raw,
        value=value,
        low=low,
        high=high,
        qualifier=Qualifier(quantity.qualifier),
        low_inclusive=quantity.low_inclusive,
        high_inclusive=quantity.high_inclusive,
    )


def _quantity_features(
    quantity: _StoredQuantity,
    claim_predicate: str | None,
    sentence_start: int,
    sentence: str,
    places: tuple[_PlaceName, ...],
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
        places=_places_near(
            sentence, quantity.start - sentence_start, quantity.end - sentence_start, places
        ),
        interval=_interval(quantity, quantity.value, quantity.low, quantity.high),
        start=quantity.start,
        end=quantity.end,
        base_unit=quantity.base_unit,
        base=None
        if quantity.base_unit is None or quantity.base_unit == quantity.unit
        else _interval(quantity, quantity.base_value, quantity.base_low, quantity.base_high),
        clause_predicate=None if claim_predicate in lex.light_predicates else claim_predicate,
    )


def report_time(claim: ClaimFeatures, quantity: QuantityFeatures | None) -> date | None:
    """The date a claim's number is about; None when unknown.

    For a cumulative count or a count of people in a state ("31 remain missing"), the later
    of the stated publication date and a day-precise event date: "the quake that struck on
    Tuesday has killed 12,000" is a count as of the report, not as of Tuesday. For any other
    number, its day-precise event date, else the stated publication date. Inferred
    publication dates are never used.
    """
    day = claim.event_start if claim.event_granularity == "day" else None
    if quantity is not None and quantity.predicate in lexicon().counted_as_of_report:
        known = [d for d in (claim.published, day) if d is not None]
        return max(known) if known else None
    return day or claim.published
