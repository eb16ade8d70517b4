"""Reading Excel forms by their labels and headers: the helpers the host gives Excel parsers.

A `Grid` is a sparse, read-only view of one worksheet. It reads the sheet's stored cells only,
so a hostile file that declares a cell at XFD1048576 costs one cell, not the whole rectangle.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Optional

from openpyxl.utils import column_index_from_string, get_column_letter

from sopdoc.formkit import normalize as norm
from sopdoc.formkit.document import Recognition, Sheet, built_once
# What Excel and Word parsers share lives in sopdoc.formkit.fields.
from sopdoc.formkit.fields import (
    Field,
    SignatureBlock,
    _is_nip_line,
    mark_pair_answer,
    read_identity,
    signature_block,
    warn,
)
from sopdoc.model import Warning
from sopdoc.vocabulary import FOLLOW_UP_WORDS, IMPLEMENTATION_WORDS


class Grid:
    """Values of one worksheet by (row, column), 1-based, with cell addresses for warnings.

    Only what the printed page shows is a cell: values in hidden rows and columns are kept apart
    (`hidden_cells`), and `visible` says whether the sheet itself is shown. `merges` maps the
    top-left cell of each merged range to its bottom-right (row, column). These are the facts a
    parser reads, built from a `Sheet`, which any reader of the file provides (the direct reader,
    or openpyxl through `sheet_of_worksheet`).
    """

    def __init__(self, sheet):
        self.title = sheet.title
        self.visible = sheet.state == "visible"
        self.hidden_rows = hidden_rows = sheet.hidden_rows
        self.hidden_cols = hidden_cols = sheet.hidden_cols
        self._fonts = sheet.fonts
        self.formulas_without_value = sheet.formulas_without_value
        self.cells: dict = {}
        self.hidden_cells: dict = {}
        for key, value in sheet.cells.items():
            if key[0] in hidden_rows or key[1] in hidden_cols:
                self.hidden_cells[key] = value
            else:
                self.cells[key] = value
        self.merges = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in sheet.merges[:_MAX_MERGES]}
        self.memo: dict = {}  # what was built from the grid (`built_once`)

    def value(self, row: int, col: int):
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> Optional[str]:
        return norm.clean_text(self.cells.get((row, col)))

    def font(self, row: int, col: int) -> Optional[str]:
        """The font name of a text cell (None for any other)."""
        return self._fonts.get((row, col))

    def where(self, row: int, col: Optional[int] = None) -> str:
        if col is None:
            return f"{self.title}!{row}"
        return f"{self.title}!{get_column_letter(col)}{row}"

    def merged_from_above(self, row: int, col: int) -> bool:
        """Is (row, col) covered by a merged range that starts on a row above it?"""
        return (row, col) in built_once(self.memo, "merged down", self._merged_down)

    def _merged_down(self) -> set:
        return {(r, c) for r1, c1, r2, c2 in self._resolved_merges() if r2 > r1
                for r in range(r1 + 1, r2 + 1) for c in range(c1, c2 + 1)}

    def shown(self, row: int, col: int) -> tuple:
        """(row, col) of the cell whose value shows at (row, col): the first cell of the merged
        range covering it, else itself. A check mark centred over a merged Ya | Tidak pair shows
        in both columns."""
        return built_once(self.memo, "merge anchors", self._merge_anchors).get((row, col), (row, col))

    def _merge_anchors(self) -> dict:
        return {(r, c): (r1, c1) for r1, c1, r2, c2 in self._resolved_merges()
                for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}

    def _resolved_merges(self) -> list:
        """The merged ranges resolved cell by cell (`merged_from_above`, `shown`), in the file's
        order: each of at most _MAX_MERGED_CELLS cells, all together at most _MAX_RESOLVED_CELLS
        (5,000 ranges of 2,000 cells each took 12 s and 1.8 GB)."""
        resolved, total = [], 0
        for (r1, c1), (r2, c2) in self.merges.items():
            area = (r2 - r1 + 1) * (c2 - c1 + 1)
            if area <= _MAX_MERGED_CELLS and total + area <= _MAX_RESOLVED_CELLS:
                resolved.append((r1, c1, r2, c2))
                total += area
        return resolved

    def find(self, predicate: Callable[[str], bool]) -> Iterator[tuple]:
        """(row, col) of every text cell whose `label_key` satisfies `predicate`, in reading order."""
        for (r, c) in sorted(self.cells):
            value = self.cells[(r, c)]
            if isinstance(value, str) and predicate(norm.label_key(value)):
                yield r, c


# A hostile file may declare millions of merged ranges or one huge one; a real form has a few dozen.
_MAX_MERGES = 5000
_MAX_MERGED_CELLS = 2000
_MAX_RESOLVED_CELLS = 100_000


def grids(document) -> list:
    """A `Grid` per visible worksheet of `document` (a SourceDocument), built once and shared by
    every parser. A hidden or very hidden sheet (a stale copy, a helper list) is not part of the form."""
    return built_once(document.memo, "grids", lambda: _visible_grids(document))


def _visible_grids(document) -> list:
    sheets = document.sheets
    if sheets is None:
        sheets = [sheet_of_worksheet(ws) for ws in document.workbook.worksheets] if document.workbook else []
    return [grid for grid in (Grid(sheet) for sheet in sheets) if grid.visible]


def sheet_of_worksheet(worksheet, formulas: frozenset = frozenset(), opening_days: Optional[dict] = None) -> Sheet:
    """The `Sheet` facts of an openpyxl worksheet (a workbook openpyxl read, or one a test built);
    `formulas`: its cells that hold a formula, which openpyxl's values alone do not show;
    `opening_days`: {cell: "=TODAY()"} for its cells whose formula gives the day the file is opened,
    which stands in for a stored date or text (the day it was last calculated, not one the agency wrote)."""
    cells, fonts = {}, {}
    opening_days = opening_days or {}
    # openpyxl keeps a worksheet's stored cells in `_cells`; iterating the public
    # iter_rows() would create every cell of the declared rectangle.
    for key, cell in worksheet._cells.items():
        value = cell.value
        if value is None:
            continue
        if key in opening_days and isinstance(value, _STORED_DAY):
            value = opening_days[key]
        cells[key] = value
        if isinstance(value, str):
            fonts[key] = cell.font.name if cell.font is not None else None
    return Sheet(
        title=worksheet.title,
        state=getattr(worksheet, "sheet_state", "visible"),
        cells=cells,
        fonts=fonts,
        hidden_rows=frozenset(r for r, d in worksheet.row_dimensions.items() if d.hidden),
        hidden_cols=frozenset(_hidden_columns(worksheet)),
        merges=[(m.min_row, m.min_col, m.max_row, m.max_col) for m in worksheet.merged_cells.ranges],
        formulas_without_value=frozenset(key for key in formulas if key not in cells),
    )


# what openpyxl gives for a formula's stored result that the direct reader replaces: a date-styled
# number (a date, time or duration) or a text
_STORED_DAY = (str, dt.date, dt.time, dt.timedelta)


def _hidden_columns(worksheet) -> Iterator[int]:
    for key, d in worksheet.column_dimensions.items():
        if d.hidden:
            first = d.min or column_index_from_string(key)
            last = min(d.max or first, 16384)
            yield from range(first, last + 1)


def by_rows(grid: Grid) -> dict:
    """{row: [(col, value), ...]} for the whole grid, built once per grid and shared."""
    return built_once(grid.memo, "rows", lambda: _rows_of(grid.cells))


def _rows_of(cells: dict) -> dict:
    rows: dict = {}
    for (r, c), v in sorted(cells.items()):
        rows.setdefault(r, []).append((c, v))
    return rows


def find_fields(grid: Grid, labels: dict, max_row: Optional[int] = None) -> dict:
    """Label | value pairs anywhere above `max_row`: {key: Field} for the keys of `labels`.

    The value is what follows a colon in the label's own cell ("Unit Kerja : Dinas Kesehatan"),
    else the next non-empty cell to the right that is not a lone colon.
    """
    # `labels` is kept with its result: the id of a table gone could be another's
    _, fields = built_once(grid.memo, ("fields", id(labels), max_row),
                           lambda: (labels, _find_fields(grid, labels, max_row)))
    return dict(fields)


def _find_fields(grid: Grid, labels: dict, max_row: Optional[int]) -> dict:
    found: dict = {}
    rows = by_rows(grid)
    for r in sorted(rows):
        if max_row is not None and r >= max_row:
            break
        cells = rows[r]
        for i, (c, value) in enumerate(cells):
            if not isinstance(value, str):
                continue
            label, inline = norm.split_label_value(value)
            key = norm.match_label(label, labels)
            if key is None or key in found:
                continue
            if inline is not None:
                found[key] = Field(inline, grid.where(r, c))
                continue
            for c2, v2 in cells[i + 1:]:
                if norm.clean_text(v2) in (None, ":"):
                    continue
                if isinstance(v2, str) and v2.strip().startswith(":"):
                    v2 = v2.strip()[1:]
                found[key] = Field(v2, grid.where(r, c2))
                break
            else:
                found[key] = Field(None, grid.where(r, c))
    return found


# --- tables ------------------------------------------------------------------------------------

_END_WORDS = ("jumlah", "total", "keterangan", "catatan", "mengetahui", "ket ")


def is_end_of_table(text: Optional[str]) -> bool:
    """Does a cell in the first columns start what comes after the table (totals, notes)?"""
    key = norm.label_key(text or "")
    return any(key == w.strip() or key.startswith(w) for w in _END_WORDS)


def is_column_numbering(values: list) -> bool:
    """The row of column numbers under a header: "(1) (2) (3)" or 1 2 3 ..."""
    texts = [norm.clean_text(v) for v in values if norm.clean_text(v)]
    if len(texts) < 3:
        return False
    stripped = [t.strip("()") for t in texts]
    return all(s.isdigit() for s in stripped) and [int(s) for s in stripped] == list(
        range(int(stripped[0]), int(stripped[0]) + len(stripped))
    )


@dataclass
class Header:
    """Where a form's table header is: its rows and the column of each named header."""

    row: int
    last_row: int
    columns: dict  # name from normalize.HEADER_LABELS -> column
    criteria: dict  # criterion key -> column, or -> (yes column, no column) in Ya | Tidak layouts


def find_header(grid: Grid) -> Optional[Header]:
    """The first row holding a "Nama SOP" header, with its columns and criteria.

    A second header row directly below (criteria labels under "Kriteria Evaluasi", or Ya | Tidak
    under each criterion) is read too. Found once per grid; callers must not modify the result.
    """
    return built_once(grid.memo, "header", lambda: _find_header(grid, by_rows(grid)))


def _find_header(grid: Grid, rows: dict) -> Optional[Header]:
    """Of the tables on the sheet, the one whose header names the most columns; of equals, the
    first. A header over columns an earlier one spans is that table's (page 2 repeats it, with a
    column more or less: the table's reading says so), so a small table beside the form's
    ("No | Nama SOP | Jumlah") is never its header and rows above a repeated header are never lost."""
    tables: list = []
    # the tables' column spans never overlap, so sorted by first column their last columns are
    # sorted too: one bisection finds the only span that can meet a new header's (a sheet of
    # thousands of one-column headers costs no more than its cells)
    firsts: list = []
    lasts: list = []
    for header in _headers(grid, rows):
        first, last = _span(header)
        i = bisect.bisect_right(firsts, last)
        if i and lasts[i - 1] >= first:
            continue
        firsts.insert(i, first)
        lasts.insert(i, last)
        tables.append(header)
    return max(tables, key=_named, default=None)  # the first of equals


def _span(header: Header) -> tuple:
    cols = [*header.columns.values()]
    cols += [c for spec in header.criteria.values() for c in (spec if isinstance(spec, tuple) else (spec,))]
    return min(cols), max(cols)


def _named(header: Header) -> int:
    return len(header.columns) + len(header.criteria)


def _headers(grid: Grid, rows: dict) -> Iterator[Header]:
    for r in sorted(rows):
        columns = norm.header_columns(rows[r])
        if "title" not in columns:
            continue
        criteria = _criteria_in(rows[r])
        last = r
        yes_no_cols: dict = {}
        # a row below belongs to the header only from the header's first column on: criteria to
        # its left are another table's (a small table beside the form's, its header higher up)
        first = min(c for c, _ in rows[r])
        # Up to two header rows below: the criteria under a group header ("Kriteria Evaluasi"
        # above K1..K7), then Ya | Tidak under each criterion. A row that names an SOP is data.
        for below in (r + 1, r + 2):
            cells = [(c, v) for c, v in rows.get(below, []) if c >= first]
            if any(grid.text(below, columns[name]) for name in ("title", "number") if name in columns):
                break
            sub = _criteria_in(cells)
            marks = {c: kind for c, v in cells if (kind := norm.yes_no_column(v))}
            if len(sub) < 2 and len(marks) < 2:
                break
            criteria.update(sub)
            yes_no_cols.update(marks)
            last = below
        if yes_no_cols:
            criteria = _paired(criteria, yes_no_cols)
        yield Header(r, last, columns, criteria)


def _criteria_in(cells: list) -> dict:
    criteria: dict = {}
    for c, v in cells:
        key = norm.criterion_key(v) if isinstance(v, str) else None
        if key and key not in criteria:
            criteria[key] = c
    return criteria


def _paired(criteria: dict, yes_no_cols: dict) -> dict:
    paired = {}
    for key, col in criteria.items():
        under = {yes_no_cols.get(c): c for c in (col + 1, col)}
        if "y" in under and "t" in under:  # the two columns under the criterion, in either order
            paired[key] = (under["y"], under["t"])
            continue
        yes = next((c for c in (col, col + 1) if yes_no_cols.get(c) == "y"), None)
        no = next((c for c in (col + 1, col + 2) if yes_no_cols.get(c) == "t"), None)
        if yes and no:
            paired[key] = (yes, no)
    return paired


@dataclass
class Record:
    """One SOP as the page shows it: its first row and the rows its title goes on in."""

    rows: list


@dataclass
class TableRows:
    """The SOP records under a header, the last row read, and what a person should check."""

    records: list
    last_row: int
    warnings: list


def table_rows(grid: Grid, header: Header) -> TableRows:
    """The SOP records under `header`, read as a person reads the printed table.

    Rows with a title or SOP number are records; blank rows and the column-numbering row are
    skipped; the header repeated further down (page 2) continues the table; a row that only
    carries more title text, under a record whose other cells are merged down or left empty,
    is that record's title going on. The table ends at a total/notes row or the signature
    block. Hidden rows are not read: one that holds SOP-like content is a warning.
    """
    return built_once(grid.memo, ("table", header.row), lambda: _table_rows(grid, header))


def _table_rows(grid: Grid, header: Header) -> TableRows:
    rows = by_rows(grid)
    cols = header.columns
    title_col, number_col, no_col = cols["title"], cols.get("number"), cols.get("no")
    first_cols = {no_col, title_col, number_col, min(c for c, _ in rows[header.row])}
    answer_cols = _answer_columns(header)
    mark_cols = [c for c in answer_cols if c not in (number_col, no_col)]
    records: list = []
    unknown: list = []
    warnings: list = []
    last = header.last_row
    skip_to = header.last_row
    for r in sorted(rows):
        if r <= header.last_row or (r <= skip_to and not _names_sop(grid, r, title_col, number_col)):
            continue
        cells = rows[r]
        if is_column_numbering([v for _, v in cells]):
            continue
        repeated = norm.header_columns(cells)
        if "title" in repeated:
            # page 2 repeats the whole header (its group label "Kriteria Evaluasi" perhaps not);
            # fewer or other columns are another table
            if _without_group(repeated) != _without_group(cols):
                warnings.append(Warning("tabel_lanjutan_tidak_sejajar",
                                        "Judul tabel diulang dengan susunan kolom yang berbeda; "
                                        "baris sesudahnya tidak dibaca", grid.where(r)))
                break
            skip_to = r + header.last_row - header.row  # page 2's copy of the header rows
            continue
        if any(c in first_cols and isinstance(v, str) and is_end_of_table(v) for c, v in cells):
            break
        title, number = grid.text(r, title_col), grid.text(r, number_col) if number_col else None
        title, number = (None if norm.is_placeholder(t) else t for t in (title, number))
        if title and norm.is_example(title):
            warnings.append(Warning("baris_contoh", f"Baris contoh pengisian ('{title}') bukan SOP; tidak dibaca",
                                    grid.where(r, title_col)))
        elif title or number:
            if records and _goes_on(grid, r, records[-1], header, answer_cols):
                records[-1].rows.append(r)
            else:
                records.append(Record([r]))
            last = r
            warnings.extend(unknown)
            unknown = []
        elif any(isinstance(v, str) and norm.is_place_date_line(v) for _, v in cells):
            break  # "Serang, 14 Mei 2025": the signature block has begun
        elif any(grid.value(r, c) is not None for c in mark_cols):
            # inside the table (an SOP row follows) it is a row nobody can name; after the last
            # SOP it is what comes under the table (a second signature block)
            unknown.append(Warning("baris_tidak_dikenali",
                                   "Baris berisi penilaian tetapi tanpa Nama SOP dan Nomor SOP; baris itu tidak dibaca",
                                   grid.where(r)))
    _warn_hidden_rows(grid, header, warnings)
    _check_numbers(grid, records, no_col, warnings)
    return TableRows(records, last, warnings)


def _without_group(columns: dict) -> dict:
    return {name: c for name, c in columns.items() if name != "criteria_group"}


def _names_sop(grid: Grid, r: int, title_col: int, number_col: Optional[int]) -> bool:
    return bool(grid.text(r, title_col) or (number_col and grid.text(r, number_col)))


def _answer_columns(header: Header) -> list:
    cols = [c for spec in header.criteria.values() for c in (spec if isinstance(spec, tuple) else (spec,))]
    cols += [header.columns[name] for name in ("number", "no", "implementation", "follow_up") if name in header.columns]
    return cols


def _goes_on(grid: Grid, r: int, record: Record, header: Header, answer_cols: list) -> bool:
    """Does row `r` only carry more of the title of `record` (typed over two rows)?

    Yes when it has no number, mark or choice of its own, directly follows the record, and the
    record's "No" is merged down over it or the record has a "No" that this row lacks (whether or
    not the record has answers: a row with no "No" under a numbered title-only SOP is that
    title's second line, never an SOP of its own).
    """
    previous = record.rows[-1]
    if r != previous + 1 or any(grid.value(r, c) is not None for c in answer_cols):
        return False
    no_col = header.columns.get("no")
    anchor = [c for c in (no_col, header.columns.get("number")) if c is not None]
    if any(grid.merged_from_above(r, c) for c in anchor):
        return True
    return no_col is not None and grid.value(record.rows[0], no_col) is not None


def _warn_hidden_rows(grid: Grid, header: Header, warnings: list) -> None:
    cols = {header.columns["title"], header.columns.get("number")}
    for r in sorted(grid.hidden_rows):
        if header.last_row < r and any(
                norm.clean_text(grid.hidden_cells.get((r, c))) for c in cols if c is not None):
            warnings.append(Warning("baris_tersembunyi",
                                    f"Baris {r} tersembunyi dan berisi data SOP; baris itu tidak dibaca",
                                    grid.where(r)))


def _check_numbers(grid: Grid, records: list, no_col: Optional[int], warnings: list) -> None:
    """The "No" column checks the table was read whole: a gap or a repeat is a warning."""
    if no_col is None:
        return
    previous = None
    for record in records:
        value = grid.value(record.rows[0], no_col)
        number = norm.row_number(value)
        if number is None:
            previous = None
            continue
        if previous is not None and number != previous + 1:
            what = "berulang" if number <= previous else "melompat"
            warnings.append(Warning("nomor_tidak_berurutan",
                                    f"Nomor urut {what}: {previous} lalu {number}",
                                    grid.where(record.rows[0], no_col)))
        previous = number


def lines_below(grid: Grid, after_row: int) -> list:
    """Text lines below a table for `signature_block`, from the column that holds the
    place-and-date line (else the NIP line), so side-by-side signature blocks do not interleave."""
    by_col: dict = {}
    for (r, c), v in sorted(grid.cells.items()):
        if r > after_row and norm.clean_text(v):
            value = v if _is_nip_line(v) and not isinstance(v, str) else norm.clean_text(v)
            by_col.setdefault(c, []).append((value, grid.where(r, c)))
    is_date_line = lambda t: isinstance(t, str) and norm.is_place_date_line(t)  # noqa: E731
    for test in (is_date_line, _is_nip_line):
        for c in sorted(by_col, reverse=True):
            if any(test(t) for t, _ in by_col[c]):
                return by_col[c]
    return []


def empty_cell_warning(grid: Grid, row: int, col: int, code: str, what: str) -> Warning:
    """`code` ("<what> tidak diisi") for an empty cell, or `rumus_tanpa_nilai` when the cell holds a
    formula whose result the file does not store: the agency did fill it in."""
    if (row, col) in grid.formulas_without_value:
        return Warning("rumus_tanpa_nilai", f"{what} berisi rumus yang nilainya tidak tersimpan di berkas; buka "
                       "berkas di Excel, simpan ulang, lalu kirim kembali", grid.where(row, col))
    return Warning(code, f"{what} tidak diisi", grid.where(row, col))


def read_criteria(grid: Grid, row: int, criteria: dict, warnings: list, where_prefix: str = "") -> dict:
    """The seven answers of one SOP row; every unanswered or unreadable one is None plus a warning."""
    from sopdoc.vocabulary import CRITERIA, CRITERIA_LABELS

    answers = {}
    for key in CRITERIA:
        spec = criteria.get(key)
        label = CRITERIA_LABELS[key]
        if spec is None:
            value = None
            warnings.append(Warning("kriteria_tidak_ditemukan",
                                    f"Kriteria '{label}' tidak ditemukan pada formulir", grid.where(row)))
        elif isinstance(spec, tuple):
            yes_col, no_col = spec
            where = f"{grid.where(row, yes_col)}:{grid.where(row, no_col).split('!')[1]}"

            def marked(column: bool, row=row, cols=spec) -> bool:
                at = grid.shown(row, cols[0] if column else cols[1])
                return norm.is_marked(grid.value(*at), grid.font(*at), column=column)

            value = mark_pair_answer(marked, label, where, warnings)
        else:
            where = grid.where(row, spec)
            try:
                value = norm.yes_no(grid.value(row, spec), grid.font(row, spec))
            except norm.Unreadable as e:
                value = None
                warn(warnings, e, where, f"Kriteria '{label}'")
            else:
                if value is None:
                    warnings.append(Warning("kriteria_kosong", f"Kriteria '{label}' tidak diisi", where))
        answers[key] = value
    return answers


def read_choice(grid: Grid, row: int, col: Optional[int], words: dict, warnings: list, what: str):
    """One Baik/Tidak Baik or follow-up cell; unreadable text is None plus a warning."""
    if col is None:
        return None
    try:
        return norm.choice(grid.value(row, col), words)
    except norm.Unreadable as e:
        warn(warnings, e, grid.where(row, col), what)
        return None


def read_text(grid: Grid, rows: list, col: Optional[int], warnings: list, what: str) -> Optional[str]:
    """A text cell (a title, an SOP number, a note), joined over the rows a record spans.

    A date, a time or a true/false where text belongs is not text anyone typed as such: None
    plus a warning.
    """
    if col is None:
        return None
    parts = []
    for r in rows:
        value = grid.value(r, col)
        if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
            warnings.append(Warning("nilai_tidak_terbaca", f"{what}: isian {value!s} bukan teks", grid.where(r, col)))
            return None
        text = norm.clean_text(value)
        if text and not norm.is_placeholder(text):  # "-" for no number, no note: nothing
            parts.append(text)
    return " ".join(parts) or None


def read_sops(grid: Grid, header: Header, warnings: list) -> list:
    """Every SOP record under `header` as a `SopRow`, numbered 1.. in form order."""
    from sopdoc.model import SopRow

    table = table_rows(grid, header)
    warnings.extend(table.warnings)
    sops = []
    cols = header.columns
    for position, record in enumerate(table.records, start=1):
        r = record.rows[0]
        title = read_text(grid, record.rows, cols["title"], warnings, "Nama SOP")
        number = read_text(grid, record.rows[:1], cols.get("number"), warnings, "Nomor SOP")
        if title is None and grid.value(r, cols["title"]) is None:
            warnings.append(empty_cell_warning(grid, r, cols["title"], "judul_kosong", "Nama SOP"))
        sops.append(SopRow(
            row=position,
            number=number,
            title=title,
            criteria=read_criteria(grid, r, header.criteria, warnings),
            implementation=read_choice(grid, r, cols.get("implementation"), IMPLEMENTATION_WORDS,
                                       warnings, "Penilaian penerapan"),
            notes=read_text(grid, record.rows, cols.get("notes"), warnings, "Catatan"),
            follow_up=read_choice(grid, r, cols.get("follow_up"), FOLLOW_UP_WORDS, warnings,
                                  "Tindak lanjut"),
        ))
    return sops


# --- what a one-sheet Excel parser needs ------------------------------------------------------

@dataclass
class Layout:
    grid: Grid
    rows: dict
    header: Header
    score: float
    missing: list


def best_layout(document, checks: Callable) -> Optional[Layout]:
    """The sheet whose table header passes most of `checks(grid, rows, header)` -> {what: bool}."""
    best = None
    for grid in grids(document):
        rows = by_rows(grid)
        header = find_header(grid)
        if header is None:
            continue
        results = checks(grid, rows, header)
        score = sum(results.values()) / len(results)
        if best is None or score > best.score:
            best = Layout(grid, rows, header, score, [what for what, ok in results.items() if not ok])
    return best


def recognition(parser: str, layout: Optional[Layout]) -> Recognition:
    if layout is None:
        return Recognition(parser, 0.0, "tidak ada tabel dengan kolom Nama SOP")
    reason = f"tidak ditemukan: {', '.join(layout.missing)}" if layout.missing else None
    return Recognition(parser, layout.score, reason)


def parse_one_sheet(layout: Layout, document=None):
    """A form on one sheet: label fields above the table, SOP rows, signature block below.

    With `document`, the table's continuation and copies on other visible sheets are read too
    (`read_form_sops`).
    """
    from sopdoc.model import ParsedForm

    grid, header = layout.grid, layout.header
    warnings: list = []
    fields = find_fields(grid, norm.IDENTITY_LABELS, max_row=header.row)
    copies: list = []
    if document is not None:
        sops = read_form_sops(document, grid, header, warnings, copies)
    else:
        sops = read_sops(grid, header, warnings)
    block: SignatureBlock = signature_block(lines_below(grid, table_rows(grid, header).last_row))
    for copy, copy_header in copies:
        fields = agreed([fields, find_fields(copy, norm.IDENTITY_LABELS, max_row=copy_header.row)], warnings)
        other = signature_block(lines_below(copy, table_rows(copy, copy_header).last_row))
        block = _agreed_block(block, other, copy.title, warnings)
    return ParsedForm(sops=sops, **read_identity(fields, block, warnings))


def agreed(copies: list, warnings: list) -> dict:
    """One {key: Field} from the label fields of several copies of the form: what they all say,
    and None plus a warning for a field on which they disagree."""
    merged: dict = {}
    for fields in copies:
        for key, field in fields.items():
            if key not in merged:
                merged[key] = field
            elif _said(merged[key].value) != _said(field.value):
                warnings.append(Warning("salinan_berbeda",
                                        f"Isian '{key}' berbeda antara salinan formulir ({merged[key].where} dan "
                                        f"{field.where}); isian dikosongkan", merged[key].where))
                merged[key] = Field(None, merged[key].where)
    return merged


def _said(value):
    if isinstance(value, (dt.date, dt.datetime)) or isinstance(value, (int, float)):
        return value
    try:
        return norm.parse_date(value) or norm.clean_text(value)
    except norm.Unreadable:
        return norm.clean_text(value)


def _agreed_block(block: SignatureBlock, other: SignatureBlock, other_title: str, warnings: list) -> SignatureBlock:
    differs = [name for name in ("place_date", "position", "name", "nip")
               if norm.clean_text(getattr(block, name)) != norm.clean_text(getattr(other, name))]
    if not differs:
        return block
    warnings.append(Warning("salinan_berbeda",
                            f"Blok tanda tangan berbeda dengan salinan di lembar '{other_title}'; isian yang berbeda "
                            "dikosongkan", block.place_date_where or block.nip_where))
    return replace(block, **{name: None for name in differs})


# --- the table on other sheets: continuations and copies ----------------------------------------

def read_form_sops(document, grid: Grid, header: Header, warnings: list, copies: Optional[list] = None) -> list:
    """The SOPs of the table on `grid`, with the same table on the other visible sheets.

    A sheet whose "No" goes on from where this one ends (a sheet named "Lanjutan") continues the
    table. A copy of the sheet (made before editing) that says the same is read once; where a copy
    disagrees, the value is None plus a warning. A sheet with the same table that is neither is
    not read, with a warning: which one is meant is not for sopdoc to guess.
    """
    sops = read_sops(grid, header, warnings)
    own = find_header(grid)
    for other in grids(document):
        other_header = find_header(other) if other is not grid else None
        if other_header is None or not _same_columns(own, other_header):
            continue
        other_warnings: list = []
        more = read_sops(other, replace(header, row=other_header.row, last_row=other_header.last_row),
                         other_warnings)
        if not more:
            continue
        first_no, last_no = _first_no(other, other_header), _last_no(grid, own)
        if _facts(more) == _facts(sops):
            if copies is not None:
                copies.append((other, other_header))
            continue
        if first_no is not None and last_no is not None and first_no == last_no + 1:
            warnings.extend(other_warnings)
            sops.extend(replace(sop, row=len(sops) + 1) for sop in more)
        elif first_no is not None and first_no == _first_no(grid, own) and len(more) == len(sops):
            warnings.extend(other_warnings)
            sops = _reconcile(sops, more, grid.title, other.title, warnings)
            if copies is not None:
                copies.append((other, other_header))
        else:
            warnings.append(Warning(
                "lembar_tidak_dibaca",
                f"Lembar '{other.title}' memuat tabel SOP yang sama tetapi bukan lanjutan yang urut "
                f"maupun salinan lembar '{grid.title}'; lembar itu tidak dibaca",
                other.where(other_header.row)))
    return sops


def _same_columns(a: Header, b: Header) -> bool:
    return a.columns == b.columns and sorted(map(str, a.criteria.values())) == sorted(map(str, b.criteria.values()))


def _first_no(grid: Grid, header: Header) -> Optional[int]:
    records = table_rows(grid, header).records
    no_col = header.columns.get("no")
    return norm.row_number(grid.value(records[0].rows[0], no_col)) if records and no_col else None


def _last_no(grid: Grid, header: Header) -> Optional[int]:
    records = table_rows(grid, header).records
    no_col = header.columns.get("no")
    return norm.row_number(grid.value(records[-1].rows[0], no_col)) if records and no_col else None


def _facts(sops: list) -> list:
    return [replace(sop, row=0) for sop in sops]


def _reconcile(sops: list, copies: list, title: str, other_title: str, warnings: list) -> list:
    """Two copies of the same rows: what both say is kept, what they disagree on is None."""
    from sopdoc.vocabulary import CRITERIA

    merged = []
    for sop, copy in zip(sops, copies):
        differs = []
        values = {}
        for name in ("number", "title", "implementation", "notes", "follow_up"):
            mine, theirs = getattr(sop, name), getattr(copy, name)
            values[name] = mine if mine == theirs else None
            if mine != theirs:
                differs.append(name)
        criteria = sop.criteria
        if sop.criteria != copy.criteria:
            ours, theirs = sop.criteria or {}, copy.criteria or {}
            criteria = {key: ours.get(key) if ours.get(key) == theirs.get(key) else None for key in CRITERIA}
            differs.append("criteria")
        if differs:
            warnings.append(Warning(
                "salinan_berbeda",
                f"SOP nomor {sop.row} berbeda antara lembar '{title}' dan '{other_title}' "
                f"({', '.join(_FIELD_NAMES[d] for d in differs)}); isian yang berbeda dikosongkan",
                f"{title}!{sop.row}"))
        merged.append(replace(sop, criteria=criteria, **values))
    return merged


_FIELD_NAMES = {"number": "Nomor SOP", "title": "Nama SOP", "implementation": "Penilaian",
                "notes": "Catatan", "follow_up": "Tindak Lanjut", "criteria": "kriteria"}
