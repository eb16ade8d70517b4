"""The agency side, open without login: the upload page behind each agency's link, the verdict,
the receipt, and the public verification of receipts."""
from __future__ import annotations

from typing import Optional

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from sopdoc.app import Season
from sopdoc.errors import SopdocError
from sopdoc.intake.store import Store
from sopdoc.intake.upload import partial_path, safe_upload_name
from sopdoc.portal import links, receipts
from sopdoc.outputs.letters import LettersError
from sopdoc.portal.receipt_pdf import receipt_pdf
from sopdoc.portal.uploads import accept_upload, verdict_of
from sopdoc.rules.indonesian import short_moment
from sopdoc.rules import deadlines
from sopdoc.web.pages import OUTCOME_LABELS, RequestRefused, error_response, wants_json
from sopdoc.web.receiving import UploadRefused, receive_file
from sopdoc.web.security import check_same_origin


def routes() -> list:
    # Handlers that read no request body are plain functions: Starlette runs them in its thread
    # pool, so their SQLite, file and LibreOffice work never holds up the uploads streaming in.
    return [
        Route("/unggah/{token}", upload_page, methods=["GET"]),
        Route("/unggah/{token}", upload, methods=["POST"]),
        Route("/unggah/{token}/hasil/{number}", verdict_page),
        Route("/tanda-terima/{number}.pdf", receipt_pdf_file),
        Route("/tanda-terima/{number}", receipt_page),
        Route("/verifikasi", verify_page, methods=["GET"]),
        Route("/verifikasi", verify_file, methods=["POST"]),
    ]


def _portal(request: Request):
    return request.app.state.portal


class _Link:
    """What an agency's token opens: its agency and period, and nothing else."""

    def __init__(self, season: Season, store: Store, token: str):
        found = links.resolve(store, token)
        agency = season.register.by_code.get(found[1]) if found else None
        period = next((p for p in season.region.periods if found and p.id == found[0]), None)
        if agency is None or period is None:
            raise HTTPException(404)  # plain: a wrong token learns nothing
        self.season, self.ws, self.token, self.agency, self.period = season, season.ws, token, agency, period
        self.deadline = deadlines.deadline(period, season.region, season.calendar)

    def time_left(self, now) -> str:
        today = now.date()
        if now > self.deadline:
            return "Batas waktu sudah lewat; unggahan tetap diterima dan dicatat terlambat."
        days = self.season.calendar.working_days_between(today, self.deadline.date())
        return f"{days} hari kerja lagi" if days else "Hari ini hari terakhir."


def _open_link(portal, token: str) -> _Link:
    with portal.reader() as store:
        return _Link(portal.season(), store, token)


def upload_page(request: Request) -> Response:
    portal = _portal(request)
    with portal.reader() as store:
        link = _Link(portal.season(), store, request.path_params["token"])
        earlier = store.receipts(period=link.period.id, agency_code=link.agency.code)
    return portal.render(request, "upload.html", {
        "link": link, "earlier": earlier, "time_left": link.time_left(portal.now()),
        "limit": link.ws.limits().max_file_bytes,
    })


async def upload(request: Request) -> Response:
    portal = _portal(request)
    link = await run_in_threadpool(_open_link, portal, request.path_params["token"])
    check_same_origin(request, portal.allowed_hosts())  # the token in the path is the CSRF secret
    partial = partial_path(link.ws.inbox)
    try:
        received = await receive_file(request, field="berkas", into=partial,
                                      limit=link.ws.limits().max_file_bytes, clock=portal.now)
    except UploadRefused as e:
        return error_response(request, portal.templates, e.status, e.message)
    try:
        verdict = await run_in_threadpool(
            accept_upload, link.ws, portal.secret, partial=partial, name=safe_upload_name(received.name),
            sha256=received.sha256, received_at=received.received_at.replace(microsecond=0),
            period=link.period.id, agency_code=link.agency.code)
    except SopdocError as e:
        partial.unlink(missing_ok=True)
        return error_response(request, portal.templates, 503, str(e))
    portal.refresher.poke()
    if wants_json(request):
        return JSONResponse(verdict.as_json())
    return portal.render(request, "verdict.html", {"link": link, "verdict": verdict,
                                                   "agencies": link.season.register.by_code})


def verdict_page(request: Request) -> Response:
    """The verdict of an earlier upload: what the upload answered, again after any reload."""
    portal = _portal(request)
    with portal.reader() as store:
        link = _Link(portal.season(), store, request.path_params["token"])
        receipt = store.receipt(request.path_params["number"])
        if receipt is None or (receipt["agency_code"], receipt["period"]) != (link.agency.code, link.period.id):
            raise HTTPException(404)
        verdict = verdict_of(store, receipt, link.ws)
    if wants_json(request):
        return JSONResponse(verdict.as_json())
    return portal.render(request, "verdict.html", {"link": link, "verdict": verdict,
                                                   "agencies": link.season.register.by_code})


def _receipt_context(portal, season: Season, receipt: Optional[dict]) -> dict:
    agency = season.register.by_code.get(receipt["agency_code"]) if receipt else None
    period = next((p for p in season.region.periods if receipt and p.id == receipt["period"]), None)
    return {"receipt": receipt, "agency_name": agency.name if agency else (receipt or {}).get("agency_code"),
            "period_name": period.name if period else (receipt or {}).get("period"),
            "genuine": bool(receipt) and receipts.is_genuine(portal.secret, receipt),
            "region": season.region}


def _stored_receipt(portal, number: str) -> tuple:
    """The receipt numbered `number` and its page context; a plain 404 when there is none."""
    with portal.reader() as store:
        receipt = store.receipt(number)
    if receipt is None:
        raise RequestRefused(404, "Tanda terima dengan nomor ini tidak ada.")
    return receipt, _receipt_context(portal, portal.season(), receipt)


def receipt_page(request: Request) -> Response:
    """The printable receipt. Its number holds a random part, so it opens only for whoever has it."""
    portal = _portal(request)
    receipt, context = _stored_receipt(portal, request.path_params["number"])
    if wants_json(request):
        return JSONResponse(dict(receipts.public_view(receipt), genuine=context["genuine"]))
    return portal.render(request, "receipt.html", context)


def receipt_pdf_file(request: Request) -> Response:
    """The receipt as a PDF, made by LibreOffice on first request."""
    portal = _portal(request)
    receipt, context = _stored_receipt(portal, request.path_params["number"])
    rows = [("Nomor", receipt["number"]), ("Diterima pada", short_moment(receipt["received_at"],
                                                                        context["region"].timezone, with_zone=True)),
            ("Perangkat daerah", context["agency_name"]), ("Periode", context["period_name"]),
            ("Nama berkas", receipt["file_name"]), ("Ukuran", f"{receipt['size']} byte"),
            ("SHA-256", receipt["sha256"]), ("Hasil", OUTCOME_LABELS.get(receipt["outcome"], receipt["outcome"])),
            ("Tanda tangan (HMAC)", receipt["signature"])]
    heading = [context["region"].organizer, context["region"].name]
    try:
        pdf = receipt_pdf(portal.season().ws.outbox / "tanda-terima", receipt, rows, heading)
    except LettersError as e:
        raise RequestRefused(503, f"{e} Sementara itu, gunakan tombol Cetak lalu Simpan sebagai PDF.") from None
    return FileResponse(pdf, filename=pdf.name, media_type="application/pdf")


def verify_page(request: Request) -> Response:
    """Is a receipt genuine? Asked by its number (?nomor=), or by the file it was for (`verify_file`)."""
    number = request.query_params.get("nomor", "").strip().upper()[:64]
    if not number:
        return _verified(request, {"asked": False, "number": "", "found": [], "sha256": None})
    with _portal(request).reader() as store:
        receipt = store.receipt(number)
    return _verified(request, {"asked": True, "number": number, "found": [receipt] if receipt else [],
                               "sha256": None})


async def verify_file(request: Request) -> Response:
    portal = _portal(request)
    check_same_origin(request, portal.allowed_hosts())
    limit = (await run_in_threadpool(portal.season)).ws.limits().max_file_bytes
    try:
        received = await receive_file(request, field="berkas", into=None, limit=limit, clock=portal.now)
    except UploadRefused as e:
        return error_response(request, portal.templates, e.status, e.message)

    def found() -> list:
        with portal.reader() as store:
            return store.receipts(sha256=received.sha256)

    context = {"asked": True, "number": "", "found": await run_in_threadpool(found), "sha256": received.sha256}
    return await run_in_threadpool(_verified, request, context)


def _verified(request: Request, context: dict) -> Response:
    portal = _portal(request)
    season = portal.season()
    context["found"] = [_receipt_context(portal, season, r) for r in context["found"]]
    if wants_json(request):
        return JSONResponse({"found": [dict(receipts.public_view(c["receipt"]), genuine=c["genuine"])
                                       for c in context["found"]]})
    return portal.render(request, "verify.html", context)
