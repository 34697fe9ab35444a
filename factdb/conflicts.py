"""Flagging claims of one fact that disagree, or that record a change over time.

Only two reports of one fact (one slot of one story, `factdb.matching`) are compared, and only
when their articles are independent: different articles (of any outlets, the same one
included) that are not copies of each other. A copy never conflicts with its original. Each
pair goes through five rules, each with its own `kind`:

- ``number``: the two numbers of the slot have disjoint intervals and the later report is not
  an update of the earlier: "26 killed" and "164 killed" on the same day; a magnitude of 7.4
  against 7.8; a cumulative count whose later figure is *lower* (a revision, or a
  disagreement: either way a reader must look). "dozens" and "26" overlap, so they agree.
- ``update``: disjoint, and the later report concerns a later time with a figure that moved
  the way the slot allows: a cumulative count (killed, injured, affected…) that rose from 600
  to 7,085; a count of people in a state they enter and leave (missing, trapped,
  stranded), up or down ("dozens missing" on Sunday, "15 unaccounted for" a week later); a
  figure of another measure given as how things stand ("2,100 firefighters are now
  assigned", "still", "remain"), up or down; or any other measure whose two day-precise
  event dates differ (a price on Monday and on Friday). It is listed and labelled, never
  hidden.
- ``polarity``: one claim asserts what the other negates or denies.
- ``direction``: one says the value went up, the other down (rose vs fell), same or unknown
  time.
- ``date``: the same event (a claim without numbers: something happened) dated on days —
  or months, or years — that do not overlap.

The time a number concerns is `factdb.matching.report_time`: for a cumulative count, the
later of the stated publication date and a day-precise event date, since "the quake that
struck on Tuesday has killed 12,000" is a count as of the report, not as of Tuesday; for any
other number, its day-precise event date, else the stated publication date. Inferred
publication dates are never used, so the verdict does not depend on which copy of an article
arrived first.

Confidence starts from the rule's base (number 0.9, or 0.6 for a cumulative count that fell,
update 0.8, polarity and direction 0.8, date 0.7) and is multiplied by 0.7 when either claim is
hedged, 0.7 when either number is vague or approximate, and by the link's score when below 1.

Every conflict row is unique per (earlier claim, later claim, kind): detecting it again (a
re-ingest, another copy) finds the existing row, so reviewers' statuses survive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlmodel import Session, col

from factdb import models
from factdb.matching import (
    ClaimFeatures,
    Link,
    MatchResult,
    QuantityFeatures,
    lexicon,
    report_time,
)
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval
from factdb.slots import SLOT_SEPARATOR, current
from factdb.store import insert_ignoring_duplicates, utcnow

KINDS = ("number", "update", "polarity", "direction", "date")
RULES = {
    "number": "number: same fact, intervals do not overlap, same or unknown time",
    "update": "update: same fact, intervals do not overlap, the later report concerns a later time",
    "polarity": "polarity: same fact, one source asserts it and the other negates or denies it",
    "direction": "direction: same fact, one says up and the other down, same or unknown time",
    "date": "date: same event, dates that do not overlap",
}
_HEDGED = 0.7
_VAGUE = 0.7


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
    ``apart``, never flagged: a cumulative count whose later figure is under half the earlier
    one (it counts something narrower, not a revision), two figures of another `measure`
    (the slot's) that are `far_apart`, or two changes ("shares fell 6 percent") of different
    days, which are two movements, as for a `direction` conflict.

    `cumulative` says whether the slot only grows; by default the numbers' predicate says.
    """
    if qa.compared.overlaps(qb.compared) or _same_after_conversion(qa, qb):
        return "agree"
    ta, tb = report_time(a, qa), report_time(b, qb)
    for loose, other, loose_time, other_time in ((qa, qb, ta, tb), (qb, qa, tb, ta)):
        later = loose_time is not None and other_time is not None and loose_time > other_time
        if later and _reach(loose).overlaps(other.compared):
            return "agree"
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


@dataclass(frozen=True)
class Finding:
    """One conflict found between two claims: `a` is the earlier report."""

    kind: str
    a: ClaimFeatures
    b: ClaimFeatures
    quantity_a: QuantityFeatures | None
    quantity_b: QuantityFeatures | None
    confidence: float
    detail: str

    @property
    def rule(self) -> str:
        """The rule that fired, as shown to users."""
        return RULES[self.kind]


def _side(claim: ClaimFeatures, quantity: QuantityFeatures | None) -> str:
    published = claim.published.isoformat() if claim.published else "no stated date"
    if claim.event_start is not None:
        event = f", event date {claim.event_start.isoformat()} ({claim.event_text!r})"
    elif claim.event_text:
        event = f", event date {claim.event_text!r} (unresolved)"
    else:
        event = ""
    number = f" says {quantity.raw!r} {interval_text(quantity.interval)}" if quantity else ""
    source = claim.source or "unknown source"
    sentence = " ".join(claim.sentence.split())
    return f"{source} (published {published}{event}){number}: “{sentence}”"


def _explain(
    kind: str,
    a: ClaimFeatures,
    qa: QuantityFeatures | None,
    b: ClaimFeatures,
    qb: QuantityFeatures | None,
    why: str,
) -> str:
    return f"{kind}: {why}. A: {_side(a, qa)} B: {_side(b, qb)} Rule: {RULES[kind]}."


def _confidence(base: float, link: Link, *quantities: QuantityFeatures | None) -> float:
    value = base * min(1.0, link.score)
    if link.a.hedged or link.b.hedged:
        value *= _HEDGED
    if any(q is not None and q.vague for q in quantities):
        value *= _VAGUE
    return round(value, 2)


def _numbers(link: Link) -> list[Finding]:
    """The number or update finding of the slot's two numbers, if they disagree."""
    for qa, qb in link.quantity_pairs:
        relation = number_relation(
            link.a, qa, link.b, qb, link.cumulative, link.slot.measure if link.slot else None
        )
        if relation in ("agree", "apart"):
            continue
        a, b, first, second = link.a, link.b, qa, qb
        ta, tb = report_time(a, qa), report_time(b, qb)
        if (ta is not None and tb is not None and ta != tb and ta > tb) or (
            (ta is None or tb is None or ta == tb) and a.order_key() > b.order_key()
        ):
            a, b, first, second = b, a, qb, qa
        what = link.slot.describe() if link.slot else (qa.counted or qa.unit or "the value")
        if relation == "update":
            rose = (second.compared.low or 0) >= (first.compared.high or 0)
            why = (
                f"{what}: {'rose' if rose else 'fell'} from {first.raw!r} "
                f"{interval_text(first.interval)} (as of {report_time(a, first)}) to "
                f"{second.raw!r} {interval_text(second.interval)} "
                f"(as of {report_time(b, second)})"
            )
            return [
                Finding(
                    "update",
                    a,
                    b,
                    first,
                    second,
                    _confidence(0.8, link, qa, qb),
                    _explain("update", a, first, b, second, why),
                )
            ]
        fell = (
            link.cumulative
            and report_time(a, first) != report_time(b, second)
            and None not in (report_time(a, first), report_time(b, second))
        )
        time = report_time(a, first) or report_time(b, second)
        why = (
            f"both give {what}, {first.raw!r} {interval_text(first.interval)} and "
            f"{second.raw!r} {interval_text(second.interval)} do not overlap, and "
            + (
                "the later figure is lower, though the count only grows: a revision of the "
                "earlier figure or a disagreement"
                if fell
                else "both concern " + (f"the same time ({time})" if time else "an unknown time")
            )
        )
        return [
            Finding(
                "number",
                a,
                b,
                first,
                second,
                _confidence(0.6 if fell else 0.9, link, qa, qb),
                _explain("number", a, first, b, second, why),
            )
        ]
    return []


def _ordered(link: Link) -> tuple[ClaimFeatures, ClaimFeatures]:
    return (link.a, link.b) if link.a.order_key() <= link.b.order_key() else (link.b, link.a)


def _polarity(link: Link) -> list[Finding]:
    """Asserted against negated, for the same proposition only: the slot of a claim without
    numbers, or a number slot whose two claims share their (meaningful) predicate."""
    if link.a.polarity == link.b.polarity:
        return []
    lex = lexicon()
    proposition = link.slot is not None and link.slot.measure.startswith("claim|")
    same_predicate = (
        link.a.predicate is not None
        and link.a.predicate not in lex.light_predicates
        and lex.neutral(link.a.predicate) == lex.neutral(link.b.predicate)
    )
    if not (proposition or same_predicate):
        return []
    a, b = _ordered(link)
    why = f"A is {a.polarity} and B is {b.polarity}"
    return [
        Finding(
            "polarity",
            a,
            b,
            None,
            None,
            _confidence(0.8, link),
            _explain("polarity", a, None, b, None, why),
        )
    ]


def _direction(link: Link) -> list[Finding]:
    lex = lexicon()
    directions: list[
        tuple[str | None, str | None, QuantityFeatures | None, QuantityFeatures | None]
    ] = [(lex.direction(link.a.predicate), lex.direction(link.b.predicate), None, None)]
    directions += [
        (lex.direction(qa.predicate), lex.direction(qb.predicate), qa, qb)
        for qa, qb in link.quantity_pairs
    ]
    for da, db, qa, qb in directions:
        if da is None or db is None or da == db:
            continue
        ta, tb = report_time(link.a, qa), report_time(link.b, qb)
        if ta is not None and tb is not None and ta != tb:
            return []  # up one day, down the next: two movements, not a contradiction
        a, b = _ordered(link)
        first, second = (qa, qb) if a is link.a else (qb, qa)
        why = (
            f"A says it went {da if a is link.a else db}, B says it went "
            f"{db if a is link.a else da}, about the same or an unknown time"
        )
        return [
            Finding(
                "direction",
                a,
                b,
                first,
                second,
                _confidence(0.8, link, qa, qb),
                _explain("direction", a, first, b, second, why),
            )
        ]
    return []


def _date(link: Link) -> list[Finding]:
    a, b = _ordered(link)
    if a.quantities or b.quantities or a.event_start is None or b.event_start is None:
        return []
    if lexicon().direction(a.predicate) or lexicon().direction(b.predicate):
        return []  # a movement on one day and one on another are two movements
    if a.event_granularity != b.event_granularity:
        return []
    a_end, b_end = a.event_end or a.event_start, b.event_end or b.event_start
    if a.event_start <= b_end and b.event_start <= a_end:
        return []
    why = (
        f"A dates it {a.event_start.isoformat()} ({a.event_text!r}), B "
        f"{b.event_start.isoformat()} ({b.event_text!r}); the {a.event_granularity}s differ"
    )
    return [
        Finding(
            "date",
            a,
            b,
            None,
            None,
            _confidence(0.7, link),
            _explain("date", a, None, b, None, why),
        )
    ]


def independent(link: Link, result: MatchResult) -> bool:
    """Different articles that are not copies of each other. Two articles of one outlet are
    compared too: a paper that raised its own toll updated it, one that gave two figures for
    one moment contradicted itself."""
    return link.a.article_id != link.b.article_id and not result.are_copies(link)


def findings(link: Link) -> list[Finding]:
    """Every conflict the five rules find between the two claims of a link."""
    return _numbers(link) + _polarity(link) + _direction(link) + _date(link)


def record_conflicts(session: Session, result: MatchResult) -> int:
    """Store the conflicts of one article's links; return how many are new.

    Runs inside the caller's per-article transaction. A pair already recorded (for example a
    dismissed one) is left as it is, so reviewers' decisions survive later ingests.
    """
    now = utcnow()
    found = [
        {
            "claim_a_id": finding.a.id,
            "claim_b_id": finding.b.id,
            "quantity_a_id": finding.quantity_a.id if finding.quantity_a else None,
            "quantity_b_id": finding.quantity_b.id if finding.quantity_b else None,
            "kind": finding.kind,
            "rule": finding.rule,
            "detail": finding.detail,
            "confidence": finding.confidence,
            "status": "open",
            "created_at": now,
            "updated_at": now,
        }
        for link in result.links
        if independent(link, result)
        for finding in findings(link)
    ]
    if not found:
        return 0
    conflict = models.Conflict
    known = {
        (a, b, kind)
        for a, b, kind in session.execute(
            select(col(conflict.claim_a_id), col(conflict.claim_b_id), col(conflict.kind)).where(
                col(conflict.claim_a_id).in_({row["claim_a_id"] for row in found})
            )
        )
    }
    new = [r for r in found if (r["claim_a_id"], r["claim_b_id"], r["kind"]) not in known]
    # Counted here, not from the INSERT's row count, which PostgreSQL drivers may not report.
    insert_ignoring_duplicates(session, conflict, new, ["claim_a_id", "claim_b_id", "kind"])
    return len(new)


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
