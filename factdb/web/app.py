"""The ASGI app `factdb serve` runs: routes, the per-request reader, HTML and JSON answers,
the review forms, and who may use it (`factdb.web.security`).

Every page reads in a read transaction of its own (`factdb.store.connect.open_reader`, a
connection that cannot write), so it sees what an ingest running beside the server has
committed. A review is written by the same function `factdb conflicts dismiss|resolve`
calls, through an engine opened at the first review.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from factdb.query.output import dumps, published_text, quantity_text
from factdb.store.driver import Reader
from factdb.web import pages
from factdb.web.pages import MAX_ID, Page, PageError
from factdb.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CsrfTokens,
    TokenGate,
    allowed_hosts,
    bind_problem,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# What a page may load and where its forms may post: this server only (no CDN, no inline
# script), and no other site may frame it (a framed review form could be clicked blind).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# A review form is a note and a token: anything longer is not one.
MAX_FORM_BYTES = 64 * 1024


@dataclass(frozen=True)
class ServeSettings:
    """How `factdb serve` was started: the database (as ``--db`` names it; None for
    FACTDB_DATABASE_URL or the default), the address it listens on, whether reviews are
    refused, and the token every request must carry (None: no token)."""

    database: str | None
    host: str = "127.0.0.1"
    read_only: bool = False
    token: str | None = None


class Reviews:
    """Writes reviewers' decisions, as `factdb conflicts dismiss|resolve` does; the engine
    (SQLAlchemy, imported then) is opened at the first review and kept."""

    def __init__(self, database: str | None) -> None:
        self._database = database
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def record(self, conflict_id: int, status: str, note: str) -> bool:
        """Set the conflict's status and note; False when there is no such conflict."""
        from sqlmodel import Session

        from factdb.match.conflicts import set_conflict_status
        from factdb.store import db

        with self._lock:
            if self._engine is None:
                self._engine = db.open_engine(self._database, create=False, write=True)
            engine = self._engine
        with Session(engine) as session, session.begin():
            return set_conflict_status(session, conflict_id, status, note)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _read(database: str | None, build: Callable[[Reader], Page]) -> tuple[Page, str]:
    """`build` a page on a fresh reader (closed after), with the database's name; failures
    to open or read become PageErrors naming the database."""
    from factdb.store.connect import open_reader
    from factdb.store.driver import DriverError, mask_secrets

    try:
        reader = open_reader(database)
    except Exception as exc:
        raise PageError(503, _open_failure(exc)) from exc
    try:
        return build(reader), reader.where
    except DriverError as exc:
        raise PageError(500, f"database error on {reader.where}: {mask_secrets(str(exc))}") from exc
    finally:
        reader.close()


def _open_failure(exc: Exception) -> str:
    """The message for a database that cannot be opened; anything else is raised again."""
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.store import db
    from factdb.store.driver import mask_secrets

    if isinstance(exc, db.DatabaseError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return f"cannot open the database: {mask_secrets(str(getattr(exc, 'orig', exc)))}"
    raise exc


def _environment() -> Environment:
    """The templates, shipped in the package, escaping everything they print."""
    environment = Environment(
        loader=PackageLoader("factdb.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["quantity"] = quantity_text
    environment.filters["published"] = published_text
    return environment


def create_app(settings: ServeSettings) -> Starlette:
    """The app serving the database of `settings`. Raises ValueError for a public address
    without a token (the command line says so first, as a usage error)."""
    problem = bind_problem(settings.host, settings.token)
    if problem is not None:
        raise ValueError(problem)
    templates = _environment()
    csrf = CsrfTokens()
    reviews = Reviews(settings.database)

    def answer(data: Any, status: int = 200) -> Response:
        return Response(
            dumps(data), status, SECURITY_HEADERS, media_type="application/json; charset=utf-8"
        )

    def failure(request: Request, status: int, message: str) -> Response:
        if request.url.path.endswith(".json"):
            return answer({"error": message}, status)
        body = templates.get_template("error.html").render(
            title="Error",
            status=status,
            message=message,
            settings=settings,
            database=None,
            json_path=None,
        )
        return HTMLResponse(body, status, SECURITY_HEADERS)

    def html(request: Request, page: Page, database: str) -> Response:
        browser = request.cookies.get(CSRF_COOKIE)
        token, fresh = csrf.for_browser(browser)
        body = templates.get_template(page.template).render(
            title=page.title,
            data=page.data,
            settings=settings,
            database=database,
            csrf_field=CSRF_FIELD,
            csrf_token=token,
            json_path=_json_twin(request),
            **page.context,
        )
        response = HTMLResponse(body, headers=SECURITY_HEADERS)
        if fresh is not None:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict")
        return response

    def page(path: str, build: Callable[[Request, Reader], Page]) -> list[BaseRoute]:
        """The routes of one page: as HTML at `path`, as JSON at `path` + ``.json`` (``/.json``
        for ``/``). Run in the thread pool: reading blocks."""

        def endpoint(json: bool) -> Callable[[Request], Response]:
            def handle(request: Request) -> Response:
                try:
                    found, database = _read(settings.database, lambda r: build(request, r))
                except PageError as exc:
                    return failure(request, exc.status, exc.message)
                return answer(found.data) if json else html(request, found, database)

            return handle

        twin = "/.json" if path == "/" else f"{path}.json"
        return [Route(path, endpoint(False)), Route(twin, endpoint(True))]

    def review(status: str) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            try:
                conflict_id = _record_id(request, "conflict_id")
                note = await _review_note(request, settings, csrf)
                if not await run_in_threadpool(reviews.record, conflict_id, status, note):
                    raise PageError(
                        404, f"no conflict with id {conflict_id}; the queue is at /conflicts"
                    )
            except PageError as exc:
                return failure(request, exc.status, exc.message)
            except Exception as exc:
                return failure(request, *_write_failure(exc))
            return RedirectResponse(f"/conflicts/{conflict_id}", 303, SECURITY_HEADERS)

        return handle

    def listing(
        build: Callable[[Reader, pages.Params, str], Page],
    ) -> Callable[[Request, Reader], Page]:
        return lambda request, reader: build(reader, request.query_params, request.url.path)

    def record(
        build: Callable[[Reader, int], Page], name: str
    ) -> Callable[[Request, Reader], Page]:
        return lambda request, reader: build(reader, _record_id(request, name))

    routes: list[BaseRoute] = [
        *page("/", listing(pages.stories)),
        *page("/stories/{story_id:int}", record(pages.story, "story_id")),
        *page("/conflicts", listing(pages.conflicts)),
        *page("/conflicts/{conflict_id:int}", record(pages.conflict, "conflict_id")),
        *page("/facts/{fact_id:int}", record(pages.fact, "fact_id")),
        *page("/claims/{claim_id:int}", record(pages.claim, "claim_id")),
        *page("/articles/{article_id:int}", record(pages.article, "article_id")),
        Route("/conflicts/{conflict_id:int}/dismiss", review("dismissed"), methods=["POST"]),
        Route("/conflicts/{conflict_id:int}/resolve", review("resolved"), methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("factdb.web", "static")]), name="static"),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {
            404: f"no page at {request.url.path}; the stories are at /, the conflicts at "
            "/conflicts",
            405: f"{request.method} is not how {request.url.path} is used (pages are read with "
            "GET, reviews posted by the conflict page's form)",
        }.get(status, "the server could not answer")
        return failure(request, status, message)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        reviews.close()

    middleware = (
        [Middleware(TokenGate, token=settings.token)]
        if settings.token
        else [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings.host))]
    )
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: http_error, 405: http_error},
        lifespan=lifespan,
    )


def _record_id(request: Request, name: str) -> int:
    """The record id in the path (digits, by the route), or a 404 past any stored id."""
    found = int(request.path_params[name])
    if found > MAX_ID:
        raise PageError(404, f"no page at {request.url.path}: no record has so large an id")
    return found


def _json_twin(request: Request) -> str:
    """The address of the page's JSON: its path plus ``.json``, with its query."""
    path = request.url.path
    twin = "/.json" if path == "/" else f"{path}.json"
    return f"{twin}?{request.url.query}" if request.url.query else twin


async def _review_note(request: Request, settings: ServeSettings, csrf: CsrfTokens) -> str:
    """The note of a posted review form, once the server, the form's token and the note
    itself allow the review (else a PageError saying what to do)."""
    if settings.read_only:
        raise PageError(
            403,
            "this server is read-only (--read-only): reviews are refused here; review with "
            "`factdb conflicts dismiss|resolve ID --note …`, or serve without --read-only",
        )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise PageError(415, "post the review form as the conflict page sends it (urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PageError(413, f"a review form holds at most {MAX_FORM_BYTES:,} bytes")
    try:
        fields = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        raise PageError(400, "the review form is not UTF-8 text") from None
    if not csrf.valid(request.cookies.get(CSRF_COOKIE), fields.get(CSRF_FIELD)):
        raise PageError(
            403,
            "the form's security token is missing or out of date (the server restarted, or "
            "the form came from another site): reload the conflict page and submit again",
        )
    note = fields.get("note", "").strip()
    if not note:
        raise PageError(400, "write a note saying why: it is kept with the review")
    return note


def _write_failure(exc: Exception) -> tuple[int, str]:
    """Status and message for a review the database refused; anything else is raised."""
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.store import db
    from factdb.store.driver import mask_secrets

    if isinstance(exc, db.ReadOnlyDatabaseError):
        return 403, str(exc)
    if isinstance(exc, db.DatabaseError):
        return 503, str(exc)
    if isinstance(exc, SQLAlchemyError):
        return 503, f"the review was not saved: {mask_secrets(str(getattr(exc, 'orig', exc)))}"
    raise exc
