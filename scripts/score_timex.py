#!/usr/bin/env python3
"""Score factdb's time extraction against the TimeML gold set and print what to fix.

    python scripts/score_timex.py                       # every tests/gold/timex/*.tml
    python scripts/score_timex.py some.tml --summary

Prints, per TIMEX3 type (DATE, TIME, DURATION, SET) and overall: gold and found counts, span
recall (relaxed and strict), span precision, value accuracy and type accuracy; then every
miss, wrong value and extra expression. Figures are printed, never asserted:
`tests/test_timex.py` holds the floors. The matching rules are in `factdb.evaluation.timex`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from factdb.evaluation.timex import TimexGoldError, format_timex_report, score_timex

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold" / "timex"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, score the gold files, print the report; 1 when a gold file is bad."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "gold",
        nargs="*",
        type=Path,
        help=f"TimeML files (default: every {GOLD_DIR.relative_to(REPO)}/*.tml)",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print the figures only, not every problem"
    )
    args = parser.parse_args(argv)
    paths: list[Path] = args.gold or sorted(GOLD_DIR.glob("*.tml"))
    if not paths:
        print(f"Error: no TimeML files in {GOLD_DIR}", file=sys.stderr)
        return 1
    try:
        report = score_timex(paths)
    except TimexGoldError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(format_timex_report(report, problems=not args.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
