"""Period windows: a form whose arrival no period holds waits in inbox/ for its period, and fill
dates that do not fit are flagged (MODEL.md, "Arrival, periods and timeliness")."""
import datetime as dt
import os
from zoneinfo import ZoneInfo

from excelforms import Facts, banten
from testdata import add_banten_2026_period
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store
from sopdoc.workspace import init_workspace, open_workspace

WIB = ZoneInfo("Asia/Jakarta")


def batch_at(root, moment):
    intake = Intake(open_workspace(root), clock=lambda: moment)
    try:
        with intake.lock():
            return intake.process_all()
    finally:
        intake.close()


def test_a_form_no_period_holds_waits_then_is_filed_with_its_first_arrival(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    banten(ws.inbox / "dinkes.xlsx", Facts(filled_on=dt.date(2026, 5, 13)))
    arrived = dt.datetime(2026, 5, 13, 10, 0, tzinfo=WIB)  # on time for a period not yet configured

    [outcome] = batch_at(ws.root, arrived)
    assert outcome.outcome == "waiting"
    assert "periods.toml" in outcome.summary() and outcome.summary().startswith("MENUNGGU PERIODE dinkes.xlsx")
    assert (ws.inbox / "dinkes.xlsx").exists()
    assert list(ws.archive.iterdir()) == []
    with Store(ws.store_path) as store:
        assert [w["name"] for w in store.waiting()] == ["dinkes.xlsx"]

    status = run("status", "-w", ws.root, "--now", "2026-05-20T09:00")
    assert status.exit_code == 2
    assert "periods.toml" in status.output and "1 berkas menunggu di inbox" in status.output

    # a second batch before the period is added changes nothing, and keeps the first arrival
    [again] = batch_at(ws.root, arrived + dt.timedelta(days=3))
    assert again.outcome == "waiting"

    add_banten_2026_period(ws.root)
    [filed] = batch_at(ws.root, dt.datetime(2026, 6, 2, 9, 0, tzinfo=WIB))
    assert filed.outcome == "accepted"
    assert filed.stored_as.replace(os.sep, "/") == "archive/banten-2026-tahap-1/dinkes.xlsx"
    with Store(ws.store_path) as store:
        [document] = store.submissions()
    assert document["received_at"] == "2026-05-13T10:00:00+07:00"
    assert document["timeliness"]["status"] == "tepat_waktu"
    with Store(ws.store_path) as store:
        assert store.waiting() == []

    status = run("status", "-w", ws.root, "--period", "banten-2026-tahap-1", "--now", "2026-06-02T10:00")
    assert status.exit_code == 0
    assert "Dinas Kesehatan" in status.output and "menunggu" not in status.output


def test_process_says_which_forms_wait_and_names_periods_toml(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    banten(ws.inbox / "dinkes.xlsx")  # "Tahap I" 2025, arriving today: long past that period's window
    result = run("process", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert "1 menunggu periode" in result.output
    assert "MENUNGGU PERIODE dinkes.xlsx" in result.output
    assert str(ws.root / "periods.toml") in result.output
    assert (ws.inbox / "dinkes.xlsx").exists()


def test_a_stale_or_future_fill_date_is_flagged_with_both_dates(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    stale = banten(ws.inbox / "lama.xlsx", Facts(filled_on=dt.date(2021, 5, 14)))
    future = banten(ws.inbox / "maju.xlsx", Facts(agency="Dinas Perhubungan", filled_on=dt.date(2025, 5, 20)))
    fine = banten(ws.inbox / "baik.xlsx", Facts(agency="Dinas Pendidikan dan Kebudayaan"))
    for path in (stale, future, fine):
        stamp = dt.datetime(2025, 5, 14, 10, tzinfo=WIB).timestamp()
        os.utime(path, (stamp, stamp))
    result = run("process", "-w", ws.root, "--received-from", "mtime")
    assert result.exit_code == 0, result.output
    with Store(ws.store_path) as store:
        doubts = {d["source"]["file"]: [w["message"] for w in d["warnings"] if w["code"] == "tanggal_isi_tidak_wajar"]
                  for d in store.submissions()}
    assert doubts["baik.xlsx"] == []
    [message] = doubts["lama.xlsx"]
    assert "14 Mei 2021" in message and "8 Mei 2025" in message
    [message] = doubts["maju.xlsx"]
    assert "20 Mei 2025" in message and "14 Mei 2025" in message
