"""Dates, times and zones written the Indonesian way, for every message, recap and letter."""
from __future__ import annotations

import datetime as dt
from typing import Optional
from zoneinfo import ZoneInfo

from sopdoc.rules.deadlines import format_date

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

__all__ = ["DAYS", "ZONES", "format_date", "zone_label", "long_date", "moment_text", "short_moment"]


def zone_label(timezone: str) -> str:
    """"Asia/Jakarta" -> "WIB"; other zones keep their name."""
    return ZONES.get(timezone, timezone)


def long_date(d: dt.date) -> str:
    """`date(2025, 6, 10)` -> "Selasa, 10 Juni 2025"."""
    return f"{DAYS[d.weekday()]}, {format_date(d)}"


def moment_text(moment: dt.datetime, timezone: str) -> str:
    """A tz-aware moment in the zone `timezone`: "Jumat, 16 Mei 2025 pukul 23.59 WIB"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{long_date(local.date())} pukul {local:%H.%M} {zone_label(timezone)}"


def short_moment(iso: Optional[str], timezone: str, with_zone: bool = False) -> str:
    """An ISO moment as "14 Mei 2025 09.12" (plus " WIB" with `with_zone`); "" for None."""
    if not iso:
        return ""
    local = dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone))
    text = f"{format_date(local.date())} {local:%H.%M}"
    return f"{text} {zone_label(timezone)}" if with_zone else text
