"""Tests for the time expressions of factdb.nlp.dates (TIMEX3 values, types, roles) and the
TimeML scorer (`factdb.evaluation.timex`, `scripts/score_timex.py`).

The sentences are written for these tests. The last tests run the scorer on the gold set
under ``tests/gold/timex/`` and fail when a figure drops below the level measured when the
set was written, minus a small margin.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from factdb.evaluation.timex import (
    TimexGoldError,
    format_timex_report,
    load_timeml,
    score_timex,
)
from factdb.nlp.dates import day_of, extract_temporal, extract_times, timex_value
from factdb.nlp.types import TimeMention
from scripts.score_timex import main as score_main

GOLD = sorted((Path(__file__).parent / "gold" / "timex").glob("*.tml"))
FRI = date(2013, 3, 22)  # a Friday


def times(nlp: Language, text: str, published: date | None = FRI) -> list[TimeMention]:
    doc = nlp(text)
    return [t for sent in doc.sents for t in extract_times(sent, published)]


def summary(found: list[TimeMention]) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in found]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # calendar dates keep the event-date resolution and gain a TIMEX3 value
        ("The talks ended on Thursday.", [("Thursday", "DATE", "2013-03-21")]),
        ("Prices rose last summer.", [("last summer", "DATE", "2012-SU")]),
        ("Late last July the plant closed.", [("Late last July", "DATE", "2012-07")]),
        ("The board will meet next week.", [("next week", "DATE", "2013-W13")]),
        ("Stores will open by the end of the year.", [("the end of the year", "DATE", "2013")]),
        ("Crime fell in the 1990s.", [("the 1990s", "DATE", "199")]),
        ("It was built in the '70s.", [("the '70s", "DATE", "197")]),
        ("The paintings date from the 16th century.", [("the 16th century", "DATE", "15")]),
        ("The dam burst two weeks ago.", [("two weeks ago", "DATE", "2013-W10")]),
        ("The valve failed a few weeks ago.", [("a few weeks ago", "DATE", "PAST_REF")]),
        # quarters, halves, fiscal years
        (
            "Revenue rose in the first quarter of 2024.",
            [("the first quarter of 2024", "DATE", "2024-Q1")],
        ),
        ("Profit rose in the fourth quarter.", [("the fourth quarter", "DATE", "2012-Q4")]),
        ("Sales in Q3 2021 were weak.", [("Q3 2021", "DATE", "2021-Q3")]),
        ("Sales in the first half of 2012 fell.", [("the first half of 2012", "DATE", "2012-H1")]),
        ("Growth will return this fiscal year.", [("this fiscal year", "DATE", "FY2013")]),
        ("The budget for fiscal 2024 is tight.", [("fiscal 2024", "DATE", "FY2024")]),
        # the present and vague times
        ("Demand is now stronger.", [("now", "DATE", "PRESENT_REF")]),
        ("The president is currently abroad.", [("currently", "DATE", "PRESENT_REF")]),
        ("Inflation eased in recent months.", [("recent months", "DATE", "PAST_REF")]),
        ("Shares rose 3 percent on the day.", [("the day", "DATE", "2013-03-22")]),
        ("The day of the attack was cold.", []),
        ("The ministry spoke over the weekend.", [("the weekend", "DATE", "2013-W11-WE")]),
        # clock times and parts of the day
        (
            "The jet vanished at 1:52 a.m. EST on Sunday.",
            [("1:52 a.m. EST", "TIME", "2013-03-17T01:52"), ("Sunday", "DATE", "2013-03-17")],
        ),
        ("The curfew starts at 21:00.", [("21:00", "TIME", "XXXX-XX-XXT21:00")]),
        ("The score was 21:14 at half-time.", []),
        ("Rain fell on Wednesday night.", [("Wednesday night", "TIME", "2013-03-20TNI")]),
        ("They met this morning.", [("this morning", "TIME", "2013-03-22TMO")]),
        # durations
        ("The strike lasted for three days.", [("three days", "DURATION", "P3D")]),
        ("It exploded 40 minutes into the flight.", [("40 minutes", "DURATION", "PT40M")]),
        ("He has led it for more than a month.", [("more than a month", "DURATION", "P1M")]),
        (
            "The bridge was shut for about half an hour.",
            [("about half an hour", "DURATION", "PT30M")],
        ),
        ("Hospitals have been full for weeks.", [("weeks", "DURATION", "PXW")]),
        ("Prices rose over the past 12 months.", [("the past 12 months", "DURATION", "P12M")]),
        ("It was the worst drought in 50 years.", [("50 years", "DURATION", "P50Y")]),
        ("The strike is in its 20th day.", [("its 20th day", "DURATION", "P20D")]),
        ("He signed a three-day truce.", [("three-day", "DURATION", "P3D")]),
        # ages and ordinals are not durations
        ("His 34-year-old brother was hurt.", []),
        ("The woman, 81 years old, was rescued.", []),
        ("Bonds fell for a second day.", []),
        # sets
        ("The council meets every week.", [("every week", "SET", "P1W")]),
        ("The board meets twice a year.", [("twice a year", "SET", "P1Y")]),
        ("Cafes open every Tuesday evening.", [("every Tuesday evening", "SET", "XXXX-WXX-2TEV")]),
        ("Losses reached $40 million a day.", [("a day", "SET", "P1D")]),
        ("The survey is published monthly.", [("monthly", "SET", "P1M")]),
        ("Elections are held every four years.", [("every four years", "SET", "P4Y")]),
        # numeric dates, read by dateparser; day and month that could swap keep the year
        ("The deal was signed on 12/25/2012.", [("12/25/2012", "DATE", "2012-12-25")]),
        ("Payments resumed 2013/03/04.", [("2013/03/04", "DATE", "2013-03-04")]),
        ("The form is dated 08/01/2012.", [("08/01/2012", "DATE", "2012-XX-XX")]),
        # seasons without a year, and words that only look like seasons
        (
            "Tents must be replaced before the start of winter.",
            [("the start of winter", "DATE", "2013-WI")],
        ),
        ("Prices fall when demand drops.", []),
        ("The town has a hot spring.", []),
        # a clock word that colours a name is no time
        ("He drove the midnight cherry red Tesla Roadster.", []),
        ("The union rejected a noon deadline.", [("noon", "TIME", "XXXX-XX-XXT12:00")]),
        # counted from a date the sentence names
        ("He was to go back the next day.", [("the next day", "DATE", "XXXX-XX-XX")]),
        ("Talks will go on over the next week.", [("the next week", "DURATION", "P1W")]),
        (
            "Traffic fell in October from a year earlier.",
            [("October", "DATE", "2012-10"), ("a year earlier", "DATE", "2011-10")],
        ),
    ],
)
def test_time_values(nlp: Language, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert summary(times(nlp, sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "text", "role"),
    [
        ("Prices have climbed since March 2020.", "March 2020", "reference"),
        ("Yields on bonds due 2045 fell.", "2045", "deadline"),
        ("The plant must close by 2030.", "2030", "deadline"),
        ("Roads stay shut until Monday.", "Monday", "deadline"),
        ("The licence expires in 2030.", "2030", "deadline"),
        ("Aid arrived after Tuesday's quake.", "Tuesday", "reference"),
        ("The quake struck on Tuesday.", "Tuesday", "event"),
        ("The strike lasted three weeks.", "three weeks", "duration"),
    ],
)
def test_roles(nlp: Language, sentence: str, text: str, role: str) -> None:
    found = {t.text: t.role for t in times(nlp, sentence)}
    assert found[text] == role


def test_unresolved_without_publication_date(nlp: Language) -> None:
    found = times(nlp, "Talks resumed on Friday and will end in March.", None)
    assert summary(found) == [("Friday", "DATE", "XXXX-WXX-5"), ("March", "DATE", "XXXX-03")]
    assert [t.resolved for t in found] == [False, False]


def test_durations_and_now_never_date_an_event(nlp: Language) -> None:
    """The event-date extractor sees only calendar dates; the times see everything."""
    doc = nlp("The bonds due 2045 have now fallen for three days since Monday.")
    dates, found = extract_temporal(next(iter(doc.sents)), FRI)
    assert [d.text for d in dates] == ["Monday"]
    assert [t.text for t in found] == ["2045", "now", "three days", "Monday"]


def test_clock_time_takes_the_day_of_an_earlier_sentence(nlp: Language) -> None:
    doc = nlp("The plane crashed early Sunday. It had left at 1:19 a.m.")
    first, second = doc.sents
    anchor = day_of(extract_times(first, FRI)[0])
    assert anchor == date(2013, 3, 17)
    assert [t.value for t in extract_times(second, FRI, anchor)] == ["2013-03-17T01:19"]


@pytest.mark.parametrize(
    ("start", "end", "granularity", "value"),
    [
        (date(2013, 3, 22), date(2013, 3, 22), "day", "2013-03-22"),
        (date(2013, 3, 11), date(2013, 3, 17), "week", "2013-W11"),
        (date(2013, 3, 16), date(2013, 3, 17), "week", "2013-W11-WE"),
        (date(2012, 7, 1), date(2012, 7, 31), "month", "2012-07"),
        (date(2012, 6, 1), date(2012, 8, 31), "month", "2012-SU"),
        (date(2012, 12, 1), date(2013, 2, 28), "month", "2012-WI"),
        (date(2013, 1, 1), date(2013, 3, 31), "month", "2013-Q1"),
        (date(2013, 7, 1), date(2013, 12, 31), "month", "2013-H2"),
        (date(2013, 1, 1), date(2013, 12, 31), "year", "2013"),
        (date(1990, 1, 1), date(1999, 12, 31), "year", "199"),
        (date(1900, 1, 1), date(1999, 12, 31), "year", "19"),
    ],
)
def test_timex_value_by_shape(start: date, end: date, granularity: str, value: str) -> None:
    from factdb.nlp.dates import _Period

    assert timex_value(_Period(start, end), granularity) == value  # type: ignore[arg-type]


# --- the scorer ------------------------------------------------------------------------------


def test_load_timeml_offsets_point_at_the_words() -> None:
    document = load_timeml(GOLD[0])
    assert len(document.gold) > 5
    for gold in document.gold:
        assert document.text[gold.start : gold.end] == gold.text


def test_load_timeml_reads_tempeval_files_with_events_and_signals(tmp_path: Path) -> None:
    tml = tmp_path / "te3.tml"
    tml.write_text(
        '<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<DCT><TIMEX3 tid="t0" type="DATE" value="1998-03-01T08:00:00">March 1, 1998</TIMEX3>'
        '</DCT><TEXT>Prices <EVENT eid="e1">rose</EVENT> <SIGNAL sid="s1">on</SIGNAL> '
        '<TIMEX3 tid="t1" type="DATE" value="1998-02-27">Friday</TIMEX3>.</TEXT>'
        '<MAKEINSTANCE eventID="e1" eiid="ei1"/></TimeML>'
    )
    document = load_timeml(tml)
    assert document.published == date(1998, 3, 1)
    assert document.text == "Prices rose on Friday."
    assert [(g.text, g.start, g.value) for g in document.gold] == [("Friday", 15, "1998-02-27")]


def test_load_timeml_names_the_file_of_a_bad_gold(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tml"
    bad.write_text("<TimeML><TEXT>on <TIMEX3 type='DATE'>Friday</TIMEX3></TEXT></TimeML>")
    with pytest.raises(TimexGoldError, match=r"bad\.tml"):
        load_timeml(bad)


def test_score_timex_counts_misses_and_extras(nlp: Language, tmp_path: Path) -> None:
    gold = tmp_path / "one.tml"
    gold.write_text(
        "<TimeML><DCT><TIMEX3 value='2013-03-22'>2013-03-22</TIMEX3></DCT><TEXT>"
        "Talks ended <TIMEX3 type='DATE' value='2013-03-20'>Thursday</TIMEX3> after "
        "<TIMEX3 type='DURATION' value='P3D'>three days</TIMEX3>.</TEXT></TimeML>"
    )
    report = score_timex([gold], nlp)
    assert report.by_type["DATE"].gold == 1
    assert report.by_type["DATE"].value_right == 0  # Thursday is 2013-03-21
    assert report.by_type["DURATION"].value_right == 1
    assert report.overall.value_accuracy == 0.5
    assert "'Thursday' is DATE 2013-03-20, found 'Thursday' DATE 2013-03-21" in "\n".join(
        report.problems
    )


# Measured when the gold set was written (scripts/score_timex.py): overall value accuracy
# 0.964, span recall 1.000, precision 1.000; per type value accuracy DATE 0.990, TIME 0.706,
# DURATION 1.000, SET 1.000.
FLOORS = {"DATE": 0.95, "TIME": 0.65, "DURATION": 0.95, "SET": 0.9}


def test_gold_set_size() -> None:
    documents = [load_timeml(path) for path in GOLD]
    kinds = [g.type for d in documents for g in d.gold]
    assert len(kinds) >= 60
    assert all(kinds.count(kind) >= 8 for kind in ("DATE", "TIME", "DURATION", "SET"))


def test_timex_floors(nlp: Language) -> None:
    report = score_timex(GOLD, nlp)
    text = format_timex_report(report)
    assert report.overall.value_accuracy >= 0.93, text
    assert report.overall.recall >= 0.97, text
    assert report.overall.precision >= 0.97, text
    for kind, floor in FLOORS.items():
        assert report.by_type[kind].value_accuracy >= floor, text


def test_score_timex_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert score_main(["--summary", str(GOLD[0])]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["type", "gold", "found", "span"]
    assert "overall" in out


def test_score_timex_script_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tml"
    bad.write_text("not xml")
    assert score_main([str(bad)]) == 1
    assert capsys.readouterr().err.startswith("Error: ")
