"""Security around every request: response headers, same-origin and CSRF checks on POSTs, login
throttling. Pure helpers and one ASGI middleware; the routes decide where each applies."""
from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request

from sopdoc.web.pages import RequestRefused

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # agency links carry their token in the path: never hand it to another site (and "no-referrer"
    # would make browsers send "Origin: null" with form posts, which the same-origin check refuses)
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds HEADERS to every response, and `Cache-Control: no-store` to all but static files."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def check_same_origin(request: Request, allowed_hosts: frozenset = frozenset()) -> None:
    """Refuse a POST a browser sent from another site (its Origin header names another host)."""
    origin = request.headers.get("origin")
    if origin is None:
        return  # not a browser, or one that sends no Origin: the other checks stand alone
    host = urlsplit(origin).netloc
    if host != request.headers.get("host", "") and host not in allowed_hosts:
        raise RequestRefused(403, "Permintaan dari situs lain ditolak.")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (anonymous sessions get one too, for the login)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted) -> None:
    expected = request.session.get("csrf") or ""
    given = submitted or request.headers.get("x-csrf-token") or ""
    if not expected or not hmac.compare_digest(str(given), expected):
        raise RequestRefused(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")


class LoginThrottle:
    """At most `attempts` failed logins per `window` seconds, counted per client address and per
    user name (behind a reverse proxy every client has the proxy's address)."""

    def __init__(self, attempts: int = 5, window: float = 900, clock=time.monotonic):
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict = defaultdict(deque)

    def _recent(self, key) -> deque:
        failures = self._failures[key]
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        if not failures:  # forgotten once quiet, so many names tried once do not pile up
            del self._failures[key]
            failures = self._failures[key]
        return failures

    def wait_seconds(self, address: str, name: str) -> float:
        """0 when a login may be tried now, else the seconds until one may."""
        waits = [failures[0] + self.window - self.clock()
                 for failures in (self._recent(("ip", address)), self._recent(("user", name.lower())))
                 if len(failures) >= self.attempts]
        return max(waits, default=0)

    def failed(self, address: str, name: str) -> None:
        now = self.clock()
        self._recent(("ip", address)).append(now)
        self._recent(("user", name.lower())).append(now)

    def succeeded(self, address: str, name: str) -> None:
        self._failures.pop(("user", name.lower()), None)
