"""Restate a quantity in the base unit of its dimension, so measures in different units compare.

Physical units convert with **pint**: "100 miles" becomes 160,934 meter and "161 km" 161,000
meter; "64 metric tons" 64,000 kilogram and "141,000 lb" 63,957 kilogram. Money keeps its
currency (no exchange rates: the currency code is its own base), and so do the other units
that are not physical (``percent``, ``basis_point``, ``magnitude``, ``clock_time``). Plain
counts have no unit and no base.

Which pint unit each factdb unit code stands for is data (``pint_units`` in
``factdb/data/quantities.json``): a code mapped to null ("degree", which news uses for both
temperature and angle) keeps no base. The pint registry is built once per process, and only
when a quantity with a physical unit is seen, so commands that only read the database never
load pint.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["BaseMeasure", "to_base"]

# Base values are rounded to this many significant digits: 0.3048 * 50 is 15.239999999999998.
_SIGNIFICANT = 9


@dataclass(frozen=True)
class BaseMeasure:
    """A value and its interval ends in `unit` (None ends stay unbounded)."""

    value: float | None
    low: float | None
    high: float | None
    unit: str


@cache
def _unit_table() -> tuple[dict[str, str | None], frozenset[str]]:
    """(factdb unit code → pint expression or None, codes that are their own base)."""
    raw: dict[str, Any] = json.loads(
        resources.files("factdb.data").joinpath("quantities.json").read_text(encoding="utf-8")
    )
    return dict(raw["pint_units"]), frozenset(raw["self_based_units"]) | frozenset(
        raw["currencies"]
    )


@cache
def _registry() -> Any:
    """The pint UnitRegistry, built once per process (it takes about a second)."""
    import pint  # imported here: query commands never need it

    return pint.UnitRegistry()


@cache
def _factor(expression: str) -> tuple[float, str]:
    """How many base units one `expression` is, and the base unit's name: "mile" → (1609.344,
    "meter"); "mile / hour" → (0.44704, "meter / second")."""
    registry = _registry()
    base = registry.Quantity(expression).to_base_units()  # "10 * year" carries a factor
    return float(base.magnitude), f"{base.units}"


def _round(x: float | None) -> float | None:
    if x is None or x == 0 or math.isinf(x):
        return x
    return round(x, _SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))


def to_base(
    unit: str | None, value: float | None, low: float | None, high: float | None
) -> BaseMeasure | None:
    """The quantity restated in its base unit, or None for a count or a unit without one."""
    if unit is None:
        return None
    physical, self_based = _unit_table()
    if unit in self_based:
        return BaseMeasure(value, low, high, unit)
    expression = physical.get(unit)
    if expression is None:
        return None
    factor, base_unit = _factor(expression)

    def scale(x: float | None) -> float | None:
        return None if x is None else _round(x * factor)

    return BaseMeasure(scale(value), scale(low), scale(high), base_unit)
