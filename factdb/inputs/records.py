"""An article as every input format hands it to ingest: `ArticleInput`, or `ReadError` for an
input that could not be read, with the metadata rules all formats share.

Every format (`factdb.inputs.readers` for text files, `factdb.inputs.formats` for HTML, JSON
and feeds) ends in `build_article`, so an article hashes the same however it arrived: the user's
`Overrides` win over what a header says, the publication date is parsed (a warning when it is
missing, unreadable or in the future), the URL is made canonical and the body hashed.

Source and distributor (`split_source`): the source is the outlet that wrote the story, the
distributor the wire, news service or outlet that carried the copy to us. So ``Associated
Press (via The Washington Post)`` has source ``Associated Press`` and distributor ``The
Washington Post``, and ``Bloomberg News (TNS)`` has distributor ``TNS``. Corroboration counts
independent sources, and an AP story printed by two papers is one source, not two.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from factdb.nlp.dates import DateOrder


@dataclass(frozen=True)
class ArticleInput:
    """One article, ready for ingestion.

    `text` is the stored body that claim offsets point into. `published_text` is the raw date
    string of the header (kept even when an override sets `published`). `warnings` are
    problems that do not stop ingestion, such as a missing publication date. `content_hash`
    identifies the body independently of headers and overrides (see `content_hash`).
    """

    origin: str
    text: str
    source: str | None
    title: str | None
    author: str | None
    url: str | None
    published: date | None
    published_text: str | None
    distributor: str | None
    warnings: tuple[str, ...]
    content_hash: str
    feed_id: int | None = None  # the stored feed it came from (`factdb ingest --feeds`)


@dataclass(frozen=True)
class ReadError:
    """An input that could not be read as an article.

    `message` is one line saying what was wrong and what to do; `line` is the 1-based line of
    the file it concerns, when there is one.
    """

    origin: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Overrides:
    """Metadata given by the user, which wins over whatever the file's header says."""

    source: str | None = None
    title: str | None = None
    author: str | None = None
    published: date | None = None
    # How to read an all-numeric date whose day and month could swap ("12/03/2024"):
    # "dmy", "mdy", or None to leave it missing (with a warning).
    date_order: DateOrder | None = None


NO_OVERRIDES = Overrides()


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of `text` with whitespace runs collapsed, stripped, NFC.

    Two copies of one body that differ only in line endings, wrapping or spacing get the same
    hash, so re-ingesting a file is recognised whatever header or overrides it came with.
    """
    normal = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """A URL as factdb compares them: scheme and host lower-cased, no fragment, no tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``), no default port, no trailing ``?``.

    >>> canonical_url("HTTPS://News.Example:443/a/b?utm_source=rss&id=3#top")
    'https://news.example/a/b?id=3'
    """
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url.strip()
    host = parts.hostname.lower()
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    if parts.port and parts.port != default:
        host = f"{host}:{parts.port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in ("fbclid", "gclid")
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def build_article(
    origin: str,
    body: str,
    overrides: Overrides = NO_OVERRIDES,
    *,
    source: str | None = None,
    distributor: str | None = None,
    title: str | None = None,
    author: str | None = None,
    url: str | None = None,
    published_text: str | None = None,
    date_unknown: bool = False,
    warnings: Sequence[str] = (),
    feed_id: int | None = None,
) -> ArticleInput:
    """An `ArticleInput` from a body and the metadata any format found, with the overrides
    applied, the publication date parsed (warning when it is missing, unreadable or in the
    future) and the content hash taken. Every format ends here, so the same text hashes the
    same whether it came as a text file, an HTML page, a JSON record or a feed entry.
    """
    notes = list(warnings)
    published = overrides.published
    if published is None:
        published = _publication_date(published_text, date_unknown, overrides, notes)
    chosen_source = overrides.source or source
    if chosen_source is None:
        notes.append("no source (outlet) found; set one with --source")
    return ArticleInput(
        origin=origin,
        text=body,
        source=chosen_source,
        title=overrides.title or title,
        author=overrides.author or author,
        url=canonical_url(url),
        published=published,
        published_text=published_text,
        distributor=distributor,
        warnings=tuple(notes),
        content_hash=content_hash(body),
        feed_id=feed_id,
    )


# A publication date outside these years is a typo or garbage ("0001-01-01", "9999-12-31"),
# not a news date; relative dates resolved against it ran off the calendar.
PUBLICATION_YEARS = range(1800, 2201)


def plausible_publication_date(published: date) -> bool:
    """True for a date within `PUBLICATION_YEARS`."""
    return published.year in PUBLICATION_YEARS


def _publication_date(
    published_text: str | None, date_unknown: bool, overrides: Overrides, warnings: list[str]
) -> date | None:
    """Parse the header's date, adding a warning when there is none, it cannot be read or it
    lies in the future. Relative and year-less dates ("yesterday", "March 5") are read
    against today's date, the day the article is read."""
    unresolved = "relative dates stay unresolved; set one with --date"
    if published_text is None:
        if date_unknown:
            warnings.append(f"publication date is empty or 'unknown' in the header; {unresolved}")
        else:
            warnings.append(f"no publication date found; {unresolved}")
        return None
    # Imported here: reading files should not pay for loading the date parser until a date
    # actually needs parsing.
    from factdb.nlp.dates import parse_publication_date

    today = date.today()
    published = parse_publication_date(published_text, today=today, order=overrides.date_order)
    if published is None:
        hint = ""
        if _AMBIGUOUS_NUMERIC_DATE.fullmatch(published_text.strip()):
            hint = " (day and month could swap: say which comes first with --date-order)"
        warnings.append(f"cannot read the publication date {published_text!r}{hint}; {unresolved}")
    elif not plausible_publication_date(published):
        warnings.append(
            f"publication date {published_text!r} is not between "
            f"{PUBLICATION_YEARS.start} and {PUBLICATION_YEARS.stop - 1}, so it is ignored; "
            f"{unresolved}"
        )
        return None
    elif published > today:
        warnings.append(f"publication date {published} is in the future; check it")
    return published


_AMBIGUOUS_NUMERIC_DATE = re.compile(r"(0?[1-9]|1[0-2])[/.-](0?[1-9]|1[0-2])[/.-]\d{2,4}")


_VIA_RE = re.compile(
    r"(?P<source>.+?)\s*\(\s*via\s+(?P<other>[^()]+?)\s*\)|(?P<bare>.+?)\s+via\s+(?P<bare_other>.+)",
    re.IGNORECASE,
)


_PAREN_RE = re.compile(r"(?P<source>.+?)\s*\(\s*(?P<other>[^()]+?)\s*\)")


_SERVICE_RE = re.compile(
    r"\b(?:news\s+service|service|wire|worldstream|syndicat\w*|content\s+agency)\b", re.IGNORECASE
)


_ACRONYM_RE = re.compile(r"[A-Z]{2,5}")


def split_source(value: str) -> tuple[str | None, str | None]:
    """Split an outlet string into (source, distributor); see the module docstring.

    ``X (via Y)`` and ``X via Y`` give distributor Y. ``X (Y)`` gives distributor Y only when
    Y names a channel: it mentions a service, wire, Worldstream, syndicate or content agency,
    or is an acronym of 2-5 capitals (``TNS``); otherwise Y is taken as another name of X.

    >>> split_source("Associated Press (via The Washington Post)")
    ('Associated Press', 'The Washington Post')
    >>> split_source("Bloomberg News (TNS)")
    ('Bloomberg News', 'TNS')
    >>> split_source("HuffPost (The Huffington Post)")
    ('HuffPost', None)
    """
    value = " ".join(value.split())
    via = _VIA_RE.fullmatch(value)
    if via is not None:
        return via["source"] or via["bare"], via["other"] or via["bare_other"]
    paren = _PAREN_RE.fullmatch(value)
    if paren is None:
        return value or None, None
    other = paren["other"]
    is_distributor = _SERVICE_RE.search(other) or _ACRONYM_RE.fullmatch(other)
    return paren["source"], other if is_distributor else None
