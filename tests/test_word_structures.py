"""Word forms as Word writes them after people worked on them (FORMS.md), in both Word regions.

Each test builds a form with `wordforms`, edits it as Word stores such edits (tests/wordedits.py)
and checks the parse gives back the facts it was built with, or nulls plus warnings where a person
could not tell either.
"""
import pytest

import wordedits as we
from sheetedits import resave_with_libreoffice
from test_word_forms import codes, facts, read, want_bengkulu, want_sidoarjo
from wordforms import BengkuluForm, SidoarjoForm, build_bengkulu, build_sidoarjo



def sidoarjo(tmp_path, *changes, form=None):
    path = build_sidoarjo(form or SidoarjoForm(), tmp_path / "sidoarjo.docx")
    for change in changes:
        we.edit(path, change)
    return path


def bengkulu(tmp_path, *changes, form=None):
    path = build_bengkulu(form or BengkuluForm(), tmp_path / "bengkulu.docx")
    for change in changes:
        we.edit(path, change)
    return path


def assert_sidoarjo(form, built=None):
    built = built or SidoarjoForm()
    assert facts(form) == want_sidoarjo(built)
    assert form.agency_as_written == built.agency
    assert form.filled_on == "2025-05-14"
    assert form.signatory.nip == built.nip.replace(" ", "")


def assert_bengkulu(form, built=None):
    built = built or BengkuluForm()
    assert facts(form) == want_bengkulu(built)
    assert form.agency_as_written == built.agency
    assert form.filled_on == "2025-04-18"
    assert form.signatory.position == built.position


# --- tables split by a page break -----------------------------------------------------------------

@pytest.mark.parametrize("repeat", [0, 1])
def test_sidoarjo_table_a_split_in_two_is_one_table(tmp_path, repeat):
    form = read(sidoarjo(tmp_path, we.split_table(1, 2, repeat)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


@pytest.mark.parametrize("repeat", [0, 2])
def test_sidoarjo_table_b_split_in_two_is_one_table(tmp_path, repeat):
    form = read(sidoarjo(tmp_path, we.split_table(2, 3, repeat)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


@pytest.mark.parametrize("repeat", [0, 1])
def test_bengkulu_criteria_table_split_in_two_is_one_table(tmp_path, repeat):
    form = read(bengkulu(tmp_path, we.split_table(1, 4, repeat)), "bengkulu")
    assert_bengkulu(form)
    assert form.warnings == []


def test_bengkulu_criteria_table_split_by_a_line_of_text_is_one_table(tmp_path):
    # the shared join (worddoc) only looks across blank paragraphs; Bengkulu's own joins a
    # headerless criteria table to its SOP's table across text too
    form = read(bengkulu(tmp_path, we.split_table(1, 4, 0), we.note_after_table(1, "(lanjutan)")), "bengkulu")
    assert_bengkulu(form)
    assert form.warnings == []


def test_split_table_whose_numbers_do_not_go_on_is_a_warning(tmp_path):
    def renumber(doc):
        doc.tables[2].rows[1].cells[0].paragraphs[0].runs[0].text = "7"

    form = read(sidoarjo(tmp_path, we.split_table(1, 2, 1), renumber), "sidoarjo")
    assert "nomor_tidak_berurutan" in codes(form)


# --- tracked changes, comments, hidden text ------------------------------------------------------

def test_tracked_deletions_are_not_read_insertions_are(tmp_path):
    built = SidoarjoForm()
    path = sidoarjo(tmp_path, we.tracked_changes("Dinas Lama ", built.agency),
                    we.tracked_changes("Penilaian Lama ", built.sops[0].title))
    assert_sidoarjo(read(path, "sidoarjo"), built)


def test_a_row_deleted_with_track_changes_is_not_an_sop(tmp_path):
    form = read(sidoarjo(tmp_path, we.deleted_row(1, 1, "Judul Yang Dihapus")), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


def test_bengkulu_tracked_changes(tmp_path):
    built = BengkuluForm()
    form = read(bengkulu(tmp_path, we.tracked_changes("Dinas Lama", built.agency)), "bengkulu")
    assert_bengkulu(form, built)


@pytest.mark.parametrize("build,check", [(sidoarjo, assert_sidoarjo), (bengkulu, assert_bengkulu)])
def test_comments_are_not_content(tmp_path, build, check):
    form = read(build(tmp_path, we.comment_on("Dinas Kesehatan", "Tolong cek nama dinas")),
                "sidoarjo" if build is sidoarjo else "bengkulu")
    check(form)


def test_hidden_text_is_not_read(tmp_path):
    form = read(sidoarjo(tmp_path, we.hidden_text("Dinas Kesehatan", " (draf lama)")), "sidoarjo")
    assert_sidoarjo(form)


# --- the identity block in other shapes -----------------------------------------------------------

SIDOARJO_LINES = ["Perangkat Daerah\t:\tDinas Kesehatan", "Tanggal Monitoring\t:\t14 Mei 2025",
                  "Pelaksana Monitoring\t:\tAhmad Fauzi, S.Sos., M.Si.", "NIP\t:\t19751223 200404 1 013"]
BENGKULU_LINES = ["Nama OPD\t:\tDinas Kesehatan", "Tanggal Evaluasi\t:\t18 April 2025"]


def _no_colon(lines):
    return [line.replace("\t:\t", "\t") for line in lines]


@pytest.mark.parametrize("kind", ["textbox", "tabs", "table"])
@pytest.mark.parametrize("colon", [True, False])
def test_sidoarjo_identity_shapes(tmp_path, kind, colon):
    lines = SIDOARJO_LINES if colon else _no_colon(SIDOARJO_LINES)
    form = read(sidoarjo(tmp_path, we.identity_as(kind, lines, first_table=True)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.signatory.name == "Ahmad Fauzi, S.Sos., M.Si."


@pytest.mark.parametrize("kind", ["textbox", "tabs", "table"])
@pytest.mark.parametrize("colon", [True, False])
def test_bengkulu_identity_shapes(tmp_path, kind, colon):
    lines = BENGKULU_LINES if colon else _no_colon(BENGKULU_LINES)
    form = read(bengkulu(tmp_path, we.identity_as(kind, lines, first_table=False)), "bengkulu")
    assert_bengkulu(form)


def test_text_box_identity_is_read_once(tmp_path):
    form = read(sidoarjo(tmp_path, we.identity_as("textbox", SIDOARJO_LINES, first_table=True)), "sidoarjo")
    assert form.agency_as_written == "Dinas Kesehatan"  # not "Dinas Kesehatan Dinas Kesehatan"
    assert form.warnings == []


# --- written by LibreOffice -------------------------------------------------------------------------

@pytest.mark.soffice
@pytest.mark.parametrize("region,change", [
    ("sidoarjo", we.split_table(1, 2, 1)),
    ("bengkulu", we.split_table(1, 4, 0)),
    ("sidoarjo", we.identity_as("textbox", SIDOARJO_LINES, first_table=True)),
])
def test_saved_by_libreoffice(tmp_path, region, change):
    path = resave_with_libreoffice((sidoarjo if region == "sidoarjo" else bengkulu)(tmp_path, change))
    form = read(path, region)
    (assert_sidoarjo if region == "sidoarjo" else assert_bengkulu)(form)


# --- signature blocks -----------------------------------------------------------------------------

@pytest.mark.parametrize("before", [True, False])
def test_sidoarjo_acknowledgement_block_is_not_the_signatory(tmp_path, before):
    built = SidoarjoForm()
    form = read(sidoarjo(tmp_path, we.acknowledgement_block(built.place_date, before)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.signatory.position == built.position
    assert form.warnings == []


@pytest.mark.parametrize("before", [True, False])
def test_bengkulu_acknowledgement_block_is_not_the_signatory(tmp_path, before):
    built = BengkuluForm()
    form = read(bengkulu(tmp_path, we.acknowledgement_block(built.place_date, before)), "bengkulu")
    assert_bengkulu(form)
    assert (form.signatory.name, form.signatory.position) == (built.signer, built.position)
    assert form.warnings == []


@pytest.mark.parametrize("line", ["Bengkulu, ........ November 2026", "Bengkulu,    Mei 2025",
                                  "Bengkulu, 18 Apirl 2025"])
def test_bengkulu_incomplete_date_is_null_with_a_warning_never_the_position(tmp_path, line):
    built = BengkuluForm(place_date=line)
    form = read(bengkulu(tmp_path, we.drop_paragraph("Tanggal Evaluasi"), form=built), "bengkulu")
    assert form.signatory.position == "Kasubag Umum dan Kepegawaian"
    assert form.signatory.name == built.signer
    assert form.filled_on is None
    assert "tanggal_tidak_terbaca" in codes(form)


@pytest.mark.parametrize("line", ["Sidoarjo, ........ Mei 2025", "Sidoarjo,    Mei 2025"])
def test_sidoarjo_incomplete_date_line_is_not_the_position(tmp_path, line):
    built = SidoarjoForm(place_date=line)
    form = read(sidoarjo(tmp_path, form=built), "sidoarjo")
    assert form.signatory.position == built.position
    assert form.filled_on == "2025-05-14"


def test_sidoarjo_legend_is_not_the_position_when_there_is_no_date_line(tmp_path):
    built = SidoarjoForm()
    form = read(sidoarjo(tmp_path, we.drop_paragraph(built.place_date), form=built), "sidoarjo")
    assert form.signatory.position == built.position


# --- columns anywhere ------------------------------------------------------------------------------

def test_sidoarjo_criteria_under_a_group_header_row(tmp_path):
    form = read(sidoarjo(tmp_path, we.group_header_row(2, 2, "Kriteria Evaluasi", 14)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


@pytest.mark.parametrize("label", ["PIC", "Keterangan", "Unit Pelaksana"])
def test_sidoarjo_inserted_column_is_not_read_as_another(tmp_path, label):
    form = read(sidoarjo(tmp_path, we.extra_column(1, label), we.extra_column(2, label)), "sidoarjo")
    assert_sidoarjo(form)


def test_sidoarjo_reordered_columns_are_read_by_their_headers(tmp_path):
    form = read(sidoarjo(tmp_path, we.swap_columns(1, 3, 5), we.swap_columns(1, 1, 2)), "sidoarjo")
    assert_sidoarjo(form)


@pytest.mark.parametrize("label", ["PIC", "Keterangan"])
def test_bengkulu_inserted_column_is_not_read_as_another(tmp_path, label):
    changes = [we.extra_column(i, label, values=("",)) for i in range(3)]
    form = read(bengkulu(tmp_path, *changes), "bengkulu")
    assert_bengkulu(form)


@pytest.mark.parametrize("signer_first", [True, False])
@pytest.mark.parametrize("region", ["sidoarjo", "bengkulu"])
def test_side_by_side_signature_blocks_with_tabs(tmp_path, region, signer_first):
    built = SidoarjoForm() if region == "sidoarjo" else BengkuluForm()
    build = sidoarjo if region == "sidoarjo" else bengkulu
    form = read(build(tmp_path, we.side_by_side_signature(built.place_date, signer_first)), region)
    assert (form.signatory.name, form.signatory.position) == (built.signer, built.position)
    assert form.signatory.nip == built.nip.replace(" ", "")


# --- records over several rows ----------------------------------------------------------------------

@pytest.mark.parametrize("merged", [True, False])
@pytest.mark.parametrize("table,row,title_col", [(1, 2, 2), (2, 3, 1)])
def test_sidoarjo_title_typed_over_two_rows_is_one_sop(tmp_path, table, row, title_col, merged):
    form = read(sidoarjo(tmp_path, we.title_over_two_rows(table, row, title_col, merged)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


def test_sidoarjo_example_row_is_not_an_sop(tmp_path):
    def example(doc):
        for index, title_col in ((1, 2), (2, 1)):
            tbl = doc.tables[index]._tbl
            rows = tbl.findall(we.qn("w:tr"))
            first = rows[1 if index == 1 else 2]
            copy_row = we.copy.deepcopy(first)
            cells = copy_row.findall(we.qn("w:tc"))
            next(cells[title_col].iter(we.qn("w:t"))).text = "Contoh: Pelayanan Surat Masuk"
            next(cells[0].iter(we.qn("w:t"))).text = ""
            first.addprevious(copy_row)

    form = read(sidoarjo(tmp_path, example), "sidoarjo")
    assert_sidoarjo(form)
    assert codes(form) == ["baris_contoh"]
