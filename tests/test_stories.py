"""Stories and slots through the CLI, on short articles written for these tests: which
articles form one story, which numbers fill one slot, and which pairs are flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.match.canonical import derived_content, differences
from factdb.match.slots import elapsed, scope_words
from factdb.match.stories import Profile, apart, choose_salient
from factdb.store.db import open_engine

from .test_matching import KESSLER, _content


def write(folder: Path, name: str, source: str, day: str, title: str, *paragraphs: str) -> Path:
    path = folder / f"{name}.txt"
    header = f"source: {source}\ndate: {day}\nurl: unknown\ntitle: {title}\n\n"
    path.write_text(header + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def query(runner: CliRunner, db: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ingest(runner: CliRunner, db: str, *paths: Path) -> None:
    result = runner.invoke(app, ["ingest", *map(str, paths), "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output


FLOOD = (
    "A flood in the Varenne valley killed {toll} people, the Varenne Red Cross said on Tuesday.",
    "Rescuers from the Varenne Red Cross searched the Varenne valley for survivors of the flood.",
    "Officials in Lorvik said {city} people died in Lorvik alone.",
    "The flood was the worst in the Varenne valley since 1950.",
)
FLOOD_RETOLD = (
    "The Varenne Red Cross said on Tuesday that {toll} people had died when the flood swept "
    "through the Varenne valley.",
    "In Lorvik, where {city} people died, the Varenne Red Cross set up a shelter in a school.",
    "Farmers across the Varenne valley lost their herds to the water.",
)
FIRE = (
    "A fire at the Tallin textile mill in Osterby killed {toll} people, Osterby police said.",
    "Osterby police said the Tallin mill had no working alarms.",
)


@pytest.fixture
def archive(tmp_path: Path, runner: CliRunner, nlp: Language) -> tuple[str, Path]:
    db = f"sqlite:///{tmp_path / 'stories.db'}"
    ingest(
        runner,
        db,
        write(
            tmp_path,
            "a",
            "North Wire",
            "2024-03-05",
            "Varenne flood kills dozens",
            *(p.format(toll=40, city=12) for p in FLOOD),
        ),
        write(
            tmp_path,
            "b",
            "River Post",
            "2024-03-05",
            "Deadly flood in the Varenne valley",
            *(p.format(toll=55, city=12) for p in FLOOD_RETOLD),
        ),
        write(
            tmp_path,
            "c",
            "Osterby Daily",
            "2024-03-06",
            "Fire at Tallin mill in Osterby",
            *(p.format(toll=9) for p in FIRE),
        ),
        # Two months later: a follow-up of the flood, well past any fixed window.
        write(
            tmp_path,
            "d",
            "North Wire",
            "2024-05-07",
            "Varenne flood toll revised",
            "A total of 131 people died in the Varenne valley flood, the Varenne Red Cross "
            "said in a final count.",
            "The Varenne Red Cross said rebuilding in the Varenne valley would take years.",
        ),
    )
    return db, tmp_path


def test_articles_of_one_event_form_one_story_and_a_follow_up_joins_it(
    archive: tuple[str, Path], runner: CliRunner
) -> None:
    db, _ = archive
    stories = query(runner, db, "stories")
    assert sorted(s["articles"] for s in stories) == [1, 3]
    flood = next(s for s in stories if s["articles"] == 3)
    assert (flood["first_published"], flood["last_published"]) == ("2024-03-05", "2024-05-07")
    assert flood["sources"] == 2
    by_origin = {Path(a["origin"]).stem: a["story_id"] for a in query(runner, db, "articles")}
    assert by_origin["a"] == by_origin["b"] == by_origin["d"] == flood["id"]
    assert by_origin["c"] != flood["id"]
    for claim in query(runner, db, "claims"):
        assert claim["story_id"] == by_origin[_origin(runner, db, claim)]


def _origin(runner: CliRunner, db: str, claim: dict[str, Any]) -> str:
    articles = {a["id"]: Path(a["origin"]).stem for a in query(runner, db, "articles")}
    return articles[claim["article_id"]]


def test_only_one_slot_of_one_story_is_compared(
    archive: tuple[str, Path], runner: CliRunner
) -> None:
    """40 against 55 on one day is a conflict; 131 two months later an update of both (not
    of the headline's "dozens"); the fire's 9 dead, another story, and Lorvik's 12, a part
    of the flood, are never flagged."""
    db, _ = archive
    pairs = {
        (k["kind"], k["claim_a"]["quantities"][0]["raw"], k["claim_b"]["quantities"][0]["raw"])
        for k in query(runner, db, "conflicts")
    }

    (same_day,) = [p for p in pairs if p[0] == "number"]
    assert set(same_day[1:]) == {"40", "55"}  # same day: the earlier is the first by hash
    # The headline's "dozens" is a vague word: never flagged against a figure (it stays in
    # the fact).
    assert pairs - {same_day} == {("update", "40", "131"), ("update", "55", "131")}
    facts = query(runner, db, "facts")
    lorvik = [f for f in facts if any("Lorvik alone" in c["text"] for c in f["claims"])]
    assert len(lorvik) == 1 and lorvik[0]["state"] == "agree"
    assert {len(f["claims"]) for f in lorvik} == {2}


def test_a_part_a_scope_and_a_cited_past_event_never_meet_the_whole(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    db = f"sqlite:///{tmp_path / 'scope.db'}"
    common = "The Brennhalde bus crash near Kessing shocked the region of Kessing."
    ingest(
        runner,
        db,
        write(
            tmp_path,
            "p",
            "Kessing Courier",
            "2024-06-02",
            "Brennhalde bus crash kills 19",
            "The Brennhalde bus crash near Kessing killed 19 people on Saturday.",
            "Six children were among 19 dead, police in Kessing said.",
            "More than 40 people were injured, three of whom were seriously hurt.",
            common,
        ),
        write(
            tmp_path,
            "q",
            "Alpine Radio",
            "2024-06-02",
            "Brennhalde bus crash near Kessing",
            "The Brennhalde bus crash near Kessing killed 6 people on Saturday, police said.",
            "A 2015 crash on the same Brennhalde road killed 90 people.",
            "At least 45 people were injured.",
            common,
        ),
    )
    flagged = {
        frozenset((k["claim_a"]["text"], k["claim_b"]["text"]))
        for k in query(runner, db, "conflicts", "--status", "all")
    }
    numbers = {
        q["raw"]
        for k in query(runner, db, "conflicts", "--status", "all")
        for q in (k["claim_a"]["quantities"] + k["claim_b"]["quantities"])
        if q["id"] in (k["quantity_a_id"], k["quantity_b_id"])
    }
    assert "Six" not in numbers  # a part of the 19 dead
    assert "three" not in numbers  # a part of the injured
    assert "90" not in numbers  # another event, cited for context
    assert {"19", "6"} <= numbers  # 19 against 6 dead
    assert flagged


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("Six children were among 19 dead", "Six", {"part"}),
        ("Six children were among 19 dead", "19", set()),
        ("more than 40 injured, three of whom were seriously hurt", "three", {"part", "severity"}),
        ("more than 40 injured, three of whom were seriously hurt", "more than 40", set()),
        ("more than 350 people were wounded, 40 of them seriously", "more than 350", set()),
        ("Another 11 people were killed on Monday", "11", {"increment"}),
        ("Police found 11 more bodies", "11", {"increment"}),
        ("The flight carried 217 people, and 3 died on the ground", "3", {"on the ground"}),
        ("a preliminary magnitude of 7.8, later revised", "7.8", {"preliminary"}),
        ("600 people were killed and 300 seriously injured", "600", set()),
        ("Forecasters warned of up to 20 inches of rain", "up to 20 inches", {"forecast"}),
        ("40 died, and the toll is expected to reach 100", "100", {"forecast"}),
        ("40 died, and the toll is expected to reach 100", "40", set()),
        ("More than 24 inches of rain fell on the county", "More than 24 inches", set()),
    ],
)
def test_scope_words(sentence: str, number: str, expected: set[str]) -> None:
    start = sentence.index(number)
    assert scope_words(sentence, start, start + len(number)) == expected


def test_elapsed_durations() -> None:
    sentence = "The jet crashed 40 minutes into the flight, after a dive of 36 seconds."
    end = sentence.index("40 minutes") + len("40 minutes")
    assert elapsed(sentence, end)
    assert not elapsed(sentence, sentence.index("36 seconds") + len("36 seconds"))


# --- rematch ------------------------------------------------------------------------------


def test_rematch_derives_the_same_result_and_keeps_reviews(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    db = f"sqlite:///{tmp_path / 'rematch.db'}"
    ingest(runner, db, *KESSLER)
    number = query(runner, db, "conflicts", "--kind", "number")[0]
    result = runner.invoke(
        app, ["conflicts", "dismiss", str(number["id"]), "--note", "checked", "--db", db]
    )
    assert result.exit_code == 0, result.output
    before = _content(db, runner)
    result = runner.invoke(app, ["rematch", "--db", db])
    assert result.exit_code == 0, result.output
    assert "4 article(s) rematched: 1 stories" in result.stdout
    assert "(1 reviewed conflicts kept)" in result.stdout
    facts, conflicts = _content(db, runner)
    assert facts == before[0]
    assert {k[:3] for k in conflicts} == {k[:3] for k in before[1]}
    (kept,) = [c for c in query(runner, db, "conflicts", "--status", "dismissed")]
    assert (kept["id"], kept["note"]) == (number["id"], "checked")


def test_rematch_carries_over_a_database_made_before_stories(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    db = f"sqlite:///{tmp_path / 'old.db'}"
    ingest(runner, db, *KESSLER)
    before = _content(db, runner)
    for args in (["db", "downgrade", "0003", "--yes"], ["db", "upgrade"]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
    assert {a["story_id"] for a in query(runner, db, "articles")} == {None}
    result = runner.invoke(app, ["rematch", "--db", db])
    assert result.exit_code == 0, result.output
    assert len({a["story_id"] for a in query(runner, db, "articles")}) == 1
    assert _content(db, runner)[0] == before[0]


def test_a_brief_is_about_the_names_it_gives_once_but_not_its_places() -> None:
    brief = {"kessin": (3, False), "flight 412": (1, False), "harlow air": (1, False)}
    assert choose_salient(brief | {"brisk sea": (1, False)}, {"kessin", "brisk sea"}) == {
        "kessin",
        "flight 412",
        "harlow air",
    }
    longer = {name: (2, False) for name in ("kessin", "tarvel", "harlow air", "flight 412")}
    assert choose_salient(longer | {"brisk sea": (1, False)}, set()) == set(longer)


DAM = (
    "A dam owned by Halvorsen Energy burst on Monday, and the flood killed {toll} people "
    "downstream.",
    "Engineers at Halvorsen Energy had warned that the dam was weak.",
)
BRIDGE = (
    "Floodwater swept away the Corven Bridge on Monday and killed {toll} people, Sheriff Tom "
    "Reyes said.",
    "Sheriff Tom Reyes closed the roads to the Corven Bridge.",
)
BOTH = (
    "Water from the dam of Halvorsen Energy swept away the Corven Bridge on Monday.",
    "Halvorsen Energy and Sheriff Tom Reyes said the Corven Bridge would be rebuilt.",
)


def test_a_story_merged_into_a_longer_one_brings_its_facts_and_flags(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """A report that ties two stories together merges them into the one with more articles
    (which keeps its id, even when the other is older); their reports of one slot then meet,
    and disagree."""
    db = f"sqlite:///{tmp_path / 'merge.db'}"
    ingest(
        runner,
        db,
        write(
            tmp_path,
            "dam",
            "Brisk Times",
            "2024-06-03",
            "Halvorsen Energy dam bursts",
            *(p.format(toll=12) for p in DAM),
        ),
    )
    for name in ("bridge1", "bridge2", "bridge3"):
        ingest(
            runner,
            db,
            write(
                tmp_path,
                name,
                f"{name} News",
                "2024-06-03",
                "Corven Bridge swept away",
                *(p.format(toll=14) for p in BRIDGE),
                f"Reporters of {name} News saw the river rise.",
            ),
        )
    before = {Path(a["origin"]).stem: a["story_id"] for a in query(runner, db, "articles")}
    assert before["dam"] != before["bridge1"] == before["bridge2"] == before["bridge3"]
    assert before["dam"] < before["bridge1"]
    assert query(runner, db, "conflicts") == []

    ingest(
        runner,
        db,
        write(
            tmp_path,
            "both",
            "Valley Post",
            "2024-06-04",
            "Halvorsen Energy flood takes the Corven Bridge",
            *BOTH,
        ),
    )
    (story,) = query(runner, db, "stories")
    assert story["id"] == before["bridge1"] and story["articles"] == 5
    flagged = {
        frozenset((k["claim_a"]["quantities"][0]["raw"], k["claim_b"]["quantities"][0]["raw"]))
        for k in query(runner, db, "conflicts")
        if k["kind"] == "number"
    }
    assert flagged == {frozenset({"12", "14"})}


def two_stories_and_a_report_that_ties_them(folder: Path) -> list[Path]:
    """The dam and the bridge (the bridge reported a day earlier), then a report that ties
    them into one story; in this order, the dam's story is the older one."""
    return [
        write(
            folder,
            "a-dam",
            "Brisk Times",
            "2024-06-03",
            "Halvorsen Energy dam bursts",
            *(p.format(toll=12) for p in DAM),
        ),
        write(
            folder,
            "b-bridge",
            "Corven News",
            "2024-06-02",
            "Corven Bridge swept away",
            *(p.format(toll=14) for p in BRIDGE),
        ),
        write(
            folder,
            "c-both",
            "Valley Post",
            "2024-06-04",
            "Halvorsen Energy flood takes the Corven Bridge",
            *BOTH,
        ),
    ]


def test_the_same_articles_in_reverse_order_derive_the_same_stories_facts_and_conflicts(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """Forward, the dam and the bridge are two stories until the last report merges them;
    backwards, one run per article, each joins the story of the report that ties them, after a
    later article. Either way the toll's fact is headed by its earliest report (the bridge's, a
    day before the dam's), and the same pair is flagged. One run given them backwards stores
    them oldest first (articles of one day as given) and derives the same."""
    articles = [*two_stories_and_a_report_that_ties_them(tmp_path), *KESSLER]
    derived, rederived = {}, {}
    runs = {
        "forward": [articles],
        "backward": [[a] for a in articles[::-1]],
        "backward in one run": [articles[::-1]],
    }
    for name, inputs in runs.items():
        db = f"sqlite:///{tmp_path / f'{name}.db'}"
        rederived[name] = 0
        for given in inputs:
            result = runner.invoke(app, ["ingest", *map(str, given), "--db", db, "--json"])
            assert result.exit_code == 0, result.output
            report = json.loads(result.stdout)
            assert report["articles_added"] == len(given)
            rederived[name] += report["stories_rederived"]
        derived[name] = derived_content(open_engine(db, create=False))
        (toll,) = [
            f
            for f in query(runner, db, "facts", "--limit", "1000")
            if any(c["text"] == "killed 14 people" for c in f["claims"])
        ]
        assert toll["label"] == "killed 14 people" and toll["articles"] == 2
        assert len(toll["conflicts"]) == 1
    # Backward, the tied story took the bridge after a later report: derived again.
    assert rederived["backward"] >= 1
    assert len(derived["forward"]["stories"]) == 2
    assert differences(derived["backward"], derived["forward"]) == []
    assert differences(derived["backward in one run"], derived["forward"]) == []


def test_a_story_derived_again_keeps_the_conflicts_it_finds_again(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """Two reports of the Kessler blast dated the day of it arrive after the follow-up two days
    later: their story is derived again in publication order. The conflicts found again keep
    their ids (a reviewer's listing stays right), and only the others are the run's new ones."""
    db = f"sqlite:///{tmp_path / 'later.db'}"
    first, second = (
        [k for k in KESSLER if "northland" in k.name or "ostmark" in k.name],
        [k for k in KESSLER if "brennmoor" in k.name or "lakeside" in k.name],
    )
    ingest(runner, db, *first)

    def conflicts() -> dict[tuple[int, int, str], int]:
        return {
            (k["claim_a"]["id"], k["claim_b"]["id"], k["kind"]): k["id"]
            for k in query(runner, db, "conflicts", "--status", "all")
        }

    before = conflicts()
    assert before
    result = runner.invoke(app, ["ingest", *map(str, second), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["stories_rederived"] == 1
    after = conflicts()
    assert before.items() <= after.items()
    new = {k["id"] for k in query(runner, db, "conflicts", "--new", "--status", "all")}
    assert new == set(after.values()) - set(before.values())
    assert report["conflicts_added"] == len(new) > 0


def test_the_same_kind_of_event_in_another_place_is_another_story(
    tmp_path: Path, runner: CliRunner, nlp: Language
) -> None:
    """Two earthquakes two weeks apart in two countries, both reported with the Red Cross and
    the same words (killed, injured, magnitude), are two stories: nothing is flagged between
    their tolls. A follow-up from another town of the first, naming its governor, joins it."""
    quake = (
        "A magnitude {magnitude} earthquake struck {country} on Monday, killing at least {dead} "
        "people, the Red Cross said.",
        "The Red Cross said {injured} people were injured in {country}.",
        "Governor {governor} of {country} asked for tents.",
        "Governor {governor} said schools in {country} would stay shut.",
    )

    def report(country: str, day: str, magnitude: str, dead: int, governor: str) -> Path:
        figures = {"magnitude": magnitude, "country": country, "dead": dead}
        paragraphs = (p.format(injured=dead * 5, governor=governor, **figures) for p in quake)
        title = f"Quake kills {dead} in {country}"
        return write(tmp_path, country.lower(), f"{country} Wire", day, title, *paragraphs)

    first = report("Varnia", "2019-03-04", "6.1", 40, "Anna Lind")
    second = report("Lorland", "2019-03-18", "7.0", 120, "Ivo Marr")
    follow_up = write(
        tmp_path,
        "osterby",
        "Hill Daily",
        "2019-03-20",
        "Osterby rebuilds",
        "Governor Anna Lind visited Osterby, where the earthquake destroyed the town hall.",
        "Governor Anna Lind promised Osterby new schools.",
    )
    db = f"sqlite:///{tmp_path / 'two.db'}"
    ingest(runner, db, first, second, follow_up)
    story = {Path(a["origin"]).stem: a["story_id"] for a in query(runner, db, "articles")}
    assert story["varnia"] != story["lorland"]
    assert story["osterby"] == story["varnia"]
    assert query(runner, db, "conflicts", "--status", "all") == []


def test_a_place_named_in_passing_by_the_other_report_is_not_another_place() -> None:
    """A report about a town that names its country, and one about the country that names the
    town, are not about two places; two reports that never name each other's place are."""
    town = Profile(
        1,
        None,
        {"marrow bay": 0.7},
        places=frozenset({"marrow bay"}),
        mentioned=frozenset({"marrow bay", "kestria"}),
    )
    country = Profile(
        2,
        None,
        {"kestria": 0.7},
        places=frozenset({"kestria"}),
        mentioned=frozenset({"kestria", "marrow bay", "red cross"}),
    )
    elsewhere = Profile(
        3,
        None,
        {"lorland": 0.7},
        places=frozenset({"lorland"}),
        mentioned=frozenset({"lorland", "red cross"}),
    )
    assert not apart(town, country)
    assert apart(country, elsewhere) and apart(town, elsewhere)
