"""Kota Bontang: instructions sheet, an identity sheet of label | value rows, and an evaluation
sheet with a K1..K7 legend, 1/0 answers, a Nilai formula column and "Status SOP" (Tetap/Revisi/Dicabut)."""
import dataclasses
import re

from sopdoc import CRITERIA, ParsedForm, ParserInfo, Warning, hookimpl
from sopdoc.formkit import normalize as norm
from sopdoc.formkit import sheets
from sopdoc.formkit.fields import read_identity


NAME = "bontang"
VERSION = "1.0"


def _coded_criteria(rows, header):
    """Header columns named by code (K1..K7) rather than by the criterion's label."""
    return [v for r in range(header.row, header.last_row + 1) for c, v in rows.get(r, ())
            if isinstance(v, str) and re.fullmatch(r"\s*K\s*[1-7]\s*", v, re.I)]


def _identity(grid):
    return sheets.find_fields(grid, norm.IDENTITY_LABELS)


def _legend(grid, header):
    """Criterion keys by column, honouring a legend ("K3 = Mudah dilaksanakan") above the table."""
    legend = {}
    for (r, _), v in grid.cells.items():
        if r < header.row and (found := norm.legend_criterion(v)):
            legend[found[0]] = found[1]
    criteria = {}
    for key, col in header.criteria.items():
        code = f"K{CRITERIA.index(key) + 1}"
        criteria[legend.get(code, key)] = col
    return criteria


@hookimpl
def sopdoc_parser_info():
    return ParserInfo(NAME, VERSION, "bontang", ("xlsx",), absent_fields=("implementation",))


def _layout(document):
    has_identity = any({"agency", "nip"} <= set(_identity(g)) for g in sheets.grids(document))

    def checks(grid, rows, header):
        return {
            "kolom K1 s.d. K7": len(_coded_criteria(rows, header)) == 7,
            "kolom Status SOP": "follow_up" in header.columns,
            "tanpa kolom Penilaian": "implementation" not in header.columns,
            "isian identitas (nama perangkat daerah, NIP)": has_identity,
        }

    return sheets.best_layout(document, checks)


@hookimpl
def sopdoc_recognize(document):
    if document.kind == "xlsx":
        return sheets.recognition(NAME, _layout(document))


@hookimpl
def sopdoc_parse(document, parser):
    if parser != NAME:
        return None
    layout = _layout(document)
    warnings = []
    header = layout.header
    criteria = _legend(layout.grid, header)
    if sorted(criteria) != sorted(CRITERIA):
        warnings.append(Warning("legenda_tidak_lengkap", "Keterangan K1 s.d. K7 tidak memetakan ketujuh kriteria",
                                layout.grid.where(header.row, header.columns["title"])))
    header = dataclasses.replace(header, criteria=criteria)  # the found header is shared: copy it
    fields = sheets.agreed([_identity(grid) for grid in sheets.grids(document)], warnings)
    sops = sheets.read_form_sops(document, layout.grid, header, warnings)
    return ParsedForm(sops=sops, **read_identity(fields, None, warnings))


@hookimpl
def sopdoc_blank_form(parser, blank):
    if parser == NAME:
        from . import bontang_blank  # only blanks need the office writers: not loaded to read forms

        return bontang_blank.write(blank)
