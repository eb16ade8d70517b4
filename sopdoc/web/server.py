"""The portal's Starlette application: one `Portal` (the workspace and what every route needs),
routes from agency.py and staff.py, sessions, security headers and error pages."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sopdoc.app import RECAP_EVERY, Season
from sopdoc.errors import SopdocError
from sopdoc.intake.store import Store
from sopdoc.portal.secret import derived_key, workspace_secret
from sopdoc.web import agency, staff
from sopdoc.web.pages import RequestRefused, error_response, make_templates
from sopdoc.web.security import LoginThrottle, SecurityHeaders
from sopdoc.workspace import CONFIG_NAME, STORE_NAME

SESSION_HOURS = 12
# The files a Season is read from (see Workspace): the portal opens it again when one changes.
CONFIGURATION_FILES = (CONFIG_NAME, "periods.toml", "agencies.csv")
log = logging.getLogger("sopdoc.web")


class Refresher:
    """Refreshes the recaps in a background thread after uploads, as the watcher does after its
    batches: at most once per `every` seconds (RECAP_EVERY). Uploads never wait for it; the first
    after a quiet spell is in the recap at once, and all those that follow within the interval make
    one refresh at its end. A refresh still put off when the portal stops is done then. (A staff
    download of the recap is always made fresh, whatever this has done.)"""

    def __init__(self, season: Callable[[], Season], every: float = RECAP_EVERY):
        self.season = season
        self.every = every
        self._changed = threading.Condition()
        self._pending = False
        self._stopping = False
        self._last = float("-inf")  # time.monotonic() of the last refresh
        self._thread: Optional[threading.Thread] = None

    def poke(self) -> None:
        """Something changed the season: refresh now, or once the interval is over."""
        with self._changed:
            self._pending = True
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(target=self._run, name="sopdoc-rekap", daemon=True)
                self._thread.start()
            self._changed.notify()

    def stop(self, timeout: float = 60) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while self._wait_until_due():
            try:
                self.season().refresh_recaps()  # logs what it cannot write
            except Exception:  # the data is safe; only a derived output is stale until the next refresh
                log.exception("Rekap tidak dapat diperbarui")

    def _wait_until_due(self) -> bool:
        """Wait for a refresh to be wanted and its interval to be over, or for the portal to stop.
        True: refresh now; False: stopped with nothing left to refresh."""
        with self._changed:
            while not (self._pending or self._stopping):
                self._changed.wait()
            due = self._last + self.every
            while self._pending and not self._stopping and time.monotonic() < due:
                self._changed.wait(due - time.monotonic())
            if not self._pending:
                return False
            self._pending = False
            self._last = time.monotonic()
            return True


class Portal:
    """The workspace the portal serves. Its `Season` (configuration, region, agency register,
    calendar) is opened once and kept while the files it was read from stay as they were; once
    one changes (an alias added, sopdoc.toml edited) the next request opens it again."""

    def __init__(self, root: Path, *, base_url: Optional[str] = None):
        self.root = Path(root)
        self._season: Optional[Season] = None
        self._season_read_from: Optional[tuple] = None
        self._season_lock = threading.Lock()
        self.region = self.season().region
        self.secret = workspace_secret(self.root)
        self.base_url = base_url
        self.templates = make_templates(self.region.timezone)
        self.throttle = LoginThrottle()
        self.refresher = Refresher(self.season)

    def season(self) -> Season:
        """The season as its files are now (a few stat calls; opened again only after a change)."""
        read_from = _configuration_state(self.root)  # before opening: an edit meanwhile reopens next time
        with self._season_lock:
            if self._season is None or read_from != self._season_read_from:
                self._season, self._season_read_from = Season.open(self.root), read_from
            return self._season

    def reader(self) -> Store:
        """The store for reading only, to use as `with portal.reader() as store:`."""
        return Store(self.root / STORE_NAME, readonly=True)

    def writer(self) -> Store:
        """The store for the few requests that change it (receipts, links, users)."""
        return Store(self.root / STORE_NAME)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.region.tz)

    def render(self, request: Request, name: str, context: dict, status: int = 200, headers=None):
        return self.templates.TemplateResponse(request, name, context, status_code=status, headers=headers)

    def allowed_hosts(self) -> frozenset:
        return frozenset({urlsplit(self.base_url).netloc} if self.base_url else ())


def _configuration_state(root: Path) -> tuple:
    """What a Season is read from, as its files are now: a change to any of them (even a rewrite
    within one clock tick: atomic writes make a new inode) gives another value."""
    state = []
    for name in CONFIGURATION_FILES:
        try:
            info = (root / name).stat()
        except FileNotFoundError:
            state.append(None)
        else:
            state.append((info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(state)


async def healthz(request: Request):
    return PlainTextResponse("ok")


def create_app(root: Path, *, base_url: Optional[str] = None) -> Starlette:
    portal = Portal(root, base_url=base_url)

    async def http_error(request: Request, exc: HTTPException):
        if isinstance(exc, staff.LoginRequired):
            return staff.login_redirect(request)
        # only our own refusals carry a message meant for people; Starlette's details are English
        message = exc.detail if isinstance(exc, RequestRefused) else \
            DEFAULT_MESSAGES.get(exc.status_code, "Permintaan ini ditolak.")
        return error_response(request, portal.templates, exc.status_code, message, headers=exc.headers)

    async def workspace_error(request: Request, exc: SopdocError):
        # the workspace cannot be used now (sopdoc.toml halfway through an edit, the store busy)
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        message = str(exc) if request.session.get("user") else \
            "Portal sedang tidak dapat melayani permintaan ini. Coba lagi beberapa saat lagi."
        return error_response(request, portal.templates, 503, message)

    async def server_error(request: Request, exc: Exception):
        log.exception("Kesalahan pada %s %s", request.method, request.url.path)
        return error_response(request, portal.templates, 500,
                              "Permintaan ini tidak dapat diselesaikan. Coba lagi; bila terulang, "
                              "hubungi Bagian Organisasi.")

    @asynccontextmanager
    async def lifespan(app):
        yield
        await run_in_threadpool(portal.refresher.stop)  # a put-off recap refresh is done before exit

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
        exception_handlers={HTTPException: http_error, SopdocError: workspace_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.portal = portal
    return app


def run(app: Starlette, *, host: str, port: int) -> None:
    """Serve `app` with uvicorn until Ctrl-C or SIGTERM."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


# What a refusal says when it is not one of ours (a 404 for an unknown address, a 400 for a body
# the form parser could not read ...): by its status only, never Starlette's English detail.
DEFAULT_MESSAGES = {
    400: "Isi kiriman tidak dapat dibaca. Muat ulang halaman lalu kirim lagi.",
    401: "Masuk terlebih dahulu.",
    403: "Permintaan ini tidak diizinkan.",
    404: "Alamat ini tidak ada. Periksa kembali tautan yang Anda terima dari Bagian Organisasi.",
    405: "Alamat ini tidak menerima cara permintaan tersebut.",
    413: "Kiriman terlalu besar.",
    415: "Jenis kiriman ini tidak diterima.",
    429: "Terlalu banyak permintaan. Coba lagi beberapa saat lagi.",
}
