"""Lexical data shipped with the package (synonyms, quantity words, date words, furniture, the
matching word lists), read with `importlib.resources`; no code."""
