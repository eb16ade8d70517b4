from datetime import date, datetime, timedelta, timezone
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from sopdoc.rules.deadlines import (
    Period,
    Region,
    WorkingCalendar,
    deadline,
    load_regions,
    parse_extra_days_off,
    resolve_period,
    window,
    fill_date_doubt,
    timeliness,
)
from sopdoc.errors import WorkspaceError

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(scope="module")
def regions():
    return load_regions()


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


def test_bundled_regions(regions):
    assert list(regions) == ["banten", "bontang", "sidoarjo", "bengkulu", "tanjungbalai"]
    banten = regions["banten"]
    assert banten.tz == WIB
    assert regions["bontang"].tz == WITA
    assert [p.id for p in banten.periods] == ["banten-2025-tahap-1", "banten-2025-tahap-2"]
    assert banten.periods[0].meetings[0].date == date(2025, 6, 10)
    assert banten.periods[0].meetings[0].groups == (1,)
    assert regions["bontang"].legal_basis is None
    tanjungbalai = regions["tanjungbalai"].periods[0]
    assert (tanjungbalai.closes, tanjungbalai.working_days) == (None, 10)


@pytest.mark.parametrize(
    "content,problem",
    [
        ("[regions.x\nname = 1", "bukan TOML yang sah"),
        ("title = 'no regions'", "[regions]"),
        (
            '[regions.x]\nname="X"\ncode="1"\ntimezone="Asia/Nowhere"\ncapital="X"\norganizer="X"',
            "Asia/Nowhere",
        ),
        (
            '[regions.x]\nname="X"\ncode="1"\ntimezone="Asia/Jakarta"\ncapital="X"\norganizer="X"\n'
            '[[regions.x.periods]]\nid="p"\nname="P"\nopens=2025-01-01\ncloses=2025-01-10\nworking_days=5',
            "'closes' atau 'working_days'",
        ),
        (
            '[regions.x]\nname="X"\ncode="1"\ntimezone="Asia/Jakarta"\ncapital="X"\norganizer="X"\n'
            '[[regions.x.periods]]\nid="p"\nname="P"\nopens="2025-01-01"\ncloses=2025-01-10',
            "regions.x.periods[0].opens",
        ),
        ('[regions.x]\nname="X"\ncode="1"\ntimezone="Asia/Jakarta"\ncapital="X"', "organizer"),
    ],
)
def test_load_regions_invalid(tmp_path, content, problem):
    path = tmp_path / "periods.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        load_regions(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_load_regions_missing_file(tmp_path):
    with pytest.raises(WorkspaceError, match="tidak dapat dibaca"):
        load_regions(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "day,working",
    [
        (date(2019, 5, 28), True),  # Tuesday
        (date(2019, 5, 30), False),  # Kenaikan Isa Almasih
        (date(2019, 6, 3), False),  # cuti bersama Idul Fitri
        (date(2019, 6, 4), False),  # cuti bersama Idul Fitri
        (date(2019, 6, 5), False),  # Idul Fitri
        (date(2019, 6, 7), False),  # cuti bersama Idul Fitri
        (date(2019, 6, 8), False),  # Saturday
        (date(2019, 6, 10), True),
        (date(2025, 5, 30), False),  # cuti bersama Kenaikan Yesus Kristus
    ],
)
def test_is_working_day(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_holiday_names(calendar):
    assert "Cuti Bersama" in calendar.holiday_name(date(2019, 6, 3))
    assert calendar.holiday_name(date(2019, 6, 8)) is None  # an ordinary Saturday
    extra = WorkingCalendar([date(2019, 6, 10)])
    assert extra.holiday_name(date(2019, 6, 10)).startswith("Hari libur tambahan")


@pytest.mark.parametrize(
    "after,upto,expected",
    [
        (date(2025, 5, 16), date(2025, 5, 17), 0),
        (date(2025, 5, 16), date(2025, 5, 19), 1),
        (date(2025, 5, 16), date(2025, 5, 16), 0),
        (date(2025, 5, 16), date(2025, 5, 10), 0),
        (date(2019, 5, 27), date(2019, 6, 18), 10),
    ],
)
def test_working_days_between(calendar, after, upto, expected):
    assert calendar.working_days_between(after, upto) == expected


def test_add_working_days(calendar):
    assert calendar.add_working_days(date(2025, 5, 16), 0) == date(2025, 5, 16)
    assert calendar.add_working_days(date(2025, 5, 16), 1) == date(2025, 5, 19)
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2025, 5, 16), -1)


def test_tanjungbalai_working_days_deadline(regions, calendar):
    # 10 working days after Mon 27 May 2019, skipping Ascension (30 May), cuti bersama and
    # Idul Fitri (3-7 June) and the weekends.
    region = regions["tanjungbalai"]
    assert deadline(region.periods[0], region, calendar) == datetime(2019, 6, 18, 23, 59, 59, tzinfo=WIB)


def test_extra_day_off_shifts_working_days_deadline(regions):
    region = regions["tanjungbalai"]
    calendar = WorkingCalendar(parse_extra_days_off(["2019-06-12"]))
    assert deadline(region.periods[0], region, calendar) == datetime(2019, 6, 19, 23, 59, 59, tzinfo=WIB)


def test_closes_deadline(regions, calendar):
    region = regions["bontang"]
    at = deadline(region.periods[0], region, calendar)
    assert at.isoformat() == "2024-11-01T23:59:59+08:00"


def _banten_deadline(regions, calendar):
    region = regions["banten"]
    return deadline(region.periods[0], region, calendar)  # Friday 16 May 2025


@pytest.mark.parametrize(
    "received_at,status,late",
    [
        (datetime(2025, 5, 16, 23, 59, 59, tzinfo=WIB), "tepat_waktu", 0),
        (datetime(2025, 5, 17, 0, 0, 0, tzinfo=WIB), "terlambat", 1),  # Saturday
        (datetime(2025, 5, 17, 10, 0, tzinfo=WIB), "terlambat", 1),
        (datetime(2025, 5, 18, 10, 0, tzinfo=WIB), "terlambat", 1),  # Sunday
        (datetime(2025, 5, 19, 10, 0, tzinfo=WIB), "terlambat", 1),  # Monday
        (datetime(2025, 5, 21, 10, 0, tzinfo=WIB), "terlambat", 3),
        # UTC, but still 16 May in Banten
        (datetime(2025, 5, 16, 16, 30, tzinfo=timezone.utc), "tepat_waktu", 0),
        # UTC on 16 May, but already Saturday 17 May in Banten
        (datetime(2025, 5, 16, 17, 30, tzinfo=timezone.utc), "terlambat", 1),
    ],
)
def test_timeliness_banten(regions, calendar, received_at, status, late):
    deadline_at = _banten_deadline(regions, calendar)
    assert timeliness(received_at, deadline_at, calendar) == {
        "status": status,
        "deadline": "2025-05-16T23:59:59+07:00",
        "working_days_late": late,
    }


def test_extra_day_off_reduces_working_days_late(regions, calendar):
    deadline_at = _banten_deadline(regions, calendar)
    received_at = datetime(2025, 5, 21, 10, 0, tzinfo=WIB)
    assert timeliness(received_at, deadline_at, calendar)["working_days_late"] == 3
    with_day_off = WorkingCalendar(parse_extra_days_off(["2025-05-20"]))
    assert timeliness(received_at, deadline_at, with_day_off)["working_days_late"] == 2


@pytest.mark.parametrize(
    "received_at,status,late",
    [
        (datetime(2024, 11, 1, 23, 30, tzinfo=WITA), "tepat_waktu", 0),
        # Saturday 2 Nov: no working day after the deadline yet, still 1 by the "at least 1" rule
        (datetime(2024, 11, 2, 0, 20, tzinfo=WITA), "terlambat", 1),
        # 23:30 WITA is 15:30 UTC: on the local deadline day
        (datetime(2024, 11, 1, 15, 30, tzinfo=timezone.utc), "tepat_waktu", 0),
        # 23:30 WIB is 00:30 WITA on Saturday
        (datetime(2024, 11, 1, 23, 30, tzinfo=WIB), "terlambat", 1),
        (datetime(2024, 11, 5, 9, 0, tzinfo=WITA), "terlambat", 2),
    ],
)
def test_timeliness_bontang_wita(regions, calendar, received_at, status, late):
    region = regions["bontang"]
    result = timeliness(received_at, deadline(region.periods[0], region, calendar), calendar)
    assert (result["status"], result["working_days_late"]) == (status, late)


def test_timeliness_requires_aware_datetimes(regions, calendar):
    with pytest.raises(ValueError):
        timeliness(datetime(2025, 5, 16), _banten_deadline(regions, calendar), calendar)


@pytest.mark.parametrize(
    "received_at,hint,expected,warned",
    [
        (datetime(2025, 5, 10, 9, 0, tzinfo=WIB), "tahap-2", "banten-2025-tahap-2", False),
        (datetime(2025, 6, 12, 9, 0, tzinfo=WIB), "TAHAP-1", "banten-2025-tahap-1", False),
        (datetime(2025, 5, 10, 9, 0, tzinfo=WIB), "tahap-3", "banten-2025-tahap-1", True),
        (datetime(2025, 6, 12, 9, 0, tzinfo=WIB), "tahap-3", "banten-2025-tahap-2", True),
        (datetime(2025, 6, 9, 23, 0, tzinfo=WIB), None, "banten-2025-tahap-1", False),
        (datetime(2025, 6, 10, 0, 0, tzinfo=WIB), None, "banten-2025-tahap-2", False),
        # 17:30 UTC on 9 June is 00:30 WIB on 10 June
        (datetime(2025, 6, 9, 17, 30, tzinfo=timezone.utc), None, "banten-2025-tahap-2", False),
        # the last window closes 60 days after Tahap II's deadline (17 June 2025)
        (datetime(2025, 8, 16, 23, 59, tzinfo=WIB), None, "banten-2025-tahap-2", False),
        (datetime(2025, 8, 17, 0, 0, tzinfo=WIB), None, None, True),
        (datetime(2026, 1, 5, 9, 0, tzinfo=WIB), None, None, True),
        (datetime(2026, 5, 12, 9, 0, tzinfo=WIB), "tahap-1", None, True),
        (datetime(2025, 5, 1, 9, 0, tzinfo=WIB), None, "banten-2025-tahap-1", True),
        (datetime(2025, 5, 8, 0, 0, tzinfo=WIB), "", "banten-2025-tahap-1", False),
    ],
)
def test_resolve_period_banten(regions, received_at, hint, expected, warned):
    period, warnings = resolve_period(regions["banten"], received_at, hint)
    assert (period.id if period else None) == expected
    assert bool(warnings) is warned


def test_resolve_period_warnings_name_the_problem(regions):
    _, warnings = resolve_period(regions["banten"], datetime(2025, 5, 10, tzinfo=WIB), "tahap-3")
    assert warnings == [
        "Periode 'tahap-3' yang disebut formulir tidak ada untuk Provinsi Banten; "
        "periode ditentukan dari waktu penerimaan."
    ]
    _, warnings = resolve_period(regions["banten"], datetime(2025, 5, 1, tzinfo=WIB))
    assert "sebelum periode pertama" in warnings[0]
    assert "8 Mei 2025" in warnings[0]


def test_resolve_period_without_periods():
    region = Region("x", "Kota X", "1", "Asia/Jakarta", "X", "Bagian X", None, ())
    period, warnings = resolve_period(region, datetime(2025, 1, 1, tzinfo=WIB))
    assert period is None
    assert len(warnings) == 1


def test_resolve_period_unsorted_periods():
    p1 = Period("x-1", "Satu", date(2025, 1, 1), date(2025, 1, 10), None, ())
    p2 = Period("x-2", "Dua", date(2025, 3, 1), date(2025, 3, 10), None, ())
    region = Region("x", "Kota X", "1", "Asia/Jakarta", "X", "Bagian X", None, (p2, p1))
    assert resolve_period(region, datetime(2025, 2, 1, tzinfo=WIB))[0] is p1


@pytest.mark.parametrize(
    "values,expected",
    [
        (None, []),
        ([], []),
        (["2025-05-30"], [date(2025, 5, 30)]),
        ([" 2025-05-30 ", date(2025, 5, 29), "2025-05-30"], [date(2025, 5, 29), date(2025, 5, 30)]),
    ],
)
def test_parse_extra_days_off(values, expected):
    assert parse_extra_days_off(values) == expected


@pytest.mark.parametrize("bad", ["30-05-2025", "2025-02-30", "20250530", "", 20250530])
def test_parse_extra_days_off_invalid(bad):
    with pytest.raises(WorkspaceError, match="Hari libur tambahan"):
        parse_extra_days_off(["2025-05-29", bad])


def test_working_days_between_agrees_with_counting_day_by_day():
    import random

    calendar = WorkingCalendar([date(2025, 5, 20), date(2019, 6, 10)])
    rng = random.Random(7)
    for _ in range(500):
        after = date(2017, 1, 1) + timedelta(days=rng.randrange(3500))
        upto = after + timedelta(days=rng.randrange(-3, 800))
        by_day = sum(calendar.is_working_day(after + timedelta(days=i)) for i in range(1, (upto - after).days + 1))
        assert calendar.working_days_between(after, upto) == by_day, (after, upto)


def test_a_named_stage_goes_to_the_year_opening_nearest_the_arrival():
    base = load_regions()["banten"]
    this_year = Period("banten-2026-tahap-1", "Tahap I 2026", date(2026, 5, 8), date(2026, 5, 15), None, ())
    region = Region(**{**base.__dict__, "periods": base.periods + (this_year,)})
    wib = region.tz
    early = datetime(2026, 5, 6, 10, 0, tzinfo=wib)  # two days before this year's stage opens
    assert resolve_period(region, early, "tahap-1")[0].id == "banten-2026-tahap-1"
    assert resolve_period(region, datetime(2025, 5, 12, tzinfo=wib), "tahap-1")[0].id == "banten-2025-tahap-1"


def test_a_window_ends_at_the_next_opening_or_late_window_days_after_the_deadline(regions, calendar):
    banten = regions["banten"]
    tahap_1, tahap_2 = banten.periods
    assert window(tahap_1, banten, calendar) == (datetime(2025, 5, 8, tzinfo=WIB), datetime(2025, 6, 10, tzinfo=WIB))
    assert window(tahap_2, banten, calendar) == (datetime(2025, 6, 10, tzinfo=WIB), datetime(2025, 8, 17, tzinfo=WIB))
    short = Region(**{**banten.__dict__, "late_window_days": 5})
    assert window(tahap_1, short, calendar)[1] == datetime(2025, 5, 22, tzinfo=WIB)


def test_late_window_days_is_read_per_region(tmp_path):
    text = (resources.files("sopdoc") / "data" / "periods.toml").read_text(encoding="utf-8")
    path = tmp_path / "periods.toml"
    path.write_text(text.replace('capital = "Serang"', 'capital = "Serang"\nlate_window_days = 30'), encoding="utf-8")
    regions = load_regions(path)
    assert regions["banten"].late_window_days == 30
    assert regions["bontang"].late_window_days == 60
    assert regions["banten"].organizer_code == "36.05"
    path.write_text(text.replace('capital = "Serang"', 'capital = "Serang"\nlate_window_days = "lama"'),
                    encoding="utf-8")
    with pytest.raises(WorkspaceError, match="late_window_days"):
        load_regions(path)


def test_a_toml_syntax_error_is_told_in_indonesian_with_its_line(tmp_path):
    path = tmp_path / "periods.toml"
    path.write_text('[regions.x]\nname = "X"\ncode 17\n', encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        load_regions(path)
    assert "baris 3, kolom 6: tanda '=' tidak ada setelah nama isian" in str(e.value)
    assert "Expected" not in str(e.value)


@pytest.mark.parametrize(
    "filled_on,received,doubt",
    [
        ("2025-05-14", datetime(2025, 5, 14, 9, tzinfo=WIB), None),
        ("2025-03-09", datetime(2025, 5, 14, 9, tzinfo=WIB), None),  # 60 days before it opens
        ("2025-03-08", datetime(2025, 5, 14, 9, tzinfo=WIB), "8 Maret 2025"),
        ("2021-05-14", datetime(2025, 5, 14, 9, tzinfo=WIB), "14 Mei 2021"),
        ("2025-05-15", datetime(2025, 5, 14, 9, tzinfo=WIB), None),  # one day after: a time zone, a slip
        ("2025-05-16", datetime(2025, 5, 14, 9, tzinfo=WIB), "16 Mei 2025"),
        (None, datetime(2025, 5, 14, 9, tzinfo=WIB), None),
    ],
)
def test_fill_dates_that_do_not_fit_are_doubted_with_both_dates(regions, filled_on, received, doubt):
    banten = regions["banten"]
    message = fill_date_doubt(filled_on, banten.periods[0], banten, received)
    if doubt is None:
        assert message is None
    else:
        assert doubt in message
        assert ("8 Mei 2025" in message) or ("14 Mei 2025" in message)
