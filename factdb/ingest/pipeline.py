"""`factdb ingest` as a library call: read inputs, extract claims, store each article atomically.

Articles are parsed in batches with `nlp.pipe` (much faster than one call per text), but each
article is stored in its own transaction together with its conflicts: a crash or a bad file
never leaves half an article, and a bad file never costs the good ones. Articles whose content
hash is already stored are skipped before any NLP work, so re-running a cron job is cheap.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import chain, islice
from time import perf_counter
from typing import BinaryIO, TextIO, TypeVar

from spacy.language import Language
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from factdb.ingest.network import Unchanged, WebReader, is_url, stored_feeds
from factdb.inputs.fetch import Fetcher, FetchSettings
from factdb.inputs.readers import iter_articles
from factdb.inputs.records import ArticleInput, Overrides, ReadError
from factdb.match.conflicts import record_conflicts
from factdb.match.copies import detect_copies
from factdb.match.matching import match_article
from factdb.match.rematch import note_order, rederive_out_of_order, standing_links
from factdb.match.revisions import Revision, link_revision, take_over
from factdb.nlp.extract import (
    ArticleText,
    Extracted,
    ExtractionFailed,
    ParallelExtractor,
    extract_batch,
)
from factdb.nlp.pipeline import load_nlp, model_name
from factdb.nlp.synonyms import Synonyms, load_synonyms
from factdb.nlp.types import ClaimDraft
from factdb.store import models, writes
from factdb.store.driver import mask_secrets
from factdb.store.lock import derive_lock

T = TypeVar("T")
# Articles handed to the parser (and, with workers, to one worker) at a time. News articles
# are long enough that spaCy gains nothing from larger batches, while with workers the last
# batch is what the others wait for, and the first is what storing waits for.
DEFAULT_BATCH_SIZE = 8
# Below this many inputs, starting worker processes (each loads the model, ~2 s) costs more
# than it saves.
PARALLEL_MIN_INPUTS = 60
MAX_AUTO_WORKERS = 4


def choose_workers(inputs: int, cpus: int | None = None) -> int:
    """How many extraction processes to use for `inputs` files when the user did not say."""
    available = cpus if cpus is not None else (os.cpu_count() or 1)
    if inputs < PARALLEL_MIN_INPUTS:
        return 1
    return max(1, min(available, MAX_AUTO_WORKERS))


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# Inputs read ahead and stored oldest first: an article stored after a later one of its story
# has that story derived again at the end of the run (`factdb.match.rematch`), so a run whose
# inputs arrive in no particular order (a directory, a feed) would otherwise match most
# articles twice. Bounded, so that a run of any size holds this many texts at most.
REORDER_WINDOW = 1000


def _in_publication_order(
    records: Iterable[ArticleInput | ReadError | Unchanged], window: int = REORDER_WINDOW
) -> Iterator[ArticleInput | ReadError | Unchanged]:
    """The records, each `window` of them with its articles in publication order (undated
    last, ties by content, as `factdb.match.rematch.note_order` orders them), except that the
    articles of one source and one date keep the order they were given in: that order is
    what tells which of two versions of one article stated the same day is the revision
    (README, Revised articles). Inputs that are not articles come first, as read."""
    iterator = iter(records)
    while chunk := list(islice(iterator, window)):
        articles = [r for r in chunk if isinstance(r, ArticleInput)]
        yield from (r for r in chunk if not isinstance(r, ArticleInput))
        yield from _oldest_first(articles)


def _oldest_first(articles: list[ArticleInput]) -> list[ArticleInput]:
    """`articles` in publication order (see `_in_publication_order`)."""
    ordered = sorted(
        articles, key=lambda a: (a.published is None, a.published or date.max, a.content_hash)
    )
    given = {id(article): n for n, article in enumerate(articles)}
    places: dict[tuple[date | None, str | None], list[int]] = {}
    for place, article in enumerate(ordered):
        places.setdefault((article.published, article.source), []).append(place)
    for group in places.values():
        members = sorted((ordered[p] for p in group), key=lambda a: given[id(a)])
        for place, article in zip(group, members, strict=True):
            ordered[place] = article
    return ordered


def format_read_error(error: ReadError) -> str:
    """``path:line: message`` (the line only when known), like a compiler's diagnostics."""
    where = error.origin if error.line is None else f"{error.origin}:{error.line}"
    return f"{where}: {error.message}"


@dataclass
class AddedArticle:
    """An article this run stored."""

    article_id: int
    origin: str
    claims: int
    quantities: int
    feed_id: int | None = None


@dataclass
class IngestReport:
    """What one ingest run did; `errors` and `warnings` are user-facing lines."""

    run_id: int
    files_seen: int = 0
    articles_added: int = 0
    duplicates: int = 0
    claims_added: int = 0
    quantities_added: int = 0
    conflicts_added: int = 0
    claim_matches: int = 0
    copies_found: int = 0
    revisions_found: int = 0  # new versions of stored articles (`factdb.match.revisions`)
    # Stories derived again in publication order at the end, for articles that came out of
    # it (`factdb.match.rematch.rederive_out_of_order`).
    stories_rederived: int = 0
    unchanged: int = 0  # URLs and feeds that answered 304, feed entries already stored by URL
    locked: bool = False  # another ingest held the lock, so this run did nothing
    seconds: float = 0.0
    added: list[AddedArticle] = field(default_factory=list)
    duplicate_origins: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stopped: bool = False  # the database failed and the remaining inputs were not read

    def summary(self) -> str:
        """One line for the end of a run: what was added, skipped and rejected."""
        text = (
            f"{self.articles_added} article(s) added ({self.claims_added} claims, "
            f"{self.quantities_added} quantities, {self.claim_matches} matches with earlier "
            f"claims, {self.copies_found} copies, {self.conflicts_added} new conflicts), "
            f"{self.duplicates} already stored, {len(self.errors)} rejected"
        )
        if self.revisions_found:
            text += f", {self.revisions_found} new version(s) of stored articles"
        if self.stories_rederived:
            text += f", {self.stories_rederived} stories derived again in publication order"
        if self.unchanged:
            text += f", {self.unchanged} unchanged"
        return f"{text} in {self.seconds:.1f}s"

    def to_dict(self) -> dict[str, object]:
        """The machine-readable summary printed by ``factdb ingest --json``."""
        return asdict(self)


@dataclass(frozen=True)
class StoredResult:
    """What storing one extracted article added."""

    stored: writes.StoredArticle
    conflicts: int
    matches: int
    copies: int
    revision: Revision | None = None


def store_extracted(
    engine: Engine,
    article: ArticleInput,
    claims: Sequence[ClaimDraft],
    synonyms: Synonyms,
    run_id: int | None = None,
) -> StoredResult | None:
    """Store one extracted article, link its copies and the version it revises, match its
    claims into facts and record its conflicts, all in one transaction.

    Returns None when the same text is already stored, including when an overlapping run
    stored it after this run checked: that is a duplicate, not an error.
    """
    try:
        with Session(engine) as session, session.begin():
            derive_lock(session)  # concurrent workers derive one article at a time
            stored = writes.store_article(session, article, claims, synonyms, run_id)
            copies = detect_copies(session, stored.article_id)
            revision = link_revision(session, stored.article_id, copies)
            matched = standing_links(session, match_article(session, stored.article_id, synonyms))
            conflicts = record_conflicts(session, matched)
            if revision is not None and revision.previous_current is not None:
                # Conflicts the new version restates unchanged are the previous version's,
                # handed over with their review: not new.
                conflicts -= take_over(session, revision.previous_current, stored.article_id)
            note_order(session, stored.article_id)  # its story is derived again at the end
    except IntegrityError:
        with Session(engine) as session:
            if article.content_hash not in writes.known_hashes(session, [article.content_hash]):
                raise
        return None
    return StoredResult(stored, conflicts, len(matched.links), len(copies), revision)


def _extraction_input(article: ArticleInput) -> ArticleText:
    return ArticleText(article.text, article.published, article.title)


class _Ingester:
    """State of one run: the engine, pipeline, synonym table and the report being filled."""

    def __init__(
        self,
        engine: Engine,
        nlp: Language,
        synonyms: Synonyms,
        report: IngestReport,
        on_progress: Callable[[int], None] | None,
    ):
        self.engine = engine
        self.nlp = nlp
        self.synonyms = synonyms
        self.report = report
        self._seen: set[str] = set()  # content hashes taken by this run (stored or in flight)
        # Called with how many inputs are finished: rejected or duplicate ones as soon as they
        # are recognised, the others one by one as they are stored.
        self._progress = on_progress or (lambda _done: None)

    def split(self, batch: Sequence[ArticleInput | ReadError | Unchanged]) -> list[ArticleInput]:
        """Record the read errors and duplicates of a batch; return the articles to extract.

        An article is a duplicate when its content hash is stored, or when this run already
        took it. An article with the URL of a stored one but another text is a new version of
        it (`factdb.match.revisions`), not a duplicate.
        """
        self.report.files_seen += len(batch)
        articles: list[ArticleInput] = []
        for item in batch:
            if isinstance(item, Unchanged):
                self.report.unchanged += 1
            elif isinstance(item, ReadError):
                self.report.errors.append(format_read_error(item))
            else:
                articles.append(item)
        with Session(self.engine) as session:
            stored = writes.known_hashes(session, (a.content_hash for a in articles))
        fresh: list[ArticleInput] = []
        for article in articles:
            if article.content_hash in stored or article.content_hash in self._seen:
                self._duplicate(article)
            else:
                self._seen.add(article.content_hash)
                fresh.append(article)
        self._progress(len(batch) - len(fresh))
        return fresh

    def _duplicate(self, article: ArticleInput) -> None:
        self.report.duplicates += 1
        self.report.duplicate_origins.append(article.origin)

    def store_all(self, articles: Sequence[ArticleInput], results: Sequence[Extracted]) -> None:
        """Store each extracted article in its own transaction and count what it added.

        An article whose extraction failed, or whose storing fails for a reason of its own
        (a value the database refuses), is rejected with one error line; the others go on. A
        database that cannot be written at all (disk full, read-only, connection lost) raises
        `sqlalchemy.exc.OperationalError`: nothing after it could be stored either.
        """
        for article, result in zip(articles, results, strict=True):
            self._store_one(article, result)
            self._progress(1)

    def _store_one(self, article: ArticleInput, extracted: Extracted) -> None:
        if isinstance(extracted, ExtractionFailed):
            self.report.errors.append(f"{article.origin}: {extracted.message}")
            return
        try:
            result = store_extracted(
                self.engine, article, extracted, self.synonyms, self.report.run_id
            )
        except OperationalError:
            raise
        except SQLAlchemyError as exc:
            reason = mask_secrets(str(getattr(exc, "orig", None) or exc)).splitlines()[0]
            self.report.errors.append(f"{article.origin}: the database refused it ({reason})")
            return
        except Exception as exc:  # a bug in matching or storing: this article only
            self.report.errors.append(
                f"{article.origin}: storing it failed ({type(exc).__name__}: {exc}); this is a "
                "factdb bug, please report it with the file"
            )
            return
        if result is None:
            self._duplicate(article)
            return
        stored = result.stored
        # Warnings (no date, no source) only for what is stored: a later run that skips the
        # same file has nothing to say about it.
        self.report.warnings.extend(f"{article.origin}: {w}" for w in article.warnings)
        self.report.articles_added += 1
        self.report.claims_added += len(stored.claim_ids)
        self.report.quantities_added += stored.quantity_count
        self.report.conflicts_added += result.conflicts
        self.report.claim_matches += result.matches
        self.report.copies_found += result.copies
        self.report.revisions_found += result.revision is not None
        self.report.added.append(
            AddedArticle(
                stored.article_id,
                article.origin,
                len(stored.claim_ids),
                stored.quantity_count,
                article.feed_id,
            )
        )


def _ingest_in_parallel(
    ingester: _Ingester,
    batches: Iterable[list[ArticleInput | ReadError | Unchanged]],
    workers: int,
    timeout: float | None,
) -> None:
    """Keep every worker busy with the next batches while finished ones are stored in order."""
    extractor = ParallelExtractor(workers, timeout=timeout)
    in_flight: deque[list[ArticleInput]] = deque()

    def store_oldest() -> None:
        ingester.store_all(in_flight.popleft(), extractor.next_result())

    try:
        for batch in batches:
            fresh = ingester.split(batch)
            extractor.submit([_extraction_input(a) for a in fresh])
            in_flight.append(fresh)
            if len(in_flight) > workers:
                store_oldest()
        while in_flight:
            store_oldest()
    finally:
        extractor.close()


def _rederive(engine: Engine, synonyms: Synonyms, report: IngestReport) -> None:
    """Derive again, in publication order, the stories of the articles derived out of it (by
    this run, by a concurrent worker, or by a run killed before its end), and count what that
    changed: the open conflicts it found are new, those of this run it no longer finds are
    not."""
    with Session(engine) as session:
        run = session.get(models.IngestRun, report.run_id)
        assert run is not None
        since = run.started_at
    rederived = rederive_out_of_order(engine, synonyms, since)
    report.stories_rederived = rederived.stories
    # Beside --concurrent workers, "of this run" takes theirs too: never below none.
    report.conflicts_added = max(
        0, report.conflicts_added + rederived.conflicts_added - rederived.conflicts_dropped
    )


def ingest(
    engine: Engine,
    paths: Sequence[str],
    *,
    overrides: Overrides | None = None,
    nlp: Language | None = None,
    synonyms: Synonyms | None = None,
    stdin: TextIO | BinaryIO | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
    feeds: bool = False,
    fetch_settings: FetchSettings | None = None,
    follow_links: bool = True,
    on_found: Callable[[int], None] | None = None,
    article_timeout: float | None = None,
) -> IngestReport:
    """Ingest files, directories (recursively), ``-`` (standard input), URLs and, with
    `feeds`, every stored feed into the database.

    Inputs are stored oldest first, `REORDER_WINDOW` at a time (`_in_publication_order`). With
    `workers` > 1, parsing and extraction run in that many worker processes while this process
    stores; storing stays in one process, one transaction per article. URLs and feeds are
    fetched as the run goes (see `factdb.ingest.network`); `on_found` is told how many
    more records than announced a URL or feed turned out to hold, for a progress total. Returns the
    run's report; rejected inputs are listed in `errors` and never stop the run. An article whose
    parsing and extraction take longer than `article_timeout` seconds is rejected. A database that
    stops accepting writes (disk full, connection lost) ends the run: the error is the report's
    last, and what was stored before stays stored. Before the run ends, the stories of articles
    that arrived after a later article of their story are derived again in publication order
    (`factdb.match.rematch`), so what is derived never depends on the order of `paths`.
    """
    started = perf_counter()
    with Session(engine) as session, session.begin():
        report = IngestReport(run_id=writes.start_run(session))
    ingester = _Ingester(
        engine, nlp or load_nlp(), synonyms or load_synonyms(), report, on_progress
    )
    chosen = overrides or Overrides()
    urls = [path for path in paths if is_url(path)]
    files = [path for path in paths if not is_url(path)]
    fetcher = Fetcher(fetch_settings) if urls or feeds else None
    try:
        records: Iterable[ArticleInput | ReadError | Unchanged] = (
            iter_articles(files, chosen, stdin) if files else ()
        )
        web = None
        if fetcher is not None:
            web = WebReader(engine, fetcher, chosen, follow_links=follow_links, on_found=on_found)
            polled = stored_feeds(engine) if feeds else []
            if feeds and not polled:
                report.warnings.append("no feeds to poll; add one with `factdb feeds add URL`")
            records = chain(records, web.urls(urls), web.feeds(polled))
        batches = _batched(_in_publication_order(records), batch_size)
        if workers > 1:
            _ingest_in_parallel(ingester, batches, workers, article_timeout)
        else:
            for batch in batches:
                fresh = ingester.split(batch)
                results = extract_batch(
                    ingester.nlp, [_extraction_input(a) for a in fresh], article_timeout
                )
                ingester.store_all(fresh, results)
        if web is not None:
            web.save_validators()
        _rederive(engine, ingester.synonyms, report)
    except OperationalError as exc:
        report.errors.append(
            f"database error, the run stopped: {mask_secrets(str(exc.orig)).strip()}; "
            "what was stored before is complete, run the same command again once it is fixed"
        )
        report.stopped = True
    finally:
        if fetcher is not None:
            fetcher.close()
    report.seconds = perf_counter() - started
    per_feed = Counter(a.feed_id for a in report.added if a.feed_id is not None)
    try:
        with Session(engine) as session, session.begin():
            derive_lock(session)  # feed counts are read and written: one worker at a time
            writes.finish_run(
                session,
                report.run_id,
                files_seen=report.files_seen,
                articles_added=report.articles_added,
                duplicates=report.duplicates,
                claims_added=report.claims_added,
                errors=report.errors,
                conflicts_added=report.conflicts_added,
            )
            writes.count_feed_articles(session, dict(per_feed))
    except OperationalError:
        if not report.stopped:
            raise
    return report


def backfill_times(engine: Engine, nlp: Language | None = None) -> int:
    """Give the claims stored before claim times existed their times; returns how many
    claims got some.

    `factdb db upgrade` adds the ``claim_time`` table but re-extracts nothing. This re-parses
    each stored article that has claims without times, finds its claims again by their
    offsets (extraction is deterministic for one model) and stores only their times: claims,
    quantities, facts and conflicts stay as they are. Running it again adds nothing new.
    """
    pipeline = nlp or load_nlp(model_name())
    filled = 0
    with Session(engine) as session:
        article_ids = writes.articles_with_timeless_claims(session)
    for article_id in article_ids:
        with Session(engine) as session, session.begin():
            article = session.get(models.Article, article_id)
            if article is None:
                continue
            text = ArticleText(article.text, article.published, article.title)
            drafts = extract_batch(pipeline, [text])[0]
            if isinstance(drafts, ExtractionFailed):  # its claims keep no times, as before
                continue
            filled += writes.add_missing_times(session, article_id, drafts)
    return filled
