"""Evidence in context: a claim's sentence and evidence marked inside the stored article text
around them, and an article's text with each claim's evidence linked to the claim.

Pure functions over text and the stored offsets (`factdb.query.claims.text_windows` cuts the
window): the templates print the segments, marking each by its role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

# How far a partial word at a cut edge is looked into before the cut is left as it is.
_WORD_EDGE = 40


@dataclass(frozen=True)
class Segment:
    """A run of text and what it is: ``context`` (around the claim), ``sentence`` (the
    claim's sentence) or ``evidence`` (the words the claim was read from); on an article page
    a claim's evidence also names the claim."""

    text: str
    role: str
    claim_id: int | None = None


@dataclass(frozen=True)
class Passage:
    """A window of text around a claim: the text before its sentence, the sentence (its
    segments: ``sentence`` words and the ``evidence`` within), the text after, and whether the
    article goes on before and after the window."""

    before: str
    sentence: list[Segment]
    after: str
    cut_before: bool
    cut_after: bool


def _word_edges(text: str, cut_before: bool, cut_after: bool) -> tuple[int, int]:
    """Where the window starts and ends once a word cut in half at either edge is dropped."""
    start, end = 0, len(text)
    if cut_before:
        space = next((i for i, c in enumerate(text[:_WORD_EDGE]) if c.isspace()), None)
        start = 0 if space is None else space + 1
    if cut_after:
        tail = text[-_WORD_EDGE:]
        space = next((i for i in range(len(tail) - 1, -1, -1) if tail[i].isspace()), None)
        end = len(text) if space is None else len(text) - len(tail) + space
    return start, max(start, end)


def _split(text: str, offset: int, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """`text` (which starts at `offset` of the whole text) cut into segments: each piece
    takes the role of the last span covering it (spans given outermost first), else
    ``context``."""
    local = [(max(s - offset, 0), min(e - offset, len(text)), role) for s, e, role in spans]
    cuts = sorted({0, len(text), *(p for s, e, _ in local if s < e for p in (s, e))})
    segments: list[Segment] = []
    for left, right in pairwise(cuts):
        role = "context"
        for s, e, covering in local:
            if s <= left and right <= e:
                role = covering
        if segments and segments[-1].role == role:
            segments[-1] = Segment(segments[-1].text + text[left:right], role)
        else:
            segments.append(Segment(text[left:right], role))
    return segments


def claim_passage(window: dict[str, Any], evidence: dict[str, Any]) -> Passage:
    """A claim's window of text (`text_windows`) with its sentence and evidence marked
    (`evidence` is the claim record's: offsets into the same text)."""
    text, start, length = window["text"], window["start"], window["length"]
    cut_before, cut_after = start > 0, start + len(text) < length
    first, last = _word_edges(text, cut_before, cut_after)
    spans = [
        (evidence["sentence_start"], evidence["sentence_end"], "sentence"),
        (evidence["start"], evidence["end"], "evidence"),
    ]
    segments = _split(text[first:last], start + first, spans)
    marked = [i for i, segment in enumerate(segments) if segment.role != "context"]
    if not marked:  # offsets outside the stored text: show the window as it is
        return Passage("".join(s.text for s in segments), [], "", cut_before, cut_after)
    sentence = segments[marked[0] : marked[-1] + 1]
    # A sentence's offsets take in the line breaks after it: they are not marked.
    ending = sentence[-1]
    trailing = ending.text[len(ending.text.rstrip()) :]
    sentence[-1] = Segment(ending.text.rstrip(), ending.role)
    return Passage(
        "".join(s.text for s in segments[: marked[0]]),
        sentence,
        trailing + "".join(s.text for s in segments[marked[-1] + 1 :]),
        cut_before,
        cut_after,
    )


def article_segments(text: str, claims: Sequence[dict[str, Any]]) -> list[Segment]:
    """An article's stored text with the evidence of each claim of its body marked and named
    (a headline claim's offsets are into the title). Where evidences overlap (a figure's
    phrase inside another claim's sentence), the one that starts first is kept whole."""
    segments: list[Segment] = []
    reached = 0
    for claim in sorted(claims, key=lambda c: (c["evidence"]["start"], -c["evidence"]["end"])):
        start, end = claim["evidence"]["start"], claim["evidence"]["end"]
        if claim["headline"] or start < reached or end > len(text):
            continue
        if start > reached:
            segments.append(Segment(text[reached:start], "context"))
        segments.append(Segment(text[start:end], "evidence", claim["id"]))
        reached = end
    if reached < len(text):
        segments.append(Segment(text[reached:], "context"))
    return segments
