"""Running LibreOffice headless: finding it, and running it safely (own profile, timeout, no shell).

Used to convert legacy .xls/.doc (convert.py) and to render letters and recaps to PDF (letters.py).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional


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


def run_soffice(soffice: str, args: list, timeout: float) -> Optional[int]:
    """Run `soffice` headless with `args` and a throw-away profile (so it works while the user
    has LibreOffice open); the exit code, or None when it timed out and its process tree was killed."""
    with tempfile.TemporaryDirectory(prefix="sopdoc-lo-", ignore_cleanup_errors=True) as profile:
        argv = [soffice, f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                *args]
        return _run(argv, timeout)


def _run(argv: list[str], timeout: float) -> Optional[int]:
    """The exit code, or None on timeout (the whole process group is killed) or when it cannot start."""
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
        return None
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        process.wait()
        return None


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
