"""The recap printed through real LibreOffice: every word whole (header words never broken, long
names and messages wrapped, not cut), Rekap SOP at 8 pt or more with its header on every page,
borders on the tables, and charts in rows of their own."""
import re
import shutil
import subprocess

import openpyxl
import pytest

from sopdoc.intake.store import Store
from sopdoc.outputs.recap import write_recap
from sopdoc.outputs.status import period_status
from test_recap import HEADER_ROW, NOW, PERIOD, build_season

pytestmark = [pytest.mark.soffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """(workbook path, its PDF, the PeriodStatus)."""
    from sopdoc.outputs.letters import to_pdf

    root = tmp_path_factory.mktemp("cetak")
    ws = build_season(root / "ruang kerja")
    store = Store(ws.store_path)
    try:
        status = period_status(ws, store, PERIOD, NOW)
        path = write_recap(status, root / "rekap.xlsx", store)
    finally:
        store.close()
    (pdf,) = to_pdf([path], root)
    return path, pdf, status


def pages(pdf) -> list:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                              check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout for n in range(1, count + 1)]


def in_order(words: list, tokens: list) -> bool:
    """`words` appear in `tokens` in this order (cells printed side by side interleave their lines)."""
    it = iter(tokens)
    return all(any(token == word for token in it) for word in words)


def test_every_header_word_name_and_message_prints_whole(printed):
    path, pdf, status = printed
    tokens = " ".join(pages(pdf)).split()
    wb = openpyxl.load_workbook(path)
    for sheet in wb:
        header = [c.value for c in sheet[HEADER_ROW] if c.value]
        for label in header:
            assert in_order(str(label).split(), tokens), (sheet.title, label)  # "Kelompo" + "k" would fail
    for agency in status.agencies:
        assert in_order(agency.agency.name.split(), tokens), agency.agency.name
    messages = [w["message"] for a in status.agencies if a.latest for w in a.latest["warnings"]]
    messages += [w["message"] for d in status.unmatched for w in d["warnings"]]
    longest = max(messages, key=len)
    assert len(longest) > 80
    for message in messages:
        assert in_order(message.split(), tokens), message


def word_heights(pdf, page: int) -> list:
    box = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', box)]


def test_rekap_sop_is_readable_on_a4_landscape_with_its_header_on_every_page(printed):
    path, pdf, _ = printed
    texts = pages(pdf)
    sop_pages = [n for n, text in enumerate(texts, start=1)
                 if "Halaman" in text and text.rstrip().endswith("Rekap SOP")]
    assert len(sop_pages) >= 2  # split across pages rather than shrunk onto one
    for n in sop_pages:
        text = texts[n - 1]
        assert "Perangkat" in text and "Daerah" in text and "No" in text.split()  # header row and columns A:C
        # an 8 pt word is about 10.3 pt tall from its lowest descender to its highest ascender
        assert min(word_heights(pdf, n)) >= 10.0, n
    sheet = openpyxl.load_workbook(path)["Rekap SOP"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.scale >= 73 and not sheet.sheet_properties.pageSetUpPr.fitToPage


def test_tables_have_borders_and_charts_have_rows_of_their_own(printed):
    path, _, _ = printed
    wb = openpyxl.load_workbook(path)
    for sheet in wb:
        first_data = sheet[HEADER_ROW + 1]
        assert all(c.border.left.style == "thin" for c in first_data[:5]), sheet.title
    for name in ("Ringkasan", "Kriteria"):
        sheet = wb[name]
        [chart] = sheet._charts
        anchor_row = chart.anchor._from.row + 1
        rows_below = chart.anchor._from.row + int(chart.height / 0.53)
        assert all(c.value is None for row in sheet.iter_rows(min_row=anchor_row, max_row=rows_below) for c in row)
        assert any(c.value for c in sheet[anchor_row - 2])  # right under the content, not far away
