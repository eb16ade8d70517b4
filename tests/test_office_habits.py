"""Habits of office staff found by a second red-team round, each on the sample forms as a real file.

The sample of each region is edited as a person edits it (a rank line in the signature block, a
date typed with spaces, rows filled with "-" or "dst.", a small table beside the form's) and the
parse must give back the sample's own facts, or a null plus a warning where a person could not tell.
"""
import shutil

import docx
import openpyxl
import pytest

from sopdoc import app
from testdata import SAMPLES


def sample_doc(region):
    """The canonical document of the unedited sample (the oracle)."""
    return app.check_file(next(SAMPLES.glob(f"{region}-contoh.[xd]*")), region_key=region).as_json()


def edited_xlsx(tmp_path, region, change):
    path = tmp_path / f"{region}.xlsx"
    wb = openpyxl.load_workbook(SAMPLES / f"{region}-contoh.xlsx")
    change(wb)
    wb.save(path)
    return path


def edited_docx(tmp_path, region, change):
    path = tmp_path / f"{region}.docx"
    shutil.copy(SAMPLES / f"{region}-contoh.docx", path)
    doc = docx.Document(str(path))
    change(doc)
    doc.save(str(path))
    return path


def check(path, region):
    result = app.check_file(path, region_key=region)
    assert result.refusal is None, result.refusal
    return result.as_json()


def same_facts(got, want):
    for key in ("agency", "filled_on", "signatory"):
        assert got[key] == want[key], key
    assert [{k: v for k, v in s.items() if k != "row"} for s in got["sops"]] == \
           [{k: v for k, v in s.items() if k != "row"} for s in want["sops"]]


def codes(doc):
    return [w["code"] for w in doc["warnings"]]


# --- the signature block ---------------------------------------------------------------------------

SIGNATURE_CELLS = {"banten": ("Evaluasi SOP", "K", 18), "tanjungbalai": ("Sheet1", "R", 16)}


@pytest.mark.parametrize("rank", ["Pembina Tingkat I (IV/b)", "Penata Tk. I / III d", "IV/a", "Pembina Utama Muda"])
@pytest.mark.parametrize("region", sorted(SIGNATURE_CELLS))
def test_rank_between_name_and_nip_is_neither_name_nor_position(tmp_path, region, rank):
    sheet, col, first = SIGNATURE_CELLS[region]

    def add_rank(wb):
        ws = wb[sheet]
        nip_row = max(r for r in range(first, ws.max_row + 1) if ws[f"{col}{r}"].value)
        ws[f"{col}{nip_row + 1}"] = ws[f"{col}{nip_row}"].value
        ws[f"{col}{nip_row}"] = rank

    same_facts(check(edited_xlsx(tmp_path, region, add_rank), region), sample_doc(region))


@pytest.mark.parametrize("region", ["sidoarjo", "bengkulu"])
def test_rank_line_in_a_word_signature(tmp_path, region):
    def add_rank(doc):
        nip = next(p for p in reversed(doc.paragraphs) if p.text.startswith("NIP"))
        nip.insert_paragraph_before("Pembina Tingkat I (IV/b)")

    same_facts(check(edited_docx(tmp_path, region, add_rank), region), sample_doc(region))


@pytest.mark.parametrize("date", ["14/5/25", "14/5", "45791", "14 Mei 2025 pukul 10.00 WIB", "2025/05/14"])
def test_place_and_date_line_the_date_reader_cannot_read_is_not_the_position(tmp_path, date):
    def retype(wb):
        wb["Evaluasi SOP"]["K18"] = f"Serang, {date}"

    got = check(edited_xlsx(tmp_path, "banten", retype), "banten")
    assert got["signatory"] == sample_doc("banten")["signatory"]


# --- dates as people type them ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["14 - 05 - 2025", "Rabu / 14 Mei 2025", "2025/05/14", "14/5/2025.",
                                  "14, Mei 2025", "Mei 14, 2025"])
def test_dates_typed_unambiguously_are_read(tmp_path, text):
    def retype(wb):
        wb["Evaluasi SOP"]["C6"] = text

    got = check(edited_xlsx(tmp_path, "banten", retype), "banten")
    assert got["filled_on"] == "2025-05-14"


@pytest.mark.parametrize("text", ["14 Mey 2025", "05/14/2025", "14 Mei"])
def test_dates_a_person_could_not_be_sure_of_are_null_with_a_warning(tmp_path, text):
    def retype(wb):
        wb["Evaluasi SOP"]["C6"] = text

    got = check(edited_xlsx(tmp_path, "banten", retype), "banten")
    assert got["filled_on"] is None
    assert "tanggal_tidak_terbaca" in codes(got)


# --- what a cell shows ------------------------------------------------------------------------------

@pytest.mark.parametrize("letter", ["v", "x", "Ya"])
def test_letters_in_a_symbol_font_are_no_answer(tmp_path, letter):
    """"v" in Wingdings prints as a diamond: the page shows neither Ya nor Tidak."""
    def retype(wb):
        cell = wb["Evaluasi SOP"]["F12"]
        cell.value = letter
        cell.font = openpyxl.styles.Font(name="Wingdings")

    got = check(edited_xlsx(tmp_path, "banten", retype), "banten")
    assert got["sops"][1]["criteria"]["mudah_dilaksanakan"] is None
    assert any(w["code"] == "nilai_tidak_terbaca" and w["where"].endswith("F12") for w in got["warnings"])


# --- rows and tables that are not SOPs --------------------------------------------------------------

FIRST_FREE_ROW = {"banten": ("Evaluasi SOP", 17), "bontang": ("EVALUASI", 17), "tanjungbalai": ("Sheet1", 15)}


@pytest.mark.parametrize("filler", ["dst.", "-", "...", "dan seterusnya"])
@pytest.mark.parametrize("region", sorted(FIRST_FREE_ROW))
def test_rows_filled_with_dashes_or_dst_are_not_sops(tmp_path, region, filler):
    sheet, row = FIRST_FREE_ROW[region]

    def fill(wb):
        ws = wb[sheet]
        for r in (row, row + 1):  # banten's signature block starts two rows further down
            ws.cell(r, 1, r - row + 7)
            for c in range(2, 14):
                ws.cell(r, c, filler if region != "banten" or r == row else None)

    same_facts(check(edited_xlsx(tmp_path, region, fill), region), sample_doc(region))


@pytest.mark.parametrize("filler", ["dst.", "-"])
def test_word_rows_filled_with_dashes_or_dst_are_not_sops(tmp_path, filler):
    def fill(doc):
        for table in doc.tables[1:3]:
            cells = table.add_row().cells
            cells[0].text = "7"
            for cell in cells[1:3]:
                cell.text = filler

    same_facts(check(edited_docx(tmp_path, "sidoarjo", fill), "sidoarjo"), sample_doc("sidoarjo"))


def test_small_table_above_and_beside_the_form_is_not_its_header(tmp_path):
    def recap_beside(wb):
        ws = wb["EVALUASI"]
        for c, label in enumerate(["No", "Nama SOP", "Jumlah"], start=16):
            ws.cell(9, c, label)
        for k in range(3):
            ws.cell(11 + k, 16, k + 1)
            ws.cell(11 + k, 17, f"Rekap {k}")
            ws.cell(11 + k, 18, 5)

    same_facts(check(edited_xlsx(tmp_path, "bontang", recap_beside), "bontang"), sample_doc("bontang"))


def test_second_table_with_fewer_columns_below_is_not_a_continuation(tmp_path):
    def proposals_below(wb):
        ws = wb["EVALUASI"]
        for c, label in enumerate(["No", "Nomor SOP", "Nama SOP"], start=1):
            ws.cell(20, c, label)
        ws.cell(21, 1, 1)
        ws.cell(21, 2, "SOP/X/001")
        ws.cell(21, 3, "Usulan SOP baru")

    got = check(edited_xlsx(tmp_path, "bontang", proposals_below), "bontang")
    same_facts(got, sample_doc("bontang"))
    assert any(w["code"] == "tabel_lanjutan_tidak_sejajar" and w["where"].endswith("20") for w in got["warnings"])


# --- Word: a text box typed into a table cell -------------------------------------------------------

def test_a_text_box_in_a_table_cell_is_that_cell_s_text_read_once(tmp_path):
    from test_word_structures import sidoarjo
    import wordedits as we
    from sopdoc.reading import parsing

    path = sidoarjo(tmp_path, we.text_box_in_cell(0, 0, 2, "Dinas Kesehatan"),
                    we.text_box_in_cell(1, 2, 4, "Catatan dalam kotak teks"))
    form = parsing.read_file(path, region_key="sidoarjo").form
    assert form.agency_as_written == "Dinas Kesehatan"  # not twice (shape and VML copy), not absent
    assert form.sops[1].notes == "Catatan dalam kotak teks"
    assert not [w for w in form.warnings if w.code.startswith("opd")]


# --- a title-only SOP whose title goes on over two rows ---------------------------------------------

TITLE_COLUMN = {"banten": 3, "bontang": 3, "tanjungbalai": 2}


@pytest.mark.parametrize("region", sorted(FIRST_FREE_ROW))
def test_title_only_sop_typed_over_two_rows_is_one_sop_not_a_fragment(tmp_path, region):
    sheet, row = FIRST_FREE_ROW[region]

    def title_only(wb):
        ws = wb[sheet]
        if region == "banten":
            ws.insert_rows(row, 2)  # above the signature block
        ws.cell(row, 1, 7)
        ws.cell(row, TITLE_COLUMN[region], "Pengelolaan Barang")
        ws.cell(row + 1, TITLE_COLUMN[region], "Milik Daerah")

    got = check(edited_xlsx(tmp_path, region, title_only), region)
    assert [s["title"] for s in got["sops"][5:]] == [sample_doc(region)["sops"][5]["title"],
                                                    "Pengelolaan Barang Milik Daerah"]


def test_word_title_only_sop_typed_over_two_rows_is_one_sop_not_a_fragment(tmp_path):
    def title_only(doc):
        for table, title_col in ((doc.tables[1], 2), (doc.tables[2], 1)):
            for no, text in (("7", "Pengelolaan Barang"), ("", "Milik Daerah")):
                cells = table.add_row().cells
                cells[0].text = no
                cells[title_col].text = text

    got = check(edited_docx(tmp_path, "sidoarjo", title_only), "sidoarjo")
    assert [s["title"] for s in got["sops"][5:]] == [sample_doc("sidoarjo")["sops"][5]["title"],
                                                    "Pengelolaan Barang Milik Daerah"]


# --- bounded work ---------------------------------------------------------------------------------

def _split_many(tmp_path, parts: int):
    """Sidoarjo's table A split by page breaks into `parts` pieces, each repeating the header and the SOPs."""
    import copy

    from docx.oxml import OxmlElement

    def split(doc):
        table = doc.tables[1]._tbl
        for _ in range(parts - 1):
            table.addnext(copy.deepcopy(table))
            table.addnext(OxmlElement("w:p"))
    return edited_docx(tmp_path, "sidoarjo", split)


def test_a_word_table_split_into_hundreds_of_parts_costs_linear_work(tmp_path, monkeypatch):
    """The join of each part checks the numbers where the parts meet, not the whole table again."""
    from sopdoc.formkit import worddoc

    calls = []
    counted = worddoc.row_number
    monkeypatch.setattr(worddoc, "row_number", lambda cell: calls.append(1) or counted(cell))
    work = {}
    for parts in (50, 200):
        calls.clear()
        got = app.check_file(_split_many(tmp_path, parts), region_key="sidoarjo")
        assert got.refusal is not None or got.as_json()["warnings"]  # same numbers again: never silent
        work[parts] = len(calls)
    assert work[200] < 6 * work[50]  # 4x the parts: about 4x the work, not 16x


# --- OpenDocument --------------------------------------------------------------------------------

@pytest.mark.soffice
@pytest.mark.parametrize("region", sorted(FIRST_FREE_ROW))
def test_a_hidden_stale_copy_in_front_stays_hidden_in_an_ods(tmp_path, region):
    """LibreOffice shows the first sheet of an .ods when it converts it, even a hidden one: the
    hidden copy in front must stay out of the reading, as it is out of the agency's sight."""
    from sheetedits import resave_with_libreoffice

    sheet = FIRST_FREE_ROW[region][0]

    def stale_copy_in_front(wb):
        stale = wb.copy_worksheet(wb[sheet])
        stale.title = "Salinan Lama"
        for row in stale.iter_rows():
            for cell in row:
                if cell.value == sample_doc(region)["sops"][0]["title"]:
                    cell.value = "Judul Lama Yang Sudah Diganti"
        stale.sheet_state = "hidden"
        wb.move_sheet(stale, offset=-(len(wb.sheetnames) - 1))

    ods = resave_with_libreoffice(edited_xlsx(tmp_path, region, stale_copy_in_front), "ods")
    got = check(ods, region)
    same_facts(got, sample_doc(region))
    assert "salinan_berbeda" not in codes(got)


# --- dates that are the day the file is opened ------------------------------------------------------

def _with_cached_value(path, ref: str, value: str, text: bool = False):
    """`path` with the stored result of the formula in `ref` set to `value` (as Excel saves it;
    `text`: a text result, t="str")."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        members = {info.filename: zin.read(info) for info in zin.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    kind = ' t="str"' if text else ""
    sheet = re.sub(rf'<c r="{ref}"([^>]*?)(?: t="[a-z]+")?([^>]*)>(<f>[^<]*</f>)(?:<v>[^<]*</v>)?',
                   rf'<c r="{ref}"\g<1>\g<2>{kind}>\g<3><v>{value}</v>', sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return path


def _filled_down(path, master: str, ref: str, below: str):
    """`path` with the formula of `master` shared over `ref` and `below` one of its cells, as Excel and
    LibreOffice save a formula filled down: its text is written once, in `master`; the other cells
    name it by `si` only."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        members = {info.filename: zin.read(info) for info in zin.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(rf'(<c r="{master}"[^>]*>)<f>', rf'\g<1><f t="shared" ref="{ref}" si="0">', sheet)
    sheet = re.sub(rf'(<c r="{below}"[^>]*>)<f>[^<]*</f>', r'\g<1><f t="shared" si="0"/>', sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return path


@pytest.mark.parametrize("formula", ["=TODAY()", "=NOW()", '=TEXT(TODAY(),"d mmmm yyyy")', "=TODAY()-1",
                                     "=DATE(YEAR(TODAY()),5,14)", "=today()", "=_xlfn.NOW ( )"])
def test_a_fill_date_from_today_is_null_with_a_warning_never_the_day_it_was_opened(tmp_path, formula):
    def today(wb):
        wb["Evaluasi SOP"]["C6"] = formula

    text = formula.startswith("=TEXT")
    path = _with_cached_value(edited_xlsx(tmp_path, "banten", today), "C6", "14 Mei 2025" if text else "45791", text)
    got = check(path, "banten")
    assert got["filled_on"] is None
    assert [w["where"] for w in got["warnings"] if w["code"] == "tanggal_tidak_terbaca"] == ["Evaluasi SOP!C6"]


def _fill_date_filled_down(tmp_path, formula: str):
    """banten's form whose fill date C6 is the last cell of `formula` filled down from C3."""
    def filled_down(wb):
        wb["Evaluasi SOP"]["C3"] = wb["Evaluasi SOP"]["C6"] = formula

    path = edited_xlsx(tmp_path, "banten", filled_down)
    for ref in ("C3", "C6"):
        _with_cached_value(path, ref, "45791")
    return _filled_down(path, "C3", "C3:C6", "C6")


def test_a_fill_date_filled_down_from_a_today_formula_is_null_with_a_warning(tmp_path):
    got = check(_fill_date_filled_down(tmp_path, "=TODAY()"), "banten")  # by both readers (conftest)
    assert got["filled_on"] is None
    assert [w["where"] for w in got["warnings"] if w["code"] == "tanggal_tidak_terbaca"] == ["Evaluasi SOP!C6"]


def test_a_fill_date_filled_down_from_another_formula_is_read(tmp_path):
    got = check(_fill_date_filled_down(tmp_path, "=DATE(2025,5,14)"), "banten")
    assert got["filled_on"] == "2025-05-14"


@pytest.mark.soffice
@pytest.mark.one_reader
def test_an_ods_whose_fill_date_is_today_is_not_read_as_the_day_it_was_converted(tmp_path):
    from sheetedits import resave_with_libreoffice

    def today(wb):
        wb["Evaluasi SOP"]["C6"] = "=TODAY()"

    got = check(resave_with_libreoffice(edited_xlsx(tmp_path, "banten", today), "ods"), "banten")
    assert got["filled_on"] is None
    assert any(w["code"] == "tanggal_tidak_terbaca" and w["where"] == "Evaluasi SOP!C6" for w in got["warnings"])


def _date_field_in_identity(doc, simple: bool):
    from docx.oxml import parse_xml

    cell = doc.tables[0].cell(1, 2)
    paragraph = cell.paragraphs[0]
    for run in list(paragraph._p):
        if run.tag.endswith("}r"):
            paragraph._p.remove(run)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    result = '<w:r><w:t>6 November 2019</w:t></w:r>'
    if simple:
        runs = f'<w:fldSimple {ns} w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; ">{result}</w:fldSimple>'
        paragraph._p.append(parse_xml(runs))
        return
    for xml in ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText xml:space="preserve"> DATE \\@ "d MMMM yyyy" </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', result,
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {ns}>", 1)))


@pytest.mark.parametrize("simple", [False, True], ids=["field", "simple-field"])
def test_a_word_date_field_is_null_with_a_warning_never_the_day_it_was_opened(tmp_path, simple):
    got = check(edited_docx(tmp_path, "sidoarjo", lambda doc: _date_field_in_identity(doc, simple)), "sidoarjo")
    assert got["filled_on"] is None
    assert [w["where"] for w in got["warnings"] if w["code"] == "tanggal_tidak_terbaca"] == ["tabel 1 baris 2 kolom 3"]


def _date_field_over_two_paragraphs(doc):
    """The identity date as a DATE field begun (and its result separated) in one paragraph of the
    cell, its result and end in the next: Word writes that when the field's result holds a break."""
    from docx.oxml import parse_xml

    _date_field_in_identity(doc, False)
    first = doc.tables[0].cell(1, 2).paragraphs[0]._p
    runs = [el for el in first if el.tag.endswith("}r")]
    second = parse_xml('<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    first.addnext(second)
    for run in runs[3:]:  # the result's text and the field's end
        second.append(run)


def test_a_word_date_field_whose_result_runs_into_the_next_paragraph_is_null_with_a_warning(tmp_path):
    got = check(edited_docx(tmp_path, "sidoarjo", _date_field_over_two_paragraphs), "sidoarjo")
    assert got["filled_on"] is None
    assert [w["where"] for w in got["warnings"] if w["code"] == "tanggal_tidak_terbaca"] == ["tabel 1 baris 2 kolom 3"]


def _date_field_of_many_runs(doc, runs: int):
    """The identity date as a DATE field whose instruction and result are each cut into many runs,
    all in one paragraph."""
    from copy import deepcopy

    _date_field_in_identity(doc, False)
    paragraph = doc.tables[0].cell(1, 2).paragraphs[0]._p
    _, instruction, _, result, _ = [el for el in paragraph if el.tag.endswith("}r")]
    for _ in range(runs // 2):
        instruction.addnext(deepcopy(instruction))
        result.addnext(deepcopy(result))


def test_a_paragraph_of_many_field_runs_is_read_in_one_walk(tmp_path):
    """Looking for each DATE instruction's result from that instruction on took the square of the
    paragraph's runs: 8,000 runs took 33 s."""
    import time

    from sopdoc.formkit import worddoc

    path = edited_docx(tmp_path, "sidoarjo", lambda doc: _date_field_of_many_runs(doc, 8000))
    document = docx.Document(str(path))
    started = time.perf_counter()
    walked = worddoc.blocks(document)
    assert time.perf_counter() - started < 5
    identity = next(block for block in walked if isinstance(block, worddoc.Table))
    assert identity.cell(1, 2).text == worddoc.OPENING_DAY_FIELD_TEXT


@pytest.mark.soffice
def test_an_odt_whose_date_is_a_date_field_is_not_read_as_the_day_it_was_converted(tmp_path):
    from sheetedits import resave_with_libreoffice

    path = edited_docx(tmp_path, "sidoarjo", lambda doc: _date_field_in_identity(doc, False))
    got = check(resave_with_libreoffice(path, "odt"), "sidoarjo")
    assert got["filled_on"] is None
    assert any(w["code"] == "tanggal_tidak_terbaca" for w in got["warnings"])


# --- Sidoarjo: table B reordered and numbered again -------------------------------------------------

def test_sidoarjo_table_b_rows_reordered_and_renumbered_are_joined_by_title(tmp_path):
    def reorder(doc):
        table = doc.tables[2]
        second, third = table.rows[3], table.rows[4]
        second._tr.addprevious(third._tr)  # SOP 3's marks now on the row numbered 2, and back
        for row, number in ((table.rows[3], "2"), (table.rows[4], "3")):
            row.cells[0].text = number

    got = check(edited_docx(tmp_path, "sidoarjo", reorder), "sidoarjo")
    same_facts(got, sample_doc("sidoarjo"))
    assert sorted(w["where"] for w in got["warnings"] if w["code"] == "nomor_berbeda") == [
        "tabel 3 baris 4", "tabel 3 baris 5"]


def test_tidak_before_ya_under_each_criterion_pairs_each_mark_with_its_own_criterion(tmp_path):
    def swap(wb):
        ws = wb["Sheet1"]
        for k in range(7):  # the sub-headers and the marks of every criterion
            ya, tidak = 4 + 2 * k, 5 + 2 * k
            for r in range(8, 15):
                ws.cell(r, ya).value, ws.cell(r, tidak).value = ws.cell(r, tidak).value, ws.cell(r, ya).value

    got = check(edited_xlsx(tmp_path, "tanjungbalai", swap), "tanjungbalai")
    same_facts(got, sample_doc("tanjungbalai"))
    assert got["warnings"] == []


# --- "-" for nothing ------------------------------------------------------------------------------

def test_a_dash_for_no_number_or_no_note_is_nothing_in_excel(tmp_path):
    def dashes(wb):
        ws = wb["Evaluasi SOP"]
        ws["B12"], ws["L12"], ws["B13"] = "-", "-", "\u2026"

    got = check(edited_xlsx(tmp_path, "banten", dashes), "banten")
    assert [(s["number"], s["notes"]) for s in got["sops"][1:3]] == [(None, None), (None, None)]


def test_a_dash_for_no_number_or_no_note_is_nothing_in_word(tmp_path):
    def dashes(doc):
        doc.tables[1].cell(2, 1).text = "-"
        doc.tables[1].cell(2, 4).text = "-"

    got = check(edited_docx(tmp_path, "sidoarjo", dashes), "sidoarjo")
    assert (got["sops"][1]["number"], got["sops"][1]["notes"]) == (None, None)

    def no_number(doc):
        paragraph = next(p for p in doc.paragraphs if p.text.startswith("Nomor SOP"))
        for run in paragraph.runs[1:]:
            run.text = ""
        paragraph.runs[0].text = "Nomor SOP : -"

    got = check(edited_docx(tmp_path, "bengkulu", no_number), "bengkulu")
    assert got["sops"][0]["number"] is None


def _header_again_at_row_14(ws) -> None:
    """Banten's three header rows (8-10) repeated as page 2's, above the fourth SOP."""
    ws.insert_rows(14, 3)
    for source, target in ((8, 14), (9, 15), (10, 16)):
        for c in range(1, 14):
            ws.cell(target, c).value = ws.cell(source, c).value


def test_a_header_repeated_with_one_column_more_never_hides_the_rows_before_it(tmp_path):
    """Page 2's header with a column more ("Nilai") is another shape of table: the rows above it are
    read, what follows it is not, and a warning says so. It never becomes the header itself."""
    def page_two_with_more(wb):
        ws = wb["Evaluasi SOP"]
        _header_again_at_row_14(ws)
        ws.cell(14, 14).value = "Nilai"

    got = check(edited_xlsx(tmp_path, "banten", page_two_with_more), "banten")
    assert [s["title"] for s in got["sops"]] == [s["title"] for s in sample_doc("banten")["sops"][:3]]
    assert [w["where"] for w in got["warnings"] if w["code"] == "tabel_lanjutan_tidak_sejajar"] == ["Evaluasi SOP!14"]


def test_a_header_repeated_without_its_group_label_still_continues_the_table(tmp_path):
    def page_two_without_group(wb):
        ws = wb["Evaluasi SOP"]
        _header_again_at_row_14(ws)
        ws.cell(14, 4).value = None  # "Kriteria Evaluasi" not typed again

    got = check(edited_xlsx(tmp_path, "banten", page_two_without_group), "banten")
    same_facts(got, sample_doc("banten"))
    assert got["warnings"] == []


def test_a_mark_centred_over_a_merged_ya_tidak_pair_is_no_answer_as_in_word(tmp_path):
    def merged_pairs(wb):
        ws = wb["Sheet1"]
        for row in (9, 10):  # "Mudah dipahami" of SOPs 1 (Tidak) and 2 (Ya)
            ws[f"F{row}"], ws[f"G{row}"] = "\u221a", None
            ws.merge_cells(f"F{row}:G{row}")

    got = check(edited_xlsx(tmp_path, "tanjungbalai", merged_pairs), "tanjungbalai")
    assert [s["criteria"]["mudah_dipahami"] for s in got["sops"][:2]] == [None, None]
    assert [w["where"] for w in got["warnings"] if w["code"] == "kriteria_ganda"] == ["Sheet1!F9:G9", "Sheet1!F10:G10"]


def test_a_header_repeated_one_column_further_right_never_hides_the_rows_before_it(tmp_path):
    def page_two_shifted(wb):
        ws = wb["Evaluasi SOP"]
        ws.insert_rows(14, 3)
        for source, target in ((8, 14), (9, 15), (10, 16)):
            for c in range(1, 14):
                ws.cell(target, c + 1).value = ws.cell(source, c).value
        ws.cell(14, 15).value = "Nilai"

    got = check(edited_xlsx(tmp_path, "banten", page_two_shifted), "banten")
    assert [s["title"] for s in got["sops"]] == [s["title"] for s in sample_doc("banten")["sops"][:3]]
    assert [w["where"] for w in got["warnings"] if w["code"] == "tabel_lanjutan_tidak_sejajar"] == ["Evaluasi SOP!14"]


# --- two people: the officer who filled the form in and the head who signs it ----------------------

def _officer(name: str, nip: str):
    def change(doc):
        identity = doc.tables[0]
        for row, text in ((2, name), (3, nip)):
            identity.cell(row, 2).text = text
    return change


def test_the_signing_heads_position_is_never_given_to_the_officer_named_above(tmp_path):
    got = check(edited_docx(tmp_path, "sidoarjo", _officer("Budi Hartono, S.Kom.", "19800101 200501 1 003")),
                "sidoarjo")
    assert got["signatory"] == {"name": "Budi Hartono, S.Kom.", "nip": "198001012005011003", "position": None}
    assert [w["code"] for w in got["warnings"]] == ["penandatangan_berbeda"]


def test_the_same_person_with_or_without_degrees_keeps_the_position(tmp_path):
    got = check(edited_docx(tmp_path, "sidoarjo", _officer("AHMAD FAUZI", "19751223 200404 1 013")), "sidoarjo")
    assert got["signatory"]["position"] == sample_doc("sidoarjo")["signatory"]["position"]
    assert got["warnings"] == []


@pytest.mark.parametrize("mark", ["ttd", "TTD.", "(cap dan tanda tangan)", "( ........................ )",
                                  "Materai 10000"])
def test_what_fills_the_space_for_the_signature_is_neither_position_nor_name(tmp_path, mark):
    def fill_the_gap(wb):
        wb["Evaluasi SOP"]["K21"] = mark

    got = check(edited_xlsx(tmp_path, "banten", fill_the_gap), "banten")
    assert got["signatory"] == sample_doc("banten")["signatory"]

    def instead_of_the_name(wb):
        wb["Evaluasi SOP"]["K23"] = mark

    got = check(edited_xlsx(tmp_path, "banten", instead_of_the_name), "banten")
    assert got["signatory"]["name"] is None and "penandatangan_kosong" in codes(got)


@pytest.mark.parametrize("region", ["sidoarjo", "bengkulu"])
def test_ttd_and_a_rank_typed_above_the_name_in_word_are_not_the_position(tmp_path, region):
    def above_the_name(doc):
        name = sample_doc(region)["signatory"]["name"]
        paragraph = next(p for p in reversed(doc.paragraphs) if p.text.startswith(name))
        paragraph.insert_paragraph_before("ttd")
        paragraph.insert_paragraph_before("Pembina Tk. I")

    got = check(edited_docx(tmp_path, region, above_the_name), region)
    assert got["signatory"] == sample_doc(region)["signatory"]
