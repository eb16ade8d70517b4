"""The words agencies really write, one table per kind (labels, yes/no, choices, dates, NIP)."""
import datetime as dt

import pytest

from sopdoc.formkit import normalize as norm
from sopdoc.vocabulary import FOLLOW_UP_WORDS, IMPLEMENTATION_WORDS


@pytest.mark.parametrize("label,key", [
    ("Nama Dinas", "agency"), ("Satuan Kerja", "agency"), ("SATKER :", "agency"), ("OPD/Unit Kerja", "agency"),
    ("Organisasi Perangkat Daerah", "agency"), ("Nama Perangkat Daerah (OPD)", "agency"),
    ("Perangkat  Daerah", "agency"), ("Dinas / Badan", "agency"),
    ("Tgl Pengisian", "filled_on"), ("Tggl. Pengisian", "filled_on"), ("Tanggal Pengisian Formulir", "filled_on"),
    ("Hari / Tanggal", "filled_on"), ("Waktu Pengisian", "filled_on"), ("Tanggal Monev", "filled_on"),
    ("Tahapan Evaluasi", "period"),
    ("Nama Petugas", "signer"), ("Diisi oleh", "signer"), ("Nama Evaluator", "signer"),
    ("NIP Penandatangan", "nip"), ("Jab.", "position"), ("Jabatan Penandatangan", "position"),
    ("Nama SOP", None), ("Nama", None), ("Keterangan", None),
])
def test_identity_labels(label, key):
    assert norm.match_label(label, norm.IDENTITY_LABELS) == key


@pytest.mark.parametrize("text,value", [
    ("Ya", True), ("YA.", True), ("ok", True), ("Iya", True), ("Memenuhi", True),
    ("Tidak", False), ("tdk", False), ("Tak", False), ("Tdk Memenuhi", False), ("Belum Sesuai", False),
])
def test_yes_no_words(text, value):
    assert norm.yes_no(text) is value


@pytest.mark.parametrize("text", ["Mungkin", "Ya/Tidak", "Cukup", "Sudah"])
def test_uncertain_yes_no_words_are_unreadable(text):
    with pytest.raises(norm.Unreadable):
        norm.yes_no(text)


@pytest.mark.parametrize("text,value", [
    ("Sangat Baik", "baik"), ("Baik sekali", "baik"), ("Tdk Baik", "tidak_baik"), ("Buruk", "tidak_baik"),
    ("KURANG BAIK.", "tidak_baik"),
])
def test_implementation_words(text, value):
    assert norm.choice(text, IMPLEMENTATION_WORDS) == value


@pytest.mark.parametrize("text,value", [
    ("Tetap Berlaku", "dipertahankan"), ("Di pertahankan", "dipertahankan"), ("Di Revisi", "direvisi"),
    ("Perlu Perbaikan", "direvisi"), ("Perbaikan", "direvisi"), ("Dihapuskan", "dicabut"), ("Di cabut", "dicabut"),
])
def test_follow_up_words(text, value):
    assert norm.choice(text, FOLLOW_UP_WORDS) == value


@pytest.mark.parametrize("text", ["Cukup Baik", "Lanjut", "Ditinjau"])
def test_uncertain_choices_are_unreadable(text):
    with pytest.raises(norm.Unreadable):
        norm.choice(text, {**IMPLEMENTATION_WORDS, **FOLLOW_UP_WORDS})


@pytest.mark.parametrize("text", [
    "14 Mei 2025", "Rabu, 14 Mei 2025", "Hari Rabu, 14 Mei 2025", "Rabu tanggal 14 Mei 2025",
    "tanggal 14 Mei 2025", "Tgl. 14 Mei 2025", "14 Mei 2025 M", "14 Mei 2025 M.", "14 Mei 2025 Masehi",
    "14 Mei 2025 M / 16 Zulkaidah 1446 H", "14-Mei-2025", "14 Mei, 2025",
])
def test_dates_with_day_names_and_eras(text):
    assert norm.parse_date(text) == dt.date(2025, 5, 14)


@pytest.mark.parametrize("text,date", [
    ("28-Okt-2024", dt.date(2024, 10, 28)), ("3 Febuari 2025", dt.date(2025, 2, 3)),
    ("17 Agus 2025", dt.date(2025, 8, 17)), ("5 Pebuari 2025", dt.date(2025, 2, 5)),
])
def test_month_spellings(text, date):
    assert norm.parse_date(text) == date


@pytest.mark.parametrize("text", ["14 Mai 2025", "14 Meii 2025", "Mei 2025", "........ Mei 2025"])
def test_misspelt_or_incomplete_dates_are_unreadable(text):
    with pytest.raises(norm.Unreadable):
        norm.parse_date(text)


@pytest.mark.parametrize("line,date", [
    ("Serang, 14 Mei 2025 M", dt.date(2025, 5, 14)), ("Serang, Rabu 14 Mei 2025", dt.date(2025, 5, 14)),
    ("Bengkulu, ........ November 2026", None),
])
def test_place_and_date_lines(line, date):
    assert norm.is_place_date_line(line)
    assert norm.date_at_end(line) == date


@pytest.mark.parametrize("text", [
    "NIP. 19711027 199504 1 002", "N.I.P. 19711027 199504 1 002", "NIP: 19711027.199504.1.002",
    "Nip 19711027-199504-1-002", "N I P 197110271995041002",
])
def test_nip_spellings(text):
    assert norm.parse_nip(text) == "197110271995041002"


def test_a_name_starting_like_nip_is_not_a_nip_line():
    assert not norm.nip_in_text("Ni Putu Ayu, S.E.")
