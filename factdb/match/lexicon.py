"""The word lists matching and the conflict rules read (``factdb/data/matching.json``; its
``_doc`` explains each one), loaded once. Kept apart from `factdb.match.matching`, which needs the
database layer, so that a query (``--counted killed``) reads them without importing it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``factdb/data/matching.json`` (its ``_doc`` explains each one)."""

    light_predicates: frozenset[str]
    up: frozenset[str]
    down: frozenset[str]
    cumulative_predicates: frozenset[str]
    state_predicates: frozenset[str]
    # Both kinds are counts as of their report (`report_time`).
    counted_as_of_report: frozenset[str]
    counted_as: Mapping[str, tuple[str, str]]
    value_words: frozenset[str]
    location_labels: frozenset[str]
    places: Mapping[str, str]
    person_nouns: frozenset[str]
    outcome_predicates: frozenset[str]
    dimensions: Mapping[str, str]
    currencies: frozenset[str]
    unit_nouns: Mapping[str, str]

    def direction(self, predicate: str | None) -> str | None:
        """``up`` for rose/increased, ``down`` for fell/decreased, else None."""
        if predicate in self.up:
            return "up"
        if predicate in self.down:
            return "down"
        return None

    def neutral(self, predicate: str | None) -> str | None:
        """The predicate with its direction removed, so "rose" and "fell" share a key."""
        return "change" if self.direction(predicate) else predicate

    def entity_key(self, name: str) -> str:
        """An entity name as compared across articles: "the U.S." and "Americans" → "united
        states", "Almaty’s" → "almaty"."""
        text = " ".join(name.lower().replace("’", "'").split())
        text = text.removeprefix("the ").removesuffix("'s").strip(" ,;:'\"")
        return self.places.get(text, text)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The matching word lists, loaded once."""
    raw = json.loads(files("factdb.data").joinpath("matching.json").read_text(encoding="utf-8"))
    places: dict[str, str] = {}
    for group in raw["places"]:
        for name in group:
            places[name] = group[0]
    return Lexicon(
        light_predicates=frozenset(raw["light_predicates"]),
        up=frozenset(raw["directions"]["up"]),
        down=frozenset(raw["directions"]["down"]),
        cumulative_predicates=frozenset(raw["cumulative_predicates"]),
        state_predicates=frozenset(raw["state_predicates"]),
        counted_as_of_report=frozenset(raw["cumulative_predicates"] + raw["state_predicates"]),
        counted_as={k: (v[0], v[1]) for k, v in raw["counted_as"].items()},
        value_words=frozenset(raw["value_words"]),
        location_labels=frozenset(raw["location_labels"]),
        places=places,
        person_nouns=frozenset(raw["person_nouns"]),
        outcome_predicates=frozenset(raw["outcome_predicates"]),
        dimensions=dict(raw["dimensions"]),
        unit_nouns=dict(raw["unit_nouns"]),
        currencies=frozenset(
            json.loads(
                files("factdb.data").joinpath("quantities.json").read_text(encoding="utf-8")
            )["currencies"]
        ),
    )
