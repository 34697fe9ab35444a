"""Dates: the publication date from metadata, and event dates found in sentences.

`parse_publication_date` reads the date an article's metadata carries ("2022-01-08",
"Sat, 08 Jan 2022 14:05:00 +0000", "January 8, 2022", ...). A publication date that is not
written down stays missing (DOMAIN.md, Dates); words that need a reference day ("yesterday",
"March 5") are read only when the caller passes the day of ingest as `today`.

`extract_dates` finds the date expressions of one sentence and resolves each to a period of
days against the publication date, reading the tense of the verb that governs it: in an
article of Saturday 2022-01-08, "said on Friday" is 2022-01-07 but "will hold talks from
Sunday" is 2022-01-09.

Recognition is a small grammar of regular expressions built from the word lists in
``factdb/data/dates.json`` and run over the sentence text. spaCy's DATE entities do not decide
what a date is, because they also tag durations ("a second day"), ages ("81") and noise
("39A Monday"); they vouch for the two ambiguous forms, a bare year ("2020") and a bare month
name ("May"), which are otherwise accepted only after a temporal preposition ("in 1991",
"since March"). Durations ("20 seconds", "eight days after", "for a decade", "the last 20
years") match no rule, so they are never returned.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, Literal, cast

import dateparser
from dateparser.date import DateDataParser
from spacy.tokens import Doc, Span, Token

from factdb.nlp.pipeline import doc_text
from factdb.nlp.types import DateMention, TimeMention

Granularity = Literal["day", "week", "month", "year"]


class Tense(StrEnum):
    """The time a clause points to, as far as choosing between two weekdays needs it."""

    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"


# ---------------------------------------------------------------------------------------------
# Publication dates


# Settings for metadata dates: all three parts must be written (nothing is taken from today),
# and only the absolute-time parser runs, so "today", "2 days ago" and bare Unix timestamps
# are refused. The time zone is left as written: the publisher's calendar day is the date.
_PUBLICATION_SETTINGS: dict[str, Any] = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}

_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")


DateOrder = Literal["dmy", "mdy"]
# "today", "yesterday", "2 days ago", "3 hours ago": read only when the caller gives a today.
_RELATIVE_SETTINGS: dict[str, Any] = {
    "PARSERS": ["relative-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
# "March 5", "5 March": a day and month without a year, read as the latest such day not after
# the caller's today (a publication date is in the past).
_NO_YEAR_SETTINGS: dict[str, Any] = {
    "REQUIRE_PARTS": ["day", "month"],
    "PARSERS": ["absolute-time"],
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def parse_publication_date(
    text: str, *, today: date | None = None, order: DateOrder | None = None
) -> date | None:
    """Parse a publication date written in article metadata; None when there is none.

    Accepts what feeds use: ISO 8601 ("2022-01-08", "2022-01-08T14:05:00Z"), RFC 2822
    ("Sat, 08 Jan 2022 14:05:00 +0000"), and written dates ("Jan. 8, 2022", "January 8, 2022",
    "8 January 2022 14:05 GMT"). A time of day and a zone are allowed and dropped; the date is
    the calendar day as written, not converted to UTC.

    All-numeric dates such as "08/01/2022" are read only when one order makes sense: "13/01/2022"
    can only be 13 January and "01/13/2022" only January 13, but "08/01/2022" is 8 January in
    Europe and August 1 in the United States, so it gives None (a missing date is reported; a
    wrong one would silently move every relative date in the article) unless `order` says
    which comes first: ``"dmy"`` (day/month/year) or ``"mdy"`` (month/day/year).

    Without `today`, relative words ("today", "yesterday"), dates missing a part ("March 5")
    and garbage give None: the caller warns and keeps the date missing. With `today` (what a
    person typing ``--date yesterday`` means), relative words resolve against it and a day and
    month without a year ("March 5") is the latest such day on or before it.
    """
    stripped = text.strip()
    if not stripped:
        return None
    settings = dict(_PUBLICATION_SETTINGS)
    numeric = _NUMERIC_DATE.fullmatch(stripped)
    if numeric:
        first, second = int(numeric[1]), int(numeric[2])
        if first != second and max(first, second) <= 12:
            if order is None:
                return None  # "08/01/2022": either order fits (dateparser would pick month-first)
            settings["DATE_ORDER"] = order.upper()
    parsed: datetime | None = dateparser.parse(stripped, languages=["en"], settings=settings)
    if parsed is None and today is not None and not numeric:
        base = datetime.combine(today, datetime.min.time())
        for extra in (_RELATIVE_SETTINGS, _NO_YEAR_SETTINGS):
            parsed = dateparser.parse(
                stripped, languages=["en"], settings={**extra, "RELATIVE_BASE": base}
            )
            if parsed is not None:
                break
    return None if parsed is None else parsed.date()


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic


@dataclass(frozen=True, order=True)
class _Period:
    """A run of days, first and last included."""

    start: date
    end: date


def _day(day: date) -> _Period:
    return _Period(day, day)


def _week(day: date) -> _Period:
    """The Monday-to-Sunday week (ISO 8601) that contains `day`."""
    monday = day - timedelta(days=day.weekday())
    return _Period(monday, monday + timedelta(days=6))


def _month(year: int, month: int) -> _Period:
    last = calendar.monthrange(year, month)[1]
    return _Period(date(year, month, 1), date(year, month, last))


def _years(first: int, last: int | None = None) -> _Period:
    """The calendar year `first`, or the years `first` to `last` (a decade)."""
    return _Period(date(first, 1, 1), date(first if last is None else last, 12, 31))


def _shift_month(day: date, months: int) -> _Period:
    """The calendar month `months` months after (or before, if negative) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return _month(index // 12, index % 12 + 1)


def resolve_weekday(published: date, weekday: int, tense: Tense) -> date:
    """The day named by a bare weekday (0 = Monday) in an article published on `published`.

    The publication weekday is the publication day itself, whatever the tense: newswire style
    names the day of the week instead of writing "today", so a Tuesday story says "officials
    said Tuesday" and also "the rocket will lift off Tuesday" about that same day; a week
    ahead would be written "next Tuesday" or "Feb. 13". Any other weekday is placed by tense:

    - past: the latest one before the publication day, within [published - 6, published - 1];
    - future: the next one after it, within [published + 1, published + 6];
    - present: whichever of those two is nearer, within [published - 3, published + 3].
    """
    back = (published.weekday() - weekday) % 7
    if back == 0:
        return published
    if tense is Tense.PAST or (tense is Tense.PRESENT and back <= 3):
        return published - timedelta(days=back)
    return published + timedelta(days=7 - back)


def _pick_by_tense(
    candidates: Iterable[int], now: int, tense: Tense, reach: int | None = None
) -> int:
    """Choose among yearly repeats of a month or day (as ordinals) the one the tense points to.

    Past takes the latest at or before `now`, future the earliest at or after it; with a
    `reach`, a candidate further than that from `now` does not count. Present, or a tense
    with nothing on its side, takes the nearest (the earlier on a tie).
    """
    ordered = sorted(candidates)
    near = [c for c in ordered if reach is None or abs(c - now) <= reach]
    past = [c for c in near if c <= now]
    future = [c for c in near if c >= now]
    if tense is Tense.PAST and past:
        return past[-1]
    if tense is Tense.FUTURE and future:
        return future[0]
    return min(ordered, key=lambda c: (abs(c - now), c))


# ---------------------------------------------------------------------------------------------
# Word lists


@dataclass(frozen=True)
class _Lexicon:
    """The contents of ``factdb/data/dates.json``, keyed for lookups."""

    weekdays: dict[str, int]
    months: dict[str, int]
    month_abbreviations: dict[str, int]
    day_words: dict[str, int]
    day_parts: tuple[str, ...]
    edges: tuple[str, ...]
    period_units: tuple[str, ...]
    ago_units: dict[str, tuple[str, int]]
    number_words: dict[str, tuple[int, int]]
    temporal_prepositions: frozenset[str]
    range_connectors: frozenset[str]
    habitual_determiners: frozenset[str]
    indefinite_articles: frozenset[str]
    seasons: dict[str, tuple[int, int]]
    time_zones: tuple[str, ...]
    future_modals: frozenset[str]
    reported_future_modals: frozenset[str]
    prospective_heads: frozenset[str]
    past_prepositions: frozenset[str]
    reporting_verbs: frozenset[str]
    day_part_codes: dict[str, str]
    present_words: dict[str, str]
    cardinals: dict[str, float]
    vague_counts: tuple[str, ...]
    duration_units: dict[str, tuple[str, str]]
    smaller_units: dict[str, tuple[str, int]]
    duration_modifiers: tuple[str, ...]
    ordinals: dict[str, int]
    frequency_adverbs: dict[str, str]
    times_words: dict[str, int]
    decade_words: dict[str, int]
    reference_words: frozenset[str]
    deadline_words: frozenset[str]
    deadline_heads: frozenset[str]
    maturity_words: frozenset[str]

    def month_number(self, name: str) -> int:
        """1-12 for a month name or abbreviation as written ("Sept." -> 9)."""
        bare = name.rstrip(".")
        return self.months.get(bare) or self.month_abbreviations[bare]


@cache
def _lexicon() -> _Lexicon:
    """Load the date word lists once per process."""
    raw = json.loads(files("factdb.data").joinpath("dates.json").read_text(encoding="utf-8"))
    return _Lexicon(
        weekdays={name: index for index, name in enumerate(raw["weekdays"])},
        months=dict(raw["months"]),
        month_abbreviations=dict(raw["month_abbreviations"]),
        day_words={word.lower(): int(offset) for word, offset in raw["day_words"].items()},
        day_parts=tuple(raw["day_parts"]),
        edges=tuple(raw["edges"]),
        period_units=tuple(raw["period_units"]),
        ago_units={unit: (base, int(n)) for unit, (base, n) in raw["ago_units"].items()},
        number_words={w.lower(): (int(lo), int(hi)) for w, (lo, hi) in raw["number_words"].items()},
        temporal_prepositions=frozenset(raw["temporal_prepositions"]),
        range_connectors=frozenset(raw["range_connectors"]),
        habitual_determiners=frozenset(raw["habitual_determiners"]),
        indefinite_articles=frozenset(raw["indefinite_articles"]),
        seasons={name.lower(): (int(a), int(b)) for name, (a, b) in raw["seasons"].items()},
        time_zones=tuple(raw["time_zones"]),
        future_modals=frozenset(raw["future_modals"]),
        reported_future_modals=frozenset(raw["reported_future_modals"]),
        prospective_heads=frozenset(raw["prospective_heads"]),
        past_prepositions=frozenset(raw["past_prepositions"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        day_part_codes=dict(raw["day_part_codes"]),
        present_words=dict(raw["present_words"]),
        cardinals={word: float(n) for word, n in raw["cardinals"].items()},
        vague_counts=tuple(raw["vague_counts"]),
        duration_units={unit: (p, code) for unit, (p, code) in raw["duration_units"].items()},
        smaller_units={unit: (to, int(n)) for unit, (to, n) in raw["smaller_units"].items()},
        duration_modifiers=tuple(raw["duration_modifiers"]),
        ordinals=dict(raw["ordinals"]),
        frequency_adverbs=dict(raw["frequency_adverbs"]),
        times_words=dict(raw["times_words"]),
        decade_words=dict(raw["decade_words"]),
        reference_words=frozenset(raw["reference_words"]),
        deadline_words=frozenset(raw["deadline_words"]),
        deadline_heads=frozenset(raw["deadline_heads"]),
        maturity_words=frozenset(raw["maturity_words"]),
    )


# ---------------------------------------------------------------------------------------------
# Tense of the governing verb


def _governing_verb(token: Token) -> Token | None:
    """The nearest verb or auxiliary above `token` in the dependency tree, if any."""
    current = token
    while current.head.i != current.i:  # the root is its own head
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return None


def clause_tense(span: Span) -> Tense:
    """The tense of the verb governing a date expression (PRESENT when there is no verb)."""
    verb = _governing_verb(span.root)
    return Tense.PRESENT if verb is None else _verb_tense(verb)


def _verb_tense(verb: Token) -> Tense:
    """Classify a verb by its auxiliaries and tag (Penn Treebank tags from spaCy's tagger)."""
    lex = _lexicon()
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxiliaries}
    if words & lex.future_modals:  # "talks will resume on Sunday"
        return Tense.FUTURE
    if any(a.lemma_ == "have" for a in auxiliaries):  # "has said", "would have left"
        return Tense.PAST
    if words & lex.reported_future_modals:  # "said the bridge would reopen on Friday"
        return Tense.FUTURE
    if any(a.tag_ == "TO" for a in auxiliaries):
        # A planned action: the headline "Kremlin to hold talks from Sunday", "is going to
        # visit Paris on Tuesday", "is scheduled to blast off Tuesday", "the talks to be held
        # on Sunday". Other infinitives take their clause's tense: "tried to escape on
        # Tuesday", "brought in supplies to help the living after Tuesday's quake".
        if verb.dep_ in ("ROOT", "acl") or verb.head.lemma_.lower() in lex.prospective_heads:
            return Tense.FUTURE
        return _untensed(verb)
    if any(a.tag_ == "VBD" for a in auxiliaries):  # "was killed", "were firing", "did not"
        return Tense.PAST
    if any(a.tag_ == "MD" for a in auxiliaries):  # "could launch Tuesday": may go either way
        return Tense.PRESENT
    if any(a.tag_ in ("VBZ", "VBP") for a in auxiliaries) or verb.tag_ in ("VBZ", "VBP"):
        # "says Thursday" reports something already said; "launches on Tuesday", "is
        # scheduled Tuesday" are as likely ahead as behind.
        return Tense.PAST if verb.lemma_ in lex.reporting_verbs else Tense.PRESENT
    if verb.tag_ == "VBD":
        return Tense.PAST
    return _untensed(verb)


def _untensed(verb: Token) -> Tense:
    """An untensed verb takes the tense of the clause above it.

    "fell for a second day after surging ... on Wednesday" is past, "will meet and sign on
    Monday" future. With nothing above, a participle is past ("Bridge closed Monday") and
    anything else present.
    """
    parent = _governing_verb(verb)
    if parent is not None:
        return _verb_tense(parent)
    return Tense.PAST if verb.tag_ == "VBN" else Tense.PRESENT


# ---------------------------------------------------------------------------------------------
# Grammar


@dataclass(frozen=True)
class _Context:
    """What a rule needs besides its match to accept and resolve an expression."""

    published: date | None
    tense: Tense
    previous_word: str
    supported: bool
    names_something: bool
    after_name: bool
    after_number: bool = False
    pos: str = ""


@dataclass(frozen=True)
class _Reading:
    """An accepted expression: its unit and, when it could be resolved, its period.

    The TIMEX3 value is derived from the period's shape (a day, an ISO week, a month, a
    season, a quarter, a year, a decade) unless `timex` states it: a duration, a set, a
    PRESENT_REF, or the partly known value of an unresolved date ("XXXX-WXX-5" for a Friday
    in an undated article). `calendar` is False for what may not date a claim's event (a
    duration, "now", a maturity "due 2045"): `extract_dates` leaves those out. `part` is a
    part of the day ("MO", "NI") and `clock` a time of day ("01:52"), both making it a TIME.
    `shift` counts from another date instead of the story ("a year earlier" is (-1,
    "year")): `extract_temporal` sets its period from the date the sentence named before.
    """

    granularity: Granularity | None
    period: _Period | None
    timex: str | None = None
    kind: str = "DATE"
    calendar: bool = True
    part: str | None = None
    clock: str | None = None
    shift: tuple[int, Granularity] | None = None


_Resolver = Callable[[re.Match[str], _Context], _Reading | None]


@dataclass(frozen=True)
class _Rule:
    """One form of date expression: a pattern and the function that resolves its matches.

    The resolver returns None to reject a match that is not a date in its context. A
    `trigger` is a word every match contains: a sentence without it skips the rule, which
    keeps the many time rules from costing a scan of every sentence each.
    """

    pattern: re.Pattern[str]
    resolve: _Resolver
    calendar: bool = True
    trigger: re.Pattern[str] | None = None


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, spaces matching any whitespace."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in ordered)


# The granularity of each unit the word lists name; a weekend is part of a week.
_UNIT_GRANULARITY: dict[str, Granularity] = {
    "day": "day",
    "week": "week",
    "weekend": "week",
    "month": "month",
    "year": "year",
}


def _iso(m: re.Match[str], ctx: _Context) -> _Reading:
    """An ISO date written in running text: "2022-01-05"."""
    try:
        return _Reading("day", _day(date(int(m["year"]), int(m["month"]), int(m["day"]))))
    except ValueError:
        return _Reading("day", None)


# A day written without a year lies within the year around the story, and the tense says on
# which side. A tense that points nearly a year away, when the same day a few weeks off on the
# other side is at hand, is more likely a misread verb: "check if they were among those
# affected by October 8" in a story of Oct. 2 ("were" governs the date) means six days ahead,
# not 359 days back. Up to this reach (about ten months) the tense is trusted.
_DAY_WITHOUT_YEAR_REACH = 300


def _day_of_month(m: re.Match[str], ctx: _Context) -> _Reading:
    """A day of a month: "Jan. 5, 2022", "8 January 2022", "on Jan. 5" (year from tense)."""
    month, day = _lexicon().month_number(m["mon"]), int(m["day"])
    if m["year"]:
        try:
            return _Reading("day", _day(date(int(m["year"]), month, day)))
        except ValueError:  # "Feb. 30, 2022"
            return _Reading("day", None)
    if ctx.published is None:
        return _Reading("day", None, timex=f"XXXX-{month:02d}-{day:02d}")
    candidates = []
    for year in range(ctx.published.year - 1, ctx.published.year + 2):
        try:
            candidates.append(date(year, month, day).toordinal())
        except ValueError:  # "Feb. 29" outside a leap year, "Sept. 31"
            continue
    if not candidates:
        return _Reading("day", None)
    now = ctx.published.toordinal()
    chosen = _pick_by_tense(candidates, now, ctx.tense, _DAY_WITHOUT_YEAR_REACH)
    return _Reading("day", _day(date.fromordinal(chosen)))


def _month_year(m: re.Match[str], ctx: _Context) -> _Reading:
    """A month of a year: "March 2020", "late January 2019", "July of 2016" (edges widen)."""
    return _Reading("month", _month(int(m["year"]), _lexicon().month_number(m["mon"])))


def _bare_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A month whose year is implied: "in December", "last July", "May and July of 2016"."""
    modifier = " ".join((m["rel"] or "").lower().split())
    bare = not modifier and not m["edge"]
    if bare and (
        not ctx.supported or ctx.after_name or ctx.previous_word in _lexicon().habitual_determiners
    ):
        return None  # "May" the modal, "March" the verb, "Capt. Burt March", "every May"
    month = _lexicon().month_number(m["mon"])
    if m["coyear"]:  # "in May and July of 2016": May takes its partner's year
        return _Reading("month", _month(int(m["coyear"]), month))
    if ctx.published is None or m["anaphor"]:  # "in late January of that year"
        return _Reading("month", None, timex=f"XXXX-{month:02d}")
    year = ctx.published.year
    now = year * 12 + ctx.published.month - 1
    candidates = [y * 12 + month - 1 for y in (year - 1, year, year + 1)]
    if modifier == "this":
        index = year * 12 + month - 1
    elif modifier in ("last", "this past"):  # "last July" in January 2018: July 2017
        index = max(c for c in candidates if c < now)
    elif modifier in ("next", "this coming"):
        index = min(c for c in candidates if c > now)
    else:
        index = _pick_by_tense(candidates, now, ctx.tense)
    return _Reading("month", _month(index // 12, index % 12 + 1))


_SEASON_CODES = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}


def _part_code(word: str | None) -> str | None:
    """The TIMEX3 code of a part of the day ("night" -> "NI"), None for none."""
    return None if word is None else _lexicon().day_part_codes.get(word.lower())


def _season_span(name: str, year: int) -> _Period:
    """The season `name` that begins in `year` (winter runs into the next year)."""
    first, last = _lexicon().seasons[name]
    end_year = year + 1 if last < first else year
    return _Period(_month(year, first).start, _month(end_year, last).end)


def _season_of_year(m: re.Match[str], ctx: _Context) -> _Reading:
    """A season with its year: "the fall of 2016", "summer 2019" (northern hemisphere).

    "winter 2019" stays unresolved: writers mean both the winter that opens 2019 and the one
    that closes it.
    """
    name = m["season"].lower()
    if name == "winter":
        return _Reading("month", None, timex=f"{int(m['year'])}-WI")
    return _Reading("month", _season_span(name, int(m["year"])))


def _bare_season(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A season without a year, "in winter", "the start of winter": the one the tense points
    to, as for a bare month. Needs a preposition, an edge or spaCy's DATE label: "prices
    fall" and "a hot spring" are no seasons."""
    if not m["edge"] and not ctx.supported:
        return None
    name = m["season"].lower()
    if ctx.published is None:
        return _Reading("month", None, timex=f"XXXX-{_SEASON_CODES[name]}", calendar=False)
    published = ctx.published
    seasons = {
        _season_span(name, y).start.toordinal(): _season_span(name, y)
        for y in range(published.year - 1, published.year + 2)
    }
    current = next((p for p in seasons.values() if p.start <= published <= p.end), None)
    if current is not None:
        return _Reading("month", current, calendar=False)
    # Out of season, the present looks ahead: "tents must be replaced before winter".
    tense = Tense.FUTURE if ctx.tense is Tense.PRESENT else ctx.tense
    chosen = _pick_by_tense(seasons, published.toordinal(), tense)
    return _Reading("month", seasons[chosen], calendar=False)


def _relative_season(m: re.Match[str], ctx: _Context) -> _Reading:
    """A season named from the story's: "last summer", "this spring", "next winter".

    "last" is the latest such season over before publication, "next" the first to begin
    after it, "this" the one of the publication year (for winter, the one in progress or
    about to begin); but when that one has not begun and the verb is past, the one before.
    """
    if ctx.published is None:
        return _Reading("month", None, timex=f"XXXX-{_SEASON_CODES[m['season'].lower()]}")
    published, name = ctx.published, m["season"].lower()
    relation = " ".join(m["rel"].lower().split())
    seasons = [_season_span(name, y) for y in range(published.year - 2, published.year + 2)]
    if relation in ("last", "this past"):
        return _Reading("month", max(p for p in seasons if p.end < published))
    if relation in ("next", "this coming"):
        return _Reading("month", min(p for p in seasons if p.start > published))
    first, last = _lexicon().seasons[name]
    in_next_year = last < first and published.month <= last  # "this winter" in January
    season = _season_span(name, published.year - 1 if in_next_year else published.year)
    # "This summer, criminals registered the domains" in a January story is the summer past.
    if ctx.tense is Tense.PAST and season.start > published:
        return _Reading("month", max(p for p in seasons if p.end < published))
    return _Reading("month", season)


def _decade(m: re.Match[str], ctx: _Context) -> _Reading:
    """A decade, "the 1960s", "the early 2020s", as its ten years (edges widen to it)."""
    first = int(m["decade"])
    return _Reading("year", _years(first, first + 9))


def _year(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A year, "in 1991", "late 2019"; a bare number needs a preposition or a DATE label."""
    if m["edge"] is None and ctx.previous_word in _lexicon().maturity_words:
        # "bonds due 2045" is a maturity: a time, but not when the claimed event happened.
        return _Reading("year", _years(int(m["year"])), calendar=False)
    if m["edge"] is None and (not ctx.supported or ctx.names_something):
        # "the 2008 Tesla Roadster" and "the 2020 Olympics" are names, not times (and "1830
        # GMT" the pattern already skips).
        return None
    return _Reading("year", _years(int(m["year"])))


def _weekday(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A weekday: "on Friday", "early Tuesday", "last Monday", "Wednesday night"."""
    lex = _lexicon()
    if ctx.previous_word in lex.habitual_determiners | lex.indefinite_articles:
        return None  # "every Monday", "May 5 was a Thursday" (but "a May deadline" is May)
    part = _part_code(m["part"])
    if ctx.published is None:
        return _Reading("day", None, timex=f"XXXX-WXX-{lex.weekdays[m['wd']] + 1}", part=part)
    published, weekday = ctx.published, lex.weekdays[m["wd"]]
    modifier = " ".join((m["rel"] or "").lower().split())
    if modifier in ("last", "this past"):  # the latest one strictly before
        back = (published.weekday() - weekday) % 7 or 7
        return _Reading("day", _day(published - timedelta(days=back)), part=part)
    if modifier in ("next", "this coming"):  # the first one strictly after: never today
        ahead = (weekday - published.weekday()) % 7 or 7
        return _Reading("day", _day(published + timedelta(days=ahead)), part=part)
    # "will start operations later Tuesday" is later on the Tuesday the story is about, the
    # nearest one, not a week ahead.
    tense = Tense.PRESENT if modifier in ("earlier", "later") else ctx.tense
    return _Reading("day", _day(resolve_weekday(published, weekday, tense)), part=part)


def _day_word(m: re.Match[str], ctx: _Context) -> _Reading:
    """A day named from the story's day: "today", "yesterday", "tomorrow", "last night"."""
    word = " ".join(m["word"].lower().split())
    part = _part_code(m["part"] or word.split()[-1])
    if ctx.published is None:
        return _Reading("day", None, part=part)
    offset = _lexicon().day_words[word]
    return _Reading("day", _day(ctx.published + timedelta(days=offset)), part=part)


def _relative_period(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A week, month or year named from the story's: "next week", "earlier this year".

    Weeks run Monday to Sunday (ISO 8601). "earlier/later this week" name the whole week
    (which part is too vague to bound), and an edge ("the end of the month") widens to the
    whole period. A weekend is the Saturday and Sunday of the named week, with week
    granularity.
    """
    if m["rel"] and ctx.previous_word == "the":
        return None  # "over the last year", "for the next week" are durations
    unit = m["unit"].lower()
    granularity = _UNIT_GRANULARITY[unit]
    if ctx.published is None:
        return _Reading(granularity, None)
    relation = " ".join((m["rel"] or m["erel"]).lower().split())
    step = {"next": 1, "this coming": 1, "last": -1, "this past": -1}.get(relation, 0)
    published = ctx.published
    if unit == "week" and relation in ("this", "later this") and published.weekday() == 6:
        # Weeks run Monday to Sunday, but a Sunday story's "rocket makes its debut this week"
        # looks ahead to the week that starts tomorrow; "struck earlier this week" does not.
        step = 0 if ctx.tense is Tense.PAST else 1
    if unit == "week":
        return _Reading("week", _week(published + timedelta(weeks=step)))
    if unit == "weekend":
        week = _week(published + timedelta(weeks=step))
        return _Reading("week", _Period(week.end - timedelta(days=1), week.end))
    if unit == "month":
        return _Reading("month", _shift_month(published, step))
    return _Reading("year", _years(published.year + step))


def _ago(m: re.Match[str], ctx: _Context) -> _Reading:
    """A time counted back from publication: "16 years ago", "a decade ago", "a few weeks ago".

    A vague count ("a few", "several") spans every period its range of numbers reaches.
    """
    lex = _lexicon()
    base, multiple = lex.ago_units[m["unit"].lower()]
    granularity = _UNIT_GRANULARITY[base]
    if ctx.published is None:
        return _Reading(granularity, None)
    published = ctx.published

    def back(count: int) -> _Period:
        if base == "day":
            return _day(published - timedelta(days=count))
        if base == "week":
            # "two weeks ago" is about 14 days back, not a calendar week: in a Monday story
            # the Sunday 15 days back fits, so the window is the seven days centred on it.
            centre = published - timedelta(weeks=count)
            return _Period(centre - timedelta(days=3), centre + timedelta(days=3))
        if base == "month":
            return _shift_month(published, -count)
        return _years(published.year - count)

    if m["n"].isdigit():
        low = high = int(m["n"])
    else:
        low, high = lex.number_words[" ".join(m["n"].lower().split())]
    period = _Period(back(high * multiple).start, back(low * multiple).end)
    # "a few weeks ago" names no one week: TIMEX3 calls it PAST_REF.
    return _Reading(granularity, period, timex=None if low == high else "PAST_REF")


# ---------------------------------------------------------------------------------------------
# Times that are not calendar dates of an event: clock times, durations, sets, "now",
# quarters, fiscal years. These rules feed `extract_times` only (`_Rule.calendar` False), so
# the event dates `extract_dates` gives stay what they were.


def _words(text: str) -> str:
    """Lower case, single spaces: the key the word lists use."""
    return " ".join(text.lower().replace("-", " ").split())


def _count(text: str) -> float | None:
    """The number a count is written as ("3", "three", "twenty-four", "a"); None if vague."""
    lex = _lexicon()
    key = _words(text)
    if key in lex.cardinals:
        return lex.cardinals[key]
    digits = text.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    tens, _, unit = key.partition(" ")  # "twenty four"
    if unit and tens in lex.cardinals and unit in lex.cardinals:
        return lex.cardinals[tens] + lex.cardinals[unit]
    return None


def _duration_value(count: float | None, unit: str) -> str:
    """A TIMEX3 duration: (3, "day") -> "P3D", (40, "minute") -> "PT40M", None -> "PXD".

    A fraction moves to the next smaller unit when that makes it whole: half an hour is
    "PT30M", a year and a half "P18M".
    """
    lex = _lexicon()
    if count is not None and count != int(count):
        smaller = lex.smaller_units.get(unit)
        if smaller is not None and count * smaller[1] == int(count * smaller[1]):
            count, unit = count * smaller[1], smaller[0]
    prefix, code = lex.duration_units[unit]
    if count is None:
        return f"{prefix}X{code.lstrip('0123456789')}"
    if code[0].isdigit():  # a fortnight is two weeks
        count, code = count * int(code[0]), code[1:]
    number = str(int(count)) if count == int(count) else str(count)
    return f"{prefix}{number}{code}"


def _unit_name(text: str) -> str:
    """The singular unit a written unit names ("Centuries" -> "century")."""
    word = text.lower()
    if word == "centuries":
        return "century"
    return word[:-1] if word.endswith("s") and word[:-1] in _lexicon().duration_units else word


def _duration(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A length of time: "for three days", "40 minutes", "more than a month", "a 10-year"."""
    unit = _unit_name(m["unit"])
    count_text = m["n"]
    if unit == "second" and _words(count_text) in ("a", "an") and m["half"] is None:
        return None  # "for a second day" is an ordinal, not one second
    count = _count(count_text)
    if m["half"] or m["half2"]:
        count = None if count is None else count + 0.5
    return _Reading(None, None, timex=_duration_value(count, unit), kind="DURATION")


def _half_unit(m: re.Match[str], ctx: _Context) -> _Reading:
    """Half of a unit: "half an hour", "a half-hour", "half a day"."""
    return _Reading(None, None, timex=_duration_value(0.5, _unit_name(m["unit"])), kind="DURATION")


def _past_span(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A span reaching to the story: "the past three days", "the last 20 years", "the next week"."""
    unit = _unit_name(m["unit"])
    if m["n"] is None:
        if m["unit"].lower() != unit and unit not in ("second", "minute", "hour"):
            count: float | None = None  # "the past months"
        elif unit == "minute" and m["unit"].lower() == unit:
            return None  # "at the last minute" is an idiom
        else:
            count = 1.0
    else:
        count = _count(m["n"])
    return _Reading(None, None, timex=_duration_value(count, unit), kind="DURATION")


def _bare_units(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """An unnumbered plural unit after a preposition: "for hours", "the worst in years"."""
    if ctx.previous_word not in ("for", "in", "within", "over", "after", "lasting"):
        return None
    return _Reading(None, None, timex=_duration_value(None, _unit_name(m["unit"])), kind="DURATION")


def _nth_unit(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A day counted into something: "the 20th day of the strike" lasts 20 days so far."""
    ordinal = m["ord"].lower()
    number = _lexicon().ordinals.get(ordinal)
    if number is None:
        digits = re.match(r"\d+", ordinal)
        number = int(digits[0]) if digits else None
    following = m["ofw"]
    if m["det"].lower() != "the":  # "the strike, now in its 20th day"
        following = following or "the"
    if following is None or number is None or number == 1:
        return None
    if not following.islower() or following in ("this", "last"):
        # "the first day of the trial", "the second week of March", "the third month of 2024"
        # are dates, not lengths.
        return None
    return _Reading(None, None, timex=_duration_value(number, m["unit"].lower()), kind="DURATION")


def _set(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A repetition: "every week" (P1W), "twice a year", "every Monday", "annually".

    A unit repeats as a period ("every two years" P2Y, "every other week" P2W); a named day,
    month, season or part of the day as its calendar pattern ("every Monday" XXXX-WXX-1,
    "every May" XXXX-05, "every morning" XXXX-XX-XXTMO).
    """
    lex = _lexicon()
    if m["adverb"]:
        if ctx.pos != "ADV" and m["adverb"].lower() != "annually":
            return None  # "the daily newspaper", "a weekly meeting"
        return _Reading(None, None, timex=lex.frequency_adverbs[m["adverb"].lower()], kind="SET")
    name = m["unit"]
    lower = name.lower()
    if name in lex.weekdays:
        value = f"XXXX-WXX-{lex.weekdays[name] + 1}"
    elif name.rstrip(".") in lex.months or name.rstrip(".") in lex.month_abbreviations:
        value = f"XXXX-{lex.month_number(name):02d}"
    elif lower in _SEASON_CODES:
        value = f"XXXX-{_SEASON_CODES[lower]}"
    elif lower in lex.day_part_codes:
        value = f"XXXX-XX-XXT{lex.day_part_codes[lower]}"
    elif lower == "weekend":
        value = "XXXX-WXX-WE"
    elif lower == "quarter":
        value = "P3M"
    else:
        count = 2.0 if m["other"] else (1.0 if m["n"] is None else _count(m["n"]))
        value = _duration_value(count, _unit_name(name))
    if m["setpart"] and value.startswith("XXXX"):  # "every Tuesday evening"
        value += f"T{lex.day_part_codes[m['setpart'].lower()]}"
    return _Reading(None, None, timex=value, kind="SET")


def _rate(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A rate's period after an amount: "$5 a day", "3% a year", "2 million visitors a
    year" (a SET, P1D / P1Y)."""
    if not ctx.after_number:
        return None
    return _Reading(None, None, timex=_duration_value(1, _unit_name(m["unit"])), kind="SET")


def _present(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """The story's present and its vague past and future: "now", "currently", "recently"."""
    if m["ref"].lower().startswith("the") and ctx.previous_word != "in":
        return None  # "in the past" is a time, "the past week" another rule, "the past" a noun
    return _Reading(None, None, timex=_lexicon().present_words[_words(m["ref"])], calendar=False)


def _recent(m: re.Match[str], ctx: _Context) -> _Reading:
    """ "recent weeks", "the coming days": the vague past or future near the story."""
    return _Reading(None, None, timex="PAST_REF" if m["dir"].lower() == "recent" else "FUTURE_REF")


def _clock(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A clock time: "at 1:52 a.m.", "3 p.m. EST", "14:30 GMT", "1830 GMT", "noon".

    The day comes from a date of the same sentence (see `extract_times`). A bare "14:30"
    must follow a preposition ("at 14:30"), so a score or a ratio is not a time.
    """
    groups = m.groupdict()
    if groups.get("word"):
        if ctx.names_something:
            return None  # "the midnight cherry red Tesla Roadster" is a colour of a name
        clock = "12:00" if m["word"].lower() in ("noon", "midday") else "24:00"
        return _Reading(None, None, kind="TIME", clock=clock)
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    meridiem = (groups.get("ap") or "").lower()
    if not meridiem and not m["tz"] and ctx.previous_word not in _CLOCK_PREPOSITIONS:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23:
        return None
    return _Reading(None, None, kind="TIME", clock=f"{hour:02d}:{minute:02d}")


def _day_part(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """ "through the night", "that afternoon": a part of the day dated like a clock time.

    "this morning" is a day word of its own (`_day_word`); "the morning after" and "the
    evening news" are not times.
    """
    if m["det"].lower() == "this" or ctx.pos not in ("NOUN", "PROPN"):
        return None
    after = m.string[m.end() :].split(maxsplit=1)
    if after and after[0].lower() in ("of", "after", "before", "when", "news", "shift", "rush"):
        return None
    return _Reading(None, None, kind="TIME", part=_part_code(m["dp"]))


_CLOCK_PREPOSITIONS = frozenset(
    {"at", "by", "until", "till", "around", "about", "before", "after", "from", "to", "since"}
)


def _quarter(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A quarter or half of a year: "the first quarter of 2024" (2024-Q1), "Q3",
    "fourth-quarter", "the second half of the year", "last quarter", "fiscal 2024's third
    quarter".

    Without a year the quarter is placed by tense like a bare month: "profit rose in the
    third quarter" in a March story is last year's.
    """
    lex = _lexicon()
    unit = (m["qunit"] or "quarter").lower()
    size = 3 if unit == "quarter" else 6
    letter = "Q" if unit == "quarter" else "H"
    if m["qn"]:
        number = int(m["qn"])
    elif m["qord"]:
        ordinal = m["qord"].lower()
        number = 4 if ordinal == "final" else lex.ordinals.get(ordinal) or int(ordinal[0])
    else:
        number = 0  # relative: "last quarter"
    if number > 12 // size:
        return None
    if number == 0 and (m["year"] or m["yrel"] or m["fy"]):
        if m["qrel"].lower().split()[-1] != "last":
            return None
        number = 4  # "the last quarter of 2023"
    if letter == "H" and not (m["fy"] or m["year"] or m["yrel"]):
        return None  # "the second half" of a match, a film, a speech
    if m["fy"]:
        return _Reading(None, None, timex=f"FY{m['fy']}-{letter}{number}", calendar=False)
    published = ctx.published
    if m["year"]:
        year = int(m["year"])
    elif m["yrel"]:
        if published is None:
            return _Reading(None, None, timex=f"XXXX-{letter}{number}", calendar=False)
        relation = m["yrel"].lower()
        year = published.year + {"last": -1, "next": 1}.get(relation, 0)
    elif published is None:
        return _Reading(None, None, timex=f"XXXX-{letter}{number or 'X'}", calendar=False)
    else:
        per_year = 12 // size
        now = published.year * per_year + (published.month - 1) // size
        if number == 0:
            step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}
            index = now + step.get(m["qrel"].lower().split()[-1], 0)
        else:
            candidates = [(published.year + d) * per_year + number - 1 for d in (-1, 0, 1)]
            index = _pick_by_tense(candidates, now, ctx.tense)
        year, number = index // per_year, index % per_year + 1
    first = (number - 1) * size + 1
    period = _Period(_month(year, first).start, _month(year, first + size - 1).end)
    return _Reading("month", period, timex=f"{year}-{letter}{number}", calendar=False)


def _fiscal_year(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A fiscal year: "fiscal 2024", "FY2024", "this fiscal year" (TIMEX3 "FY2024")."""
    groups = m.groupdict()
    if groups.get("year") or groups.get("year2"):
        year = groups.get("year") or f"20{m['year2']}"
        return _Reading(None, None, timex=f"FY{year}")
    if ctx.published is None:
        return _Reading(None, None, timex="FYXXXX")
    step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}
    relation = m["frel"].lower().split()[-1]
    return _Reading(None, None, timex=f"FY{ctx.published.year + step.get(relation, 0)}")


def _weekend(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """ "over the weekend": the weekend past for a past verb, the next one for a future."""
    if ctx.previous_word not in _WEEKEND_PREPOSITIONS:
        return None
    if ctx.published is None:
        return _Reading("week", None, timex="XXXX-WXX-WE", calendar=False)
    published = ctx.published
    week = _week(published)
    saturday = week.end - timedelta(days=1)
    if ctx.tense is Tense.PAST and saturday > published:
        saturday -= timedelta(weeks=1)
    return _Reading("week", _Period(saturday, saturday + timedelta(days=1)), calendar=False)


_WEEKEND_PREPOSITIONS = frozenset(
    {
        "over",
        "during",
        "at",
        "on",
        "for",
        "through",
        "throughout",
        "until",
        "by",
        "after",
        "before",
        "since",
        "this",
        "that",
    }
)


def _current_unit(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """The story's own day, week, month or year: "rose 2% on the day", "earlier in the week",
    "the current year"; or one counted from an event the sentence names: "the following day"
    (unresolved: its anchor is that event, not the story)."""
    unit = cast(Granularity, m["unit"].lower())
    relation = (m["crel"] or "").lower()
    if relation in ("previous", "prior", "following", "next", "same"):
        if relation == "next" and ctx.previous_word in _SPAN_PREPOSITIONS:
            return None  # "over the next week" is a duration
        step = {"previous": -1, "prior": -1, "same": 0}.get(relation, 1)
        return _Reading(unit, None, calendar=False, shift=(step, unit))
    if not relation and not m["crel0"]:
        after = m.string[m.end() :].split(maxsplit=1)
        if ctx.previous_word not in ("on", "for") or (after and after[0].lower() in _NOT_TODAY):
            return None  # "the day" is the story's only in "rose 2% on the day"
    published = ctx.published
    if published is None:
        return _Reading(unit, None, calendar=False)
    period = {
        "day": _day(published),
        "week": _week(published),
        "month": _month(published.year, published.month),
        "year": _years(published.year),
    }[unit]
    return _Reading(unit, period, calendar=False)


_SPAN_PREPOSITIONS = frozenset({"over", "for", "within", "during", "in", "throughout"})
# Words after "the day" that make it some other day: "the day of the attack", "the day he left".
_NOT_TODAY = frozenset(
    {
        "of",
        "after",
        "before",
        "when",
        "that",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "the",
        "a",
        "his",
        "her",
        "its",
        "their",
        "in",
        "on",
        "which",
        "where",
    }
)


def _from_now(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A time counted from the story forwards or from another event: "two weeks from now",
    "a year earlier", "three days later" (the last two stay unresolved: their anchor is an
    event, not the story)."""
    unit = _unit_name(m["unit"])
    if unit in ("second", "minute", "hour"):  # "three hours later": a time of an unnamed day
        return _Reading(None, None, timex="XXXX-XX-XXTXX:XX", kind="TIME", calendar=False)
    granularity = _UNIT_GRANULARITY.get(unit, "year")
    count = _count(m["n"])
    direction = _words(m["dir"])
    if count is not None and count == int(count) and direction != "from now":
        number = int(count) * {"decade": 10, "century": 100}.get(unit, 1)
        sign = -1 if direction == "earlier" else 1
        # No granularity of its own: "a year earlier" than October is an October.
        return _Reading(None, None, calendar=False, shift=(sign * number, granularity))
    if direction != "from now" or ctx.published is None or count is None:
        return _Reading(granularity, None, calendar=False)
    published = ctx.published
    number = int(count)
    if unit == "day":
        period = _day(published + timedelta(days=number))
    elif unit == "week":
        period = _week(published + timedelta(weeks=number))
    elif unit == "month":
        period = _shift_month(published, number)
    else:
        years = number * {"year": 1, "decade": 10, "century": 100}[unit]
        period = _years(published.year + years)
    return _Reading(granularity, period, calendar=False)


_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "our", "your"})


def _decade_word(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A decade written short: "the '90s", "the nineties" (199), "the '20s" (202)."""
    if ctx.previous_word in _POSSESSIVES:
        return None  # "in his sixties" is an age
    digit = int(m["dd"]) if m["dd"] else _lexicon().decade_words[m["dword"].lower()]
    century = 19 if digit >= 3 else 20
    first = century * 100 + digit * 10
    return _Reading("year", _years(first, first + 9))


def _century(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A century: "the 20th century" (TIMEX3 "19"), "the nineteenth century"."""
    ordinal = m["ord"].lower()
    number = _lexicon().ordinals.get(ordinal) or int(ordinal.rstrip("stndrh"))
    if number < 2:
        return None  # the first century has no year 0 to start from
    first = (number - 1) * 100
    return _Reading("year", _years(first, first + 99), timex=f"{number - 1:02d}")


_END_OF_NUMBER = r"(?![\w%]|[,.]\d)"  # "5,000", "2.5", "20m" are not days or years
_YEAR_NUMBER = r"1[1-9]\d\d|20\d\d"


def _rule(pattern: str, resolve: _Resolver, calendar: bool = True) -> _Rule:
    return _Rule(re.compile(pattern), resolve, calendar)


@cache
def _grammar() -> tuple[_Rule, ...]:
    """Compile the rules from the word lists (once per process): calendar dates first."""
    return _calendar_rules() + _time_rules()


def _calendar_rules() -> tuple[_Rule, ...]:
    """The rules of calendar dates, which may date a claim's event."""
    lex = _lexicon()
    rule = _rule
    weekday = rf"\b(?P<wd>{_alternatives(lex.weekdays)})\b"
    full_month = _alternatives(lex.months)
    abbreviation = _alternatives(lex.month_abbreviations)
    month = rf"\b(?P<mon>(?:{full_month})\b|(?:{abbreviation})\b\.?)"
    edge = rf"\b(?P<edge>(?i:{_alternatives(lex.edges)}))(?:\s+|-)"
    end_of_number = _END_OF_NUMBER
    day = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{end_of_number}"
    year_number = _YEAR_NUMBER
    year = rf",?\s+(?:of\s+)?(?P<year>{year_number}){end_of_number}"
    parts = rf"(?:\s+(?P<part>(?i:{_alternatives(lex.day_parts)}))\b)?"
    relation = r"(?P<rel>(?i:this\s+past|this\s+coming|this|next|last))"
    connector = _alternatives(lex.range_connectors)
    partner_year = (
        rf"(?=(?:\s+(?:{connector})\s+(?:{full_month}|(?:{abbreviation})\.?),?\s+(?:of\s+)?"
        rf"(?P<coyear>{year_number}){end_of_number})?)"
    )
    ago_units = _alternatives(lex.ago_units)
    numbers = _alternatives(lex.number_words)
    time_zone = _alternatives(lex.time_zones)
    seasons = _alternatives(lex.seasons)
    return (
        # "2022-01-05"
        rule(
            r"(?<![\w-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?![\w-])",
            _iso,
        ),
        # "Jan. 5", "Friday, Jan. 7, 2022"
        rule(rf"(?:{weekday},?\s+)?{month}\s+{day}(?:{year})?", _day_of_month),
        # "8 January 2022", "5th of May"
        rule(
            rf"(?:{weekday},?\s+)?(?<![\w,.]){day}\s+(?:of\s+)?{month}(?:{year})?",
            _day_of_month,
        ),
        # "March 2020", "late January 2019", "July of 2016"
        rule(rf"(?:{edge})?{month}{year}", _month_year),
        # "in December", "last July", "mid-October"
        rule(
            rf"(?:{edge})?(?:\b{relation}\s+)?"
            rf"\b(?P<mon>{full_month})\b{partner_year}"
            r"(?=(?P<anaphor>\s+(?:of\s+)?(?:that|the\s+same)\s+year)?)",
            _bare_month,
        ),
        # "last summer", "this spring"
        rule(
            rf"\b(?P<rel>(?i:this\s+past|this\s+coming|this|next|last))\s+"
            rf"(?P<season>(?i:{seasons}))\b",
            _relative_season,
        ),
        # "the fall of 2016", "summer 2019"
        rule(
            rf"(?:\b(?i:the)\s+)?\b(?P<season>(?i:{seasons}))(?:\s+of)?\s+"
            rf"(?P<year>{year_number}){end_of_number}",
            _season_of_year,
        ),
        # "the 1960s", "the early 2020s"
        rule(
            r"(?:\b(?i:the)\s+)?(?:\b(?P<edge>(?i:early|late|mid))(?:\s+|-))?"
            r"\b(?P<decade>1[1-9]\d0|20\d0)['\u2019]?s\b",
            _decade,
        ),
        # "1991", "late 2019", "mid-2020"
        rule(
            rf"(?:{edge})?(?<![\w$£€.,])(?P<year>{year_number})"
            rf"(?![\w%]|[,.]\d|\s*(?:{time_zone})\b)",
            _year,
        ),
        # "Friday", "early Tuesday", "last Monday", "Wednesday night"
        rule(
            rf"(?:\b(?P<rel>(?i:this\s+past|this\s+coming|last|next|this|early|late|earlier|later))"
            rf"\s+)?{weekday}{parts}",
            _weekday,
        ),
        # "today", "yesterday afternoon", "last night"
        rule(
            rf"\b(?P<word>(?i:{_alternatives(lex.day_words)}))\b{parts}",
            _day_word,
        ),
        # "next week", "earlier this month", "the end of the year", "last weekend"
        rule(
            rf"(?:\b(?P<edge>(?i:{_alternatives(lex.edges)}))\s+(?P<erel>(?i:the|this|next|last))"
            rf"|\b(?P<rel>(?i:(?:earlier|later)\s+this|this\s+past|this\s+coming|this|next|last)))"
            rf"\s+(?P<unit>(?i:{_alternatives(lex.period_units)}))\b",
            _relative_period,
        ),
        # "16 years ago", "a decade ago"
        rule(
            rf"(?<![\w,.])(?P<n>\d{{1,3}}|(?i:{numbers}))\s+(?P<unit>(?i:{ago_units}))s?"
            r"\s+(?i:ago)\b",
            _ago,
        ),
    )


def _time_rules() -> tuple[_Rule, ...]:
    """The rules of times that do not date an event (see `_Rule.calendar`)."""
    lex = _lexicon()
    plurals = [u + "s" for u in lex.duration_units if u != "century"] + ["centuries"]
    unit_forms = _alternatives([*lex.duration_units, *plurals])
    unit = rf"(?P<unit>(?i:{unit_forms}))\b"
    plural_units = _alternatives(p for p in plurals if p != "fortnights")
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    digits = r"\d{1,3}(?:,\d{3})*(?:\.\d+)?"
    compound = rf"(?:{tens})[\s-](?:{ones})"
    vague = _alternatives(lex.vague_counts)
    count = rf"(?P<n>{digits}|(?i:{compound}|{_alternatives(lex.cardinals)}|{vague}))"
    # A count after "the past", "every": a number, never an article ("the past a week").
    numerals = _alternatives(w for w in lex.cardinals if not re.search(r"\b(?:a|an|half)\b", w))
    counted = rf"(?P<n>{digits}|(?i:{compound}|{numerals}|few|several|many))"
    modifiers = _alternatives(lex.duration_modifiers)
    not_an_age = r"(?!-old|\s+old\b|\s+(?i:ago|earlier|later|from\s+now)\b)"
    zones = _alternatives([z for z in lex.time_zones if z.isupper()] + ["local time"])
    ordinals = _alternatives(lex.ordinals)
    set_units = _alternatives(
        [
            *lex.duration_units,
            *plurals,
            *lex.weekdays,
            *lex.months,
            *lex.seasons,
            *lex.day_parts,
            "weekend",
            "quarter",
        ]
    )
    adverbs = _alternatives(lex.frequency_adverbs)
    times = _alternatives(lex.times_words)
    rules = _time_rule_patterns(
        unit,
        plural_units,
        count,
        counted,
        modifiers,
        not_an_age,
        zones,
        ordinals,
        set_units,
        adverbs,
        times,
    )
    unit_words = "second|minute|hour|day|week|fortnight|month|year|decade|centur"
    triggers: dict[_Resolver, str] = {
        _numeric_date: r"\d[/.-]\d",
        _rate: unit_words,
        _set: rf"every|each|per|times|once|twice|thrice|{adverbs}",
        _duration: unit_words,
        _half_unit: "half",
        _current_unit: "day|week|month|year",
        _past_span: unit_words,
        _bare_units: unit_words,
        _nth_unit: "day|week|month|year",
        _present: _alternatives(lex.present_words),
        _recent: "recent|coming",
        _clock: r"\d|noon|midday|midnight",
        _day_part: _alternatives(lex.day_parts),
        _quarter: r"quarter|half|q[1-4]",
        _fiscal_year: "fiscal|financial|fy",
        _weekend: "weekend",
        _from_now: "earlier|later|from now",
        _bare_season: _alternatives(lex.seasons),
        _decade_word: rf"'|\u2019|{_alternatives(lex.decade_words)}",
        _century: "century",
    }
    return tuple(replace(r, trigger=re.compile(triggers[r.resolve], re.IGNORECASE)) for r in rules)


def _time_rule_patterns(
    unit: str,
    plural_units: str,
    count: str,
    counted: str,
    modifiers: str,
    not_an_age: str,
    zones: str,
    ordinals: str,
    set_units: str,
    adverbs: str,
    times: str,
) -> tuple[_Rule, ...]:
    """The time rules' patterns, built from the word-list alternations `_time_rules` makes."""
    lex = _lexicon()
    rule = _rule
    return (
        # "12/25/2013", "2013/03/22", "25.12.2013": dateparser reads the numeric forms
        rule(
            r"(?<![\w/.,-])(?:\d{4}([/.-])\d{1,2}\1\d{1,2}|\d{1,2}([/.-])\d{1,2}\2\d{4}"
            r"|\d{1,2}/\d{1,2}/\d\d)(?![\w/-]|[.,]\d)",
            _numeric_date,
            False,
        ),
        # "$5 a day", "3% a year": before the durations, which would read "a day" as P1D
        rule(rf"\b(?i:a|an|per)\s+{unit}", _rate, False),
        # "every week", "twice a year", "every other Monday", "annually"
        rule(
            rf"(?:\b(?P<adverb>(?i:{adverbs}))\b"
            rf"|\b(?:(?i:every|each|per)\s+(?:(?P<other>(?i:other))\s+|{counted}\s+)?"
            rf"|(?:(?i:{times})|\d+\s+(?i:times))\s+(?i:a|an|per|each|every)\s+)"
            rf"(?P<unit>(?i:{set_units}))\b"
            rf"(?:\s+(?P<setpart>(?i:{_alternatives(lex.day_parts)}))\b)?)",
            _set,
            False,
        ),
        # "for three days", "40 minutes", "more than a month", "a three-day visit"
        rule(
            rf"(?<![\w$£€.,-])(?:(?i:{modifiers})\s+)?{count}(?:\s+|-)"
            rf"(?:(?P<half>(?i:and\s+a\s+half))\s+)?{unit}(?:\s+(?P<half2>(?i:and\s+a\s+half)))?"
            rf"{not_an_age}",
            _duration,
            False,
        ),
        # "half an hour", "a half-hour"
        rule(rf"\b(?i:half\s+an?|an?\s+half)[\s-]{unit}", _half_unit, False),
        # "the following day", "earlier in the week", "on the day", "the current year"
        rule(
            r"(?:\b(?P<crel0>(?i:earlier|later))\s+(?i:in)\s+)?\b(?i:the)\s+"
            r"(?:(?P<crel>(?i:current|present|previous|prior|following|next|same))\s+)?"
            r"(?P<unit>(?i:day|week|month|year))\b",
            _current_unit,
            False,
        ),
        # "the past three days", "the last 20 years", "the next week"
        rule(
            rf"\b(?i:the)\s+(?i:past|last|next|coming|previous)\s+(?:{counted}\s+)?{unit}",
            _past_span,
            False,
        ),
        # "for hours", "the worst in years"
        rule(rf"\b(?P<unit>(?i:{plural_units}))\b", _bare_units, False),
        # "the 20th day of the strike"
        rule(
            rf"\b(?P<det>(?i:the|its|their))\s+(?P<ord>\d{{1,3}}(?:st|nd|rd|th)|(?i:{ordinals}))\s+"
            r"(?P<unit>(?i:day|week|month|year))\b(?=\s+of\s+(?P<ofw>[\w']+))?",
            _nth_unit,
            False,
        ),
        # "now", "currently", "recently", "in the past"
        rule(rf"\b(?P<ref>(?i:{_alternatives(lex.present_words)}))\b(?!-)", _present, False),
        # "recent weeks", "the coming days"
        rule(
            r"(?:\b(?i:the)\s+)?\b(?P<dir>(?i:recent|coming))\s+"
            r"(?P<unit>(?i:days|weeks|months|years|decades))\b",
            _recent,
            False,
        ),
        # "1:52 a.m.", "3 p.m. EST"
        rule(
            r"(?<![\w:.,$£€])(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*"
            rf"(?P<ap>(?i:a\.m\.?|p\.m\.?|am|pm))(?!\w)(?:\s+(?P<tz>{zones})\b)?",
            _clock,
            False,
        ),
        # "at 14:30", "14:30 GMT"
        rule(
            r"(?<![\w:.,$£€])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:])"
            rf"(?:\s+(?P<tz>{zones})\b)?",
            _clock,
            False,
        ),
        # "1830 GMT", "0600 hours"
        rule(
            r"(?<![\w:.,$£€])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s+"
            r"(?P<tz>GMT|UTC|(?i:hours|hrs|local\s+time))\b",
            _clock,
            False,
        ),
        # "the night", "that afternoon": a part of a day the sentence or story names
        rule(
            rf"\b(?P<det>(?i:the|that|this))\s+(?P<dp>(?i:{_alternatives(lex.day_parts)}))\b",
            _day_part,
            False,
        ),
        # "noon", "midnight"
        rule(r"\b(?P<word>(?i:noon|midday|midnight))\b", _clock, False),
        # "the first quarter of 2024", "Q3", "fourth-quarter", "the second half of the year"
        rule(
            r"(?:\b(?i:the)\s+)?(?:\b(?P<qord>(?i:first|second|third|fourth|final|1st|2nd|3rd|4th))"
            r"(?:\s+|-)(?P<qunit>(?i:quarter|half))"
            r"|\b(?P<qrel>(?i:last|this|next|the\s+(?:last|past|previous|current|latest|coming|next)))"
            r"\s+(?i:quarter)"
            r"|\bQ(?P<qn>[1-4]))\b"
            rf"(?:(?:\s+(?i:of))?(?:\s+(?i:fiscal)(?:\s+(?i:year))?\s+(?P<fy>{_YEAR_NUMBER})"
            rf"|\s+(?P<year>{_YEAR_NUMBER}){_END_OF_NUMBER}"
            r"|\s+(?P<yrel>(?i:this|last|next|the))\s+(?i:year)\b))?",
            _quarter,
            False,
        ),
        # "this fiscal year", "the previous financial year"
        rule(
            r"\b(?P<frel>(?i:this|last|next|the\s+(?:current|previous|past|coming|next|last)))"
            r"\s+(?i:fiscal|financial)\s+(?i:year)\b",
            _fiscal_year,
            False,
        ),
        # "fiscal 2024", "FY2024"
        rule(
            rf"\b(?:(?i:fiscal)(?:\s+(?i:year))?\s+(?P<year>{_YEAR_NUMBER})|FY\s?(?P<year2>\d\d))"
            rf"{_END_OF_NUMBER}",
            _fiscal_year,
            False,
        ),
        # "over the weekend"
        rule(r"\b(?i:the)\s+(?i:weekend)\b", _weekend, False),
        # "two weeks from now", "a year earlier", "three days later"
        rule(
            rf"(?<![\w,.])(?:(?i:{modifiers})\s+)?{count}\s+{unit}\s+"
            r"(?P<dir>(?i:from\s+now|earlier|later))\b",
            _from_now,
            False,
        ),
        # "in winter", "during the summer", "the start of winter"
        rule(
            rf"(?:\b(?P<edge>(?i:{_alternatives(lex.edges)}))\s+)?(?:\b(?i:the)\s+)?"
            rf"\b(?P<season>(?i:{_alternatives(lex.seasons)}))\b(?!\s+of\b|-)",
            _bare_season,
            False,
        ),
        # "the '90s", "the nineties"
        rule(
            r"(?:\b(?i:the)\s+)?(?:\b(?P<edge>(?i:early|late|mid))(?:\s+|-))?"
            rf"(?:['\u2019](?P<dd>\d)0s\b|\b(?P<dword>(?i:{_alternatives(lex.decade_words)}))\b)",
            _decade_word,
            False,
        ),
        # "the 20th century"
        rule(
            rf"(?:\b(?i:the)\s+)?\b(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|(?i:{ordinals}))[\s-]"
            r"(?i:century)\b",
            _century,
            False,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Extraction


_ENTS_KEY = "factdb.ents"


def _entities(doc: Doc) -> tuple[Span, ...]:
    """The doc's entities, built once: `Doc.ents` makes new spans on every access, and the
    rules ask for them at every match."""
    ents = doc.user_data.get(_ENTS_KEY)
    if ents is None:
        ents = doc.user_data[_ENTS_KEY] = tuple(doc.ents)
    return tuple(ents)


def _inside_date_entity(span: Span) -> bool:
    """True when spaCy's NER labels the expression (or more around it) DATE."""
    return any(
        ent.label_ == "DATE" and ent.start <= span.start and span.end <= ent.end
        for ent in _entities(span.doc)
    )


def _inside_larger_name(span: Span) -> bool:
    """True for date words inside a longer name: "USA Today", "the Sunday Times".

    A lowercase expression that ends the name is a date the tagger ran into it: in "crashed
    into the Atlantic early Sunday" spaCy may tag "the Atlantic early Sunday" as a place.
    """
    return any(
        ent.label_ not in ("DATE", "TIME")
        and ent.start <= span.start
        and span.end <= ent.end
        and (ent.start, ent.end) != (span.start, span.end)
        and not (span.end == ent.end and span[0].text[:1].islower())
        for ent in _entities(span.doc)
    )


def _is_supported(span: Span, sent: Span) -> bool:
    """Whether a bare year or month name reads as a date here.

    Yes inside a spaCy DATE entity, after a temporal preposition ("in 1991", "since March";
    but not "in 1500 cases"), or after a range word that follows a year or month ("from 1968
    to 1972").
    """
    if _inside_date_entity(span):
        return True
    lex = _lexicon()
    doc = span.doc
    if span.start <= sent.start:
        return False
    previous = doc[span.start - 1]
    if span.end < sent.end and doc[span.end].tag_ in ("NNS", "NNPS"):
        return False
    if previous.lower_ in lex.temporal_prepositions:
        return True
    if previous.lower_ in lex.range_connectors and span.start - 2 >= sent.start:
        before = doc[span.start - 2].text.rstrip(".")
        return (len(before) == 4 and before.isdigit()) or before in lex.months
    return False


# Dependency labels that tie a modifier into the noun phrase it belongs to.
_MODIFIER_DEPS = ("amod", "nmod", "compound", "npadvmod", "nummod")


def _modifies_name(span: Span) -> bool:
    """True when the expression modifies a proper noun after it: "cherry red 2008 Tesla Roadster".

    The walk climbs through the modifiers of a noun phrase (the parser hangs "2008" on "red",
    "red" on "cherry") to the phrase's head; a common noun there keeps the date, as in "the
    1996 ValuJet crash".
    """
    head = span.root
    while head.dep_ in _MODIFIER_DEPS and head.head.i != head.i:
        head = head.head
    return head.i >= span.end and head.pos_ == "PROPN"


@dataclass(frozen=True)
class _Candidate:
    """An accepted match: its text, character offsets in the doc, tokens and reading."""

    text: str
    start: int
    end: int
    span: Span
    reading: _Reading
    calendar: bool


def _candidates(sent: Span, published: date | None) -> list[_Candidate]:
    """Every match of every rule in a sentence that its resolver accepts (overlaps kept)."""
    doc = sent.doc
    lex = _lexicon()
    found: list[_Candidate] = []
    text = doc_text(doc)[sent.start_char : sent.end_char]  # Span.text rebuilds it per access
    for rule in _grammar():
        if rule.trigger is not None and rule.trigger.search(text) is None:
            continue
        for m in rule.pattern.finditer(text):
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or _inside_larger_name(span):
                continue
            before = doc[span.start - 1] if span.start > sent.start else None
            previous = before.lower_ if before is not None else ""
            # "since Aug. 17" lies before the report whatever the verb's form says.
            past = previous in lex.past_prepositions
            tense = Tense.PAST if past else clause_tense(span)
            context = _Context(
                published,
                tense,
                previous,
                supported=_is_supported(span, sent),
                names_something=_modifies_name(span),
                after_name=before is not None and before.pos_ == "PROPN",
                after_number=_after_amount(doc, span.start, sent.start),
                pos=span.root.pos_,
            )
            reading = rule.resolve(m, context)
            if reading is not None:
                calendar = rule.calendar and reading.calendar
                found.append(_Candidate(m[0], start, end, span, reading, calendar))
    return found


def _after_amount(doc: Doc, start: int, sentence_start: int) -> bool:
    """True when a number or amount closes the phrase before token `start`: "$5 a day",
    "3% a year", "2 million visitors a year" (but not "5 people in a year")."""
    for i in range(start - 1, max(start - 4, sentence_start) - 1, -1):
        token = doc[i]
        if token.like_num or token.text in ("%", "percent") or token.is_currency:
            return True
        if token.pos_ not in ("NOUN", "PROPN", "ADJ"):
            return False
    return False


def _longest(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first ("Sunday, Jan. 2, 2022" over "Sunday"), in
    text order; on a tie the earlier rule wins."""
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(candidate.end <= c.start or c.end <= candidate.start for c in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


def extract_dates(sent: Span, published: date | None) -> list[DateMention]:
    """Find the date expressions of a sentence and resolve them against `published`.

    Absolute expressions ("Jan. 5, 2022", "March 2020", "in 1991") resolve with or without a
    publication date; relative ones ("on Friday", "next week", "two days ago", "on Jan. 5")
    need it and stay unresolved (text and granularity kept, period None) without it. A
    weekday, or a day or month without a year, is placed by the tense of the governing verb
    (see `resolve_weekday`). Mentions come in text order, never overlapping; each keeps the
    expression without its preposition ("on", "since").
    """
    return extract_temporal(sent, published)[0]


def extract_times(
    sent: Span, published: date | None, anchor: date | None = None
) -> list[TimeMention]:
    """Every temporal expression of a sentence as TIMEX3 (see `TimeMention`)."""
    return extract_temporal(sent, published, anchor)[1]


def extract_temporal(
    sent: Span, published: date | None, anchor: date | None = None
) -> tuple[list[DateMention], list[TimeMention]]:
    """The sentence's calendar dates (`extract_dates`) and all its times, from one scan.

    Dates come from the calendar rules only, so a claim's event date is never a duration,
    a set or "now". Times come from every rule: where a time rule and a date overlap, the
    longer wins ("the first quarter of 2024" over "2024"). A clock time takes its day from
    the nearest date of the same sentence ("at 1:52 a.m. Sunday"), else from `anchor`, the
    last day an earlier sentence named (`day_of`): "crashed early Sunday. The jet took off
    at 1:19 a.m." spaCy DATE and TIME entities that no rule reads are added as unresolved
    times (`_entity_times`).
    """
    found = _candidates(sent, published)
    dates = [_mention(c) for c in _longest(c for c in found if c.calendar)]
    chosen = _count_from_references(_longest(found), anchor)
    days = [c for c in chosen if c.reading.period is not None and c.reading.granularity == "day"]
    times = [_time(c, days, anchor) for c in chosen]
    times += _entity_times(sent, chosen)
    return dates, sorted(times, key=lambda t: t.start)


_COARSENESS: dict[Granularity | None, int] = {"day": 0, "week": 1, "month": 2, "year": 3}


def _count_from_references(chosen: list[_Candidate], anchor: date | None) -> list[_Candidate]:
    """Resolve "a year earlier", "the following day" from the date named before them.

    The reference is the last resolved date earlier in the sentence ("fell in October from a
    year earlier" is October of the year before), else `anchor`, the last day an earlier
    sentence named. "the following week" after a day is the week after that day's; "a year
    earlier" keeps the reference's granularity.
    """
    resolved: list[_Candidate] = []
    for candidate in chosen:
        shift = candidate.reading.shift
        if shift is not None:
            references = [
                c.reading.period
                for c in resolved
                if c.reading.kind == "DATE" and c.reading.shift is None
            ]
            reference = next((r for r in reversed(references) if r is not None), None)
            granularity: Granularity | None = None
            if reference is None and anchor is not None:
                reference, granularity = _day(anchor), "day"
            elif reference is not None:
                granularity = next(
                    c.reading.granularity for c in resolved if c.reading.period == reference
                )
            if reference is not None:
                step, unit = shift
                period = _shift_period(reference, step, unit)
                own = candidate.reading.granularity  # "the following week" names a week
                if own is not None and _COARSENESS[own] > _COARSENESS.get(granularity, 0):
                    granularity, period = own, _enclosing(period.start, own)
                reading = replace(candidate.reading, period=period, granularity=granularity)
                candidate = replace(candidate, reading=reading)
        resolved.append(candidate)
    return resolved


def _shift_date(day: date, months: int) -> date:
    """`day` moved by whole months; a month's last day stays its month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_end else min(day.day, last))


def _shift_period(period: _Period, step: int, unit: Granularity) -> _Period:
    """A period moved by `step` units ("a year earlier" than October 2024 is October 2023)."""
    if unit in ("day", "week"):
        delta = timedelta(days=step * (7 if unit == "week" else 1))
        return _Period(period.start + delta, period.end + delta)
    months = step * (12 if unit == "year" else 1)
    return _Period(_shift_date(period.start, months), _shift_date(period.end, months))


def _enclosing(day: date, unit: Granularity) -> _Period:
    """The week, month or year that contains `day`."""
    if unit == "week":
        return _week(day)
    if unit == "month":
        return _month(day.year, day.month)
    if unit == "year":
        return _years(day.year)
    return _day(day)


_DAY_VALUE = re.compile(r"(\d{4}-\d\d-\d\d)(?:T|$)")


def day_of(time: TimeMention) -> date | None:
    """The calendar day a DATE or TIME names ("2013-03-22", "1999-10-31T01:52"), else None."""
    if time.type not in ("DATE", "TIME"):
        return None
    day = _DAY_VALUE.match(time.value)
    return None if day is None else date.fromisoformat(day[1])


def _mention(candidate: _Candidate) -> DateMention:
    period = candidate.reading.period
    return DateMention(
        text=candidate.text,
        resolved_start=None if period is None else period.start,
        resolved_end=None if period is None else period.end,
        granularity=candidate.reading.granularity,
        start=candidate.start,
        end=candidate.end,
        token_start=candidate.span.start,
        token_end=candidate.span.end,
    )


# ---------------------------------------------------------------------------------------------
# TIMEX3 values and roles


def timex_value(period: _Period, granularity: Granularity | None) -> str:
    """The TIMEX3 value of a period by its shape: a day "2013-03-22", an ISO week "2013-W11"
    (its weekend "2013-W11-WE"), a month "2012-07", a season "2012-SU", a quarter "2013-Q1",
    a half "2013-H2", a year "2013", a decade "199", a century "19".

    Any other run of days (a week counted back from the story) is named by its middle at the
    granularity of the expression.
    """
    start, end = period.start, period.end
    if start == end:
        return start.isoformat()
    days = (end - start).days + 1
    if days == 7 and start.weekday() == 0:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if days == 2 and start.weekday() == 5:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}-WE"
    if start.day == 1 and end == _month(end.year, end.month).end:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 3 and start.month in (3, 6, 9, 12):
            code = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}[start.month]
            return f"{start.year}-{code}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return f"{start.year}-H{1 if start.month == 1 else 2}"
        if start.month == 1 and end.month == 12:
            years = end.year - start.year + 1
            if years == 1:
                return str(start.year)
            if years == 10 and start.year % 10 == 0:
                return str(start.year // 10)
            if years == 100 and start.year % 100 == 0:
                return f"{start.year // 100:02d}"
    middle = start + (end - start) / 2
    if granularity == "week":
        year, week, _ = middle.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return f"{middle.year}-{middle.month:02d}"
    if granularity == "year":
        return str(middle.year)
    return middle.isoformat()


_UNKNOWN = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}


def _time(candidate: _Candidate, days: Sequence[_Candidate], anchor: date | None) -> TimeMention:
    """The TIMEX3 form of an accepted expression; a clock time dated by the nearest day."""
    reading = candidate.reading
    kind = "TIME" if reading.part or reading.clock else reading.kind
    if reading.timex is not None:
        value = reading.timex
    elif reading.period is not None:
        value = timex_value(reading.period, reading.granularity)
    else:
        value = _UNKNOWN.get(reading.granularity or "day", "XXXX-XX-XX")
    if reading.part and reading.period is None and reading.timex is None:
        value = _day_for_clock(candidate, days, anchor)  # "through the night"
    if reading.part:
        value = f"{value}T{reading.part}"
    if reading.clock:
        value = f"{_day_for_clock(candidate, days, anchor)}T{reading.clock}"
    return TimeMention(
        text=candidate.text,
        type=kind,
        value=value,
        role="duration" if kind == "DURATION" else _role(candidate.span),
        resolved="X" not in value,
        start=candidate.start,
        end=candidate.end,
        token_start=candidate.span.start,
        token_end=candidate.span.end,
    )


def _day_for_clock(candidate: _Candidate, days: Sequence[_Candidate], anchor: date | None) -> str:
    """The day of a clock time: the nearest day the sentence names, else `anchor`."""
    others = [d for d in days if d is not candidate]
    nearest = min(others, key=lambda d: abs(d.start - candidate.start), default=None)
    if nearest is not None and nearest.reading.period is not None:
        return nearest.reading.period.start.isoformat()
    return "XXXX-XX-XX" if anchor is None else anchor.isoformat()


def _role(span: Span) -> str:
    """What a point in time does for its claim, read from the words before it.

    "since March 2020", "after Tuesday's quake", "than a year earlier": a reference the claim
    is measured from; "due 2045", "by 2030", "until Monday", "expires in 2030": a deadline;
    anything else: when the event happens.
    """
    lex = _lexicon()
    doc = span.doc
    before = [doc[i] for i in range(max(span.start - 3, span.sent.start), span.start)]
    last_one = before[-1].lower_ if before else ""
    last_two = " ".join(t.lower_ for t in before[-2:])
    last_three = " ".join(t.lower_ for t in before[-3:])
    if {last_one, last_two, last_three} & lex.deadline_words:
        return "deadline"
    if (
        len(before) > 1
        and before[-1].lower_ in ("in", "on", "at")
        and before[-2].lemma_.lower() in lex.deadline_heads  # "expires in 2030"
    ):
        return "deadline"
    if {last_one, last_two} & lex.reference_words:
        return "reference"
    return "event"


# Words spaCy tags DATE or TIME that name a time; an entity with none of them ("81", "34-year")
# is an age or a number, not a time.
@cache
def _time_words() -> frozenset[str]:
    lex = _lexicon()
    return frozenset(
        {w.lower() for w in (*lex.weekdays, *lex.months, *lex.month_abbreviations)}
        | set(lex.seasons)
        | set(lex.day_parts)
        | {
            "tonight",
            "today",
            "yesterday",
            "tomorrow",
            "dawn",
            "dusk",
            "overnight",
            "weekend",
            "holiday",
            "holidays",
            "season",
            "era",
            "period",
        }
    )


def _entity_times(sent: Span, chosen: Sequence[_Candidate]) -> list[TimeMention]:
    """spaCy DATE and TIME entities that no rule read, kept as unresolved times.

    The grammar resolves what it knows; an entity it does not know ("Christmas Eve", "the
    holiday season", "dawn") is still a time of the story, kept with its words and an
    unknown value rather than dropped. Entities without a time word are ages and amounts
    spaCy mislabels.
    """
    words = _time_words()
    extra: list[TimeMention] = []
    for ent in _entities(sent.doc):
        if ent.label_ not in ("DATE", "TIME") or ent.start < sent.start or ent.end > sent.end:
            continue
        if any(c.start < ent.end_char and ent.start_char < c.end for c in chosen):
            continue
        if not any(t.lower_ in words for t in ent):
            continue
        kind = "TIME" if ent.label_ == "TIME" else "DATE"
        extra.append(
            TimeMention(
                text=ent.text,
                type=kind,
                value="XXXX-XX-XXTXX:XX" if kind == "TIME" else "XXXX-XX-XX",
                role=_role(ent),
                resolved=False,
                start=ent.start_char,
                end=ent.end_char,
                token_start=ent.start,
                token_end=ent.end,
            )
        )
    return extra


@cache
def _date_data_parser(published: date | None) -> DateDataParser:
    """dateparser for absolute dates in running text, missing parts taken from `published`."""
    settings: dict[str, Any] = {
        "PARSERS": ["absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    if published is None:
        settings["REQUIRE_PARTS"] = ["year"]  # nothing is filled in from today
    else:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    return DateDataParser(languages=["en"], settings=settings)


def _numeric_date(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A numeric date, "12/25/2013", "2013/03/22", "25.12.2013", read by dateparser."""
    value = _dateparser_value(m[0], ctx.published)
    return None if value is None else _Reading(None, None, timex=value)


def _dateparser_value(text: str, published: date | None) -> str | None:
    """The TIMEX3 value dateparser reads in an absolute date ("12/25/2013" -> "2013-12-25",
    "22 Mar 2013 at 5pm" -> "2013-03-22T17:00"); None when it reads none. When day and
    month could be swapped ("08/01/2022", as in `parse_publication_date`) only the year is
    kept: "2022-XX-XX"."""
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        first, second = int(numeric[1]), int(numeric[2])
        if first != second and max(first, second) <= 12:
            year = numeric[3]
            return f"{year}-XX-XX" if len(year) == 4 else "XXXX-XX-XX"
    data = _date_data_parser(published).get_date_data(text)
    parsed: datetime | None = data.date_obj
    if parsed is None:
        return None
    if data.period == "year":
        return str(parsed.year)
    if data.period == "month":
        return f"{parsed.year}-{parsed.month:02d}"
    day: str = parsed.date().isoformat()
    if parsed.hour or parsed.minute:
        return f"{day}T{parsed.hour:02d}:{parsed.minute:02d}"
    return day
