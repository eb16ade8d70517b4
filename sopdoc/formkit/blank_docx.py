"""Writing blank Word forms: page, tables, and the content controls an agency fills in.

Choices are drop-down list content controls, Ya | Tidak marks are check box content controls, and
dates are date-picker content controls, so an agency picks rather than types. Each control shows
a grey placeholder until it is used; sopdoc's Word reader reads a control still showing its
placeholder as empty.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

FONT = "Arial"
DATE_FORMAT = "d MMMM yyyy"  # "9 Maret 2026" with the Indonesian language below
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')
_GREY = "808080"
_HEADER_FILL = "D9E1F2"
_BOX_FONT = "MS Gothic"


def document(*, landscape: bool) -> docx.Document:
    """An empty A4 document in Arial 10, portrait or landscape."""
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Cm(21.0), Cm(29.7)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    return doc


def to_bytes(doc: docx.Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def para(doc_or_cell, text: str = "", *, bold=False, size=None, center=False, before=0, after=0):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(after)
    return p


def cell_text(cell, text: str = "", *, bold=False, center=False, size=9):
    p = cell.paragraphs[0]
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def grid(doc, rows: int, cms: tuple, *, borders=True):
    """A table of `rows` rows and columns of the given widths (cm), bordered or not."""
    table = doc.add_table(rows=rows, cols=len(cms))
    if borders:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER if borders else WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), cms):
        col.set(qn("w:w"), str(int(Cm(cm).twips)))
    for row in table.rows:
        for cell, cm in zip(row.cells, cms):
            cell.width = Cm(cm)
    return table


def keep_together(table) -> None:
    """Keep a table on one page with the paragraphs just above it (a page break never splits it)."""
    above = table._tbl.getprevious()
    for element in (above, above.getprevious() if above is not None else None):
        if element is not None and element.tag == qn("w:p"):
            Paragraph(element, None).paragraph_format.keep_with_next = True
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def header_cell(cell, text: str, *, size=9) -> None:
    """A shaded, bold, centred header cell."""
    cell_text(cell, text, bold=True, center=True, size=size)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), _HEADER_FILL)
    cell._tc.get_or_add_tcPr().append(shading)


def repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _placeholder_run(text: str) -> str:
    return (f'<w:r><w:rPr><w:color w:val="{_GREY}"/><w:sz w:val="18"/></w:rPr>'
            f"<w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r>")


def dropdown(paragraph, choices: tuple, *, title: str, placeholder: str = "Pilih") -> None:
    """A drop-down list content control offering `choices`, showing `placeholder` until used."""
    items = "".join(f"<w:listItem w:displayText={quoteattr(c)} w:value={quoteattr(c)}/>" for c in choices)
    paragraph._p.append(parse_xml(
        f"<w:sdt {_NS}><w:sdtPr><w:alias w:val={quoteattr(title)}/><w:tag w:val={quoteattr(title)}/>"
        f"<w:showingPlcHdr/><w:dropDownList>{items}</w:dropDownList></w:sdtPr>"
        f"<w:sdtContent>{_placeholder_run(placeholder)}</w:sdtContent></w:sdt>"
    ))


def date_picker(paragraph, *, title: str, placeholder: str = "Pilih tanggal") -> None:
    """A date-picker content control writing dates as "9 Maret 2026"."""
    paragraph._p.append(parse_xml(
        f"<w:sdt {_NS}><w:sdtPr><w:alias w:val={quoteattr(title)}/><w:tag w:val={quoteattr(title)}/>"
        f'<w:showingPlcHdr/><w:date><w:dateFormat w:val="{DATE_FORMAT}"/><w:lid w:val="id-ID"/>'
        '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date></w:sdtPr>'
        f"<w:sdtContent>{_placeholder_run(placeholder)}</w:sdtContent></w:sdt>"
    ))


def checkbox(paragraph, *, title: str) -> None:
    """An unticked check box content control (☐, ☒ when ticked)."""
    paragraph._p.append(parse_xml(
        f"<w:sdt {_NS}><w:sdtPr><w:alias w:val={quoteattr(title)}/><w:tag w:val={quoteattr(title)}/>"
        '<w14:checkbox><w14:checked w14:val="0"/>'
        f'<w14:checkedState w14:val="2612" w14:font="{_BOX_FONT}"/>'
        f'<w14:uncheckedState w14:val="2610" w14:font="{_BOX_FONT}"/></w14:checkbox></w:sdtPr>'
        f'<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="{_BOX_FONT}" w:eastAsia="{_BOX_FONT}" '
        f'w:hAnsi="{_BOX_FONT}" w:hint="eastAsia"/><w:sz w:val="24"/></w:rPr><w:t>\u2610</w:t></w:r>'
        "</w:sdtContent></w:sdt>"
    ))


def checkbox_cell(cell, *, title: str) -> None:
    """A table cell holding one centred check box."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    checkbox(paragraph, title=title)


def note(doc, text: str) -> None:
    """A small grey instruction line."""
    p = para(doc, before=4, after=4)
    run = p.add_run(text)
    run.italic = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string(_GREY)


def signature_block(doc, place: str, *, indent_cm: float) -> None:
    """"Place, [date]", the position line, room to sign, the name line and "NIP. ", each a paragraph
    indented `indent_cm`, for the agency to type into."""
    first = para(doc, f"{place}, ", before=16)
    date_picker(first, title="Tanggal tanda tangan")
    lines = [first, *(para(doc) for _ in range(5)), para(doc, "NIP. ")]
    for p in lines:
        p.paragraph_format.left_indent = Cm(indent_cm)
        p.paragraph_format.keep_with_next = p is not lines[-1]  # never split over two pages
