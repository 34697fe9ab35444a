"""Binary documents: PDF text read with pypdf, and every other binary format named and refused.

Press releases, court filings and reports come as PDF. A PDF's text layer is read page by
page (pypdf), its lines joined back into paragraphs, and its title, author and creation date
taken from the document's info dictionary where present. A PDF without a text layer (scanned
pages) has nothing to read without OCR, so it is rejected with one line that says so, as is an
encrypted PDF or a broken one.

Other binary formats (images, archives, office documents, executables, audio, video) are
recognised by their first bytes and refused with one line naming what the file is, instead
of the generic "binary file": a newcomer who names a ``.docx`` learns it is a Word (ZIP)
document, not that it "contains NUL bytes".
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime

from factdb.inputs.records import NO_OVERRIDES, ArticleInput, Overrides, ReadError, build_article

PDF_MAGIC = b"%PDF-"

# First bytes of binary formats people may name by mistake, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (Word .docx, Excel .xlsx, EPUB and OpenDocument are ZIPs)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office 97-2003 document (.doc, .xls)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ", "a Windows executable"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio or video file"),
    (b"SQLite format 3\x00", "a SQLite database"),
)
_READS = "factdb reads text, HTML, JSON, RSS/Atom and PDF files"


def binary_kind(head: bytes) -> str | None:
    """What binary format `head` (a file's first bytes) starts like, or None."""
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp":
        return "an MP4 or QuickTime video"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file"}.get(
            head[8:12], "an AVI video"
        )
    return None


def refuse_binary(kind: str, origin: str) -> ReadError:
    """The one-line rejection of a binary file that is not a PDF."""
    return ReadError(origin, f"{kind}, not an article; {_READS}")


def parse_pdf(
    data: bytes, origin: str, overrides: Overrides = NO_OVERRIDES, *, url: str | None = None
) -> ArticleInput | ReadError:
    """One article from a PDF's text layer, with the info dictionary's title, author and
    creation date; a PDF without text, encrypted or unreadable is one `ReadError`."""
    from pypdf import PdfReader

    # pypdf logs every repair it makes to a broken file ("EOF marker not found") on standard
    # error; the one `Error:` line factdb prints is what the user needs.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return ReadError(origin, "an encrypted PDF; save an unprotected copy and retry")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except Exception as exc:  # pypdf meets broken files with many exception types
        return ReadError(origin, f"a PDF factdb cannot read ({exc}); is the file complete?")
    body = "\n\n".join(p for p in (_paragraphs(page) for page in pages) if p)
    if not body.strip():
        return ReadError(
            origin,
            f"a PDF without a text layer ({len(pages)} page(s), scanned or images only); "
            "run OCR on it first (e.g. ocrmypdf) and ingest the result",
        )
    title = author = published = None
    if info is not None:
        title = _clean(info.title)
        author = _clean(info.author)
        published = _date_text(info)
    return build_article(
        origin, body, overrides, title=title, author=author, url=url, published_text=published
    )


def _paragraphs(page: str) -> str:
    """A page's lines joined back into paragraphs: PDF text breaks lines where the layout
    did, so a line that does not end a sentence runs on into the next (a blank line always
    ends a paragraph)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in page.replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if re.search(r"[.!?:\"”’)]$", line):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _date_text(info: object) -> str | None:
    """The info dictionary's creation date (else its modification date) as an ISO date; a
    malformed date string is left out rather than guessed."""
    for name in ("creation_date", "modification_date"):
        try:
            value = getattr(info, name)
        except (ValueError, TypeError):  # pypdf parses the date string on access
            continue
        if isinstance(value, datetime):
            return value.date().isoformat()
    return None
