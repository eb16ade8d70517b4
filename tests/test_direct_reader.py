"""The direct reader against openpyxl / python-docx: the same facts, the same parsed forms.

Every file any test reads goes through both readers already (conftest.both_readers_agree); here the
facts themselves are compared on files built to hold what a form may: dates in number formats,
rich text, symbol fonts, merged ranges, hidden rows, columns and sheets. A file the direct reader
does not know is read by the office library, with a log line saying so.
"""
import datetime as dt
import logging
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from sopdoc.errors import Refusal
from sopdoc.formkit import sheets, worddoc
from sopdoc.formkit.sheets import sheet_of_worksheet
from sopdoc.reading import docx_reader, parsing, sniff, xlsx_reader
from testdata import SAMPLES

SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "forms" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*-contoh.*x")) + sorted(SHARED_SAMPLES.glob("*-contoh.*x"))


def direct_sheets(path):
    with zipfile.ZipFile(path) as zf:
        return xlsx_reader.read_sheets(zf)


def office_sheets(path):
    return [sheet_of_worksheet(ws) for ws in openpyxl.load_workbook(path, data_only=True).worksheets]


def assert_same_sheets(path):
    direct, office = direct_sheets(path), office_sheets(path)
    assert [s.title for s in direct] == [s.title for s in office]
    for mine, theirs in zip(direct, office):
        assert mine.state == theirs.state
        assert mine.cells == theirs.cells
        assert {k: type(v) for k, v in mine.cells.items()} == {k: type(v) for k, v in theirs.cells.items()}
        assert mine.fonts == theirs.fonts
        assert mine.hidden_rows == theirs.hidden_rows
        assert mine.hidden_cols == theirs.hidden_cols
        assert sorted(mine.merges) == sorted(theirs.merges)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_samples_read_the_same_with_both_readers(path):
    if path.suffix == ".xlsx":
        assert_same_sheets(path)
    region = path.name.split("-")[0]
    direct = parsing.read_file(path, region_key=region, reader="direct")
    office = parsing.read_file(path, region_key=region, reader="office")
    assert direct.form == office.form and direct.parser == office.parser


def test_sheet_facts_match_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Evaluasi SOP"
    ws["A1"] = "Judul"
    ws["B1"] = dt.datetime(2025, 5, 14)
    ws["B1"].number_format = "d mmmm yyyy"
    ws["C1"] = dt.date(2025, 5, 15)
    ws["D1"] = dt.time(9, 30)
    ws["E1"] = 0.5  # a plain number stays a number
    ws["F1"] = 199001012020121001
    ws["G1"] = True
    ws["H1"] = "ü"
    ws["H1"].font = Font(name="Wingdings")
    ws["I1"] = "\u2713"
    ws["I1"].font = Font(name="Calibri")
    ws["J1"] = CellRichText(["Nama ", TextBlock(InlineFont(b=True), "SOP")])
    ws["K1"] = " spasi  di tepi "
    ws["A3"] = "gabung"
    ws["B3"] = "tertutup gabungan"  # openpyxl empties a merged-over cell; so must the direct reader
    ws.merge_cells("A3:C4")
    ws["A6"] = "baris tersembunyi"
    ws.row_dimensions[6].hidden = True
    ws.column_dimensions["D"].hidden = True
    ws["A7"] = "=1+1"
    hidden = wb.create_sheet("Lama")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "salinan lama"
    very = wb.create_sheet("Daftar")
    very.sheet_state = "veryHidden"
    very["A1"] = 1
    path = tmp_path / "fakta.xlsx"
    wb.save(path)
    assert_same_sheets(path)
    sheet = direct_sheets(path)[0]
    assert sheet.cells[(1, 2)] == dt.datetime(2025, 5, 14) and sheet.fonts[(1, 8)] == "Wingdings"
    assert (3, 2) not in sheet.cells and sheet.merges == [(3, 1, 4, 3)]
    assert sheet.hidden_rows == {6} and 4 in sheet.hidden_cols
    assert [s.state for s in direct_sheets(path)] == ["visible", "hidden", "veryHidden"]


def test_a_1904_workbook_dates_the_same(tmp_path):
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active["A1"] = dt.datetime(2025, 5, 14)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert_same_sheets(path)
    assert direct_sheets(path)[0].cells[(1, 1)] == dt.datetime(2025, 5, 14)


def test_what_the_direct_reader_does_not_know_goes_to_openpyxl_with_a_log_line(tmp_path, caplog):
    built = tmp_path / "dibuat.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "gabung"
    wb.active.merge_cells("A1:B2")
    wb.active["C3"] = "=1+1"  # openpyxl stores the formula, never its result
    wb.save(built)
    path = tmp_path / "rujukan mutlak.xlsx"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # a range written "$A$1:$B$2": openpyxl reads it
                data = data.replace(b'ref="A1:B2"', b'ref="$A$1:$B$2"')
            zout.writestr(item, data)
    with caplog.at_level(logging.INFO, logger="sopdoc.reading.parsing"):
        document = parsing.open_document(path, path.name, sniff.Limits())
    assert document.workbook is not None
    assert "rujukan mutlak.xlsx: dibaca dengan openpyxl" in caplog.text
    [grid] = sheets.grids(document)
    assert grid.cells == {(1, 1): "gabung"}
    assert grid.formulas_without_value == {(3, 3)}  # seen though openpyxl loads values only


def _dates_from_formulas(tmp_path, formulas: dict) -> Path:
    """An .xlsx whose date-formatted cells hold `formulas` {ref: "<f>…</f>" as saved, or "" for a cell
    of an array formula}, each with the stored result 14 May 2025."""
    wb = openpyxl.Workbook()
    for ref in formulas:
        wb.active[ref] = "=1"
        wb.active[ref].number_format = "d mmmm yyyy"
    built, path = tmp_path / "dibuat.xlsx", tmp_path / "rumus.xlsx"
    wb.save(built)
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref, formula in formulas.items():
                    data = data.replace(f'<c r="{ref}" s="1"><f>1</f><v></v></c>'.encode(),
                                        f'<c r="{ref}" s="1">{formula}<v>45791</v></c>'.encode())
            zout.writestr(item, data)
    return path


@pytest.mark.parametrize("reader", ["direct", "office"])
def test_a_day_filled_down_from_today_is_the_formula_in_both_readers(tmp_path, reader):
    path = _dates_from_formulas(tmp_path, {
        "A1": '<f t="shared" ref="A1:A3" si="0">_xlfn.TODAY()-1</f>',
        "A2": '<f t="shared" si="0"/>', "A3": '<f t="shared" si="0"/>',  # the text is in A1 only
        "B1": '<f t="array" ref="B1:B2">now ()</f>', "B2": "",  # B2 has no formula of its own
        "C1": '<f t="shared" ref="C1:C2" si="1">DATE(2025,5,14)</f>', "C2": '<f t="shared" si="1"/>',
    })
    [grid] = sheets.grids(parsing.open_document(path, path.name, sniff.Limits(), reader=reader))
    day = dt.datetime(2025, 5, 14)
    assert grid.cells == {(1, 1): "=_xlfn.TODAY()-1", (2, 1): "=_xlfn.TODAY()-1", (3, 1): "=_xlfn.TODAY()-1",
                          (1, 2): "=now ()", (2, 2): "=now ()", (1, 3): day, (2, 3): day}


def test_the_direct_reader_is_the_default(tmp_path):
    document = parsing.open_document(SAMPLES / "sidoarjo-contoh.docx", "x.docx", sniff.Limits())
    assert document.docx is None and document.body is not None
    document = parsing.open_document(SAMPLES / "banten-contoh.xlsx", "x.xlsx", sniff.Limits())
    assert document.workbook is None and len(document.sheets) == 1


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.docx")), ids=lambda p: p.name)
def test_word_body_walks_the_same(path):
    with zipfile.ZipFile(path) as zf:
        body = docx_reader.read_body(zf)
    assert worddoc._walk_body(body) == worddoc._walk_body(docx.Document(path).element.body)


@pytest.mark.parametrize("refs,rows,without_styles", [
    (["A1:XFD10000"] * 120, 10_000, False),  # many ranges over the same many rows of cells
    (["A1:XFD1048576"], 1, True),  # read by openpyxl, which makes an object per covered cell
    (["$A$1:$B$2", "a1:xfd1048576"], 1, True),  # written as only openpyxl reads them
    (["A:XFD"], 1, True),
], ids=["many-over-rows", "openpyxl", "openpyxl-spellings", "openpyxl-columns"])
def test_merged_ranges_over_far_more_cells_than_a_form_are_refused_in_bounded_time_and_memory(
        tmp_path, refs, rows, without_styles):
    import hostile

    path = hostile.merged_ranges(tmp_path / "gabung.xlsx", refs, rows, without_styles)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(Refusal) as refused:
            parsing.open_document(path, path.name, sniff.Limits())
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "berkas_berbahaya" and "sel gabungan" in refused.value.reason
    assert elapsed < 10 and peak < 200 * 1024 * 1024


def test_ranges_over_whole_rows_or_the_whole_sheet_cost_only_the_cells_there_are(tmp_path):
    import hostile

    path = hostile.merged_ranges(tmp_path / "gabung.xlsx", [f"A{r}:XFD{r}" for r in range(1, 11)]
                                 + ["C11:XFD1048576"], rows=2_000)
    started = time.perf_counter()
    grid = sheets.grids(parsing.open_document(path, path.name, sniff.Limits()))[0]
    assert time.perf_counter() - started < 5
    assert grid.cells[(1, 1)] == 1 and (1, 2) not in grid.cells  # B1 under A1's range
    assert (12, 1) in grid.cells and (12, 2) in grid.cells  # A and B are left of C11's range


def test_merged_ranges_of_a_real_form_size_are_read(tmp_path):
    import hostile

    path = hostile.merged_ranges(tmp_path / "gabung.xlsx", ["C1:Z3", "A5:B900"], rows=900)
    grid = sheets.grids(parsing.open_document(path, path.name, sniff.Limits()))[0]
    assert grid.cells[(1, 1)] == 1 and (1, 2) in grid.cells and (5, 1) in grid.cells
    assert (6, 1) not in grid.cells and (6, 2) not in grid.cells
