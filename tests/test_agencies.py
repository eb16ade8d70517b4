import pytest

from sopdoc.rules.agencies import Register, load_register
from sopdoc.errors import WorkspaceError


@pytest.fixture(scope="module")
def banten():
    return Register(load_register("banten"), "Provinsi Banten")


@pytest.mark.parametrize("written,code", [
    ("Dinas Kesehatan", "36.09"), ("DINAS KESEHATAN", "36.09"), ("Dinas  Kesehatan", "36.09"),
    ("Dinas Kesehatan Provinsi Banten", "36.09"), ("DINKES PROV. BANTEN", "36.09"), ("Dinkes", "36.09"),
    ("dinas\u00a0kesehatan ", "36.09"), ("Satpol PP", "36.12"), ("Inspektorat Daerah", "36.40"),
    ("Inspektorat", "36.40"), ("Sekretariat Dewan Perwakilan Rakyat Daerah", "36.39"), ("Setwan", "36.39"),
    ("Dinas Komunikasi, Informatika, Statistik dan Persandian", "36.18"),
    ("Dinas Komunikasi Informatika Statistik dan Persandian Provinsi Banten", "36.18"),
])
def test_certain_matches(banten, written, code):
    agency, warnings = banten.match(written)
    assert agency is not None and agency.code == code
    assert warnings == []


@pytest.mark.parametrize("written,code", [
    ("Dinas Kesehtan", "opd_tidak_dikenal"), ("Dinas Kesehatan Hewan", "opd_tidak_dikenal"),
    ("Kantor Pos", "opd_tidak_dikenal"), ("", "opd_kosong"), (None, "opd_kosong"),
])
def test_uncertain_is_null_with_warning(banten, written, code):
    agency, warnings = banten.match(written, where="Evaluasi SOP!C4")
    assert agency is None
    assert [w.code for w in warnings] == [code]
    assert warnings[0].where == "Evaluasi SOP!C4"


def test_typo_warning_suggests_the_near_name(banten):
    _, warnings = banten.match("Dinas Kesehtan")
    assert "Dinas Kesehatan" in warnings[0].message and "alias" in warnings[0].message


def test_alias_from_config():
    register = Register(load_register("banten"), "Provinsi Banten", {"Dinas Kesehtan": "36.09"})
    agency, warnings = register.match("DINAS KESEHTAN")
    assert agency.code == "36.09" and warnings == []


def test_alias_to_unknown_code_is_an_error():
    with pytest.raises(WorkspaceError, match="99.99"):
        Register(load_register("banten"), "Provinsi Banten", {"X": "99.99"})


@pytest.mark.parametrize("region", ["banten", "bontang", "sidoarjo", "bengkulu", "tanjungbalai"])
def test_every_register_matches_its_own_names(region):
    from sopdoc.rules.deadlines import load_regions

    agencies = load_register(region)
    register = Register(agencies, load_regions()[region].name)
    for agency in agencies:
        found, _ = register.match(agency.name)
        assert found is not None and found.code == agency.code, agency.name


@pytest.mark.parametrize("written,code", [
    ("Badan Kepegawaian Daerah Provinsi Banten", "36.34"), ("BADAN PENDAPATAN DAERAH PROV BANTEN", "36.33"),
    ("Inspektorat Daerah Provinsi Banten", "36.40"), ("Sekretariat DPRD Provinsi Banten", None),
])
def test_names_ending_in_daerah_with_the_region(banten, written, code):
    agency, _ = banten.match(written)
    assert (agency.code if agency else None) == code
