"""Running LibreOffice headless: finding it, and running it safely (own profile, timeout, no shell).

Used to convert legacy .xls/.doc (convert.py) and to render letters and recaps to PDF (letters.py).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional

from sopdoc.reading.tempdirs import temporary_folder


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


class TimedOut(Exception):
    """LibreOffice did not finish in time; its whole process tree has been killed."""


def run_soffice(soffice: str, args: list, timeout: float) -> Optional[int]:
    """Run `soffice` headless with `args` and a throw-away profile (so it works while the user
    has LibreOffice open); the exit code, or None when it cannot start. Raises TimedOut.

    LibreOffice never outlives the caller: a watchdog process kills its process tree as soon as
    the caller ends, however it ends (kill -9 included).
    """
    with temporary_folder("sopdoc-lo-") as profile:
        argv = [soffice, f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                *args]
        return _run(argv, timeout)


def _run(argv: list[str], timeout: float) -> Optional[int]:
    """The exit code, or None when it cannot start; TimedOut once the process group is killed."""
    if sys.platform == "win32":
        new_group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        new_group = {"start_new_session": True}
    try:
        watchdog = _start_watchdog()
    except OSError:
        return None
    try:
        try:
            # no pipes: a surviving grandchild holding one open would block us after a kill
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **new_group
            )
        except OSError:
            return None
        try:
            watchdog.stdin.write(f"{process.pid}\n".encode())
            watchdog.stdin.flush()
        except OSError:
            pass  # the watchdog is gone; the timeout below still holds
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process.pid)
            process.kill()
            process.wait()
            raise TimedOut() from None
    finally:
        try:
            watchdog.stdin.close()  # the watchdog kills what is left of the tree, then ends
        except OSError:
            pass
        watchdog.wait()


# Waits for its standard input to close (the caller finished, or died: the kernel closes its end
# too), then kills the process tree whose leader's pid it was sent. Its own session, so a Ctrl-C
# meant for the caller does not stop it first.
_WATCHDOG = """
import os, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
line = sys.stdin.buffer.readline()
sys.stdin.buffer.read()
if line.strip().isdigit():
    pid = int(line)
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
"""


def _start_watchdog() -> subprocess.Popen:
    if sys.platform == "win32":
        own_session = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        own_session = {"start_new_session": True}
    return subprocess.Popen([sys.executable, "-c", _WATCHDOG], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **own_session)


def _kill_tree(pid: int) -> None:
    # soffice is a launcher; the real work happens in a child (soffice.bin) that must die too
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
