"""Articles from the network: URLs named on the command line and the stored feeds.

This is where fetching (`factdb.inputs.fetch`), the formats (`factdb.inputs.formats`) and the
database meet. It yields the same records as `factdb.inputs.readers.iter_articles` (an
`ArticleInput` or a `ReadError` per article), plus `Unchanged` for a resource a conditional request
found unchanged, so `factdb.ingest.pipeline` treats files and URLs alike.

Rules that keep a scheduled poll cheap and idempotent:
- every fetch is conditional on the validators (ETag, Last-Modified) remembered from the last
  one: per feed in ``feed``, per other URL in ``fetched_url``; an unchanged feed costs one
  ``304`` and nothing else. A run saves the new validators only after storing what they
  describe, so a run killed half-way refetches next time instead of missing entries;
- a feed entry whose link is already stored as an article's URL is not fetched again; an
  entry without a link to fetch (an Atom ``urn:``/``tag:`` id, an RSS item without
  ``<link>``) is read from the content it carries, and its id is stored as its URL, so a
  second poll skips it the same way;
- a summary-only entry (one that does not carry the whole article) has its linked page
  fetched and read as HTML when `follow_links` is on (the default for feeds), else its summary
  is the article;
- a failed URL is one `ReadError` with a one-line reason; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from factdb.inputs.fetch import Fetched, Fetcher, FetchError
from factdb.inputs.formats import entry_article, parse_feed, parse_html
from factdb.inputs.readers import parse_document
from factdb.inputs.records import ArticleInput, Overrides, ReadError, canonical_url
from factdb.store import models, writes
from factdb.store.lock import derive_lock

URL_PREFIXES = ("http://", "https://")


def is_url(path: str) -> bool:
    """True for an ``http://`` or ``https://`` argument (fetched, not read from disk)."""
    return path.lower().startswith(URL_PREFIXES)


@dataclass(frozen=True)
class Unchanged:
    """A URL or feed that answered ``304 Not Modified``, or an entry already stored by URL."""

    origin: str
    reason: str


Record = ArticleInput | ReadError | Unchanged


class WebReader:
    """Fetches URLs and feeds for one ingest run, remembering validators as it goes."""

    def __init__(
        self,
        engine: Engine,
        fetcher: Fetcher,
        overrides: Overrides,
        *,
        follow_links: bool = True,
        on_found: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.fetcher = fetcher
        self.overrides = overrides
        self.follow_links = follow_links
        # Called with how many more records a feed will yield, once its entries are known.
        self._found = on_found or (lambda _n: None)
        # Validators of this run's fetches, saved by `save_validators` once the run has stored
        # what they describe: a run killed half-way must not leave a validator whose next
        # 304 would hide entries it never stored.
        self._feed_validators: dict[int, tuple[str | None, str | None]] = {}
        self._url_validators: dict[str, tuple[int, str | None, str | None]] = {}

    def save_validators(self) -> None:
        """Remember the ETag and Last-Modified of every feed and URL this run fetched."""
        with Session(self.engine) as session, session.begin():
            derive_lock(session)  # a concurrent worker may remember the same URL
            for feed_id, (etag, modified) in self._feed_validators.items():
                writes.save_feed_validators(session, feed_id, etag, modified)
            for url, (status, etag, modified) in self._url_validators.items():
                writes.remember_fetch(session, url, status, etag, modified)
        self._feed_validators.clear()
        self._url_validators.clear()

    # --- URLs -----------------------------------------------------------------------------

    def urls(self, urls: Sequence[str]) -> Iterator[Record]:
        """One or more records per URL: a page, a JSON file, or a feed's entries."""
        for url in urls:
            yield from self._url(url)

    def _url(self, url: str) -> Iterator[Record]:
        fetched = self._fetch_remembered(url)
        if isinstance(fetched, ReadError):
            yield fetched
            return
        if fetched.not_modified:
            yield Unchanged(url, "not modified since the last fetch")
            return
        records = list(
            parse_document(
                fetched.content,
                url,
                self.overrides,
                content_type=fetched.content_type,
                url=fetched.url,
            )
        )
        self._found(len(records) - 1)
        for record in records:
            if isinstance(record, ArticleInput) and record.url is None:
                yield _with_url(record, canonical_url(fetched.url))
            else:
                yield record

    def _fetch_remembered(self, url: str) -> Fetched | ReadError:
        """Fetch `url` conditionally on what `fetched_url` remembers, and remember the answer."""
        if url in self._url_validators:  # fetched earlier in this run (a second feed)
            _, etag, last_modified = self._url_validators[url]
        else:
            with Session(self.engine) as session:
                etag, last_modified = writes.fetch_validators(session, url)
        try:
            fetched = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            return ReadError(url, str(exc))
        if not (fetched.not_modified and url in self._url_validators):
            self._url_validators[url] = (fetched.status, fetched.etag, fetched.last_modified)
        return fetched

    # --- feeds ----------------------------------------------------------------------------

    def feeds(self, feeds: Sequence[models.Feed]) -> Iterator[Record]:
        """Every entry of every feed, polled once each, in the order given."""
        for feed in feeds:
            yield from self.feed(feed)

    def feed(self, feed: models.Feed) -> Iterator[Record]:
        """Poll one feed: a conditional fetch, then an article per entry not yet stored."""
        assert feed.id is not None
        # A name given with `feeds add --source` wins over the site's own; --source wins over both.
        overrides = self.overrides
        if feed.source and not overrides.source:
            overrides = replace(overrides, source=feed.source)
        try:
            fetched = self.fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except FetchError as exc:
            self._record_poll(feed.id, f"error: {exc}")
            yield ReadError(feed.url, str(exc))
            return
        if fetched.not_modified:
            self._record_poll(feed.id, "not modified (304)")
            yield Unchanged(feed.url, "feed not modified since the last poll")
            return
        parsed = parse_feed(fetched.content)
        if parsed.error is not None:
            self._record_poll(feed.id, f"error: {parsed.error}")
            yield ReadError(feed.url, parsed.error)
            return
        self._record_poll(feed.id, f"ok: {len(parsed.entries)} entries")
        self._feed_validators[feed.id] = (fetched.etag, fetched.last_modified)
        links = [entry.identity for entry in parsed.entries]
        with Session(self.engine) as session:
            stored = writes.known_urls(session, links)
        source = feed.source or parsed.title
        self._found(len(parsed.entries) - 1)
        for index, (entry, link) in enumerate(zip(parsed.entries, links, strict=True), 1):
            origin = link or f"{feed.url}#{index}"
            if link is not None and link in stored:
                yield Unchanged(origin, "already stored (same URL or entry id)")
            elif entry.full_text is None and self.follow_links and entry.link:
                yield self._linked_page(entry.link, source, feed.id, overrides)
            else:
                yield entry_article(
                    entry,
                    origin,
                    overrides,
                    text=entry.full_text or entry.summary or "",
                    source=self.overrides.source or source,
                    feed_id=feed.id,
                )

    def _linked_page(
        self, link: str, source: str | None, feed_id: int, overrides: Overrides
    ) -> Record:
        """The article a summary-only entry links to, read as an HTML page."""
        fetched = self._fetch_remembered(link)
        if isinstance(fetched, ReadError):
            return fetched
        if fetched.not_modified:
            return Unchanged(link, "page not modified since the last fetch")
        text = fetched.content.decode("utf-8", errors="replace")
        return parse_html(text, link, overrides, url=fetched.url, source=source, feed_id=feed_id)

    def _record_poll(self, feed_id: int, status: str) -> None:
        with Session(self.engine) as session, session.begin():
            writes.record_feed_poll(session, feed_id, status)


def _with_url(article: ArticleInput, url: str | None) -> ArticleInput:
    return replace(article, url=url)


def stored_feeds(engine: Engine) -> list[models.Feed]:
    """Every feed in the list, oldest first."""
    with Session(engine) as session:
        feeds = list(session.exec(select(models.Feed).order_by(col(models.Feed.id))))
        session.expunge_all()
        return feeds
