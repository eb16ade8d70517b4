"""Agency text that makes backtracking patterns take quadratic time costs milliseconds here, in
every function that reads or matches what an agency typed."""
import time

import pytest

import hostile
from sopdoc.formkit import fields, normalize, worddoc
from sopdoc.rules.agencies import MAX_NAME_CHARS, Register, load_register, name_key
from sopdoc.vocabulary import IMPLEMENTATION_WORDS

TEXTS = hostile.backtracking_texts()


@pytest.fixture(scope="module")
def banten():
    return Register(load_register("banten"), "Provinsi Banten", {"Dinas Kesehtan": "36.09"})


def readers(register):
    """Every function that puts agency text through a pattern."""
    return {
        "name_key": lambda t: name_key(t, "Provinsi Banten"),
        "match": register.match,
        "clean_text": normalize.clean_text,
        "label_key": normalize.label_key,
        "split_label_value": normalize.split_label_value,
        "choice": lambda t: normalize.choice(t, IMPLEMENTATION_WORDS),
        "parse_date": normalize.parse_date,
        "date_at_end": normalize.date_at_end,
        "parse_nip": normalize.parse_nip,
        "nip_in_text": normalize.nip_in_text,
        "criterion_key": normalize.criterion_key,
        "legend_criterion": normalize.legend_criterion,
        "roman_stage": normalize.roman_stage,
        "yes_no": normalize.yes_no,
        "position": fields._looks_like_position,
        "word code": worddoc._CODE.match,
        "label numbering": normalize._NUMBERING.match,
        "row number": normalize._ROW_NUMBER.fullmatch,
    }


@pytest.mark.parametrize("text_name", sorted(TEXTS))
def test_every_reader_of_agency_text_is_linear(banten, text_name):
    text = TEXTS[text_name]
    slow = {}
    for name, read in readers(banten).items():
        started = time.process_time()
        try:
            read(text)
        except normalize.Unreadable:
            pass
        spent = time.process_time() - started
        if spent > 0.05:  # a quadratic pattern takes seconds on these
            slow[name] = round(spent, 3)
    assert slow == {}


def test_region_words_run_costs_milliseconds_and_matches_nothing(banten):
    started = time.process_time()
    agency, warnings = banten.match("Dinas " + "kota " * 20000 + "x")
    assert time.process_time() - started < 0.05
    assert agency is None
    assert [w.code for w in warnings] == ["opd_tidak_dikenal"]
    assert "terlalu panjang" in warnings[0].message
    assert len(warnings[0].message) < 300  # the text itself is not repeated whole


def test_names_up_to_the_cap_still_match(banten):
    padded = "Dinas Kesehatan" + " " * (MAX_NAME_CHARS - len("Dinas Kesehatan"))
    assert banten.match(padded)[0].code == "36.09"
    assert banten.match("Dinas Kesehatan " + "Provinsi " * 3 + "Banten")[0].code == "36.09"
    assert banten.match("Pemerintah Provinsi Banten")[0] is None


def test_name_key_word_by_word_is_the_old_rule():
    assert name_key("Dinas Kesehatan Provinsi Banten", "Provinsi Banten") == "dinas kesehatan"
    assert name_key("DINKES PROV. BANTEN", "Provinsi Banten") == "dinkes"
    assert name_key("Inspektorat Daerah", "Provinsi Banten") == "inspektorat daerah"
    assert name_key("Banten", "Provinsi Banten") == "banten"
    assert name_key("kota banten", "Provinsi Banten") == "kota"
    assert name_key("Dinas Pendidikan Kota Bontang", "Kota Bontang") == "dinas pendidikan"
