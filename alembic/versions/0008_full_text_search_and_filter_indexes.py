"""Full-text search and filter indexes: every query filter answered by an index.

What changed and why:
- ``--search`` used ``LIKE '%…%'``, which reads every claim (or article) text; at a million
  claims that is seconds per query. Texts are now indexed for full-text search:
  - SQLite: FTS5 tables ``claim_fts`` (claim text) and ``article_fts`` (title and body) with
    the Porter stemmer, as external-content tables over ``claim`` and ``article`` (the text is
    not stored twice), kept in step by insert/delete/update triggers;
  - PostgreSQL: GIN indexes on ``to_tsvector('english', …)`` of the same texts, which the
    database maintains itself.
  Existing rows are indexed by the migration.
- ``--counted`` looks a word up in ``quantity.counted``, ``counted_key`` and
  ``predicate_key``; the last two had no index of their own (``ix_quantity_match`` leads with
  ``counted_key``), so ``ix_quantity_predicate_key`` and ``ix_quantity_counted`` are added.
- The newest page of ``factdb timeline`` reads the reports of recent articles only, found
  by their stated or inferred date: ``ix_article_published_inferred``.
- Deleting or re-matching claims clears the links other reports hold to them
  (``fact_claim.matched_claim_id``): ``ix_fact_claim_matched_claim_id`` finds those links
  without reading every membership.

A later migration that rebuilds ``claim`` or ``article`` in SQLite batch mode (copy and
rename) drops their triggers and must create them again (see `_create_sqlite_triggers`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → (its FTS5 table, the indexed columns)
FULL_TEXT = {"claim": ("claim_fts", ("text",)), "article": ("article_fts", ("title", "text"))}
# The PostgreSQL GIN indexes; factdb.query.sql.text_search spells the same expressions.
POSTGRES_INDEXES = {
    "ix_claim_text_search": ("claim", "text"),
    "ix_article_text_search": ("article", "coalesce(title, '') || ' ' || text"),
}


def _create_sqlite_triggers(table: str) -> None:
    fts, columns = FULL_TEXT[table]
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )


def upgrade() -> None:
    op.create_index("ix_quantity_predicate_key", "quantity", ["predicate_key"])
    op.create_index("ix_quantity_counted", "quantity", ["counted"])
    op.create_index("ix_fact_claim_matched_claim_id", "fact_claim", ["matched_claim_id"])
    op.create_index("ix_article_published_inferred", "article", ["published_inferred"])
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, document) in POSTGRES_INDEXES.items():
            op.execute(
                f"CREATE INDEX {name} ON {table} "
                f"USING gin (to_tsvector('english'::regconfig, {document}))"
            )
        return
    for table, (fts, columns) in FULL_TEXT.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
            f"content='{table}', content_rowid='id', tokenize='porter unicode61')"
        )
        _create_sqlite_triggers(table)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRES_INDEXES:
            op.execute(f"DROP INDEX {name}")
    else:
        for fts, _ in FULL_TEXT.values():
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {fts}_{event}")
            op.execute(f"DROP TABLE {fts}")
    op.drop_index("ix_article_published_inferred", table_name="article")
    op.drop_index("ix_fact_claim_matched_claim_id", table_name="fact_claim")
    op.drop_index("ix_quantity_counted", table_name="quantity")
    op.drop_index("ix_quantity_predicate_key", table_name="quantity")
