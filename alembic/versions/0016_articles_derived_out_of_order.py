"""The articles derived out of publication order: ``out_of_order``.

What changed and why: what ingest derives from a set of articles (stories, facts, their
representative claims, conflicts) depended on the order the articles arrived in; several
``--concurrent`` workers, or the same files in another order, gave other facts than one
clean ingest. A story whose articles all arrived in publication order is derived as a replay
in that order would derive it; an article that arrives after a later one of its story is
noted in ``out_of_order`` (in its own transaction), and its story is derived again, in
publication order, before the ingest run ends (`factdb.match.rematch`). A run killed before
then leaves the rows for the next run.

Existing databases hold no such rows: ``factdb rematch`` derives everything in publication
order once.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "out_of_order",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_out_of_order_article_id_article")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_out_of_order")),
    )


def downgrade() -> None:
    op.drop_table("out_of_order")
