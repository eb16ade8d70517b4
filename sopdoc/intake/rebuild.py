"""`sopdoc rebuild`: the store made again from what the workspace folders and the journal hold.

archive/ holds every accepted file and rejected/ every refused one, each with its reason beside
it; the journal (sopdoc.journal) holds when each arrived, where it went, moves between periods
and letters issued. Reading the archived files again gives the same submissions; replaying the
journal in order gives the same versions, arrival times, statuses and letter numbers, so the
letter counter goes on after the highest number ever issued. Files the journal does not know
(a workspace older than the journal) are taken with their file time as arrival, and counted.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from sopdoc.errors import Refusal, StoreError, WorkspaceError
from sopdoc.intake.batch import build_document, is_ignored
from sopdoc.rules.deadlines import period_by_id
from sopdoc.intake.journal import Journal, file_name
from sopdoc.intake.moving import moved_document
from sopdoc.intake.store import Store
from sopdoc.reading import parsing
from sopdoc.workspace import Workspace

REASON_SUFFIX = ".alasan.txt"


@dataclass
class Rebuilt:
    accepted: int = 0
    refused: int = 0
    duplicates: int = 0
    letters: int = 0
    waiting: int = 0
    missing: list = field(default_factory=list)  # (stored_as, why) of journal lines whose file is not there
    unjournaled: list = field(default_factory=list)  # files found in the folders that the journal does not name


def store_needs_rebuild(ws: Workspace) -> bool:
    """The store is gone but the workspace has a season in it: starting a new store would lose it."""
    if ws.store_path.exists():
        return False
    if Journal(ws.journal_path).exists():
        return True
    return any(_files_under(ws.archive)) or any(_files_under(ws.rejected))


def rebuild_store(ws: Workspace, pm=None) -> Rebuilt:
    """Make sopdoc.db again from archive/, rejected/ and the journal. Refuses when a store exists."""
    if ws.store_path.exists():
        raise StoreError(
            f"{ws.store_path} masih ada. Bila memang ingin membangunnya ulang, pindahkan atau ganti nama "
            "berkas itu dulu (simpan sebagai cadangan), lalu jalankan sopdoc rebuild lagi"
        )
    try:
        with FileLock(str(ws.lock_path), timeout=60):
            return _rebuild(ws, pm)
    except Timeout:
        raise WorkspaceError("Ruang kerja sedang diproses oleh sopdoc lain; coba lagi nanti") from None


def _rebuild(ws: Workspace, pm) -> Rebuilt:
    partial = ws.root / (ws.store_path.name + ".baru")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    # nobody else knows this file: its own lock, not the workspace lock this process holds
    with Store(partial, lock_path=ws.root / ".sopdoc-rebuild.lock") as store:
        report = _Replay(ws, store, pm).run()
    os.replace(partial, ws.store_path)
    return report


class _Replay:
    def __init__(self, ws: Workspace, store: Store, pm):
        self.ws, self.store, self.pm = ws, store, pm
        self.region = ws.region()
        self.register = ws.register()
        self.calendar = ws.calendar()
        self.limits = ws.limits()
        self.report = Rebuilt()

    def run(self) -> Rebuilt:
        outcomes, letters, waiting, moved_periods = self._read_journal()
        known = set(outcomes)
        for stored_as, event, data in self._unjournaled(known):
            self.report.unjournaled.append(stored_as)
            self._outcome(stored_as, event, data)
        for stored_as, (event, data) in outcomes.items():
            self._outcome(stored_as, event, data)
        with self.store.transaction() as db:
            for period in moved_periods:  # a move renumbered the versions of both its periods
                for agency_code in self.store.agency_codes(period):
                    self.store.renumber(db, period, agency_code)
            for data in letters:
                self.store.record_letter(db, kind=data["kind"], number=data["number"], seq=data["seq"],
                                         period=data.get("period"), agency_code=data.get("agency_code"),
                                         recipient=data.get("recipient"), path=data["path"],
                                         issued_at=data["issued_at"])
                self.report.letters += 1
        self._restore_waiting(waiting)
        return self.report

    def _read_journal(self):
        """Outcomes by their final place (moves applied), letters, waiting forms, and the
        (period, agency) pairs whose versions a move renumbered."""
        outcomes: dict = {}
        letters, waiting, moved_periods = [], {}, set()
        for entry in Journal(self.ws.journal_path).entries():
            data = entry.data
            if entry.event in ("accepted", "refused", "duplicate"):
                outcomes.setdefault(data["stored_as"], (entry.event, data))  # a crash may repeat a line
            elif entry.event == "moved" and data["from"] in outcomes:
                event, old = outcomes.pop(data["from"])
                outcomes[data["to"]] = (event, {**old, "stored_as": data["to"], "moved_by": data.get("by", "?")})
                moved_periods.update((data["from_period"], data["to_period"]))
            elif entry.event == "letter":
                letters.append(data)
            elif entry.event == "waiting":
                waiting[file_name(data)] = data
        return outcomes, letters, waiting, moved_periods

    def _outcome(self, stored_as: str, event: str, data: dict) -> None:
        path = self.ws.root / stored_as
        if not path.is_file():
            self.report.missing.append((stored_as, "berkas tidak ada"))
            return
        sha256 = data.get("sha256") or parsing.sha256_of(path)
        common = dict(name=file_name(data), sha256=sha256, size=path.stat().st_size, received_at=data["received_at"],
                      processed_at=data.get("processed_at") or data["received_at"], stored_as=stored_as)
        if event == "refused":
            with self.store.transaction() as db:
                self.store.record_file(db, outcome="refused", reason_code=data.get("reason_code"),
                                       reason=data.get("reason"), **common)
                db.execute("UPDATE files SET moved = 1 WHERE stored_as = ?", (stored_as,))
            self.report.refused += 1
            return
        if event == "duplicate":
            first = self.store.accepted_file(sha256)
            with self.store.transaction() as db:
                self.store.record_file(db, outcome="duplicate", duplicate_of=first["id"] if first else None, **common)
                db.execute("UPDATE files SET moved = 1 WHERE stored_as = ?", (stored_as,))
            self.report.duplicates += 1
            return
        try:
            reading = parsing.read_file(path, name=data["file"], region_key=self.ws.region_key,
                                        register=self.register, limits=self.limits, pm=self.pm)
        except Refusal as refusal:  # a parser changed since: say so rather than drop it silently
            self.report.missing.append((stored_as, f"tidak terbaca lagi: {refusal.reason}"))
            return
        received_at = dt.datetime.fromisoformat(data["received_at"]).astimezone(self.region.tz)
        period_id = Path(stored_as).parent.name
        document = build_document(reading, region=self.region, name=data["file"], sha256=sha256,
                                  received_at=received_at, calendar=self.calendar, version=0)
        if document["period"] != period_id:  # moved by staff, or a periods.toml since edited
            document = moved_document(document, period_by_id(self.region, period_id), self.region, self.calendar,
                                      data.get("moved_by", "?"))
        with self.store.transaction() as db:
            document["source"]["version"] = self.store.next_version(document["period"], document["agency"]["code"])
            submission_id = self.store.record_submission(db, document)
            self.store.record_file(db, outcome="accepted", submission_id=submission_id, **common)
            db.execute("UPDATE files SET moved = 1 WHERE stored_as = ?", (stored_as,))
        self.report.accepted += 1

    def _unjournaled(self, known: set) -> list:
        """Files in archive/ and rejected/ that no journal line names, oldest first, as outcomes."""
        found = []
        for path in _files_under(self.ws.archive):
            if path.parent.parent == self.ws.archive:
                found.append((path, "accepted", {}))
        for path in _files_under(self.ws.rejected):
            if path.parent == self.ws.rejected and not path.name.endswith(REASON_SUFFIX):
                found.append((path, "refused", _reason_beside(path)))
        outcomes = []
        for path, event, extra in sorted(found, key=lambda f: f[0].stat().st_mtime):
            stored_as = os.path.relpath(path, self.ws.root).replace(os.sep, "/")
            if stored_as in known:
                continue
            moment = dt.datetime.fromtimestamp(path.stat().st_mtime, self.region.tz).isoformat(timespec="seconds")
            outcomes.append((stored_as, event, {"file": path.name, "received_at": moment, **extra}))
        # an accepted copy of the same bytes makes the later ones duplicates, as a batch would
        seen, result = set(), []
        for stored_as, event, data in outcomes:
            if event == "accepted":
                sha256 = parsing.sha256_of(self.ws.root / stored_as)
                event = "duplicate" if sha256 in seen else event
                seen.add(sha256)
                data = {**data, "sha256": sha256}
            result.append((stored_as, event, data))
        return result

    def _restore_waiting(self, waiting: dict) -> None:
        """Forms still waiting in inbox/ keep the arrival the journal recorded for them."""
        for name, data in waiting.items():
            path = self.ws.inbox / name
            if not path.is_file() or parsing.sha256_of(path) != data["sha256"]:
                continue
            st = path.stat()
            self.store.note_arrivals([(name, data["received_at"], st.st_size, st.st_mtime_ns)])
            self.report.waiting += 1


def _files_under(folder: Path):
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file() and not is_ignored(path.name):
            yield path


def _reason_beside(path: Path) -> dict:
    """reason_code and reason from the <name>.alasan.txt a refusal left beside its file."""
    beside = path.with_name(path.name + REASON_SUFFIX)
    fields = {}
    try:
        for line in beside.read_text(encoding="utf-8").splitlines():
            label, _, value = line.partition(":")
            fields[label.strip()] = value.strip()
    except (OSError, UnicodeDecodeError):
        pass
    return {"reason_code": fields.get("Kode alasan"), "reason": fields.get("Alasan") or "Berkas ditolak"}

