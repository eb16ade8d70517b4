"""The dashboard's timeliness chart as plain shapes for an inline SVG (no JavaScript library):
for every day of the period so far, how many agencies had sent, on time and late."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sopdoc.outputs.status import PeriodStatus

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 34, 26, 10
MAX_DAYS = 62


@dataclass
class Chart:
    width: int
    height: int
    bars: list  # (x, y, w, h, kind) with kind "ontime" | "late"
    deadline_x: float  # where the deadline falls (None when off the chart)
    grid: list  # (y, label) of horizontal lines
    ticks: list  # (x, label) of dates under the bars
    baseline: float


def received_by_day(report: PeriodStatus) -> list:
    """(day, on time so far, late so far) from the period's opening to today, or to a month past
    the deadline (at most MAX_DAYS days, the last ones)."""
    firsts = [(dt.datetime.fromisoformat(a.received_at).astimezone(report.region.tz).date(), a.status)
              for a in report.agencies if a.received_at]
    start = report.period.opens
    # up to a month past the deadline: what comes later shows in the totals, not in the chart
    end = max(report.deadline.date(), min(report.now.date(), report.deadline.date() + dt.timedelta(days=30)))
    if (end - start).days >= MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    days = []
    day = start
    while day <= end:
        ontime = sum(1 for d, status in firsts if d <= day and status == "tepat_waktu")
        late = sum(1 for d, status in firsts if d <= day and status == "terlambat")
        days.append((day, ontime, late))
        day += dt.timedelta(days=1)
    return days


def timeliness_chart(report: PeriodStatus) -> Chart:
    days = received_by_day(report)
    expected = max(len(report.agencies), 1)
    plot_w, plot_h = WIDTH - LEFT - 6, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(days), 1)
    scale = plot_h / expected
    baseline = TOP + plot_h
    bars, ticks = [], []
    deadline_x = None
    for i, (day, ontime, late) in enumerate(days):
        x = LEFT + i * step
        w = max(step * 0.8, 1)
        if ontime:
            bars.append((round(x, 1), round(baseline - ontime * scale, 1), round(w, 1), round(ontime * scale, 1),
                         "ontime"))
        if late:
            top = baseline - (ontime + late) * scale
            bars.append((round(x, 1), round(top, 1), round(w, 1), round(late * scale, 1), "late"))
        if day == report.deadline.date():
            deadline_x = round(x + step * 0.9, 1)
        if i % max(len(days) // 6, 1) == 0 and x < WIDTH - 40:
            ticks.append((round(x, 1), f"{day.day}/{day.month}"))
    grid = [(round(baseline - n * scale, 1), str(n)) for n in _grid_steps(expected)]
    return Chart(WIDTH, HEIGHT, bars, deadline_x, grid, ticks, baseline)


def _grid_steps(expected: int) -> list:
    step = max(1, -(-expected // 4))
    return list(range(0, expected + 1, step)) + ([expected] if expected % step else [])
