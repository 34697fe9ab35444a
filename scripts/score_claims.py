#!/usr/bin/env python3
"""Score factdb's atomic claims and standalone forms against the hand-made claim gold.

    python scripts/score_claims.py                              # tests/gold/claims/*.json
    python scripts/score_claims.py --factdb .venv/bin/factdb --show

Each gold item (a short text with its expected claims, see the gold file's conventions) is
written as an article and ingested through the CLI (`factdb ingest`, then `factdb claims
--format json`) into a fresh SQLite database. Claims are compared by content words (lower-case
words and numbers, stop words aside): a system claim and a gold claim match when their shared
words are at least `MATCH_SHARE` of each one's words, so a claim that merges two propositions
or holds only a fragment of one does not match. Both forms are compared, the text as written
with the gold text and the standalone form with the gold standalone form, and the better
counts: evidence must stay contiguous in the article ("The union, which represents 3,000
workers, is demanding a raise"), while its standalone form states one proposition ("The
union is demanding a raise").

- claim recall: gold claims matched by some system claim;
- claim precision: system claims (headlines aside) matching some gold claim;
- resolution: of the gold claims that start with a pronoun or description of a named person
  or organisation (``refers_to``), those whose matched system claim's standalone form names
  it; a wrong resolution is a matched claim whose standalone form replaced its opening words
  without naming the right one, or replaced a pronoun the gold leaves unresolved (no named
  antecedent: "He" for "the missing fisherman").

Prints the figures (``--json``: as one JSON object); ``--show`` lists every miss. Figures are
printed, never asserted: `tests/test_score_claims.py` holds the floors.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from factdb.nlp.stop_words import stop_words

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold" / "claims"
MATCH_SHARE = 0.6
_WORD = re.compile(r"\w+")
_PRONOUNS = frozenset({"he", "she", "it", "they", "his", "her", "its", "their"})


def content_words(text: str) -> set[str]:
    """The words of `text` that carry content: lower-case, stop words aside."""
    stop = stop_words()
    return {w for w in _WORD.findall(text.lower()) if w not in stop}


def overlap(gold: set[str], system: set[str]) -> float:
    """The smaller of the two shares the common words take of each claim's words."""
    if not gold or not system:
        return 0.0
    shared = len(gold & system)
    return min(shared / len(gold), shared / len(system))


@dataclass
class Score:
    """The figures of one run, and what was missed."""

    gold_claims: int = 0
    system_claims: int = 0
    recalled: int = 0
    precise: int = 0
    to_resolve: int = 0
    resolved: int = 0
    wrong_resolutions: int = 0
    sentences: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.recalled / self.gold_claims if self.gold_claims else 0.0

    @property
    def precision(self) -> float:
        return self.precise / self.system_claims if self.system_claims else 0.0

    @property
    def resolution(self) -> float:
        return self.resolved / self.to_resolve if self.to_resolve else 0.0

    def figures(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("misses")
        found.update(recall=self.recall, precision=self.precision, resolution=self.resolution)
        found["claims_per_sentence"] = self.system_claims / self.sentences if self.sentences else 0
        return found


def _run(factdb: str, *args: str) -> str:
    result = subprocess.run([factdb, *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"factdb {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def system_claims(factdb: str, items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each item's claims as `factdb claims --format json` gives them, by item id."""
    with tempfile.TemporaryDirectory(prefix="factdb-score-claims-") as work:
        folder = Path(work) / "articles"
        folder.mkdir()
        for item in items:
            (folder / f"{item['id']}.txt").write_text(
                f"source: Gold {item['id']}\ndate: 2024-05-14\nurl: unknown\ntitle: unknown\n\n"
                f"{item['text']}\n",
                encoding="utf-8",
            )
        db = f"sqlite:///{Path(work) / 'claims.db'}"
        _run(factdb, "ingest", str(folder), "--quiet", "--db", db)
        articles = json.loads(_run(factdb, "articles", "--format", "json", "--db", db))
        item_of = {a["id"]: Path(a["origin"]).stem for a in articles}
        claims = json.loads(_run(factdb, "claims", "--format", "json", "--db", db))
    found: dict[str, list[dict[str, Any]]] = {item["id"]: [] for item in items}
    for claim in claims:
        if not claim["headline"]:
            found[item_of[claim["article_id"]]].append(claim)
    return found


_Forms = tuple[set[str], set[str]]


def _standalone(claim: dict[str, Any]) -> str:
    """A claim's standalone form; its text for a factdb older than standalone forms, so that
    an older version can be scored against the same gold."""
    return str(claim.get("standalone") or claim["text"])


def _forms(claim: dict[str, Any]) -> _Forms:
    """The content words of a claim as written and of its standalone form."""
    return content_words(claim["text"]), content_words(_standalone(claim))


def _similarity(gold: _Forms, system: _Forms) -> float:
    return max(overlap(gold[0], system[0]), overlap(gold[1], system[1]))


def _best(words: _Forms, claims: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [(_similarity(words, _forms(c)), c) for c in claims]
    scored = [(share, c) for share, c in scored if share >= MATCH_SHARE]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _rewrote_opening(claim: dict[str, Any]) -> bool:
    first = _WORD.findall(claim["text"].lower())[:1]
    return bool(first) and _WORD.findall(_standalone(claim).lower())[:1] != first


def score_item(item: dict[str, Any], claims: list[dict[str, Any]], score: Score) -> None:
    """Add one item's figures to `score`."""
    score.sentences += len(re.findall(r"(?<!Dr)[.!?](?:\s|$)", item["text"]))
    gold = [(g, _forms(g)) for g in item["claims"]]
    score.gold_claims += len(gold)
    score.system_claims += len(claims)
    for claim in claims:
        words = _forms(claim)
        if any(_similarity(g_words, words) >= MATCH_SHARE for _, g_words in gold):
            score.precise += 1
        else:
            score.misses.append(f"{item['id']}: extra claim {claim['text']!r}")
    for expected, words in gold:
        match = _best(words, claims)
        if match is None:
            score.misses.append(f"{item['id']}: missed {expected['text']!r}")
            continue
        score.recalled += 1
        name = expected.get("refers_to")
        if name is not None:
            score.to_resolve += 1
            if name in _standalone(match):
                score.resolved += 1
            else:
                score.misses.append(
                    f"{item['id']}: {expected['text']!r} not resolved to {name}: "
                    f"{_standalone(match)!r}"
                )
                if _rewrote_opening(match):
                    score.wrong_resolutions += 1
        elif expected["text"].split()[0].lower() in _PRONOUNS and _rewrote_opening(match):
            score.wrong_resolutions += 1
            score.misses.append(
                f"{item['id']}: {expected['text']!r} names nobody, yet reads {_standalone(match)!r}"
            )


def evaluate(paths: list[Path], factdb: str) -> Score:
    """Score every item of the gold files at `paths`."""
    items = [item for path in paths for item in json.loads(path.read_text("utf-8"))["items"]]
    found = system_claims(factdb, items)
    score = Score()
    for item in items:
        score_item(item, found[item["id"]], score)
    return score


def main(argv: list[str] | None = None) -> int:
    """Parse the options, score, print; 1 when factdb fails or no gold file is found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help=f"gold files (default: {GOLD_DIR})")
    parser.add_argument(
        "--factdb",
        default=str(Path(sys.executable).parent / "factdb"),
        help="the factdb command to run (default: the one next to this Python)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    paths: list[Path] = args.gold or sorted(GOLD_DIR.glob("*.json"))
    if not paths:
        print(f"Error: no gold files in {GOLD_DIR}", file=sys.stderr)
        return 1
    try:
        score = evaluate(paths, args.factdb)
    except (RuntimeError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    figures = score.figures()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"claims: recall={score.recall:.3f} ({score.recalled}/{score.gold_claims}) "
            f"precision={score.precision:.3f} ({score.precise}/{score.system_claims}) "
            f"per-sentence={figures['claims_per_sentence']:.2f}\n"
            f"standalone: resolved={score.resolution:.3f} ({score.resolved}/{score.to_resolve}) "
            f"wrong={score.wrong_resolutions}"
        )
    if args.show:
        print("\n".join(score.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
