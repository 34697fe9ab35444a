"""Read article files and standard input into `ArticleInput` records.

A reader turns what the user names (files, directories, ``-`` for standard input) into one
record per article, or into a `ReadError` whose one-line message says what was wrong and what
to do about it. Bad input never raises and never stops the other files from being read.

No language processing happens here: a reader decodes the text, recognises a header layout,
removes page furniture and hands the body on. `ArticleInput.text` is exactly the string that
is stored, so the character offsets that claims keep point into it.

Text handling: a UTF-8 byte-order mark is dropped, CRLF and lone CR become LF, the text is put
in Unicode NFC form, and the body loses its leading and trailing blank space. Paragraph breaks
inside the body are kept as they are in the file.

Layouts are recognised from the first non-blank lines, in this order:

1. Corpus header (``../shared/corpus/README.md``): a block of ``key: value`` lines, at least
   one of them ``source``, ``date``, ``url``, ``title`` or ``author``, then a blank line, then
   the body. The value ``unknown`` means absent.
2. Syndication line (seed 000): ``date 2022-01-08 Nariman Gizitdinov / Bloomberg News (TNS)``
   gives the publication date, author (before `` / ``), source and distributor. The rest of the
   text is the body.
3. Web copy (seed 001): line 1 is a headline standing alone (2-30 words, at most 200
   characters, not ending like a sentence with ``.`` or ``,``; or a Markdown ``# heading``).
   A blank line must follow it. Then may come a line naming only the outlet (``Bloomberg``:
   at most five capitalised words, accepted only after a headline), a byline (``By Jane
   Doe``) and a date line (``January 8, 2022``). Body text must follow, otherwise the file is
   read as plain text. A first line that reads like a sentence stays in the body.
4. Plain text: the whole text is the body.

Source and distributor: the source is the outlet that wrote the story, the distributor the
wire, news service or outlet that carried the copy to us. So ``Associated Press (via The
Washington Post)`` has source ``Associated Press`` and distributor ``The Washington Post``,
``Bloomberg News (TNS)`` has distributor ``TNS`` (Tribune News Service), and ``The New York
Times (New York Times News Service)`` has the news service as distributor. Corroboration counts
independent sources, and an AP story printed by two papers is one source, not two. A
parenthesis that is neither ``via …`` nor a wire or service name, as in ``HuffPost (The
Huffington Post)``, is another name of the same outlet and is dropped.

Page furniture ("Leave a Reply", "Send this to a friend", "Copyright 2022 …") is listed in
``factdb/data/furniture.json``: whole-line matches are removed anywhere, pattern matches only
in the run of furniture lines that ends the text.

Overrides (the CLI's ``--source/--title/--author/--date``) win over header values and are taken
literally: an overriding source is not split into source and distributor.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO, TextIO

from factdb.inputs.records import (
    NO_OVERRIDES,
    ArticleInput,
    Overrides,
    ReadError,
    build_article,
    split_source,
)

STDIN_PATH = "-"
STDIN_ORIGIN = "<stdin>"
ARTICLE_SUFFIXES = frozenset(
    {".txt", ".md", ".html", ".htm", ".jsonl", ".ndjson", ".rss", ".atom", ".pdf"}
)
"""Suffixes read when walking a directory; files without a suffix are read too. ``.json`` and
``.xml`` files are read only when named: in a folder they are as often metadata or data of
another kind (a corpus's ``gold.json``) as articles."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Input:
    """A file to read (`path`), or standard input when `path` is None."""

    origin: str
    path: Path | None


def iter_articles(
    paths: Sequence[str],
    overrides: Overrides = NO_OVERRIDES,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[ArticleInput | ReadError]:
    """Yield one article or error per input file, in the order `paths` names them.

    Directories are walked recursively in sorted order (see `count_inputs`); ``-`` reads
    standard input, from `stdin` when given, else from ``sys.stdin.buffer``.
    """
    stdin_read = False
    for item in _expand(paths):
        if isinstance(item, ReadError):
            yield item
        elif item.path is None:
            if stdin_read:
                yield ReadError(STDIN_ORIGIN, "standard input named more than once; name '-' once")
                continue
            stdin_read = True
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, overrides)
        else:
            yield from _read_file(item.path, item.origin, overrides)


def count_inputs(paths: Sequence[str]) -> int:
    """Return how many records `iter_articles` will yield for `paths`, for a progress bar.

    One per text or HTML file found, one per path that will give an error, and one per record
    of a JSON, JSON Lines or feed file (those files are read to count them).
    """
    total = 0
    for item in _expand(paths):
        if isinstance(item, _Input) and item.path is not None and _is_multi_record(item.path):
            from factdb.inputs.formats import count_records

            try:
                total += count_records(item.path.read_bytes(), item.path.name)
            except OSError:
                total += 1
        else:
            total += 1
    return total


_MULTI_RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".xml", ".rss", ".atom"})


def _is_multi_record(path: Path) -> bool:
    return path.suffix.lower() in _MULTI_RECORD_SUFFIXES


def _expand(paths: Sequence[str]) -> Iterator[_Input | ReadError]:
    """Resolve paths into files to read, and errors for paths that cannot be read at all."""
    for given in paths:
        if given == STDIN_PATH:
            yield _Input(STDIN_ORIGIN, None)
            continue
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            yield ReadError(given, "no such file or directory; check the path")
            continue
        except PermissionError:
            yield ReadError(given, "permission denied; make it readable or leave it out")
            continue
        except OSError as exc:
            yield ReadError(given, f"cannot access it ({exc.strerror}); check the path")
            continue
        if stat.S_ISDIR(mode):
            found = list(_walk(path, given))
            if found:
                yield from found
            else:
                yield ReadError(
                    given,
                    f"no article files (*.txt, *.md, *.html, *.jsonl, *.rss, *.atom) "
                    f"found under {given}",
                )
        elif stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
            yield _Input(given, path)
        else:
            yield ReadError(given, "not a regular file; name article files or directories")


def _walk(directory: Path, origin: str) -> Iterator[_Input | ReadError]:
    """Yield article files under `directory`, depth first, entries sorted by name.

    Hidden files and directories are skipped, and so are symbolic links to directories (they
    can loop). Sorting each level by name gives the same order as sorting the relative paths.
    """
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        yield ReadError(origin, f"cannot list directory ({exc.strerror}); fix its permissions")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = os.path.join(origin, entry.name)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), child)
        elif entry.is_file() and _is_article_name(entry.name):
            yield _Input(child, Path(entry.path))


def _is_article_name(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return suffix in ARTICLE_SUFFIXES or suffix == ""


def _read_file(path: Path, origin: str, overrides: Overrides) -> Iterator[ArticleInput | ReadError]:
    try:
        data = path.read_bytes()
    except PermissionError:
        yield ReadError(origin, "permission denied; make the file readable or leave it out")
        return
    except OSError as exc:
        yield ReadError(origin, f"cannot read the file ({exc.strerror})")
        return
    yield from _parse_safely(data, origin, overrides, name=path.name)


def _read_stream(
    stream: TextIO | BinaryIO, overrides: Overrides
) -> Iterator[ArticleInput | ReadError]:
    try:
        data = stream.read()
    except UnicodeDecodeError as exc:
        yield ReadError(STDIN_ORIGIN, _not_utf8_message(exc.object[exc.start], None))
        return
    except OSError as exc:
        yield ReadError(STDIN_ORIGIN, f"cannot read standard input ({exc.strerror})")
        return
    raw = data.encode("utf-8") if isinstance(data, str) else data
    yield from _parse_safely(raw, STDIN_ORIGIN, overrides)


def _parse_safely(
    data: bytes, origin: str, overrides: Overrides, *, name: str | None = None
) -> Iterator[ArticleInput | ReadError]:
    """Parse one input; a bug met by this input rejects it (or the rest of its records)
    alone instead of ending the run."""
    try:
        yield from parse_document(data, origin, overrides, name=name)
    except MemoryError:
        yield ReadError(origin, "too large to read into memory; split it")
    except Exception as exc:
        yield ReadError(
            origin,
            f"reading it failed ({type(exc).__name__}: {exc}); this is a factdb bug, please "
            "report it with the file",
        )


def decode_text(data: bytes, origin: str) -> str | ReadError:
    """Decode `data` as UTF-8, or say why it is not UTF-8 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ReadError(
            origin, "UTF-16 text, not UTF-8; convert it (iconv -f UTF-16 -t UTF-8) and retry"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # latin-1 maps every byte to one character, so the binary test sees the raw bytes.
        reason = _binary_reason(data[:8192].decode("latin-1"))
        if reason is not None:
            return ReadError(origin, reason)
        line = data.count(b"\n", 0, exc.start) + 1
        return ReadError(origin, _not_utf8_message(data[exc.start], exc.start), line=line)


def parse_document(
    data: bytes,
    origin: str,
    overrides: Overrides = NO_OVERRIDES,
    *,
    name: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Iterator[ArticleInput | ReadError]:
    """Parse one file, standard input or fetched body in the format it is in.

    The format comes from the file name's suffix or the HTTP content type, else from the
    first characters (see `factdb.inputs.formats.detect_format`): an HTML page gives one article,
    a JSON array or JSON Lines file one article per record, a saved RSS/Atom feed one per
    entry (without fetching linked pages), a PDF one article from its text layer, another
    binary format (an image, an archive, an office document) one error naming it, and
    anything else is read as a text article.
    """
    from factdb.inputs import documents, formats  # trafilatura, feedparser, pypdf: when needed

    kind = formats.detect_format(data, name=name, content_type=content_type)
    if kind == "pdf":
        yield documents.parse_pdf(data, origin, overrides, url=url)
        return
    binary = documents.binary_kind(data[:16])
    if binary is not None:
        yield documents.refuse_binary(binary, origin)
        return
    if kind == "feed":
        yield from formats.parse_feed_entries(data, origin, overrides)
        return
    text = decode_text(data, origin)
    if isinstance(text, ReadError):
        yield text
    elif kind == "html":
        yield formats.parse_html(text, origin, overrides, url=url)
    elif kind == "json":
        yield from formats.parse_json_records(text, origin, overrides)
    else:
        yield parse_article(text, origin, overrides)


def _not_utf8_message(byte: int, offset: int | None) -> str:
    where = f" at offset {offset}" if offset is not None else ""
    return (
        f"not UTF-8 text (invalid byte 0x{byte:02x}{where}); convert it to UTF-8 "
        "(e.g. iconv -f latin1 -t UTF-8) or remove it from the input"
    )


_BINARY_ADVICE = "name only text articles (*.txt, *.md)"


def _binary_reason(sample: str) -> str | None:
    """Say why `sample` looks like binary data rather than text, or return None.

    Text has no NUL characters and hardly any other control characters; random bytes have
    about 12% of them, so 5% is a safe line between the two.
    """
    if "\x00" in sample:
        return f"binary file (contains NUL bytes), not text; {_BINARY_ADVICE}"
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"
    )
    if sample and controls / len(sample) > 0.05:
        return f"binary file (mostly non-text bytes), not text; {_BINARY_ADVICE}"
    return None


# --------------------------------------------------------------------------- parsing


def parse_article(
    raw: str, origin: str, overrides: Overrides = NO_OVERRIDES
) -> ArticleInput | ReadError:
    """Parse one decoded article: detect its layout, split header from body, apply overrides.

    See the module docstring for the layouts and the source/distributor rule.
    """
    reason = _binary_reason(raw[:8192])
    if reason is None and "\x00" in raw:  # a NUL past the sample: no database stores it
        reason = f"binary file (contains NUL bytes), not text; {_BINARY_ADVICE}"
    if reason is not None:
        return ReadError(origin, reason)
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if not text:
        return ReadError(origin, "empty file: nothing to ingest")
    if not text.strip():
        return ReadError(origin, "empty file (only whitespace): nothing to ingest")

    lines = text.split("\n")
    head = _corpus_header(lines) or _syndication_line(lines) or _web_head(lines) or _Head(0)
    body_lines = lines[head.body_start :]
    if not any(line.strip() for line in body_lines):
        return ReadError(
            origin,
            "header but no article text; put the body after the header and a blank line",
            line=head.body_start,
        )
    body = "\n".join(_remove_furniture(body_lines)).strip()
    if not body:
        return ReadError(origin, "only page furniture, no article text: nothing to ingest")

    return build_article(
        origin,
        body,
        overrides,
        source=head.source,
        distributor=head.distributor,
        title=head.title,
        author=head.author,
        url=head.url,
        published_text=head.published_text,
        date_unknown=head.date_unknown,
        warnings=head.warnings,
    )


@dataclass
class _Head:
    """What a layout found before the body; `body_start` is the index of the body's first line."""

    body_start: int
    source: str | None = None
    distributor: str | None = None
    title: str | None = None
    author: str | None = None
    url: str | None = None
    published_text: str | None = None
    date_unknown: bool = False
    warnings: list[str] = field(default_factory=list)


def _first_content_line(lines: Sequence[str], start: int = 0) -> int:
    """Index of the first non-blank line at or after `start` (len(lines) if there is none)."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


# Layout 1: corpus header ------------------------------------------------------------------

_HEADER_FIELD_RE = re.compile(r"(?P<key>[A-Za-z][A-Za-z_-]*):(?:\s+(?P<value>.*?))?\s*")
_HEADER_KEYS = frozenset({"source", "date", "url", "title", "author"})


def _corpus_header(lines: Sequence[str]) -> _Head | None:
    """Read a block of ``key: value`` lines ended by a blank line (at least one known key).

    Example: ``source: Associated Press (via The Washington Post)`` / ``date: 2018-02-04`` /
    ``url: unknown`` / ``title: …``. Unknown keys are ignored with a warning.
    """
    start = _first_content_line(lines)
    end = start
    fields: dict[str, str | None] = {}
    warnings: list[str] = []
    while end < len(lines) and lines[end].strip():
        match = _HEADER_FIELD_RE.fullmatch(lines[end].strip())
        if match is None:
            return None
        key, value = match["key"].lower(), match["value"]
        if key not in _HEADER_KEYS:
            warnings.append(f"ignored header field {key!r} (line {end + 1})")
        elif key in fields:
            warnings.append(f"header field {key!r} repeated (line {end + 1}); the last one wins")
        if value is None or value.lower() == "unknown":
            value = None
        fields[key] = value
        end += 1
    if not _HEADER_KEYS.intersection(fields):
        return None
    head = _Head(
        end,
        title=fields.get("title"),
        author=fields.get("author"),
        url=fields.get("url"),
        published_text=fields.get("date"),
        date_unknown="date" in fields and fields["date"] is None,
        warnings=warnings,
    )
    source = fields.get("source")
    if source is not None:
        head.source, head.distributor = split_source(source)
    return head


# Layout 2: syndication line -----------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_TEXT = (
    r"(?:\d{4}-\d{2}-\d{2}"  # 2022-01-08
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"  # January 8, 2022
    rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})"  # 8 Jan. 2022
)
_SYNDICATION_RE = re.compile(rf"date\s+(?P<date>{_DATE_TEXT})\s+(?P<rest>\S.*?)", re.IGNORECASE)
_AUTHOR_SOURCE_SEP = re.compile(r"\s+/\s+")


def _syndication_line(lines: Sequence[str]) -> _Head | None:
    """Read ``date 2022-01-08 Nariman Gizitdinov / Bloomberg News (TNS)`` on the first line.

    Without `` / `` the text after the date is taken as the source alone.
    """
    start = _first_content_line(lines)
    match = _SYNDICATION_RE.fullmatch(lines[start].strip())
    if match is None:
        return None
    parts = _AUTHOR_SOURCE_SEP.split(match["rest"], maxsplit=1)
    head = _Head(start + 1, published_text=match["date"])
    if len(parts) == 2:
        head.author = parts[0]
    head.source, head.distributor = split_source(parts[-1])
    return head


# Layout 3: web copy ----------------------------------------------------------------------

_MARKDOWN_HEADING_RE = re.compile(r"#\s+(?P<title>.+?)(?:\s+#+)?")
_TITLE_START = "\"'\u2018\u201c"  # straight and opening curly quotes
_TITLE_BAD_ENDS = ".,;:-_\u2026\u2013\u2014"  # and ellipsis, en dash, em dash
# A dateline standing alone, such as "ANKARA, Turkey" or "WASHINGTON (AP)", is no headline;
# an all-capitals headline without the comma or agency tag still is one.
_DATELINE_RE = re.compile(
    r"[A-Z][A-Z.'-]*(?:\s[A-Z][A-Z.'-]*){0,2}"
    r"(?:,\s+[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2}|\s*\([A-Za-z ]+\))"
)
_DATE_LINE_RE = re.compile(
    rf"(?:(?:published|posted)(?:\s+on)?:?\s+)?"
    rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?P<date>{_DATE_TEXT})",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"By\s+(?P<names>[^,|/()]+?)(?:\s*[,|/]\s*(?P<org>.+?))?")
_NAME_PARTICLES = frozenset({"and", "&", "de", "da", "di", "van", "von", "der", "den", "la", "le"})
_NOT_NAMES = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today"}
)
_OUTLET_RE = re.compile(r"[\w&'\u2019.\- ]+")
_OUTLET_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "du", "des", "la", "le", "on"})
_MAX_HEAD_LINES = 3


def _web_head(lines: Sequence[str]) -> _Head | None:
    """Read a headline on line 1, then optional outlet, byline and date lines (seed 001).

    Returns None unless a headline, byline or date line was found and body text follows, so
    that a plain article keeps its first paragraph.
    """
    index = _first_content_line(lines)
    head = _Head(index)
    first = lines[index].strip()
    heading = _MARKDOWN_HEADING_RE.fullmatch(first)
    if heading is not None:
        head.title = heading["title"]
        index = _first_content_line(lines, index + 1)
    elif _looks_like_title(first) and index + 1 < len(lines) and not lines[index + 1].strip():
        head.title = first
        index = _first_content_line(lines, index + 1)
    for _ in range(_MAX_HEAD_LINES):
        if index >= len(lines) or not _take_head_line(lines[index].strip(), head):
            break
        index = _first_content_line(lines, index + 1)
    found = (head.title, head.author, head.published_text)
    if index >= len(lines) or found == (None, None, None):
        return None
    head.body_start = index
    return head


def _take_head_line(line: str, head: _Head) -> bool:
    """Store `line` in `head` if it is an outlet, byline or date line not yet seen."""
    byline = _BYLINE_RE.fullmatch(line)
    if byline is not None and head.author is None and _looks_like_names(byline["names"]):
        head.author = byline["names"]
        org = byline["org"]
        if org is not None and head.source is None and _looks_like_outlet(org):
            head.source, head.distributor = split_source(org)
        return True
    date_line = _DATE_LINE_RE.fullmatch(line)
    if date_line is not None and head.published_text is None:
        head.published_text = date_line["date"]
        return True
    # An outlet line only counts right after a headline, where a bare name cannot be a
    # sentence: "Bloomberg" under "Putin's troops go in as Kazakh leader orders protesters shot".
    if head.title is not None and head.source is None and _looks_like_outlet(line):
        head.source, head.distributor = split_source(line)
        return True
    return False


def _looks_like_title(line: str) -> bool:
    """A headline: 2-30 words, at most 200 characters, not ending like a sentence or clause."""
    words = line.split()
    return (
        2 <= len(words) <= 30
        and len(line) <= 200
        and (line[0].isalnum() or line[0] in _TITLE_START)
        and line[-1] not in _TITLE_BAD_ENDS
        and _DATELINE_RE.fullmatch(line) is None
        and _DATE_LINE_RE.fullmatch(line) is None
        and _BYLINE_RE.fullmatch(line) is None
    )


def _looks_like_names(names: str) -> bool:
    """Person names after "By": 1-8 capitalised words (particles allowed), no weekday."""
    words = names.split()
    return (
        1 <= len(words) <= 8
        and not any(char.isdigit() for char in names)
        and all(word[0].isupper() or word.lower() in _NAME_PARTICLES for word in words)
        and not _NOT_NAMES.intersection(word.lower() for word in words)
    )


def _looks_like_outlet(line: str) -> bool:
    """A bare outlet name: 1-5 capitalised words, at most 40 characters, no sentence end.

    A trailing ``(TNS)`` or ``(via …)`` is allowed and judged by `split_source`.
    """
    source, _ = split_source(line)
    if source is None or len(source) > 40 or _OUTLET_RE.fullmatch(source) is None:
        return False
    words = source.split()
    return (
        1 <= len(words) <= 5
        and source[0].isupper()
        and not source.endswith(".")
        and all(
            word[0].isupper() or word[0].isdigit() or word.lower() in _OUTLET_CONNECTORS
            for word in words
        )
    )


# Source and distributor --------------------------------------------------------------------


# Page furniture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Furniture:
    exact: frozenset[str]
    trailing: tuple[re.Pattern[str], ...]

    def is_exact(self, line: str) -> bool:
        return _furniture_key(line) in self.exact

    def is_trailing(self, line: str) -> bool:
        stripped = line.strip()
        return self.is_exact(line) or any(rule.search(stripped) for rule in self.trailing)


def _furniture_key(line: str) -> str:
    """Compare furniture lines case-blind, spacing-blind, ignoring trailing punctuation.

    The stripped ends are full stops, ellipses, colons and the arrows of "Read more >>" links.
    """
    return " ".join(line.split()).casefold().rstrip(".\u2026:!|\u00bb\u203a> ")


@cache
def _furniture() -> _Furniture:
    """Load ``factdb/data/furniture.json`` once."""
    raw = resources.files("factdb.data").joinpath("furniture.json").read_text("utf-8")
    data = json.loads(raw)
    return _Furniture(
        exact=frozenset(_furniture_key(str(line)) for line in data["exact"]),
        trailing=tuple(re.compile(str(rule), re.IGNORECASE) for rule in data["trailing"]),
    )


def _remove_furniture(lines: Sequence[str]) -> list[str]:
    """Drop furniture at the end of the body, and exact furniture lines anywhere.

    When a dropped line stood between two paragraphs, the blank lines after it go too, so
    "text / (blank) / Advertisement / (blank) / text" keeps one paragraph break.
    """
    furniture = _furniture()
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or furniture.is_trailing(lines[end - 1])):
        end -= 1
    kept: list[str] = []
    skip_blanks = False
    for line in lines[:end]:
        if furniture.is_exact(line):
            skip_blanks = not kept or not kept[-1].strip()
        elif line.strip():
            kept.append(line)
            skip_blanks = False
        elif not skip_blanks:
            kept.append(line)
    return kept
