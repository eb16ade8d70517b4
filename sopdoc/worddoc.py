"""Reading Word forms by their labels and headers: the helpers the host gives Word parsers.

`blocks(docx_document)` walks the body once, in reading order, into `Paragraph`s and `Table`s of
plain text. It reads the XML itself: python-docx's `table.cell()` / `row.cells` rebuild the whole
grid on every call (quadratic in the table's size), and its `.text` misses content controls and
symbols. Tables are laid out on their grid: a cell that spans columns (`gridSpan`) or continues a
vertical merge (`vMerge`) sits under every grid column it covers, so a Ya | Tidak sub-header lines
up with the answer cells below it. Everything here is pure: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Union

from . import normalize as norm
from .document import Recognition
from .model import CRITERIA_LABELS, Warning
from .sheets import Field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# The characters a symbol or a check box is written as, whatever glyph the file shows.
CHECK, CROSS, BOX, TICKED_BOX = "\u2713", "\u2717", "\u2610", "\u2612"
_MEANING_CHARS = {"check": CHECK, "cross": CROSS, "box": BOX}

# Word has at most 63 columns; a larger span is a hostile file, not a wider table.
_MAX_SPAN = 63

# Parts of a paragraph that are not its visible text: properties, deleted revisions, the
# fallback copy of a drawing (its text would be read twice), floating text boxes.
_SKIP = {
    W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "sdtPr", W + "sdtEndPr",
    W + "txbxContent", MC + "Fallback", W + "fldData",
}
# Containers that only wrap the element they hold (content controls, custom XML, smart tags).
_WRAPPERS = {W + "sdt", W + "customXml", W + "smartTag", W + "ins", W + "moveTo"}


@dataclass(frozen=True)
class Cell:
    """One table cell. `text` is cleaned ("" when blank); `lines` its paragraphs.

    `marked` is True/False when the cell holds check box content controls (ticked or not, read
    from `w14:checked`, never from the glyph), None when only the text can say (`is_marked`).
    `col`/`span` are its first grid column (0-based) and width; `row` the row it starts in.
    """

    text: str
    where: str
    marked: Optional[bool] = None
    font: Optional[str] = None
    lines: tuple = ()
    row: int = 0
    col: int = 0
    span: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str
    index: int  # 1-based among the body's paragraphs


@dataclass
class Table:
    """`rows[r][c]` is the cell covering grid column c (0-based) of row r (0-based)."""

    index: int  # 1-based among the body's tables
    rows: list = field(default_factory=list)

    def where(self, row: int, col: Optional[int] = None, last_col: Optional[int] = None) -> str:
        """"tabel 2 baris 3 kolom 4" from 0-based row and grid columns ("kolom 3-4" for a range)."""
        text = f"tabel {self.index} baris {row + 1}"
        if col is None:
            return text
        cols = f"{col + 1}" if last_col is None or last_col == col else f"{col + 1}-{last_col + 1}"
        return f"{text} kolom {cols}"

    def cell(self, row: int, col: Optional[int]) -> Cell:
        """The cell at (row, grid column), or an empty cell when there is none."""
        cells = self.rows[row] if 0 <= row < len(self.rows) else []
        if col is not None and 0 <= col < len(cells):
            return cells[col]
        return Cell("", self.where(row, col), row=row, col=col or 0)

    def distinct(self, row: int) -> list:
        """The cells that start in `row`, left to right: each spanning cell once, no
        continuations of a vertical merge."""
        cells = self.rows[row] if 0 <= row < len(self.rows) else []
        return [c for i, c in enumerate(cells) if c.col == i and c.row == row]


Block = Union[Paragraph, Table]


# --- walking the XML ---------------------------------------------------------------------------

# The last document walked: the host asks every Word parser to recognise, then one to parse,
# all on the same document. One entry, so nothing accumulates across a batch.
_last: tuple = (None, None)


def blocks(document) -> list:
    """The body of a python-docx `Document` as Paragraphs and Tables, in reading order.

    Block-level content controls and custom XML are looked through; a table nested in a cell
    becomes part of that cell's text. The result is shared between callers: read it, never
    change it.
    """
    global _last
    if _last[0] is document:
        return _last[1]
    found = _walk_body(document)
    _last = (document, found)
    return found


def _walk_body(document) -> list:
    found: list = []
    counts = {"p": 0, "tbl": 0}
    for el in _children(document.element.body, {W + "p", W + "tbl"}):
        if el.tag == W + "p":
            counts["p"] += 1
            text, _, _ = _paragraph_text(el)
            found.append(Paragraph(text, f"paragraf {counts['p']}", counts["p"]))
        else:
            counts["tbl"] += 1
            found.append(_table(el, counts["tbl"]))
    return found


def _children(parent, tags: set) -> Iterator:
    """Children of `parent` with one of `tags`, looking through content controls and wrappers."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _children(content, tags)


def _table(tbl, index: int) -> Table:
    table = Table(index)
    for r, tr in enumerate(_children(tbl, {W + "tr"})):
        row: list = []
        before = _int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        for c in range(before):
            row.append(Cell("", table.where(r, c), row=r, col=c))
        for tc in _children(tr, {W + "tc"}):
            col = len(row)
            span = _int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1)
            above = _merged_from(table, r, col, tc)
            cell = above if above is not None else _cell(tc, table, r, col, span)
            row.extend([cell] * span)
        table.rows.append(row)
    return table


def _int_val(el, default: int) -> int:
    """A `w:val` count, clamped to what a real table can have."""
    if el is None:
        return default
    try:
        return max(default, min(int(el.get(W + "val")), _MAX_SPAN))
    except (TypeError, ValueError):
        return default


def _merged_from(table: Table, r: int, col: int, tc) -> Optional[Cell]:
    """The cell above that `tc` continues (a `w:vMerge` without "restart"), else None."""
    merge = tc.find(f"{W}tcPr/{W}vMerge")
    if merge is None or merge.get(W + "val") == "restart" or r == 0:
        return None
    above = table.rows[r - 1]
    return above[col] if col < len(above) else None


def _cell(tc, table: Table, r: int, col: int, span: int) -> Cell:
    lines, boxes, fonts = [], [], []
    _cell_content(tc, lines, boxes, fonts)
    return Cell(
        text=" ".join(lines),
        where=table.where(r, col),
        marked=any(boxes) if boxes else None,
        font=fonts[0] if fonts else None,
        lines=tuple(lines),
        row=r,
        col=col,
        span=span,
    )


def _cell_content(parent, lines: list, boxes: list, fonts: list) -> None:
    for el in _children(parent, {W + "p", W + "tbl"}):
        if el.tag == W + "p":
            text, p_boxes, p_fonts = _paragraph_text(el)
            if text:
                lines.append(text)
            boxes.extend(p_boxes)
            fonts.extend(p_fonts)
        else:
            for tr in _children(el, {W + "tr"}):
                for tc in _children(tr, {W + "tc"}):
                    _cell_content(tc, lines, boxes, fonts)


class _Text:
    """What a walk over one paragraph collects."""

    def __init__(self):
        self.parts: list = []
        self.boxes: list = []  # True/False per check box met
        self.fonts: list = []  # fonts of runs with visible text


def _paragraph_text(p) -> tuple:
    """(cleaned text, [check box states], [fonts]) of one `w:p`."""
    out = _Text()
    _walk(p, out, None)
    return norm.clean_text("".join(out.parts)) or "", out.boxes, out.fonts


def _walk(el, out: _Text, font: Optional[str]) -> None:
    for child in el:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == W + "r":
            _walk(child, out, _run_font(child) or font)
        elif tag == W + "t":
            _add_text(child.text or "", out, font)
        elif tag in (W + "tab", W + "br", W + "cr", W + "ptab"):
            out.parts.append(" ")
        elif tag == W + "noBreakHyphen":
            out.parts.append("-")
        elif tag == W + "sym":
            _add_symbol(child, out)
        elif tag == W + "fldChar":
            _add_legacy_checkbox(child, out)
        elif tag == W + "sdt":
            _add_content_control(child, out, font)
        else:
            _walk(child, out, font)


def _run_font(r) -> Optional[str]:
    fonts = r.find(f"{W}rPr/{W}rFonts")
    if fonts is None:
        return None
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        if fonts.get(W + attr):
            return fonts.get(W + attr)
    return None


def _add_text(text: str, out: _Text, font: Optional[str]) -> None:
    """Characters typed in a symbol font (Wingdings "ü") become the mark they show."""
    if font and text.strip():
        out.fonts.append(font)
        text = "".join(_MEANING_CHARS.get(norm.symbol_meaning(ch, font), ch) for ch in text)
    out.parts.append(text)


def _add_symbol(sym, out: _Text) -> None:
    """A `w:sym` (Insert > Symbol): the character is a hex code point in the symbol font."""
    font = sym.get(W + "font")
    try:
        char = chr(int(sym.get(W + "char") or "", 16))
    except (ValueError, OverflowError):
        return
    out.parts.append(_MEANING_CHARS.get(norm.symbol_meaning(char, font), char))


def _add_box(checked: bool, out: _Text) -> None:
    out.boxes.append(checked)
    out.parts.append(f" {TICKED_BOX if checked else BOX} ")


def _on(el, attr: str) -> bool:
    """An OOXML on/off property: present with no value, or "1"/"true"/"on", means on."""
    value = el.get(attr)
    return value is None or value.lower() in ("1", "true", "on")


def _add_content_control(sdt, out: _Text, font: Optional[str]) -> None:
    """A check box control counts by `w14:checked`; a control still showing its placeholder
    ("Klik di sini untuk memasukkan teks") holds nothing."""
    props = sdt.find(W + "sdtPr")
    box = props.find(W14 + "checkbox") if props is not None else None
    if box is not None:
        checked = box.find(W14 + "checked")
        _add_box(checked is not None and _on(checked, W14 + "val"), out)
        return
    if props is not None and props.find(W + "showingPlcHdr") is not None:
        return
    content = sdt.find(W + "sdtContent")
    if content is not None:
        _walk(content, out, font)


def _add_legacy_checkbox(fld_char, out: _Text) -> None:
    """A legacy form-field check box (FORMCHECKBOX): `w:checked`, else its `w:default`."""
    box = fld_char.find(f"{W}ffData/{W}checkBox")
    if box is None:
        return
    state = box.find(W + "checked")
    if state is None:
        state = box.find(W + "default")
    _add_box(state is not None and _on(state, W + "val"), out)


# --- what a Word parser needs ------------------------------------------------------------------

def is_marked(cell: Cell) -> bool:
    """Does a Ya or Tidak cell hold a mark? Check box controls decide when there are any."""
    if cell.marked is not None:
        return cell.marked
    return norm.is_marked(cell.text, cell.font)


def read_pair(yes: Cell, no: Cell, key: str, where: str, warnings: list) -> Optional[bool]:
    """One criterion over Ya | Tidak cells; both or neither marked is None plus a warning
    (codes and messages as `sheets.read_criteria`)."""
    label = CRITERIA_LABELS[key]
    value, problem = norm.two_column_answer(is_marked(yes), is_marked(no))
    if problem == "ganda":
        warnings.append(Warning("kriteria_ganda", f"Kriteria '{label}' ditandai Ya dan Tidak sekaligus", where))
    elif problem == "kosong":
        warnings.append(Warning("kriteria_kosong", f"Kriteria '{label}' tidak diisi", where))
    return value


def missing_criterion(key: str, where: Optional[str], warnings: list) -> None:
    warnings.append(Warning("kriteria_tidak_ditemukan",
                            f"Kriteria '{CRITERIA_LABELS[key]}' tidak ditemukan pada formulir", where))


def read_choice(cell: Cell, words: dict, warnings: list, what: str):
    """One Baik/Tidak Baik or follow-up value; unreadable text is None plus a warning."""
    try:
        return norm.choice(cell.text, words)
    except norm.Unreadable as e:
        warnings.append(Warning(e.code, f"{what}: {e.message}", cell.where))
        return None


_NUMBERING = re.compile(r"^\s*\(?\d{1,3}\s*[.)]\s*")


def match_label(text: str, labels: dict) -> Optional[str]:
    """`normalize.match_label`, also for a numbered label ("1. Nama SOP")."""
    return norm.match_label(text, labels) or norm.match_label(_NUMBERING.sub("", text or ""), labels)


def labelled(block: Block, labels: dict) -> list:
    """[(key, Field)] for every label of `labels` in a block, in reading order.

    A paragraph needs a colon ("Nama OPD : Dinas Kesehatan"). In a table row the value is what
    follows a colon in the label's own cell, else the next cell that is not a lone colon; a label
    with nothing after it gives a Field whose value is None.
    """
    if isinstance(block, Paragraph):
        label, value = norm.split_label_value(block.text)
        if value is None and ":" not in block.text:
            return []
        key = match_label(label, labels)
        return [(key, Field(value, block.where))] if key else []
    found = []
    for r in range(len(block.rows)):
        cells = [c for c in block.distinct(r) if c.text]
        for i, cell in enumerate(cells):
            label, inline = norm.split_label_value(cell.text)
            key = match_label(label, labels)
            if key is None:
                continue
            if inline is not None:
                found.append((key, Field(inline, cell.where)))
                continue
            value = next((c for c in cells[i + 1:] if c.text != ":"), None)
            if value is not None and match_label(norm.split_label_value(value.text)[0], labels):
                value = None  # the label's own value is blank; this is the next label
            if value is None:
                found.append((key, Field(None, cell.where)))
            else:
                found.append((key, Field(norm.clean_text(value.text.lstrip(": ")), value.where)))
    return found


def find_fields(found_blocks: Iterable, labels: dict) -> dict:
    """{key: Field} for the first occurrence of each label of `labels` in these blocks."""
    fields: dict = {}
    for block in found_blocks:
        for key, value in labelled(block, labels):
            fields.setdefault(key, value)
    return fields


def text_lines(found_blocks: Iterable) -> list:
    """[(text, where)] of non-empty paragraphs and table cells, for `sheets.signature_block`.

    A signature laid out in a borderless table often has two blocks side by side; only the
    column holding the place-and-date line (else the NIP line) is read, so they do not interleave.
    """
    lines = []
    for block in found_blocks:
        if isinstance(block, Paragraph):
            if block.text:
                lines.append((block.text, block.where))
        else:
            lines.extend(_signature_column(block))
    return lines


def signature(found_blocks: list):
    """The `sheets.SignatureBlock` of the blocks after a form's last table.

    Without a NIP line the name is still known when it stands alone after the blank space left
    for the signature (blank paragraphs between the position and the name).
    """
    from .sheets import signature_block

    block = signature_block(text_lines(found_blocks))
    if block.nip is None and block.name is None and block.place_date_where is not None:
        _name_after_gap(found_blocks, block)
    return block


def _name_after_gap(found_blocks: list, block) -> None:
    paragraphs = [b for b in found_blocks if isinstance(b, Paragraph)]
    start = next((i for i, p in enumerate(paragraphs) if p.where == block.place_date_where), None)
    if start is None:
        return
    groups: list = [[]]
    for p in paragraphs[start + 1:]:
        if p.text:
            groups[-1].append(p)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    if len(groups) >= 2 and len(groups[-1]) == 1:
        block.name, block.name_where = groups[-1][0].text, groups[-1][0].where
        block.position = " ".join(p.text for g in groups[:-1] for p in g)


def _signature_column(table: Table) -> list:
    by_col: dict = {}
    for r in range(len(table.rows)):
        for cell in table.distinct(r):
            by_col.setdefault(cell.col, []).extend((line, cell.where) for line in cell.lines)
    for test in (lambda t: "," in t and norm.date_at_end(t), norm.nip_in_text):
        for col in sorted(by_col, reverse=True):
            if any(test(t) for t, _ in by_col[col]):
                return by_col[col]
    return [line for col in sorted(by_col) for line in by_col[col]]


@dataclass
class Header:
    """Where a Word table's header is: its rows, the grid column of each named header,
    the criteria (key -> column, or -> (yes column, no column)), and the first Ya/Tidak columns."""

    row: int
    last_row: int
    columns: dict
    criteria: dict
    codes: dict  # criterion key -> the code its header shows ("K3"), when it shows one
    yes: Optional[int] = None
    no: Optional[int] = None


_CODE = re.compile(r"^\s*(K)\s*\.?\s*([1-7])\s*$", re.IGNORECASE)


def find_header(table: Table, need: tuple = ("title",), labels: dict = norm.HEADER_LABELS) -> Optional[Header]:
    """The first row naming every column in `need`, with a second header row below it when
    that row holds the Ya | Tidak sub-columns (or the criteria labels)."""
    for r in range(len(table.rows)):
        cells = table.distinct(r)
        columns: dict = {}
        for cell in cells:
            name = match_label(cell.text, labels) if cell.text else None
            if name and name not in columns:
                columns[name] = cell.col
        if not all(n in columns for n in need):
            continue
        criteria, codes = _criteria_cells(cells)
        marks = _yes_no_cells(cells)
        last = r
        below = table.distinct(r + 1)
        sub, sub_codes = _criteria_cells(below)
        if len(sub) >= 2 and not criteria:
            criteria, codes, last = sub, sub_codes, r + 1
        if not marks and _yes_no_cells(below):
            marks, last = _yes_no_cells(below), r + 1
        return Header(r, last, columns, _pair(criteria, marks), codes,
                      yes=next((c for c, m in marks if m == "y"), None),
                      no=next((c for c, m in marks if m == "t"), None))
    return None


def _criteria_cells(cells: list) -> tuple:
    criteria, codes = {}, {}
    for cell in cells:
        key = norm.criterion_key(cell.text)
        if key and key not in criteria:
            criteria[key] = cell
            if m := _CODE.match(cell.text):
                codes[key] = f"K{m[2]}"
    return criteria, codes


def _yes_no_cells(cells: list) -> list:
    marks = []
    for cell in cells:
        word = norm.label_key(cell.text)
        if word in ("ya", "tidak", "y", "t"):
            marks.append((cell.col, word[0]))
    return marks


def _pair(criteria: dict, marks: list) -> dict:
    """Criteria with their Ya | Tidak columns: those under the criterion's span, or, for an
    unmerged header, the column itself and the next one (as in `sheets.find_header`)."""
    if not marks:
        return {key: cell.col for key, cell in criteria.items()}
    kinds = dict(marks)
    paired = {}
    for key, cell in criteria.items():
        if cell.span >= 2:
            span = range(cell.col, cell.col + cell.span)
            yes = next((c for c in span if kinds.get(c) == "y"), None)
            no = next((c for c in span if kinds.get(c) == "t"), None)
        else:
            yes = next((c for c in (cell.col, cell.col + 1) if kinds.get(c) == "y"), None)
            no = next((c for c in (cell.col + 1, cell.col + 2) if kinds.get(c) == "t"), None)
        if yes is not None and no is not None:
            paired[key] = (yes, no)
    return paired


def data_rows(table: Table, header: Header, key_columns: Iterable) -> Iterator[int]:
    """Rows under `header` with text in one of `key_columns`, skipping blank rows and the
    column-numbering row, stopping at a total or notes row ("Jumlah", "Keterangan") that has
    no row number of its own."""
    from .sheets import is_column_numbering, is_end_of_table

    key_columns = [c for c in key_columns if c is not None]
    no_col = header.columns.get("no")
    first = {*key_columns, 0, no_col}
    for r in range(header.last_row + 1, len(table.rows)):
        cells = table.distinct(r)
        if is_column_numbering([c.text for c in cells]):
            continue
        numbered = no_col is not None and row_number(table.cell(r, no_col)) is not None
        if not numbered and any(c.col in first and is_end_of_table(c.text) for c in cells):
            return
        if any(table.cell(r, col).text for col in key_columns):
            yield r


def row_number(cell: Cell) -> Optional[int]:
    """The "No" of a row ("3", "3.", "(3)"), None when it is not a plain number."""
    m = re.fullmatch(r"\(?(\d{1,4})[.)]?", cell.text)
    return int(m[1]) if m else None


def recognition(parser: str, checks: dict) -> Recognition:
    """A score from {what: found}: the share found, and the Indonesian list of what is missing."""
    missing = [what for what, ok in checks.items() if not ok]
    reason = f"tidak ditemukan: {', '.join(missing)}" if missing else None
    return Recognition(parser, sum(bool(ok) for ok in checks.values()) / len(checks), reason)
