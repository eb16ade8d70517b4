"""The blank of Provinsi Banten's form, laid out as the bureau's template (FORMS.md)."""
from sopdoc import CRITERIA_LABELS
from sopdoc.formkit import blank_xlsx as xl
from sopdoc.formkit.blank import BlankForm

YES_NO = ("Ya", "Tidak")
IMPLEMENTATION = ("Baik", "Tidak Baik")
FOLLOW_UP = ("Dipertahankan", "Direvisi", "Dicabut")
_HEADER_ROW = 8
_LAST_COL = 13  # M: Tindak Lanjut


def write(blank: BlankForm) -> bytes:
    wb = xl.workbook()
    ws = wb.create_sheet("Evaluasi SOP")
    xl.widths(ws, {1: 5, 2: 22, 3: 40, **{c: 13 for c in range(4, 11)}, 11: 14, 12: 30, 13: 16})
    xl.text(ws, 1, 1, "FORMULIR EVALUASI PELAKSANAAN STANDAR OPERASIONAL PROSEDUR (SOP)", bold=True, size=12,
            align="center")
    xl.text(ws, 2, 1, f"PEMERINTAH {blank.region.upper()}", bold=True, size=12, align="center")
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=_LAST_COL)
    _identity(ws, blank)
    first = _table(ws, blank)
    last = first + len(blank.sops) + blank.spare_rows - 1
    xl.choices(ws, YES_NO, xl.rng(first, 4, last, 10), what="Kriteria evaluasi")
    xl.choices(ws, IMPLEMENTATION, xl.rng(first, 11, last, 11), what="Penilaian penerapan")
    xl.choices(ws, FOLLOW_UP, xl.rng(first, 13, last, 13), what="Tindak lanjut")
    _notes_and_signature(ws, blank, last + 2)
    xl.page(ws, print_rows=f"{_HEADER_ROW}:{_HEADER_ROW + 2}")
    xl.protect(ws)
    return xl.to_bytes(wb)


def _identity(ws, blank: BlankForm) -> None:
    labels = ("Perangkat Daerah :", "Tahap Evaluasi :", "Tanggal Pengisian :")
    for row, label in zip((4, 5, 6), labels):
        xl.text(ws, row, 1, label, bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    xl.text(ws, 4, 3, blank.agency, bold=True)
    xl.text(ws, 5, 3, blank.stage or blank.period_name)
    xl.date_entry(ws, 6, 3, blank.earliest, blank.latest, what="Tanggal pengisian")
    for row in (4, 5):
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=8)


def _table(ws, blank: BlankForm) -> int:
    """The two-row header and its numbering row; returns the first SOP row."""
    h = _HEADER_ROW
    for col, label in ((1, "No"), (2, "Nomor SOP"), (3, "Nama SOP"), (11, "Penilaian Penerapan"),
                       (12, "Catatan"), (13, "Tindak Lanjut")):
        xl.header(ws, h, col, label, last_row=h + 1)
    xl.header(ws, h, 4, "Kriteria Evaluasi", last_col=10)
    for i, label in enumerate(CRITERIA_LABELS.values()):
        xl.header(ws, h + 1, 4 + i, f"{i + 1}. {label}")
    ws.row_dimensions[h + 1].height = 80
    for col in range(1, _LAST_COL + 1):
        xl.fixed(ws, h + 2, col, f"({col})", align="center")
    first = h + 3
    for r in xl.sop_rows(ws, first, blank.sops, blank.spare_rows, number_col=2, title_col=3):
        for col in range(4, _LAST_COL + 1):
            xl.entry(ws, r, col, align="left" if col == 12 else "center")
    return first


def _notes_and_signature(ws, blank: BlankForm, row: int) -> None:
    xl.text(ws, row, 1, "Keterangan: kolom (4) s.d. (10), (11) dan (13) dipilih dari daftar pada sel; "
                        "tambahkan baris untuk SOP baru, hapus baris SOP yang tidak dievaluasi.", size=9)
    xl.line_entry(ws, row + 2, 11, 13, f"{blank.place}, ")
    xl.line_entry(ws, row + 3, 11, 13)  # position
    xl.line_entry(ws, row + 7, 11, 13)  # name
    xl.line_entry(ws, row + 8, 11, 13, "NIP. ", as_text=True)
