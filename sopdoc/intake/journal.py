"""The workspace journal: an append-only plain-text record of everything the store would be
sorry to lose -- each file's outcome, each move between periods, each agency matched by an alias
added later, each letter issued. With archive/ and rejected/ it is enough to rebuild the store
(`sopdoc rebuild`).

One line per event: `<moment> <event> <JSON object>`. A line is written and fsynced before the
file it speaks of is moved, so after a crash the journal never knows less than the folders.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from sopdoc.intake.entries import readable_name

EVENTS = ("accepted", "refused", "duplicate", "waiting", "moved", "alias", "letter")


@dataclass(frozen=True)
class Entry:
    at: str  # ISO 8601 moment the line was written
    event: str  # one of EVENTS
    data: dict


def file_fields(name: str) -> dict:
    """A file's name as journal fields: `file`, the name as people read it (bytes that are not
    UTF-8 as \\xNN), and for such a name `file_bytes`, its exact bytes in hex, so a rebuilt store
    names the file as the first one did."""
    fields = {"file": readable_name(name)}
    if fields["file"] != name:
        fields["file_bytes"] = os.fsencode(name).hex()
    return fields


def file_name(data: dict) -> str:
    """The exact name of the file a journal line speaks of (see `file_fields`)."""
    if "file_bytes" in data:
        return os.fsdecode(bytes.fromhex(data["file_bytes"]))
    return data["file"]


def current_user() -> str:
    """Who runs sopdoc, for lines people read later ("who moved this?")."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (a service account, a container)
        return "?"


class Journal:
    def __init__(self, path: Path):
        self.path = Path(path)

    def append(self, event: str, **data) -> None:
        """Write one line and make it durable before returning."""
        if event not in EVENTS:
            raise ValueError(f"unknown journal event {event!r}")
        at = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
        line = f"{at} {event} {json.dumps(data, ensure_ascii=False, sort_keys=True)}\n"
        with open(self.path, "a", encoding="utf-8", newline="\n") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def entries(self) -> Iterator[Entry]:
        """Every line in order; a line cut short by a crash (the last one) is skipped."""
        try:
            f = open(self.path, encoding="utf-8")
        except FileNotFoundError:
            return
        with f:
            for line in f:
                at, _, rest = line.rstrip("\n").partition(" ")
                event, _, payload = rest.partition(" ")
                if event not in EVENTS:
                    continue
                try:
                    data = json.loads(payload)
                except json.JSONDecodeError:
                    continue
                yield Entry(at, event, data)

    def exists(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False


def journal_alias(journal: Journal) -> Callable[[dict], None]:
    """The `on_match` of `Store.rematch_agencies` that records each match in `journal`."""

    def record(document: dict) -> None:
        journal.append("alias", file=document["source"]["file"], sha256=document["source"]["sha256"],
                       as_written=document["agency"]["as_written"], agency_code=document["agency"]["code"],
                       by=current_user())

    return record
