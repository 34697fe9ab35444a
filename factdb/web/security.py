"""Who may use a running `factdb serve`: the loopback rule, the token gate, the hosts a
loopback server answers to, and the CSRF tokens of the review forms.

- Bound to a loopback address, only this machine reaches the server; it then answers only
  requests addressed to a loopback name, so a web page in the browser cannot reach it through
  a DNS name rebound to 127.0.0.1 (the attack local notebook servers met).
- Bound to any other address, every request must carry the token (`TokenGate`).
- The review forms write; a page of another site could post them through the reviewer's
  browser. Each form carries a token signed for that browser (`CsrfTokens`), which another
  site cannot read.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

# The names a loopback server answers to (a Host header naming anything else is refused).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether `host` (as given to ``--host``) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # another host name: it may resolve to any address
        return False


def allowed_hosts(host: str) -> list[str]:
    """The Host header values a server bound to loopback address `host` answers to."""
    bound = f"[{host}]" if ":" in host else host
    return list(dict.fromkeys([*LOOPBACK_HOSTS, bound.lower()]))


# How the token travels: once in the address (then a cookie keeps it), or in a header.
TOKEN_PARAMETER = "token"
TOKEN_COOKIE = "factdb_token"
# A token shorter than this is refused: it could be guessed by trying.
MIN_TOKEN_LENGTH = 16


def bind_problem(host: str, token: str | None) -> str | None:
    """Why a server must not start on `host` with `token` (None: it may)."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return (
            f"the token must be at least {MIN_TOKEN_LENGTH} characters long, or it could be "
            "guessed; make one with: python3 -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    if token is None and not is_loopback(host):
        return (
            f"--host {host} can be reached from other machines, so every request must carry a "
            "token: give one with --token or FACTDB_SERVE_TOKEN (make one with: python3 -c "
            "'import secrets; print(secrets.token_urlsafe())'), or serve on 127.0.0.1"
        )
    return None


class TokenGate:
    """ASGI middleware: every request needs the server's token, as ``Authorization: Bearer
    TOKEN``, in the ``factdb_token`` cookie, or as ``?token=TOKEN``. A page opened with the
    token in its address is sent again without it (so it stays out of the history and of
    links), with the cookie set."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._token = token.encode()

    def _matches(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self._token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.method in ("GET", "HEAD") and self._matches(
            request.query_params.get(TOKEN_PARAMETER)
        ):
            others = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAMETER]
            address = request.url.path + (f"?{urlencode(others)}" if others else "")
            redirect = RedirectResponse(address, status_code=303)
            redirect.set_cookie(TOKEN_COOKIE, self._token.decode(), httponly=True, samesite="lax")
            await redirect(scope, receive, send)
            return
        authorization = request.headers.get("authorization", "")
        bearer = authorization[7:] if authorization.lower().startswith("bearer ") else None
        offered = (
            bearer,
            request.cookies.get(TOKEN_COOKIE),
            request.query_params.get(TOKEN_PARAMETER),
        )
        if any(self._matches(value) for value in offered):
            await self.app(scope, receive, send)
            return
        message = (
            "this factdb server needs its token: open the address `factdb serve` printed "
            "(ending in ?token=…), or send the header 'Authorization: Bearer TOKEN'"
        )
        refusal: Response = (
            JSONResponse({"error": message}, status_code=401)
            if request.url.path.endswith(".json")
            else PlainTextResponse(message, status_code=401)
        )
        refusal.headers["WWW-Authenticate"] = "Bearer"
        await refusal(scope, receive, send)


# The review forms' token: a random value per browser in this cookie, and in the form its
# signature under the server's secret (a "signed double-submit" token).
CSRF_COOKIE = "factdb_csrf"
CSRF_FIELD = "csrf_token"


class CsrfTokens:
    """Signs and checks the review forms' CSRF tokens. The secret lives as long as the
    server: a form rendered before a restart is refused, and reloading the page mends it."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def _sign(self, browser: str) -> str:
        return hmac.new(self._secret, browser.encode(), hashlib.sha256).hexdigest()

    def for_browser(self, browser: str | None) -> tuple[str, str | None]:
        """The form token for the browser whose CSRF cookie is `browser`, and the cookie to
        set when it has none yet (else None)."""
        if browser:
            return self._sign(browser), None
        fresh = secrets.token_urlsafe(32)
        return self._sign(fresh), fresh

    def valid(self, browser: str | None, offered: str | None) -> bool:
        """Whether a posted form's token was signed for this browser by this server."""
        if not browser or not offered:
            return False
        return hmac.compare_digest(self._sign(browser), offered)
