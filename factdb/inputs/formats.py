"""Input formats other than plain text: HTML pages, JSON / JSON Lines records, RSS and Atom.

Every format ends in `factdb.inputs.readers.build_article`, so an article hashes the same however it
arrived, and a bad record is one `ReadError` naming where it is (the JSON Lines line number),
never the end of the run.

- **HTML** (saved pages and fetched URLs): trafilatura finds the main text and the page's
  title, author, publication date, site name and canonical URL. Navigation, comments,
  related links and cookie banners are not main text, so they never become claims. A date
  comes only from the page's metadata; none found stays missing, with a warning.
- **JSON / JSON Lines**: one article per object, ``text`` required, ``title``, ``source``,
  ``published`` (or ``date``), ``url``, ``author`` optional; a JSON array, a single object,
  or one object per line.
- **RSS / Atom** (feedparser): one article per entry, from its full content or, failing
  that, its summary. Fetching the linked page of a summary-only entry is the job of
  `factdb.ingest.network`, which has the network; a saved feed file is read as it is.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Literal

from factdb.inputs.records import (
    NO_OVERRIDES,
    ArticleInput,
    Overrides,
    ReadError,
    build_article,
    canonical_url,
    split_source,
)

Format = Literal["html", "json", "feed", "pdf", "text"]

_SUFFIX_FORMATS: dict[str, Format] = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".pdf": "pdf",
}
_FEED_TYPES = ("rss", "atom", "rdf", "application/xml", "text/xml")
_FEED_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_HTML_START = re.compile(rb"\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.I)


def detect_format(
    data: bytes, *, name: str | None = None, content_type: str | None = None
) -> Format:
    """The format of `data`: by the file name's suffix, then the HTTP content type, then the
    first characters (``<rss``/``<feed`` is a feed, ``<!DOCTYPE html``/``<html`` a page,
    ``{``/``[`` JSON, ``%PDF-`` a PDF whatever its name). Plain text is the rest, so a text
    article is never misread."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    sniffed = _sniff(head)
    if sniffed == "pdf":  # a PDF is never text, whatever it is called or served as
        return "pdf"
    if name is not None:
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix in _SUFFIX_FORMATS:
            # The suffix says what the file should be; its first characters must agree (a
            # plain-text article saved as "article.html" is still read as text).
            found = _SUFFIX_FORMATS[suffix]
            if found == "json":
                return "json" if head.lstrip()[:1] in (b"{", b"[") else "text"
            if found == "pdf":  # named .pdf but not one: its bytes decide what it is
                return sniffed
            return sniffed if sniffed in ("html", "feed") else "text"
    kind = (content_type or "").split(";")[0].strip().lower()
    if "html" in kind:
        return "html"
    if "json" in kind:
        return "json"
    if kind == "application/pdf":
        return "pdf"
    if any(marker in kind for marker in _FEED_TYPES) and sniffed == "feed":
        return "feed"
    return sniffed


def _sniff(head: bytes) -> Format:
    """The format the first characters show: a PDF, a feed element, an HTML page, JSON, or
    text."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _FEED_START.match(head):
        return "feed"
    if _HTML_START.match(head):
        return "html"
    if head.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text"


# --- HTML ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageText:
    """What trafilatura found on a page: the main text as paragraphs and the metadata."""

    text: str
    title: str | None
    author: str | None
    published_text: str | None
    site_name: str | None
    url: str | None


def extract_page(html: str, url: str | None = None) -> PageText | None:
    """The main text and metadata of an HTML page, or None when it has no main text.

    Comments and tables are left out; the date is trafilatura's reading of the page metadata
    (``article:published_time``, ``<time>``, JSON-LD …), without guessing from the text.
    """
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        return None
    if isinstance(document, dict):  # older trafilatura returned a dict
        document = SimpleNamespace(**document)
    if not (document.text or "").strip():
        return None
    title = _clean(document.title)
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    if lines and title and _clean(lines[0]) == title:
        lines = lines[1:]  # the headline is the title, read apart from the body
    return PageText(
        text="\n\n".join(lines),
        title=title,
        author=_clean(document.author),
        published_text=_clean(document.date),
        site_name=_clean(document.sitename),
        url=_clean(document.url) or url,
    )


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(unicodedata.normalize("NFC", value).split())
    return text or None


def parse_html(
    html: str,
    origin: str,
    overrides: Overrides = NO_OVERRIDES,
    *,
    url: str | None = None,
    source: str | None = None,
    feed_id: int | None = None,
) -> ArticleInput | ReadError:
    """One article from an HTML page (see the module docstring).

    `url` is where the page was fetched from; the page's canonical URL wins over it. `source`
    (a feed's name) is used when the page names no site.
    """
    page = extract_page(html, url)
    if page is None:
        return ReadError(origin, "HTML page without article text (no main text found)")
    site, distributor = split_source(page.site_name) if page.site_name else (None, None)
    return build_article(
        origin,
        page.text,
        overrides,
        source=site or source,
        distributor=distributor,
        title=page.title,
        author=page.author,
        url=canonical_url(page.url or url),
        published_text=page.published_text,
        feed_id=feed_id,
    )


# --- JSON and JSON Lines ---------------------------------------------------------------------

_JSON_FIELDS = ("text", "title", "source", "published", "date", "url", "author")


def parse_json_records(
    text: str, origin: str, overrides: Overrides = NO_OVERRIDES
) -> Iterator[ArticleInput | ReadError]:
    """One article per JSON object: a JSON array, a single object, or JSON Lines.

    A record without ``text`` (or with a field of the wrong type) is rejected with its line
    number (JSON Lines) or position in the array; the other records go in.
    """
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        yield ReadError(origin, "empty file: nothing to ingest")
        return
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
        if "\n" not in stripped:
            yield ReadError(origin, "not valid JSON; give a JSON array or one object per line")
            return
    if isinstance(whole, list):
        for index, record in enumerate(whole, start=1):
            yield _json_article(record, f"{origin}[{index}]", overrides, None)
        if not whole:
            yield ReadError(origin, "empty JSON array: nothing to ingest")
        return
    if isinstance(whole, dict):
        yield _json_article(whole, origin, overrides, None)
        return
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(origin, f"not valid JSON ({exc.msg}); fix or remove the line", number)
            continue
        yield _json_article(record, f"{origin}:{number}", overrides, number)


def _json_article(
    record: Any, origin: str, overrides: Overrides, line: int | None
) -> ArticleInput | ReadError:
    where = origin.rsplit(":", 1)[0] if line is not None else origin
    if not isinstance(record, dict):
        return ReadError(where, "a record must be a JSON object with a 'text' field", line)
    for key in _JSON_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            return ReadError(where, f"field {key!r} must be a string", line)
    body = unicodedata.normalize("NFC", str(record.get("text") or "")).strip()
    if not body:
        return ReadError(where, "record without 'text': give each record its article text", line)
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    source, distributor = split_source(record["source"]) if record.get("source") else (None, None)
    published = record.get("published") or record.get("date")
    return build_article(
        origin,
        body,
        overrides,
        source=source,
        distributor=distributor,
        title=_clean(record.get("title")),
        author=_clean(record.get("author")),
        url=canonical_url(record.get("url")),
        published_text=_clean(published),
    )


# --- RSS and Atom ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: its link, metadata, and the text it carries itself.

    `link` is a page factdb can fetch (``http``/``https``), else None: Atom ids such as
    ``urn:uuid:…`` or ``tag:…``, which feedparser also offers as the link, name the entry but
    cannot be fetched. `entry_id` is the entry's ``<id>`` or ``<guid>``. `full_text` is the
    entry's content when it carries the whole article (``content:encoded``, Atom
    ``<content>``; any length when there is no link to fetch it from), else None; `summary`
    is its summary or description.
    """

    link: str | None
    entry_id: str | None
    title: str | None
    author: str | None
    published_text: str | None
    full_text: str | None
    summary: str | None

    @property
    def identity(self) -> str | None:
        """What identifies the entry's article across polls: its link, or its id when it has
        no link to fetch. Stored as the article's URL, so a second poll skips it unread."""
        return canonical_url(self.link) or _clean(self.entry_id)


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title and entries, or the reason it is not a feed (`error`)."""

    title: str | None
    entries: list[FeedEntry]
    error: str | None = None


# An entry's content shorter than this is a teaser, not the article.
_FULL_TEXT_MIN_CHARS = 400


def parse_feed(data: bytes) -> ParsedFeed:
    """Parse RSS or Atom with feedparser. A document with no feed element is an error; a
    feed with a small markup slip (feedparser's "bozo" flag) still gives its entries."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        return ParsedFeed(None, [], f"not an RSS or Atom feed ({reason or 'no feed element'})")
    entries = []
    for entry in parsed.entries:
        contents = [c.get("value", "") for c in entry.get("content", [])]
        content = _html_to_text(max(contents, key=len)) if contents else None
        summary = _html_to_text(entry.get("summary") or entry.get("description") or "")
        link = entry.get("link")
        if not (isinstance(link, str) and link.strip().lower().startswith(("http:", "https:"))):
            link = None
        # With no page to fetch, whatever content the entry carries is the article.
        long_enough = content and (len(content) >= _FULL_TEXT_MIN_CHARS or link is None)
        full = content if long_enough else None
        published = entry.get("published") or entry.get("updated")
        entries.append(
            FeedEntry(
                link=link,
                entry_id=entry.get("id"),
                title=_clean(entry.get("title")),
                author=_clean(entry.get("author")),
                published_text=_clean(published),
                full_text=full,
                summary=summary or None,
            )
        )
    return ParsedFeed(_clean(parsed.feed.get("title")), entries)


def _html_to_text(fragment: str) -> str:
    """Paragraph text of an HTML fragment (an entry's content), tags and scripts dropped."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several parser errors; any of them means "not markup"
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    blocks = root.xpath("//p|//li|//h1|//h2|//h3|//blockquote")
    texts = [" ".join(b.text_content().split()) for b in blocks] if blocks else []
    if not texts:
        texts = [" ".join(root.text_content().split())]
    return "\n\n".join(t for t in texts if t)


def entry_article(
    entry: FeedEntry,
    origin: str,
    overrides: Overrides,
    *,
    text: str,
    source: str | None,
    feed_id: int | None = None,
) -> ArticleInput | ReadError:
    """An article from a feed entry's own text (its content, or its summary)."""
    if not text.strip():
        return ReadError(origin, "feed entry without text or a link to fetch: nothing to ingest")
    src, distributor = split_source(source) if source else (None, None)
    return build_article(
        origin,
        text.strip(),
        overrides,
        source=src,
        distributor=distributor,
        title=entry.title,
        author=entry.author,
        url=entry.identity,
        published_text=entry.published_text,
        feed_id=feed_id,
    )


def parse_feed_entries(
    data: bytes, origin: str, overrides: Overrides = NO_OVERRIDES
) -> Iterator[ArticleInput | ReadError]:
    """A saved feed file: one article per entry, from the text the entry carries."""
    feed = parse_feed(data)
    if feed.error is not None:
        yield ReadError(origin, feed.error)
        return
    if not feed.entries:
        yield ReadError(origin, "feed without entries: nothing to ingest")
    for index, entry in enumerate(feed.entries, start=1):
        yield entry_article(
            entry,
            entry.identity or f"{origin}#{index}",
            overrides,
            text=entry.full_text or entry.summary or "",
            source=feed.title,
        )


def count_records(data: bytes, name: str) -> int:
    """How many records `factdb.inputs.readers.parse_document` will yield for a file (progress)."""
    kind = detect_format(data, name=name)
    if kind == "feed":
        return max(1, len(parse_feed(data).entries))
    if kind != "json":
        return 1
    try:
        whole = json.loads(data)
    except ValueError:  # JSON Lines (or broken JSON: one error per line)
        return max(1, sum(1 for line in data.splitlines() if line.strip()))
    return max(1, len(whole)) if isinstance(whole, list) else 1
