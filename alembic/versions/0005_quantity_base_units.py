"""Quantities in base units: every measure restated in the base unit of its dimension.

What changed and why:
- ``quantity`` gains ``base_value``, ``base_low``, ``base_high`` and ``base_unit``: the value
  and interval converted (with pint) to the base unit of the quantity's dimension (metre,
  kilogram, second, metre per second ...), money kept in its currency, so that "100 miles"
  and "161 km" or "64 metric tons" and "141,000 lb" can be compared. Counts have none.

Existing rows keep null in the new columns: the migration re-extracts nothing. Re-ingest the
articles into a fresh database to fill them.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quantity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("base_low", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("base_high", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("base_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of ``quantity`` would drop
    # a table that ``conflict`` rows still reference.
    for column in ("base_unit", "base_high", "base_low", "base_value"):
        op.drop_column("quantity", column)
