"""The application layer every interface calls: one batch policy, and reads that do not write."""
import hashlib
import json
import os
import stat

import pytest

from testdata import keep_periods_open
from excelforms import Facts, banten
from sopdoc.app import Season, check_file
from sopdoc.errors import WorkspaceError
from sopdoc.files import free_name, write_atomically
from sopdoc.workspace import init_workspace, open_workspace

PERIOD = "banten-2025-tahap-1"


@pytest.fixture
def processed(tmp_path):
    """A workspace with one accepted form, one misspelt agency and one refused file, processed."""
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    banten(ws.inbox / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    banten(ws.inbox / "dishub.xlsx", Facts(agency="Dinas Perhubungn"))
    (ws.inbox / "surat.xlsx").write_text("bukan formulir")
    result = Season(ws).run_batch(received_from="mtime")
    assert sorted(o.outcome for o in result.outcomes) == ["accepted", "accepted", "refused"]
    return ws


def store_bytes(ws) -> tuple:
    """The store file and its WAL (an absent or empty WAL reads as b"")."""
    wal = ws.store_path.with_name(ws.store_path.name + "-wal")
    return (hashlib.sha256(ws.store_path.read_bytes()).hexdigest(),
            wal.read_bytes() if wal.exists() else b"")


def test_status_recap_and_export_leave_the_store_untouched(processed, run):
    config = processed.root / "sopdoc.toml"
    # an alias written by hand: a read must not apply it (that would write the store)
    config.write_text(config.read_text(encoding="utf-8") + '"Dinas Perhubungn" = "36.17"\n', encoding="utf-8")
    before = store_bytes(processed)
    mtime = processed.store_path.stat().st_mtime_ns
    for args in (["status", "--period", PERIOD], ["status", "--json", "--period", PERIOD],
                 ["recap", "--period", PERIOD], ["export"], ["export", "--format", "csv"],
                 ["export", "--rejected"], ["letters", "--list"]):
        result = run(*args, "-w", processed.root)
        assert result.exit_code == 0, (args, result.output)
        assert store_bytes(processed) == before, args
    assert processed.store_path.stat().st_mtime_ns == mtime
    assert len(Season.open(processed.root).status(PERIOD).unmatched) == 1


def test_a_read_opens_the_store_read_only(processed):
    import sqlite3

    from sopdoc.intake.store import Store

    with Store(processed.store_path, readonly=True) as store:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("DELETE FROM files")


def test_status_of_a_workspace_never_processed_creates_no_store(tmp_path):
    ws = init_workspace(tmp_path / "ws", "banten")
    report = Season(ws).status(PERIOD)
    assert report.count("belum_menyampaikan") == len(report.agencies)
    assert Season(ws).export_rows() == []
    assert not ws.store_path.exists()


def test_run_batch_reports_each_file_and_refreshes_the_recap(processed):
    result = Season.open(processed.root).run_batch()
    assert result.outcomes == [] and result.recap_error is None
    assert result.recaps and all(p.exists() for p in result.recaps)


def test_the_status_json_form(processed):
    report = Season.open(processed.root).status_json(PERIOD)
    assert report["schema"] == "sopdoc.status/1"
    assert report["totals"]["unmatched"] == 1
    assert json.loads(json.dumps(report)) == report


def test_export_rows_flat_or_whole(processed):
    season = Season.open(processed.root)
    rows = season.export_rows()
    assert {r["berkas"] for r in rows} == {"dinkes.xlsx", "dishub.xlsx"}
    assert {"periode", "kode_opd", "nomor_sop", "tindak_lanjut"} <= set(rows[0])
    assert {d["source"]["file"] for d in season.export_rows(flat=False)} == {"dinkes.xlsx", "dishub.xlsx"}
    assert [r["file"] for r in season.export_rows(rejected=True)] == ["surat.xlsx"]


def test_add_alias_quotes_any_name_and_rematches(processed):
    season = Season.open(processed.root)
    assert season.add_alias('Dishub "Prov"\\ Banten', "36.17") == []
    assert season.add_alias("Dinas Perhubungn", "36.17") == [("dishub.xlsx", "36.17")]
    aliases = open_workspace(processed.root).config["aliases"]
    assert aliases == {'Dishub "Prov"\\ Banten': "36.17", "Dinas Perhubungn": "36.17"}
    assert season.status(PERIOD).unmatched == []


def test_add_alias_refuses_an_unknown_code(processed):
    with pytest.raises(WorkspaceError, match="99.99"):
        Season.open(processed.root).add_alias("Dinas X", "99.99")


def test_check_file_without_a_workspace(tmp_path):
    form = banten(tmp_path / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    result = check_file(form)
    assert result.accepted and result.document["agency"]["code"] == "36.09"
    (tmp_path / "x.xlsx").write_text("bukan formulir")
    refused = check_file(tmp_path / "x.xlsx")
    assert not refused.accepted and refused.as_json()["reason_code"] == "bukan_formulir"
    with pytest.raises(WorkspaceError, match="tidak dikenal"):
        check_file(form, region_key="atlantis")


# -- sopdoc.files ---------------------------------------------------------------------------------


def test_an_atomic_write_gets_the_permissions_of_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "a.txt", "isi\n", newline="\r\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_bytes() == b"isi\r\n"
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_an_atomic_write_that_fails_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("lama")

    def broken(*args):
        raise OSError("disk penuh")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomically(target, "baru")
    assert target.read_text() == "lama" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_free_name_counts_up_past_files_and_promised_names(tmp_path):
    assert free_name(tmp_path, "a.xlsx") == tmp_path / "a.xlsx"
    (tmp_path / "a.xlsx").write_text("x")
    assert free_name(tmp_path, "a.xlsx") == tmp_path / "a (2).xlsx"
    promised = {tmp_path / "a (2).xlsx"}
    assert free_name(tmp_path, "a.xlsx", taken=promised.__contains__) == tmp_path / "a (3).xlsx"
