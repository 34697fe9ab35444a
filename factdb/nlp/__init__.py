"""Natural-language layer (the lowest): the spaCy pipeline, atomic claims, quantities, dates,
units, synonyms, and the time limit on parsing one article.

It turns a parsed text into plain records (`factdb.nlp.types`) that hold no spaCy objects. It
imports nothing of factdb but its data files (`factdb.data`).
"""
