"""The bureau's side, behind a login: the season dashboard, each agency, the warnings queue (where
an unknown name becomes an alias), refused files, recap and exports, letters, upload links.
Every page calls the same application layer (`sopdoc.app.Season`) as the CLI."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlencode

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sopdoc.app import Season
from sopdoc.errors import SopdocError
from sopdoc.outputs.recap import recap_path, write_table
from sopdoc.outputs.safe_text import inert
from sopdoc.portal import links as upload_links
from sopdoc.portal.users import authenticate
from sopdoc.web.charts import timeliness_chart
from sopdoc.web.pages import error_response, wants_json
from sopdoc.web.security import check_csrf, check_same_origin, csrf_token

POLL_SECONDS = 5


class LoginRequired(HTTPException):
    def __init__(self):
        super().__init__(401, "Masuk terlebih dahulu.")


def login_redirect(request: Request) -> Response:
    if wants_json(request):
        return JSONResponse({"error": "Perlu masuk", "message": "Masuk terlebih dahulu."}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/masuk?" + urlencode({"lanjut": target}), status_code=303)


def routes() -> list:
    return [
        Route("/masuk", login, methods=["GET", "POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Route("/", dashboard),
        Route("/panel", panel),
        Route("/opd/{code}", agency_page),
        Route("/berkas/{file_id:int}", download_file),
        Route("/peringatan", warnings_queue),
        Route("/alias", add_alias, methods=["POST"]),
        Route("/ditolak", refused_files),
        Route("/keluaran", outputs_page),
        Route("/unduh/rekap", download_recap),
        Route("/unduh/ekspor", download_export),
        Route("/surat", issue_letters, methods=["POST"]),
        Route("/surat/{letter_id:int}", download_letter),
        Route("/tautan", links_page),
        Route("/tautan/ganti", rotate_link, methods=["POST"]),
    ]


# -- the session ---------------------------------------------------------------------------------


def _portal(request: Request):
    return request.app.state.portal


def _staff(request: Request) -> str:
    user = request.session.get("user")
    if not user:
        raise LoginRequired()
    return user


async def _checked_form(request: Request):
    """The form of a staff POST, after the same-origin and CSRF checks."""
    _staff(request)
    check_same_origin(request, _portal(request).allowed_hosts())
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    return form


def _page(request: Request, name: str, context: dict, status: int = 200) -> Response:
    context = dict(context, user=request.session.get("user"), csrf=csrf_token(request),
                   here=request.url.path, flash=request.session.pop("flash", None))
    return _portal(request).render(request, name, context, status)


def _safe_next(target: Optional[str]) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login(request: Request) -> Response:
    portal = _portal(request)
    next_path = _safe_next(request.query_params.get("lanjut"))
    if request.method == "GET":
        return _page(request, "login.html", {"next_path": next_path, "error": None, "name": ""})
    check_same_origin(request, portal.allowed_hosts())
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    name, password = str(form.get("nama", "")).strip(), str(form.get("sandi", ""))
    address = request.client.host if request.client else "?"
    wait = portal.throttle.wait_seconds(address, name)
    if wait:
        minutes = int(wait // 60) + 1
        return error_response(request, portal.templates, 429,
                              f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
                              headers={"Retry-After": str(int(wait) + 1)})
    ok = await run_in_threadpool(_authenticate, portal, name, password)
    if not ok:
        portal.throttle.failed(address, name)
        return _page(request, "login.html", {"next_path": next_path, "name": name,
                                             "error": "Nama pengguna atau kata sandi salah."}, status=400)
    portal.throttle.succeeded(address, name)
    request.session.clear()  # a fresh session, so one planted before the login is worth nothing
    request.session["user"] = name
    csrf_token(request)
    return RedirectResponse(_safe_next(str(form.get("lanjut", "")) or next_path), status_code=303)


def _authenticate(portal, name: str, password: str) -> bool:
    with portal.store() as store:
        return authenticate(store, name, password)


async def logout(request: Request) -> Response:
    await _checked_form(request)
    request.session.clear()
    return RedirectResponse("/masuk", status_code=303)


# -- the season ----------------------------------------------------------------------------------


def _season(request: Request) -> Season:
    return Season.open(_portal(request).root)


def _period_id(request: Request, season: Season) -> str:
    """The period asked for (?periode=, then remembered for the other pages), else the period the
    upload links are for."""
    asked = request.query_params.get("periode")
    if asked:
        request.session["periode"] = asked
    try:
        return upload_links.offered_period(season.region, asked or request.session.get("periode"),
                                           season.clock()).id
    except SopdocError as e:
        request.session.pop("periode", None)
        raise HTTPException(404, str(e)) from None


def _status(request: Request, season: Season):
    return season.status(_period_id(request, season))


def _stamp(request: Request) -> str:
    """Changes whenever what the dashboard shows may have: a file processed, the configuration edited."""
    portal = _portal(request)
    with portal.store() as store:
        last = store.last_file_id()
    config = portal.root / "sopdoc.toml"
    return f"{last}-{config.stat().st_mtime_ns if config.exists() else 0}"


def _dashboard_context(request: Request) -> dict:
    season = _season(request)
    report = _status(request, season)
    expected = len(report.agencies)
    counts = {
        "expected": expected,
        "received": expected - report.count("belum_menyampaikan"),
        "ontime": report.count("tepat_waktu"),
        "late": report.count("terlambat"),
        "missing": report.count("belum_menyampaikan"),
    }
    rates = {k: (v / expected if expected else None) for k, v in counts.items() if k != "expected"}
    return {"report": report, "counts": counts, "rates": rates, "chart": timeliness_chart(report),
            "periods": season.region.periods, "stamp": _stamp(request), "poll": POLL_SECONDS,
            "period_query": urlencode({"periode": report.period.id})}


async def dashboard(request: Request) -> Response:
    _staff(request)
    context = await run_in_threadpool(_dashboard_context, request)
    if wants_json(request):
        report = context["report"]
        return JSONResponse({"period": report.period.id, "counts": context["counts"], "rates": context["rates"],
                             "agencies": [{"agency_code": a.agency.code, "status": a.status,
                                           "received_at": a.received_at, "versions": a.versions}
                                          for a in report.agencies]})
    return _page(request, "dashboard.html", context)


async def panel(request: Request) -> Response:
    """The dashboard's live part, polled by htmx; 204 (nothing to swap) while nothing changed."""
    _staff(request)
    if request.query_params.get("stamp") == await run_in_threadpool(_stamp, request):
        return Response(status_code=204)
    context = await run_in_threadpool(_dashboard_context, request)
    return _page(request, "_panel.html", context)


def _agency_context(request: Request, code: str) -> dict:
    portal = _portal(request)
    season = _season(request)
    report = _status(request, season)
    entry = next((a for a in report.agencies if a.agency.code == code), None)
    if entry is None:
        raise HTTPException(404, "Perangkat daerah ini tidak ada di daftar.")
    with portal.store() as store:
        versions = [d for d in store.submissions(all_versions=True, period=report.period.id)
                    if d["agency"]["code"] == code]
        versions.sort(key=lambda d: d["source"]["version"], reverse=True)
        file_ids = {d["source"]["sha256"]: (store.accepted_file(d["source"]["sha256"]) or {"id": None})["id"]
                    for d in versions}
        receipts = store.receipts(period=report.period.id, agency_code=code)
    return {"report": report, "entry": entry, "versions": versions, "file_ids": file_ids, "receipts": receipts}


async def agency_page(request: Request) -> Response:
    _staff(request)
    context = await run_in_threadpool(_agency_context, request, request.path_params["code"])
    return _page(request, "agency.html", context)


async def download_file(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    with portal.store() as store:
        record = store.file_by_id(request.path_params["file_id"])
    path = (portal.root / record["stored_as"]).resolve() if record else None
    if path is None or not path.is_relative_to(portal.root.resolve()) or not path.is_file():
        raise HTTPException(404, "Berkas ini tidak ada lagi di ruang kerja.")
    return FileResponse(path, filename=record["name"], content_disposition_type="attachment")


# -- the warnings queue and aliases ------------------------------------------------------------


def _warnings_context(request: Request) -> dict:
    season = _season(request)
    report = _status(request, season)
    flagged = [a for a in report.agencies if a.latest and a.latest["warnings"]]
    return {"report": report, "unmatched": report.unmatched, "flagged": flagged,
            "agencies": season.register.agencies, "periods": season.region.periods}


async def warnings_queue(request: Request) -> Response:
    _staff(request)
    return _page(request, "warnings.html", await run_in_threadpool(_warnings_context, request))


async def add_alias(request: Request) -> Response:
    form = await _checked_form(request)
    name, code = str(form.get("nama", "")), str(form.get("kode", ""))
    try:
        matched = await run_in_threadpool(lambda: _season(request).add_alias(name, code))
    except SopdocError as e:
        raise HTTPException(400, str(e)) from None
    if wants_json(request):
        return JSONResponse({"matched": [{"file": f, "agency_code": c} for f, c in matched]})
    request.session["flash"] = (f"Alias {name!r} ditambahkan untuk kode {code}; "
                                f"{len(matched)} kiriman kini tercatat atas perangkat daerah itu.")
    return RedirectResponse(_safe_next(str(form.get("lanjut", "")) or "/peringatan"), status_code=303)


async def refused_files(request: Request) -> Response:
    _staff(request)
    with _portal(request).store() as store:
        refused = [f for f in store.files() if f["outcome"] == "refused"]
    refused.reverse()
    return _page(request, "refused.html", {"refused": refused})


# -- recap, exports, letters --------------------------------------------------------------------


async def outputs_page(request: Request) -> Response:
    _staff(request)
    season = _season(request)
    report = await run_in_threadpool(_status, request, season)
    issued = await run_in_threadpool(season.letters)
    root = _portal(request).root
    for letter in issued:
        letter["has_pdf"] = (root / letter["path"]).with_suffix(".pdf").is_file()
    return _page(request, "outputs.html", {"report": report, "letters": list(reversed(issued)),
                                           "periods": season.region.periods})


async def download_recap(request: Request) -> Response:
    _staff(request)
    season = _season(request)
    period = _period_id(request, season)
    # written fresh into a temporary file: the copy in outbox/ may be rewritten by a batch meanwhile
    path = _temporary(".xlsx")
    try:
        await run_in_threadpool(lambda: season.recap(period, output=path))
    except SopdocError as e:
        path.unlink(missing_ok=True)
        raise HTTPException(503, str(e)) from None
    return FileResponse(path, filename=recap_path(season.ws, period).name, content_disposition_type="attachment",
                        background=BackgroundTask(path.unlink, missing_ok=True))


def _temporary(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    return Path(name)


async def download_export(request: Request) -> Response:
    _staff(request)
    season = _season(request)
    fmt = request.query_params.get("format", "xlsx")
    rejected = request.query_params.get("isi") == "ditolak"
    all_versions = request.query_params.get("versi") == "semua"
    rows = await run_in_threadpool(lambda: season.export_rows(rejected=rejected, all_versions=all_versions))
    stem = "ditolak" if rejected else "ekspor-semua-versi" if all_versions else "ekspor"
    if fmt == "csv":
        return Response(_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
    if fmt != "xlsx":
        raise HTTPException(400, "Format ekspor harus xlsx atau csv.")
    path = _temporary(".xlsx")
    await run_in_threadpool(write_table, rows, path, "Data")
    return FileResponse(path, filename=f"{stem}.xlsx", content_disposition_type="attachment",
                        background=BackgroundTask(path.unlink, missing_ok=True))


def _csv(rows: list) -> str:
    """';'-separated (Excel in Indonesian), with a BOM; agency text can never become a formula."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: inert(v) for k, v in row.items()})
    return "\ufeff" + out.getvalue()


async def issue_letters(request: Request) -> Response:
    form = await _checked_form(request)
    kind = str(form.get("jenis", ""))
    if kind not in ("undangan", "teguran", "laporan"):
        raise HTTPException(400, "Jenis surat harus undangan, teguran atau laporan.")
    season = _season(request)
    try:
        result = await run_in_threadpool(lambda: season.issue_letters(
            kind, str(form.get("periode", "")) or None, draft=form.get("draf") == "1",
            reissue=form.get("ulang") == "1", pdf=form.get("pdf") == "1"))
    except SopdocError as e:
        raise HTTPException(400, str(e)) from None
    issue = result.issue
    parts = [f"{len(issue.letters)} surat {kind} dibuat" + (" (draf, tidak dicatat)" if issue.draft else "")]
    if issue.already:
        parts.append(f"{len(issue.already)} sudah diterbitkan sebelumnya dan tidak dibuat lagi")
    parts += list(issue.skipped)
    if result.pdfs:
        parts.append(f"{len(result.pdfs)} PDF dibuat")
    if result.pdf_error:
        parts.append(f"PDF tidak dibuat: {result.pdf_error}")
    request.session["flash"] = "; ".join(parts) + "."
    return RedirectResponse("/keluaran", status_code=303)


async def download_letter(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    wanted = request.path_params["letter_id"]
    letter = next((r for r in await run_in_threadpool(_season(request).letters) if r["id"] == wanted), None)
    path = (portal.root / letter["path"]).resolve() if letter else None
    if path is not None and request.query_params.get("format") == "pdf":
        path = path.with_suffix(".pdf")
    if path is None or not path.is_relative_to(portal.root.resolve()) or not path.is_file():
        raise HTTPException(404, "Surat ini tidak ada lagi di ruang kerja.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


# -- upload links --------------------------------------------------------------------------------


def _base_url(request: Request) -> str:
    return _portal(request).base_url or str(request.base_url).rstrip("/")


def _links(request: Request, rotate_code: Optional[str] = None, period: Optional[str] = None) -> tuple:
    portal = _portal(request)
    season = _season(request)
    period_id = period or _period_id(request, season)
    now = portal.now()
    with portal.store() as store:
        if rotate_code:
            upload_links.rotate(store, portal.secret, season.register, period_id, rotate_code, now)
        found = upload_links.current_links(store, portal.secret, season.register, period_id, now)
    return period_id, found


async def links_page(request: Request) -> Response:
    _staff(request)
    period_id, found = await run_in_threadpool(_links, request)
    base = _base_url(request)
    if wants_json(request):
        return JSONResponse([link.as_dict(base) for link in found])
    return _page(request, "links.html", {"period_id": period_id, "links": found, "base": base,
                                         "periods": _season(request).region.periods})


async def rotate_link(request: Request) -> Response:
    form = await _checked_form(request)
    code, period = str(form.get("kode", "")), str(form.get("periode", "")) or None
    try:
        await run_in_threadpool(_links, request, code, period)
    except SopdocError as e:
        raise HTTPException(400, str(e)) from None
    request.session["flash"] = f"Tautan lama {code} dicabut; bagikan tautan baru di bawah."
    return RedirectResponse("/tautan?" + urlencode({"periode": period or ""}) + f"#opd-{quote(code)}",
                            status_code=303)
