#!/usr/bin/env python3
"""Score factdb's extraction against the hand-written gold files and print what to fix.

    python scripts/score_extraction.py                        # every tests/gold/*.json
    python scripts/score_extraction.py tests/gold/seed-000.json --summary

Prints precision, recall and F1 per gold file and in total for quantities (spans, intervals,
counted noun + predicate) and dates (spans, resolutions, claims' event dates), then every
miss, false positive and wrong value with the article words around it. Figures are printed,
never asserted: `tests/test_evaluation.py` holds the floors. The gold format and the matching
rules are documented in `factdb.evaluation.extraction`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from factdb.evaluation.extraction import GoldError, evaluate, format_report

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, score the gold files, print the report; 1 when a gold file is bad."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "gold",
        nargs="*",
        type=Path,
        help=f"gold files (default: every {GOLD_DIR.relative_to(REPO)}/*.json)",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print the figures only, not every problem"
    )
    args = parser.parse_args(argv)
    paths: list[Path] = args.gold or sorted(GOLD_DIR.glob("*.json"))
    if not paths:
        print(f"Error: no gold files in {GOLD_DIR}", file=sys.stderr)
        return 1
    try:
        report = evaluate(paths)
    except GoldError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(format_report(report, problems=not args.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
