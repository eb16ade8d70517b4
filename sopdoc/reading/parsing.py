"""Reading one agency file: refuse what is not safe or not a form, open it, ask the plugins.

Pure with respect to the workspace: nothing here moves files or writes the store.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import zipfile
import warnings as pywarnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sopdoc.reading import convert, docx_reader, identity, opendocument, sniff, xlsx_reader
from sopdoc.reading.tempdirs import temporary_folder
from sopdoc.rules import deadlines
from sopdoc import plugins
from sopdoc.formkit.document import ParserInfo, SourceDocument
from sopdoc.formkit.sheets import sheet_of_worksheet
from sopdoc.errors import Refusal
from sopdoc.model import ParsedForm
from sopdoc.stamp import StampReading, stamp_of

# A parser must be at least this sure that a file is its form before it may parse it.
RECOGNITION_THRESHOLD = 0.75

_KIND_NAMES = {"xlsx": "Excel", "docx": "Word"}
_LIBRARIES = {"xlsx": "openpyxl", "docx": "python-docx"}
READERS = ("direct", "office")

log = logging.getLogger(__name__)


@dataclass
class Reading:
    """A file read by a parser: the form, who read it, and the agency it names."""

    form: ParsedForm
    parser: ParserInfo
    agency: Optional[object]  # agencies.Agency
    agency_warnings: list
    stamp: StampReading = StampReading()  # the identity of the blank sopdoc wrote, if it is one
    read_by: str = "direct"  # or "office": openpyxl/python-docx read it (see READERS)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_document(path: Path, name: str, limits: sniff.Limits, reader: str = "direct") -> SourceDocument:
    """Sniff `path` by its bytes, convert legacy formats, and open it. Raises Refusal.

    `reader` "direct" reads the parts a form needs straight from the XML and hands anything it does
    not know to the office libraries; "office" reads with openpyxl/python-docx only.
    """
    return _open_stamped(path, name, limits, reader)[0]


def _open_stamped(path: Path, name: str, limits: sniff.Limits, reader: str) -> tuple:
    """(`open_document`, the stamp of the blank it was filled in from): the zip is opened once."""
    if reader not in READERS:
        raise ValueError(f"reader must be one of {READERS}, not {reader!r}")
    kind, package = sniff.sniff_open(path, limits)
    if kind in convert.CONVERTED_KINDS:
        hidden = frozenset()
        if package is not None:  # an OpenDocument zip: LibreOffice reads it, not us
            hidden = opendocument.hidden_sheets(package) if kind == "ods" else hidden
            package.close()
        # only a conversion needs a folder of its own; the document is in memory once opened
        with temporary_folder() as workdir:
            converted = convert.convert_legacy(path, kind, Path(workdir))
            kind, package = sniff.sniff_open(converted, limits)  # checked like any other
            # the stamp is the received file's: a legacy file carries none sopdoc wrote
            return opendocument.hide(_open(converted, name, kind, reader, package)[0], hidden), StampReading()
    return _open(path, name, kind, reader, package)


def _open(path: Path, name: str, kind: str, reader: str, package: Optional[zipfile.ZipFile]) -> tuple:
    """Read the sniffed file, directly from `package` (the zip sniff opened), else with the library;
    with the stamp `package` carries."""
    try:
        document = _read(path, name, kind, reader, package)
        return document, stamp_of(package) if package is not None else StampReading()
    finally:
        if package is not None:
            package.close()


def _read(path: Path, name: str, kind: str, reader: str, package: Optional[zipfile.ZipFile]) -> SourceDocument:
    if reader == "direct" and package is not None:
        try:
            if kind == "xlsx":
                return SourceDocument(name=name, kind=kind, sheets=xlsx_reader.read_sheets(package))
            return SourceDocument(name=name, kind=kind, body=docx_reader.read_body(package))
        except Refusal:
            raise
        except Exception as e:  # whatever the direct reader does not know, the library decides
            log.info("%s: dibaca dengan %s, pembaca langsung tidak mengenalnya (%s: %s)",
                     name, _LIBRARIES[kind], type(e).__name__, e)
    try:
        with pywarnings.catch_warnings():
            # openpyxl warns about data validation, headers/footers and other parts it drops
            pywarnings.simplefilter("ignore")
            if kind == "xlsx":
                import openpyxl

                if package is not None:
                    xlsx_reader.check_merged_area(package)
                with open(path, "rb") as f:  # a file object: openpyxl would refuse odd name endings
                    workbook = openpyxl.load_workbook(f, data_only=True, keep_links=False)
                facts = xlsx_reader.formula_facts(package) if package is not None else {}
                sheets = [sheet_of_worksheet(ws, *facts.get(ws.title, (frozenset(), None)))
                          for ws in workbook.worksheets]
                return SourceDocument(name=name, kind=kind, workbook=workbook, sheets=sheets)
            import docx

            with open(path, "rb") as f:
                return SourceDocument(name=name, kind=kind, docx=docx.Document(f))
    except Refusal:
        raise
    except Exception as e:  # any failure of the office libraries means a damaged file
        raise Refusal(
            "berkas_rusak",
            f"Berkas {_KIND_NAMES.get(kind, '')} rusak dan tidak dapat dibuka ({type(e).__name__}). "
            "Buka dan simpan ulang di Excel/Word, lalu kirim kembali.",
        ) from e


def recognize(document: SourceDocument, region_key: Optional[str], pm=None) -> ParserInfo:
    """The parser that claims `document`, or a Refusal saying why none does."""
    pm = pm or plugins.get_manager()
    loaded = plugins.parser_infos(pm)
    infos = {info.name: info for info, _, _ in loaded}
    owner = {info.name: plugin_name for info, plugin_name, _ in loaded}
    impls = pm.hook.sopdoc_recognize.get_hookimpls()
    # The region's own parsers are asked first: when one of them is sure, no other parser's answer
    # can change the outcome, and asking them all was most of recognising a Word form.
    own_plugins = {owner[name] for name, info in infos.items() if region_key is None or info.region == region_key}
    claims = _claims([i for i in impls if i.plugin_name in own_plugins], document, owner)
    if not _own_sure(claims, infos, region_key):
        claims += _claims([i for i in impls if i.plugin_name not in own_plugins], document, owner)
    claims.sort(key=lambda c: (-c[0], c[1]))
    sure = [c for c in claims if c[0] >= RECOGNITION_THRESHOLD]
    own = _own_sure(claims, infos, region_key)
    if own:
        return infos[own[0][1]]
    if sure:
        other = infos[sure[0][1]]
        raise Refusal(
            "daerah_lain",
            f"Berkas ini formulir {_region_name(other.region)}, bukan formulir {_region_name(region_key)}. "
            "Kirim formulir yang dibagikan oleh Biro/Bagian Organisasi daerah ini.",
        )
    kind = _KIND_NAMES.get(document.kind, document.kind)
    # say what the region's own parsers missed (a crashed plugin has no info: say that too)
    reasons = [f"{name}: {reason}" for _, name, reason in claims
               if reason and (region_key is None or name not in infos or infos[name].region == region_key)]
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    raise Refusal(
        "bukan_formulir",
        f"Berkas {kind} ini bukan formulir evaluasi SOP yang dikenali{detail}.",
    )


def _claims(impls: list, document: SourceDocument, owner: dict) -> list:
    """(score, parser, reason) of each plugin's answer.

    Each plugin is asked on its own rather than through one hook call, so that a plugin that
    raises costs only its own claim, and every answer is known to come from its parser's owner."""
    claims = []
    for impl in impls:
        try:
            answer = impl.function(document=document)
        except Exception as e:  # a broken plugin must not take down the batch
            claims.append((0.0, impl.plugin_name, f"pengurai {impl.plugin_name} gagal: {e!r}"))
            continue
        if answer is not None and owner.get(answer.parser) == impl.plugin_name:
            claims.append((answer.score, answer.parser, answer.reason))
    return claims


def _own_sure(claims: list, infos: dict, region_key: Optional[str]) -> list:
    """The claims (sorted) sure enough to parse, by parsers of the region (any, without one)."""
    return sorted((c for c in claims if c[0] >= RECOGNITION_THRESHOLD
                   and (region_key is None or infos[c[1]].region == region_key)), key=lambda c: (-c[0], c[1]))


@functools.cache
def _region_name(key: str) -> str:
    region = deadlines.load_regions().get(key)
    return region.name if region else key


def parse(document: SourceDocument, parser: ParserInfo, pm=None) -> ParsedForm:
    pm = pm or plugins.get_manager()
    try:
        form = pm.hook.sopdoc_parse(document=document, parser=parser.name)
    except Refusal:
        raise
    except Exception as e:  # the host decides what a plugin failure means
        raise Refusal(
            "pengurai_gagal",
            f"Pengurai {parser.name} {parser.version} gagal membaca berkas ({type(e).__name__}: {e}). "
            "Laporkan ke pengelola sopdoc; berkas disimpan di folder rejected.",
        ) from e
    if form is None:
        raise Refusal("pengurai_gagal", f"Pengurai {parser.name} tidak menghasilkan data.")
    if not form.sops:
        raise Refusal(
            "formulir_kosong",
            "Formulir dikenali tetapi belum diisi: tidak ada baris SOP. Isi tabel SOP lalu kirim kembali.",
        )
    return form


def read_file(path: Path, *, name: Optional[str] = None, region_key: Optional[str], register=None,
              limits: Optional[sniff.Limits] = None, pm=None, reader: str = "direct") -> Reading:
    """Sniff, open, recognise and parse one file; match the agency when a register is given."""
    path = Path(path)
    document, found = _open_stamped(path, name or path.name, limits or sniff.Limits(), reader)
    parser = recognize(document, region_key, pm)
    form = parse(document, parser, pm)
    if found.stamp is not None and region_key in (None, found.stamp.region):
        form.period_hint = found.stamp.period  # the period the blank was written for
    agency, agency_warnings = (None, [])
    if register is not None:
        agency, agency_warnings = register.match(form.agency_as_written, form.agency_where)
        agency, agency_warnings = identity.reconcile(found, agency, agency_warnings, register,
                                                     form.agency_as_written, form.agency_where, region_key)
    read_by = "office" if document.workbook is not None or document.docx is not None else "direct"
    return Reading(form, parser, agency, agency_warnings, found, read_by)


def agency_dict(reading: Reading) -> dict:
    agency = reading.agency
    return {
        "code": agency.code if agency else None,
        "name": agency.name if agency else None,
        "as_written": reading.form.agency_as_written,
    }

