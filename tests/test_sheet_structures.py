"""Excel forms edited as people edit a printed form (FORMS.md), in every Excel region.

Each test writes a real .xlsx with the form generator, edits its structure (tests/sheetedits.py)
and checks the parse gives back the facts it was built with, or nulls plus warnings where a
person could not tell either.
"""
import datetime as dt
from dataclasses import asdict

import pytest

import excelforms as xf
import sheetedits as se
from sopdoc.reading import parsing

REGIONS = ("banten", "bontang", "tanjungbalai")
BUILDERS = {"banten": xf.banten, "bontang": xf.bontang, "tanjungbalai": xf.tanjungbalai}
DEFAULT_FACTS = {
    "banten": xf.Facts(sops=xf.default_sops(4)),
    "bontang": xf.Facts(filled_on=dt.date(2024, 10, 30), sops=xf.default_sops(4)),
    "tanjungbalai": xf.Facts(filled_on=dt.date(2019, 5, 29), signer="Dra. Siti Nurhaliza",
                             nip="197307161999042012", position="Sekretaris", sops=xf.default_sops(4, 2019)),
}


def build(tmp_path, region, *changes, name="form.xlsx", **options):
    path = BUILDERS[region](tmp_path / name, DEFAULT_FACTS[region], **options)
    for change in changes:
        se.edit(path, region, change)
    return path


def read(path, region):
    return parsing.read_file(path, region_key=region).form


def sops_of(form):
    return [asdict(s) for s in form.sops]


def expected(region, facts=None):
    return xf.expected_sops(facts or DEFAULT_FACTS[region], region)


def codes(form):
    return [w.code for w in form.warnings]


def assert_same_facts(form, region):
    assert sops_of(form) == expected(region)
    facts = DEFAULT_FACTS[region]
    assert form.filled_on == facts.filled_on.isoformat()
    assert (form.signatory.name, form.signatory.nip) == (facts.signer, facts.nip)


# --- visibility -----------------------------------------------------------------------------------

@pytest.mark.parametrize("region", REGIONS)
def test_hidden_example_row_is_not_an_sop_and_is_reported(tmp_path, region):
    form = read(build(tmp_path, region, se.hidden_example_row), region)
    assert_same_facts(form, region)
    hidden = [w for w in form.warnings if w.code == "baris_tersembunyi"]
    assert len(hidden) == 1 and hidden[0].where.startswith(se.TABLE_SHEET[region])


@pytest.mark.parametrize("region", REGIONS)
def test_hidden_helper_column_is_not_read(tmp_path, region):
    form = read(build(tmp_path, region, se.hidden_helper_column), region)
    assert_same_facts(form, region)
    assert form.warnings == []


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
@pytest.mark.parametrize("region", REGIONS)
def test_hidden_stale_copy_of_the_sheet_is_ignored(tmp_path, region, state):
    form = read(build(tmp_path, region, se.hidden_stale_copy(state)), region)
    assert_same_facts(form, region)
    assert form.warnings == []


# --- tables that go on -------------------------------------------------------------------------------

@pytest.mark.parametrize("blank_rows,numbering", [(0, True), (2, True), (0, False), (3, False)])
@pytest.mark.parametrize("region", REGIONS)
def test_header_repeated_on_page_two_continues_the_table(tmp_path, region, blank_rows, numbering):
    form = read(build(tmp_path, region, se.page_two(2, blank_rows, numbering)), region)
    assert_same_facts(form, region)
    assert form.warnings == []


@pytest.mark.parametrize("region", REGIONS)
def test_table_continued_on_a_second_sheet_is_joined(tmp_path, region):
    form = read(build(tmp_path, region, se.continued_on_sheet(2)), region)
    assert_same_facts(form, region)
    assert form.warnings == []


@pytest.mark.parametrize("region", REGIONS)
def test_a_gap_in_the_numbers_is_a_warning(tmp_path, region):
    def renumber(wb, ws, table):
        ws.cell(table.sop_row(2), table.no_col, 7)
        ws.cell(table.sop_row(3), table.no_col, 8)

    form = read(build(tmp_path, region, renumber), region)
    assert sops_of(form) == expected(region)
    assert codes(form) == ["nomor_tidak_berurutan"]


@pytest.mark.parametrize("region", REGIONS)
def test_second_sheet_that_does_not_go_on_is_not_joined(tmp_path, region):
    def renumber(wb, ws, table):
        other = wb["Lanjutan"]
        for r in range(1, other.max_row + 1):
            if isinstance(other.cell(r, table.no_col).value, int):
                other.cell(r, table.no_col).value += 5

    form = read(build(tmp_path, region, se.continued_on_sheet(2), renumber), region)
    assert sops_of(form) == expected(region)[:2]
    assert "lembar_tidak_dibaca" in codes(form)


# --- records over several rows --------------------------------------------------------------------

@pytest.mark.parametrize("merged", [True, False])
@pytest.mark.parametrize("region", REGIONS)
def test_title_typed_over_two_rows_is_one_sop(tmp_path, region, merged):
    form = read(build(tmp_path, region, se.title_over_two_rows(1, merged)), region)
    assert_same_facts(form, region)
    assert form.warnings == []


# --- copies of the form ----------------------------------------------------------------------------

@pytest.mark.parametrize("region", REGIONS)
def test_identical_visible_copy_is_read_once(tmp_path, region):
    form = read(build(tmp_path, region, se.visible_copy()), region)
    assert_same_facts(form, region)
    assert form.warnings == []


@pytest.mark.parametrize("region", REGIONS)
def test_disagreeing_copy_gives_null_and_a_warning_where_they_differ(tmp_path, region):
    def other_title(ws, table):
        ws.cell(table.sop_row(1), table.title_col, "Judul Yang Lain")

    form = read(build(tmp_path, region, se.visible_copy(other_title)), region)
    want = expected(region)
    want[1]["title"] = None
    assert sops_of(form) == want
    assert codes(form) == ["salinan_berbeda"]


# --- columns anywhere ------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["PIC", "Keterangan", "Unit Pelaksana"])
@pytest.mark.parametrize("region", ["banten", "tanjungbalai"])
def test_inserted_column_is_not_read_as_another(tmp_path, region, label):
    form = read(build(tmp_path, region, se.extra_column(label)), region)
    assert_same_facts(form, region)


def test_reordered_columns_are_read_by_their_headers(tmp_path):
    form = read(build(tmp_path, "bontang", se.swap_columns("Status SOP", "Keterangan")), "bontang")
    assert_same_facts(form, "bontang")


@pytest.mark.parametrize("region", ["bontang", "tanjungbalai"])
def test_criteria_under_a_group_header_row(tmp_path, region):
    form = read(build(tmp_path, region, se.group_header), region)
    assert_same_facts(form, region)
    assert form.warnings == []


# --- no crash on a form-shaped file -----------------------------------------------------------------

def test_bontang_with_words_in_the_k_cells_a_short_month_and_a_dotted_nip(tmp_path):
    path = xf.bontang(tmp_path / "bontang.xlsx", DEFAULT_FACTS["bontang"], ones="Ya",
                      date_value="28-Okt-2024", nip_value="19711027.199504.1.002")
    form = read(path, "bontang")
    assert sops_of(form) == expected("bontang")
    assert form.filled_on == "2024-10-28"
    assert form.signatory.nip == "197110271995041002"


@pytest.mark.parametrize("region", REGIONS)
def test_unexpected_value_types_are_warnings_not_crashes(tmp_path, region):
    def odd_values(wb, ws, table):
        ws.cell(table.sop_row(0), table.title_col, dt.datetime(2025, 1, 2))
        for c in range(table.title_col + 1, table.last_col + 1):
            ws.cell(table.sop_row(1), c, dt.time(10, 30))

    form = read(build(tmp_path, region, odd_values), region)
    assert form.sops[0].title is None
    assert "nilai_tidak_terbaca" in codes(form)


def test_invisible_characters_are_dropped_not_spaced(tmp_path):
    path = xf.banten(tmp_path / "f.xlsx", DEFAULT_FACTS["banten"], agency_value="Dinas Ko\u200bperasi\u00ad")
    assert read(path, "banten").agency_as_written == "Dinas Koperasi"


# --- written by LibreOffice -------------------------------------------------------------------------

@pytest.mark.soffice
@pytest.mark.parametrize("region,change", [
    ("banten", se.hidden_example_row),
    ("bontang", se.page_two(2, 1, True)),
    ("tanjungbalai", se.title_over_two_rows(1, True)),
    ("banten", se.continued_on_sheet(2)),
    ("bontang", se.hidden_stale_copy("hidden")),
])
def test_saved_by_libreoffice(tmp_path, region, change):
    path = se.resave_with_libreoffice(build(tmp_path, region, change))
    form = read(path, region)
    assert_same_facts(form, region)
    assert set(codes(form)) <= {"baris_tersembunyi"}


@pytest.mark.parametrize("region", REGIONS)
def test_what_the_page_shows_is_read_even_when_it_is_the_old_copy(tmp_path, region):
    path = build(tmp_path, region, se.hidden_stale_copy("hidden"))

    def hide_visible(wb, ws, table):
        ws.sheet_state = "hidden"
        wb.active = wb.sheetnames.index(f"{ws.title} lama")
        wb[f"{ws.title} lama"].sheet_state = "visible"
        ws.sheet_state = "hidden"

    se.edit(path, region, hide_visible)
    form = read(path, region)  # the visible one is now the old copy: that is what the page shows
    assert form.sops[0].title == "Judul Lama Yang Sudah Diganti"


# --- signature blocks -----------------------------------------------------------------------------

SIGNING = {"banten": "banten", "tanjungbalai": "tanjungbalai"}  # Bontang signs on its IDENTITAS sheet


@pytest.mark.parametrize("where", ["beside", "before", "after"])
@pytest.mark.parametrize("region", SIGNING)
def test_acknowledgement_block_is_not_the_signatory(tmp_path, region, where):
    form = read(build(tmp_path, region, se.acknowledgement_block(where)), region)
    facts = DEFAULT_FACTS[region]
    assert (form.signatory.name, form.signatory.nip, form.signatory.position) == (
        facts.signer, facts.nip, facts.position)
    assert form.warnings == []


@pytest.mark.parametrize("line", ["Serang, ........ Mei 2025", "Serang,    Mei 2025", "Serang, 14 Mai 2025",
                                  "Serang, ___ Mei 2025"])
@pytest.mark.parametrize("region", SIGNING)
def test_incomplete_place_and_date_line_is_never_the_position(tmp_path, region, line):
    form = read(build(tmp_path, region, se.place_date_line(line)), region)
    facts = DEFAULT_FACTS[region]
    assert (form.signatory.name, form.signatory.position) == (facts.signer, facts.position)
    assert form.filled_on == facts.filled_on.isoformat()  # from the form's own date field


@pytest.mark.parametrize("region", SIGNING)
def test_a_legend_under_the_table_is_not_the_position(tmp_path, region):
    def legend(wb, ws, table):
        r, c = se._signature_cell(ws, table)
        ws.cell(r, c).value = None
        ws.cell(table.last_sop + 2, c, "Keterangan: Ya = memenuhi, Tidak = tidak memenuhi")

    form = read(build(tmp_path, region, legend), region)
    assert form.signatory.position == DEFAULT_FACTS[region].position


@pytest.mark.parametrize("region", REGIONS)
def test_a_row_with_answers_but_no_sop_inside_the_table_is_a_warning(tmp_path, region):
    def nameless(wb, ws, table):
        r = table.sop_row(1)
        se.insert_rows(ws, r, 1)
        for c in range(table.title_col + 1, table.last_col + 1):
            ws.cell(r, c).value = ws.cell(r + 1, c).value
        ws.cell(r, table.title_col).value = None
        for name in ("Nomor SOP",):
            col = next(c for c in range(1, table.last_col + 1) if ws.cell(table.header, c).value == name)
            ws.cell(r, col).value = None

    form = read(build(tmp_path, region, nameless), region)
    assert sops_of(form) == expected(region)
    assert "baris_tidak_dikenali" in codes(form)


@pytest.mark.parametrize("region", REGIONS)
def test_visible_example_row_of_the_template_is_not_an_sop(tmp_path, region):
    def example(wb, ws, table):
        r = table.first_sop
        se.insert_rows(ws, r, 1)
        for c in range(1, table.last_col + 1):
            ws.cell(r, c).value = ws.cell(r + 1, c).value
        ws.cell(r, table.title_col).value = "Contoh: Pelayanan Administrasi Surat Masuk"
        ws.cell(r, table.no_col).value = None

    form = read(build(tmp_path, region, example), region)
    assert_same_facts(form, region)
    assert codes(form) == ["baris_contoh"]


@pytest.mark.parametrize("region", ["banten", "tanjungbalai"])
def test_page_two_header_without_its_second_row_does_not_swallow_an_sop(tmp_path, region):
    def short_header(wb, ws, table):
        r = table.sop_row(2)
        se.insert_rows(ws, r, 1)
        for c in range(1, table.last_col + 1):
            ws.cell(r, c).value = ws.cell(table.header, c).value

    form = read(build(tmp_path, region, short_header), region)
    assert_same_facts(form, region)


@pytest.mark.parametrize("region", ["banten", "tanjungbalai"])
def test_copies_that_disagree_on_the_signatory_give_null_and_a_warning(tmp_path, region):
    def other_signer(ws, table):
        r, c = se._signature_cell(ws, table)
        name_row = next(row for row in range(r + 1, r + 8) if ws.cell(row, c).value == DEFAULT_FACTS[region].signer)
        ws.cell(name_row, c).value = "Orang Lain, S.H."

    form = read(build(tmp_path, region, se.visible_copy(other_signer)), region)
    assert sops_of(form) == expected(region)
    assert form.signatory.name is None
    assert form.signatory.nip == DEFAULT_FACTS[region].nip
    assert "salinan_berbeda" in codes(form)


def test_bontang_identity_sheets_that_disagree_give_null_and_a_warning(tmp_path):
    def copy_identity(wb, ws, table):
        other = wb.copy_worksheet(wb["IDENTITAS"])
        other.title = "IDENTITAS (2)"
        other["B4"] = "1 November 2024"

    form = read(build(tmp_path, "bontang", copy_identity), "bontang")
    assert sops_of(form) == expected("bontang")
    assert form.filled_on is None
    assert "salinan_berbeda" in codes(form)


def test_bontang_identical_identity_sheets_are_read_once(tmp_path):
    def copy_identity(wb, ws, table):
        wb.copy_worksheet(wb["IDENTITAS"]).title = "IDENTITAS (2)"

    form = read(build(tmp_path, "bontang", copy_identity), "bontang")
    assert_same_facts(form, "bontang")
    assert form.warnings == []
