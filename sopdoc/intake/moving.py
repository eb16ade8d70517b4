"""Moving a stored submission to another period (`sopdoc move`), when the rules filed it where
staff know it does not belong: its archived file moves, its timeliness is counted against the
new period's deadline, versions are renumbered in both periods, and the journal says who did it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from sopdoc.errors import WorkspaceError
from sopdoc.intake.batch import free_destination, move_file
from sopdoc.rules.deadlines import period_by_id
from sopdoc.intake.journal import Journal, current_user
from sopdoc.intake.store import Store
from sopdoc.reading.parsing import sha256_of
from sopdoc.rules import deadlines
from sopdoc.workspace import Workspace

MOVED_WARNING = "periode_dipindahkan"


@dataclass
class Moved:
    file: str
    from_period: str
    to_period: str
    stored_as: str  # the new place, relative to the workspace
    timeliness: dict


def moved_document(document: dict, period: deadlines.Period, region: deadlines.Region,
                   calendar: deadlines.WorkingCalendar, by: str) -> dict:
    """`document` filed into `period`: its timeliness counted again from its own arrival, and a
    warning that says who moved it from where (a rebuild applies the same)."""
    received_at = dt.datetime.fromisoformat(document["received_at"])
    moved = json.loads(json.dumps(document))
    previous = moved["period"]
    moved["period"] = period.id
    moved["timeliness"] = deadlines.timeliness(received_at, deadlines.deadline(period, region, calendar), calendar)
    moved["warnings"] = [w for w in moved["warnings"] if w["code"] != MOVED_WARNING] + [{
        "code": MOVED_WARNING,
        "message": f"Dipindahkan oleh {by} dari periode {previous} ke {period.id}",
        "where": None,
    }]
    return moved


def move_submission(ws: Workspace, key: str, period_id: str) -> Moved:
    """Move the accepted file named by `key` (a path to it, its sha256 or a prefix of it, its
    name, or its place in archive/) into `period_id`. Raises WorkspaceError with the reason."""
    region = ws.region()
    target = period_by_id(region, period_id)
    path = Path(key)
    if path.is_file():
        key = sha256_of(path)
    with Store(ws.store_path) as store:
        try:
            with FileLock(str(ws.lock_path), timeout=60):
                return _move(ws, store, key, target, region)
        except Timeout:
            raise WorkspaceError("Ruang kerja sedang diproses oleh sopdoc lain; coba lagi nanti") from None


def _move(ws: Workspace, store: Store, key: str, target: deadlines.Period, region) -> Moved:
    rows = store.find_accepted(key)
    if not rows:
        raise WorkspaceError(f"Tidak ada kiriman yang diterima dengan berkas atau sha256 {key!r}")
    if len({r["sha256"] for r in rows}) > 1:
        listed = ", ".join(f"{r['stored_as']} ({r['sha256'][:12]})" for r in rows)
        raise WorkspaceError(f"{key!r} cocok dengan beberapa kiriman: {listed}. Sebutkan sha256-nya")
    row = rows[0]
    if row["period"] == target.id:
        raise WorkspaceError(f"{row['stored_as']} sudah berada di periode {target.id}")
    source = ws.root / row["stored_as"]
    if not source.is_file():
        raise WorkspaceError(f"Berkas {source} tidak ada; tidak dapat dipindahkan")
    stored_as = free_destination(ws.root, store, ws.archive / target.id, source.name)
    by = current_user()
    document = moved_document(json.loads(row["document"]), target, region, ws.calendar(), by)
    Journal(ws.journal_path).append(
        "moved", file=row["name"], sha256=row["sha256"], by=by, from_period=row["period"], to_period=target.id,
        **{"from": row["stored_as"].replace(os.sep, "/"), "to": stored_as.replace(os.sep, "/")},
    )
    with store.transaction() as db:
        store.refile(db, row["submission_id"], document, stored_as)
        store.renumber(db, row["period"], row["agency_code"])
        store.renumber(db, target.id, row["agency_code"])
    move_file(source, ws.root / stored_as)
    return Moved(row["name"], row["period"], target.id, stored_as, document["timeliness"])

