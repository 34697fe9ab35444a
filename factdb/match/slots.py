"""Quantity slots: *what exactly* a number measures, so that only like is compared with like.

Within one story (`factdb.match.stories`), two reports state the same fact when their numbers fill
the same slot. A slot is

- the **measure**: for a count of people, the outcome it counts (``people|kill``,
  ``people|injure``: "600 people were confirmed dead", "the death toll rose to 7,085", "3,879
  bodies were recovered" and "more than 10,000 dead" all count the dead); for a count of
  things, the thing counted (``count|engine``); for a measurement, the unit's dimension and
  the thing measured (``length|altitude``, ``money:USD|price``, ``magnitude``);
- the **scope**: what narrows the counted set, each a shape of English around the number:
  a place that is not the story's home ("984 dead in Istanbul" in a story about a national
  toll; "400,000 Britons" in a story about the United States), a part of a larger figure
  ("three of whom", "including 15 crew members", "six children among 19 dead"), an increment
  ("another 11", "11 more"), a severity ("seriously injured"), "on the ground" (against the
  people on board, the default of a crash report), a forecast ("forecasters warned of up to
  20 inches of rain", "the toll could exceed 100"), a difference ("won by 6,000 votes", "a
  margin of 7,832 votes": not the votes either candidate got),
  the owner of an amount of money ("Cantor raised $5.4 million"), a preliminary figure ("a
  preliminary magnitude of 7.8", later revised), a time long before the report ("a quake
  in 1939 that killed 20,000"), and a subject introduced as another event ("a separate
  accident last month killed 3").

A part never shares a slot with its whole, so it never conflicts with it. A number whose
measure cannot be told (a bare "16,700 feet" with no thing measured, "217" with no noun or
outcome) gets no slot: it is stored and listed, but compared with nothing, which costs a link
and never a wrong flag.

Claims without numbers get a *proposition* slot from their predicate and its arguments
(``claim|close|airport|-``), so polarity, direction and date conflicts only arise between
claims that say the same thing about the same subject and object.

Word lists live in ``factdb/data/matching.json`` (``person_nouns``, ``outcome_predicates``,
``scope``); the rules here are shapes, never names of events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SLOT_SEPARATOR = "|"

# Units of a rate: a share of something, whose holder says which share it is.
RATE_UNITS = ("percent", "percentage_point", "basis_point")


@dataclass(frozen=True)
class Slot:
    """What a number measures within a story: its measure and its scope (sorted words)."""

    measure: str
    scope: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The slot as stored on its fact (``people|kill`` or ``people|kill [place:istanbul]``)."""
        return self.measure + (f" [{', '.join(self.scope)}]" if self.scope else "")

    @property
    def holder(self) -> str | None:
        """Whose measure the slot is ("of kessler"), if its scope says."""
        return next((word for word in self.scope if word.startswith("of ")), None)

    @classmethod
    def parse(cls, key: str) -> Slot:
        """The slot a stored key (`key`) was made from."""
        measure, bracket, scope = key.partition(" [")
        words = tuple(scope.removesuffix("]").split(", ")) if bracket else ()
        return cls(measure, words)

    def describe(self) -> str:
        """The slot in words, for explanations: ``people kill (place: istanbul)``."""
        words = self.measure.replace(SLOT_SEPARATOR, " ")
        return words + (f" ({'; '.join(self.scope)})" if self.scope else "")


# --- scope shapes around a number ---------------------------------------------------------

_WORDS_BEFORE = 40  # characters of the sentence read before a number
_WORDS_AFTER = 60  # and after it

_PART_BEFORE = re.compile(
    r"(?:\bof (?:whom|them|which|those)|\bamong (?:them|those|whom)|\bincluding|\bincluded)"
    r"\s+(?:\w+\s+){0,2}$"
)
_PART_AFTER = re.compile(
    r"^\s*(?:(?:[a-z\-]+\s+){0,3}among\b|of (?:whom|them|which)\b"
    r"|of (?:the|those|these|its|their|his|her|our)\b)"
)
# "the other two bodies", "the remaining 40 passengers", "the first five victims": a number
# picked out of a larger set of the same things by its place in a sequence or as the rest.
_SUBSET_BEFORE = re.compile(
    r"\b(?:the|its|their|his|her)\s+(?:other|remaining|first|last|final)\s+$"
)
_INCREMENT_BEFORE = re.compile(r"\b(?:another|an additional|a further|an extra)\s+(?:\w+\s+)?$")
_INCREMENT_AFTER = re.compile(r"^\s*(?:more|additional|further|extra|new)\b")
_SEVERITY = re.compile(
    r"\b(?:serious(?:ly)?|critical(?:ly)?|severe(?:ly)?|grave(?:ly)?|badly|slight(?:ly)?|"
    r"minor|light(?:ly)?|walking wounded)\b"
)
_GROUND = re.compile(r"\bon the ground\b")
# An aftershock's figures: one of many shocks, which a report seldom says which of.
_AFTERSHOCK = re.compile(r"\baftershocks?\b")
# "bigger than a 6-point magnitude", "longer than a 10-hour flight": a yardstick, not a report.
_YARDSTICK = re.compile(r"\bthan an?\s+$")
# "six other quakes greater than magnitude 7": a class of things defined by a threshold (read
# up to the number's end: the comparison may be part of the figure as written).
_THRESHOLD_CLASS = re.compile(
    r"\b[a-z]+s\s+(?:greater|larger|bigger|stronger|higher|taller|longer|deeper|heavier)"
    r"\s+than\s+(?:an?\s+)?(?:[a-z]+\s+)?[\d.,]+[\w-]*(?:\s+[a-z]+)?$"
)
# "will surpass the European Ariane 5 launcher, the world's leader at 2.9 million pounds": the
# figure of what is surpassed (not "surpassed 12,000", nor "surpassed the 10,000 mark").
_SURPASSED = re.compile(
    r"\b(?:surpass|exceed|outstrip|eclips|overtak|outdo|outdid|dwarf|rival)\w*\s+"
    r"(?:the|an?|its|their|that|this)\s+[^\d\s][^;:]*$"
)
_SURPASSED_REACH = 120  # characters before the number
_PRELIMINARY = re.compile(
    r"\b(?:preliminary|initial|provisional|first|early|original"
    r"|initially|originally|previously|at first)\s+(?:(?!with\b)\w+\s+){0,2}$"
)
# "a dispute last month that left seven dead", "two years ago", "on that occasion": the
# number's clause sets it at another time than the story's, so it is another event's figure.
_OTHER_TIME = re.compile(
    r"\b(?:last (?:month|year|spring|summer|autumn|fall|winter)"
    r"|(?:\w+|a) (?:months|years|decades|month|year|decade) (?:ago|earlier|before)"
    r"|earlier this year|the (?:previous|preceding) (?:month|year)"
    r"|on (?:that|that previous|an earlier) occasion)\b"
)
# "four people were dead within minutes", "in the first hours": a count as of a moment
# inside the event, a part of its final figure.
_MOMENT = re.compile(
    r"\b(?:within|in the first)\s+(?:(?:a few|several|the first|\w+)\s+)?"
    r"(?:seconds|minutes|hours|moments|an hour|a minute)\b"
)
# "Forecasters warned of up to 20 inches of rain", "the toll could exceed 100": what may
# happen, not what was counted or measured.
_FORECAST = re.compile(
    r"\b(?:forecast(?:s|ed|ers?)?|predict(?:s|ed|ions?)?|warn(?:s|ed|ing)? of"
    r"|(?:could|may|might|would|will|(?:is|are|was|were) expected to)"
    r"\s+(?:reach|top|exceed|surpass|hit|rise to|climb to|grow to|bring))\b"
)
_ELAPSED = re.compile(r"^\s*(?:\w+\s+)?(?:after|into|out of|from)\b")
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:but|while|whereas|which|who)\b|\s+(?:and|while|but)\s+")


# "A separate accident on a river ferry last month killed 3 people", "another blast", "the
# other bombing": the clause's subject is introduced as an event other than the story's.
_OTHER_EVENT = re.compile(
    r"\b(?:(?:a|an)\s+(?:separate|unrelated|earlier|previous|prior|similar|different)|another"
    r"|the\s+other)\s+(?=[a-z])"
)
# "it needs seas of no more than eight feet", "the crane requires winds below 20 knots": a
# bound set as a condition, not a measurement of the event.
# Only an upper bound: one needs *at least* an amount (a need that can be reported), but
# needing "less than" something is always a condition.
_BOUND = r"(?:no more than|not more than|less than|fewer than|under|below|at most)"
_REQUIREMENT = re.compile(
    r"\b(?:needs?|needed|needing|requires?|required|requiring|demands?|demanded)\s+"
    rf"(?:[a-z]+\s+){{0,3}}{_BOUND}\s+(?:about\s+)?$"
)


def other_event(sentence: str, subject: str | None) -> bool:
    """True when the subject of a number's clause is introduced as another event than the
    story's ("a separate accident", "an earlier attack", "another blast"): its figures are
    that event's. A subject holding a number is not ("another 11 people": an increment)."""
    if not subject or any(ch.isdigit() for ch in subject):
        return False
    at = sentence.find(subject)
    lead = sentence[max(0, at - 12) : at] if at >= 0 else ""
    text = (lead + subject).lower()
    # The determiner must introduce the subject itself (it may be left out of the subject's
    # text), not a word before it.
    return any(m.start() <= len(lead) <= m.end() for m in _OTHER_EVENT.finditer(text))


# "The second bombing killed at least 224", "the first round gave him 52 percent": the
# subject is one of several events of the story, picked out by its place in their sequence.
_ONE_OF_SEVERAL = re.compile(
    r"^(?:(?:the|its|their|a)\s+)?(first|second|third|fourth|fifth|last|final)\s+(?=[a-z])",
    re.IGNORECASE,
)


def one_of_several(subject: str | None) -> str | None:
    """The ordinal that picks the subject of a number's clause out of several events of the
    story ("the second bombing" → "second"), if any: its figures are that event's, not the
    story's total, and not another of its events'."""
    if not subject or any(ch.isdigit() for ch in subject):
        return None
    found = _ONE_OF_SEVERAL.match(subject.strip())
    return found.group(1).lower() if found else None


# The next figure of the sentence, whose words are its own: "more than 350 wounded, 40 of
# them seriously" (the severity is the 40's).
_NEXT_FIGURE = re.compile(
    r",\s+(?:[a-z]+\s+)?(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|twenty|thirty|forty|fifty|a dozen|dozens|scores|hundreds|thousands|millions)\b)"
)


def _after(sentence: str, end: int) -> str:
    """The rest of the number's clause after it (up to `_WORDS_AFTER` characters), up to
    the next figure set off by a comma."""
    tail = sentence[end : end + _WORDS_AFTER]
    cuts = [m.start() for m in (_CLAUSE_END.search(tail), _NEXT_FIGURE.search(tail)) if m]
    return (tail[: min(cuts)] if cuts else tail).lower()


def _before(sentence: str, start: int) -> str:
    return sentence[max(0, start - _WORDS_BEFORE) : start].lower()


def scope_words(sentence: str, start: int, end: int) -> set[str]:
    """Scope markers around the number at `start`:`end` of `sentence` (see the module doc).

    Only the words of the number's own clause count: in "600 dead and hundreds seriously
    injured" the severity is the injured's, not the dead's.
    """
    before, after = _before(sentence, start), _after(sentence, end)
    found: set[str] = set()
    if (
        _PART_BEFORE.search(before)
        or _PART_AFTER.search(after)
        or _SUBSET_BEFORE.search(before)
        or _MOMENT.search(_clause_around(sentence, start, end))
    ):
        found.add("part")
    if _INCREMENT_BEFORE.search(before) or _INCREMENT_AFTER.search(after):
        found.add("increment")
    near = before[-20:] + " " + after
    if _SEVERITY.search(near):
        found.add("severity")
    if _GROUND.search(after):
        found.add("on the ground")
    if _PRELIMINARY.search(before):
        found.add("preliminary")
    if _FORECAST.search(_clause_before(sentence, start)):
        found.add("forecast")
    if _OTHER_TIME.search(_clause_around(sentence, start, end)):
        found.add("another time")
    return found


def _clause_before(sentence: str, start: int) -> str:
    """The number's clause before it (up to `_WORDS_BEFORE` + 20 characters)."""
    head = sentence[max(0, start - _WORDS_BEFORE - 20) : start]
    cuts = list(_CLAUSE_END.finditer(head))
    return (head[cuts[-1].end() :] if cuts else head).lower()


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The number's clause around it, without the number (lower-cased)."""
    return _clause_before(sentence, start) + " " + _after(sentence, end)


def unreported(sentence: str, start: int, end: int) -> bool:
    """True for a figure that reports nothing comparable: an aftershock's (a story has many,
    and reports seldom say which), a yardstick ("bigger than a 6-point magnitude", "will
    surpass the Ariel 4 rocket, the leader at 2.9 million pounds") or a condition ("needs
    seas of no more than eight feet")."""
    before, after = _before(sentence, start), _after(sentence, end)
    # The bound may be written as part of the figure ("less than 2 meters").
    bound = re.match(_BOUND + r"\s+(?:about\s+)?", sentence[start:end].lower())
    lead = sentence[max(0, start - _WORDS_BEFORE - 20) : start + (bound.end() if bound else 0)]
    required = _REQUIREMENT.search(lead.lower())
    surpassed = _SURPASSED.search(sentence[max(0, start - _SURPASSED_REACH) : start].lower())
    threshold = _THRESHOLD_CLASS.search(sentence[max(0, start - _WORDS_BEFORE) : end].lower())
    return bool(
        _YARDSTICK.search(before)
        or surpassed
        or threshold
        or required
        or _AFTERSHOCK.search(before[-40:] + " " + after)
    )


# What a measurement's own words say it measures: "230 feet tall", "230 feet (70 meters)
# tall", "80 meters deep", "in 245 feet of water", "300 feet on the bottom of the Atlantic",
# "40 meters below the surface"; or the dimension noun it is given for: "Height: 70 meters",
# "a cruise altitude of 9,900 meters", or counts ("its height").
_DIMENSION_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(tall|high|long|wide|deep|thick|of water|underwater|under water"
    r"|below the surface|(?:on|at) the (?:bottom|floor|seabed|sea floor|seafloor))\b"
)
_DIMENSION_WORDS = {
    "tall": "height",
    "high": "height",
    "long": "length",
    "wide": "width",
    "deep": "depth",
    "thick": "thickness",
}
_DIMENSION_NOUNS = frozenset(
    {"height", "width", "length", "depth", "altitude", "thickness", "diameter", "distance"}
)


_DIMENSION_BEFORE = re.compile(
    r"\b("
    + "|".join(sorted(_DIMENSION_NOUNS))
    + r")\s*(?::|\bof|\bat)?\s*(?:about |some |nearly )?$"
)


def measured_dimension(sentence: str, start: int, end: int, counted: str | None) -> str | None:
    """The dimension a measurement names for itself (see above), else None."""
    after = _DIMENSION_AFTER.match(sentence[end : end + 40].lower())
    if after:
        return _DIMENSION_WORDS.get(after.group(1), "depth")
    before = _DIMENSION_BEFORE.search(sentence[max(0, start - 30) : start].lower())
    if before:
        return before.group(1)
    last = (counted or "").split()[-1:]
    return last[0] if last and last[0] in _DIMENSION_NOUNS else None


# A height within a movement: where it ends and which way it goes, or the level it starts
# from. "a dive from 33,000 feet to about 16,700 feet" gives ``at`` (the level the dive left,
# as in "cruising at 33,000 feet") and ``down to``; "climbed back to 24,000 feet" ``up to``;
# "breaking up when it reached 10,000 feet" ends a movement as "to" does.
_ROLE_BEFORE = re.compile(
    r"\b(from|to|at|reach(?:es|ed|ing)?)\s+"
    r"(?:about |some |nearly |around |roughly |approximately |just )?$"
)
_DOWNWARD = re.compile(
    r"\b(?:div(?:e|ed|es|ing)|dove|descen(?:t|d|ds|ded|ding)|drop(?:s|ped|ping)?"
    r"|plung(?:e|es|ed|ing)|plummet(?:s|ed|ing)?|f[ae]ll(?:s|ing)?)\b"
    # a bare "down" or "up" is a way only before where it goes: not "shot down", "breaking up"
    r"|\bdown(?=\s+(?:again\s+)?(?:to|from)\b)"
)
_AGAIN = re.compile(r"\b(?:again|final|second|another)\b")
_UPWARD = re.compile(
    r"\b(?:climb(?:s|ed|ing)?|r[io]s(?:e|es|en|ing)|soar(?:s|ed|ing)?)\b"
    r"|\bup(?=\s+(?:again\s+)?(?:to|from)\b)"
)


def movement(sentence: str, start: int) -> str | None:
    """``<way> <role>`` of a height in a movement (see above), ``at`` for a level, else None."""
    role = _ROLE_BEFORE.search(sentence[max(0, start - 25) : start].lower())
    if role is None:
        return None
    if role.group(1) == "at":
        return "at"
    end = "from" if role.group(1) == "from" else "to"
    window = sentence[max(0, start - 100) : start].lower()
    down = max((m.end() for m in _DOWNWARD.finditer(window)), default=-1)
    up = max((m.end() for m in _UPWARD.finditer(window)), default=-1)
    if down < 0 and up < 0:
        return None
    way = "down" if down > up else "up"
    # "climbed back to 24,000 feet before making a rapid descent to 10,000 feet", "dove
    # again to": a movement after a return, or called again, is a later phase.
    back = window.find(" back ")
    if _AGAIN.search(window) or (min(down, up) >= 0 and 0 <= back < max(down, up)):
        return f"{way} again {end}"
    # Where the first movement starts is the level it was at.
    return "at" if end == "from" else f"{way} {end}"


_ABOARD = re.compile(r"^\s*(?:[a-z]+\s+){0,2}?(?:aboard|on board)\b")


# "won by about 6,000 votes", "a margin of 7,832 votes", "ahead by 30 points", "the toll rose
# by 40 to 300": a count that is a difference between two others, not a count of its own.
_LEADING = (
    r"(?:about |some |nearly |almost |roughly |around |more than |fewer than |less than "
    r"|just |only |over |under )?$"
)
_DIFFERENCE_OF = re.compile(r"\b(?:a |the )?(?:margin|lead|gap|difference) of\s+" + _LEADING)
_DIFFERENCE_BY = re.compile(r"\bby\s+" + _LEADING)
# A "by" is a difference after a verb of winning, leading or changing ("defeated her by
# 7,832 votes"), not an agent ("struck by 2 missiles", "signed by 200 lawmakers").
_COMPARING = re.compile(
    r"\b(?:w[io]n|los[te]|lead|led|leading|ahead|behind|trail\w*|beat|defeat\w*|r[io]se\w*"
    r"|f[ae]ll\w*|increas\w*|decreas\w*|gr[eo]w\w*|cut|drop\w*|climb\w*|jump\w*|exceed\w*"
    r"|outnumber\w*|narrow\w*|widen\w*|short|more|fewer|less)\b"
)


def difference(sentence: str, start: int) -> bool:
    """True for a count given as a difference ("won by 6,000 votes", "a margin of 7,832")."""
    before = sentence[max(0, start - 60) : start].lower()
    if _DIFFERENCE_OF.search(before):
        return True
    by = _DIFFERENCE_BY.search(before)
    return by is not None and bool(_COMPARING.search(before[: by.start()]))


# The moment a craft was lost to view: "disappeared from radar at 2 a.m.", "1:52 a.m. --
# Last radar signal received", "was last seen at 7:14", "lost contact at 7:14".
_LOST_CONTACT = re.compile(
    r"\b(?:disappear\w*|vanish\w*|dropped off|lost (?:\w+ )?contact|loss of (?:\w+ )?contact"
    r"|last (?:\w+ ){0,2}(?:seen|heard|received|signal|contact|transmission|message|ping))"
)


def lost_contact(sentence: str, start: int, end: int) -> bool:
    """True for a time whose clause tells when contact with a craft was lost, in any of the
    words reports use for it (see above): the times they give are one fact."""
    return bool(_LOST_CONTACT.search(_clause_around(sentence, start, end)))


# "2,100 firefighters are now assigned", "3,500 residents remain", "currently", "still": a
# figure of how things stand at the time of the report (not "officials now say": a revision).
_CURRENT = re.compile(
    r"\b(?:still|currently|remain(?:s|ed|ing)?|"
    r"now(?!\s+(?:say|says|said|believe|believes|believed|estimate|estimates|estimated|think"
    r"|thinks|put|puts|report|reports|reported)\b))\b"
)


def current(sentence: str, start: int, end: int) -> bool:
    """True for a figure its clause gives as how things stand now (see above): a later
    report with another figure is an update, whichever way it moved."""
    return bool(_CURRENT.search(_clause_around(sentence, start, end)))


# Whose age a figure is: the noun an "N-year-old" qualifies ("the 9-year-old girl", "the
# 46-year-old South African"), or the name an age is set off after ("Martin Kells, 33,"), or
# the name a description with an age is set beside ("Kells, a 33-year-old carpenter").
_WORDS_AFTER_AGE = re.compile(r"[A-Za-z][\w'-]*")
_NAME = r"((?:[A-Z][\w'-]*\s+){0,3}[A-Za-z][\w'-]*)"
_NAME_BEFORE_AGE = re.compile(_NAME + r"\.?,\s*$")
_NAME_BEFORE_DESCRIPTION = re.compile(r"\b" + _NAME + r",\s+(?:a|an|the)\s+$")


def _name_key(name: str) -> str:
    """A name as an owner key: lower case, without a leading article ("The girl" → "girl")."""
    words = name.lower().split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in ("the", "a", "an") else words)


def age_holder(sentence: str, start: int, end: int, stop: frozenset[str]) -> str | None:
    """The person (or thing) an age belongs to, by the words around it (see above): a name as
    written ("dana kerr", "kerr"), or the noun the age qualifies; None when they do not say
    ("aged 3"). `stop` are the words that end a noun phrase ("is", "who")."""
    if sentence[start:end].lower().endswith("old"):
        apposed = _NAME_BEFORE_DESCRIPTION.search(sentence[max(0, start - 40) : start])
        if apposed:
            return _name_key(apposed.group(1))
        named: str | None = None
        words: list[str] = _WORDS_AFTER_AGE.findall(sentence[end : end + 60])
        for word in words[:4]:
            if word[0].isupper():
                named = word  # "South African", "Syrian" refugee
                continue
            if word.lower() in stop or (word.endswith("s") and not word.endswith("ss")):
                # "The 46-year-old South African is", "The 49-year-old teaches": a verb.
                return named.lower() if named else None
            return word.lower()
        return named.lower() if named else None
    if sentence[end : end + 1] in (",", ")", ";", ".") or end == len(sentence):
        name = _NAME_BEFORE_AGE.search(sentence[max(0, start - 40) : start])
        return _name_key(name.group(1)) if name else None
    return None


# "his wife, Dana Kerr, 36,": a person named as someone's relative, who shares a surname with
# the person of the story and is not that person.
_KIN_BEFORE_NAME = re.compile(
    r"\b(?:his|her|their)\s+(?:[a-z-]+\s+)?(?:wife|husband|son|daughter|mother|father|brother"
    r"|sister|child|partner|widow|widower|cousin|uncle|aunt|nephew|niece|grandson"
    r"|granddaughter|grandmother|grandfather|stepson|stepdaughter|stepfather|stepmother)"
    r",\s+(?:[A-Z][\w'-]*\s+){1,3}[A-Z][\w'-]*,\s*$",
    re.IGNORECASE,
)


def kin_of_another(sentence: str, start: int) -> bool:
    """True for an age set after a name introduced as someone's relative ("his wife, Dana
    Kerr, 36,"): only that full name owns the age, never the surname alone."""
    return bool(_KIN_BEFORE_NAME.search(sentence[max(0, start - 80) : start]))


def aboard(sentence: str, end: int) -> bool:
    """A count of people said to be aboard ("with 230 people aboard", "217 on board"): the
    people a vehicle carried, a measure of its own when no outcome is named for them."""
    return bool(_ABOARD.match(sentence[end : end + 30].lower()))


def elapsed(sentence: str, end: int) -> bool:
    """A duration that measures the time since something: "40 minutes into the flight",
    "some 30 minutes after taking off", "30 minutes out of New York"."""
    return bool(_ELAPSED.search(sentence[end : end + 20].lower()))


A_DAY = 86_400.0  # seconds


def time_of_writing(elapsed_seconds: float | None) -> bool:
    """An elapsed duration of a day or more ("eight days after the quake", "nearly 72 hours
    after the earthquake"): it tells when the article was written, and differs with every
    article; not a fact of the event to compare, as "30 minutes after taking off" is."""
    return elapsed_seconds is not None and elapsed_seconds >= A_DAY


# A count of occasions ("reflown its boosters six times", "fired three times") counts how
# often something was done: what it counts is the action.
FREQUENCY_NOUNS = frozenset({"time", "occasion"})


# --- measures -----------------------------------------------------------------------------


def unit_dimension(unit: str | None, currencies: Iterable[str], dimensions: dict[str, str]) -> str:
    """The dimension a unit measures (``length`` for feet and km), ``money:<code>`` for a
    currency, ``count`` for no unit; an unknown unit is its own dimension."""
    if unit is None:
        return "count"
    if unit in set(currencies):
        return f"money:{unit}"
    return dimensions.get(unit, unit)


@dataclass(frozen=True)
class MeasureInput:
    """What slotting needs to know about one number (all words already through synonyms)."""

    counted: str | None
    predicate: str | None
    unit: str | None
    claim_lemmas: frozenset[str]
    claim_predicate: str | None
    elapsed: bool = False
    aboard: bool = False


GENERIC_OUTCOME = "affect"


def measure(
    number: MeasureInput,
    *,
    person_nouns: frozenset[str],
    outcome_predicates: frozenset[str],
    light_predicates: frozenset[str],
    dimension: str,
) -> str | None:
    """The measure part of a slot, or None when what is measured cannot be told.

    A count of people (a person noun, or no noun with an outcome predicate: "10,000 dead") is
    measured by its outcome: the number's own predicate when it is an outcome, else the one
    outcome the claim names ("145.5 million people who had their data exposed" → affect),
    else being aboard when it says so ("with 230 people aboard"), else what the people named
    did ("4,000 people attended the vigil").
    A count of things is measured by the thing, and by its outcome when it has one (officers
    injured, officers killed); a measurement by its dimension and the thing measured, else
    the number's own meaningful predicate.
    """
    predicate = number.predicate if number.predicate not in light_predicates else None
    if dimension == "count":
        counted = number.counted
        if counted in FREQUENCY_NOUNS:
            return (
                f"count{SLOT_SEPARATOR}{counted}{SLOT_SEPARATOR}{predicate}" if predicate else None
            )
        if counted is None or counted in person_nouns:
            if predicate in outcome_predicates:
                return f"people{SLOT_SEPARATOR}{predicate}"
            outcomes = sorted(number.claim_lemmas & outcome_predicates)
            if number.claim_predicate in outcome_predicates:
                outcomes = [number.claim_predicate]
            if len(outcomes) == 1 and (counted is not None or predicate is None):
                return f"people{SLOT_SEPARATOR}{outcomes[0]}"
            if number.aboard:
                return f"people{SLOT_SEPARATOR}aboard"
            return f"people{SLOT_SEPARATOR}{predicate}" if predicate and counted else None
        if predicate in outcome_predicates and predicate != GENERIC_OUTCOME:
            # "12 police officers were injured", "3 officers were killed": two counts. (Things
            # stolen, exposed or compromised are one count: "affect" says only that something
            # happened to them.)
            return f"count{SLOT_SEPARATOR}{counted}{SLOT_SEPARATOR}{predicate}"
        return f"count{SLOT_SEPARATOR}{counted}"
    if dimension == "magnitude":
        return "magnitude"
    if dimension == "duration" and number.elapsed:
        return f"duration{SLOT_SEPARATOR}elapsed"
    # A measurement is of its noun's head: "liftoff thrust" and "thrust" measure one force.
    thing = number.counted.split()[-1] if number.counted else predicate
    if thing is None:
        return None
    return f"{dimension}{SLOT_SEPARATOR}{thing}"


def proposition_key(
    predicate: str | None, subject: str | None, obj: str | None, light_predicates: frozenset[str]
) -> str | None:
    """The slot of a claim without numbers: its predicate with subject and object heads.

    None when the predicate says nothing of its own ("said", "is") or there is no subject:
    such claims are too loose to compare.
    """
    if not predicate or predicate in light_predicates or not subject:
        return None
    return SLOT_SEPARATOR.join(("claim", predicate, subject, obj or "-"))


def head_word(phrase: str | None, stop: frozenset[str]) -> str | None:
    """The last content word of a noun phrase, lower-cased ("the U.S. Navy" → "navy")."""
    if not phrase:
        return None
    words = [w for w in re.findall(r"[a-z][a-z'.\-]*", phrase.lower()) if w not in stop]
    return words[-1].strip(".'") if words else None
