"""A small news site for the tests, served by `http.server` in a thread on 127.0.0.1.

It serves what scheduled ingest meets on the real web: an RSS feed of summary-only entries
(whose pages factdb must fetch) and an Atom feed of full-content entries, article pages
wrapped in navigation, a cookie banner, comments and related links, a page that answers too
slowly, a 404, a 500 that recovers on the next try, a redirect, an oversized page, and a JSON
Lines file. Feeds and pages carry an ETag and answer ``304`` to a matching ``If-None-Match``.
Every request is logged with its conditional headers, so tests can see what factdb asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .pdfmaker import make_pdf

ARTICLES = Path(__file__).parent / "articles"
KESSLER = {
    "courier": ARTICLES / "kessler-brennmoor-courier-2024-05-14.txt",
    "gazette": ARTICLES / "kessler-lakeside-gazette-2024-05-14.txt",
    "wire": ARTICLES / "kessler-northland-wire-2024-05-14.txt",
    "radio": ARTICLES / "kessler-ostmark-radio-2024-05-16.txt",
}
# Words that appear only in the page furniture: a claim containing one came from furniture.
FURNITURE_MARKERS = ("cookies", "500 workers", "Subscribe", "Storm kills 99")
SLOW_SECONDS = 2.0


def read_test_article(path: Path) -> tuple[dict[str, str], list[str]]:
    """The header fields and body paragraphs of one of the tests' text articles."""
    header, _, body = path.read_text("utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    return fields, [p.strip() for p in body.split("\n\n") if p.strip()]


def article_page(name: str, base: str) -> bytes:
    """An article page as a news site serves it, furniture and all."""
    fields, paragraphs = read_test_article(KESSLER[name])
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(fields["title"])} | {escape(fields["source"])}</title>
<meta property="og:site_name" content="{escape(fields["source"])}">
<meta property="og:title" content="{escape(fields["title"])}">
<meta property="article:published_time" content="{fields["date"]}T08:00:00Z">
<link rel="canonical" href="{base}/news/{name}">
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.
Accept all cookies to continue reading.</p><button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article><h1>{escape(fields["title"])}</h1>
{body}
</article></main>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>My cousin says 500 workers were killed there and nobody reports it.</p>
</div></section>
<aside class="related"><h2>Related</h2><ul><li><a href="/x">Storm kills 99 in Lakeside</a></li>
</ul></aside>
<footer><p>Copyright 2024. All rights reserved.</p></footer>
</body></html>""".encode()


def rss_feed(base: str, names: list[str], version: str) -> bytes:
    """An RSS 2.0 feed whose entries carry only a one-line summary and a link."""
    items = []
    for name in names:
        fields, paragraphs = read_test_article(KESSLER[name])
        items.append(
            f"""<item><title>{escape(fields["title"])}</title>
<link>{base}/articles/{name}.html?utm_source=rss</link>
<guid>{base}/articles/{name}.html</guid>
<pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate>
<description>{escape(paragraphs[0][:80])}…</description></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kessler coverage ({version})</title>
<link>{base}/</link><description>Test feed</description>
{"".join(items)}
</channel></rss>""".encode()


ATOM_STORY = (
    "Harbour officials in Velmora said 14 fishing boats sank in the storm on Tuesday night. "
    "The coast guard said 23 sailors were rescued from the water before dawn. "
    "Three sailors are still missing, the harbour master said on Wednesday. "
    "The storm also damaged the sea wall along two kilometres of the old port, and the city "
    "council said repairs would start next month once engineers have surveyed the damage. "
    "Fishing from the port is suspended until the wreckage is cleared from the channel."
)


def atom_feed(base: str) -> bytes:
    """An Atom feed: one entry with the whole article as content, one linking a page that
    the RSS feed links too (the same article through two feeds)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Velmora Post</title>
<id>{base}/atom.xml</id><updated>2024-05-15T10:00:00Z</updated>
<entry><title>Storm sinks 14 boats in Velmora</title><id>{base}/news/velmora-storm</id>
<link href="{base}/news/velmora-storm"/><updated>2024-05-15T10:00:00Z</updated>
<published>2024-05-15T09:00:00Z</published><author><name>Ana Ferreira</name></author>
<content type="html">&lt;p&gt;{escape(ATOM_STORY)}&lt;/p&gt;</content></entry>
<entry><title>Blast at Kessler chemical plant kills 26</title><id>{base}/c</id>
<link href="{base}/articles/courier.html"/><updated>2024-05-14T08:00:00Z</updated>
<summary>An explosion at the Kessler chemical plant…</summary></entry>
</feed>""".encode()


def _article_html(name: str) -> str:
    """A test article's body as the HTML a feed entry carries (escaped again by the caller)."""
    _, paragraphs = read_test_article(KESSLER[name])
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def linkless_atom_feed() -> bytes:
    """An Atom feed of whole articles without links: ids are a URN and a tag URI (fetchable
    by nobody), the content is the article; the third entry has a title and nothing else."""
    gazette, _ = read_test_article(KESSLER["gazette"])
    wire, _ = read_test_article(KESSLER["wire"])
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Kessler Wire Desk</title>
<id>urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66</id><updated>2024-05-15T10:00:00Z</updated>
<entry><title>{escape(gazette["title"])}</title>
<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
<updated>2024-05-14T09:30:00Z</updated><author><name>Mara Lind</name></author>
<content type="html">{escape(_article_html("gazette"))}</content></entry>
<entry><title>{escape(wire["title"])}</title><id>tag:wire.example,2024-05-14:kessler-2</id>
<published>2024-05-14T11:00:00Z</published>
<content type="html">{escape(_article_html("wire"))}</content></entry>
<entry><title>Placeholder</title><id>tag:wire.example,2024-05-14:empty</id>
<updated>2024-05-14T12:00:00Z</updated></entry>
</feed>""".encode()


def linkless_rss_feed() -> bytes:
    """An RSS feed of whole articles without ``<link>``: one in ``content:encoded`` with a
    guid that is no permalink, one as a long ``<description>`` without any guid."""
    courier, _ = read_test_article(KESSLER["courier"])
    radio, _ = read_test_article(KESSLER["radio"])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Kessler Radio Desk</title><link>http://radio.example/</link><description>x</description>
<item><title>{escape(courier["title"])}</title><guid isPermaLink="false">courier-4711</guid>
<pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate>
<content:encoded><![CDATA[{_article_html("courier")}]]></content:encoded></item>
<item><title>{escape(radio["title"])}</title><pubDate>Thu, 16 May 2024 08:00:00 GMT</pubDate>
<description>{escape(_article_html("radio"))}</description></item>
</channel></rss>""".encode()


def press_release_pdf() -> bytes:
    """The wire's article as a PDF press release, with an info dictionary."""
    fields, paragraphs = read_test_article(KESSLER["wire"])
    info = {"Title": fields["title"], "Author": "Kessler AG Press Office"}
    return make_pdf([paragraphs], info | {"CreationDate": "D:20240514093000Z"})


def _set(event: threading.Event) -> threading.Event:
    event.set()
    return event


@dataclass
class NewsSite:
    """The server's state: what it serves now and what it was asked."""

    base: str = ""
    rss_names: list[str] = field(default_factory=lambda: ["courier", "gazette"])
    rss_version: str = "v1"
    # Cleared, the RSS feed answers only once it is set again (or after a minute): a run
    # fetching it holds the ingest lock for as long as a test needs.
    rss_release: threading.Event = field(default_factory=lambda: _set(threading.Event()))
    flaky_failures_left: int = 1
    requests: list[tuple[str, str | None, str]] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    feed_requested: threading.Event = field(default_factory=threading.Event)
    # Pages a test writes and rewrites: served at /pages/NAME, their ETag follows the content.
    pages: dict[str, bytes] = field(default_factory=dict)

    def publish(self, names: list[str], version: str) -> None:
        """Change the RSS feed's entries (and so its ETag)."""
        self.rss_names, self.rss_version = names, version

    def asked(self, path: str) -> list[tuple[str, str | None, str]]:
        """The requests for `path`: (path, If-None-Match sent, status answered)."""
        return [r for r in self.requests if r[0] == path]


def make_handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            status, body, content_type, etag = self._route(path)
            if etag is not None and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            site.requests.append((path, self.headers.get("If-None-Match"), str(status)))
            site.user_agents.add(self.headers.get("User-Agent", ""))
            if status in (301, 302):
                self.send_response(status)
                self.send_header("Location", body.decode())
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            if etag is not None:
                self.send_header("ETag", etag)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def _route(self, path: str) -> tuple[int, bytes, str, str | None]:
            html = "text/html; charset=utf-8"
            if path == "/rss.xml":
                site.feed_requested.set()
                site.rss_release.wait(timeout=60)
                body = rss_feed(site.base, site.rss_names, site.rss_version)
                return 200, body, "application/rss+xml", f'"rss-{site.rss_version}"'
            if path == "/atom.xml":
                return 200, atom_feed(site.base), "application/atom+xml", '"atom-1"'
            if path == "/release.pdf":
                return 200, press_release_pdf(), "application/pdf", None
            if path == "/wire.atom":  # no ETag: every poll reads the entries again
                return 200, linkless_atom_feed(), "application/atom+xml", None
            if path == "/wire.rss":
                return 200, linkless_rss_feed(), "application/rss+xml", None
            if path.startswith("/articles/") and path.endswith(".html"):
                name = path.removeprefix("/articles/").removesuffix(".html")
                if name in KESSLER:
                    return 200, article_page(name, site.base), html, f'"{name}-1"'
            if path.startswith("/pages/") and path.removeprefix("/pages/") in site.pages:
                page = site.pages[path.removeprefix("/pages/")]
                return 200, page, html, f'"{hashlib.sha256(page).hexdigest()[:16]}"'
            if path == "/slow.html":
                time.sleep(SLOW_SECONDS)
                return 200, article_page("courier", site.base), html, None
            if path == "/flaky.html":
                if site.flaky_failures_left > 0:
                    site.flaky_failures_left -= 1
                    return 500, b"Internal Server Error", "text/plain", None
                return 200, article_page("wire", site.base), html, None
            if path == "/moved":
                return 301, f"{site.base}/articles/radio.html".encode(), html, None
            if path == "/huge.html":
                filler = "<p>" + "All work and no play. " * 40 + "</p>\n"
                return 200, (filler * 400).encode(), html, None
            if path == "/data.jsonl":
                lines = [
                    '{"text": "Rescuers said 40 miners were trapped in the Dalmor mine on '
                    'Monday.", "source": "Dalmor Daily", "published": "2024-02-05"}',
                    '{"title": "no text here"}',
                ]
                return 200, "\n".join(lines).encode(), "application/x-ndjson", None
            return 404, b"Not Found", "text/plain", None

    return Handler


@contextlib.contextmanager
def serving(site: NewsSite) -> Iterator[NewsSite]:
    """Serve `site` on a free port of 127.0.0.1 in a daemon thread while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
