"""Fetching URLs over HTTP(S) with httpx, the way a polite scheduled job should.

- a timeout for every request, and a few retries with exponential backoff for what is worth
  retrying (timeouts, connection failures, 5xx and 429 answers), never for a 404;
- a ``User-Agent`` naming factdb and its version;
- a size limit, checked against ``Content-Length`` and again while reading, so an endless or
  oversized page is refused without being held in memory;
- redirects followed (the final URL is kept);
- conditional requests: the caller passes the ETag and Last-Modified of the last fetch, and
  an unchanged resource costs one ``304 Not Modified``.

Settings come from `FetchSettings`, whose defaults suit cron and whose fields the CLI and the
tests set (a test server answers in milliseconds, so tests use tiny timeouts and backoff).
Failures raise `FetchError` with one line saying what went wrong and what to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType

import httpx

from factdb import __version__

USER_AGENT = f"factdb/{__version__} (claim-tracking fact database; python-httpx)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchSettings:
    """How URLs are fetched. Environment variables override the defaults (see `from_env`)."""

    timeout: float = 20.0  # seconds, for connecting and for each read
    retries: int = 2  # further attempts after the first one fails in a retryable way
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    user_agent: str = USER_AGENT

    @classmethod
    def from_env(cls) -> FetchSettings:
        """Defaults, overridden by ``FACTDB_FETCH_TIMEOUT``, ``FACTDB_FETCH_RETRIES``,
        ``FACTDB_FETCH_BACKOFF`` and ``FACTDB_FETCH_MAX_BYTES`` where set."""
        values: dict[str, float] = {}
        for name in ("timeout", "retries", "backoff", "max_bytes"):
            variable = f"FACTDB_FETCH_{name.upper()}"
            raw = os.environ.get(variable)
            if raw:
                try:
                    values[name] = float(raw)
                except ValueError as exc:
                    raise ValueError(f"{variable}={raw!r} is not a number") from exc
        defaults = cls()
        return replace(
            defaults,
            timeout=values.get("timeout", defaults.timeout),
            retries=int(values.get("retries", defaults.retries)),
            backoff=values.get("backoff", defaults.backoff),
            max_bytes=int(values.get("max_bytes", defaults.max_bytes)),
        )


class FetchError(Exception):
    """A URL that could not be fetched; the message is one line for the user."""


@dataclass(frozen=True)
class Fetched:
    """A fetch's answer: the final URL (after redirects), 200 with a body or 304 without."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True for a ``304``: the resource is unchanged since the validators were taken."""
        return self.status == 304


class Fetcher:
    """An HTTP client with factdb's fetching rules; use it as a context manager."""

    def __init__(
        self, settings: FetchSettings | None = None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": self.settings.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url`, conditional on the validators given; retry what is worth retrying.

        Raises `FetchError` for a bad URL, an answer other than 200/304 (after the retries
        for 5xx and 429), a timeout or connection failure that outlasts the retries, too many
        redirects, or a body over the size limit.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                return self._get_once(url, headers)
            except _Retryable as exc:
                if last:
                    raise FetchError(f"{exc} (after {attempts} attempts)") from exc
                self._sleep(self.settings.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        limit = self.settings.max_bytes
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    raise _Retryable(f"HTTP {status} {response.reason_phrase}")
                if status not in (200, 304):
                    raise FetchError(_status_message(status, response.reason_phrase))
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(_too_large(limit))
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > limit:
                        raise FetchError(_too_large(limit))
                return Fetched(
                    url=str(response.url),
                    status=status,
                    content=bytes(body),
                    content_type=response.headers.get("Content-Type"),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out after {self.settings.timeout:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(
                f"more than {self.settings.max_redirects} redirects; check the URL"
            ) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"connection failed ({exc})") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"not a URL factdb can fetch ({exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"fetch failed ({exc})") from exc


class _Retryable(Exception):
    """A failure another attempt may not meet: a timeout, a lost connection, a 5xx or 429."""


def _status_message(status: int, reason: str) -> str:
    if status == 404:
        return "HTTP 404 Not Found; check the URL or remove it"
    if status in (401, 403):
        return f"HTTP {status} {reason}: the site refuses factdb; it cannot be fetched"
    return f"HTTP {status} {reason}"


def _too_large(limit: int) -> str:
    return (
        f"larger than the size limit of {limit:,} bytes; raise it with --max-bytes "
        "if the page is really an article"
    )
