"""Reading the database: the public JSON shapes of articles, sources, claims and conflicts.

Every function takes a `Reader` (the driver's connection: no ORM, see `factdb.driver`) and
returns plain dicts (JSON-ready: dates as ISO strings, unbounded interval ends as None).
These shapes are factdb's public interface, documented in the README; change them only by
adding fields.

The SQL is written once for both backends (``?`` placeholders, functions both know), with
full-text search the one place where they differ. Every filter is a condition answered by an
index (tests EXPLAIN them), so a page costs what it selects, not the size of the archive.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from factdb.driver import DriverError, stored_date

if TYPE_CHECKING:
    from factdb.driver import Reader
    from factdb.features import ClaimFeatures, QuantityFeatures
    from factdb.synonyms import Synonyms

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
    limit: int | None = None
    # Paging: skip `offset` rows, or start after the row with id `after` (keyset: the same
    # cost on every page); `newest` takes the last `limit` rows of the listing instead of
    # the first (still printed in listing order).
    offset: int = 0
    after: int | None = None
    newest: bool = False
    # Superseded versions of revised articles (`factdb.revisions`) are left out unless asked
    # for: their claims, the conflicts and fact reports they take part in, the articles.
    all_versions: bool = False


# --- SQL pieces ---------------------------------------------------------------------------


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


def _in(column: str, values: Iterable[Any]) -> Sql:
    """``column IN (?, ?, …)``; never true for no values."""
    found = list(values)
    if not found:
        return Sql("1 = 0")
    return Sql(f"{column} IN ({', '.join('?' * len(found))})", tuple(found))


def _in_select(column: str, query: Sql, negated: bool = False) -> Sql:
    return Sql(f"{column} {'NOT IN' if negated else 'IN'} ({query.text})", query.params)


def _among(reader: Reader, column: str, query: Sql) -> Sql:
    """``column IN (query)`` for a query selecting a few ids: on PostgreSQL as
    ``= ANY(ARRAY(query))``, which the planner looks up in the column's index id by id (an
    IN it may join by reading the whole table, for a thousand ids of a million rows)."""
    if reader.dialect == "postgresql":
        return Sql(f"{column} = ANY(ARRAY({query.text}))", query.params)
    return _in_select(column, query)


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


def _iso(value: date | str | None) -> str | None:
    """A stored date as ISO text (SQLite returns the text it stored, PostgreSQL a date)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _instant(value: datetime | str | None) -> str | None:
    """A stored time as ISO text in UTC, whichever backend returned it (SQLite keeps the
    UTC time without its zone)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (found if found.tzinfo else found.replace(tzinfo=UTC)).isoformat()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: str, text: str) -> Sql:
    """The column holds `text`, ignoring case (a scan: for the small tables only)."""
    return Sql(f"lower({column}) LIKE lower(?) ESCAPE '\\'", (_like(text),))


def _source_ids(name: str) -> Sql:
    """Ids of the sources whose name contains `name` (a scan of the small source table)."""
    condition = _contains("source.name", name)
    return Sql(f"SELECT source.id FROM source WHERE {condition.text}", condition.params)


def _named(reader: Reader, column: str, names: Sql) -> Sql:
    """SQL condition: `column` is one of the ids `names` selects from a small table of names
    (sources, entities).

    On PostgreSQL the ids are looked up first and given as an array: the planner then
    weighs how many rows those ids have (for a subquery it guesses, and a guess of a few
    rows for a source holding a tenth of the archive makes it probe every claim)."""
    if reader.dialect != "postgresql":
        return _in_select(column, names)
    ids = _once(reader, names, lambda: [int(r[0]) for r in reader.all(names.text, names.params)])
    return Sql(f"{column} = ANY(?)", (ids,))


def _of_sources(reader: Reader, column: str, name: str) -> Sql:
    """SQL condition: `column` is the id of a source whose name contains `name`."""
    return _named(reader, column, _source_ids(name))


_SUPERSEDED_ARTICLES = Sql(
    # Read from ix_article_revision_of_id: the articles some later version revises.
    "SELECT article.revision_of_id FROM article WHERE article.revision_of_id IS NOT NULL"
)


def _published_conditions(reader: Reader, filters: Filters, article: str = "article") -> list[Sql]:
    """Source and publication-date conditions on an ``article`` table (or alias)."""
    conditions = []
    if filters.source:
        conditions.append(_of_sources(reader, f"{article}.source_id", filters.source))
    if filters.since:
        conditions.append(Sql(f"{article}.published >= ?", (filters.since,)))
    if filters.until:
        conditions.append(Sql(f"{article}.published <= ?", (filters.until,)))
    return conditions


def _article_ids(reader: Reader, filters: Filters) -> Sql | None:
    """Ids of the articles passing the source and date filters (through ix_article_source_id
    and ix_article_published), or None when there are no such filters."""
    conditions = _published_conditions(reader, filters)
    if not conditions:
        return None
    return Selection("article", tuple(conditions)).select("article.id")


SEARCH_CONFIG = "english"
SEARCH_WORK_MEM = "64MB"


def _search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def text_search(reader: Reader, kind: str, alias: str, text: str) -> Sql:
    """SQL condition: the text of `alias` (a claim table or alias with ``kind="claim"``, an
    article one with ``kind="article"``: title and body) holds the words of `text` as a
    phrase.

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
        if kind == "article":
            document = f"coalesce({alias}.title, '') || ' ' || {alias}.text"
        return Sql(
            f"to_tsvector({config}, {document}) @@ phraseto_tsquery({config}, ?)",
            (" ".join(words),),
        )
    phrase = '"' + " ".join(words) + '"'
    return Sql(f"{alias}.id IN (SELECT rowid FROM {kind}_fts WHERE {kind}_fts MATCH ?)", (phrase,))


def _current(claim: str) -> Sql:
    """SQL condition: the claim (table or alias) belongs to a current version."""
    return _in_select(f"{claim}.article_id", _SUPERSEDED_ARTICLES, negated=True)


# The claims of superseded articles (through ix_claim_article_sentence).
_SUPERSEDED_CLAIMS = Sql(
    f"SELECT claim.id FROM claim WHERE claim.article_id IN ({_SUPERSEDED_ARTICLES.text})"
)


def _naming(reader: Reader, name: str, column: str) -> Sql:
    """`column` (``claim_id`` or ``article_id``) of the mentions of an entity whose name
    contains `name`: the small entity table is scanned, the mentions found through
    ix_claim_entity_entity_id, or ix_claim_entity_entity_article alone for the articles."""
    condition = _contains("entity.name", name)
    entities = Sql(f"SELECT entity.id FROM entity WHERE {condition.text}", condition.params)
    mentions = _named(reader, "claim_entity.entity_id", entities)
    return Sql(
        f"SELECT claim_entity.{column} FROM claim_entity WHERE {mentions.text}", mentions.params
    )


def _claim_conditions(reader: Reader, claim: str, filters: Filters) -> list[Sql]:
    """Conditions on a claim table (or alias) for the source, date, search and entity
    filters, each answered by an index."""
    conditions: list[Sql] = []
    articles = _article_ids(reader, filters)
    if articles is not None:
        conditions.append(_in_select(f"{claim}.article_id", articles))
    if filters.search:
        conditions.append(text_search(reader, "claim", claim, filters.search))
    if filters.entity:
        conditions.append(_in_select(f"{claim}.id", _naming(reader, filters.entity, "claim_id")))
    return conditions


def _narrow(reader: Reader, filters: Filters) -> bool:
    """Whether the claim filters select fewer than NARROW claims, by one of them alone: an AND
    selects no more than any of its parts. (Two broad filters whose claims seldom meet count
    as broad: their AND is only known by matching both lists.) Each part is counted where
    that stops early: the claims of the articles, the full-text matches, an entity's
    mentions (a claim names an entity once)."""
    parts: list[Sql] = []
    articles = _article_ids(reader, filters)
    if articles is not None:
        parts.append(Selection("claim", (_in_select("claim.article_id", articles),)).select("1"))
    if filters.search:
        matches = Selection(
            "claim", (text_search(reader, "claim", "claim", filters.search),)
        ).select("1")
        if not _surely_many(reader, matches):
            parts.append(matches)
    if filters.entity:
        parts.append(_naming(reader, filters.entity, "claim_id"))
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


# --- pages --------------------------------------------------------------------------------


def _walk(
    reader: Reader,
    selection: Selection,
    keys: Sequence[str],
    filters: Filters,
    build: Callable[[list[int]], list[Record]],
    *,
    kept_by_build: bool = True,
) -> Iterator[Record]:
    """The page of `selection` that `filters` asks for, in the order of `keys` (SQL
    expressions; the last is the id), built CHUNK records at a time. The newest page is read
    backwards from the end and printed in listing order.

    `kept_by_build=False` says that `build` drops some records (a filter only Python can
    decide); the offset and limit then count the records kept, not the ids read.
    """
    start: tuple[Any, ...] | None = None
    if filters.after is not None:
        if len(keys) == 1:
            start = (filters.after,)
        else:
            query = selection.where(Sql(f"{keys[-1]} = ?", (filters.after,))).select(
                ", ".join(keys)
            )
            found = reader.first(query.text, query.params)
            if found is None:
                raise LookupError(filters.after)
            start = tuple(found)
    records: Iterable[Record]
    if kept_by_build:
        records = _scan(
            reader,
            selection,
            keys,
            start,
            filters.offset,
            filters.limit,
            filters.newest,
            build,
            windowed=filters.limit is not None,
        )
    else:
        # Read no more than the page at a time: building a record is what costs here.
        chunk = CHUNK if filters.limit is None else min(CHUNK, filters.offset + filters.limit)
        records = islice(
            _scan(
                reader,
                selection,
                keys,
                start,
                0,
                None,
                filters.newest,
                build,
                chunk,
                windowed=filters.limit is not None,
            ),
            filters.offset,
            None if filters.limit is None else filters.offset + filters.limit,
        )
    if filters.newest:
        yield from reversed(list(records))
    else:
        yield from records


def _scan(
    reader: Reader,
    selection: Selection,
    keys: Sequence[str],
    start: tuple[Any, ...] | None,
    offset: int,
    limit: int | None,
    descending: bool,
    build: Callable[[list[int]], list[Record]],
    chunk: int = CHUNK,
    *,
    windowed: bool = False,
) -> Iterator[Record]:
    """Walk `selection` in key order (or backwards), chunk by chunk, each chunk starting
    after the last key of the one before: the thousandth chunk costs what the first does.

    `windowed` (a page of a listing keyed by id alone) reads the ids nearest the start first
    (`_id_windows`) on PostgreSQL: a broad filter then fills a page from a few thousand rows
    instead of the planner matching millions only to keep fifty. SQLite already walks the
    key and stops at the page; there a window would only repeat the filter's own lists."""
    direction = " DESC" if descending else ""
    order = ", ".join(f"{key}{direction}" for key in keys)
    windows = (
        _id_windows(reader, keys[0], start, descending)
        if windowed and offset == 0 and len(keys) == 1 and reader.dialect == "postgresql"
        else iter([None])
    )
    window = next(windows)
    # Past the windows, the filter keeps under fifty of the newest 18,000 rows: it is narrow,
    # and the database should find its rows through the filter's index and sort them. Read
    # in key order, it would walk the key backwards testing every row (millions, when the
    # matches lie years back). A key wrapped in ``+`` is no index's key.
    narrow = windowed and window is not None
    remaining = limit
    while remaining is None or remaining > 0:
        size = chunk if remaining is None else min(chunk, remaining)
        page = selection
        if start is not None:
            page = page.where(_after(keys, start, descending))
        if window is not None:
            page = page.where(window)
        query = page.select(", ".join(keys))
        ordered = f"+{keys[0]}{direction}" if narrow and window is None else order
        rows = reader.all(
            f"{query.text} ORDER BY {ordered} LIMIT ? OFFSET ?", (*query.params, size, offset)
        )
        if rows:
            yield from build([int(row[-1]) for row in rows])
            offset = 0
            start = tuple(rows[-1])
            if remaining is not None:
                remaining -= len(rows)
        if len(rows) < size:
            if window is None:
                return
            window = next(windows)  # this range of ids is exhausted: the next, wider one


# The first ids a page reads, then eight times as many, then every id: a filter keeping one
# row in forty fills a page of fifty from the first window. A narrower one reaches the whole
# selection after two short reads, where the database drives from the filter's own index (a
# window would have it test every row of a wide range instead).
FIRST_WINDOW = 2000
WINDOWS = 2


def _id_windows(
    reader: Reader, key: str, start: tuple[Any, ...] | None, descending: bool
) -> Iterator[Sql | None]:
    """Conditions on `key` (``table.id``) taking wider ranges of ids from the start of a
    walk (the newest id backwards, the oldest forwards, or `start`), then None: the rest."""
    table = key.split(".")[0]
    # Each end on its own: SQLite reads one end of an index only for a lone min() or max().
    found = reader.first(
        f"SELECT (SELECT min({key}) FROM {table}), (SELECT max({key}) FROM {table})"
    )
    if found is None or found[0] is None:
        yield None
        return
    low, high = int(found[0]), int(found[1])
    edge = int(start[0]) if start is not None else (high + 1 if descending else low - 1)
    width = FIRST_WINDOW
    for _ in range(WINDOWS):
        if (edge - width <= low) if descending else (edge + width >= high):
            break
        yield (
            Sql(f"{key} >= ?", (edge - width,))
            if descending
            else Sql(f"{key} <= ?", (edge + width,))
        )
        width *= 8
    yield None


def _after(keys: Sequence[str], start: tuple[Any, ...], descending: bool = False) -> Sql:
    """Rows after `start` in key order (before it, walking backwards)."""
    left = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
    right = "?" if len(keys) == 1 else f"({', '.join('?' * len(keys))})"
    return Sql(f"{left} {'<' if descending else '>'} {right}", start)


# Listings count their rows up to here ("showing 50 of more than 10,000"), and for no longer
# than this: a page of a broad filter over ten million claims is read in a tenth of a second,
# and a count of what it selects should not take seconds more.
COUNTED_AT_MOST = 10_000
COUNTING_SECONDS = 0.3


def count(reader: Reader, selection: Selection) -> int | None:
    """How many rows a listing selects (for "showing 50 of 16,640"), counted up to
    COUNTED_AT_MOST (past it: COUNTED_AT_MOST + 1, "more than"); None when counting takes
    longer than COUNTING_SECONDS."""
    query = selection.select("1")
    found = reader.scalar_within(
        f"SELECT count(*) FROM ({query.text} LIMIT ?) AS selected",
        (*query.params, COUNTED_AT_MOST + 1),
        COUNTING_SECONDS,
    )
    return None if found is None else int(found)


class Counting:
    """`count` of a listing's rows, run in a thread on a second connection while the page is
    read and printed: the note then costs the time the count takes beyond the page, not the
    two one after the other. (A reader without a sibling counts when asked, as `count`.)"""

    def __init__(self, reader: Reader, selection: Selection) -> None:
        self._reader = reader
        self._selection = selection
        self._found: int | None = None
        self._sibling = reader.sibling()
        self._thread: threading.Thread | None = None
        if self._sibling is not None:
            self._thread = threading.Thread(target=self._count, daemon=True)
            self._thread.start()

    def _count(self) -> None:
        assert self._sibling is not None
        try:
            self._found = count(self._sibling, self._selection)
        except DriverError:  # stopped (`stop`): there is nothing to say
            self._found = None

    def result(self) -> int | None:
        """The count (as `count` gives it), once it is done."""
        if self._sibling is None:
            return count(self._reader, self._selection)
        self._finish()
        return self._found

    def stop(self) -> None:
        """Stop counting (the page did not fill: no note needs the count). Safe to call
        again, or after `result`."""
        if self._sibling is not None and self._thread is not None:
            self._sibling.interrupt()
        self._finish()

    def _finish(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            assert self._sibling is not None
            self._sibling.close()


# --- claims -------------------------------------------------------------------------------

_QUANTITY_FIELDS = [
    "id",
    "raw",
    "value",
    "low",
    "high",
    "low_inclusive",
    "high_inclusive",
    "qualifier",
    "unit",
    "counted",
    "predicate",
    "counted_key",
    "predicate_key",
    "start",
    "end",
    "base_value",
    "base_low",
    "base_high",
    "base_unit",
]
_BOOLEAN_FIELDS = {"low_inclusive", "high_inclusive", "resolved"}
_TIME_FIELDS = ["text", "start", "end", "type", "value", "role", "resolved"]


def _columns(table: str, fields: Sequence[str]) -> str:
    return ", ".join(f'{table}."{field}"' for field in fields)


def _fields(fields: Sequence[str], row: Sequence[Any]) -> Record:
    return {
        field: bool(value) if field in _BOOLEAN_FIELDS else value
        for field, value in zip(fields, row, strict=True)
    }


# Offsets point into the stored body, or into the title for a headline claim.
_SOURCE_TEXT = "CASE WHEN claim.is_headline THEN article.title ELSE article.text END"
_CLAIM_COLUMNS = (
    "claim.id, claim.article_id, source.name, article.published, article.published_inferred, "
    "claim.sentence_index, claim.text, claim.normalized, claim.subject, claim.predicate, "
    "claim.object, claim.speaker, claim.speaker_resolved, claim.polarity, claim.hedged, "
    "claim.is_headline, claim.event_date_start, claim.event_date_end, claim.event_date_text, "
    'claim.start, claim."end", '
    f'substr({_SOURCE_TEXT}, claim.start + 1, claim."end" - claim.start), '
    f"substr({_SOURCE_TEXT}, claim.sentence_start + 1, "
    "claim.sentence_end - claim.sentence_start), "
    "claim.sentence_start, claim.sentence_end, fact_claim.fact_id, fact_claim.score, "
    "fact_claim.reason, fact_claim.matched_claim_id, article.story_id"
)


def claim_records(reader: Reader, claim_ids: Sequence[int]) -> list[Record]:
    """Full claim objects for these ids, in the given order, with quantities, times and
    entities.

    Four queries in all, whatever the number of claims (no per-claim round trips).
    """
    if not claim_ids:
        return []
    ids = list(dict.fromkeys(claim_ids))
    by_claim = {t: _in(f"{t}.claim_id", ids) for t in ("quantity", "claim_time", "claim_entity")}
    quantities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, *row in reader.execute(
        f"SELECT quantity.claim_id, {_columns('quantity', _QUANTITY_FIELDS)} FROM quantity "
        f"WHERE {by_claim['quantity'].text} ORDER BY quantity.start",
        by_claim["quantity"].params,
    ):
        quantities[claim_id].append(_fields(_QUANTITY_FIELDS, row))
    times: dict[int, list[Record]] = defaultdict(list)
    for claim_id, *row in reader.execute(
        f"SELECT claim_time.claim_id, {_columns('claim_time', _TIME_FIELDS)} FROM claim_time "
        f"WHERE {by_claim['claim_time'].text} ORDER BY claim_time.start, claim_time.id",
        by_claim["claim_time"].params,
    ):
        times[claim_id].append(_fields(_TIME_FIELDS, row))
    entities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, name, label in reader.execute(
        "SELECT claim_entity.claim_id, entity.name, entity.label FROM claim_entity "
        f"JOIN entity ON entity.id = claim_entity.entity_id WHERE {by_claim['claim_entity'].text} "
        "ORDER BY entity.name",
        by_claim["claim_entity"].params,
    ):
        entities[claim_id].append({"text": name, "label": label})
    by_id: dict[int, Record] = {}
    for (
        id_,
        article_id,
        source,
        published,
        inferred,
        sentence_index,
        text,
        normalized,
        subject,
        predicate,
        object_,
        speaker,
        speaker_resolved,
        polarity,
        hedged,
        headline,
        event_start,
        event_end,
        event_text,
        start,
        end,
        evidence,
        sentence,
        sentence_start,
        sentence_end,
        fact_id,
        fact_score,
        fact_reason,
        matched_claim_id,
        story_id,
    ) in reader.execute(
        f"SELECT {_CLAIM_COLUMNS} FROM claim JOIN article ON article.id = claim.article_id "
        "LEFT OUTER JOIN source ON source.id = article.source_id "
        "LEFT OUTER JOIN fact_claim ON fact_claim.claim_id = claim.id "
        f"WHERE claim.id IN ({', '.join('?' * len(ids))})",
        ids,
    ):
        by_id[id_] = {
            "id": id_,
            "article_id": article_id,
            "source": source,
            "published": _iso(published),
            "published_inferred": _iso(inferred),
            "sentence_index": sentence_index,
            "text": text,
            "normalized": normalized,
            "subject": subject,
            "predicate": predicate,
            "object": object_,
            "speaker": speaker,
            "speaker_resolved": bool(speaker_resolved),
            "polarity": polarity,
            "hedged": bool(hedged),
            "headline": bool(headline),
            "event_date": _iso(event_start),
            "event_date_end": _iso(event_end),
            "event_date_text": event_text,
            "evidence": {
                "start": start,
                "end": end,
                "text": evidence,
                "sentence": sentence,
                "sentence_start": sentence_start,
                "sentence_end": sentence_end,
            },
            "entities": entities[id_],
            "quantities": quantities[id_],
            "times": times[id_],
            "fact_id": fact_id,
            "fact_score": fact_score,
            "fact_reason": fact_reason,
            "fact_matched_claim_id": matched_claim_id,
            "story_id": story_id,
        }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class ClaimFilters(Filters):
    """Claim-only filters: one article, a speaker, a counted thing, only claims with numbers."""

    article_id: int | None = None
    speaker: str | None = None
    counted: str | None = None
    with_quantities: bool = False


def claims_selection(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Selection:
    """The claims matching the filters, every condition answered by an index."""
    selection = Selection("claim", tuple(_claim_conditions(reader, "claim", filters)))
    if filters.article_id is not None:
        selection = selection.where(Sql("claim.article_id = ?", (filters.article_id,)))
    elif not filters.all_versions:
        selection = selection.where(_current("claim"))
    if filters.speaker:
        selection = selection.where(_contains("claim.speaker", filters.speaker))
    if filters.counted or filters.with_quantities:
        numbers = Selection("quantity")
        if filters.counted:
            numbers = numbers.where(_counts(*_counted_terms(filters.counted, synonyms)))
        selection = selection.where(_in_select("claim.id", numbers.select("quantity.claim_id")))
    return selection


def iter_claims(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Claims matching the filters in the order they were stored (an article's claims in
    text order, articles in ingest order), streamed."""
    selection = claims_selection(reader, filters, synonyms)
    yield from _walk(
        reader, selection, ["claim.id"], filters, lambda ids: claim_records(reader, ids)
    )


def list_claims(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """`iter_claims` as a list."""
    return list(iter_claims(reader, filters, synonyms))


def _counts(*terms: str) -> Sql:
    """SQL condition: the quantity counts one of `terms` (its noun, its canonical noun or its
    canonical predicate is one of them), answered by the quantity indexes of each column."""
    wanted = list(dict.fromkeys(term.lower() for term in terms))
    parts = [_in(f"quantity.{column}", wanted) for column in ("counted_key", "predicate_key")]
    parts.append(_in("quantity.counted", wanted))
    return Sql(" OR ".join(p.text for p in parts), tuple(x for p in parts for x in p.params))


def counted_terms(counted: str, synonyms: Synonyms) -> tuple[str, ...]:
    """What a ``--counted`` value stands for: itself, its singular, their synonym keys
    ("killed" → "kill", "aircraft" → "plane") and the nouns that stand for such a count
    ("death toll"), so that users can type the word as written in articles."""
    words = [counted, counted[:-1]] if counted.endswith("s") else [counted]  # planes → plane
    keys = [key for word in words for key in (word, *_synonym_keys(word, synonyms))]
    from factdb.lexicon import lexicon

    # "killed" also finds "the death toll rose to 58": nouns that stand for a count.
    keys += [
        noun
        for noun, (what, predicate) in lexicon().counted_as.items()
        if predicate in keys or what in keys
    ]
    return tuple(dict.fromkeys(k for k in keys if k))


def _counted_terms(counted: str, synonyms: Synonyms | None) -> tuple[str, ...]:
    return counted_terms(counted, synonyms) if synonyms else (counted,)


def _synonym_keys(word: str, synonyms: Synonyms) -> list[str]:
    return [k for k in (synonyms.predicate_key(word), synonyms.counted_key(word)) if k]


def get_claim(reader: Reader, claim_id: int) -> Record | None:
    """One claim with full provenance, or None."""
    found = claim_records(reader, [claim_id])
    return found[0] if found else None


# --- articles and sources -----------------------------------------------------------------

_ARTICLE_COLUMNS = (
    "article.id, source.name, article.title, article.author, article.distributor, "
    "article.published, article.published_text, article.url, article.origin, "
    "article.content_hash, article.ingested_at, "
    "(SELECT count(claim.id) FROM claim WHERE claim.article_id = article.id), "
    "article.published_inferred, article.story_id, article.version, article.revision_of_id"
)


def _copy_of(reader: Reader, article_ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """For each copy among these articles: the article it copies and the link's score.

    An article linked to several originals gets the best-scoring one.
    """
    found: dict[int, tuple[int, float]] = {}
    wanted = _in("article_copy.copy_id", article_ids)
    for copy_id, original_id, score in reader.execute(
        "SELECT article_copy.copy_id, article_copy.original_id, article_copy.score "
        "FROM article_copy JOIN article AS original ON original.id = article_copy.original_id "
        f"WHERE {wanted.text} ORDER BY article_copy.score DESC, original.content_hash",
        wanted.params,
    ):
        found.setdefault(int(copy_id), (int(original_id), float(score)))
    return found


def _superseded_among(reader: Reader, article_ids: Iterable[int]) -> set[int]:
    """Which of these articles are superseded (revised by a later version)."""
    wanted = _in("article.revision_of_id", set(article_ids))
    return {
        int(i)
        for (i,) in reader.execute(
            f"SELECT article.revision_of_id FROM article WHERE {wanted.text}", wanted.params
        )
    }


def _article_records(reader: Reader, ids: Sequence[int]) -> list[Record]:
    """Article objects (without their text) for these ids, in the given order."""
    if not ids:
        return []
    wanted = _in("article.id", ids)
    copies = _copy_of(reader, ids)
    superseded = _superseded_among(reader, ids)
    by_id: dict[int, Record] = {}
    for (
        id_,
        source,
        title,
        author,
        distributor,
        published,
        published_text,
        url,
        origin,
        content_hash,
        ingested_at,
        claims,
        inferred,
        story_id,
        version,
        revision_of,
    ) in reader.execute(
        f"SELECT {_ARTICLE_COLUMNS} FROM article "
        f"LEFT OUTER JOIN source ON source.id = article.source_id WHERE {wanted.text}",
        wanted.params,
    ):
        copy_of = copies.get(id_)
        by_id[id_] = {
            "id": id_,
            "source": source,
            "title": title,
            "author": author,
            "distributor": distributor,
            "published": _iso(published),
            "published_text": published_text,
            "url": url,
            "origin": origin,
            "content_hash": content_hash,
            "ingested_at": _instant(ingested_at),
            "claims": int(claims),
            "published_inferred": _iso(inferred),
            "copy_of": copy_of[0] if copy_of else None,
            "copy_score": copy_of[1] if copy_of else None,
            "story_id": story_id,
            "version": version,
            "revision_of": revision_of,
            "current": id_ not in superseded,
        }
    return [by_id[i] for i in ids if i in by_id]


def articles_selection(reader: Reader, filters: Filters) -> Selection:
    """The articles matching the filters."""
    selection = Selection("article", tuple(_published_conditions(reader, filters)))
    if not filters.all_versions:
        selection = selection.where(_in_select("article.id", _SUPERSEDED_ARTICLES, negated=True))
    if filters.search:
        selection = selection.where(text_search(reader, "article", "article", filters.search))
    if filters.entity:
        selection = selection.where(
            _in_select("article.id", _naming(reader, filters.entity, "article_id"))
        )
    return selection


# Undated articles sort after every dated one (a key without NULLs, so pages can be walked).
_ARTICLE_KEYS = ["coalesce(article.published, '9999-12-31')", "article.id"]


def iter_articles(reader: Reader, filters: Filters) -> Iterator[Record]:
    """Articles matching the filters in publication order (undated last), streamed."""
    yield from _walk(
        reader,
        articles_selection(reader, filters),
        _ARTICLE_KEYS
        if reader.dialect == "sqlite"
        else [f"{_ARTICLE_KEYS[0]}::date", "article.id"],
        filters,
        lambda ids: _article_records(reader, ids),
    )


def list_articles(reader: Reader, filters: Filters) -> list[Record]:
    """`iter_articles` as a list."""
    return list(iter_articles(reader, filters))


def _versions(reader: Reader, article_id: int) -> list[Record]:
    """Every version of the article's chain, first first: id, version, published, title,
    content hash, whether current (an article that was never revised has one)."""
    columns = (
        "article.id, article.version, article.published, article.title, "
        "article.content_hash, article.ingested_at, article.revision_of_id"
    )
    first = article_id
    while (
        earlier := reader.scalar(
            "SELECT article.revision_of_id FROM article WHERE article.id = ?", (first,)
        )
    ) is not None:
        first = int(earlier)
    chain = [reader.first(f"SELECT {columns} FROM article WHERE article.id = ?", (first,))]
    while chain[-1] is not None:
        chain.append(
            reader.first(
                f"SELECT {columns} FROM article WHERE article.revision_of_id = ?", (chain[-1][0],)
            )
        )
    found = [row for row in chain if row is not None]
    return [
        {
            "id": id_,
            "version": version,
            "published": _iso(published),
            "title": title,
            "content_hash": content_hash,
            "ingested_at": _instant(ingested_at),
            "current": index == len(found) - 1,
        }
        for index, (id_, version, published, title, content_hash, ingested_at, _) in enumerate(
            found
        )
    ]


def get_article(reader: Reader, article_id: int) -> Record | None:
    """One article with its stored text and every claim extracted from it, or None."""
    found = _article_records(reader, [article_id])
    if not found:
        return None
    record = found[0]
    record["versions"] = _versions(reader, article_id)
    record["text"] = reader.scalar(
        "SELECT article.text FROM article WHERE article.id = ?", (article_id,)
    )
    record["claim_list"] = list_claims(reader, ClaimFilters(article_id=article_id))
    return record


def list_stories(reader: Reader, filters: Filters) -> list[Record]:
    """Stories (the coverage of one event) with their articles, sources and date range,
    newest first; the filters narrow them to stories with a matching article."""
    conditions: list[Sql] = []
    if filters.source or filters.since or filters.until or filters.search or filters.entity:
        members = articles_selection(reader, filters).select("article.id")
        conditions.append(
            Sql(
                "story.id IN (SELECT member.story_id FROM article AS member "
                f"WHERE member.id IN ({members.text}))",
                members.params,
            )
        )
    query = Selection(
        "story JOIN article ON article.story_id = story.id "
        "LEFT OUTER JOIN claim ON claim.article_id = article.id "
        "LEFT OUTER JOIN fact_claim ON fact_claim.claim_id = claim.id",
        tuple(conditions),
    ).select(
        "story.id, story.label, count(DISTINCT article.id), count(DISTINCT article.source_id), "
        "count(DISTINCT fact_claim.fact_id), story.first_published, story.last_published"
    )
    limit = "" if filters.limit is None else f" LIMIT {int(filters.limit)}"
    rows = reader.execute(
        f"{query.text} GROUP BY story.id, story.label, story.first_published, "
        "story.last_published ORDER BY story.last_published IS NULL, story.last_published DESC, "
        f"story.id{limit}",
        query.params,
    )
    return [
        {
            "id": id_,
            "label": label,
            "articles": int(articles),
            "sources": int(sources),
            "facts": int(facts),
            "first_published": _iso(first),
            "last_published": _iso(last),
        }
        for id_, label, articles, sources, facts, first, last in rows
    ]


def list_sources(reader: Reader, filters: Filters) -> list[Record]:
    """Sources with how many articles and claims each has, and their date range.

    The counts are the tallies the database keeps (migration 0013), the dates the ends of
    ix_article_source_published: a few rows a source, whatever the size of the archive."""

    def tally(prefix: str) -> str:
        return (
            "coalesce((SELECT tally.value FROM tally "
            f"WHERE tally.name = '{prefix}:' || source.id), 0)"
        )

    def end(of: str) -> str:
        return f"(SELECT {of}(article.published) FROM article WHERE article.source_id = source.id)"

    conditions = [_of_sources(reader, "source.id", filters.source)] if filters.source else []
    query = Selection("source", tuple(conditions)).select(
        f"source.id, source.name, {tally('source_articles')}, {tally('source_claims')}, "
        f"{end('min')}, {end('max')}"
    )
    limit = "" if filters.limit is None else f" LIMIT {int(filters.limit)}"
    return [
        {
            "id": id_,
            "name": name,
            "articles": int(articles),
            "claims": int(claims),
            "first_published": _iso(first),
            "last_published": _iso(last),
        }
        for id_, name, articles, claims, first, last in reader.execute(
            f"{query.text} ORDER BY source.name, source.id{limit}", query.params
        )
    ]


# --- conflicts ----------------------------------------------------------------------------

CONFLICT_STATUSES = ("open", "dismissed", "resolved")
# The rules of `factdb.conflicts`, each recording its own kind.
CONFLICT_KINDS = ("number", "update", "polarity", "direction", "date")


@dataclass(frozen=True)
class ConflictFilters(Filters):
    """Conflict filters: kind, review status (``all`` for every status)."""

    kind: str | None = None
    status: str = "open"
    # Only conflicts recorded by ingest run `since_run` or a later one (`conflicts --new`).
    since_run: int | None = None


_CONFLICT_FIELDS = [
    "id",
    "kind",
    "status",
    "rule",
    "confidence",
    "detail",
    "note",
    "claim_a_id",
    "claim_b_id",
    "quantity_a_id",
    "quantity_b_id",
    "created_at",
    "updated_at",
]


def conflict_records(reader: Reader, conflict_ids: Sequence[int]) -> list[Record]:
    """Full conflict objects (both claims in full) for these ids, in the given order."""
    wanted = _in("conflict.id", conflict_ids)
    rows = {
        row[0]: dict(zip(_CONFLICT_FIELDS, row, strict=True))
        for row in reader.execute(
            f"SELECT {_columns('conflict', _CONFLICT_FIELDS)} FROM conflict WHERE {wanted.text}",
            wanted.params,
        )
    }
    found = [rows[i] for i in conflict_ids if i in rows]
    claims = {
        c["id"]: c
        for c in claim_records(
            reader, [i for row in found for i in (row["claim_a_id"], row["claim_b_id"])]
        )
    }
    return [
        {
            "id": row["id"],
            "kind": row["kind"],
            "status": row["status"],
            "rule": row["rule"],
            "confidence": row["confidence"],
            "explanation": row["detail"],
            "note": row["note"],
            "claim_a": claims.get(row["claim_a_id"]),
            "claim_b": claims.get(row["claim_b_id"]),
            "quantity_a_id": row["quantity_a_id"],
            "quantity_b_id": row["quantity_b_id"],
            "created_at": _instant(row["created_at"]),
            "updated_at": _instant(row["updated_at"]),
        }
        for row in found
    ]


def conflicts_selection(reader: Reader, filters: ConflictFilters) -> Selection:
    """The conflicts matching the filters; a source, date, entity or search filter matches
    either claim. Kind and status go through their indexes, the claim filters through the
    indexes of `_claim_conditions`, then ix_conflict_claim_a_id / _b_id."""
    selection = Selection("conflict")
    if filters.kind:
        selection = selection.where(Sql("conflict.kind = ?", (filters.kind,)))
    if filters.status != "all":
        selection = selection.where(Sql("conflict.status = ?", (filters.status,)))
    if not filters.all_versions:
        for side in ("conflict.claim_a_id", "conflict.claim_b_id"):
            selection = selection.where(_in_select(side, _SUPERSEDED_CLAIMS, negated=True))
    if filters.since_run is not None:
        # A conflict belongs to the run that was storing when it was recorded. Plain runs do
        # not overlap (factdb.lock), so "created at or after run N started" is runs N and
        # later; beside --concurrent workers it also takes what they recorded since then.
        selection = selection.where(
            Sql(
                "conflict.created_at >= "
                "(SELECT ingest_run.started_at FROM ingest_run WHERE ingest_run.id = ?)",
                (filters.since_run,),
            )
        )
    claim_conditions = _claim_conditions(reader, "claim", filters)
    if not claim_conditions:
        return selection
    matched = Selection("claim", tuple(claim_conditions))
    if _narrow(reader, filters):
        # A month of thirty years, a rare word: the few conflicts of the few claims are
        # found through ix_conflict_claim_a_id / _b_id (checking each conflict's claims
        # would read every open conflict, for none).
        ids = matched.select("claim.id")
        sides = Sql(
            f"SELECT a_side.id FROM conflict AS a_side WHERE a_side.claim_a_id IN ({ids.text}) "
            f"UNION SELECT b_side.id FROM conflict AS b_side WHERE b_side.claim_b_id IN "
            f"({ids.text})",
            ids.params * 2,
        )
        return selection.where(_among(reader, "conflict.id", sides))
    # A big source, a common name: the conflicts are checked claim by claim, newest first,
    # and a page stops at its fiftieth (a list of the claims would be built first).
    either: list[Sql] = []
    for side, alias in (("conflict.claim_a_id", "claim_a"), ("conflict.claim_b_id", "claim_b")):
        own = Selection(
            f"claim AS {alias}",
            (Sql(f"{alias}.id = {side}"), *_claim_conditions(reader, alias, filters)),
        ).select("1")
        either.append(Sql(f"EXISTS ({own.text})", own.params))
    return selection.where(
        Sql(" OR ".join(s.text for s in either), tuple(p for s in either for p in s.params))
    )


def iter_conflicts(reader: Reader, filters: ConflictFilters) -> Iterator[Record]:
    """Conflicts matching the filters in the order they were found, streamed."""
    yield from _walk(
        reader,
        conflicts_selection(reader, filters),
        ["conflict.id"],
        filters,
        lambda ids: conflict_records(reader, ids),
    )


def list_conflicts(reader: Reader, filters: ConflictFilters) -> list[Record]:
    """`iter_conflicts` as a list."""
    return list(iter_conflicts(reader, filters))


def latest_run_id(reader: Reader) -> int | None:
    """The id of the newest ingest run, or None before the first."""
    found = reader.scalar("SELECT max(ingest_run.id) FROM ingest_run")
    return None if found is None else int(found)


# --- feeds ----------------------------------------------------------------------------------

_FEED_FIELDS = "id url source added_at last_fetched_at last_status etag last_modified articles"


def list_feeds(reader: Reader) -> list[Record]:
    """Every feed in the list, in the order they were added (as `factdb feeds list` shows
    them)."""
    fields = _FEED_FIELDS.split()
    records = [
        dict(zip(fields, row, strict=True))
        for row in reader.execute(f"SELECT {_columns('feed', fields)} FROM feed ORDER BY feed.id")
    ]
    for record in records:
        record["added_at"] = _instant(record["added_at"])
        record["last_fetched_at"] = _instant(record["last_fetched_at"])
    return records


# --- facts --------------------------------------------------------------------------------

FACT_STATES = ("agree", "conflict", "update", "single source")
# Kinds that make a fact's sources disagree; an update is a change over time, not a dispute.
_DISAGREEMENTS = ("number", "polarity", "direction", "date")


@dataclass(frozen=True)
class FactFilters(Filters):
    """Fact filters: a fact matches when one of its claims matches the claim filters
    (source, dates, search, entity, counted); then its state and independent sources."""

    counted: str | None = None
    state: str | None = None
    min_sources: int = 1


def independent_sources(articles: dict[int, int | None], copies: set[frozenset[int]]) -> int:
    """How many independent sources these articles (id → source id) are.

    Articles of one source count once, and so do articles linked as copies: union-find over
    both relations, then count the groups.
    """
    parent = {a: a for a in articles}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_of_source: dict[int, int] = {}
    for article, source in sorted(articles.items()):
        if source is not None:
            parent[find(article)] = find(first_of_source.setdefault(source, article))
    for pair in copies:
        a, b = sorted(pair)
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return len({find(a) for a in articles})


def fact_records(
    reader: Reader, fact_ids: Sequence[int], all_versions: bool = False
) -> list[Record]:
    """Full fact objects for these ids, in the given order: every claim in full, the state,
    the number of independent sources and the fact's conflicts (dismissed ones excluded).

    Without `all_versions`, the reports of superseded versions are left out, and so is a
    fact that has no other."""
    if not fact_ids:
        return []
    ids = list(dict.fromkeys(fact_ids))
    members: dict[int, list[int]] = defaultdict(list)
    wanted = _in("fact_claim.fact_id", ids)
    current = "" if all_versions else f" AND {_current('claim').text}"
    when = "coalesce(article.published, article.published_inferred)"
    for fact_id, claim_id in reader.execute(
        "SELECT fact_claim.fact_id, fact_claim.claim_id FROM fact_claim "
        "JOIN claim ON claim.id = fact_claim.claim_id "
        f"JOIN article ON article.id = claim.article_id WHERE {wanted.text}{current} "
        f"ORDER BY {when} IS NULL, {when}, article.content_hash, claim.start",
        wanted.params,
    ):
        members[fact_id].append(claim_id)
    claims = {c["id"]: c for c in claim_records(reader, [i for f in ids for i in members[f]])}
    by_claim: dict[int, list[Record]] = defaultdict(list)
    if claims:
        sides = _in("conflict.claim_a_id", claims)
        other_side = (
            ""
            if all_versions
            else f" AND {_in_select('conflict.claim_b_id', _SUPERSEDED_CLAIMS, negated=True).text}"
        )
        for id_, kind, status, confidence, claim_a_id, claim_b_id in reader.execute(
            "SELECT conflict.id, conflict.kind, conflict.status, conflict.confidence, "
            f"conflict.claim_a_id, conflict.claim_b_id FROM conflict WHERE {sides.text} "
            f"AND conflict.status != 'dismissed'{other_side}",
            sides.params,
        ):
            by_claim[claim_a_id].append(
                {
                    "id": id_,
                    "kind": kind,
                    "status": status,
                    "confidence": confidence,
                    "claim_a_id": claim_a_id,
                    "claim_b_id": claim_b_id,
                }
            )
    articles = _in("article.id", {c["article_id"] for c in claims.values()})
    sources: dict[int, int | None] = {
        int(article_id): source_id
        for article_id, source_id in reader.execute(
            f"SELECT article.id, article.source_id FROM article WHERE {articles.text}",
            articles.params,
        )
    }
    copied = _in("article_copy.copy_id", sources)
    copies = {
        frozenset((int(a), int(b)))
        for a, b in reader.execute(
            "SELECT article_copy.original_id, article_copy.copy_id FROM article_copy "
            f"WHERE {copied.text}",
            copied.params,
        )
    }
    facts = _in("fact.id", ids)
    labels: dict[int, str] = {
        int(fact_id): label
        for fact_id, label in reader.execute(
            f"SELECT fact.id, fact.label FROM fact WHERE {facts.text}", facts.params
        )
    }
    records = []
    for fact_id in ids:
        if fact_id not in labels:
            continue
        fact_claims = [claims[i] for i in members[fact_id] if i in claims]
        if not fact_claims and not all_versions:
            continue
        fact_conflicts = [k for c in fact_claims for k in by_claim[c["id"]]]
        independent = independent_sources(
            {c["article_id"]: sources[c["article_id"]] for c in fact_claims}, copies
        )
        if any(k["kind"] in _DISAGREEMENTS for k in fact_conflicts):
            state = "conflict"
        elif fact_conflicts:
            state = "update"
        elif independent >= 2:
            state = "agree"
        else:
            state = "single source"
        records.append(
            {
                "id": fact_id,
                "label": labels[fact_id],
                "state": state,
                "independent_sources": independent,
                "articles": len({c["article_id"] for c in fact_claims}),
                "sources": sorted({c["source"] for c in fact_claims if c["source"]}),
                "claims": fact_claims,
                "conflicts": sorted(fact_conflicts, key=lambda k: k["id"]),
            }
        )
    return records


def _fact_prefilters(filters: FactFilters) -> list[Sql]:
    """SQL conditions every fact passing the state and source filters meets, so that records
    are only built for likely ones (`fact_records` decides exactly)."""
    conditions: list[Sql] = []
    if filters.state is not None:
        # Facts with a conflict that is not dismissed, found from the conflicts (through
        # ix_conflict_status, then fact_claim's key), not by probing every fact.
        live = _in("conflict.status", [s for s in CONFLICT_STATUSES if s != "dismissed"])
        conflicted = Sql(
            "SELECT member.fact_id FROM fact_claim AS member "
            f"JOIN conflict ON conflict.claim_a_id = member.claim_id WHERE {live.text}",
            live.params,
        )
        if filters.state == "conflict":
            kinds = _in("conflict.kind", _DISAGREEMENTS)
            conflicted = Sql(
                f"{conflicted.text} AND {kinds.text}", conflicted.params + kinds.params
            )
        conditions.append(
            _in_select("fact.id", conflicted, negated=filters.state in ("agree", "single source"))
        )
    needed = max(filters.min_sources, 2 if filters.state == "agree" else 1)
    if needed > 1:
        conditions.append(
            Sql(
                "(SELECT count(DISTINCT member_claim.article_id) FROM claim AS member_claim "
                "JOIN fact_claim AS member ON member.claim_id = member_claim.id "
                "WHERE member.fact_id = fact.id) >= ?",
                (needed,),
            )
        )
    return conditions


def facts_selection(
    reader: Reader, filters: FactFilters, synonyms: Synonyms | None = None
) -> Selection:
    """The facts one of whose claims matches the claim filters (source, dates, search,
    entity, counted), narrowed in SQL by the state and source-count filters."""
    conditions = _claim_conditions(reader, "claim", filters)
    if filters.counted:
        terms = _counted_terms(filters.counted, synonyms)
        numbers = Selection("quantity", (_counts(*terms),)).select("quantity.claim_id")
        conditions.append(_in_select("claim.id", numbers))
    selection = Selection("fact", tuple(_fact_prefilters(filters)))
    if conditions:
        matched = Selection("claim", tuple(conditions)).select("claim.id")
        members = Sql(
            "SELECT fact_claim.fact_id FROM fact_claim "
            f"WHERE fact_claim.claim_id IN ({matched.text})",
            matched.params,
        )
        selection = selection.where(_in_select("fact.id", members))
    return selection


def exact_fact_filters(filters: FactFilters) -> bool:
    """Whether some facts passing `facts_selection` may still be dropped once built (their
    state and independent sources are only known then)."""
    return filters.min_sources > 1 or filters.state is not None


def iter_facts(
    reader: Reader, filters: FactFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Facts matching the filters in the order they were made (newest last), streamed; with
    `synonyms`, the counted filter also matches the word's synonym keys."""

    def build(ids: list[int]) -> list[Record]:
        return [
            record
            for record in fact_records(reader, ids, filters.all_versions)
            if record["independent_sources"] >= filters.min_sources
            and (filters.state is None or record["state"] == filters.state)
        ]

    yield from _walk(
        reader,
        facts_selection(reader, filters, synonyms),
        ["fact.id"],
        # A fact's record holds all its claims: build them a page at a time.
        filters,
        build,
        # A fact whose reports are all superseded is dropped once built.
        kept_by_build=filters.all_versions and not exact_fact_filters(filters),
    )


def list_facts(
    reader: Reader, filters: FactFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """`iter_facts` as a list."""
    return list(iter_facts(reader, filters, synonyms))


def get_fact(reader: Reader, fact_id: int) -> Record | None:
    """One fact with all its claims, or None."""
    found = fact_records(reader, [fact_id]) or fact_records(reader, [fact_id], True)
    return found[0] if found else None


# --- timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineFilters(Filters):
    """Timeline filters: what is counted (noun or predicate, e.g. ``killed``) and the usual
    ones; an entity filter matches a claim that names it or whose article does."""

    counted: str | None = None


def _relation(
    earlier: list[tuple[ClaimFeatures, QuantityFeatures]],
    current: tuple[ClaimFeatures, QuantityFeatures],
) -> tuple[str, int | None, str]:
    """How a report relates to what came before it: (relation, the report it is compared
    with, explanation). Earlier reports are given latest first; a conflict with any of them
    outweighs an update, which outweighs agreement."""
    from factdb.features import report_time
    from factdb.number_relations import interval_text, number_relation

    if not earlier:
        return "first report", None, "no earlier report of this fact counts the same thing"
    b, qb = current
    found = [(number_relation(a, qa, b, qb), a, qa) for a, qa in earlier]
    # "apart": a later count under half an earlier one counts something narrower.
    found = [f for f in found if f[0] != "apart"]
    if not found:
        return "first report", None, "no earlier report of this fact counts the same thing"
    order = {"number": 0, "update": 1, "agree": 2}
    relation, a, qa = min(found, key=lambda t: order[t[0]])
    before = (
        f"#{a.id} ({a.source or 'unknown source'}, {a.published or 'undated'}: "
        f"{qa.raw} {interval_text(qa.interval)})"
    )
    if relation == "agree":
        return "agrees", a.id, f"overlaps {before}"
    if relation == "update":
        ta, tb = report_time(a, qa), report_time(b, qb)
        later = ta is not None and tb is not None and tb > ta
        moved = (qb.interval.low or 0) >= (qa.interval.high or 0)
        change = "rose" if moved == later else "fell"
        return "updates", a.id, f"a later figure than {before}; the count {change}"
    return "conflicts", a.id, f"does not overlap {before}, about the same or an unknown time"


_TIMELINE_FROM = (
    "quantity JOIN claim ON claim.id = quantity.claim_id "
    "JOIN article ON article.id = claim.article_id "
    "LEFT OUTER JOIN fact_claim ON fact_claim.claim_id = claim.id"
)
# (quantity id, claim id, inferred date, fact id, the quantity that put the claim in its slot)
_TIMELINE_COLUMNS = (
    "quantity.id, claim.id, article.published_inferred, fact_claim.fact_id, fact_claim.quantity_id"
)
_WHEN = "coalesce(article.published, article.published_inferred)"
# Publication order (an inferred date places an undated copy; undated last), then by source
# and text, which do not depend on the order articles were ingested in.
_TIMELINE_ORDER = [
    f"{_WHEN} IS NULL",
    _WHEN,
    "(SELECT source.name FROM source WHERE source.id = article.source_id)",
    "article.content_hash",
    "quantity.start",
    "quantity.id",
]


def timeline_selection(reader: Reader, filters: TimelineFilters, synonyms: Synonyms) -> Selection:
    """The reported numbers matching the filters (rows of quantity, claim, article and the
    claim's fact membership)."""
    selection = Selection(
        _TIMELINE_FROM, tuple(_claim_conditions(reader, "claim", replace(filters, entity=None)))
    )
    if not filters.all_versions:
        selection = selection.where(_current("claim"))
    if filters.counted:
        selection = selection.where(_counts(*counted_terms(filters.counted, synonyms)))
    if filters.entity:
        # A claim naming the entity is in an article naming it: the article decides.
        selection = selection.where(
            _in_select("claim.article_id", _naming(reader, filters.entity, "article_id"))
        )
    return selection


def _timeline_rows(
    reader: Reader, selection: Selection, descending: bool, offset: int, limit: int | None
) -> list[Any]:
    query = selection.select(_TIMELINE_COLUMNS)
    direction = " DESC" if descending else ""
    page = (
        " LIMIT ? OFFSET ?"
        if limit is not None
        else (" LIMIT -1 OFFSET ?" if reader.dialect == "sqlite" else " OFFSET ?")
    )
    params = (*query.params, *((limit, offset) if limit is not None else (offset,)))
    return reader.all(
        f"{query.text} ORDER BY {', '.join(k + direction for k in _TIMELINE_ORDER)}{page}", params
    )


def _date_windows(
    reader: Reader, selection: Selection, articles: Selection, newest: bool
) -> Iterator[Selection]:
    """`selection` narrowed to the reports of the articles at one end of the archive, ever
    wider, then `selection` itself: published (or inferred) within 30, 120, 480, … days of
    the newest (oldest) of `articles`, the articles the filters can keep (of a source,
    naming an entity; all of them else). The newest
    end also keeps the undated reports, which come last in a timeline. A window that holds a
    page's rows holds exactly the rows the whole selection has at that end.

    A page of a timeline then sorts a few weeks of reports instead of every report in the
    archive; the dates are found through ix_article_published and
    ix_article_published_inferred. (An article has an inferred date only when it states
    none, so "published or inferred within the window" is exactly its timeline date.)
    """

    def end_of(column: str) -> Sql:
        # The first row of the column's index from that end that the filters keep: a walk
        # that stops there, however many articles the filters keep (a max() over the
        # articles naming a common name would read every one of them).
        kept = articles.where(Sql(f"{column} IS NOT NULL")).select(column)
        order = f"{column} DESC" if newest else column
        return Sql(f"({kept.text} ORDER BY {order} LIMIT 1)", kept.params)

    published, inferred = end_of("article.published"), end_of("article.published_inferred")
    query = Sql(f"SELECT {published.text}, {inferred.text}", published.params + inferred.params)
    ends = reader.first(query.text, query.params) or ()
    dates = [d for d in map(stored_date, ends) if d is not None]
    far = stored_date(
        reader.scalar(f"SELECT {'min' if newest else 'max'}(article.published) FROM article")
    )
    if not dates or far is None:
        yield selection
        return

    def within(end: date, days: int) -> Selection:
        # One index range each (an OR of them makes SQLite read the article table whole),
        # each kept to the articles the filters can keep.
        if newest:
            start = end - timedelta(days=days)
            ranges = [
                Sql("article.published >= ?", (start,)),
                Sql("article.published_inferred >= ?", (start,)),
                Sql("article.published IS NULL"),
            ]
        else:
            stop = end + timedelta(days=days)
            ranges = [
                Sql("article.published <= ?", (stop,)),
                Sql("article.published_inferred <= ?", (stop,)),
            ]
        parts = [articles.where(r).select("article.id") for r in ranges]
        union = Sql(
            " UNION ".join(p.text for p in parts), tuple(v for p in parts for v in p.params)
        )
        # A list of ids the planner looks up claim by claim (or intersects with a search's
        # index), never a join it might drive from the other side through every claim.
        return selection.where(_among(reader, "claim.article_id", union))

    end = max(dates) if newest else min(dates)
    # The month may not hold the page (a filter keeps reports of other years): each window
    # is four times the last, so a report decades back is reached in a few reads. (Asking
    # first for the newest report the filters keep would mean matching every report they
    # keep: seconds for a common name in ten million claims.)
    days = 30
    while (end - timedelta(days=days) > far) if newest else (end + timedelta(days=days) < far):
        yield within(end, days)
        days *= 4
    yield selection


def timeline(reader: Reader, filters: TimelineFilters, synonyms: Synonyms) -> list[Record]:
    """Every reported number matching the filters, in publication order (an inferred date
    places an undated copy), each compared with the earlier reports of the same fact that
    count the same thing: first report, agrees, updates or conflicts (with any of them).

    A page (``limit``, ``offset``, ``newest``) compares its reports with every earlier report
    of their facts that the filters keep, on the page or not, so a report's relation does not
    depend on the page it is shown on.
    """
    from factdb.features import claim_features

    selection = timeline_selection(reader, filters, synonyms)
    if filters.limit is None:
        rows = _timeline_rows(reader, selection, filters.newest, filters.offset, None)
    else:
        # The first window that fills the page gives the page of the whole selection.
        # The articles the filters can keep, as far as their indexes tell cheaply.
        articles = Selection("article", tuple(_published_conditions(reader, filters)))
        if filters.entity:
            articles = articles.where(
                _in_select("article.id", _naming(reader, filters.entity, "article_id"))
            )
        for window in _date_windows(reader, selection, articles, filters.newest):
            rows = _timeline_rows(reader, window, filters.newest, filters.offset, filters.limit)
            if len(rows) == filters.limit:
                break
    if filters.newest:
        rows.reverse()
    history: list[Any] = rows
    if filters.limit is not None or filters.offset:
        facts = {int(r[3]) for r in rows if r[3] is not None}
        members = _in("fact_claim.fact_id", facts)
        # Through the facts' members, not by reading every report.
        earlier = selection.where(
            _in_select(
                "claim.id",
                Sql(
                    f"SELECT fact_claim.claim_id FROM fact_claim WHERE {members.text}",
                    members.params,
                ),
            )
        )
        history = _timeline_rows(reader, earlier, False, 0, None) if facts else []
    features = claim_features(
        reader, {int(r[1]) for r in rows} | {int(r[1]) for r in history}, synonyms
    )
    relations: dict[int, tuple[str, int | None, str]] = {}
    seen: list[tuple[int | None, ClaimFeatures, QuantityFeatures]] = []
    for quantity_id, claim_id, _, fact_id, slot_quantity_id in history:
        current = features[claim_id]
        number = next(q for q in current.quantities if q.id == quantity_id)
        # Only the number that put a claim in its fact's slot is a report of that fact.
        in_slot = quantity_id == slot_quantity_id
        earlier_reports = [
            (c, q)
            for f, c, q in reversed(seen)
            if in_slot and fact_id is not None and f == fact_id and c.id != claim_id
        ]
        relations[quantity_id] = _relation(earlier_reports, (current, number))
        if in_slot:
            seen.append((fact_id, current, number))
    return [
        _timeline_record(quantity_id, features[claim_id], inferred, fact_id, relations)
        for quantity_id, claim_id, inferred, fact_id, _ in rows
    ]


def _timeline_record(
    quantity_id: int,
    current: ClaimFeatures,
    inferred: date | str | None,
    fact_id: int | None,
    relations: dict[int, tuple[str, int | None, str]],
) -> Record:
    from factdb.number_relations import interval_text

    number = next(q for q in current.quantities if q.id == quantity_id)
    relation, compared_with, explanation = relations.get(quantity_id) or _relation(
        [], (current, number)
    )
    return {
        "claim_id": current.id,
        "quantity_id": quantity_id,
        "fact_id": fact_id,
        "article_id": current.article_id,
        "source": current.source,
        "published": _iso(current.published),
        "published_inferred": _iso(inferred),
        "event_date": _iso(current.event_start),
        "raw": number.raw,
        "interval": interval_text(number.interval),
        "low": number.interval.low,
        "high": number.interval.high,
        "counted": number.counted,
        "predicate": number.predicate,
        "unit": number.unit,
        "text": current.text,
        "sentence": current.sentence,
        "relation": relation,
        "compared_with": compared_with,
        "explanation": explanation,
    }


# --- stats --------------------------------------------------------------------------------

# The counts of `stats`, in the order it gives them (conflicts by kind come after the 7th).
_COUNTS = (
    "sources",
    "articles",
    "articles_without_date",
    "claims",
    "quantities",
    "entities",
    "conflicts",
    "facts",
    "facts_with_several_articles",
    "copies",
    "ingest_runs",
)


def stats(reader: Reader) -> Record:
    """Counts of everything stored, conflicts by kind and status, and the last ingest run.

    The counts are the tallies the database keeps as rows change (migration 0013), so this
    reads a dozen rows whatever the size of the archive."""
    tallies = {
        str(name): int(value) for name, value in reader.execute("SELECT name, value FROM tally")
    }
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for name, value in sorted(tallies.items()):
        if name.startswith("conflicts:") and value:
            _, kind, status = name.split(":", 2)
            by_kind[kind][status] = value
    last_run = reader.first(
        "SELECT ingest_run.id, ingest_run.started_at, ingest_run.finished_at, "
        "ingest_run.articles_added, ingest_run.duplicates, ingest_run.errors, "
        "ingest_run.files_seen, ingest_run.conflicts_added FROM ingest_run "
        "ORDER BY ingest_run.id DESC LIMIT 1"
    )
    return {
        **{name: tallies.get(name, 0) for name in _COUNTS[:7]},
        "conflicts_by_kind": dict(by_kind),
        **{name: tallies.get(name, 0) for name in _COUNTS[7:]},
        "last_run": None
        if last_run is None
        else {
            "id": last_run[0],
            "started_at": _instant(last_run[1]),
            "finished_at": _instant(last_run[2]),
            "articles_added": last_run[3],
            "duplicates": last_run[4],
            "errors": last_run[5],
            "inputs": last_run[6],
            "conflicts_added": last_run[7],
        },
    }
