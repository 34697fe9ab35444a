"""The benchmark script runs and prints its figures (which are never asserted: timing belongs
to `scripts/benchmark.py`, not to the suite)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def test_long_benchmark_sets_one_article_beside_spacy_on_its_whole_text() -> None:
    """`long` prints, per size, spaCy alone on the whole text, factdb's ingest of it, the
    time and memory ratios and the load average they were measured under."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "benchmark.py"),
            "long",
            str(REPO / "tests" / "articles"),
            "--sizes",
            "3000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    row = r"3,000 +[\d.]+ s +[\d,]+ MB +[\d.]+ s +[\d,]+ MB +(\d+\.\d\d) +\d+\.\d\d"
    assert re.search(row, result.stdout), result.stdout
    assert re.search(r"\d+ claims, 0 rejected; load average \d+\.\d", result.stdout)


def test_scaling_benchmark_prints_per_article_time_at_each_size_and_their_ratio() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "benchmark.py"),
            "scaling",
            str(REPO / "tests" / "articles"),
            "--sizes",
            "8",
            "16",
            "--sample",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"at +8 stored articles: +\d+\.\d+ ms", result.stdout), result.stdout
    assert re.search(r"at +16 stored articles: +\d+\.\d+ ms", result.stdout), result.stdout
    assert re.search(r"ratio 16 / 8: \d+\.\d\d", result.stdout), result.stdout


def test_queries_benchmark_builds_a_database_and_times_every_query_command(
    tmp_path: Path,
) -> None:
    """At a tiny size (the seeds replicated to about 300 claims), one run per command. The
    baseline is `true`, which answers every command at once: its column and the ratio are
    made as for an earlier factdb, without timing this one twice."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "benchmark.py"),
            "queries",
            "--claims",
            "300",
            "--corpus",
            str(REPO / "seeds"),
            "--data",
            str(tmp_path),
            "--runs",
            "1",
            "--no-postgres",
            "--baseline",
            shutil.which("true") or "/bin/true",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"built \d+ claims", result.stderr), result.stderr
    assert re.search(
        r"^baseline, empty database.* ratio of medians \d+\.\d\d$", result.stdout, re.M
    )
    header = re.search(r"^\| command \| SQLite \(([\d,]+) claims\)", result.stdout, re.MULTILINE)
    assert header and int(header.group(1).replace(",", "")) > 250, result.stdout
    timed = r" \d+\.\d\d / \d+\.\d\d / \d+\.\d\d / \d+\.\d\d, \d+\.\d\d \(\d+\) \|"
    for command in ("conflicts", "claims --search", "timeline --entity", "show fact", "stats"):
        row = rf"^\| `{re.escape(command)}` \|{timed}{timed} \d+\.\d\d \|$"
        assert re.search(row, result.stdout, re.MULTILINE), result.stdout


def test_pages_benchmark_times_every_page_of_factdb_serve(tmp_path: Path) -> None:
    """At a tiny size (the test articles replicated to about 300 claims), one run per page:
    a row per page, the queue with each filter among them."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "benchmark.py"),
            "pages",
            "--claims",
            "300",
            "--corpus",
            str(REPO / "tests" / "articles"),
            "--data",
            str(tmp_path),
            "--runs",
            "1",
            "--no-postgres",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    header = re.search(r"^\| page \| SQLite \(([\d,]+) claims\)", result.stdout, re.MULTILINE)
    assert header and int(header.group(1).replace(",", "")) > 250, result.stdout
    timed = r" \d+\.\d{3} / \d+\.\d{3} / \d+\.\d{3} / \d+\.\d{3}, \d+\.\d{3} \(\d+\) \|"
    for page in (
        "/ (stories)",
        "/stories/ID",
        "/conflicts",
        "/conflicts?source",
        "/conflicts?after (deep)",
        "/conflicts/ID",
        "/articles/ID",
        "/conflicts.json",
    ):
        assert re.search(rf"^\| `{re.escape(page)}` \|{timed}$", result.stdout, re.M), result.stdout
