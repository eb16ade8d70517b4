"""Writing files safely: whole or not at all, and never over a name already taken."""
from __future__ import annotations

import glob
import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional, Union


@contextmanager
def replacing(path: Path, *, shared: bool = False) -> Iterator[Path]:
    """A temporary file beside `path` for the caller to write; when the block ends without an
    error it is flushed to disk and replaces `path` in one step, so a reader (or a crash) sees the
    old file or the new one, never half of one. On an error it is removed.

    The temporary name is fixed (".name.tmp"), so one left by a killed run is simply overwritten
    by the next, for targets whose writers are serialised elsewhere (the batch lock, the store's
    write transaction). With `shared=True` (a recap that the watcher and the portal may refresh at
    once) each writer gets its own (".name.<random>.tmp") and the last to finish wins whole; ones
    left by a killed run are swept once they are an hour old. The file gets the permissions the
    umask gives (0644 under 022), like any file the user makes: `tempfile.mkstemp` would make it
    0600, unreadable to colleagues on a share.
    """
    path = Path(path)
    if shared:
        _sweep_stale(path)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    else:
        tmp = path.with_name(f".{path.name}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666))
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sweep_stale(path: Path, older_than: float = 3600) -> None:
    cutoff = time.time() - older_than
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:  # gone already, or not ours to remove
            pass


def write_atomically(path: Path, data: Union[str, bytes], *, newline: Optional[str] = None) -> None:
    """Write `data` (text as UTF-8, lines ending in `newline` when given) to `path` atomically."""
    with replacing(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            with open(tmp, "w", encoding="utf-8", newline=newline) as f:
                f.write(data)


def free_name(folder: Path, name: str, taken: Callable[[Path], bool] = lambda path: False,
              first: int = 1) -> Path:
    """`folder / name`, else the first of "stem (2).ext", "stem (3).ext", ... that does not exist
    and is not `taken` (a name promised to a file not written yet). `first` skips the numbers
    known to be used already (2 starts at "stem (2).ext")."""
    stem, suffix = os.path.splitext(name)
    n = first
    while True:
        candidate = Path(folder) / (name if n == 1 else f"{stem} ({n}){suffix}")
        if not candidate.exists() and not taken(candidate):
            return candidate
        n += 1
