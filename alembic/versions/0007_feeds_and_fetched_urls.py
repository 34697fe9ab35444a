"""Feeds, remembered fetches and per-run conflict counts, for scheduled ingest.

What changed and why:
- ``feed`` holds the RSS/Atom feeds ``factdb ingest --feeds`` polls, with each feed's last
  fetch, status, validators (ETag, Last-Modified) and article count;
- ``fetched_url`` remembers the validators of every other fetched URL, so a page fetched again
  is a conditional request;
- ``article.url`` gets an index: an article reached again by its canonical URL (a second feed,
  a saved copy) is found without fetching or parsing it;
- ``ingest_run.conflicts_added`` counts the conflicts each run recorded.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Text(), nullable=True),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed")),
        sa.UniqueConstraint("url", name=op.f("uq_feed_url")),
    )
    op.create_table(
        "fetched_url",
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_fetched_url")),
    )
    op.create_index("ix_article_url", "article", ["url"])
    # Plain ALTER TABLE, not batch mode: `article` refers to `ingest_run`, so SQLite must not
    # copy and drop the table.
    op.add_column(
        "ingest_run",
        sa.Column("conflicts_added", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("ingest_run", "conflicts_added")
    op.drop_index("ix_article_url", table_name="article")
    op.drop_table("fetched_url")
    op.drop_table("feed")
