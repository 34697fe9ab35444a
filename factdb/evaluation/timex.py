"""Scoring the time extractor against TimeML-annotated text (``tests/gold/timex/*.tml``).

A gold file is a TimeML document: a ``DCT`` holding the publication date as a TIMEX3, and a
``TEXT`` whose TIMEX3 elements mark every temporal expression with its ``type`` and
``value`` (TempEval-3's files, with their EVENT and SIGNAL tags, read the same). The scorer
strips the tags, parses the plain text once with the factdb pipeline, runs
`factdb.nlp.dates.extract_times` on each sentence against the DCT (the way ingest runs it
against an article's publication date, each sentence's clock times dated by the last day an
earlier one named), and pairs found expressions with gold ones.

Pairing: a found and a gold expression pair when their character spans overlap; pairs are
one-to-one, the larger overlap first (TempEval-3's relaxed match). Per type (the gold's type
for recall and value accuracy, the found type for precision):

- span recall: gold expressions paired / gold expressions; strict: same start and end;
- span precision: found expressions paired / found expressions;
- value accuracy: gold expressions paired with a found one of the same value / gold
  expressions (an expression missed counts as a wrong value, as in TempEval-3's
  "value F1" recall side);
- type accuracy: paired gold expressions whose found type is the same / paired.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spacy.language import Language

from factdb.nlp.dates import day_of, extract_times
from factdb.nlp.pipeline import load_nlp
from factdb.nlp.types import TimeMention

TYPES = ("DATE", "TIME", "DURATION", "SET")


class TimexGoldError(ValueError):
    """A gold file that cannot be read: names the file and what is wrong."""


@dataclass(frozen=True)
class GoldTimex:
    """One annotated expression: its words, offsets into the plain text, type and value."""

    text: str
    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class TimexDocument:
    """A gold document: its name, publication date, plain text and expressions."""

    name: str
    published: date
    text: str
    gold: tuple[GoldTimex, ...]


def load_timeml(path: Path) -> TimexDocument:
    """Read a TimeML file; the text keeps exactly the characters between the tags.

    Other TimeML elements inside the text (TempEval's EVENT and SIGNAL) keep their words and
    are otherwise ignored, so TempEval-3 files score as they are; the DCT may carry a time.
    """
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise TimexGoldError(f"{path}: not readable TimeML ({exc})") from exc
    dct = root.find("DCT/TIMEX3")
    body = root.find("TEXT")
    if dct is None or body is None:
        raise TimexGoldError(f"{path}: needs a DCT with a TIMEX3 and a TEXT element")
    try:
        published = date.fromisoformat(dct.get("value", "")[:10])
    except ValueError as exc:
        raise TimexGoldError(f"{path}: the DCT value is not a YYYY-MM-DD date") from exc
    parts: list[str] = []
    gold: list[GoldTimex] = []

    def walk(element: ET.Element) -> None:
        parts.append(element.text or "")
        for child in element:
            start = sum(map(len, parts))
            if child.tag == "TIMEX3":
                words = "".join(child.itertext())
                kind, value = child.get("type"), child.get("value")
                if kind not in TYPES or not value:
                    raise TimexGoldError(
                        f"{path}: TIMEX3 {child.get('tid')!r} needs a type of {TYPES} and a value"
                    )
                parts.append(words)
                if words:
                    gold.append(GoldTimex(words, start, start + len(words), kind, value))
            else:
                walk(child)
            parts.append(child.tail or "")

    walk(body)
    return TimexDocument(path.stem, published, "".join(parts), tuple(gold))


@dataclass
class TypeScore:
    """Counts for one TIMEX3 type (or all of them)."""

    gold: int = 0
    found: int = 0
    gold_paired: int = 0
    found_paired: int = 0
    strict: int = 0
    value_right: int = 0
    type_right: int = 0

    @property
    def recall(self) -> float:
        return self.gold_paired / self.gold if self.gold else 1.0

    @property
    def strict_recall(self) -> float:
        return self.strict / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.found_paired / self.found if self.found else 1.0

    @property
    def value_accuracy(self) -> float:
        return self.value_right / self.gold if self.gold else 1.0

    @property
    def type_accuracy(self) -> float:
        return self.type_right / self.gold_paired if self.gold_paired else 1.0


@dataclass
class TimexReport:
    """Scores per type and overall, and every problem as a printable line."""

    by_type: dict[str, TypeScore] = field(default_factory=lambda: {t: TypeScore() for t in TYPES})
    overall: TypeScore = field(default_factory=TypeScore)
    problems: list[str] = field(default_factory=list)


def _pairs(
    gold: Sequence[GoldTimex], found: Sequence[TimeMention]
) -> list[tuple[GoldTimex, TimeMention]]:
    """One-to-one pairs of overlapping spans, the larger overlap first."""
    options = sorted(
        (
            (min(g.end, f.end) - max(g.start, f.start), gi, fi)
            for gi, g in enumerate(gold)
            for fi, f in enumerate(found)
            if g.start < f.end and f.start < g.end
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_found: set[int] = set()
    pairs = []
    for _, gi, fi in options:
        if gi not in used_gold and fi not in used_found:
            used_gold.add(gi)
            used_found.add(fi)
            pairs.append((gold[gi], found[fi]))
    return pairs


def extract_document(nlp: Language, document: TimexDocument) -> list[TimeMention]:
    """Every time the extractor finds in a document's text, dated by its DCT."""
    doc = nlp(document.text)
    found: list[TimeMention] = []
    anchor: date | None = None
    for sent in doc.sents:
        times = extract_times(sent, document.published, anchor)
        found += times
        anchor = next((d for d in map(day_of, reversed(times)) if d is not None), anchor)
    return found


def score_timex(paths: Iterable[Path], nlp: Language | None = None) -> TimexReport:
    """Run the extractor on every gold document and count per type (see the module doc)."""
    pipeline = nlp or load_nlp()
    report = TimexReport()
    for path in paths:
        document = load_timeml(path)
        found = extract_document(pipeline, document)
        pairs = _pairs(document.gold, found)
        paired_found = {id(f) for _, f in pairs}
        by_gold = {id(g): f for g, f in pairs}
        for gold in document.gold:
            scores = (report.by_type[gold.type], report.overall)
            match = by_gold.get(id(gold))
            for score in scores:
                score.gold += 1
            if match is None:
                report.problems.append(
                    f"{document.name}: missed {gold.type} {gold.text!r} {gold.value}"
                )
                continue
            exact = (match.start, match.end) == (gold.start, gold.end)
            for score in scores:
                score.gold_paired += 1
                score.strict += exact
                score.value_right += match.value == gold.value
                score.type_right += match.type == gold.type
            if not exact:
                report.problems.append(f"{document.name}: span {gold.text!r}, found {match.text!r}")
            if match.value != gold.value or match.type != gold.type:
                report.problems.append(
                    f"{document.name}: {gold.text!r} is {gold.type} {gold.value}, "
                    f"found {match.text!r} {match.type} {match.value}"
                )
        for mention in found:
            scores = (report.by_type.get(mention.type, TypeScore()), report.overall)
            for score in scores:
                score.found += 1
                score.found_paired += id(mention) in paired_found
            if id(mention) not in paired_found:
                report.problems.append(
                    f"{document.name}: extra {mention.type} {mention.text!r} {mention.value}"
                )
    return report


def format_timex_report(report: TimexReport, problems: bool = True) -> str:
    """The figures as a table, then (optionally) every miss, wrong value and extra."""
    header = (
        f"{'type':<9}{'gold':>6}{'found':>7}{'span R':>8}{'strict R':>10}{'span P':>8}"
        f"{'value acc':>11}{'type acc':>10}"
    )
    lines = [header]
    rows = [*report.by_type.items(), ("overall", report.overall)]
    for name, s in rows:
        lines.append(
            f"{name:<9}{s.gold:>6}{s.found:>7}{s.recall:>8.3f}{s.strict_recall:>10.3f}"
            f"{s.precision:>8.3f}{s.value_accuracy:>11.3f}{s.type_accuracy:>10.3f}"
        )
    if problems and report.problems:
        lines += ["", *report.problems]
    return "\n".join(lines)
