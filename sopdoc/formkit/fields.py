"""What every form parser shares, whatever the file format: identity fields, signature blocks, warnings.

`sopdoc.formkit.sheets` (Excel) and `sopdoc.formkit.worddoc` (Word) find the label fields and signature lines in
their own files; reading them into a form's identity is the same for both, and lives here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from sopdoc.formkit import normalize as norm
from sopdoc.model import Warning


@dataclass
class Field:
    value: object
    where: str


@dataclass
class SignatureBlock:
    place_date: Optional[object] = None
    place_date_where: Optional[str] = None
    position: Optional[str] = None
    name: Optional[str] = None
    name_where: Optional[str] = None
    nip: Optional[object] = None
    nip_where: Optional[str] = None
    lines: list = field(default_factory=list)
    ambiguous: bool = False  # two signature blocks and nothing says which is the form's


def _is_nip_line(value) -> bool:
    # a NIP typed as a number has no "NIP" label left: an integer of 15+ digits is one
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value >= 1e14
    return norm.nip_in_text(value)


def signature_block(lines: list) -> SignatureBlock:
    """Read a signature block from its lines [(value, where), ...] in reading order.

    The block is: "Place, date", one or more position lines, (blank space), the name, "NIP. ...".
    Works the same for Excel cells below a table and Word paragraphs at the end. Values are
    text, except that a NIP cell keeps its raw value (a number there is reported, not read).

    A second block ("Mengetahui, Kepala ...", with its own name and NIP) is not the form's
    signatory: the dated block is, and without a date line the one block that is not such an
    acknowledgement. Where that leaves two candidates, `ambiguous` is set and nothing is read.
    """
    block = SignatureBlock(lines=lines)
    date_index = next((i for i, (v, _) in enumerate(lines) if isinstance(v, str) and norm.is_place_date_line(v)),
                      None)
    if date_index is not None:
        block.place_date, block.place_date_where = lines[date_index]
    nips = [i for i, (v, _) in enumerate(lines) if _is_nip_line(v)]
    starts = {nip: (nips[k - 1] + 1 if k else 0) for k, nip in enumerate(nips)}
    after_date = [i for i in nips if date_index is not None and i > date_index]
    if after_date:
        nip_index = after_date[0]
    else:
        own = [i for i in nips if not any(_is_acknowledgement(v) for v, _ in lines[starts[i]:i])]
        if len(own) > 1:
            block.ambiguous = True
        nip_index = own[0] if len(own) == 1 else None
    if nip_index is None:
        return block
    block.nip, block.nip_where = lines[nip_index]
    start = max(starts[nip_index], date_index + 1 if date_index is not None and date_index < nip_index else 0)
    # the rank ("Pembina Tingkat I (IV/b)") sits between the name and the NIP: it is neither
    name_index = nip_index - 1
    while name_index >= start and (norm.is_rank_line(lines[name_index][0]) or _is_signing_mark(lines[name_index][0])):
        name_index -= 1
    if name_index >= start:
        candidate, where = lines[name_index]
        if _looks_like_position(candidate):
            # the name line was left blank: the line above the NIP is the position, not a name
            position_lines = lines[start:name_index + 1]
        else:
            block.name, block.name_where = candidate, where
            position_lines = lines[start:name_index]
        texts = [norm.clean_text(t) for t, _ in position_lines]
        texts = [t for t in texts if t and not _not_a_position(t)]
        if date_index is None or date_index > nip_index:
            texts = texts[-_MAX_POSITION_LINES:]
        block.position = " ".join(texts) or None
    return block


# A position runs over at most this many lines ("a.n. Kepala Dinas", "Sekretaris", "u.b. Kabag Umum").
_MAX_POSITION_LINES = 3
_ACKNOWLEDGEMENT = re.compile(r"^\s*(?:mengetahui|menyetujui|mengesahkan|disetujui oleh)\b", re.IGNORECASE)
_LEGEND_OR_NOTE = re.compile(r"^\s*(?:k\s*[1-7]\s*[=:]|keterangan\b|catatan\b|ket\s*[.:])", re.IGNORECASE)


def _is_acknowledgement(value) -> bool:
    return isinstance(value, str) and bool(_ACKNOWLEDGEMENT.match(value))


def _not_a_position(text: str) -> bool:
    """A legend or note under a table, a caption ("Mengetahui,"), a stray place-and-date line, what
    fills the space left for the signature ("ttd", "(cap dan tanda tangan)", "( ....... )") or a rank
    typed above the name."""
    return (bool(_LEGEND_OR_NOTE.match(text)) or _is_acknowledgement(text) or norm.is_place_date_line(text)
            or _is_signing_mark(text) or norm.is_rank_line(text))


# The words written in the space left for the signature, or for the stamp and duty stamp on it.
_SIGNING_WORDS = {"ttd", "t", "d", "tertanda", "dto", "cap", "stempel", "stampel", "tanda", "tangan", "materai",
                  "meterai", "dan", "rp", "basah"}


def _is_signing_mark(value) -> bool:
    """"ttd", "TTD.", "(cap dan tanda tangan)", "Materai 10000", "( ................ )": the space
    for the signature, neither a position nor a name."""
    if not isinstance(value, str):
        return False
    words = re.findall(r"[^\W\d_]+", value.lower())  # letters of any script: "Tānda" is a word too
    return all(w in _SIGNING_WORDS for w in words)


_TITLES_BEFORE = {"dr", "drs", "dra", "ir", "h", "hj", "prof", "ns", "apt", "bpk", "ibu"}


def _person(name) -> list:
    """A name without its degrees (after the first comma) and titles before it, lower case:
    "Dr. H. Ahmad Fauzi, S.Sos., M.Si." -> ["ahmad", "fauzi"]."""
    words = re.findall(r"[a-z0-9]+", (norm.clean_text(name) or "").split(",")[0].lower())
    while words and words[0] in _TITLES_BEFORE:
        words.pop(0)
    return words


def _same_person(a, b) -> bool:
    return _person(a) == _person(b)


def _looks_like_position(value) -> bool:
    return isinstance(value, str) and norm.starts_like_position(value)


def warn(warnings: list, exc: norm.Unreadable, where: str, what: str) -> None:
    """Record an Unreadable value as a warning: "<what>: <message>" at `where`."""
    warnings.append(Warning(exc.code, f"{what}: {exc.message}", where))


def mark_pair_answer(marked: Callable[[bool], bool], label: str, where: str, warnings: list) -> Optional[bool]:
    """One criterion answered by a mark in its Ya or its Tidak cell, in Excel or Word: `marked(column)`
    says whether the Ya (True) or the Tidak (False) cell holds a mark. Both or neither marked, or
    text that is no mark, is None plus a warning at `where`."""
    try:
        value, problem = norm.two_column_answer(marked(True), marked(False))
    except norm.Unreadable as e:
        warn(warnings, e, where, f"Kriteria '{label}'")
        return None
    if problem == "ganda":
        warnings.append(Warning("kriteria_ganda", f"Kriteria '{label}' ditandai Ya dan Tidak sekaligus", where))
    elif problem == "kosong":
        warnings.append(Warning("kriteria_kosong", f"Kriteria '{label}' tidak diisi", where))
    return value


def read_identity(fields: dict, block: Optional[SignatureBlock], warnings: list) -> dict:
    """Agency, date and signatory from label fields, falling back to the signature block.

    Returns keyword arguments for `ParsedForm` (all but `sops`).
    """
    from sopdoc.model import Signatory

    agency = fields.get("agency")
    agency_text = norm.clean_text(agency.value) if agency else None

    filled_on = None
    date_field = fields.get("filled_on")
    if date_field is not None and norm.clean_text(date_field.value) is not None:
        try:
            filled_on = norm.parse_date(date_field.value)
        except norm.Unreadable as e:
            warn(warnings, e, date_field.where, "Tanggal pengisian")
    elif block is not None and block.place_date:
        filled_on = norm.date_at_end(block.place_date)
        if filled_on is None:
            warnings.append(Warning("tanggal_tidak_terbaca",
                                    f"Tanggal pengisian: tanggal '{norm.clean_text(block.place_date)}' tidak lengkap",
                                    block.place_date_where))
    if filled_on is None and not any(w.code == "tanggal_tidak_terbaca" for w in warnings):
        warnings.append(Warning("tanggal_kosong", "Tanggal pengisian tidak ditemukan",
                                date_field.where if date_field else None))

    name_field = fields.get("signer")
    name = norm.clean_text(name_field.value) if name_field else None
    if name is None and block is not None:
        name = block.name
    nip_field = fields.get("nip")
    nip_value, nip_where = (nip_field.value, nip_field.where) if nip_field else (
        (block.nip, block.nip_where) if block is not None else (None, None))
    nip = None
    try:
        nip = norm.parse_nip(nip_value)
        if nip is None:
            warnings.append(Warning("nip_kosong", "NIP penandatangan tidak diisi", nip_where))
    except norm.Unreadable as e:
        warn(warnings, e, nip_where, "NIP penandatangan")
    position_field = fields.get("position")
    position = norm.clean_text(position_field.value) if position_field else None
    if position is None and block is not None:
        position = block.position
        if position and name_field is not None and block.name and not _same_person(name, block.name):
            # the block is another person's (the head who signs, beside the officer who filled it in)
            warnings.append(Warning("penandatangan_berbeda",
                                    f"Nama pengisi '{name}' berbeda dengan nama di blok tanda tangan "
                                    f"'{norm.clean_text(block.name)}'; jabatan di blok itu bukan jabatannya",
                                    block.name_where))
            position = None
    if block is not None and block.ambiguous:
        warnings.append(Warning("penandatangan_ganda",
                                "Ada lebih dari satu blok tanda tangan tanpa tanggal; "
                                "penandatangan tidak dapat dipastikan",
                                None))
    elif name is None:
        warnings.append(Warning("penandatangan_kosong", "Nama penandatangan tidak ditemukan", None))

    stage = fields.get("period")
    return dict(
        agency_as_written=agency_text,
        agency_where=agency.where if agency else None,
        filled_on=filled_on.isoformat() if filled_on else None,
        signatory=Signatory(name=name, nip=nip, position=position),
        warnings=warnings,
        period_hint=norm.roman_stage(stage.value) if stage else None,
    )
