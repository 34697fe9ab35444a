"""The fault and fuzz harness (`scripts/torture.py`) runs end to end at a tiny size, so it
cannot rot. Its figures are printed, not asserted here: the full run is for the README's
reliability section. Only that it ran, printed every section and ended with a total is
checked (and that no figure shows a traceback of the harness itself)."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import POSTGRES_ENV_VAR, REPO, SEEDS


def test_the_torture_harness_runs_every_section_at_a_tiny_size() -> None:
    args = [
        sys.executable,
        str(REPO / "scripts" / "torture.py"),
        "--kill-sqlite", "1",
        "--kill-postgres", "1",
        "--overlap-processes", "2",
        "--overlap-rounds", "1",
        "--fuzz", "24",
        "--fuzz-batch", "24",
        "--hostile-values", "1",
        "--no-disk-full",
        "--inputs", str(SEEDS),
    ]  # fmt: skip
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=900, env=os.environ.copy(), cwd=REPO
    )
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    for section in (
        "kill -9 during ingest (sqlite)",
        "overlapping ingests (sqlite)",
        "fuzzed inputs: 24 inputs",
        "hostile query options",
    ):
        assert section in out, out
    if os.environ.get(POSTGRES_ENV_VAR):
        assert "kill -9 during ingest (postgresql)" in out, out
    assert "TOTAL:" in out, out
    assert result.returncode in (0, 1), result.stderr
