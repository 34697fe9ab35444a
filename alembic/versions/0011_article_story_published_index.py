"""An index on article (story_id, published, id): a story's first and last articles.

What changed and why: every new article asks its story for its earliest and latest articles
(the story's label, dates and home). With an index on ``story_id`` alone, that read every
article of the story, so the cost of ingesting an article grew with its story: a
long-running story of thousands of articles made each of its follow-ups slower. On
(story_id, published, id) both are one step into the index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_article_story_published"


def upgrade() -> None:
    op.create_index(INDEX, "article", ["story_id", "published", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="article")
