"""Blank forms out and back: each region's blank, pre-filled from the agency's earlier submission,
filled in as an agency would (only values the form offers; one SOP added, one removed), comes back
with the exact agency, period and values and no warning; an altered stamp is caught."""
import datetime as dt
import io
import re
import shutil
import zipfile
from copy import deepcopy
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from blankfill import choose, controls, pick, pick_date, rows_with, set_text, tick, type_date, type_text
from sopdoc import ParserInfo, hookimpl, plugins
from testdata import SAMPLES
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store
from sopdoc.vocabulary import CRITERIA
from sopdoc.outputs.blanks import BlanksError, write_blanks
from sopdoc.workspace import init_workspace, open_workspace

CODES = {"banten": "36.09", "bontang": "64.74.09", "tanjungbalai": "12.72.07", "sidoarjo": "35.15.07",
         "bengkulu": "17.71.07"}
SAMPLE_KINDS = {"banten": "xlsx", "bontang": "xlsx", "tanjungbalai": "xlsx", "sidoarjo": "docx", "bengkulu": "docx"}
SAMPLE_DAYS = {"banten": dt.date(2025, 5, 14), "bontang": dt.date(2024, 10, 30), "tanjungbalai": dt.date(2019, 5, 29),
               "sidoarjo": dt.date(2019, 11, 6), "bengkulu": dt.date(2018, 4, 18)}
FILLED_ON = dt.date(2026, 3, 9)
RECEIVED = dt.datetime(2026, 3, 10, 10, 0)
NEW_PERIOD = """
[[regions.{region}.periods]]
id = "{region}-2026"
name = "Evaluasi SOP Tahun 2026"
opens = 2026-03-02
closes = 2026-03-20
"""
# answers chosen for the SOPs of a filled blank, by position
PATTERNS = [(True,) * 7, (True, False, True, True, False, True, True), (False, True, True, True, True, True, False),
            (True, True, False, True, True, True, True)]
FOLLOW_UPS = ["dipertahankan", "direvisi", "dicabut", "direvisi"]
IMPLEMENTATIONS = ["baik", "tidak_baik", "baik", "baik"]


def _at(region: str, moment: dt.datetime) -> dt.datetime:
    tz = "Asia/Makassar" if region == "bontang" else "Asia/Jakarta"
    return moment.replace(tzinfo=ZoneInfo(tz))


def workspace_with_history(root, region):
    """A workspace of `region` whose Dinas Kesehatan sent the sample form in the bundled period,
    and a new period 2026 to write blanks for."""
    ws = init_workspace(root, region)
    shutil.copy(SAMPLES / f"{region}-contoh.{SAMPLE_KINDS[region]}", ws.inbox)
    intake = Intake(ws, clock=lambda: _at(region, dt.datetime.combine(SAMPLE_DAYS[region], dt.time(10))))
    try:
        assert [o.outcome for o in intake.process_all()] == ["accepted"]
    finally:
        intake.close()
    with open(ws.root / "periods.toml", "a", encoding="utf-8") as f:
        f.write(NEW_PERIOD.format(region=region))
    return open_workspace(ws.root)  # a workspace reads periods.toml once


def send_back(ws, region, path):
    """Process a returned file as the intake does; the canonical object of the submission."""
    shutil.copy(path, ws.inbox / path.name)
    intake = Intake(ws, clock=lambda: _at(region, RECEIVED))
    try:
        outcomes = intake.process_all()
    finally:
        intake.close()
    assert [o.outcome for o in outcomes] == ["accepted"], outcomes
    store = Store(ws.store_path)
    try:
        return store.submissions(period=f"{region}-2026")[-1]
    finally:
        store.close()


def blank_for(ws, region):
    store = Store(ws.store_path)
    try:
        run = write_blanks(ws, store, f"{region}-2026", agency_codes=(CODES[region],))
    finally:
        store.close()
    assert len(run.written) == 1
    return run.written[0]


def expected_sop(row, number, title, i, region):
    has_impl = region in ("banten", "sidoarjo")
    has_follow = region != "tanjungbalai"
    return {"row": row, "number": number, "title": title, "criteria": dict(zip(CRITERIA, PATTERNS[i % 4])),
            "implementation": IMPLEMENTATIONS[i % 4] if has_impl else None,
            "notes": f"Catatan {i + 1}", "follow_up": FOLLOW_UPS[i % 4] if has_follow else None}


# -- filling each region's blank as an agency would -----------------------------------------------

WORDS = {True: "Ya", False: "Tidak"}
IMPL_WORDS = {"baik": "Baik", "tidak_baik": "Tidak Baik"}
FOLLOW_WORDS = {"dipertahankan": "Dipertahankan", "direvisi": "Direvisi", "dicabut": "Dicabut"}


def fill_banten(path, out):
    wb = openpyxl.load_workbook(path)
    ws = wb["Evaluasi SOP"]
    first = 11
    prefilled = rows_with(ws, 3, first)
    assert len(prefilled) >= 2
    ws.delete_rows(prefilled[1])  # this SOP was not evaluated
    kept = prefilled[:-1]
    new_row = kept[-1] + 1
    type_text(ws, new_row, 2, "SOP/DINKES/099/2026")
    type_text(ws, new_row, 3, "Pelayanan Rujukan Pasien")
    expected = []
    for i, r in enumerate([*kept, new_row]):
        type_text(ws, r, 1, i + 1)
        for j, answer in enumerate(PATTERNS[i % 4]):
            choose(ws, r, 4 + j, WORDS[answer])
        choose(ws, r, 11, IMPL_WORDS[IMPLEMENTATIONS[i % 4]])
        type_text(ws, r, 12, f"Catatan {i + 1}")
        choose(ws, r, 13, FOLLOW_WORDS[FOLLOW_UPS[i % 4]])
        expected.append(expected_sop(i + 1, ws.cell(r, 2).value, ws.cell(r, 3).value, i, "banten"))
    type_date(ws, 6, 3, FILLED_ON)
    place = next(c for row in ws.iter_rows() for c in row if c.value == "Serang, ")
    type_text(ws, place.row, place.column, "Serang, 9 Maret 2026")
    type_text(ws, place.row + 1, place.column, "Kepala Bagian Umum")
    type_text(ws, place.row + 5, place.column, "Rina Marlina, S.E., M.M.")
    type_text(ws, place.row + 6, place.column, "NIP. 19711027 199504 1 002")
    wb.save(out)
    return expected


BONTANG_STATUS = {"dipertahankan": "Tetap", "direvisi": "Revisi", "dicabut": "Dicabut"}


def fill_bontang(path, out):
    wb = openpyxl.load_workbook(path)
    ws = wb["EVALUASI"]
    first = 11
    prefilled = rows_with(ws, 3, first)
    ws.delete_rows(prefilled[1])
    kept = prefilled[:-1]
    new_row = kept[-1] + 1
    type_text(ws, new_row, 2, "SOP/DINKES/099/2026")
    type_text(ws, new_row, 3, "Pelayanan Rujukan Pasien")
    expected = []
    for i, r in enumerate([*kept, new_row]):
        type_text(ws, r, 1, i + 1)
        for j, answer in enumerate(PATTERNS[i % 4]):
            choose(ws, r, 4 + j, "1" if answer else "0")
        choose(ws, r, 12, BONTANG_STATUS[FOLLOW_UPS[i % 4]])
        type_text(ws, r, 13, f"Catatan {i + 1}")
        expected.append(expected_sop(i + 1, ws.cell(r, 2).value, ws.cell(r, 3).value, i, "bontang"))
    identity = wb["IDENTITAS"]
    type_date(identity, 4, 2, FILLED_ON)
    type_text(identity, 5, 2, "Hendra Gunawan, S.H.")
    type_text(identity, 6, 2, "19770813 199910 2 004")
    type_text(identity, 7, 2, "Kasubag Umum dan Kepegawaian")
    wb.save(out)
    return expected


def fill_tanjungbalai(path, out):
    wb = openpyxl.load_workbook(path)
    ws = wb["Sheet1"]
    first = 9
    prefilled = rows_with(ws, 2, first)
    ws.delete_rows(prefilled[1])
    kept = prefilled[:-1]
    new_row = kept[-1] + 1
    type_text(ws, new_row, 2, "Pelayanan Rujukan Pasien")
    type_text(ws, new_row, 3, "SOP/DINKES/099/2026")
    expected = []
    for i, r in enumerate([*kept, new_row]):
        type_text(ws, r, 1, i + 1)
        for j, answer in enumerate(PATTERNS[i % 4]):
            choose(ws, r, 4 + 2 * j + (0 if answer else 1), "\u221a")
        type_text(ws, r, 18, f"Catatan {i + 1}")
        expected.append(expected_sop(i + 1, ws.cell(r, 3).value, ws.cell(r, 2).value, i, "tanjungbalai"))
    type_date(ws, 5, 3, FILLED_ON)
    place = next(c for row in ws.iter_rows() for c in row if c.value == "Tanjungbalai, ")
    type_text(ws, place.row, place.column, "Tanjungbalai, 9 Maret 2026")
    type_text(ws, place.row + 1, place.column, "Sekretaris")
    type_text(ws, place.row + 5, place.column, "Dra. Siti Nurhaliza")
    type_text(ws, place.row + 6, place.column, "NIP. 19730716 199904 2 012")
    wb.save(out)
    return expected


def _sign_word(doc, place: str, position: str, name: str, nip: str) -> None:
    paragraphs = doc.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith(f"{place}, "))
    pick_date(controls(paragraphs[at]._p, "date")[0], FILLED_ON)
    paragraphs[at + 1].add_run(position)
    paragraphs[at + 5].add_run(name)
    nip_line = next(p for p in paragraphs[at:] if p.text.startswith("NIP."))
    nip_line.add_run(nip)


def fill_sidoarjo(path, out):
    doc = docx.Document(path)
    identity, a, b = doc.tables[:3]
    a_rows, b_rows = a.rows[1:], b.rows[2:]
    prefilled = [i for i, row in enumerate(a_rows) if row.cells[2].text.strip()]
    removed = prefilled[1]
    for row in (a_rows[removed], b_rows[removed]):
        row._tr.getparent().remove(row._tr)
    a_rows, b_rows = a.rows[1:], b.rows[2:]
    kept = prefilled[:-1]
    new = kept[-1] + 1
    set_text(a_rows[new].cells[1], "SOP/DINKES/099/2026")
    set_text(a_rows[new].cells[2], "Pelayanan Rujukan Pasien")
    set_text(b_rows[new].cells[1], "Pelayanan Rujukan Pasien")
    expected = []
    for i, r in enumerate([*kept, new]):
        a_cells, b_cells = a_rows[r].cells, b_rows[r].cells
        for cell in (a_cells[0], b_cells[0]):
            set_text(cell, str(i + 1))
        pick(controls(a_cells[3]._tc, "dropDownList")[0], IMPL_WORDS[IMPLEMENTATIONS[i % 4]])
        set_text(a_cells[4], f"Catatan {i + 1}")
        pick(controls(a_cells[5]._tc, "dropDownList")[0], FOLLOW_WORDS[FOLLOW_UPS[i % 4]])
        for k, answer in enumerate(PATTERNS[i % 4]):
            tick(controls(b_cells[2 + 2 * k + (0 if answer else 1)]._tc, "checkbox")[0])
        expected.append(expected_sop(i + 1, a_cells[1].text, a_cells[2].text, i, "sidoarjo"))
    pick_date(controls(identity.rows[1].cells[2]._tc, "date")[0], FILLED_ON)
    set_text(identity.rows[2].cells[2], "Ahmad Fauzi, S.Sos., M.Si.")
    set_text(identity.rows[3].cells[2], "19751223 200404 1 013")
    _sign_word(doc, "Sidoarjo", "Kepala Dinas", "Ahmad Fauzi, S.Sos., M.Si.", "19751223 200404 1 013")
    doc.save(out)
    return expected


def _sections(doc) -> list:
    """Each SOP section of a Bengkulu form as its body elements, from "N. Nama SOP" to "Tindak Lanjut"."""
    sections, current = [], None
    for element in doc.element.body.iterchildren():
        text = Paragraph(element, None).text if element.tag.endswith("}p") else ""
        if re.match(r"\d+\. Nama SOP :", text):
            current = [element]
            sections.append(current)
        elif current is not None:
            current.append(element)
            if text.startswith("Tindak Lanjut"):
                current = None
    return sections


def _retype(paragraph_element, text: str) -> None:
    paragraph = Paragraph(paragraph_element, None)
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    paragraph.add_run(text)


def fill_bengkulu(path, out):
    doc = docx.Document(path)
    sections = _sections(doc)
    assert len(sections) >= 2
    for element in sections[1]:  # this SOP was not evaluated
        element.getparent().remove(element)
    last = sections[-1]
    copy = [deepcopy(element) for element in last]  # a new SOP: the last section copied
    anchor = last[-1]
    for element in copy:
        anchor.addnext(element)
        anchor = element
    _retype(copy[1], "Nomor SOP : SOP/DINKES/099/2026")
    kept = [s for s in sections if s is not sections[1]] + [copy]
    expected = []
    for i, section in enumerate(kept):
        title = "Pelayanan Rujukan Pasien" if section is copy else \
            Paragraph(section[0], None).text.split(" : ", 1)[1]
        _retype(section[0], f"{i + 1}. Nama SOP : {title}")
        table = Table(next(e for e in section if e.tag.endswith("}tbl")), None)
        for k, answer in enumerate(PATTERNS[i % 4]):
            cells = table.rows[1 + k].cells
            tick(controls(cells[2 if answer else 3]._tc, "checkbox")[0])
        set_text(table.rows[1].cells[4], f"Catatan {i + 1}")
        pick(controls(section[-1], "dropDownList")[0], FOLLOW_WORDS[FOLLOW_UPS[i % 4]])
        number = Paragraph(section[1], None).text.split(" : ", 1)[1]
        expected.append(expected_sop(i + 1, number, title, i, "bengkulu"))
    date_line = next(p for p in doc.paragraphs if p.text.startswith("Tanggal Evaluasi"))
    pick_date(controls(date_line._p, "date")[0], FILLED_ON)
    _sign_word(doc, "Bengkulu", "Kasubag Umum dan Kepegawaian", "Yuliana Pratiwi, S.AP.", "19790913 200401 2 019")
    doc.save(out)
    return expected


FILLERS = {"banten": fill_banten, "bontang": fill_bontang, "tanjungbalai": fill_tanjungbalai,
           "sidoarjo": fill_sidoarjo, "bengkulu": fill_bengkulu}


@pytest.mark.parametrize("region", sorted(FILLERS))
def test_a_filled_blank_comes_back_exact_and_without_warning(region, tmp_path):
    ws = workspace_with_history(tmp_path / "ws", region)
    blank = blank_for(ws, region)
    assert blank.prefilled >= 2 and blank.from_period is not None
    filled = tmp_path / f"diisi {blank.path.name}"
    expected = FILLERS[region](blank.path, filled)
    document = send_back(ws, region, filled)
    assert document["agency"]["code"] == CODES[region]
    assert document["period"] == f"{region}-2026"
    assert document["filled_on"] == FILLED_ON.isoformat()
    assert document["sops"] == expected
    assert document["warnings"] == []


def test_the_prefilled_sops_are_the_earlier_ones_not_withdrawn(tmp_path):
    ws = workspace_with_history(tmp_path / "ws", "banten")
    blank = blank_for(ws, "banten")
    sheet = openpyxl.load_workbook(blank.path)["Evaluasi SOP"]
    titles = [sheet.cell(r, 3).value for r in rows_with(sheet, 3, 11)]
    # the sample's first SOP was withdrawn (dicabut): it is not evaluated again
    assert titles == ["Penerbitan Surat Tugas", "Pengadaan Barang/Jasa Langsung",
                      "Verifikasi Surat Perintah Membayar", "Pengelolaan Surat Masuk", "Penyusunan Standar Pelayanan"]


def test_an_unknown_agency_code_is_refused(banten_ws):
    store = Store(banten_ws.store_path)
    try:
        with pytest.raises(BlanksError, match="99.99"):
            write_blanks(banten_ws, store, "banten-2025-tahap-1", agency_codes=("99.99",))
    finally:
        store.close()


def test_every_agency_but_the_organiser_gets_one(banten_ws):
    store = Store(banten_ws.store_path)
    try:
        run = write_blanks(banten_ws, store, "banten-2025-tahap-1")
    finally:
        store.close()
    codes = {w.agency_code for w in run.written}
    register = banten_ws.register()
    assert codes == {a.code for a in register.agencies} - {banten_ws.region().organizer_code}
    assert "36.05" not in codes
    assert all(w.path.parent == banten_ws.outbox / "banten-2025-tahap-1" / "formulir" for w in run.written)


def test_builtin_parsers_offer_blanks():
    assert {"banten"} <= plugins.blank_parsers()


def test_the_documented_hook_example_writes_a_workbook():
    from pathlib import Path

    from sopdoc import BlankForm, BlankSop

    docs = (Path(__file__).resolve().parents[1] / "docs" / "plugin_hooks.md").read_text()
    example = docs.split("## sopdoc_blank_form(")[1].split("```python")[1].split("```")[0]
    namespace: dict = {}
    exec(example, namespace)  # the page's example, as printed
    blank = BlankForm("Dinas Kesehatan", "Provinsi Papua", "Jayapura", "papua-2026", "Evaluasi SOP 2026",
                      dt.date(2026, 1, 1), dt.date(2026, 6, 30), (BlankSop("SOP/001", "Pelayanan Rujukan"),))
    assert namespace["sopdoc_blank_form"](parser="lain", blank=blank) is None
    data = namespace["sopdoc_blank_form"](parser="papua", blank=blank)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Evaluasi SOP"]
    assert sheet["B1"].value == "Dinas Kesehatan" and sheet["C5"].value == "Pelayanan Rujukan"
    assert sheet.protection.sheet


# -- the stamp on return --------------------------------------------------------------------------


@pytest.fixture
def banten_filled(tmp_path):
    """A Banten workspace with history and Dinas Kesehatan's blank for 2026, filled in."""
    ws = workspace_with_history(tmp_path / "ws", "banten")
    blank = blank_for(ws, "banten")
    filled = tmp_path / "Evaluasi SOP Dinkes 2026.xlsx"
    fill_banten(blank.path, filled)
    return ws, filled


def _set_property(path, name, value):
    wb = openpyxl.load_workbook(path)
    for prop in wb.custom_doc_props.props:
        if prop.name == name:
            prop.value = value
    wb.save(path)


def test_a_stamp_edited_by_hand_is_ignored_with_a_warning(banten_filled):
    ws, filled = banten_filled
    _set_property(filled, "sopdoc.agency", "36.10")  # File > Properties > Custom, by hand
    document = send_back(ws, "banten", filled)
    assert document["agency"]["code"] == "36.09"  # the typed name decides
    assert [w["code"] for w in document["warnings"]] == ["identitas_formulir_rusak"]


def test_a_stamp_of_another_agency_gives_way_to_the_typed_name(banten_filled):
    from sopdoc.stamp import Stamp, stamp_package

    ws, filled = banten_filled
    other = Stamp("banten", "36.10", "banten-2026", "banten/1.0")  # intact, but another agency's
    filled.write_bytes(stamp_package(filled.read_bytes(), other))
    document = send_back(ws, "banten", filled)
    assert document["agency"]["code"] == "36.09"
    warnings = document["warnings"]
    assert [w["code"] for w in warnings] == ["identitas_formulir_berbeda"]
    assert "Dinas Kesehatan" in warnings[0]["message"]


def test_an_erased_name_is_recognised_by_the_stamp_with_a_warning(banten_filled):
    ws, filled = banten_filled
    wb = openpyxl.load_workbook(filled)
    wb["Evaluasi SOP"]["C4"] = None
    wb.save(filled)
    document = send_back(ws, "banten", filled)
    assert document["agency"]["code"] == "36.09"
    assert [w["code"] for w in document["warnings"]] == ["opd_dari_identitas_formulir"]


def test_a_form_uploaded_through_another_agencys_link_is_flagged(banten_filled):
    from sopdoc.reading import identity, parsing

    ws, filled = banten_filled
    register = ws.register()
    reading = parsing.read_file(filled, region_key="banten", register=register)
    assert reading.agency.code == "36.09" and reading.stamp.stamp.agency == "36.09"

    def through_link_of(code):
        return identity.upload_link_warnings(reading.agency, reading.stamp, register.by_code[code])

    assert through_link_of("36.09") == []
    flagged = through_link_of("36.10")
    assert [w.code for w in flagged] == ["tautan_opd_lain"]
    assert register.by_code["36.10"].name in flagged[0].message


def test_the_portal_flags_a_blank_uploaded_through_another_agencys_link(banten_filled):
    from testdata import keep_periods_open
    from webportal import agency_links, client, upload

    ws, filled = banten_filled
    ws = keep_periods_open(ws)  # the upload arrives today, long after the 2026 period
    with client(ws) as http:
        response = upload(http, agency_links(ws)["36.10"], filled.read_bytes(), name=filled.name)
    verdict = response.json()
    assert verdict["outcome"] == "accepted" and verdict["submission"]["agency"]["code"] == "36.09"
    assert "tautan_opd_lain" in [w["code"] for w in verdict["warnings"]]


def test_a_form_without_a_stamp_reads_as_before(tmp_path):
    from sopdoc.reading import parsing

    ws = init_workspace(tmp_path / "ws", "banten")
    reading = parsing.read_file(SAMPLES / "banten-contoh.xlsx", region_key="banten", register=ws.register())
    assert reading.stamp.stamp is None and not reading.stamp.broken
    assert reading.agency.code == "36.09" and reading.agency_warnings == []


# -- every region's blank opens in LibreOffice and is its parser's form ------------------------------


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_every_regions_blank_opens_in_libreoffice_and_is_recognised(tmp_path):
    import subprocess

    from sopdoc.outputs.letters import to_pdf
    from sopdoc.reading import parsing
    from sopdoc.reading.sniff import Limits

    blanks = {}
    for region in sorted(CODES):
        ws = init_workspace(tmp_path / region, region)
        store = Store(ws.store_path)
        try:
            blanks[region] = write_blanks(ws, store, ws.region().periods[0].id, agency_codes=(CODES[region],))
        finally:
            store.close()
    for region, run in blanks.items():
        document = parsing.open_document(run.written[0].path, run.written[0].path.name, Limits())
        assert parsing.recognize(document, region).name == region
    paths = [run.written[0].path for run in blanks.values()]
    pdfs = to_pdf(paths, tmp_path / "pdf")  # one LibreOffice run; a file it must repair gives no PDF
    for (region, run), pdf in zip(blanks.items(), pdfs):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Dinas Kesehatan" in text and run.written[0].agency_name == "Dinas Kesehatan", region


# -- cover letters ----------------------------------------------------------------------------------

LETTERS_CONFIG = """
[letters]
signer_name = "Dr. Hendra Gunawan, S.STP., M.Si."
signer_nip = "197502142000031003"
signer_position = "Kepala Biro Organisasi dan Reformasi Birokrasi"
letterhead = ["PEMERINTAH PROVINSI BANTEN", "SEKRETARIAT DAERAH"]
letterhead_address = ["Kawasan Pusat Pemerintahan Provinsi Banten (KP3B)"]
tembusan = ["Sekretaris Daerah Provinsi Banten"]
number_pattern = "065/{seq:03d}/Biro-Org/{year}"
"""
NOW = dt.datetime(2025, 5, 8, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def _configured(ws, extra=""):
    from sopdoc.workspace import open_workspace

    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(LETTERS_CONFIG + extra)
    return open_workspace(ws.root)


def _blanks_and_letters(ws, **options):
    from sopdoc.outputs.cover_letters import issue_cover_letters

    store = Store(ws.store_path)
    try:
        run = write_blanks(ws, store, "banten-2025-tahap-1", agency_codes=("36.09", "36.10"), now=NOW)
        return run, issue_cover_letters(ws, store, run, now=NOW, **options)
    finally:
        store.close()


def _letter_text(path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_a_cover_letter_gives_the_agencys_own_upload_link_and_its_qr_code(banten_ws):
    from sopdoc.intake.store import Store as _Store
    from sopdoc.portal import links as upload_links
    from sopdoc.portal.secret import workspace_secret

    ws = _configured(banten_ws)
    run, issue = _blanks_and_letters(ws, portal_url="http://10.0.0.5:8080")
    assert [letter.number for letter in issue.letters] == ["065/001/Biro-Org/2025", "065/002/Biro-Org/2025"]
    store = _Store(ws.store_path)
    try:
        found = upload_links.current_links(store, workspace_secret(ws.root), ws.register(), "banten-2025-tahap-1", NOW)
    finally:
        store.close()
    url = next(link.url("http://10.0.0.5:8080") for link in found if link.agency_code == "36.09")
    letter = next(letter for letter in issue.letters if letter.agency_code == "36.09")
    text = _letter_text(letter.path)
    assert url in text and "36.09 Dinas Kesehatan.xlsx" in text
    assert "Jumat, 16 Mei 2025" in text and "Kepala Dinas Kesehatan Provinsi Banten" in text
    assert len(docx.Document(letter.path).inline_shapes) == 1  # the QR code
    other = next(letter for letter in issue.letters if letter.agency_code == "36.10")
    assert url not in _letter_text(other.path)


def test_cover_letters_are_not_issued_twice(banten_ws):
    ws = _configured(banten_ws, '\n[forms]\nreturn_folder = "\\\\\\\\biro-org\\\\Evaluasi SOP\\\\inbox"\n')
    _, first = _blanks_and_letters(ws)
    assert len(first.letters) == 2
    assert "\\\\biro-org\\Evaluasi SOP\\inbox" in _letter_text(first.letters[0].path)
    _, second = _blanks_and_letters(ws)
    assert second.letters == [] and len(second.already) == 2


def test_without_the_portal_or_a_shared_folder_only_drafts_are_written(banten_ws):
    from sopdoc.outputs.letters import IncompleteConfig

    ws = _configured(banten_ws)
    with pytest.raises(IncompleteConfig, match="return_folder"):
        _blanks_and_letters(ws)
    _, drafts = _blanks_and_letters(ws, draft=True)
    assert [letter.number for letter in drafts.letters] == ["DRAF", "DRAF"]
    assert "[folder bersama]" in _letter_text(drafts.letters[0].path)


def test_forms_command_writes_blanks_and_cover_letters(banten_ws, run):
    ws = _configured(banten_ws)
    result = run("forms", "-w", ws.root, "--period", "banten-2025-tahap-1", "--agency", "36.09",
                 "--portal", "http://10.0.0.5:8080", "--now", "2025-05-08T09:00:00")
    assert result.exit_code == 0, result.output
    assert "36.09      Dinas Kesehatan (tanpa SOP terdahulu)" in result.output
    assert "surat 065/001/Biro-Org/2025" in result.output
    assert (ws.outbox / "banten-2025-tahap-1" / "formulir" / "36.09 Dinas Kesehatan.xlsx").is_file()
    refused = run("forms", "-w", ws.root, "--agency", "99.99", "--now", "2025-05-08T09:00:00")
    assert refused.exit_code == 2 and "99.99" in refused.output


# -- hostile text, failing plugins, damaged stamps ---------------------------------------------------


def _hostile_blank():
    from sopdoc import BlankForm, BlankSop

    return BlankForm("Dinas Kesehatan", "Provinsi Banten", "Serang", "banten-2025-tahap-1", "Tahap I",
                     dt.date(2025, 5, 1), dt.date(2025, 7, 1),
                     (BlankSop('=HYPERLINK("http://x","klik")', "+1-1"), BlankSop("@SUM(A1)", "-2")))


@pytest.mark.parametrize("region", ["banten", "bontang", "tanjungbalai"])
def test_an_earlier_sop_title_never_comes_back_as_a_formula(region):
    data = plugins.get_manager().hook.sopdoc_blank_form(parser=region, blank=_hostile_blank())
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    formulas = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert all(f.startswith("=IF(COUNT(") for f in formulas)  # Bontang's own Nilai column only
    texts = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert {'=HYPERLINK("http://x","klik")', "+1-1", "@SUM(A1)", "-2"} <= texts


class _Broken:
    def __init__(self, answer):
        self.answer = answer

    @hookimpl
    def sopdoc_parser_info(self):
        return ParserInfo("rusak", "0.1", "banten", ("xlsx",))

    @hookimpl
    def sopdoc_blank_form(self, parser, blank):
        if parser != "rusak":
            return None
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize("answer, message", [(RuntimeError("boom"), "rusak gagal menulis formulir kosong"),
                                             (b"not a zip", "tidak menghasilkan berkas .xlsx")])
def test_a_failing_blank_writer_stops_the_run_with_its_name(banten_ws, answer, message):
    pm = plugins.make_manager(load_entrypoints=False)
    pm.unregister(name="sopdoc_regions.banten")
    pm.register(_Broken(answer), name="rusak")
    store = Store(banten_ws.store_path)
    try:
        with pytest.raises(BlanksError, match=message):
            write_blanks(banten_ws, store, "banten-2025-tahap-1", agency_codes=("36.09",), pm=pm)
    finally:
        store.close()


def test_a_region_whose_parser_writes_no_blanks_is_told_so(banten_ws):
    class Reader:
        @hookimpl
        def sopdoc_parser_info(self):
            return ParserInfo("hanya-baca", "0.1", "banten", ("xlsx",))

    pm = plugins.make_manager(load_entrypoints=False)
    pm.unregister(name="sopdoc_regions.banten")
    pm.register(Reader(), name="hanya-baca")
    assert "hanya-baca" not in plugins.blank_parsers(pm)
    store = Store(banten_ws.store_path)
    try:
        with pytest.raises(BlanksError, match="Tidak ada pengurai daerah 'banten' yang menyediakan formulir kosong"):
            write_blanks(banten_ws, store, "banten-2025-tahap-1", pm=pm)
    finally:
        store.close()


def test_plugins_command_says_which_parsers_write_blanks(run):
    result = run("plugins")
    lines = [line for line in result.output.splitlines() if line.split()[:1] in (["banten"], ["bengkulu"])]
    assert len(lines) == 2 and all("formulir kosong" in line and "tanpa formulir" not in line for line in lines)


def _package(custom_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("docProps/custom.xml", custom_xml)
    return out.getvalue()


@pytest.mark.parametrize("custom, broken", [
    ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>', False),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Properties>&a;</Properties>', True),
    ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
     'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
     '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="sopdoc.agency">'
     '<vt:lpwstr>36.09</vt:lpwstr></property></Properties>', True),  # a stamp with parts missing
])
def test_stamps_that_are_absent_or_damaged(tmp_path, custom, broken):
    from sopdoc.stamp import read_stamp

    path = tmp_path / "berkas.xlsx"
    path.write_bytes(_package(custom))
    found = read_stamp(path)
    assert found.stamp is None and found.broken is broken


def test_a_stamp_survives_saving_by_openpyxl_and_is_absent_from_other_files(tmp_path):
    from sopdoc.stamp import Stamp, read_stamp, stamp_package

    stamp = Stamp("banten", "36.09", "banten-2025-tahap-1", "banten/1.0")
    path = tmp_path / "blank.xlsx"
    path.write_bytes(stamp_package(plugins.get_manager().hook.sopdoc_blank_form(parser="banten",
                                                                                blank=_hostile_blank()), stamp))
    openpyxl.load_workbook(path).save(path)
    assert read_stamp(path).stamp == stamp
    assert read_stamp(tmp_path / "missing.xlsx").stamp is None
    (tmp_path / "not-a-zip.xlsx").write_bytes(b"hello")
    assert read_stamp(tmp_path / "not-a-zip.xlsx") == read_stamp(tmp_path / "missing.xlsx")


@pytest.mark.soffice
def test_a_stamp_survives_saving_in_libreoffice(tmp_path):
    from sopdoc.reading.office import find_soffice, run_soffice
    from sopdoc.stamp import read_stamp

    for region in ("banten", "sidoarjo"):
        ws = init_workspace(tmp_path / region, region)
        store = Store(ws.store_path)
        try:
            blank = write_blanks(ws, store, ws.region().periods[0].id, agency_codes=(CODES[region],)).written[0]
        finally:
            store.close()
        kind = blank.path.suffix[1:]
        run_soffice(find_soffice(), ["--convert-to", kind, "--outdir", str(tmp_path / "lo"), str(blank.path)], 180)
        saved = read_stamp(tmp_path / "lo" / blank.path.name)
        assert saved.stamp is not None and saved.stamp.agency == CODES[region], region


def test_a_return_folder_that_is_not_text_is_refused(banten_ws):
    from sopdoc.outputs.letters import LettersError

    ws = _configured(banten_ws, "\n[forms]\nreturn_folder = 5\n")
    with pytest.raises(LettersError, match="return_folder harus berupa teks"):
        _blanks_and_letters(ws)
