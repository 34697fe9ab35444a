"""Initial schema: sources, articles, atomic claims, quantities, entities, conflicts, runs.

Changes from the brief's starting point, and why:
- quantity keeps its interval's inclusivity (``more than 3,800`` is open at 3800) and the
  synonym-canonical matching keys ``counted_key``/``predicate_key`` beside the extracted lemmas,
  with one composite index (counted_key, predicate_key, unit) that conflict lookups use;
- claim keeps the whole sentence's offsets as well as the evidence span, the event date as a
  start/end range with its granularity and original text, and whether a pronoun speaker was
  resolved;
- conflict is unique per (claim_a, claim_b, kind) so a reviewer's status survives re-detection;
- article keeps the distributor (``TNS``) apart from the source, and the raw date text.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
        sa.UniqueConstraint("name", "label", name="uq_entity_name_label"),
    )
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_name"), ["name"], unique=False)

    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("files_seen", sa.Integer(), nullable=False),
        sa.Column("articles_added", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("claims_added", sa.Integer(), nullable=False),
        sa.Column("error_details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_run")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("name", name=op.f("uq_source_name")),
    )
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("distributor", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("published_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("ingested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ingest_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ingest_run_id"], ["ingest_run.id"], name=op.f("fk_article_ingest_run_id_ingest_run")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_article_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_article_content_hash")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_ingest_run_id"), ["ingest_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_article_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_source_id"), ["source_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("sentence_index", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalized", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("predicate", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("object", sa.Text(), nullable=True),
        sa.Column("speaker", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("speaker_resolved", sa.Boolean(), nullable=False),
        sa.Column("polarity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("hedged", sa.Boolean(), nullable=False),
        sa.Column("is_headline", sa.Boolean(), nullable=False),
        sa.Column("event_date_start", sa.Date(), nullable=True),
        sa.Column("event_date_end", sa.Date(), nullable=True),
        sa.Column("event_date_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "event_date_granularity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_claim_article_id_article")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_article_sentence", ["article_id", "sentence_index"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_event_date_start"), ["event_date_start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claim_predicate"), ["predicate"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_speaker"), ["speaker"], unique=False)

    op.create_table(
        "claim_entity",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_entity_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_claim_entity_entity_id_entity")
        ),
        sa.PrimaryKeyConstraint("claim_id", "entity_id", name=op.f("pk_claim_entity")),
    )
    with op.batch_alter_table("claim_entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_entity_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "quantity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("raw", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("low_inclusive", sa.Boolean(), nullable=False),
        sa.Column("high_inclusive", sa.Boolean(), nullable=False),
        sa.Column("qualifier", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("counted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("predicate", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("counted_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("predicate_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_quantity_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quantity")),
    )
    with op.batch_alter_table("quantity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quantity_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            "ix_quantity_match", ["counted_key", "predicate_key", "unit"], unique=False
        )

    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column("quantity_a_id", sa.Integer(), nullable=True),
        sa.Column("quantity_b_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_a_id"], ["claim.id"], name=op.f("fk_conflict_claim_a_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"], ["claim.id"], name=op.f("fk_conflict_claim_b_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["quantity_a_id"], ["quantity.id"], name=op.f("fk_conflict_quantity_a_id_quantity")
        ),
        sa.ForeignKeyConstraint(
            ["quantity_b_id"], ["quantity.id"], name=op.f("fk_conflict_quantity_b_id_quantity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
        sa.UniqueConstraint("claim_a_id", "claim_b_id", "kind", name="uq_conflict_pair_kind"),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_claim_a_id"), ["claim_a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_claim_b_id"), ["claim_b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_conflict_kind"))
        batch_op.drop_index(batch_op.f("ix_conflict_claim_b_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_claim_a_id"))

    op.drop_table("conflict")
    with op.batch_alter_table("quantity", schema=None) as batch_op:
        batch_op.drop_index("ix_quantity_match")
        batch_op.drop_index(batch_op.f("ix_quantity_claim_id"))

    op.drop_table("quantity")
    with op.batch_alter_table("claim_entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_entity_entity_id"))

    op.drop_table("claim_entity")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_speaker"))
        batch_op.drop_index(batch_op.f("ix_claim_predicate"))
        batch_op.drop_index(batch_op.f("ix_claim_event_date_start"))
        batch_op.drop_index("ix_claim_article_sentence")

    op.drop_table("claim")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_source_id"))
        batch_op.drop_index(batch_op.f("ix_article_published"))
        batch_op.drop_index(batch_op.f("ix_article_ingest_run_id"))

    op.drop_table("article")
    op.drop_table("source")
    op.drop_table("ingest_run")
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_name"))

    op.drop_table("entity")
