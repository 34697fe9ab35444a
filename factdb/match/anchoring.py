"""Which fact of its story a report joins when its own slot is new there: the fact that
reports the same figure of a compatible measure.

A slot is read from the words around a number, and outlets word one measure differently: "600
tons of refined petroleum" and "600 tons of oil products", "blasted off at 9 a.m." and
"launched at 9 a.m.", "Cantor raised $5.4 million" and "the majority leader, who had raised
$5.4 million". Two slots of one story that report the same figure are one measure unless
their words say otherwise, and the figure is the evidence a word list cannot give. So a report
whose slot the story has no fact of yet joins the fact that already holds the same stated
figure, in the same unit, from another article, when the two slots are **compatible**:

- the same dimension (a count of people is a count);
- the same narrowing scope (a part, an increment, another event, an earlier year) and the
  same place (a number is placed only away from the story's home), not two different owners;
- the same outcome, or none on either side (killed and injured are two counts);
- a word of the measure in common, or else: counts of people under different nouns ("federal
  agents", "law enforcement officers"), or a measurement other than a rate whose figure is
  at least `DISTINCTIVE` ("600 tons of refined petroleum", "600 tons of oil products").
  "Three bombings" and "three times", "22 states" and "22 interviews", 52 percent of two
  things are never joined.

The slot it came with becomes an alias of that fact (`factdb.store.models.SlotAlias`), so
that a later report of it joins the fact too, and "550 tons of oil products" is compared with
the first. Ages, clock times and propositions without numbers are never joined by figure: one
figure there says nothing of what is measured. A number whose slot cannot be told at all is
not joined by its figure either: tried on news-dev, such joins brought more unjudged flags
than pairs.

**A paraphrase.** A report whose slot is new to its story, or cannot be told, joins the fact
of a report from another article that says the same thing in nearly the same words: at least
`PARAPHRASE_WORDS` content words in common and `PARAPHRASE_OVERLAP` of all their content
words, with a number of the same dimension ("The breach of the dam on Friday killed 14 people
in the valley below" and "... killed 23 people in the valley below", when one outlet's words
gave the number no slot). Wire copy and rewrites repeat their sources' sentences; a slot read
from a few words around the number misses what the whole sentence shows. Such a join links
the reports without comparing them (`Link.worded_alike` is False), as a figure join does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from factdb.match.features import ClaimFeatures, QuantityFeatures
from factdb.match.lexicon import lexicon
from factdb.match.slots import SLOT_SEPARATOR, Slot, unit_dimension
from factdb.nlp.types import Qualifier
from factdb.store import models

# A figure this large is rarely shared by two measures of one story by chance.
DISTINCTIVE = 10

# A paraphrase shares at least this many content words, and this share of all of them.
PARAPHRASE_WORDS = 4
PARAPHRASE_OVERLAP = 0.5

# Rates: two shares of one story meet at one figure too often to tell one measure.
_BY_NAME_ONLY = frozenset({"percent", "percentage_point", "basis_point"})

# Measures that one figure does not identify.
_NEVER_ANCHORED = ("claim", "age", "clock_time")

# Scope words that place or own a number; any other scope word narrows what it measures.
_PLACING = ("in ", "of ")


@dataclass(frozen=True)
class Anchor:
    """The fact a report joins, the fact's slot, the report's number that matched."""

    fact_id: int
    slot: Slot
    number: QuantityFeatures


def figure(number: QuantityFeatures) -> tuple[str | None, float] | None:
    """The stated figure as compared: (unit, value) in the base unit of its dimension when it
    has one; None for a vague figure ("dozens"), which no measure is identified by."""
    stated = number.interval
    if stated.value is None or stated.qualifier == Qualifier.VAGUE:
        return None
    base = number.base
    if number.base_unit is not None and base is not None and base.value is not None:
        return number.base_unit, round(base.value, 6)
    return number.unit, round(stated.value, 6)


def _dimension(measure: str) -> str:
    head = measure.split(SLOT_SEPARATOR)[0]
    return "count" if head == "people" else head


def _words(measure: str) -> set[str]:
    return set(measure.split(SLOT_SEPARATOR)[1:])


def _narrowing(slot: Slot) -> set[str]:
    return {word for word in slot.scope if not word.startswith(_PLACING)}


def _places(slot: Slot) -> set[str]:
    return {word for word in slot.scope if word.startswith("in ")}


def _owners(slot: Slot) -> set[str]:
    return {word for word in slot.scope if word.startswith("of ")}


def _counted(slot: Slot) -> str:
    """The head of the counted noun of a count's measure ("" for a count of people)."""
    parts = slot.measure.split(SLOT_SEPARATOR)
    return "" if parts[0] == "people" else parts[1].split()[-1] if len(parts) > 1 else ""


def _outcomes(words: set[str]) -> set[str]:
    lex = lexicon()
    return words & (lex.outcome_predicates | lex.cumulative_predicates | lex.state_predicates)


def anchorable(measure: str) -> bool:
    """Whether a measure can be identified by a figure at all."""
    return _dimension(measure) not in _NEVER_ANCHORED


def slot_affinity(new: Slot, fact: Slot, value: float) -> int | None:
    """How well a new slot fits a fact's slot that reports the same figure `value`: None when
    they cannot be one measure, else the number of measure words they share (more is
    better)."""
    if not anchorable(new.measure) or not anchorable(fact.measure):
        return None
    if _dimension(new.measure) != _dimension(fact.measure):
        return None
    if _narrowing(new) != _narrowing(fact):
        return None
    if _places(new) != _places(fact):
        return None  # a place scopes a number only away from the story's home
    here, there = _owners(new), _owners(fact)
    if here and there and here != there:
        return None
    words, others = _words(new.measure), _words(fact.measure)
    if _outcomes(words) != _outcomes(others):
        return None
    shared = len(words & others)
    if shared:
        return shared
    dimension = _dimension(new.measure)
    if dimension == "count":
        # Counts of different things share a figure by chance; counts of people named by
        # different nouns ("federal agents", "law enforcement officers") do not.
        people = lexicon().person_nouns | {""}
        return 0 if _counted(new) in people and _counted(fact) in people else None
    if dimension in _BY_NAME_ONLY or abs(value) < DISTINCTIVE:
        return None
    return 0


def story_figures(
    session: Session, story_id: int, article_id: int, values: Iterable[float]
) -> dict[tuple[str | None, float], dict[int, Slot]]:
    """The facts of a story (with their slots) that hold one of these stated values in a
    report of another article, by figure (`figure`)."""
    wanted = sorted(set(values))
    member, fact, quantity = models.FactClaim, models.Fact, models.Quantity
    found: dict[tuple[str | None, float], dict[int, Slot]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(
                col(member.fact_id),
                col(fact.slot),
                col(quantity.value),
                col(quantity.unit),
                col(quantity.base_value),
                col(quantity.base_unit),
                col(quantity.qualifier),
            )
            .join(fact, col(fact.id) == member.fact_id)
            .join(quantity, col(quantity.id) == member.quantity_id)
            .where(
                col(fact.story_id) == story_id,
                col(fact.slot).is_not(None),
                col(member.article_id) != article_id,
                col(quantity.value).in_(wanted[start : start + 500]),
            )
        )
        for fact_id, slot_key, value, unit, base_value, base_unit, qualifier in rows:
            if qualifier == Qualifier.VAGUE.value:
                continue
            key = (
                (base_unit, round(base_value, 6))
                if base_unit is not None and base_value is not None
                else (unit, round(value, 6))
            )
            found.setdefault(key, {})[int(fact_id)] = Slot.parse(str(slot_key))
    return found


def choose_anchor(
    slot: Slot,
    number: QuantityFeatures,
    figures: Mapping[tuple[str | None, float], Mapping[int, Slot]],
) -> Anchor | None:
    """The fact a number of a slot new to its story joins, if any: the most compatible among
    those holding its figure, ties broken by the fact's slot so that the choice does not
    depend on which fact was made first."""
    key = figure(number)
    if key is None:
        return None
    best: tuple[int, str, int, Slot] | None = None
    for fact_id, fact_slot in figures.get(key, {}).items():
        affinity = slot_affinity(slot, fact_slot, key[1])
        if affinity is None:
            continue
        rank = (-affinity, fact_slot.key, fact_id, fact_slot)
        if best is None or rank[:2] < best[:2]:
            best = rank
    return None if best is None else Anchor(best[2], best[3], number)


@dataclass(frozen=True)
class StoredReport:
    """A report of the story from another article, as a paraphrase is looked for: the
    content lemmas of its claim, the dimension of its number, the fact (and slot) it is a
    report of."""

    lemmas: frozenset[str]
    dimension: str
    fact_id: int
    slot: Slot


def overlap(a: frozenset[str], b: frozenset[str]) -> float | None:
    """The share of their content words two claims have in common when they are paraphrases
    of each other (see the module docstring), else None."""
    shared = a & b
    if len(shared) < PARAPHRASE_WORDS:
        return None
    share = len(shared) / len(a | b)
    return share if share >= PARAPHRASE_OVERLAP else None


def measured_dimension_of(unit: str | None) -> str:
    """The dimension a number in this (base) unit measures (`unit_dimension`)."""
    lex = lexicon()
    return unit_dimension(unit, lex.currencies, dict(lex.dimensions))


def choose_paraphrase(
    claim: ClaimFeatures, number: QuantityFeatures, reports: Iterable[StoredReport]
) -> Anchor | None:
    """The fact a report joins as the paraphrase of a stored report, if any: the closest
    paraphrase whose number has the same dimension, ties broken by slot and fact so that the
    choice does not depend on the order reports were stored in."""
    best: tuple[float, str, int, Slot] | None = None
    dimension = measured_dimension_of(number.base_unit or number.unit)
    for report in reports:
        if report.dimension != dimension or not anchorable(report.slot.measure):
            continue
        share = overlap(claim.lemmas, report.lemmas)
        if share is None:
            continue
        rank = (-share, report.slot.key, report.fact_id, report.slot)
        if best is None or rank[:3] < best[:3]:
            best = rank
    return None if best is None else Anchor(best[2], best[3], number)
