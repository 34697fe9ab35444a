"""Measure extraction quality against hand-written gold files: precision, recall and F1.

A gold file lists what a careful fact-checker finds in one article (DOMAIN.md): every number
that counts or measures something, and every date expression. The scorer runs the real
extraction on the article (`factdb.inputs.readers.parse_article`, the spaCy pipeline,
`factdb.nlp.extract.extract_claims`), pairs what it found with the gold items and counts.
``scripts/score_extraction.py`` prints the figures; ``tests/test_evaluation.py`` keeps them from
falling.

Gold file (JSON)::

    {
      "article": "seeds/000_ad3e0aac17cc3a38.txt",
      "published": "2022-01-08",
      "notes": ["free text: the judgement calls behind the gold"],
      "quantities": [
        {"raw": "At least 26", "low": 26, "high": null, "qualifier": "at_least",
         "unit": null, "counted": "protester", "predicate": "kill"}
      ],
      "dates": [{"text": "Friday", "start": "2022-01-07", "end": "2022-01-07"}]
    }

- ``article``: the article's path relative to the repository root (found by trying the gold
  file's directory and each of its parents).
- ``published``: the publication date a reader finds in the article's own metadata, or null.
  Extraction always uses the date `factdb.inputs.readers` reads from the header; a difference is
  reported as a problem, so a reader fault is not mistaken for a date-resolution fault.
- ``quantities``: ``raw`` is the number's words exactly as written (with its qualifier, and
  its unit when it has one); ``low``/``high`` the interval (null = unbounded) with the bands
  of ``factdb/data/quantities.json``; ``qualifier`` a `Qualifier` value; ``unit`` null for a
  plain count, else the unit code (``USD``, ``percent``, ``basis_point``, ``kph`` ...);
  ``counted`` the lemmatized counted noun with its modifiers (``security guard``); for a
  measure the thing it measures where the sentence says it ("2.1 million tonnes of coal"
  counts ``coal``, "a depth of 250 feet" ``depth``), for an age ``age``, null for money and a
  bare percent; a share counts what it is a share of ("2% of its reserve fund" counts
  ``reserve fund``); ``predicate`` the lemma of the verb
  or predicate adjective the number belongs to (``kill``, ``dead``), null when no verb governs
  it ("a country of 19 million people").
- ``dates``: ``text`` is the expression without its preposition ("March 2020" in "since March
  2020"); ``start``/``end`` the first and last day it names (ISO dates), both null when it
  cannot be resolved (a weekday in an article without a publication date).
- Items are listed in text order: each ``raw`` / ``text`` is located at its first whole-word
  occurrence after the previous item of its list, so a repeated "Friday" is told apart.

Matching and figures (precision = correct / extracted, recall = correct / gold, F1 their
harmonic mean; an empty denominator counts as 1.0):

- An extracted item and a gold item are a *pair* when their character spans in the article
  text overlap; pairs are one-to-one, the larger overlap first. ``quantity spans`` and ``date
  spans`` count pairs: the looser "did it find the number at all" figure.
- ``quantities``: a pair whose interval (within a relative 1e-6), qualifier and unit all equal
  the gold.
- ``counted + predicate``: a pair whose counted noun and predicate equal the gold's exact
  lemmas (case and spacing aside). ``counted + predicate (synonyms)`` compares their synonym
  keys instead (`factdb.nlp.synonyms`), so "dead" for "kill" or "miss" for "missing" passes: the
  strict figure shows what the extractor wrote, the loose one whether matching across
  articles will work.
- ``dates``: the date extractor scored directly: every mention `extract_dates` finds in any
  sentence, against every gold date; a pair is correct when its resolved start and end equal
  the gold's (both None for an unresolvable gold date).
- ``event dates``: the distinct mentions that became some claim's event date, correct when
  they pair with a gold date and resolve as it does. Precision only: the gold does not say
  which dates date a claim ("independence in 1991" dates none), so there is no recall.

Problems list every unpaired gold item (miss) and every unpaired extracted item (false
positive) once, under the span categories, and every pair with a wrong value ("wrong": a miss
and a false positive of that category). A wrong counted noun or predicate is listed once under
``counted + predicate``, marked "synonym keys agree" when the synonym figure still counts it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from spacy.language import Language

from factdb.inputs.readers import parse_article
from factdb.inputs.records import ArticleInput, ReadError
from factdb.nlp.dates import extract_dates
from factdb.nlp.extract import extract_claims
from factdb.nlp.pipeline import load_nlp
from factdb.nlp.synonyms import Synonyms, load_synonyms
from factdb.nlp.types import DateMention, Qualifier, Quantity

QUANTITY_SPANS = "quantity spans"
QUANTITIES = "quantities"
COUNTED = "counted + predicate"
COUNTED_SYNONYMS = "counted + predicate (synonyms)"
DATE_SPANS = "date spans"
DATES = "dates"
EVENT_DATES = "event dates"
CATEGORIES = (
    QUANTITY_SPANS,
    QUANTITIES,
    COUNTED,
    COUNTED_SYNONYMS,
    DATE_SPANS,
    DATES,
    EVENT_DATES,
)
PUBLISHED = "published"

ProblemKind = Literal["miss", "false positive", "wrong"]

# Interval ends are compared with this relative tolerance: 0.9 x 1,800 is 1620.0000000000002.
_REL_TOLERANCE = 1e-6
# Characters of article text shown on each side of a problem.
_CONTEXT = 40


class GoldError(ValueError):
    """A gold file that cannot be read, is not of the documented shape, or does not fit its
    article (an item that is not in the text)."""


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True)
class GoldQuantity:
    """One expected quantity; `start`/`end` are its character offsets in the article text."""

    raw: str
    low: float | None
    high: float | None
    qualifier: Qualifier
    unit: str | None
    counted: str | None
    predicate: str | None
    start: int
    end: int


@dataclass(frozen=True)
class GoldDate:
    """One expected date expression with the days it names (None, None when unresolvable)."""

    text: str
    resolved_start: date | None
    resolved_end: date | None
    start: int
    end: int


@dataclass(frozen=True)
class GoldArticle:
    """A loaded gold file: the article as `factdb.inputs.readers` reads it, and the expected
    items."""

    path: Path
    article: ArticleInput
    published: date | None
    quantities: tuple[GoldQuantity, ...]
    dates: tuple[GoldDate, ...]


def _require(entry: dict[str, Any], key: str, kinds: tuple[type, ...], where: str) -> Any:
    """`entry[key]`, checked to be present and of one of `kinds` (``type(None)`` for null)."""
    if key not in entry:
        raise GoldError(f"{where}: missing field {key!r}")
    value = entry[key]
    # JSON true/false are bools, which Python also counts as ints: never a number here.
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise GoldError(f"{where}: field {key!r} has the wrong type ({value!r})")
    return value


def _number(entry: dict[str, Any], key: str, where: str) -> float | None:
    value = _require(entry, key, (int, float, type(None)), where)
    return None if value is None else float(value)


def _text(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = _require(entry, key, (str, type(None)), where)
    return None if value is None else str(value)


def _iso_date(entry: dict[str, Any], key: str, where: str) -> date | None:
    value = _text(entry, key, where)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise GoldError(f"{where}: field {key!r} is not a YYYY-MM-DD date ({value!r})") from exc


def _find_article(gold_path: Path, relative: str) -> Path:
    """The article named relative to the repository root: tried from the gold file upwards."""
    for folder in gold_path.resolve().parents:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    raise GoldError(f"{gold_path}: article {relative!r} not found above the gold file")


def _is_word_boundary(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not part of a longer word or number ("11" in "2011")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def locate(text: str, needles: Sequence[str], where: str) -> list[tuple[int, int]]:
    """Character spans of `needles` in `text`, each the first whole-word occurrence after the
    end of the one before (gold items are listed in text order)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for index, needle in enumerate(needles):
        start = text.find(needle, cursor)
        while start >= 0 and not _is_word_boundary(text, start, start + len(needle)):
            start = text.find(needle, start + 1)
        if not needle or start < 0:
            raise GoldError(
                f"{where}: item {index + 1} ({needle!r}) is not in the article text after "
                f"offset {cursor}; items must be written as in the text and listed in text order"
            )
        spans.append((start, start + len(needle)))
        cursor = start + len(needle)
    return spans


def _entries(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    items = _require(data, key, (list,), where)
    if not all(isinstance(item, dict) for item in items):
        raise GoldError(f"{where}: every item of {key!r} must be an object")
    return list(items)


def load_gold(path: Path) -> GoldArticle:
    """Read a gold file and the article it names, and place every gold item in the text."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{where}: cannot read gold file ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise GoldError(f"{where}: expected a JSON object")
    relative = str(_require(data, "article", (str,), where))
    article_path = _find_article(path, relative)
    parsed = parse_article(article_path.read_text(encoding="utf-8"), relative)
    if isinstance(parsed, ReadError):
        raise GoldError(f"{where}: the article cannot be read: {parsed.message}")

    raw_quantities = _entries(data, "quantities", where)
    quantity_spans = locate(
        parsed.text,
        [str(_require(q, "raw", (str,), f"{where}: quantity")) for q in raw_quantities],
        f"{where}: quantities",
    )
    quantities = []
    for number, (entry, (start, end)) in enumerate(
        zip(raw_quantities, quantity_spans, strict=True), start=1
    ):
        item = f"{where}: quantity {number}"
        qualifier = str(_require(entry, "qualifier", (str,), item))
        if qualifier not in set(Qualifier):
            raise GoldError(f"{item}: unknown qualifier {qualifier!r}")
        quantities.append(
            GoldQuantity(
                raw=entry["raw"],
                low=_number(entry, "low", item),
                high=_number(entry, "high", item),
                qualifier=Qualifier(qualifier),
                unit=_text(entry, "unit", item),
                counted=_text(entry, "counted", item),
                predicate=_text(entry, "predicate", item),
                start=start,
                end=end,
            )
        )

    raw_dates = _entries(data, "dates", where)
    date_spans = locate(
        parsed.text,
        [str(_require(d, "text", (str,), f"{where}: date")) for d in raw_dates],
        f"{where}: dates",
    )
    dates = [
        GoldDate(
            text=entry["text"],
            resolved_start=_iso_date(entry, "start", f"{where}: date {number}"),
            resolved_end=_iso_date(entry, "end", f"{where}: date {number}"),
            start=start,
            end=end,
        )
        for number, (entry, (start, end)) in enumerate(
            zip(raw_dates, date_spans, strict=True), start=1
        )
    ]
    return GoldArticle(
        path=path,
        article=parsed,
        published=_iso_date(data, "published", where),
        quantities=tuple(quantities),
        dates=tuple(dates),
    )


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Score:
    """Counts behind one precision / recall figure; `gold` is None where recall is undefined."""

    correct: int = 0
    extracted: int = 0
    gold: int | None = 0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float | None:
        if self.gold is None:
            return None
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float | None:
        recall = self.recall
        if recall is None:
            return None
        total = self.precision + recall
        return 2 * self.precision * recall / total if total else 0.0

    def __add__(self, other: Score) -> Score:
        gold = None if self.gold is None or other.gold is None else self.gold + other.gold
        return Score(self.correct + other.correct, self.extracted + other.extracted, gold)


@dataclass(frozen=True)
class Problem:
    """One miss, false positive or wrong value, described so a developer can find it."""

    category: str
    kind: ProblemKind
    detail: str
    context: str = ""


@dataclass
class ArticleScore:
    """The figures and problems of one gold file."""

    gold_path: Path
    origin: str
    published_expected: date | None
    published_read: date | None
    scores: dict[str, Score] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """The figures of several gold files; `total` adds their counts (micro-average)."""

    articles: tuple[ArticleScore, ...]

    def total(self) -> dict[str, Score]:
        totals = {category: Score() for category in CATEGORIES}
        totals[EVENT_DATES] = Score(gold=None)
        for article in self.articles:
            for category, score in article.scores.items():
                totals[category] = totals[category] + score
        return totals


# --------------------------------------------------------------------------- matching


def pair_spans(
    gold: Sequence[tuple[int, int]], found: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, found index) of overlapping character spans.

    The largest overlaps are paired first, so "between €300 million and €450 million" pairs
    with whichever extracted amount covers more of it and the other stays unpaired.
    """
    overlaps = []
    for g, (g_start, g_end) in enumerate(gold):
        for f, (f_start, f_end) in enumerate(found):
            overlap = min(g_end, f_end) - max(g_start, f_start)
            if overlap > 0:
                overlaps.append((-overlap, g, f))
    pairs: list[tuple[int, int]] = []
    used_gold: set[int] = set()
    used_found: set[int] = set()
    for _, g, f in sorted(overlaps):
        if g not in used_gold and f not in used_found:
            pairs.append((g, f))
            used_gold.add(g)
            used_found.add(f)
    return sorted(pairs)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=_REL_TOLERANCE, abs_tol=_REL_TOLERANCE)


def _same_interval(gold: GoldQuantity, found: Quantity) -> bool:
    return (
        gold.qualifier == found.qualifier
        and gold.unit == found.unit
        and _close(gold.low, found.low)
        and _close(gold.high, found.high)
    )


def _words(text: str | None) -> str | None:
    return None if text is None else " ".join(text.lower().split())


def _number_text(value: float | None, unbounded: str) -> str:
    if value is None:
        return unbounded
    return f"{value:,.10g}"


def _describe(
    raw: str,
    low: float | None,
    high: float | None,
    qualifier: str,
    unit: str | None,
    counted: str | None,
    predicate: str | None,
) -> str:
    interval = f"[{_number_text(low, '-inf')}, {_number_text(high, 'inf')}]"
    return f"{raw!r} {interval} {qualifier} unit={unit} counted={counted!r} predicate={predicate!r}"


def _describe_gold(q: GoldQuantity) -> str:
    return _describe(q.raw, q.low, q.high, q.qualifier.value, q.unit, q.counted, q.predicate)


def _describe_found(q: Quantity) -> str:
    return _describe(q.raw, q.low, q.high, q.qualifier.value, q.unit, q.counted, q.predicate)


def _context(text: str, start: int, end: int) -> str:
    """The article words around a span, on one line, with the span in [brackets]."""
    before = text[max(0, start - _CONTEXT) : start]
    after = text[end : end + _CONTEXT]
    return " ".join(f"…{before}[{text[start:end]}]{after}…".split())


def score_quantities(
    gold: Sequence[GoldQuantity],
    found: Sequence[Quantity],
    synonyms: Synonyms,
    text: str = "",
) -> tuple[dict[str, Score], list[Problem]]:
    """Score extracted quantities against gold ones (see the module docstring).

    `text` is the article text, used only to show each problem in context.
    """
    pairs = pair_spans([(q.start, q.end) for q in gold], [(q.start, q.end) for q in found])
    problems: list[Problem] = []
    paired_gold = {g for g, _ in pairs}
    paired_found = {f for _, f in pairs}
    for index, expected in enumerate(gold):
        if index not in paired_gold:
            context = _context(text, expected.start, expected.end)
            problems.append(Problem(QUANTITY_SPANS, "miss", _describe_gold(expected), context))
    for index, extra in enumerate(found):
        if index not in paired_found:
            context = _context(text, extra.start, extra.end)
            problems.append(
                Problem(QUANTITY_SPANS, "false positive", _describe_found(extra), context)
            )
    interval_right = exact_right = synonym_right = 0
    for g_index, f_index in pairs:
        g, f = gold[g_index], found[f_index]
        detail = f"expected {_describe_gold(g)}; got {_describe_found(f)}"
        context = _context(text, g.start, g.end)
        if _same_interval(g, f):
            interval_right += 1
        else:
            problems.append(Problem(QUANTITIES, "wrong", detail, context))
        exact = _words(g.counted) == _words(f.counted) and _words(g.predicate) == _words(
            f.predicate
        )
        loose = synonyms.counted_key(g.counted) == synonyms.counted_key(
            f.counted
        ) and synonyms.predicate_key(g.predicate) == synonyms.predicate_key(f.predicate)
        exact_right += exact
        synonym_right += loose
        if not exact:
            note = "synonym keys agree; " if loose else ""
            problems.append(Problem(COUNTED, "wrong", note + detail, context))
    scores = {
        QUANTITY_SPANS: Score(len(pairs), len(found), len(gold)),
        QUANTITIES: Score(interval_right, len(found), len(gold)),
        COUNTED: Score(exact_right, len(found), len(gold)),
        COUNTED_SYNONYMS: Score(synonym_right, len(found), len(gold)),
    }
    return scores, problems


def _describe_date(text: str, start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return f"{text!r} unresolved"
    return f"{text!r} {start}..{end}"


def _same_dates(gold: GoldDate, found: DateMention) -> bool:
    return (gold.resolved_start, gold.resolved_end) == (found.resolved_start, found.resolved_end)


def score_dates(
    gold: Sequence[GoldDate], found: Sequence[DateMention], text: str = ""
) -> tuple[dict[str, Score], list[Problem]]:
    """Score the date extractor's mentions against every gold date expression."""
    pairs = pair_spans([(d.start, d.end) for d in gold], [(m.start, m.end) for m in found])
    problems: list[Problem] = []
    paired_gold = {g for g, _ in pairs}
    paired_found = {f for _, f in pairs}
    for index, d in enumerate(gold):
        if index not in paired_gold:
            detail = _describe_date(d.text, d.resolved_start, d.resolved_end)
            problems.append(Problem(DATE_SPANS, "miss", detail, _context(text, d.start, d.end)))
    for index, m in enumerate(found):
        if index not in paired_found:
            detail = _describe_date(m.text, m.resolved_start, m.resolved_end)
            problems.append(
                Problem(DATE_SPANS, "false positive", detail, _context(text, m.start, m.end))
            )
    right = 0
    for g_index, f_index in pairs:
        g, m = gold[g_index], found[f_index]
        if _same_dates(g, m):
            right += 1
            continue
        expected = _describe_date(g.text, g.resolved_start, g.resolved_end)
        got = _describe_date(m.text, m.resolved_start, m.resolved_end)
        context = _context(text, g.start, g.end)
        problems.append(Problem(DATES, "wrong", f"expected {expected}; got {got}", context))
    scores = {
        DATE_SPANS: Score(len(pairs), len(found), len(gold)),
        DATES: Score(right, len(found), len(gold)),
    }
    return scores, problems


def score_event_dates(
    gold: Sequence[GoldDate], event_dates: Iterable[DateMention], text: str = ""
) -> tuple[Score, list[Problem]]:
    """Precision of claims' event dates: each distinct mention must be a gold date, resolved
    as the gold says (recall is undefined, see the module docstring)."""
    distinct = sorted({(m.start, m.end): m for m in event_dates}.values(), key=lambda m: m.start)
    spans = [(m.start, m.end) for m in distinct]
    pairs = {f: g for g, f in pair_spans([(d.start, d.end) for d in gold], spans)}
    problems: list[Problem] = []
    right = 0
    for index, mention in enumerate(distinct):
        gold_index = pairs.get(index)
        if gold_index is not None and _same_dates(gold[gold_index], mention):
            right += 1
            continue
        got = _describe_date(mention.text, mention.resolved_start, mention.resolved_end)
        expected = (
            "no date expression"
            if gold_index is None
            else _describe_date(
                gold[gold_index].text,
                gold[gold_index].resolved_start,
                gold[gold_index].resolved_end,
            )
        )
        problems.append(
            Problem(
                EVENT_DATES,
                "wrong",
                f"expected {expected}; got {got}",
                _context(text, mention.start, mention.end),
            )
        )
    return Score(right, len(distinct), None), problems


# --------------------------------------------------------------------------- evaluation


def evaluate_article(
    gold: GoldArticle, nlp: Language | None = None, synonyms: Synonyms | None = None
) -> ArticleScore:
    """Run the extraction on the gold file's article and score it in every category."""
    pipeline = nlp if nlp is not None else load_nlp()
    chosen = synonyms if synonyms is not None else load_synonyms()
    article = gold.article
    doc = pipeline(article.text)
    claims = extract_claims(doc, article.published)
    mentions = [m for sent in doc.sents for m in extract_dates(sent, article.published)]

    result = ArticleScore(gold.path, article.origin, gold.published, article.published)
    if gold.published != article.published:
        result.problems.append(
            Problem(
                PUBLISHED,
                "wrong",
                f"expected publication date {gold.published}; the reader gave {article.published}",
            )
        )
    quantity_scores, quantity_problems = score_quantities(
        gold.quantities, [q for c in claims for q in c.quantities], chosen, article.text
    )
    date_scores, date_problems = score_dates(gold.dates, mentions, article.text)
    event_score, event_problems = score_event_dates(
        gold.dates, [c.event_date for c in claims if c.event_date is not None], article.text
    )
    result.scores = {**quantity_scores, **date_scores, EVENT_DATES: event_score}
    result.problems += quantity_problems + date_problems + event_problems
    return result


def evaluate(
    paths: Sequence[Path], nlp: Language | None = None, synonyms: Synonyms | None = None
) -> Report:
    """Load every gold file and score the extraction of its article."""
    pipeline = nlp if nlp is not None else load_nlp()
    chosen = synonyms if synonyms is not None else load_synonyms()
    return Report(tuple(evaluate_article(load_gold(p), pipeline, chosen) for p in paths))


# --------------------------------------------------------------------------- output


def _figure(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def _score_rows(scores: dict[str, Score]) -> list[str]:
    rows = []
    for category in CATEGORIES:
        score = scores[category]
        gold = "-" if score.gold is None else str(score.gold)
        rows.append(
            f"  {category:<31} {_figure(score.precision)}  {_figure(score.recall)}  "
            f"{_figure(score.f1)}  {score.correct:>4} {score.extracted:>9} {gold:>5}"
        )
    return rows


_HEADER = f"  {'category':<31} {'P':>5}  {'R':>5}  {'F1':>5}  correct extracted  gold"


def format_report(report: Report, problems: bool = True) -> str:
    """The report as text: per-file figures, the total, then (optionally) every problem."""
    lines: list[str] = []
    for article in report.articles:
        lines.append(f"{article.gold_path.name}  ({article.origin})")
        lines.append(_HEADER)
        lines.extend(_score_rows(article.scores))
        lines.append("")
    lines.append(f"TOTAL ({len(report.articles)} gold files)")
    lines.append(_HEADER)
    lines.extend(_score_rows(report.total()))
    if problems:
        for article in report.articles:
            lines.append("")
            lines.append(f"Problems in {article.gold_path.name}: {len(article.problems)}")
            for problem in article.problems:
                lines.append(f"  [{problem.category}] {problem.kind}: {problem.detail}")
                if problem.context:
                    lines.append(f"      {problem.context}")
    return "\n".join(lines)
