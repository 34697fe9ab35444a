"""Article revisions: a new version of a stored article is linked to it, not a new article.

What changed and why:
- An updated copy of a stored article (a correction line added, a headline changed) was
  stored as an unrelated article, or skipped when it had the same URL: its claims re-opened
  conflicts a reviewer had dismissed, or its corrections were lost. ``article`` gains
  ``revision_of_id`` (the version it revises, found at ingest by `factdb.match.revisions`: the same
  URL, or a near-copy from the same source) and ``version`` (1 for a first version), with an
  index on ``revision_of_id`` so that "is this article superseded" and "its versions" are
  index lookups.

Existing articles become first versions (``version`` 1, no link): the migration compares
nothing; ``factdb rematch`` does not link old versions either.

On SQLite the columns are added with ``ALTER TABLE … ADD COLUMN`` (the foreign key inline,
named as the naming convention names it), never by a batch copy of ``article``, which would
drop the full-text triggers of migration 0008.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_article_revision_of_id_article"
INDEX = "ix_article_revision_of_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE article ADD COLUMN revision_of_id INTEGER "
            f"CONSTRAINT {FOREIGN_KEY} REFERENCES article (id)"
        )
    else:
        op.add_column("article", sa.Column("revision_of_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "article", "article", ["revision_of_id"], ["id"])
    op.add_column("article", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_index(INDEX, "article", ["revision_of_id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="article")
    op.drop_column("article", "version")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FOREIGN_KEY, "article", type_="foreignkey")
    # SQLite 3.35+ drops a column with a foreign key of its own in place.
    op.drop_column("article", "revision_of_id")
