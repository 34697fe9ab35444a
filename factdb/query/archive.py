"""The archive's own records: articles (with their versions and copy links), sources, stories,
feeds, and the counts `factdb stats` prints (kept by the database, see migration 0013)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factdb.store.driver import Reader
from factdb.query.claims import ClaimFilters, columns_of, list_claims
from factdb.query.conflicts import ConflictFilters, iter_conflicts
from factdb.query.facts import FactFilters, iter_facts
from factdb.query.pages import walk
from factdb.query.sql import (
    SUPERSEDED_ARTICLES,
    SUPERSEDED_CLAIMS,
    Filters,
    Record,
    Selection,
    Sql,
    in_select,
    in_values,
    iso_date,
    iso_instant,
    naming_entity,
    of_sources,
    published_conditions,
    text_search,
)

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
    wanted = in_values("article_copy.copy_id", article_ids)
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
    wanted = in_values("article.revision_of_id", set(article_ids))
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
    wanted = in_values("article.id", ids)
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
            "published": iso_date(published),
            "published_text": published_text,
            "url": url,
            "origin": origin,
            "content_hash": content_hash,
            "ingested_at": iso_instant(ingested_at),
            "claims": int(claims),
            "published_inferred": iso_date(inferred),
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
    selection = Selection("article", tuple(published_conditions(reader, filters)))
    if not filters.all_versions:
        selection = selection.where(in_select("article.id", SUPERSEDED_ARTICLES, negated=True))
    if filters.search:
        selection = selection.where(text_search(reader, "article", "article", filters.search))
    if filters.entity:
        selection = selection.where(
            in_select("article.id", naming_entity(reader, filters.entity, "article_id"))
        )
    return selection


# Undated articles sort after every dated one (a key without NULLs, so pages can be walked).
_ARTICLE_KEYS = ["coalesce(article.published, '9999-12-31')", "article.id"]


def iter_articles(reader: Reader, filters: Filters) -> Iterator[Record]:
    """Articles matching the filters in publication order (undated last), streamed."""
    yield from walk(
        reader,
        articles_selection(reader, filters),
        _ARTICLE_KEYS
        if reader.dialect == "sqlite"
        else [f"{_ARTICLE_KEYS[0]}::date", "article.id"],
        filters,
        lambda ids: _article_records(reader, ids),
    )


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
            "published": iso_date(published),
            "title": title,
            "content_hash": content_hash,
            "ingested_at": iso_instant(ingested_at),
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


def stories_selection(reader: Reader, filters: Filters) -> Selection:
    """The stories with an article matching the filters (every story without filters)."""
    if not (filters.source or filters.since or filters.until or filters.search or filters.entity):
        return Selection("story", ())
    members = articles_selection(reader, filters).select("article.id")
    return Selection(
        "story",
        (
            Sql(
                "story.id IN (SELECT member.story_id FROM article AS member "
                f"WHERE member.id IN ({members.text}))",
                members.params,
            ),
        ),
    )


# Stories by their last date, undated first (their coverage is the oldest: no date was
# found in any of their articles), so a table's newest page shows the stories still moving.
_STORY_KEYS = ["coalesce(story.last_published, '0001-01-01')", "story.id"]


def iter_stories(reader: Reader, filters: Filters) -> Iterator[Record]:
    """Stories matching the filters in the order of their last article's date, streamed a
    page at a time like every listing (``--limit --offset --after --all``)."""
    keys = _STORY_KEYS if reader.dialect == "sqlite" else [f"{_STORY_KEYS[0]}::date", "story.id"]
    yield from walk(
        reader, stories_selection(reader, filters), keys, filters, lambda ids: _stories(reader, ids)
    )


def _stories(reader: Reader, ids: Sequence[int]) -> list[Record]:
    """Story records for these ids, in the given order: label, how many articles, sources
    and facts it has (each counted through its story_id index), first and last date."""
    wanted = in_values("story.id", ids)
    rows = reader.execute(
        "SELECT story.id, story.label, "
        "(SELECT count(*) FROM article WHERE article.story_id = story.id), "
        "(SELECT count(DISTINCT article.source_id) FROM article "
        "WHERE article.story_id = story.id), "
        "(SELECT count(*) FROM fact WHERE fact.story_id = story.id), "
        f"story.first_published, story.last_published FROM story WHERE {wanted.text}",
        wanted.params,
    )
    by_id = {
        int(id_): {
            "id": id_,
            "label": label,
            "articles": int(articles),
            "sources": int(sources),
            "facts": int(facts),
            "first_published": iso_date(first),
            "last_published": iso_date(last),
        }
        for id_, label, articles, sources, facts, first, last in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def get_story(reader: Reader, story_id: int, *, with_reports: bool = False) -> Record | None:
    """One story as a journalist works it, or None: its record, then `article_list` (every
    article, by date, then source), `fact_list` (each fact with its state and independent
    sources; `show fact ID` has its reports) and `conflict_list` (its open conflicts, in
    full). `with_reports` keeps each fact's `claims` and `conflicts`, as `show fact` gives
    them, for a caller that draws them (`factdb serve` charts every fact with numbers)."""
    found = _stories(reader, [story_id])
    if not found:
        return None
    record = found[0]
    articles = list(iter_articles(reader, Filters(story=story_id, all_versions=True)))
    articles.sort(key=lambda a: (a["published"] or "9999-12-31", a["source"] or "", a["id"]))
    record["article_list"] = articles
    record["fact_list"] = [
        fact
        if with_reports
        else {key: value for key, value in fact.items() if key not in ("claims", "conflicts")}
        for fact in iter_facts(reader, FactFilters(story=story_id))
    ]
    record["conflict_list"] = list(iter_conflicts(reader, ConflictFilters(story=story_id)))
    return record


def open_conflicts_by_story(reader: Reader, story_ids: Sequence[int]) -> dict[int, int]:
    """How many open conflicts each of these stories has (a story without any is left out):
    those `get_story` lists, between current versions only. The claims of one conflict are
    in one story, so the first claim's article tells which; read through the stories'
    articles (ix_article_story_published), their claims and ix_conflict_claim_a_id.

    The status is compared as an expression, which no index answers: through the status
    index SQLite read every open conflict of the archive (0.17 s at a million claims) to
    keep the few of fifty stories."""
    wanted = in_values("article.story_id", story_ids)
    current = [
        in_select(side, SUPERSEDED_CLAIMS, negated=True)
        for side in ("conflict.claim_a_id", "conflict.claim_b_id")
    ]
    return {
        int(story_id): int(found)
        for story_id, found in reader.execute(
            "SELECT article.story_id, count(*) FROM conflict "
            "JOIN claim ON claim.id = conflict.claim_a_id "
            "JOIN article ON article.id = claim.article_id "
            f"WHERE {wanted.text} AND conflict.status || '' = 'open' "
            f"AND {current[0].text} AND {current[1].text} GROUP BY article.story_id",
            (*wanted.params, *current[0].params, *current[1].params),
        )
    }


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

    conditions = [of_sources(reader, "source.id", filters.source)] if filters.source else []
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
            "first_published": iso_date(first),
            "last_published": iso_date(last),
        }
        for id_, name, articles, claims, first, last in reader.execute(
            f"{query.text} ORDER BY source.name, source.id{limit}", query.params
        )
    ]


_FEED_FIELDS = "id url source added_at last_fetched_at last_status etag last_modified articles"


def list_feeds(reader: Reader) -> list[Record]:
    """Every feed in the list, in the order they were added (as `factdb feeds list` shows
    them)."""
    fields = _FEED_FIELDS.split()
    records = [
        dict(zip(fields, row, strict=True))
        for row in reader.execute(f"SELECT {columns_of('feed', fields)} FROM feed ORDER BY feed.id")
    ]
    for record in records:
        record["added_at"] = iso_instant(record["added_at"])
        record["last_fetched_at"] = iso_instant(record["last_fetched_at"])
    return records


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
            "started_at": iso_instant(last_run[1]),
            "finished_at": iso_instant(last_run[2]),
            "articles_added": last_run[3],
            "duplicates": last_run[4],
            "errors": last_run[5],
            "inputs": last_run[6],
            "conflicts_added": last_run[7],
        },
    }
