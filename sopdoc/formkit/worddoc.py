"""Reading Word forms by their labels and headers: the helpers the host gives Word parsers.

`blocks(document)` walks the body once per document, in reading order, into `Paragraph`s and
`Table`s of plain text, and keeps them on the `SourceDocument` (`per_document`), so every parser
asked to recognise and then to parse the file reads the same walk. It reads the XML itself:
python-docx's `table.cell()` / `row.cells` rebuild the whole grid on every call (quadratic in the
table's size), and its `.text` misses content controls and symbols. Tables are laid out on their
grid: a cell that spans columns (`gridSpan`) or continues a vertical merge (`vMerge`) sits under
every grid column it covers, so a Ya | Tidak sub-header lines up with the answer cells below it.
Everything here is pure: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Union

from lxml import etree

from sopdoc.formkit import normalize as norm
from sopdoc.formkit.document import Recognition, SourceDocument, built_once
from sopdoc.formkit.fields import Field, mark_pair_answer, signature_block
from sopdoc.model import Warning
from sopdoc.vocabulary import CRITERIA_LABELS

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
    parts: tuple = ()  # the cleaned texts between tab stops ("" between two tabs), when it has tabs


@dataclass
class Table:
    """`rows[r][c]` is the cell covering grid column c (0-based) of row r (0-based).

    A walked table is read, never changed (`distinct` remembers its answers)."""

    index: int  # 1-based among the body's tables
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # what joining its parts found (`_join_split_tables`)
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # see `document.built_once`

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
        return list(built_once(self.memo, row, lambda: self._starting_in(row)))  # asked for often

    def _starting_in(self, row: int) -> tuple:
        cells = self.rows[row] if 0 <= row < len(self.rows) else ()
        return tuple(c for i, c in enumerate(cells) if c.col == i and c.row == row)


Block = Union[Paragraph, Table]


# --- walking the XML ---------------------------------------------------------------------------
#
# One pass per document, kept on the `SourceDocument` and never in this module: a module-level
# cache keeps the last document (its whole tree) alive after the batch has moved on. The walk
# lists each element's children once and dispatches on their tag: no ElementPath "a/b" lookups
# (`find` parses and runs those in Python on every call).

_P, _TBL, _TR, _TC, _R, _T = W + "p", W + "tbl", W + "tr", W + "tc", W + "r", W + "t"
_SDT, _SDT_CONTENT = W + "sdt", W + "sdtContent"
_TR_PR, _GRID_BEFORE = W + "trPr", W + "gridBefore"
_TC_PR, _GRID_SPAN, _V_MERGE = W + "tcPr", W + "gridSpan", W + "vMerge"
_R_PR, _R_FONTS = W + "rPr", W + "rFonts"
_FONT_ATTRS = (W + "ascii", W + "hAnsi", W + "cs", W + "eastAsia")
_VAL = W + "val"
_BLOCK_TAGS = frozenset((_P, _TBL))
_ROW_TAGS = frozenset((_TR,))
_CELL_TAGS = frozenset((_TC,))
_SPACE_TAGS = frozenset((W + "br", W + "cr"))
_TAB_TAGS = frozenset((W + "tab", W + "ptab"))
_TXBX, _FALLBACK = W + "txbxContent", MC + "Fallback"
_DELETED, _HIDDEN = W + "del", W + "vanish"
_NO_BREAK_HYPHEN, _SYM, _FLD_CHAR = W + "noBreakHyphen", W + "sym", W + "fldChar"


def per_document(document, key: str, build):
    """`build(document)` once per `SourceDocument` (`document.built_once` on its memo): every parser
    asked to recognise and then parse it shares one result. Read it, never change it."""
    return built_once(document.memo, key, lambda: build(document))


def blocks(document) -> list:
    """The body of a Word document as Paragraphs and Tables, in reading order.

    `document` is a `SourceDocument` (walked once, the result kept on it and shared between
    callers: read it, never change it) or a python-docx `Document` (walked on every call).
    Block-level content controls and custom XML are looked through; a table nested in a cell
    becomes part of that cell's text.
    """
    if isinstance(document, SourceDocument):
        return per_document(document, "blocks",
                            lambda d: _walk_body(d.body if d.body is not None else d.docx.element.body))
    return _walk_body(document.element.body)


def _walk_body(body) -> list:
    _mark_opening_day_fields(body)
    found: list = []
    counts = [0, 0]  # paragraphs, tables
    anchored = _text_boxes(body)
    for el in _children(body, _BLOCK_TAGS):
        for box in anchored.get(el, ()):
            _add_blocks(_children(box, _BLOCK_TAGS), found, counts, "kotak teks, ")
        _add_blocks((el,), found, counts, "")
    return _join_split_tables(found) if counts[1] > 1 else found


_INSTR_TEXT, _FLD_SIMPLE = W + "instrText", W + "fldSimple"
_OPENING_DAY_FIELD = re.compile(r"\s*(?:DATE|TIME)\b", re.IGNORECASE)
# what a DATE or TIME field shows in place of its result (the day Word or LibreOffice last opened it)
OPENING_DAY_FIELD_TEXT = "=DATE"


def _mark_opening_day_fields(body) -> None:
    """Put `OPENING_DAY_FIELD_TEXT` in place of the result of every DATE/TIME field: Word shows the
    day it opens the file there, and LibreOffice writes the day it converts one, never a date the
    agency typed. A date read from it is then null plus a warning, as Excel's =TODAY() is.

    One walk of the body in document order: a field's result may run on over paragraphs, and
    walking on from each field would take the square of the runs."""
    fields: list = []  # the fields open at this point of the walk, innermost last
    for event, el in etree.iterwalk(body, events=("start", "end"), tag=_FIELD_PARTS):
        tag = el.tag
        if tag == _T:
            opening_day = fields[-1].shown_opening_day() if event == "start" and fields else None
            if opening_day is not None:
                el.text = opening_day.result_text()
        elif tag == _FLD_SIMPLE:
            _simple_field(event, el, fields)
        elif event == "start" and fields and tag == _INSTR_TEXT:
            fields[-1].instruction.append(el.text or "")
        elif event == "start" and tag == _FLD_CHAR:
            _complex_field_char(el.get(W + "fldCharType"), fields)


_FIELD_PARTS = (_T, _FLD_CHAR, _INSTR_TEXT, _FLD_SIMPLE)


@dataclass(eq=False)
class _OpenField:
    """A field met on the walk. Its result is an opening day when its instruction is DATE/TIME or
    it sits in the shown result of such a field (`shown_in`): that field's result then holds the
    one OPENING_DAY_FIELD_TEXT."""

    shown_in: Optional[_OpenField]
    simple: bool = False
    instruction: list = field(default_factory=list)  # the instrText parts, up to its separate
    showing: bool = False  # past its separate (a simple field shows from its start)
    opening_day_of: Optional[_OpenField] = None  # the DATE/TIME field its result is part of
    marked: bool = False  # its result's first w:t holds OPENING_DAY_FIELD_TEXT

    def show(self, instruction: str) -> None:
        self.showing = True
        if self.shown_in is not None:
            self.opening_day_of = self.shown_in
        elif _OPENING_DAY_FIELD.match(instruction):
            self.opening_day_of = self

    def shown_opening_day(self) -> Optional[_OpenField]:
        return self.opening_day_of if self.showing else None

    def result_text(self) -> str:
        """OPENING_DAY_FIELD_TEXT for the first w:t of the result, nothing for the rest."""
        first = not self.marked
        self.marked = True
        return OPENING_DAY_FIELD_TEXT if first else ""


def _opened_inside(fields: list, simple: bool = False) -> _OpenField:
    return _OpenField(fields[-1].shown_opening_day() if fields else None, simple)


def _simple_field(event: str, el, fields: list) -> None:
    if event == "start":
        fields.append(_opened_inside(fields, simple=True))
        fields[-1].show(el.get(W + "instr") or "")
        return
    while fields and not fields.pop().simple:  # a complex field left open inside it ends with it
        pass


def _complex_field_char(kind: str, fields: list) -> None:
    """A complex field's `begin`, `separate` (its result follows) or `end`; a `separate` or `end`
    with no field of its own (stray, or of a field begun outside a simple field) is ignored."""
    if kind == "begin":
        fields.append(_opened_inside(fields))
        return
    current = fields[-1] if fields and not fields[-1].simple else None
    if current is None:
        return
    if kind == "separate" and not current.showing:
        current.show("".join(current.instruction))
    elif kind == "end":
        fields.pop()


def _join_split_tables(found: list) -> list:
    """A table split in two by a page break (only blank paragraphs between, as many grid
    columns, the second part with its header repeated or with no header) is one table."""
    joined: list = []
    for block in found:
        previous = _last_table(joined)
        if isinstance(block, Table) and previous is not None and _continues(previous, block):
            del joined[joined.index(previous) + 1:]  # the blank paragraphs between the parts
            joined[-1] = _joined(previous, block)
        else:
            joined.append(block)
    return joined


def _last_table(joined: list) -> Optional[Table]:
    """The last block when it is a table, looking back over blank paragraphs."""
    for block in reversed(joined):
        if isinstance(block, Table):
            return block
        if block.text:
            return None
    return None


def _continues(first: Table, second: Table) -> bool:
    header = find_header(first) or find_header(first, need=("criteria_group",))
    if header is None or not first.rows or not second.rows or len(first.rows[-1]) != len(second.rows[0]):
        return False
    head = _row_texts(first, header.row)
    return _row_texts(second, 0) == head or not _header_columns(second.distinct(0), norm.HEADER_LABELS)


def _row_texts(table: Table, row: int) -> list:
    return [norm.label_key(c.text) for c in table.distinct(row)]


def _joined(first: Table, second: Table) -> Table:
    """`first` with the rows of `second` under it, less `second`'s copy of the header rows."""
    header = find_header(first) or find_header(first, need=("criteria_group",))
    skip = 0
    if _row_texts(second, 0) == _row_texts(first, header.row):
        skip = header.last_row - header.row + 1
        while skip < len(second.rows) and _is_numbering_row(second, skip):
            skip += 1
    table = Table(first.index, list(first.rows), list(first.warnings) + list(second.warnings))
    offset = len(first.rows) - skip
    moved: dict = {}
    for r in range(skip, len(second.rows)):
        row = []
        for cell in second.rows[r]:
            if id(cell) not in moved:
                row_of = cell.row + offset if cell.row >= skip else r + offset
                moved[id(cell)] = _new_cell(cell.text, cell.where, cell.marked, cell.font, cell.lines, row_of,
                                            cell.col, cell.span)
            row.append(moved[id(cell)])
        table.rows.append(row)
    _check_join(table, header, len(first.rows))
    return table


def _check_join(table: Table, header, first_of_second: int) -> None:
    """The "No" column checks the join: the second part goes on from where the first ended."""
    no_col = header.columns.get("no")
    if no_col is None:
        return
    # the last number before the join, looked for backwards: a table joined from many parts is
    # not read again from its top at each join
    before = next((n for r in range(first_of_second - 1, header.last_row, -1)
                   if (n := row_number(table.cell(r, no_col))) is not None), None)
    after = next(((n, r) for r in range(first_of_second, len(table.rows))
                  if (n := row_number(table.cell(r, no_col))) is not None), None)
    if before is not None and after and after[0] != before + 1:
        table.warnings.append(Warning(
            "nomor_tidak_berurutan",
            f"Tabel bersambung: nomor {before} di bagian pertama diikuti nomor {after[0]} di bagian kedua",
            table.cell(after[1], no_col).where))


def _is_numbering_row(table: Table, row: int) -> bool:
    from sopdoc.formkit.sheets import is_column_numbering

    return is_column_numbering([c.text for c in table.distinct(row)])


def _add_blocks(elements, found: list, counts: list, where_prefix: str) -> None:
    for el in elements:
        if el.tag == _P:
            counts[0] += 1
            raw = _paragraph_raw(el)
            parts = tuple(norm.clean_text(t) or "" for t in raw.split("\t")) if "\t" in raw else ()
            found.append(Paragraph(norm.clean_text(raw) or "", f"{where_prefix}paragraf {counts[0]}", counts[0],
                                   parts))
        else:
            counts[1] += 1
            found.append(_table(el, counts[1]))


def _text_boxes(body) -> dict:
    """{block element: [text box contents]} for the text boxes anchored in each body block.

    Word writes a text box twice: as a drawing shape and, for older readers, as its VML
    fallback. Only the shape is read (a VML-only box, from an old Word, is read as it is); its
    paragraphs come before the paragraph they are anchored in.
    """
    anchored: dict = {}
    for box in body.iter(_TXBX):
        top, parent = box, box.getparent()
        while parent is not None and parent is not body:
            if parent.tag in (_FALLBACK, _TC):  # a box in a table cell is that cell's text
                break
            top, parent = parent, parent.getparent()
        if parent is body:
            anchored.setdefault(top, []).append(box)
    return anchored


def _children(parent, tags: frozenset) -> list:
    """Children of `parent` (an element or a list of them) with one of `tags`, looking through
    content controls and wrappers."""
    found = []
    for child in parent:
        tag = child.tag
        if tag in tags:
            found.append(child)
        elif tag in _WRAPPERS:
            content = _first(child, _SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                found.extend(_children(content, tags))
    return found


def _first(parent, tag: str):
    """The first child of `parent` with `tag` (`parent.find(tag)`), else None."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _table(tbl, index: int) -> Table:
    table = Table(index)
    rows = table.rows
    gridded = next(tbl.iterdescendants(_GRID_BEFORE, _GRID_SPAN, _V_MERGE), None) is not None
    boxed = next(tbl.iterdescendants(_TXBX), None) is not None
    for r, tr in enumerate(tr for tr in _children(tbl, _ROW_TAGS) if not _deleted_row(tr)):
        kids = list(tr)
        prefix = f"tabel {index} baris {r + 1} kolom "
        row: list = []
        before = 0
        for prop in kids if gridded else ():  # tr.find("w:trPr/w:gridBefore")
            if prop.tag == _TR_PR:
                grid_before = _first(prop, _GRID_BEFORE)
                if grid_before is not None:
                    before = _int_val(grid_before, 0)
                    break
        for c in range(before):
            row.append(_new_cell("", f"{prefix}{c + 1}", None, None, (), r, c, 1))
        above = rows[r - 1] if r else None
        for tc in _children(kids, _CELL_TAGS):
            col = len(row)
            cell_kids = list(tc)
            span_el = merge = None
            for prop in cell_kids if gridded else ():  # tc.find("w:tcPr/w:gridSpan"), ...("w:tcPr/w:vMerge")
                if prop.tag == _TC_PR:
                    for el in prop:
                        tag = el.tag
                        if tag == _GRID_SPAN:
                            if span_el is None:
                                span_el = el
                        elif tag == _V_MERGE:
                            if merge is None:
                                merge = el
            span = _int_val(span_el, 1) if span_el is not None else 1
            cell = None
            if merge is not None and above is not None and merge.get(_VAL) != "restart" and col < len(above):
                cell = above[col]  # continues the vertical merge of the cell above
            if cell is None:
                cell = _cell(cell_kids, f"{prefix}{col + 1}", r, col, span, boxed)
            if span == 1:
                row.append(cell)
            else:
                row.extend([cell] * span)
        rows.append(row)
    return table


def _deleted_row(tr) -> bool:
    """A row deleted with Track Changes on (`w:trPr/w:del`): still in the file, not in the form."""
    for prop in tr:
        if prop.tag == _TR_PR:
            return _first(prop, _DELETED) is not None
        if prop.tag == _TC:
            return False
    return False


def _int_val(el, default: int) -> int:
    """A `w:val` count, clamped to what a real table can have."""
    if el is None:
        return default
    try:
        return max(default, min(int(el.get(_VAL)), _MAX_SPAN))
    except (TypeError, ValueError):
        return default


def _cell(kids: list, where: str, r: int, col: int, span: int, boxed: bool = False) -> Cell:
    lines, boxes, fonts = [], [], []
    _cell_content(kids, lines, boxes, fonts)
    if boxed:  # a text box typed into the cell shows in it, after the cell's own text
        for kid in kids:
            for box in kid.iter(_TXBX):
                if not any(a.tag == _FALLBACK for a in box.iterancestors()):  # the shape, not its VML copy
                    _cell_content(box, lines, boxes, fonts)
    return _new_cell(" ".join(lines), where, any(boxes) if boxes else None, fonts[0] if fonts else None,
                     tuple(lines), r, col, span)


_new_object = object.__new__


def _new_cell(text, where, marked, font, lines, row, col, span) -> Cell:
    """`Cell(...)` without the frozen dataclass's `__init__` (a setattr per field), for the
    hundreds of cells of a form: the same object."""
    cell = _new_object(Cell)
    cell.__dict__.update(text=text, where=where, marked=marked, font=font, lines=lines, row=row, col=col,
                         span=span)
    return cell


def _cell_content(parent, lines: list, boxes: list, fonts: list) -> None:
    """The lines, check box states and fonts of a cell's children (an element or a list)."""
    for el in parent:
        tag = el.tag
        if tag == _P:
            parts: list = []
            _walk(el, parts, boxes, fonts, None)
            if parts:
                text = norm.clean_text("".join(parts))
                if text:
                    lines.append(text)
        elif tag == _TBL:
            for tr in _children(el, _ROW_TAGS):
                for tc in _children(tr, _CELL_TAGS):
                    _cell_content(tc, lines, boxes, fonts)
        elif tag in _WRAPPERS:
            content = _first(el, _SDT_CONTENT) if tag == _SDT else el
            if content is not None:
                _cell_content(content, lines, boxes, fonts)


def _paragraph_raw(p) -> str:
    """The visible text of one `w:p` as written, tabs kept as tabs."""
    parts: list = []
    _walk(p, parts, [], [], None)
    return "".join(parts)


def _walk(el, parts: list, boxes: list, fonts: list, font: Optional[str]) -> None:
    """Collect the visible text of `el`'s children (an element or a list of them) into `parts`,
    the check box states met into `boxes`, the fonts of runs with visible text into `fonts`."""
    for child in el:
        tag = child.tag
        if tag == _T:
            text = child.text
            if text:
                if font and not text.isspace():
                    fonts.append(font)
                    text = _shown(text, font)
                parts.append(text)
        elif tag == _R:
            kids = list(child)
            run_font, hidden = _run_props(kids)
            if hidden:
                continue  # hidden text (Font > Hidden) is not on the printed page
            run_font = run_font or font
            for kid in kids:  # a run's text handled here (as the branch above), the rest as anywhere
                kid_tag = kid.tag
                if kid_tag == _T:
                    text = kid.text
                    if text:
                        if run_font and not text.isspace():
                            fonts.append(run_font)
                            text = _shown(text, run_font)
                        parts.append(text)
                elif kid_tag != _R_PR:
                    _walk((kid,), parts, boxes, fonts, run_font)
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag in _SPACE_TAGS:
            parts.append(" ")
        elif tag in _TAB_TAGS:
            parts.append("\t")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _SYM:
            _add_symbol(child, parts)
        elif tag == _FLD_CHAR:
            _add_legacy_checkbox(child, parts, boxes)
        elif tag == _SDT:
            _add_content_control(child, parts, boxes, fonts, font)
        else:
            _walk(child, parts, boxes, fonts, font)


def _shown(text: str, font: str) -> str:
    """Characters typed in a symbol font (Wingdings "ü") become the mark they show."""
    return "".join(_MEANING_CHARS.get(norm.symbol_meaning(ch, font), ch) for ch in text)


def _run_props(kids: list) -> tuple:
    """(font, hidden) of a run from its children (`r.find("w:rPr/w:rFonts")`, `w:rPr/w:vanish`)."""
    for prop in kids:
        if prop.tag == _R_PR:
            font, hidden = None, False
            for el in prop:
                tag = el.tag
                if tag == _R_FONTS:
                    font = next((v for v in map(el.get, _FONT_ATTRS) if v), None)
                elif tag == _HIDDEN:
                    hidden = _on(el, _VAL)
            return font, hidden
    return None, False


def _add_symbol(sym, parts: list) -> None:
    """A `w:sym` (Insert > Symbol): the character is a hex code point in the symbol font."""
    font = sym.get(W + "font")
    try:
        char = chr(int(sym.get(W + "char") or "", 16))
    except (ValueError, OverflowError):
        return
    parts.append(_MEANING_CHARS.get(norm.symbol_meaning(char, font), char))


def _add_box(checked: bool, parts: list, boxes: list) -> None:
    boxes.append(checked)
    parts.append(f" {TICKED_BOX if checked else BOX} ")


def _on(el, attr: str) -> bool:
    """An OOXML on/off property: present with no value, or "1"/"true"/"on", means on."""
    value = el.get(attr)
    return value is None or value.lower() in ("1", "true", "on")


def _add_content_control(sdt, parts: list, boxes: list, fonts: list, font: Optional[str]) -> None:
    """A check box control counts by `w14:checked`; a control still showing its placeholder
    ("Klik di sini untuk memasukkan teks") holds nothing."""
    props = sdt.find(W + "sdtPr")
    box = props.find(W14 + "checkbox") if props is not None else None
    if box is not None:
        checked = box.find(W14 + "checked")
        _add_box(checked is not None and _on(checked, W14 + "val"), parts, boxes)
        return
    if props is not None and props.find(W + "showingPlcHdr") is not None:
        return
    content = sdt.find(_SDT_CONTENT)
    if content is not None:
        _walk(content, parts, boxes, fonts, font)


def _add_legacy_checkbox(fld_char, parts: list, boxes: list) -> None:
    """A legacy form-field check box (FORMCHECKBOX): `w:checked`, else its `w:default`."""
    box = fld_char.find(f"{W}ffData/{W}checkBox")
    if box is None:
        return
    state = box.find(W + "checked")
    if state is None:
        state = box.find(W + "default")
    _add_box(state is not None and _on(state, W + "val"), parts, boxes)


# --- what a Word parser needs ------------------------------------------------------------------

def is_marked(cell: Cell, column: Optional[bool] = None) -> bool:
    """Does a Ya or Tidak cell hold a mark? Check box controls decide when there are any; otherwise
    as `normalize.is_marked` (which raises Unreadable for text that is no mark in `column`)."""
    if cell.marked is not None:
        return cell.marked
    return norm.is_marked(cell.text, cell.font, column)


def read_pair(yes: Cell, no: Cell, key: str, where: str, warnings: list) -> Optional[bool]:
    """One criterion over Ya | Tidak cells; both or neither marked is None plus a warning
    (codes and messages as `sheets.read_criteria`)."""
    return mark_pair_answer(lambda column: is_marked(yes if column else no, column), CRITERIA_LABELS[key],
                            where, warnings)


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


def match_label(text: str, labels: dict) -> Optional[str]:
    """`normalize.match_label`, also for a numbered label ("1. Nama SOP")."""
    return norm.match_label(text, labels, numbered=True)


def labelled(block: Block, labels: dict) -> list:
    """[(key, Field)] for every label of `labels` in a block, in reading order.

    A paragraph needs a colon ("Nama OPD : Dinas Kesehatan"). In a table row the value is what
    follows a colon in the label's own cell, else the next cell that is not a lone colon; a label
    with nothing after it gives a Field whose value is None.
    """
    if isinstance(block, Paragraph):
        label, value = norm.split_label_value(block.text)
        if value is None and ":" not in block.text:
            return _tabbed(block, labels)
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


def _tabbed(paragraph: Paragraph, labels: dict) -> list:
    """A label and its value set apart by a tab stop, without a colon ("Perangkat Daerah<tab>Dinas
    Kesehatan"): the tab does what the colon does."""
    parts = [t for t in paragraph.parts if t]
    if len(parts) < 2:
        return []
    key = match_label(parts[0], labels)
    return [(key, Field(" ".join(parts[1:]), paragraph.where))] if key else []


def find_fields(found_blocks: Iterable, labels: dict) -> dict:
    """{key: Field} for the first occurrence of each label of `labels` in these blocks."""
    fields: dict = {}
    for block in found_blocks:
        for key, value in labelled(block, labels):
            fields.setdefault(key, value)
    return fields


def text_lines(found_blocks: Iterable) -> list:
    """[(text, where)] of non-empty paragraphs and table cells, for `forms.signature_block`.

    A signature laid out in a borderless table often has two blocks side by side; only the
    column holding the place-and-date line (else the NIP line) is read, so they do not interleave.
    """
    found_blocks = list(found_blocks)
    side = _signing_side([b for b in found_blocks if isinstance(b, Paragraph) and b.parts])
    lines = []
    for block in found_blocks:
        if isinstance(block, Paragraph):
            text = (_left(block) if side == "left" else _right(block)) if side and block.parts else block.text
            if text:
                lines.append((text, block.where))
        else:
            lines.extend(_signature_column(block))
    return lines


def _left(paragraph: Paragraph) -> str:
    return paragraph.parts[0]


def _right(paragraph: Paragraph) -> str:
    return next((t for t in reversed(paragraph.parts[1:]) if t), "")


def _signing_side(tabbed: list) -> Optional[str]:
    """Two signature blocks side by side in tab-aligned paragraphs ("Mengetahui,<tab><tab>Serang,
    14 Mei 2025"): "left" or "right", the side holding the place-and-date line (else the NIP
    line); None when the paragraphs are not two blocks side by side."""
    if not any(_left(p) and _right(p) for p in tabbed):
        return None
    for test in (norm.is_place_date_line, norm.nip_in_text):
        if any(test(_right(p)) for p in tabbed):
            return "right"
        if any(test(_left(p)) for p in tabbed):
            return "left"
    return None


def signature(found_blocks: list):
    """The `forms.SignatureBlock` of the blocks after a form's last table.

    Without a NIP line the name is still known when it stands alone after the blank space left
    for the signature (blank paragraphs between the position and the name).
    """
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
    for test in (norm.is_place_date_line, norm.nip_in_text):
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


_CODE = re.compile(r"^\s*(K)\s*(?:\.\s*)?([1-7])\s*$", re.IGNORECASE)  # not \s*\.?\s*: that backtracks


def find_header(table: Table, need: tuple = ("title",), labels: dict = norm.HEADER_LABELS) -> Optional[Header]:
    """The first row naming every column in `need`, with up to two header rows below it: the
    criteria under a group header ("Kriteria Evaluasi" above K1..K7), then the Ya | Tidak
    sub-columns. A row with text under a named column is data, not header."""
    for r in range(len(table.rows)):
        cells = table.distinct(r)
        columns = _header_columns(cells, labels)
        if not all(n in columns for n in need):
            continue
        criteria, codes = _criteria_cells(cells)
        marks = _yes_no_cells(cells)
        last = r
        named = {columns[n] for n in ("title", "number") if n in columns}
        for below in (r + 1, r + 2):
            row_cells = table.distinct(below)
            if any(c.col in named and c.text for c in row_cells):
                break
            sub, sub_codes = _criteria_cells(row_cells)
            sub_marks = _yes_no_cells(row_cells)
            if len(sub) < 2 and not (sub_marks and not marks):
                break
            if len(sub) >= 2:
                criteria.update(sub)
                codes.update(sub_codes)
            marks += sub_marks
            last = below
        return Header(r, last, columns, _pair(criteria, marks), codes,
                      yes=next((c for c, m in marks if m == "y"), None),
                      no=next((c for c, m in marks if m == "t"), None))
    return None


def _header_columns(cells: list, labels: dict) -> dict:
    """`normalize.header_columns` of a row's cells, a numbered label ("1. Nama SOP") included."""
    return norm.header_columns(((cell.col, cell.text) for cell in cells), labels, numbered=True)


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
    return [(cell.col, kind) for cell in cells if (kind := norm.yes_no_column(cell.text))]


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
    from sopdoc.formkit.sheets import is_column_numbering, is_end_of_table

    key_columns = [c for c in key_columns if c is not None]
    no_col = header.columns.get("no")
    first = {*key_columns, 0, no_col}
    for r in range(header.last_row + 1, len(table.rows)):
        cells = table.distinct(r)
        texts = [c.text for c in cells if c.text]
        # A row of column numbers holds only numbers: most rows fail that at their first word.
        if all(t.strip("()").isdigit() for t in texts) and is_column_numbering(texts):
            continue
        numbered = no_col is not None and row_number(table.cell(r, no_col)) is not None
        if not numbered and any(c.col in first and is_end_of_table(c.text) for c in cells):
            return
        if any((text := table.cell(r, col).text) and not norm.is_placeholder(text) for col in key_columns):
            yield r  # a row of "-" or "dst." names nothing


def records(table: Table, header: Header, rows: Iterable, answer_cols: Iterable) -> list:
    """`rows` (data rows, in order) grouped into records: [[first row, rows its title goes on in]].

    A row goes on the record above when it only carries more title text: directly under it,
    nothing of its own in `answer_cols` (number, marks, choices), and the record's "No" merged
    down over it, or the record has a "No" that this row lacks.
    """
    answer_cols = [c for c in answer_cols if c is not None]
    found: list = []
    for r in rows:
        if found and _goes_on(table, r, found[-1], header, answer_cols):
            found[-1].append(r)
        else:
            found.append([r])
    return found


def _goes_on(table: Table, r: int, record: list, header: Header, answer_cols: list) -> bool:
    if r != record[-1] + 1:
        return False
    if any(table.cell(r, c).row == r and table.cell(r, c).text for c in answer_cols):
        return False
    no_col = header.columns.get("no")
    anchors = [c for c in (no_col, header.columns.get("number")) if c is not None]
    if any(table.cell(r, c).row < r for c in anchors):
        return True  # merged down over this row
    return no_col is not None and row_number(table.cell(record[0], no_col)) is not None


def joined_text(table: Table, rows: list, col: Optional[int]) -> Optional[str]:
    """The text of a column over the rows of one record, each cell once."""
    seen, texts = set(), []
    for r in rows:
        cell = table.cell(r, col)
        if id(cell) not in seen and cell.text and not norm.is_placeholder(cell.text):  # "-": nothing
            seen.add(id(cell))
            texts.append(cell.text)
    return " ".join(texts) or None


def row_number(cell: Cell) -> Optional[int]:
    """The "No" of a row ("3", "3.", "(3)"): `normalize.row_number` of the cell's text."""
    return norm.row_number(cell.text)


def recognition(parser: str, checks: dict) -> Recognition:
    """A score from {what: found}: the share found, and the Indonesian list of what is missing."""
    missing = [what for what, ok in checks.items() if not ok]
    reason = f"tidak ditemukan: {', '.join(missing)}" if missing else None
    return Recognition(parser, sum(bool(ok) for ok in checks.values()) / len(checks), reason)
