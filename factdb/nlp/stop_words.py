"""spaCy's English stop words, loaded on first use.

Importing spaCy takes about half a second; the query commands, which never parse text but do
compare content words, should not pay it at start-up.
"""

from __future__ import annotations

from functools import cache


@cache
def stop_words() -> frozenset[str]:
    """The stop words of spaCy's English pipeline (the same list the parser's pipeline uses)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
