"""Which slot of its story a stored claim fills (`claim_slot`): the measure and scope of its
main number, or the proposition of a claim without numbers.

The slot of a claim is that of its main number (`ClaimFeatures.number`): the one its
predicate governs, else the first that counts something with a predicate of its own. The
number's scope comes from the words around it in its sentence (`factdb.match.slots`) and from
the story: a place that is not one of the story's home places (`factdb.match.stories.Home`)
narrows it, and so does a time long before the report (a claim about an event that ended more
than `HISTORY_DAYS` days before its publication: "the 1939 quake, which killed 20,000").
"""

from __future__ import annotations

import re
from datetime import date

from factdb.match.features import (
    ClaimFeatures,
    QuantityFeatures,
)
from factdb.match.lexicon import lexicon
from factdb.match.slots import (
    RATE_UNITS,
    SLOT_SEPARATOR,
    MeasureInput,
    Slot,
    aboard,
    age_holder,
    difference,
    elapsed,
    head_word,
    kin_of_another,
    lost_contact,
    measure,
    measured_dimension,
    movement,
    one_of_several,
    other_event,
    proposition_key,
    scope_words,
    time_of_writing,
    unit_dimension,
    unreported,
)
from factdb.match.stories import (
    Home,
)
from factdb.nlp.stop_words import stop_words

# An event this long before its story's first report is another event, cited for context. A
# breach found in May and first reported in September is still the story's own.
HISTORY_DAYS = 365


_PLACE_REACH = 50  # characters between a number and a place that scopes it


def historical(claim: ClaimFeatures, since: date | None = None) -> bool:
    """The claim is about a time long before its story: its event date ends more than
    `HISTORY_DAYS` days before the story was first reported (`since`, else the claim's
    stated publication date): "the largest quake on the fault was in 1939, which killed
    20,000", in a 1999 article."""
    reference = since or claim.published
    return (
        reference is not None
        and claim.event_end is not None
        and (reference - claim.event_end).days > HISTORY_DAYS
    )


def _split_place(counted: str | None) -> tuple[str | None, str | None]:
    """A counted noun with the place or people it names taken out: "uk consumer" →
    ("consumer", "united kingdom"), "briton" → ("people", "united kingdom")."""
    if not counted:
        return counted, None
    places = lexicon().places
    words = counted.split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            name = " ".join(words[i : i + size])
            if name in places:
                rest = " ".join(words[:i] + words[i + size :])
                return rest or "people", places[name]
            if name.endswith("s") and name[:-1] in places:
                rest = " ".join(words[:i] + words[i + size :])
                return rest or "people", places[name[:-1]]
    return counted, None


_PAST_VERB = re.compile(r"\b([a-z]+ed)\b")


def _reported(content: str, normalized: str) -> tuple[str | None, str | None, str | None]:
    """(predicate, subject, object) of reported content left whole ("officials said toxic
    gas leaked into the river"): the first past-tense verb of the content is its predicate,
    the words before it its subject; `normalized` gives the verb's lemma."""
    found = _PAST_VERB.search(content.lower())
    if found is None:
        return None, None, None
    lemma = next(
        (w for w in normalized.split() if len(w) >= 3 and found.group(1).startswith(w)), None
    )
    subject = content[: found.start()].strip() or None
    return lemma, subject, None


def claim_slot(claim: ClaimFeatures, home: Home) -> tuple[Slot | None, QuantityFeatures | None]:
    """The slot of a claim (see the module docstring) and the number that decides it."""
    lex = lexicon()
    past = (
        (f"year {claim.event_end:%Y}",) if historical(claim, home.since) and claim.event_end else ()
    )
    if not claim.number:
        predicate, subject, obj = claim.predicate, claim.subject, claim.object
        if predicate in lex.light_predicates and claim.object:
            predicate, subject, obj = _reported(claim.object, claim.normalized)
        key = proposition_key(
            lex.neutral(predicate),
            head_word(subject, stop_words()),
            head_word(obj, stop_words()),
            lex.light_predicates,
        )
        return (Slot(key, past) if key else None), None
    slotted = [(slot, n) for n in claim.ranked_numbers if (slot := _number_slot(claim, n, home))]
    if not slotted:
        return None, claim.number[0]
    # A claim is one fact: that of its first whole figure ("an additional 2.5 million …,
    # bringing the total to 145.5 million" is a report of the total).
    whole = [(slot, n) for slot, n in slotted if not NARROWING & set(slot.scope)]
    slot, number = (whole or slotted)[0]
    if slot.measure == "age":
        # An age is stated as of the report, whatever time the claim's event is set in:
        # "Rudolph, 33, is charged in the 1996 bombings" gives his age now.
        return slot, number
    return Slot(slot.measure, slot.scope + past), number


NARROWING = frozenset({"part", "increment", "preliminary", "forecast"})


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Characters before a number in which a year names the event it belongs to: "in a 1983
# accident off the coast the crew perished at a depth of 180 feet".
_YEAR_REACH = 100


def _earlier_year(claim: ClaimFeatures, number: QuantityFeatures, since: date | None) -> int | None:
    """A year before the story's first report (`since`, else the claim's publication) named
    near a number in its sentence, if any."""
    reference = since or claim.published
    if reference is None:
        return None
    start = number.start - claim.sentence_start
    end = number.end - claim.sentence_start
    window = (
        claim.sentence[max(0, start - _YEAR_REACH) : start] + " " + claim.sentence[end : end + 60]
    )
    years = [int(y) for y in _YEAR.findall(window) if int(y) < reference.year]
    return max(years) if years else None


CLOCK_TIME = "clock_time"


LOST_CONTACT = "disappear"  # the predicate of the time contact with a craft was lost


# Predicates (synonym keys) of getting something: what is got is the getter's.
_RECEIVING = frozenset({"receive"})


def _owner(claim: ClaimFeatures) -> str | None:
    """Whose an amount or a share is: the named person or organisation the claim's subject
    stands for ("he raised $200,000" → brat, by `ClaimFeatures.subject_entity`), by its last
    word as a name is known elsewhere; else the head of the subject as written."""
    if claim.subject_entity:
        return claim.subject_entity.lower().split()[-1]
    return head_word(claim.subject, stop_words())


def _describes_subject(claim: ClaimFeatures, number: QuantityFeatures, holder: str | None) -> bool:
    """The age is written in the claim's subject, which the article resolves to a named
    person, and its own words name no one ("the 72-year-old navy veteran", not "Nordmann,
    71,")."""
    if not claim.subject_entity or number.raw not in (claim.subject or ""):
        return False
    return holder is None or not any(holder in name.split() for name in claim.people)


def _number_slot(claim: ClaimFeatures, number: QuantityFeatures, home: Home) -> Slot | None:
    """The slot one number of a claim would fill, None when what it measures is unknown."""
    lex = lexicon()
    counted, place = _split_place(number.counted)
    predicate = number.predicate
    standing_for = next(
        (v for k, v in lex.counted_as.items() if counted == k or (counted or "").endswith(f" {k}")),
        None,
    )
    if standing_for is not None:
        counted, predicate = standing_for
    unit = number.unit
    at, to = number.start - claim.sentence_start, number.end - claim.sentence_start
    if unit == CLOCK_TIME and lost_contact(claim.sentence, at, to):
        predicate = LOST_CONTACT
    if unit is None and counted is not None and counted in lex.unit_nouns:
        unit, counted = lex.unit_nouns[counted], None
    if unreported(claim.sentence, at, to):
        return None
    if counted == "age":
        # An age is a measure of one person, compared only with that person's age: the one its
        # words name, else the claim's subject or the person it names. (Never a time elapsed:
        # "a 9-year-old girl from the floodwaters".)
        # A person is known by surname ("Russell Henderson, 22," and "Henderson, 21," are one),
        # unless the article gives that surname to two people ("Kerr, 44," and "his wife, Dana
        # Kerr, 36,"): then only the full name tells, and a bare "Kerr" is neither.
        # A description or pronoun that holds the age as the claim's subject ("the 72-year-old
        # navy veteran", "the 49-year-old teaches") is the person the article resolves it to.
        holder = age_holder(claim.sentence, at, to, stop_words())
        if _describes_subject(claim, number, holder):
            holder = (claim.subject_entity or "").lower()
        person = holder or head_word(claim.subject, stop_words())
        person = person or next(iter(sorted(claim.people)), None)
        if (
            person is not None
            and person.split()[-1] not in claim.namesakes
            and not kin_of_another(claim.sentence, at)
        ):
            person = person.split()[-1]
        return Slot("age", (f"of {person}",)) if person else None
    scope = scope_words(claim.sentence, at, to)
    dimension = unit_dimension(number.base_unit or unit, lex.currencies, dict(lex.dimensions))
    if other_event(claim.sentence, claim.subject):
        scope.add("another event")
    ordinal = one_of_several(claim.subject)
    if ordinal is not None:
        scope.add(f"the {ordinal}")
    if dimension == "count" and difference(claim.sentence, at):
        scope.add("difference")
    past = _earlier_year(claim, number, home.since)
    if past is not None:
        # "two people who perished in the 1996 crash", "the 2015 attack that killed 90": a
        # figure of an earlier event named beside it, never the story's own.
        scope.add(f"year {past}")
    named = None
    if dimension not in ("count", "magnitude") and not dimension.startswith("money:"):
        named = measured_dimension(claim.sentence, at, to, counted)
        counted = named or counted
    moving = None
    if dimension == "length" and named in (None, "altitude"):
        # An altitude named for itself ("its cruise altitude of 9,900 meters") is a level.
        moving = movement(claim.sentence, at) or ("at" if named else None)
    what = (
        f"length{SLOT_SEPARATOR}{moving}"
        if moving
        else measure(
            MeasureInput(
                counted=counted,
                predicate=lex.neutral(predicate),
                unit=unit,
                claim_lemmas=claim.lemmas,
                claim_predicate=claim.predicate,
                elapsed=elapsed(claim.sentence, to),
                aboard=aboard(claim.sentence, to),
            ),
            person_nouns=lex.person_nouns,
            outcome_predicates=lex.outcome_predicates,
            light_predicates=lex.light_predicates,
            dimension=dimension,
        )
    )
    if what is None:
        return None
    if what == f"duration{SLOT_SEPARATOR}elapsed":
        compared = number.compared
        if time_of_writing(compared.low if compared.low is not None else compared.high):
            return None
    owner = _owner(claim)
    if dimension == "count" or dimension.startswith("money:"):
        # A count or an amount belongs to a place: "984 dead in Istanbul" is a part of the
        # national toll. (A magnitude or an altitude measured "in the United States" is not.)
        placed: tuple[str, ...] = (place,) if place else number.places
        away = [p for p in placed if p not in home.places]
        if away:
            scope.add(f"in {away[0]}")
        elif len(home.places) > 1 and placed:
            # A story about two places (a quake in Turkey and Syria): the toll "in Syria" is a
            # part of the combined one, which names no place or both.
            here = sorted(set(placed))
            if len(here) == 1:
                scope.add(f"in {here[0]}")
    if dimension.startswith("money:"):
        if owner is None:  # "$5.4 million" of whom? Two candidates' funds are two facts.
            return None
        scope.add(f"of {owner}")
    elif dimension == "count" and predicate in _RECEIVING and not NARROWING & scope:
        # "Pollick won 9,210 votes", "Harlow received 4,500": a count belongs to its receiver.
        if owner is None:
            return None
        scope.add(f"of {owner}")
    elif dimension in RATE_UNITS and counted is None and owner is not None:
        # "Kessler shares rose 4 percent": a rate named by its verb is its subject's.
        scope.add(f"of {owner}")
    elif what.endswith(f"{SLOT_SEPARATOR}change"):
        # "climbed to 24,000 feet", "recovered from 300 feet": a movement says what moved
        # only through its subject.
        if owner is None:
            return None
        scope.add(f"of {owner}")
    return Slot(what, tuple(sorted(scope)))
