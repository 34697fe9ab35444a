"""The ingest pipeline: read inputs → extract claims → store → match, in that order.

`factdb.ingest.pipeline` is the one place that orders the stages (and the one place that holds
a run's transactions); `factdb.ingest.network` reads URLs and the stored feeds, which needs the
database for conditional requests. It may import `factdb.match`, `factdb.store`,
`factdb.inputs` and `factdb.nlp`; it does not import `factdb.query` (its sibling) or the CLI.
"""
