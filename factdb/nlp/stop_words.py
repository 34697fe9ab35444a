"""spaCy's English stop words, read without importing spaCy.

Importing spaCy takes about half a second; the query commands, which never parse text but do
compare content words, should not pay it. spaCy keeps the list in a self-contained module
(``spacy/lang/en/stop_words.py``), which is run on its own here, so the list is exactly the
one the pipeline uses.
"""

from __future__ import annotations

import runpy
from functools import cache
from importlib.util import find_spec
from pathlib import Path


@cache
def stop_words() -> frozenset[str]:
    """The stop words of spaCy's English language data."""
    spec = find_spec("spacy")  # locates the package without importing it
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("spaCy is not installed: pip install factdb's dependencies")
    module = Path(spec.origin).parent / "lang" / "en" / "stop_words.py"
    return frozenset(runpy.run_path(str(module))["STOP_WORDS"])
