"""Temporary folders of sopdoc (`sopdoc-*` in the system's temporary folder), and sweeping away
the ones a killed run left behind.

A run killed with -9 cannot remove its folders (LibreOffice profiles are ~0.5 MB each). The first
folder a process asks for sweeps those of earlier runs: only ones of this user, untouched for
longer than any run keeps one, so a concurrent run's folders stay.
"""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterator

PREFIX = "sopdoc-"
# A folder lives as long as one file is read or one LibreOffice run lasts (timeouts of minutes).
STALE_AFTER = 3600


@contextlib.contextmanager
def temporary_folder(prefix: str = PREFIX) -> Iterator[str]:
    """A fresh folder whose name starts with `prefix` (itself starting "sopdoc-"), removed afterwards."""
    assert prefix.startswith(PREFIX)
    _sweep_once()
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as folder:
        yield folder


@functools.cache
def _sweep_once() -> None:
    sweep_stale(Path(tempfile.gettempdir()))


def sweep_stale(parent: Path, now: float | None = None) -> list:
    """Remove the stale `sopdoc-*` folders directly in `parent`; returns their names."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or _owner_differs(st) or now - st.st_mtime < STALE_AFTER:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _owner_differs(st: os.stat_result) -> bool:
    return hasattr(os, "getuid") and st.st_uid != os.getuid()
