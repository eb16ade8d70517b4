"""Kota Bengkulu (Word): "Nama OPD : ..." and "Tanggal Evaluasi : ..." paragraphs, then per SOP
"1. Nama SOP : ...", "Nomor SOP : ...", a criteria table (No, Kriteria Evaluasi, Ya, Tidak,
Catatan; one row per criterion) and "Tindak Lanjut : ..."; signature paragraphs at the end."""
import re
from dataclasses import dataclass, field
from typing import Optional

from sopdoc import CRITERIA, CRITERIA_LABELS, FOLLOW_UP_WORDS, ParsedForm, ParserInfo, SopRow, Warning, hookimpl
from sopdoc.formkit import normalize as norm
from sopdoc.formkit import worddoc
from sopdoc.formkit.fields import Field, read_identity


NAME = "bengkulu"
VERSION = "1.0"

# The per-SOP paragraphs, by their labels.
_SOP_LABELS = {
    "title": norm.HEADER_LABELS["title"],
    "number": norm.HEADER_LABELS["number"],
    "follow_up": ("Tindak Lanjut", "Tindak Lanjut SOP", "Rekomendasi Tindak Lanjut", "Rekomendasi"),
}


@dataclass
class _Section:
    """One SOP: its "Nama SOP" paragraph and what follows up to the next one."""

    title: Field
    fields: dict = field(default_factory=dict)  # "number" / "follow_up" -> Field
    tables: list = field(default_factory=list)  # (Table, Header)
    last: int = 0  # index of its last block


@dataclass
class _Layout:
    blocks: list
    sections: list
    fields: dict  # identity fields above the first SOP
    warnings: list


def _criteria_header(table) -> Optional[worddoc.Header]:
    header = worddoc.find_header(table, need=("criteria_group",))
    return header if header and header.yes is not None and header.no is not None else None


def _layout(document) -> _Layout:
    """The form's layout, read once per document: recognising and parsing share it."""
    return worddoc.per_document(document, f"{NAME} layout", _read_layout)


def _read_layout(document) -> _Layout:
    found = worddoc.blocks(document)
    sections: list = []
    warnings: list = []
    first = len(found)
    for i, block in enumerate(found):
        header = _criteria_header(block) if isinstance(block, worddoc.Table) else None
        if header is not None or (sections and _continues(block, sections[-1])):
            if sections:
                sections[-1].tables.append((block, header))
                sections[-1].last = i
            else:
                warnings.append(Warning("tabel_tanpa_sop", "Tabel kriteria tanpa paragraf Nama SOP di atasnya",
                                        block.where(0)))
            continue
        if isinstance(block, worddoc.Table) and _has_criteria(block):
            warnings.append(Warning("tabel_lanjutan_tidak_sejajar",
                                    "Tabel kriteria tanpa judul kolom yang kolomnya tidak sejajar dengan tabel "
                                    "sebelumnya; tabel ini tidak dibaca", block.where(0)))
            continue
        for key, value in worddoc.labelled(block, _SOP_LABELS):
            if key == "title" and isinstance(block, worddoc.Paragraph):
                sections.append(_Section(value, last=i))
                first = min(first, i)
            elif key != "title" and sections:
                _set_field(sections[-1], key, value, warnings)
                sections[-1].last = i
    fields = worddoc.find_fields(found[:first], norm.IDENTITY_LABELS)
    return _Layout(found, sections, fields, warnings)


def _continues(block, section: _Section) -> bool:
    """A headerless table after a criteria table with as many columns: the same table, split by a
    page break. `worddoc` joins the parts when only blank paragraphs lie between; this joins
    them across text too ("(lanjutan)")."""
    if not isinstance(block, worddoc.Table) or not section.tables or not block.rows:
        return False
    previous, _ = section.tables[-1]
    return len(block.rows[0]) == len(previous.rows[-1]) and _has_criteria(block)


def _has_criteria(table) -> bool:
    return any(norm.criterion_key(c.text) for r in range(len(table.rows)) for c in table.distinct(r))


def _set_field(section: _Section, key: str, value: Field, warnings: list) -> None:
    if key in section.fields:
        what = "Nomor SOP" if key == "number" else "Tindak Lanjut"
        warnings.append(Warning("isian_ganda", f"{what} ditulis lebih dari sekali untuk SOP ini", value.where))
        section.fields[key] = Field(None, value.where)
    else:
        section.fields[key] = value


def _checks(sections: list, has_agency: bool) -> dict:
    fields = [s.fields for s in sections]
    return {
        "paragraf Nama SOP": bool(sections),
        "paragraf Nomor SOP": any("number" in f for f in fields),
        "tabel kriteria (Kriteria Evaluasi, Ya, Tidak)": any(s.tables for s in sections),
        "paragraf Tindak Lanjut": any("follow_up" in f for f in fields),
        "isian Nama OPD": has_agency,
    }


def _has_sop_paragraph(found: list) -> bool:
    """Is there a "Nama SOP : ..." paragraph? Without one there are no sections to read."""
    return any(key == "title" for block in found if isinstance(block, worddoc.Paragraph) and ":" in block.text
               for key, _ in worddoc.labelled(block, _SOP_LABELS))


@hookimpl
def sopdoc_parser_info():
    return ParserInfo(NAME, VERSION, "bengkulu", ("docx",), absent_fields=("implementation",))


@hookimpl
def sopdoc_recognize(document):
    if document.kind != "docx":
        return None
    found = worddoc.blocks(document)
    if not _has_sop_paragraph(found):
        # Not a Bengkulu form (one check at most): only whether it names its OPD is left to tell.
        has_agency = any(key == "agency" for block in found for key, _ in worddoc.labelled(block, norm.IDENTITY_LABELS))
        return worddoc.recognition(NAME, _checks([], has_agency))
    layout = _layout(document)
    return worddoc.recognition(NAME, _checks(layout.sections, "agency" in layout.fields))


@hookimpl
def sopdoc_parse(document, parser):
    if parser != NAME:
        return None
    layout = _layout(document)
    warnings = list(layout.warnings)
    sops = [_sop(position, section, warnings) for position, section in enumerate(layout.sections, start=1)]
    last = layout.sections[-1].last if layout.sections else len(layout.blocks)
    block = worddoc.signature(layout.blocks[last + 1:])
    return ParsedForm(sops=sops, **read_identity(layout.fields, block, warnings))


def _sop(position: int, section: _Section, warnings: list) -> SopRow:
    title = norm.clean_text(section.title.value)
    if title is None:
        warnings.append(Warning("judul_kosong", "Nama SOP tidak diisi", section.title.where))
    number = section.fields.get("number")
    criteria, notes = _criteria(section, warnings)
    return SopRow(
        row=position,
        number=None if number is None or norm.is_placeholder(number.value) else norm.clean_text(number.value),
        title=title,
        criteria=criteria,
        implementation=None,
        notes="; ".join(notes) or None,
        follow_up=_follow_up(section.fields.get("follow_up"), warnings),
    )


def _criteria(section: _Section, warnings: list) -> tuple:
    """The seven answers of one SOP's table(s), each row found by its criterion label, and the
    Catatan texts. A criterion written twice, or not at all, is None plus a warning."""
    answers: dict = {}
    seen: dict = {}
    notes: list = []
    header = None
    for table, own_header in section.tables:
        warnings.extend(table.warnings)
        header = own_header or header
        start = header if own_header else worddoc.Header(-1, -1, header.columns, {}, {}, header.yes, header.no)
        label_col = header.columns["criteria_group"]
        for r in worddoc.data_rows(table, start, [label_col]):
            _criterion_row(table, r, header, answers, seen, notes, warnings)
    where = section.tables[0][0].where(0) if section.tables else section.title.where
    if not section.tables:
        warnings.append(Warning("tabel_tidak_ditemukan", "Tabel kriteria SOP ini tidak ditemukan", where))
    for key in CRITERIA:
        if key not in seen:
            worddoc.missing_criterion(key, where, warnings)
    return {key: answers.get(key) for key in CRITERIA}, notes


def _criterion_row(table, r, header, answers, seen, notes, warnings) -> None:
    label = table.cell(r, header.columns["criteria_group"])
    if worddoc.match_label(norm.split_label_value(label.text)[0], _SOP_LABELS):
        return  # a "Tindak Lanjut" row inside the table, read as a field
    note = table.cell(r, header.columns.get("notes")).text
    if note and note not in ("-", "\u2013", "\u2014"):
        notes.append(note)
    key = norm.criterion_key(label.text)
    if key is None:
        warnings.append(Warning("kriteria_tidak_dikenal", f"Kriteria '{label.text}' tidak dikenali", label.where))
        return
    if key in seen:
        warnings.append(Warning("kriteria_berulang", f"Kriteria '{CRITERIA_LABELS[key]}' ditulis lebih dari sekali",
                                label.where))
        answers[key] = None
        return
    seen[key] = r
    answers[key] = worddoc.read_pair(table.cell(r, header.yes), table.cell(r, header.no), key,
                                     table.where(r, header.yes, header.no), warnings)


_BOXED = re.compile(f"([{worddoc.BOX}{worddoc.TICKED_BOX}])")


def _follow_up(value: Optional[Field], warnings: list) -> Optional[str]:
    """Tindak Lanjut as written ("Direvisi", "-" for none), or the one option ticked among
    check boxes ("☒ Dipertahankan ☐ Direvisi ☐ Dicabut")."""
    if value is None or value.value is None:
        return None
    text = value.value
    if _BOXED.search(text):
        parts = _BOXED.split(text)
        ticked = [parts[i + 1] for i in range(1, len(parts) - 1, 2) if parts[i] == worddoc.TICKED_BOX]
        if len(ticked) != 1:
            warnings.append(Warning("nilai_tidak_terbaca",
                                    f"Tindak lanjut: {len(ticked)} pilihan dicentang, harus tepat satu", value.where))
            return None
        text = ticked[0]
    try:
        return norm.choice(text, FOLLOW_UP_WORDS)
    except norm.Unreadable as e:
        warnings.append(Warning(e.code, f"Tindak lanjut: {e.message}", value.where))
        return None


@hookimpl
def sopdoc_blank_form(parser, blank):
    if parser == NAME:
        from . import bengkulu_blank  # only blanks need the office writers: not loaded to read forms

        return bengkulu_blank.write(blank)
