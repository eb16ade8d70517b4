"""`sopdoc watch`: a real watcher subprocess on a real workspace, plus the settling rules in-process."""
import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from excelforms import Facts, banten, default_sops
from testdata import add_banten_2026_period
from sopdoc.intake.store import Store
from sopdoc.intake.watcher import Settler, Watcher

SOPDOC = [sys.executable, "-m", "sopdoc"]
WIB = ZoneInfo("Asia/Jakarta")
SETTLE = 1.0  # empty files wait 5 x SETTLE
# the subprocess tests stop the watcher with SIGTERM, which Windows cannot send
posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="stops the watcher with SIGTERM")


def wait_for(predicate, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def file_rows(ws) -> list:
    if not ws.store_path.exists():
        return []
    db = sqlite3.connect(ws.store_path, timeout=10)
    try:
        return db.execute("SELECT name, outcome, size, reason_code FROM files ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # the watcher has not created the tables yet
        return []
    finally:
        db.close()


def start_watcher(ws, *extra, log):
    return subprocess.Popen(
        SOPDOC + ["watch", "-w", str(ws.root), "--settle", str(SETTLE), "--interval", "0.1", *extra],
        stdout=log, stderr=subprocess.STDOUT,
    )


def stop(proc) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=15)


@pytest.mark.slow
@posix_signals
@pytest.mark.parametrize("mode", ["native", "polling"])
def test_watcher_takes_each_file_once_and_complete(banten_ws, tmp_path, mode):
    ws = banten_ws
    staging = tmp_path / "staging"
    banten(ws.inbox / "awal.xlsx", Facts(agency="Biro Hukum"))  # waiting before the watcher starts
    form = banten(staging / "dinsos.xlsx", Facts(agency="Dinas Sosial")).read_bytes()
    slow = banten(staging / "lambat.xlsx", Facts(agency="Dinas Perhubungan", sops=default_sops(40))).read_bytes()
    late_fill = banten(staging / "isi.xlsx", Facts(agency="Dinas Pariwisata")).read_bytes()

    log_path = tmp_path / "watch.log"
    with open(log_path, "wb") as log:
        proc = start_watcher(ws, *(["--polling"] if mode == "polling" else []), log=log)
        try:
            wait_for(lambda: any(r[0] == "awal.xlsx" for r in file_rows(ws)), what="a file present at start")

            second = subprocess.run(SOPDOC + ["watch", "-w", str(ws.root)], capture_output=True, text=True,
                                    timeout=30)
            assert second.returncode == 2
            assert "sudah dipantau oleh sopdoc watch lain" in second.stderr

            (ws.inbox / "dinsos.xlsx").write_bytes(form)
            (ws.inbox / "dinsos salinan.xlsx").write_bytes(form)  # same bytes: a duplicate
            (ws.inbox / "~$dinsos.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file: left alone
            (ws.inbox / "kosong.xlsx").write_bytes(b"")  # stays empty: refused once it has settled
            empty_then_filled = ws.inbox / "isi.xlsx"
            empty_then_filled.write_bytes(b"")
            with open(ws.inbox / "lambat.xlsx", "wb") as f:  # a slow copy: pauses shorter than --settle
                step = len(slow) // 8 + 1
                for i in range(0, len(slow), step):
                    f.write(slow[i:i + step])
                    f.flush()
                    time.sleep(SETTLE / 5)
            empty_then_filled.write_bytes(late_fill)  # empty for ~1.6 s: past --settle, not 5 x --settle

            expected = {"awal.xlsx", "dinsos.xlsx", "dinsos salinan.xlsx", "kosong.xlsx", "isi.xlsx", "lambat.xlsx"}
            wait_for(lambda: {r[0] for r in file_rows(ws)} >= expected, timeout=20, what="every file")
            time.sleep(2 * SETTLE)  # room for a second, wrong processing to show up
        finally:
            code = stop(proc)
    output = log_path.read_text(encoding="utf-8")
    assert code == 0, output

    rows = file_rows(ws)
    assert sorted(r[0] for r in rows) == sorted(expected), output  # each file exactly once
    by_name = {r[0]: r for r in rows}
    assert by_name["lambat.xlsx"][1:3] == ("accepted", len(slow))
    assert (ws.archive / "banten-2025-tahap-1" / "lambat.xlsx").read_bytes() == slow
    assert by_name["isi.xlsx"][1:3] == ("accepted", len(late_fill))
    assert sorted([by_name["dinsos.xlsx"][1], by_name["dinsos salinan.xlsx"][1]]) == ["accepted", "duplicate"]
    assert by_name["kosong.xlsx"][1::2] == ("refused", "berkas_kosong")
    assert (ws.rejected / "kosong.xlsx.alasan.txt").exists()
    assert [p.name for p in ws.inbox.iterdir()] == ["~$dinsos.xlsx"]

    lines = output.splitlines()
    for name in expected:
        taken = [line for line in lines if f"] DITERIMA {name} →" in line or f"] DITOLAK {name} →" in line
                 or f"] DUPLIKAT {name} →" in line]
        assert len(taken) == 1, output
    assert any("DITERIMA lambat.xlsx → archive/banten-2025-tahap-1/lambat.xlsx" in line for line in lines)
    assert lines[-1].endswith("Berhenti.")


@posix_signals
def test_process_beside_a_running_watcher_never_takes_a_file_twice(banten_ws, tmp_path):
    ws = banten_ws
    staging = tmp_path / "staging"
    staging.mkdir()
    form = banten(tmp_path / "form.xlsx", Facts(agency="Dinas Sosial"))
    names = []
    for i in range(60):
        name = f"berkas {i:02d}.xlsx"
        if i % 5 == 0:
            shutil.copyfile(form, staging / name)
        else:
            (staging / name).write_text(f"bukan formulir {i}")
        names.append(name)

    log_path = tmp_path / "watch.log"
    with open(log_path, "wb") as log:
        proc = start_watcher(ws, "--settle", "0", log=log)
        try:
            wait_for(lambda: "Memantau" in log_path.read_text(encoding="utf-8"), what="the watcher")
            runs = []
            for wave in range(4):  # files keep arriving while both the watcher and `process` work
                for name in names[wave::4]:
                    os.replace(staging / name, ws.inbox / name)
                runs.append(subprocess.Popen(SOPDOC + ["process", "-w", str(ws.root)],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                time.sleep(0.3)
            for run in runs:
                assert run.wait(timeout=30) in (0, 1)
            wait_for(lambda: not any(ws.inbox.iterdir()), what="an empty inbox")
        finally:
            assert stop(proc) == 0

    rows = file_rows(ws)
    assert sorted(r[0] for r in rows) == sorted(names)
    taken = [p.name for p in ws.rejected.glob("*.xlsx")] + [p.name for p in ws.archive.rglob("*.xlsx")]
    assert sorted(taken) == sorted(names)


# -- in-process: arrival time and settling -------------------------------------------------------


def test_a_file_seen_before_midnight_is_on_time_when_processed_after(banten_ws):
    ws = banten_ws
    banten(ws.inbox / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    now = [dt.datetime(2025, 5, 16, 23, 58, tzinfo=WIB)]  # the deadline day, Friday
    watcher = Watcher(ws, settle=SETTLE, clock=lambda: now[0])
    assert watcher.tick(now=0.0) == []  # seen (the rescan at start), not settled yet
    now[0] = dt.datetime(2025, 5, 17, 0, 10, tzinfo=WIB)
    [outcome] = watcher.tick(now=1.0)
    assert outcome.outcome == "accepted"
    with Store(ws.store_path) as store:
        [document] = store.submissions()
        assert store.files()[0]["processed_at"] == "2025-05-17T00:10:00+07:00"
    timeliness = document["timeliness"]
    assert document["received_at"] == "2025-05-16T23:58:00+07:00"
    assert (timeliness["status"], timeliness["working_days_late"]) == ("tepat_waktu", 0)


def test_an_arrival_of_a_file_taken_away_by_hand_is_forgotten(banten_ws):
    ws = banten_ws
    path = ws.inbox / "umum.xlsx"
    path.write_text("x")
    now = [dt.datetime(2025, 5, 10, 8, 0, tzinfo=WIB)]
    watcher = Watcher(ws, settle=SETTLE, clock=lambda: now[0])
    watcher.tick(now=0.0)
    path.unlink()
    watcher.rescan(now=1.0)
    store = Store(ws.store_path)
    assert store.arrival("umum.xlsx") is None  # a later file of the same name gets its own arrival
    store.close()




def test_forms_waiting_for_their_period_are_read_again_only_when_their_file_or_the_periods_change(
        tmp_path, monkeypatch):
    from sopdoc.reading import parsing
    from sopdoc.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", "banten")
    agencies = ["Dinas Kesehatan", "Dinas Sosial", "Dinas Pendidikan", "Dinas Perhubungan"]
    names = [f"opd {i}.xlsx" for i in range(len(agencies))]
    for name, agency in zip(names, agencies):
        banten(ws.inbox / name, Facts(agency=agency, filled_on=dt.date(2026, 5, 13)))
    reads = []
    real_read = parsing.read_file
    monkeypatch.setattr(parsing, "read_file", lambda path, **kw: reads.append(kw["name"]) or real_read(path, **kw))
    now = [dt.datetime(2026, 5, 13, 10, 0, tzinfo=WIB)]  # no period of periods.toml holds this day yet
    lines = []
    watcher = Watcher(ws, settle=SETTLE, rescan=10, clock=lambda: now[0], log=lines.append)

    watcher.tick(now=0.0)
    assert [o.outcome for o in watcher.tick(now=1.0)] == ["waiting"] * 4
    assert sorted(reads) == names
    # rescan after rescan finds them in inbox/ again, and reads none of them
    for moment in (10.0, 11.0, 20.0, 21.0, 30.0, 31.0):
        assert watcher.tick(now=moment) == []
    assert len(reads) == 4 and len(lines) == 4

    # a form rewritten in place is read again, alone
    banten(ws.inbox / "opd 0.xlsx", Facts(agency="Dinas Pariwisata", filled_on=dt.date(2026, 5, 13)))
    watcher.tick(now=40.0)
    assert [o.outcome for o in watcher.tick(now=41.0)] == ["waiting"]
    assert reads[4:] == ["opd 0.xlsx"]

    # the period added to periods.toml: every waiting form is read again at once and filed with its
    # first arrival, on time
    now[0] = dt.datetime(2026, 6, 2, 9, 0, tzinfo=WIB)
    add_banten_2026_period(ws.root)
    watcher.tick(now=42.0)
    assert [o.outcome for o in watcher.tick(now=43.0)] == ["accepted"] * 4
    assert sorted(reads[5:]) == names
    assert list(ws.inbox.iterdir()) == []
    with Store(ws.store_path) as store:
        documents = store.submissions(all_versions=True)
        assert store.waiting() == []
    assert {d["received_at"] for d in documents} == {"2026-05-13T10:00:00+07:00"}
    assert {d["timeliness"]["status"] for d in documents} == {"tepat_waktu"}
    assert {d["period"] for d in documents} == {"banten-2026-tahap-1"}


def test_a_growing_file_waits_until_it_has_settled(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK")
    settler = Settler(settle=2)
    assert settler.see(path, 0.0) is True
    assert settler.see(path, 0.5) is False  # repeated events: one candidate per name
    assert settler.ready(tmp_path, 1.9) == []
    with open(path, "ab") as f:
        f.write(b"more")
    assert settler.ready(tmp_path, 3.0) == []  # changed: the settle time starts again
    assert settler.ready(tmp_path, 4.9) == []
    assert settler.ready(tmp_path, 5.0) == [path]


def test_an_empty_file_waits_longer_then_is_taken(tmp_path):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    settler = Settler(settle=2)
    settler.see(path, 0.0)
    assert settler.ready(tmp_path, 9.9) == []
    assert settler.ready(tmp_path, 10.0) == [path]


def test_a_busy_file_is_retried_with_backoff_never_dropped(tmp_path):
    path = tmp_path / "dikunci.xlsx"
    path.write_bytes(b"PK")
    attempts = []

    def readable(p):
        attempts.append(p.name)
        return len(attempts) > 4

    busy = []
    settler = Settler(settle=1, readable=readable, on_busy=lambda name, n: busy.append(n))
    settler.see(path, 0.0)
    moments = [1.0, 1.2, 1.5, 2.0, 2.4, 3.0, 5.0, 6.9, 7.0]
    taken = [t for t in moments if settler.ready(tmp_path, t)]
    # tried at 1.0 (busy, next 1.5), 1.5 (busy, next 2.5), 3.0 (busy, next 5.0), 5.0 (busy, next 9.0)
    assert busy == [1, 2, 3, 4]
    assert taken == []
    assert settler.ready(tmp_path, 9.0) == [path]
    path.unlink()
    assert settler.ready(tmp_path, 20.0) == [] and settler.candidates == {}


def test_a_file_whose_processing_fails_is_retried_not_left(banten_ws, monkeypatch):
    from sopdoc.intake.batch import Intake

    ws = banten_ws
    banten(ws.inbox / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    real = Intake.process_file
    failures = []

    def flaky(self, path):
        if not failures:
            failures.append(path.name)
            raise PermissionError(13, "Berkas sedang dipakai proses lain")  # Windows: the mover lost a race
        return real(self, path)

    monkeypatch.setattr(Intake, "process_file", flaky)
    lines = []
    watcher = Watcher(ws, settle=SETTLE, log=lines.append)
    assert watcher.tick(now=0.0) == []
    assert watcher.tick(now=1.0) == []  # failed: retried after 0.5 s
    assert lines == ["DITUNDA dinkes.xlsx: Belum dapat diproses (PermissionError: [Errno 13] Berkas sedang dipakai "
                     "proses lain); dicoba lagi pada putaran berikutnya."]
    assert watcher.tick(now=1.2) == []
    [outcome] = watcher.tick(now=1.6)
    assert outcome.outcome == "accepted" and failures == ["dinkes.xlsx"]
    assert lines[-1].startswith("DITERIMA dinkes.xlsx → archive/banten-2025-tahap-1/dinkes.xlsx (Dinas Kesehatan,")
