"""An agency's upload, start to end: taken by the intake, then a signed receipt."""
from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from filelock import Timeout

from sopdoc.errors import WorkspaceError
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store
from sopdoc.intake.upload import take_upload
from sopdoc.portal import receipts
from sopdoc.reading import identity
from sopdoc.stamp import StampReading, read_stamp
from sopdoc.workspace import Workspace

LOCK_TIMEOUT = 600  # seconds an upload waits for a batch running beside it
# Uploads in one server queue on this first: a thread waiting on it is woken the moment it is free,
# where waiters on the file lock poll it and can be overtaken again and again (a long tail).
_ONE_UPLOAD_AT_A_TIME = threading.Lock()


@dataclass
class Verdict:
    outcome: str  # accepted | refused | duplicate | deferred | waiting
    reason_code: Optional[str]
    reason: Optional[str]
    submission: Optional[dict]  # the canonical object read (for a duplicate: the first copy's)
    receipt: dict
    other_agency: Optional[str] = None  # the form names another agency than the link's
    link_warnings: list = field(default_factory=list)  # the form belongs to another agency's link

    @property
    def warnings(self) -> list:
        return [*((self.submission or {}).get("warnings") or []), *(asdict(w) for w in self.link_warnings)]

    def as_json(self) -> dict:
        return {"outcome": self.outcome, "reason_code": self.reason_code, "reason": self.reason,
                "warnings": self.warnings, "submission": self.submission,
                "receipt": receipts.public_view(self.receipt)}


def accept_upload(ws: Workspace, secret: bytes, *, partial: Path, name: str, sha256: str,
                  received_at: dt.datetime, period: str, agency_code: str) -> Verdict:
    """Take the complete upload at `partial` (its bytes' `sha256` computed while it arrived),
    sent through `agency_code`'s link for `period`, and issue its receipt."""
    intake = Intake(ws)
    try:
        try:
            with _ONE_UPLOAD_AT_A_TIME, intake.lock(LOCK_TIMEOUT):
                outcome = take_upload(intake, partial, name, received_at)
        except Timeout:
            os.unlink(partial)
            raise WorkspaceError("Ruang kerja sedang sibuk; unggah lagi sebentar lagi") from None
        record = intake.store.file_record(outcome.stored_as) if outcome.outcome not in STILL_IN_INBOX else None
        receipt = receipts.issue(
            intake.store, secret, file_id=record["id"] if record else None,
            received_at=record["received_at"] if record else received_at.isoformat(timespec="seconds"),
            agency_code=agency_code, period=period, file_name=name,
            size=record["size"] if record else (ws.root / outcome.stored_as).stat().st_size,
            sha256=sha256, outcome=outcome.outcome)
        verdict = verdict_of(intake.store, receipt, ws)
        if record is None:
            verdict.reason_code, verdict.reason = outcome.reason_code, outcome.reason
        return verdict
    finally:
        intake.close()


def verdict_of(store: Store, receipt: dict, ws: Workspace) -> Verdict:
    """The verdict a receipt stands for, read back from the store: a reloaded page shows the same,
    and an upload that had to wait shows what became of it."""
    if receipt["file_id"]:
        record = store.file_by_id(receipt["file_id"])
    else:  # it waited in inbox/: taken since?
        record = store.file_of_arrival(receipt["sha256"], receipt["received_at"])
    outcome = record["outcome"] if record else receipt["outcome"]
    submission = store.submission_of_sha(receipt["sha256"]) if outcome in ("accepted", "duplicate") else None
    read_code = ((submission or {}).get("agency") or {}).get("code")
    return Verdict(
        outcome,
        record["reason_code"] if record else STILL_IN_INBOX.get(outcome, (None, None))[0],
        record["reason"] if record else STILL_IN_INBOX.get(outcome, (None, None))[1],
        submission, receipt,
        other_agency=read_code if read_code and read_code != receipt["agency_code"] else None,
        link_warnings=_link_warnings(ws, record, read_code, receipt["agency_code"]) if submission else [],
    )


def _link_warnings(ws: Workspace, record, read_code: Optional[str], link_code: str) -> list:
    """`tautan_opd_lain` when the form names, or was written for (its embedded identity), another
    agency than the one whose link it came through."""
    register = ws.register()
    stored = ws.root / record["stored_as"] if record and record["stored_as"] else None
    found = read_stamp(stored) if stored is not None and stored.is_file() else StampReading()
    return identity.upload_link_warnings(register.by_code.get(read_code), found, register.by_code.get(link_code))


# Outcomes of a file that stays in inbox/ (no file record yet): their code and what they mean.
STILL_IN_INBOX = {
    "deferred": ("ditunda", "Berkas diterima tetapi belum dapat diproses; sopdoc mencobanya lagi dengan sendirinya."),
    "waiting": ("menunggu_periode", "Berkas diterima dan tersimpan, tetapi periode evaluasinya belum ada; berkas "
                "diproses begitu Bagian Organisasi menambahkan periode tersebut."),
}
