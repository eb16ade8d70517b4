"""Kabupaten Sidoarjo (Word): an identity table (label | : | value), Table A "Monitoring
Pelaksanaan SOP" (Penilaian, Catatan, Tindakan), Table B "Evaluasi Penerapan SOP" (K1..K7, each
over Ya | Tidak) joined to A by No, a Keterangan legend K1..K7, and signature paragraphs."""
import re
from dataclasses import dataclass, field
from typing import Optional

from sopdoc import (
    CRITERIA,
    CRITERIA_LABELS,
    FOLLOW_UP_WORDS,
    IMPLEMENTATION_WORDS,
    ParsedForm,
    ParserInfo,
    SopRow,
    Warning,
    hookimpl,
)
from sopdoc.formkit import normalize as norm
from sopdoc.formkit import worddoc
from sopdoc.formkit.fields import read_identity


NAME = "sidoarjo"
VERSION = "1.0"


@dataclass
class _Part:
    """One of the two tables: where it is among the blocks, and its header."""

    index: int
    table: worddoc.Table
    header: worddoc.Header


@dataclass
class _Layout:
    blocks: list
    a: Optional[_Part]
    b: Optional[_Part]
    fields: dict
    legend: dict  # "K1" -> criterion key
    legend_warnings: list = field(default_factory=list)


def _is_monitoring(header) -> bool:
    return {"implementation", "follow_up"} <= set(header.columns) and not header.criteria


def _is_evaluation(header) -> bool:
    return bool(header.criteria) and all(isinstance(c, tuple) for c in header.criteria.values())


def _layout(document) -> _Layout:
    """The form's layout, read once per document: recognising and parsing share it."""
    return worddoc.per_document(document, f"{NAME} layout", _read_layout)


def _parts(document) -> tuple:
    """(blocks, Table A, Table B), read once per document."""
    return worddoc.per_document(document, f"{NAME} tables", _find_parts)


def _find_parts(document) -> tuple:
    found = worddoc.blocks(document)
    a = b = None
    extra = []  # a third table like A or B: which one is meant is not for sopdoc to guess
    for i, block in enumerate(found):
        header = worddoc.find_header(block) if isinstance(block, worddoc.Table) else None
        if header is None:
            continue
        if _is_monitoring(header):
            if a is None:
                a = _Part(i, block, header)
            else:
                extra.append(block)
        elif _is_evaluation(header):
            if b is None:
                b = _Part(i, block, header)
            else:
                extra.append(block)
    return found, a, b, extra


def _read_layout(document) -> _Layout:
    found, a, b, _ = _parts(document)
    first = min((p.index for p in (a, b) if p), default=len(found))
    fields = worddoc.find_fields(found[:first], norm.IDENTITY_LABELS)
    legend, legend_warnings = _legend(found)
    return _Layout(found, a, b, fields, legend, legend_warnings)


_LEGEND_LINE = re.compile(r"^\s*K\s*[1-7]\s*[=:]", re.IGNORECASE)


def _legend(found: list) -> tuple:
    """{"K1": key} from "K1 : Mampu mendorong ..." lines (paragraphs or two-cell table rows)."""
    legend, warnings = {}, []
    for text, where in _legend_lines(found):
        if not _LEGEND_LINE.match(text):
            continue
        entry = norm.legend_criterion(text)
        if entry is None:
            warnings.append(Warning("legenda_tidak_dikenal",
                                    f"Keterangan '{text}' tidak menyebut salah satu dari tujuh kriteria", where))
        else:
            legend.setdefault(entry[0], entry[1])
    return legend, warnings


def _legend_lines(found: list):
    for block in found:
        if isinstance(block, worddoc.Paragraph):
            yield block.text, block.where
            continue
        for r in range(len(block.rows)):
            cells = [c for c in block.distinct(r) if c.text and c.text != ":"]
            if len(cells) >= 2:
                # only such a row can make a legend line; a row of codes (K1 | K2 | ...) is a header
                if _LEGEND_CODE.match(cells[0].text) and not _LEGEND_CODE.match(cells[1].text):
                    yield f"{cells[0].text} : {cells[1].text.lstrip(': ')}", cells[0].where
            elif cells:
                yield cells[0].text, cells[0].where


# The first cell of a two-cell row whose "K1 : ..." line `_LEGEND_LINE` can match: a code, then
# "=" / ":" or nothing (the joining " : " gives the colon).
_LEGEND_CODE = re.compile(r"^\s*K\s*[1-7]\s*(?:[=:]|$)", re.IGNORECASE)


def _checks(a, b, has_agency: bool, legend: dict) -> dict:
    return {
        "tabel A Monitoring (Nama SOP, Penilaian terhadap Penerapan, Tindakan yang Harus Diambil)":
            a is not None,
        "tabel B Evaluasi (K1 s.d. K7 dengan kolom Ya | Tidak)": b is not None and len(b.header.criteria) == 7,
        "isian Perangkat Daerah": has_agency,
        "keterangan K1 s.d. K7": len(legend) == 7,
    }


@hookimpl
def sopdoc_parser_info():
    return ParserInfo(NAME, VERSION, "sidoarjo", ("docx",))


@hookimpl
def sopdoc_recognize(document):
    if document.kind != "docx":
        return None
    found, a, b, _ = _parts(document)
    if a is None and b is None:
        # Not a Sidoarjo form (half the checks at most): what else it lacks is told without
        # reading its identity fields.
        has_agency = any(key == "agency" for block in found for key, _ in worddoc.labelled(block, norm.IDENTITY_LABELS))
        return worddoc.recognition(NAME, _checks(a, b, has_agency, _legend(found)[0]))
    layout = _layout(document)
    return worddoc.recognition(NAME, _checks(a, b, "agency" in layout.fields, layout.legend))


@hookimpl
def sopdoc_parse(document, parser):
    if parser != NAME:
        return None
    layout = _layout(document)
    warnings = list(layout.legend_warnings)
    for part in (layout.a, layout.b):
        if part is not None:
            warnings.extend(part.table.warnings)
    for table in _parts(document)[3]:
        warnings.append(Warning("tabel_lanjutan_tidak_sejajar",
                                "Tabel SOP lain yang tidak menyambung tabel sebelumnya; tabel ini tidak dibaca",
                                table.where(0)))
    criteria = _criteria_columns(layout, warnings)
    monitoring = _monitoring_rows(layout.a, warnings) if layout.a else []
    evaluation = _evaluation_rows(layout.b) if layout.b else []
    sops = _join(layout, monitoring, evaluation, criteria, warnings)
    last = max((p.index for p in (layout.a, layout.b) if p), default=len(layout.blocks))
    block = worddoc.signature(layout.blocks[last + 1:])
    return ParsedForm(sops=sops, **read_identity(layout.fields, block, warnings))


def _criteria_columns(layout: _Layout, warnings: list) -> dict:
    """{key: (yes column, no column)} of Table B, its K codes read through the legend.

    A criterion the legend gives to two columns is ambiguous and read from neither.
    """
    if layout.b is None:
        return {}
    header = layout.b.header
    claims: dict = {}
    for key, cols in header.criteria.items():
        code = header.codes.get(key)
        claims.setdefault(layout.legend.get(code, key) if code else key, []).append(cols)
    for key, cols in claims.items():
        if len(cols) > 1:
            warnings.append(Warning(
                "legenda_tidak_lengkap",
                f"Keterangan memetakan lebih dari satu kolom K ke kriteria '{CRITERIA_LABELS[key]}'",
                layout.b.table.where(header.row),
            ))
    return {key: cols[0] for key, cols in claims.items() if len(cols) == 1}


@dataclass
class _Row:
    table: worddoc.Table
    r: int
    no: Optional[int]
    title: Optional[str]
    where: str


def _monitoring_rows(part: _Part, warnings: list) -> list:
    """Table A rows as (_Row, number, implementation, notes, follow-up)."""
    table, cols = part.table, part.header.columns
    rows = []
    found = worddoc.data_rows(table, part.header, [cols.get("title"), cols.get("number")])
    answers = [cols.get(name) for name in ("no", "number", "implementation", "follow_up")]
    for record in worddoc.records(table, part.header, found, answers):
        r = record[0]
        cells = {name: table.cell(r, cols.get(name))
                 for name in ("no", "title", "number", "implementation", "notes", "follow_up")}
        title = worddoc.joined_text(table, record, cols.get("title"))
        if title and norm.is_example(title):
            warnings.append(Warning("baris_contoh", f"Baris contoh pengisian ('{title}') bukan SOP; tidak dibaca",
                                    cells["title"].where))
            continue
        rows.append((
            _Row(table, r, worddoc.row_number(cells["no"]), title, cells["title"].where),
            worddoc.joined_text(table, [r], cols.get("number")),
            worddoc.read_choice(cells["implementation"], IMPLEMENTATION_WORDS, warnings, "Penilaian penerapan"),
            worddoc.joined_text(table, record, cols.get("notes")),
            worddoc.read_choice(cells["follow_up"], FOLLOW_UP_WORDS, warnings, "Tindakan yang harus diambil"),
        ))
    return rows


def _evaluation_rows(part: _Part) -> list:
    """Table B rows that name an SOP or hold a mark (blank numbered template rows are skipped)."""
    table, header = part.table, part.header
    marks = [c for pair in header.criteria.values() for c in pair]
    title_col = header.columns.get("title")
    rows = []
    found = worddoc.data_rows(table, header, [title_col, *marks])
    for record in worddoc.records(table, header, found, [header.columns.get("no"), *marks]):
        r = record[0]
        title = worddoc.joined_text(table, record, title_col)
        if title and norm.is_example(title):
            continue  # reported with Table A's
        if title or any(worddoc.is_marked(table.cell(r, c)) for c in marks):
            no = worddoc.row_number(table.cell(r, header.columns.get("no")))
            rows.append(_Row(table, r, no, title, table.where(r)))
    return rows


def _same_title(a: Optional[str], b: Optional[str]) -> bool:
    return norm.label_key(a) == norm.label_key(b)


def _partner(row: _Row, evaluation: list, used: set, warnings: list) -> Optional[_Row]:
    """The Table B row of a Table A row: same No (the title breaks a tie), else same title."""
    if row.no is not None:
        same_no = [e for e in evaluation if e.no == row.no]
        if len(same_no) > 1:
            same_no = [e for e in same_no if _same_title(e.title, row.title)]
            if len(same_no) != 1:
                warnings.append(Warning("nomor_ganda", f"Nomor {row.no} dipakai lebih dari satu baris tabel B",
                                        row.where))
                used.update(id(e) for e in evaluation if e.no == row.no)
                return None
        if same_no:
            return _renumbered(row, same_no[0], evaluation, used, warnings)
    # A No left to Word's list numbering (not in the text) on either side: the title joins them.
    same_title = [e for e in evaluation if (e.no is None or row.no is None) and id(e) not in used
                  and row.title and _same_title(e.title, row.title)]
    return same_title[0] if len(same_title) == 1 else None


def _renumbered(row: _Row, same_no: _Row, evaluation: list, used: set, warnings: list) -> _Row:
    """The Table B row of the same No, unless its title is another SOP's and exactly one other row
    has this SOP's title: rows reordered in one table and numbered again are joined by their title."""
    if not (row.title and same_no.title) or _same_title(same_no.title, row.title):
        return same_no
    by_title = [e for e in evaluation if id(e) not in used and _same_title(e.title, row.title)]
    if len(by_title) != 1:
        return same_no  # a title typed differently: the No joins them (judul_berbeda says so)
    warnings.append(Warning("nomor_berbeda",
                            f"SOP '{row.title}' bernomor {row.no} di tabel A tetapi {by_title[0].no} di tabel B; "
                            "digabung menurut Nama SOP", by_title[0].where))
    return by_title[0]


def _join(layout, monitoring: list, evaluation: list, criteria: dict, warnings: list) -> list:
    """Table A rows in order, each with the criteria of its Table B row."""
    if layout.a is None:
        warnings.append(Warning("tabel_tidak_ditemukan", "Tabel A (Monitoring Pelaksanaan SOP) tidak ditemukan", None))
        monitoring = [(e, None, None, None, None) for e in evaluation]
    used: set = set()
    sops = []
    for position, (row, number, implementation, notes, follow_up) in enumerate(monitoring, start=1):
        partner = row if layout.a is None else _partner(row, evaluation, used, warnings)
        title = row.title
        if title is None:
            warnings.append(Warning("judul_kosong", "Nama SOP tidak diisi", row.where))
            title = partner.title if partner else None
        elif partner is not None and partner.title and not _same_title(title, partner.title):
            warnings.append(Warning(
                "judul_berbeda",
                f"Nama SOP nomor {row.no} berbeda: tabel A '{title}', tabel B '{partner.title}'; "
                "dipakai nama di tabel A",
                partner.where,
            ))
        if partner is not None:
            used.add(id(partner))
            answers = _answers(partner, criteria, warnings)
        else:
            answers = dict.fromkeys(CRITERIA)
            if layout.b is not None:
                warnings.append(Warning("evaluasi_tidak_ada",
                                        f"SOP '{title}' tidak ada di tabel B (Evaluasi Penerapan SOP)", row.where))
        sops.append(SopRow(position, number, title, answers, implementation, notes, follow_up))
    if layout.b is None:
        warnings.append(Warning("tabel_tidak_ditemukan", "Tabel B (Evaluasi Penerapan SOP) tidak ditemukan", None))
    for e in evaluation:
        if id(e) not in used:
            warnings.append(Warning("monitoring_tidak_ada",
                                    f"SOP '{e.title}' di tabel B tidak ada di tabel A (Monitoring Pelaksanaan SOP)",
                                    e.where))
    return sops


def _answers(row: _Row, criteria: dict, warnings: list) -> dict:
    answers = {}
    for key in CRITERIA:
        if key not in criteria:
            worddoc.missing_criterion(key, row.where, warnings)
            answers[key] = None
            continue
        yes, no = criteria[key]
        answers[key] = worddoc.read_pair(row.table.cell(row.r, yes), row.table.cell(row.r, no), key,
                                         row.table.where(row.r, yes, no), warnings)
    return answers


@hookimpl
def sopdoc_blank_form(parser, blank):
    if parser == NAME:
        from . import sidoarjo_blank  # only blanks need the office writers: not loaded to read forms

        return sidoarjo_blank.write(blank)
