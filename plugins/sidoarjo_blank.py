"""The blank of Kabupaten Sidoarjo's form: identity table, Table A (monitoring), Table B (K1..K7
over Ya | Tidak), the Keterangan legend and the signature, landscape (FORMS.md)."""
from sopdoc import CRITERIA_LABELS
from sopdoc.formkit import blank_docx as wd
from sopdoc.formkit.blank import BlankForm

IMPLEMENTATION = ("Baik", "Tidak Baik")
ACTIONS = ("Dipertahankan", "Direvisi", "Dicabut")
_A_COLUMNS = (("No", 1.0), ("Nomor SOP", 4.5), ("Nama SOP", 8.0), ("Penilaian terhadap Penerapan", 3.6),
              ("Catatan Hasil Penilaian", 5.5), ("Tindakan yang Harus Diambil", 3.5))
_B_WIDTHS = (0.9, 7.0, *(1.3,) * 14)


def write(blank: BlankForm) -> bytes:
    doc = wd.document(landscape=True)
    wd.para(doc, "FORMULIR MONITORING DAN EVALUASI PELAKSANAAN SOP", bold=True, size=12, center=True)
    wd.para(doc, f"PEMERINTAH {blank.region.upper()}", bold=True, size=12, center=True)
    wd.para(doc, blank.period_name, center=True, after=8)
    _identity(doc, blank)
    rows = [(str(i), sop.number, sop.title) for i, sop in enumerate(blank.sops, start=1)]
    rows += [("", "", "")] * blank.spare_rows
    wd.para(doc, "A. MONITORING PELAKSANAAN SOP", bold=True, before=10, after=4)
    _table_a(doc, rows)
    wd.para(doc, "B. EVALUASI PENERAPAN SOP", bold=True, before=10, after=4)
    _table_b(doc, rows)
    wd.note(doc, "Pilih isian dari daftar pada kolom Penilaian dan Tindakan; centang kotak Ya atau Tidak setiap "
                 "kriteria. Nomor (No) yang sama pada tabel A dan B adalah SOP yang sama. Tambahkan baris untuk SOP "
                 "baru, hapus baris SOP yang tidak dievaluasi pada kedua tabel.")
    wd.para(doc, "Keterangan:", bold=True, before=6)
    for i, label in enumerate(CRITERIA_LABELS.values(), start=1):
        wd.para(doc, f"K{i} : {label}")
    wd.signature_block(doc, blank.place, indent_cm=17)
    return wd.to_bytes(doc)


def _identity(doc, blank: BlankForm) -> None:
    labels = ("Perangkat Daerah", "Tanggal Monitoring", "Pelaksana Monitoring", "NIP")
    table = wd.grid(doc, len(labels), (4.5, 0.5, 12.0), borders=False)
    for row, label in zip(table.rows, labels):
        wd.cell_text(row.cells[0], label, size=10)
        wd.cell_text(row.cells[1], ":", size=10)
    wd.cell_text(table.rows[0].cells[2], blank.agency, bold=True, size=10)
    wd.date_picker(table.rows[1].cells[2].paragraphs[0], title="Tanggal Monitoring")


def _table_a(doc, rows: list) -> None:
    table = wd.grid(doc, 1 + len(rows), tuple(w for _, w in _A_COLUMNS))
    for cell, (label, _) in zip(table.rows[0].cells, _A_COLUMNS):
        wd.header_cell(cell, label)
    wd.repeat_header(table.rows[0])
    for row, (no, number, title) in zip(table.rows[1:], rows):
        cells = row.cells
        wd.cell_text(cells[0], no, center=True)
        wd.cell_text(cells[1], number)
        wd.cell_text(cells[2], title)
        wd.dropdown(cells[3].paragraphs[0], IMPLEMENTATION, title="Penilaian")
        wd.dropdown(cells[5].paragraphs[0], ACTIONS, title="Tindakan")


def _table_b(doc, rows: list) -> None:
    table = wd.grid(doc, 2 + len(rows), _B_WIDTHS)
    top, sub = table.rows[0].cells, table.rows[1].cells
    for col, label in ((0, "No"), (1, "Nama SOP")):
        wd.header_cell(top[col].merge(sub[col]), label)
    for k in range(7):
        col = 2 + 2 * k
        wd.header_cell(top[col].merge(top[col + 1]), f"K{k + 1}")
        wd.header_cell(sub[col], "Ya", size=8)
        wd.header_cell(sub[col + 1], "Tidak", size=8)
    for header in table.rows[:2]:
        wd.repeat_header(header)
    for row, (no, _, title) in zip(table.rows[2:], rows):
        cells = row.cells
        wd.cell_text(cells[0], no, center=True)
        wd.cell_text(cells[1], title)
        for k in range(7):
            wd.checkbox_cell(cells[2 + 2 * k], title=f"K{k + 1} Ya")
            wd.checkbox_cell(cells[3 + 2 * k], title=f"K{k + 1} Tidak")
