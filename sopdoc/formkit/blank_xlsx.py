"""Writing blank Excel forms: the table look, input cells, validation lists, protection.

A region's blank writer lays out its own form with these helpers, so every blank behaves the
same: only the cells an agency fills are unlocked, choices come from a drop-down list, the fill
date must be a date, and the sheet is protected without a password (Review > Unprotect Sheet
opens it; the point is to keep the structure from being edited by accident, not to lock anyone
out). Rows may still be inserted and deleted, so an agency adds and removes SOPs.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FONT = "Arial"
# Indonesian month names in Excel and LibreOffice whatever the computer's language ([$-421]).
DATE_FORMAT = "[$-421]d mmmm yyyy"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DOTTED = Border(bottom=Side(style="dotted", color="000000"))
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")  # the cells to fill, pale yellow on screen


def workbook() -> openpyxl.Workbook:
    """An empty workbook without its default sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return wb


def to_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _put(ws, row: int, col: int, value):
    """The cell at (row, col) holding `value`; text stays text even when it starts with "=" (an SOP
    title an agency typed last time must never come back as a formula)."""
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text(ws, row: int, col: int, value, *, bold=False, size=10, align=None, wrap=False):
    """A fixed (locked) cell of the form: a title, a label, an instruction."""
    cell = _put(ws, row, col, value)
    cell.font = Font(name=FONT, size=size, bold=bold)
    if align or wrap:
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    return cell


def header(ws, row: int, col: int, value, *, last_row=None, last_col=None):
    """A table header cell, merged down or across when asked, boxed on every cell it spans."""
    last_row, last_col = last_row or row, last_col or col
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            ws.cell(r, c).border = _BOX
            ws.cell(r, c).fill = _HEADER_FILL
    if (last_row, last_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    cell = _put(ws, row, col, value)
    cell.font = Font(name=FONT, size=9, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def fixed(ws, row: int, col: int, value=None, *, align="left"):
    """A boxed table cell the agency does not change (column numbering)."""
    cell = _put(ws, row, col, value)
    cell.font = Font(name=FONT, size=9, italic=True)
    cell.border = _BOX
    cell.alignment = Alignment(horizontal=align, vertical="center")
    return cell


def entry(ws, row: int, col: int, value=None, *, boxed=True, align="left", wrap=True, as_text=False):
    """A cell the agency fills (unlocked, shaded); `as_text` keeps digits as typed (a NIP)."""
    cell = _put(ws, row, col, value)
    cell.font = Font(name=FONT, size=10)
    cell.protection = Protection(locked=False)
    cell.fill = _INPUT_FILL
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap, indent=1 if align == "left" else 0)
    if boxed:
        cell.border = _BOX
    if as_text:
        cell.number_format = "@"
    return cell


def sop_rows(ws, first: int, sops: tuple, spare_rows: int, *, number_col: int, title_col: int) -> list:
    """From row `first`, one input row per pre-filled SOP (its No in column A, number and title),
    then `spare_rows` empty ones for SOPs the agency adds. Returns the rows, for the caller to add
    the answer cells."""
    lines = [(i, sop.number, sop.title) for i, sop in enumerate(sops, start=1)]
    lines += [(None, None, None)] * spare_rows
    for r, (no, number, title) in enumerate(lines, start=first):
        ws.row_dimensions[r].height = 30
        entry(ws, r, 1, no, align="center")
        entry(ws, r, number_col, number)
        entry(ws, r, title_col, title)
    return list(range(first, first + len(lines)))


def formula_entry(ws, row: int, col: int, formula: str, *, align="center"):
    """An unlocked cell computed by `formula` (a row the agency deletes must hold no locked cell)."""
    cell = entry(ws, row, col, align=align)
    cell.value = formula
    return cell


def line_entry(ws, row: int, col: int, last_col: int, value=None, *, as_text=False):
    """A line to write on (signature block): cells `col`..`last_col` merged, dotted underline."""
    for c in range(col, last_col + 1):
        ws.cell(row, c).border = _DOTTED
    if last_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)
    cell = entry(ws, row, col, value, boxed=False, wrap=False, as_text=as_text)
    cell.border = _DOTTED
    return cell


def choices(ws, values: tuple, cells: str, *, what: str) -> DataValidation:
    """A drop-down list of `values` on the range `cells` ("D11:J20"); anything else is refused."""
    shown = ", ".join(values)
    rule = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Isian tidak sah",
        error=f"{what}: pilih salah satu dari daftar ({shown}).",
        showInputMessage=True, promptTitle=what[:32], prompt=f"Pilih: {shown}",
    )
    rule.add(cells)
    ws.add_data_validation(rule)
    return rule


def date_entry(ws, row: int, col: int, earliest: dt.date, latest: dt.date, *, what: str = "Tanggal"):
    """A date cell that accepts only a date between `earliest` and `latest`."""
    cell = entry(ws, row, col, align="left", wrap=False)
    cell.number_format = DATE_FORMAT
    rule = DataValidation(
        type="date", operator="between", formula1=str(_serial(earliest)), formula2=str(_serial(latest)),
        allow_blank=True, showErrorMessage=True, errorStyle="stop", errorTitle="Tanggal tidak sah",
        error=f"{what}: ketik tanggal antara {earliest:%d/%m/%Y} dan {latest:%d/%m/%Y}, mis. {latest:%d/%m/%Y}.",
        showInputMessage=True, promptTitle=what[:32], prompt="Ketik tanggal, mis. " + f"{latest:%d/%m/%Y}",
    )
    rule.add(cell.coordinate)
    ws.add_data_validation(rule)
    return cell


def _serial(day: dt.date) -> int:
    """Excel's serial number of a date (the 1900 date system)."""
    return (day - dt.date(1899, 12, 30)).days


def widths(ws, cms: dict) -> None:
    """Column widths in Excel's character units, by column number."""
    for col, width in cms.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def rng(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"


def page(ws, *, landscape: bool = True, print_rows: str | None = None) -> None:
    """A4, fitted to the page width, the table header (`print_rows`, "8:10") on every printed page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if print_rows:
        ws.print_title_rows = print_rows


def protect(ws) -> None:
    """Protect the sheet without a password; rows may be inserted, deleted and resized."""
    protection = ws.protection
    protection.sheet = True
    protection.insertRows = False  # False: allowed
    protection.deleteRows = False
    protection.formatRows = False
    protection.formatColumns = False
    protection.formatCells = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False
