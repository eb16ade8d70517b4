"""The receipt as a PDF: a small Word document made with python-docx, converted by LibreOffice
(the same converter as the letters). Made once per receipt and kept in outbox/tanda-terima/."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

from sopdoc.outputs.letters import to_pdf


def receipt_pdf(folder: Path, receipt: dict, rows: list, heading: list) -> Path:
    """`rows`: (label, value) lines of the receipt as printed; `heading`: the lines above the title.
    Raises LettersError when LibreOffice is absent or fails."""
    pdf = folder / f"{receipt['number']}.pdf"
    if pdf.is_file():
        return pdf
    folder.mkdir(parents=True, exist_ok=True)
    document = Document()
    for line in heading:
        paragraph = document.add_paragraph(line.upper())
        paragraph.alignment = 1
        paragraph.runs[0].bold = True
    document.add_heading("Tanda Terima Penyampaian Formulir Evaluasi SOP", level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
        for cell in cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10)
    document.add_paragraph(
        "Tanda terima ini ditandatangani secara elektronik (HMAC-SHA256) oleh sopdoc. Keasliannya dapat "
        "diperiksa di halaman Verifikasi dengan nomor ini atau dengan berkasnya.")
    source = folder / f"{receipt['number']}.docx"
    document.save(source)
    try:
        return to_pdf([source], folder)[0]
    finally:
        source.unlink(missing_ok=True)
