"""Claim times: every time expression of a claim's evidence, normalised as TIMEX3.

What changed and why:
- ``claim_time`` holds each time expression found in a claim's evidence (issue 9): its words
  and offsets into the stored text, its TIMEX3 ``type`` (DATE, TIME, DURATION, SET) and
  ``value`` ("2013-Q1", "P3D", "PRESENT_REF"), the ``role`` it plays for the claim (event,
  reference, deadline, duration) and whether it was ``resolved``; indexed by claim, the only
  way it is read. A claim keeps its single event date in ``claim`` as before.

Existing claims get no rows: upgrading re-extracts nothing. ``factdb db backfill-times``
re-parses the stored articles and fills in the times of claims that have none.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_time_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_time")),
    )
    with op.batch_alter_table("claim_time", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_time_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_time", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_time_claim_id"))
    op.drop_table("claim_time")
