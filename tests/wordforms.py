"""Builders of Sidoarjo and Bengkulu Word forms for tests, written with python-docx.

A test states the facts of a form as a `SidoarjoForm` / `BengkuluForm` (with the field messiness
it wants: split runs, symbols, check box controls, retyped labels, ...), writes it with `build`,
and asserts that parsing gives the same facts back.

Text in a paragraph or a cell is a *spec*: a str (``"\\n"`` is a line break), `Runs` (one text
over several runs), `Sym` (an Insert > Symbol character), `Typed` (text in a given font), `Box`
(a check box content control), `Control` (a plain-text content control), or a tuple of specs.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import docx
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

from sopdoc.vocabulary import CRITERIA, CRITERIA_LABELS

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')


@dataclass(frozen=True)
class Runs:
    parts: tuple


@dataclass(frozen=True)
class Sym:
    font: str
    char: str  # hex, as Word writes it: "F0FC"


@dataclass(frozen=True)
class Typed:
    text: str
    font: str


@dataclass(frozen=True)
class Box:
    checked: bool
    glyph: Optional[str] = None  # what the box shows; by default what Word shows for its state


@dataclass(frozen=True)
class Control:
    content: object


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def put(paragraph, spec) -> None:
    """Append `spec` to a python-docx paragraph."""
    if spec is None:
        return
    if isinstance(spec, tuple):
        for part in spec:
            put(paragraph, part)
    elif isinstance(spec, str):
        paragraph.add_run(spec)
    elif isinstance(spec, Runs):
        for part in spec.parts:
            paragraph.add_run(part)
    elif isinstance(spec, Typed):
        run = paragraph.add_run(spec.text)
        run.font.name = spec.font
    elif isinstance(spec, Sym):
        paragraph._p.append(parse_xml(f'<w:r {_NS}><w:sym w:font="{spec.font}" w:char="{spec.char}"/></w:r>'))
    elif isinstance(spec, Box):
        paragraph._p.append(parse_xml(_checkbox_xml(spec)))
    elif isinstance(spec, Control):
        sdt = parse_xml(f'<w:sdt {_NS}><w:sdtPr><w:alias w:val="isian"/></w:sdtPr><w:sdtContent/></w:sdt>')
        holder = Paragraph(parse_xml(f"<w:p {_NS}/>"), None)
        put(holder, spec.content)
        content = sdt[1]
        for run in list(holder._p.iterchildren()):
            content.append(run)
        paragraph._p.append(sdt)
    else:
        raise TypeError(spec)


def _checkbox_xml(box: Box) -> str:
    glyph = box.glyph or ("\u2612" if box.checked else "\u2610")
    return (
        f'<w:sdt {_NS}><w:sdtPr><w14:checkbox>'
        f'<w14:checked w14:val="{1 if box.checked else 0}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
        '</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr>'
        '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/>'
        f'</w:rPr><w:t>{_esc(glyph)}</w:t></w:r></w:sdtContent></w:sdt>'
    )


def write_cell(cell, spec) -> None:
    put(cell.paragraphs[0], spec)


# --- marks -----------------------------------------------------------------------------------

# How an agency marks the Ya or Tidak column: a spec for the marked cell and one for the other.
MARKS = {
    "√": ("\u221a", None),
    "✓": ("\u2713", None),
    "✔": ("\u2714", None),
    "v": ("v", None),
    "V": ("V", None),
    "wingdings": (Sym("Wingdings", "F0FC"), None),
    "wingdings2": (Sym("Wingdings 2", "F050"), None),
    "wingdings-typed": (Typed("\u00fc", "Wingdings"), None),
    "box": (Box(True), Box(False)),
    # A box whose glyph is stale: only w14:checked may decide.
    "box-stale": (Box(True, glyph="\u2610"), Box(False, glyph="\u2612")),
}

BOTH, EMPTY = "both", "empty"  # answers that are not True/False: both columns marked, neither


def mark_pair(answer, style: str) -> tuple:
    """(Ya cell spec, Tidak cell spec) for an answer True / False / BOTH / EMPTY."""
    on, off = MARKS[style]
    return {True: (on, off), False: (off, on), BOTH: (on, on), EMPTY: (off, off)}[answer]


def expected(answer):
    return answer if isinstance(answer, bool) else None


# --- the SOPs ----------------------------------------------------------------------------------

@dataclass
class Sop:
    number: str
    title: object  # str or spec
    criteria: tuple  # seven answers in CRITERIA order: True / False / BOTH / EMPTY
    implementation: str = "Baik"
    notes: str = ""
    follow_up: str = "Dipertahankan"
    b_title: object = None  # Sidoarjo: the title in Table B, when it differs from Table A
    notes_by_row: dict = field(default_factory=dict)  # Bengkulu: {criterion key: Catatan}


def sops() -> list:
    """Three SOPs with varied answers."""
    return [
        Sop("SOP/DINKES/001/2025", "Pelayanan Pengaduan Masyarakat", (True,) * 7, "Baik", "", "Dipertahankan"),
        Sop("SOP/DINKES/002/2025", "Pengelolaan Surat Keluar", (True, False, True, True, False, True, True),
            "Tidak Baik", "Perlu penyesuaian alur", "Direvisi",
            notes_by_row={"mudah_dipahami": "Alur belum jelas", "atasi_masalah": "Perlu penyesuaian alur"}),
        Sop("SOP/DINKES/003/2025", "Penyusunan Rencana Kerja", (False,) * 7, "Tidak Baik", "", "Dicabut"),
    ]


# --- Kabupaten Sidoarjo --------------------------------------------------------------------------

@dataclass
class SidoarjoForm:
    agency: object = "Dinas Kesehatan"
    date: object = "14 Mei 2025"
    signer: str = "Ahmad Fauzi, S.Sos., M.Si."
    nip: Optional[str] = "19751223 200404 1 013"  # None: no NIP anywhere
    position: str = "Kepala Dinas"
    place_date: str = "Sidoarjo, 14 Mei 2025"
    sops: list = field(default_factory=sops)
    mark: str = "√"
    # Identity labels by key (agency, filled_on, signer, nip) and where the colon goes:
    # "cells" label | : | value, "label" "label :" | value, "value" label | ": value", "inline" one cell.
    labels: dict = field(default_factory=dict)
    colon: str = "cells"
    above: tuple = ()  # paragraphs inserted above the title
    logo_row: bool = False  # a row inserted above the identity rows
    left_column: bool = False  # a column inserted on the left of both tables
    blank_rows: bool = False  # a blank row after every SOP row
    total_row: bool = False  # "Jumlah" under both tables
    numbering_row: bool = False  # "(1) (2) ..." under Table A's header
    legend: tuple = CRITERIA  # the criterion of K1..K7, in column order
    a_rows: Optional[list] = None  # Table A row numbers to write (default: every SOP's)
    b_rows: Optional[list] = None  # Table B row numbers to write (default: every SOP's)


IDENTITY_DEFAULTS = {
    "agency": "Perangkat Daerah",
    "filled_on": "Tanggal Monitoring",
    "signer": "Pelaksana Monitoring",
    "nip": "NIP",
}


def build_sidoarjo(form: SidoarjoForm, path) -> Path:
    doc = docx.Document()
    for text in form.above:
        put(doc.add_paragraph(), text)
    put(doc.add_paragraph(), "FORMULIR MONITORING DAN EVALUASI PELAKSANAAN SOP")
    _sidoarjo_identity(doc, form)
    put(doc.add_paragraph(), "A. MONITORING PELAKSANAAN SOP")
    _sidoarjo_a(doc, form)
    put(doc.add_paragraph(), "B. EVALUASI PENERAPAN SOP")
    _sidoarjo_b(doc, form)
    put(doc.add_paragraph(), "Keterangan:")
    for i, key in enumerate(form.legend, start=1):
        put(doc.add_paragraph(), f"K{i} : {CRITERIA_LABELS[key]}")
    _signature(doc, form)
    doc.save(path)
    return Path(path)


def _sidoarjo_identity(doc, form: SidoarjoForm) -> None:
    values = {"agency": form.agency, "filled_on": form.date, "signer": form.signer, "nip": form.nip}
    rows = [(form.labels.get(k, IDENTITY_DEFAULTS[k]), v) for k, v in values.items() if v is not None]
    ncols = {"cells": 3, "label": 2, "value": 2, "inline": 1}[form.colon]
    table = doc.add_table(rows=0, cols=ncols)
    if form.logo_row:
        write_cell(table.add_row().cells[0], "LOGO PEMERINTAH KABUPATEN SIDOARJO")
    for label, value in rows:
        cells = table.add_row().cells
        if form.colon == "cells":
            write_cell(cells[0], label)
            write_cell(cells[1], ":")
            write_cell(cells[2], value)
        elif form.colon == "label":
            write_cell(cells[0], (label, " :"))
            write_cell(cells[1], value)
        elif form.colon == "value":
            write_cell(cells[0], label)
            write_cell(cells[1], (": ", value))
        else:
            write_cell(cells[0], (label, " : ", value))


def _grid(doc, ncols: int, left: bool):
    table = doc.add_table(rows=0, cols=ncols + (1 if left else 0))
    table.style = "Table Grid"
    return table


def _row(table, values: list, left: bool) -> None:
    cells = table.add_row().cells
    offset = 1 if left else 0
    if left:
        write_cell(cells[0], "")
    for cell, value in zip(cells[offset:], values):
        write_cell(cell, value)


def _sidoarjo_a(doc, form: SidoarjoForm) -> None:
    header = ["No", "Nomor SOP", "Nama SOP", "Penilaian terhadap Penerapan", "Catatan Hasil Penilaian",
              "Tindakan yang Harus Diambil"]
    table = _grid(doc, len(header), form.left_column)
    _row(table, header, form.left_column)
    if form.numbering_row:
        _row(table, [f"({i})" for i in range(1, len(header) + 1)], form.left_column)
    for i in form.a_rows or range(1, len(form.sops) + 1):
        sop = form.sops[i - 1]
        _row(table, [str(i), sop.number, sop.title, sop.implementation, sop.notes, sop.follow_up], form.left_column)
        if form.blank_rows:
            _row(table, [""] * len(header), form.left_column)
    if form.total_row:
        _row(table, ["Jumlah", "", str(len(form.sops))], form.left_column)


def _sidoarjo_b(doc, form: SidoarjoForm) -> None:
    left = 1 if form.left_column else 0
    table = _grid(doc, 2 + 14, form.left_column)
    top, sub = table.add_row().cells, table.add_row().cells
    for col, text in ((left, "No"), (left + 1, "Nama SOP")):
        merged = top[col].merge(sub[col])
        write_cell(merged, text)
    for k in range(7):
        col = left + 2 + 2 * k
        merged = top[col].merge(top[col + 1])
        write_cell(merged, f"K{k + 1}")
        write_cell(sub[col], "Ya")
        write_cell(sub[col + 1], "Tidak")
    rows = form.b_rows or range(1, len(form.sops) + 1)
    for i in rows:
        sop = form.sops[i - 1]
        answers = dict(zip(CRITERIA, sop.criteria))
        marks = []
        for key in form.legend:
            marks.extend(mark_pair(answers[key], form.mark))
        title = sop.b_title if sop.b_title is not None else sop.title
        _row(table, [str(i), title, *marks], form.left_column)
        if form.blank_rows:
            _row(table, [""] * 16, form.left_column)
    if form.total_row:
        _row(table, ["Jumlah"], form.left_column)


def _signature(doc, form) -> None:
    put(doc.add_paragraph(), "")
    put(doc.add_paragraph(), form.place_date)
    put(doc.add_paragraph(), form.position)
    put(doc.add_paragraph(), "")
    put(doc.add_paragraph(), form.signer)
    if form.nip is not None:
        put(doc.add_paragraph(), f"NIP. {form.nip}")


# --- Kota Bengkulu -------------------------------------------------------------------------------

@dataclass
class BengkuluForm:
    agency: object = "Dinas Kesehatan"
    date: object = "18 April 2025"
    signer: str = "Yuliana Pratiwi, S.AP."
    nip: Optional[str] = "19790913 200401 2 019"
    nip_label: str = "NIP."
    position: str = "Kasubag Umum dan Kepegawaian"
    place_date: str = "Bengkulu, 18 April 2025"
    sops: list = field(default_factory=sops)
    mark: str = "√"
    agency_label: object = "Nama OPD"
    date_label: object = "Tanggal Evaluasi"
    colon: str = " : "  # between label and value in the paragraphs
    numbered: bool = True  # "1. Nama SOP : ..." (else the number comes from Word's list numbering)
    order: tuple = CRITERIA  # the criteria rows' order in each table
    above: tuple = ()
    blank_rows: bool = False
    follow_up_boxes: bool = False  # Tindak Lanjut as three check boxes
    split_at: Optional[int] = None  # each criteria table split in two after this many criteria rows


def build_bengkulu(form: BengkuluForm, path) -> Path:
    doc = docx.Document()
    for text in form.above:
        put(doc.add_paragraph(), text)
    put(doc.add_paragraph(), "FORMULIR EVALUASI PENERAPAN STANDAR OPERASIONAL PROSEDUR")
    put(doc.add_paragraph(), (form.agency_label, form.colon, form.agency))
    put(doc.add_paragraph(), (form.date_label, form.colon, form.date))
    put(doc.add_paragraph(), "")
    for i, sop in enumerate(form.sops, start=1):
        prefix = f"{i}. " if form.numbered else ""
        put(doc.add_paragraph(style=None if form.numbered else "List Number"),
            (prefix, "Nama SOP", form.colon, sop.title))
        put(doc.add_paragraph(), ("Nomor SOP", form.colon, sop.number))
        _bengkulu_table(doc, form, sop)
        put(doc.add_paragraph(), ("Tindak Lanjut", form.colon, _follow_up(form, sop)))
        put(doc.add_paragraph(), "")
    put(doc.add_paragraph(), form.place_date)
    put(doc.add_paragraph(), form.position)
    put(doc.add_paragraph(), "")
    put(doc.add_paragraph(), form.signer)
    if form.nip is not None:
        put(doc.add_paragraph(), f"{form.nip_label} {form.nip}")
    doc.save(path)
    return Path(path)


def _follow_up(form: BengkuluForm, sop: Sop):
    if not form.follow_up_boxes:
        return sop.follow_up
    options = ("Dipertahankan", "Direvisi", "Dicabut")
    return tuple(part for o in options for part in (Box(o == sop.follow_up), f" {o} "))


def _bengkulu_table(doc, form: BengkuluForm, sop: Sop) -> None:
    table = _grid(doc, 5, False)
    _row(table, ["No", "Kriteria Evaluasi", "Ya", "Tidak", "Catatan"], False)
    answers = dict(zip(CRITERIA, sop.criteria))
    for i, key in enumerate(form.order, start=1):
        if i - 1 == form.split_at:  # as Word leaves it after a page break typed inside the table
            doc.add_paragraph()
            table = _grid(doc, 5, False)
        yes, no = mark_pair(answers[key], form.mark)
        _row(table, [str(i), CRITERIA_LABELS[key], yes, no, sop.notes_by_row.get(key, "")], False)
        if form.blank_rows:
            _row(table, [""] * 5, False)


def with_sops(form, **changes):
    """`form` with every SOP changed alike (e.g. `criteria=...`)."""
    return replace(form, sops=[replace(s, **changes) for s in form.sops])


__all__ = ["BOTH", "EMPTY", "MARKS", "Box", "BengkuluForm", "Control", "Runs", "SidoarjoForm", "Sop", "Sym",
           "Typed", "build_bengkulu", "build_sidoarjo", "expected", "mark_pair", "sops", "with_sops"]
