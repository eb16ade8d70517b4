"""Normalisers shared by every parser: pure functions from a raw cell/paragraph value to a model value.

Each one either returns a confident value, returns None for a blank, or raises `Unreadable` with an
Indonesian message -- the parser turns that into a `null` plus a warning saying where. None of them
guesses: an ambiguous input is unreadable.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Optional

from sopdoc.vocabulary import CRITERIA, CRITERIA_LABELS, MONTHS, RANKS


class Unreadable(ValueError):
    """A value is present but cannot be read with confidence. `code` is the warning code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- text -------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
# Characters that take no room on the printed page (zero-width spaces and joiners, the byte-order
# mark, soft hyphens, direction marks): they are dropped, never turned into a space inside a word.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# Parsers ask for the same cells many times, so the text normalisers keep what they worked out,
# but only for short texts: agency text is unbounded, and 8192 remembered pages of a pasted
# document would stay in a watcher's memory long after the files they came from.
_MEMO_SIZE = 8192
MAX_MEMOISED_TEXT = 1000


def _memoised(function):
    """`function` of one value, remembering its last _MEMO_SIZE results for all but long texts."""
    remembered = functools.lru_cache(maxsize=_MEMO_SIZE, typed=True)(function)

    @functools.wraps(function)
    def memoised(value):
        if isinstance(value, str) and len(value) > MAX_MEMOISED_TEXT:
            return function(value)
        return remembered(value)

    return memoised


@_memoised
def clean_text(value) -> Optional[str]:
    """Text with every kind of space and line break folded to one space, trimmed; None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub(" ", _INVISIBLE.sub("", str(value))).strip()
    return text or None


# Abbreviations and spellings seen in retyped labels, expanded before labels are compared.
_LABEL_WORDS = {
    "tgl": "tanggal",
    "tggl": "tanggal",
    "tangal": "tanggal",
    "tanggl": "tanggal",
    "nm": "nama",
    "no": "no",
    "nomer": "nomor",
    "jbtn": "jabatan",
    "jbt": "jabatan",
    "jab": "jabatan",
    "pelaks": "pelaksana",
}


@_memoised
def label_key(text) -> str:
    """A label reduced for comparison: lower case, no colons/dots/slashes, abbreviations expanded.

    >>> label_key("  TGL. Pengisian :")
    'tanggal pengisian'
    """
    text = clean_text(text) or ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[:.;/\\()\[\]_*]+", " ", text)
    words = [_LABEL_WORDS.get(w, w) for w in text.split()]
    return " ".join(words)


def is_example(title) -> bool:
    """A template's example row ("Contoh: Pelayanan Surat Masuk"), which a person does not read as an SOP."""
    return label_key(title).split(" ", 1)[0] in ("contoh", "misal", "misalnya")


_FILLER = re.compile(r"[-\u2013\u2014.\u2026_?/ ]+")
_PLACEHOLDERS = {"dst", "dsb", "dll", "dan seterusnya", "dan sebagainya", "dan lain lain", "dan lain-lain"}


def is_placeholder(text) -> bool:
    """Text that stands for nothing ("-", "...", "dst."): a row holding only this names no SOP."""
    text = clean_text(text)
    return bool(text) and (_FILLER.fullmatch(text) is not None or label_key(text) in _PLACEHOLDERS)


def split_label_value(text) -> tuple:
    """Split "Unit Kerja : Dinas Kesehatan" into ("Unit Kerja", "Dinas Kesehatan").

    The value is None when there is no colon or nothing after it.
    """
    text = clean_text(text) or ""
    label, colon, value = text.partition(":")
    if not colon:
        return text, None
    return label.strip(), clean_text(value)


# Labels are never long; longer cell texts (titles, notes) are not compared at all.
MAX_LABEL_LENGTH = 80
_NUMBERING = re.compile(r"^\s*\(?\d{1,3}\s*[.)]\s*")
# Texts already matched, per synonyms table: parsers ask every cell of a form, and the same
# headers on every form. Agency text is unbounded, so the memo is emptied when it is full.
_label_indexes: dict = {}


def _label_index(synonyms: dict) -> tuple:
    """({label_key: name} of a synonyms table, its memos of matched texts: plain, numbered)."""
    cached = _label_indexes.get(id(synonyms))
    if cached is None or cached[0] is not synonyms:
        index = {}
        for name, labels in synonyms.items():
            for label in labels:
                index.setdefault(label_key(label), name)
        cached = _label_indexes[id(synonyms)] = (synonyms, index, ({}, {}))
    return cached[1], cached[2]


def match_label(text, synonyms: dict, numbered: bool = False) -> Optional[str]:
    """The key of `synonyms` ({key: (label, ...)}) whose label equals `text` after `label_key`;
    with `numbered`, also a label under a number of its own ("1. Nama SOP")."""
    if not isinstance(text, str):
        return None
    index, memos = _label_index(synonyms)
    matched = memos[numbered] if len(text) <= MAX_MEMOISED_TEXT else {}
    if text not in matched:
        if len(matched) >= _MEMO_SIZE:
            matched.clear()
        matched[text] = _matched(text, index) or (_matched_numbered(text, index) if numbered else None)
    return matched[text]


def _matched(text: str, index: dict) -> Optional[str]:
    if len(text) > MAX_LABEL_LENGTH:
        return None
    key = label_key(text)
    return index.get(key) if key else None


def _matched_numbered(text: str, index: dict) -> Optional[str]:
    # Only a numbered text can match once its number is taken off (most cells are not labels).
    numbered = _NUMBERING.match(text)
    return _matched(text[numbered.end():], index) if numbered else None


# Identity-field labels on the five forms and their retyped synonyms (FORMS.md).
IDENTITY_LABELS = {
    "agency": (
        "Perangkat Daerah", "Nama Perangkat Daerah", "OPD", "Nama OPD", "Unit Kerja",
        "Nama Unit Kerja", "SKPD", "Nama SKPD", "Instansi", "Nama Instansi",
        "Organisasi Perangkat Daerah", "Nama Organisasi Perangkat Daerah", "Satuan Kerja Perangkat Daerah",
        "Satuan Kerja", "Nama Satuan Kerja", "Satker", "Nama Dinas", "Dinas/Badan", "Nama Dinas/Badan",
        "OPD/Unit Kerja", "Unit Kerja/OPD", "Perangkat Daerah/Unit Kerja", "SKPD/Unit Kerja",
        "Nama Perangkat Daerah (OPD)", "Perangkat Daerah (PD)", "Nama Unit Organisasi",
    ),
    "filled_on": (
        "Tanggal Pengisian", "Tanggal", "Hari/Tanggal", "Hari Tanggal", "Tanggal Evaluasi",
        "Tanggal Monitoring", "Tanggal Pelaksanaan", "Tanggal Pengisian Formulir", "Tanggal Isi",
        "Tanggal Diisi", "Waktu Pengisian", "Tanggal Pelaksanaan Evaluasi", "Tanggal Pelaksanaan Monitoring",
        "Tanggal Penilaian", "Tanggal Monev", "Tanggal Monitoring dan Evaluasi", "Hari/Tanggal Monitoring",
        "Hari/Tanggal Evaluasi",
    ),
    "period": ("Tahap Evaluasi", "Tahap", "Tahapan Evaluasi", "Tahapan"),
    "signer": ("Nama Pengisi", "Pelaksana Monitoring", "Nama Pelaksana", "Nama Penandatangan",
               "Nama Pelaksana Monitoring", "Pelaksana Evaluasi", "Nama Petugas", "Petugas Monitoring",
               "Nama Evaluator", "Evaluator", "Diisi Oleh", "Nama Pejabat Pengisi", "Yang Mengisi"),
    "nip": ("NIP", "NIP Pengisi", "NIP Pelaksana", "NIP Penandatangan", "NIP Petugas", "NIP Evaluator",
            "NIP Pelaksana Monitoring"),
    "position": ("Jabatan", "Jabatan Pengisi", "Jabatan Penandatangan", "Jabatan Petugas", "Jabatan Pelaksana"),
}


# --- yes / no and check marks ----------------------------------------------------------------

# Symbol fonts: the character only means a mark because of its font.
_SYMBOL_FONTS = {
    "wingdings": {"\u00fc": "check", "\u00fe": "check", "\u00fb": "cross", "\u00fd": "crossed_box",
                  "\u00a8": "box", "o": "box", "q": "box"},
    "wingdings 2": {"P": "check", "R": "check", "Q": "cross", "O": "cross", "S": "cross",
                    "T": "cross", "\u00a3": "box"},
    "symbol": {"\u00d6": "check"},
}
_CHECKS = set("\u221a\u2713\u2714\u2611\u2705\U0001f5f8")
_CROSSES = set("\u2717\u2718\u2715\u2716\u274c")
# A box with an X is Word's glyph of a *ticked* check box, and also reads as "crossed out": a mark
# in a Ya | Tidak pair, but no answer by itself.
_CROSSED_BOXES = set("\u2612")
_EMPTY_BOXES = set("\u2610\u25a1")

# Letters people put in a box as a mark, in either column of a Ya | Tidak pair.
_MARK_LETTERS = {"v", "x"}
_YES_WORDS = {"ya", "y", "v", "1", "true", "benar", "yes", "iya", "sesuai", "memenuhi", "ok"}
_NO_WORDS = {"tidak", "tdk", "tak", "t", "x", "0", "false", "-", "no", "salah", "tidak memenuhi",
             "tdk memenuhi", "tidak sesuai", "tdk sesuai", "belum", "belum memenuhi", "belum sesuai"}


def is_symbol_font(font: Optional[str]) -> bool:
    """Does `font` print pictures in place of letters (Wingdings, Symbol, Webdings, ...)?"""
    name = (font or "").strip().lower()
    return name in _SYMBOL_FONTS or name.startswith(("wingdings", "webdings", "marlett", "zapf dingbats"))


def symbol_meaning(char: str, font: Optional[str]) -> Optional[str]:
    """"check", "cross" or "box" for a symbol-font character (also Word's U+F0xx form), else None."""
    if len(char) != 1:
        return None
    code = ord(char)
    if 0xF000 <= code <= 0xF0FF:  # Word stores w:sym characters in the private use area
        char = chr(code - 0xF000)
    table = _SYMBOL_FONTS.get((font or "").strip().lower())
    return table.get(char) if table else None


def _mark_kind(text: str, font: Optional[str]) -> Optional[str]:
    meaning = symbol_meaning(text, font)
    if meaning:
        return meaning
    if text in _CHECKS:
        return "check"
    if text in _CROSSES:
        return "cross"
    if text in _EMPTY_BOXES:
        return "box"
    if text in _CROSSED_BOXES:
        return "crossed_box"
    return None


def yes_no(value, font: Optional[str] = None) -> Optional[bool]:
    """A single Ya/Tidak cell: True, False, or None when blank. Raises Unreadable otherwise.

    `font` is the cell's font name, which decides what a symbol-font character means.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise Unreadable("nilai_tidak_terbaca", f"nilai {value!r} bukan Ya/Tidak (1/0)")
    text = clean_text(value)
    if text is None:
        return None
    kind = _mark_kind(text, font)
    if kind == "check":
        return True
    if kind == "cross":
        return False
    if kind == "box":
        return None
    if kind == "crossed_box":
        raise Unreadable("nilai_tidak_terbaca", f"tanda {text!r} bisa berarti dicentang atau dicoret")
    if is_symbol_font(font) and any(ch.isalpha() for ch in text):
        # "v" in Wingdings prints as a diamond, not as a v: the page shows no Ya or Tidak
        raise Unreadable("nilai_tidak_terbaca", f"isian {text!r} dalam huruf simbol {font} bukan Ya/Tidak")
    word = text.lower().rstrip(".")
    if word in _YES_WORDS:
        return True
    if word in _NO_WORDS:
        return False
    raise Unreadable("nilai_tidak_terbaca", f"isian {text!r} bukan Ya/Tidak")


def is_marked(value, font: Optional[str] = None, column: Optional[bool] = None) -> bool:
    """In a two-column Ya | Tidak layout: does this cell hold a mark? Blank, "-", 0 and an empty
    box are not marks; a check, a cross, a crossed box, a `v`, an `x` and 1 are, whatever the column.

    `column` says which column the cell is in (True: Ya, False: Tidak). Then a word counts as a
    mark only in its own column ("Ya" under Ya, "Tidak" under Tidak), and anything else -- the
    other column's word, other text, other numbers, a date -- raises Unreadable: a person could not
    tell what it means. Without `column` any non-blank cell counts (does this row hold answers?).
    """
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, (int, float)) and (value in (0, 1) or column is None):
        return value != 0
    text = clean_text(value)
    if text is None or text in {"-", "\u2013", "\u2014"}:
        return False
    kind = _mark_kind(text, font)
    if kind == "box":
        return False
    if kind is not None or column is None:
        return True
    word = text.lower().rstrip(".")
    if word in _MARK_LETTERS or word == "1":
        return True
    if word == "0":
        return False
    if word in (_YES_WORDS if column else _NO_WORDS):
        return True
    raise Unreadable("tanda_tidak_terbaca", f"isian {text!r} di kolom {'Ya' if column else 'Tidak'} bukan tanda")


def two_column_answer(yes_marked: bool, no_marked: bool) -> tuple:
    """(value, problem) for a Ya | Tidak pair: problem is None, "kosong" or "ganda"."""
    if yes_marked and no_marked:
        return None, "ganda"
    if yes_marked:
        return True, None
    if no_marked:
        return False, None
    return None, "kosong"


# --- choices ----------------------------------------------------------------------------------

def choice(value, words: dict) -> Optional[str]:
    """Map a cell to one of `words`' values; None when blank or "-". Raises Unreadable otherwise."""
    text = clean_text(value)
    if text is None or text in {"-", "\u2013", "\u2014"}:
        return None
    key = text.lower().rstrip(".!").strip()
    if key in words:
        return words[key]
    raise Unreadable("nilai_tidak_terbaca", f"isian {text!r} tidak dikenali")


# --- dates ------------------------------------------------------------------------------------

# every spelling of a month seen on forms (Indonesian, old spellings and slips, abbreviations,
# English) -> its number
MONTH_NUMBERS = {
    **{name.lower(): number for number, name in enumerate(MONTHS, start=1)},
    "jan": 1, "january": 1,
    "pebruari": 2, "febuari": 2, "pebuari": 2, "feb": 2, "peb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agst": 8, "agus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9,
    "okt": 10, "oct": 10, "october": 10,
    "nopember": 11, "nov": 11, "nop": 11,
    "des": 12, "dec": 12, "december": 12,
}
_WEEKDAYS = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)"
# "14/05/2025", "14 - 05 - 2025", "14.5.25": spaces around the separators are only typing
_NUMERIC_DATE = re.compile(r"^(\d{1,2}) ?[/.\-] ?(\d{1,2}) ?[/.\-] ?(\d{2}|\d{4})$")
# year first is never day-first: "2025-05-14", "2025/05/14"
_ISO_DATE = re.compile(r"^(\d{4}) ?[/.\-] ?(\d{1,2}) ?[/.\-] ?(\d{1,2})$")
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-.,]*([a-z]+)\.?[\s\-.,]*(\d{4}|\d{2})$")
# the month's name first ("Mei 14, 2025"): the name says which number is the month
_MONTH_FIRST_DATE = re.compile(r"^([a-z]+)\.? (\d{1,2}) ?, ?(\d{4})$")
# Excel serials for 1990-01-01 .. 2099-12-31: outside that window a number is not a date here.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Unreadable("tanggal_tidak_terbaca", f"tanggal {text!r} tidak ada di kalender") from None


def parse_date(value) -> Optional[dt.date]:
    """A date from a date cell, an Excel serial or Indonesian text, always day-first.

    None when blank; raises Unreadable when present but not a date read with confidence.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX and float(value).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise Unreadable("tanggal_tidak_terbaca", f"angka {value!r} bukan tanggal")
    text = clean_text(value)
    if text is None:
        return None
    low = text.lower()
    low = _bare_date(low)
    if m := _ISO_DATE.match(low):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC_DATE.match(low):
        return _make_date(int(m[3]), int(m[2]), int(m[1]), text)
    if m := _WORD_DATE.match(low):
        month = MONTH_NUMBERS.get(m[2])
        if month:
            return _make_date(int(m[3]), month, int(m[1]), text)
    if (m := _MONTH_FIRST_DATE.match(low)) and (month := MONTH_NUMBERS.get(m[1])):
        return _make_date(int(m[3]), month, int(m[2]), text)
    if low.isdigit() and len(low) == 5:
        return parse_date(int(low))
    raise Unreadable("tanggal_tidak_terbaca", f"tanggal {text!r} tidak dapat dibaca")


# What people write around a date: "Hari Rabu, tanggal 14 Mei 2025", "14 Mei 2025 M" (the era),
# "14 Mei 2025 M / 16 Zulkaidah 1446 H" (the Hijri date beside it).
_AROUND_DATE = (
    re.compile(rf"^(?:hari\s+)?{_WEEKDAYS}\s*[,./\-]?\s*"),
    re.compile(r"^(?:tanggal|tgl\.?)\s*[:.]?\s*"),
    re.compile(r"\s*/\s*\d{1,2}\s+[a-z' ]+\s+1[34]\d\d\s*h\.?$"),
    re.compile(r"\s+(?:m\.?|masehi)$"),
    re.compile(r"(?<=\d)\.$"),  # the full stop ending a typed line: "14/05/2025."
)


def _bare_date(low: str) -> str:
    """A lower-case date text without the day name, "tanggal", the era or a Hijri date beside it."""
    low = re.sub(r"\s+", " ", low).strip()
    for pattern in _AROUND_DATE:
        low = pattern.sub("", low)
    return low.strip()


_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(\d{1,2}[\s\-.,]*[A-Za-z]+\.?[\s\-.,]*\d{4}|\d{1,2} ?[/.\-] ?\d{1,2} ?[/.\-] ?(?:\d{4}|\d{2})"
    r"|\d{4} ?[/.\-] ?\d{1,2} ?[/.\-] ?\d{1,2})\s*$"
)


def date_at_end(text) -> Optional[dt.date]:
    """The date ending a place-and-date line ("Serang, 14 Mei 2025"); None when there is none."""
    text = clean_text(text)
    if text:
        text = _bare_date(text.lower())
    if not text:
        return None
    m = _DATE_IN_TEXT.search(text)
    if not m:
        return None
    try:
        return parse_date(m[1])
    except Unreadable:
        return None


# A place-and-date line: a place name, a comma, then a date as people leave it for the pen --
# the day blank or dotted ("Bengkulu, ........ November 2026", "Serang,    Mei 2025"), a month
# misspelt -- so long as it ends in a year or names a month.
_PLACE = re.compile(r"^([A-Za-z][A-Za-z .'\-]{1,40}),\s*(.*)$")
_YEAR_AT_END = re.compile(r"(?:19|20)\d\d\s*$")
_DATE_WORDS = {"senin", "selasa", "rabu", "kamis", "jumat", "jum", "at", "sabtu", "minggu", "ahad", "hari", "tanggal",
               "tgl", "pukul", "jam", "wib", "wita", "wit", "m", "h", "masehi"}


def is_place_date_line(text) -> bool:
    """Is this the place-and-date line of a signature block, whether or not its date is complete?"""
    text = clean_text(text)
    if not text or "," not in text:
        return False
    m = _PLACE.match(text)
    if not m or len(m[1].split()) > 4 or _POSITION_START.match(m[1]):
        return False
    rest = m[2]
    if date_at_end(text):
        return True
    if len(rest) > 40:
        return False
    words = re.findall(r"[a-z]+", rest.lower())
    if _YEAR_AT_END.search(rest) or (len(words) <= 2 and any(w in MONTH_NUMBERS for w in words)):
        return True
    # a date a parser cannot read ("14/5", "45791", "14 Mei 2025 pukul 10.00") is still a date:
    # digits, and no word that is not part of a date
    return any(ch.isdigit() for ch in rest) and all(w in MONTH_NUMBERS or w in _DATE_WORDS for w in words)


def starts_like_position(text) -> bool:
    """Does this line start as a position does ("Kepala ...", "a.n. ...", "Plt. ...")?"""
    return bool(_POSITION_START.match(clean_text(text) or ""))


# The words a position starts with: a line starting so is never a place name.
_POSITION_START = re.compile(
    r"^(?:a\.?\s?n\.?|plt\.?|plh\.?|pj\.?|kepala|sekretaris|kasubag|kasubbag|kabag|kasi|camat|lurah|"
    r"inspektur|direktur|asisten|pelaksana|staf|jabatan|mengetahui|menyetujui)\b",
    re.IGNORECASE,
)


# --- NIP --------------------------------------------------------------------------------------

_NIP_PREFIX = re.compile(r"^\s*n\.?\s?i\.?\s?p(?![a-z])\.?\s*[:.]?\s*", re.IGNORECASE)


def parse_nip(value) -> Optional[str]:
    """An 18-digit NIP from "NIP. 19700101 199003 1 001" and similar; None when blank.

    Raises Unreadable when the NIP is stored as a number (Excel has already rounded its last
    digits away, so any value read back would be a plausible-looking wrong NIP) or is malformed.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Unreadable(
            "nip_angka",
            "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya hilang; "
            "ketik NIP sebagai teks",
        )
    text = clean_text(value)
    if text is None:
        return None
    digits = _NIP_PREFIX.sub("", text)
    digits = re.sub(r"[\s.\-]", "", digits)
    if digits in {"", "-"}:
        return None
    if not re.fullmatch(r"\d{18}", digits):
        raise Unreadable("nip_tidak_valid", f"NIP {text!r} bukan 18 digit")
    if digits.endswith("000"):
        # serial numbers start at 001: "...000" is an Excel number whose last digits were rounded away
        raise Unreadable(
            "nip_angka",
            f"NIP {text!r} berakhir 000: digit terakhirnya hilang karena pernah tersimpan sebagai angka di Excel",
        )
    if not _plausible_nip(digits):
        raise Unreadable("nip_tidak_valid", f"NIP {text!r} tidak sesuai susunan NIP")
    return digits


def _plausible_nip(nip: str) -> bool:
    try:
        dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    return 1 <= int(nip[12:14]) <= 12 and nip[14] in "12"


_GRADE = r"(?:gol(?:ongan)?\.?\s*)?\(?\s*(?:iv|iii|ii|i)\s*[/.\-]?\s*[a-e]\s*\)?"
_RANK_LINE = re.compile(
    rf"^(?:pangkat\s*[:.]?\s*)?(?:(?:{'|'.join(sorted(RANKS, key=len, reverse=True))})"
    rf"(?:\s+(?:tingkat|tk\.?)\s*(?:i|1))?\s*[,/\-]?\s*(?:{_GRADE})?|{_GRADE})$",
    re.IGNORECASE,
)


def is_rank_line(text) -> bool:
    """Is this line a civil-service rank and/or grade ("Pembina Tingkat I (IV/b)", "Penata / III c",
    "Gol. IV/a"), which signature blocks put between the name and the NIP?"""
    return bool(_RANK_LINE.match(clean_text(text) or ""))


def nip_in_text(text) -> bool:
    """Does this line carry a NIP label ("NIP. ...", "NIP: ...")?"""
    return bool(_NIP_PREFIX.match(clean_text(text) or ""))


# --- criteria headers --------------------------------------------------------------------------

# each criterion's label as forms print it, lower case, and the variants seen on real forms
_CRITERION_LABELS = {
    **{label.lower(): key for key, label in CRITERIA_LABELS.items()},
    "semua orang dapat menjalankan perannya masing masing": "peran_jelas",
    "sinergi satu dengan yang lainnya": "sinergi",
}


@_memoised  # Word parsers ask every cell of every table, often twice
def criterion_key(text) -> Optional[str]:
    """The criterion a header names: its full label (numbered or not) or its code K1..K7."""
    key = (clean_text(text) or "").lower()
    key = re.sub(r"^\(?\d\)?[.)]?\s*", "", key).strip()
    if m := re.fullmatch(r"k\s*(?:\.\s*)?([1-7])", key):  # not \s*\.?\s*: that backtracks
        return CRITERIA[int(m[1]) - 1]
    key = re.sub(r"\s+", " ", key.rstrip(".:"))
    return _CRITERION_LABELS.get(key)


def legend_criterion(text) -> Optional[tuple]:
    """("K3", "mudah_dilaksanakan") from a legend line "K3 = Mudah dilaksanakan" / "K3 : ..."."""
    m = re.match(r"^\s*(K\s*[1-7])\s*[=:]\s*(.+)$", clean_text(text) or "", re.IGNORECASE)
    if not m or re.fullmatch(r"K\s*\.?\s*[1-7]", m[2].strip(), re.IGNORECASE):
        return None  # "K1 : K2" is a row of column codes, not a legend
    key = criterion_key(m[2])
    return (m[1].upper().replace(" ", ""), key) if key else None


def roman_stage(text) -> Optional[str]:
    """"tahap-1" from "Tahap I" / "TAHAP 1" / "I"; None when it names no stage."""
    key = (clean_text(text) or "").lower().replace("tahap", "").strip(" .:")
    numbers = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
    return f"tahap-{numbers[key]}" if key in numbers else None


# Table header labels of the five forms and their retyped synonyms.
HEADER_LABELS = {
    "no": ("No", "No.", "No Urut", "Nomor Urut"),
    "number": ("Nomor SOP", "No SOP", "No. SOP", "Nomor Standar Operasional Prosedur"),
    "title": ("Nama SOP", "Judul SOP", "Nama/Judul SOP", "Nama Standar Operasional Prosedur"),
    "implementation": ("Penilaian Penerapan", "Penilaian terhadap Penerapan", "Penilaian",
                       "Hasil Penilaian Penerapan"),
    # "Keterangan" last: where a form has both, an inserted Keterangan column is not its Catatan.
    "notes": ("Catatan", "Catatan Hasil Penilaian", "Catatan / Tindakan yang harus diambil",
              "Catatan/Tindakan yang harus diambil", "Keterangan"),
    "follow_up": ("Tindak Lanjut", "Tindakan yang Harus Diambil", "Status SOP", "Status"),
    "criteria_group": ("Kriteria Evaluasi", "Kriteria", "Kriteria Penilaian"),
    "score": ("Nilai", "Skor", "Jumlah Nilai"),
}


def header_columns(cells, labels: dict = HEADER_LABELS, numbered: bool = False) -> dict:
    """{name: column} of the header labels among one row's (column, text) cells (`match_label`
    with `numbered`). Where two columns carry labels of one name ("Catatan" and an inserted
    "Keterangan"), the label listed first in `labels` wins."""
    found: dict = {}
    for col, text in cells:
        name = match_label(text, labels, numbered) if text else None  # a blank cell is no label
        if name is None:
            continue
        rank = _label_rank(labels[name], text)
        if name not in found or rank < found[name][0]:
            found[name] = (rank, col)
    return {name: col for name, (_, col) in found.items()}


def _label_rank(synonyms: tuple, text: str) -> int:
    """Where `text` stands among a name's labels (after all of them when it matched numbered)."""
    keys = [label_key(label) for label in synonyms]
    key = label_key(text)
    return keys.index(key) if key in keys else len(keys)


def yes_no_column(value) -> Optional[str]:
    """"y" for the header of a Ya column ("Ya", "Y"), "t" for a Tidak one ("Tidak", "T"), else None."""
    word = label_key(value) if isinstance(value, str) else ""
    return word[0] if word in ("ya", "tidak", "y", "t") else None


_ROW_NUMBER = re.compile(r"\(?(\d{1,4})[.)]?")


def row_number(value) -> Optional[int]:
    """The "No" of a row (3, "3", "3.", "(3)"), None when it is not a plain number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    m = _ROW_NUMBER.fullmatch(clean_text(value) or "")
    return int(m[1]) if m else None
