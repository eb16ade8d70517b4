"""Reading the worksheets of an .xlsx straight from its XML: the facts a `sheets.Grid` is built from.

openpyxl builds a Python object per cell and per style and reads every part of the package; a form
needs the cell values with their types (a number in a date format is a date), the shared strings,
the font of each text cell (a check mark typed in a symbol font), merged ranges, and which rows,
columns and sheets are hidden. This reads exactly those, with openpyxl's own rules for what a value
is (its number-format and date helpers are used as they are), and raises `Unsupported` for anything
it does not know, so the caller can read the file with openpyxl instead.
"""
from __future__ import annotations

import bisect
import re
import zipfile

from lxml import etree
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from sopdoc.formkit.document import Sheet
from sopdoc.reading.package import Unsupported, content_types, feed, override_part, parse, relationships
from sopdoc.reading.sniff import MAX_MERGED_CELLS, too_many_merged_cells

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# openpyxl's workbook content types, in the order it looks for them
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STATES = ("visible", "hidden", "veryHidden")
_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_RANGE_REF = re.compile(r"([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?")
_MAX_COLUMN, _MAX_ROW = 16384, 1048576

_C, _V, _IS, _T, _RUN, _ROW = S + "c", S + "v", S + "is", S + "t", S + "r", S + "row"
_F = S + "f"
_SHEET_DATA, _COLS, _MERGE_CELLS = S + "sheetData", S + "cols", S + "mergeCells"


def read_sheets(zf: zipfile.ZipFile) -> list:
    """A `Sheet` per worksheet, in workbook order (chart sheets left out, as openpyxl does)."""
    overrides, _ = content_types(zf)
    workbook_part = next((p for t in _WORKBOOK_TYPES if (p := override_part(overrides, t))), None)
    if workbook_part is None:
        raise Unsupported("no workbook part declared in [Content_Types].xml")
    members = set(zf.namelist())
    workbook = parse(zf, workbook_part)
    epoch = CALENDAR_MAC_1904 if _workbook_is_1904(workbook) else WINDOWS_EPOCH
    strings_part = override_part(overrides, _SHARED_STRINGS)
    strings = _shared_strings(zf, strings_part) if strings_part else []
    styles = _Styles(zf)
    rels = relationships(zf, workbook_part)
    sheets, titles = [], set()
    for el in _children(workbook, S + "sheets", S + "sheet"):
        title, state, rel_id = el.get("name"), el.get("state", "visible"), el.get(R + "id")
        if not title or _BAD_TITLE.search(title) or title.lower() in titles or state not in _STATES:
            raise Unsupported(f"sheet name or state openpyxl would change or refuse: {title!r} {state!r}")
        titles.add(title.lower())
        if not rel_id:
            continue  # openpyxl drops such a sheet with a warning
        kind, target = rels[rel_id]
        if target not in members or "chartsheet" in (kind or ""):
            continue
        sheets.append(_sheet(parse(zf, target), title, state, strings, styles, epoch))
    return sheets


def formula_facts(zf: zipfile.ZipFile) -> dict:
    """{sheet title: (cells holding a formula whose result the file does not store, {cell: its
    opening-day formula} for the cells whose stored value the direct reader replaces by it (see
    `_OpeningDayFormulas`))}, each sheet parsed once, for a workbook openpyxl read: it loads values
    only, so the first look empty to it and the second pass the day the file was last calculated
    for a date the agency wrote. Read leniently, from the parts alone; a workbook this cannot
    follow gives {} (the warnings are then less precise, nothing is guessed)."""
    return _each_sheet_leniently(zf, lambda root: (_formula_cells_without_value(root), _opening_day_cells(root)))


def _each_sheet_leniently(zf: zipfile.ZipFile, facts) -> dict:
    """{sheet title: facts(sheet root)} for every worksheet, or {} for a workbook this cannot follow."""
    try:
        overrides, _ = content_types(zf)
        workbook_part = next(p for t in _WORKBOOK_TYPES if (p := override_part(overrides, t)))
        rels = relationships(zf, workbook_part)
        found = {}
        for el in _children(parse(zf, workbook_part), S + "sheets", S + "sheet"):
            kind, target = rels.get(el.get(R + "id"), (None, None))
            if target is not None and "chartsheet" not in (kind or ""):
                found[el.get("name")] = facts(parse(zf, target))
        return found
    except Exception:  # whatever this cannot follow, openpyxl has read the values already
        return {}


def _cells_with_keys(root):
    """(row, column), cell element for every cell of a sheet, in file order."""
    row_number = 0
    for row in _children(root, _SHEET_DATA, _ROW):
        r = row.get("r")
        row_number = int(r) if r is not None else row_number + 1
        col_number = 0
        for c in row.iterchildren(_C):
            ref = c.get("r")
            key = _cell_at(ref) if ref is not None else (row_number, col_number + 1)
            col_number = key[1]
            yield key, c


def _formula_cells_without_value(root) -> frozenset:
    return frozenset(key for key, c in _cells_with_keys(root)
                     if c.find(_F) is not None and not c.findtext(_V) and c.find(_IS) is None)


def _opening_day_cells(root) -> dict:
    """The cells whose stored number, date or text the direct reader replaces by their opening-day formula
    (a number only when its style makes it a date: openpyxl's value then is one, which the caller checks)."""
    formulas = _OpeningDayFormulas(root)
    found = {}
    for key, c in _cells_with_keys(root):
        if c.get("t", "n") in ("n", "str", "d") and c.findtext(_V) and (formula := formulas.of(c, key)):
            found[key] = formula
    return found


def _children(parent, *path: str) -> list:
    """The elements at `path` under `parent`, one tag per level."""
    found = [parent]
    for tag in path:
        found = [child for el in found for child in el.iterchildren(tag)]
    return found


def _on(value) -> bool:
    """An attribute as openpyxl's Bool descriptor reads it."""
    return value is not None and value not in ("false", "f", "0", "")


def _workbook_is_1904(workbook) -> bool:
    properties = workbook.find(S + "workbookPr")
    return properties is not None and _on(properties.get("date1904"))


def _text(element) -> str:
    """A string item (`si` or `is`) as openpyxl's `Text.content`: its plain text, then its runs."""
    plain = None
    runs = []
    for child in element:
        if child.tag == _T:
            plain = child.text or ""
        elif child.tag == _RUN:
            t = child.find(_T)
            if t is not None:
                runs.append(t.text or "")
    return "".join(([plain] if plain is not None else []) + runs)


def _shared_strings(zf, part: str) -> list:
    root = parse(zf, part)
    return [_text(si).replace("x005F_", "") for si in root.iterchildren(S + "si")]


class _Styles:
    """Per cell style (`s`): its font name, and whether its number format makes a number a date
    or a duration. Read from xl/styles.xml, as openpyxl does."""

    def __init__(self, zf):
        try:
            root = parse(zf, "xl/styles.xml")
        except KeyError:
            raise Unsupported("no xl/styles.xml: openpyxl applies its own defaults") from None
        custom = {}
        for fmt in _children(root, S + "numFmts", S + "numFmt"):
            custom[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
        fonts = []
        for font in _children(root, S + "fonts", S + "font"):
            name = font.find(S + "name")
            fonts.append(name.get("val") if name is not None else None)
        self.fonts, self.dates, self.durations = [], set(), set()
        xfs = _children(root, S + "cellXfs", S + "xf")
        if not xfs:
            raise Unsupported("no cell styles: openpyxl applies its own defaults")
        for index, xf in enumerate(xfs):
            font_id = int(xf.get("fontId", 0))
            if not 0 <= font_id < len(fonts):
                raise Unsupported(f"cell style {index} names font {font_id}, which does not exist")
            self.fonts.append(fonts[font_id])
            number_format = int(xf.get("numFmtId", 0))
            code = custom[number_format] if number_format in custom else builtin_format_code(number_format)
            if is_date_format(code):
                self.dates.add(index)
            if is_timedelta_format(code):
                self.durations.add(index)


_COLUMNS: dict = {}
_REFS: dict = {}  # "B12" -> (12, 2): forms share their cell addresses, so most are met before
_MAX_REFS = 200_000


def _cell_at(ref: str) -> tuple:
    at = _REFS.get(ref)
    if at is None:
        m = _CELL_REF.fullmatch(ref)
        if m is None:
            raise Unsupported(f"cell reference {ref!r}")
        at = (int(m[2]), _column(m[1]))
        if len(_REFS) < _MAX_REFS:
            _REFS[ref] = at
    return at


def _column(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        if index > _MAX_COLUMN:
            raise Unsupported(f"column {letters} beyond XFD")
        _COLUMNS[letters] = index
    return index


def _number(text: str):
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _sheet(root, title: str, state: str, strings: list, styles: _Styles, epoch) -> Sheet:
    merges = _merges(root)
    opening_day = _OpeningDayFormulas(root)
    cells, fonts, formulas = {}, {}, set()
    font_of, dates, durations = styles.fonts, styles.dates, styles.durations
    styles_known, known_refs = len(font_of), _REFS
    hidden_rows = set()
    row_number = 0
    for row in _children(root, _SHEET_DATA, _ROW):
        r = row.get("r")
        row_number = int(r) if r is not None else row_number + 1
        if _on(row.get("hidden")):
            hidden_rows.add(row_number)
        col_number = 0
        for c in row:
            if c.tag != _C:
                raise Unsupported(f"unexpected {c.tag} in a row")
            ref = c.get("r")
            if ref is not None:
                key = known_refs.get(ref) or _cell_at(ref)
                col_number = key[1]
            else:
                col_number += 1
                key = (row_number, col_number)
            kind = c.get("t", "n")
            style = c.get("s")
            style = int(style) if style else 0
            if style >= styles_known:
                raise Unsupported(f"cell style {style} does not exist")
            if kind == "inlineStr":
                box = c.find(_IS)
                value = _text(box) if box is not None else None
            else:
                value = c.findtext(_V) or None
                if value is not None:
                    if kind == "n":
                        value = _number(value)
                        if style in dates:
                            try:
                                value = from_excel(value, epoch, timedelta=style in durations)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                            value = opening_day.of(c, key) or value
                    elif kind == "str":
                        value = opening_day.of(c, key) or value
                    elif kind == "s":
                        value = strings[int(value)]
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = opening_day.of(c, key) or from_ISO8601(value)
            if value is None:
                cells.pop(key, None)  # a later empty cell at the same place replaces the earlier one
                if c.find(_F) is not None:
                    formulas.add(key)
                continue
            cells[key] = value
            if isinstance(value, str):
                fonts[key] = font_of[style]
            else:
                fonts.pop(key, None)
    _drop_merged_over(cells, fonts, merges)
    return Sheet(title=title, state=state, cells=cells, fonts=fonts, hidden_rows=frozenset(hidden_rows),
                 hidden_cols=frozenset(_hidden_columns(root)), merges=merges,
                 formulas_without_value=frozenset(formulas - cells.keys()))


# a call of TODAY or NOW anywhere in the formula: "=TODAY()-1", "=DATE(YEAR(NOW()),1,1)", "_xlfn.today ()"
_OPENING_DAY = re.compile(r"\b(?:TODAY|NOW)\s*\(", re.IGNORECASE)


class _OpeningDayFormulas:
    """The cells of one sheet whose formula gives the day the file is opened (TODAY, NOW): their
    stored value is the day someone last opened it, or the day LibreOffice converted it, never a date
    the agency wrote. The formula stands in for the value, so a date read from it is null plus a warning.
    A formula filled down is written once: its other cells name the first by `si` (shared), or lie in
    its `ref` with no formula of their own (array)."""

    def __init__(self, root):
        self.shared, self.arrays = {}, []
        for f in root.iter(_F):
            if not (f.text and _OPENING_DAY.search(f.text)):
                continue
            if f.get("t") == "shared" and f.get("si") is not None:
                self.shared[f.get("si")] = "=" + f.text
            elif f.get("t") == "array" and f.get("ref"):
                self.arrays.append((_merged_range(f.get("ref")), "=" + f.text))

    def of(self, c, key: tuple) -> str | None:
        """The opening-day formula of cell `c` at `key`, or None."""
        f = c.find(_F)
        if f is None:
            return next((formula for area, formula in self.arrays if _inside(key, area)), None)
        if f.text:
            return "=" + f.text if _OPENING_DAY.search(f.text) else None
        return self.shared.get(f.get("si")) if f.get("t") == "shared" else None


def _inside(key: tuple, area: tuple) -> bool:
    r1, c1, r2, c2 = area
    return r1 <= key[0] <= r2 and c1 <= key[1] <= c2


def _hidden_columns(root) -> set:
    """Columns hidden by `<col hidden>`; a later `<col>` starting at the same column replaces an
    earlier one, as openpyxl keys its column dimensions by their first column."""
    by_first = {}
    for col in _children(root, _COLS, S + "col"):
        first = int(col.get("min"))
        last = col.get("max")
        by_first[first] = (first, int(last) if last else first, _on(col.get("hidden")))
    hidden = set()
    for first, last, is_hidden in by_first.values():
        if is_hidden:
            hidden.update(range(first, min(last, _MAX_COLUMN) + 1))
    return hidden


def _merges(root) -> list:
    found = []
    for merge in _children(root, _MERGE_CELLS, S + "mergeCell"):
        found.append(_merged_range(merge.get("ref")))
    return found


def _merged_range(ref) -> tuple:
    """(first row, first column, last row, last column) of a merged range "B2:D5"."""
    m = _RANGE_REF.fullmatch(ref or "")
    if m is None:
        raise Unsupported(f"merged range {ref!r}")
    r1, c1 = int(m[2]), _column(m[1])
    r2, c2 = (int(m[4]), _column(m[3])) if m[3] else (r1, c1)
    if not (1 <= r1 <= r2 <= _MAX_ROW and 1 <= c1 <= c2):
        raise Unsupported(f"merged range {ref!r}")
    return r1, c1, r2, c2


def _area(merges: list) -> int:
    return sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in merges)


class _MergeCounter:
    """An lxml parser target that only adds up the area of the merged ranges: no tree is built."""

    def __init__(self):
        self.area = 0

    def start(self, tag, attrib):
        if tag == S + "mergeCell":
            try:  # read as openpyxl reads it ("$A$1:$B$2", "a1:b2", "A:C"); what it cannot read, it refuses
                c1, r1, c2, r2 = range_boundaries(attrib.get("ref") or "")
            except (ValueError, TypeError):
                return
            self.area += ((r2 or _MAX_ROW) - (r1 or 1) + 1) * ((c2 or _MAX_COLUMN) - (c1 or 1) + 1)
            if self.area > MAX_MERGED_CELLS:
                raise too_many_merged_cells(self.area)

    def close(self):
        return self.area


def check_merged_area(zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells, before openpyxl
    makes an object for each covered cell (the direct reader needs no such limit): every part is
    read, as a sheet may have any name."""
    counter = _MergeCounter()
    for name in zf.namelist():
        try:
            feed(zf, name, counter)
        except etree.XMLSyntaxError:
            continue  # not XML, or damaged: openpyxl words the refusal of a damaged file


# Rows of cells visited over all merged ranges of a sheet: a form's ranges cover a few hundred.
_MAX_MERGED_ROWS = 1_000_000


def _drop_merged_over(cells: dict, fonts: dict, merges: list) -> None:
    """A merged range shows its top-left cell only: openpyxl empties the others.

    Each range visits only the rows of cells it covers and, in each, the cells inside it (found by
    bisection): a title merged across a whole row or a column merged down the sheet costs what
    its cells cost. Ranges that cover rows of cells far more often than any form's (thousands of
    ranges over the same rows) are refused before the work."""
    if not merges or not cells:
        return
    columns: dict = {}
    for r, c in sorted(cells):
        columns.setdefault(r, []).append(c)
    rows = list(columns)
    spans = [(bisect.bisect_left(rows, r1), bisect.bisect_right(rows, r2)) for r1, _, r2, _ in merges]
    if sum(end - start for start, end in spans) > _MAX_MERGED_ROWS:
        raise too_many_merged_cells(_area(merges))
    for (r1, c1, _, c2), (start, end) in zip(merges, spans):
        for r in rows[start:end]:
            in_row = columns[r]
            for c in in_row[bisect.bisect_left(in_row, c1):bisect.bisect_right(in_row, c2)]:
                if (r, c) != (r1, c1):
                    cells.pop((r, c), None)
                    fonts.pop((r, c), None)
