"""Edits people make to an Excel form before sending it back, applied to a form the generator wrote.

Each edit opens the .xlsx with openpyxl, changes its structure as a person would on the printed
form (hide a row, continue the table on page 2 or on another sheet, type a title over two rows,
copy the sheet, ...) and saves it again. The facts the form carries stay what the test built, so
the parse must still give them back.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from sopdoc.reading.office import find_soffice

# The sheet holding each region's SOP table.
TABLE_SHEET = {"banten": "Evaluasi SOP", "bontang": "EVALUASI", "tanjungbalai": "Sheet1"}


class Table:
    """Where the SOP table of a generated form is: header rows, SOP rows, columns."""

    def __init__(self, ws):
        self.ws = ws
        self.header = next(r for r in range(1, ws.max_row + 1)
                           if any(_is(ws.cell(r, c).value, "Nama SOP") for c in range(1, ws.max_column + 1)))
        self.title_col = next(c for c in range(1, ws.max_column + 1) if _is(ws.cell(self.header, c).value, "Nama SOP"))
        self.no_col = next(c for c in range(1, ws.max_column + 1) if _is(ws.cell(self.header, c).value, "No"))
        self.last_col = max(c for c in range(1, ws.max_column + 1) if ws.cell(self.header, c).value is not None)
        self.last_col = max(self.last_col, max(c for c in range(1, ws.max_column + 1)
                                               if ws.cell(self.header + 1, c).value is not None))
        rows = [r for r in range(self.header + 1, ws.max_row + 1) if isinstance(ws.cell(r, self.no_col).value, int)]
        self.first_sop, self.last_sop = rows[0], rows[-1]
        self.head_rows = list(range(self.header, self.first_sop))  # header rows and the (1) (2) row

    def sop_row(self, i: int) -> int:
        return self.first_sop + i


def _is(value, text) -> bool:
    return isinstance(value, str) and value.strip() == text


def _open(path):
    wb = openpyxl.load_workbook(path)
    return wb


def edit(path, region, change) -> Path:
    """Apply `change(wb, ws, table)` to the form at `path` and save it in place."""
    wb = _open(path)
    ws = wb[TABLE_SHEET[region]]
    change(wb, ws, Table(ws))
    wb.save(path)
    return Path(path)


def _copy_row(ws_from, r_from, ws_to, r_to, last_col):
    for c in range(1, last_col + 1):
        src = ws_from.cell(r_from, c)
        dst = ws_to.cell(r_to, c)
        dst.value = src.value
        if src.has_style:
            dst.font = copy(src.font)


def _copy_head(ws_from, table, ws_to, at, with_numbering=True):
    """Copy the header rows (and their merges) of `table` to row `at` of `ws_to`; rows used."""
    rows = [r for r in table.head_rows if with_numbering or not _is_numbering(ws_from, r, table)]
    for i, r in enumerate(rows):
        _copy_row(ws_from, r, ws_to, at + i, table.last_col)
    for m in list(ws_from.merged_cells.ranges):
        if m.min_row in rows and m.max_row in rows:
            shift = at - rows[0]
            ws_to.merge_cells(start_row=m.min_row + shift, start_column=m.min_col,
                              end_row=m.max_row + shift, end_column=m.max_col)
    return len(rows)


def _is_numbering(ws, r, table) -> bool:
    return str(ws.cell(r, table.no_col).value or "").startswith("(")


def insert_rows(ws, row, amount):
    """Insert `amount` empty rows before `row`, moving values, fonts, merges and hidden flags
    below it down (openpyxl's own insert_rows leaves merges and row flags where they were)."""
    shift = lambda r: r + amount if r >= row else r  # noqa: E731
    cells = {(shift(r), c): (cell.value, copy(cell.font) if cell.has_style else None)
             for (r, c), cell in ws._cells.items() if cell.value is not None}
    merges = [(shift(m.min_row), m.min_col, shift(m.max_row) if m.max_row >= row and m.min_row >= row
               else m.max_row + (amount if m.max_row >= row else 0), m.max_col) for m in ws.merged_cells.ranges]
    hidden = [shift(r) for r, d in ws.row_dimensions.items() if d.hidden]
    for m in list(ws.merged_cells.ranges):
        ws.merged_cells.remove(m)
    ws._cells.clear()
    for r in list(ws.row_dimensions):
        ws.row_dimensions[r].hidden = False
    for (r, c), (value, font) in cells.items():
        cell = ws.cell(r, c, value)
        if font is not None:
            cell.font = font
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for r in hidden:
        ws.row_dimensions[r].hidden = True


# --- the edits ----------------------------------------------------------------------------------

def hidden_example_row(wb, ws, table):
    """The template's example row, hidden above the first SOP rather than deleted."""
    r = table.first_sop
    insert_rows(ws, r, 1)
    _copy_row(ws, r + 1, ws, r, table.last_col)
    ws.cell(r, table.title_col, "Contoh: Pelayanan Administrasi Surat Masuk")
    ws.row_dimensions[r].hidden = True


def hidden_helper_column(wb, ws, table):
    """A helper column (an old title list) hidden to the right of the table, header and all."""
    c = table.last_col + 1
    ws.cell(table.header, c, "Nama SOP")
    for r in range(table.first_sop, table.last_sop + 1):
        ws.cell(r, c, f"Judul lama {r}")
    ws.column_dimensions[get_column_letter(c)].hidden = True


def hidden_stale_copy(state):
    def change(wb, ws, table):
        stale = wb.copy_worksheet(ws)
        stale.title = f"{ws.title} lama"
        stale.cell(table.first_sop, table.title_col, "Judul Lama Yang Sudah Diganti")
        stale.sheet_state = state
        wb.move_sheet(stale, offset=-(len(wb.sheetnames) - 1))
    return change


def page_two(at_sop: int, blank_rows: int = 0, numbering: bool = True):
    """The header repeated before SOP `at_sop` (page 2 of the printed form)."""
    def change(wb, ws, table):
        r = table.sop_row(at_sop)
        head = [h for h in table.head_rows if numbering or not _is_numbering(ws, h, table)]
        insert_rows(ws, r, blank_rows + len(head))
        _copy_head(ws, table, ws, r + blank_rows, numbering)
    return change


def continued_on_sheet(at_sop: int, name: str = "Lanjutan"):
    """SOPs from `at_sop` on moved to a second sheet that repeats the header."""
    def change(wb, ws, table):
        other = wb.create_sheet(name)
        used = _copy_head(ws, table, other, 1)
        first = table.sop_row(at_sop)
        for i, r in enumerate(range(first, table.last_sop + 1)):
            _copy_row(ws, r, other, 1 + used + i, table.last_col)
        for r in range(first, table.last_sop + 1):
            for c in range(1, table.last_col + 1):
                ws.cell(r, c).value = None
    return change


def title_over_two_rows(sop: int, merged: bool):
    """SOP `sop`'s title typed over two rows; the other cells merged down over both, or left empty."""
    def change(wb, ws, table):
        r = table.sop_row(sop)
        insert_rows(ws, r + 1, 1)
        title = ws.cell(r, table.title_col).value
        words = title.split()
        half = len(words) // 2
        ws.cell(r, table.title_col, " ".join(words[:half]))
        ws.cell(r + 1, table.title_col, " ".join(words[half:]))
        if merged:
            for c in range(1, table.last_col + 1):
                if c != table.title_col and ws.cell(r, c).value is not None:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    return change


def visible_copy(change_cell=None):
    """The data sheet copied before editing: two visible copies, the same or not."""
    def change(wb, ws, table):
        other = wb.copy_worksheet(ws)
        other.title = f"{ws.title} (2)"
        if change_cell:
            change_cell(other, table)
    return change


def extra_column(label: str, values=("Sekretariat", "Bidang Pelayanan", "Subbag Umum")):
    """A column inserted at the right end of the table, with its own header and values."""
    def change(wb, ws, table):
        c = table.last_col + 1
        ws.cell(table.header, c, label)
        for i, r in enumerate(range(table.first_sop, table.last_sop + 1)):
            ws.cell(r, c, values[i % len(values)])
    return change


def swap_columns(a_label: str, b_label: str):
    """Two single-cell-header columns swapped, header and values."""
    def change(wb, ws, table):
        cols = {ws.cell(table.header, c).value: c for c in range(1, table.last_col + 1)}
        a, b = cols[a_label], cols[b_label]
        for r in [table.header, *range(table.first_sop, table.last_sop + 1)]:
            va, vb = ws.cell(r, a).value, ws.cell(r, b).value
            ws.cell(r, a).value, ws.cell(r, b).value = vb, va
    return change


def group_header(wb, ws, table):
    """A "Kriteria Evaluasi" group row added above the criteria headers (K1..K7 or full labels)."""
    h = table.header
    insert_rows(ws, h, 1)
    crit = [c for c in range(1, table.last_col + 1) if _criterion_header(ws.cell(h + 1, c).value)]
    for c in range(1, table.last_col + 1):
        below = ws.cell(h + 1, c)
        if c not in crit and below.value is not None and not any(
                m.min_row <= h + 1 <= m.max_row and m.min_col <= c <= m.max_col and m.min_col != c
                for m in ws.merged_cells.ranges):
            ws.cell(h, c, below.value)
            below.value = None
            for m in list(ws.merged_cells.ranges):
                if m.min_row == h + 1 and m.min_col == c:
                    ws.merged_cells.remove(m)
                    depth = m.max_row
                    break
            else:
                depth = h + 1
            ws.merge_cells(start_row=h, start_column=c, end_row=depth, end_column=c)
    ws.cell(h, crit[0], "Kriteria Evaluasi")
    last = max(crit) + (1 if _paired(ws, h + 2, crit) else 0)
    ws.merge_cells(start_row=h, start_column=crit[0], end_row=h, end_column=last)


def _paired(ws, r, crit) -> bool:
    return _is(ws.cell(r, crit[0]).value, "Ya")


def _criterion_header(value) -> bool:
    from sopdoc.formkit import normalize as norm

    return isinstance(value, str) and norm.criterion_key(value) is not None


# --- LibreOffice --------------------------------------------------------------------------------

def resave_with_libreoffice(path, target_ext=None) -> Path:
    """The file opened and saved again by LibreOffice (as agencies using it send it)."""
    path = Path(path)
    ext = target_ext or path.suffix.lstrip(".")
    with tempfile.TemporaryDirectory() as out:
        soffice = find_soffice()
        subprocess.run([soffice, f"-env:UserInstallation=file://{out}/profile", "--headless",
                        "--convert-to", ext, "--outdir", out, str(path)],
                       check=True, capture_output=True, timeout=180)
        made = Path(out) / f"{path.stem}.{ext}"
        target = path.with_name(f"{path.stem}-lo.{ext}")
        shutil.copyfile(made, target)
    return target


# --- signature blocks -----------------------------------------------------------------------------

ACKNOWLEDGER = ("Mengetahui,", "Kepala Dinas Kesehatan", None, None, "dr. Budi Santoso, M.Kes.",
                "NIP. 19650101 199003 1 005")


def _signature_cell(ws, table):
    """(row, column) of the place-and-date line under the table."""
    from sopdoc.formkit import normalize as norm

    return next((r, c) for (r, c), cell in sorted(ws._cells.items())
                if r > table.last_sop and isinstance(cell.value, str) and norm.is_place_date_line(cell.value))


def acknowledgement_block(where: str):
    """A second block ("Mengetahui, Kepala ...") "beside" (left of), "before" or "after" the dated one."""
    def change(wb, ws, table):
        r, c = _signature_cell(ws, table)
        if where == "beside":
            r, c = r, table.no_col + 1
        elif where == "before":
            insert_rows(ws, r, len(ACKNOWLEDGER) + 1)
        else:
            r = max(row for (row, col) in ws._cells if col == c) + 2
        for i, text in enumerate(ACKNOWLEDGER):
            if text:
                ws.cell(r + i, c, text)
    return change


def place_date_line(text: str):
    """The place-and-date line rewritten (the day left blank for the pen, a misspelt month)."""
    def change(wb, ws, table):
        r, c = _signature_cell(ws, table)
        ws.cell(r, c, text)
    return change
