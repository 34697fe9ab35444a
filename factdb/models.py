"""The relational schema: SQLModel tables mirrored by the Alembic migrations in ``alembic/``.

Tables are only ever created or changed by migrations; these classes are what the code reads
and writes, and ``tests/test_migrations.py`` checks that both describe the same schema.

Matching keys: a quantity stores its counted noun and predicate twice, as extracted
(``counted``, ``predicate``) and canonicalised through the synonym file (``counted_key``,
``predicate_key``: ``aircraft`` → ``plane``, ``wound`` → ``injure``). Conflict and fact lookups
use the indexed keys, never a scan of every claim: ``claim_key`` holds every claim's matching
keys (see `factdb.matching`), ``article_entity`` the entities every article names, and
``article_shingle`` a sample of every article's word-pair hashes (see `factdb.copies`). Each
carries the article's stated publication date in its lookup index, so a lookup reads only the
articles within the matching window, whatever the size of the archive.

Facts: every claim belongs to exactly one ``fact`` through ``fact_claim``, which keeps the score
and reason of the claim's best link to a claim of another article (none for a claim that matched
nothing). ``article_copy`` links an article to the one it copies or rewrites.

Full-text search (``--search``) goes through indexes that SQLModel cannot describe, made by
migration 0008 and listed in `FULL_TEXT_OBJECTS`: on SQLite the FTS5 tables ``claim_fts`` and
``article_fts`` (kept in step with ``claim`` and ``article`` by triggers), on PostgreSQL GIN
indexes on ``to_tsvector('english', …)`` of the same texts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Stable constraint names make migrations reproducible and let SQLite batch mode alter tables.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

# Made by migration 0008 outside the metadata (see the module docstring); schema comparisons
# leave them out.
FULL_TEXT_OBJECTS = ("claim_fts", "article_fts", "ix_claim_text_search", "ix_article_text_search")


def is_full_text_object(name: str | None) -> bool:
    """Whether a table or index is part of the full-text search machinery (an FTS5 table or
    one of its shadow tables, or a GIN text index)."""
    return name is not None and name.startswith(FULL_TEXT_OBJECTS)


class Source(SQLModel, table=True):
    """An outlet or agency that publishes articles (``Bloomberg``, ``Associated Press``)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class IngestRun(SQLModel, table=True):
    """One invocation of ``factdb ingest``: what it saw, added and rejected."""

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime
    finished_at: datetime | None = None
    files_seen: int = 0
    articles_added: int = 0
    duplicates: int = 0
    errors: int = 0
    claims_added: int = 0
    error_details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Article(SQLModel, table=True):
    """One ingested article; `text` is the stored body that claim offsets point into."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    author: str | None = Field(default=None)
    distributor: str | None = Field(default=None)
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    published: date | None = Field(default=None, index=True)
    published_text: str | None = Field(default=None)
    # Not stated by the article: the earliest stated date of its copies (see factdb.copies).
    # Kept apart from `published`, which is only ever what the article itself says.
    published_inferred: date | None = Field(default=None, index=True)
    ingested_at: datetime
    content_hash: str = Field(max_length=64, unique=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    ingest_run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)


class Claim(SQLModel, table=True):
    """One atomic, checkable proposition with its provenance in the article text."""

    __table_args__ = (Index("ix_claim_article_sentence", "article_id", "sentence_index"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    sentence_index: int
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    normalized: str = Field(sa_column=Column(Text, nullable=False))
    subject: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    predicate: str | None = Field(default=None, index=True)
    object: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    speaker: str | None = Field(default=None, index=True)
    speaker_resolved: bool = True
    polarity: str = Field(default="asserted", max_length=20)
    hedged: bool = False
    is_headline: bool = False
    event_date_start: date | None = Field(default=None, index=True)
    event_date_end: date | None = None
    event_date_text: str | None = Field(default=None)
    event_date_granularity: str | None = Field(default=None, max_length=10)


class Quantity(SQLModel, table=True):
    """A number in a claim, stored as an interval (``None`` bound = unbounded)."""

    # `factdb claims/facts/timeline --counted` look a word up in each of the three columns.
    __table_args__ = (
        Index("ix_quantity_match", "counted_key", "predicate_key", "unit"),
        Index("ix_quantity_predicate_key", "predicate_key"),
        Index("ix_quantity_counted", "counted"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    raw: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    qualifier: str = Field(max_length=20)
    unit: str | None = Field(default=None)
    counted: str | None = Field(default=None)
    predicate: str | None = Field(default=None)
    counted_key: str | None = Field(default=None)
    predicate_key: str | None = Field(default=None)
    start: int
    end: int


class Entity(SQLModel, table=True):
    """A named entity, unique by its text and NER label."""

    __table_args__ = (UniqueConstraint("name", "label", name="uq_entity_name_label"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    label: str = Field(max_length=40)


class ClaimEntity(SQLModel, table=True):
    """Which entities a claim mentions."""

    __tablename__ = "claim_entity"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, index=True)


class Conflict(SQLModel, table=True):
    """Two claims of different sources that disagree, with the rule that said so.

    `status` (open, dismissed, resolved) is set by reviewers and survives re-ingest: the pair
    and kind are unique, so detecting the same conflict again finds the existing row.
    """

    __table_args__ = (
        UniqueConstraint("claim_a_id", "claim_b_id", "kind", name="uq_conflict_pair_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_a_id: int = Field(foreign_key="claim.id", index=True)
    claim_b_id: int = Field(foreign_key="claim.id", index=True)
    quantity_a_id: int | None = Field(default=None, foreign_key="quantity.id")
    quantity_b_id: int | None = Field(default=None, foreign_key="quantity.id")
    kind: str = Field(max_length=20, index=True)
    rule: str
    detail: str = Field(sa_column=Column(Text, nullable=False))
    confidence: float = 1.0
    status: str = Field(default="open", max_length=20, index=True)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    updated_at: datetime


class ArticleCopy(SQLModel, table=True):
    """Two articles whose texts are near-duplicates: `copy_id` copies or rewrites `original_id`.

    `score` is the share of the shorter text's content-word pairs found in the other text, so
    a cut-short web copy still scores high against the full story; `reason` says how it was
    measured and why `original_id` was taken for the original.
    """

    __tablename__ = "article_copy"
    __table_args__ = (UniqueConstraint("original_id", "copy_id", name="uq_article_copy_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    original_id: int = Field(foreign_key="article.id", index=True)
    copy_id: int = Field(foreign_key="article.id", index=True)
    score: float
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


class ArticleShingle(SQLModel, table=True):
    """A sampled hash of one content-word pair of an article: the copy-candidate index.

    `published` is the article's stated publication date, copied here so that the index
    ``ix_article_shingle_window`` (hash, published, article_id) finds the articles sharing a
    hash within a date window without reading the rest of the archive.
    """

    __tablename__ = "article_shingle"
    __table_args__ = (Index("ix_article_shingle_window", "hash", "published", "article_id"),)

    hash: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(foreign_key="article.id", primary_key=True)
    published: date | None = None


class ArticleEntity(SQLModel, table=True):
    """An entity an article names, as matching compares names (``united states`` for "the
    U.S."): the same-story index.

    Two claims only state the same fact when their articles name an entity in common, so the
    articles sharing one of a new article's entities (``ix_article_entity_window``: key,
    published, article_id) are the only ones whose claims are candidates. `place` says whether
    the name is a place anywhere in the article, `headline_place` whether it is a place in
    the headline.
    """

    __tablename__ = "article_entity"
    __table_args__ = (Index("ix_article_entity_window", "key", "published", "article_id"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    key: str = Field(primary_key=True)
    published: date | None = None
    place: bool
    headline_place: bool


class ClaimKey(SQLModel, table=True):
    """One matching key of a claim (``q|plane|-``, ``p|kill|worker``): the fact-candidate index.

    The claim's article and its stated publication date are copied here so that the covering
    index ``ix_claim_key_window`` (key, published, article_id, claim_id) answers "claims under
    these keys, published within this window, in these articles" from the index alone, reading
    only the window whatever the size of the archive.
    """

    __tablename__ = "claim_key"
    __table_args__ = (Index("ix_claim_key_window", "key", "published", "article_id", "claim_id"),)

    key: str = Field(primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    published: date | None = None


class Fact(SQLModel, table=True):
    """Claims of different articles that state the same thing, grouped.

    `claim_id` is the representative claim (the earliest report: by publication date, then
    article content hash, then position), whose text is the `label`.
    """

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id")
    label: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    updated_at: datetime


class FactClaim(SQLModel, table=True):
    """A claim's membership of its fact, with the score and reason of its best link.

    `matched_claim_id` is the claim of another article it matched best; all three are None
    for a claim that matched nothing (a fact of its own).
    """

    __tablename__ = "fact_claim"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    fact_id: int = Field(foreign_key="fact.id", index=True)
    score: float | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    matched_claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
