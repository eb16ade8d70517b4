"""What LibreOffice's conversion of an .ods to .xlsx loses, read from the .ods itself: which sheets
are hidden.

A sheet hidden in an .ods comes out of the conversion visible when it is the first sheet (a stale
copy of the form, moved to the front and hidden). The .ods says so in its table styles
(`table:display="false"`); that is what the person who saved it sees.
"""
from __future__ import annotations

import dataclasses
import zipfile

from lxml import etree

from sopdoc.formkit.document import SourceDocument
from sopdoc.reading.package import feed

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"


class _HiddenTables:
    """An lxml parser target collecting the tables and the table styles that hide: no tree is built."""

    def __init__(self):
        self.hiding_styles: set = set()
        self.tables: list = []  # (name, style name)
        self._style = None

    def start(self, tag, attrib):
        if tag == STYLE + "style" and attrib.get(STYLE + "family") == "table":
            self._style = attrib.get(STYLE + "name")
        elif tag == STYLE + "table-properties" and self._style and attrib.get(TABLE + "display") == "false":
            self.hiding_styles.add(self._style)
        elif tag == TABLE + "table":
            self.tables.append((attrib.get(TABLE + "name"), attrib.get(TABLE + "style-name")))

    def end(self, tag):
        if tag == STYLE + "style":
            self._style = None

    def close(self):
        return None


def hidden_sheets(package: zipfile.ZipFile) -> frozenset:
    """Names of the sheets the .ods hides (its styles may sit in styles.xml or content.xml)."""
    target = _HiddenTables()
    for part in ("styles.xml", "content.xml"):
        try:
            feed(package, part, target)
        except (KeyError, etree.XMLSyntaxError):
            continue  # LibreOffice judges a damaged file
    return frozenset(name for name, style in target.tables if name and style in target.hiding_styles)


def hide(document: SourceDocument, names: frozenset) -> SourceDocument:
    """`document` (converted from the .ods) with the sheets `names` hidden, as the .ods has them."""
    if not names:
        return document
    if document.sheets is not None:
        document.sheets = [dataclasses.replace(sheet, state="hidden")
                           if sheet.title in names and sheet.state == "visible" else sheet
                           for sheet in document.sheets]
    if document.workbook is not None:
        for worksheet in document.workbook.worksheets:
            if worksheet.title in names and worksheet.sheet_state == "visible":
                worksheet.sheet_state = "hidden"
    return document
