"""The relational schema: SQLModel tables mirrored by the Alembic migrations in ``alembic/``.

Tables are only ever created or changed by migrations; these classes are what the code reads
and writes, and ``tests/test_migrations.py`` checks that both describe the same schema.

Matching keys: a quantity stores its counted noun and predicate twice, as extracted
(``counted``, ``predicate``) and canonicalised through the synonym file (``counted_key``,
``predicate_key``: ``aircraft`` → ``plane``, ``wound`` → ``injure``). Story and fact lookups
use indexes, never a scan of every claim: ``article_entity`` holds the names every article
mentions (the salient ones link articles into stories, see `factdb.match.stories`), ``fact`` is
unique per (story, slot) (see `factdb.match.matching`), and ``article_shingle`` holds a sample of
every article's word-pair hashes (see `factdb.match.copies`). Each lookup index carries the
article's stated publication date, so a lookup reads the articles nearest in time, whatever
the size of the archive.

Stories: every article belongs to one ``story``, whose ``story_entity`` rows count the names
its articles are about. Facts: every claim belongs to exactly one ``fact`` through
``fact_claim``, which keeps the number that placed it in its slot and the reason of its link to
a report of another article (none for a claim that matched nothing). ``article_copy`` links an
article to the one it copies or rewrites.

Full-text search (``--search``) goes through indexes that SQLModel cannot describe, made by
migration 0008 and listed in `FULL_TEXT_OBJECTS`: on SQLite the FTS5 tables ``claim_fts`` and
``article_fts`` (kept in step with ``claim`` and ``article`` by triggers), on PostgreSQL GIN
indexes on ``to_tsvector('english', …)`` of the same texts.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
)
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


class TableModel(SQLModel):
    """The base of every table: SQLModel with pydantic's validators built on first use.

    factdb never validates a table row through pydantic (rows are made by SQLAlchemy), yet
    building the validators of eighteen tables at import took about a tenth of the start-up
    of every command; deferred, they cost nothing unless something validates.
    """

    # sqlmodel's own config type (ConfigDict plus its table options) is not exported.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


def is_full_text_object(name: str | None) -> bool:
    """Whether a table or index is part of the full-text search machinery (an FTS5 table or
    one of its shadow tables, or a GIN text index)."""
    return name is not None and name.startswith(FULL_TEXT_OBJECTS)


class Source(TableModel, table=True):
    """An outlet or agency that publishes articles (``Bloomberg``, ``Associated Press``)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class IngestRun(TableModel, table=True):
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
    # Conflicts this run recorded; `factdb conflicts --new` lists them by their created_at.
    conflicts_added: int = 0


class Story(TableModel, table=True):
    """The coverage of one real-world event by every outlet, from the first report to the
    follow-ups weeks or months later (`factdb.match.stories`). Claims are only ever compared within
    a story. `label` is the headline (or first sentence) of its earliest article; `home` the
    places its numbers were last slotted under and since when (`factdb.match.stories.Home.text`)."""

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(sa_column=Column(Text, nullable=False))
    first_published: date | None = None
    last_published: date | None = None
    home: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    updated_at: datetime


class StoryEntity(TableModel, table=True):
    """How many of a story's articles name an entity among their salient ones: the story's
    profile, whose most named place is its home (a number there needs no place scope)."""

    __tablename__ = "story_entity"
    __table_args__ = (Index("ix_story_entity_place", "story_id", "place", "articles"),)

    story_id: int = Field(foreign_key="story.id", primary_key=True)
    key: str = Field(primary_key=True)
    place: bool
    articles: int


class Article(TableModel, table=True):
    """One ingested article; `text` is the stored body that claim offsets point into.

    `url` is the page's canonical URL when it has one: the same page reached again (through
    a second feed, or as a saved file) is recognised by it, through ``ix_article_url``.
    """

    __table_args__ = (
        Index("ix_article_url", "url"),
        Index("ix_article_story_published", "story_id", "published", "id"),
        Index("ix_article_source_published", "source_id", "published"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    author: str | None = Field(default=None)
    distributor: str | None = Field(default=None)
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    published: date | None = Field(default=None, index=True)
    published_text: str | None = Field(default=None)
    # Not stated by the article: the earliest stated date of its copies (see factdb.match.copies).
    # Kept apart from `published`, which is only ever what the article itself says.
    published_inferred: date | None = Field(default=None, index=True)
    ingested_at: datetime
    content_hash: str = Field(max_length=64, unique=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    ingest_run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)
    story_id: int | None = Field(default=None, foreign_key="story.id", index=True)
    # Versions (`factdb.match.revisions`): the stored article this one is a new version of (same
    # URL, or a near-copy from the same source), and its number in that chain (1 = first).
    # An article that some other article revises is superseded; listings hide it by default.
    revision_of_id: int | None = Field(default=None, foreign_key="article.id", index=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Claim(TableModel, table=True):
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
    # The claim as a reader can check it on its own (None: `text` as it is) and the named
    # person or organisation its subject stands for (migration 0017).
    standalone: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    subject_entity: str | None = Field(default=None)


class Quantity(TableModel, table=True):
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
    # The interval in the base unit of its dimension (metre, kilogram, second ...; money in its
    # currency, percent as percent), so that "100 miles" and "161 km" compare; null for counts.
    base_value: float | None = None
    base_low: float | None = None
    base_high: float | None = None
    base_unit: str | None = Field(default=None)


class ClaimTime(TableModel, table=True):
    """A time expression in a claim's evidence, normalised as TIMEX3 (see `TimeMention`).

    `type` is DATE, TIME, DURATION or SET; `value` the TIMEX3 value ("2013-Q1", "P3D",
    "PRESENT_REF", "XXXX-WXX-5" when unresolved); `role` event, reference, deadline or
    duration; `start`/`end` offsets into the stored text like the claim's own.
    """

    __tablename__ = "claim_time"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    type: str = Field(max_length=10)
    value: str = Field(max_length=40)
    role: str = Field(max_length=10)
    resolved: bool


class Entity(TableModel, table=True):
    """A named entity, unique by its text and NER label."""

    __table_args__ = (UniqueConstraint("name", "label", name="uq_entity_name_label"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    label: str = Field(max_length=40)


class ClaimEntity(TableModel, table=True):
    """Which entities a claim mentions, and the claim's article: "the articles naming X"
    is then one range of ``ix_claim_entity_entity_article``, not a lookup per claim.

    `article_id` is always written; it may be NULL in the schema only because SQLite adds a
    referencing column in place (migration 0012) only as a nullable one.
    """

    __tablename__ = "claim_entity"
    __table_args__ = (Index("ix_claim_entity_entity_article", "entity_id", "article_id"),)

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, index=True)
    article_id: int | None = Field(default=None, foreign_key="article.id")


class Conflict(TableModel, table=True):
    """Two claims of different sources that disagree, with the rule that said so.

    `status` (open, dismissed, resolved) is set by reviewers and survives re-ingest: the pair
    and kind are unique, so detecting the same conflict again finds the existing row.
    """

    __table_args__ = (
        UniqueConstraint("claim_a_id", "claim_b_id", "kind", name="uq_conflict_pair_kind"),
        # Counts by kind and status (`factdb stats`) read this index alone.
        Index("ix_conflict_kind_status", "kind", "status"),
        # `conflicts --min-confidence` and `--order confidence`: a range of one status.
        Index("ix_conflict_status_confidence", "status", "confidence", "id"),
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


class ArticleCopy(TableModel, table=True):
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


class ArticleShingle(TableModel, table=True):
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


class ArticleEntity(TableModel, table=True):
    """An entity an article names, as matching compares names (``united states`` for "the
    U.S."): the story index.

    `mentions` counts the sentences naming it; `salient` marks the few names the article is
    about (in its headline, or named in two sentences or more), the ones that link articles
    into stories: ``ix_article_entity_story`` (key, salient, published, article_id) finds the
    articles nearest in time that are about the same name without reading the rest of the
    archive. `place` says whether the name is a place anywhere in the article,
    `headline_place` whether it is a place in the headline.
    """

    __tablename__ = "article_entity"
    __table_args__ = (
        Index("ix_article_entity_window", "key", "published", "article_id"),
        Index("ix_article_entity_story", "key", "salient", "published", "article_id"),
    )

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    key: str = Field(primary_key=True)
    published: date | None = None
    place: bool
    headline_place: bool
    label: str | None = Field(default=None, max_length=40)
    mentions: int = 1
    salient: bool = False


class Fact(TableModel, table=True):
    """Claims of different articles that state the same thing, grouped.

    A fact is one slot of one story (`factdb.match.slots`): `story_id` and `slot` (unique together)
    say which; a claim whose number or proposition has no slot is a fact of its own (`slot`
    None). `claim_id` is the representative claim (the earliest report: by publication date,
    then article content hash, then position), whose text is the `label`.
    """

    __table_args__ = (UniqueConstraint("story_id", "slot", name="uq_fact_story_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id")
    label: str = Field(sa_column=Column(Text, nullable=False))
    story_id: int | None = Field(default=None, foreign_key="story.id", index=True)
    slot: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    updated_at: datetime


class SlotAlias(TableModel, table=True):
    """Another slot under which a story's fact is reported: "600 tons of refined petroleum"
    and "600 tons of oil products" fill two slots of one story, and the same figure tells that
    they measure one thing (`factdb.match.anchoring`). A later report of the alias slot joins
    the fact, so that "550 tons of oil products" is compared with both. Unique per (story,
    slot), like the facts' own slots; removed with its fact.
    """

    __tablename__ = "slot_alias"
    __table_args__ = (UniqueConstraint("story_id", "slot", name="uq_slot_alias_story_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("story.id", ondelete="CASCADE"), nullable=False)
    )
    slot: str = Field(sa_column=Column(Text, nullable=False))
    fact_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("fact.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class FactClaim(TableModel, table=True):
    """A claim's membership of its fact, with the score and reason of its best link.

    `matched_claim_id` is the claim of another article it matched best; all three are None
    for a claim that matched nothing (a fact of its own). `quantity_id` is the number that put
    the claim in its slot (None for a claim without numbers). `published` is the claim's stated
    publication date, so that a new report is compared with the reports of its fact nearest
    in time (``ix_fact_claim_window``) however many the fact holds. `article_id` is the
    claim's article (always written; nullable for the reason `ClaimEntity` gives), so that
    which facts hold several articles is read from ``ix_fact_claim_fact_article`` alone.
    """

    __tablename__ = "fact_claim"
    __table_args__ = (
        Index("ix_fact_claim_window", "fact_id", "published", "claim_id"),
        Index("ix_fact_claim_fact_article", "fact_id", "article_id"),
    )

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    fact_id: int = Field(foreign_key="fact.id", index=True)
    published: date | None = None
    quantity_id: int | None = Field(default=None, foreign_key="quantity.id")
    score: float | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    matched_claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="article.id")


class OutOfOrder(TableModel, table=True):
    """An article derived after an article of its story that comes later in publication
    order: its story is derived again in that order, from its articles, before the ingest run
    ends (`factdb.match.rematch.rederive_out_of_order`), and the row goes. Kept in the
    article's transaction, so that a run killed before then leaves the work to the next run.
    """

    __tablename__ = "out_of_order"

    article_id: int = Field(foreign_key="article.id", primary_key=True)


class Feed(TableModel, table=True):
    """An RSS or Atom feed that ``factdb ingest --feeds`` polls (``factdb feeds add``).

    `etag` and `last_modified` are the validators of the last successful fetch, sent back so
    that an unchanged feed costs one ``304 Not Modified``; `last_status` is one line saying
    how the last poll went, `articles` how many articles the feed has brought in all.
    """

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True)
    source: str | None = None
    added_at: datetime
    last_fetched_at: datetime | None = None
    last_status: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    etag: str | None = None
    last_modified: str | None = None
    articles: int = 0


class FetchedUrl(TableModel, table=True):
    """What the last fetch of a URL other than a feed returned, for conditional requests.

    A page fetched again (``factdb ingest https://…`` from cron) sends `etag` and
    `last_modified` back, and a ``304`` answer costs nothing more.
    """

    __tablename__ = "fetched_url"

    url: str = Field(primary_key=True)
    etag: str | None = None
    last_modified: str | None = None
    status_code: int
    fetched_at: datetime


class Tally(TableModel, table=True):
    """A count of stored rows kept by the database itself (migration 0013's triggers, on
    every change of the counted tables): ``claims``, ``conflicts:number:open``,
    ``facts_with_several_articles``…; `factdb.query.archive.stats` reads them instead of
    counting millions of rows. A tally that never counted anything has no row."""

    name: str = Field(sa_column=Column(Text, primary_key=True))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
