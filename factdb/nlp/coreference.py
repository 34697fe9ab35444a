"""Who a pronoun or a definite description stands for: rule-based coreference over one Doc.

A claim must be readable on its own ("The 22-year-old is out on loan" — who?). This module
ties a mention to a **named person or organisation of the same text** when the text leaves
no doubt, and says nothing otherwise: a wrong name in a claim's standalone form is worse than
a pronoun, so every rule below errs towards leaving the mention as written.

Names. A named mention (a spaCy ``PERSON`` or ``ORG`` entity) belongs to the fullest name of
the text that ends in the same word: "Reyes" after "Tom Reyes" is Tom Reyes. Whether a name
is a person or an organisation is decided by the text before spaCy's label, which the small
model often gets wrong on unfamiliar names: a word of an organisation's name ("Brantwell
Foods", "Harwick Albion") makes it an organisation; a title ("Senator Paul Whitcombe"), an
age ("Feld, 58") or a role ("Ivo Marsh, the coach of …") a person; otherwise the label
stands when all mentions agree. A title also gives a gender ("Mr. Clinton" is no "she").

Mentions resolved (``he``/``him``/``his``/``she``/``her`` for a person, ``it``/``its`` and
``they``/``them``/``their`` for an organisation, and a bare definite description in subject
position: "the 22-year-old", "the striker", "the company", "the museum" after "the Aldren
Museum"):

- **In the same sentence**, the referent must be the one name of that kind before the
  mention, and the subject of a verb that governs it: "Brantwell Foods said it would close
  two factories", "Cantor did not analyse his defeat". A pronoun object of that same verb
  cannot be its subject ("Lucy Thompson, who has raised him": not Lucy).
- **Across sentences**, the mention must open its clause as its subject (or the subject's
  possessive: "Its shares fell"), and the nearest earlier sentence that names anyone (at
  most `WINDOW_SENTENCES` back) must name exactly one of that kind, as the subject of its
  main clause: "Tom Reyes signed for Harwick Albion in May. The 22-year-old is …".
- Nothing may come between that could be the referent instead: a person noun ("a driver")
  for a person, another subject for "it", a plural noun for "they", or a proper noun spaCy
  did not recognise ("Shepard's death … He was beaten", Shepard untagged). ``it`` as the
  subject of a weak verb ("it is unclear", "it seems") refers to nothing named.

An age description is written with the age: "Tom Reyes (22)". Other layers call
`Coreference.referent` for any token (the matcher can use it to find the owner of an age or
an amount); claims use `Coreference.rewrite` for their standalone form. The word lists live
in ``factdb/data/coreference.json``.
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
_OBJECT_DEPS = frozenset({"dobj", "dative", "pobj", "attr", "oprd"})
# The clauses a sentence's main subject may head: the root, a coordinated or reported clause.
_MAIN_CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp"})
_POSSESSIVE_TAGS = frozenset({"PRP$", "WP$"})
_POSSESSIVE_WORDS = frozenset({"his", "hers", "its", "their"})
# Labels of a proper noun that may still name a person or organisation: none, or one of
# those two when the name's kind stayed undecided.
_UNSURE_NAME_LABELS = frozenset({"", PERSON, ORG})
# Labels of proper nouns "it" and "they" may stand for as well ("North Korea … It said").
_THING_LABELS = frozenset({"GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART"})
_MALE_PRONOUNS = frozenset({"he", "him", "his"})
_FEMALE_PRONOUNS = frozenset({"she", "her", "hers"})


@dataclass(frozen=True)
class _Words:
    org_name_words: frozenset[str]
    person_titles: frozenset[str]
    male_titles: frozenset[str]
    female_titles: frozenset[str]
    not_person_words: frozenset[str]
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
    raw = json.loads(resources.files("factdb.data").joinpath("coreference.json").read_text("utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in raw[key])

    return _Words(
        org_name_words=words("org_name_words"),
        person_titles=words("person_titles"),
        male_titles=words("male_titles"),
        female_titles=words("female_titles"),
        not_person_words=words("not_person_words"),
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
    """A named person (``PERSON``) or organisation (``ORG``) of the text, by its fullest name;
    `gender` is ``m`` or ``f`` when a title says so ("Mr. Cantor"), else None."""

    name: str
    label: str
    gender: str | None = None
    # The kind was read from the text (an organisation's word, a title, an age, a role), not
    # only from the recogniser's label, which unfamiliar names often get wrong.
    sure: bool = False


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
    root: Token
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


def _title_before(ent: Span) -> str | None:
    """The lower-case title just before a name or opening it ("Mr.", "Senator"), if any."""
    words = _words()
    candidates = [ent.doc[ent.start - 1]] if ent.start > 0 else []
    candidates.extend(ent[:-1])
    return next((t.lower_ for t in candidates if t.lower_ in words.person_titles), None)


def _person_evidence(ent: Span) -> bool:
    """A title ("Senator Paul Whitcombe"), an apposition stating an age or a person's role
    ("Feld, 58", "Ivo Marsh, the coach of …"), or a role the name is given ("appointed Nadia
    Brenn as chief executive")."""
    roles = _words().person_descriptions
    if _title_before(ent) is not None:
        return True
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and (child.like_num or child.lemma_.lower() in roles):
            return True
    if root.dep_ == "dobj":
        for prep in root.head.children:
            if (
                prep.dep_ == "prep"
                and prep.lower_ == "as"
                and any(c.dep_ == "pobj" and c.lemma_.lower() in roles for c in prep.children)
            ):
                return True
    return False


def _kind(name: str, mentions: list[Span]) -> tuple[str | None, bool]:
    """``PERSON`` or ``ORG`` for a name and its mentions (see the module docstring), or None
    when undecided or neither ("Storm Edda"); and whether the text said so (`Referent.sure`)
    rather than the recogniser's label alone."""
    words = _words()
    lowered = [w.strip(".,").lower() for w in name.split()]
    if any(w in words.org_name_words for w in lowered):
        return ORG, True
    if any(w in words.not_person_words for w in lowered):
        return None, False
    if any(_person_evidence(ent) for ent in mentions):
        return PERSON, True
    labels = {ent.label_ for ent in mentions}
    return (labels.pop() if len(labels) == 1 else None), False


def _gender_of_title(title: str) -> str | None:
    words = _words()
    if title in words.male_titles:
        return "m"
    if title in words.female_titles:
        return "f"
    return None


def _gender(mentions: list[Span]) -> str | None:
    """``m`` or ``f`` as the titles of a name's mentions say, None when none does, ``?`` when
    they disagree (two people of one surname)."""
    words = _words()
    titles = {_title_before(ent) for ent in mentions} - {None}
    male = bool(titles & words.male_titles)
    female = bool(titles & words.female_titles)
    if male and female:
        return "?"
    if male or female:
        return "m" if male else "f"
    return None


def _governs(verb: Token, token: Token) -> bool:
    """True when `verb` is `token` or one of its ancestors."""
    return verb == token or verb in token.ancestors


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
        self._resolved_tokens: dict[int, Referent] = {}
        self._unresolved: set[int] = set()  # subject and possessive pronouns left as written
        self._org_head_words: set[str] = set()
        self._collect_names()
        self._resolve_references()

    # ----------------------------------------------------------------- public

    def referent(self, token: Token) -> Referent | None:
        """The named person or organisation `token` stands for, if the text says so clearly:
        a token of a name, a resolved pronoun, or a token of a resolved description."""
        return self._named.get(token.i) or self._resolved_tokens.get(token.i)

    def span_referent(self, span: Span) -> Referent | None:
        """The referent of a token span (a noun phrase), by its syntactic root."""
        return self.referent(span.root)

    def rewrite(self, start_char: int, end_char: int, skip: frozenset[int] = frozenset()) -> str:
        """The text between two character offsets with every resolved pronoun and description
        inside it replaced by its name ("He had joined" → "Kerr had joined"), leaving out the
        tokens of `skip` (doc indices: the parts of the evidence that state something else,
        such as an embedded relative clause)."""
        span = self.doc.char_span(start_char, end_char, alignment_mode="contract")
        tokens = list(span) if span is not None else []
        pieces: list[str] = []
        gap = False  # a skipped stretch ended in a space: the words around it need one
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.i in skip:
                gap = bool(token.whitespace_) or gap
                index += 1
                continue
            if gap and pieces and not pieces[-1][-1:].isspace():
                pieces.append(" ")
            gap = False
            resolution = self._resolved.get(token.i)
            if resolution is not None and resolution.end - 1 <= tokens[-1].i:
                pieces.append(resolution.replacement + self.doc[resolution.end - 1].whitespace_)
                index += resolution.end - resolution.start
                continue
            pieces.append(token.text_with_ws)
            index += 1
        return "".join(pieces).strip()

    def name_of(self, tokens: list[Token]) -> str:
        """The words of `tokens` (in text order) as a standalone reader needs them: resolved
        mentions replaced by their names."""
        if not tokens:
            return ""
        ordered = sorted(tokens, key=lambda t: t.i)
        return self.rewrite(ordered[0].idx, ordered[-1].idx + len(ordered[-1]))

    # ----------------------------------------------------------------- names

    def _collect_names(self) -> None:
        """Every PERSON/ORG entity, tied to the fullest earlier name ending in the same word;
        each name's kind and gender decided over all its mentions."""
        by_last_word: dict[str, list[Span]] = {}
        fullest: dict[str, str] = {}
        ambiguous: set[str] = set()
        found: list[tuple[Span, str]] = []
        for ent in self.doc.ents:
            if ent.label_ not in _NAMED_LABELS:
                continue
            name = _clean_name(ent)
            words = name.split()
            if not words:
                continue
            last = words[-1].lower()
            title = _title_before(ent)
            if len(words) == 1 and title is not None and _gender_of_title(title) is not None:
                # "Mrs. Shepard" is not "Matthew Shepard", nor "Mr. Clinton" "Hillary Clinton":
                # a surname with a gendered title is a person of its own, named as written.
                last = f"{_gender_of_title(title)}:{last}"
                name = f"{ent.doc[ent.start - 1].text} {name}" if ent.start > 0 else name
            known = fullest.get(last)
            if known is None or known.lower() in name.lower():
                fullest[last] = name
            elif name.lower() not in known.lower():
                ambiguous.add(last)  # "Bill Clinton" and "Hillary Rodham Clinton"
            by_last_word.setdefault(last, []).append(ent)
            found.append((ent, last))
        referents: dict[str, Referent] = {}
        for last, ents in by_last_word.items():
            kind, sure = _kind(fullest[last], ents)
            if kind is None or last in ambiguous:
                continue
            gender = _gender(ents) if kind == PERSON else None
            if gender == "?":
                continue  # "Mr. Clinton" and "Mrs. Clinton": two people
            referents[last] = Referent(fullest[last], kind, gender, sure)
            if kind == ORG:
                self._org_head_words.add(last)
        for ent, last in found:
            referent = referents.get(last)
            if referent is None:
                continue
            sentence = self._sentence_of[ent.start]
            self._mentions.append(_Mention(ent.start, ent.end, ent.root, sentence, referent))
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
        """ "it is unclear", "it seems", "it rained": ``it`` refers to nothing named."""
        if token.dep_ not in _SUBJECT_DEPS:
            return token.lower_ == "it" and token.dep_ not in {"dobj", "pobj"}
        head = token.head
        return head.lemma_.lower() in _words().weak_verbs_for_it or any(
            c.dep_ in {"expl", "csubj"} for c in head.children
        )

    def _resolve_pronoun(self, token: Token, label: str) -> None:
        """A pronoun as subject or possessive. An object pronoun is left as written: its
        referent is rarely the name the rules find ("McKinney wanted to rob him")."""
        if token.dep_ in _OBJECT_DEPS or (token.lower_ == "her" and token.tag_ == "PRP"):
            return
        referent = self._antecedent(token, token, label)
        if referent is None or not self._gender_fits(token, referent):
            self._unresolved.add(token.i)
            return
        name = referent.name
        if token.tag_ in _POSSESSIVE_TAGS or token.lower_ in _POSSESSIVE_WORDS:
            name = f"{name}'s"
        self._add_resolution(Resolution(referent, token.i, token.i + 1, name))

    @staticmethod
    def _gender_fits(token: Token, referent: Referent) -> bool:
        if referent.gender == "f":
            return token.lower_ not in _MALE_PRONOUNS
        if referent.gender == "m":
            return token.lower_ not in _FEMALE_PRONOUNS
        return True

    def _resolve_description(self, det: Token) -> None:
        """ "The 22-year-old", "the striker", "the company" as the subject of a clause."""
        words = _words()
        head = det.head
        if head.i <= det.i or head.dep_ not in _SUBJECT_DEPS:
            return
        age = _age_of(head)
        lemma = head.lemma_.lower()
        own_name_word = None
        if age is not None or lemma in words.person_descriptions:
            label = PERSON
        elif lemma in words.org_descriptions and head.tag_ == "NN":
            label = ORG
        elif head.tag_ == "NN" and lemma in self._org_head_words:
            # "The museum" after "the Aldren Museum": the name's own head noun.
            label, own_name_word = ORG, lemma
        else:
            return
        if not self._bare_description(det, head, age is not None):
            return
        referent = self._antecedent(det, head, label, same_sentence=False, description=True)
        if referent is None:
            return
        if own_name_word is not None and referent.name.split()[-1].lower() != own_name_word:
            return
        replacement = f"{referent.name} ({age})" if age is not None else referent.name
        self._add_resolution(Resolution(referent, det.i, head.i + 1, replacement))

    @staticmethod
    def _bare_description(det: Token, head: Token, has_age: bool) -> bool:
        """Only the article, an age and the noun: "the new company" or "the company in Ohio"
        may be another one; a non-restrictive clause after a comma is allowed ("The museum,
        which reopened last year, …")."""
        age_words: set[int] = set()
        if has_age:
            old = head
            if head.lower_ != "old":
                old = next(c for c in head.children if c.dep_ == "amod" and c.lower_ == "old")
            age_words = {t.i for t in old.subtree}
        for child in head.children:
            if child.i < head.i and child.i != det.i and child.i not in age_words:
                return False
            if child.i > head.i and not child.is_punct:
                after_comma = child.i > 0 and head.doc[child.left_edge.i - 1].text == ","
                if not (child.dep_ in {"relcl", "appos"} and after_comma):
                    return False
        return True

    def _add_resolution(self, resolution: Resolution) -> None:
        """Record a resolved mention; it counts as a mention of its referent for the mentions
        after it ("Acme said … The company blamed … Its shares fell")."""
        self._resolved[resolution.start] = resolution
        root = self.doc[resolution.end - 1]
        sentence = self._sentence_of[resolution.start]
        self._mentions.append(
            _Mention(resolution.start, resolution.end, root, sentence, resolution.referent)
        )
        for i in range(resolution.start, resolution.end):
            self._resolved_tokens[i] = resolution.referent

    # ----------------------------------------------------------------- antecedents

    def _antecedent(
        self,
        first: Token,
        head: Token,
        label: str,
        same_sentence: bool = True,
        description: bool = False,
    ) -> Referent | None:
        """The referent a mention (first token `first`, head `head`) of kind `label` stands
        for, under the rules of the module docstring, or None. Only a `description` may stand
        for a name that is not its sentence's main subject (`_main_or_only`)."""
        own = self._sentence_of[first.i]
        before = [m for m in self._mentions if m.sentence == own and m.end <= first.i]
        if before:
            if not same_sentence:
                return None
            return self._in_same_sentence(first, head, label, before)
        start, _end = self._sentence_bounds[own]
        if self._rival_in(start, first.i, first, label):
            return None
        # The subject, or its possessive: "Its shares fell"; spaCy sometimes makes such a
        # subject the root ("Her rival, Josef Adler, conceded" with "conceded" an acl).
        topic = head.dep_ in _SUBJECT_DEPS or (
            head.dep_ == "poss" and head.head.dep_ in _SUBJECT_DEPS | {"ROOT"}
        )
        if not topic:
            return None
        for sentence in range(own - 1, max(own - WINDOW_SENTENCES, 0) - 1, -1):
            start, end = self._sentence_bounds[sentence]
            mentions = [m for m in self._mentions if m.sentence == sentence]
            if not mentions:
                if self._rival_in(start, end, first, label):
                    return None
                continue
            referents = {m.referent for m in mentions if m.referent.label == label}
            if len(referents) != 1:
                return None
            mention = next(m for m in mentions if m.referent.label == label)
            if not self._main_or_only(mention, mentions, label, description):
                return None
            if self._rival_in(start, end, first, label):
                return None
            return mention.referent
        return None

    @staticmethod
    def _main_or_only(
        mention: _Mention, mentions: list[_Mention], label: str, description: bool
    ) -> bool:
        """True when the name is the subject of its sentence's main clause, or, for a
        description, the main subject is a name of the other kind, which the description
        cannot stand for ("Halvard Systems appointed Nadia Brenn … The 47-year-old"). A
        pronoun gets it only when the text itself says which name is which ("Halvard Systems",
        "Nadia Brenn as chief executive"): the recogniser often takes an unfamiliar person for
        an organisation and a place for a person ("Marta Quell is running for mayor of Harlow
        Vale. She …" is not Harlow Vale)."""

        def is_main_subject(m: _Mention) -> bool:
            return m.root.dep_ in _SUBJECT_DEPS and m.root.head.dep_ in _MAIN_CLAUSE_DEPS

        if is_main_subject(mention):
            return True
        return any(
            is_main_subject(m)
            and m.referent.label != label
            and (description or (m.referent.sure and mention.referent.sure))
            for m in mentions
        )

    def _in_same_sentence(
        self, first: Token, head: Token, label: str, before: list[_Mention]
    ) -> Referent | None:
        """The one earlier name of the sentence, when it is the subject of a verb that governs
        the mention and the mention is not that verb's object."""
        if len({m.referent for m in before}) != 1:
            return None
        mention = before[-1]
        if mention.referent.label != label or mention.root.dep_ not in _SUBJECT_DEPS:
            return None
        verb = mention.root.head
        if not _governs(verb, head) or (head.head == verb and head.dep_ in _OBJECT_DEPS):
            return None
        if self._rival_in(mention.end, first.i, first, label):
            return None
        return mention.referent

    def _titles_a_name(self, token: Token) -> bool:
        """True for a compound word in front of a name: "Health" and "Minister" of "Health
        Minister Eva Lund"."""
        while token.dep_ == "compound" and token.head.i != token.i:
            token = token.head
            if token.i in self._named:
                return True
        return False

    def _rival_in(self, start: int, end: int, mention: Token, label: str) -> bool:
        """True when a token in ``[start, end)`` could be what `mention` refers to instead of
        a name: a person noun ("the driver") for a person, another singular subject for
        "it", a plural noun for "they", a proper noun whose kind is unknown, or a pronoun of
        the same kind left unresolved (it may stand for someone the text did not name)."""
        words = _words()
        it = mention.lower_ in words.org_pronouns
        they = mention.lower_ in words.group_pronouns
        pronouns = (
            words.person_pronouns if label == PERSON else words.org_pronouns | words.group_pronouns
        )
        for t in self.doc[start:end]:
            if t.i in self._named or t.i in self._resolved_tokens:
                continue
            if t.i in self._unresolved and t.lower_ in pronouns:
                return True  # "Russell, she intimated, was loyal … she turned to the judge"
            if t.pos_ == "PROPN" and self._titles_a_name(t):
                continue  # "Health Minister Eva Lund"
            if t.pos_ == "PROPN":
                if t.ent_type_ in _UNSURE_NAME_LABELS:
                    return True  # "Shepard's death … He was beaten", Shepard untagged
                if label == ORG and t.ent_type_ in _THING_LABELS:
                    return True  # "North Korea gloated … It said"
                continue
            if t.pos_ != "NOUN":
                continue
            if label == PERSON and t.tag_ == "NN" and t.lemma_.lower() in words.person_rivals:
                return True
            if it and t.tag_ == "NN" and (t.dep_ in _SUBJECT_DEPS or mention.dep_ in _OBJECT_DEPS):
                return True  # "Acme sold the plant and closed it"
            if they and t.tag_ == "NNS":
                return True
        return False
