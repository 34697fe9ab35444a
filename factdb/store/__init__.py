"""Storage: the schema (`models`), engines and migrations (`db`), plain writes (`writes`), the
driver-level reader queries use (`driver`, `connect`), where the database is (`config`), and
the locks ingest runs take (`lock`).

It knows nothing of matching: what must be re-derived when an article goes (its story, its
versions) is `factdb.match`'s business. It may import `factdb.inputs` (the `ArticleInput`
records it stores) and `factdb.nlp` (the extracted claims); `driver`, `connect` and `config`
must not import SQLAlchemy at module level (query start-up).
"""
