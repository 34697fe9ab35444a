"""How two reported numbers of one fact relate: they agree, one updates the other, they
conflict, or they are apart (two different things after all). The rules are those of
`factdb.match.conflicts` (its docstring explains them); kept apart from its storage so that the
timeline can compare reports without the database layer.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from factdb.match.features import ClaimFeatures, QuantityFeatures, report_time
from factdb.match.lexicon import lexicon
from factdb.match.slots import SLOT_SEPARATOR, current
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval


def interval_text(interval: Interval) -> str:
    """An interval in mathematical notation: ``[26, 26]``, ``(3800, ∞)``, ``[0, 100)``."""
    low = "-∞" if interval.low is None else f"{interval.low:g}"
    high = "∞" if interval.high is None else f"{interval.high:g}"
    left = "[" if interval.low is not None and interval.low_inclusive else "("
    right = "]" if interval.high is not None and interval.high_inclusive else ")"
    return f"{left}{low}, {high}{right}"


def _point(interval: Interval) -> float | None:
    """One value standing for an interval: its value, else the middle or its finite end."""
    if interval.value is not None:
        return interval.value
    if interval.low is not None and interval.high is not None:
        return (interval.low + interval.high) / 2
    return interval.low if interval.low is not None else interval.high


# Two magnitudes this far apart are two shocks (an aftershock, another quake), not two
# readings of one: the scale is logarithmic, so a ratio says nothing.
_MAGNITUDE_APART = 1.5


def far_apart(qa: QuantityFeatures, qb: QuantityFeatures, measure: str | None) -> bool:
    """Two figures of one slot too far apart to be two reports of one value.

    Reporters disagree by a margin; a figure under half the other (27 engines against nine,
    a cruise altitude against the altitude of the break-up, 90 seconds against 40 minutes)
    measures something else that the slot's words could not tell apart. Amounts of money are
    the exception: estimates of one loss differ four-fold ($4.5 billion against $20 billion).
    """
    if measure is None or measure.startswith("money:"):
        return False
    x, y = _point(qa.compared), _point(qb.compared)
    if x is None or y is None:
        return False
    if measure == "magnitude":
        return abs(x - y) >= _MAGNITUDE_APART
    small, large = sorted((abs(x), abs(y)))
    return large > 0 and small < large / 2


# Rounding in a conversion between units: 19,000 feet is 5,791 meters, reported as 5,730.
_CONVERSION_SLACK = 0.02


def _same_after_conversion(qa: QuantityFeatures, qb: QuantityFeatures) -> bool:
    """Two measurements stated in different units that differ by no more than the rounding
    of a conversion."""
    if qa.unit == qb.unit or qa.base is None or qb.base is None:
        return False
    x, y = _point(qa.compared), _point(qb.compared)
    if x is None or y is None:
        return False
    return abs(x - y) <= _CONVERSION_SLACK * max(abs(x), abs(y))


# Measures that news does not round: a time of day, an age (counts have no unit at all).
_NEVER_ROUNDED_UNITS = frozenset({"clock_time"})


def _precision(value: float) -> Decimal:
    """The place of a figure's last significant digit: 500,000 → 100,000, 230 → 10, 53 → 1,
    52.94 → 0.01."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return Decimal(1).scaleb(int(exponent))


def _rounded_alike(qa: QuantityFeatures, qb: QuantityFeatures) -> bool:
    """A bare figure of a measure (money, a rate, a physical unit) written less precisely than
    another agrees with it when it is the other rounded to its own precision (DOMAIN.md,
    "Round figures and bounds"): "53 percent" and "52.94 percent", "500,000 acres" and
    "530,000 acres", "$1.4 billion" and "$1.375 billion". Counts, ages and clock times are not
    rounded this way."""
    if qa.unit is None or qa.unit != qb.unit or qa.unit in _NEVER_ROUNDED_UNITS:
        return False
    if "age" in (qa.counted, qb.counted):
        return False
    for rough, fine in ((qa, qb), (qb, qa)):
        stated, other = rough.interval, fine.interval
        if stated.qualifier != Qualifier.EXACT or stated.value is None or other.value is None:
            continue
        step = _precision(stated.value)
        if step <= _precision(other.value):
            continue
        rounded = (Decimal(repr(other.value)) / step).quantize(Decimal(1), ROUND_HALF_UP) * step
        if rounded == Decimal(repr(stated.value)):
            return True
    return False


def _closed(interval: Interval) -> Interval:
    """An interval with its ends included. A bound includes its own number when figures are
    compared (DOMAIN.md, "Round figures and bounds"): "more than 5,000 injured" restates the
    round "5,000 injured" as often as it corrects it, so the two agree."""
    return replace(interval, low_inclusive=True, high_inclusive=True)


def _reach(quantity: QuantityFeatures) -> Interval:
    """What a loose mention can be held to: a plural number word written after a larger
    figure was reported names a floor, not a band ("thousands of deaths", a week after 12,000
    were counted, is true of them), so it never contradicts that figure. Reported before it
    or on the same day, its band stands: "dozens" on day one and 131 later is an update,
    "dozens" against 164 the same day a disagreement."""
    compared = quantity.compared
    if quantity.interval.qualifier != Qualifier.VAGUE or compared.high is None:
        return compared
    return replace(compared, high=None)


def _state(quantity: QuantityFeatures, measure: str | None) -> bool:
    """The figure counts people in a state they enter and leave (missing, trapped): it may
    move either way between two reports."""
    states = lexicon().state_predicates
    return quantity.predicate in states or (
        measure is not None and measure.split(SLOT_SEPARATOR)[-1] in states
    )


def _current(claim: ClaimFeatures, quantity: QuantityFeatures) -> bool:
    """The figure is given as how things stand at the report ("now", "still", "remain")."""
    start = quantity.start - claim.sentence_start
    return current(claim.sentence, start, quantity.end - claim.sentence_start)


def number_relation(
    a: ClaimFeatures,
    qa: QuantityFeatures,
    b: ClaimFeatures,
    qb: QuantityFeatures,
    cumulative: bool | None = None,
    measure: str | None = None,
) -> str:
    """``agree`` (intervals overlap, or a loose mention reaches the other: `_reach`),
    ``update`` (disjoint, and the later report is later in
    time with a figure the slot allows to move: see the module docstring), ``number``, or
    ``apart``, never flagged: a vague word ("thousands", "dozens"), a cumulative count whose
    later figure is under half the earlier one (it counts something narrower, not a
    revision), two figures of another `measure`
    (the slot's) that are `far_apart`, or two changes ("shares fell 6 percent") of different
    days, which are two movements, as for a `direction` conflict.

    `cumulative` says whether the slot only grows; by default the numbers' predicate says.
    """
    if (
        _closed(qa.compared).overlaps(_closed(qb.compared))
        or _same_after_conversion(qa, qb)
        or _rounded_alike(qa, qb)
    ):
        return "agree"
    ta, tb = report_time(a, qa), report_time(b, qb)
    for loose, other, loose_time, other_time in ((qa, qb, ta, tb), (qb, qa, tb, ta)):
        later = loose_time is not None and other_time is not None and loose_time > other_time
        if later and _closed(_reach(loose)).overlaps(_closed(other.compared)):
            return "agree"
    if Qualifier.VAGUE in (qa.interval.qualifier, qb.interval.qualifier) and not (
        _state(qa, measure) or _state(qb, measure)
    ):
        # "thousands killed", "dozens of people": the word's interval is a convention
        # (DOMAIN.md), not a figure anyone stated, so it is not checked against a figure.
        # People in a state they leave are the exception: "dozens missing" on Sunday and 15
        # a week later is the news that most were found.
        return "apart"
    if cumulative is None:
        cumulative = qa.predicate in lexicon().cumulative_predicates
    if ta is not None and tb is not None and ta != tb:
        # A cumulative count given as it stands ("33,515 currently under treatment") is still
        # one that may only grow.
        now = not cumulative and (_current(a, qa) or _current(b, qb))
        if _state(qa, measure) or now:
            return "update"
        if measure is not None and measure.endswith(f"{SLOT_SEPARATOR}change"):
            return "apart"  # "fell 6 percent" one day, "fell 3 percent" another: two moves
    if not cumulative and far_apart(qa, qb, measure):
        return "apart"
    if ta is None or tb is None or ta == tb:
        return "number"
    first, second = (qa, qb) if ta < tb else (qb, qa)
    if cumulative:
        rose = first.compared.high is not None and (second.compared.low or 0) >= first.compared.high
        low, high = first.compared.low, second.compared.high
        if not rose and low is not None and high is not None and high < low / 2:
            # A toll is revised down (17,997 to 12,514) but does not fall from 12,000 to 1:
            # such a figure counts something narrower (one town, an aftershock).
            return "apart"
        return "update" if rose else "number"
    dated = a.event_granularity == b.event_granularity == "day"
    return "update" if dated and a.event_start != b.event_start else "number"
