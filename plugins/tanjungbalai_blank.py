"""The blank of Kota Tanjungbalai's form: each criterion over Ya | Tidak, a check mark in one (FORMS.md)."""
from sopdoc import CRITERIA_LABELS
from sopdoc.formkit import blank_xlsx as xl
from sopdoc.formkit.blank import BlankForm

MARK = "\u221a"  # √, as the bureau's template has it
_HEADER_ROW = 7
_NOTES_COL = 18


def write(blank: BlankForm) -> bytes:
    wb = xl.workbook()
    ws = wb.create_sheet("Sheet1")
    xl.widths(ws, {1: 5, 2: 36, 3: 22, **{c: 6 for c in range(4, 18)}, _NOTES_COL: 36})
    xl.text(ws, 1, 1, f"PEMERINTAH {blank.region.upper()}", bold=True, size=12)
    xl.text(ws, 2, 1, "FORMULIR MONITORING DAN EVALUASI PENERAPAN SOP ADMINISTRASI PEMERINTAHAN", bold=True, size=12)
    xl.text(ws, 4, 1, f"Unit Kerja : {blank.agency}", bold=True)
    xl.text(ws, 5, 1, "Hari/Tanggal :", bold=True)
    ws.merge_cells("A5:B5")
    xl.date_entry(ws, 5, 3, blank.earliest, blank.latest, what="Hari/Tanggal")
    h = _HEADER_ROW
    headers = ((1, "No"), (2, "Nama SOP"), (3, "Nomor SOP"), (_NOTES_COL, "Catatan / Tindakan yang harus diambil"))
    for col, label in headers:
        xl.header(ws, h, col, label, last_row=h + 1)
    for i, label in enumerate(CRITERIA_LABELS.values()):
        col = 4 + 2 * i
        xl.header(ws, h, col, label, last_col=col + 1)
        xl.header(ws, h + 1, col, "Ya")
        xl.header(ws, h + 1, col + 1, "Tidak")
    ws.row_dimensions[h].height = 80
    first = h + 2
    rows = xl.sop_rows(ws, first, blank.sops, blank.spare_rows, number_col=3, title_col=2)
    for r in rows:
        for col in range(4, 18):
            xl.entry(ws, r, col, align="center")
        xl.entry(ws, r, _NOTES_COL)
    last = rows[-1]
    xl.choices(ws, (MARK,), xl.rng(first, 4, last, 17), what="Tanda centang")
    row = last + 2
    xl.text(ws, row, 1, f"Keterangan: pilih tanda {MARK} pada kolom Ya atau Tidak setiap kriteria; tambahkan baris "
                        "untuk SOP baru, hapus baris SOP yang tidak dievaluasi.", size=9)
    xl.line_entry(ws, row + 2, _NOTES_COL, _NOTES_COL, f"{blank.place}, ")
    xl.line_entry(ws, row + 3, _NOTES_COL, _NOTES_COL)  # position
    xl.line_entry(ws, row + 7, _NOTES_COL, _NOTES_COL)  # name
    xl.line_entry(ws, row + 8, _NOTES_COL, _NOTES_COL, "NIP. ", as_text=True)
    xl.page(ws, print_rows=f"{h}:{h + 1}")
    xl.protect(ws)
    return xl.to_bytes(wb)
