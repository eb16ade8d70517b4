"""Turn legacy .xls/.doc into .xlsx/.docx with LibreOffice, so one set of parsers reads everything.

Call only on files `sniff` accepted as "xls" or "doc".
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import olefile

from .errors import Refusal
from .sniff import stream_head

_TARGET = {"xls": "xlsx", "doc": "docx"}
_INSTALL = (
    "Pasang LibreOffice: di Debian/Ubuntu `apt install libreoffice-calc-nogui libreoffice-writer-nogui`, "
    "di Windows pemasang dari libreoffice.org. Atau minta pengirim menyimpan ulang sebagai .xlsx/.docx."
)


def find_soffice() -> str | None:
    """Path of LibreOffice's `soffice` (PATH first, then the usual install folders), or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    for var in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        if os.environ.get(var):
            candidates.append(Path(os.environ[var]) / "LibreOffice" / "program" / "soffice.exe")
    for folder in ("Program Files", "Program Files (x86)"):
        candidates.append(Path(rf"C:\{folder}\LibreOffice\program\soffice.exe"))
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return None


def convert_legacy(path, kind: str, workdir, timeout: float = 120) -> Path:
    """Convert `path` (kind "xls" or "doc") to .xlsx/.docx inside `workdir` and return the new file.

    Runs LibreOffice headless with a throw-away profile and the import filter forced, so a file it
    does not recognise fails instead of being imported as text. Raises Refusal("format_lama_tanpa_libreoffice")
    without LibreOffice, Refusal("berkas_rusak") when conversion fails, times out or writes nothing.
    """
    if kind not in _TARGET:
        raise ValueError(f"kind must be 'xls' or 'doc', not {kind!r}")
    soffice = find_soffice()
    if soffice is None:
        raise Refusal(
            "format_lama_tanpa_libreoffice",
            f"Berkas format lama (.{kind}) perlu LibreOffice untuk dikonversi, tetapi LibreOffice tidak ditemukan. "
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
        with tempfile.TemporaryDirectory(prefix="sopdoc-lo-", ignore_cleanup_errors=True) as profile:
            argv = [
                soffice,
                f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                f"--infilter={infilter}",
                "--convert-to", _TARGET[kind],
                "--outdir", str(workdir),
                str(source),
            ]
            ok = _run(argv, timeout)
    finally:
        source.unlink(missing_ok=True)
    if not ok or not target.is_file() or target.stat().st_size == 0:
        target.unlink(missing_ok=True)
        raise _failed()
    return target


def _failed() -> Refusal:
    return Refusal(
        "berkas_rusak",
        "Berkas format lama (.xls/.doc) tidak dapat dikonversi karena rusak atau tidak lazim. "
        "Buka di Excel/Word, simpan sebagai .xlsx/.docx, lalu kirim kembali.",
    )


def _import_filter(source: Path, kind: str) -> str:
    """The LibreOffice import filter for this file's BIFF or Word version."""
    try:
        with olefile.OleFileIO(str(source)) as ole:
            if kind == "xls":
                return "MS Excel 97" if ole.exists("Workbook") else "MS Excel 95"
            nfib = int.from_bytes(stream_head(ole, "WordDocument", 4)[2:4], "little")
    except Exception:  # olefile raises many kinds on malformed input
        raise _failed() from None
    return "MS Word 97" if nfib >= 0x00C1 else "MS WinWord 6.0"


def _run(argv: list[str], timeout: float) -> bool:
    """True if the process exited 0 within `timeout`; on timeout the whole process group is killed."""
    if sys.platform == "win32":
        new_group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        new_group = {"start_new_session": True}
    # no pipes: a surviving grandchild holding one open would block us after a kill
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **new_group
        )
    except OSError:
        return False
    try:
        return process.wait(timeout=timeout) == 0
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        process.wait()
        return False


def _kill_tree(process: subprocess.Popen) -> None:
    # soffice is a launcher; the real work happens in a child (soffice.bin) that must die too
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.kill()
