"""Rendering: the Jinja2 environment (autoescaped: agency text is always data, never markup or a
template), Indonesian filters, and the error page or JSON error every refused request gets."""
from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from sopdoc.vocabulary import CRITERIA, CRITERIA_LABELS
from sopdoc.rules.indonesian import moment_text, short_moment, zone_label

TEMPLATES = Path(__file__).parent / "templates"

OUTCOME_LABELS = {"accepted": "Diterima", "refused": "Ditolak", "duplicate": "Sudah pernah diterima",
                  "deferred": "Menunggu diproses", "waiting": "Menunggu periode"}
STATUS_TEXT = {
    400: "Permintaan tidak dapat dibaca",
    401: "Perlu masuk",
    403: "Ditolak",
    404: "Halaman tidak ditemukan",
    405: "Cara permintaan tidak didukung",
    411: "Panjang kiriman tidak diketahui",
    413: "Kiriman terlalu besar",
    415: "Jenis kiriman tidak diterima",
    429: "Terlalu banyak percobaan",
    500: "Terjadi kesalahan di server",
    503: "Sedang sibuk",
}


class RequestRefused(HTTPException):
    """A request refused with a `message` in Indonesian for whoever sent it. Only these messages
    are shown: the details of Starlette's own HTTPExceptions are English (and may echo the request),
    so they are replaced by the Indonesian text of their status."""


def file_size(n) -> str:
    """1536 -> "1,5 KB" (Indonesian decimal comma)."""
    if n is None:
        return ""
    for unit in ("byte", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            text = f"{n:.0f}" if unit == "byte" else f"{n:.1f}".replace(".", ",")
            return f"{text} {unit}"
        n /= 1024


def make_templates(timezone: str) -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["waktu"] = lambda iso: short_moment(iso, timezone, with_zone=True)
    env.filters["waktu_panjang"] = lambda moment: moment_text(moment, timezone)
    env.filters["ukuran"] = file_size
    env.filters["hasil"] = lambda outcome: OUTCOME_LABELS.get(outcome, outcome)
    env.filters["persen"] = lambda x: f"{x * 100:.0f}%" if x is not None else "–"
    env.globals.update(zona=zone_label(timezone), CRITERIA=CRITERIA, CRITERIA_LABELS=CRITERIA_LABELS,
                       OUTCOME_LABELS=OUTCOME_LABELS)
    return Jinja2Templates(env=env)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def error_response(request: Request, templates: Jinja2Templates, status: int, message: str,
                   headers=None) -> Response:
    """A refusal as the client wants it: an Indonesian page, or JSON {"error", "message"} (in
    Indonesian) with "code", the status's English name for programs ("not_found")."""
    title = STATUS_TEXT.get(status, "Permintaan ditolak")
    if wants_json(request):
        return JSONResponse({"error": title, "code": _status_code_name(status), "message": message},
                            status_code=status, headers=headers)
    return templates.TemplateResponse(request, "error.html", {"title": title, "message": message, "status": status},
                                      status_code=status, headers=headers)


def _status_code_name(status: int) -> str:
    try:
        return HTTPStatus(status).name.lower()
    except ValueError:
        return "error"
