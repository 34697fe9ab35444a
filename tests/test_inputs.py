"""Input formats from disk and stdin (HTML, JSON, JSON Lines, feeds), publication dates in the
formats people type, and the CLI polish a data desk expects: --version, CSV for analysts,
readable `show fact`, a compact conflicts table, `delete article`, `sources merge`."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb import __version__
from factdb.cli.app import app
from factdb.cli.ingest import progress_wanted
from factdb.inputs.formats import detect_format
from factdb.inputs.records import canonical_url
from factdb.nlp.dates import parse_publication_date

from .conftest import SEEDS
from .newsserver import ATOM_STORY, FURNITURE_MARKERS, KESSLER, article_page, atom_feed
from .pdfmaker import make_pdf

ARTICLES = Path(__file__).parent / "articles"


def run(runner: CliRunner, db: str, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, [*args, "--db", db], input=input)


def as_json(runner: CliRunner, db: str, *args: str) -> Any:
    result = run(runner, db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ingest(runner: CliRunner, db: str, *args: str, input: str | None = None) -> dict[str, Any]:
    result = run(runner, db, "ingest", *args, "--json", input=input)
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'f.db'}"


# --- formats ------------------------------------------------------------------------------


def test_html_file_gives_body_and_page_metadata(db: str, runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "courier.html"
    page.write_bytes(article_page("courier", "https://courier.example"))
    report = ingest(runner, db, str(page))
    assert report["articles_added"] == 1 and report["errors"] == []
    [article] = as_json(runner, db, "articles")
    assert article["source"] == "Brennmoor Courier"
    assert article["published"] == "2024-05-14"
    assert article["url"] == "https://courier.example/news/courier"
    assert article["title"] == "Blast at Kessler chemical plant kills 26"
    text = as_json(runner, db, "show", "article", str(article["id"]))["text"]
    assert text.startswith("An explosion at the Kessler chemical plant")
    for marker in FURNITURE_MARKERS:
        assert marker not in text


def test_html_without_date_warns_and_stays_undated(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "nodate.html"
    html = article_page("wire", "https://wire.example").decode()
    page.write_text(re.sub(r'<meta property="article:published_time"[^>]*>', "", html))
    report = ingest(runner, db, str(page))
    assert report["articles_added"] == 1
    assert any("no publication date found" in w for w in report["warnings"])
    assert as_json(runner, db, "articles")[0]["published"] is None


def test_json_lines_records_go_in_and_a_record_without_text_is_rejected_by_line(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    records = tmp_path / "drop.jsonl"
    records.write_text(
        json.dumps({"text": "Rescuers said 40 miners were trapped on Monday.", "source": "A"})
        + "\n"
        + json.dumps({"title": "headline only"})
        + "\n\n"
        + json.dumps(
            {
                "text": "Police said 12 people were arrested after the match.",
                "title": "Arrests",
                "source": "B (via C)",
                "published": "2024-02-05",
                "url": "https://b.example/arrests?utm_source=x",
                "author": "Kim Lee",
            }
        )
        + "\n"
    )
    result = run(runner, db, "ingest", str(records))
    assert result.exit_code == 1
    assert f"Error: {records}:2: record without 'text'" in result.stderr
    articles = {a["source"]: a for a in as_json(runner, db, "articles")}
    assert set(articles) == {"A", "B"}
    assert articles["B"]["distributor"] == "C"
    assert articles["B"]["url"] == "https://b.example/arrests"
    assert articles["B"]["published"] == "2024-02-05"
    assert articles["B"]["author"] == "Kim Lee"
    assert articles["B"]["origin"] == f"{records}:4"


def test_json_array_and_stdin(db: str, runner: CliRunner, tmp_path: Path) -> None:
    array = tmp_path / "batch.json"
    array.write_text(
        json.dumps(
            [
                {"text": "The ministry said 300 homes were flooded.", "source": "X"},
                {"text": "", "source": "Y"},
            ]
        )
    )
    report = ingest(runner, db, str(array))
    assert report["articles_added"] == 1
    assert report["errors"] == [
        f"{array}[2]: record without 'text': give each record its article text"
    ]
    line = json.dumps({"text": "Officials said 7 bridges were closed.", "source": "Z"})
    report = ingest(runner, db, "-", input=line + "\n")
    assert report["articles_added"] == 1
    html = article_page("gazette", "https://g.example").decode()
    report = ingest(runner, db, "-", input=html)
    assert report["articles_added"] == 1
    sources = {a["source"] for a in as_json(runner, db, "articles")}
    assert sources == {"X", "Z", "Lakeside Gazette"}


def test_saved_feed_file_gives_one_article_per_entry(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    feed = tmp_path / "velmora.atom"
    feed.write_bytes(atom_feed("https://velmora.example"))
    report = ingest(runner, db, str(feed))
    assert report["articles_added"] == 2  # the full story, and the summary-only entry
    stored = {a["title"]: a for a in as_json(runner, db, "articles")}
    storm = stored["Storm sinks 14 boats in Velmora"]
    assert storm["source"] == "Velmora Post"
    assert storm["published"] == "2024-05-15"
    assert storm["author"] == "Ana Ferreira"
    text = as_json(runner, db, "show", "article", str(storm["id"]))["text"]
    assert text == ATOM_STORY


def test_same_article_as_html_then_as_text_is_one_article(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "courier.html"
    page.write_bytes(article_page("courier", "https://courier.example"))
    assert ingest(runner, db, str(page))["articles_added"] == 1
    # The same story as a text file naming the page's canonical URL, in other words: a new
    # version of the page, listed in its place.
    text = (
        KESSLER["courier"]
        .read_text()
        .replace("url: unknown", "url: https://courier.example/news/courier#top")
    )
    copy = tmp_path / "courier.txt"
    copy.write_text(text.replace("26 workers", "twenty-six workers"))
    report = ingest(runner, db, str(copy))
    assert report["articles_added"] == 1 and report["revisions_found"] == 1
    (listed,) = as_json(runner, db, "articles")
    assert (listed["version"], listed["url"]) == (2, "https://courier.example/news/courier")
    # And the text body alone, without a URL: the same text after extraction, same hash.
    body = tmp_path / "body.txt"
    body.write_text(KESSLER["courier"].read_text().split("\n\n", 1)[1])
    assert ingest(runner, db, str(body))["duplicates"] == 1


def test_pdf_file_is_read_from_its_text_layer_and_other_binaries_are_named(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    """A PDF's text and info dictionary make an article; a scanned PDF (no text layer), a
    PNG, a Word document and a text file that only starts like a PDF are each one Error line
    saying what they are, and the rest of the run goes in (exit 1)."""
    report = tmp_path / "release.pdf"
    report.write_bytes(
        make_pdf(
            [
                [
                    "Officials said 41 workers were killed in the explosion at the Kessler",
                    "plant in Brennmoor on Monday.",
                    "",
                    "Rescue teams pulled 15 survivors from the rubble of the Kessler plant.",
                ],
                ["Kessler shares fell 4 percent on Tuesday."],
            ],
            {
                "Title": "Death toll in Kessler explosion reaches 41",
                "Author": "Northland Wire",
                "CreationDate": "D:20240514083000Z",
            },
        )
    )
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(make_pdf([[], []]))
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    word = tmp_path / "memo.docx"
    word.write_bytes(b"PK\x03\x04" + b"\x14\x00\x06\x00word/document.xml" + bytes(64))
    fake = tmp_path / "header-only.txt"
    fake.write_text("%PDF-1.4\nThe mayor said 12 people were hurt.\n")
    text = KESSLER["courier"]
    args = [str(p) for p in (report, scanned, image, word, fake, text)]
    result = run(runner, db, "ingest", *args, "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["articles_added"] == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 4, result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert all(line.startswith(("Error:", "Warning:")) for line in lines), result.stderr
    by_file = {name: next(e for e in errors if name in e) for name in ("scan", "photo", "memo")}
    assert "a PDF without a text layer (2 page(s)" in by_file["scan"]
    assert "a PNG image, not an article" in by_file["photo"]
    assert "a ZIP archive (Word .docx" in by_file["memo"]
    assert "a PDF factdb cannot read" in next(e for e in errors if "header-only" in e)

    articles = {a["origin"]: a for a in as_json(runner, db, "articles")}
    pdf = articles[str(report)]
    assert pdf["title"] == "Death toll in Kessler explosion reaches 41"
    assert pdf["author"] == "Northland Wire"
    assert pdf["published"] == "2024-05-14"
    claims = as_json(runner, db, "claims", "--article", str(pdf["id"]))
    sentences = [c["evidence"]["sentence"] for c in claims]
    # Lines broken by the page layout are one sentence again.
    assert any("killed in the explosion at the Kessler plant in Brennmoor" in s for s in sentences)
    assert {q["raw"] for c in claims for q in c["quantities"]} >= {"41", "15", "4 percent"}


@pytest.mark.parametrize(
    ("data", "name", "content_type", "expected"),
    [
        (b"<?xml version='1.0'?><rss version='2.0'>", None, None, "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", None, None, "feed"),
        (b"<!DOCTYPE html><html>", None, None, "html"),
        (b'[{"text": "x"}]', None, None, "json"),
        (b"source: X\n\nbody", None, None, "text"),
        (b'{"text": "x"}', "a.jsonl", None, "json"),
        (b"plain words", "a.html", None, "text"),
        (b"anything", None, "text/html; charset=utf-8", "html"),
        (b"<!DOCTYPE html><html>", "page.xml", None, "html"),
        (b"%PDF-1.7\n", "report.txt", None, "pdf"),
        (b"%PDF-1.7\n", None, "text/plain", "pdf"),
        (b"garbage", None, "application/pdf", "pdf"),
        (b"plain words", "notes.pdf", None, "text"),
    ],
)
def test_detect_format(
    data: bytes, name: str | None, content_type: str | None, expected: str
) -> None:
    assert detect_format(data, name=name, content_type=content_type) == expected


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    assert (
        canonical_url("HTTPS://A.Example:443/x?utm_medium=rss&id=2#c") == "https://a.example/x?id=2"
    )
    assert canonical_url("http://a.example:8080") == "http://a.example:8080/"
    assert canonical_url("  ") is None


# --- dates --------------------------------------------------------------------------------

TODAY = date(2024, 6, 10)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("12/03/2024", "dmy", date(2024, 3, 12)),
        ("12/03/2024", "mdy", date(2024, 12, 3)),
        ("13/03/2024", "mdy", date(2024, 3, 13)),  # only one order fits, whatever was said
        ("March 5", None, date(2024, 3, 5)),
        ("5 March", None, date(2024, 3, 5)),
        ("Dec 25", None, date(2023, 12, 25)),  # the latest Dec 25 not after today
        ("yesterday", None, date(2024, 6, 9)),
        ("today", None, TODAY),
        ("2 days ago", None, date(2024, 6, 8)),
        ("2022-01-08", None, date(2022, 1, 8)),
    ],
)
def test_publication_date_with_today_and_order(text: str, order: Any, expected: date) -> None:
    assert parse_publication_date(text, today=TODAY, order=order) == expected


@pytest.mark.parametrize("text", ["12/03/2024", "Monday", "January 2022", "soon"])
def test_publication_date_still_refuses_without_order_or_sense(text: str) -> None:
    assert parse_publication_date(text, today=TODAY) is None


def test_date_option_formats_and_future_warning(db: str, runner: CliRunner) -> None:
    seed = str(SEEDS / "001_5ecebfcf688ddb98.txt")
    ambiguous = run(runner, db, "ingest", seed, "--date", "12/03/2024")
    assert ambiguous.exit_code == 2
    assert "--date-order dmy" in ambiguous.stderr
    ok = run(runner, db, "ingest", seed, "--date", "12/03/2024", "--date-order", "dmy")
    assert ok.exit_code == 0, ok.output
    assert "no publication date" not in ok.stderr
    assert as_json(runner, db, "articles")[0]["published"] == "2024-03-12"
    future = (date.today() + timedelta(days=40)).isoformat()
    result = run(runner, db, "ingest", str(SEEDS / "000_ad3e0aac17cc3a38.txt"), "--date", future)
    assert result.exit_code == 0
    assert f"Warning: --date {future} is in the future" in result.stderr
    bad = run(runner, db, "ingest", seed, "--date-order", "ymd")
    assert bad.exit_code == 2


def test_header_dates_use_the_date_order_and_warn_on_future(
    db: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Officials said 12 people were hurt in the crash on Monday."
    (tmp_path / "a.txt").write_text(f"source: A\ndate: 05/03/2024\n\n{body}\n")
    # In the future but plausible: a date past 2200 is ignored instead (readers).
    future = (date.today() + timedelta(days=400)).isoformat()
    (tmp_path / "b.txt").write_text(f"source: B\ndate: {future}\n\n{body} Again.\n")
    (tmp_path / "c.txt").write_text(f"source: C\ndate: yesterday\n\n{body} Once more.\n")
    monkeypatch.setenv("FACTDB_DATE_ORDER", "dmy")
    report = ingest(
        runner, db, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(tmp_path / "c.txt")
    )
    published = {a["source"]: a["published"] for a in as_json(runner, db, "articles")}
    assert published["A"] == "2024-03-05"
    assert published["B"] == future
    assert published["C"] == (date.today() - timedelta(days=1)).isoformat()
    assert any(f"{future} is in the future" in w for w in report["warnings"])


def test_undated_warning_only_when_the_file_is_stored(db: str, runner: CliRunner) -> None:
    first = run(runner, db, "ingest", str(SEEDS))
    assert "no publication date" in first.stderr
    second = run(runner, db, "ingest", str(SEEDS))
    assert second.exit_code == 0
    assert second.stderr == ""


# --- CLI polish ---------------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"factdb {__version__}"


@pytest.fixture(scope="module")
def kessler_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four Kessler articles ingested once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("kessler") / "template.db"
    runner = CliRunner()
    paths = [str(path) for path in KESSLER.values()]
    assert ingest(runner, f"sqlite:///{path}", *paths)["articles_added"] == 4
    return path


@pytest.fixture
def kessler(kessler_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "kessler.db"
    shutil.copyfile(kessler_template, copy)
    return f"sqlite:///{copy}"


def test_claims_csv_has_one_column_per_field_and_no_none(kessler: str, runner: CliRunner) -> None:
    result = run(runner, kessler, "claims", "--format", "csv")
    assert result.exit_code == 0
    assert "None" not in result.stdout
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    for column in (
        "source",
        "published",
        "low",
        "high",
        "qualifier",
        "unit",
        "counted",
        "predicate",
        "evidence",
    ):
        assert column in rows[0]
    dead = [r for r in rows if r["raw"] == "26" and "26 workers" in r["evidence"]]
    assert dead and dead[0]["low"] == "26" and dead[0]["high"] == "26"
    assert dead[0]["qualifier"] == "exact" and dead[0]["counted"] == "worker"
    assert dead[0]["source"] == "Brennmoor Courier" and dead[0]["published"] == "2024-05-14"
    unbounded = [r for r in rows if r["qualifier"] in ("at_least", "more_than")]
    assert all(r["high"] == "" for r in unbounded)
    conflicts = run(runner, kessler, "conflicts", "--format", "csv")
    assert "None" not in conflicts.stdout
    header = next(csv.reader(io.StringIO(conflicts.stdout)))
    assert {"source_a", "evidence_a", "source_b", "evidence_b", "explanation"} <= set(header)


def test_show_fact_is_a_readable_table(kessler: str, runner: CliRunner) -> None:
    facts = as_json(runner, kessler, "facts", "--min-sources", "2")
    fact = facts[0]
    result = run(runner, kessler, "show", "fact", str(fact["id"]))
    assert result.exit_code == 0
    assert "Reports" in result.stdout
    assert '{"' not in result.stdout and "[{" not in result.stdout  # no JSON in a cell
    for claim in fact["claims"]:
        assert str(claim["id"]) in result.stdout


def test_conflicts_table_is_compact(kessler: str, runner: CliRunner) -> None:
    conflicts = as_json(runner, kessler, "conflicts")
    assert conflicts
    result = run(runner, kessler, "conflicts")
    body = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(body) <= 2 * len(conflicts)  # at most two lines a conflict


def test_delete_article_removes_claims_facts_links_and_conflicts(
    kessler: str, runner: CliRunner
) -> None:
    articles = as_json(runner, kessler, "articles")
    wire = next(a for a in articles if a["source"] == "Northland Wire")
    before = as_json(runner, kessler, "stats")
    wire_claims = {
        c["id"] for c in as_json(runner, kessler, "claims", "--article", str(wire["id"]))
    }
    involved = [
        c
        for c in as_json(runner, kessler, "conflicts", "--status", "all")
        if {c["claim_a"]["id"], c["claim_b"]["id"]} & wire_claims
    ]
    assert involved
    result = run(runner, kessler, "delete", "article", str(wire["id"]))
    assert result.exit_code == 0, result.output
    after = as_json(runner, kessler, "stats")
    assert after["articles"] == before["articles"] - 1
    assert after["claims"] == before["claims"] - len(wire_claims)
    assert after["conflicts"] == before["conflicts"] - len(involved)
    for fact in as_json(runner, kessler, "facts"):
        assert not {c["id"] for c in fact["claims"]} & wire_claims
    assert run(runner, kessler, "delete", "article", str(wire["id"])).exit_code == 2
    # The article can be ingested again afterwards.
    assert ingest(runner, kessler, str(KESSLER["wire"]))["articles_added"] == 1


def test_sources_merge(db: str, runner: CliRunner) -> None:
    ingest(runner, db, str(SEEDS))
    names = {s["name"]: s for s in as_json(runner, db, "sources")}
    assert set(names) == {"Bloomberg", "Bloomberg News"}
    result = run(runner, db, "sources", "merge", "Bloomberg", "Bloomberg News")
    assert result.exit_code == 0, result.output
    assert "1 articles moved" in result.stdout
    [merged] = as_json(runner, db, "sources")
    assert merged["name"] == "Bloomberg News" and merged["articles"] == 2
    missing = run(runner, db, "sources", "merge", "Reuters", "Bloomberg News")
    assert missing.exit_code == 2
    assert "no source 'Reuters'" in missing.stderr


@pytest.mark.parametrize(
    ("quiet", "as_json", "reads_stdin", "terminal", "shown"),
    [
        (False, False, False, True, True),
        (True, False, False, True, False),
        (False, True, False, True, False),
        (False, False, True, True, False),
        (False, False, False, False, False),
    ],
)
def test_progress_bar_only_for_a_person_watching(
    quiet: bool, as_json: bool, reads_stdin: bool, terminal: bool, shown: bool
) -> None:
    wanted = progress_wanted(
        quiet=quiet, as_json=as_json, reads_stdin=reads_stdin, terminal=terminal
    )
    assert wanted is shown
