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


# -- Word: content controls -----------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def controls(element, kind: str) -> list:
    """The content controls of `kind` ("dropDownList", "date", "checkbox") inside a python-docx
    element (a cell's `_tc`, a paragraph's `_p`), in document order."""
    ns = W14 if kind == "checkbox" else W
    return [sdt for sdt in element.iter(W + "sdt") if sdt.find(W + "sdtPr").find(ns + kind) is not None]


def _show(sdt, text: str) -> None:
    """What Word does when a control is used: the placeholder goes, the content is `text`."""
    props = sdt.find(W + "sdtPr")
    placeholder = props.find(W + "showingPlcHdr")
    if placeholder is not None:
        props.remove(placeholder)
    content = sdt.find(W + "sdtContent")
    runs = content.findall(W + "r")
    for run in runs[1:]:
        content.remove(run)
    run = runs[0]
    color = run.find(f"{W}rPr/{W}color")
    if color is not None:
        color.getparent().remove(color)
    run.find(W + "t").text = text


def pick(sdt, value: str) -> None:
    """Choose `value` from a drop-down content control; a value it does not offer fails the test."""
    offered = [item.get(W + "displayText") for item in sdt.iter(W + "listItem")]
    assert value in offered, f"{value!r} is not offered: {offered}"
    _show(sdt, value)


def tick(sdt) -> None:
    box = sdt.find(W + "sdtPr").find(W14 + "checkbox")
    box.find(W14 + "checked").set(W14 + "val", "1")
    _show(sdt, "\u2612")


def pick_date(sdt, day: dt.date) -> None:
    date = sdt.find(W + "sdtPr").find(W + "date")
    assert date is not None, "not a date picker"
    date.set(W + "fullDate", f"{day.isoformat()}T00:00:00Z")
    _show(sdt, f"{day.day} {MONTHS[day.month - 1]} {day.year}")


def set_text(cell, text: str) -> None:
    """Type `text` in a table cell in place of what it holds (content controls aside)."""
    paragraph = cell.paragraphs[0]
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    paragraph.add_run(text)
