"""Turn legacy .xls/.doc and OpenDocument .ods/.odt into .xlsx/.docx with LibreOffice, so one set of
parsers reads everything.

Call only on files `sniff` accepted as "xls", "doc", "ods" or "odt".
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import olefile

from sopdoc.errors import Refusal
from sopdoc.reading.office import TimedOut, find_soffice, run_soffice  # noqa: F401 (find_soffice: tests patch it here)
from sopdoc.reading.sniff import stream_head

_TARGET = {"xls": "xlsx", "doc": "docx", "ods": "xlsx", "odt": "docx"}
_OPENDOCUMENT_FILTERS = {"ods": "calc8", "odt": "writer8"}
CONVERTED_KINDS = frozenset(_TARGET)
_INSTALL = (
    "Pasang LibreOffice: di Debian/Ubuntu `apt install libreoffice-calc-nogui libreoffice-writer-nogui`, "
    "di Windows pemasang dari libreoffice.org. Atau minta pengirim menyimpan ulang sebagai .xlsx/.docx."
)


def convert_legacy(path, kind: str, workdir, timeout: float = 120) -> Path:
    """Convert `path` (kind "xls", "doc", "ods" or "odt") to .xlsx/.docx inside `workdir` and return the new file.

    Runs LibreOffice headless with a throw-away profile and the import filter forced, so a file it
    does not recognise fails instead of being imported as text. Raises Refusal("format_lama_tanpa_libreoffice")
    without LibreOffice, Refusal("konversi_terlalu_lama") when it times out, Refusal("berkas_rusak")
    when conversion fails or writes nothing.
    """
    if kind not in _TARGET:
        raise ValueError(f"kind must be one of {sorted(_TARGET)}, not {kind!r}")
    soffice = find_soffice()
    if soffice is None:
        what = "OpenDocument" if kind in _OPENDOCUMENT_FILTERS else "format lama"
        raise Refusal(
            "format_lama_tanpa_libreoffice",
            f"Berkas {what} (.{kind}) perlu LibreOffice untuk dikonversi, tetapi LibreOffice tidak ditemukan. "
            + _INSTALL,
        )
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # soffice mangles odd names (spaces, non-ASCII, leading dashes); a plain unique name is safe
    fd, name = tempfile.mkstemp(prefix="lama_", suffix=f".{kind}", dir=workdir)
    os.close(fd)
    source = Path(name)
    target = source.with_suffix(f".{_TARGET[kind]}")
    try:
        shutil.copyfile(path, source)
        infilter = _import_filter(source, kind)
        code = run_soffice(soffice, [f"--infilter={infilter}", "--convert-to", _TARGET[kind],
                                     "--outdir", str(workdir), str(source)], timeout)
    except TimedOut:
        target.unlink(missing_ok=True)
        raise Refusal(
            "konversi_terlalu_lama",
            f"Konversi berkas format lama (.{kind}) dengan LibreOffice tidak selesai dalam {timeout:g} detik, "
            "jauh lebih lama dari formulir biasa. Buka di Excel/Word, simpan sebagai .xlsx/.docx, lalu kirim kembali.",
        ) from None
    finally:
        source.unlink(missing_ok=True)
    if code != 0 or not target.is_file() or target.stat().st_size == 0:
        target.unlink(missing_ok=True)
        raise _failed()
    return target


def _failed() -> Refusal:
    return Refusal(
        "berkas_rusak",
        "Berkas format lama atau OpenDocument (.xls/.doc/.ods/.odt) tidak dapat dikonversi "
        "karena rusak atau tidak lazim. "
        "Buka di Excel/Word, simpan sebagai .xlsx/.docx, lalu kirim kembali.",
    )


def _import_filter(source: Path, kind: str) -> str:
    """The LibreOffice import filter for this file's BIFF or Word version, or its OpenDocument type."""
    if kind in _OPENDOCUMENT_FILTERS:
        return _OPENDOCUMENT_FILTERS[kind]
    try:
        with olefile.OleFileIO(str(source)) as ole:
            if kind == "xls":
                return "MS Excel 97" if ole.exists("Workbook") else "MS Excel 95"
            nfib = int.from_bytes(stream_head(ole, "WordDocument", 4)[2:4], "little")
    except Exception:  # olefile raises many kinds on malformed input
        raise _failed() from None
    return "MS Word 97" if nfib >= 0x00C1 else "MS WinWord 6.0"
