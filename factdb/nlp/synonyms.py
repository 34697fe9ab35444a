"""Synonym groups that decide when two counted nouns or predicates mean the same thing.

The package ships ``factdb/data/synonyms.json``; users add their own file of the same shape
through ``FACTDB_SYNONYMS`` (a path) or the ``--synonyms`` option. Each group's first word is
the canonical key stored with every quantity, so ``75 aircraft`` and ``75 planes`` share the key
``plane`` and are found by one indexed lookup.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

SYNONYMS_ENV_VAR = "FACTDB_SYNONYMS"


class SynonymFileError(ValueError):
    """A user synonym file is missing or not of the expected shape."""


@dataclass(frozen=True)
class Synonyms:
    """Word → canonical key, for predicates and for counted nouns."""

    predicates: dict[str, str] = field(default_factory=dict)
    counted: dict[str, str] = field(default_factory=dict)

    def predicate_key(self, lemma: str | None) -> str | None:
        """Canonical key of a predicate lemma (``wound`` → ``injure``); unknown words stay as is."""
        if lemma is None:
            return None
        word = lemma.lower().strip()
        return self.predicates.get(word, word)

    def counted_key(self, phrase: str | None) -> str | None:
        """Canonical key of a counted noun phrase; falls back to its head (last) word's group.

        ``military aircraft`` → ``plane`` through its head ``aircraft``; an unknown phrase keeps
        its own text so that ``security guard`` and ``guard`` stay apart unless a group joins them.
        """
        if phrase is None:
            return None
        text = " ".join(phrase.lower().split())
        if text in self.counted:
            return self.counted[text]
        head = text.rsplit(" ", 1)[-1]
        if head in self.counted and head != text:
            return self.counted[head]
        return text


def _groups_to_map(groups: object, where: str, section: str) -> dict[str, str]:
    if not isinstance(groups, list) or not all(
        isinstance(group, list) and group and all(isinstance(word, str) for word in group)
        for group in groups
    ):
        raise SynonymFileError(
            f"{where}: {section!r} must be a list of non-empty lists of words, "
            'e.g. [["kill", "dead", "death"]]'
        )
    mapping: dict[str, str] = {}
    for group in groups:
        canonical = group[0].lower().strip()
        for word in group:
            mapping[" ".join(word.lower().split())] = canonical
    return mapping


def _read_file(text: str, where: str) -> Synonyms:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SynonymFileError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise SynonymFileError(f'{where}: expected an object with "predicates" and "counted"')
    return Synonyms(
        predicates=_groups_to_map(data.get("predicates", []), where, "predicates"),
        counted=_groups_to_map(data.get("counted", []), where, "counted"),
    )


def load_synonyms(user_file: str | Path | None = None) -> Synonyms:
    """The shipped synonym groups, extended by `user_file` or ``FACTDB_SYNONYMS`` if given."""
    shipped = _read_file(
        files("factdb.data").joinpath("synonyms.json").read_text(encoding="utf-8"),
        "factdb/data/synonyms.json",
    )
    chosen = user_file or os.environ.get(SYNONYMS_ENV_VAR)
    if not chosen:
        return shipped
    path = Path(chosen)
    try:
        user_text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SynonymFileError(f"{path}: cannot read synonym file ({exc.strerror})") from exc
    user = _read_file(user_text, str(path))
    return Synonyms(
        predicates={**shipped.predicates, **user.predicates},
        counted={**shipped.counted, **user.counted},
    )
