"""The recap workbook: its numbers against the stored submissions, every register agency (also
those that sent nothing), agency text that never becomes a formula, and a file LibreOffice opens."""
import datetime as dt
import os
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from sopdoc.cli.main import cli
from sopdoc.app import Season
from sopdoc.vocabulary import CRITERIA
from sopdoc.outputs.recap import recap_path, refresh_after_batch, write_recap
from sopdoc.outputs.safe_text import set_text_cell
from sopdoc.outputs.status import meets_all, period_status
from sopdoc.intake.store import Store
from sopdoc.workspace import init_workspace, open_workspace

SAMPLE = Path(__file__).resolve().parent / "samples" / "banten-contoh.xlsx"
PERIOD = "banten-2025-tahap-1"
WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=WIB)
HEADER_ROW = 7  # below the title block

# what agencies typed: each would start a formula, an error value or a DDE call if not kept as text
HOSTILE = {
    "B11": '=HYPERLINK("http://contoh.invalid","klik")',
    "C11": "=1+1",
    "C12": "+62 812 3456",
    "L12": "@SUM(A1:A2)",
    "C13": "-10% anggaran",
    "L13": "#N/A",
    "C14": "=cmd|' /C calc'!A0",
}
# (file, agency as written, arrival, {cell: text}, cells emptied)
SEASON = [
    # SOP 2 has a blank criterion and SOP 3 an unreadable one, and neither a Tidak: "tidak dapat dinilai"
    ("01 dinkes.xlsx", "Dinas Kesehatan", dt.datetime(2025, 5, 14, 9, 12), {"F13": "?"}, ("E12",)),
    ("02 biro hukum.xlsx", "Biro Hukum Provinsi Banten", dt.datetime(2025, 5, 15, 14, 0),
     {**HOSTILE, "K24": "NIP. 1971"}, ("J15",)),
    ("03 satpol.xlsx", "Satpol PP", dt.datetime(2025, 5, 20, 10, 0), {"M12": "Direvisi"}, ()),
    ("04 dinsos v1.xlsx", "Dinas Sosial", dt.datetime(2025, 5, 15, 8, 0), {}, ()),
    # the revision: three SOPs left, one withdrawn
    ("05 dinsos v2.xlsx", "Dinas Sosial", dt.datetime(2025, 5, 21, 13, 0), {"M11": "Dicabut"},
     tuple(f"{col}{row}" for row in (14, 15, 16) for col in "ABCDEFGHIJKLM")),
    ("06 tak dikenal.xlsx", "Dinas Urusan Antariksa", dt.datetime(2025, 5, 15, 9, 0), {}, ()),
]


def make_form(path: Path, agency: str, filled_on: dt.date, texts: dict, emptied=()) -> Path:
    """The Banten sample with another agency, date and texts (written as text, as typed)."""
    wb = openpyxl.load_workbook(SAMPLE)
    sheet = wb.active
    sheet["C4"] = agency
    sheet["C6"] = dt.datetime.combine(filled_on, dt.time())
    for ref, text in texts.items():
        set_text_cell(sheet[ref], text)
    for ref in emptied:
        sheet[ref] = None
    wb.save(path)
    return path


def arrive(ws, name: str, agency: str, when: dt.datetime, texts=None, emptied=()) -> Path:
    path = make_form(ws.inbox / name, agency, when.date(), texts or {}, emptied)
    stamp = when.replace(tzinfo=WIB).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def build_season(root: Path, skip=()):
    """A Banten workspace holding the SEASON (but the files named in `skip`), processed with arrival = file time."""
    ws = init_workspace(root, "banten")
    season = [entry for entry in SEASON if entry[0] not in skip]
    for name, agency, when, texts, emptied in season:
        arrive(ws, name, agency, when, texts, emptied)
    outcomes = Season(ws).run_batch(received_from="mtime").outcomes
    assert [o.outcome for o in outcomes] == ["accepted"] * len(season)
    return ws


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    return build_season(tmp_path_factory.mktemp("recap") / "ruang kerja")


@pytest.fixture(scope="module")
def recap(season, tmp_path_factory):
    """(path, loaded workbook, PeriodStatus, latest documents by agency code)."""
    store = Store(season.store_path)
    try:
        status = period_status(season, store, PERIOD, NOW)
        path = write_recap(status, tmp_path_factory.mktemp("out") / "rekap.xlsx", store)
        latest = {d["agency"]["code"]: d for d in store.submissions(period=PERIOD)}
    finally:
        store.close()
    return path, openpyxl.load_workbook(path), status, latest


def table(sheet, first=HEADER_ROW + 1):
    """Rows of the sheet's main table (up to the first row without a number in column A)."""
    rows = []
    for row in sheet.iter_rows(min_row=first):
        if not isinstance(row[0].value, int):
            break
        rows.append(row)
    return rows


def all7(sop) -> bool:
    return all((sop["criteria"] or {}).get(k) is True for k in CRITERIA)


def undetermined(sop) -> bool:
    """No criterion answered Tidak, but not all seven Ya: blank or unreadable answers."""
    values = [(sop["criteria"] or {}).get(k) for k in CRITERIA]
    return False not in values and not all7(sop)


def expected_counts(document):
    sops = document["sops"]
    return {
        "sops": len(sops),
        "all7": sum(1 for s in sops if all7(s)),
        "undetermined": sum(1 for s in sops if undetermined(s)),
        "baik": sum(1 for s in sops if s["implementation"] == "baik"),
        "tidak_baik": sum(1 for s in sops if s["implementation"] == "tidak_baik"),
        "dipertahankan": sum(1 for s in sops if s["follow_up"] == "dipertahankan"),
        "direvisi": sum(1 for s in sops if s["follow_up"] == "direvisi"),
        "dicabut": sum(1 for s in sops if s["follow_up"] == "dicabut"),
        "warnings": len(document["warnings"]),
    }


def test_summary_has_every_register_agency_with_stored_numbers(recap, season):
    _, wb, status, latest = recap
    sheet = wb["Ringkasan"]
    assert [c.value for c in sheet[HEADER_ROW]][:8] == [
        "No", "Kode", "Perangkat Daerah", "Kelompok", "Diterima", "Status", "Hari Kerja Terlambat", "Versi"]
    rows = table(sheet)
    register = season.register().agencies
    # all 39 but the organiser (it sent nothing, and owes itself nothing), senders or not
    assert [r[1].value for r in rows] == [a.code for a in register if a.code != "36.05"]
    by_code = {r[1].value: [c.value for c in r] for r in rows}
    assert {code for code in by_code if by_code[code][5] != "Belum Menyampaikan"} == set(latest) - {None}
    assert Counter(v[5] for v in by_code.values()) == {"Tepat Waktu": 3, "Terlambat": 1, "Belum Menyampaikan": 35}
    assert by_code["36.12"][5:8] == ["Terlambat", 2, 1]  # Tuesday after a Friday deadline
    assert by_code["36.13"][4] == dt.datetime(2025, 5, 15, 8, 0)  # status and arrival of the first version
    assert by_code["36.13"][5:8] == ["Tepat Waktu", 0, 2]  # ... counts of the latest
    assert by_code["36.01"][5:] == ["Belum Menyampaikan"] + [None] * 12
    assert [c.value for c in sheet[HEADER_ROW]][9:11] == ["Memenuhi 7 Kriteria", "7 Kriteria Tidak Dapat Dinilai"]
    for code, document in latest.items():
        if code is None:
            continue
        want = expected_counts(document)
        assert by_code[code][8:17] == [want[k] for k in ("sops", "all7", "undetermined", "baik", "tidak_baik",
                                                         "dipertahankan", "direvisi", "dicabut", "warnings")], code
        assert by_code[code][17] == document["source"]["file"]
    assert by_code["36.09"][8:11] == [6, 1, 2]  # Dinkes: one meets all seven, two cannot be judged
    assert by_code["36.13"][8] == 3 and by_code["36.13"][15] == 1  # the revision counts
    totals = [c.value for c in sheet[HEADER_ROW + len(rows) + 1]]
    assert totals[2] == "Jumlah"
    known = [d for code, d in latest.items() if code is not None]
    assert totals[8] == sum(len(d["sops"]) for d in known)
    assert totals[9] == sum(1 for d in known for s in d["sops"] if all7(s))
    assert totals[10] == sum(1 for d in known for s in d["sops"] if undetermined(s)) >= 2
    assert totals[16] == sum(len(d["warnings"]) for d in known)
    assert totals[5] == "4 dari 39 menyampaikan"


def test_status_table_and_unmatched_note(recap):
    _, wb, _, _ = recap
    values = [[c for c in row if c is not None] for row in wb["Ringkasan"].iter_rows(values_only=True)]
    status_rows = {row[0]: row[1:] for row in values if row and row[0] in ("Tepat Waktu", "Terlambat",
                                                                             "Belum Menyampaikan")}
    assert status_rows["Tepat Waktu"] == [3, pytest.approx(3 / 39)]
    assert status_rows["Terlambat"] == [1, pytest.approx(1 / 39)]
    assert status_rows["Belum Menyampaikan"] == [35, pytest.approx(35 / 39)]
    assert any("1 berkas diterima dari perangkat daerah yang tidak dikenali" in str(row[0])
               for row in values if row)
    assert any(str(row[0]).startswith("2 SOP tidak dapat dinilai terhadap 7 kriteria") for row in values if row)


def test_sop_sheet_lists_every_sop_text_inert(recap):
    _, wb, status, latest = recap
    rows = table(wb["Rekap SOP"])
    assert len(rows) == sum(len(d["sops"]) for d in latest.values())
    hukum = [r for r in rows if r[1].value == "36.02"]
    by_row = {r[5].value: r for r in hukum}
    assert by_row[1][6].value == HOSTILE["B11"] and by_row[1][7].value == "=1+1"
    assert by_row[2][7].value == "+62 812 3456" and by_row[2][18].value == "@SUM(A1:A2)"
    assert by_row[3][7].value == "-10% anggaran" and by_row[3][18].value == "#N/A"
    assert by_row[4][7].value == HOSTILE["C14"]
    for r in hukum:
        for cell in r:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
    # J15 left empty: not answered
    assert [c.value for c in by_row[5]][8:16] == ["Ya", "Tidak", "Ya", "Tidak", "Ya", "Ya", None, "Tidak"]
    dinkes = {r[5].value: r[15].value for r in rows if r[1].value == "36.09"}
    assert dinkes == {1: "Tidak", 2: "Tidak dapat dinilai", 3: "Tidak dapat dinilai", 4: "Tidak", 5: "Tidak",
                      6: "Ya"}
    assert by_row[5][15].value == "Tidak"  # a blank criterion cannot outweigh a Tidak
    unknown = [r for r in rows if r[1].value is None]
    assert len(unknown) == 6 and unknown[0][2].value == "Dinas Urusan Antariksa (tidak dikenal)"
    late = next(r for r in rows if r[1].value == "36.12")
    assert late[3].value == "Terlambat" and late[3].fill.fgColor.rgb.endswith("FFEB9C")


def test_no_cell_is_a_formula(recap):
    path, wb, _, _ = recap
    for sheet in wb:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), f"{sheet.title}!{cell.coordinate}"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name


def test_criteria_sheet(recap):
    _, wb, status, latest = recap
    sheet = wb["Kriteria"]
    known = [d for code, d in latest.items() if code is not None]
    sops = [s for d in known for s in d["sops"]]
    assert [c.value for c in sheet[HEADER_ROW]][5:8] == [
        "1. Mendorong kinerja — Ya", "1. Mendorong kinerja — %", "1. Mendorong kinerja — tak terbaca"]
    rows = {r[1].value: [c.value for c in r] for r in table(sheet)}
    assert len(rows) == 39
    for code in ("36.02", "36.09"):
        agency_sops = latest[code]["sops"]
        for i, key in enumerate(CRITERIA):
            yes = sum(1 for s in agency_sops if s["criteria"][key] is True)
            readable = sum(1 for s in agency_sops if s["criteria"][key] is not None)
            assert rows[code][5 + 3 * i] == yes
            # the share is over the SOPs whose answer could be read
            assert rows[code][6 + 3 * i] == pytest.approx(yes / readable)
            assert rows[code][7 + 3 * i] == len(agency_sops) - readable
    dinkes = rows["36.09"]
    assert dinkes[5 + 3:8 + 3] == [3, pytest.approx(3 / 5), 1]  # mudah dipahami: 3 Ya of 5 readable (not of 6)
    assert dinkes[5 + 3 * 7:] == [1, pytest.approx(1 / 4), 2]  # all seven: 1 of the 4 that can be judged
    assert rows["36.01"][3] == "Belum Menyampaikan" and rows["36.01"][4] is None
    overall = {}
    for row in sheet.iter_rows(values_only=True):
        if row[2] in ("Mampu mendorong peningkatan kinerja", "Sinergi satu dengan lainnya", "Mudah dilaksanakan",
                      "Memenuhi seluruh 7 kriteria"):
            overall[row[2]] = row[3:7]
    for label, key in (("Sinergi satu dengan lainnya", "sinergi"), ("Mudah dilaksanakan", "mudah_dilaksanakan")):
        yes = sum(1 for s in sops if s["criteria"][key] is True)
        none = sum(1 for s in sops if s["criteria"][key] is None)
        assert none >= 1
        assert overall[label] == (yes, len(sops) - yes - none, none, pytest.approx(yes / (len(sops) - none)))
    meets = sum(1 for s in sops if all7(s))
    unknown = sum(1 for s in sops if undetermined(s))
    assert unknown >= 2
    assert overall["Memenuhi seluruh 7 kriteria"] == (
        meets, len(sops) - meets - unknown, unknown, pytest.approx(meets / (len(sops) - unknown)))
    notes = [row[2] for row in sheet.iter_rows(values_only=True) if str(row[2]).startswith("Persentase dihitung")]
    assert len(notes) == 1 and f"{unknown} SOP tidak dapat dinilai" in notes[0]


def test_meets_all_is_three_valued():
    def sop(*values):
        return {"criteria": dict(zip(CRITERIA, values))}

    assert meets_all(sop(*[True] * 7)) is True
    assert meets_all(sop(*[True] * 6, False)) is False
    assert meets_all(sop(None, False, *[True] * 5)) is False  # a Tidak decides, whatever is unreadable
    assert meets_all(sop(*[True] * 6, None)) is None  # "tidak dapat dinilai"
    assert meets_all(sop(*[True] * 6)) is None  # a criterion missing altogether
    assert meets_all({"criteria": None}) is None and meets_all({}) is None


def test_warnings_sheet_has_every_warning_with_file_and_place(recap):
    _, wb, status, latest = recap
    rows = [[c.value for c in r] for r in table(wb["Peringatan"])]
    expected = [(d["source"]["file"], w["code"], w["where"]) for d in latest.values() for w in d["warnings"]]
    assert sorted((r[4], r[5], r[7]) for r in rows) == sorted(expected)
    assert ("02 biro hukum.xlsx", "nip_tidak_valid", "Evaluasi SOP!K24") in expected
    assert any(code == "opd_tidak_dikenal" for _, code, _ in expected)


def test_layout_title_block_and_print_setup(recap):
    path, wb, status, _ = recap
    assert wb.sheetnames == ["Ringkasan", "Rekap SOP", "Kriteria", "Peringatan"]
    for sheet in wb:
        assert sheet["A2"].value == "Daerah" and sheet["C2"].value.startswith("Provinsi Banten")
        assert "Tahap I" in sheet["C3"].value and PERIOD in sheet["C3"].value
        assert sheet["C4"].value == "Jumat, 16 Mei 2025 pukul 23.59 WIB"
        assert sheet["C5"].value == "Senin, 2 Juni 2025 pukul 10.00 WIB"
        assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"
        assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
        assert sheet.page_setup.orientation == "landscape"
        # printed at 8 pt or more, on as many pages as it takes (tests/test_recap_print.py)
        assert sheet.page_setup.scale >= 73 and not sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.column_dimensions["C"].width >= 20
    rows = {r[1].value: r for r in table(wb["Ringkasan"])}
    assert rows["36.12"][5].fill.fgColor.rgb.endswith("FFEB9C")  # Terlambat
    assert rows["36.01"][2].fill.fgColor.rgb.endswith("FFC7CE")  # Belum Menyampaikan
    assert rows["36.09"][5].fill.fill_type is None
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_refresh_after_batch_writes_outbox_atomically(season):
    written = refresh_after_batch(season, now=NOW)
    target = recap_path(season, PERIOD)
    assert written == [target]
    assert target.name == f"Rekap Evaluasi SOP {PERIOD}.xlsx"
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "Ringkasan"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left
    # a later run in the next period still rewrites tahap 1 when a file landed in it since
    later = dt.datetime(2025, 6, 12, 9, 0, tzinfo=WIB)
    os.utime(target, (NOW.timestamp(), NOW.timestamp()))
    assert refresh_after_batch(season, now=later) == [recap_path(season, "banten-2025-tahap-2"), target]


def test_refresh_is_quiet_without_periods(tmp_path):
    ws = init_workspace(tmp_path / "ws", "banten")
    text = (ws.root / "periods.toml").read_text(encoding="utf-8")
    (ws.root / "periods.toml").write_text(text.split("[[regions.banten.periods]]")[0]
                                          + text[text.index("[regions.bontang]"):], encoding="utf-8")
    ws = open_workspace(ws.root)
    assert ws.region().periods == ()
    assert refresh_after_batch(ws) == []
    assert list(ws.outbox.iterdir()) == []


def test_process_command_refreshes_the_recap(tmp_path):
    ws = init_workspace(tmp_path / "ws", "banten")
    arrive(ws, "dinkes.xlsx", "Dinas Kesehatan", dt.datetime(2025, 5, 14, 9, 0))
    result = CliRunner().invoke(cli, ["process", "-w", str(ws.root), "--received-from", "mtime"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(recap_path(ws, PERIOD))["Ringkasan"]
    assert {r[1].value: r[5].value for r in table(sheet)}["36.09"] == "Tepat Waktu"


def test_recap_and_export_commands(season, tmp_path):
    runner = CliRunner()
    out = tmp_path / "rekap saya.xlsx"
    result = runner.invoke(cli, ["recap", "-w", str(season.root), "--period", PERIOD,
                                 "--now", NOW.isoformat(), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "39 perangkat daerah (3 tepat waktu, 1 terlambat, 35 belum menyampaikan)" in result.output
    assert ", 2 tidak dapat dinilai (ada kriteria kosong atau tidak terbaca)." in result.output
    assert out.is_file()
    result = runner.invoke(cli, ["recap", "-w", str(season.root), "--period", "tidak-ada"])
    assert result.exit_code == 2 and "tidak ada" in result.output

    export = tmp_path / "ekspor.xlsx"
    result = runner.invoke(cli, ["export", "-w", str(season.root), "--format", "xlsx", "-o", str(export)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(export).active
    header = [c.value for c in sheet[1]]
    titles = [row[header.index("nama_sop")] for row in sheet.iter_rows(min_row=2)]
    assert any(c.value == "=1+1" and c.data_type == "s" for c in titles)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    result = runner.invoke(cli, ["export", "-w", str(season.root), "--format", "xlsx"])
    assert result.exit_code == 2 and "-o" in result.output


@pytest.mark.soffice
def test_recap_renders_in_libreoffice(recap, tmp_path):
    from sopdoc.outputs.letters import to_pdf

    path = recap[0]
    (pdf,) = to_pdf([path], tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert int(info.split("Pages:")[1].split()[0]) >= 4  # one page or more per sheet
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for words in ("REKAP EVALUASI PELAKSANAAN", "Satuan Polisi Pamong Praja", "=1+1", "@SUM(A1:A2)",
                      "Memenuhi seluruh 7 kriteria", "nip_tidak_valid"):
            assert words in text, words


def test_rows_written_as_xml_read_back_as_the_cells_openpyxl_writes(tmp_path):
    """The Rekap SOP rows go in as XML text (xlsx_rows): the same values, styles and heights as
    the cells openpyxl writes, and agency text stays text whatever it starts with."""
    from openpyxl.styles import Alignment, Border, Side

    from sopdoc.outputs.recap import Cells
    from sopdoc.outputs.xlsx_rows import TableRows, save_with_rows

    values = ['=HYPERLINK("x")', "#N/A", "@SUM(A1:A2)", "  spasi di depan", "a & <b> \"c\"", "bel\x07", "", None,
              7, 2.5, True]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Uji")
    cells = Cells(ws)
    thin = Side(style="thin", color="808080")
    cells.style("box", border=Border(left=thin, right=thin, top=thin, bottom=thin),
                alignment=Alignment(wrap_text=True, vertical="top"))
    ws.row_dimensions[1].height = 33
    ws.append([cells.text(v, "box") if not isinstance(v, (int, float)) else cells(v, "box") for v in values])
    box = cells.style_id("box")
    path = tmp_path / "uji.xlsx"
    save_with_rows(wb, path, [TableRows(ws, 2, lambda: iter([([(v, box) for v in values], 33)]))])

    sheet = openpyxl.load_workbook(path)["Uji"]
    by_openpyxl, as_xml = sheet[1], sheet[2]
    assert [c.value for c in as_xml] == [c.value for c in by_openpyxl]
    assert as_xml[0].value == '=HYPERLINK("x")' and as_xml[5].value == "bel"
    assert all(c.data_type in ("s", "n", "b") for c in as_xml)  # never a formula or an error value
    assert {c.style_id for c in as_xml} == {c.style_id for c in by_openpyxl} == {box}  # the one bordered style
    assert as_xml[0].border.left.style == "thin" and as_xml[0].alignment.wrap_text
    assert sheet.row_dimensions[2].height == sheet.row_dimensions[1].height == 33
