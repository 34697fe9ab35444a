"""Matching: what the stored claims mean together. Stories (one real event's coverage), slots
(what exactly a number measures), facts (the claims of different articles that state the same
thing), copies and revisions of articles, and the conflicts between reports of one fact.

It reads and writes through `factdb.store` and reads the claims `factdb.nlp` extracted; it
never imports `factdb.ingest`, `factdb.query` or the CLI. The modules that compare reports
without the ORM (`features`, `number_relations`, `lexicon`, `slots`) are imported by the query
layer too, so they must not import SQLAlchemy or SQLModel.
"""
