"""Filling sopdoc's blank forms in tests as an agency would: only with what the form offers
(a value from a cell's drop-down list, a content control's list item, a ticked check box)."""
from __future__ import annotations

import datetime as dt

from openpyxl.utils.cell import range_boundaries


def allowed(ws, coordinate: str) -> list:
    """The values the drop-down list of a cell offers ([] when it has none)."""
    cell = ws[coordinate]
    for rule in ws.data_validations.dataValidation:
        if rule.type != "list":
            continue
        for part in str(rule.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(part)
            if min_row <= cell.row <= max_row and min_col <= cell.column <= max_col:
                return rule.formula1.strip('"').split(",")
    return []


def choose(ws, row: int, col: int, value: str) -> None:
    """Pick `value` from the cell's drop-down list; a value the list does not offer fails the test."""
    cell = ws.cell(row, col)
    offered = allowed(ws, cell.coordinate)
    assert value in offered, f"{cell.coordinate}: {value!r} is not in its list {offered}"
    assert not cell.protection.locked, f"{cell.coordinate} is locked"
    cell.value = value


def type_date(ws, row: int, col: int, day: dt.date) -> None:
    cell = ws.cell(row, col)
    rules = [r for r in ws.data_validations.dataValidation if r.type == "date" and cell.coordinate in r.sqref]
    assert rules, f"{cell.coordinate} has no date validation"
    assert not cell.protection.locked
    cell.value = dt.datetime.combine(day, dt.time())


def type_text(ws, row: int, col: int, text) -> None:
    cell = ws.cell(row, col)
    assert not cell.protection.locked, f"{cell.coordinate} is locked"
    cell.value = text


def rows_with(ws, col: int, first_row: int) -> list:
    """Rows from `first_row` down whose column `col` is filled."""
    return [r for r in range(first_row, ws.max_row + 1) if ws.cell(r, col).value not in (None, "")]
