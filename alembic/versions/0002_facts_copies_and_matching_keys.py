"""Facts, copies and matching keys: grouping claims across articles, near-duplicate articles.

What changed and why:
- ``fact`` groups claims of different articles that state the same thing; ``fact_claim`` puts
  every claim in exactly one fact and keeps the score and reason of its best link (and the claim
  it matched), so each grouping can be checked; indexed by fact for "the claims of this fact";
- ``claim_key`` holds each claim's matching keys (counted noun + unit, predicate + argument
  word); its primary key (key, claim_id) is the index new claims find their candidates
  through, so matching never scans every stored claim;
- ``article_shingle`` holds a hash-sampled set of each article's content-word pairs; its
  primary key (hash, article_id) is the index copy detection finds candidate articles through;
- ``article_copy`` links an article to the one it copies or rewrites, with a score and the
  reason (indexed both ways for ``copy_of`` and for the copies of an original);
- ``article.published_inferred``: for an article that states no publication date, the date
  taken from its dated copies; kept apart from ``published``, which stays what the article
  itself says (existing rows: null).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("copy_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["copy_id"], ["article.id"], name=op.f("fk_article_copy_copy_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["original_id"], ["article.id"], name=op.f("fk_article_copy_original_id_article")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_copy")),
        sa.UniqueConstraint("original_id", "copy_id", name="uq_article_copy_pair"),
    )
    with op.batch_alter_table("article_copy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_copy_copy_id"), ["copy_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_article_copy_original_id"), ["original_id"], unique=False
        )

    op.create_table(
        "article_shingle",
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_article_shingle_article_id_article")
        ),
        sa.PrimaryKeyConstraint("hash", "article_id", name=op.f("pk_article_shingle")),
    )
    op.create_table(
        "claim_key",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_key_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("key", "claim_id", name=op.f("pk_claim_key")),
    )
    op.create_table(
        "fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_fact_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact")),
    )
    op.create_table(
        "fact_claim",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("fact_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("matched_claim_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_fact_claim_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(["fact_id"], ["fact.id"], name=op.f("fk_fact_claim_fact_id_fact")),
        sa.ForeignKeyConstraint(
            ["matched_claim_id"], ["claim.id"], name=op.f("fk_fact_claim_matched_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_fact_claim")),
    )
    with op.batch_alter_table("fact_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_claim_fact_id"), ["fact_id"], unique=False)

    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_inferred", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("published_inferred")

    with op.batch_alter_table("fact_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_claim_fact_id"))

    op.drop_table("fact_claim")
    op.drop_table("fact")
    op.drop_table("claim_key")
    op.drop_table("article_shingle")
    with op.batch_alter_table("article_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_copy_original_id"))
        batch_op.drop_index(batch_op.f("ix_article_copy_copy_id"))

    op.drop_table("article_copy")
