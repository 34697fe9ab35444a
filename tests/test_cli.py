"""The CLI end to end on real text: ingest, every query command in every format, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.ingest.pipeline import choose_workers

from .conftest import SEED_000, SEED_001, SEEDS, ingest_shared

ARTICLES = Path(__file__).parent / "articles"
QUAKE_WIRE = ARTICLES / "valdoria-wire-2023-03-02.txt"
QUAKE_HERALD = ARTICLES / "coastal-herald-2023-03-02.txt"


def invoke(runner: CliRunner, *args: str, db: str, input: str | bytes | None = None) -> Any:
    return runner.invoke(app, [*args, "--db", db], input=input)


def ingest_json(runner: CliRunner, db: str, *paths: str) -> dict[str, Any]:
    result = invoke(runner, "ingest", *paths, "--json", db=db)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def query(runner: CliRunner, db: str, *args: str) -> Any:
    result = invoke(runner, *args, "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- ingest -------------------------------------------------------------------------------


def test_ingest_seeds_stores_both_articles_and_reports(db_url: str, runner: CliRunner) -> None:
    result = invoke(runner, "ingest", str(SEEDS), db=db_url)
    assert result.exit_code == 0, result.output
    assert "2 article(s) added" in result.stdout
    assert "0 rejected" in result.stdout
    assert "no publication date" in result.stderr
    assert SEED_001.name in result.stderr
    articles = query(runner, db_url, "articles")
    by_origin = {Path(a["origin"]).name: a for a in articles}
    assert by_origin[SEED_000.name]["published"] == "2022-01-08"
    assert by_origin[SEED_000.name]["source"] == "Bloomberg News"
    assert by_origin[SEED_000.name]["author"] == "Nariman Gizitdinov"
    assert by_origin[SEED_001.name]["published"] is None
    assert by_origin[SEED_001.name]["source"] == "Bloomberg"
    assert all(a["claims"] > 5 for a in articles)
    assert {len(a["content_hash"]) for a in articles} == {64}


def test_reingest_adds_nothing_and_says_so(db_url: str, runner: CliRunner) -> None:
    first = ingest_json(runner, db_url, str(SEEDS))
    assert first["articles_added"] == 2
    result = invoke(runner, "ingest", str(SEEDS), db=db_url)
    assert result.exit_code == 0, result.output
    assert "Nothing new" in result.stdout
    second = ingest_json(runner, db_url, str(SEEDS))
    assert second["articles_added"] == 0
    assert second["duplicates"] == 2
    stats = query(runner, db_url, "stats")
    assert stats["articles"] == 2
    assert stats["claims"] == first["claims_added"]


def test_same_text_in_one_run_is_stored_once(tmp_path: Path, runner: CliRunner) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    report = ingest_json(runner, db, str(SEED_000), str(copy))
    assert (report["articles_added"], report["duplicates"]) == (1, 1)


def test_overrides_apply_to_every_article(tmp_path: Path, runner: CliRunner) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    result = invoke(
        runner,
        "ingest",
        str(SEED_001),
        "--source",
        "Wire X",
        "--date",
        "Jan. 9, 2022",
        "--title",
        "Custom title",
        "--author",
        "A. Writer",
        db=db,
    )
    assert result.exit_code == 0, result.output
    assert "no publication date" not in result.stderr
    (article,) = query(runner, db, "articles")
    assert (article["source"], article["published"], article["title"], article["author"]) == (
        "Wire X",
        "2022-01-09",
        "Custom title",
        "A. Writer",
    )


def test_ingest_from_standard_input(tmp_path: Path, runner: CliRunner) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    result = invoke(runner, "ingest", "-", db=db, input=QUAKE_WIRE.read_bytes())
    assert result.exit_code == 0, result.output
    (article,) = query(runner, db, "articles")
    assert article["origin"] == "<stdin>"
    assert article["source"] == "Valdoria Wire Service"


def test_quiet_prints_nothing_on_success(tmp_path: Path, runner: CliRunner) -> None:
    result = invoke(runner, "ingest", str(SEEDS), "--quiet", db=f"sqlite:///{tmp_path / 'f.db'}")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""


# --- bad input ----------------------------------------------------------------------------


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (inputs / "latin1.txt").write_bytes(
        "Caf\xe9 owners said 12 people were hurt.".encode("latin-1")
    )
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    (inputs / "blank.txt").write_text("  \n\n \t\n", encoding="utf-8")
    (tmp_path / "no-articles").mkdir()
    (tmp_path / "no-articles" / "image.png").write_bytes(b"\x89PNG")
    return {
        "dir": inputs,
        "binary": inputs / "binary.txt",
        "latin1": inputs / "latin1.txt",
        "empty": inputs / "empty.txt",
        "blank": inputs / "blank.txt",
        "no_articles": tmp_path / "no-articles",
        "missing": tmp_path / "missing.txt",
    }


@pytest.mark.parametrize(
    ("case", "phrase"),
    [
        ("binary", "binary"),
        ("latin1", "UTF-8"),
        ("empty", "empty"),
        ("blank", "empty"),
        ("no_articles", "no article files"),
        ("missing", "no such file"),
    ],
)
def test_bad_input_is_named_and_good_input_still_ingested(
    case: str, phrase: str, bad_inputs: dict[str, Path], tmp_path: Path, runner: CliRunner
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    bad = bad_inputs[case]
    result = invoke(runner, "ingest", str(SEED_000), str(bad), db=db)
    assert result.exit_code == 1, result.output
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.stderr
    assert str(bad) in error_lines[0]
    assert phrase.lower() in error_lines[0].lower()
    assert "Traceback" not in result.output
    assert "1 article(s) added" in result.stdout
    assert len(query(runner, db, "articles")) == 1


def test_every_bad_file_in_a_directory_is_reported_once(
    bad_inputs: dict[str, Path], tmp_path: Path, runner: CliRunner
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    result = invoke(runner, "ingest", str(bad_inputs["dir"]), str(SEEDS), "--json", db=db)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["articles_added"] == 2
    assert len(report["errors"]) == 4
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 4


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "seeds", "--date", "not a date"],
        ["claims", "--since", "someday soon"],
        ["claims", "--format", "xml"],
        ["claims", "--limit", "0"],
        ["conflicts", "--status", "maybe"],
        ["show", "claim", "999999"],
        ["ingest"],
    ],
)
def test_usage_errors_exit_2_without_traceback(
    args: list[str], tmp_path: Path, runner: CliRunner
) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("command", "url", "message"),
    [
        ("stats", "nosuchdriver://x/y", "unsupported database URL"),
        ("stats", "/proc/no-such-dir/factdb.db", "no database at /proc/no-such-dir/factdb.db"),
        ("ingest", "/proc/no-such-dir/factdb.db", "cannot create the directory /proc/no-such-dir"),
    ],
)
def test_a_bad_database_location_is_a_clear_error(
    runner: CliRunner, command: str, url: str, message: str
) -> None:
    result = runner.invoke(app, [command, *(["seeds"] if command == "ingest" else []), "--db", url])
    assert result.exit_code == 1
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreachable_server_is_an_error_not_a_traceback(runner: CliRunner) -> None:
    result = runner.invoke(app, ["stats", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/x"])
    assert result.exit_code == 1
    assert "Error: cannot open the database" in result.stderr
    assert "Traceback" not in result.output


# --- query commands -----------------------------------------------------------------------

QUERY_COMMANDS = [
    ["articles"],
    ["sources"],
    ["claims"],
    ["claims", "--numbers", "--source", "Bloomberg"],
    ["conflicts", "--status", "all"],
    ["stats"],
    ["show", "claim", "1"],
    ["show", "article", "1"],
]


@pytest.fixture(scope="module")
def seeded(module_db_url: str) -> str:
    """The seeds and the two quake reports, ingested once per backend: its tests only read."""
    ingest_shared(module_db_url, str(SEEDS), str(QUAKE_WIRE), str(QUAKE_HERALD))
    return module_db_url


@pytest.mark.parametrize("command", QUERY_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_every_query_command_in_every_format(
    command: list[str], fmt: str, seeded: str, runner: CliRunner
) -> None:
    result = invoke(runner, *command, "--format", fmt, db=seeded)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.strip()
    if fmt == "json":
        parsed = json.loads(out)
        assert parsed
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines and all(isinstance(line, dict) for line in lines)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2
        assert all(len(row) == len(rows[0]) for row in rows)
    else:
        assert "┃" in out or "│" in out or "|" in out


def test_claim_json_has_the_documented_fields(seeded: str, runner: CliRunner) -> None:
    claims = query(runner, seeded, "claims", "--numbers")
    assert claims
    required = {
        "id",
        "article_id",
        "source",
        "published",
        "text",
        "speaker",
        "polarity",
        "hedged",
        "event_date",
        "event_date_text",
        "evidence",
        "entities",
        "quantities",
    }
    for claim in claims:
        assert required <= claim.keys()
        assert {"start", "end", "sentence"} <= claim["evidence"].keys()
        for quantity in claim["quantities"]:
            assert {"raw", "value", "low", "high", "qualifier", "unit", "counted", "predicate"} <= (
                quantity.keys()
            )


def test_article_json_has_the_documented_fields(seeded: str, runner: CliRunner) -> None:
    for article in query(runner, seeded, "articles"):
        assert {
            "id",
            "source",
            "title",
            "author",
            "published",
            "origin",
            "content_hash",
            "claims",
        } <= article.keys()


def test_show_claim_cuts_evidence_from_the_stored_text(seeded: str, runner: CliRunner) -> None:
    claims = query(runner, seeded, "claims")
    articles: dict[int, dict[str, Any]] = {}
    for claim in claims:
        if claim["article_id"] not in articles:
            articles[claim["article_id"]] = query(
                runner, seeded, "show", "article", str(claim["article_id"])
            )
        article = articles[claim["article_id"]]
        text = article["title"] if claim["headline"] else article["text"]
        evidence = claim["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert evidence["text"] in evidence["sentence"]
        shown = query(runner, seeded, "show", "claim", str(claim["id"]))
        assert shown == claim
        for quantity in claim["quantities"]:
            assert text[quantity["start"] : quantity["end"]] == quantity["raw"]


def test_show_article_table_pages_a_long_articles_claims_and_says_how_to_list_them_all(
    seeded: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factdb.cli import listing

    article = query(runner, seeded, "show", "article", "1")
    claims = article["claim_list"]
    assert len(claims) > 3
    monkeypatch.setattr(listing, "DEFAULT_PAGE", 3)
    result = invoke(runner, "show", "article", "1", db=seeded)
    assert result.exit_code == 0, result.output
    rows = {int(i) for i in re.findall(r"^│ (\d+) +│", result.stdout, re.MULTILINE)}
    assert [c["id"] for c in claims if c["id"] in rows] == [c["id"] for c in claims[:3]]
    assert (
        f"showing the first 3 of {len(claims)} claims; all of them: "
        "factdb claims --article 1 --all" in result.stderr
    )
    # The command it names lists every claim of the article; JSON had them all anyway.
    listed = invoke(runner, "claims", "--article", "1", "--all", db=seeded).stdout
    rows = {int(i) for i in re.findall(r"^│ (\d+) +│", listed, re.MULTILINE)}
    assert rows == {c["id"] for c in claims}


def test_headlines_give_claims_marked_as_headline(seeded: str, runner: CliRunner) -> None:
    headline = [c for c in query(runner, seeded, "claims") if c["headline"]]
    texts = {c["evidence"]["text"] for c in headline}
    # "as" with a subject of its own: the headline states two facts.
    assert {"Putin’s troops go in", "Kazakh leader orders protesters shot"} <= texts
    assert all(c["sentence_index"] == -1 for c in headline)
    body = [c for c in query(runner, seeded, "claims") if not c["headline"]]
    assert not texts & {c["evidence"]["text"] for c in body}


def test_parallel_workers_store_the_same_claims(tmp_path: Path, runner: CliRunner) -> None:
    results = []
    for workers in ("1", "2"):
        db = f"sqlite:///{tmp_path / f'w{workers}.db'}"
        result = invoke(runner, "ingest", str(SEEDS), str(QUAKE_WIRE), "--workers", workers, db=db)
        assert result.exit_code == 0, result.output
        claims = query(runner, db, "claims")
        results.append([(c["source"], c["text"], c["quantities"], c["event_date"]) for c in claims])
    assert results[0] == results[1]
    assert len(results[0]) > 50


def test_filters_narrow_the_results(seeded: str, runner: CliRunner) -> None:
    everything = query(runner, seeded, "claims")
    bloomberg = query(runner, seeded, "claims", "--source", "bloomberg")
    assert 0 < len(bloomberg) < len(everything)
    assert {c["source"] for c in bloomberg} == {"Bloomberg News", "Bloomberg"}
    dated = query(runner, seeded, "claims", "--since", "2022-01-01", "--until", "2022-12-31")
    assert dated and {c["published"] for c in dated} == {"2022-01-08"}
    searched = query(runner, seeded, "claims", "--search", "basis points")
    assert searched and all("basis points" in c["text"] for c in searched)
    kazakh = query(runner, seeded, "claims", "--entity", "Kazakhstan")
    assert kazakh and all(any("Kazakhstan" in e["text"] for e in c["entities"]) for c in kazakh)
    assert len(query(runner, seeded, "claims", "--limit", "3")) == 3
    articles = query(runner, seeded, "articles", "--source", "Coastal")
    assert [a["source"] for a in articles] == ["Coastal Herald"]


# --- conflicts ----------------------------------------------------------------------------


def test_seed_copies_have_no_numeric_conflict(db_url: str, runner: CliRunner) -> None:
    ingest_json(runner, db_url, str(SEEDS))
    assert query(runner, db_url, "conflicts", "--status", "all") == []


def _toll_conflicts(runner: CliRunner, db: str, *status: str) -> list[dict[str, Any]]:
    """The conflicts of the two quake articles, the one of their body text ("Twenty-six" and
    "164" killed) first. (The wire's headline "Earthquake kills dozens" is a vague word: it
    is never flagged against a figure.)"""
    conflicts: list[dict[str, Any]] = query(runner, db, "conflicts", *status)
    return sorted(conflicts, key=lambda c: "Twenty-six" not in c["explanation"])


def test_disjoint_death_tolls_are_flagged_and_explained(db_url: str, runner: CliRunner) -> None:
    ingest_json(runner, db_url, str(QUAKE_WIRE), str(QUAKE_HERALD))
    # The headline's "dozens" is a vague word: in the fact, never flagged against 164.
    (conflict,) = _toll_conflicts(runner, db_url)
    assert conflict["kind"] == "number"
    assert conflict["status"] == "open"
    sources = {conflict["claim_a"]["source"], conflict["claim_b"]["source"]}
    assert sources == {"Valdoria Wire Service", "Coastal Herald"}
    explanation = conflict["explanation"]
    assert "Twenty-six" in explanation and "164" in explanation
    assert "[26, 26]" in explanation and "[164, 164]" in explanation


def test_review_status_survives_reingest(db_url: str, runner: CliRunner) -> None:
    ingest_json(runner, db_url, str(QUAKE_WIRE), str(QUAKE_HERALD))
    (conflict,) = _toll_conflicts(runner, db_url)
    result = invoke(
        runner, "conflicts", "dismiss", str(conflict["id"]), "--note", "different towns", db=db_url
    )
    assert result.exit_code == 0, result.output
    assert query(runner, db_url, "conflicts") == []
    ingest_json(runner, db_url, str(QUAKE_WIRE), str(QUAKE_HERALD), str(SEEDS))
    (dismissed,) = query(runner, db_url, "conflicts", "--status", "dismissed")
    assert dismissed["note"] == "different towns"
    result = invoke(runner, "conflicts", "resolve", str(conflict["id"]), "--note", "164", db=db_url)
    assert result.exit_code == 0
    assert [c["status"] for c in _toll_conflicts(runner, db_url, "--status", "all")] == ["resolved"]
    result = invoke(runner, "conflicts", "dismiss", "9999", "--note", "x", db=db_url)
    assert result.exit_code == 2


# --- concurrency --------------------------------------------------------------------------


def test_two_overlapping_ingests_store_each_article_once(db_url: str, tmp_path: Path) -> None:
    """Two runs on the same inputs at the same time, the second queued by --wait: no error,
    no duplicate."""
    command = [
        sys.executable,
        "-m",
        "factdb",
        "ingest",
        str(SEEDS),
        str(QUAKE_WIRE),
        str(QUAKE_HERALD),
        "--json",
        "--wait",
        "--db",
        db_url,
    ]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    reports = []
    for process in processes:
        out, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
        reports.append(json.loads(out))
    assert sum(r["articles_added"] for r in reports) == 4
    assert sum(r["duplicates"] for r in reports) == 4
    runner = CliRunner()
    assert len(query(runner, db_url, "articles")) == 4


@pytest.mark.parametrize(
    ("inputs", "cpus", "workers"), [(1, 8, 1), (59, 8, 1), (60, 2, 2), (500, 8, 4), (500, 1, 1)]
)
def test_workers_are_chosen_by_input_count_and_cpus(inputs: int, cpus: int, workers: int) -> None:
    assert choose_workers(inputs, cpus) == workers


def test_progress_counts_every_input_once(bad_inputs: dict[str, Path], tmp_path: Path) -> None:
    """The progress callback ends at the number of inputs, whatever happened to each."""
    from factdb.ingest.pipeline import ingest
    from factdb.inputs.readers import count_inputs
    from factdb.store.db import open_engine

    engine = open_engine(f"sqlite:///{tmp_path / 'f.db'}")
    paths = [str(SEEDS), str(SEED_000), str(bad_inputs["dir"])]  # a duplicate, 4 bad files
    steps: list[int] = []
    report = ingest(engine, paths, on_progress=steps.append, batch_size=2)
    assert sum(steps) == count_inputs(paths) == report.files_seen == 7
    assert len(steps) > 3  # it moves along, not once at the end
    engine.dispose()


def test_counted_filter_goes_through_synonyms(seeded: str, runner: CliRunner) -> None:
    raws = {
        q["raw"]
        for c in query(runner, seeded, "claims", "--counted", "dead")
        for q in c["quantities"]
    }
    assert {"At least 26", "Dozens", "164", "18"} <= raws  # killed, dead: one synonym group
    assert "748" not in raws  # injured is another


def test_query_commands_run_without_loading_spacy(
    tmp_path: Path, runner: CliRunner, nlp: Any
) -> None:
    """Loading spaCy costs about half a second; only ingest needs it."""
    url = f"sqlite:///{tmp_path / 'q.db'}"
    kessler = sorted(str(p) for p in (Path(__file__).parent / "articles").glob("kessler-*"))
    result = runner.invoke(app, ["ingest", str(SEEDS), *kessler, "--quiet", "--db", url])
    assert result.exit_code == 0, result.output
    commands = [
        ["claims"],
        ["facts", "--state", "single"],
        ["conflicts", "--status", "all"],
        ["timeline", "--counted", "killed"],
        ["show", "fact", "1"],
        ["stats"],
    ]
    code = (
        "import sys; from typer.testing import CliRunner; from factdb.cli.app import app\n"
        f"for command in {commands!r}:\n"
        f"    r = CliRunner().invoke(app, [*command, '--db', {url!r}, '--format', 'json'])\n"
        "    assert r.exit_code == 0 and len(r.stdout) > 20, (command, r.output)\n"
        "print('spacy' in sys.modules, 'pint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


MEASURES = (
    "source: Test Wire\ndate: 2025-03-04\n\n"
    "The cargo ship sank 100 miles off the coast. Divers found the hull in 40 to 55 meters "
    "of water. The captain, 61, said the ship carried 64 metric tons of grain.\n\n"
    "The ship went down 161 km offshore, a coast guard said. It carried 141,000 lb of grain, "
    "and the crew of 12 left it at 1:52 a.m.\n"
)


def test_measures_are_stored_with_base_units_and_shown_in_json(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Ingest text through the CLI: measures carry their unit and their value in the base
    unit of the dimension, so 100 miles and 161 km (64 metric tons and 141,000 lb) agree;
    an age and a clock time are measures; a count has no base."""
    db = f"sqlite:///{tmp_path / 'm.db'}"
    result = invoke(runner, "ingest", "-", db=db, input=MEASURES.encode())
    assert result.exit_code == 0, result.output
    numbers = {q["raw"]: q for c in query(runner, db, "claims") for q in c["quantities"]}
    miles, km = numbers["100 miles"], numbers["161 km"]
    assert miles["base_unit"] == km["base_unit"] == "meter"
    assert miles["base_value"] == pytest.approx(km["base_value"], rel=0.01)
    tons, pounds = numbers["64 metric tons"], numbers["141,000 lb"]
    assert tons["base_unit"] == pounds["base_unit"] == "kilogram"
    assert tons["base_value"] == pytest.approx(pounds["base_value"], rel=0.01)
    assert (tons["counted"], pounds["counted"]) == ("grain", "grain")
    depth = numbers["40 to 55 meters"]
    assert (depth["base_low"], depth["base_high"], depth["counted"]) == (40, 55, "water")
    age = numbers["61"]
    assert (age["unit"], age["counted"], age["base_unit"]) == ("year", "age", "second")
    clock = numbers["1:52 a.m."]
    assert (clock["unit"], clock["value"], clock["base_unit"]) == ("clock_time", 112, "clock_time")
    crew = numbers["12"]
    assert crew["base_unit"] is None and crew["base_value"] is None


# --- help ---------------------------------------------------------------------------------


def _command_paths() -> list[list[str]]:
    """Every command and subcommand of the app, as the words that name it."""
    import typer.main

    paths: list[list[str]] = []

    def walk(command: Any, words: list[str]) -> None:
        paths.append(words)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_help_reads_as_words_not_internals(runner: CliRunner) -> None:
    """Help names what a value is (N, ID, DATE, NAME, URL), never the parser's type names or
    the database's 64-bit limit; the limit is still a usage error."""
    paths = _command_paths()
    assert ["claims"] in paths and ["show", "fact"] in paths
    for words in paths:
        result = runner.invoke(app, [*words, "--help"], terminal_width=200)
        assert result.exit_code == 0, (words, result.output)
        for internal in ("9223372036854775807", "<str>", "<int range>", "<float range>"):
            assert internal not in result.output, (words, internal, result.output)
    claims_help = runner.invoke(app, ["claims", "--help"], terminal_width=200).output
    assert re.search(r"--limit N\s+At most this many rows\.\s+\[x>=1\]", claims_help)
    assert "--since DATE" in claims_help and "--db URL" in claims_help
    huge = runner.invoke(app, ["claims", "--limit", str(2**64)])
    assert huge.exit_code == 2
    assert "larger than any id or count factdb stores" in huge.output
