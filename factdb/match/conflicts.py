"""Flagging claims of one fact that disagree, or that record a change over time.

Only two reports of one fact (one slot of one story, `factdb.match.matching`) are compared, and only
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

The time a number concerns is `factdb.match.features.report_time`: for a cumulative count, the
later of the stated publication date and a day-precise event date, since "the quake that
struck on Tuesday has killed 12,000" is a count as of the report, not as of Tuesday; for any
other number, its day-precise event date, else the stated publication date. Inferred
publication dates are never used, so the verdict does not depend on which copy of an article
arrived first.

Two reports are never compared when nothing says they measure one thing: reports that joined
one fact under two wordings by their figure alone (`factdb.match.anchoring`), and two rates
whose holder the slot does not name (`holderless_rate`).

Confidence starts from the rule's base (number 0.9, or 0.6 for a cumulative count that fell,
update 0.8, polarity and direction 0.8, date 0.7) and is multiplied by 0.7 when either claim is
hedged, 0.7 when either number is vague or approximate, 0.6 for two ages reported half a year
or more apart (a birthday may lie between), and by the link's score when below 1.

Every conflict row is unique per (earlier claim, later claim, kind): detecting it again (a
re-ingest, another copy) finds the existing row, so reviewers' statuses survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from factdb.match.features import ClaimFeatures, QuantityFeatures, report_time
from factdb.match.lexicon import lexicon
from factdb.match.matching import Link, MatchResult
from factdb.match.number_relations import interval_text, number_relation
from factdb.match.slots import RATE_UNITS, SLOT_SEPARATOR, Slot
from factdb.store import models
from factdb.store.writes import insert_ignoring_duplicates, utcnow

RULES = {
    "number": "number: same fact, intervals do not overlap, same or unknown time",
    "update": "update: same fact, intervals do not overlap, the later report concerns a later time",
    "polarity": "polarity: same fact, one source asserts it and the other negates or denies it",
    "direction": "direction: same fact, one says up and the other down, same or unknown time",
    "date": "date: same event, dates that do not overlap",
}
_HEDGED = 0.7
_VAGUE = 0.7
_AGED = 0.6
# Two ages of one person reported this many days apart or more may both be right.
AGE_MAY_CHANGE_DAYS = 182


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
    if _ages_apart(link, quantities):
        value *= _AGED
    return round(value, 2)


def _ages_apart(link: Link, quantities: tuple[QuantityFeatures | None, ...]) -> bool:
    """Two ages reported, or set in events, half a year or more apart ("On Oct. 6, 1998,
    McKinney, 21," and "McKinney, 22," a year later): a birthday may lie between them, so
    their difference is a weaker sign of a disagreement."""
    if not any(q is not None and q.counted == "age" for q in quantities):
        return False
    times = (
        (link.a.published, link.b.published),
        (link.a.event_end or link.a.published, link.b.event_end or link.b.published),
    )
    return any(
        a is not None and b is not None and abs((a - b).days) >= AGE_MAY_CHANGE_DAYS
        for a, b in times
    )


def holderless_rate(slot: Slot) -> bool:
    """A rate whose holder the slot does not name: "52.9 percent of the vote" and "29 percent
    of the vote" are two candidates' shares, "a tax rate of 36 percent" and "of 45.8 percent"
    two taxpayers' or two taxes'. A share is one measure only with its holder ("Kessler shares
    rose 4 percent"), so two such figures that differ are not flagged."""
    return slot.measure.split(SLOT_SEPARATOR)[0] in RATE_UNITS and slot.holder is None


def _different_doings(link: Link, qa: QuantityFeatures, qb: QuantityFeatures) -> bool:
    """Two counts of one kind of thing that say different things happened to them: "three
    suspects confessed" and "two suspects were held", "six engineers were included" and "five
    engineers were expelled" count different groups. A count of things is compared only under
    one predicate, or where neither names one ("18 security guards")."""
    if link.slot is None or not link.slot.measure.startswith(f"count{SLOT_SEPARATOR}"):
        return False
    lex = lexicon()
    doings = [
        lex.neutral(q.predicate) if q.predicate not in lex.light_predicates else None
        for q in (qa, qb)
    ]
    return None not in doings and doings[0] != doings[1]


def _numbers(link: Link) -> list[Finding]:
    """The number or update finding of the slot's two numbers, if they disagree. Two rates
    are compared only when the slot says whose they are (`holderless_rate`)."""
    if link.slot is not None and (holderless_rate(link.slot) or "part" in link.slot.scope):
        # Two parts of an event's figure ("five of his victims died at the first office",
        # "four were dead within minutes") need not be the same part.
        return []
    for qa, qb in link.quantity_pairs:
        if _different_doings(link, qa, qb):
            continue
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
    """Every conflict the five rules find between the two claims of a link; none between
    reports worded as two measures (`Link.worded_alike`)."""
    if not link.worded_alike:
        return []
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
