"""Split parsed sentences into atomic claims, with speaker, polarity and hedging.

An atomic claim is one predicate with its arguments (DOMAIN.md, "Atomic claim"). This module
reads spaCy's dependency parse of one sentence and cuts it into *units*, each headed by one
token:

- the sentence root;
- coordinated clauses (``conj`` of a unit head): "Tokayev accepted the resignation **and
  fired** several officials";
- gapped coordinations, where the second conjunct is a bare number with a participle:
  "18 security guards were dead and **748 injured**" (spaCy attaches ``748`` as ``conj`` of
  ``were`` and ``injured`` as its ``acl``);
- reported content (``ccomp`` of a reporting verb): "he said **18 security guards were dead**";
- relative clauses that state their own fact: non-restrictive ones (after a comma) and those
  carrying their own attribution ("…, **which said** 75 planes transported its forces");
- contrastive adverbial clauses with their own subject ("…, **while** the United States called
  for a peaceful resolution");
- adverbial clauses of time or cause with their own subject, which the sentence asserts as
  well: "Kerr killed himself **as officers closed in on him**", "cancelled 80 flights
  **because controllers were on strike**" ("if" and "unless" clauses assert nothing and stay);
- clauses after a semicolon;
- appositions that state an age or a role of a name: "Kerr, **44**, killed himself",
  "Tom Reyes, **the club's captain**, said …". Their evidence runs from the name to the end
  of the apposition ("Kerr, 44"); the copula is implied (predicate ``be``), so the age is a
  claim about Kerr of its own and not part of the killing.

Every token of the sentence then belongs to the nearest unit head above it. A unit headed by a
reporting verb that has reported content is *attribution*, not a claim: its subject becomes the
speaker of the content, and its tokens ("the Interior Ministry reported on Friday") are kept
apart as `ClaimSpan.report_tokens`. All other units are claims. "according to X" and a
parenthetical "…, officials said, …" are cut out of the claim they sit in and name its
speaker; a claim without attribution of its own takes the nearest one above it.

Polarity and hedging look at the claim's predicate (the head, its ``xcomp`` chain and their
auxiliaries and adverbs), not at every word: in "Those who do not surrender will be
destroyed" the "not" belongs to the subject's relative clause. Reporting verbs colour their
content: "denied that …" negates it; "believe", "reportedly said" and "could not confirm"
hedge it.

Text forms of a claim:

- `text` is the evidence: ``doc.text[start:end]``, the contiguous span from the claim's first
  to its last token (edge punctuation trimmed, quotes kept balanced). A span may cover tokens
  of another unit when that unit sits inside it.
- `normalized` is the claim's tokens as lower-case lemmas, without punctuation and articles,
  with the parts the sentence elided carried over: the shared subject of a coordinated verb
  ("tokayev fire several senior security official on wednesday"), the counted noun of a
  gapped number ("748 security guard injure in clash with protester"), and the name a
  relative pronoun stands for ("…, which resulted in sanctions" → "popular protest result
  in sanction …"). It is meant for matching claims across articles, not for display.
- `subject` / `object` are noun-phrase texts without leading articles; `predicate` is the
  head's lemma with its particle ("take over"), the adjective of a copula ("were dead" →
  ``dead``) and the embedded verb of a hedge ("seemed set to rise" → ``rise``).
- `entities` are the spaCy entities inside the claim's tokens or its carried subject, minus
  dates and numbers (other modules handle those).

Speakers are noun phrases with their compounds and ``of`` phrases, without leading articles:
``Interior Ministry``, ``President Kassym-Jomart Tokayev``. A report that cites another source
keeps both: ``Interfax press service (citing ministry)``. Pronoun speakers stay as written with
``speaker_resolved=False`` until `resolve_pronoun_speakers` has seen the whole article.

The lexical lists (reporting verbs, negation and hedge cues, page furniture, …) live in
``factdb/data/claims.json`` and are loaded once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from spacy.tokens import Doc, Span, Token

from factdb.nlp.coreference import Coreference
from factdb.nlp.pipeline import doc_text
from factdb.nlp.types import ClaimDraft, Entity, Polarity

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_OBJECT_DEPS = ("dobj", "attr", "dative", "oprd")
_VERBAL_POS = frozenset({"VERB", "AUX"})
# Left-hand modifiers that belong to a speaker's name: "President Kassym-Jomart Tokayev",
# "Russian Foreign Ministry", "Kazakhstan's main miner Kazatomprom".
_NAME_DEPS = frozenset({"compound", "amod", "nmod", "poss", "nummod", "flat", "case"})
_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_ARTICLES = frozenset({"a", "an", "the"})
_OPEN_TAGS = frozenset({"``", "-LRB-"})
_CLOSE_TAGS = frozenset({"''", "-RRB-"})
_CURLY_APOSTROPHE = "\u2019"
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "VERB", "ADV"})
# A verbless sentence needs at least this many content words to count as a statement.
_MIN_VERBLESS_WORDS = 3
_NUMERIC_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
# How many sentences back a pronoun speaker may find its antecedent.
_RESOLUTION_WINDOW = 3

# How a unit hangs on its parent (see the module docstring): "side" is a clause hanging off a
# reporting verb that is not its content ("…, adding that …", "… as he declared victory").
_Role = Literal[
    "root",
    "conj",
    "gapped",
    "content",
    "side",
    "semicolon",
    "relative",
    "contrast",
    "adverbial",
    "apposition",
]
# The oldest age an apposition can state: "Kerr, 44," is an age, "Route, 2024," is not.
_MAX_AGE = 120


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``factdb/data/claims.json``, ready for lookups."""

    reporting_verbs: frozenset[str]
    hedging_reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    denied_objects: frozenset[str]
    source_phrases: tuple[tuple[str, ...], ...]
    citing_words: frozenset[str]
    negating_determiners: frozenset[str]
    negation_phrases: tuple[tuple[str, ...], ...]
    hedge_modals: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    contrast_marks: frozenset[str]
    asserting_marks: frozenset[str]
    relativizers: frozenset[str]
    furniture: frozenset[str]
    noise_patterns: tuple[re.Pattern[str], ...]
    byline: re.Pattern[str]
    dateline: re.Pattern[str]
    contraction_lemmas: dict[str, str]
    pronoun_speakers: dict[str, frozenset[str]]
    person_words: frozenset[str]
    org_words: frozenset[str]
    entity_kinds: dict[str, str]
    skipped_entity_labels: frozenset[str]

    @property
    def attribution_verbs(self) -> frozenset[str]:
        """Every verb lemma that can introduce reported content."""
        return self.reporting_verbs | self.hedging_reporting_verbs | self.denial_verbs


def _words(raw: Any) -> frozenset[str]:
    return frozenset(str(word).lower() for word in raw)


def _phrases(raw: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(phrase).lower().split()) for phrase in raw)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load ``claims.json`` from the ``factdb.data`` package (once per process)."""
    raw = json.loads(resources.files("factdb.data").joinpath("claims.json").read_text("utf-8"))
    return Lexicon(
        reporting_verbs=_words(raw["reporting_verbs"]),
        hedging_reporting_verbs=_words(raw["hedging_reporting_verbs"]),
        denial_verbs=_words(raw["denial_verbs"]),
        denied_objects=_words(raw["denied_objects"]),
        source_phrases=_phrases(raw["source_phrases"]),
        citing_words=_words(raw["citing_words"]),
        negating_determiners=_words(raw["negating_determiners"]),
        negation_phrases=_phrases(raw["negation_phrases"]),
        hedge_modals=_words(raw["hedge_modals"]),
        hedge_adverbs=_words(raw["hedge_adverbs"]),
        hedge_phrases=_phrases(raw["hedge_phrases"]),
        contrast_marks=_words(raw["contrast_marks"]),
        asserting_marks=_words(raw["asserting_marks"]),
        relativizers=_words(raw["relativizers"]),
        furniture=_words(raw["furniture"]),
        noise_patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["noise_patterns"]),
        byline=re.compile(raw["byline_pattern"], re.IGNORECASE),
        dateline=re.compile(raw["dateline_pattern"]),
        contraction_lemmas={str(k): str(v) for k, v in raw["contraction_lemmas"].items()},
        pronoun_speakers={str(k).lower(): _words(v) for k, v in raw["pronoun_speakers"].items()},
        person_words=_words(raw["person_words"]),
        org_words=_words(raw["org_words"]),
        entity_kinds={str(k): str(v) for k, v in raw["entity_kinds"].items()},
        skipped_entity_labels=frozenset(str(x) for x in raw["skipped_entity_labels"]),
    )


# --------------------------------------------------------------------------- public types


@dataclass
class ClaimSpan:
    """One claim cut from a sentence, with the tokens it owns.

    `draft` is complete except for `quantities` and `event_date`, which the article assembler
    fills by giving each quantity and date mention to the claim whose `tokens` contain it.
    `tokens` are doc token indices of the claim itself (for the elided second half of
    "18 security guards were dead and 748 injured" only "748 injured …"). `report_tokens`
    are the tokens of the attribution governing it ("the Interior Ministry reported on
    Friday", "according to the Defense Ministry"): a date found there is the report date,
    which the assembler may use when the claim has no date of its own.
    """

    draft: ClaimDraft
    tokens: frozenset[int]
    report_tokens: frozenset[int] = frozenset()


# --------------------------------------------------------------------------- noise


def _body_start(sent: Span) -> int:
    """Index of the first token after a leading dateline ("ISTANBUL, Turkey (AP) --")."""
    match = lexicon().dateline.match(sent.text)
    if match is None:
        return sent.start
    cut = sent.start_char + match.end()
    for token in sent:
        if token.idx >= cut:
            return token.i
    return sent.end


def _has_predicate(tokens: Iterable[Token]) -> bool:
    return any(t.pos_ in _VERBAL_POS for t in tokens)


def _fully_quoted(sent: Span) -> bool:
    """True when the words sit inside one pair of quotes: "“criminals, murderers,”"."""
    words = [t for t in sent if not t.is_space]
    return bool(words) and words[0].tag_ in _OPEN_TAGS and words[-1].tag_ in _CLOSE_TAGS


# Real news sentences stay well under 100 tokens (the longest of the development corpus has
# 79). A "sentence" of hundreds is a table or list run together or a broken file ("Mr.Mr.Mr."
# a thousand times); its parse is no claim, and its dependency tree is so deep that walking it
# exhausted Python's recursion limit.
MAX_SENTENCE_TOKENS = 200


def is_noise(sent: Span) -> bool:
    """True for sentences that are page furniture, bylines, headers or empty fragments, or
    too long to be a sentence (`MAX_SENTENCE_TOKENS`).

    Such sentences never yield claims: "Leave a Reply", "Send this to a friend", a lone outlet
    name ("Bloomberg"), "By John Smith", a dateline standing alone, a quoted fragment with no
    predicate ("“criminals, murderers,”"). A verbless line that carries a number is kept
    ("Izmit 4,179 dead, 10,759 injured" is a fact table row, not noise).
    """
    if len(sent) > MAX_SENTENCE_TOKENS:
        return True
    lex = lexicon()
    text = sent.text.strip()
    # Page furniture may come glued together: "Leave a Reply\n\nSend this to a friend".
    lines = [" ".join(re.sub(r"[^\w\s']", " ", line.lower()).split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if all(line in lex.furniture for line in lines):
        return True
    if any(p.search(text) for p in lex.noise_patterns):
        return True
    body = [t for t in sent.doc[_body_start(sent) : sent.end] if not (t.is_punct or t.is_space)]
    if not body:
        return True
    if text.endswith(":"):
        return True  # a heading: "*DEAD:", "Timeline for EgyptAir Flight 990:"
    if text.rstrip("\"'" + _CURLY_QUOTES).endswith("?"):
        return True  # a question asserts nothing: "So who is Dave Brat, and how did he win?"
    if not _has_predicate(body):
        if lex.byline.match(text) or _fully_quoted(sent):
            return True
        # A verbless line is kept when it carries a number or enough words to be a
        # telegraphic statement ("Izmit 4,179 dead, 10,759 injured"); an outlet name
        # ("Bloomberg") or a quoted epithet is not.
        content = [t for t in body if t.pos_ in _CONTENT_POS and not t.is_stop]
        has_number = any(t.like_num or t.ent_type_ in _NUMERIC_LABELS for t in body)
        return not has_number and len(content) < _MIN_VERBLESS_WORDS
    root = sent.root
    # An imperative with nothing but its object ("Leave a Reply", "Click here") is an
    # instruction to the reader, not a statement about the world.
    return (
        root.tag_ == "VB"
        and root.i == body[0].i
        and not any(c.dep_ in _SUBJECT_DEPS | {"aux", "expl"} for c in root.children)
    )


# --------------------------------------------------------------------------- units


@dataclass(eq=False)
class _Unit:
    """A clause of the sentence, headed by one token (see the module docstring)."""

    head: Token
    role: _Role
    parent: _Unit | None
    is_report: bool = False
    members: set[int] = field(default_factory=set)
    attribution: set[int] = field(default_factory=set)
    source: Token | None = None
    aside: Token | None = None
    subject: list[Token] = field(default_factory=list)
    subject_carried: bool = False
    gap_noun: list[Token] = field(default_factory=list)


def _lower(token: Token) -> str:
    return token.lower_.replace(_CURLY_APOSTROPHE, "'")


def _lemma(token: Token) -> str:
    """Lower-case lemma; contractions with a curly apostrophe get their full verb.

    spaCy's small model gets contractions written with U+2019 wrong (the lemma of the "s" in
    "It's the inspiration" comes out as a bare apostrophe), so they are mapped through the
    lexicon after straightening the apostrophe: "'s" is ``be``, or ``have`` before a
    participle ("he's put his own Tesla Roadster on the flight").
    """
    text = token.lower_.replace(_CURLY_APOSTROPHE, "'")
    full = lexicon().contraction_lemmas.get(text)
    if full is not None and (token.pos_ in _VERBAL_POS or token.dep_ == "neg"):
        if text == "'s" and token.dep_ == "aux" and token.head.tag_ == "VBN":
            return "have"
        return full
    return token.lemma_.lower().replace(_CURLY_APOSTROPHE, "'")


def _is_numberish(token: Token) -> bool:
    return token.like_num or token.ent_type_ in _NUMERIC_LABELS or token.pos_ == "NUM"


def _own_subject(head: Token) -> Token | None:
    for child in head.children:
        if child.dep_ in _SUBJECT_DEPS:
            return child
    return None


def _gap_participle(token: Token) -> Token | None:
    """The participle of a gapped conjunct ("748 injured"), if `token` is one."""
    if token.pos_ not in {"NUM", "NOUN", "PROPN", "PRON"}:
        return None
    for child in token.children:
        if child.dep_ in {"acl", "amod"} and child.tag_ in {"VBN", "VBD", "JJ"}:
            return child
    return None


def _misparsed_gap(conj: Token) -> Token | None:
    """The bare-number subject of a coordinated verb when it is really a gapped conjunct.

    "Dozens of people have been killed and hundreds wounded" may come out with ``hundreds``
    as the subject of ``wounded`` (a ``conj`` of ``killed``), or — in "… and hundreds
    injured in Tokayev's response to the most serious challenge Kazakhstan's rulers have
    faced" — as the subject of ``faced``. Either way "and" + number + participle marks the
    gapped clause, whose number counts what the first clause counted.
    """
    subject = _own_subject(conj)
    if subject is None or not _is_numberish(subject) or subject.i == 0:
        return None
    if any(c.dep_ == "prep" and _lower(c) == "of" for c in subject.children):
        return None  # "… and hundreds of soldiers were wounded" names its own noun.
    participle = _gap_participle(subject)
    if participle is None and conj.tag_ == "VBN":
        participle = conj
    before = subject.doc[subject.i - 1]
    if participle is None or participle.i != subject.i + 1 or before.dep_ != "cc":
        return None
    return subject


def _gap_token(unit: _Unit) -> Token:
    """The number heading a gapped conjunct ("748" in "… and 748 injured")."""
    if unit.head.pos_ in _VERBAL_POS:
        return _misparsed_gap(unit.head) or unit.head
    return unit.head


def _is_wh_clause(head: Token) -> bool:
    """An embedded question ("indicated which forces they blame") is no reported fact."""
    left = head.left_edge
    if left.tag_ in _WH_TAGS:
        return True
    return any(c.dep_ == "mark" and _lower(c) in {"whether", "if"} for c in head.children)


def _content_heads(head: Token) -> list[Token]:
    """Reported clauses of a reporting verb: its ``ccomp`` children that are not questions."""
    if _lemma(head) not in lexicon().attribution_verbs:
        return []
    return [
        c
        for c in head.children
        if c.dep_ == "ccomp" and c.pos_ in _VERBAL_POS and not _is_wh_clause(c)
    ]


def _preceded_by(token: Token, text: str) -> bool:
    index = token.left_edge.i - 1
    return index >= 0 and token.doc[index].text == text


def _followed_by(token: Token, text: str) -> bool:
    index = token.right_edge.i + 1
    return index < len(token.doc) and token.doc[index].text == text


def _subtree_has_attribution(head: Token) -> bool:
    return any(_content_heads(t) or _source_phrase(t) is not None for t in head.subtree)


def _relative_pronoun(head: Token) -> Token | None:
    lex = lexicon()
    for child in head.children:
        if child.i < head.i and _lower(child) in lex.relativizers and child.tag_ in _WH_TAGS:
            return child
    return None


def _is_clause_conjunct(conj: Token) -> bool:
    """False for a bare participle coordinated with a finite verb.

    "Tokayev accepted … and fired …" and "were killed and injured" coordinate clauses, but in
    "describes a breach at TALX Corp., an Equifax subsidiary also called Equifax Workforce
    Solutions" the parser makes ``called`` a conjunct of ``describes``: a past participle
    with no subject and no auxiliary cannot share the tense of a finite verb.
    """
    if conj.tag_ != "VBN" or conj.head.tag_ not in {"VBD", "VBZ", "VBP"}:
        return True
    return any(c.dep_ in _SUBJECT_DEPS | {"aux", "auxpass"} for c in conj.children)


def _is_stated_apposition(child: Token) -> bool:
    """True for an apposition set off by commas that states an age or a role of a name.

    "Kerr, 44, killed himself" (a bare number up to `_MAX_AGE`) and "Tom Reyes, the club's
    captain, said" (a described noun) are propositions about Kerr and Reyes; "the capital,
    Ankara," only renames a place and stays inside its clause.
    """
    anchor = child.head
    if child.dep_ != "appos" or anchor.pos_ != "PROPN" or not _preceded_by(child, ","):
        return False
    if anchor.ent_type_ not in {"PERSON", "ORG"}:
        return False
    if any(t.pos_ in _VERBAL_POS for t in child.subtree):
        return False
    if child.like_num:
        number = child.text.replace(",", "")
        return (
            child.left_edge == child.right_edge and number.isdigit() and 0 < int(number) <= _MAX_AGE
        )
    return child.pos_ == "NOUN" and any(c.dep_ in {"det", "poss"} for c in child.children)


def _split_role(child: Token, unit: _Unit) -> _Role | None:
    """Whether `child` starts a new unit below `unit`, and in which role."""
    lex = lexicon()
    head = unit.head
    if child.dep_ == "conj" and child.head == head:
        if child.pos_ in _VERBAL_POS and _is_clause_conjunct(child):
            return "gapped" if _misparsed_gap(child) is not None else "conj"
        if head.pos_ in _VERBAL_POS and _gap_participle(child) is not None:
            return "gapped"
    if _is_stated_apposition(child):
        return "apposition"
    if unit.is_report and child.head == head:
        if child in _content_heads(head):
            return "content"
        # "…, adding that …" / "… as he declared victory": a second statement hanging off the
        # reporting verb would otherwise vanish into the attribution.
        if child.dep_ == "advcl" and (_content_heads(child) or _own_subject(child) is not None):
            return "side"
    # "Prices rose; wages fell." comes out with "rose" as a ccomp of "fell": whatever the
    # label, a clause that a semicolon cuts off from its head is a statement of its own; not
    # an open complement ending at the semicolon ("will attempt | to recover all three
    # boosters;"), which shares its head's subject and says nothing alone.
    if (
        child.pos_ in _VERBAL_POS
        and child.dep_ != "xcomp"
        and (_preceded_by(child, ";") or _followed_by(child, ";"))
    ):
        return "semicolon"
    relative = child.dep_ == "relcl" or (
        child.dep_ == "advcl" and _relative_pronoun(child) is not None
    )
    # Restrictive relative clauses name what they modify ("an officer who led operations in
    # Syria") and stay inside; non-restrictive ones (", which resulted in sanctions") and
    # those with their own attribution ("which, according to American intelligence, could
    # be preparation for an invasion") state a fact of their own.
    if relative and (_preceded_by(child, ",") or _subtree_has_attribution(child)):
        return "relative"
    # ", while the United States called for a peaceful resolution" contrasts a second fact;
    # without the comma "while" is temporal and stays: "accused the army of sleeping while
    # terrorists prepared attacks".
    if (
        child.dep_ == "advcl"
        and _own_subject(child) is not None
        and _preceded_by(child, ",")
        and any(c.dep_ == "mark" and _lower(c) in lex.contrast_marks for c in child.children)
    ):
        return "contrast"
    # "as officers closed in on him", "because controllers were on strike": a clause of time
    # or cause with a subject and a finite verb of its own states a fact of its own.
    if (
        child.dep_ == "advcl"
        and child.pos_ in _VERBAL_POS
        and _own_subject(child) is not None
        and any(c.dep_ == "mark" and _lower(c) in lex.asserting_marks for c in child.children)
        and not _non_finite(child, head)
    ):
        return "adverbial"
    return None


def _collect_units(root: Token) -> list[_Unit]:
    units: list[_Unit] = []

    def open_unit(head: Token, role: _Role, parent: _Unit | None) -> None:
        unit = _Unit(head=head, role=role, parent=parent, is_report=bool(_content_heads(head)))
        units.append(unit)
        scan(head, unit)

    def scan(token: Token, unit: _Unit) -> None:
        for child in token.children:
            role = _split_role(child, unit)
            if role is None:
                scan(child, unit)
            else:
                open_unit(child, role, unit)

    open_unit(root, "root", None)
    return units


def _assign_members(units: list[_Unit], body: Span) -> None:
    by_head = {u.head.i: u for u in units}
    for token in body:
        node = token
        while node.i not in by_head and node.head.i != node.i:
            node = node.head
        owner = by_head.get(node.i)
        if owner is not None:
            owner.members.add(token.i)


# --------------------------------------------------------------------------- attribution


def _source_phrase(token: Token) -> Token | None:
    """The source noun of "according to X" starting at `token`, else None."""
    first = _lower(token)
    for phrase in lexicon().source_phrases:
        if phrase[0] != first:
            continue
        end = token.i + len(phrase)
        if end > len(token.doc) or [_lower(t) for t in token.doc[token.i : end]] != list(phrase):
            continue
        for t in token.doc[end - 1].subtree:
            if t.dep_ == "pobj":
                return t
    return None


def _name_tokens(head: Token) -> list[Token]:
    """A noun phrase's name: the head, its left modifiers and ``of`` phrases."""
    picked = [head]
    for child in head.children:
        if (child.dep_ in _NAME_DEPS and child.i < head.i) or (
            child.dep_ == "prep" and _lower(child) == "of"
        ):
            picked.extend(child.subtree)
        elif child.dep_ == "appos" and child.left_edge.i == head.i + 1:
            # "the country's main miner Kazatomprom": a name right after its description.
            picked.extend(_name_tokens(child))
    following = head.doc[head.i + 1] if head.i + 1 < len(head.doc) else None
    if (
        following is not None
        and following.pos_ == "PROPN"
        and following.dep_ == head.dep_
        and following.head == head.head
    ):
        # The same description parsed as two subjects of one verb: "Kazakhstan's main miner
        # Kazatomprom has said …" gives ``miner`` and ``Kazatomprom`` both ``nsubj``.
        picked.extend(_name_tokens(following))
    return picked


def _span_text(tokens: Iterable[Token]) -> str:
    """Text from the first to the last token, without a leading article."""
    ordered = sorted(tokens, key=lambda t: t.i)
    while ordered and (
        (ordered[0].dep_ == "det" and _lower(ordered[0]) in _ARTICLES) or ordered[0].is_punct
    ):
        ordered = ordered[1:]
    while ordered and (ordered[-1].is_punct or ordered[-1].dep_ == "cc"):
        ordered = ordered[:-1]
    if not ordered:
        return ""
    doc = ordered[0].doc
    return doc_text(doc)[ordered[0].idx : ordered[-1].idx + len(ordered[-1])].strip()


def _antecedent(pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for.

    For a true ``relcl`` that is the noun it modifies. spaCy sometimes hangs ", which said …"
    on the main verb or on "according" instead; then the antecedent is the noun just before
    the comma, climbing out of trailing prepositions: "the Defense Ministry in Moscow, which
    said" → Ministry.
    """
    clause = pronoun.head
    if clause.dep_ == "relcl" and clause.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        return clause.head
    index = pronoun.i - 1
    doc = pronoun.doc
    while index >= 0 and doc[index].is_punct:
        index -= 1
    if index < 0 or doc[index].pos_ not in {"NOUN", "PROPN"}:
        return None
    noun = doc[index]
    while (
        noun.dep_ == "pobj"
        and noun.head.dep_ == "prep"
        and noun.head.head.pos_ in {"NOUN", "PROPN"}
    ):
        noun = noun.head.head
    return noun


def _resolve_subject_token(token: Token) -> Token:
    """Replace a relative pronoun by its antecedent; other tokens stay."""
    if _lower(token) in lexicon().relativizers and token.tag_ in {"WDT", "WP"}:
        return _antecedent(token) or token
    return token


def _speaker_name(token: Token) -> str:
    return _span_text(_name_tokens(_resolve_subject_token(token)))


def _speaking_subject(verb: Token) -> tuple[bool, Token | None]:
    """Whether a reporting verb fills its own speaker slot, and with which token.

    Active subject: (True, subject). Expletive "it appears that …": (True, None). Passive:
    the subject is the listener ("he was told he could take …"), so the speaker is the
    ``by`` agent or nobody. No subject at all ("…, and said …"): (False, None), the speaker
    comes from the clause the verb hangs on.
    """
    for child in verb.children:
        if child.dep_ == "expl" or (
            child.dep_ == "nsubj"
            and _lower(child) == "it"
            and _lemma(verb) in lexicon().hedging_reporting_verbs
        ):
            return True, None
        if child.dep_ in {"nsubj", "csubj"}:
            return True, child
        if child.dep_ in {"nsubjpass", "csubjpass"}:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            by = [c for c in agent.children if c.dep_ == "pobj"] if agent is not None else []
            return True, by[0] if by else None
    return False, None


def _report_speaker(report: _Unit) -> tuple[str | None, bool]:
    """The speaker of a reporting unit and whether it is already a name (not a pronoun).

    The subject of the reporting verb, or — for "…, and said …" and "…, adding that …" — the
    subject the verb shares with the clause it hangs from. A "citing X" participle is kept
    in brackets: "the Interfax press service reported, citing the ministry" →
    ``Interfax press service (citing ministry)``.
    """
    lex = lexicon()
    states_speaker, subject = _speaking_subject(report.head)
    name: str | None = None
    resolved = True
    if subject is not None:
        name = _speaker_name(subject)
        resolved = _resolve_subject_token(subject).pos_ != "PRON"
    elif states_speaker:
        pass
    elif report.parent is not None and report.parent.is_report:
        name, resolved = _report_speaker(report.parent)
    elif report.subject:
        name = _span_text(report.subject)
        resolved = not (len(report.subject) == 1 and report.subject[0].pos_ == "PRON")
    for child in report.head.children:
        if _lower(child) in lex.citing_words:
            cited = [c for c in child.children if c.dep_ in {"dobj", "pobj"}]
            if cited and name:
                name = f"{name} (citing {_speaker_name(cited[0])})"
    return name, resolved


def _with_commas(tokens: set[int], doc: Doc) -> set[int]:
    """`tokens` plus the commas right around them."""
    edges = (min(tokens) - 1, max(tokens) + 1)
    return tokens | {i for i in edges if 0 <= i < len(doc) and doc[i].text == ","}


def _take_attribution(unit: _Unit) -> None:
    """Move "according to X" and parenthetical reports out of a unit's claim tokens.

    A parenthetical report is a reporting verb with its own subject and no content of its
    own, hung on the claim as ``parataxis``: "But so far, **the officials said**, those
    inquiries had not provided useful information".
    """
    doc = unit.head.doc
    for child in unit.head.children:
        if (
            child.dep_ == "parataxis"
            and _lemma(child) in lexicon().attribution_verbs
            and _own_subject(child) is not None
            and not _content_heads(child)
        ):
            unit.attribution |= _with_commas({t.i for t in child.subtree}, doc) & unit.members
            unit.aside = child
    for index in sorted(unit.members):
        token = doc[index]
        noun = _source_phrase(token)
        if noun is None or index in unit.attribution:
            continue
        phrase = set(range(token.i, noun.right_edge.i + 1))
        unit.attribution |= _with_commas(phrase, doc) & unit.members
        unit.source = noun


# --------------------------------------------------------------------------- claim assembly


def _connector_tokens(unit: _Unit, split_heads: set[int]) -> set[int]:
    """Tokens that join this unit to a split-off one: "and", "but", "that", "while", "which"."""
    lex = lexicon()
    doc = unit.head.doc
    dropped: set[int] = set()
    for index in unit.members:
        token = doc[index]
        # "and" before a split conjunct: "…were dead and 748 injured".
        if token.dep_ in {"cc", "preconj"} and any(
            s.dep_ == "conj" and s.i in split_heads for s in token.head.children
        ):
            dropped.add(index)
    for child in unit.head.children:
        word = _lower(child)
        if child.dep_ == "mark" and (
            (unit.role == "content" and word == "that")
            or (unit.role == "contrast" and word in lex.contrast_marks)
            or (unit.role == "adverbial" and word in lex.asserting_marks)
        ):
            dropped.add(child.i)
    if unit.role == "relative":
        pronoun = _relative_pronoun(unit.head)
        if pronoun is not None:
            dropped.add(pronoun.i)
    return dropped


def _trim(doc_tokens: list[Token], sent: Span) -> list[Token]:
    """Drop edge punctuation, then re-add a quote or bracket the claim opened but cut off.

    The re-added mark must lie in `sent`: a closing quote the segmenter put into the next
    sentence stays there.

    "ordered security forces to shoot protesters “without warning” as he …" keeps its closing
    quote; "“Those who do not surrender will be destroyed,”" loses both.
    """
    tokens = list(doc_tokens)
    # A leading "But" / "And" links to the previous sentence, not part of the claim.
    while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].dep_ == "cc"):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ == "cc"):
        tokens.pop()
    if not tokens:
        return tokens
    doc = tokens[0].doc
    balance = sum(t.tag_ in _OPEN_TAGS for t in tokens) - sum(t.tag_ in _CLOSE_TAGS for t in tokens)
    if balance > 0:
        extra: list[Token] = []
        for t in doc[tokens[-1].i + 1 : sent.end]:
            if not t.is_punct:
                break
            extra.append(t)
            if t.tag_ in _CLOSE_TAGS:
                tokens.extend(extra)
                break
    elif balance < 0 and tokens[0].i > sent.start and doc[tokens[0].i - 1].tag_ in _OPEN_TAGS:
        tokens.insert(0, doc[tokens[0].i - 1])
    return tokens


def _run(head: Token, allowed: set[int]) -> list[Token]:
    """The contiguous stretch of `head`'s subtree around it whose tokens are all `allowed`."""
    inside = {t.i for t in head.subtree} & allowed
    doc = head.doc
    lo = hi = head.i
    while lo - 1 in inside:
        lo -= 1
    while hi + 1 in inside:
        hi += 1
    return list(doc[lo : hi + 1])


def _predicate_chain(head: Token) -> list[Token]:
    """The head and its verbal complements: "seemed set to rise" → seemed, set, rise.

    spaCy labels ``set`` in "seemed set to rise" (and ``likely`` in "seemed likely to climb")
    ``oprd``, so both ``xcomp`` and a verbal or adjectival ``oprd`` continue the chain.
    """
    chain = [head]
    node = head
    while True:
        nxt = next(
            (
                c
                for c in node.children
                if c.dep_ == "xcomp" or (c.dep_ == "oprd" and c.pos_ in _VERBAL_POS | {"ADJ"})
            ),
            None,
        )
        if nxt is None:
            return chain
        chain.append(nxt)
        node = nxt


def _contains(seq: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(seq[i : i + n]) == phrase for i in range(len(seq) - n + 1))


def _chain_words(chain: list[Token], members: set[int]) -> list[Token]:
    """The chain with its auxiliaries, particles and adverbs, in sentence order."""
    picked = {t.i: t for t in chain}
    for t in chain:
        for c in t.children:
            if c.dep_ in {"aux", "auxpass", "neg", "advmod", "prt", "acomp"} and c.i in members:
                picked[c.i] = c
    return [picked[i] for i in sorted(picked)]


def _is_negated(chain: list[Token], words: list[Token], tokens: list[Token]) -> bool:
    lex = lexicon()
    if any(t.dep_ == "neg" for t in words):
        return True
    arguments = [c for t in chain for c in t.children if c.dep_ in _SUBJECT_DEPS | {"dobj", "attr"}]
    for argument in arguments:
        # "No one was hurt", "There was no sign of …", "Neither CSTO nor … have indicated".
        if _lower(argument) in lex.negating_determiners or any(
            c.dep_ in {"det", "preconj", "neg"} and _lower(c) in lex.negating_determiners
            for c in argument.children
        ):
            return True
    lemmas = [_lemma(t) for t in tokens if not t.is_punct]
    if any(_contains(lemmas, phrase) for phrase in lex.negation_phrases):
        return True
    head = chain[0]
    # "Russia denies this": a denial whose object is a proposition negates it.
    if _lemma(head) in lex.denial_verbs:
        return any(
            c.dep_ in {"dobj", "ccomp"}
            and (c.dep_ == "ccomp" or _lemma(c) in lex.denied_objects or c.pos_ == "PRON")
            for c in head.children
        )
    return False


def _is_hedged(words: list[Token]) -> bool:
    lex = lexicon()
    for t in words:
        if t.tag_ == "MD" and _lemma(t) in lex.hedge_modals:
            return True
        if t.dep_ == "advmod" and _lower(t) in lex.hedge_adverbs:
            return True
    lemmas = [_lemma(t) for t in words]
    return any(_contains(lemmas, phrase) for phrase in lex.hedge_phrases)


def _governing_modality(verb: Token, members: set[int]) -> tuple[bool, bool]:
    """How a reporting verb colours its content: (negated, hedged).

    "Russia denied that troops were sent" negates the content; "officials believe", "reportedly
    said" and a negated report ("could not confirm that …") hedge it.
    """
    lex = lexicon()
    words = _chain_words(_predicate_chain(verb), members)
    lemma = _lemma(verb)
    report_negated = any(t.dep_ == "neg" for t in words)
    negated = lemma in lex.denial_verbs and not report_negated
    hedged = (
        report_negated
        or lemma in lex.hedging_reporting_verbs
        or any(
            (t.dep_ == "advmod" and _lower(t) in lex.hedge_adverbs)
            or (t.tag_ == "MD" and _lemma(t) in lex.hedge_modals)
            for t in words
        )
    )
    return negated, hedged


def _predicate(unit: _Unit, chain: list[Token], hedge_chain: bool) -> Token:
    """The token whose lemma names the claim's predicate."""
    if unit.role == "gapped":
        return _gap_participle(_gap_token(unit)) or unit.head
    if hedge_chain:
        # "The death toll seemed set to rise": the fact is about rising.
        return chain[-1]
    head = unit.head
    if _lemma(head) == "be":
        # "18 security guards were dead": the adjective carries the predicate.
        complement = next((c for c in head.children if c.dep_ == "acomp"), None)
        if complement is not None:
            return complement
    return head


def _predicate_text(token: Token) -> str:
    particles = [_lemma(c) for c in token.children if c.dep_ == "prt"]
    return " ".join([_lemma(token), *particles])


def _carried_subject(unit: _Unit) -> None:
    """Fill `unit.subject` from the clause itself or from what the sentence elided."""
    if unit.role == "apposition":
        # "Kerr, 44": the apposition is said of the name it follows.
        unit.subject = _name_tokens(unit.head.head)
        unit.subject_carried = True
        return
    own = _own_subject(unit.head)
    if unit.role == "gapped":
        gap = _gap_token(unit)
        unit.subject = [gap]
        parent_subject = unit.parent.subject if unit.parent else []
        if parent_subject and not any(c.dep_ == "prep" and _lower(c) == "of" for c in gap.children):
            unit.gap_noun = _counted_noun(parent_subject)
        return
    if own is not None and own.i not in unit.members:
        own = None  # the parser took a dateline word for the subject: "ANKARA, August 17 …"
    if own is not None:
        resolved = _resolve_subject_token(own)
        if resolved is not own:
            unit.subject = _name_tokens(resolved)
            unit.subject_carried = True
        else:
            unit.subject = _run(own, unit.members)
        return
    if any(c.dep_ == "expl" for c in unit.head.children):
        # "There was no sign of a disruption": the subject is what there was.
        attr = next((c for c in unit.head.children if c.dep_ == "attr"), None)
        if attr is not None:
            unit.subject = _run(attr, unit.members)
        return
    if unit.role in {"conj", "side"} and unit.parent is not None and unit.parent.subject:
        # "Tokayev accepted the resignation and fired several officials": Tokayev fired.
        unit.subject = list(unit.parent.subject)
        unit.subject_carried = True


def _counted_noun(subject: list[Token]) -> list[Token]:
    """What a gapped number counts, taken from the first conjunct's subject.

    "18 security guards were dead and 748 injured" → security guards;
    "Dozens of people have been killed and hundreds injured" → of people.
    """
    if not subject:
        return []
    head = next((t for t in subject if t.head not in subject or t.head == t), subject[0])
    if _is_numberish(head):
        of = next((c for c in head.children if c.dep_ == "prep" and _lower(c) == "of"), None)
        return list(of.subtree) if of is not None else []
    dropped = {
        t.i
        for c in head.children
        if c.dep_ in {"nummod", "det", "quantmod", "prep", "relcl", "acl", "punct"}
        for t in c.subtree
    }
    return [t for t in subject if t.i not in dropped and not _is_numberish(t)]


def _object_text(chain: list[Token], members: set[int]) -> str | None:
    members = members - {t.i for t in chain}
    for dep in _OBJECT_DEPS:
        for t in reversed(chain):
            if dep == "attr" and any(c.dep_ == "expl" for c in t.children):
                continue  # "There was no sign of …": the attribute is the subject.
            found = next(
                (
                    c
                    for c in t.children
                    if c.dep_ == dep and c.i in members and c.pos_ not in _VERBAL_POS
                ),
                None,
            )
            if found is not None:
                return _span_text(_run(found, members)) or None
    return None


def _normal_words(tokens: Iterable[Token]) -> list[str]:
    return [
        _lemma(t)
        for t in tokens
        if not (t.is_punct or t.is_space) and not (t.dep_ == "det" and _lower(t) in _ARTICLES)
    ]


def _normalized(unit: _Unit, tokens: list[Token]) -> str:
    words: list[str] = []
    if unit.subject_carried:
        words.extend(_normal_words(sorted(unit.subject, key=lambda t: t.i)))
    for t in tokens:
        words.extend(_normal_words([t]))
        if unit.role == "gapped" and t.i == _gap_token(unit).i:
            words.extend(_normal_words(unit.gap_noun))
    return " ".join(" ".join(words).split())


_ENTITIES_KEY = "factdb.entities"


def _doc_entities(doc: Doc) -> list[tuple[int, int, str, str]]:
    """The entities of a parsed text as (start, end, text, label), read once per Doc: a
    span's ``ents`` walks every token of its Doc, and every claim asks for them."""
    found = doc.user_data.get(_ENTITIES_KEY)
    if found is None:
        found = doc.user_data[_ENTITIES_KEY] = [
            (ent.start, ent.end, ent.text, ent.label_) for ent in doc.ents
        ]
    return found


def entities_within(sent: Span, token_ids: set[int]) -> list[Entity]:
    """The named entities of `sent` lying wholly within `token_ids`, dates and numbers aside."""
    skipped = lexicon().skipped_entity_labels
    seen: dict[tuple[str, str], Entity] = {}
    for start, end, text, label in _doc_entities(sent.doc):
        if start < sent.start or end > sent.end or label in skipped:
            continue
        if all(i in token_ids for i in range(start, end)):
            seen.setdefault((text, label), Entity(text, label))
    return list(seen.values())


def _ancestors(unit: _Unit) -> Iterator[_Unit]:
    node = unit.parent
    while node is not None:
        yield node
        node = node.parent


def split_claims(
    sent: Span, sentence_index: int, coreference: Coreference | None = None
) -> list[ClaimSpan]:
    """Cut one parsed sentence into atomic claims (empty for noise, see `is_noise`).

    `sentence_index` is stored on every draft. Quantities and the event date are left for
    the assembler; everything else in `ClaimDraft` is filled. Claims come in text order.
    `coreference` (of the whole parsed text) gives the standalone form and the subject's
    entity; without it both stay None (the standalone form is then the text itself).
    """
    if is_noise(sent):
        return []
    doc = sent.doc
    body = doc[_body_start(sent) : sent.end]
    units = _collect_units(sent.root)
    _assign_members(units, body)
    for unit in units:
        _take_attribution(unit)
    for unit in units:  # parents come before children in `units`
        _carried_subject(unit)
    sentence_has_verb = _has_predicate(body)
    if sentence_has_verb:
        units = _fold_noun_phrases(units)
    final_source = _sentence_final_source(units, body)
    split_heads = {u.head.i for u in units if u.parent is not None}

    claims: list[ClaimSpan] = []
    for unit in units:
        if unit.is_report:
            continue
        kept = unit.members - unit.attribution - _connector_tokens(unit, split_heads)
        tokens = _trim([doc[i] for i in sorted(kept)], sent)
        if not tokens or not _has_words(tokens):
            continue
        if (
            sentence_has_verb
            and unit.parent is None
            and not (_has_predicate(tokens) or is_figure_statement(tokens))
        ):
            # A verbless root the folding left (its clauses below are all attribution): no
            # proposition, and its numbers go to the nearest claim.
            continue
        claim = _build_claim(sent, sentence_index, unit, tokens, final_source)
        if coreference is not None:
            _make_standalone(claim.draft, unit, claim.tokens, coreference)
        claims.append(claim)
    claims.sort(key=lambda c: (c.draft.start, c.draft.end))
    return claims


def is_figure_statement(tokens: Iterable[Token]) -> bool:
    """A verbless statement of a figure, its copula implied: a number and an adjective or
    participle saying what it is ("Istanbul 984 dead", "2,924 injured")."""
    words = list(tokens)
    return any(_is_numberish(t) for t in words) and any(
        t.pos_ == "ADJ" or t.tag_ == "VBN" for t in words if not _is_numberish(t)
    )


def _fold_noun_phrases(units: list[_Unit]) -> list[_Unit]:
    """The units, those without a verb of their own given back to the unit above them.

    A noun phrase the parse cut off as a clause ("…, as well as Nato special forces"; "…;
    Charles Dolan, the neighbour") is no proposition: it stays part of the clause it belongs
    to, with its numbers; a verbless root goes to its first clause. Appositions and
    telegraphic figures (`is_figure_statement`) state their copula and stay. Deepest units go
    first, so a chain folds all the way up.
    """
    folded: set[int] = set()
    for unit in reversed(units):  # children come after their parents in `units`
        if unit.role == "apposition" or unit.is_report:
            continue
        own = [unit.head.doc[i] for i in unit.members - unit.attribution]
        if _has_predicate(own) or is_figure_statement(own):
            continue
        if unit.parent is not None:
            receiver: _Unit | None = unit.parent
        else:
            # A verbless root over clauses of its own ("sewage and disposing of bodies … in
            # (95-degree) heat"): its words go to its first clause that states something.
            receiver = next(
                (
                    u
                    for u in units
                    if u.parent is unit and not u.is_report and u.role != "apposition"
                ),
                None,
            )
        if receiver is not None:
            receiver.members |= unit.members
            receiver.attribution |= unit.attribution
            folded.add(id(unit))
    return [unit for unit in units if id(unit) not in folded]


def _embedded(own: frozenset[int], doc: Doc) -> frozenset[int]:
    """The tokens inside a claim's evidence that are not its own (an embedded relative clause,
    apposition or attribution), with the commas that set them off: in "Kerr, 44, killed
    himself" the ", 44," of the apposition."""
    holes = {i for i in range(min(own), max(own) + 1) if i not in own}
    for i in sorted(holes):
        if i - 1 not in holes and doc[i - 1].text == "," and i + 1 < len(doc):
            end = i
            while end in holes:
                end += 1
            if end < len(doc) and doc[end].text in {",", ")"} and end <= max(own):
                holes |= {i - 1, end}
    return frozenset(holes)


def _make_standalone(
    draft: ClaimDraft, unit: _Unit, own: frozenset[int], coreference: Coreference
) -> None:
    """Fill `draft.standalone` and `draft.subject_entity` (see `ClaimDraft`).

    An apposition states its copula ("Kerr, 44" → "Kerr is 44 years old", "Ivo Marsh is the
    coach of Dunmore City"); what the evidence embeds of other claims is left out ("The
    union, which represents 3,000 workers, is demanding a raise" → "The union is demanding a
    raise"); a clause whose subject lies outside its evidence gets it back in front ("…, who
    was arrested on Monday" → "Maria Lopez was arrested on Monday"; "He is married and has
    two children" → "Kerr has two children"), with the auxiliaries a bare participle shares
    ("He had been robbed, beaten …" → "Shepard had been beaten").
    """
    subject = sorted(unit.subject, key=lambda t: t.i)
    if subject and unit.subject_carried:
        # "the union, which represents …" → "The union represents …", not "union represents".
        head = next((t for t in subject if t.head not in subject or t.head == t), subject[0])
        article = [c for c in head.children if c.dep_ == "det" and c.i == subject[0].i - 1]
        subject = article + subject
    if unit.role == "apposition":
        stated = draft.object
        if unit.head.like_num:
            stated = f"{stated} years old"  # an age: "Kerr, 44"
        draft.standalone = f"{coreference.name_of(subject)} is {stated}"
    else:
        skip = _embedded(own, unit.head.doc) if own else frozenset()
        body = coreference.rewrite(draft.start, draft.end, skip)
        outside = subject and all(t.idx < draft.start or t.idx >= draft.end for t in subject)
        if outside and unit.role != "gapped":
            name = coreference.name_of(subject)
            shared = _shared_auxiliaries(unit)
            body = " ".join([f"{name[:1].upper()}{name[1:]}", *shared, body])
        draft.standalone = body
    if subject:
        root = next((t for t in subject if t.head not in subject or t.head == t), subject[0])
        referent = coreference.referent(root)
        draft.subject_entity = referent.name if referent is not None else None


def _shared_auxiliaries(unit: _Unit) -> list[str]:
    """The auxiliaries a bare conjunct shares with the verb it is coordinated with: "had
    been" for ``beaten`` in "He had been robbed, beaten and pistol-whipped"."""
    first = unit
    while first.role == "conj" and first.parent is not None:
        first = first.parent  # "pistol-whipped" is a conjunct of "beaten", of "robbed"
    if first is unit or _own_subject(unit.head) is not None:
        return []
    if any(c.dep_ in {"aux", "auxpass"} for c in unit.head.children):
        return []
    if not _non_finite(unit.head, first.head):
        return []
    return [c.text for c in first.head.children if c.dep_ in {"aux", "auxpass", "neg"}]


def _has_words(tokens: list[Token]) -> bool:
    return any(t.is_alpha or t.like_num for t in tokens)


def _sentence_final_source(units: list[_Unit], body: Span) -> _Unit | None:
    """A unit whose "according to X" closes the sentence.

    "Five people died and three were injured, according to police": spaCy hangs the phrase on
    the last conjunct, but it attributes the whole sentence.
    """
    words = [t for t in body if not t.is_punct]
    if not words:
        return None
    for unit in units:
        if unit.source is not None and unit.source.right_edge.i == words[-1].i:
            return unit
    return None


@dataclass
class _Attribution:
    """Who a claim is attributed to, and how the attributing verbs colour it."""

    speaker: str | None = None
    resolved: bool = True
    tokens: set[int] = field(default_factory=set)
    negated: bool = False
    hedged: bool = False


def _attribution(unit: _Unit, final_source: _Unit | None) -> _Attribution:
    """Walk up the unit tree: the nearest attribution names the speaker.

    Every reporting verb the claim is reported through applies its modality
    ("Officials believe Russia denied that …" is hedged and negated). A side clause of a
    reporting verb ("… as he declared victory") is the narrator's, so the walk stops there.
    """
    found = _Attribution(tokens=set(unit.attribution))
    _own_source(unit, found)
    child = unit
    for ancestor in _ancestors(unit):
        if ancestor.is_report and child.role == "content":
            if found.speaker is None:
                found.speaker, found.resolved = _report_speaker(ancestor)
                found.tokens |= ancestor.members
            negated, hedged = _governing_modality(ancestor.head, ancestor.members)
            found.negated ^= negated
            found.hedged = found.hedged or hedged
        elif ancestor.is_report:
            break
        elif found.speaker is None:
            _own_source(ancestor, found)
        child = ancestor
    if found.speaker is None and final_source is not None and final_source.source is not None:
        found.speaker = _speaker_name(final_source.source)
        found.tokens |= final_source.attribution
    return found


def _own_source(unit: _Unit, found: _Attribution) -> None:
    """Fill `found` from the unit's own "according to X" or parenthetical "X said"."""
    if unit.source is not None:
        found.speaker = _speaker_name(unit.source)
        found.tokens |= unit.attribution
    elif unit.aside is not None:
        _, subject = _speaking_subject(unit.aside)
        if subject is not None:
            found.speaker = _speaker_name(subject)
            found.resolved = _resolve_subject_token(subject).pos_ != "PRON"
        negated, hedged = _governing_modality(unit.aside, {t.i for t in unit.aside.subtree})
        found.negated ^= negated
        found.hedged = found.hedged or hedged
        found.tokens |= unit.attribution


def _non_finite(conj: Token, first: Token) -> bool:
    """True when `conj` has no tense of its own and leans on `first`'s auxiliaries.

    A regular participle after a passive is often tagged as a past tense: in "could be
    blocked again and disrupted for days" ``disrupted`` comes out ``VBD``.
    """
    if conj.tag_ in {"VB", "VBN", "VBG"}:
        return True
    return (
        conj.tag_ == "VBD"
        and first.tag_ == "VBN"
        and any(c.dep_ == "auxpass" for c in first.children)
        and not any(c.dep_ in {"aux", "auxpass"} for c in conj.children)
    )


def _shared_modality(unit: _Unit) -> tuple[bool, bool]:
    """(negated, hedged) a conjunct inherits from the verb it is coordinated with.

    A conjunct with no subject and no finite verb of its own shares the first verb's
    auxiliaries: "could be blocked and disrupted", "were not killed or injured",
    "were dead and 748 injured".
    """
    parent = unit.parent
    if parent is None or unit.role not in {"conj", "gapped"}:
        return False, False
    if unit.role == "conj" and (
        _own_subject(unit.head) is not None or not _non_finite(unit.head, parent.head)
    ):
        return False, False
    words = _chain_words(_predicate_chain(parent.head), parent.members)
    return any(t.dep_ == "neg" for t in words), _is_hedged(words)


def _build_claim(
    sent: Span,
    sentence_index: int,
    unit: _Unit,
    tokens: list[Token],
    final_source: _Unit | None,
) -> ClaimSpan:
    lex = lexicon()
    doc = sent.doc
    token_ids = {t.i for t in tokens}
    chain = _predicate_chain(unit.head)
    words = _chain_words(chain, unit.members)
    hedge_chain = len(chain) > 1 and any(
        _contains([_lemma(t) for t in words], phrase) for phrase in lex.hedge_phrases
    )
    shared_negated, shared_hedged = _shared_modality(unit)
    attribution = _attribution(unit, final_source)
    negated = (_is_negated(chain, words, tokens) or shared_negated) ^ attribution.negated
    hedged = _is_hedged(words) or shared_hedged or attribution.hedged
    speaker = attribution.speaker

    pred_token = _predicate(unit, chain, hedge_chain)
    subject = _span_text(unit.subject) if unit.subject else None
    if unit.role == "gapped" and unit.gap_noun:
        subject = f"{_gap_token(unit).text} {_span_text(unit.gap_noun)}"
    entity_ids = token_ids | ({t.i for t in unit.subject} if unit.subject_carried else set())
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1])
    predicate = _predicate_text(pred_token)
    object_text = _object_text(chain, unit.members - unit.attribution)
    if unit.role == "apposition":
        # "Kerr, 44": the evidence starts at the name; the apposition is what Kerr is.
        start = min(t.idx for t in unit.subject)
        # As written, article included: "Ivo Marsh is the coach of Dunmore City".
        predicate = "be"
        object_text = doc_text(doc)[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]
    draft = ClaimDraft(
        sentence_index=sentence_index,
        start=start,
        end=end,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        text=doc_text(doc)[start:end],
        normalized=_normalized(unit, tokens),
        subject=subject or None,
        predicate=predicate,
        object=object_text,
        speaker=speaker or None,
        speaker_resolved=attribution.resolved if speaker else True,
        polarity=Polarity.NEGATED if negated else Polarity.ASSERTED,
        hedged=hedged,
        entities=entities_within(sent, entity_ids),
    )
    return ClaimSpan(
        draft=draft,
        tokens=frozenset(token_ids),
        report_tokens=frozenset(attribution.tokens - token_ids),
    )


# --------------------------------------------------------------------------- pronoun speakers


def _speaker_kind(name: str, known: dict[str, str]) -> str | None:
    """``person``, ``people``, ``org`` or None (unknown) for a named speaker or subject.

    Title and institution words decide first ("President Kassym-Jomart Tokayev" is a person,
    "officials" people, "Interfax press service" an organisation); otherwise an entity of
    the same article with that text, maybe followed by an apposition ("Nazarbayev, 81").
    """
    lex = lexicon()
    base = name.split(" (citing ")[0]
    words = [w.strip(".,'\"" + _CURLY_APOSTROPHE).lower() for w in base.split()]
    words = [w for w in words if w]
    if not words:
        return None
    if words[-1] in lex.org_words:
        return "org"
    last = words[-1]
    # A plural of a person word: "officials", "witnesses".
    if last not in lex.person_words and {last[:-1], last[:-2]} & lex.person_words:
        return "people"
    if any(w in lex.person_words for w in words):
        return "person"
    if any(w in lex.org_words for w in words):
        return "org"
    return known.get(base.split(",")[0].strip())


def _article_names(claims: list[ClaimDraft]) -> dict[str, str]:
    """Entity text → kind, by majority over the article's mentions.

    spaCy's small model tags the same name differently from sentence to sentence
    ("Nazarbayev" as ORG, "Nursultan Nazarbayev" as PERSON); votes are pooled per word of
    the name so that both spellings count, and a tie leaves the name unknown.
    """
    lex = lexicon()
    votes: dict[str, Counter[str]] = {}
    for claim in claims:
        for ent in claim.entities:
            kind = lex.entity_kinds.get(ent.label)
            if kind is not None:
                for word in ent.text.split():
                    if word[:1].isupper():
                        votes.setdefault(word, Counter())[kind] += 1
    known: dict[str, str] = {}
    for claim in claims:
        for ent in claim.entities:
            tally: Counter[str] = Counter()
            for word in ent.text.split():
                tally.update(votes.get(word, Counter()))
            ranked = tally.most_common(2)
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                known[ent.text] = ranked[0][0]
    return known


def _named(text: str | None, known: dict[str, str]) -> str | None:
    """The kind of `text` if it names someone: not a pronoun, and of a known kind.

    "Kazakh protests" is no name even when "Kazakh" alone was tagged PERSON.
    """
    if not text or text.lower() in lexicon().pronoun_speakers:
        return None
    return _speaker_kind(text, known)


def resolve_pronoun_speakers(claims: list[ClaimDraft]) -> None:
    """Tie pronoun speakers (he, she, they, it) to the name they stand for, in place.

    `claims` are one article's claims in text order. Walking back at most a few sentences,
    the referent is the nearest compatible name: a claim's named speaker first, then its
    named subject ("Tokayev accepted the resignation … He also declared that …"). ``he`` and
    ``she`` need a person, ``it`` an organisation, ``they`` an organisation or a group of
    people ("officials"). The pronoun stays
    (``speaker_resolved=False``) when the choice is not clear:

    - no compatible name within reach;
    - a named speaker of unknown kind comes first (it might be the referent);
    - for he/she, another person is named between the referent and the pronoun, or beside a
      subject referent in its own claim ("Tokayev met Putin. He said …"); organisations and
      places are mentioned too often to count as rivals for it/they.
    """
    lex = lexicon()
    known = _article_names(claims)
    # Claims of one reporting verb share its pronoun: resolve once per sentence and pronoun.
    decided: dict[tuple[int, str], str | None] = {}
    for index, claim in enumerate(claims):
        pronoun = (claim.speaker or "").lower()
        wanted = lex.pronoun_speakers.get(pronoun)
        if wanted is None:
            continue
        key = (claim.sentence_index, pronoun)
        if key not in decided:
            decided[key] = _referent(claims[:index], claim.sentence_index, wanted, known)
        name = decided[key]
        if name is not None:
            claim.speaker = name
            claim.speaker_resolved = True


def _referent(
    earlier: list[ClaimDraft],
    sentence_index: int,
    wanted: frozenset[str],
    known: dict[str, str],
) -> str | None:
    """The name a pronoun of one of the `wanted` kinds in `sentence_index` stands for."""
    rivals: set[str] = set()
    for claim in reversed(earlier):
        if claim.sentence_index < sentence_index - _RESOLUTION_WINDOW:
            return None
        people = (
            {e.text for e in claim.entities if known.get(e.text) == "person"}
            if "person" in wanted
            else set()
        )
        if claim.speaker and claim.speaker_resolved:
            kind = _speaker_kind(claim.speaker, known)
            if kind is None:
                return None
            if kind in wanted:
                return _unless_rivals(claim.speaker, rivals)
        if claim.subject and _named(claim.subject, known) in wanted:
            return _unless_rivals(claim.subject, rivals | people)
        rivals |= people
    return None


def _unless_rivals(name: str, rivals: set[str]) -> str | None:
    """`name`, unless a rival name that is not part of it makes the pronoun ambiguous."""
    return name if all(rival in name for rival in rivals) else None
