"""Plain data produced by the NLP layer and consumed by storage, matching and output.

These types are the contract between `factdb.nlp.*` (which builds them from spaCy docs) and the
rest of factdb (which stores and compares them). They hold no spaCy objects, so they can be
pickled, compared in tests and built by hand.

Offsets: every `start`/`end` pair is a character offset into the stored article text (the article
body `factdb.inputs.readers` produced), so `text[start:end]` reads as the words it came from. Token
indices (`token_start`/`token_end`, end exclusive) are positions in the spaCy `Doc` of that same
text; they let the claim splitter give each quantity and date to the claim whose tokens contain it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Qualifier(StrEnum):
    """How the stated number bounds the true value (see DOMAIN.md, Quantity)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    APPROX = "approx"
    VAGUE = "vague"
    RANGE = "range"


class Polarity(StrEnum):
    """Whether the claim asserts its proposition or negates / denies it."""

    ASSERTED = "asserted"
    NEGATED = "negated"


@dataclass(frozen=True)
class Quantity:
    """A number in a claim, as an interval plus what it counts.

    `low`/`high` are None when unbounded (``at least 26`` has ``high=None``). Inclusivity is
    kept so that ``more than 3,800`` (open at 3800) and ``at least 3,800`` differ.
    `unit` is None for plain counts; otherwise a normalized unit code such as ``USD``,
    ``percent``, ``basis_point``, ``km``. `counted` is the lemmatized counted noun phrase
    (``security guard``), `predicate` the lemma of the governing predicate (``kill``).
    `base_value`/`base_low`/`base_high` restate the value and interval in `base_unit`, the
    base unit of the quantity's dimension (``meter``, ``kilogram``, ``second``; money in its
    currency code, ``percent`` as is), so measures written in different units compare; all
    four are None for plain counts and for units that do not convert.
    """

    raw: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: Qualifier
    unit: str | None = None
    counted: str | None = None
    predicate: str | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    start: int = 0
    end: int = 0
    token_start: int = 0
    token_end: int = 0
    base_value: float | None = None
    base_low: float | None = None
    base_high: float | None = None
    base_unit: str | None = None

    def overlaps(self, other: Quantity) -> bool:
        """True when both intervals can hold the same true value (units must already match)."""
        lo_a = -math.inf if self.low is None else self.low
        hi_a = math.inf if self.high is None else self.high
        lo_b = -math.inf if other.low is None else other.low
        hi_b = math.inf if other.high is None else other.high
        if hi_a < lo_b or hi_b < lo_a:
            return False
        # Touching ends share a value only if both are closed: [20, 30] and (30, ∞) do not.
        if hi_a == lo_b and not (self.high_inclusive and other.low_inclusive):
            return False
        return not (hi_b == lo_a and not (other.high_inclusive and self.low_inclusive))


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text and what it resolves to.

    `resolved_start`/`resolved_end` bound the period the expression names (equal for a single
    day; the first and last day of a month for ``March 2020``). Both are None when the
    expression cannot be resolved (a relative date in an article with no publication date);
    the original `text` is always kept. `granularity` is ``day``, ``week``, ``month`` or
    ``year``.
    """

    text: str
    resolved_start: date | None
    resolved_end: date | None
    granularity: str | None = None
    start: int = 0
    end: int = 0
    token_start: int = 0
    token_end: int = 0


@dataclass(frozen=True)
class TimeMention:
    """A temporal expression of any kind, normalised as a TIMEX3 value (TimeML).

    `type` is ``DATE`` (a calendar period: ``2013-03-22``, ``2012-07``, ``2013-W11``,
    ``2012-SU``, ``2013-Q1``, ``199`` for the 1990s, ``PRESENT_REF``), ``TIME`` (a clock time
    or part of a day: ``1999-10-31T01:52``, ``2013-03-20TNI``), ``DURATION`` (``P3D``,
    ``PT40M``, ``PXY`` for "years") or ``SET`` (a repetition: ``P1W`` for "every week",
    ``XXXX-WXX-1`` for "every Monday"). Unknown parts of a value are ``X``
    (``XXXX-XX-XX``); `resolved` is False exactly when the value still has one.

    `role` is what the expression does for its claim: ``event`` (when it happened or
    happens), ``reference`` (a point it is measured from: "since March 2020", "after
    Tuesday's quake"), ``deadline`` (a limit: "due 2045", "by 2030", "until Monday") or
    ``duration`` (how long: every DURATION).
    """

    text: str
    type: str
    value: str
    role: str
    resolved: bool
    start: int = 0
    end: int = 0
    token_start: int = 0
    token_end: int = 0


@dataclass(frozen=True)
class Entity:
    """A named entity mentioned in a claim (spaCy NER label such as ``GPE``, ``ORG``)."""

    text: str
    label: str


@dataclass
class ClaimDraft:
    """One atomic claim extracted from an article, before it is stored.

    `start`/`end` cut the evidence span out of the article text; `sentence_start`/
    `sentence_end` the whole sentence it came from. `speaker` is who the text attributes the
    claim to (``Interior Ministry``); `speaker_resolved` is False when the speaker is a pronoun
    that could not be tied to a named speaker.

    `standalone` is the claim as a reader can check it without the article: `text` with
    pronouns and descriptions of a named person or organisation replaced by the name and an
    elided subject restored ("he had joined" → "Kerr had joined"); None means `text` as it
    is. `subject_entity` is the named person or organisation the claim's subject stands for.
    """

    sentence_index: int
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    text: str
    normalized: str
    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    speaker: str | None = None
    speaker_resolved: bool = True
    polarity: Polarity = Polarity.ASSERTED
    hedged: bool = False
    is_headline: bool = False
    event_date: DateMention | None = None
    times: list[TimeMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    standalone: str | None = None
    subject_entity: str | None = None
