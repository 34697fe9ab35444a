"""Conflicts of every kind on the invented Kessler event, their explanations, the review
workflow, the filters and every output format; then the rules on hand-made claims."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.match.conflicts import RULES, findings
from factdb.match.features import ClaimFeatures, QuantityFeatures
from factdb.match.matching import Link
from factdb.match.slots import Slot
from factdb.nlp.types import Qualifier
from factdb.nlp.types import Quantity as Interval

from .conftest import ingest_shared

ARTICLES = Path(__file__).parent / "articles"
COURIER = ARTICLES / "kessler-brennmoor-courier-2024-05-14.txt"
WIRE = ARTICLES / "kessler-northland-wire-2024-05-14.txt"
GAZETTE = ARTICLES / "kessler-lakeside-gazette-2024-05-14.txt"
RADIO = ARTICLES / "kessler-ostmark-radio-2024-05-16.txt"
KESSLER = [COURIER, WIRE, GAZETTE, RADIO]


def invoke(runner: CliRunner, db: str, *args: str) -> Any:
    return runner.invoke(app, [*args, "--db", db])


def run(runner: CliRunner, db: str, *args: str) -> Any:
    result = invoke(runner, db, *args)
    assert result.exit_code == 0, result.output
    return result


def query(runner: CliRunner, db: str, *args: str) -> Any:
    return json.loads(run(runner, db, *args, "--format", "json").stdout)


@pytest.fixture(scope="module")
def kessler(module_db_url: str) -> str:
    """The four Kessler reports, ingested once per backend for the tests that only read them."""
    ingest_shared(module_db_url, *map(str, KESSLER))
    return module_db_url


@pytest.fixture
def own_kessler(db_url: str, runner: CliRunner) -> str:
    """The same, of this test alone: for a test that reviews its conflicts."""
    run(runner, db_url, "ingest", *map(str, KESSLER), "--quiet")
    return db_url


def by_kind(conflicts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for conflict in conflicts:
        found.setdefault(conflict["kind"], []).append(conflict)
    return found


def texts(conflict: dict[str, Any]) -> tuple[str, str]:
    return conflict["claim_a"]["text"], conflict["claim_b"]["text"]


# --- every kind, on the invented event ----------------------------------------------------


def test_the_invented_event_yields_its_conflicts_and_updates(
    kessler: str, runner: CliRunner
) -> None:
    """26 against 41 on Monday, in the bodies (workers) and in the headlines (people killed);
    each rising to 58 on Thursday; a leak said and denied; shares up and down; Sunday against
    Monday."""
    kinds = by_kind(query(runner, kessler, "conflicts"))
    # The toll of 26 against 41 twice: in the body ("26 workers", "41 workers") and in the
    # headlines ("kills 26", "Death toll ... reaches 41", which count people).
    assert {k: len(v) for k, v in kinds.items()} == {
        "number": 2,
        "update": 4,
        "polarity": 1,
        "direction": 1,
        "date": 1,
    }
    assert {texts(n) for n in kinds["number"]} == {
        ("Blast at Kessler chemical plant kills 26", "Death toll in Kessler explosion reaches 41"),
        (
            "An explosion at the Kessler chemical plant in Brennmoor killed 26 workers on Monday",
            "41 workers were killed in the explosion at the Kessler plant in Brennmoor on Monday",
        ),
    }
    assert all("58" in u["claim_b"]["text"] for u in kinds["update"])
    (polarity,) = kinds["polarity"]
    assert {polarity["claim_a"]["polarity"], polarity["claim_b"]["polarity"]} == {
        "asserted",
        "negated",
    }
    (direction,) = kinds["direction"]
    assert {"rose" in t for t in texts(direction)} == {True, False}
    (dated,) = kinds["date"]
    assert {dated["claim_a"]["event_date"], dated["claim_b"]["event_date"]} == {
        "2024-05-12",
        "2024-05-13",
    }


def test_no_conflict_where_the_sources_agree(kessler: str, runner: CliRunner) -> None:
    for conflict in query(runner, kessler, "conflicts", "--status", "all"):
        both = " ".join(texts(conflict))
        assert "Dozens" not in both  # "dozens" overlaps 26, 41 and 58
        assert "firefighters" not in both  # nine wounded = 9 hurt
        assert "twelve" not in both  # Brennmoor's arrests are not Halden's


@pytest.mark.parametrize("kind", ["number", "update", "polarity", "direction", "date"])
def test_every_explanation_shows_both_sides_and_the_rule(
    kind: str, kessler: str, runner: CliRunner
) -> None:
    conflict = query(runner, kessler, "conflicts", "--kind", kind)[0]
    explanation = conflict["explanation"]
    assert conflict["rule"] == RULES[kind]
    assert explanation.startswith(f"{kind}: ")
    assert explanation.endswith(f"Rule: {RULES[kind]}.")
    assert 0 < conflict["confidence"] <= 1
    for side in ("claim_a", "claim_b"):
        claim = conflict[side]
        assert claim["source"] in explanation
        assert f"published {claim['published']}" in explanation
        assert " ".join(claim["evidence"]["sentence"].split()) in explanation
        if claim["event_date"]:
            assert claim["event_date"] in explanation
        assert claim["source"] != conflict["claim_b" if side == "claim_a" else "claim_a"]["source"]
    if kind in ("number", "update"):
        assert conflict["quantity_a_id"] and conflict["quantity_b_id"]
        for side in ("claim_a", "claim_b"):
            (quantity,) = [
                q
                for q in conflict[side]["quantities"]
                if q["counted_key"] in ("worker", "death toll")
            ] or conflict[side]["quantities"]
            low, high = f"{quantity['low']:g}", f"{quantity['high']:g}"
            assert f"[{low}, {high}]" in explanation


def test_an_update_says_which_way_the_count_moved(kessler: str, runner: CliRunner) -> None:
    for update in query(runner, kessler, "conflicts", "--kind", "update"):
        assert "rose from" in update["explanation"]
        assert update["claim_a"]["published"] < update["claim_b"]["published"]


# --- review workflow ----------------------------------------------------------------------


def test_every_status_transition_and_it_survives_new_and_repeated_articles(
    db_url: str, runner: CliRunner
) -> None:
    run(runner, db_url, "ingest", str(COURIER), str(WIRE), "--quiet")
    (number, headlines) = sorted(
        query(runner, db_url, "conflicts", "--kind", "number"),
        key=lambda c: "workers" not in c["claim_a"]["text"],
    )
    (direction,) = query(runner, db_url, "conflicts", "--kind", "direction")
    ident = str(number["id"])
    transitions = [
        ("dismiss", "dismissed", "different counts of the same blast"),
        ("resolve", "resolved", "the fire service confirmed 41"),
        ("dismiss", "dismissed", "on second thought"),
    ]
    for command, status, note in transitions:
        result = run(runner, db_url, "conflicts", command, ident, "--note", note)
        assert f"Conflict {ident} {status}." in result.stdout
        (row,) = [c for c in query(runner, db_url, "conflicts", "--status", status)]
        assert (row["id"], row["status"], row["note"]) == (number["id"], status, note)
    assert {c["id"] for c in query(runner, db_url, "conflicts")} == {
        direction["id"],
        headlines["id"],
    }
    # A later article re-detects nothing about that pair; re-ingesting changes nothing.
    run(runner, db_url, "ingest", str(GAZETTE), str(RADIO), "--quiet")
    run(runner, db_url, "ingest", str(COURIER), str(WIRE), "--quiet")
    (kept,) = [
        c
        for c in query(runner, db_url, "conflicts", "--kind", "number", "--status", "all")
        if c["id"] == number["id"]
    ]
    assert (kept["id"], kept["status"], kept["note"]) == (
        number["id"],
        "dismissed",
        "on second thought",
    )
    statuses = {c["status"] for c in query(runner, db_url, "conflicts", "--status", "all")}
    assert statuses == {"open", "dismissed"}
    assert len(query(runner, db_url, "conflicts", "--status", "resolved")) == 0


def test_reviewing_an_unknown_conflict_is_a_usage_error(kessler: str, runner: CliRunner) -> None:
    result = invoke(runner, kessler, "conflicts", "resolve", "9999", "--note", "x")
    assert result.exit_code == 2
    assert "no conflict with id 9999" in result.stderr


# --- filters ------------------------------------------------------------------------------


def test_conflict_filters(kessler: str, runner: CliRunner) -> None:
    everything = query(runner, kessler, "conflicts")
    radio = query(runner, kessler, "conflicts", "--source", "Ostmark")
    assert radio and len(radio) < len(everything)
    assert all("Ostmark Radio" in (c["claim_a"]["source"], c["claim_b"]["source"]) for c in radio)
    later = query(runner, kessler, "conflicts", "--since", "2024-05-15")
    assert {c["id"] for c in later} == {c["id"] for c in radio}
    assert query(runner, kessler, "conflicts", "--until", "2024-05-01") == []
    brenn = query(runner, kessler, "conflicts", "--entity", "Brenn")
    assert brenn and len(brenn) < len(everything)
    assert [c["kind"] for c in query(runner, kessler, "conflicts", "--kind", "direction")] == [
        "direction"
    ]
    assert len(query(runner, kessler, "conflicts", "--limit", "2")) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["conflicts", "--kind", "numbers"],
        ["facts", "--state", "maybe"],
        ["facts", "--min-sources", "0"],
        ["show", "fact", "99999"],
        ["timeline", "--since", "not a date"],
    ],
)
def test_usage_errors(args: list[str], tmp_path: Path, runner: CliRunner) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    assert invoke(runner, url, "db", "upgrade").exit_code == 0
    result = invoke(runner, url, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


# --- facts and timeline -------------------------------------------------------------------


def test_fact_states_and_filters(kessler: str, runner: CliRunner) -> None:
    facts = query(runner, kessler, "facts")
    states = {f["state"] for f in facts}
    assert {"agree", "conflict", "single source"} <= states  # every toll fact also conflicts
    for state, shown in [
        ("agree", "agree"),
        ("single", "single source"),
        ("update", "update"),
        ("conflict", "conflict"),
    ]:
        chosen = query(runner, kessler, "facts", "--state", state)
        assert chosen == [f for f in facts if f["state"] == shown], state
    several = query(runner, kessler, "facts", "--min-sources", "2")
    assert several == [f for f in facts if f["independent_sources"] >= 2]
    first_two = query(runner, kessler, "facts", "--state", "agree", "--limit", "2")
    assert first_two == [f for f in facts if f["state"] == "agree"][:2]
    assert query(runner, kessler, "facts", "--limit", "2") == facts[:2]


def test_a_dismissed_conflict_no_longer_makes_its_fact_a_conflict(
    own_kessler: str, runner: CliRunner
) -> None:
    for number in query(runner, own_kessler, "conflicts", "--kind", "number"):
        run(runner, own_kessler, "conflicts", "dismiss", str(number["id"]), "--note", "same figure")
    facts = query(runner, own_kessler, "facts")
    (fact,) = [f for f in facts if number["claim_a"]["id"] in {c["id"] for c in f["claims"]}]
    assert fact["state"] != "conflict"
    for state in ("conflict", "update", "agree", "single"):
        chosen = query(runner, own_kessler, "facts", "--state", state)
        assert chosen == [
            f for f in facts if f["state"] == state.replace("single", "single source")
        ]
    killed = query(runner, own_kessler, "facts", "--counted", "killed")
    assert any(f["independent_sources"] == 4 for f in killed)
    for fact in facts:
        assert {"id", "label", "state", "independent_sources", "claims"} <= fact.keys()
        assert all("evidence" in claim and "quantities" in claim for claim in fact["claims"])


def test_the_timeline_of_the_toll(kessler: str, runner: CliRunner) -> None:
    rows = query(runner, kessler, "timeline", "--counted", "killed", "--entity", "Brennmoor")
    dates = [r["published"] for r in rows]
    assert dates == sorted(dates)
    relation = {r["raw"]: r["relation"] for r in rows if r["counted"] == "worker"}
    assert relation["58"] == "updates"
    assert relation["Dozens"] == "agrees"
    assert {relation["26"], relation["41"]} == {"first report", "conflicts"}
    assert all(r["interval"].startswith(("[", "(")) for r in rows)


COMMANDS = [
    ["conflicts", "--status", "all"],
    ["facts", "--min-sources", "2"],
    ["timeline", "--counted", "killed"],
    ["show", "fact", "FIRST"],  # the first fact listed: ids depend on how stories were derived
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_every_new_command_in_every_format(
    command: list[str], fmt: str, kessler: str, runner: CliRunner
) -> None:
    if command[-1] == "FIRST":
        command = [*command[:-1], str(query(runner, kessler, "facts")[0]["id"])]
    out = run(runner, kessler, *command, "--format", fmt).stdout
    if fmt == "json":
        assert json.loads(out)
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines and all(isinstance(line, dict) for line in lines)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2 and len({len(r) for r in rows}) == 1
    else:
        assert "┃" in out or "│" in out


# --- the rules on hand-made claims --------------------------------------------------------


def _number(
    raw: str, low: float, high: float | None, qualifier: Qualifier = Qualifier.EXACT, **fields: Any
) -> QuantityFeatures:
    values: dict[str, Any] = {
        "id": 1,
        "raw": raw,
        "counted": "worker",
        "predicate": "kill",
        "unit": None,
        "places": (),
        "interval": Interval(raw, low, low, high, qualifier),
        "start": 0,
        "end": len(raw),
    }
    return QuantityFeatures(**{**values, **fields})


def _claim(id_: int, text_: str, *numbers: QuantityFeatures, **fields: Any) -> ClaimFeatures:
    values: dict[str, Any] = {
        "id": id_,
        "article_id": id_,
        "source_id": id_,
        "source": f"Source {id_}",
        "published": date(2024, 5, 14),
        "content_hash": f"{id_:064d}",
        "start": 0,
        "end": len(text_),
        "text": text_,
        "sentence": text_,
        "sentence_start": 0,
        "predicate": "kill",
        "subject": None,
        "object": None,
        "polarity": "asserted",
        "hedged": False,
        "event_start": None,
        "event_end": None,
        "event_granularity": None,
        "event_text": None,
        "lemmas": frozenset(),
        "normalized": text_.lower(),
        "entities": frozenset({"kessler"}),
        "locations": frozenset(),
        "quantities": numbers,
    }
    return ClaimFeatures(**{**values, **fields})


TOLL_A = _claim(1, "26 workers were killed in the Kessler blast", _number("26", 26, 26))
TOLL_B = _claim(2, "41 workers were killed in the Kessler blast", _number("41", 41, 41))
KILLED = Slot("count|worker")
KILLED_PEOPLE = Slot("people|kill")


def _findings(a: ClaimFeatures, b: ClaimFeatures, slot: Slot = KILLED_PEOPLE) -> list[Any]:
    pairs = tuple(zip(a.number, b.number, strict=True))
    return findings(Link(a=a, b=b, score=1.0, reason="test", quantity_pairs=pairs, slot=slot))


def test_same_time_disjoint_is_a_number_conflict_later_time_an_update() -> None:
    (same_day,) = _findings(TOLL_A, TOLL_B)
    assert same_day.kind == "number" and same_day.confidence == 0.9
    (later,) = _findings(TOLL_A, replace(TOLL_B, published=date(2024, 5, 16)))
    assert later.kind == "update" and later.a.id == TOLL_A.id
    assert "rose from '26'" in later.detail


def test_a_toll_revised_down_is_a_number_conflict_with_less_confidence() -> None:
    """A cumulative count does not fall: a lower later figure is a revision or a
    disagreement, and either way a reader must look."""
    revised = replace(TOLL_A, published=date(2024, 5, 16), quantities=(_number("30", 30, 30),))
    (finding,) = _findings(TOLL_B, revised)
    assert finding.kind == "number"
    assert "the later figure is lower" in finding.detail
    assert finding.confidence < 0.9


def test_a_toll_under_half_the_earlier_counts_something_narrower() -> None:
    one = replace(TOLL_A, published=date(2024, 5, 20), quantities=(_number("1", 1, 1),))
    assert _findings(TOLL_B, one) == []


def test_a_measure_that_is_not_a_count_conflicts_across_days_unless_dated_apart() -> None:
    """A magnitude or an altitude is a property of its event: two figures published on
    different days still disagree; two figures for different event dates are an update."""
    magnitude = Slot("magnitude")
    first = _claim(1, "a magnitude 7.4 quake", _number("7.4", 7.4, 7.4, predicate=None))
    second = _claim(
        2,
        "a magnitude 7.8 quake",
        _number("7.8", 7.8, 7.8, predicate=None),
        published=date(2024, 5, 20),
    )
    assert [f.kind for f in _findings(first, second, magnitude)] == ["number"]
    monday = replace(first, event_start=date(2024, 5, 13), event_granularity="day")
    friday = replace(second, event_start=date(2024, 5, 17), event_granularity="day")
    assert [f.kind for f in _findings(monday, friday, magnitude)] == ["update"]


def test_a_hedged_or_vague_report_lowers_confidence() -> None:
    (plain,) = _findings(TOLL_A, TOLL_B)
    (hedged,) = _findings(TOLL_A, replace(TOLL_B, hedged=True))
    vague_number = _number("about 45", 40.5, 49.5, Qualifier.APPROX)
    (vague,) = _findings(TOLL_A, replace(TOLL_B, quantities=(vague_number,)))
    assert hedged.confidence < plain.confidence
    assert vague.confidence < plain.confidence


def test_overlapping_numbers_do_not_conflict() -> None:
    dozens = replace(TOLL_B, quantities=(_number("dozens", 24, 99),))
    assert _findings(TOLL_A, dozens) == []


def test_polarity_direction_and_date_rules() -> None:
    denied = replace(TOLL_B, quantities=(_number("26", 26, 26),), polarity="negated")
    assert [f.kind for f in _findings(TOLL_A, denied)] == ["polarity"]
    change = Slot("claim|change|share|-")
    rose = _claim(1, "Shares rose", predicate="rise", subject="Shares")
    fell = _claim(2, "Shares fell", predicate="fall", subject="Shares")
    assert [f.kind for f in _findings(rose, fell, change)] == ["direction"]
    next_day = replace(fell, event_start=date(2024, 5, 15), event_granularity="day")
    monday = replace(rose, event_start=date(2024, 5, 14), event_granularity="day")
    assert _findings(monday, next_day, change) == []  # up one day, down the next
    happen = Slot("claim|happen|blast|-")
    happened = _claim(1, "The Kessler blast happened", predicate="happen")
    sunday = replace(happened, event_start=date(2024, 5, 12), event_granularity="day")
    monday_blast = replace(
        happened,
        id=2,
        article_id=2,
        source_id=2,
        event_start=date(2024, 5, 13),
        event_granularity="day",
    )
    assert [f.kind for f in _findings(sunday, monday_blast, happen)] == ["date"]
    in_may = replace(
        monday_blast,
        event_start=date(2024, 5, 1),
        event_end=date(2024, 5, 31),
        event_granularity="month",
    )
    assert _findings(sunday, in_may, happen) == []  # a day and a month are not compared


# --- whose number: ages of named people, vague words ---------------------------------------


def _article(folder: Path, name: str, source: str, day: str, *paragraphs: str) -> str:
    path = folder / f"{name}.txt"
    header = f"source: {source}\ndate: {day}\nurl: unknown\ntitle: Shooting in Harlow Vale\n\n"
    path.write_text(header + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return str(path)


def test_an_age_belongs_to_the_person_named_and_namesakes_are_told_apart(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """ "Kerr, a 44-year-old farmer" is Kerr's age; "his wife, Dana Kerr, 36," is not Kerr's
    age where the article names two Kerrs; a bare surname is the person elsewhere."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-02",
        "Thomas Kerr shot four people in Harlow Vale on Friday, police said.",
        "Kerr, a 44-year-old farmer, killed himself as officers closed in.",
        "His wife, Dana Kerr, 36, was not hurt, police said.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-02",
        "A gunman shot four people in Harlow Vale on Friday before killing himself.",
        "Police named him as Thomas Kerr, 46, a farmer from the valley.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    conflicts = query(runner, db_url, "conflicts", "--status", "all")
    ages = sorted(
        tuple(sorted((c["claim_a"]["text"], c["claim_b"]["text"])))
        for c in conflicts
        if c["kind"] in ("number", "update")
    )
    # 44 against 46 is Kerr's age twice: flagged. 36 is his wife's: never against either.
    assert len(ages) == 1, ages
    assert any("44" in text for text in ages[0]) and any("46" in text for text in ages[0])
    assert not any("36" in text for pair in ages for text in pair)


def test_a_vague_word_is_not_flagged_against_a_figure(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-02",
        "The flood in Harlow Vale killed dozens of people on Friday, officials said.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-02",
        "The flood in Harlow Vale killed 140 people on Friday, officials said.",
    )
    third = _article(
        tmp_path,
        "radio",
        "Vale Radio",
        "2024-03-02",
        "The flood in Harlow Vale killed 12 people on Friday, officials said.",
    )
    run(runner, db_url, "ingest", first, second, third, "--quiet")
    flagged = [texts(c) for c in query(runner, db_url, "conflicts", "--status", "all")]
    assert flagged, "140 against 12 on one day is a conflict"
    assert not any("dozens" in text for pair in flagged for text in pair), flagged


@pytest.mark.parametrize(
    ("bound", "low", "high", "qualifier"),
    [
        ("more than 5,000", 5000.0, None, Qualifier.MORE_THAN),
        ("fewer than 5,000", 0.0, 5000.0, Qualifier.LESS_THAN),
    ],
)
def test_a_bound_includes_its_own_round_figure(
    bound: str, low: float, high: float | None, qualifier: Qualifier
) -> None:
    """ "injured 5,000" and "injured more than 5,000" agree: a bound includes its own number
    when compared (DOMAIN.md, "Round figures and bounds")."""
    interval = Interval(
        bound, None, low, high, qualifier, low_inclusive=high is not None, high_inclusive=False
    )
    figure = _claim(1, "the blast injured 5,000", _number("5,000", 5000, 5000))
    bounded = _claim(
        2,
        f"the blast injured {bound}",
        _number(bound, low, high, qualifier, interval=interval),
        published=date(2024, 5, 16),
    )
    assert _findings(figure, bounded) == []


def test_a_measure_rounded_to_its_own_precision_agrees_and_a_count_does_not(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """ "500,000 acres" is "530,000 acres" rounded, and "53 percent" is "52.9 percent"
    rounded: a measure written less precisely agrees (DOMAIN.md, "Round figures and bounds").
    A count is never rounded that way: "200 were evacuated" against "213" differs, and so
    does a measure that is not the other rounded ("420,000 acres")."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-02",
        "The wildfire in Harlow Vale has burned 500,000 acres of forest, officials said.",
        "Turnout in the Harlow Vale referendum was 53 percent, the election board said.",
        "Rangers said 200 campers were evacuated from Harlow Vale on Friday.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-02",
        "The wildfire in Harlow Vale has burned 530,000 acres of forest, officials said.",
        "Turnout in the Harlow Vale referendum was 52.9 percent, the election board said.",
        "Rangers said 213 campers were evacuated from Harlow Vale on Friday.",
    )
    third = _article(
        tmp_path,
        "radio",
        "Vale Radio",
        "2024-03-02",
        "The wildfire in Harlow Vale has burned 420,000 acres of forest, officials said.",
    )
    run(runner, db_url, "ingest", first, second, third, "--quiet")
    flagged = sorted(
        tuple(sorted((c["claim_a"]["text"], c["claim_b"]["text"])))
        for c in query(runner, db_url, "conflicts", "--status", "all")
    )
    figures = [tuple(re.search(r"\d[\d,.]*", text).group(0) for text in pair) for pair in flagged]
    assert sorted(figures) == sorted(
        [("200", "213"), ("420,000", "500,000"), ("420,000", "530,000")]
    ), flagged


def _only_flag_between(runner: CliRunner, db_url: str, figure: str, other: str) -> None:
    """The database holds one flag, between the claims stating `figure` and `other`."""
    flagged = [set(texts(c)) for c in query(runner, db_url, "conflicts", "--status", "all")]
    assert len(flagged) == 1, flagged
    assert any(figure in t for t in flagged[0]) and any(other in t for t in flagged[0]), flagged


def test_a_count_of_people_is_measured_by_what_they_did(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """ "4,000 people attended the vigil" and "6,500 people attended" count the same people:
    a count of people with a predicate of its own (not an outcome such as killed) is
    measured by that predicate, so the two disagree; "300 people marched" is another count."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-03",
        "Some 4,000 people attended a vigil for the victims in Harlow Vale on Sunday.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-03",
        "On Sunday 6,500 people attended a vigil for the victims in Harlow Vale.",
        "Later 300 people marched to the town hall in Harlow Vale.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    _only_flag_between(runner, db_url, "4,000", "6,500")


def test_rates_are_compared_only_with_their_holder(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """ "Turnout reached 41 percent" against "48 percent" is one holder's rate twice: flagged.
    "52 percent of the vote" and "29 percent of the vote" are two candidates' shares that the
    words around them do not tell apart: never flagged."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-04",
        "Turnout in the Harlow Vale mayoral vote reached 41 percent, the election board said.",
        "With most ballots counted, the incumbent had 52 percent of the vote.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-04",
        "Turnout in the Harlow Vale mayoral vote reached 48 percent, the election board said.",
        "A challenger from the valley took 29 percent of the vote.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    _only_flag_between(runner, db_url, "41 percent", "48 percent")


def test_an_age_is_as_of_the_report_whatever_year_its_claim_is_about(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """ "Vance, 33, bombed a clinic in July 1996" gives his age when the article was written,
    not in 1996: it is compared with "Vance, 35," of the same day."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "1999-03-05",
        "Eric Vance, 33, bombed a clinic in Harlow Vale in July 1996, prosecutors say.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "1999-03-05",
        "Police in Harlow Vale arrested Eric Vance, 35, on Friday over the clinic bombing.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    _only_flag_between(runner, db_url, "33", "35")


@pytest.mark.parametrize(("later", "confident"), [("1999-03-09", True), ("1999-11-20", False)])
def test_ages_reported_half_a_year_apart_are_flagged_with_less_confidence(
    tmp_path: Path, db_url: str, runner: CliRunner, later: str, confident: bool
) -> None:
    """ "Eric Vance, 33," and "Eric Vance, 34," four days apart disagree (confidence 0.9); eight
    months apart a birthday may lie between them: still flagged, below 0.8, so that
    `--min-confidence 0.8` leaves it out."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "1999-03-05",
        "Police in Harlow Vale arrested Eric Vance, 33, on Friday over the clinic bombing.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        later,
        "Eric Vance, 34, appeared in court in Harlow Vale over the clinic bombing on Monday.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    _only_flag_between(runner, db_url, "33", "34")
    sure = query(runner, db_url, "conflicts", "--status", "all", "--min-confidence", "0.8")
    assert len(sure) == (1 if confident else 0)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            "Police in Harlow Vale said three suspects confessed to the market bombing.",
            "Two suspects were held over the market bombing in Harlow Vale, police said.",
        ),
        (
            "The plane lost power in the No. 1 engine over Harlow Vale.",
            "Two engines failed on the plane over Harlow Vale.",
        ),
        (
            "Five of his victims died at the first office in Harlow Vale.",
            "Four people were dead within minutes in Harlow Vale.",
        ),
        (
            "Kerr, 44, killed himself Thursday evening in Harlow Vale.",
            "His wife, Dana Kerr, 36, survived the attack in Harlow Vale.",
        ),
        (
            "In a 1983 accident off Harlow Vale the crew perished at a depth of 180 feet.",
            "The submarine sank at a depth of 300 feet off Harlow Vale.",
        ),
    ],
    ids=["two predicates", "an ordinal", "two parts", "a relative's age", "an earlier event"],
)
def test_figures_that_measure_different_things_are_not_flagged(
    tmp_path: Path, db_url: str, runner: CliRunner, ours: str, theirs: str
) -> None:
    """Shapes that gave wrong flags on unseen events: counts of one thing under two predicates
    ("confessed", "were held"), an ordinal label ("the No. 1 engine"), two parts of a toll
    (a place inside the event, a moment), the age of a relative sharing a surname, a figure of
    an earlier event named by its year far before it in the sentence. Beside
    them, the two tolls that do disagree (nine, eleven) are flagged."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-05",
        "The gunman killed nine people in Harlow Vale on Monday, police said.",
        ours,
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-05",
        "The gunman killed 11 people in Harlow Vale on Monday, police said.",
        theirs,
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    _only_flag_between(runner, db_url, "nine", "11")


def test_each_of_several_events_of_a_story_keeps_its_own_figures(
    tmp_path: Path, db_url: str, runner: CliRunner
) -> None:
    """Twin bombings: "the first bombing killed 10 and injured 70", "the second bombing
    killed at least 224 and injured 4,000", "the twin bombings injured 5,000". The first's
    and the second's figures and the total are three measures; only the second's injured
    (4,000 against 4,500) and the market blast's toll (12, then 15) are compared, and a round
    "5,000" agrees with "more than 5,000"."""
    first = _article(
        tmp_path,
        "ledger",
        "Harlow Ledger",
        "2024-03-05",
        "The twin bombings in Harlow Vale injured 5,000 people, officials said.",
        "The toll in the market blast in Harlow Vale, initially 10, has risen to 12.",
        "The first bombing in Harlow Vale killed 10 and injured 70, while the second bombing "
        "killed at least 224 and injured 4,000.",
    )
    second = _article(
        tmp_path,
        "wire",
        "Vale Wire",
        "2024-03-06",
        "The twin bombings in Harlow Vale injured more than 5,000 people, officials said.",
        "The toll in the market blast in Harlow Vale stood at 15 on Wednesday.",
        "The second bombing in Harlow Vale killed at least 230 people and injured 4,500.",
    )
    run(runner, db_url, "ingest", first, second, "--quiet")
    flagged = [
        (c["claim_a"]["quantities"], c["claim_b"]["quantities"])
        for c in query(runner, db_url, "conflicts", "--status", "all")
    ]
    raws = sorted(
        tuple(sorted(q["raw"] for q in a + b if q["raw"] in ("12", "15", "4,000", "4,500")))
        for a, b in flagged
    )
    assert raws == [("12", "15"), ("4,000", "4,500")], flagged
