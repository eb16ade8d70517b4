"""The rows of a large table written as worksheet XML, into a workbook openpyxl has saved.

openpyxl builds, checks and serialises a cell object per value, about 10 µs a cell even in
write-only mode: a national recap's Rekap SOP table (20,000 SOPs x 20 columns, every cell bordered)
took most of its time there. Here a row is one string (about 1 µs a cell). openpyxl still writes
everything else: the title block and header rows, column widths, frozen panes, print setup, charts
and the cell styles, whose ids the rows refer to. `TableRows` are made while the workbook is built,
and their text goes in at the end of their sheet's `<sheetData>` when the saved workbook is copied
to its file (`save_with_rows`), one row at a time, so memory stays flat in the number of rows.

Every string is written as an inline string: agency text can never become a formula or an error
value, whatever it starts with.
"""
from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

_SHEET_DATA_END = b"</sheetData>"


@dataclass
class TableRows:
    """Rows `first`, `first` + 1 ... at the end of the write-only worksheet `ws`: `rows()` yields,
    for each, its cells as (value, style id) (value None: an empty cell with its style; (None, None):
    no cell at all) and its height in points (None: the default)."""

    ws: object
    first: int
    rows: Callable[[], Iterator[tuple[list, Optional[float]]]]

    def xml(self) -> Iterator[str]:
        for number, (cells, height) in enumerate(self.rows(), start=self.first):
            yield row_xml(number, cells, height)


def row_xml(number: int, cells: list, height: Optional[float] = None) -> str:
    """One `<row>` of worksheet XML, as openpyxl would write it."""
    parts = [f'<row r="{number}" ht="{height}" customHeight="1">' if height else f'<row r="{number}">']
    for column, (value, style) in enumerate(cells, start=1):
        if value is None and style is None:
            continue
        head = f'<c r="{_letter(column)}{number}"' + (f' s="{style}"' if style else "")
        if value is None:
            parts.append(head + "/>")
        elif isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not text:  # an empty inline string is a cell Excel may call damaged
                parts.append(head + "/>")
                continue
            space = ' xml:space="preserve"' if text != text.strip() else ""
            parts.append(f'{head} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>')
        elif isinstance(value, bool):
            parts.append(f'{head} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float)):
            parts.append(f'{head} t="n"><v>{value!r}</v></c>')
        else:
            raise TypeError(f"no XML for a {type(value).__name__} cell")
    parts.append("</row>")
    return "".join(parts)


_LETTERS: dict = {}


def _letter(column: int) -> str:
    letter = _LETTERS.get(column)
    if letter is None:
        letter = _LETTERS[column] = get_column_letter(column)
    return letter


def save_with_rows(wb, target, tables: Iterable[TableRows]) -> None:
    """Save the write-only workbook `wb` to `target` (a path or a binary file) with the rows of
    `tables` at the end of their sheets."""
    saved = io.BytesIO()  # the workbook without the tables' rows: small
    wb.save(saved)
    by_part = {table.ws.path.lstrip("/"): table for table in tables}  # the part openpyxl wrote each to
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            table = by_part.pop(info.filename, None)
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_DEFLATED
            with source.open(info) as part, out.open(copy, "w") as stream:
                if table is None:
                    shutil.copyfileobj(part, stream)  # in chunks: a sheet of many agencies is large too
                    continue
                head, end, tail = part.read().rpartition(_SHEET_DATA_END)  # the rows before the table's
                if not end:
                    raise ValueError(f"{info.filename} has no <sheetData> to add rows to")
                stream.write(head)
                for row in table.xml():
                    stream.write(row.encode("utf-8"))
                stream.write(end + tail)
    if by_part:
        raise ValueError(f"no worksheet part {', '.join(by_part)} in the saved workbook")
