"""The store: schema version and migrations, WAL, one transaction per file, unreadable stores."""
import sqlite3

import pytest

from sopdoc.errors import StoreError
from sopdoc.store import MIGRATIONS, SCHEMA_VERSION, Store


def test_new_store_is_at_the_current_schema_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_reopening_does_not_migrate_again(tmp_path):
    Store(tmp_path / "s.db").close()
    store = Store(tmp_path / "s.db")
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
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with store.transaction() as db:
            store.record_file(db, name="a.xlsx", sha256="0" * 64, size=1, received_at="x", processed_at="x",
                              outcome="refused", stored_as="rejected/a.xlsx", reason_code="berkas_kosong", reason="r")
            raise RuntimeError("crash in the middle")
    assert store.files() == []
