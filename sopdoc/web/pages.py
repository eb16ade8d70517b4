"""Rendering: the Jinja2 environment (autoescaped: agency text is always data, never markup or a
template), Indonesian filters, and the error page or JSON error every refused request gets."""
from __future__ import annotations

from pathlib import Path

import jinja2
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
    413: "Berkas terlalu besar",
    429: "Terlalu banyak percobaan",
    500: "Terjadi kesalahan di server",
    503: "Sedang sibuk",
}


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
    """A refusal as the client wants it: an Indonesian page, or {"error", "message"} JSON."""
    title = STATUS_TEXT.get(status, "Permintaan ditolak")
    if wants_json(request):
        return JSONResponse({"error": title, "message": message}, status_code=status, headers=headers)
    return templates.TemplateResponse(request, "error.html", {"title": title, "message": message, "status": status},
                                      status_code=status, headers=headers)

