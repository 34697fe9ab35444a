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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import dateparser
from spacy.tokens import Span, Token

from factdb.nlp.types import DateMention

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
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy")

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


@dataclass(frozen=True)
class _Reading:
    """An accepted expression: its unit and, when it could be resolved, its period."""

    granularity: Granularity
    period: _Period | None


_Resolver = Callable[[re.Match[str], _Context], _Reading | None]


@dataclass(frozen=True)
class _Rule:
    """One form of date expression: a pattern and the function that resolves its matches.

    The resolver returns None to reject a match that is not a date in its context.
    """

    pattern: re.Pattern[str]
    resolve: _Resolver


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
        return _Reading("day", None)
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
        return _Reading("month", None)
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
        return _Reading("month", None)
    return _Reading("month", _season_span(name, int(m["year"])))


def _relative_season(m: re.Match[str], ctx: _Context) -> _Reading:
    """A season named from the story's: "last summer", "this spring", "next winter".

    "last" is the latest such season over before publication, "next" the first to begin
    after it, "this" the one of the publication year (for winter, the one in progress or
    about to begin); but when that one has not begun and the verb is past, the one before.
    """
    if ctx.published is None:
        return _Reading("month", None)
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
    if m["edge"] is None and (not ctx.supported or ctx.names_something):
        # "bonds due 2045"; "the 2008 Tesla Roadster" and "the 2020 Olympics" are names, not
        # times (and "1830 GMT" the pattern already skips).
        return None
    return _Reading("year", _years(int(m["year"])))


def _weekday(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """A weekday: "on Friday", "early Tuesday", "last Monday", "Wednesday night"."""
    lex = _lexicon()
    if ctx.previous_word in lex.habitual_determiners | lex.indefinite_articles:
        return None  # "every Monday", "May 5 was a Thursday" (but "a May deadline" is May)
    if ctx.published is None:
        return _Reading("day", None)
    published, weekday = ctx.published, lex.weekdays[m["wd"]]
    modifier = " ".join((m["rel"] or "").lower().split())
    if modifier in ("last", "this past"):  # the latest one strictly before
        back = (published.weekday() - weekday) % 7 or 7
        return _Reading("day", _day(published - timedelta(days=back)))
    if modifier in ("next", "this coming"):  # the first one strictly after: never today
        ahead = (weekday - published.weekday()) % 7 or 7
        return _Reading("day", _day(published + timedelta(days=ahead)))
    # "will start operations later Tuesday" is later on the Tuesday the story is about, the
    # nearest one, not a week ahead.
    tense = Tense.PRESENT if modifier in ("earlier", "later") else ctx.tense
    return _Reading("day", _day(resolve_weekday(published, weekday, tense)))


def _day_word(m: re.Match[str], ctx: _Context) -> _Reading:
    """A day named from the story's day: "today", "yesterday", "tomorrow", "last night"."""
    if ctx.published is None:
        return _Reading("day", None)
    offset = _lexicon().day_words[" ".join(m["word"].lower().split())]
    return _Reading("day", _day(ctx.published + timedelta(days=offset)))


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
    return _Reading(granularity, _Period(back(high * multiple).start, back(low * multiple).end))


@cache
def _grammar() -> tuple[_Rule, ...]:
    """Compile the date rules from the word lists (once per process)."""
    lex = _lexicon()
    weekday = rf"\b(?P<wd>{_alternatives(lex.weekdays)})\b"
    full_month = _alternatives(lex.months)
    abbreviation = _alternatives(lex.month_abbreviations)
    month = rf"\b(?P<mon>(?:{full_month})\b|(?:{abbreviation})\b\.?)"
    edge = rf"\b(?P<edge>(?i:{_alternatives(lex.edges)}))(?:\s+|-)"
    # A number that goes on ("5,000", "2.5") or is glued to letters is not a day or year.
    end_of_number = r"(?![\w%]|[,.]\d)"
    day = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{end_of_number}"
    year_number = r"1[1-9]\d\d|20\d\d"
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

    def rule(pattern: str, resolve: _Resolver) -> _Rule:
        return _Rule(re.compile(pattern), resolve)

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
            rf"(?:\b{relation}\s+|{edge})?"
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


# ---------------------------------------------------------------------------------------------
# Extraction


def _inside_date_entity(span: Span) -> bool:
    """True when spaCy's NER labels the expression (or more around it) DATE."""
    return any(
        ent.label_ == "DATE" and ent.start <= span.start and span.end <= ent.end
        for ent in span.doc.ents
    )


def _inside_larger_name(span: Span) -> bool:
    """True for date words inside a longer name: "USA Today", "the Sunday Times"."""
    return any(
        ent.label_ not in ("DATE", "TIME")
        and ent.start <= span.start
        and span.end <= ent.end
        and (ent.start, ent.end) != (span.start, span.end)
        for ent in span.doc.ents
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


def extract_dates(sent: Span, published: date | None) -> list[DateMention]:
    """Find the date expressions of a sentence and resolve them against `published`.

    Absolute expressions ("Jan. 5, 2022", "March 2020", "in 1991") resolve with or without a
    publication date; relative ones ("on Friday", "next week", "two days ago", "on Jan. 5")
    need it and stay unresolved (text and granularity kept, period None) without it. A
    weekday, or a day or month without a year, is placed by the tense of the governing verb
    (see `resolve_weekday`). Mentions come in text order, never overlapping; each keeps the
    expression without its preposition ("on", "since").
    """
    doc = sent.doc
    found: list[_Candidate] = []
    for rule in _grammar():
        for m in rule.pattern.finditer(sent.text):
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or _inside_larger_name(span):
                continue
            previous = doc[span.start - 1].lower_ if span.start > sent.start else ""
            # "since Aug. 17" lies before the report whatever the verb's form says.
            past = previous in _lexicon().past_prepositions
            tense = Tense.PAST if past else clause_tense(span)
            context = _Context(
                published,
                tense,
                previous,
                supported=_is_supported(span, sent),
                names_something=_modifies_name(span),
                after_name=span.start > sent.start and doc[span.start - 1].pos_ == "PROPN",
            )
            reading = rule.resolve(m, context)
            if reading is not None:
                found.append(_Candidate(m[0], start, end, span, reading))
    # Longest first, so "Sunday, Jan. 2, 2022" wins over "Sunday" and "Jan. 2".
    chosen: list[_Candidate] = []
    for candidate in sorted(found, key=lambda c: (c.start - c.end, c.start)):
        if all(candidate.end <= c.start or c.end <= candidate.start for c in chosen):
            chosen.append(candidate)
    return [_mention(c) for c in sorted(chosen, key=lambda c: c.start)]


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
