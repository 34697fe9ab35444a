"""Slot aliases: another slot under which a story's fact is reported.

What changed and why: a fact was exactly one slot of its story, so two outlets that name one
measure in other words ("600 tons of refined petroleum", "600 tons of oil products") made two
facts, and their figures were never compared. Matching now joins a report whose slot is new
to the story to the fact that reports the same figure of a compatible measure
(`factdb.match.anchoring`), and ``slot_alias`` remembers that slot, so that later reports of it
join the same fact. Unique per (story, slot); a row goes with its fact or its story
(``ON DELETE CASCADE``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slot_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Text(), nullable=False),
        sa.Column("fact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["story.id"], name="fk_slot_alias_story_id_story", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["fact_id"], ["fact.id"], name="fk_slot_alias_fact_id_fact", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_slot_alias"),
        sa.UniqueConstraint("story_id", "slot", name="uq_slot_alias_story_slot"),
    )
    op.create_index("ix_slot_alias_fact_id", "slot_alias", ["fact_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_slot_alias_fact_id", table_name="slot_alias")
    op.drop_table("slot_alias")
