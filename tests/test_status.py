"""`sopdoc status` over real Banten forms processed with --received-from mtime.

Banten Tahap I 2025 closes Friday 16 May 2025 at 23:59:59 WIB; 17-18 May is a weekend, 19-20 May
are working days.
"""
import datetime as dt
import json
import os
import re
import shutil
from zoneinfo import ZoneInfo

import pytest

from testdata import keep_periods_open
from excelforms import Facts, banten, default_sops
from sopdoc.app import Season
from sopdoc.intake.store import Store
from sopdoc.workspace import init_workspace, open_workspace

WIB = ZoneInfo("Asia/Jakarta")
PERIOD = "banten-2025-tahap-1"


def drop(ws, name, arrived, facts=None, *, source=None):
    """Put a form (or a copy of `source`) into the inbox with `arrived` as its modification time."""
    path = ws.inbox / name
    if source is not None:
        shutil.copyfile(source, path)
    else:
        banten(path, facts)
    stamp = arrived.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def season(banten_ws, run, tmp_path):
    """Two batches: first submissions (on time, late by 1 and 2 working days, the last second before
    the deadline, an unknown agency), then a revision and an identical copy."""
    ws = banten_ws
    first = drop(ws, "dinkes.xlsx", at(2025, 5, 14, 9, 0), Facts(agency="Dinas Kesehatan"))
    kept = tmp_path / "dinkes-copy.xlsx"
    shutil.copyfile(first, kept)
    drop(ws, "hukum.xlsx", at(2025, 5, 16, 23, 59, 59), Facts(agency="Biro Hukum"))
    drop(ws, "dinsos.xlsx", at(2025, 5, 17, 10, 0), Facts(agency="Dinas Sosial"))
    drop(ws, "dishub.xlsx", at(2025, 5, 20, 8, 0), Facts(agency="Dinas Perhubungan"))
    drop(ws, "antah.xlsx", at(2025, 5, 15, 11, 30), Facts(agency="Dinas Antah Berantah"))
    result = run("process", "-w", ws.root, "--received-from", "mtime")
    assert result.exit_code == 0, result.output

    drop(ws, "dinkes revisi.xlsx", at(2025, 5, 21, 14, 0), Facts(agency="Dinas Kesehatan", sops=default_sops(5)))
    drop(ws, "dinkes salinan.xlsx", at(2025, 5, 22, 8, 0), source=kept)
    result = run("process", "-w", ws.root, "--received-from", "mtime")
    assert result.exit_code == 0, result.output
    assert "1 diterima, 0 ditolak, 1 duplikat" in result.output
    return ws


def table_rows(output: str) -> dict:
    """Rows of the status table by agency code, split on the column gaps."""
    rows = {}
    for line in output.splitlines():
        if re.match(r"\d{2}\.\d{2}\s", line):
            cells = re.split(r"\s{2,}", line.strip())
            rows[cells[0]] = cells
    return rows


def test_table_shows_every_agency_with_its_status(season, run):
    result = run("status", "-w", season.root, "--period", PERIOD, "--now", "2025-05-23T10:00:00+07:00")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Provinsi Banten — Evaluasi Pelaksanaan SOP Tahap I Tahun 2025 ({PERIOD})"
    assert lines[1] == "Batas waktu : Jumat, 16 Mei 2025 pukul 23.59 WIB"
    assert lines[2] == "Sisa waktu  : batas waktu sudah lewat"
    assert lines[4].split() == ["Kode", "Perangkat", "Daerah", "Status", "Versi", "Jumlah", "SOP", "Diterima"]

    rows = table_rows(result.output)
    assert len(rows) == 39  # the register but the organiser (Biro Organisasi, 36.05)
    # the revision is version 2 and its 5 SOPs count; the status stays that of version 1
    assert rows["36.09"] == ["36.09", "Dinas Kesehatan", "Tepat Waktu", "2", "5", "14 Mei 2025 09.00"]
    assert rows["36.02"] == ["36.02", "Biro Hukum", "Tepat Waktu", "1", "3", "16 Mei 2025 23.59"]
    assert rows["36.13"] == ["36.13", "Dinas Sosial", "Terlambat (1 hari kerja)", "1", "3", "17 Mei 2025 10.00"]
    assert rows["36.17"] == ["36.17", "Dinas Perhubungan", "Terlambat (2 hari kerja)", "1", "3", "20 Mei 2025 08.00"]
    assert rows["36.01"] == ["36.01", "Biro Pemerintahan dan Kesejahteraan Rakyat", "Belum Menyampaikan", "0", "-", "-"]
    assert rows["36.29"][1] == "Dinas Pemberdayaan Perempuan, Perlindungan Anak,…"

    # columns line up: every row starts its status where the header does
    header = lines[4]
    for line in lines[6:45]:
        assert line[header.index("Status") - 2:header.index("Status")] == "  "

    assert "Jumlah: 39 perangkat daerah — 2 tepat waktu, 2 terlambat, 35 belum menyampaikan." in lines
    assert ("Penyelenggara (Biro Organisasi dan Reformasi Birokrasi Sekretariat Daerah Provinsi Banten) tidak "
            "dihitung sebagai perangkat daerah yang wajib menyampaikan.") in lines
    assert "Kiriman yang perangkat daerahnya tidak dikenali (1):" in lines
    assert "  'Dinas Antah Berantah' — antah.xlsx, 3 SOP, diterima 15 Mei 2025 11.30" in lines
    assert any('sopdoc alias "Dinas Antah Berantah" KODE' in line for line in lines)


def test_json_for_scripts(season, run):
    result = run("status", "-w", season.root, "--period", PERIOD, "--json", "--now", "2025-05-14T10:00:00+07:00")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["schema"] == "sopdoc.status/1"
    assert report["region"] == {"key": "banten", "code": "36", "name": "Provinsi Banten"}
    assert report["period"]["id"] == PERIOD
    assert report["deadline"] == "2025-05-16T23:59:59+07:00"
    assert report["working_days_left"] == 2  # Thursday 15 and Friday 16 May
    assert report["totals"] == {"agencies": 39, "tepat_waktu": 2, "terlambat": 2, "belum_menyampaikan": 35,
                                "unmatched": 1}
    by_code = {a["code"]: a for a in report["agencies"]}
    assert by_code["36.09"] == {
        "code": "36.09", "name": "Dinas Kesehatan", "status": "tepat_waktu", "label": "Tepat Waktu",
        "working_days_late": 0, "versions": 2, "sops": 5,
        "received_at": "2025-05-14T09:00:00+07:00", "latest_received_at": "2025-05-21T14:00:00+07:00",
        "latest_file": "dinkes revisi.xlsx",
    }
    assert by_code["36.17"]["status"] == "terlambat"
    assert by_code["36.17"]["working_days_late"] == 2
    assert by_code["36.13"]["working_days_late"] == 1
    assert by_code["36.01"]["status"] == "belum_menyampaikan"
    assert by_code["36.01"]["versions"] == 0 and by_code["36.01"]["sops"] is None
    assert report["unmatched"] == [{"as_written": "Dinas Antah Berantah", "file": "antah.xlsx",
                                    "received_at": "2025-05-15T11:30:00+07:00", "status": "tepat_waktu",
                                    "sops": 3}]


def test_days_left_and_default_period(season, run):
    def header(now):
        result = run("status", "-w", season.root, "--now", now)
        assert result.exit_code == 0, result.output
        return result.output.splitlines()[:3]

    # without --period: the period whose window holds now
    assert header("2025-05-13T08:00:00+07:00")[2] == "Sisa waktu  : 3 hari kerja lagi"  # 14, 15, 16 May
    assert header("2025-05-16T20:00:00+07:00")[2] == "Sisa waktu  : hari ini hari terakhir"
    late = header("2025-06-11T08:00:00+07:00")
    assert late[0].startswith("Provinsi Banten — Evaluasi Pelaksanaan SOP Tahap II Tahun 2025")
    assert late[1] == "Batas waktu : Selasa, 17 Juni 2025 pukul 23.59 WIB"


def test_identical_bytes_change_nothing(season, run):
    before = run("status", "-w", season.root, "--period", PERIOD, "--json").output
    drop(season, "dinkes lagi.xlsx", at(2025, 5, 30, 9, 0), source=season.archive / PERIOD / "dinkes revisi.xlsx")
    result = run("process", "-w", season.root, "--received-from", "mtime")
    assert "1 duplikat" in result.output
    after = run("status", "-w", season.root, "--period", PERIOD, "--json").output
    assert json.loads(after)["agencies"] == json.loads(before)["agencies"]


def test_submission_of_an_agency_removed_from_the_register_is_not_lost(season, run):
    register = season.root / "agencies.csv"
    register.write_text("".join(line for line in register.read_text(encoding="utf-8").splitlines(True)
                                if not line.startswith("36.17,")), encoding="utf-8")
    report = json.loads(run("status", "-w", season.root, "--period", PERIOD, "--json").output)
    assert report["totals"]["agencies"] == 38
    assert {u["file"] for u in report["unmatched"]} == {"antah.xlsx", "dishub.xlsx"}


def test_unknown_period_is_an_operational_error(banten_ws, run):
    result = run("status", "-w", banten_ws.root, "--period", "banten-1999")
    assert result.exit_code == 2
    assert "Periode 'banten-1999' tidak ada" in result.output


def test_an_alias_added_later_applies_to_stored_submissions(tmp_path, run):
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    banten(ws.inbox / "dishub.xlsx", Facts(agency="Dinas Perhubungn"))
    assert run("process", "-w", ws.root).exit_code == 0
    season = Season.open(ws.root)
    assert len(season.status("banten-2025-tahap-1").unmatched) == 1
    result = run("alias", "Dinas Perhubungn", "36.17", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert "dishub.xlsx kini dihitung untuk Dinas Perhubungan" in result.output
    assert open_workspace(ws.root).config["aliases"] == {"Dinas Perhubungn": "36.17"}
    report = Season.open(ws.root).status("banten-2025-tahap-1")
    assert report.unmatched == []
    [dishub] = [a for a in report.agencies if a.agency.code == "36.17"]
    assert dishub.status != "belum_menyampaikan" and dishub.versions == 1
    assert [w["code"] for w in dishub.latest["warnings"] if w["code"].startswith("opd")] == []
    with Store(ws.store_path) as store:
        assert store.submissions()[0]["agency"]["code"] == "36.17"


def test_an_alias_written_by_hand_applies_at_the_next_batch(tmp_path, run):
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    banten(ws.inbox / "dishub.xlsx", Facts(agency="Dinas Perhubungn"))
    run("process", "-w", ws.root)
    config = ws.root / "sopdoc.toml"
    config.write_text(config.read_text() + '"Dinas Perhubungn" = "36.17"\n')
    assert len(Season.open(ws.root).status("banten-2025-tahap-1").unmatched) == 1  # a read changes nothing
    result = run("process", "-w", ws.root)
    assert "Alias diterapkan: dishub.xlsx dihitung untuk kode 36.17." in result.output
    assert Season.open(ws.root).status("banten-2025-tahap-1").unmatched == []


def test_an_alias_is_refused_for_an_unknown_code_or_a_name_taken(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    result = run("alias", "Dinas Antah", "99.99", "-w", ws.root)
    assert result.exit_code == 2 and "Kode '99.99' tidak ada" in result.output
    assert run("alias", "Dishub Prov", "36.17", "-w", ws.root).exit_code == 0
    assert run("alias", "Dishub Prov", "36.17", "-w", ws.root).exit_code == 0  # the same again: nothing to do
    result = run("alias", "Dishub Prov", "36.01", "-w", ws.root)
    assert result.exit_code == 2 and "sudah dipakai untuk kode 36.17" in result.output
    assert open_workspace(ws.root).config["aliases"] == {"Dishub Prov": "36.17"}


def test_a_file_matched_late_by_an_alias_takes_its_place_in_arrival_order(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    early = banten(ws.inbox / "a.xlsx", Facts(agency="Dinas Perhubungn"))  # on time, misspelt
    late = banten(ws.inbox / "b.xlsx", Facts(agency="Dinas Perhubungan", sops=default_sops(5)))
    for path, day in ((early, 14), (late, 20)):
        stamp = dt.datetime(2025, 5, day, 10, tzinfo=ZoneInfo("Asia/Jakarta")).timestamp()
        os.utime(path, (stamp, stamp))
    run("process", "-w", ws.root, "--received-from", "mtime")
    Season.open(ws.root).add_alias("Dinas Perhubungn", "36.17")
    report = Season.open(ws.root).status("banten-2025-tahap-1")
    [dishub] = [a for a in report.agencies if a.agency.code == "36.17"]
    assert dishub.status == "tepat_waktu" and dishub.versions == 2
    assert (dishub.first["source"]["file"], dishub.latest["source"]["file"]) == ("a.xlsx", "b.xlsx")
    assert dishub.latest["source"]["version"] == 2
