"""A chart of one fact's reports, drawn as SVG on the server (no library, no JavaScript).

Every report of the fact is a point (one figure) or an interval (low to high, such as
"hundreds" or "at least 26"; an open end is an arrow to the edge of the plot) above its
publication date. Each source has a colour and a shape of its own, so the chart reads in
black and white too; a report flagged in a conflict carries a "C", the later report of an
update a "U". Each mark links to its claim, and its tooltip names the source, date and words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

# Okabe and Ito's palette (told apart by people with any common colour blindness), darkest
# first; the shapes differ as well, for print and for the rest.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
SHAPES = ("circle", "square", "triangle", "diamond", "inverted triangle", "cross")

WIDTH, HEIGHT = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 16, 40
# Undated reports stand in a column of their own at the right.
UNDATED_WIDTH = 70
MARKER = 5.5
# Reports of one date stand side by side, this far apart at most (a flag's letter fits).
SPREAD = 26
# The first and last dates stand this far inside the plot.
INSET = 36


@dataclass(frozen=True)
class Report:
    """One report of the fact as the chart draws it: the number that put the claim in the
    fact, as an interval (None: open on that side), and its flag, if any."""

    claim_id: int
    source: str
    when: date | None
    inferred: bool
    words: str
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    flag: str | None  # "conflict", "update" or None


@dataclass(frozen=True)
class SourceStyle:
    """How the chart draws one source's reports."""

    name: str
    colour: str
    shape: str

    def glyph(self) -> Markup:
        """The source's marker alone, for the legend."""
        return Markup(
            f'<svg class="glyph" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
            f"{_marker(self, 7, 7, MARKER)}</svg>"
        )


@dataclass(frozen=True)
class Chart:
    """A fact's chart: the SVG, the legend's sources, and how many reports were left out
    because they give the figure in another unit."""

    svg: Markup
    sources: list[SourceStyle]
    left_out: int


def _slot_number(claim: dict[str, Any]) -> dict[str, Any] | None:
    """The quantity that put the claim in its fact (its only one, for a claim stored before
    that was recorded), or None."""
    quantities: list[dict[str, Any]] = claim["quantities"]
    for quantity in quantities:
        if quantity["id"] == claim.get("fact_quantity_id"):
            return quantity
    return quantities[0] if len(quantities) == 1 else None


def _flags(fact: dict[str, Any]) -> dict[int, str]:
    """Claim id → "conflict" or "update" from the fact's conflicts (dismissed ones are not
    among them): both claims of a disagreement, the later claim of an update."""
    when = {c["id"]: c["published"] or c["published_inferred"] or "" for c in fact["claims"]}
    flags: dict[int, str] = {}
    for conflict in fact.get("conflicts", []):
        a, b = conflict["claim_a_id"], conflict["claim_b_id"]
        if conflict["kind"] == "update":
            later = a if when.get(a, "") > when.get(b, "") else b
            flags.setdefault(later, "update")
        else:
            flags[a] = flags[b] = "conflict"
    return flags


def fact_reports(fact: dict[str, Any]) -> tuple[list[Report], str, int]:
    """The fact's reports in one unit, what they measure, and how many reports were left
    out: the unit most reports use, or the base unit when every report has one (miles and
    kilometres are drawn in metres)."""
    numbers = [(c, q) for c in fact["claims"] if (q := _slot_number(c)) is not None]
    if not numbers:
        return [], "", 0
    units = Counter(q["unit"] for _, q in numbers)
    base_units = {q["base_unit"] for _, q in numbers}
    in_base = len(units) > 1 and len(base_units) == 1 and None not in base_units
    if in_base:
        kept, unit = numbers, next(iter(base_units))
    else:
        unit = units.most_common(1)[0][0]
        kept = [(c, q) for c, q in numbers if q["unit"] == unit]
    # Named as the slot names them (after synonyms: "kill" for killed, died and dead).
    named = [
        _most_common(q.get(f"{part}_key") or q[part] for _, q in kept)
        for part in ("counted", "predicate")
    ]
    measure = " · ".join(p for p in (unit, *named) if p)
    flags = _flags(fact)
    reports = [
        Report(
            claim_id=claim["id"],
            source=claim["source"] or "unknown source",
            when=_date(claim["published"] or claim["published_inferred"]),
            inferred=not claim["published"] and bool(claim["published_inferred"]),
            words=quantity["raw"],
            low=quantity["base_low" if in_base else "low"],
            high=quantity["base_high" if in_base else "high"],
            low_inclusive=bool(quantity["low_inclusive"]),
            high_inclusive=bool(quantity["high_inclusive"]),
            flag=flags.get(claim["id"]),
        )
        for claim, quantity in kept
    ]
    return reports, measure, len(numbers) - len(kept)


def _most_common(values: Iterable[str | None]) -> str | None:
    """The value given most often (the first of equals), ignoring None."""
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def source_styles(names: Sequence[str]) -> dict[str, SourceStyle]:
    """A colour and a shape for each source, in the order given."""
    return {
        name: SourceStyle(name, COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)])
        for i, name in enumerate(dict.fromkeys(names))
    }


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About `count` round values (steps of 1, 2 or 5 times a power of ten) from `low` to
    `high`, for the labels of an axis."""
    span = high - low
    if span <= 0:
        return [low]
    rough = span / count
    power = 10 ** math.floor(math.log10(rough))
    normal = rough / power  # from 1 to 10: rounded to the nearest of 1, 2, 5 and 10
    step = power * (1 if normal < 1.5 else 2 if normal < 3 else 5 if normal < 7 else 10)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _marker(style: SourceStyle, x: float, y: float, size: float) -> str:
    """The source's marker centred on (x, y)."""
    fill, r = style.colour, size
    attributes = f'fill="{fill}" stroke="#fff" stroke-width="1"'
    if style.shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {attributes}/>'
    if style.shape == "square":
        side = r * 1.7
        return (
            f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" '
            f'height="{side:.1f}" {attributes}/>'
        )
    if style.shape == "cross":
        arm, half = r * 1.2, r * 0.4
        points = [
            (-half, -arm), (half, -arm), (half, -half), (arm, -half), (arm, half), (half, half),
            (half, arm), (-half, arm), (-half, half), (-arm, half), (-arm, -half), (-half, -half),
        ]  # fmt: skip
    elif style.shape == "diamond":
        points = [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)]
    elif style.shape == "triangle":
        points = [(0, -r * 1.3), (r * 1.2, r * 0.9), (-r * 1.2, r * 0.9)]
    else:  # inverted triangle
        points = [(0, r * 1.3), (r * 1.2, -r * 0.9), (-r * 1.2, -r * 0.9)]
    drawn = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points)
    return f'<polygon points="{drawn}" {attributes}/>'


def _end(x: float, y: float, colour: str, inclusive: bool) -> str:
    """A finite end of an interval: a bar where the bound is included, a hollow ring where
    it is not ("more than 30")."""
    if inclusive:
        return (
            f'<line x1="{x - 5:.1f}" y1="{y:.1f}" x2="{x + 5:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#fff" stroke="{colour}" '
        'stroke-width="1.5"/>'
    )


def _arrow(x: float, y: float, colour: str, up: bool) -> str:
    """An open end: an arrowhead at the plot's edge."""
    tip = -6 if up else 6
    return (
        f'<polygon points="{x:.1f},{y + tip:.1f} {x - 4.5:.1f},{y:.1f} {x + 4.5:.1f},{y:.1f}" '
        f'fill="{colour}"/>'
    )


def _flag(x: float, y: float, flag: str) -> str:
    """The letter of a flagged report, beside its marker."""
    letter, colour = ("C", "#B00020") if flag == "conflict" else ("U", "#444")
    return (
        f'<g class="flag"><rect x="{x + 8:.1f}" y="{y - 7:.1f}" width="13" height="14" rx="3" '
        f'fill="{colour}"/><text x="{x + 14.5:.1f}" y="{y + 4:.1f}" text-anchor="middle" '
        f'font-size="11" font-weight="bold" fill="#fff">{letter}</text></g>'
    )


def _positions(reports: Sequence[Report], left: float, right: float) -> list[float]:
    """Each report's x: by date between `left` and `right` (undated ones in the column to
    the right of it), reports of one date side by side."""
    dated = [r.when for r in reports if r.when is not None]
    first = min(dated) if dated else None
    span = (max(dated) - first).days if first is not None and dated else 0

    def centre(report: Report) -> float:
        if report.when is None or first is None:
            return right + UNDATED_WIDTH / 2
        if span == 0:
            return (left + right) / 2
        return left + INSET + (report.when - first).days / span * (right - left - 2 * INSET)

    centres = [centre(r) for r in reports]
    together = Counter(round(c) for c in centres)
    seen: Counter[int] = Counter()
    positions = []
    for c in centres:
        key = round(c)
        n, k = together[key], seen[key]
        seen[key] += 1
        positions.append(c + (k - (n - 1) / 2) * min(SPREAD, (right - left) / max(n, 1)))
    return positions


def fact_chart(fact: dict[str, Any], styles: dict[str, SourceStyle]) -> Chart | None:
    """The chart of a fact's reports (a full fact record, as `show fact` gives it), drawn
    with the sources' `styles` (one story's charts share them); None for a fact without
    numbers."""
    reports, measure, left_out = fact_reports(fact)
    if not reports:
        return None
    styles = {**source_styles([r.source for r in reports]), **styles}
    undated = any(r.when is None for r in reports)
    left, right = LEFT, WIDTH - RIGHT - (UNDATED_WIDTH if undated else 0)
    top, bottom = TOP, HEIGHT - BOTTOM
    bounds = [v for r in reports for v in (r.low, r.high) if v is not None]
    low, high = min(bounds), max(bounds)
    pad = (high - low) * 0.08 if high > low else max(abs(low) * 0.1, 1.0)
    # From zero when the figures are near it (a toll of 26 beside 99), else from just below
    # the lowest, so that 20,000 against 20,500 is not flattened.
    floor = 0.0 if 0 <= low <= max(high - low, pad) else low - pad
    ceiling = high + pad

    def y(value: float) -> float:
        return bottom - (value - floor) / (ceiling - floor) * (bottom - top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-{fact["id"]}-title" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="chart-{fact["id"]}-title">{escape(_summary(fact, reports, measure))}</title>',
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        'fill="#fafafa" stroke="#ccc"/>',
    ]
    for tick in nice_ticks(floor, ceiling):
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e4e4e4"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{HEIGHT - 6}" fill="#555">{escape(measure or "figure")}'
        " by publication date</text>"
    )
    parts += _date_labels(reports, left, right, bottom)
    if undated:
        parts.append(
            f'<line x1="{right}" x2="{right}" y1="{top}" y2="{bottom}" stroke="#ccc" '
            'stroke-dasharray="3 3"/>'
            f'<text x="{right + UNDATED_WIDTH / 2}" y="{bottom + 14}" text-anchor="middle">'
            "undated</text>"
        )
    for report, x in zip(reports, _positions(reports, left, right), strict=True):
        parts.append(_report(report, x, styles[report.source], y, top, bottom))
    parts.append("</svg>")
    shown = [styles[name] for name in dict.fromkeys(r.source for r in reports)]
    return Chart(Markup("".join(parts)), shown, left_out)


def _report(report: Report, x: float, style: SourceStyle, y: Any, top: float, bottom: float) -> str:
    """One report: its interval or point, its source's marker, its flag, a link to its
    claim and a tooltip."""
    colour = style.colour
    when = report.when.isoformat() if report.when else "undated"
    tooltip = f"{report.source}, {when}{' (inferred)' if report.inferred else ''}: {report.words}"
    if report.flag:
        tooltip += f" ({report.flag})"
    drawn = [f"<title>{escape(tooltip)}</title>"]
    if report.low is not None and report.low == report.high:
        anchor = y(report.low)
    else:
        y_low = y(report.low) if report.low is not None else bottom
        y_high = y(report.high) if report.high is not None else top
        drawn.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_low:.1f}" y2="{y_high:.1f}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        drawn.append(
            _arrow(x, top, colour, up=True)
            if report.high is None
            else _end(x, y_high, colour, report.high_inclusive)
        )
        drawn.append(
            _arrow(x, bottom, colour, up=False)
            if report.low is None
            else _end(x, y_low, colour, report.low_inclusive)
        )
        # The source's marker at the stated figure: the low end ("at least 26"), or the
        # high one for an interval open below.
        anchor = y_low if report.low is not None else y_high
    drawn.append(_marker(style, x, anchor, MARKER))
    if report.flag:
        drawn.append(_flag(x, anchor, report.flag))
    return f'<a href="/claims/{report.claim_id}" class="report">{"".join(drawn)}</a>'


def _date_labels(reports: Sequence[Report], left: float, right: float, bottom: float) -> list[str]:
    """The first and last publication dates under the axis (and the middle one of a long
    span)."""
    dated = sorted({r.when for r in reports if r.when is not None})
    if not dated:
        return []
    if len(dated) == 1:
        return [
            f'<text x="{(left + right) / 2:.1f}" y="{bottom + 14}" text-anchor="middle">'
            f"{dated[0].isoformat()}</text>"
        ]
    first, last = dated[0], dated[-1]
    span = (last - first).days
    labels = [(first, left + INSET), (last, right - INSET)]
    if span >= 6:
        middle = date.fromordinal(first.toordinal() + span // 2)
        labels.append((middle, left + INSET + (span // 2) / span * (right - left - 2 * INSET)))
    return [
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#999"/>'
        f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{when.isoformat()}</text>'
        for when, x in labels
    ]


def _summary(fact: dict[str, Any], reports: Sequence[Report], measure: str) -> str:
    """The chart in words, for screen readers and tooltips."""
    flagged = Counter(r.flag for r in reports if r.flag)
    marks = ", ".join(f"{n} {flag}" for flag, n in sorted(flagged.items()))
    return (
        f"Fact {fact['id']}: {len(reports)} report(s) of {measure or 'a figure'} from "
        f"{len({r.source for r in reports})} source(s)" + (f"; flagged: {marks}" if marks else "")
    )
