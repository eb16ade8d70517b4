"""The bureau's side, behind a login: the season dashboard, each agency, the warnings queue (where
an unknown name becomes an alias), refused files, receipts, recap and exports, letters, upload links.
Every page calls the same application layer (`sopdoc.app.Season`) as the CLI.

Handlers that read no request body are plain functions: Starlette runs them in its thread pool, so
their SQLite, openpyxl and LibreOffice work never stalls the event loop (and with it the agencies'
uploads). A POST reads its small form on the loop, then does its work with `run_in_threadpool`.
Pages read the store read-only; only the POSTs (and a login's check) open it otherwise."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl, quote, urlencode

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sopdoc.app import Season
from sopdoc.errors import SopdocError
from sopdoc.intake.store import Store
from sopdoc.outputs.recap import recap_path, write_table
from sopdoc.outputs.safe_text import inert
from sopdoc.portal import links as upload_links
from sopdoc.portal.users import authenticate
from sopdoc.web.charts import timeliness_chart
from sopdoc.web.pages import RequestRefused, wants_json
from sopdoc.web.receiving import declared_length
from sopdoc.web.security import check_csrf, check_same_origin, csrf_token

POLL_SECONDS = 5
# A staff form is a few short fields: anything longer is refused before it is read.
FORM_LIMIT = 64 * 1024
FORM_FIELDS = 20
RECEIPTS_PER_PAGE = 50


class LoginRequired(HTTPException):
    def __init__(self):
        super().__init__(401, "Masuk terlebih dahulu.")


def login_redirect(request: Request) -> Response:
    if wants_json(request):
        return JSONResponse({"error": "Perlu masuk", "code": "unauthorized", "message": "Masuk terlebih dahulu."},
                            status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/masuk?" + urlencode({"lanjut": target}), status_code=303)


def routes() -> list:
    return [
        Route("/masuk", login_page, methods=["GET"]),
        Route("/masuk", login, methods=["POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Route("/", dashboard),
        Route("/panel", panel),
        Route("/opd/{code}", agency_page),
        Route("/berkas/{file_id:int}", download_file),
        Route("/peringatan", warnings_queue),
        Route("/alias", add_alias, methods=["POST"]),
        Route("/ditolak", refused_files),
        Route("/tanda-terima", receipts_list),
        Route("/keluaran", outputs_page),
        Route("/unduh/rekap", download_recap),
        Route("/unduh/ekspor", download_export),
        Route("/surat", issue_letters, methods=["POST"]),
        Route("/surat/{letter_id:int}", download_letter),
        Route("/tautan", links_page),
        Route("/tautan/buat", make_links, methods=["POST"]),
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


async def _small_form(request: Request) -> dict:
    """The fields of a POSTed form, urlencoded as every staff page sends it, read up to FORM_LIMIT
    bytes (however the body is sent); refused in Indonesian when it is not such a form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise RequestRefused(415, "Kiriman ini bukan isian formulir. Muat ulang halaman lalu kirim lagi "
                                  "dari formulirnya.")
    too_long = RequestRefused(413, "Isian formulir terlalu panjang.")
    declared = declared_length(request)
    if declared is not None and declared > FORM_LIMIT:
        raise too_long
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_LIMIT:
            raise too_long
    try:
        return dict(parse_qsl(body.decode("ascii"), keep_blank_values=True, max_num_fields=FORM_FIELDS))
    except ValueError:  # not ASCII (no browser sends that), or too many fields
        raise RequestRefused(400, "Isian formulir tidak dapat dibaca. Muat ulang halaman lalu kirim lagi.") from None


async def _checked_form(request: Request):
    """The form of a staff POST, after the same-origin and CSRF checks."""
    _staff(request)
    check_same_origin(request, _portal(request).allowed_hosts())
    form = await _small_form(request)
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


def login_page(request: Request) -> Response:
    next_path = _safe_next(request.query_params.get("lanjut"))
    return _page(request, "login.html", {"next_path": next_path, "error": None, "name": ""})


async def login(request: Request) -> Response:
    portal = _portal(request)
    next_path = _safe_next(request.query_params.get("lanjut"))
    check_same_origin(request, portal.allowed_hosts())
    form = await _small_form(request)
    check_csrf(request, form.get("csrf"))
    name, password = str(form.get("nama", "")).strip(), str(form.get("sandi", ""))
    address = request.client.host if request.client else "?"
    wait = portal.throttle.wait_seconds(address, name)
    if wait:
        minutes = int(wait // 60) + 1
        raise RequestRefused(429, f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
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
    with portal.reader() as store:
        return authenticate(store, name, password)


async def logout(request: Request) -> Response:
    await _checked_form(request)
    request.session.clear()
    return RedirectResponse("/masuk", status_code=303)


# -- the season ----------------------------------------------------------------------------------


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
        raise RequestRefused(404, str(e)) from None


def _stamp(portal, store: Store) -> str:
    """Changes whenever what the dashboard shows may have: a file processed, the configuration edited."""
    config = portal.root / "sopdoc.toml"
    return f"{store.last_file_id()}-{config.stat().st_mtime_ns if config.exists() else 0}"


def _dashboard_context(request: Request, season: Season, store: Store) -> dict:
    report = season.status(_period_id(request, season), store=store)
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
            "periods": season.region.periods, "stamp": _stamp(_portal(request), store), "poll": POLL_SECONDS,
            "period_query": urlencode({"periode": report.period.id})}


def dashboard(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    with portal.reader() as store:
        context = _dashboard_context(request, portal.season(), store)
    if wants_json(request):
        report = context["report"]
        return JSONResponse({"period": report.period.id, "counts": context["counts"], "rates": context["rates"],
                             "agencies": [{"agency_code": a.agency.code, "status": a.status,
                                           "received_at": a.received_at, "versions": a.versions}
                                          for a in report.agencies]})
    return _page(request, "dashboard.html", context)


def panel(request: Request) -> Response:
    """The dashboard's live part, polled by htmx; 204 (nothing to swap) while nothing changed."""
    _staff(request)
    portal = _portal(request)
    with portal.reader() as store:
        if request.query_params.get("stamp") == _stamp(portal, store):
            return Response(status_code=204)
        context = _dashboard_context(request, portal.season(), store)
    return _page(request, "_panel.html", context)


def agency_page(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    code = request.path_params["code"]
    season = portal.season()
    with portal.reader() as store:
        report = season.status(_period_id(request, season), store=store)
        entry = next((a for a in report.agencies if a.agency.code == code), None)
        if entry is None:
            raise RequestRefused(404, "Perangkat daerah ini tidak ada di daftar.")
        versions = [d for d in store.submissions(all_versions=True, period=report.period.id)
                    if d["agency"]["code"] == code]
        versions.sort(key=lambda d: d["source"]["version"], reverse=True)
        file_ids = {d["source"]["sha256"]: (store.accepted_file(d["source"]["sha256"]) or {"id": None})["id"]
                    for d in versions}
        receipts = store.receipts(period=report.period.id, agency_code=code)
    return _page(request, "agency.html", {"report": report, "entry": entry, "versions": versions,
                                          "file_ids": file_ids, "receipts": receipts})


def download_file(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    with portal.reader() as store:
        record = store.file_by_id(request.path_params["file_id"])
    path = (portal.root / record["stored_as"]).resolve() if record else None
    if path is None or not path.is_relative_to(portal.root.resolve()) or not path.is_file():
        raise RequestRefused(404, "Berkas ini tidak ada lagi di ruang kerja.")
    return FileResponse(path, filename=record["name"], content_disposition_type="attachment")


# -- the warnings queue and aliases ------------------------------------------------------------


def warnings_queue(request: Request) -> Response:
    _staff(request)
    season = _portal(request).season()
    report = season.status(_period_id(request, season))
    flagged = [a for a in report.agencies if a.latest and a.latest["warnings"]]
    return _page(request, "warnings.html", {"report": report, "unmatched": report.unmatched, "flagged": flagged,
                                            "agencies": season.register.agencies, "periods": season.region.periods})


async def add_alias(request: Request) -> Response:
    form = await _checked_form(request)
    name, code = str(form.get("nama", "")), str(form.get("kode", ""))
    try:
        matched = await run_in_threadpool(lambda: _portal(request).season().add_alias(name, code))
    except SopdocError as e:
        raise RequestRefused(400, str(e)) from None
    if wants_json(request):
        return JSONResponse({"matched": [{"file": f, "agency_code": c} for f, c in matched]})
    request.session["flash"] = (f"Alias {name!r} ditambahkan untuk kode {code}; "
                                f"{len(matched)} kiriman kini tercatat atas perangkat daerah itu.")
    return RedirectResponse(_safe_next(str(form.get("lanjut", "")) or "/peringatan"), status_code=303)


def refused_files(request: Request) -> Response:
    _staff(request)
    with _portal(request).reader() as store:
        refused = [f for f in store.files() if f["outcome"] == "refused"]
    refused.reverse()
    return _page(request, "refused.html", {"refused": refused})


# -- receipts ------------------------------------------------------------------------------------


def receipts_list(request: Request) -> Response:
    """Every receipt issued, newest first, a page at a time, of one agency (?opd=) or of all."""
    _staff(request)
    portal = _portal(request)
    season = portal.season()
    code = request.query_params.get("opd") or None
    if code is not None and code not in season.register.by_code:
        code = None  # an unknown code lists every agency's, as the picker's "Semua" does
    page = _page_number(request.query_params.get("halaman"))
    with portal.reader() as store:
        # one more than a page: whether there is a next page, without counting them all
        found = store.receipts(agency_code=code, limit=RECEIPTS_PER_PAGE + 1,
                               offset=(page - 1) * RECEIPTS_PER_PAGE)

    def page_query(number: int) -> str:
        return urlencode({k: v for k, v in (("opd", code), ("halaman", number)) if v})

    return _page(request, "receipts.html", {
        "receipts": found[:RECEIPTS_PER_PAGE], "agencies": season.register.agencies,
        "names": {a.code: a.name for a in season.register.agencies}, "code": code, "page": page,
        "previous": page_query(page - 1) if page > 1 else None,
        "next": page_query(page + 1) if len(found) > RECEIPTS_PER_PAGE else None,
    })


def _page_number(text: Optional[str]) -> int:
    """?halaman= as a page number from 1 (anything else is page 1), bounded so no offset is absurd."""
    if not (text and text.isascii() and text.isdigit()):  # "²" is a digit to isdigit, not to int
        return 1
    number = int(text.lstrip("0")[:7] or 0)  # past seven digits it is past the bound anyway
    return min(number, 100_000) if number > 0 else 1


# -- recap, exports, letters --------------------------------------------------------------------


def outputs_page(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    season = portal.season()
    with portal.reader() as store:
        report = season.status(_period_id(request, season), store=store)
        issued = season.letters(store=store)
    for letter in issued:
        letter["has_pdf"] = (portal.root / letter["path"]).with_suffix(".pdf").is_file()
    return _page(request, "outputs.html", {"report": report, "letters": list(reversed(issued)),
                                           "periods": season.region.periods})


def download_recap(request: Request) -> Response:
    """The recap as the store holds it now (made on demand, never the copy in outbox/, which a
    batch may be rewriting or may not have refreshed yet)."""
    _staff(request)
    season = _portal(request).season()
    period = _period_id(request, season)
    path = _temporary(".xlsx")
    try:
        season.recap(period, output=path)
    except SopdocError as e:
        path.unlink(missing_ok=True)
        raise RequestRefused(503, str(e)) from None
    return FileResponse(path, filename=recap_path(season.ws, period).name, content_disposition_type="attachment",
                        background=BackgroundTask(path.unlink, missing_ok=True))


def _temporary(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    return Path(name)


def download_export(request: Request) -> Response:
    _staff(request)
    fmt = request.query_params.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise RequestRefused(400, "Format ekspor harus xlsx atau csv.")
    rejected = request.query_params.get("isi") == "ditolak"
    all_versions = request.query_params.get("versi") == "semua"
    rows = _portal(request).season().export_rows(rejected=rejected, all_versions=all_versions)
    stem = "ditolak" if rejected else "ekspor-semua-versi" if all_versions else "ekspor"
    if fmt == "csv":
        return Response(_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
    path = _temporary(".xlsx")
    write_table(rows, path, "Data")
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
        raise RequestRefused(400, "Jenis surat harus undangan, teguran atau laporan.")
    try:
        result = await run_in_threadpool(lambda: _portal(request).season().issue_letters(
            kind, str(form.get("periode", "")) or None, draft=form.get("draf") == "1",
            reissue=form.get("ulang") == "1", pdf=form.get("pdf") == "1"))
    except SopdocError as e:
        raise RequestRefused(400, str(e)) from None
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


def download_letter(request: Request) -> Response:
    _staff(request)
    portal = _portal(request)
    wanted = request.path_params["letter_id"]
    letter = next((r for r in portal.season().letters() if r["id"] == wanted), None)
    path = (portal.root / letter["path"]).resolve() if letter else None
    if path is not None and request.query_params.get("format") == "pdf":
        path = path.with_suffix(".pdf")
    if path is None or not path.is_relative_to(portal.root.resolve()) or not path.is_file():
        raise RequestRefused(404, "Surat ini tidak ada lagi di ruang kerja.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


# -- upload links --------------------------------------------------------------------------------


def _base_url(request: Request) -> str:
    return _portal(request).base_url or str(request.base_url).rstrip("/")


def links_page(request: Request) -> Response:
    """Every agency's live link for the period; only shown, never made here (a GET writes nothing):
    agencies still without one are listed with the button that makes theirs."""
    _staff(request)
    portal = _portal(request)
    season = portal.season()
    period_id = _period_id(request, season)
    with portal.reader() as store:
        live = upload_links.live_links(store, portal.secret, season.register, period_id)
    base = _base_url(request)
    if wants_json(request):
        return JSONResponse([link.as_dict(base) for link in live.values()])
    rows = [(agency, live.get(agency.code)) for agency in season.register.agencies]
    return _page(request, "links.html", {"period_id": period_id, "rows": rows, "base": base,
                                         "missing": sum(link is None for _, link in rows),
                                         "periods": season.region.periods})


async def make_links(request: Request) -> Response:
    """Make the links of the agencies that have none yet in a period."""
    form = await _checked_form(request)
    portal = _portal(request)

    def make() -> tuple:
        season = portal.season()
        period_id = upload_links.offered_period(season.region, str(form.get("periode", "")) or None,
                                                season.clock()).id
        with portal.writer() as store:
            return period_id, upload_links.make_missing_links(store, portal.secret, season.register, period_id,
                                                               portal.now())

    try:
        period_id, made = await run_in_threadpool(make)
    except SopdocError as e:
        raise RequestRefused(400, str(e)) from None
    request.session["flash"] = f"{made} tautan baru dibuat; bagikan kepada perangkat daerahnya."
    return RedirectResponse("/tautan?" + urlencode({"periode": period_id}), status_code=303)


async def rotate_link(request: Request) -> Response:
    form = await _checked_form(request)
    portal = _portal(request)
    code, period = str(form.get("kode", "")), str(form.get("periode", "")) or None

    def rotate() -> str:
        season = portal.season()
        period_id = upload_links.offered_period(season.region, period, season.clock()).id
        with portal.writer() as store:
            upload_links.rotate(store, portal.secret, season.register, period_id, code, portal.now())
        return period_id

    try:
        period_id = await run_in_threadpool(rotate)
    except SopdocError as e:
        raise RequestRefused(400, str(e)) from None
    request.session["flash"] = f"Tautan lama {code} dicabut; bagikan tautan baru di bawah."
    return RedirectResponse("/tautan?" + urlencode({"periode": period_id}) + f"#opd-{quote(code)}",
                            status_code=303)
