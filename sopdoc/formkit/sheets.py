"""Reading Excel forms by their labels and headers: the helpers the host gives Excel parsers.

A `Grid` is a sparse, read-only view of one worksheet. It reads the sheet's stored cells only,
so a hostile file that declares a cell at XFD1048576 costs one cell, not the whole rectangle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from openpyxl.utils import get_column_letter

from sopdoc.formkit import normalize as norm
# What Excel and Word parsers share lives in sopdoc.formkit.fields. Its public names are re-exported here
# for plugins that still import them from sopdoc.formkit.sheets (`sheets.Field`, `sheets.read_identity`).
from sopdoc.formkit.fields import Field, SignatureBlock, _is_nip_line, read_identity, signature_block, warn
from sopdoc.model import Warning


_UNSET = object()


class Grid:
    """Values of one worksheet by (row, column), 1-based, with cell addresses for warnings."""

    def __init__(self, worksheet):
        self.title = worksheet.title
        self._ws = worksheet
        # openpyxl keeps a worksheet's stored cells in `_cells`; iterating the public
        # iter_rows() would create every cell of the declared rectangle.
        self.cells = {key: cell.value for key, cell in worksheet._cells.items() if cell.value is not None}
        self._by_rows = None
        self._header = _UNSET
        self._fields: dict = {}

    def value(self, row: int, col: int):
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> Optional[str]:
        return norm.clean_text(self.cells.get((row, col)))

    def font(self, row: int, col: int) -> Optional[str]:
        cell = self._ws._cells.get((row, col))
        return cell.font.name if cell is not None and cell.font is not None else None

    def where(self, row: int, col: int) -> str:
        return f"{self.title}!{get_column_letter(col)}{row}"

    def find(self, predicate: Callable[[str], bool]) -> Iterator[tuple]:
        """(row, col) of every text cell whose `label_key` satisfies `predicate`, in reading order."""
        for (r, c) in sorted(self.cells):
            value = self.cells[(r, c)]
            if isinstance(value, str) and predicate(norm.label_key(value)):
                yield r, c


def by_rows(grid: Grid) -> dict:
    """{row: [(col, value), ...]} for the whole grid, built once per grid and shared."""
    if grid._by_rows is None:
        rows: dict = {}
        for (r, c), v in sorted(grid.cells.items()):
            rows.setdefault(r, []).append((c, v))
        grid._by_rows = rows
    return grid._by_rows


def find_fields(grid: Grid, labels: dict, max_row: Optional[int] = None) -> dict:
    """Label | value pairs anywhere above `max_row`: {key: Field} for the keys of `labels`.

    The value is what follows a colon in the label's own cell ("Unit Kerja : Dinas Kesehatan"),
    else the next non-empty cell to the right that is not a lone colon.
    """
    key = (id(labels), max_row)
    if key not in grid._fields:
        grid._fields[key] = (labels, _find_fields(grid, labels, max_row))
    return dict(grid._fields[key][1])


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


def find_header(grid: Grid, rows: Optional[dict] = None) -> Optional[Header]:
    """The first row holding a "Nama SOP" header, with its columns and criteria.

    A second header row directly below (criteria labels under "Kriteria Evaluasi", or Ya | Tidak
    under each criterion) is read too. Found once per grid; callers must not modify the result.
    """
    if grid._header is _UNSET:
        grid._header = _find_header(grid, by_rows(grid))
    return grid._header


def _find_header(grid: Grid, rows: dict) -> Optional[Header]:
    for r in sorted(rows):
        columns = {}
        for c, v in rows[r]:
            name = norm.match_label(v, norm.HEADER_LABELS) if isinstance(v, str) else None
            if name and name not in columns:
                columns[name] = c
        if "title" not in columns:
            continue
        criteria: dict = {}
        for c, v in rows[r]:
            key = norm.criterion_key(v)
            if key and key not in criteria:
                criteria[key] = c
        last = r
        below = rows.get(r + 1, [])
        sub_criteria = {}
        yes_no_cols = {}
        for c, v in below:
            key = norm.criterion_key(v)
            if key and key not in sub_criteria:
                sub_criteria[key] = c
            mark = norm.label_key(v) if isinstance(v, str) else ""
            if mark in ("ya", "tidak", "y", "t"):
                yes_no_cols[c] = mark[0]
        if sub_criteria:
            criteria.update(sub_criteria)
            last = r + 1
        if yes_no_cols:
            last = r + 1
            paired = {}
            for key, col in criteria.items():
                yes = next((c for c in (col, col + 1) if yes_no_cols.get(c) == "y"), None)
                no = next((c for c in (col + 1, col + 2) if yes_no_cols.get(c) == "t"), None)
                if yes and no:
                    paired[key] = (yes, no)
            criteria = paired
        return Header(r, last, columns, criteria)
    return None


def data_rows(grid: Grid, header: Header, rows: Optional[dict] = None) -> list:
    """Row numbers of the SOP rows under `header`: rows with a title or SOP number, skipping
    blank rows and the column-numbering row, ending at a total/notes row or the signature block."""
    rows = rows or by_rows(grid)
    title_col = header.columns["title"]
    number_col = header.columns.get("number")
    first_cols = {header.columns.get("no"), title_col, number_col, min(c for c, _ in rows[header.row])}
    found = []
    for r in sorted(rows):
        if r <= header.last_row:
            continue
        cells = rows[r]
        if is_column_numbering([v for _, v in cells]):
            continue
        if any(c in first_cols and isinstance(v, str) and is_end_of_table(v) for c, v in cells):
            break
        title, number = grid.text(r, title_col), grid.text(r, number_col) if number_col else None
        if title or number:
            found.append(r)
        elif any(isinstance(v, str) and "," in v and norm.date_at_end(v) for _, v in cells):
            break  # "Serang, 14 Mei 2025": the signature block has begun
    return found


def lines_below(grid: Grid, after_row: int) -> list:
    """Text lines below a table for `signature_block`, from the column that holds the
    place-and-date line (else the NIP line), so side-by-side signature blocks do not interleave."""
    by_col: dict = {}
    for (r, c), v in sorted(grid.cells.items()):
        if r > after_row and norm.clean_text(v):
            value = v if _is_nip_line(v) and not isinstance(v, str) else norm.clean_text(v)
            by_col.setdefault(c, []).append((value, grid.where(r, c)))
    is_date_line = lambda t: isinstance(t, str) and "," in t and norm.date_at_end(t)  # noqa: E731
    for test in (is_date_line, _is_nip_line):
        for c in sorted(by_col, reverse=True):
            if any(test(t) for t, _ in by_col[c]):
                return by_col[c]
    return []


def read_criteria(grid: Grid, row: int, criteria: dict, warnings: list, where_prefix: str = "") -> dict:
    """The seven answers of one SOP row; every unanswered or unreadable one is None plus a warning."""
    from sopdoc.model import CRITERIA, CRITERIA_LABELS

    answers = {}
    for key in CRITERIA:
        spec = criteria.get(key)
        label = CRITERIA_LABELS[key]
        if isinstance(spec, tuple):
            yes_col, no_col = spec
            value, problem = norm.two_column_answer(
                norm.is_marked(grid.value(row, yes_col), grid.font(row, yes_col)),
                norm.is_marked(grid.value(row, no_col), grid.font(row, no_col)),
            )
            where = f"{grid.where(row, yes_col)}:{grid.where(row, no_col).split('!')[1]}"
            if problem == "ganda":
                warnings.append(Warning("kriteria_ganda", f"Kriteria '{label}' ditandai Ya dan Tidak sekaligus", where))
            elif problem == "kosong":
                warnings.append(Warning("kriteria_kosong", f"Kriteria '{label}' tidak diisi", where))
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


def read_sops(grid: Grid, header: Header, warnings: list, rows: Optional[dict] = None) -> list:
    """Every SOP row under `header` as a `SopRow`, numbered 1.. in form order."""
    from sopdoc.model import SopRow

    sops = []
    cols = header.columns
    for position, r in enumerate(data_rows(grid, header, rows), start=1):
        title = grid.text(r, cols["title"])
        number = grid.text(r, cols["number"]) if "number" in cols else None
        if title is None:
            warnings.append(Warning("judul_kosong", "Nama SOP tidak diisi", grid.where(r, cols["title"])))
        sops.append(SopRow(
            row=position,
            number=number,
            title=title,
            criteria=read_criteria(grid, r, header.criteria, warnings),
            implementation=read_choice(grid, r, cols.get("implementation"), norm.IMPLEMENTATION_WORDS,
                                       warnings, "Penilaian penerapan"),
            notes=grid.text(r, cols["notes"]) if "notes" in cols else None,
            follow_up=read_choice(grid, r, cols.get("follow_up"), norm.FOLLOW_UP_WORDS, warnings,
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
    for grid in document.grids():
        rows = by_rows(grid)
        header = find_header(grid, rows)
        if header is None:
            continue
        results = checks(grid, rows, header)
        score = sum(results.values()) / len(results)
        if best is None or score > best.score:
            best = Layout(grid, rows, header, score, [what for what, ok in results.items() if not ok])
    return best


def recognition(parser: str, layout: Optional[Layout]):
    from sopdoc.formkit.document import Recognition

    if layout is None:
        return Recognition(parser, 0.0, "tidak ada tabel dengan kolom Nama SOP")
    reason = f"tidak ditemukan: {', '.join(layout.missing)}" if layout.missing else None
    return Recognition(parser, layout.score, reason)


def parse_one_sheet(layout: Layout):
    """A form on one sheet: label fields above the table, SOP rows, signature block below."""
    from sopdoc.model import ParsedForm

    grid, rows, header = layout.grid, layout.rows, layout.header
    warnings: list = []
    fields = find_fields(grid, norm.IDENTITY_LABELS, max_row=header.row)
    sops = read_sops(grid, header, warnings, rows)
    data_end = max(data_rows(grid, header, rows), default=header.last_row)
    block: SignatureBlock = signature_block(lines_below(grid, data_end))
    return ParsedForm(sops=sops, **read_identity(fields, block, warnings))
