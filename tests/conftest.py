"""Shared fixtures: one spaCy pipeline per test session, and a private database per test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from factdb.nlp.pipeline import load_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The spaCy pipeline, loaded once for the whole session (load_nlp caches it)."""
    return load_nlp()
