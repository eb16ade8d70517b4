"""Evaluation periods, deadlines and timeliness (../shared/forms/MODEL.md, "Arrival, periods and
timeliness").

`load_regions` reads `periods.toml`; `WorkingCalendar` knows which days are working days in
Indonesia; `deadline`, `resolve_period` and `timeliness` apply the rules to one submission.
Pure functions: the only I/O is reading the toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from sopdoc import tomlfile
from sopdoc.errors import WorkspaceError
from sopdoc.vocabulary import MONTHS

END_OF_DAY = time(23, 59, 59)
DEFAULT_LATE_WINDOW_DAYS = 60

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def format_date(d: date) -> str:
    """`date(2019, 5, 27)` -> "27 Mei 2019"."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Meeting:
    date: date
    groups: tuple[int, ...]
    place: str


@dataclass(frozen=True)
class Period:
    """An evaluation period. Exactly one of `closes` and `working_days` is set."""

    id: str
    name: str
    opens: date
    closes: Optional[date]
    working_days: Optional[int]
    meetings: tuple[Meeting, ...] = ()


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    code: str
    timezone: str
    capital: str
    organizer: str
    legal_basis: Optional[str]
    periods: tuple[Period, ...]
    organizer_code: Optional[str] = None  # the organiser in the agency register: it owes itself no form
    late_window_days: int = DEFAULT_LATE_WINDOW_DAYS  # how long after a deadline a form still belongs to its period

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# -- periods.toml -------------------------------------------------------------------------------


class _Invalid(Exception):
    """A problem inside the toml; `load_regions` adds the file name."""


def region_key(text: str) -> str:
    """A region key as the bureau may type it ("Bengkulu ", "BANTEN") in the form periods.toml keys take."""
    return "".join(text.split()).lower()


def load_regions(path=None) -> dict[str, Region]:
    """Read the regions and their periods from `path`, or from the bundled `data/periods.toml`.

    Returns regions by key, in file order, each with its periods sorted by `opens`. Raises
    `WorkspaceError` (Indonesian message naming the file and the problem) when the file cannot
    be read, is not TOML or does not describe regions as documented at the top of the file.
    """
    if path is None:
        source = resources.files("sopdoc").joinpath("data/periods.toml")
    else:
        source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as e:
        raise WorkspaceError(f"Berkas periode {source} tidak dapat dibaca: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise WorkspaceError(f"Berkas periode {source} bukan teks UTF-8 ({e.reason}).") from e
    data = tomlfile.loads(text, f"Berkas periode {source}")
    try:
        return _regions(data)
    except _Invalid as e:
        raise WorkspaceError(f"Berkas periode {source} tidak sah: {e}") from None


def _regions(data: dict) -> dict[str, Region]:
    table = data.get("regions")
    if not isinstance(table, dict) or not table:
        raise _Invalid("tabel [regions] tidak ada atau kosong")
    regions = {}
    for written, raw in table.items():
        key = region_key(written)
        where = f"regions.{written}"
        if not isinstance(raw, dict):
            raise _Invalid(f"{where} harus berupa tabel")
        timezone = _text(raw, "timezone", where)
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise _Invalid(f"{where}.timezone: zona waktu '{timezone}' tidak dikenal") from None
        raw_periods = raw.get("periods", [])
        if not isinstance(raw_periods, list):
            raise _Invalid(f"{where}.periods harus berupa daftar [[{where}.periods]]")
        periods = [_period(p, f"{where}.periods[{i}]") for i, p in enumerate(raw_periods)]
        ids = [p.id for p in periods]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise _Invalid(f"{where}: id periode ganda: {', '.join(duplicates)}")
        regions[key] = Region(
            key=key,
            name=_text(raw, "name", where),
            code=_text(raw, "code", where),
            timezone=timezone,
            capital=_text(raw, "capital", where),
            organizer=_text(raw, "organizer", where),
            legal_basis=_text(raw, "legal_basis", where, required=False),
            periods=tuple(sorted(periods, key=lambda p: p.opens)),
            organizer_code=_text(raw, "organizer_code", where, required=False),
            late_window_days=_late_window_days(raw, where),
        )
    return regions


def _late_window_days(raw: dict, where: str) -> int:
    value = raw.get("late_window_days", DEFAULT_LATE_WINDOW_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(f"{where}.late_window_days harus bilangan bulat 0 atau lebih (jumlah hari)")
    return value


def _period(raw, where: str) -> Period:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where} harus berupa tabel")
    opens = _date(raw, "opens", where)
    closes = _date(raw, "closes", where, required=False)
    working_days = raw.get("working_days")
    if (closes is None) == (working_days is None):
        raise _Invalid(f"{where}: isi tepat salah satu dari 'closes' atau 'working_days'")
    if working_days is not None and (
        isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 1
    ):
        raise _Invalid(f"{where}.working_days harus bilangan bulat positif")
    if closes is not None and closes < opens:
        raise _Invalid(f"{where}: 'closes' ({closes}) sebelum 'opens' ({opens})")
    raw_meetings = raw.get("meetings", [])
    if not isinstance(raw_meetings, list):
        raise _Invalid(f"{where}.meetings harus berupa daftar")
    return Period(
        id=_text(raw, "id", where),
        name=_text(raw, "name", where),
        opens=opens,
        closes=closes,
        working_days=working_days,
        meetings=tuple(_meeting(m, f"{where}.meetings[{i}]") for i, m in enumerate(raw_meetings)),
    )


def _meeting(raw, where: str) -> Meeting:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where} harus berupa tabel")
    groups = raw.get("groups", [])
    if not isinstance(groups, list) or not all(
        isinstance(g, int) and not isinstance(g, bool) for g in groups
    ):
        raise _Invalid(f"{where}.groups harus berupa daftar bilangan bulat")
    return Meeting(date=_date(raw, "date", where), groups=tuple(groups), place=_text(raw, "place", where))


def _text(raw: dict, name: str, where: str, required: bool = True) -> Optional[str]:
    value = raw.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{where}.{name} harus berupa teks yang tidak kosong")
    return value


def _date(raw: dict, name: str, where: str, required: bool = True) -> Optional[date]:
    value = raw.get(name)
    if value is None and not required:
        return None
    # tomllib gives datetime (a date subclass) for values with a time; only bare dates are meant.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _Invalid(f"{where}.{name} harus berupa tanggal TOML tanpa tanda kutip, mis. 2025-05-16")
    return value


def parse_extra_days_off(values) -> list[date]:
    """Extra days off from the workspace configuration: "2025-05-30" strings (or TOML dates).

    `None` gives an empty list. Raises `WorkspaceError` naming the first value that is not a date.
    """
    if values is None:
        return []
    if isinstance(values, (str, date)):
        values = [values]
    days = []
    for value in values:
        if isinstance(value, date) and not isinstance(value, datetime):
            days.append(value)
            continue
        try:
            if not (isinstance(value, str) and _ISO_DATE.fullmatch(value.strip())):
                raise ValueError
            days.append(date.fromisoformat(value.strip()))
        except ValueError:
            raise WorkspaceError(
                f"Hari libur tambahan {value!r} bukan tanggal yang sah (format TTTT-BB-HH, mis. 2025-05-30)."
            ) from None
    return sorted(set(days))


# -- working days -------------------------------------------------------------------------------


EXTRA_DAY_OFF_NAME = "Hari libur tambahan (konfigurasi ruang kerja)"


class WorkingCalendar:
    """Working days in Indonesia: Monday to Friday, except national holidays, cuti bersama and
    the workspace's extra days off.

    Holidays come from the `holidays` package, Indonesia with categories "public" and
    "government" (the latter holds cuti bersama), names in Indonesian. Years are filled in as
    they are asked for.
    """

    def __init__(self, extra_days_off: Iterable[date] = ()):
        self.extra_days_off = frozenset(extra_days_off)
        self._holidays = holidays.Indonesia(categories=("public", "government"), language="id")
        self._days_off_by_year: dict = {}

    def holiday_name(self, d: date) -> Optional[str]:
        """Name of the holiday on `d` (several joined by "; "), or None. Weekends have no name."""
        name = self._holidays.get(d)
        if d in self.extra_days_off:
            name = f"{name}; {EXTRA_DAY_OFF_NAME}" if name else EXTRA_DAY_OFF_NAME
        return name

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays and d not in self.extra_days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start`; `start` itself does not count. n=0 gives `start`."""
        if n < 0:
            raise ValueError("n must not be negative")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, after: date, upto: date) -> int:
        """Number of working days d with `after` < d <= `upto` (0 when `upto` <= `after`)."""
        if upto <= after:
            return 0
        # weekdays by arithmetic, then the days off that fall on weekdays: a late file a year
        # after its deadline costs a few dozen holiday lookups, not hundreds of day checks
        return _weekdays_upto(upto) - _weekdays_upto(after) - sum(
            1 for d in self._days_off(after.year, upto.year) if after < d <= upto
        )

    def _days_off(self, first_year: int, last_year: int) -> set:
        """Weekday holidays, cuti bersama and extra days off of the years given."""
        days = set()
        for year in range(first_year, last_year + 1):
            if year not in self._days_off_by_year:
                self._holidays.get(date(year, 1, 1))  # makes the library fill in that year
                self._days_off_by_year[year] = {
                    d for d in (*self._holidays, *self.extra_days_off) if d.year == year and d.weekday() < 5
                }
            days |= self._days_off_by_year[year]
        return days


def _weekdays_upto(d: date) -> int:
    """Monday-to-Friday days from an epoch Monday up to and including `d`."""
    days = (d - _EPOCH_MONDAY).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


_EPOCH_MONDAY = date(1900, 1, 1)  # a Monday


# -- deadlines and timeliness -------------------------------------------------------------------


def deadline(period: Period, region: Region, calendar: WorkingCalendar) -> datetime:
    """23:59:59 in the region's time zone on `period.closes`, or on the `working_days`-th
    working day after `period.opens`."""
    if period.closes is not None:
        day = period.closes
    elif period.working_days is not None:
        day = calendar.add_working_days(period.opens, period.working_days)
    else:
        raise ValueError(f"period {period.id} has neither closes nor working_days")
    return datetime.combine(day, END_OF_DAY, tzinfo=region.tz)


def _require_aware(moment: datetime, name: str):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def window(period: Period, region: Region, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    """The moments [start, end) a form arriving without naming its period belongs to `period`:
    from its opening day to the next period's opening day or to `late_window_days` days after its
    deadline, whichever comes first (MODEL.md)."""
    start = datetime.combine(period.opens, time(0), tzinfo=region.tz)
    end = deadline(period, region, calendar) + timedelta(days=region.late_window_days, seconds=1)
    later = sorted(p.opens for p in region.periods if p.opens > period.opens)
    if later:
        end = min(end, datetime.combine(later[0], time(0), tzinfo=region.tz))
    return start, end


def no_window_message(region: Region, received_at: datetime) -> str:
    """Why a form waits in inbox/: no period of periods.toml holds its arrival."""
    day = format_date(received_at.astimezone(region.tz).date())
    return (f"Belum ada periode di periods.toml untuk berkas yang diterima {day}; berkas menunggu di inbox "
            "dan diproses setelah periodenya ditambahkan ke periods.toml.")


def resolve_period(
    region: Region, received_at: datetime, hint: Optional[str] = None,
    calendar: Optional[WorkingCalendar] = None,
) -> tuple[Optional[Period], list[str]]:
    """The period a submission received at `received_at` belongs to, and Indonesian warnings.

    `hint` is a period the form names ("tahap-2"): it picks the period whose id is the hint or
    ends with "-" + hint, case-insensitive, the one opening nearest the arrival; it holds the form
    until `late_window_days` after its deadline (a late Tahap I form sent during Tahap II is still
    Tahap I's). A hint that matches nothing gives a warning and falls back to the window rule: the
    period whose `window` holds `received_at`; before the first period opens, the first period
    with a warning. `(None, [message])` when no period can hold the form: the region has none, or
    the arrival is past every window (the form waits for its period to be added).
    """
    _require_aware(received_at, "received_at")
    calendar = calendar or WorkingCalendar()
    periods = sorted(region.periods, key=lambda p: p.opens)
    if not periods:
        return None, [f"{region.name} tidak memiliki periode evaluasi di periods.toml."]
    local_day = received_at.astimezone(region.tz).date()
    warnings = []
    if hint is not None and hint.strip():
        wanted = hint.strip().lower()
        matches = [p for p in periods if p.id.lower() == wanted or p.id.lower().endswith("-" + wanted)]
        if matches:
            # Several years may share "tahap-2": take the one opening nearest the arrival, so a
            # form sent two days before this year's stage opens is not filed under last year's
            named = min(matches, key=lambda p: (abs((p.opens - local_day).days), p.opens))
            late_end = deadline(named, region, calendar) + timedelta(days=region.late_window_days)
            if received_at <= late_end:
                return named, warnings
            return None, [no_window_message(region, received_at)]
        warnings.append(
            f"Periode '{hint.strip()}' yang disebut formulir tidak ada untuk {region.name}; "
            "periode ditentukan dari waktu penerimaan."
        )
    first = periods[0]
    if local_day < first.opens:
        warnings.append(
            f"Berkas diterima {format_date(local_day)}, sebelum periode pertama \"{first.name}\" "
            f"dibuka ({format_date(first.opens)}); dimasukkan ke periode tersebut."
        )
        return first, warnings
    for period in periods:
        start, end = window(period, region, calendar)
        if start <= received_at < end:
            return period, warnings
    return None, [no_window_message(region, received_at)]


def fill_date_doubt(filled_on: Optional[str], period: Period, region: Region,
                    received_at: Optional[datetime]) -> Optional[str]:
    """The message of `tanggal_isi_tidak_wajar` when a fill date does not fit: more than
    `late_window_days` before the period opens, or more than a day after the arrival."""
    if not filled_on:
        return None
    try:
        filled = date.fromisoformat(filled_on)
    except ValueError:
        return None
    if (period.opens - filled).days > region.late_window_days:
        return (f"Tanggal pengisian {format_date(filled)} jauh sebelum {period.name} dibuka "
                f"({format_date(period.opens)}); periksa apakah ini formulir lama")
    if received_at is not None:
        arrived = received_at.astimezone(region.tz).date()
        if (filled - arrived).days > 1:
            return (f"Tanggal pengisian {format_date(filled)} sesudah berkas diterima "
                    f"({format_date(arrived)}); periksa tanggal di formulir")
    return None


def timeliness(received_at: datetime, deadline_at: datetime, calendar: WorkingCalendar) -> dict:
    """`{"status", "deadline", "working_days_late"}` for a submission.

    "tepat_waktu" exactly when `received_at` <= `deadline_at`, else "terlambat".
    `working_days_late` counts working days d with deadline date < d <= local date of
    `received_at` (local = the deadline's time zone); at least 1 when late, 0 when on time.
    """
    _require_aware(received_at, "received_at")
    _require_aware(deadline_at, "deadline_at")
    if received_at <= deadline_at:
        status, late = "tepat_waktu", 0
    else:
        local_day = received_at.astimezone(deadline_at.tzinfo).date()
        status = "terlambat"
        late = max(1, calendar.working_days_between(deadline_at.date(), local_day))
    return {"status": status, "deadline": deadline_at.isoformat(), "working_days_late": late}


def period_by_id(region: Region, period_id: str) -> Period:
    """The period of `region` with this id; WorkspaceError naming the known ones otherwise."""
    for period in region.periods:
        if period.id == period_id:
            return period
    known = ", ".join(p.id for p in region.periods)
    raise WorkspaceError(f"Periode {period_id!r} tidak ada di periods.toml. Pilihan: {known}")
