"""Entries of inbox/ as the file system has them: only regular files are taken, each is read as one
snapshot, and its name is kept whatever its bytes.

A symbolic link is never followed (an archived "unchanged" file would change with its target); a
FIFO, socket or device is never opened for reading by name without O_NONBLOCK (opening a FIFO
blocks until someone writes to it). They are left where they are, with a note.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# What a person is told an entry is, by its type.
_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "tautan simbolik"),
    (stat.S_ISFIFO, "FIFO (pipa bernama)"),
    (stat.S_ISSOCK, "soket"),
    (stat.S_ISCHR, "perangkat"),
    (stat.S_ISBLK, "perangkat"),
)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
NAME_MAX = 255  # bytes of one name on the usual file systems (ext4, NTFS counts UTF-16 units: fewer)


class NotRegular(OSError):
    """The name no longer holds a regular file (it was replaced by a link, FIFO, ...)."""


def kind_of(st: os.stat_result) -> str | None:
    """What an entry is, for a note; None for a regular file."""
    if stat.S_ISREG(st.st_mode):
        return None
    return next((kind for test, kind in _KINDS if test(st.st_mode)), "entri khusus")


def scan(folder: Path) -> tuple[list, list]:
    """([(path, stat)] of its regular files, [(name, kind)] of everything else), links not followed."""
    files, others = [], []
    for entry in os.scandir(folder):
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # taken away while we looked
            continue
        kind = kind_of(st)
        if kind is None:
            files.append((Path(entry.path), st))
        else:
            others.append((entry.name, kind))
    return files, others


def open_regular(path: Path) -> int:
    """A read-only descriptor of the regular file at `path`; never blocks, never follows a link."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        kind = kind_of(os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    if kind is not None:
        os.close(fd)
        raise NotRegular(f"{os.fsdecode(path)} bukan berkas biasa ({kind})")
    return fd


def is_readable(path: Path) -> bool:
    """Can the regular file be opened and read? False while another program holds it (Windows),
    and for anything that is not a regular file."""
    try:
        fd = open_regular(path)
    except OSError:
        return False
    try:
        os.read(fd, 1)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: its bytes' sha256 and what says it is still the same file."""

    sha256: str
    size: int
    identity: tuple  # device, inode, size, mtime


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def identity(path: Path) -> Optional[tuple]:
    """What says the entry at `path` is still the same file with the same bytes (device, inode,
    size, modification time), without reading it; None when there is nothing there."""
    try:
        return _identity(os.lstat(path))
    except OSError:
        return None


def snapshot(path: Path, copy_to: Optional[Path] = None) -> Snapshot:
    """Hash the regular file at `path` through one descriptor, with the identity it had then;
    its bytes are also written to `copy_to` when given."""
    fd = open_regular(path)
    try:
        before = os.fstat(fd)
        digest = hashlib.sha256()
        with open(copy_to, "wb") if copy_to is not None else contextlib.nullcontext() as copy:
            while chunk := os.read(fd, 1024 * 1024):
                digest.update(chunk)
                if copy is not None:
                    copy.write(chunk)
    finally:
        os.close(fd)
    return Snapshot(digest.hexdigest(), before.st_size, _identity(before))


def unchanged(path: Path, taken: Snapshot) -> bool:
    """Does `path` still hold the bytes of `taken`: the same file (not replaced), not written
    since, and the same hash?"""
    try:
        if _identity(os.lstat(path)) != taken.identity:
            return False
        return snapshot(path) == taken
    except OSError:
        return False


def readable_name(name: str) -> str:
    """The name as text that every store, document and terminal accepts: bytes that are not
    UTF-8 (kept by Python as lone surrogates) written as \\xNN. The exact bytes are kept by the
    store; this is the name shown and used for the copy filed in archive/ or rejected/."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def fitting_name(name: str, reserve: int = 0) -> str:
    """`name` short enough that it and `reserve` more bytes (".alasan.txt") fit in one file name;
    shortened in its stem, the extension kept."""
    budget = NAME_MAX - reserve
    if len(name.encode("utf-8")) <= budget:
        return name
    stem, suffix = os.path.splitext(name)
    if len(suffix.encode("utf-8")) > 16:  # not an extension, just a long name with a dot in it
        stem, suffix = name, ""
    marker = "~"
    room = budget - len(suffix.encode("utf-8")) - len(marker)
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return cut + marker + suffix
