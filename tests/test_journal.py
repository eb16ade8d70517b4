"""The journal, `sopdoc rebuild`, `sopdoc backup` and `sopdoc move`: a store that can be lost
and made again, with the same season in it."""
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from excelforms import Facts, banten, default_sops
from sopdoc.intake.journal import Journal
from sopdoc.intake.store import Store
from sopdoc.workspace import init_workspace
from test_letters import CONFIG
from test_recap import WIB

TAHAP_1, TAHAP_2 = "banten-2025-tahap-1", "banten-2025-tahap-2"


def arrive(path, day, hour=10):
    stamp = dt.datetime(2025, 5, day, hour, tzinfo=WIB).timestamp() if day < 40 else day
    os.utime(path, (stamp, stamp))
    return path


def season(root, run):
    """Two versions of Dinkes, a late Dishub, a duplicate, a refused file, letters and a move."""
    ws = init_workspace(root, "banten")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    arrive(banten(ws.inbox / "dinkes.xlsx"), 14)
    arrive(banten(ws.inbox / "dinkes revisi.xlsx", Facts(sops=default_sops(5))), 15)
    arrive(banten(ws.inbox / "dishub.xlsx", Facts(agency="Dinas Perhubungan", stage="Tahap II")), 20)
    shutil.copy(ws.inbox / "dinkes.xlsx", ws.inbox / "dinkes salinan.xlsx")
    arrive(ws.inbox / "dinkes salinan.xlsx", 21)
    (ws.inbox / "surat pengantar.pdf").write_bytes(b"%PDF-1.4 bukan formulir")
    arrive(ws.inbox / "surat pengantar.pdf", 22)
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 1
    # the Dishub form named Tahap II by mistake: staff move it where it belongs
    moved = run("move", "dishub.xlsx", "--period", TAHAP_1, "-w", ws.root)
    assert moved.exit_code == 0, moved.output
    assert "terlambat 2 hari kerja" in moved.output
    letters = run("letters", "-w", ws.root, "--period", TAHAP_1, "--kind", "teguran", "--now", "2025-06-02T10:00")
    assert letters.exit_code == 0, letters.output
    return ws


def snapshot(ws):
    store = Store(ws.store_path)
    try:
        documents = sorted(store.submissions(all_versions=True), key=lambda d: d["source"]["sha256"])
        files = sorted((f["name"], f["sha256"], f["received_at"], f["outcome"], f["stored_as"], f["reason_code"])
                       for f in store.files())
        letters = [(r["kind"], r["number"], r["seq"], r["period"], r["agency_code"], r["path"], r["issued_at"])
                   for r in store.letters()]
        return documents, files, letters
    finally:
        store.close()


def status_json(run, ws, period):
    result = run("status", "-w", ws.root, "--period", period, "--json", "--now", "2025-06-30T10:00")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_lost_store_is_rebuilt_from_the_folders_and_the_journal(tmp_path, run):
    ws = season(tmp_path / "ws", run)
    before = snapshot(ws)
    statuses = {p: status_json(run, ws, p) for p in (TAHAP_1, TAHAP_2)}
    documents, files, letters = before
    assert {d["source"]["file"]: (d["period"], d["source"]["version"]) for d in documents} == {
        "dinkes.xlsx": (TAHAP_1, 1), "dinkes revisi.xlsx": (TAHAP_1, 2), "dishub.xlsx": (TAHAP_1, 1)}
    assert len(letters) > 1
    lines = [e.event for e in Journal(ws.journal_path).entries()]
    assert sorted(set(lines)) == ["accepted", "duplicate", "letter", "moved", "refused"]

    for suffix in ("", "-wal", "-shm"):
        ws.root.joinpath("sopdoc.db" + suffix).unlink(missing_ok=True)
    for command in (["status"], ["process"], ["recap"], ["export"], ["letters", "--list"]):
        result = run(*command, "-w", ws.root)
        assert result.exit_code == 2, (command, result.output)
        assert "sopdoc rebuild" in result.output and "tidak ada" in result.output
    assert not ws.store_path.exists()

    rebuilt = run("rebuild", "-w", ws.root)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "3 kiriman diterima, 1 duplikat, 1 ditolak" in rebuilt.output
    assert snapshot(ws) == before
    assert {p: status_json(run, ws, p) for p in (TAHAP_1, TAHAP_2)} == statuses

    # the counter goes on after the highest number ever issued: no number on two letters
    again = run("letters", "-w", ws.root, "--period", TAHAP_1, "--kind", "laporan", "--now", "2025-06-02T11:00")
    assert again.exit_code == 0, again.output
    seqs = [letter[2] for letter in snapshot(ws)[2]]
    assert seqs[-1] == max(seqs[:-1]) + 1


def test_rebuild_leaves_an_existing_store_alone(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    run("process", "-w", ws.root)  # makes the store
    result = run("rebuild", "-w", ws.root)
    assert result.exit_code == 2 and "masih ada" in result.output


def test_moving_a_submission_recounts_versions_and_timeliness_in_both_periods(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    arrive(banten(ws.inbox / "a.xlsx", Facts(stage="Tahap II")), 14)
    arrive(banten(ws.inbox / "b.xlsx", Facts(stage="Tahap I")), 15)
    arrive(banten(ws.inbox / "c.xlsx", Facts(stage="Tahap II", sops=default_sops(4))), 16)
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 0
    with Store(ws.store_path) as store:
        sha = store.submissions(period=TAHAP_2, all_versions=True)[0]["source"]["sha256"]
    result = run("move", sha[:10], "--period", TAHAP_1, "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert (ws.archive / TAHAP_1 / "a.xlsx").exists() and not (ws.archive / TAHAP_2 / "a.xlsx").exists()
    with Store(ws.store_path) as store:
        versions = {d["source"]["file"]: (d["period"], d["source"]["version"], d["timeliness"]["status"])
                    for d in store.submissions(all_versions=True)}
    assert versions == {"a.xlsx": (TAHAP_1, 1, "tepat_waktu"), "b.xlsx": (TAHAP_1, 2, "tepat_waktu"),
                        "c.xlsx": (TAHAP_2, 1, "tepat_waktu")}
    [line] = [e for e in Journal(ws.journal_path).entries() if e.event == "moved"]
    assert line.data["from"] == f"archive/{TAHAP_2}/a.xlsx" and line.data["to"] == f"archive/{TAHAP_1}/a.xlsx"
    assert line.data["by"]
    with Store(ws.store_path) as store:
        [moved] = [d for d in store.submissions(all_versions=True) if d["source"]["file"] == "a.xlsx"]
    assert any(w["code"] == "periode_dipindahkan" for w in moved["warnings"])

    unknown = run("move", "tidak-ada.xlsx", "--period", TAHAP_1, "-w", ws.root)
    assert unknown.exit_code == 2 and "Tidak ada kiriman" in unknown.output
    same = run("move", "b.xlsx", "--period", TAHAP_1, "-w", ws.root)
    assert same.exit_code == 2 and "sudah berada" in same.output


def test_backup_is_a_consistent_copy_taken_while_a_batch_runs(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    for i in range(12):
        arrive(banten(ws.inbox / f"f{i}.xlsx", Facts(sops=default_sops(i + 1))), 14)
    batch = subprocess.Popen([sys.executable, "-m", "sopdoc", "process", "-w", str(ws.root),
                              "--received-from", "mtime"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    copies = []
    while (batch.poll() is None or not copies) and len(copies) < 8:
        if ws.store_path.exists():
            target = tmp_path / f"cadangan {len(copies)}.db"
            result = run("backup", "-w", ws.root, "-o", target)
            assert result.exit_code == 0, result.output
            copies.append(target)
        time.sleep(0.3)
    batch.communicate(timeout=300)
    for copy in copies:
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every submission in a copy has its file record: no half transaction
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == db.execute(
            "SELECT COUNT(*) FROM files WHERE outcome = 'accepted'").fetchone()[0]
        db.close()
    default = run("backup", "-w", ws.root)
    assert default.exit_code == 0 and len(list((ws.root / "cadangan").glob("sopdoc-*.db"))) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="names that are not UTF-8 are POSIX bytes")
def test_a_rebuilt_store_names_files_with_the_exact_bytes_of_names_that_are_not_utf8(tmp_path, run):
    import hostile

    ws = init_workspace(tmp_path / "ws", "banten")
    accepted = hostile.non_utf8_name(b"Dinas Sosial \xe9", b".xlsx")
    arrive(banten(ws.inbox / accepted, Facts(agency="Dinas Sosial")), 14)
    copy = hostile.non_utf8_name(b"salinan \xe9\xff", b".xlsx")
    shutil.copy(ws.inbox / accepted, ws.inbox / copy)
    arrive(ws.inbox / copy, 15)
    refused = hostile.non_utf8_name(b"kosong \xff\xfe", b".xlsx")
    (ws.inbox / refused).write_bytes(b"")
    arrive(ws.inbox / refused, 16)
    waiting = hostile.non_utf8_name(b"tahun depan \xfe", b".xlsx")
    banten(ws.inbox / waiting, Facts(agency="Dinas Pendidikan", filled_on=dt.date(2026, 5, 13)))
    arrive(ws.inbox / waiting, dt.datetime(2026, 5, 13, 10, tzinfo=WIB).timestamp())  # no period holds it yet
    result = run("process", "-w", ws.root, "--received-from", "mtime")
    assert "MENUNGGU PERIODE tahun depan \\xfe.xlsx" in result.output, result.output

    def names(ws):
        with Store(ws.store_path) as store:
            files = sorted((os.fsencode(f["name"]), f["outcome"], f["stored_as"], f["received_at"])
                           for f in store.files())
            arrivals = store.db.execute("SELECT name FROM arrivals").fetchall()
        return files, [row[0] for row in arrivals]

    before = names(ws)
    assert [f[:2] for f in before[0]] == [(b"Dinas Sosial \xe9.xlsx", "accepted"), (b"kosong \xff\xfe.xlsx", "refused"),
                                          (b"salinan \xe9\xff.xlsx", "duplicate")]
    assert before[1] == [b"tahun depan \xfe.xlsx"]  # waiting in inbox/, its arrival kept
    for suffix in ("", "-wal", "-shm"):
        ws.root.joinpath("sopdoc.db" + suffix).unlink(missing_ok=True)
    rebuilt = run("rebuild", "-w", ws.root)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert names(ws) == before
