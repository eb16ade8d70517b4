"""Kota Tanjungbalai: one sheet, "Unit Kerja : ..." and "Hari/Tanggal : ..." in one cell each,
"Nama SOP" before "Nomor SOP", each criterion over Ya | Tidak with a check mark."""
from sopdoc import ParserInfo, hookimpl
from sopdoc.formkit import sheets


NAME = "tanjungbalai"
VERSION = "1.0"


def _checks(grid, rows, header):
    cols = header.columns
    return {
        "kolom Nomor SOP sesudah Nama SOP": "number" in cols and cols["number"] > cols["title"],
        "tujuh kriteria dengan kolom Ya | Tidak": len(header.criteria) == 7
        and all(isinstance(c, tuple) for c in header.criteria.values()),
        "kolom Catatan": "notes" in cols,
        "tanpa kolom Tindak Lanjut dan Penilaian": "follow_up" not in cols and "implementation" not in cols,
    }


@hookimpl
def sopdoc_parser_info():
    return ParserInfo(NAME, VERSION, "tanjungbalai", ("xlsx",), absent_fields=("implementation", "follow_up"))


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
        from . import tanjungbalai_blank  # only blanks need the office writers: not loaded to read forms

        return tanjungbalai_blank.write(blank)
