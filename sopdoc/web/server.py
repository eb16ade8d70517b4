"""The portal's Starlette application: one `Portal` (the workspace and what every route needs),
routes from agency.py and staff.py, sessions, security headers and error pages."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sopdoc.app import Season
from sopdoc.intake.store import Store
from sopdoc.portal.secret import derived_key, workspace_secret
from sopdoc.web import agency, staff
from sopdoc.web.pages import error_response, make_templates
from sopdoc.web.security import LoginThrottle, SecurityHeaders
from sopdoc.workspace import STORE_NAME, Workspace, open_workspace

SESSION_HOURS = 12
log = logging.getLogger("sopdoc.web")


class Refresher:
    """Refreshes the recap in a background thread after uploads: uploads never wait for it, and
    the uploads that arrive during one refresh cause a single next one."""

    def __init__(self, root: Path):
        self.root = root
        self._wanted = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._start = threading.Lock()

    def poke(self) -> None:
        self._wanted.set()
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sopdoc-rekap", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                Season.open(self.root).refresh_recaps()  # logs what it cannot write
            except Exception:  # the data is safe; only a derived output is stale until the next upload
                log.exception("Rekap tidak dapat diperbarui")


class Portal:
    """The workspace the portal serves. Its configuration is read again on every request, so an
    alias added (or sopdoc.toml edited) applies at once."""

    def __init__(self, root: Path, *, base_url: Optional[str] = None):
        self.root = Path(root)
        ws = open_workspace(self.root)
        self.region = ws.region()
        self.secret = workspace_secret(self.root)
        self.base_url = base_url
        self.templates = make_templates(self.region.timezone)
        self.throttle = LoginThrottle()
        self.refresher = Refresher(self.root)

    def workspace(self) -> Workspace:
        return open_workspace(self.root)

    def store(self) -> Store:
        """The store, to use as `with portal.store() as store:`."""
        return Store(self.root / STORE_NAME)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.region.tz)

    def render(self, request: Request, name: str, context: dict, status: int = 200, headers=None):
        return self.templates.TemplateResponse(request, name, context, status_code=status, headers=headers)

    def allowed_hosts(self) -> frozenset:
        return frozenset({urlsplit(self.base_url).netloc} if self.base_url else ())


async def healthz(request: Request):
    return PlainTextResponse("ok")


def create_app(root: Path, *, base_url: Optional[str] = None) -> Starlette:
    portal = Portal(root, base_url=base_url)

    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code in (401, 303) and isinstance(exc, staff.LoginRequired):
            return staff.login_redirect(request)
        detail = exc.detail if exc.detail and exc.detail != _default_phrase(exc.status_code) else \
            DEFAULT_MESSAGES.get(exc.status_code, "Permintaan ditolak.")
        return error_response(request, portal.templates, exc.status_code, detail, headers=exc.headers)

    async def server_error(request: Request, exc: Exception):
        log.exception("Kesalahan pada %s %s", request.method, request.url.path)
        return error_response(request, portal.templates, 500,
                              "Permintaan ini tidak dapat diselesaikan. Coba lagi; bila terulang, "
                              "hubungi Bagian Organisasi.")

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            *agency.routes(),
            *staff.routes(),
            Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(SessionMiddleware, secret_key=derived_key(portal.secret, "session").hex(),
                       session_cookie="sopdoc_sesi", max_age=SESSION_HOURS * 3600, same_site="strict",
                       https_only=bool(base_url and base_url.startswith("https:"))),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.portal = portal
    return app


def run(app: Starlette, *, host: str, port: int) -> None:
    """Serve `app` with uvicorn until Ctrl-C or SIGTERM."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


DEFAULT_MESSAGES = {
    404: "Alamat ini tidak ada. Periksa kembali tautan yang Anda terima dari Bagian Organisasi.",
    405: "Alamat ini tidak menerima cara permintaan tersebut.",
}


def _default_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
