"""The blank of Kota Bengkulu's form: per SOP its "Nama SOP" and "Nomor SOP" paragraphs, a table
of the seven criteria with Ya | Tidak check boxes, and "Tindak Lanjut" (FORMS.md).

One section per SOP evaluated before. An agency adds an SOP by copying a section, as it does with
the paper form; an agency without earlier SOPs gets one empty section to copy. Spare empty
sections would come back as SOPs without a title."""
from sopdoc import CRITERIA_LABELS
from sopdoc.formkit import blank_docx as wd
from sopdoc.formkit.blank import BlankForm, BlankSop

FOLLOW_UP = ("Dipertahankan", "Direvisi", "Dicabut", "-")
_WIDTHS = (1.0, 8.4, 1.5, 1.5, 5.0)


def write(blank: BlankForm) -> bytes:
    doc = wd.document(landscape=False)
    wd.para(doc, "FORMULIR EVALUASI PENERAPAN STANDAR OPERASIONAL PROSEDUR", bold=True, size=12, center=True)
    wd.para(doc, f"PEMERINTAH {blank.region.upper()}", bold=True, size=12, center=True)
    wd.para(doc, blank.period_name, center=True, after=10)
    wd.para(doc, f"Nama OPD : {blank.agency}")
    wd.date_picker(wd.para(doc, "Tanggal Evaluasi : ", after=6), title="Tanggal Evaluasi")
    wd.note(doc, "Centang kotak Ya atau Tidak setiap kriteria dan pilih Tindak Lanjut dari daftar. Untuk SOP baru, "
                 "salin satu bagian SOP (dari Nama SOP sampai Tindak Lanjut); hapus bagian SOP yang tidak dievaluasi.")
    for i, sop in enumerate(blank.sops or (BlankSop("", ""),), start=1):
        _section(doc, i, sop)
    wd.signature_block(doc, blank.place, indent_cm=10)
    return wd.to_bytes(doc)


def _section(doc, number: int, sop: BlankSop) -> None:
    wd.para(doc, f"{number}. Nama SOP : {sop.title}", bold=True, before=10)
    wd.para(doc, f"Nomor SOP : {sop.number}", after=4)
    table = wd.grid(doc, 8, _WIDTHS)
    wd.keep_together(table)
    for cell, label in zip(table.rows[0].cells, ("No", "Kriteria Evaluasi", "Ya", "Tidak", "Catatan")):
        wd.header_cell(cell, label)
    for row, (i, label) in zip(table.rows[1:], enumerate(CRITERIA_LABELS.values(), start=1)):
        cells = row.cells
        wd.cell_text(cells[0], str(i), center=True)
        wd.cell_text(cells[1], label)
        wd.checkbox_cell(cells[2], title=f"K{i} Ya")
        wd.checkbox_cell(cells[3], title=f"K{i} Tidak")
    wd.dropdown(wd.para(doc, "Tindak Lanjut : ", before=4), FOLLOW_UP, title="Tindak Lanjut")
