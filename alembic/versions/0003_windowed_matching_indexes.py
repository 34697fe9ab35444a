"""Windowed matching indexes: candidate lookups read only the articles near in time.

What changed and why:
- ``claim_key`` gains the claim's ``article_id`` and the article's stated ``published`` date,
  and the covering index ``ix_claim_key_window`` (key, published, article_id, claim_id): a new
  claim's candidates under a key are read for the matching window only, from the index alone,
  instead of every claim ever stored under that key ("q|people|-" grows with the archive);
- ``article_shingle`` gains ``published`` and ``ix_article_shingle_window`` (hash, published,
  article_id), for the same reason in copy detection;
- ``article_entity`` lists the entities each article names, normalised as matching compares
  them; two claims only match when their articles share one, so candidates are limited to
  the claims of articles that do (``ix_article_entity_window``: key, published, article_id).

Existing rows are filled in: the dates and article ids from ``article`` and ``claim``; the
article entities from the stored claim entities, normalised by `factdb.match.matching.Lexicon`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_entity",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("place", sa.Boolean(), nullable=False),
        sa.Column("headline_place", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_article_entity_article_id_article")
        ),
        sa.PrimaryKeyConstraint("article_id", "key", name=op.f("pk_article_entity")),
    )
    op.create_index(
        "ix_article_entity_window", "article_entity", ["key", "published", "article_id"]
    )

    with op.batch_alter_table("claim_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("article_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published", sa.Date(), nullable=True))
    op.execute(
        "UPDATE claim_key SET article_id = "
        "(SELECT claim.article_id FROM claim WHERE claim.id = claim_key.claim_id)"
    )
    op.execute(
        "UPDATE claim_key SET published = (SELECT article.published FROM article "
        "WHERE article.id = claim_key.article_id)"
    )
    with op.batch_alter_table("claim_key", schema=None) as batch_op:
        batch_op.alter_column("article_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_key_article_id_article"), "article", ["article_id"], ["id"]
        )
        batch_op.create_index("ix_claim_key_window", ["key", "published", "article_id", "claim_id"])

    with op.batch_alter_table("article_shingle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.Date(), nullable=True))
    op.execute(
        "UPDATE article_shingle SET published = (SELECT article.published FROM article "
        "WHERE article.id = article_shingle.article_id)"
    )
    op.create_index(
        "ix_article_shingle_window", "article_shingle", ["hash", "published", "article_id"]
    )

    _fill_article_entities()


def _fill_article_entities() -> None:
    """One row per (article, normalised entity) from the claim entities already stored."""
    from factdb.match.matching import article_entity_rows  # the rows ingest writes for new articles

    mentions = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT claim.article_id, entity.name, entity.label, claim.is_headline "
            "FROM claim_entity JOIN claim ON claim.id = claim_entity.claim_id "
            "JOIN entity ON entity.id = claim_entity.entity_id"
        )
    )
    rows = article_entity_rows((int(a), n, lb, bool(h)) for a, n, lb, h in mentions)
    if rows:
        table = sa.table(
            "article_entity",
            sa.column("article_id", sa.Integer()),
            sa.column("key", sa.String()),
            sa.column("place", sa.Boolean()),
            sa.column("headline_place", sa.Boolean()),
        )
        op.bulk_insert(table, rows)
    op.execute(
        "UPDATE article_entity SET published = (SELECT article.published FROM article "
        "WHERE article.id = article_entity.article_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_article_shingle_window", table_name="article_shingle")
    with op.batch_alter_table("article_shingle", schema=None) as batch_op:
        batch_op.drop_column("published")

    with op.batch_alter_table("claim_key", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_key_window")
        batch_op.drop_constraint(batch_op.f("fk_claim_key_article_id_article"), type_="foreignkey")
        batch_op.drop_column("published")
        batch_op.drop_column("article_id")

    op.drop_index("ix_article_entity_window", table_name="article_entity")
    op.drop_table("article_entity")
