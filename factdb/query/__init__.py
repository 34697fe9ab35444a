"""The read side: what the query commands select and the JSON shapes they return, and how rows
are printed (table, JSON, JSON lines, CSV).

Queries read through the database driver (`factdb.store.driver`), never the ORM, so that a
query command starts fast. It may import `factdb.match` (for the driver-level comparison of
reports: `features`, `number_relations`, `lexicon`), `factdb.store` and `factdb.nlp`; it does
not import `factdb.ingest` (its sibling) or the CLI.
"""
