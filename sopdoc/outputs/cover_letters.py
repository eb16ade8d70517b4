"""The cover letter (surat pengantar) of each agency's blank form: numbered like every letter, it
gives the deadline and how to return the form -- the agency's own upload link with a QR code when
the bureau runs the portal, else the shared folder named in sopdoc.toml ([forms] return_folder)."""
from __future__ import annotations

import datetime as dt
import io
from typing import Optional

from sopdoc.intake.store import Store
from sopdoc.outputs import letters
from sopdoc.outputs.blanks import BlankRun
from sopdoc.outputs.status import period_status

KIND = "pengantar"
QR_WIDTH_MM = 35
_NO_FOLDER = "[folder bersama]"


def issue_cover_letters(ws, store: Store, run: BlankRun, *, portal_url: Optional[str] = None,
                        now: Optional[dt.datetime] = None, reissue: bool = False, draft: bool = False) -> letters.Issue:
    """One pengantar per blank of `run`. With `portal_url` (the portal's address, as agencies reach
    it) each letter carries the agency's upload link and its QR code; without it, the shared folder.

    Like `letters.issue_letters`: a letter already issued to the agency for the period is not issued
    again unless `reissue`; real letters need a complete [letters] config and, without the portal,
    [forms] return_folder (else `letters.IncompleteConfig`); `draft` writes unnumbered drafts."""
    config = letters.letters_config(ws)
    region = ws.region()
    now = (now or dt.datetime.now(region.tz)).astimezone(region.tz)
    status = period_status(ws, store, run.period.id, now)
    links = _upload_links(ws, store, run, portal_url, now) if portal_url else {}
    forms = ws.config.get("forms", {})
    folder = (forms.get("return_folder") if isinstance(forms, dict) else None) or ""
    if not isinstance(forms, dict) or not isinstance(folder, str):
        raise letters.LettersError("sopdoc.toml: [forms] return_folder harus berupa teks, mis. '\\\\server\\inbox'")
    folder = folder.strip()
    if not portal_url and not folder and not draft:
        raise letters.IncompleteConfig(
            "Surat pengantar tidak diterbitkan: cara mengembalikan formulir belum diketahui. Isi [forms] "
            "return_folder di sopdoc.toml dengan folder bersama tempat perangkat daerah menyimpan formulir, "
            "atau sebutkan alamat portal dengan --portal.", ["forms.return_folder"])
    register = ws.register()
    drafts = []
    for blank in run.written:
        agency = register.by_code[blank.agency_code]
        url = links.get(agency.code)
        context = letters.common_context(status, config, now.date()) | {
            "sifat": "Penting",
            "lampiran": "1 (satu) berkas formulir",
            "hal": f"Penyampaian Formulir {status.period.name}",
            "kepada": letters.head_of(agency, region.name),
            "opd": f"{agency.name} {region.name}",
            "berkas": blank.path.name,
            "sop_terisi": blank.prefilled,
            "tautan": url or "",
            "qr": letters.Picture(_qr_png(url), QR_WIDTH_MM) if url else "",
            "folder": folder or _NO_FOLDER,
        }
        drafts.append(letters.Draft(KIND, context, agency.code, agency.short_name or agency.name, agency.code))
    return letters.issue_drafts(ws, store, KIND, drafts, config=config, period=run.period.id, now=now,
                                reissue=reissue, draft=draft)


def _upload_links(ws, store: Store, run: BlankRun, portal_url: str, now: dt.datetime) -> dict:
    from sopdoc.portal import links as upload_links
    from sopdoc.portal.secret import workspace_secret

    found = upload_links.current_links(store, workspace_secret(ws.root), ws.register(), run.period.id, now)
    return {link.agency_code: link.url(portal_url) for link in found}


def _qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()
