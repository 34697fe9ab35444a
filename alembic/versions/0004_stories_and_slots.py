"""Stories and quantity slots: facts are one slot of one story, never chains of weak links.

What changed and why:
- ``story`` groups the articles that cover one real-world event; ``article.story_id`` says
  which, and ``story_entity`` counts how many of a story's articles are about each name (its
  most named place is the story's home, where a number needs no place scope);
- ``article_entity`` gains ``label``, ``mentions`` (sentences naming it) and ``salient`` (the
  names the article is about), with ``ix_article_entity_story`` (key, salient, published,
  article_id) to find the articles nearest in time that are about the same name;
- ``fact`` gains ``story_id`` and ``slot``, unique together: a fact is a slot's set of reports;
- ``fact_claim`` gains ``quantity_id`` (the number that put the claim in its slot) and
  ``published`` with ``ix_fact_claim_window`` (fact_id, published, claim_id), so a new report is
  compared with the reports of its fact nearest in time;
- ``claim_key`` is dropped: facts are found by (story, slot), not through candidate keys.

Existing databases keep their facts and conflicts as they were derived; stories and slots for
stored articles are derived by ``factdb rematch`` (no NLP is re-run), which the README
documents. Nothing is re-derived silently here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("first_published", sa.Date(), nullable=True),
        sa.Column("last_published", sa.Date(), nullable=True),
        sa.Column("home", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story")),
    )
    op.create_table(
        "story_entity",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place", sa.Boolean(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["story.id"], name=op.f("fk_story_entity_story_id_story")
        ),
        sa.PrimaryKeyConstraint("story_id", "key", name=op.f("pk_story_entity")),
    )
    with op.batch_alter_table("story_entity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_story_entity_place", ["story_id", "place", "articles"], unique=False
        )

    with op.batch_alter_table("claim_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_key_window"))

    op.drop_table("claim_key")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_article_story_id"), ["story_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_article_story_id_story"), "story", ["story_id"], ["id"]
        )

    with op.batch_alter_table("article_entity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.add_column(
            sa.Column("mentions", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(
            sa.Column("salient", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "ix_article_entity_story", ["key", "salient", "published", "article_id"], unique=False
        )

    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("slot", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_fact_story_id"), ["story_id"], unique=False)
        batch_op.create_unique_constraint("uq_fact_story_slot", ["story_id", "slot"])
        batch_op.create_foreign_key(
            batch_op.f("fk_fact_story_id_story"), "story", ["story_id"], ["id"]
        )

    with op.batch_alter_table("fact_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("quantity_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_fact_claim_window", ["fact_id", "published", "claim_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fact_claim_quantity_id_quantity"), "quantity", ["quantity_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("fact_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_fact_claim_quantity_id_quantity"), type_="foreignkey"
        )
        batch_op.drop_index("ix_fact_claim_window")
        batch_op.drop_column("quantity_id")
        batch_op.drop_column("published")

    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_fact_story_id_story"), type_="foreignkey")
        batch_op.drop_constraint("uq_fact_story_slot", type_="unique")
        batch_op.drop_index(batch_op.f("ix_fact_story_id"))
        batch_op.drop_column("slot")
        batch_op.drop_column("story_id")

    with op.batch_alter_table("article_entity", schema=None) as batch_op:
        batch_op.drop_index("ix_article_entity_story")
        batch_op.drop_column("salient")
        batch_op.drop_column("mentions")
        batch_op.drop_column("label")

    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_article_story_id_story"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_article_story_id"))
        batch_op.drop_column("story_id")

    op.create_table(
        "claim_key",
        sa.Column("key", sa.VARCHAR(), nullable=False),
        sa.Column("claim_id", sa.INTEGER(), nullable=False),
        sa.Column("article_id", sa.INTEGER(), nullable=False),
        sa.Column("published", sa.DATE(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_claim_key_article_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_key_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("key", "claim_id", name=op.f("pk_claim_key")),
    )
    with op.batch_alter_table("claim_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_key_window"),
            ["key", "published", "article_id", "claim_id"],
            unique=False,
        )

    with op.batch_alter_table("story_entity", schema=None) as batch_op:
        batch_op.drop_index("ix_story_entity_place")

    op.drop_table("story_entity")
    op.drop_table("story")
