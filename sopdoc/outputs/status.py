"""Who sent, who was late, who sent nothing: the status of every register agency in one period."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from sopdoc.rules import deadlines
from sopdoc.rules.agencies import Agency
from sopdoc.vocabulary import CRITERIA, STATUS_LABELS
from sopdoc.errors import WorkspaceError
from sopdoc.intake.store import Store
from sopdoc.workspace import Workspace

@dataclass
class AgencyStatus:
    agency: Agency
    status: str  # tepat_waktu | terlambat | belum_menyampaikan
    received_at: Optional[str] = None  # of the first accepted submission, which sets the status
    working_days_late: Optional[int] = None
    versions: int = 0
    first: Optional[dict] = None  # canonical object of the first accepted submission
    latest: Optional[dict] = None  # canonical object of the latest version (what counts)

    @property
    def label(self) -> str:
        label = STATUS_LABELS[self.status]
        if self.status == "terlambat":
            label += f" ({self.working_days_late} hari kerja)"
        return label


@dataclass
class PeriodStatus:
    region: deadlines.Region
    period: deadlines.Period
    deadline: dt.datetime
    now: dt.datetime
    working_days_left: int  # working days after today up to the deadline; 0 once it has passed
    # AgencyStatus, in register order; the organiser only when it filled in a form of its own
    agencies: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # canonical objects whose agency is not in the register
    waiting: list = field(default_factory=list)  # forms in inbox/ that no period holds yet (store.waiting())

    def count(self, status: str) -> int:
        return sum(1 for a in self.agencies if a.status == status)

    def is_organizer(self, agency_status: AgencyStatus) -> bool:
        """The bureau itself (periods.toml `organizer_code`): it sends itself no letters."""
        return agency_status.agency.code == self.region.organizer_code


def pick_period(region: deadlines.Region, period_id: Optional[str], now: dt.datetime) -> deadlines.Period:
    """The period named `period_id`, else the one whose window holds `now`."""
    if period_id:
        return deadlines.period_by_id(region, period_id)
    period, _ = deadlines.resolve_period(region, now)
    if period is None:
        known = ", ".join(p.id for p in region.periods) or "belum ada"
        raise WorkspaceError(
            f"Tidak ada periode evaluasi {region.name} yang berjalan pada {deadlines.format_date(now.date())}. "
            f"Tambahkan periode tahun ini di periods.toml, atau pilih --period (pilihan: {known})"
        )
    return period


def period_status(ws: Workspace, store: Store, period_id: Optional[str] = None,
                  now: Optional[dt.datetime] = None) -> PeriodStatus:
    """Every register agency's status in a period (default: the one open at `now`). Only reads
    the store: names matched by an alias since are applied when the store changes
    (`sopdoc.app.Season.run_batch`, `Season.add_alias`)."""
    region = ws.region()
    calendar = ws.calendar()
    now = (now or dt.datetime.now(region.tz)).astimezone(region.tz)
    waiting = store.waiting()
    try:
        period = pick_period(region, period_id, now)
    except WorkspaceError as e:
        if waiting:
            raise WorkspaceError(f"{e}. {waiting_note(waiting)}") from None
        raise
    deadline_at = deadlines.deadline(period, region, calendar)
    today = now.date()
    left = calendar.working_days_between(today, deadline_at.date()) if today < deadline_at.date() else 0

    register = ws.register()
    by_agency: dict = {}
    unmatched = []
    for document in store.submissions(all_versions=True, period=period.id):
        code = document["agency"]["code"]
        if code is None or code not in register.by_code:  # a code since removed from agencies.csv
            unmatched.append(document)
        else:
            by_agency.setdefault(code, []).append(document)

    statuses = []
    for agency in register.agencies:
        versions = sorted(by_agency.get(agency.code, []), key=lambda d: d["source"]["version"])
        if not versions:
            if agency.code != region.organizer_code:  # the bureau owes itself no form
                statuses.append(AgencyStatus(agency, "belum_menyampaikan"))
            continue
        first, latest = versions[0], versions[-1]
        timeliness = first["timeliness"] or {}
        statuses.append(AgencyStatus(
            agency=agency,
            status=timeliness["status"],  # every stored submission of a period has its timeliness
            received_at=first["received_at"],
            working_days_late=timeliness.get("working_days_late", 0),
            versions=len(versions),
            first=first,
            latest=latest,
        ))
    return PeriodStatus(region, period, deadline_at, now, left, statuses, unmatched, waiting)


def waiting_note(waiting: list) -> str:
    """One sentence on the forms waiting in inbox/ for a period periods.toml does not have yet."""
    return (f"{len(waiting)} berkas menunggu di inbox karena belum ada periode untuk waktu terimanya; "
            "tambahkan periodenya di periods.toml lalu jalankan sopdoc process")


def meets_all(sop: dict) -> Optional[bool]:
    """Does an SOP meet all seven criteria? Three answers:

    False when any criterion is answered Tidak (an unreadable one cannot change that), None
    ("tidak dapat dinilai") when none is Tidak but one or more is blank or unreadable (None),
    True only when all seven are Ya.
    """
    criteria = sop.get("criteria") or {}
    values = [criteria.get(key) for key in CRITERIA]
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def status_dict(report: PeriodStatus) -> dict:
    """The report as a JSON-ready object (schema "sopdoc.status/1")."""
    period = report.period
    return {
        "schema": "sopdoc.status/1",
        "region": {"key": report.region.key, "code": report.region.code, "name": report.region.name},
        "period": {"id": period.id, "name": period.name, "opens": period.opens.isoformat()},
        "deadline": report.deadline.isoformat(),
        "now": report.now.isoformat(timespec="seconds"),
        "working_days_left": report.working_days_left,
        "totals": {"agencies": len(report.agencies), **{s: report.count(s) for s in STATUS_LABELS},
                   "unmatched": len(report.unmatched)},
        "agencies": [_agency_dict(a) for a in report.agencies],
        "waiting": [
            {"file": w["name"], "as_written": w["agency_as_written"], "received_at": w["received_at"],
             "reason": w["reason"]}
            for w in report.waiting
        ],
        "unmatched": [
            {"as_written": d["agency"]["as_written"], "file": d["source"]["file"],
             "received_at": d["received_at"], "status": (d["timeliness"] or {}).get("status"),
             "sops": len(d["sops"])}
            for d in report.unmatched
        ],
    }


def _agency_dict(a: AgencyStatus) -> dict:
    return {
        "code": a.agency.code,
        "name": a.agency.name,
        "status": a.status,
        "label": a.label,
        "working_days_late": a.working_days_late,
        "versions": a.versions,
        "sops": len(a.latest["sops"]) if a.latest else None,
        "received_at": a.received_at,
        "latest_received_at": a.latest["received_at"] if a.latest else None,
        "latest_file": a.latest["source"]["file"] if a.latest else None,
    }
