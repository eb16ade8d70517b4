"""Table-driven tests of the pure normalisers."""
import datetime as dt
import sys

import pytest

from sopdoc.formkit import normalize as norm
from sopdoc.vocabulary import FOLLOW_UP_WORDS, IMPLEMENTATION_WORDS

D = dt.date


@pytest.mark.parametrize("value,font,expected", [
    ("Ya", None, True), ("ya", None, True), ("YA", None, True), ("Y", None, True),
    ("\u221a", None, True), ("\u2713", None, True), ("\u2714", None, True), ("v", None, True),
    ("V", None, True), (1, None, True), ("1", None, True), ("TRUE", None, True), (True, None, True),
    ("\u00fc", "Wingdings", True), ("P", "Wingdings 2", True), ("\uf0fc", "Wingdings", True),
    ("Tidak", None, False), ("tdk", None, False), ("T", None, False), ("x", None, False),
    ("X", None, False), (0, None, False), ("0", None, False), ("FALSE", None, False), ("-", None, False),
    ("\u00fb", "Wingdings", False), ("Ya ", None, True), ("\u00a0Ya\u00a0", None, True),
    (None, None, None), ("", None, None), ("   ", None, None), ("\u2610", None, None),
])
def test_yes_no(value, font, expected):
    assert norm.yes_no(value, font) is expected


@pytest.mark.parametrize("value,font", [
    ("mungkin", None), (2, None), ("P", None), ("\u00fc", "Calibri"), ("Yaa", None),
])
def test_yes_no_unreadable(value, font):
    with pytest.raises(norm.Unreadable):
        norm.yes_no(value, font)


@pytest.mark.parametrize("value,font,expected", [
    ("\u221a", None, True), ("x", None, True), ("V", None, True), ("\u00fc", "Wingdings", True), (1, None, True),
    (None, None, False), ("", None, False), ("-", None, False), ("\u2610", None, False), (0, None, False),
])
def test_is_marked(value, font, expected):
    assert norm.is_marked(value, font) is expected


@pytest.mark.parametrize("value,column,expected", [
    ("Ya", True, True), ("ya.", True, True), ("Tidak", False, True), ("tdk", False, True),
    ("v", False, True), ("X", True, True), ("1", True, True), (1, False, True), ("\u221a", False, True),
    ("0", True, False), (0, False, False), (None, True, False), ("-", False, False),
])
def test_is_marked_in_its_column(value, column, expected):
    assert norm.is_marked(value, None, column) is expected


@pytest.mark.parametrize("value,column", [
    ("Tidak", True), ("Ya", False), ("?", True), ("#N/A", True), ("Ya/Tidak", True), (-1, True),
    ("-1", False), (2, True), (dt.date(2025, 5, 14), True), ("lihat catatan", False),
])
def test_what_is_no_mark_in_its_column_is_unreadable(value, column):
    with pytest.raises(norm.Unreadable) as caught:
        norm.is_marked(value, None, column)
    assert caught.value.code == "tanda_tidak_terbaca"


@pytest.mark.parametrize("yes,no,expected", [
    (True, False, (True, None)), (False, True, (False, None)),
    (True, True, (None, "ganda")), (False, False, (None, "kosong")),
])
def test_two_column_answer(yes, no, expected):
    assert norm.two_column_answer(yes, no) == expected


@pytest.mark.parametrize("value,expected", [
    (dt.datetime(2025, 5, 16, 0, 0), D(2025, 5, 16)), (D(2025, 5, 16), D(2025, 5, 16)),
    (45793, D(2025, 5, 16)), (45793.0, D(2025, 5, 16)), ("45793", D(2025, 5, 16)),
    ("16 Mei 2025", D(2025, 5, 16)), ("Jumat, 16 Mei 2025", D(2025, 5, 16)), ("Jum'at, 16 Mei 2025", D(2025, 5, 16)),
    ("16/05/2025", D(2025, 5, 16)), ("16-05-2025", D(2025, 5, 16)), ("16.05.2025", D(2025, 5, 16)),
    ("2025-05-16", D(2025, 5, 16)), ("05/06/2025", D(2025, 6, 5)), ("5/6/2025", D(2025, 6, 5)),
    ("16 Agt 2025", D(2025, 8, 16)), ("16 Agu 2025", D(2025, 8, 16)), ("1 Des 2025", D(2025, 12, 1)),
    ("1 Okt 2025", D(2025, 10, 1)), ("3 Peb 2025", D(2025, 2, 3)), ("16 MEI 2025", D(2025, 5, 16)),
    ("16-Mei-2025", D(2025, 5, 16)), ("Rabu, 29 Mei 2019", D(2019, 5, 29)), ("6 Nopember 2019", D(2019, 11, 6)),
    ("16\u00a0Mei\u00a02025", D(2025, 5, 16)), ("16 Mei, 2025", D(2025, 5, 16)),
    (None, None), ("", None),
])
def test_parse_date(value, expected):
    assert norm.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "16 Foo 2025", "kemarin", 12, 1.5, "2025/16/05", "13/13/2025"])
def test_parse_date_unreadable(value):
    with pytest.raises(norm.Unreadable):
        norm.parse_date(value)


@pytest.mark.parametrize("text,expected", [
    ("Serang, 14 Mei 2025", D(2025, 5, 14)), ("Tanjungbalai, 29 Mei 2019", D(2019, 5, 29)),
    ("Bengkulu,  18 April 2018", D(2018, 4, 18)), ("Kepala Dinas", None), (None, None),
])
def test_date_at_end(text, expected):
    assert norm.date_at_end(text) == expected


@pytest.mark.parametrize("value,expected", [
    ("NIP. 19711027 199504 1 002", "197110271995041002"), ("NIP 197110271995041002", "197110271995041002"),
    ("197110271995041002", "197110271995041002"), ("NIP: 19711027 199504 1 002", "197110271995041002"),
    ("19711027\u00a0199504\u00a01\u00a0002", "197110271995041002"), ("nip.19711027.199504.1.002", "197110271995041002"),
    (None, None), ("", None), ("NIP.", None), ("-", None),
])
def test_parse_nip(value, expected):
    assert norm.parse_nip(value) == expected


@pytest.mark.parametrize("value,code", [
    (197110271995041002, "nip_angka"), (1.9711027199504102e17, "nip_angka"), (197110271995041000, "nip_angka"),
    ("NIP. 19711027 199504 1 00", "nip_tidak_valid"), ("1971102719950410021", "nip_tidak_valid"),
    ("19711327 199504 1 002", "nip_tidak_valid"), ("19711027 199504 3 002", "nip_tidak_valid"),
    ("19711027 199513 1 002", "nip_tidak_valid"), ("NIP. abc", "nip_tidak_valid"),
])
def test_parse_nip_unreadable(value, code):
    with pytest.raises(norm.Unreadable) as e:
        norm.parse_nip(value)
    assert e.value.code == code


@pytest.mark.parametrize("text,expected", [
    ("Perangkat Daerah", "agency"), ("PERANGKAT DAERAH :", "agency"), ("Perangkat Daerah:", "agency"),
    ("OPD", "agency"), ("Nama OPD", "agency"), ("Unit Kerja", "agency"), ("Nama Perangkat Daerah", "agency"),
    ("Tgl. Pengisian", "filled_on"), ("Tanggal Pengisian :", "filled_on"), ("Hari/Tanggal", "filled_on"),
    ("TGL PENGISIAN", "filled_on"), ("Tanggal Evaluasi", "filled_on"), ("Tanggal Monitoring", "filled_on"),
    ("Tahap Evaluasi", "period"), ("NIP", "nip"), ("N I P", None), ("Nama Pengisi", "signer"),
    ("Jabatan", "position"), ("Perangkat", None), ("", None),
])
def test_match_label(text, expected):
    assert norm.match_label(text, norm.IDENTITY_LABELS) == expected


@pytest.mark.parametrize("text,expected", [
    ("Unit Kerja : Dinas Kesehatan", ("Unit Kerja", "Dinas Kesehatan")),
    ("Unit Kerja: Dinas Kesehatan", ("Unit Kerja", "Dinas Kesehatan")),
    ("Unit Kerja :", ("Unit Kerja", None)), ("Unit Kerja", ("Unit Kerja", None)),
    ("Hari/Tanggal : Rabu, 29 Mei 2019", ("Hari/Tanggal", "Rabu, 29 Mei 2019")),
])
def test_split_label_value(text, expected):
    assert norm.split_label_value(text) == expected


@pytest.mark.parametrize("value,words,expected", [
    ("Baik", IMPLEMENTATION_WORDS, "baik"), ("TIDAK BAIK", IMPLEMENTATION_WORDS, "tidak_baik"),
    ("Kurang Baik", IMPLEMENTATION_WORDS, "tidak_baik"), ("-", IMPLEMENTATION_WORDS, None),
    ("Dipertahankan", FOLLOW_UP_WORDS, "dipertahankan"), ("Tetap", FOLLOW_UP_WORDS, "dipertahankan"),
    ("Revisi", FOLLOW_UP_WORDS, "direvisi"), ("direvisi.", FOLLOW_UP_WORDS, "direvisi"),
    ("DICABUT", FOLLOW_UP_WORDS, "dicabut"), (None, FOLLOW_UP_WORDS, None),
])
def test_choice(value, words, expected):
    assert norm.choice(value, words) == expected


def test_choice_unreadable():
    with pytest.raises(norm.Unreadable):
        norm.choice("Lanjut saja", FOLLOW_UP_WORDS)


@pytest.mark.parametrize("text,expected", [
    ("1. Mampu mendorong peningkatan kinerja", "mendorong_kinerja"), ("MUDAH DIPAHAMI", "mudah_dipahami"),
    ("K3", "mudah_dilaksanakan"), ("k 7", "sinergi"),
    ("(4) Semua orang dapat menjalankan perannya masing-masing", "peran_jelas"),
    ("Mampu mengatasi permasalahan yang\nberkaitan dengan proses", "atasi_masalah"), ("K8", None), ("Nama SOP", None),
])
def test_criterion_key(text, expected):
    assert norm.criterion_key(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Tahap I", "tahap-1"), ("TAHAP II", "tahap-2"), ("Tahap 2", "tahap-2"), ("II", "tahap-2"), ("Tahap X", None),
    (None, None),
])
def test_roman_stage(text, expected):
    assert norm.roman_stage(text) == expected


@pytest.mark.parametrize("value,expected", [
    ("  Dinas\u00a0 Kesehatan \n", "Dinas Kesehatan"), ("Pengelolaan\nArsip", "Pengelolaan Arsip"), (None, None),
    ("   ", None), (12.0, "12"),
])
def test_clean_text(value, expected):
    assert norm.clean_text(value) == expected


@pytest.mark.parametrize("value,font", [("\u2612", None), ("\u00fd", "Wingdings")])
def test_crossed_box_is_no_answer_alone_but_a_mark_in_a_pair(value, font):
    with pytest.raises(norm.Unreadable):
        norm.yes_no(value, font)
    assert norm.is_marked(value, font) is True


def test_nip_ending_000_was_rounded_by_excel():
    with pytest.raises(norm.Unreadable) as e:
        norm.parse_nip("197001011990031000")
    assert e.value.code == "nip_angka"


@pytest.mark.parametrize("text,numbered,expected", [
    ("Nama SOP", False, "title"), ("1. Nama SOP", False, None), ("1. Nama SOP", True, "title"),
    ("(2) Nomor SOP :", True, "number"), ("12 Nama SOP", True, None), ("", True, None), (None, True, None),
    ("Mampu mendorong peningkatan kinerja", True, None), ("1. " + "x" * 80, True, None),
])
def test_match_label_numbered(text, numbered, expected):
    # asked twice: the second answer is the memo's
    for _ in range(2):
        assert norm.match_label(text, norm.HEADER_LABELS, numbered) == expected


@pytest.mark.parametrize("cells,numbered,expected", [
    ([(1, "No"), (2, "Nama SOP"), (3, "Catatan")], False, {"no": 1, "title": 2, "notes": 3}),
    ([(2, "Keterangan"), (5, "Catatan")], False, {"notes": 5}),  # the label listed first wins
    ([(5, "Catatan"), (2, "Keterangan")], False, {"notes": 5}),
    ([(1, "1. Nama SOP"), (2, "Judul SOP")], True, {"title": 2}),  # a numbered label ranks last
    ([(1, "1. Nama SOP")], False, {}),
    ([(1, ""), (2, None), (3, 7)], False, {}),
])
def test_header_columns(cells, numbered, expected):
    assert norm.header_columns(cells, norm.HEADER_LABELS, numbered) == expected


@pytest.mark.parametrize("value,expected", [
    ("Ya", "y"), ("Y", "y"), ("TIDAK", "t"), ("T.", "t"), ("Tdk", None), ("Yes", None), ("", None), (None, None),
    (1, None),
])
def test_yes_no_column(value, expected):
    assert norm.yes_no_column(value) == expected


@pytest.mark.parametrize("value,expected", [
    (3, 3), (3.0, 3), (3.5, None), (True, None), ("3", 3), ("3.", 3), ("(3)", 3), ("3)", 3), (" 12 ", 12),
    ("12345", None), ("3a", None), ("", None), (None, None), ("1.2", None),
])
def test_row_number(value, expected):
    assert norm.row_number(value) == expected


def test_long_agency_text_is_not_kept_by_the_normalisers_memos():
    # a watcher reads file after file: remembered pages of pasted text would stay in its memory
    def held_after_normalising(text):
        before = sys.getrefcount(text)
        norm.clean_text(text), norm.label_key(text), norm.criterion_key(text)
        norm.match_label(text, norm.HEADER_LABELS, numbered=True)
        return sys.getrefcount(text) - before

    assert held_after_normalising("Nama SOP " + "x" * norm.MAX_MEMOISED_TEXT) == 0
    assert held_after_normalising("Nama SOP " + "y" * 10) > 0  # short texts are remembered
    assert norm.clean_text(" Nama  SOP " + "." * 2000) == "Nama SOP " + "." * 2000
