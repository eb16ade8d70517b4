"""Absent is not zero (a column the region's form does not have shows as "–", shares only over the
forms that have it), and the organiser owes itself no form and gets no letters from itself."""
import csv
import datetime as dt
import io
import os
import shutil

import openpyxl

from testdata import SAMPLES
from excelforms import Facts, banten, tanjungbalai
from sopdoc.intake.store import Store
from sopdoc.outputs.letters import issue_letters
from sopdoc.outputs.status import period_status
from sopdoc.workspace import init_workspace, open_workspace
from test_letters import CONFIG, lines, text
from test_recap import HEADER_ROW, WIB, table

TB_PERIOD = "tanjungbalai-2019"


def arrive(path, moment):
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def tanjungbalai_season(root, run):
    ws = init_workspace(root, "tanjungbalai")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    arrive(tanjungbalai(ws.inbox / "dinkes.xlsx"), dt.datetime(2019, 5, 29, 10, tzinfo=WIB))
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 0
    return ws


def test_a_tanjungbalai_recap_shows_absent_columns_as_absent_not_zero(tmp_path, run):
    ws = tanjungbalai_season(tmp_path / "ws", run)
    out = tmp_path / "rekap.xlsx"
    assert run("recap", "-w", ws.root, "--period", TB_PERIOD, "-o", out, "--now", "2019-06-20T10:00").exit_code == 0
    wb = openpyxl.load_workbook(out)
    sheet = wb["Ringkasan"]
    head = [c.value for c in sheet[HEADER_ROW]]
    rows = {r[1].value: [c.value for c in r] for r in table(sheet)}
    [dinkes] = [v for v in rows.values() if v[5] != "Belum Menyampaikan"]
    for column in ("Baik", "Tidak Baik", "Dipertahankan", "Direvisi", "Dicabut"):
        assert dinkes[head.index(column)] == "–", column
    assert dinkes[head.index("Jumlah SOP")] == 3
    notes = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("tidak ada di formulir" in n for n in notes)

    sops = wb["Rekap SOP"]
    sop_head = [c.value for c in sops[HEADER_ROW]]
    for row in table(sops):
        assert row[sop_head.index("Penilaian Penerapan")].value == "–"
        assert row[sop_head.index("Tindak Lanjut")].value == "–"

    exported = run("export", "-w", ws.root, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.output), delimiter=";"))
    assert rows and all(r["penerapan"] == "–" and r["tindak_lanjut"] == "–" for r in rows)

    store = Store(ws.store_path)
    try:
        status = period_status(open_workspace(ws.root), store, TB_PERIOD, dt.datetime(2019, 6, 20, 10, tzinfo=WIB))
        [laporan] = issue_letters(open_workspace(ws.root), store, "laporan", TB_PERIOD,
                                  dt.datetime(2019, 6, 20, 10, tzinfo=WIB), status=status).letters
    finally:
        store.close()
    body = text(laporan.path)
    assert "Tindak lanjut tidak ada di formulir" in body
    assert "Belum ditentukan" not in body and "Dipertahankan" not in body


def test_shares_count_only_the_forms_that_have_the_column(tmp_path, run):
    """Bengkulu's form has Tindak Lanjut but no Penilaian: follow-ups are counted, implementation is absent."""
    ws = init_workspace(tmp_path / "ws", "bengkulu")
    shutil.copy(SAMPLES / "bengkulu-contoh.docx", ws.inbox / "form.docx")
    arrive(ws.inbox / "form.docx", dt.datetime(2018, 4, 10, 10, tzinfo=WIB))
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 0
    out = tmp_path / "rekap.xlsx"
    assert run("recap", "-w", ws.root, "--period", "bengkulu-2018", "-o", out,
               "--now", "2018-05-01T10:00").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Ringkasan"]
    head = [c.value for c in sheet[HEADER_ROW]]
    [sender] = [[c.value for c in r] for r in table(sheet) if r[5].value != "Belum Menyampaikan"]
    assert sender[head.index("Baik")] == "–" and sender[head.index("Tidak Baik")] == "–"
    follow = [sender[head.index(c)] for c in ("Dipertahankan", "Direvisi", "Dicabut")]
    assert all(isinstance(n, int) for n in follow) and sum(follow) >= 1


def test_the_organiser_gets_no_letters_from_itself_and_is_not_missing(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    arrive(banten(ws.inbox / "dinkes.xlsx"), dt.datetime(2025, 5, 14, 9, tzinfo=WIB))
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 0
    now = dt.datetime(2025, 6, 2, 10, tzinfo=WIB)
    ws = open_workspace(ws.root)  # with [letters]
    store = Store(ws.store_path)
    try:
        status = period_status(ws, store, "banten-2025-tahap-1", now)
        assert "36.05" not in {a.agency.code for a in status.agencies}
        teguran = issue_letters(ws, store, "teguran", "banten-2025-tahap-1", now, status=status).letters
        assert teguran and "36.05" not in {letter.agency_code for letter in teguran}
        [laporan] = issue_letters(ws, store, "laporan", "banten-2025-tahap-1", now, status=status).letters
    finally:
        store.close()
    [missing] = [line for line in lines(laporan.path) if "Biro Pemerintahan dan Kesejahteraan Rakyat" in line]
    assert "Biro Hukum" in missing and "Biro Organisasi" not in missing


def test_an_organiser_that_filled_a_form_appears_but_is_not_invited_by_itself(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    arrive(banten(ws.inbox / "biro.xlsx", Facts(agency="Biro Organisasi dan Reformasi Birokrasi")),
           dt.datetime(2025, 5, 14, 9, tzinfo=WIB))
    arrive(banten(ws.inbox / "dinkes.xlsx"), dt.datetime(2025, 5, 14, 10, tzinfo=WIB))
    assert run("process", "-w", ws.root, "--received-from", "mtime").exit_code == 0
    now = dt.datetime(2025, 6, 2, 10, tzinfo=WIB)
    ws = open_workspace(ws.root)  # with [letters]
    store = Store(ws.store_path)
    try:
        status = period_status(ws, store, "banten-2025-tahap-1", now)
        [organiser] = [a for a in status.agencies if a.agency.code == "36.05"]
        assert organiser.status == "tepat_waktu"
        undangan = issue_letters(ws, store, "undangan", "banten-2025-tahap-1", now, status=status).letters
    finally:
        store.close()
    cells = [line.strip() for letter in undangan for line in lines(letter.path)]
    # the attachment table lists the invited, one name a cell
    assert "Dinas Kesehatan" in cells and "Biro Organisasi dan Reformasi Birokrasi" not in cells
