"""An index on conflict (status, confidence, id): `conflicts --min-confidence` and
`conflicts --order confidence`.

What changed and why: a reviewer works through the flags with the highest confidence (the
estimate the conflict rules give each flag, `factdb.match.conflicts`) first, or only those
above a level. Without an index, both read every conflict of the status; on (status,
confidence, id) the filter reads one range and the order walks it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_conflict_status_confidence"


def upgrade() -> None:
    op.create_index(INDEX, "conflict", ["status", "confidence", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="conflict")
