"""Scheduled ingest through the CLI against a local news site (tests/newsserver.py).

No internet: a thread serves feeds and pages on 127.0.0.1. Fetch timeouts, retries and backoff
are set small through the environment so the failure cases take a fraction of a second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb import __version__
from factdb.cli.app import app

from .conftest import REPO
from .newsserver import FURNITURE_MARKERS, SLOW_SECONDS, NewsSite, serving

WRAPPER = REPO / "scripts" / "scheduled-ingest"


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewsSite]:
    """The news site, served for one test, with fast fetch settings."""
    monkeypatch.setenv("FACTDB_FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("FACTDB_FETCH_RETRIES", "1")
    monkeypatch.setenv("FACTDB_FETCH_BACKOFF", "0.01")
    with serving(NewsSite()) as news:
        yield news


def run(runner: CliRunner, db: str, *args: str) -> Any:
    return runner.invoke(app, [*args, "--db", db])


def ingest_feeds(runner: CliRunner, db: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    result = run(runner, db, "ingest", "--feeds", "--json", *extra)
    return result.exit_code, json.loads(result.stdout), result.stderr


def as_json(runner: CliRunner, db: str, *args: str) -> Any:
    result = run(runner, db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_feeds_polled_twice_store_once_and_ask_conditionally(
    db_url: str, runner: CliRunner, site: NewsSite
) -> None:
    for path in ("/rss.xml", "/atom.xml"):
        added = run(runner, db_url, "feeds", "add", site.base + path)
        assert added.exit_code == 0, added.output
    again = run(runner, db_url, "feeds", "add", site.base + "/rss.xml")
    assert again.exit_code == 2
    assert "already in the list" in again.stderr

    code, first, _ = ingest_feeds(runner, db_url)
    assert code == 0
    # RSS: courier and gazette pages fetched through their links; Atom: the full-content
    # storm entry, and courier again (the same page through a second feed: stored once).
    assert first["articles_added"] == 3
    assert first["errors"] == []
    articles = as_json(runner, db_url, "articles")
    assert sorted(a["source"] for a in articles) == [
        "Brennmoor Courier",
        "Lakeside Gazette",
        "Velmora Post",
    ]
    courier = next(a for a in articles if a["source"] == "Brennmoor Courier")
    assert courier["url"] == f"{site.base}/news/courier"  # the page's canonical URL
    assert courier["published"] == "2024-05-14"
    assert courier["title"] == "Blast at Kessler chemical plant kills 26"

    site.requests.clear()
    code, second, _ = ingest_feeds(runner, db_url)
    assert code == 0
    assert second["articles_added"] == 0
    assert second["errors"] == []
    # Each feed asked once, conditionally, and answered 304; no page was fetched.
    assert site.asked("/rss.xml") == [("/rss.xml", '"rss-v1"', "304")]
    assert site.asked("/atom.xml") == [("/atom.xml", '"atom-1"', "304")]
    assert {path for path, _, _ in site.requests} == {"/rss.xml", "/atom.xml"}
    assert all(agent.startswith(f"factdb/{__version__} ") for agent in site.user_agents)
    assert as_json(runner, db_url, "stats")["articles"] == 3

    feeds = as_json(runner, db_url, "feeds", "list")
    assert [f["etag"] for f in feeds] == ['"rss-v1"', '"atom-1"']
    assert [f["articles"] for f in feeds] == [2, 1]
    assert all(f["last_status"] == "not modified (304)" for f in feeds)

    removed = run(runner, db_url, "feeds", "remove", "2")
    assert removed.exit_code == 0, removed.output
    assert len(as_json(runner, db_url, "feeds", "list")) == 1
    assert run(runner, db_url, "feeds", "remove", "2").exit_code == 2


def test_claims_come_only_from_article_bodies(
    tmp_path: Any, runner: CliRunner, site: NewsSite
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    result = run(runner, db, "ingest", f"{site.base}/articles/courier.html", "--json")
    assert result.exit_code == 0, result.output
    claims = as_json(runner, db, "claims")
    texts = " ".join(c["text"] for c in claims)
    assert "26 workers" in texts
    for marker in FURNITURE_MARKERS:
        assert marker not in texts
    article = as_json(runner, db, "show", "article", "1")
    for marker in FURNITURE_MARKERS:
        assert marker not in article["text"]


def test_failed_urls_never_stop_the_others(
    tmp_path: Any, runner: CliRunner, site: NewsSite
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    urls = [
        f"{site.base}/slow.html",  # times out (0.5 s) twice
        f"{site.base}/missing.html",  # 404, not retried
        f"{site.base}/flaky.html",  # 500, then 200 on the retry
        f"{site.base}/moved",  # 301 to the radio page
        f"{site.base}/huge.html",  # over --max-bytes
        f"{site.base}/data.jsonl",  # JSON Lines: one good record, one without text
        f"{site.base}/articles/gazette.html",
    ]
    started = time.monotonic()
    result = run(runner, db, "ingest", *urls, "--max-bytes", "100000", "--json")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["articles_added"] == 4  # flaky, moved, the JSON record, gazette
    errors = "\n".join(report["errors"])
    assert f"{site.base}/slow.html: timed out after 0.5 s (after 2 attempts)" in errors
    assert f"{site.base}/missing.html: HTTP 404 Not Found" in errors
    assert f"{site.base}/huge.html: larger than the size limit of 100,000 bytes" in errors
    assert f"{site.base}/data.jsonl:2: record without 'text'" in errors
    assert len(report["errors"]) == 4
    # Each error is one line on stderr, never a traceback.
    assert "Traceback" not in result.stderr
    assert result.stderr.count("Error:") == 4
    assert [s for _, _, s in site.asked("/flaky.html")] == ["500", "200"]
    assert len(site.asked("/missing.html")) == 1
    sources = {a["source"] for a in as_json(runner, db, "articles")}
    assert sources == {"Northland Wire", "Ostmark Radio", "Dalmor Daily", "Lakeside Gazette"}
    assert SLOW_SECONDS > 0.5


def test_overlapping_feed_runs_one_reports_the_lock(
    db_url: str, runner: CliRunner, site: NewsSite
) -> None:
    assert run(runner, db_url, "feeds", "add", site.base + "/rss.xml").exit_code == 0
    site.rss_release.clear()  # the first run holds the lock while its feed does not answer
    site.feed_requested.clear()
    command = [sys.executable, "-m", "factdb", "ingest", "--feeds", "--timeout", "60"]
    command += ["--db", db_url]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert site.feed_requested.wait(timeout=60)
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        site.rss_release.set()
    out, errors = first.communicate(timeout=120)
    assert first.returncode == 0, errors
    assert "2 article(s) added" in out
    assert second.returncode == 0, second.stderr
    assert "another ingest is running" in second.stderr
    assert second.stdout == ""
    assert len(as_json(runner, db_url, "articles")) == 2
    queued = run(runner, db_url, "ingest", "--feeds", "--wait")
    assert queued.exit_code == 0, queued.output


def test_conflicts_new_lists_exactly_the_latest_runs_conflicts(
    db_url: str, runner: CliRunner, site: NewsSite
) -> None:
    assert run(runner, db_url, "feeds", "add", site.base + "/rss.xml").exit_code == 0
    code, first, _ = ingest_feeds(runner, db_url)
    assert code == 0 and first["articles_added"] == 2
    before = {c["id"] for c in as_json(runner, db_url, "conflicts", "--status", "all")}
    first_new = {c["id"] for c in as_json(runner, db_url, "conflicts", "--new", "--status", "all")}
    assert first_new == before

    site.publish(["courier", "gazette", "wire", "radio"], "v2")
    code, second, _ = ingest_feeds(runner, db_url)
    assert code == 0 and second["articles_added"] == 2
    every = {c["id"] for c in as_json(runner, db_url, "conflicts", "--status", "all")}
    new = as_json(runner, db_url, "conflicts", "--new", "--status", "all")
    assert {c["id"] for c in new} == every - before
    assert new, "the wire's 41 dead and the radio's denial conflict with the first run"
    assert second["conflicts_added"] == len(new)
    later_sources = {"Northland Wire", "Ostmark Radio"}
    for conflict in new:
        assert {conflict["claim_a"]["source"], conflict["claim_b"]["source"]} & later_sources
    since = as_json(
        runner, db_url, "conflicts", "--since-run", str(first["run_id"]), "--status", "all"
    )
    assert {c["id"] for c in since} == every
    stats = as_json(runner, db_url, "stats")
    assert stats["last_run"]["id"] == second["run_id"]
    # A run that finds nothing new makes --new empty.
    ingest_feeds(runner, db_url)
    assert as_json(runner, db_url, "conflicts", "--new", "--status", "all") == []


def test_scheduled_ingest_wrapper_is_quiet_unless_something_needs_a_human(
    tmp_path: Any, site: NewsSite
) -> None:
    """The cron wrapper: new conflicts and errors are printed, a run with nothing new is
    silent, and every run's JSON summary lands in the log as one line."""
    db = f"sqlite:///{tmp_path / 'cron.db'}"
    factdb = str(Path(sys.executable).with_name("factdb"))
    env = {**os.environ, "FACTDB_DATABASE_URL": db, "FACTDB": factdb}
    env["FACTDB_LOG"] = str(tmp_path / "runs.jsonl")
    subprocess.run([factdb, "feeds", "add", site.base + "/rss.xml"], env=env, check=True)
    site.publish(["courier", "wire"], "v2")  # 26 dead vs 41 dead: a conflict
    first = subprocess.run([str(WRAPPER)], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("New conflicts found by this ingest run:")
    assert "Northland Wire" in first.stdout
    second = subprocess.run([str(WRAPPER)], env=env, capture_output=True, text=True, timeout=300)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    broken = subprocess.run(
        [str(WRAPPER), f"{site.base}/missing.html"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode == 1
    assert broken.stdout == ""
    assert broken.stderr.strip().startswith(f"Error: {site.base}/missing.html: HTTP 404")
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert [r["articles_added"] for r in runs] == [2, 0, 0]


def test_progress_total_grows_with_each_feeds_entries(
    tmp_path: Any, site: NewsSite, nlp: Any
) -> None:
    """Each feed counts one until it is fetched, then its entries: the progress callbacks
    end exactly at the grown total."""
    from sqlmodel import Session

    from factdb.ingest.pipeline import ingest
    from factdb.store import writes
    from factdb.store.db import open_engine

    engine = open_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with Session(engine) as session, session.begin():
        writes.add_feed(session, site.base + "/rss.xml", None)
        writes.add_feed(session, site.base + "/atom.xml", None)
    done: list[int] = []
    found: list[int] = []
    report = ingest(engine, [], nlp=nlp, feeds=True, on_progress=done.append, on_found=found.append)
    assert report.articles_added == 3
    assert sum(done) == 2 + sum(found) == report.files_seen == 4
    engine.dispose()


def test_feed_entries_without_links_are_read_from_their_content(
    db_url: str, runner: CliRunner, site: NewsSite
) -> None:
    """Atom entries with a URN or tag id and RSS items without <link> carry the whole
    article: it is ingested from that content, its id is its identity (a second poll stores
    nothing and fetches nothing but the feeds), and only an entry with neither content nor a
    link to fetch is rejected, naming its id."""
    for path in ("/wire.atom", "/wire.rss"):
        assert run(runner, db_url, "feeds", "add", site.base + path).exit_code == 0
    code, first, stderr = ingest_feeds(runner, db_url)
    assert code == 1, stderr
    assert first["articles_added"] == 4
    assert len(first["errors"]) == 1
    assert "tag:wire.example,2024-05-14:empty" in first["errors"][0]
    assert "not a URL" not in stderr
    error_lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert error_lines == [f"Error: {first['errors'][0]}"]

    articles = {a["title"]: a for a in as_json(runner, db_url, "articles")}
    gazette = articles["Dozens dead after Kessler plant blast"]
    assert gazette["url"] == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert gazette["source"] == "Kessler Wire Desk"  # the feed's title
    assert gazette["author"] == "Mara Lind"
    assert gazette["published"] == "2024-05-14"
    assert gazette["claims"] >= 3
    wire = articles["Death toll in Kessler explosion reaches 41"]
    assert wire["url"] == "tag:wire.example,2024-05-14:kessler-2"
    courier = articles["Blast at Kessler chemical plant kills 26"]
    assert (courier["url"], courier["source"]) == ("courier-4711", "Kessler Radio Desk")
    radio = articles["Kessler death toll rises to 58"]  # a long description, no guid
    assert radio["published"] == "2024-05-16"
    killed = as_json(runner, db_url, "claims", "--counted", "killed")
    assert {c["article_id"] for c in killed} >= {gazette["id"], wire["id"], courier["id"]}

    site.requests.clear()
    code, second, _ = ingest_feeds(runner, db_url)
    assert code == 1  # the empty entry is still rejected
    assert second["articles_added"] == 0
    assert {path for path, _, _ in site.requests} == {"/wire.atom", "/wire.rss"}
    assert as_json(runner, db_url, "stats")["articles"] == 4


def test_a_url_serving_a_pdf_is_read_from_its_text_layer(
    db_url: str, runner: CliRunner, site: NewsSite
) -> None:
    result = run(runner, db_url, "ingest", site.base + "/release.pdf", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles_added"] == 1
    (article,) = as_json(runner, db_url, "articles")
    assert article["title"] == "Death toll in Kessler explosion reaches 41"
    assert article["author"] == "Kessler AG Press Office"
    assert article["published"] == "2024-05-14"
    assert article["url"] == site.base + "/release.pdf"
    claims = as_json(runner, db_url, "claims", "--counted", "killed")
    assert [q["raw"] for c in claims for q in c["quantities"]][:1] == ["41"]
