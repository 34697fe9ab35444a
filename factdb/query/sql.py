"""The SQL pieces every query is built from: filters, conditions answered by an index,
full-text search, and how broad a filter is.

The SQL is written once for both backends (``?`` placeholders, functions both know), with
full-text search the one place where they differ. Every filter is a condition answered by an
index (tests EXPLAIN them), so a page costs what it selects, not the size of the archive.
Every query reads through a `factdb.store.driver.Reader`, never the ORM.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factdb.store.driver import Reader


Record = dict[str, Any]


# Records are built this many at a time, so that a listing of any length streams in constant
# memory, and ids are walked by key (``id > last``), never by a growing OFFSET.
CHUNK = 500


@dataclass(frozen=True)
class Filters:
    """Filters shared by the query commands; None means "no filter"."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None
    entity: str | None = None
    # One story's articles (`factdb stories`), through ix_article_story_published.
    story: int | None = None
    limit: int | None = None
    # Paging: skip `offset` rows, or start after the row with id `after` (keyset: the same
    # cost on every page); `newest` takes the last `limit` rows of the listing instead of
    # the first (still printed in listing order).
    offset: int = 0
    after: int | None = None
    newest: bool = False
    # Superseded versions of revised articles (`factdb.match.revisions`) are left out unless asked
    # for: their claims, the conflicts and fact reports they take part in, the articles.
    all_versions: bool = False


@dataclass(frozen=True)
class Sql:
    """A piece of SQL and the parameters of its ``?`` placeholders, in order."""

    text: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Selection:
    """The rows a listing selects: a FROM clause and conditions, ANDed."""

    source: str
    conditions: tuple[Sql, ...] = ()

    def where(self, *conditions: Sql) -> Selection:
        return replace(self, conditions=self.conditions + conditions)

    def select(self, columns: str) -> Sql:
        """``SELECT columns FROM … WHERE …``."""
        where = " AND ".join(f"({c.text})" for c in self.conditions)
        text = f"SELECT {columns} FROM {self.source}" + (f" WHERE {where}" if where else "")
        return Sql(text, tuple(p for c in self.conditions for p in c.params))


def in_values(column: str, values: Iterable[Any]) -> Sql:
    """``column IN (?, ?, …)``; never true for no values."""
    found = list(values)
    if not found:
        return Sql("1 = 0")
    return Sql(f"{column} IN ({', '.join('?' * len(found))})", tuple(found))


def in_select(column: str, query: Sql, negated: bool = False) -> Sql:
    return Sql(f"{column} {'NOT IN' if negated else 'IN'} ({query.text})", query.params)


def among_ids(reader: Reader, column: str, query: Sql) -> Sql:
    """``column IN (query)`` for a query selecting a few ids: on PostgreSQL as
    ``= ANY(ARRAY(query))``, which the planner looks up in the column's index id by id (an
    IN it may join by reading the whole table, for a thousand ids of a million rows)."""
    if reader.dialect == "postgresql":
        return Sql(f"{column} = ANY(ARRAY({query.text}))", query.params)
    return in_select(column, query)


# Claim filters selecting fewer claims than this are narrow (a month of a long archive, a
# rare word): what they select is found from those claims. Broader ones are checked row by
# row from the newest, which fills a page long before their claims could be listed.
NARROW = 20_000


def _fewer(reader: Reader, query: Sql, limit: int) -> bool:
    """Whether `query` selects fewer than `limit` rows (counting stops at `limit`; asked
    again in the same command, the answer is remembered)."""
    probe = Sql(f"SELECT count(*) FROM ({query.text} LIMIT ?) AS probed", (*query.params, limit))
    return bool(_once(reader, probe, lambda: int(reader.scalar(probe.text, probe.params))) < limit)


def _once(reader: Reader, query: Sql, read: Callable[[], Any]) -> Any:
    """What `read` gives for `query`, read once per command (`Reader.remembered`, keyed by
    the statement and its parameters, an array parameter as a tuple)."""
    key = query.text, tuple(tuple(p) if isinstance(p, list) else p for p in query.params)
    if key not in reader.remembered:
        reader.remembered[key] = read()
    return reader.remembered[key]


def iso_date(value: date | str | None) -> str | None:
    """A stored date as ISO text (SQLite returns the text it stored, PostgreSQL a date)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def iso_instant(value: datetime | str | None) -> str | None:
    """A stored time as ISO text in UTC, whichever backend returned it (SQLite keeps the
    UTC time without its zone)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (found if found.tzinfo else found.replace(tzinfo=UTC)).isoformat()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_text(column: str, text: str) -> Sql:
    """The column holds `text`, ignoring case (a scan: for the small tables only)."""
    return Sql(f"lower({column}) LIKE lower(?) ESCAPE '\\'", (_like(text),))


def _source_ids(name: str) -> Sql:
    """Ids of the sources whose name contains `name` (a scan of the small source table)."""
    condition = contains_text("source.name", name)
    return Sql(f"SELECT source.id FROM source WHERE {condition.text}", condition.params)


def _named(reader: Reader, column: str, names: Sql) -> Sql:
    """SQL condition: `column` is one of the ids `names` selects from a small table of names
    (sources, entities).

    On PostgreSQL the ids are looked up first and given as an array: the planner then
    weighs how many rows those ids have (for a subquery it guesses, and a guess of a few
    rows for a source holding a tenth of the archive makes it probe every claim)."""
    if reader.dialect != "postgresql":
        return in_select(column, names)
    ids = _once(reader, names, lambda: [int(r[0]) for r in reader.all(names.text, names.params)])
    return Sql(f"{column} = ANY(?)", (ids,))


def of_sources(reader: Reader, column: str, name: str) -> Sql:
    """SQL condition: `column` is the id of a source whose name contains `name`."""
    return _named(reader, column, _source_ids(name))


SUPERSEDED_ARTICLES = Sql(
    # Read from ix_article_revision_of_id: the articles some later version revises.
    "SELECT article.revision_of_id FROM article WHERE article.revision_of_id IS NOT NULL"
)


def published_conditions(reader: Reader, filters: Filters, article: str = "article") -> list[Sql]:
    """Story, source and publication-date conditions on an ``article`` table (or alias)."""
    conditions = []
    if filters.story is not None:
        conditions.append(Sql(f"{article}.story_id = ?", (filters.story,)))
    if filters.source:
        conditions.append(of_sources(reader, f"{article}.source_id", filters.source))
    if filters.since:
        conditions.append(Sql(f"{article}.published >= ?", (filters.since,)))
    if filters.until:
        conditions.append(Sql(f"{article}.published <= ?", (filters.until,)))
    return conditions


def _article_ids(reader: Reader, filters: Filters) -> Sql | None:
    """Ids of the articles passing the story, source and date filters (through
    ix_article_story_published, ix_article_source_id and ix_article_published), or None when
    there are no such filters."""
    conditions = published_conditions(reader, filters)
    if not conditions:
        return None
    return Selection("article", tuple(conditions)).select("article.id")


SEARCH_CONFIG = "english"


SEARCH_WORK_MEM = "64MB"


def _search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def text_search(reader: Reader, kind: str, alias: str, text: str) -> Sql:
    """SQL condition: the text of `alias` (a claim table or alias with ``kind="claim"``: its
    text as written or its standalone form; an article one with ``kind="article"``: title
    and body) holds the words of `text` as a phrase.

    Answered by the full-text index of migration 0008, never by reading every text: SQLite
    FTS5 tables with the Porter stemmer, PostgreSQL GIN indexes on ``to_tsvector('english',
    …)``. Both stem, so "killed" also finds "kills".
    """
    words = _search_words(text)
    if not words:
        return Sql("1 = 0")
    if reader.dialect == "postgresql":
        # A common word matches a hundred thousand of ten million claims: in the default
        # 4 MB the bitmap of their rows goes lossy, and PostgreSQL re-reads and re-parses
        # 300,000 texts (8.4 s; 0.3 s in 64 MB). Only for searches: more memory also lets
        # the planner hash a big source's million claims where probing a few is cheaper.
        if reader.settings.get("work_mem") != SEARCH_WORK_MEM:  # once per command
            reader.set_local("work_mem", SEARCH_WORK_MEM)
        # Spelled as in the index definitions (constants, not parameters), so that the
        # planner recognises the indexed expression.
        config = f"'{SEARCH_CONFIG}'::regconfig"
        document = f"{alias}.text"
        if kind == "claim":  # the text as written and the standalone form (migration 0017)
            document = f"{alias}.text || ' ' || coalesce({alias}.standalone, '')"
        if kind == "article":
            document = f"coalesce({alias}.title, '') || ' ' || {alias}.text"
        return Sql(
            f"to_tsvector({config}, {document}) @@ phraseto_tsquery({config}, ?)",
            (" ".join(words),),
        )
    phrase = '"' + " ".join(words) + '"'
    return Sql(f"{alias}.id IN (SELECT rowid FROM {kind}_fts WHERE {kind}_fts MATCH ?)", (phrase,))


def current_claims(claim: str) -> Sql:
    """SQL condition: the claim (table or alias) belongs to a current version."""
    return in_select(f"{claim}.article_id", SUPERSEDED_ARTICLES, negated=True)


# The claims of superseded articles (through ix_claim_article_sentence).
SUPERSEDED_CLAIMS = Sql(
    f"SELECT claim.id FROM claim WHERE claim.article_id IN ({SUPERSEDED_ARTICLES.text})"
)


def naming_entity(reader: Reader, name: str, column: str) -> Sql:
    """`column` (``claim_id`` or ``article_id``) of the mentions of an entity whose name
    contains `name`: the small entity table is scanned, the mentions found through
    ix_claim_entity_entity_id, or ix_claim_entity_entity_article alone for the articles."""
    condition = contains_text("entity.name", name)
    entities = Sql(f"SELECT entity.id FROM entity WHERE {condition.text}", condition.params)
    mentions = _named(reader, "claim_entity.entity_id", entities)
    return Sql(
        f"SELECT claim_entity.{column} FROM claim_entity WHERE {mentions.text}", mentions.params
    )


def claim_conditions(reader: Reader, claim: str, filters: Filters) -> list[Sql]:
    """Conditions on a claim table (or alias) for the source, date, search and entity
    filters, each answered by an index."""
    conditions: list[Sql] = []
    articles = _article_ids(reader, filters)
    if articles is not None:
        conditions.append(in_select(f"{claim}.article_id", articles))
    if filters.search:
        conditions.append(text_search(reader, "claim", claim, filters.search))
    if filters.entity:
        conditions.append(
            in_select(f"{claim}.id", naming_entity(reader, filters.entity, "claim_id"))
        )
    return conditions


def is_narrow(reader: Reader, filters: Filters) -> bool:
    """Whether the claim filters select fewer than NARROW claims, by one of them alone: an AND
    selects no more than any of its parts. (Two broad filters whose claims seldom meet count
    as broad: their AND is only known by matching both lists.) Each part is counted where
    that stops early: the claims of the articles, the full-text matches, an entity's
    mentions (a claim names an entity once)."""
    parts: list[Sql] = []
    articles = _article_ids(reader, filters)
    if articles is not None:
        parts.append(Selection("claim", (in_select("claim.article_id", articles),)).select("1"))
    if filters.search:
        matches = Selection(
            "claim", (text_search(reader, "claim", "claim", filters.search),)
        ).select("1")
        if not _surely_many(reader, matches):
            parts.append(matches)
    if filters.entity:
        parts.append(naming_entity(reader, filters.entity, "claim_id"))
    return any(_fewer(reader, part, NARROW) for part in parts)


def _surely_many(reader: Reader, matches: Sql) -> bool:
    """Whether PostgreSQL's planner expects the full-text `matches` to be at least twice
    NARROW claims. Its estimate comes from the index's statistics of the most common words,
    close to the true count for any word that common (a rarer word is estimated low, and
    then counted). Counting them instead reads a heap page per match: 15,000 pages for a
    common word in ten million claims, two seconds when they are not cached."""
    if reader.dialect != "postgresql":
        return False
    explain = Sql(f"EXPLAIN (FORMAT JSON) {matches.text}", matches.params)

    def estimate() -> float:
        return float(reader.scalar(explain.text, explain.params)[0]["Plan"]["Plan Rows"])

    return bool(_once(reader, explain, estimate) >= 2 * NARROW)  # asked by page and count
