"""Word regions: Kabupaten Sidoarjo and Kota Bengkulu, and the Word helpers they share.

Each test builds a form with `wordforms` from the facts it states and asserts the parse gives
those facts back, through the host's own path (`sopdoc.parsing.read_file`).
"""
import json
import subprocess
from dataclasses import asdict, replace
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from sopdoc import SourceDocument
from sopdoc.reading import parsing
from sopdoc.formkit import worddoc
from sopdoc.rules.agencies import Register, load_register
from sopdoc.errors import Refusal
from sopdoc.vocabulary import CRITERIA

from wordforms import (BOTH, EMPTY, MARKS, BengkuluForm, Box, Control, Runs, SidoarjoForm, Sym, Typed,
                       build_bengkulu, build_sidoarjo, expected)

SAMPLES = Path(__file__).resolve().parent / "samples"
IMPLEMENTATION = {"Baik": "baik", "Tidak Baik": "tidak_baik"}


def read(path, region):
    return parsing.read_file(path, region_key=region).form


def codes(form) -> list:
    return [w.code for w in form.warnings]


def facts(form) -> list:
    return [{k: v for k, v in asdict(s).items() if k != "row"} for s in form.sops]


def want_sidoarjo(form: SidoarjoForm) -> list:
    return [dict(number=s.number, title=s.title, criteria={k: expected(a) for k, a in zip(CRITERIA, s.criteria)},
                 implementation=IMPLEMENTATION[s.implementation], notes=s.notes or None,
                 follow_up=s.follow_up.lower()) for s in form.sops]


def want_bengkulu(form: BengkuluForm) -> list:
    return [dict(number=s.number, title=s.title, criteria={k: expected(a) for k, a in zip(CRITERIA, s.criteria)},
                 implementation=None,
                 notes="; ".join(s.notes_by_row[k] for k in form.order if k in s.notes_by_row) or None,
                 follow_up=s.follow_up.lower()) for s in form.sops]


@pytest.fixture
def sidoarjo(tmp_path):
    """Build a Sidoarjo form and read it back: sidoarjo(form) -> ParsedForm."""
    def run(form=None, name="evaluasi sidoarjo.docx"):
        return read(build_sidoarjo(form or SidoarjoForm(), tmp_path / name), "sidoarjo")
    return run


@pytest.fixture
def bengkulu(tmp_path):
    def run(form=None, name="evaluasi bengkulu.docx"):
        return read(build_bengkulu(form or BengkuluForm(), tmp_path / name), "bengkulu")
    return run


# --- worddoc: the body as text ---------------------------------------------------------------

def _doc_with(*specs):
    from wordforms import put

    doc = docx.Document()
    for spec in specs:
        put(doc.add_paragraph(), spec)
    return doc


@pytest.mark.parametrize("spec, text", [
    (Runs(("Pe", "rang", "kat ", "Dae", "rah")), "Perangkat Daerah"),
    (("Nama", Control("Perangkat"), " Daerah"), "NamaPerangkat Daerah"),
    ("Dinas\u00a0Kesehatan\u00a0 ", "Dinas Kesehatan"),
    ("Pelayanan\nPengaduan\tMasyarakat", "Pelayanan Pengaduan Masyarakat"),
    (Sym("Wingdings", "F0FC"), worddoc.CHECK),
    (Sym("Wingdings 2", "F050"), worddoc.CHECK),
    (Sym("Wingdings", "F0FB"), worddoc.CROSS),
    (Typed("\u00fc", "Wingdings"), worddoc.CHECK),
    (Typed("\u00fc", "Calibri"), "\u00fc"),
    (Box(True), worddoc.TICKED_BOX),
    (Box(False, glyph="\u2612"), worddoc.BOX),
])
def test_paragraph_text(spec, text):
    [paragraph] = worddoc.blocks(_doc_with(spec))
    assert (paragraph.text, paragraph.where) == (text, "paragraf 1")


def test_placeholder_of_a_content_control_is_not_text():
    doc = _doc_with("Nama OPD : ")
    doc.paragraphs[0]._p.append(parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtPr><w:showingPlcHdr/>'
        '</w:sdtPr><w:sdtContent><w:r><w:t>Klik di sini untuk memasukkan teks.</w:t></w:r></w:sdtContent></w:sdt>'))
    assert worddoc.blocks(doc)[0].text == "Nama OPD :"


@pytest.mark.parametrize("spec, marked", [
    (Box(True), True),
    (Box(False), False),
    (Box(True, glyph="\u2610"), True),  # a stale glyph: w14:checked decides
    (Box(False, glyph="\u2612"), False),
    ((Box(False), " Ya"), False),  # the word next to the box is a caption, not a mark
    ("\u221a", None),
])
def test_check_box_controls_decide_marked(spec, marked):
    from wordforms import write_cell

    doc = docx.Document()
    write_cell(doc.add_table(rows=1, cols=1).cell(0, 0), spec)
    [table] = worddoc.blocks(doc)
    cell = table.rows[0][0]
    assert cell.marked is marked
    assert worddoc.is_marked(cell) is (marked if marked is not None else True)


def test_grid_spans_and_vertical_merges_line_up():
    doc = docx.Document()
    t = doc.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).paragraphs[0].add_run("No")
    t.cell(0, 1).merge(t.cell(0, 2)).paragraphs[0].add_run("K1")
    for col, text in ((1, "Ya"), (2, "Tidak"), (3, "x")):
        t.cell(1, col).paragraphs[0].add_run(text)
    t.cell(2, 1).paragraphs[0].add_run("\u221a")
    doc.add_paragraph("sesudah")
    table, after = worddoc.blocks(doc)
    assert [c.text for c in table.rows[0]] == ["No", "K1", "K1", ""]
    assert [c.text for c in table.rows[1]] == ["No", "Ya", "Tidak", "x"]
    assert [c.text for c in table.distinct(1)] == ["Ya", "Tidak", "x"]
    assert table.rows[0][1].span == 2 and table.rows[1][0].row == 0
    assert table.rows[2][1].where == "tabel 1 baris 3 kolom 2"
    assert after.where == "paragraf 1"
    header = worddoc.find_header(table, need=("no",))
    assert header.last_row == 1 and header.criteria == {"mendorong_kinerja": (1, 2)}


def test_signature_laid_out_in_a_borderless_table():
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (["Mengetahui,", "Sekretaris Dinas", "", "Budi", "NIP. -"],
                                                  ["Sidoarjo, 14 Mei 2025", "Kepala Dinas", "", "Ahmad Fauzi",
                                                   "NIP. 19751223 200404 1 013"])):
        cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            cell.add_paragraph(line)
    block = worddoc.signature(worddoc.blocks(doc))
    assert (block.name, block.position, block.nip) == ("Ahmad Fauzi", "Kepala Dinas", "NIP. 19751223 200404 1 013")
    assert block.name_where == "tabel 1 baris 1 kolom 2"


def test_hostile_grid_span_is_clamped():
    doc = docx.Document()
    t = doc.add_table(rows=1, cols=1)
    span = parse_xml('<w:gridSpan xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                     'w:val="100000000"/>')
    t.cell(0, 0)._tc.get_or_add_tcPr().append(span)
    [table] = worddoc.blocks(doc)
    assert len(table.rows[0]) == 63


# --- the samples -------------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["sidoarjo", "bengkulu"])
def test_sample_parses_to_its_expected_facts(region):
    want = json.loads((SAMPLES / f"{region}-contoh.expected.json").read_text(encoding="utf-8"))
    register = Register(load_register(region), {"sidoarjo": "Kabupaten Sidoarjo", "bengkulu": "Kota Bengkulu"}[region])
    reading = parsing.read_file(SAMPLES / f"{region}-contoh.docx", region_key=region, register=register)
    form = reading.form
    assert reading.parser.name == region
    assert (reading.agency.code, reading.agency.name) == (want["agency"]["code"], want["agency"]["name"])
    assert form.filled_on == want["filled_on"]
    assert asdict(form.signatory)["name"] == want["signatory"]["name"]
    assert form.signatory.nip == want["signatory"]["nip"]
    got = facts(form)
    assert len(got) == len(want["sops"])
    for sop, expected_sop in zip(got, want["sops"]):
        assert {k: sop[k] for k in expected_sop} == expected_sop
    assert form.warnings == []


# --- Kabupaten Sidoarjo --------------------------------------------------------------------------

def test_sidoarjo_form_gives_back_its_facts(sidoarjo):
    form = SidoarjoForm()
    parsed = sidoarjo(form)
    assert facts(parsed) == want_sidoarjo(form)
    assert parsed.agency_as_written == "Dinas Kesehatan"
    assert parsed.agency_where == "tabel 1 baris 1 kolom 3"
    assert parsed.filled_on == "2025-05-14"
    assert asdict(parsed.signatory) == {"name": "Ahmad Fauzi, S.Sos., M.Si.", "nip": "197512232004041013",
                                        "position": "Kepala Dinas"}
    assert parsed.warnings == []


@pytest.mark.parametrize("mark", sorted(MARKS))
def test_sidoarjo_check_marks(sidoarjo, mark):
    form = SidoarjoForm(mark=mark)
    parsed = sidoarjo(form)
    assert facts(parsed) == want_sidoarjo(form)
    assert parsed.warnings == []


@pytest.mark.parametrize("labels, colon", [
    ({"agency": "PERANGKAT DAERAH", "filled_on": "TANGGAL MONITORING"}, "cells"),
    ({"agency": "Unit Kerja", "filled_on": "Tgl. Monitoring"}, "label"),
    ({"agency": "Nama OPD", "filled_on": "Tanggal"}, "value"),
    ({"agency": "Nama Perangkat Daerah", "signer": "Nama Pelaksana"}, "inline"),
    ({"agency": Runs(("Pe", "rang", "kat ", "Dae", "rah"))}, "cells"),
    ({"agency": Control("Perangkat Daerah"), "filled_on": Control(Runs(("Tanggal ", "Monitoring")))}, "cells"),
    ({"agency": "OPD"}, "label"),
])
def test_sidoarjo_identity_labels(sidoarjo, labels, colon):
    parsed = sidoarjo(SidoarjoForm(labels=labels, colon=colon))
    assert (parsed.agency_as_written, parsed.filled_on) == ("Dinas Kesehatan", "2025-05-14")
    assert parsed.signatory.name == "Ahmad Fauzi, S.Sos., M.Si."
    assert parsed.warnings == []


def test_sidoarjo_value_in_a_content_control(sidoarjo):
    parsed = sidoarjo(SidoarjoForm(agency=Control("Dinas Kesehatan")))
    assert parsed.agency_as_written == "Dinas Kesehatan"


def test_sidoarjo_inserted_rows_columns_and_totals(sidoarjo):
    form = SidoarjoForm(above=("PEMERINTAH KABUPATEN SIDOARJO", "TAHUN 2025"), logo_row=True, left_column=True,
                        blank_rows=True, total_row=True, numbering_row=True)
    parsed = sidoarjo(form)
    assert facts(parsed) == want_sidoarjo(form)
    assert parsed.warnings == []


def test_sidoarjo_line_breaks_and_non_breaking_spaces_in_titles(sidoarjo):
    form = SidoarjoForm()
    form.sops[0] = replace(form.sops[0], title="Pelayanan\nPengaduan\u00a0Masyarakat\u00a0 ",
                           b_title="Pelayanan Pengaduan\nMasyarakat")
    parsed = sidoarjo(form)
    assert parsed.sops[0].title == "Pelayanan Pengaduan Masyarakat"
    assert parsed.warnings == []


def test_sidoarjo_legend_decides_what_each_k_column_means(sidoarjo):
    swapped = ("mudah_dipahami", "mendorong_kinerja", *CRITERIA[2:])
    form = SidoarjoForm(legend=swapped)
    form.sops[0] = replace(form.sops[0], criteria=(True, False, True, True, True, True, True))
    parsed = sidoarjo(form)
    assert parsed.sops[0].criteria["mendorong_kinerja"] is True
    assert parsed.sops[0].criteria["mudah_dipahami"] is False
    assert facts(parsed) == want_sidoarjo(form)


def test_sidoarjo_legend_giving_one_criterion_twice_is_not_guessed(sidoarjo):
    form = SidoarjoForm(legend=("mudah_dipahami", "mudah_dipahami", *CRITERIA[2:]))
    parsed = sidoarjo(form)
    assert parsed.sops[0].criteria["mudah_dipahami"] is None
    assert parsed.sops[0].criteria["mendorong_kinerja"] is None
    assert {"legenda_tidak_lengkap", "kriteria_tidak_ditemukan"} <= set(codes(parsed))


@pytest.mark.parametrize("answer, code", [(BOTH, "kriteria_ganda"), (EMPTY, "kriteria_kosong")])
def test_sidoarjo_both_or_neither_column_marked(sidoarjo, answer, code):
    form = SidoarjoForm(mark="box")
    form.sops[1] = replace(form.sops[1], criteria=(True, answer, True, True, True, True, True))
    parsed = sidoarjo(form)
    assert parsed.sops[1].criteria["mudah_dipahami"] is None
    [warning] = parsed.warnings
    assert warning.code == code
    assert warning.where == "tabel 3 baris 4 kolom 5-6"
    assert "Mudah dipahami" in warning.message


def test_sidoarjo_title_mismatch_keeps_table_a(sidoarjo):
    form = SidoarjoForm()
    form.sops[1] = replace(form.sops[1], b_title="Pengelolaan Surat Masuk")
    parsed = sidoarjo(form)
    assert facts(parsed) == want_sidoarjo(form)
    [warning] = parsed.warnings
    assert warning.code == "judul_berbeda" and warning.where == "tabel 3 baris 4"
    assert "Pengelolaan Surat Masuk" in warning.message


def test_sidoarjo_row_missing_from_table_b(sidoarjo):
    form = SidoarjoForm(b_rows=[1, 3])
    parsed = sidoarjo(form)
    assert parsed.sops[1].criteria == dict.fromkeys(CRITERIA)
    assert [s.criteria for i, s in enumerate(parsed.sops) if i != 1] == [w["criteria"] for i, w in
                                                                          enumerate(want_sidoarjo(form)) if i != 1]
    assert codes(parsed) == ["evaluasi_tidak_ada"]


def test_sidoarjo_row_missing_from_table_a(sidoarjo):
    form = SidoarjoForm(a_rows=[1, 2])
    parsed = sidoarjo(form)
    assert [s.number for s in parsed.sops] == ["SOP/DINKES/001/2025", "SOP/DINKES/002/2025"]
    [warning] = parsed.warnings
    assert warning.code == "monitoring_tidak_ada" and warning.where == "tabel 3 baris 5"


@pytest.mark.parametrize("written, iso", [
    ("14 Mei 2025", "2025-05-14"),
    ("Rabu, 14 Mei 2025", "2025-05-14"),
    ("14/05/2025", "2025-05-14"),
    ("14-05-2025", "2025-05-14"),
    ("2025-05-14", "2025-05-14"),
    ("05/06/2025", "2025-06-05"),
    ("6 Agt 2025", "2025-08-06"),
    ("1 Peb 2025", "2025-02-01"),
])
def test_sidoarjo_dates(sidoarjo, written, iso):
    assert sidoarjo(SidoarjoForm(date=written)).filled_on == iso


def test_sidoarjo_unreadable_date_is_null_with_where(sidoarjo):
    parsed = sidoarjo(SidoarjoForm(date="pertengahan Mei"))
    assert parsed.filled_on is None
    [warning] = parsed.warnings
    assert (warning.code, warning.where) == ("tanggal_tidak_terbaca", "tabel 1 baris 2 kolom 3")


@pytest.mark.parametrize("written, nip, code", [
    ("19751223 200404 1 013", "197512232004041013", None),
    ("197512232004041013", "197512232004041013", None),
    ("19751223 200404 1 01", None, "nip_tidak_valid"),
    (None, None, "nip_kosong"),
])
def test_sidoarjo_nip(sidoarjo, written, nip, code):
    parsed = sidoarjo(SidoarjoForm(nip=written))
    assert parsed.signatory.nip == nip
    assert codes(parsed) == ([code] if code else [])


def test_sidoarjo_agency_in_capitals_with_region_suffix(tmp_path):
    path = build_sidoarjo(SidoarjoForm(agency="DINAS KESEHATAN KABUPATEN SIDOARJO"), tmp_path / "f.docx")
    reading = parsing.read_file(path, region_key="sidoarjo",
                                register=Register(load_register("sidoarjo"), "Kabupaten Sidoarjo"))
    assert reading.form.agency_as_written == "DINAS KESEHATAN KABUPATEN SIDOARJO"
    assert (reading.agency.code, reading.agency_warnings) == ("35.15.07", [])


def test_sidoarjo_unreadable_choices_are_null_with_where(sidoarjo):
    form = SidoarjoForm()
    form.sops[0] = replace(form.sops[0], implementation="Lumayan", follow_up="Entahlah")
    parsed = sidoarjo(form)
    assert (parsed.sops[0].implementation, parsed.sops[0].follow_up) == (None, None)
    assert [(w.code, w.where) for w in parsed.warnings] == [
        ("nilai_tidak_terbaca", "tabel 2 baris 2 kolom 4"), ("nilai_tidak_terbaca", "tabel 2 baris 2 kolom 6")]


def test_sidoarjo_upper_case_extension_and_spaces_in_name(sidoarjo):
    form = SidoarjoForm()
    assert facts(sidoarjo(form, name="Evaluasi SOP Dinkes.DOCX")) == want_sidoarjo(form)


def test_blank_sidoarjo_template_is_refused_as_empty(tmp_path):
    path = build_sidoarjo(SidoarjoForm(sops=[]), tmp_path / "kosong.docx")
    with pytest.raises(Refusal) as e:
        read(path, "sidoarjo")
    assert e.value.code == "formulir_kosong"


# --- Kota Bengkulu -------------------------------------------------------------------------------

def test_bengkulu_form_gives_back_its_facts(bengkulu):
    form = BengkuluForm()
    parsed = bengkulu(form)
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.sops[1].notes == "Alur belum jelas; Perlu penyesuaian alur"
    assert (parsed.agency_as_written, parsed.agency_where) == ("Dinas Kesehatan", "paragraf 2")
    assert parsed.filled_on == "2025-04-18"
    assert asdict(parsed.signatory) == {"name": "Yuliana Pratiwi, S.AP.", "nip": "197909132004012019",
                                        "position": "Kasubag Umum dan Kepegawaian"}
    assert parsed.warnings == []


@pytest.mark.parametrize("mark", sorted(MARKS))
def test_bengkulu_check_marks(bengkulu, mark):
    form = BengkuluForm(mark=mark)
    parsed = bengkulu(form)
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.warnings == []


def test_bengkulu_criteria_found_by_label_not_position(bengkulu):
    form = BengkuluForm(order=tuple(reversed(CRITERIA)), blank_rows=True)
    parsed = bengkulu(form)
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.warnings == []


@pytest.mark.parametrize("agency_label, date_label, colon", [
    ("NAMA OPD", "TANGGAL EVALUASI", " : "),
    ("Unit Kerja", "Tgl. Evaluasi", ": "),
    ("Nama Perangkat Daerah", "Tanggal", " :"),
    (Runs(("Na", "ma ", "O", "P", "D")), Control("Tanggal Evaluasi"), "\t: "),
])
def test_bengkulu_labels(bengkulu, agency_label, date_label, colon):
    form = BengkuluForm(agency_label=agency_label, date_label=date_label, colon=colon)
    parsed = bengkulu(form)
    assert (parsed.agency_as_written, parsed.filled_on) == ("Dinas Kesehatan", "2025-04-18")
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.warnings == []


def test_bengkulu_word_list_numbering_and_paragraphs_above(bengkulu):
    form = BengkuluForm(numbered=False, above=("PEMERINTAH KOTA BENGKULU", "DINAS KESEHATAN"))
    parsed = bengkulu(form)
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.warnings == []


def test_bengkulu_criteria_table_split_in_two(bengkulu):
    form = BengkuluForm(split_at=4, mark="box")
    parsed = bengkulu(form)
    assert facts(parsed) == want_bengkulu(form)
    assert parsed.warnings == []


def test_bengkulu_no_follow_up_is_null(bengkulu):
    form = BengkuluForm()
    form.sops[0] = replace(form.sops[0], follow_up="-")
    parsed = bengkulu(form)
    assert parsed.sops[0].follow_up is None
    assert parsed.warnings == []


def test_bengkulu_follow_up_as_check_boxes(bengkulu):
    form = BengkuluForm(follow_up_boxes=True)
    assert [s.follow_up for s in bengkulu(form).sops] == ["dipertahankan", "direvisi", "dicabut"]


@pytest.mark.parametrize("answer, code", [(BOTH, "kriteria_ganda"), (EMPTY, "kriteria_kosong")])
def test_bengkulu_both_or_neither_column_marked(bengkulu, answer, code):
    form = BengkuluForm(mark="wingdings")
    form.sops[2] = replace(form.sops[2], criteria=(False, False, False, False, False, False, answer))
    parsed = bengkulu(form)
    assert parsed.sops[2].criteria["sinergi"] is None
    [warning] = parsed.warnings
    assert (warning.code, warning.where) == (code, "tabel 3 baris 8 kolom 3-4")


def test_bengkulu_unknown_criterion_label_is_not_guessed(tmp_path):
    path = build_bengkulu(BengkuluForm(), tmp_path / "f.docx")
    doc = docx.Document(path)
    label = doc.tables[0].rows[3].cells[1].paragraphs[0]
    label.runs[0].text = "Kriteria lain-lain"
    doc.save(path)
    parsed = read(path, "bengkulu")
    assert parsed.sops[0].criteria["mudah_dilaksanakan"] is None
    assert [(w.code, w.where) for w in parsed.warnings] == [
        ("kriteria_tidak_dikenal", "tabel 1 baris 4 kolom 2"), ("kriteria_tidak_ditemukan", "tabel 1 baris 1")]


@pytest.mark.parametrize("written, iso", [("18/04/2025", "2025-04-18"), ("Jumat, 18 April 2025", "2025-04-18"),
                                          ("18-04-2025", "2025-04-18"), ("18 Apr 2025", "2025-04-18")])
def test_bengkulu_dates(bengkulu, written, iso):
    assert bengkulu(BengkuluForm(date=written)).filled_on == iso


@pytest.mark.parametrize("label, written, nip, code", [
    ("NIP.", "19790913 200401 2 019", "197909132004012019", None),
    ("NIP", "197909132004012019", "197909132004012019", None),
    ("NIP :", "19790913 200401 2 019", "197909132004012019", None),
    ("NIP.", "19790913 200401 2 0199", None, "nip_tidak_valid"),
    ("NIP.", None, None, "nip_kosong"),
])
def test_bengkulu_nip(bengkulu, label, written, nip, code):
    parsed = bengkulu(BengkuluForm(nip_label=label, nip=written))
    assert parsed.signatory.nip == nip
    assert parsed.signatory.name == "Yuliana Pratiwi, S.AP."
    assert parsed.signatory.position == "Kasubag Umum dan Kepegawaian"
    assert codes(parsed) == ([code] if code else [])


def test_bengkulu_agency_in_capitals_with_region_suffix(tmp_path):
    path = build_bengkulu(BengkuluForm(agency="DINAS KESEHATAN KOTA BENGKULU"), tmp_path / "f.DOCX")
    reading = parsing.read_file(path, region_key="bengkulu",
                                register=Register(load_register("bengkulu"), "Kota Bengkulu"))
    assert reading.form.agency_as_written == "DINAS KESEHATAN KOTA BENGKULU"
    assert reading.agency.code == "17.71.07"


# --- recognition --------------------------------------------------------------------------------

def _document(path) -> SourceDocument:
    return SourceDocument(Path(path).name, "docx", docx=docx.Document(path))


def test_each_word_parser_claims_only_its_own_form(tmp_path):
    from sopdoc_regions import bengkulu as bengkulu_plugin
    from sopdoc_regions import sidoarjo as sidoarjo_plugin

    s = _document(build_sidoarjo(SidoarjoForm(), tmp_path / "s.docx"))
    b = _document(build_bengkulu(BengkuluForm(), tmp_path / "b.docx"))
    assert sidoarjo_plugin.sopdoc_recognize(document=s).score == 1.0
    assert bengkulu_plugin.sopdoc_recognize(document=b).score == 1.0
    other = sidoarjo_plugin.sopdoc_recognize(document=b)
    assert other.score < 0.5 and other.reason.startswith("tidak ditemukan: tabel A")
    assert bengkulu_plugin.sopdoc_recognize(document=s).score < 0.5
    excel = SourceDocument("x.xlsx", "xlsx")
    assert sidoarjo_plugin.sopdoc_recognize(document=excel) is None
    assert bengkulu_plugin.sopdoc_recognize(document=excel) is None


def _full_recognition(plugin, document):
    """What a plugin's recognition says when it reads the whole layout (no early refusal)."""
    layout = plugin._layout(document)
    if plugin.NAME == "sidoarjo":
        checks = plugin._checks(layout.a, layout.b, "agency" in layout.fields, layout.legend)
    else:
        checks = plugin._checks(layout.sections, "agency" in layout.fields)
    return worddoc.recognition(plugin.NAME, checks)


def _plain_document(tmp_path, *paragraphs, legend_table=False):
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if legend_table:
        t = doc.add_table(rows=3, cols=2)
        for r, (code, text) in enumerate([("K1", "Mampu mendorong peningkatan kinerja"), ("K2 :", "Mudah dipahami"),
                                          ("K3x", "Mudah dilaksanakan")]):
            t.cell(r, 0).text, t.cell(r, 1).text = code, text
    path = tmp_path / f"plain{len(list(tmp_path.glob('plain*')))}.docx"
    doc.save(path)
    return path


def test_a_foreign_document_is_refused_early_with_the_same_reasons(tmp_path):
    from sopdoc_regions import bengkulu as bengkulu_plugin
    from sopdoc_regions import sidoarjo as sidoarjo_plugin

    paths = [
        build_sidoarjo(SidoarjoForm(), tmp_path / "s.docx"),
        build_sidoarjo(SidoarjoForm(labels={"agency": "Unit Kerja"}, above=("Nama SOP : judul di atas",)),
                       tmp_path / "s2.docx"),
        build_bengkulu(BengkuluForm(), tmp_path / "b.docx"),
        build_bengkulu(BengkuluForm(agency_label="Instansi", above=("K1 : Mampu mendorong peningkatan kinerja",)),
                       tmp_path / "b2.docx"),
        build_bengkulu(BengkuluForm(agency_label="Kantor"), tmp_path / "b3.docx"),
        _plain_document(tmp_path, "Surat biasa", "Perihal: undangan"),
        _plain_document(tmp_path, "Nama OPD : Dinas Sosial", *(f"K{i} = {label}" for i, label in enumerate(
            ["Mampu mendorong peningkatan kinerja", "Mudah dipahami", "Mudah dilaksanakan",
             "Semua orang dapat menjalankan perannya masing-masing",
             "Mampu mengatasi permasalahan yang berkaitan dengan proses",
             "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
             "Dapat menjadi sarana untuk menghasilkan bukti keberhasilan"], start=1))),
        _plain_document(tmp_path, "Perangkat Daerah: Dinas Sosial", legend_table=True),
    ]
    for path in paths:
        for plugin in (sidoarjo_plugin, bengkulu_plugin):
            early = plugin.sopdoc_recognize(document=_document(path))
            assert early == _full_recognition(plugin, _document(path)), (path.name, plugin.NAME)


def test_legend_rows_are_read_as_before(monkeypatch):
    """Only a row whose first cell is a K code is joined into a "K1 : ..." line: the same legend
    and warnings as joining every two-cell row."""
    from sopdoc_regions import sidoarjo as sidoarjo_plugin

    doc = docx.Document()
    rows = [("K1", "Mampu mendorong peningkatan kinerja"), ("k 2 :", "Mudah dipahami"), ("K3=", "Mudah dilaksanakan"),
            ("K4x", "Semua orang dapat menjalankan perannya masing-masing"), ("K8", "Mudah dipahami"),
            (":", "K5 : Mampu mengatasi permasalahan yang berkaitan dengan proses"), ("K6", "apa saja"),
            ("Keterangan", "K7 : Mudah dipahami")]
    t = doc.add_table(rows=len(rows), cols=2)
    for r, (code, text) in enumerate(rows):
        t.cell(r, 0).text, t.cell(r, 1).text = code, text
    found = worddoc.blocks(doc)
    got = sidoarjo_plugin._legend(found)

    def every_row(found):
        for r in range(len(found[0].rows)):
            cells = [c for c in found[0].distinct(r) if c.text and c.text != ":"]
            if len(cells) >= 2:
                yield f"{cells[0].text} : {cells[1].text.lstrip(': ')}", cells[0].where
            elif cells:
                yield cells[0].text, cells[0].where

    monkeypatch.setattr(sidoarjo_plugin, "_legend_lines", every_row)
    assert got == sidoarjo_plugin._legend(found)
    assert len(got[0]) >= 2 and got[1]


def test_cells_are_the_dataclass_they_claim_to_be():
    cell = worddoc._new_cell("a b", "tabel 1 baris 1 kolom 1", None, "Arial", ("a", "b"), 0, 0, 2)
    assert cell == worddoc.Cell("a b", "tabel 1 baris 1 kolom 1", None, "Arial", ("a", "b"), 0, 0, 2)
    assert hash(cell) == hash(worddoc.Cell("a b", "tabel 1 baris 1 kolom 1", None, "Arial", ("a", "b"), 0, 0, 2))
    with pytest.raises(AttributeError):
        cell.text = "c"


def test_form_of_the_other_region_is_refused(tmp_path):
    with pytest.raises(Refusal) as e:
        read(build_bengkulu(BengkuluForm(), tmp_path / "b.docx"), "sidoarjo")
    assert e.value.code == "daerah_lain"


@pytest.mark.one_reader  # counts the walks of the default reader
def test_each_document_is_walked_once_for_every_parser(tmp_path, monkeypatch):
    walks = []
    walk = worddoc._walk_body
    monkeypatch.setattr(worddoc, "_walk_body", lambda body: walks.append(body) or walk(body))
    forms = {"sidoarjo": build_sidoarjo(SidoarjoForm(), tmp_path / "s.docx"),
             "bengkulu": build_bengkulu(BengkuluForm(), tmp_path / "b.docx")}
    for region, path in forms.items():
        walks.clear()
        assert read(path, region).sops
        assert len(walks) == 1  # every parser recognises it and one parses it: one walk


def test_walked_document_is_kept_by_itself_only(tmp_path):
    import gc
    import weakref

    document = _document(build_bengkulu(BengkuluForm(), tmp_path / "b.docx"))
    found = worddoc.blocks(document)
    assert worddoc.blocks(document) is found
    assert worddoc.blocks(document.docx) == found  # a python-docx Document is walked the same way
    gone = weakref.ref(document.docx)
    del document, found
    gc.collect()
    assert gone() is None  # nothing in worddoc still holds the document or its tree


# --- LibreOffice ----------------------------------------------------------------------------------

@pytest.mark.soffice
def test_forms_saved_again_by_libreoffice(tmp_path):
    s_form, b_form = SidoarjoForm(mark="wingdings"), BengkuluForm(mark="✔")
    sources = [build_sidoarjo(s_form, tmp_path / "sidoarjo.docx"), build_bengkulu(b_form, tmp_path / "bengkulu.docx")]
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", 'docx:MS Word 2007 XML', "--outdir", str(out), *map(str, sources)],
        check=True, capture_output=True, timeout=120,
    )
    assert facts(read(out / "sidoarjo.docx", "sidoarjo")) == want_sidoarjo(s_form)
    assert facts(read(out / "bengkulu.docx", "bengkulu")) == want_bengkulu(b_form)
