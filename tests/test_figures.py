"""One figure, one claim, and the rules that keep figures of different things apart: on short
articles written for these tests, through extraction and through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from factdb.match.slots import (
    MeasureInput,
    age_holder,
    difference,
    measure,
    measured_dimension,
    movement,
    other_event,
    scope_words,
    unreported,
)
from factdb.nlp.extract import extract_claims
from factdb.nlp.stop_words import stop_words

from .test_stories import ingest, query, write

Article = tuple[str, str, str, tuple[str, ...]]  # source, date, title, paragraphs


def archive(tmp_path: Path, runner: CliRunner, name: str, *articles: Article) -> str:
    """A database holding these articles, ingested in one run."""
    db = f"sqlite:///{tmp_path / name}.db"
    paths = [
        write(tmp_path, f"{name}-{i}", source, day, title, *paragraphs)
        for i, (source, day, title, paragraphs) in enumerate(articles)
    ]
    ingest(runner, db, *paths)
    return db


def figures(nlp: Language, text: str) -> list[tuple[str, list[str]]]:
    return [(c.text, [q.raw for q in c.quantities]) for c in extract_claims(nlp(text), None)]


def test_every_figure_of_a_clause_is_a_claim_of_its_own(nlp: Language) -> None:
    found = figures(nlp, "Marlow 226 dead, 1,159 injured.")
    assert sorted(numbers for _, numbers in found) == [["1,159"], ["226"]]
    assert {text for text, _ in found} & {"Marlow 226 dead", "1,159 injured"}
    found = dict(
        figures(nlp, "The jet crashed 40 minutes into its flight, killing all 217 aboard.")
    )
    assert found["The jet crashed 40 minutes into its flight, killing all 217 aboard"] == ["217"]
    assert found["The jet crashed 40 minutes into its flight"] == ["40 minutes"]
    # "the 7.4-magnitude quake" alone has no verb: its figure keeps the evidence of its clause.
    clause = "The death toll in the 7.4-magnitude quake has surpassed 12,000"
    found_list = figures(nlp, clause + ".")
    assert sorted(found_list) == [(clause, ["12,000"]), (clause, ["7.4-magnitude"])]


def test_a_figure_restated_in_other_units_stays_one_claim(nlp: Language) -> None:
    assert figures(nlp, "The tower stands 70 meters (229.6 feet) tall.") == [
        ("The tower stands 70 meters (229.6 feet) tall", ["70 meters", "229.6 feet"])
    ]


def test_a_short_line_is_one_sentence(nlp: Language) -> None:
    """The parser cut "Yalden" off its list line; the place must stay with its figure."""
    text = "Aston 3,046 dead, 6,884 injured\n\nYalden 2,400 dead, 5,559 injured\n"
    sentences = [s.text.strip() for s in nlp(text).sents]
    assert sentences == ["Aston 3,046 dead, 6,884 injured", "Yalden 2,400 dead, 5,559 injured"]


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("A 4.2-magnitude aftershock followed", "4.2-magnitude", True),
        ("The largest of the aftershocks was magnitude 5.3", "magnitude 5.3", True),
        ("Almost every quake bigger than a 6-point magnitude is a multiple event", "6-point", True),
        ("The quake had a magnitude of 7.4", "7.4", False),
        (
            "It will surpass the European Ariel 4 launcher, the leader in thrust at 2.9 million "
            "pounds",
            "2.9 million",
            True,
        ),
        ("The death toll has surpassed 12,000", "12,000", False),
        ("There have been six other quakes greater than magnitude 7 since", "magnitude 7", True),
        (
            "There have been six other quakes greater than magnitude 7 since",
            "greater than magnitude 7",
            True,
        ),
        ("The fire, larger than 500 acres, burned on", "500", False),
        ("The toll surpassed the 10,000 mark on Friday", "10,000", False),
        ("The Navy needs seas of no more than about eight feet to dive", "about eight feet", True),
        ("The crane requires winds below 20 knots", "20 knots", True),
        ("Divers needed waves of less than 2 meters", "less than 2 meters", True),
        ("The hospital needed more than 300 beds", "more than 300", False),
    ],
)
def test_aftershocks_yardsticks_and_conditions_report_nothing_comparable(
    sentence: str, number: str, expected: bool
) -> None:
    start = sentence.index(number)
    assert unreported(sentence, start, start + len(number)) is expected


@pytest.mark.parametrize(
    ("sentence", "subject", "expected"),
    [
        ("A separate accident on a river ferry killed 3 people", "separate accident", True),
        ("An earlier attack in the city killed 12", "earlier attack in the city", True),
        ("Another blast killed 5 people in the north", "blast", True),
        ("Another 11 people died overnight", "Another 11 people", False),
        ("On another day, the storm killed 4", "storm", False),
        ("The earlier estimate of the toll was 40", "earlier estimate of the toll", False),
        ("The quake killed 40", "quake", False),
    ],
)
def test_a_subject_introduced_as_another_event_is_not_the_storys(
    sentence: str, subject: str, expected: bool
) -> None:
    assert other_event(sentence, subject) is expected


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("Pollick won by about 6,000 votes", "about 6,000", True),
        ("a margin of 7,832 votes", "7,832", True),
        ("The toll rose by 40 to 300", "40", True),
        ("The toll rose by 40 to 300", "300", False),
        ("The building was struck by 2 missiles", "2", False),
        ("a letter signed by 200 lawmakers", "200", False),
    ],
)
def test_a_count_given_as_a_difference(sentence: str, number: str, expected: bool) -> None:
    assert difference(sentence, sentence.index(number)) is expected


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("A quarrel last month left seven dead in Dorn", "seven", {"another time"}),
        ("On that occasion two sailors drowned", "two", {"another time"}),
        ("Three years ago a fire killed 12 workers at the mill", "12", {"another time"}),
        ("The fire killed 12 workers at the mill on Monday", "12", set()),
        ("The toll, initially 10, has risen to 12", "10", {"preliminary"}),
        ("The toll, initially 10, has risen to 12", "12", set()),
    ],
)
def test_a_number_set_at_another_time_or_superseded_is_scoped(
    sentence: str, number: str, expected: set[str]
) -> None:
    """A figure its clause sets at another time ("last month", "on that occasion") is another
    event's; one the sentence says came first ("initially 10") is a preliminary figure."""
    start = sentence.index(number)
    assert scope_words(sentence, start, start + len(number)) == expected


def test_the_other_event_is_not_the_storys() -> None:
    sentence = "The first blast killed 10, while the other bombing killed at least 224"
    assert other_event(sentence, "the other bombing")
    assert not other_event(sentence, "The first blast")


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("Divers found the other two bodies on Friday", "two", {"part"}),
        ("The remaining 40 passengers were rescued", "40", {"part"}),
        ("five of his victims died at the office", "five", {"part"}),
        ("The last three victims were named", "three", {"part"}),
        ("Divers found two bodies on Friday", "two", set()),
        ("Rescuers found 40 passengers alive", "40", set()),
    ],
)
def test_a_number_picked_out_of_a_larger_set_is_a_part(
    sentence: str, number: str, expected: set[str]
) -> None:
    """ "the other two", "the remaining 40", "five of his victims": a part of a larger count,
    which never shares a slot with its whole."""
    start = sentence.index(number)
    assert scope_words(sentence, start, start + len(number)) == expected


@pytest.mark.parametrize(
    ("sentence", "age", "holder"),
    [
        ("Police identified the gunman as Martin Kells, 33, of Dalton", "33", "martin kells"),
        ("Kells, 33, killed himself; his wife, Dana Kells, 31, was unhurt", "31", "dana kells"),
        ("Kells, a 33-year-old farmer, killed himself", "33-year-old", "kells"),
        ("The girl, 10, was rescued", "10", "girl"),
        ("The 34-year-old gunman who killed 8 people", "34-year-old", "gunman"),
        ("The 46-year-old South African is also the CEO", "46-year-old", "african"),
        ("a 52-year-old Syrian refugee died", "52-year-old", "refugee"),
        ("The 49-year-old teaches at a college", "49-year-old", None),
        ("the youngest aged 3", "aged 3", None),
        (
            "Police named the driver as Lena Ostrova, a 31-year-old nurse",
            "31-year-old",
            "lena ostrova",
        ),
        ("Kells, the 40-year-old pilot, survived", "40-year-old", "kells"),
    ],
)
def test_an_age_belongs_to_the_person_its_words_name(
    sentence: str, age: str, holder: str | None
) -> None:
    start = sentence.index(age)
    assert age_holder(sentence, start, start + len(age), stop_words()) == holder


QUAKE_DAY_ONE = (
    "A powerful earthquake struck the Tarvel region and the city of Kessin on Tuesday, the "
    "Tarvel Red Crescent said.",
    "The Tarvel earthquake, measuring 7.4 on the Richter scale, hit Kessin at dawn.",
    "The Tarvel earthquake killed 3,261 people and injured 10,759, the Tarvel Red Crescent said.",
    "A 4.2-magnitude aftershock followed in Kessin.",
    "Governor Ilse Marren of the Tarvel region asked for tents.",
)
QUAKE_FACTBOX = (
    "The Tarvel earthquake flattened Kessin, the Tarvel Red Crescent said.",
    "Governor Ilse Marren of the Tarvel region visited Kessin.",
    "DEAD:",
    "Kessin 5,179 dead, 12,013 injured",
    "The Tarvel earthquake had a magnitude of 7.8, a seismology institute said.",
)
QUAKE_WEEK_LATER = (
    "A week after the Tarvel earthquake, the Tarvel Red Crescent counted the dead in Kessin.",
    "Governor Ilse Marren blamed shoddy building for the thousands of deaths in the Tarvel "
    "earthquake.",
)


@pytest.fixture
def quake(tmp_path: Path, runner: CliRunner, nlp: Language) -> str:
    return archive(
        tmp_path,
        runner,
        "quake",
        ("North Wire", "2024-08-17", "Tarvel quake", QUAKE_DAY_ONE),
        ("River Post", "2024-08-19", "Tarvel quake toll", QUAKE_FACTBOX),
        ("Hill Daily", "2024-08-26", "Tarvel a week on", QUAKE_WEEK_LATER),
    )


FLIGHT = (
    "Flight 412 of Harlow Air crashed into the Brisk Sea on Sunday, Harlow Air said.",
    "Harlow Air said Flight 412 had left Kessin for a night flight.",
)


def _flags(runner: CliRunner, db: str) -> set[tuple[str, str, str]]:
    def number(claim: dict[str, Any], quantity_id: int) -> str:
        return next(q["raw"] for q in claim["quantities"] if q["id"] == quantity_id)

    return {
        (
            k["kind"],
            number(k["claim_a"], k["quantity_a_id"]),
            number(k["claim_b"], k["quantity_b_id"]),
        )
        for k in query(runner, db, "conflicts", "--status", "all")
        if k["quantity_a_id"] is not None
    }


def _unordered_flags(runner: CliRunner, db: str) -> set[tuple[str, str, str]]:
    """`_flags` with each pair's two figures in sorted order (which report is A is not asked)."""
    return {(kind, min(a, b), max(a, b)) for kind, a, b in _flags(runner, db)}


def test_each_figure_of_a_sentence_joins_its_own_fact(quake: str, runner: CliRunner) -> None:
    """The dead and the injured of one sentence, and of one factbox line, are two facts, each
    updated by the later report; the magnitudes disagree; the aftershock is compared with
    nothing; a later "thousands of deaths" is a loose mention, not a contradiction."""
    assert _flags(runner, quake) == {
        ("update", "3,261", "5,179"),
        ("update", "10,759", "12,013"),
        ("number", "7.4", "7.8"),
    }
    facts = query(runner, quake, "facts")
    by_figure = {q["raw"]: f["id"] for f in facts for c in f["claims"] for q in c["quantities"]}
    assert by_figure["3,261"] == by_figure["5,179"]
    assert by_figure["10,759"] == by_figure["12,013"]
    assert by_figure["3,261"] != by_figure["10,759"]
    assert by_figure["4.2-magnitude"] not in {by_figure["7.4"], by_figure["7.8"]}


def test_a_place_after_a_comma_belongs_to_the_next_item(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """In "followed by London with 1,400 and Paris with 984", 984 is Paris' and 1,400
    London's; before, 1,400 took the nearer name after it and was flagged against Paris'
    toll."""
    db = archive(
        tmp_path,
        runner,
        "list",
        (
            "North Wire",
            "2024-08-20",
            "Tarvel quake",
            (
                *QUAKE_DAY_ONE,
                "Brenn province ranked first with 3,046 deaths, followed by London with 1,400 "
                "and Paris with 984.",
            ),
        ),
        (
            "River Post",
            "2024-08-22",
            "Tarvel quake toll",
            (
                *QUAKE_FACTBOX,
                "The Tarvel earthquake killed 1,020 people in Paris, the Tarvel Red Crescent said.",
            ),
        ),
    )
    flags = _flags(runner, db)
    assert ("update", "984", "1,020") in flags
    assert not [f for f in flags if "1,400" in f]
    assert len({a["story_id"] for a in query(runner, db, "articles")}) == 1


def test_a_place_passed_by_does_not_narrow_the_count(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """ "plunged into the sea off the Paris coast" and "60 miles from Nantes, France" say where
    the plane fell, not whose dead the 180 are; "The 180 people" starts a sentence, it names
    no place. All three report one toll."""
    db = archive(
        tmp_path,
        runner,
        "crash",
        (
            "North Wire",
            "2024-09-01",
            "Flight 412 crash",
            (
                *FLIGHT,
                "All 180 passengers aboard Flight 412 died when it plunged into the sea off the "
                "Paris coast.",
            ),
        ),
        (
            "River Post",
            "2024-09-02",
            "Flight 412 lost",
            (*FLIGHT, "The 180 people on board Flight 412 were killed, Harlow Air said."),
        ),
        (
            "Hill Daily",
            "2024-09-02",
            "Flight 412: no survivors",
            (
                *FLIGHT,
                "The crash, about 60 miles from Nantes, France, killed all 180 people on board.",
            ),
        ),
    )
    tolls = [
        f
        for f in query(runner, db, "facts")
        if any(q["raw"] in ("180", "All 180") for c in f["claims"] for q in c["quantities"])
    ]
    assert len(tolls) == 1 and len(tolls[0]["claims"]) == 3


def test_a_follow_up_the_next_year_naming_the_storys_year_is_the_same_story(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """A breach first reported in September and retold the next January "in 2023": one toll
    of affected customers (an earlier year means an earlier event only when it lies before
    the story's first report)."""
    about = (
        "Hackers broke into the systems of Corvane Bank, the Corvane Bank board said.",
        "Corvane Bank chief executive Mara Ellison apologised to Corvane Bank customers.",
    )
    db = archive(
        tmp_path,
        runner,
        "breach",
        (
            "North Wire",
            "2023-09-10",
            "Corvane Bank breach",
            (*about, "The data of 40 million customers was exposed, Corvane Bank said."),
        ),
        (
            "River Post",
            "2024-01-15",
            "Corvane Bank breach, months on",
            (
                *about,
                "The breach in 2023 exposed the data of 52 million customers, Corvane Bank said.",
            ),
        ),
    )
    flags = _flags(runner, db)
    assert flags == {("update", "40 million", "52 million")}


def test_a_measurement_names_its_dimension(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """ "stood 80 meters (262 feet) tall" and "Height: 95 meters" measure one height, whatever
    the verb or label. Before, each took its verb ("stand") or its line's first noun as the
    thing measured and they never met."""
    about = (
        "The Orrin dam on the Vell river burst on Monday, the Orrin water board said.",
        "The Orrin water board said villages along the Vell river were flooded.",
    )
    db = archive(
        tmp_path,
        runner,
        "dam",
        (
            "North Wire",
            "2024-04-02",
            "Orrin dam bursts",
            (*about, "The Orrin dam stood 80 meters (262 feet) tall."),
        ),
        ("River Post", "2024-04-02", "Orrin dam failure", (*about, "FACTS: Height: 95 meters")),
    )
    flags = _unordered_flags(runner, db)
    assert flags == {("number", "80 meters", "95 meters")}


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("The boxes lie in 245 feet of water", "245 feet", "depth"),
        (
            "The boxes were recovered from nearly 300 feet on the bottom of the sea",
            "300 feet",
            "depth",
        ),
        ("Divers found the hull 40 meters below the surface", "40 meters", "depth"),
        ("The tower stands 70 meters (229.6 feet) tall", "70 meters", "height"),
        ("The convoy drove 300 feet on the road", "300 feet", None),
    ],
)
def test_the_words_after_a_measurement_name_its_dimension(
    sentence: str, number: str, expected: str | None
) -> None:
    start = sentence.index(number)
    assert measured_dimension(sentence, start, start + len(number), None) == expected


def test_a_measurement_is_of_its_nouns_head() -> None:
    def of(counted: str) -> str | None:
        number = MeasureInput(counted, None, "pound_force", frozenset(), None)
        return measure(
            number,
            person_nouns=frozenset(),
            outcome_predicates=frozenset(),
            light_predicates=frozenset(),
            dimension="force",
        )

    assert of("liftoff thrust") == of("thrust") == "force|thrust"


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("a controlled steep dive from 33,000 feet to about 16,700 feet", "33,000", "at"),
        ("this time breaking up when it reached about 10,000 feet", "10,000", None),
        (
            "dove again rapidly, breaking up when it reached about 10,000 feet",
            "10,000",
            "down again to",
        ),
        ("The river fell from 31 feet to 24 feet", "31", "at"),
        (
            "The jet climbed back to 24,000 feet, only to dive again rapidly toward the sea, "
            "this time breaking up when it reached about 10,000 feet",
            "10,000",
            "down again to",
        ),
        ("a controlled steep dive from 33,000 feet to about 16,700 feet", "16,700", "down to"),
        (
            "After descending to 16,700 feet, the plane climbed to about 24,000 feet",
            "24,000",
            "up to",
        ),
        (
            "The jet climbed back to 24,000 feet before a rapid descent to 10,000 feet",
            "10,000",
            "down again to",
        ),
        ("Cruising at 33,000 feet, the flight was uneventful", "33,000", "at"),
        ("The boxes were recovered from nearly 300 feet of water", "300", None),
    ],
)
def test_heights_in_a_movement(sentence: str, number: str, expected: str | None) -> None:
    assert movement(sentence, sentence.index(number)) == expected


def test_the_bottom_of_a_dive_is_compared_and_a_conversion_is_no_conflict(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """The bottom of one dive, given as 16,700 feet, 19,000 feet and 5,790 meters: 16,700
    disagrees with both; 19,000 feet is 5,791 meters, so those two agree. The climb after it
    and the final descent are other heights, never compared with the first dive's bottom."""
    db = archive(
        tmp_path,
        runner,
        "dive",
        (
            "North Wire",
            "2024-09-03",
            "Flight 412 radar",
            (
                *FLIGHT,
                "Radar showed Flight 412 in a steep dive from 33,000 feet to 16,700 feet.",
                "The jet then climbed back to 24,000 feet before a rapid descent to 10,000 feet.",
            ),
        ),
        (
            "River Post",
            "2024-09-03",
            "Flight 412 dive",
            (*FLIGHT, "Flight 412 made a controlled descent from 33,000 feet down to 19,000 feet."),
        ),
        (
            "Hill Daily",
            "2024-09-03",
            "Flight 412 plunge",
            (*FLIGHT, "Flight 412 plummeted from 10,060 meters down to 5,790 meters."),
        ),
    )
    flags = _unordered_flags(runner, db)
    assert flags == {
        ("number", "16,700 feet", "19,000 feet"),
        ("number", "16,700 feet", "5,790 meters"),
    }


def test_people_treated_or_hospitalized_are_the_injured(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    db = archive(
        tmp_path,
        runner,
        "treated",
        (
            "North Wire",
            "2024-09-01",
            "Flight 412 crash",
            (*FLIGHT, "Hospitals in Kessin treated 40 people after the crash of Flight 412."),
        ),
        (
            "River Post",
            "2024-09-01",
            "Flight 412 lost",
            (*FLIGHT, "The crash of Flight 412 injured 55 people, Harlow Air said."),
        ),
    )
    assert {(kind, *sorted((a, b))) for kind, a, b in _flags(runner, db)} == {
        ("number", "40", "55")
    }


def test_the_level_a_movement_leaves_is_the_level_it_was_at(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """ "a dive from 33,000 feet", "cruising at 33,000 feet" and "its cruise altitude of 10,060
    meters" report one level (10,060 m is 33,005 ft: no conflict); 31,000 feet disagrees
    with all of them. The bottom of the dive is another fact."""
    db = archive(
        tmp_path,
        runner,
        "level",
        (
            "North Wire",
            "2024-09-03",
            "Flight 412 radar",
            (*FLIGHT, "Radar showed Flight 412 in a steep dive from 33,000 feet to 16,700 feet."),
        ),
        (
            "River Post",
            "2024-09-03",
            "Flight 412 dive",
            (*FLIGHT, "Cruising at 33,000 feet, Flight 412 was uneventful for 20 minutes."),
        ),
        (
            "Hill Daily",
            "2024-09-04",
            "Flight 412 plunge",
            (*FLIGHT, "Flight 412 plummeted from its cruise altitude of 10,060 meters."),
        ),
        (
            "Coast Times",
            "2024-09-04",
            "Flight 412 lost",
            (*FLIGHT, "Flight 412 was flying at 31,000 feet when it began to fall."),
        ),
    )
    flags = _unordered_flags(runner, db)
    assert flags == {
        ("number", "31,000 feet", "33,000 feet"),
        ("number", "10,060 meters", "31,000 feet"),
    }
    facts = query(runner, db, "facts")
    by_figure = {q["raw"]: f["id"] for f in facts for c in f["claims"] for q in c["quantities"]}
    assert by_figure["10,060 meters"] == by_figure["33,000 feet"] == by_figure["31,000 feet"]
    assert by_figure["16,700 feet"] != by_figure["33,000 feet"]


def test_a_brief_naming_its_subject_once_joins_the_story(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """A six-line brief names Flight 412 and Harlow Air once each, and repeats no name but a
    capitalised common word ("Robots …", "the robots"): it is still about Flight 412, so its
    death toll is compared with the story's (and its 200 against 217 is flagged). A brief about
    another crash, of another airline in another sea, stays a story of its own."""
    brief = (
        "Searchers recovered one of the flight recorders of Flight 412 of Harlow Air on Tuesday.",
        "Robots found the recorder in the wreckage on the floor of the Brisk Sea near Kessin.",
        "The robots worked for two days.",
        "All 200 people on board were killed.",
    )
    other = (
        "Searchers recovered the flight recorders of Flight 77 of Daro Lines on Tuesday.",
        "Divers found the recorders in the wreckage on the floor of the Tamm Sea near Ostby.",
        "All 64 people on board were killed.",
    )
    db = archive(
        tmp_path,
        runner,
        "brief",
        (
            "North Wire",
            "2024-09-01",
            "Flight 412 crash kills 217",
            (*FLIGHT, "Harlow Air said all 217 people on board Flight 412 were killed."),
        ),
        ("River Post", "2024-09-10", "Recorder found", brief),
        ("Hill Daily", "2024-09-10", "Recorders found", other),
    )
    stories = query(runner, db, "stories")
    assert sorted(s["articles"] for s in stories) == [1, 2]
    assert {(kind, *sorted((a, b))) for kind, a, b in _flags(runner, db)} == {
        ("number", "200", "217")
    }


def test_a_conflict_found_under_a_slot_that_no_longer_holds_is_dropped(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """While Kessin is one of the story's home places, "984 killed in Kessin" is the story's
    toll and is flagged against a national 12,000. Once more articles make Peru the story's
    only home, 984 is Kessin's part of the toll: the flag goes, and the result is the same
    whichever order the articles came in."""
    searched = "rescuers from the Varenne Red Cross searched the ruins"
    articles = [
        (
            "North Wire",
            "2024-08-17",
            "Kessin quake",
            (
                f"An earthquake struck Kessin on Tuesday, and {searched}.",
                "The quake killed 984 people in Kessin, rescuers from the Varenne Red Cross said.",
            ),
        ),
        (
            "River Post",
            "2024-08-18",
            "Quake toll",
            (
                f"The earthquake killed 12,000 people, officials said on Wednesday, as {searched}.",
                f"Peru declared a national emergency after the earthquake, and {searched}.",
                "The army of Peru sent troops to the ruins.",
            ),
        ),
        (
            "Hill Daily",
            "2024-08-19",
            "Peru mourns",
            (
                f"Peru mourned the victims of the earthquake, as {searched}.",
                "Peru declared three days of mourning after the earthquake.",
            ),
        ),
    ]
    for name, order in (("forward", articles), ("backward", articles[::-1])):
        db = f"sqlite:///{tmp_path / name}.db"
        for i, (source, day, title, paragraphs) in enumerate(order):
            ingest(runner, db, write(tmp_path, f"{name}-{i}", source, day, title, *paragraphs))
        assert _flags(runner, db) == set(), name


def test_the_time_of_writing_and_counts_of_different_actions_are_not_compared(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """ "Eight days after the earthquake" and "almost two weeks after the earthquake" say when
    each article was written; "searched the dam three times" and "reopened the roads six
    times" count two different actions. Neither pair is flagged; two reports of how long
    after the first quake the second tremor came still are."""
    db = archive(
        tmp_path,
        runner,
        "writing",
        (
            "North Wire",
            "2024-08-25",
            "Tarvel quake: a girl rescued",
            (
                "A powerful earthquake struck the Tarvel region and the city of Kessin, the "
                "Tarvel Red Crescent said.",
                "Eight days after the earthquake, rescuers pulled a girl alive from the rubble "
                "in Kessin.",
                "Engineers have inspected the dam three times.",
                "A second tremor hit Kessin some 30 minutes after the first quake.",
            ),
        ),
        (
            "River Post",
            "2024-08-30",
            "Tarvel quake: aid arrives",
            (
                "Governor Ilse Marren of the Tarvel region said the earthquake in Kessin was "
                "the worst in a century.",
                "Almost two weeks after the earthquake, aid reached the villages around Kessin.",
                "Road crews have cleared the highway six times.",
                "A second tremor hit Kessin 40 minutes after the first quake.",
            ),
        ),
    )
    flags = _unordered_flags(runner, db)
    assert flags == {("number", "40 minutes", "some 30 minutes")}


def test_a_place_glossed_in_brackets_is_the_place_of_its_gloss(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """ "Morra (Lorvik) province" is Lorvik's: its toll updates the toll given "in Lorvik"."""
    db = archive(
        tmp_path,
        runner,
        "gloss",
        (
            "North Wire",
            "2024-08-17",
            "Tarvel quake",
            (*QUAKE_DAY_ONE, "In Lorvik, 300 people died."),
        ),
        (
            "River Post",
            "2024-08-19",
            "Tarvel quake toll",
            (
                *QUAKE_FACTBOX,
                "Morra (Lorvik) province posted the highest toll after Kessin as 410 bodies had "
                "been found.",
            ),
        ),
    )
    assert ("update", "300", "410") in _flags(runner, db)


# --- short stories, each written to probe one shape of English: its flags through the CLI --

PROTEST_SHARED = "Civic Watch, a rights group, said the Selvar police fired tear gas at protesters."
LAUNCH_SHARED = "Orbis Space founder Lena Ostrov called the Titan Heavy flight a success."

SHORT_STORIES = [
    # An age is its holder's: "a 9-year-old girl" and "the girl, 10," disagree (the issue's
    # own example), while "identified the driver as Jane Doe, 45" and "identified the
    # neighbour as Tom Lee, 52" give two people's ages, though the police identified both.
    pytest.param(
        (
            (
                "North Wire",
                "2024-06-01",
                "Girl rescued from Kessin flood",
                (
                    "Rescuers in Kessin pulled a 9-year-old girl from the floodwaters on "
                    "Saturday, the Kessin fire brigade said.",
                    "Kessin police identified the driver of a swept-away car as Jane Doe, 45.",
                ),
            ),
            (
                "River Post",
                "2024-06-02",
                "Kessin flood: girl saved",
                (
                    "The girl, 10, was pulled from the floodwaters in Kessin on Saturday, the "
                    "Kessin fire brigade said.",
                    "Kessin police identified the neighbour who called for help as Tom Lee, 52.",
                ),
            ),
        ),
        {("number", "10", "9-year-old")},
        None,
        id="an-age-is-its-holders",
    ),
    # A wildfire's homes destroyed and acres burned only grow, so 45 then 112 homes is an
    # update; firefighters "now assigned" give how things stand, so 1,200 then 2,100 is an
    # update too, while a figure "officials now say" is a revision, compared as any other.
    # (Firefighters "battling the blaze" and firefighters "assigned" would not be compared:
    # a count of things under two predicates may count two groups.)
    pytest.param(
        (
            (
                "North Wire",
                "2024-08-02",
                "Wildfire near Redmont burns 12,000 acres",
                (
                    "The Redmont wildfire has burned 12,000 acres and destroyed 45 homes, the "
                    "Redmont fire agency said.",
                    "In Redmont, 1,200 firefighters were assigned to the fire.",
                    "The Redmont fire agency said 30 trucks were on the fire line.",
                ),
            ),
            (
                "River Post",
                "2024-08-05",
                "Redmont fire grows to 31,000 acres",
                (
                    "The Redmont wildfire has burned 31,000 acres and destroyed 112 homes, the "
                    "Redmont fire agency said.",
                    "In Redmont, some 2,100 firefighters are now assigned to the fire.",
                    "The Redmont fire agency now says 42 trucks were on the fire line.",
                ),
            ),
        ),
        {
            ("update", "12,000 acres", "31,000 acres"),
            ("update", "112", "45"),
            ("update", "1,200", "some 2,100"),
            ("number", "30", "42"),
        },
        None,
        id="a-fires-damage-grows-and-a-figure-now-standing-updates",
    ),
    # A week on, fewer people are missing: an update, not a contradiction. Waves divers
    # "need" to be "less than 2 meters" are a condition, not the sea that was measured; "a
    # separate accident" is another event, whose toll is not this story's. People said to be
    # aboard are a count of their own, and two such counts disagree.
    pytest.param(
        (
            (
                "North Wire",
                "2024-05-05",
                "Ferry capsizes off Kessin",
                (
                    "The ferry Selka capsized off the port of Kessin on Sunday, killing 31 "
                    "people, the Kessin coast guard said.",
                    "The Selka had 230 people aboard when it overturned, the coast guard said.",
                    "Dozens of people were still missing on Sunday night.",
                    "Divers need waves of less than 2 meters to enter the hull of the Selka.",
                    "A separate accident on a river ferry near Kessin last month killed 3 people.",
                ),
            ),
            (
                "River Post",
                "2024-05-12",
                "Kessin ferry toll rises",
                (
                    "The capsizing of the ferry Selka off Kessin killed 47 people, the "
                    "Kessin coast guard said on Sunday.",
                    "Fifteen people remain missing, the coast guard said.",
                    "The Selka had 241 people on board, the coast guard said.",
                    "Waves of 3 meters battered the coast of Kessin on Saturday.",
                ),
            ),
        ),
        {
            ("update", "31", "47"),
            ("update", "Dozens", "Fifteen"),
            ("number", "230", "241"),
        },
        None,
        id="missing-counts-move-both-ways-and-conditions-and-other-events-are-not-compared",
    ),
    # Shares that "fell 6 percent" on the day a breach was disclosed and "fell 3 percent on
    # Monday" two weeks later moved twice; two outlets giving the same day's fall as 6 and 4
    # percent disagree.
    pytest.param(
        (
            (
                "North Wire",
                "2025-06-10",
                "Norvo says hackers stole customer data",
                (
                    "Norvo, the retail chain, said hackers stole the data of 40 million customers.",
                    "Norvo shares fell 6 percent on Tuesday.",
                ),
            ),
            (
                "River Post",
                "2025-06-10",
                "Norvo breach hits 40 million customers",
                (
                    "The retail chain Norvo said the data of 40 million customers was stolen.",
                    "Norvo shares fell 4 percent on Tuesday.",
                ),
            ),
            (
                "Hill Daily",
                "2025-06-24",
                "Norvo breach bigger than first said",
                (
                    "Norvo said the breach affected the data of 52 million customers.",
                    "Norvo shares fell 3 percent on Monday.",
                ),
            ),
        ),
        {
            ("number", "4 percent", "6 percent"),
            ("update", "40 million", "52 million"),
        },
        None,
        id="changes-of-different-days-are-two-moves",
    ),
    # "Forecasters warned of up to 20 inches of rain" and "the toll could exceed 100" say
    # what may happen; the rain that fell and the dead that were counted are compared only
    # with other reports of what happened.
    pytest.param(
        (
            (
                "North Wire",
                "2024-09-12",
                "Hurricane Delia hits Port Maren",
                (
                    "Hurricane Delia made landfall near Port Maren on Wednesday, killing 6 people, "
                    "officials in Port Maren said.",
                    "Forecasters warned of up to 20 inches of rain near Port Maren.",
                    "Officials in Port Maren said the toll from Hurricane Delia could exceed 100.",
                ),
            ),
            (
                "River Post",
                "2024-09-14",
                "Hurricane Delia toll rises",
                (
                    "Hurricane Delia has killed 19 people around Port Maren, officials said.",
                    "More than 24 inches of rain fell on Port Maren during Hurricane Delia.",
                ),
            ),
        ),
        {("update", "19", "6")},
        None,
        id="a-forecast-is-not-compared-with-what-happened",
    ),
    # "Lasted for 40 minutes" is how long the shooting lasted, as "lasted about 25 minutes"
    # is; in "more than 350 were wounded, 40 of them seriously" the severity is the 40's, so
    # the 350 updates the earlier count of the wounded.
    pytest.param(
        (
            (
                "North Wire",
                "2023-04-08",
                "Police fire on protesters in Selvar",
                (
                    "Police opened fire on protesters in Selvar on Saturday, wounding 200 people, "
                    "a hospital in Selvar said.",
                    "The shooting in Selvar lasted for 40 minutes, witnesses said.",
                ),
            ),
            (
                "River Post",
                "2023-04-10",
                "Selvar shooting: more wounded",
                (
                    "In the Selvar shooting, more than 350 people were wounded, 40 of them "
                    "seriously, a rights group said.",
                    "The shooting in Selvar lasted about 25 minutes, the rights group said.",
                ),
            ),
        ),
        {
            ("number", "40 minutes", "about 25 minutes"),
            ("update", "200", "more than 350"),
        },
        None,
        id="a-duration-for-a-verb-and-a-whole-beside-its-part-are-compared",
    ),
    # Police officers injured and police officers killed are two counts: 12 injured on the
    # first day and 9 killed two days later are not a contradiction, 12 and later 15 injured
    # are an update.
    pytest.param(
        (
            (
                "North Wire",
                "2023-04-08",
                "Clashes in Selvar",
                (
                    "Protesters clashed with police in Selvar on Saturday, Interior Minister "
                    "Dario Kell said.",
                    "In the Selvar clashes, 12 police officers were injured, Dario Kell said.",
                    "The rights group Civic Watch said the Selvar police fired tear gas.",
                ),
            ),
            (
                "River Post",
                "2023-04-10",
                "Selvar clashes: officers among the dead",
                (
                    "In the Selvar clashes, 9 police officers were killed, Interior Minister "
                    "Dario Kell said on Monday.",
                    "In the Selvar clashes, 15 police officers were injured, Dario Kell said.",
                    "Civic Watch, a rights group, said the Selvar police fired tear gas at "
                    "protesters.",
                ),
            ),
        ),
        {("update", "12", "15")},
        None,
        id="a-count-of-things-is-split-by-what-happened-to-them",
    ),
    # "At least 26 protesters" and "15 people" killed on the same day disagree; a later "164
    # people" updates the 15 and agrees with "at least 26".
    pytest.param(
        (
            (
                "North Wire",
                "2023-04-08",
                "Protesters killed in Selvar",
                (
                    "Security forces killed at least 26 protesters in Selvar on Saturday, a "
                    "hospital official said.",
                    "Interior Minister Dario Kell defended the Selvar police.",
                    PROTEST_SHARED,
                ),
            ),
            (
                "River Post",
                "2023-04-08",
                "Deaths in Selvar protest",
                (
                    "Security forces killed 15 people in Selvar on Saturday, Interior Minister "
                    "Dario Kell said.",
                    PROTEST_SHARED,
                ),
            ),
            (
                "Hill Daily",
                "2023-05-20",
                "Selvar protest deaths reach 164",
                (
                    "A commission said 164 people were killed in Selvar when security forces "
                    "fired on protesters, far more than Dario Kell had said.",
                    PROTEST_SHARED,
                ),
            ),
        ),
        {
            ("number", "15", "at least 26"),
            ("update", "15", "164"),
        },
        None,
        id="protesters-killed-are-people-killed",
    ),
    # "7 minutes and 58 seconds after liftoff" is 478 seconds: it agrees with "about 8
    # minutes" and disagrees with "9 minutes"; its "58 seconds" is not a figure of its own.
    pytest.param(
        (
            (
                "North Wire",
                "2025-02-04",
                "Titan Heavy flies",
                (
                    "The Titan Heavy rocket of Orbis Space lifted off from Cape Merrow on Tuesday.",
                    "Its two side boosters landed 7 minutes and 58 seconds after liftoff.",
                    LAUNCH_SHARED,
                ),
            ),
            (
                "River Post",
                "2025-02-04",
                "Orbis Space's Titan Heavy lifts off",
                (
                    "Orbis Space launched its Titan Heavy rocket from Cape Merrow on Tuesday.",
                    "The two side boosters landed about 8 minutes after liftoff.",
                    LAUNCH_SHARED,
                ),
            ),
            (
                "Hill Daily",
                "2025-02-04",
                "Titan Heavy: boosters land",
                (
                    "The Titan Heavy rocket built by Orbis Space flew from Cape Merrow on Tuesday.",
                    "Both side boosters landed 9 minutes after liftoff.",
                    LAUNCH_SHARED,
                ),
            ),
        ),
        {
            ("number", "7 minutes and 58 seconds", "9 minutes"),
            ("number", "9 minutes", "about 8 minutes"),
        },
        None,
        id="a-duration-in-two-units-is-one-figure",
    ),
    # "Pollick won 9,000 votes" and "won 9,210 votes" disagree; "Harlow won 4,500 votes"
    # counts another candidate's votes, and "a margin of about 8,000 votes" is a difference,
    # not a count of the votes cast.
    pytest.param(
        (
            (
                "North Wire",
                "2022-06-08",
                "Harlow loses primary",
                (
                    "Dean Pollick defeated Senator Mara Harlow in the Republican primary in Selby "
                    "on Tuesday, unofficial results showed.",
                    "Dean Pollick won 9,000 votes, unofficial results showed.",
                    "A total of 14,000 votes were cast in Selby.",
                ),
            ),
            (
                "River Post",
                "2022-06-09",
                "Pollick beats Harlow",
                (
                    "Dean Pollick beat Senator Mara Harlow in the Republican primary in Selby, "
                    "official results showed.",
                    "Dean Pollick won with a margin of about 8,000 votes.",
                    "Dean Pollick won 9,210 votes.",
                    "Senator Mara Harlow won 4,500 votes.",
                ),
            ),
        ),
        {("number", "9,000", "9,210")},
        None,
        id="votes-belong-to-their-candidate-and-a-margin-is-not-a-total",
    ),
    # A quake in Chile and Peru: "810 in Peru" later "more than 1,600 in Peru" is an update
    # of Peru's toll, "1,541 in Chile" then "3,419 died in Chile" of Chile's, and the
    # combined "2,300 in Chile and Peru" then "above 5,000" of the whole; no country's toll
    # is compared with the other's or with the whole.
    pytest.param(
        (
            (
                "North Wire",
                "2023-02-06",
                "Quake kills 2,300 in Chile and Peru",
                (
                    "A magnitude 7.8 earthquake struck Chile and Peru on Monday, the Kessin "
                    "Geological Survey said.",
                    "In Chile, 1,541 people were killed, Chile's disaster agency said.",
                    "In Peru, the death toll rose to 810, Peru's health ministry said.",
                ),
            ),
            (
                "River Post",
                "2023-02-07",
                "Chile and Peru quake toll passes 5,000",
                (
                    "The combined death toll from the earthquake in Chile and Peru rose above "
                    "5,000 on Tuesday, the Kessin Geological Survey said.",
                    "Chile's disaster agency said 3,419 people had died in Chile, while more than "
                    "1,600 deaths were reported in Peru.",
                ),
            ),
        ),
        {
            ("update", "810", "more than 1,600"),
            ("update", "1,541", "3,419"),
            ("update", "2,300", "5,000"),
        },
        None,
        id="a-story-about-two-places-keeps-each-places-toll-apart",
    ),
    # "Struck Kessin at 3:02 a.m.", "rocked Kessin at 3:02 a.m." and "hit Kessin at 3:10
    # a.m." give one time: the third disagrees with both.
    pytest.param(
        (
            (
                "North Wire",
                "2024-08-17",
                "Tarvel quake",
                (*QUAKE_DAY_ONE[:3], "The quake struck Kessin at 3:02 a.m."),
            ),
            (
                "River Post",
                "2024-08-17",
                "Tarvel quake toll",
                (*QUAKE_FACTBOX[:2], "The Tarvel quake rocked Kessin at 3:02 a.m."),
            ),
            (
                "Hill Daily",
                "2024-08-18",
                "Tarvel a day on",
                (*QUAKE_WEEK_LATER, "The Tarvel earthquake hit Kessin at 3:10 a.m."),
            ),
        ),
        {
            ("number", "3:02 a.m.", "3:10 a.m."),
        },
        "a.m.",
        id="the-time-a-quake-struck-is-one-fact-whatever-verb-tells-it",
    ),
    # A wire timeline's "1:52 a.m. -- Last radar signal received from the plane" and
    # "disappeared from radar at 2 a.m." give two times for one moment (the issue's own
    # example); the takeoff time in the same sentence is not that moment.
    pytest.param(
        (
            (
                "North Wire",
                "2024-03-03",
                "Timeline for Harlow Air Flight 412",
                (
                    *FLIGHT,
                    "1:19 a.m. -- Flight 412 of Harlow Air leaves Kessin.",
                    "1:52 a.m. -- Last radar signal received from the Harlow Air plane.",
                ),
            ),
            (
                "River Post",
                "2024-03-04",
                "Harlow Air Flight 412 lost at sea",
                (
                    *FLIGHT,
                    "Flight 412 of Harlow Air took off from Kessin at 1:19 a.m. and disappeared "
                    "from radar at 2 a.m.",
                ),
            ),
        ),
        {
            ("number", "1:52 a.m.", "2 a.m."),
        },
        "a.m.",
        id="the-time-contact-was-lost-is-one-fact-however-it-is-told",
    ),
]


@pytest.mark.parametrize(("articles", "expected", "only"), SHORT_STORIES)
def test_a_short_story_flags_what_its_rule_says(
    tmp_path: Path,
    runner: CliRunner,
    nlp: Language,
    articles: tuple[Article, ...],
    expected: set[tuple[str, str, str]],
    only: str | None,
) -> None:
    """Each story states one shape of English (its comment in `SHORT_STORIES`): ingested
    through the CLI, it gives exactly these flags (those whose first figure holds `only`,
    when the story's other figures are not the point)."""
    db = archive(tmp_path, runner, "story", *articles)
    flags = _unordered_flags(runner, db)
    assert {flag for flag in flags if only is None or only in flag[1]} == expected
