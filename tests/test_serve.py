"""`factdb serve`: the review pages through the ASGI app (Starlette's TestClient), their JSON
twins, the review forms with their CSRF token, the token gate of a public bind and read-only
mode; on the invented Kessler event, ingested through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app as cli
from factdb.store import connect
from factdb.store.driver import DriverError
from factdb.web.app import ServeSettings, create_app
from factdb.web.charts import fact_chart, nice_ticks, source_styles
from factdb.web.security import CSRF_FIELD

from .conftest import REPO

with warnings.catch_warnings():
    # httpx is factdb's HTTP client already; Starlette 1.x would rather its test client used
    # httpx2, and warns once, on import.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ARTICLES = REPO / "tests" / "articles"
COURIER = ARTICLES / "kessler-brennmoor-courier-2024-05-14.txt"
WIRE = ARTICLES / "kessler-northland-wire-2024-05-14.txt"
GAZETTE = ARTICLES / "kessler-lakeside-gazette-2024-05-14.txt"
RADIO = ARTICLES / "kessler-ostmark-radio-2024-05-16.txt"
KESSLER = [COURIER, WIRE, GAZETTE, RADIO]
# The TestClient's requests name the server as a browser on this machine does.
LOCAL = "http://127.0.0.1"


def factdb(runner: CliRunner, db: str, *args: str) -> Any:
    """Run a factdb command on `db`; its JSON when it prints JSON."""
    result = runner.invoke(cli, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--format" in args else result.stdout


def ingest(runner: CliRunner, db: str, *paths: Path) -> None:
    factdb(runner, db, "ingest", *map(str, paths), "--quiet")


@pytest.fixture
def kessler(db_url: str, runner: CliRunner) -> str:
    """The four Kessler articles, on SQLite and on PostgreSQL."""
    ingest(runner, db_url, *KESSLER)
    return db_url


@pytest.fixture
def kessler_file(tmp_path: Path, runner: CliRunner) -> str:
    """The four Kessler articles on SQLite, for what does not depend on the backend."""
    url = f"sqlite:///{tmp_path / 'kessler.db'}"
    ingest(runner, url, *KESSLER)
    return url


def serving(db: str, **settings: Any) -> TestClient:
    return TestClient(create_app(ServeSettings(db, **settings)), base_url=LOCAL)


@pytest.fixture
def client(kessler: str) -> Iterator[TestClient]:
    with serving(kessler) as client:
        yield client


def page(client: TestClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.text
    return response.text


def data(client: TestClient, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def newest_first(records: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in reversed(records)]


def number_conflict(runner: CliRunner, db: str) -> dict[str, Any]:
    """The Kessler number conflict between the bodies' tolls (26 workers against 41)."""
    (found,) = [
        c
        for c in factdb(runner, db, "conflicts", "--kind", "number", "--format", "json")
        if "workers" in c["claim_a"]["text"]
    ]
    return found


# --- the reader -----------------------------------------------------------------------------


def test_a_reader_cannot_write(db_url: str, runner: CliRunner) -> None:
    """Pages read through `open_reader`, whose connection refuses writes on both backends
    (SQLite ``query_only``, a read-only PostgreSQL session), on the driver's own path and
    through SQLAlchemy (a URL with a driver option): no page can change the archive."""
    factdb(runner, db_url, "db", "upgrade")
    option = "timeout=5" if db_url.startswith("sqlite") else "application_name=factdb-test"
    through_engine = f"{db_url}{'&' if '?' in db_url else '?'}{option}"
    for url in (db_url, through_engine):
        reader = connect.open_reader(url)
        try:
            with pytest.raises(DriverError):
                reader.all("INSERT INTO source (name) VALUES ('Written by a page')")
        finally:
            reader.close()
    reader = connect.open_reader(db_url)
    try:
        assert reader.scalar("SELECT count(*) FROM source") == 0
    finally:
        reader.close()


# --- every page, as HTML and as JSON ----------------------------------------------------------


def test_records_are_the_json_factdb_show_prints(
    kessler: str, runner: CliRunner, client: TestClient
) -> None:
    """A claim, an article, a fact and a story at ``.json`` are the records `factdb show`
    prints; their pages show the same provenance."""
    conflict = number_conflict(runner, kessler)
    claim = conflict["claim_a"]
    story = claim["story_id"]
    for kind, ident in (
        ("claim", claim["id"]),
        ("article", claim["article_id"]),
        ("fact", claim["fact_id"]),
        ("story", story),
    ):
        shown = factdb(runner, kessler, "show", kind, str(ident), "--format", "json")
        plural = "stories" if kind == "story" else f"{kind}s"
        assert data(client, f"/{plural}/{ident}.json") == shown
    text = page(client, f"/claims/{claim['id']}")
    assert claim["source"] in text and claim["published"] in text
    assert f'<a href="/articles/{claim["article_id"]}">' in text
    assert f'<a href="/facts/{claim["fact_id"]}">' in text
    assert "26 [26, 26] worker kill" in text
    article = page(client, f"/articles/{claim['article_id']}")
    assert f'<a class="evidence" href="/claims/{claim["id"]}">{claim["text"]}' in article
    assert "Blast at Kessler chemical plant kills 26" in article
    fact = page(client, f"/facts/{claim['fact_id']}")
    assert '<svg class="chart"' in fact and f'href="/conflicts/{conflict["id"]}"' in fact


def test_the_stories_with_their_open_conflicts_and_search(
    kessler: str, runner: CliRunner, client: TestClient
) -> None:
    stories = data(client, "/.json")
    (story,) = stories["stories"]
    listed = factdb(runner, kessler, "stories", "--format", "json")
    assert {k: v for k, v in story.items() if k != "open_conflicts"} == listed[0]
    opened = factdb(runner, kessler, "conflicts", "--format", "json")
    assert story["open_conflicts"] == len(opened) == 9
    assert (stories["total"], stories["total_exact"], stories["next"]) == (1, True, None)
    text = page(client, "/")
    assert f'<a href="/stories/{story["id"]}">{story["label"]}</a>' in text
    assert f'<a href="/conflicts?story={story["id"]}">9</a>' in text
    assert data(client, "/.json?search=toxic+gas")["stories"] == [story]
    assert data(client, "/.json?search=avalanche")["stories"] == []
    assert "No story has an article with these words." in page(client, "/?search=avalanche")


def test_a_story_page_charts_every_fact_with_numbers(kessler: str, client: TestClient) -> None:
    """Its articles by date and outlet, its facts with their state, a chart per fact with
    numbers (facts in conflict first), and its open conflicts."""
    (story,) = data(client, "/.json")["stories"]
    shown = data(client, f"/stories/{story['id']}.json")
    text = page(client, f"/stories/{story['id']}")
    for article in shown["article_list"]:
        assert f'<a href="/articles/{article["id"]}">{article["title"]}</a>' in text
    numbered = [
        fact["id"]
        for fact in shown["fact_list"]
        if any(c["quantities"] for c in data(client, f"/facts/{fact['id']}.json")["claims"])
    ]
    charts = re.findall(r'<figure class="chart-figure" id="chart-(\d+)">', text)
    assert sorted(map(int, charts)) == sorted(numbered)
    states = {f["id"]: f["state"] for f in shown["fact_list"]}
    order = [states[int(c)] for c in charts]
    assert order == sorted(order, key=["conflict", "update", "agree", "single source"].index)
    # Readable without colour: a shape per source, named in the legend; flags as letters.
    for source in ("Brennmoor Courier", "Northland Wire", "Lakeside Gazette", "Ostmark Radio"):
        assert re.search(rf'<svg class="glyph"[^>]*>.*?</svg> {source}</li>', text)
    assert ">C</text>" in text and ">U</text>" in text
    for conflict in shown["conflict_list"]:
        assert f'<a href="/conflicts/{conflict["id"]}">#{conflict["id"]}</a>' in text


def test_a_chart_draws_points_intervals_and_open_ends() -> None:
    """A figure is a point, "hundreds" an interval with its ends, "more than 30" an open
    ring and an arrow; the sources keep their colour and shape, a flagged report its letter,
    and the axis is named as the slot names the measure ("died" counts as "kill")."""

    def claim(ident: int, source: str, day: str, low: float | None, high: float | None) -> Any:
        quantity = {
            "id": ident * 10,
            "raw": f"figure {ident}",
            "low": low,
            "high": high,
            "low_inclusive": ident != 3,
            "high_inclusive": True,
            "unit": None,
            "counted": "people",
            "predicate": "die",
            "predicate_key": "kill",
            "base_low": None,
            "base_high": None,
            "base_unit": None,
        }
        return {
            "id": ident,
            "source": source,
            "published": day,
            "published_inferred": None,
            "quantities": [quantity],
            "fact_quantity_id": ident * 10,
        }

    fact = {
        "id": 7,
        "claims": [
            claim(1, "Wire", "2024-05-14", 26, 26),
            claim(2, "Radio", "2024-05-14", 200, 999),
            claim(3, "Wire", "2024-05-20", 30, None),
        ],
        "conflicts": [{"kind": "number", "claim_a_id": 1, "claim_b_id": 2}],
    }
    styles = source_styles(["Radio", "Wire"])
    chart = fact_chart(fact, styles)
    assert chart is not None
    svg = str(chart.svg)
    assert [s.name for s in chart.sources] == ["Wire", "Radio"]
    assert (styles["Wire"].shape, styles["Radio"].shape) == ("square", "circle")
    assert "people · kill by publication date</text>" in svg
    assert svg.count('<a href="/claims/') == 3
    assert svg.count(">C</text>") == 2 and ">U</text>" not in svg
    assert 'r="3" fill="#fff"' in svg  # "more than 30": the bound itself excluded
    assert svg.count("<polygon") == 1  # its arrow (squares and circles are no polygons)
    assert "2024-05-14</text>" in svg and "2024-05-20</text>" in svg
    assert "Wire, 2024-05-20: figure 3" in svg
    assert fact_chart({"id": 8, "claims": [], "conflicts": []}, styles) is None
    assert nice_ticks(0, 1080) == [0, 200, 400, 600, 800, 1000]
    assert nice_ticks(18.5, 27.5) == [20, 22, 24, 26]


# --- the conflict queue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, options",
    [
        ("", []),
        ("kind=number", ["--kind", "number"]),
        ("status=all", ["--status", "all"]),
        ("source=Ostmark", ["--source", "Ostmark"]),
        ("since=2024-05-15", ["--since", "2024-05-15"]),
        ("until=2024-05-14&search=workers", ["--until", "2024-05-14", "--search", "workers"]),
        ("entity=Brenn", ["--entity", "Brenn"]),
        ("min_confidence=0.85", ["--min-confidence", "0.85"]),
        ("order=confidence", ["--order", "confidence"]),
        ("new=1", ["--new"]),
        ("since_run=1&status=all", ["--since-run", "1", "--status", "all"]),
        ("all_versions=1", ["--all-versions"]),
    ],
)
def test_the_queue_filters_as_the_cli_does(
    query: str, options: list[str], kessler: str, runner: CliRunner, client: TestClient
) -> None:
    """Each filter of `factdb conflicts` is a query parameter; the queue lists the newest
    (or the most confident) first."""
    expected = factdb(runner, kessler, "conflicts", *options, "--format", "json")
    listed = data(client, f"/conflicts.json?{query}")
    assert [c["id"] for c in listed["conflicts"]] == newest_first(expected)
    assert listed["conflicts"] == list(reversed(expected))
    text = page(client, f"/conflicts?{query}")
    for conflict in expected:
        assert f'<a href="/conflicts/{conflict["id"]}">#{conflict["id"]}</a>' in text


def test_the_queue_pages_by_key_and_filters_by_story(
    kessler: str, runner: CliRunner, client: TestClient
) -> None:
    everything = newest_first(factdb(runner, kessler, "conflicts", "--format", "json"))
    (story,) = data(client, "/.json")["stories"]
    walked: list[int] = []
    address: str | None = f"/conflicts.json?story={story['id']}&limit=4"
    while address is not None:
        listed = data(client, address)
        walked += [c["id"] for c in listed["conflicts"]]
        assert (listed["total"], listed["total_exact"]) == (9, True)
        address = listed["next"]
        assert address is None or (
            address.startswith("/conflicts.json?") and f"story={story['id']}" in address
        )
    assert walked == everything
    second = page(client, f"/conflicts?limit=4&after={everything[3]}")
    assert 'rel="next"' in second and '<a href="/conflicts?limit=4">← First page</a>' in second
    assert data(client, f"/conflicts.json?story={story['id'] + 1}")["conflicts"] == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("kind=size", "kind must be one of number, update, polarity, direction, date (got 'size')"),
        ("status=closed", "status must be one of open, dismissed, resolved, all (got 'closed')"),
        ("order=random", "order must be one of found, confidence (got 'random')"),
        ("min_confidence=2", "min_confidence must be a number from 0 to 1 (got '2')"),
        ("since=14/05/2024", "since must be a date such as 2024-05-14 (got '14/05/2024')"),
        ("story=x", "story must be a whole number of at least 1 (got 'x')"),
        ("limit=100000", "limit must be at most 500 (got 100000)"),
        ("new=1&since_run=1", "give new or since_run, not both"),
    ],
)
def test_a_bad_filter_is_a_400_saying_what_to_give(
    query: str, message: str, kessler_file: str
) -> None:
    with serving(kessler_file) as client:
        assert data(client, f"/conflicts.json?{query}", 400) == {"error": message}
        assert message.replace("'", "&#39;") in page(client, f"/conflicts?{query}", 400)


def test_a_page_after_a_story_that_is_not_listed_starts_over(kessler_file: str) -> None:
    """Stories are walked by date and id: the page after a story that is not listed has no
    place to start (conflicts walk by id alone, where any id is a place)."""
    with serving(kessler_file) as client:
        assert data(client, "/.json?after=999", 400) == {
            "error": "after: no row with id 999 in this listing; start from /.json"
        }


# --- a conflict, and reviewing it -------------------------------------------------------------


def review_form(client: TestClient, conflict_id: int) -> str:
    """The conflict page's CSRF token (reading the page gives the browser its cookie)."""
    found = re.search(
        rf'name="{CSRF_FIELD}" value="([^"]+)"', page(client, f"/conflicts/{conflict_id}")
    )
    assert found is not None
    return found.group(1)


def post(client: TestClient, conflict_id: int, action: str, note: str, token: str) -> Any:
    return client.post(
        f"/conflicts/{conflict_id}/{action}",
        data={"note": note, CSRF_FIELD: token},
        follow_redirects=False,
    )


WIRE_FOLLOW_UP = """source: Northland Wire
date: 2024-05-15
url: unknown
title: Kessler plant blast: workers mourned in Brennmoor

Officials said on Tuesday that 41 workers were killed in the explosion at the Kessler plant in \
Brennmoor on Monday.

Families gathered outside the Kessler plant in Brennmoor.
"""


def test_a_conflict_shows_both_sentences_in_their_articles(
    kessler: str, runner: CliRunner, client: TestClient, tmp_path: Path
) -> None:
    """Both claims with their sentences marked inside a window of their article's text (by
    the stored offsets), the evidence within them, the explanation, the slot, the fact's
    chart and each source's other reports of the fact (the wire's follow-up repeats its
    41)."""
    follow_up = tmp_path / "wire-follow-up.txt"
    follow_up.write_text(WIRE_FOLLOW_UP, encoding="utf-8")
    ingest(runner, kessler, follow_up)
    conflict = number_conflict(runner, kessler)
    shown = data(client, f"/conflicts/{conflict['id']}.json")
    assert {k: shown[k] for k in conflict} == conflict
    assert shown["slot"] == data(client, f"/facts/{shown['fact_ids'][0]}.json")["slot"]
    assert "kill" in shown["slot"]
    text = page(client, f"/conflicts/{conflict['id']}")
    marked = re.findall(r'<mark class="sentence">(.*?)</mark>', text, re.DOTALL)
    sides = [conflict["claim_a"], conflict["claim_b"]]
    assert [re.sub(r"</?strong[^>]*>", "", m) for m in marked] == [
        c["evidence"]["sentence"].rstrip() for c in sides
    ]
    for claim in sides:
        assert f'<strong class="evidence">{claim["evidence"]["text"]}</strong>' in text
        window = shown["context"]["a" if claim is sides[0] else "b"]
        article = data(client, f"/articles/{claim['article_id']}.json")["text"]
        start = window["start"]
        assert article[start : start + len(window["text"])] == window["text"]
        assert claim["evidence"]["sentence"] in window["text"]
    assert conflict["explanation"].replace("'", "&#39;") in text
    assert f"<code>{shown['slot']}</code>" in text
    assert '<svg class="chart"' in text
    wire = "a" if conflict["claim_a"]["source"] == "Northland Wire" else "b"
    (repeated,) = shown["other_reports"][wire]
    assert (repeated["source"], repeated["published"]) == ("Northland Wire", "2024-05-15")
    assert shown["other_reports"]["b" if wire == "a" else "a"] == []
    assert f'<a href="/claims/{repeated["id"]}">{repeated["text"]}</a>' in text


def test_resolving_writes_what_the_cli_writes_and_it_survives_reingest(
    db_url: str, runner: CliRunner
) -> None:
    """The form's decision is the row `factdb conflicts resolve` writes: status and note,
    kept when more articles arrive, the same ones come again and everything is rematched;
    the conflict leaves the open queue."""
    ingest(runner, db_url, COURIER, WIRE)
    conflict = number_conflict(runner, db_url)
    with serving(db_url) as client:
        token = review_form(client, conflict["id"])
        response = post(
            client, conflict["id"], "resolve", "  the fire service confirmed 41 ", token
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/conflicts/{conflict['id']}"
        text = page(client, f"/conflicts/{conflict['id']}")
        assert (
            '<span class="status resolved">resolved</span>: the fire service confirmed 41' in text
        )
        assert conflict["id"] not in [c["id"] for c in data(client, "/conflicts.json")["conflicts"]]
    ingest(runner, db_url, GAZETTE, RADIO)
    ingest(runner, db_url, COURIER, WIRE)
    factdb(runner, db_url, "rematch")
    (kept,) = factdb(runner, db_url, "conflicts", "--status", "resolved", "--format", "json")
    assert (kept["id"], kept["status"], kept["note"]) == (
        conflict["id"],
        "resolved",
        "the fire service confirmed 41",
    )


def test_dismissing_and_the_forms_refusals(kessler_file: str, runner: CliRunner) -> None:
    """Dismiss writes what `factdb conflicts dismiss` writes. A wrong or missing CSRF token
    (another site's form, a browser that never read the page), an empty note and an unknown
    conflict are refused with what to do, and change nothing."""
    conflict = number_conflict(runner, kessler_file)
    ident = conflict["id"]
    with serving(kessler_file) as client:
        token = review_form(client, ident)
        forged = token[:-1] + ("1" if token.endswith("0") else "0")  # one character off
        refused = post(client, ident, "resolve", "forged", forged)
        assert refused.status_code == 403
        assert "reload the conflict page and submit again" in refused.text
        with serving(kessler_file) as stranger:  # no cookie: it never read the page
            assert post(stranger, ident, "resolve", "forged", token).status_code == 403
        empty = post(client, ident, "dismiss", "   ", token)
        assert (empty.status_code, "write a note saying why" in empty.text) == (400, True)
        assert post(client, 9999, "dismiss", "x", token).status_code == 404
        assert client.get(f"/conflicts/{ident}/dismiss").status_code == 405
        assert data(client, f"/conflicts/{ident}.json")["status"] == "open"
        assert post(client, ident, "dismiss", "different districts", token).status_code == 303
    (dismissed,) = factdb(
        runner, kessler_file, "conflicts", "--status", "dismissed", "--format", "json"
    )
    assert (dismissed["id"], dismissed["note"]) == (ident, "different districts")


def test_read_only_mode_refuses_reviews(kessler_file: str, runner: CliRunner) -> None:
    conflict = number_conflict(runner, kessler_file)
    with serving(kessler_file, read_only=True) as client:
        text = page(client, f"/conflicts/{conflict['id']}")
        assert '<form class="review"' not in text and "This server is read-only" in text
        with serving(kessler_file) as writable:
            token = review_form(writable, conflict["id"])
        client.cookies.update(writable.cookies)
        refused = post(client, conflict["id"], "resolve", "no", token)
        assert refused.status_code == 403 and "read-only (--read-only)" in refused.text
        assert data(client, f"/conflicts/{conflict['id']}.json")["status"] == "open"


def test_unknown_records_and_pages_are_404s_naming_where_to_look(kessler_file: str) -> None:
    with serving(kessler_file) as client:
        for path, hint in (
            ("/stories/999", "no story with id 999; the stories are listed at /"),
            ("/conflicts/999", "no conflict with id 999; the open ones are listed at /conflicts"),
            ("/facts/999", "no fact with id 999; a story's page lists its facts"),
            ("/claims/999", "no claim with id 999; an article's page lists its claims"),
            ("/articles/999", "no article with id 999; a story's page lists its articles"),
        ):
            assert data(client, f"{path}.json", 404) == {"error": hint}
            assert hint.replace("'", "&#39;") in page(client, path, 404)
        assert "no page at /stories/abc" in page(client, "/stories/abc", 404)
        huge = "/conflicts/99999999999999999999"
        assert "no record has so large an id" in data(client, f"{huge}.json", 404)["error"]
        assert client.post(f"{huge}/resolve", data={"note": "x"}).status_code == 404


# --- who may use the server -------------------------------------------------------------------


def test_pages_forbid_framing_and_other_origins(kessler_file: str) -> None:
    with serving(kessler_file) as client:
        headers = client.get("/").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'self'" in headers["content-security-policy"]
        assert client.get("/static/factdb.css").status_code == 200


def test_a_loopback_server_answers_only_to_loopback_names(kessler_file: str) -> None:
    """A page of another site cannot reach it through a DNS name rebound to 127.0.0.1."""
    with serving(kessler_file) as client:
        assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
        assert client.get("/", headers={"host": "rebound.example:8765"}).status_code == 400


def test_a_public_bind_needs_a_token_and_every_request_carries_it(
    kessler_file: str, runner: CliRunner
) -> None:
    refused = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--db", kessler_file])
    assert refused.exit_code == 2
    assert "--host 0.0.0.0 can be reached from other machines" in refused.stderr
    assert "--token or FACTDB_SERVE_TOKEN" in refused.stderr
    short = runner.invoke(cli, ["serve", "--token", "secret", "--db", kessler_file])
    assert short.exit_code == 2 and "at least 16 characters" in short.stderr
    with pytest.raises(ValueError, match="can be reached from other machines"):
        create_app(ServeSettings(kessler_file, host="0.0.0.0"))
    token = "correct-horse-battery-staple"
    with serving(kessler_file, host="0.0.0.0", token=token) as client:
        missing = client.get("/")
        assert missing.status_code == 401 and "needs its token" in missing.text
        assert client.get("/.json").json()["error"].startswith("this factdb server needs")
        assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/", headers={"authorization": f"Bearer {token}"}).status_code == 200
        opened = client.get(f"/conflicts?kind=number&token={token}", follow_redirects=False)
        assert opened.status_code == 303
        assert opened.headers["location"] == "/conflicts?kind=number"  # out of the address
        assert client.get("/conflicts?kind=number").status_code == 200  # the cookie has it
    with serving(kessler_file, host="0.0.0.0", token=token) as other:
        assert other.get(f"/?token={token}x").status_code == 401


def test_serve_on_a_missing_database_says_so(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no database at" in result.stderr


def test_serve_prints_its_address_and_stops_on_interrupt(kessler_file: str) -> None:
    """`factdb serve --port 0` listens on a free port, says where, answers, and Ctrl-C
    (SIGINT) stops it."""
    import signal

    import httpx

    server = subprocess.Popen(
        [sys.executable, "-m", "factdb", "serve", "--port", "0", "--db", kessler_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:(\d+)/) \(reviews on\); Ctrl-C stops\.", line)
        assert found, line
        answer = httpx.get(found.group(1) + ".json", timeout=30)
        assert answer.status_code == 200 and len(answer.json()["stories"]) == 1
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""


def test_an_installed_package_serves_its_templates_and_static_files(
    tmp_path: Path, kessler_file: str
) -> None:
    """The wheel carries `factdb.web` with its templates and static files (package data):
    installed elsewhere, not from this checkout, it renders a page and serves its script."""
    import os
    import shutil

    source = tmp_path / "source"
    for part in ("factdb", "alembic"):
        shutil.copytree(
            REPO / part, source / part, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / part, source / part)
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    probe = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "import factdb\n"
        "from starlette.testclient import TestClient\n"
        "from factdb.web.app import ServeSettings, create_app\n"
        f"client = TestClient(create_app(ServeSettings({kessler_file!r})), "
        "base_url='http://127.0.0.1')\n"
        "print(factdb.__file__)\n"
        "for path in ('/', '/conflicts', '/static/factdb.js', '/static/factdb.css'):\n"
        "    print(path, client.get(path).status_code)\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(site))
    assert lines[1:] == [
        f"{p} 200" for p in ("/", "/conflicts", "/static/factdb.js", "/static/factdb.css")
    ]


def test_the_web_stack_is_not_imported_by_other_commands() -> None:
    """`factdb --help` and the other commands start without Starlette, Jinja2 or uvicorn."""
    probe = (
        "import sys\n"
        "from factdb.cli import app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'jinja2', 'uvicorn'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_query_string_of_next_pages_keeps_the_filters(kessler_file: str) -> None:
    with serving(kessler_file) as client:
        listed = data(client, "/conflicts.json?kind=update&limit=2&source=Ostmark")
        assert listed["next"] is not None
        kept = parse_qs(urlsplit(listed["next"]).query)
        assert kept["kind"] == ["update"] and kept["source"] == ["Ostmark"]
        assert kept["limit"] == ["2"] and kept["after"] == [str(listed["conflicts"][-1]["id"])]
