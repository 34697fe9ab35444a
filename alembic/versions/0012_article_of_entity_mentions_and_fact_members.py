"""The article of each entity mention and of each fact member, indexed.

What changed and why: "the articles naming Turkey" (``--entity`` on articles and timeline)
and "the facts holding claims of several articles" (``stats``) looked up the article of
every claim involved: 38,760 claim lookups for one common name at a million claims, and
several hundred thousand for the facts, each statement again. ``claim_entity`` and
``fact_claim`` gain ``article_id`` (the claim's article, which never changes), filled here
from ``claim`` and written by ingest from now on, with the indexes
``ix_claim_entity_entity_article`` (entity_id, article_id) and ``ix_fact_claim_fact_article``
(fact_id, article_id), from which both answers are read without touching a claim row.

On SQLite the columns are added with ``ALTER TABLE … ADD COLUMN`` (the foreign key inline,
named as the naming convention names it), so they are nullable; ingest always sets them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (its index on the article column, the column it leads with)
TABLES = {
    "claim_entity": ("ix_claim_entity_entity_article", "entity_id"),
    "fact_claim": ("ix_fact_claim_fact_article", "fact_id"),
}


def _foreign_key(table: str) -> str:
    return f"fk_{table}_article_id_article"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (index, leading) in TABLES.items():
        if sqlite:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN article_id INTEGER "
                f"CONSTRAINT {_foreign_key(table)} REFERENCES article (id)"
            )
        else:
            op.add_column(table, sa.Column("article_id", sa.Integer(), nullable=True))
            op.create_foreign_key(_foreign_key(table), table, "article", ["article_id"], ["id"])
        op.execute(
            f"UPDATE {table} SET article_id = "
            f"(SELECT claim.article_id FROM claim WHERE claim.id = {table}.claim_id)"
        )
        op.create_index(index, table, [leading, "article_id"], unique=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (index, _) in TABLES.items():
        op.drop_index(index, table_name=table)
        if not sqlite:
            op.drop_constraint(_foreign_key(table), table, type_="foreignkey")
        # SQLite 3.35+ drops a column with a foreign key of its own in place.
        op.drop_column(table, "article_id")
