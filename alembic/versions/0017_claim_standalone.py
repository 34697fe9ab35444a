"""Claims a reader can check on their own: ``claim.standalone`` and ``claim.subject_entity``.

What changed and why: a claim's text is its evidence as written ("The 22-year-old is out on
loan", "had two children"), which often cannot be read without its article. Each claim now
also stores its standalone form, with pronouns and descriptions of a named person or
organisation replaced by the name and an elided subject restored ("Tom Reyes (22) is out on
loan"), and the named entity its subject stands for (issue 26). Claims stored before have
neither (NULL: their standalone form is their text); ``factdb db backfill-times`` does not
fill them, re-ingesting the article does.

``--search`` looks in both forms, so the full-text index covers both:
  - SQLite: ``claim_fts`` is built again over ``text`` and ``standalone``, with its triggers;
  - PostgreSQL: ``ix_claim_text_search`` indexes ``text || ' ' || coalesce(standalone, '')``,
    the expression `factdb.query.sql.text_search` spells.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POSTGRES_DOCUMENTS = {
    "upgrade": "text || ' ' || coalesce(standalone, '')",
    "downgrade": "text",
}


def _claim_search(columns: tuple[str, ...], document: str) -> None:
    """Build the claim full-text index again over `columns` (SQLite) or `document` (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_claim_text_search")
        op.execute(
            "CREATE INDEX ix_claim_text_search ON claim "
            f"USING gin (to_tsvector('english'::regconfig, {document}))"
        )
        return
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER claim_fts_{event}")
    op.execute("DROP TABLE claim_fts")
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE claim_fts USING fts5({names}, "
        "content='claim', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_insert AFTER INSERT ON claim BEGIN "
        f"INSERT INTO claim_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_delete AFTER DELETE ON claim BEGIN "
        f"INSERT INTO claim_fts(claim_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER claim_fts_update AFTER UPDATE OF {names} ON claim BEGIN "
        f"INSERT INTO claim_fts(claim_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO claim_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")


def upgrade() -> None:
    op.add_column("claim", sa.Column("standalone", sa.Text(), nullable=True))
    op.add_column("claim", sa.Column("subject_entity", sa.String(), nullable=True))
    _claim_search(("text", "standalone"), _POSTGRES_DOCUMENTS["upgrade"])


def downgrade() -> None:
    _claim_search(("text",), _POSTGRES_DOCUMENTS["downgrade"])
    # Not batch mode: copying ``claim`` in SQLite would drop its other triggers (tallies).
    for column in ("subject_entity", "standalone"):
        if op.get_bind().dialect.name == "postgresql":
            op.drop_column("claim", column)
        else:
            op.execute(f"ALTER TABLE claim DROP COLUMN {column}")
