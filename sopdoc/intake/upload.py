"""Taking one uploaded file through the same intake as the folder, at once.

The upload is first written completely under a temporary name the intake ignores; then, under the
batch lock (so a watcher or a `process` run never sees it half-taken), it is renamed into inbox/,
its arrival is recorded as the moment the server received it, and exactly that file is processed.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import unicodedata
from pathlib import Path

from sopdoc.files import free_name
from sopdoc.intake.batch import Intake, Outcome, is_ignored

MAX_NAME = 120
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')


def safe_upload_name(raw: str) -> str:
    """A file name a browser sent, made safe to keep: the last path part only, no control or
    reserved characters, no leading dots, at most MAX_NAME characters, never a name the intake
    ignores. It is only ever used inside inbox/, never as a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _FORBIDDEN.sub("_", name)
    name = " ".join(name.split()).lstrip(".~$ ").rstrip(". ")
    stem, suffix = os.path.splitext(name)
    if len(suffix) > 10:
        stem, suffix = name, ""
    name = stem[:MAX_NAME - len(suffix)] + suffix
    if not name or not stem:
        name = "berkas" + suffix
    if is_ignored(name):  # e.g. "laporan.tmp": would never be taken from inbox/ if it had to wait
        name += ".berkas"
    return name


def partial_path(inbox: Path) -> Path:
    """A fresh temporary name in inbox/ for an upload being received; the intake ignores it."""
    return inbox / f".unggah-{secrets.token_hex(8)}.part"


def take_upload(intake: Intake, partial: Path, name: str, received_at: dt.datetime) -> Outcome:
    """Process the complete upload at `partial` as `name` (already safe), received at
    `received_at`. Hold `intake.lock()`. A file that cannot be processed now stays waiting in
    inbox/ (outcome "deferred") with its arrival kept, like any file there."""
    # a name in inbox/ or one whose arrival is recorded (a file just taken away) is not reused
    target = free_name(intake.ws.inbox, name, taken=lambda path: intake.store.arrival(path.name) is not None)
    os.replace(partial, target)
    st = target.stat()
    intake.store.record_arrival(target.name, received_at.isoformat(timespec="seconds"), st.st_size,
                                st.st_mtime_ns)
    return intake.take(target)
