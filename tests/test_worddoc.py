"""The shared Word table reader (sopdoc.formkit.worddoc) on small documents made with python-docx:
blocks in reading order, the header and its criteria, marks, labels and choices read or warned."""
import docx
import pytest

from sopdoc.formkit import worddoc
from sopdoc.formkit.document import SourceDocument
from sopdoc.formkit.normalize import IDENTITY_LABELS
from sopdoc.vocabulary import CRITERIA, IMPLEMENTATION_WORDS


def document(build) -> SourceDocument:
    doc = docx.Document()
    build(doc)
    return SourceDocument("formulir.docx", "docx", docx=doc)


def table(doc, rows: list):
    t = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            t.cell(r, c).text = value
    return t


def test_blocks_come_in_reading_order_with_where_they_are():
    def build(doc):
        doc.add_paragraph("Nama Perangkat Daerah : Dinas Kesehatan")
        table(doc, [["No", "Nama SOP"], ["1", "Pelayanan Informasi"]])
        doc.add_paragraph("Serang, 14 Mei 2025")

    found = worddoc.blocks(document(build))
    assert [type(b).__name__ for b in found] == ["Paragraph", "Table", "Paragraph"]
    assert found[1].rows[1][1].text == "Pelayanan Informasi"
    assert found[1].where(1, 1) == "tabel 1 baris 2 kolom 2"


def test_labels_in_paragraphs_and_table_rows():
    def build(doc):
        doc.add_paragraph("Nama Perangkat Daerah : Dinas Kesehatan")
        table(doc, [["NIP", ":", "197501012000031001"]])

    found = worddoc.blocks(document(build))
    fields = worddoc.find_fields(found, IDENTITY_LABELS)
    assert fields["agency"].value == "Dinas Kesehatan"
    assert fields["nip"].value == "197501012000031001"


def test_the_header_with_ya_tidak_under_each_criterion():
    head = ["No", "Nama SOP"] + [label for i in range(1, 8) for label in (f"K{i}", "")]
    marks = ["", ""] + ["Ya", "Tidak"] * 7

    def build(doc):
        t = table(doc, [head, marks, ["1", "Pelayanan Informasi"] + ["v", ""] * 7])
        for c in range(2, 16, 2):  # each criterion over its Ya and Tidak columns
            t.cell(0, c).merge(t.cell(0, c + 1))

    [t] = worddoc.blocks(document(build))
    header = worddoc.find_header(t)
    assert (header.row, header.last_row) == (0, 1)
    assert header.criteria == {key: (2 + 2 * i, 3 + 2 * i) for i, key in enumerate(CRITERIA)}
    assert worddoc.is_marked(t.rows[2][2]) and not worddoc.is_marked(t.rows[2][3])


def test_no_header_without_a_title_column():
    [t] = worddoc.blocks(document(lambda doc: table(doc, [["No", "Catatan"]])))
    assert worddoc.find_header(t) is None


@pytest.mark.parametrize("yes,no,expected,code", [
    ("v", "", True, None), ("", "\u221a", False, None),
    ("v", "v", None, "kriteria_ganda"), ("", "", None, "kriteria_kosong"),
])
def test_a_criterion_over_ya_and_tidak_cells(yes, no, expected, code):
    [t] = worddoc.blocks(document(lambda doc: table(doc, [[yes, no]])))
    warnings = []
    assert worddoc.read_pair(t.rows[0][0], t.rows[0][1], "sinergi", "tabel 1 baris 1", warnings) is expected
    assert [w.code for w in warnings] == ([code] if code else [])
    assert all(w.where == "tabel 1 baris 1" for w in warnings)


def test_a_choice_is_read_or_warned_with_its_cell():
    [t] = worddoc.blocks(document(lambda doc: table(doc, [["Kurang Baik", "Lumayan"]])))
    warnings = []
    assert worddoc.read_choice(t.rows[0][0], IMPLEMENTATION_WORDS, warnings, "Penilaian penerapan") == "tidak_baik"
    assert worddoc.read_choice(t.rows[0][1], IMPLEMENTATION_WORDS, warnings, "Penilaian penerapan") is None
    [warning] = warnings
    assert warning.code == "nilai_tidak_terbaca" and warning.where == t.rows[0][1].where
    assert warning.message.startswith("Penilaian penerapan: ")
