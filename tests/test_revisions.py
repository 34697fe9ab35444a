"""Revised articles: a new version of a stored article is linked to it, and only what changed
is new (`factdb.match.revisions`).

The articles are written for these tests: a base report, a corrected copy of it (a correction
line added, the headline reworded), a copy that changes its toll, and a report of another
outlet whose toll disagrees with the base's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.match.canonical import derived_content
from factdb.store import db

from .newsserver import NewsSite, serving

URL = "https://tidewater.example/news/corvale-ferry-fire"
BODY = [
    "A fire on the Corvale ferry near Port Anselm killed 12 people on Sunday, the coast guard "
    "said.",
    "The Corvale ferry caught fire shortly after leaving Port Anselm for the island of Merrow.",
    "Rescue boats from Port Anselm brought 140 passengers ashore, and 35 passengers were "
    "treated in hospital.",
    "The ferry operator Anselm Lines said the engine room of the Corvale had been inspected "
    "in January.",
    "Investigators from the maritime authority arrived in Port Anselm on Monday to question "
    "the crew.",
]
CORRECTION = (
    "Correction: An earlier version of this article gave the wrong month for the inspection "
    "of the engine room."
)


def article(
    title: str,
    paragraphs: list[str],
    *,
    source: str = "Tidewater Gazette",
    date: str = "2024-03-11",
    url: str = "unknown",
) -> str:
    header = f"source: {source}\ndate: {date}\nurl: {url}\ntitle: {title}\n\n"
    return header + "\n\n".join(paragraphs) + "\n"


BASE = article("Fire on the Corvale ferry near Port Anselm", BODY, url=URL)
# The same report, corrected: a correction line and a new headline, no URL in the copy.
CORRECTED = article(
    "Corvale ferry fire near Port Anselm: coast guard counts the dead", [*BODY, CORRECTION]
)
# The same page fetched again after the toll changed.
RAISED = article(
    "Fire on the Corvale ferry near Port Anselm",
    [BODY[0].replace("killed 12 people", "killed 14 people"), *BODY[1:]],
    url=URL,
)
OTHER = article(
    "Corvale ferry burns off Port Anselm",
    [
        "The fire on the Corvale ferry off Port Anselm killed 19 people on Sunday, hospital "
        "officials in Port Anselm said.",
        "The Corvale ferry was sailing from Port Anselm to Merrow when smoke filled its engine "
        "room.",
        "Anselm Lines said every member of the Corvale crew survived the fire.",
    ],
    source="Merrow Island Radio",
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    texts = {
        "base": BASE,
        "corrected": CORRECTED,
        "raised": RAISED,
        "other": OTHER,
        # The corrected copy published a day later: a later version whatever its arrival.
        "corrected-later": CORRECTED.replace("date: 2024-03-11", "date: 2024-03-12"),
    }
    paths = {}
    for name, text in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def run(runner: CliRunner, db_url: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--db", db_url])
    assert result.exit_code == 0, result.output
    return result


def ingest(runner: CliRunner, db_url: str, *paths: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(run(runner, db_url, "ingest", *paths, "--json").stdout)
    assert not report["errors"], report["errors"]
    return report


def query(runner: CliRunner, db_url: str, *args: str) -> Any:
    return json.loads(run(runner, db_url, *args, "--format", "json").stdout)


def toll(conflict: dict[str, Any]) -> tuple[float, float]:
    return (
        conflict["claim_a"]["quantities"][0]["low"],
        conflict["claim_b"]["quantities"][0]["low"],
    )


def test_a_dismissed_conflict_stays_dismissed_when_a_corrected_version_arrives(
    db_url: str, files: dict[str, str], runner: CliRunner
) -> None:
    ingest(runner, db_url, files["base"], files["other"])
    (conflict,) = query(runner, db_url, "conflicts")
    assert sorted(toll(conflict)) == [12, 19]
    run(runner, db_url, "conflicts", "dismiss", str(conflict["id"]), "--note", "checked")

    report = ingest(runner, db_url, files["corrected"])
    assert report["articles_added"] == 1
    assert report["revisions_found"] == 1
    assert report["conflicts_added"] == 0
    assert query(runner, db_url, "conflicts") == []  # the queue did not grow
    for listing in (["--status", "all"], ["--status", "all", "--all-versions"]):
        (kept,) = query(runner, db_url, "conflicts", *listing)  # never twice
        assert kept["id"] == conflict["id"]
        assert (kept["status"], kept["note"]) == ("dismissed", "checked")
    corrected_id = report["added"][0]["article_id"]
    assert corrected_id in {kept["claim_a"]["article_id"], kept["claim_b"]["article_id"]}
    # Deriving everything again finds the same single conflict, still dismissed.
    run(runner, db_url, "rematch")
    (again,) = query(runner, db_url, "conflicts", "--status", "all", "--all-versions")
    assert (again["id"], again["status"], again["note"]) == (kept["id"], "dismissed", "checked")
    assert {again["claim_a"]["id"], again["claim_b"]["id"]} == {
        kept["claim_a"]["id"],
        kept["claim_b"]["id"],
    }

    every = {
        a["source"] + (a["url"] or ""): a["id"]
        for a in query(runner, db_url, "articles", "--all-versions")
    }
    base_id, other_id = every["Tidewater Gazette" + URL], every["Merrow Island Radio"]
    assert len(every) == 3
    assert {a["id"] for a in query(runner, db_url, "articles")} == {corrected_id, other_id}
    shown = query(runner, db_url, "show", "article", str(base_id))
    assert [(v["id"], v["version"], v["current"]) for v in shown["versions"]] == [
        (base_id, 1, False),
        (corrected_id, 2, True),
    ]
    assert shown["current"] is False
    revised = query(runner, db_url, "show", "article", str(corrected_id))
    assert (revised["version"], revised["revision_of"]) == (2, base_id)
    table = run(runner, db_url, "show", "article", str(corrected_id)).stdout
    assert "Versions" in table and "superseded" in table
    # Its claims are a table of their own, not a cell of JSON.
    assert "Claims" in table and "claim_list" not in table
    first = revised["claim_list"][0]
    assert re.search(rf"^│ {first['id']} +│", table, re.MULTILINE)


def test_a_revision_that_changes_a_number_gives_exactly_one_new_conflict(
    db_url: str, files: dict[str, str], runner: CliRunner
) -> None:
    ingest(runner, db_url, files["base"], files["other"])
    assert len(query(runner, db_url, "conflicts")) == 1

    report = ingest(runner, db_url, files["raised"])  # the same URL, a new text
    assert (report["articles_added"], report["duplicates"]) == (1, 0)
    assert report["revisions_found"] == 1
    assert report["conflicts_added"] == 1
    (new,) = query(runner, db_url, "conflicts", "--new")
    assert sorted(toll(new)) == [14, 19]
    assert [k["id"] for k in query(runner, db_url, "conflicts")] == [new["id"]]
    # The two versions of one report never conflict with each other (12 against 14).
    assert [k["id"] for k in query(runner, db_url, "conflicts", "--all-versions")] == [new["id"]]
    killed = {c["text"] for c in query(runner, db_url, "claims", "--counted", "killed")}
    assert any("killed 14" in t for t in killed) and not any("killed 12" in t for t in killed)
    every = query(runner, db_url, "claims", "--counted", "killed", "--all-versions")
    assert any("killed 12" in c["text"] for c in every)


def _content(db_url: str) -> dict[str, Any]:
    engine = db.open_engine(db_url, create=False)
    try:
        return derived_content(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "order",
    [
        ["base", "corrected", "other"],
        ["other", "base", "corrected"],
        ["base", "other", "corrected-later"],
        ["corrected-later", "other", "base"],
    ],
    ids="-".join,
)
def test_versions_and_other_reports_in_any_order_give_one_result(
    order: list[str], files: dict[str, str], tmp_path: Path, runner: CliRunner
) -> None:
    """One disagreement between two outlets is one conflict, however the versions of one of
    them and the other report arrive; an older version that arrives last does not replace the
    current one."""
    results = {}
    for name, sequence in (("expected", ["base", "other", "corrected"]), ("order", order)):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        for item in sequence:
            ingest(runner, url, files[item])
        (conflict,) = query(runner, url, "conflicts")
        assert sorted(toll(conflict)) == [12, 19]
        assert query(runner, url, "conflicts", "--all-versions", "--status", "all") == [conflict]
        current = [a for a in query(runner, url, "articles", "--all-versions") if a["current"]]
        assert sorted(a["source"] for a in current) == ["Merrow Island Radio", "Tidewater Gazette"]
        assert next(a for a in current if a["source"] == "Tidewater Gazette")["version"] == 2
        content = _content(url)
        results[name] = {
            "stories": len(content["stories"]),
            "facts": {members for members, *_ in content["facts"]},
            "conflicts": {(a[1:], b[1:], kind) for a, b, kind, *_ in content["conflicts"]},
            "versions": sorted(v for *_, v in content["revisions"]),
        }
    expected = results["expected"]
    if "corrected-later" in order:  # another text: compare what does not depend on its hash
        expected = {k: v for k, v in expected.items() if k != "facts"}
        results["order"].pop("facts")
    assert results["order"] == expected


def test_deleting_a_middle_version_links_the_next_to_the_one_before(
    db_url: str, files: dict[str, str], runner: CliRunner
) -> None:
    ingest(runner, db_url, files["base"])
    ingest(runner, db_url, files["corrected"])
    ingest(runner, db_url, files["raised"])  # the base's URL: the chain's third version
    chain = query(runner, db_url, "articles", "--all-versions")
    by_version = {a["version"]: a["id"] for a in chain}
    assert sorted(by_version) == [1, 2, 3]
    run(runner, db_url, "delete", "article", str(by_version[2]))
    shown = query(runner, db_url, "show", "article", str(by_version[3]))
    assert [(v["id"], v["version"]) for v in shown["versions"]] == [
        (by_version[1], 1),
        (by_version[3], 2),
    ]
    assert shown["revision_of"] == by_version[1]


# --- the same URL fetched again -------------------------------------------------------------


def page(text: str) -> bytes:
    """An article page with its metadata, from one of the texts above."""
    header, _, body = text.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(fields["title"])}</title>
<meta property="og:site_name" content="{escape(fields["source"])}">
<meta property="og:title" content="{escape(fields["title"])}">
<meta property="article:published_time" content="{fields["date"]}T08:00:00Z">
</head><body><main><article><h1>{escape(fields["title"])}</h1>
{paragraphs}
</article></main></body></html>""".encode()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewsSite]:
    monkeypatch.setenv("FACTDB_FETCH_TIMEOUT", "2")
    monkeypatch.setenv("FACTDB_FETCH_RETRIES", "0")
    with serving(NewsSite()) as news:
        yield news


def test_a_page_fetched_again_after_it_changed_is_a_new_version(
    db_url: str, files: dict[str, str], site: NewsSite, runner: CliRunner
) -> None:
    site.pages["ferry"] = page(BASE)
    address = f"{site.base}/pages/ferry"
    first = ingest(runner, db_url, address, files["other"])
    assert first["articles_added"] == 2
    assert len(query(runner, db_url, "conflicts")) == 1

    unchanged = ingest(runner, db_url, address)  # 304: nothing to read
    assert (unchanged["articles_added"], unchanged["unchanged"]) == (0, 1)

    site.pages["ferry"] = page(RAISED)
    again = ingest(runner, db_url, address)
    assert (again["articles_added"], again["revisions_found"]) == (1, 1)
    assert again["conflicts_added"] == 1
    (conflict,) = query(runner, db_url, "conflicts")
    assert sorted(toll(conflict)) == [14, 19]
    stored = [a for a in query(runner, db_url, "articles", "--all-versions") if a["url"] == address]
    assert sorted((a["version"], a["current"]) for a in stored) == [(1, False), (2, True)]
