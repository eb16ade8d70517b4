"""Messy variants of the three Excel forms, one per item of FORMS.md that applies to Excel.

Each variant is a real .xlsx written by openpyxl from stated facts; the parse must give the facts back.
"""
import datetime as dt
import json
import shutil
from dataclasses import asdict

import openpyxl
import pytest

import excelforms as xf
from testdata import SAMPLES
from sopdoc.reading import parsing
from sopdoc.rules.agencies import Register, load_register

REGION_NAMES = {"banten": "Provinsi Banten", "bontang": "Kota Bontang", "tanjungbalai": "Kota Tanjungbalai"}


def read(path, region):
    register = Register(load_register(region), REGION_NAMES[region])
    return parsing.read_file(path, region_key=region, register=register)


def assert_facts(reading, facts, region, agency_code):
    form = reading.form
    assert reading.parser.name == region
    assert reading.agency is not None and reading.agency.code == agency_code
    assert form.filled_on == facts.filled_on.isoformat()
    assert form.signatory.name == facts.signer
    assert form.signatory.nip == facts.nip
    assert [asdict(s) for s in form.sops] == xf.expected_sops(facts, region)
    assert form.warnings == []


BANTEN_VARIANTS = {
    "clean": {},
    "rows inserted above": {"top_rows": 3},
    "columns inserted left": {"left_cols": 2},
    "rows and columns inserted": {"top_rows": 1, "left_cols": 1},
    "sheet renamed": {"sheet_name": "Sheet1"},
    "extra empty sheets": {"extra_sheets": ("Sheet2", "Sheet3")},
    "labels in capitals without colon": {"label_style": "upper"},
    "labels abbreviated and synonyms": {"label_style": "abbrev"},
    "label and value in one cell": {"label_style": "inline"},
    "colon in its own cell": {"label_style": "colon_cell"},
    "blank row inside the table": {"blank_row_after": 0},
    "total row under the table": {"total_row": True},
    "notes under the table": {"notes_below": True},
    "title with a line break": {"title_breaks": True},
    "non-breaking and trailing spaces": {"nbsp": True},
    "no column numbering row": {"header_numbering": False},
    "date as text": {"date_value": "14 Mei 2025"},
    "date as weekday text": {"date_value": "Rabu, 14 Mei 2025"},
    "date day-first numeric": {"date_value": "14/05/2025"},
    "date as Excel serial": {"date_value": 45791},
    "nip without spaces": {"nip_value": "NIP 197110271995041002"},
    "yes/no lower case": {"yes": "ya", "no": "tidak"},
    "yes/no abbreviated": {"yes": "Y", "no": "T"},
    "yes/no as check and cross": {"yes": "\u221a", "no": "x"},
    "agency in capitals with region": {"agency_value": "DINAS KESEHATAN PROVINSI BANTEN"},
    "agency short name": {"agency_value": "DINKES PROV. BANTEN"},
    "agency doubled spaces": {"agency_value": "Dinas  Kesehatan"},
}


@pytest.mark.parametrize("variant", BANTEN_VARIANTS)
def test_banten_variants(tmp_path, variant):
    facts = xf.Facts()
    path = xf.banten(tmp_path / "Evaluasi SOP Dinkes.xlsx", facts, **BANTEN_VARIANTS[variant])
    reading = read(path, "banten")
    assert_facts(reading, facts, "banten", "36.09")
    assert reading.form.period_hint == "tahap-1"


BONTANG_VARIANTS = {
    "clean": {},
    "sheets renamed": {"identity_sheet": "Data OPD", "eval_sheet": "Isian"},
    "sheets moved": {"sheet_order": ("EVALUASI", "IDENTITAS", "PETUNJUK")},
    "no legend": {"legend": False},
    "blank row inside the table": {"blank_row_after": 1},
    "date as text": {"date_value": "30/10/2024"},
    "nip without spaces": {"nip_value": "197708131999102004"},
    "answers as text digits": {"ones": "1"},
}


@pytest.mark.parametrize("variant", BONTANG_VARIANTS)
def test_bontang_variants(tmp_path, variant):
    facts = xf.Facts(filled_on=dt.date(2024, 10, 30), signer="Hendra Gunawan, S.H.", nip="197708131999102004")
    path = xf.bontang(tmp_path / "bontang.xlsx", facts, **BONTANG_VARIANTS[variant])
    assert_facts(read(path, "bontang"), facts, "bontang", "64.74.09")


TANJUNGBALAI_FACTS = dict(filled_on=dt.date(2019, 5, 29), signer="Dra. Siti Nurhaliza",
                          nip="197307161999042012", position="Sekretaris", sops=xf.default_sops(3, 2019))
TANJUNGBALAI_VARIANTS = {
    "clean": {},
    "check mark \u2713": {"mark": "\u2713"},
    "check mark \u2714": {"mark": "\u2714"},
    "check mark v": {"mark": "v"},
    "check mark V": {"mark": "V"},
    "check mark x in the chosen column": {"mark": "X"},
    "Wingdings check": {"mark": "\u00fc", "mark_font": "Wingdings"},
    "Wingdings 2 check": {"mark": "P", "mark_font": "Wingdings 2"},
    "rows and columns inserted": {"top_rows": 2, "left_cols": 1},
    "sheet renamed": {"sheet_name": "Monev SOP"},
    "label synonym": {"unit_label": "OPD"},
    "date numeric": {"date_text": "29-05-2019"},
}


@pytest.mark.parametrize("variant", TANJUNGBALAI_VARIANTS)
def test_tanjungbalai_variants(tmp_path, variant):
    facts = xf.Facts(**TANJUNGBALAI_FACTS)
    path = xf.tanjungbalai(tmp_path / "monev.xlsx", facts, **TANJUNGBALAI_VARIANTS[variant])
    assert_facts(read(path, "tanjungbalai"), facts, "tanjungbalai", "12.72.07")


def test_formula_cells_without_cached_values_are_ignored(tmp_path):
    # openpyxl writes formulas without cached values, as programs other than Excel do: the
    # Bontang "Nilai" column and a Banten "JUMLAH" row must not disturb the parse
    facts = xf.Facts()
    path = xf.banten(tmp_path / "b.xlsx", facts, total_row=True)
    assert openpyxl.load_workbook(path, data_only=True)["Evaluasi SOP"]["D14"].value is None
    assert_facts(read(path, "banten"), facts, "banten", "36.09")


@pytest.mark.parametrize("name", ["Evaluasi SOP.XLSX", "evaluasi sop dinkes (revisi).xlsm", "Évaluasi – SOP.xlsx"])
def test_file_name_endings_and_spaces(tmp_path, name):
    facts = xf.Facts()
    source = xf.banten(tmp_path / "x.xlsx", facts)
    path = tmp_path / name
    shutil.copy(source, path)
    assert_facts(read(path, "banten"), facts, "banten", "36.09")


# --- warnings: values that cannot be read are null plus a warning saying where ----------------

def codes(reading):
    return [(w.code, w.where) for w in reading.form.warnings]


def test_nip_stored_as_number_is_null_with_warning(tmp_path):
    path = xf.banten(tmp_path / "b.xlsx", nip_value=197110271995041002)
    reading = read(path, "banten")
    assert reading.form.signatory.nip is None
    assert ("nip_angka", "Evaluasi SOP!K21") in codes(reading)


def test_nip_as_number_in_identity_sheet(tmp_path):
    path = xf.bontang(tmp_path / "b.xlsx", nip_value=197708131999102004)
    reading = read(path, "bontang")
    assert reading.form.signatory.nip is None
    assert ("nip_angka", "IDENTITAS!B6") in codes(reading)


def test_unreadable_date_is_null_with_warning(tmp_path):
    reading = read(xf.banten(tmp_path / "b.xlsx", date_value="kemarin sore"), "banten")
    assert reading.form.filled_on is None
    assert ("tanggal_tidak_terbaca", "Evaluasi SOP!C6") in codes(reading)


def test_ambiguous_day_month_is_read_day_first(tmp_path):
    facts = xf.Facts(filled_on=dt.date(2025, 6, 5))
    reading = read(xf.banten(tmp_path / "b.xlsx", facts, date_value="05/06/2025"), "banten")
    assert reading.form.filled_on == "2025-06-05"


def test_unanswered_and_unreadable_criteria(tmp_path):
    overrides = {(0, 2): None, (1, 4): "mungkin"}
    reading = read(xf.banten(tmp_path / "b.xlsx", criterion_overrides=overrides), "banten")
    sops = reading.form.sops
    assert sops[0].criteria["mudah_dilaksanakan"] is None
    assert sops[1].criteria["atasi_masalah"] is None
    assert ("kriteria_kosong", "Evaluasi SOP!F11") in codes(reading)
    assert ("nilai_tidak_terbaca", "Evaluasi SOP!H12") in codes(reading)


def test_both_columns_marked_or_empty(tmp_path):
    overrides = {(0, 0): ("\u221a", "\u221a"), (1, 6): (None, None)}
    reading = read(xf.tanjungbalai(tmp_path / "t.xlsx", marks_override=overrides), "tanjungbalai")
    assert reading.form.sops[0].criteria["mendorong_kinerja"] is None
    assert reading.form.sops[1].criteria["sinergi"] is None
    assert ("kriteria_ganda", "Sheet1!D9:E9") in codes(reading)
    assert ("kriteria_kosong", "Sheet1!P10:Q10") in codes(reading)


def test_text_that_is_no_mark_in_its_column_is_null_with_a_warning(tmp_path):
    # a person could not tell what "?", "#N/A", "Ya/Tidak" or "Tidak" under Ya means: never a mark
    overrides = {(0, 0): ("?", None), (0, 1): ("#N/A", None), (0, 2): ("Ya/Tidak", None), (0, 3): ("Tidak", None),
                 (1, 0): ("Ya", None), (1, 1): (None, "Tidak"), (1, 2): ("X", None), (1, 3): (None, "v")}
    reading = read(xf.tanjungbalai(tmp_path / "t.xlsx", marks_override=overrides), "tanjungbalai")
    first, second = reading.form.sops[0].criteria, reading.form.sops[1].criteria
    assert [first[k] for k in list(first)[:4]] == [None] * 4
    assert [second[k] for k in list(second)[:4]] == [True, False, True, False]
    unreadable = [w for w in reading.form.warnings if w.code == "tanda_tidak_terbaca"]
    assert [w.where for w in unreadable] == ["Sheet1!D9:E9", "Sheet1!F9:G9", "Sheet1!H9:I9", "Sheet1!J9:K9"]


def test_symbol_without_symbol_font_is_not_a_check(tmp_path):
    # "ü" only means a check in a Wingdings cell; in Calibri it is a letter -> still a mark in its
    # column (the column decides), but in a single Ya/Tidak cell it must not read as Ya
    reading = read(xf.banten(tmp_path / "b.xlsx", criterion_overrides={(0, 0): "\u00fc"}), "banten")
    assert reading.form.sops[0].criteria["mendorong_kinerja"] is None
    assert ("nilai_tidak_terbaca", "Evaluasi SOP!D11") in codes(reading)


def test_unknown_follow_up_is_null_with_warning(tmp_path):
    facts = xf.Facts()
    path = xf.banten(tmp_path / "b.xlsx", facts)
    wb = openpyxl.load_workbook(path)
    wb["Evaluasi SOP"]["M11"] = "Dilanjutkan"
    wb.save(path)
    reading = read(path, "banten")
    assert reading.form.sops[0].follow_up is None
    assert ("nilai_tidak_terbaca", "Evaluasi SOP!M11") in codes(reading)


def test_agency_typo_is_null_code_with_warning(tmp_path):
    reading = read(xf.banten(tmp_path / "b.xlsx", agency_value="Dinas Kesehtan"), "banten")
    assert reading.agency is None
    assert [w.code for w in reading.agency_warnings] == ["opd_tidak_dikenal"]
    assert reading.agency_warnings[0].where == "Evaluasi SOP!C4"


@pytest.mark.parametrize("region", ["banten", "bontang", "tanjungbalai"])
def test_samples_give_their_expected_facts(region):
    reading = read(SAMPLES / f"{region}-contoh.xlsx", region)
    expected = json.loads((SAMPLES / f"{region}-contoh.expected.json").read_text())
    assert reading.agency.code == expected["agency"]["code"]
    assert reading.form.filled_on == expected["filled_on"]
    assert reading.form.signatory.nip == expected["signatory"]["nip"]
    got = [asdict(s) for s in reading.form.sops]
    for g, want in zip(got, expected["sops"]):
        assert {k: g[k] for k in want} == want


def test_a_blank_signatory_name_is_not_filled_with_the_position(tmp_path):
    facts = xf.Facts(signer=None)
    reading = read(xf.banten(tmp_path / "b.xlsx", facts), "banten")
    assert reading.form.signatory.name is None
    assert reading.form.signatory.position == facts.position
    assert "penandatangan_kosong" in [w.code for w in reading.form.warnings]
