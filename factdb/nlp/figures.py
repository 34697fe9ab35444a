"""One figure, one claim: a claim stating several numbers is cut into claims of one figure each.

A clause often packs several checkable propositions into its numbers: "Bolu 226 dead, 1,159
injured", "the death toll in the 7.4-magnitude quake has surpassed 12,000", "the jet crashed 40
minutes into its flight, killing all 217 aboard", "a dive from 33,000 feet to 16,700 feet".
Each number is its own proposition (DOMAIN.md, "Atomic claim"): it can be confirmed or
contradicted on its own, so it is compared on its own.

The claim keeps its **main figure** (the one its predicate governs, else the first that counts
something with a predicate of its own, else its first) with its full text. Every other figure
becomes a claim of its own whose evidence is the figure's phrase when that phrase has a verb of
its own: the stretch of the clause around it up to a separator or the next figure ("with 33,559
injured", "1,159 injured", "killing all 217 aboard"). A phrase without a verb is no
proposition a reader could check ("the 7.4-magnitude quake", "two embassies"), so such a
figure keeps the evidence of the clause it came from. That claim shares the sentence, speaker,
subject, polarity, hedging and event date of the claim it came from, and its predicate is the
figure's own when it has one.

A figure restated in other units ("70 meters (229.6 feet)", "3:02 a.m. (0002 GMT)") is one
figure: the restatement stays with it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from factdb.nlp.claims import entities_within
from factdb.nlp.coreference import Coreference
from factdb.nlp.pipeline import doc_text
from factdb.nlp.types import ClaimDraft, Quantity

# Between a figure and its restatement in other units: "70 meters (229.6 feet)", "63,800kg or
# 140,660 lb", "40 feet, or 12 meters".
_RESTATEMENT_GAP = re.compile(r"\s*(?:\(|,?\s*or\s+|/)\s*(?:about\s+|some\s+|nearly\s+)?")
# Tokens a figure's phrase does not reach across.
_SEPARATOR_TEXTS = frozenset({",", ";", ":", "--", "—", "–", "(", ")", "[", "]"})
_SEPARATOR_WORDS = frozenset({"and", "but", "or", "while", "whereas", "with", "followed"})
# Dependencies by which a number modifies the noun it belongs to ("the 7.4-magnitude quake").
_MODIFIER_DEPS = frozenset({"nummod", "amod", "compound", "quantmod"})
# Words that cannot end a phrase: "into its", "to the", "and".
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PRON", "PART"})
_ARTICLES = frozenset({"a", "an", "the"})
_VERBAL_POS = frozenset({"VERB", "AUX"})


def _groups(quantities: list[Quantity], text: str) -> list[list[Quantity]]:
    """Quantities in text order, a figure and its restatements in other units together."""
    groups: list[list[Quantity]] = []
    for quantity in sorted(quantities, key=lambda q: q.start):
        if groups:
            last = groups[-1][-1]
            gap = text[last.end : quantity.start]
            if (
                last.unit is not None
                and quantity.unit is not None
                and _RESTATEMENT_GAP.fullmatch(gap)
            ):
                groups[-1].append(quantity)
                continue
        groups.append([quantity])
    return groups


def _main_group(groups: list[list[Quantity]], predicate: str | None) -> int:
    """Index of the figure the claim is most about (see the module docstring)."""

    def rank(index: int) -> tuple[bool, bool, bool, int]:
        q = groups[index][0]
        return (q.predicate != predicate, q.predicate is None, q.counted is None, q.start)

    return min(range(len(groups)), key=rank)


def _is_separator(token: Token) -> bool:
    return token.text in _SEPARATOR_TEXTS or token.lower_ in _SEPARATOR_WORDS


def _phrase(doc: Doc, group: list[Quantity], lo: int, hi: int) -> tuple[int, int]:
    """Token range ``[start, end)`` of a figure's phrase within tokens ``[lo, hi)``."""
    first = min(q.token_start for q in group)
    last = max(q.token_end for q in group)
    tokens = [doc[i] for i in range(first, last)]
    root = next((t for t in tokens if not first <= t.head.i < last), tokens[-1])
    head = root.head
    if (
        root.dep_ in _MODIFIER_DEPS
        and head.pos_ in ("NOUN", "PROPN")
        and last <= head.i < hi
        and all(not _is_separator(doc[i]) for i in range(last, head.i))
    ):
        start = max(lo, min(head.left_edge.i, first))
        while start < first and _is_separator(doc[start]):
            start += 1
        return start, head.i + 1
    start = first
    while start > lo and not _is_separator(doc[start - 1]):
        start -= 1
    end = last
    while end < hi and not _is_separator(doc[end]):
        end += 1
    # "… 40 minutes into its | 11-hour flight": no dangling words before the next figure.
    while end > last and (
        doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].pos_ in _DANGLING
    ):
        end -= 1
    return start, end


def _figure_claim(
    doc: Doc,
    parent: ClaimDraft,
    group: list[Quantity],
    span: tuple[int, int],
    stretch: tuple[int, int],
    coreference: Coreference | None,
) -> ClaimDraft:
    """The claim of one secondary figure of `parent`, its evidence the tokens of `span`
    (or the parent's evidence when `span` has no verb, see the module docstring).

    Its entities and its normalized words are those between the neighbouring figures
    (`stretch`): in "followed by Bristol with 1,400 and Leeds with 984", Leeds is named for
    984, even though the parse gave the name to no claim; in "bringing the total to 145.5
    million people who had their data exposed", "exposed" says what the figure counts.
    """
    text = doc_text(doc)
    tokens = [doc[i] for i in range(*span)]
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    # The figure's own times are those of its phrase, whatever evidence shows it.
    times = [t for t in parent.times if start <= t.start and t.end <= end]
    standalone = coreference.rewrite(start, end) if coreference is not None else None
    if not any(t.pos_ in _VERBAL_POS for t in tokens):
        start, end, standalone = parent.start, parent.end, parent.standalone
    words = [
        t.lemma_.lower()
        for t in doc[stretch[0] : stretch[1]]
        if not (t.is_punct or t.is_space or t.lower_ in _ARTICLES)
    ]
    evidence = text[start:end]
    predicate = next((q.predicate for q in group if q.predicate), None) or parent.predicate
    return replace(
        parent,
        start=start,
        end=end,
        text=evidence,
        normalized=" ".join(words),
        predicate=predicate,
        object=None,
        quantities=list(group),
        times=times,
        standalone=standalone,
        entities=entities_within(doc[stretch[0] : stretch[1]], set(range(*stretch))),
    )


def split_figures(
    doc: Doc, claim: ClaimDraft, coreference: Coreference | None = None
) -> list[ClaimDraft]:
    """`claim` with its main figure, then one claim for each other figure (module docstring).

    A claim with at most one figure is returned as it is. `coreference` gives a figure's own
    phrase its standalone form.
    """
    text = doc_text(doc)
    groups = _groups(claim.quantities, text)
    if len(groups) < 2:
        return [claim]
    main = _main_group(groups, claim.predicate)
    sentence = doc.char_span(claim.sentence_start, claim.sentence_end, alignment_mode="expand")
    lo, hi = (sentence.start, sentence.end) if sentence is not None else (0, len(doc))
    taken = {i for g in groups for q in g for i in range(q.token_start, q.token_end)}
    figures: list[ClaimDraft] = []
    for index, group in enumerate(groups):
        if index == main:
            continue
        own = {i for q in group for i in range(q.token_start, q.token_end)}
        others = sorted(taken - own)
        first = min(own)
        # The phrase stops short of the neighbouring figures.
        left = max([i + 1 for i in others if i < first], default=lo)
        right = min([i for i in others if i > first], default=hi)
        span = _phrase(doc, group, left, right)
        figures.append(_figure_claim(doc, claim, group, span, (left, right), coreference))
    return [replace(claim, quantities=list(groups[main])), *figures]
