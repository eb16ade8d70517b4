"""The blank of Kota Bontang's form: PETUNJUK, IDENTITAS and EVALUASI sheets (FORMS.md)."""
from sopdoc import CRITERIA_LABELS
from sopdoc.formkit import blank_xlsx as xl
from sopdoc.formkit.blank import BlankForm

MEETS = ("1", "0")
STATUS = ("Tetap", "Revisi", "Dicabut")
_HEADER_ROW = 10
_HEADERS = ("No", "Nomor SOP", "Nama SOP", *(f"K{i}" for i in range(1, 8)), "Nilai", "Status SOP", "Keterangan")
_INSTRUCTIONS = (
    "1. Sheet IDENTITAS: isi tanggal pengisian, nama, NIP dan jabatan pengisi. Nama perangkat daerah sudah terisi.",
    "2. Sheet EVALUASI: pilih 1 (memenuhi) atau 0 (tidak memenuhi) pada kolom K1 s.d. K7; "
    "kolom Nilai terhitung sendiri.",
    "3. Kolom Status SOP dipilih dari daftar: Tetap, Revisi, atau Dicabut.",
    "4. SOP yang sudah terisi berasal dari evaluasi sebelumnya: hapus barisnya bila SOP tidak lagi berlaku, "
    "isi baris kosong untuk SOP baru.",
)


def write(blank: BlankForm) -> bytes:
    wb = xl.workbook()
    _instructions(wb.create_sheet("PETUNJUK"), blank)
    _identity(wb.create_sheet("IDENTITAS"), blank)
    _evaluation(wb.create_sheet("EVALUASI"), blank)
    wb.active = 1
    return xl.to_bytes(wb)


def _instructions(ws, blank: BlankForm) -> None:
    xl.widths(ws, {1: 100})
    xl.text(ws, 1, 1, "PETUNJUK PENGISIAN FORMULIR EVALUASI SOP PASCA PENYEDERHANAAN BIROKRASI", bold=True, size=12)
    xl.text(ws, 2, 1, f"{blank.period_name} — {blank.region}")
    for row, line in enumerate(_INSTRUCTIONS, start=4):
        xl.text(ws, row, 1, line, wrap=True)
    xl.page(ws, landscape=False)
    xl.protect(ws)


def _identity(ws, blank: BlankForm) -> None:
    xl.widths(ws, {1: 28, 2: 50})
    xl.text(ws, 1, 1, "IDENTITAS PERANGKAT DAERAH", bold=True, size=12)
    labels = ("Nama Perangkat Daerah", "Tanggal Pengisian", "Nama Pengisi", "NIP", "Jabatan")
    for row, label in enumerate(labels, start=3):
        xl.text(ws, row, 1, label, bold=True)
        ws.row_dimensions[row].height = 20
    xl.text(ws, 3, 2, blank.agency, bold=True)
    xl.date_entry(ws, 4, 2, blank.earliest, blank.latest, what="Tanggal pengisian")
    xl.entry(ws, 5, 2)
    xl.entry(ws, 6, 2, as_text=True)  # an 18-digit NIP typed as a number would lose its last digits
    xl.entry(ws, 7, 2)
    xl.page(ws, landscape=False)
    xl.protect(ws)


def _evaluation(ws, blank: BlankForm) -> None:
    xl.widths(ws, {1: 5, 2: 22, 3: 40, **{c: 6 for c in range(4, 11)}, 11: 7, 12: 12, 13: 34})
    xl.text(ws, 1, 1, "EVALUASI PENERAPAN SOP", bold=True, size=12)
    for i, label in enumerate(CRITERIA_LABELS.values(), start=1):
        xl.text(ws, 1 + i, 1, f"K{i} = {label}", size=9)
    h = _HEADER_ROW
    for col, label in enumerate(_HEADERS, start=1):
        xl.header(ws, h, col, label)
    first = h + 1
    rows = xl.sop_rows(ws, first, blank.sops, blank.spare_rows, number_col=2, title_col=3)
    for r in rows:
        for col in range(4, 11):
            xl.entry(ws, r, col, align="center")
        xl.formula_entry(ws, r, 11, f'=IF(COUNT(D{r}:J{r})=0,"",SUM(D{r}:J{r}))')
        xl.entry(ws, r, 12, align="center")
        xl.entry(ws, r, 13)
    last = rows[-1]
    xl.choices(ws, MEETS, xl.rng(first, 4, last, 10), what="Kriteria K1 s.d. K7")
    xl.choices(ws, STATUS, xl.rng(first, 12, last, 12), what="Status SOP")
    xl.page(ws, print_rows=f"{h}:{h}")
    xl.protect(ws)
