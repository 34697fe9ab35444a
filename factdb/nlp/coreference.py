"""Who a pronoun or a definite description stands for: rule-based coreference over one Doc.

A claim must be readable on its own ("The 22-year-old is out on loan" — who?). This module
ties a mention to a **named person or organisation of the same text** when the text leaves
no doubt, and says nothing otherwise:

- A named mention (a spaCy ``PERSON`` or ``ORG`` entity) belongs to the fullest name of the
  article that ends in the same word: "Reyes" after "Tom Reyes" is Tom Reyes.
- ``he``/``him``/``his``/``she``/``her`` stand for a person; ``it``/``its`` and
  ``they``/``them``/``their`` for an organisation. Walking back from the pronoun, sentence by
  sentence (the pronoun's own sentence first, at most `WINDOW_SENTENCES` back), the first
  sentence that names anyone of the wanted kind must name exactly one, and no rival may come
  between: for a person, a noun that could be another person ("the driver", "a man"); for
  ``it``, another singular subject; for ``they``, a plural noun. "Tokayev met Putin. He said"
  stays unresolved. ``it`` as the subject of a weak verb ("it is unclear", "it seems") is no
  reference at all.
- A definite description in subject position — "the 22-year-old", "the striker", "the
  company" — stands for a person or organisation named in an earlier sentence, under the same
  rules. An age description is written with the age: "Tom Reyes (22)".

Other layers call `Coreference.referent` for any token (the matcher uses it to find the owner
of an age or an amount); claims use `Coreference.rewrite` for their standalone form. The word
lists live in ``factdb/data/coreference.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from factdb.nlp.pipeline import doc_text

PERSON = "PERSON"
ORG = "ORG"
# How many sentences before the mention's own one an antecedent may be found in.
WINDOW_SENTENCES = 2
_NAMED_LABELS = frozenset({PERSON, ORG})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_POSSESSIVE_TAGS = frozenset({"PRP$", "WP$"})
_CURLY_APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class _Words:
    person_pronouns: frozenset[str]
    org_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    person_descriptions: frozenset[str]
    org_descriptions: frozenset[str]
    person_rivals: frozenset[str]
    weak_verbs_for_it: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    """The word lists of ``coreference.json`` (loaded once per process)."""
    raw = json.loads(
        resources.files("factdb.data").joinpath("coreference.json").read_text("utf-8")
    )

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in raw[key])

    return _Words(
        person_pronouns=words("person_pronouns"),
        org_pronouns=words("org_pronouns"),
        group_pronouns=words("group_pronouns"),
        person_descriptions=words("person_descriptions"),
        org_descriptions=words("org_descriptions"),
        person_rivals=words("person_rivals"),
        weak_verbs_for_it=words("weak_verbs_for_it"),
    )


@dataclass(frozen=True)
class Referent:
    """A named person (``PERSON``) or organisation (``ORG``) of the text, by its fullest name."""

    name: str
    label: str


@dataclass(frozen=True)
class Resolution:
    """A mention tied to its referent: tokens ``[start, end)`` and the text that replaces them
    in a standalone form ("Tom Reyes (22)", "Kerr's")."""

    referent: Referent
    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    sentence: int
    referent: Referent


def _clean_name(ent: Span) -> str:
    """An entity's text without a leading article or a trailing possessive."""
    tokens = list(ent)
    while tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    while tokens and tokens[-1].tag_ == "POS":
        tokens = tokens[:-1]
    if not tokens:
        return ""
    text = doc_text(ent.doc)
    return text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]


def _age_of(head: Token) -> str | None:
    """The age a description states: "the 22-year-old" (head ``old``) or "the 22-year-old
    striker" (``old`` modifying ``striker``) → ``22``."""
    old = head if head.lower_ == "old" else None
    if old is None:
        old = next((c for c in head.children if c.dep_ == "amod" and c.lower_ == "old"), None)
    if old is None:
        return None
    year = next((c for c in old.children if c.lower_ in {"year", "years"}), None)
    if year is None:
        return None
    number = next((c for c in year.children if c.dep_ == "nummod" and c.like_num), None)
    return number.text if number is not None else None


class Coreference:
    """The resolved mentions of one parsed text (see the module docstring)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._sentence_of: list[int] = [0] * len(doc)
        self._sentence_bounds: list[tuple[int, int]] = []
        for index, sent in enumerate(doc.sents):
            self._sentence_bounds.append((sent.start, sent.end))
            for i in range(sent.start, sent.end):
                self._sentence_of[i] = index
        self._mentions: list[_Mention] = []
        self._named: dict[int, Referent] = {}
        self._resolved: dict[int, Resolution] = {}
        self._in_resolution: set[int] = set()
        self._collect_names()
        self._resolve_references()

    # ----------------------------------------------------------------- public

    def referent(self, token: Token) -> Referent | None:
        """The named person or organisation `token` stands for, if the text says so clearly:
        a token of a name, a resolved pronoun, or the head of a resolved description."""
        named = self._named.get(token.i)
        if named is not None:
            return named
        for resolution in self._resolved.values():
            if resolution.start <= token.i < resolution.end:
                return resolution.referent
        return None

    def span_referent(self, span: Span) -> Referent | None:
        """The referent of a token span (a noun phrase), by its syntactic root."""
        return self.referent(span.root)

    def rewrite(self, start_char: int, end_char: int) -> str:
        """The text between two character offsets with every resolved pronoun and description
        inside it replaced by its name ("He had joined" → "Kerr had joined")."""
        text = doc_text(self.doc)
        pieces: list[str] = []
        at = start_char
        for resolution in sorted(self._resolved.values(), key=lambda r: r.start):
            first = self.doc[resolution.start]
            last = self.doc[resolution.end - 1]
            if first.idx < start_char or last.idx + len(last) > end_char:
                continue
            pieces.append(text[at : first.idx])
            pieces.append(resolution.replacement)
            at = last.idx + len(last)
        pieces.append(text[at:end_char])
        return "".join(pieces)

    def name_of(self, tokens: list[Token]) -> str:
        """The words of `tokens` (in text order) as a standalone reader needs them: resolved
        mentions replaced by their names."""
        if not tokens:
            return ""
        ordered = sorted(tokens, key=lambda t: t.i)
        return self.rewrite(ordered[0].idx, ordered[-1].idx + len(ordered[-1]))

    # ----------------------------------------------------------------- names

    def _collect_names(self) -> None:
        """Every PERSON/ORG entity, tied to the fullest earlier name ending in the same word."""
        by_last_word: dict[str, Referent] = {}
        for ent in self.doc.ents:
            if ent.label_ not in _NAMED_LABELS:
                continue
            name = _clean_name(ent)
            words = name.split()
            if not words:
                continue
            last = words[-1].lower()
            known = by_last_word.get(last)
            if known is not None and name.lower() in known.name.lower():
                referent = known
            else:
                referent = Referent(name=name, label=ent.label_)
                by_last_word[last] = referent
            self._mentions.append(
                _Mention(ent.start, ent.end, self._sentence_of[ent.start], referent)
            )
            for i in range(ent.start, ent.end):
                self._named[i] = referent

    # ----------------------------------------------------------------- references

    def _resolve_references(self) -> None:
        words = _words()
        for token in self.doc:
            if token.i in self._named:
                continue
            lower = token.lower_
            if lower in words.person_pronouns:
                self._resolve_pronoun(token, PERSON)
            elif lower in words.org_pronouns:
                if not self._weak_it(token):
                    self._resolve_pronoun(token, ORG)
            elif lower in words.group_pronouns:
                self._resolve_pronoun(token, ORG)
            elif lower == "the" and token.dep_ == "det":
                self._resolve_description(token)

    def _weak_it(self, token: Token) -> bool:
        """"it is unclear", "it seems", "it rained": ``it`` refers to nothing named."""
        if token.dep_ not in _SUBJECT_DEPS:
            return token.lower_ == "it" and token.dep_ not in {"dobj", "pobj"}
        head = token.head
        return head.lemma_.lower() in _words().weak_verbs_for_it or any(
            c.dep_ in {"expl", "csubj"} for c in head.children
        )

    def _resolve_pronoun(self, token: Token, label: str) -> None:
        referent = self._antecedent(token, label, same_sentence=True)
        if referent is None:
            return
        name = referent.name
        if token.tag_ in _POSSESSIVE_TAGS or token.lower_ in {"its", "their", "his", "hers"}:
            name = f"{name}'s"
        self._add_resolution(Resolution(referent, token.i, token.i + 1, name))

    def _resolve_description(self, det: Token) -> None:
        """"The 22-year-old", "the striker", "the company" as the subject of a clause."""
        words = _words()
        head = det.head
        if head.i <= det.i or head.dep_ not in _SUBJECT_DEPS:
            return
        age = _age_of(head)
        lemma = head.lemma_.lower()
        if age is not None:
            label = PERSON
        elif lemma in words.person_descriptions:
            label = PERSON
        elif lemma in words.org_descriptions and head.tag_ == "NN":
            label = ORG
        else:
            return
        # Only a bare description: "the new company" or "the company in Ohio" may be another.
        age_words = {t.i for t in head.subtree if t.i < head.i} if age is not None else set()
        if head.lower_ != "old" and age is not None:
            old = next(c for c in head.children if c.dep_ == "amod" and c.lower_ == "old")
            age_words = {t.i for t in old.subtree}
        for t in head.subtree:
            if t.i < head.i and t.i != det.i and t.i not in age_words:
                return
            if t.i > head.i and not t.is_punct:
                return
        referent = self._antecedent(det, label, same_sentence=False)
        if referent is None:
            return
        replacement = f"{referent.name} ({age})" if age is not None else referent.name
        self._add_resolution(Resolution(referent, det.i, head.i + 1, replacement))

    def _add_resolution(self, resolution: Resolution) -> None:
        """Record a resolved mention; it counts as a mention of its referent for the mentions
        after it ("Acme said … The company blamed … Its shares fell")."""
        self._resolved[resolution.start] = resolution
        sentence = self._sentence_of[resolution.start]
        self._mentions.append(
            _Mention(resolution.start, resolution.end, sentence, resolution.referent)
        )
        for i in range(resolution.start, resolution.end):
            self._in_resolution.add(i)

    def _antecedent(self, token: Token, label: str, same_sentence: bool) -> Referent | None:
        """The one named referent of `label` the nearest naming sentence offers, or None when
        that sentence names several, a rival intervenes, or none is within reach."""
        own = self._sentence_of[token.i]
        first = own if same_sentence else own - 1
        for sentence in range(first, max(own - WINDOW_SENTENCES, 0) - 1, -1):
            mentions = [
                m
                for m in self._mentions
                if m.sentence == sentence and m.end <= token.i and m.referent.label == label
            ]
            referents = {m.referent for m in mentions}
            rival_from = max((m.end for m in mentions), default=None)
            if self._rival_between(sentence, rival_from, token, label):
                return None
            if len(referents) > 1:
                return None
            if referents:
                return referents.pop()
        return None

    def _rival_between(
        self, sentence: int, after: int | None, token: Token, label: str
    ) -> bool:
        """True when a noun of `sentence` (after token `after`, if given) up to `token` could
        be what `token` refers to instead of a name."""
        words = _words()
        start, end = self._sentence_bounds[sentence]
        for t in self.doc[max(start, after or 0) : min(end, token.i)]:
            if t.i in self._named or t.i in self._in_resolution or t.pos_ != "NOUN":
                continue
            if label == PERSON and t.tag_ == "NN" and t.lemma_.lower() in words.person_rivals:
                return True
            if token.lower_ in words.org_pronouns and t.dep_ in _SUBJECT_DEPS and t.tag_ == "NN":
                return True
            if token.lower_ in words.group_pronouns and t.tag_ == "NNS":
                return True
        return False
