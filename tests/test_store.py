"""The store: schema version and migrations, WAL, one transaction per file, unreadable stores."""
import sqlite3

import pytest

from sopdoc.errors import StoreError
from sopdoc.intake.store import MIGRATIONS, SCHEMA_VERSION, Store


def test_new_store_is_at_the_current_schema_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_reopening_does_not_migrate_again(tmp_path):
    Store(tmp_path / "s.db").close()
    with Store(tmp_path / "s.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_from_a_newer_sopdoc_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "s.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="lebih baru"):
        Store(tmp_path / "s.db")


def test_garbage_store_is_an_operational_error(banten_ws, run):
    banten_ws.store_path.write_bytes(b"this is not a database" * 100)
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 2
    assert "tidak dapat dibuka" in result.output


def test_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            with store.transaction() as db:
                store.record_file(db, name="a.xlsx", sha256="0" * 64, size=1, received_at="x", processed_at="x",
                                  outcome="refused", stored_as="rejected/a.xlsx", reason_code="berkas_kosong",
                                  reason="r")
                raise RuntimeError("crash in the middle")
        assert store.files() == []


def _store_at(path, version):
    """A store as a release with schema `version` left it."""
    db = sqlite3.connect(path)
    for migration in MIGRATIONS[:version]:
        assert isinstance(migration, str)
        db.executescript(migration)
    db.execute(f"PRAGMA user_version = {version}")
    return db


def test_letters_recipient_filled_in_for_letters_issued_before_schema_4(tmp_path):
    db = _store_at(tmp_path / "s.db", 3)
    rows = [  # kind, number, agency_code, path
        ("teguran", "065/001/X/2025", "36.01", "outbox/2025-1/surat/001 Teguran Dinkes.docx"),
        ("undangan", "065/002/X/2025", None, "outbox/2025-1/surat/002 Undangan 2025-06-02 Kelompok 1-2.docx"),
        ("undangan", "065/003/X/2025", None,
         "outbox\\2025-1\\surat\\003 Undangan 2025-06-03 Kelompok 3 (2).docx"),  # made on Windows, a copy
        ("undangan", "065/004/X/2025", None, "outbox/2025-1/surat/004 Undangan renamed by hand.docx"),
        ("laporan", "065/005/X/2025", None, "outbox/2025-1/surat/005 Nota Dinas Laporan 2025-1.docx"),
    ]
    db.executemany("INSERT INTO letters (kind, number, seq, period, agency_code, path, issued_at)"
                   " VALUES (?, ?, 1, '2025-1', ?, ?, '2025-05-20T10:00:00+07:00')", rows)
    db.commit()
    db.close()
    store = Store(tmp_path / "s.db")
    try:
        found = {r["number"]: r["recipient"] for r in store.db.execute("SELECT number, recipient FROM letters")}
        assert found == {"065/001/X/2025": "36.01", "065/002/X/2025": None, "065/003/X/2025": None,
                         "065/004/X/2025": None, "065/005/X/2025": None}
        assert "recipient" not in store.letters()[0]  # the listing is as before
    finally:
        store.close()


def test_letter_numbers_move_past_numbers_already_used(tmp_path):
    store = Store(tmp_path / "s.db")
    try:
        with store.transaction() as db:
            assert store.next_letter_number(db, lambda n: f"A/{n}", 2025) == (1, "A/1")
            store.record_letter(db, kind="laporan", number="A/1", seq=1, period="p", agency_code=None,
                                recipient=None, path="x.docx", issued_at="2025-05-20T10:00:00+07:00")
            # a changed pattern meets A/1 again: move past it
            assert store.next_letter_number(db, lambda n: "A/1" if n < 3 else f"B/{n}", 2025) == (3, "B/3")
            # a new year starts again at 1, past the numbers the old year used
            assert store.next_letter_number(db, lambda n: f"A/{n}", 2026) == (2, "A/2")
            assert store.next_letter_number(db, lambda n: f"A/{n}") == (2, "A/2")
    finally:
        store.close()


@pytest.mark.slow
def test_two_commands_started_together_on_a_new_workspace_both_work(tmp_path):
    import subprocess
    import sys

    from sopdoc.workspace import init_workspace

    for attempt in range(4):
        ws = init_workspace(tmp_path / f"ws{attempt}", "banten")
        assert not ws.store_path.exists()
        commands = [
            [sys.executable, "-m", "sopdoc", "process", "-w", str(ws.root)],
            [sys.executable, "-m", "sopdoc", "status", "-w", str(ws.root), "--period", "banten-2025-tahap-1"],
        ]
        runs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for c in commands]
        for command, proc in zip(commands, runs):
            output, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0, (command, output)
        with Store(ws.store_path) as store:
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
