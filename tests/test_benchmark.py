"""The benchmark script runs and prints its figures (which are never asserted: timing belongs
to `scripts/benchmark.py`, not to the suite)."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import REPO


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
