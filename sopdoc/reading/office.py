"""Running LibreOffice headless: finding it, and running it safely (own profile, timeout, no shell).

Used to convert legacy .xls/.doc (convert.py) and to render letters and recaps to PDF (letters.py).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from sopdoc.reading import process_tree
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
    try:
        watchdog = _start_watchdog()
    except OSError:
        return None
    try:
        try:
            # no pipes: a surviving grandchild holding one open would block us after a kill
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                **process_tree.own_group()
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
            process_tree.kill_tree(process.pid)
            process.kill()
            process.wait()
            raise TimedOut() from None
    finally:
        try:
            watchdog.stdin.close()  # the watchdog kills what is left of the tree, then ends
        except OSError:
            pass
        watchdog.wait()


def _start_watchdog() -> subprocess.Popen:
    """A process of its own session (a Ctrl-C for the caller does not reach it) that kills the
    tree whose leader's pid it is sent once the caller closes its standard input or ends."""
    # -I: the script's folder (sopdoc/reading) is not put on sys.path, where its modules could
    # stand in for the standard library's
    return subprocess.Popen([sys.executable, "-I", process_tree.__file__], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **process_tree.own_group())
