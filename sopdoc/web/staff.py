"""The bureau's side, behind a login."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse


class LoginRequired(HTTPException):
    def __init__(self):
        super().__init__(401, "Masuk terlebih dahulu.")


def login_redirect(request: Request):
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": "Perlu masuk", "message": "Masuk terlebih dahulu."}, status_code=401)
    return RedirectResponse("/masuk", status_code=303)


def routes() -> list:
    return []
