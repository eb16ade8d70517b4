"""Provinsi Banten: one sheet, "Perangkat Daerah / Tahap Evaluasi / Tanggal Pengisian" fields,
a two-row header with the seven criteria under "Kriteria Evaluasi", Ya/Tidak cells."""
from sopdoc import ParserInfo, hookimpl
from sopdoc.formkit import normalize as norm
from sopdoc.formkit import sheets


NAME = "banten"
VERSION = "1.0"


def _checks(grid, rows, header):
    fields = sheets.find_fields(grid, norm.IDENTITY_LABELS, max_row=header.row)
    return {
        "kolom Nomor SOP": "number" in header.columns,
        "kolom Penilaian Penerapan": "implementation" in header.columns,
        "kolom Tindak Lanjut": "follow_up" in header.columns,
        "tujuh kriteria berisi Ya/Tidak": len(header.criteria) == 7
        and all(isinstance(c, int) for c in header.criteria.values()),
        "isian Tahap Evaluasi": "period" in fields,
    }


@hookimpl
def sopdoc_parser_info():
    return ParserInfo(NAME, VERSION, "banten", ("xlsx",))


@hookimpl
def sopdoc_recognize(document):
    if document.kind == "xlsx":
        return sheets.recognition(NAME, sheets.best_layout(document, _checks))


@hookimpl
def sopdoc_parse(document, parser):
    if parser == NAME:
        return sheets.parse_one_sheet(sheets.best_layout(document, _checks), document)


@hookimpl
def sopdoc_blank_form(parser, blank):
    if parser == NAME:
        from . import banten_blank  # only blanks need the office writers: not loaded to read forms

        return banten_blank.write(blank)
