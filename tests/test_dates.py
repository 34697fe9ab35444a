"""Tests for factdb.nlp.dates: publication dates, date expressions and their resolution.

Sentences are written for these tests (DOMAIN.md, Dates, gives the rules); the seed article is
read from ``seeds/`` because DOMAIN.md names its dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from factdb.nlp.dates import (
    Tense,
    clause_tense,
    extract_dates,
    parse_publication_date,
    resolve_weekday,
)
from factdb.nlp.types import DateMention

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ad3e0aac17cc3a38.txt"

SAT = date(2022, 1, 8)  # the seed article's publication day, a Saturday
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

Expected = list[tuple[str, date | None, date | None]]


def mentions(nlp: Language, text: str, published: date | None) -> list[DateMention]:
    doc = nlp(text)
    return [m for sent in doc.sents for m in extract_dates(sent, published)]


def summary(found: list[DateMention]) -> Expected:
    return [(m.text, m.resolved_start, m.resolved_end) for m in found]


def day(text: str, when: date) -> tuple[str, date, date]:
    return (text, when, when)


# --- publication dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-01-08", SAT),
        ("2022-01-08T14:05:00Z", SAT),
        ("2022-01-08T23:30:00-05:00", SAT),  # the day as written, not moved to UTC
        ("Sat, 08 Jan 2022 14:05:00 +0000", SAT),
        ("Sat, 08 Jan 2022 23:05:00 -0500", SAT),
        ("Jan. 8, 2022", SAT),
        ("January 8, 2022", SAT),
        ("Saturday, January 8, 2022", SAT),
        ("8 January 2022 14:05 GMT", SAT),
        ("  2022-01-08\n", SAT),
        ("13/01/2022", date(2022, 1, 13)),  # only day-first fits
        ("01/13/2022", date(2022, 1, 13)),  # only month-first fits
        ("08/08/2022", date(2022, 8, 8)),  # both orders agree
        ("8/08/2022", date(2022, 8, 8)),
        ("13.01.22", date(2022, 1, 13)),
    ],
)
def test_parse_publication_date(text: str, expected: date) -> None:
    assert parse_publication_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "08/01/2022",  # 8 January or August 1: ambiguous, so missing
        "today",
        "Today",
        "yesterday",
        "2 days ago",
        "Monday",
        "January 2022",  # no day: never filled in from the clock
        "8 January",  # no year
        "1641650700",  # a Unix timestamp is not a written date
        "32/13/2022",
        "no date here",
        "",
        "   ",
    ],
)
def test_parse_publication_date_refuses(text: str) -> None:
    assert parse_publication_date(text) is None


# --- weekday arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "weekday", "tense", "expected"),
    [
        (SAT, 4, Tense.PAST, date(2022, 1, 7)),  # "said on Friday"
        (SAT, 2, Tense.PAST, date(2022, 1, 5)),  # "on Wednesday"
        (SAT, 6, Tense.FUTURE, date(2022, 1, 9)),  # "will hold talks from Sunday"
        (SAT, 3, Tense.PAST, date(2022, 1, 6)),  # "Thursday"
        (date(1999, 8, 18), 1, Tense.PAST, date(1999, 8, 17)),  # "Tuesday", a Wednesday story
        (SAT, 5, Tense.PAST, SAT),  # same weekday: the publication day ...
        (SAT, 5, Tense.FUTURE, SAT),  # ... whatever the tense
        (SAT, 5, Tense.PRESENT, SAT),
        (SAT, 0, Tense.PRESENT, date(2022, 1, 10)),  # Monday is 2 days ahead, 5 behind
        (SAT, 3, Tense.PRESENT, date(2022, 1, 6)),  # Thursday is 2 days behind, 5 ahead
        (SAT, 2, Tense.PRESENT, date(2022, 1, 5)),  # 3 behind beats 4 ahead
        (SAT, 1, Tense.PRESENT, date(2022, 1, 11)),  # 3 ahead beats 4 behind
    ],
)
def test_resolve_weekday(published: date, weekday: int, tense: Tense, expected: date) -> None:
    assert resolve_weekday(published, weekday, tense) == expected


@given(
    published=st.dates(min_value=date(1900, 1, 8), max_value=date(2099, 12, 24)),
    weekday=st.integers(min_value=0, max_value=6),
)
def test_resolve_weekday_windows(published: date, weekday: int) -> None:
    past = resolve_weekday(published, weekday, Tense.PAST)
    future = resolve_weekday(published, weekday, Tense.FUTURE)
    present = resolve_weekday(published, weekday, Tense.PRESENT)
    for resolved in (past, future, present):
        assert resolved.weekday() == weekday
    assert published - timedelta(days=6) <= past <= published
    assert published <= future <= published + timedelta(days=6)
    assert abs((present - published).days) <= 3
    same_day = weekday == published.weekday()
    assert (past == published) == same_day
    assert (future == published) == same_day


# Parsed once: the property below varies only the publication date.
_PROPERTY_DOCS: dict[str, Doc] = {}


@given(
    published=st.dates(min_value=date(1900, 1, 8), max_value=date(2099, 12, 24)),
    weekday=st.sampled_from(WEEKDAYS),
    future=st.booleans(),
)
def test_weekday_in_a_sentence_lands_in_its_window(
    nlp: Language, published: date, weekday: str, future: bool
) -> None:
    template = (
        "The foreign minister will visit the capital on {}."
        if future
        else "The foreign minister said on {} that the talks had failed."
    )
    text = template.format(weekday)
    if text not in _PROPERTY_DOCS:
        _PROPERTY_DOCS[text] = nlp(text)
    doc = _PROPERTY_DOCS[text]
    [found] = extract_dates(next(iter(doc.sents)), published)
    assert found.text == weekday
    resolved = found.resolved_start
    assert resolved is not None
    assert resolved == found.resolved_end
    assert resolved.weekday() == WEEKDAYS.index(weekday)
    offset = (resolved - published).days
    assert (0 <= offset <= 6) if future else (-6 <= offset <= 0)


# --- tense of the governing verb -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("The ministry said on Friday that order was restored.", "Friday", Tense.PAST),
        ("Police have arrested dozens since Monday.", "Monday", Tense.PAST),
        ("Yields fell again after surging on Wednesday.", "Wednesday", Tense.PAST),
        ("The two sides will hold talks from Sunday.", "Sunday", Tense.FUTURE),
        ("Kremlin to hold security talks from Sunday.", "Sunday", Tense.FUTURE),
        ("She is going to visit Paris on Tuesday.", "Tuesday", Tense.FUTURE),
        ("The probe is scheduled to blast off Tuesday.", "Tuesday", Tense.FUTURE),
        ("Officials said the bridge would reopen on Friday.", "Friday", Tense.FUTURE),
        ("He tried to escape on Tuesday.", "Tuesday", Tense.PAST),
        ("The rocket launches on Tuesday.", "Tuesday", Tense.PRESENT),
        ("The ministry says Thursday that the unrest was foreign.", "Thursday", Tense.PAST),
    ],
)
def test_clause_tense(nlp: Language, sentence: str, word: str, expected: Tense) -> None:
    doc = nlp(sentence)
    token = next(t for t in doc if t.text == word)
    assert clause_tense(doc[token.i : token.i + 1]) is expected


# --- date expressions in sentences -----------------------------------------------------------

SUN = date(2022, 1, 9)


def jan(n: int) -> date:
    return date(2022, 1, n)


RESOLVED: list[tuple[str, date, Expected]] = [
    # Weekdays by the tense of their verb, in the Saturday 2022-01-08 story.
    ("The minister said on Friday that the talks had failed.", SAT, [day("Friday", jan(7))]),
    ("Bond yields jumped on Wednesday after the vote.", SAT, [day("Wednesday", jan(5))]),
    ("Troops fired on the crowd on Wednesday.", SAT, [day("Wednesday", jan(5))]),
    ("The two sides will hold talks from Sunday.", SAT, [day("Sunday", jan(9))]),
    ("Kremlin to hold security talks from Sunday.", SAT, [day("Sunday", jan(9))]),
    ("The agency reported Thursday that prices rose.", SAT, [day("Thursday", jan(6))]),
    ("Officials met early Thursday in the capital.", SAT, [day("early Thursday", jan(6))]),
    ("USA Today printed the figures on Friday.", SAT, [day("Friday", jan(7))]),
    ("Shops reopened Wednesday night.", SAT, [day("Wednesday night", jan(5))]),
    (
        "Rescuers pulled a child from the rubble Tuesday.",
        date(1999, 8, 18),
        [day("Tuesday", date(1999, 8, 17))],
    ),
    # The publication weekday is the publication day, in any tense.
    ("Officials said Sunday that the border was closed.", SUN, [day("Sunday", SUN)]),
    ("The talks will resume Sunday.", SUN, [day("Sunday", SUN)]),
    ("Officials said Saturday that calm had returned.", SAT, [day("Saturday", SAT)]),
    # Explicit direction, and present tense taking the nearer day.
    ("The envoy left last Saturday.", SAT, [day("last Saturday", jan(1))]),
    ("The envoy arrives next Monday.", SAT, [day("next Monday", jan(10))]),
    # "next" + the publication weekday is a week ahead, never the day itself
    ("The envoy arrives next Saturday.", SAT, [day("next Saturday", jan(15))]),
    ("The rocket launches on Tuesday.", date(2018, 2, 5), [day("Tuesday", date(2018, 2, 6))]),
    ("The summit opens Monday.", SAT, [day("Monday", jan(10))]),
    ("She is going to visit Paris on Tuesday.", SAT, [day("Tuesday", jan(11))]),
    ("Officials said the bridge would reopen on Friday.", jan(5), [day("Friday", jan(7))]),
    # "to" + verb is future only for planned actions, not for purpose clauses.
    (
        "Volunteers came to help the victims after Tuesday's flood.",
        date(1999, 8, 20),
        [day("Tuesday", date(1999, 8, 17))],
    ),
    (
        "The agency said Tuesday that the centre would open later Tuesday.",
        date(1999, 8, 25),
        [day("Tuesday", date(1999, 8, 24)), day("later Tuesday", date(1999, 8, 24))],
    ),
    # "since" points back whatever the verb: a present tense alone would pick the nearer day.
    ("The airport remains closed since Monday.", SAT, [day("Monday", jan(3))]),
    (
        "Prices are up five percent since March.",
        SAT,
        [("March", date(2021, 3, 1), date(2021, 3, 31))],
    ),
    # Days of a month, with and without a year.
    ("The two leaders spoke on Jan. 5 by telephone.", SAT, [day("Jan. 5", jan(5))]),
    ("Rates were cut on Friday, Jan. 7, 2022.", SAT, [day("Friday, Jan. 7, 2022", jan(7))]),
    ("The treaty was signed on 8 January 2021.", SAT, [day("8 January 2021", date(2021, 1, 8))]),
    (
        "The quake of Aug. 17 destroyed the port.",
        date(1999, 8, 31),
        [day("Aug. 17", date(1999, 8, 17))],
    ),
    ("The photo was posted on Dec 22.", date(2018, 1, 5), [day("Dec 22", date(2017, 12, 22))]),
    ("The lock will be ready by Jan. 31.", date(2017, 9, 27), [day("Jan. 31", date(2018, 1, 31))]),
    # A past tense pointing almost a year back loses to the nearer day (six-month reach).
    (
        "Customers who were affected by Oct. 8 got letters.",
        date(2017, 10, 2),
        [day("Oct. 8", date(2017, 10, 8))],
    ),
    # Within the reach the tense is trusted, even eight months back.
    ("The vote was held on the 5th of May.", SAT, [day("5th of May", date(2021, 5, 5))]),
    ("The report appeared on 2022-01-04.", SAT, [day("2022-01-04", jan(4))]),
    # Months and years.
    (
        "The currency has not been this weak since March 2020.",
        SAT,
        [("March 2020", date(2020, 3, 1), date(2020, 3, 31))],
    ),
    (
        "The country became independent in 1991.",
        SAT,
        [("1991", date(1991, 1, 1), date(1991, 12, 31))],
    ),
    (
        "The firm was founded in December.",
        date(2018, 1, 5),
        [("December", date(2017, 12, 1), date(2017, 12, 31))],
    ),
    (
        "The firm will report results in March.",
        SAT,
        [("March", date(2022, 3, 1), date(2022, 3, 31))],
    ),
    (
        "He gave a speech last July.",
        date(2018, 1, 5),
        [("last July", date(2017, 7, 1), date(2017, 7, 31))],
    ),
    (
        "Sales fell in May and July of 2016.",
        SAT,
        [
            ("May", date(2016, 5, 1), date(2016, 5, 31)),
            ("July of 2016", date(2016, 7, 1), date(2016, 7, 31)),
        ],
    ),
    ("Exports recovered in late 2019.", SAT, [("late 2019", date(2019, 1, 1), date(2019, 12, 31))]),
    (
        "The dam was built in the 1960s.",
        SAT,
        [("the 1960s", date(1960, 1, 1), date(1969, 12, 31))],
    ),
    (
        "She lost a friend in the 1996 ValuJet crash.",
        SAT,
        [("1996", date(1996, 1, 1), date(1996, 12, 31))],
    ),
    (
        "Output doubled in 2003-2004.",
        SAT,
        [
            ("2003", date(2003, 1, 1), date(2003, 12, 31)),
            ("2004", date(2004, 1, 1), date(2004, 12, 31)),
        ],
    ),
    (
        "Trains ran from 1968 to 1972.",
        SAT,
        [
            ("1968", date(1968, 1, 1), date(1968, 12, 31)),
            ("1972", date(1972, 1, 1), date(1972, 12, 31)),
        ],
    ),
    ("The trouble began in late January of that year.", SAT, [("late January", None, None)]),
    # Seasons (northern hemisphere), from the Saturday 2022-01-08 story.
    (
        "Snow fell heavily last winter.",
        SAT,
        [("last winter", date(2020, 12, 1), date(2021, 2, 28))],
    ),
    (
        "The treaty will be signed this winter.",
        SAT,
        [("this winter", date(2021, 12, 1), date(2022, 2, 28))],
    ),
    (
        "The plant will reopen next spring.",
        SAT,
        [("next spring", date(2022, 3, 1), date(2022, 5, 31))],
    ),
    (
        "This summer, thieves copied the site.",
        SAT,
        [("This summer", date(2021, 6, 1), date(2021, 8, 31))],
    ),
    (
        "Growth stalled in the fall of 2016.",
        SAT,
        [("the fall of 2016", date(2016, 9, 1), date(2016, 11, 30))],
    ),
    ("Prices rose in winter 2019.", SAT, [("winter 2019", None, None)]),
    (
        "In a February interview, he spoke of money.",
        SAT,
        [("February", date(2021, 2, 1), date(2021, 2, 28))],
    ),
    # Periods named from the publication day.
    ("Leaders will meet in Geneva next week.", SAT, [("next week", jan(10), jan(16))]),
    (
        "Prices rose sharply last month.",
        SAT,
        [("last month", date(2021, 12, 1), date(2021, 12, 31))],
    ),
    ("Markets have been calm this week.", SAT, [("this week", jan(3), jan(9))]),
    ("The firm warned of losses earlier this week.", SAT, [("earlier this week", jan(3), jan(9))]),
    (
        "Inflation slowed earlier this year.",
        SAT,
        [("earlier this year", jan(1), date(2022, 12, 31))],
    ),
    ("The vote is due at the end of the month.", SAT, [("the end of the month", jan(1), jan(31))]),
    ("Crowds gathered last weekend.", SAT, [("last weekend", jan(1), jan(2))]),
    # On a Sunday, a week ahead in the present is the week that starts the next day ...
    ("The rocket makes its debut this week.", SUN, [("this week", jan(10), jan(16))]),
    # ... but one behind in the past is the week that ends that Sunday.
    ("The storm struck earlier this week.", SUN, [("earlier this week", jan(3), jan(9))]),
    # Days named from the publication day, and counts back from it.
    ("The central bank cut rates today.", SAT, [day("today", SAT)]),
    ("He said yesterday that he would stay.", SAT, [day("yesterday", jan(7))]),
    ("Another team will arrive tomorrow morning.", SAT, [day("tomorrow morning", SUN)]),
    ("The decision came two days ago.", SAT, [day("two days ago", jan(6))]),
    (
        "The company was founded 16 years ago.",
        SAT,
        [("16 years ago", date(2006, 1, 1), date(2006, 12, 31))],
    ),
    ("The firm apologised a few days ago.", SAT, [("a few days ago", jan(4), jan(6))]),
    (
        "The crash happened two weeks ago.",
        SAT,
        [("two weeks ago", date(2021, 12, 22), date(2021, 12, 28))],
    ),
]


@pytest.mark.parametrize(("sentence", "published", "expected"), RESOLVED)
def test_extract_dates(nlp: Language, sentence: str, published: date, expected: Expected) -> None:
    assert summary(mentions(nlp, sentence, published)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The shaking lasted 20 seconds.",
        "The last survivor was found eight days after the quake.",
        "Yields fell for a second day.",
        "He has led the party for a decade.",
        "Temperatures have risen over the last 20 years.",
        "The rebuilding will take the next year.",
        "Rescuers searched for two days and two nights.",
        "Bonds due 2045 fell sharply.",
        "Nazarbayev, 81, stepped down.",
        "The launch window opens at 1830 GMT.",
        "He drove his 2008 Tesla Roadster to the launch.",
        "The rocket will carry the founder's cherry red 2008 Tesla Roadster.",
        "Protesters may march through the city.",
        "The rally fell on a Thursday.",
        "She swims every Monday.",
        "Every May the river floods.",
        "The figures come from 1500 households.",
        # Date words inside names.
        "The winds will drop by evening, said Navy Capt. Burt March.",  # NER says DATE
        "The Sunday Times printed the figures.",
    ],
)
def test_durations_and_numbers_are_not_dates(nlp: Language, sentence: str) -> None:
    assert mentions(nlp, sentence, SAT) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Relative expressions keep their text and unit but stay unresolved ...
        ("The minister said on Friday that the talks had failed.", [("Friday", None, None)]),
        ("The two leaders spoke on Jan. 5 by telephone.", [("Jan. 5", None, None)]),
        ("Leaders will meet in Geneva next week.", [("next week", None, None)]),
        ("The firm was founded in December.", [("December", None, None)]),
        ("The decision came two days ago.", [("two days ago", None, None)]),
        ("The central bank cut rates today.", [("today", None, None)]),
        # ... and absolute ones resolve without a publication date.
        ("The two leaders spoke on Jan. 5, 2022.", [day("Jan. 5, 2022", jan(5))]),
        (
            "The currency has not been this weak since March 2020.",
            [("March 2020", date(2020, 3, 1), date(2020, 3, 31))],
        ),
        (
            "The country became independent in 1991.",
            [("1991", date(1991, 1, 1), date(1991, 12, 31))],
        ),
    ],
)
def test_without_publication_date(nlp: Language, sentence: str, expected: Expected) -> None:
    assert summary(mentions(nlp, sentence, None)) == expected


def test_granularity_is_kept_when_unresolved(nlp: Language) -> None:
    found = mentions(nlp, "Prices rose on Friday, next week and last month.", None)
    assert [(m.text, m.granularity) for m in found] == [
        ("Friday", "day"),
        ("next week", "week"),
        ("last month", "month"),
    ]


def test_offsets_point_at_the_expression_without_its_preposition(nlp: Language) -> None:
    text = "Markets were calm. The minister said on Friday that talks resume since March 2020."
    doc = nlp(text)
    found = [m for sent in doc.sents for m in extract_dates(sent, SAT)]
    assert [m.text for m in found] == ["Friday", "March 2020"]
    for m in found:
        assert text[m.start : m.end] == m.text
        assert doc[m.token_start : m.token_end].text == m.text
    assert [doc[m.token_start - 1].text for m in found] == ["on", "since"]
    assert found[1].granularity == "month"


# --- the seed article ------------------------------------------------------------------------

# (phrase of the seed that holds the expression, expression, first day, last day)
SEED_DATES = [
    ("televised address to the nation on Friday", "Friday", jan(7), jan(7)),
    ("confrontation with the West next week", "next week", jan(10), jan(16)),
    ("since independence in 1991", "1991", date(1991, 1, 1), date(1991, 12, 31)),
    ("more than 30 basis points on Wednesday", "Wednesday", jan(5), jan(5)),
    ("since March 2020", "March 2020", date(2020, 3, 1), date(2020, 3, 31)),
    ("Kremlin to hold high-stakes security talks from Sunday", "Sunday", jan(9), jan(9)),
    ("the Interior Ministry reported on Friday", "Friday", jan(7), jan(7)),
    ("The Russian Foreign Ministry said on Thursday", "Thursday", jan(6), jan(6)),
    ("senior security officials on Wednesday", "Wednesday", jan(5), jan(5)),
]


@pytest.fixture(scope="module")
def seed_mentions(nlp: Language) -> tuple[str, list[DateMention]]:
    text = SEED.read_text(encoding="utf-8")
    return text, mentions(nlp, text, SAT)


@pytest.mark.parametrize(("phrase", "expression", "first", "last"), SEED_DATES)
def test_seed_article_dates(
    seed_mentions: tuple[str, list[DateMention]],
    phrase: str,
    expression: str,
    first: date,
    last: date,
) -> None:
    text, found = seed_mentions
    at = text.index(phrase)
    [hit] = [m for m in found if at <= m.start and m.end <= at + len(phrase)]
    assert (hit.text, hit.resolved_start, hit.resolved_end) == (expression, first, last)


def test_seed_article_durations_ages_and_maturities_are_not_dates(
    seed_mentions: tuple[str, list[DateMention]],
) -> None:
    texts = [m.text for m in seed_mentions[1]]
    for not_a_date in ("a second day", "as many years", "81", "2045"):
        assert not_a_date not in texts
