"""Blank forms out: for every agency of the register but the organiser, its region's own form,
pre-filled (agency, period, the SOPs it evaluated last time) and stamped with who it is for.

The region's parser writes the layout (hook `sopdoc_blank_form`); the host chooses the agencies,
the period and the SOPs, stamps the identity into the file (sopdoc.stamp) and writes the files
into outbox/<period>/formulir/.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from sopdoc import plugins
from sopdoc.errors import SopdocError
from sopdoc.files import write_atomically
from sopdoc.formkit.blank import BlankForm, BlankSop
from sopdoc.formkit.document import ParserInfo
from sopdoc.intake.store import Store
from sopdoc.outputs.status import pick_period
from sopdoc.rules import deadlines
from sopdoc.stamp import Stamp, stamp_package

FOLDER = "formulir"
SPARE_ROWS = 5
# The fill dates a blank accepts: from a month before the period opens (a blank sent out early)
# to two months after its deadline (a late agency still fills it in).
_EARLIEST = dt.timedelta(days=30)
_LATEST = dt.timedelta(days=60)


class BlanksError(SopdocError):
    """Blank forms cannot be written: no parser offers them, an unknown agency, a failing plugin."""


@dataclass
class WrittenBlank:
    agency_code: str
    agency_name: str
    path: Path
    prefilled: int  # SOPs pre-filled from the agency's earlier submission
    from_period: Optional[str] = None  # the period those SOPs came from


@dataclass
class BlankRun:
    period: deadlines.Period
    parser: ParserInfo
    folder: Path
    written: list = field(default_factory=list)  # WrittenBlank, in register order


def blank_parser(region_key: str, pm=None) -> ParserInfo:
    """The region's parser that writes blanks, or BlanksError saying there is none."""
    pm = pm or plugins.get_manager()
    offering = plugins.blank_parsers(pm)
    for info, _, _ in plugins.parser_infos(pm):
        if info.region == region_key and info.name in offering:
            return info
    raise BlanksError(f"Tidak ada pengurai daerah {region_key!r} yang menyediakan formulir kosong "
                      "(lihat: sopdoc plugins).")


def earlier_sops(store: Store, region: deadlines.Region, period: deadlines.Period) -> dict:
    """Agency code -> (period id, [BlankSop]) from its latest accepted submission of an earlier
    period. SOPs withdrawn then (dicabut) are not evaluated again and are left out."""
    opens = {p.id: p.opens for p in region.periods}
    found: dict = {}
    for document in store.submissions():
        code, source = document["agency"]["code"], document["period"]
        if code is None or source not in opens or opens[source] >= period.opens:
            continue
        if code in found and opens[found[code][0]] >= opens[source]:
            continue
        sops = [BlankSop(s["number"] or "", s["title"] or "") for s in document["sops"]
                if s.get("follow_up") != "dicabut" and (s["number"] or s["title"])]
        found[code] = (source, sops)
    return found


def write_blanks(ws, store: Store, period_id: Optional[str] = None, outdir: Optional[Path] = None,
                 agency_codes: tuple = (), now: Optional[dt.datetime] = None, pm=None) -> BlankRun:
    """Write one stamped blank per agency (all but the organiser, or those of `agency_codes`)."""
    pm = pm or plugins.get_manager()
    region = ws.region()
    now = (now or dt.datetime.now(region.tz)).astimezone(region.tz)
    period = pick_period(region, period_id, now)
    parser = blank_parser(ws.region_key, pm)
    agencies = _recipients(ws.register(), region, agency_codes)
    deadline = deadlines.deadline(period, region, ws.calendar()).date()
    history = earlier_sops(store, region, period)
    folder = Path(outdir) if outdir else ws.outbox / period.id / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    run = BlankRun(period, parser, folder)
    for agency in agencies:
        source, sops = history.get(agency.code, (None, []))
        blank = BlankForm(agency=agency.name, region=region.name, place=region.capital, period_id=period.id,
                          period_name=period.name, earliest=period.opens - _EARLIEST,
                          latest=deadline + _LATEST, sops=tuple(sops), spare_rows=SPARE_ROWS)
        data = _write_one(pm, parser, blank)
        stamp = Stamp(ws.region_key, agency.code, period.id, f"{parser.name}/{parser.version}")
        path = folder / f"{_safe(f'{agency.code} {agency.name}')}.{parser.kinds[0]}"
        try:
            write_atomically(path, stamp_package(data, stamp))
        except OSError as e:
            raise BlanksError(f"{path.name} tidak dapat ditulis ({e.strerror or e}); bila sedang dibuka di "
                              "Excel atau Word, tutup lalu jalankan lagi.") from None
        run.written.append(WrittenBlank(agency.code, agency.name, path, len(sops), source))
    return run


def _recipients(register, region: deadlines.Region, codes: tuple) -> list:
    unknown = [c for c in codes if c not in register.by_code]
    if unknown:
        raise BlanksError(f"Kode perangkat daerah tidak ada di daftar: {', '.join(unknown)}")
    if codes:
        return [a for a in register.agencies if a.code in codes]
    return [a for a in register.agencies if a.code != region.organizer_code]


def _write_one(pm, parser: ParserInfo, blank: BlankForm) -> bytes:
    try:
        data = pm.hook.sopdoc_blank_form(parser=parser.name, blank=blank)
    except Exception as e:  # the host decides what a plugin failure means
        raise BlanksError(f"Pengurai {parser.name} gagal menulis formulir kosong untuk {blank.agency} "
                          f"({type(e).__name__}: {e}).") from e
    if not isinstance(data, bytes) or not data.startswith(b"PK"):
        raise BlanksError(f"Pengurai {parser.name} tidak menghasilkan berkas .{parser.kinds[0]} untuk {blank.agency}.")
    return data


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def _safe(stem: str) -> str:
    """A file name stem Windows accepts."""
    return _UNSAFE.sub("-", stem).strip(" .")[:120]

