"""A real browser on a running `factdb serve`: headless Chromium (the system's, driven by
Playwright) opens the conflict queue, opens a conflict, finds both sentences marked, resolves
it with a note and sees it leave the open queue; then saves screenshots of the conflict and
of the story with its charts in the test's folder.

Playwright never downloads a browser here: it drives Debian's ``chromium`` (`.ci/run`
installs it). The test is skipped, saying why, only where no such binary exists (and fails
instead under CI).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from typer.testing import CliRunner

from factdb.cli.app import app as cli

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
KESSLER = sorted((REPO / "tests" / "articles").glob("kessler-*.txt"))


@pytest.fixture
def chromium() -> str:
    """The browser binary: without one the test is skipped, saying so, except under CI
    (``CI`` set), where that is a failure, as an unreachable PostgreSQL is."""
    if CHROMIUM is None:
        reason = "no Chromium binary to drive (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser test (.ci/run installs it)")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def served(tmp_path: Path, runner: CliRunner) -> Iterator[str]:
    """`factdb serve` on a free port over the Kessler articles; its address."""
    url = f"sqlite:///{tmp_path / 'kessler.db'}"
    ingested = runner.invoke(cli, ["ingest", *map(str, KESSLER), "--quiet", "--db", url])
    assert ingested.exit_code == 0, ingested.output
    server = subprocess.Popen(
        [sys.executable, "-m", "factdb", "serve", "--port", "0", "--db", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r" at (http://\S+/) ", line)
        assert found, line + (server.stderr.read() if server.stderr else "")
        yield found.group(1)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def test_a_reviewer_resolves_a_conflict_in_the_browser(
    chromium: str, served: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            # Chromium's sandbox refuses to run as root (CI containers).
            args=["--no-sandbox"] if os.geteuid() == 0 else [],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            review(page, served, tmp_path)
            story(page, served, tmp_path)
        finally:
            browser.close()


def review(page: Page, served: str, folder: Path) -> None:
    """The queue, a conflict with both sentences marked, resolving it, the queue again."""
    page.goto(served + "conflicts")
    expect(page.locator("table.conflicts tbody tr")).to_have_count(9)
    # Choosing a kind filters at once (the page's script; the Filter button does without).
    page.select_option("select[name=kind]", "number")
    page.wait_for_url(re.compile(r"kind=number"))
    expect(page.locator("table.conflicts tbody tr")).to_have_count(2)
    page.get_by_role("link", name=re.compile("killed 26 workers")).first.click()
    page.wait_for_url(re.compile(r"/conflicts/\d+$"))
    conflict_id = page.url.rsplit("/", 1)[1]
    shown = page.request.get(f"{served}conflicts/{conflict_id}.json").json()
    sentences = [shown[side]["evidence"]["sentence"].strip() for side in ("claim_a", "claim_b")]
    assert page.locator("mark.sentence").all_inner_texts() == sentences
    evidence = page.locator("mark.sentence strong.evidence").all_inner_texts()
    assert evidence == [shown[side]["evidence"]["text"] for side in ("claim_a", "claim_b")]
    page.screenshot(path=folder / "conflict.png")
    page.fill("textarea[name=note]", "the fire service confirmed 41")
    page.get_by_role("button", name="Resolve: settled").click()
    page.wait_for_url(re.compile(rf"/conflicts/{conflict_id}$"))
    expect(page.locator(".status")).to_have_text("resolved")
    expect(page.get_by_text("the fire service confirmed 41").first).to_be_visible()
    page.goto(served + "conflicts")
    expect(page.locator("table.conflicts tbody tr")).to_have_count(8)
    expect(page.locator(f'a[href="/conflicts/{conflict_id}"]')).to_have_count(0)
    page.goto(served + "conflicts?status=resolved")
    expect(page.locator(f'a[href="/conflicts/{conflict_id}"]').first).to_be_visible()


def story(page: Page, served: str, folder: Path) -> None:
    """The story page with a chart per fact with numbers, saved as a picture."""
    page.goto(served)
    page.locator("table.stories tbody a").first.click()
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    page.screenshot(path=folder / "story.png", full_page=True)
    for picture in ("conflict.png", "story.png"):
        assert (folder / picture).stat().st_size > 10_000
