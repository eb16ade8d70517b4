"""The recap workbook (Rekap Evaluasi SOP): who sent what, when, and how their SOPs fared.

`write_recap(status, path)` writes one period's recap from a `PeriodStatus`: sheets Ringkasan
(one row per register agency, senders or not), Rekap SOP (every SOP of every latest submission),
Kriteria (the seven criteria, overall and per agency) and Peringatan (every warning, with file and
place). `refresh_after_batch(ws)` rewrites the recaps in outbox/ after a batch. `summarize` gives
the numbers the recap and the laporan letter share; `write_table` writes a plain one-sheet table
(the xlsx export).

Workbooks are written with openpyxl in write-only mode: rows stream to disk, so memory stays flat
in the number of SOPs. The Rekap SOP and Peringatan tables, whose rows grow with the season, go in
as XML text (`xlsx_rows`). No text ever becomes a formula: see `Cells` and `xlsx_rows`.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooter

from sopdoc import plugins
from sopdoc.rules import deadlines
from sopdoc.errors import SopdocError
from sopdoc.files import replacing
from sopdoc.outputs.safe_text import set_text_cell
from sopdoc.outputs.xlsx_rows import TableRows, save_with_rows
from sopdoc.rules.indonesian import moment_text
from sopdoc.vocabulary import (
    CRITERIA,
    CRITERIA_LABELS,
    CRITERIA_SHORT,
    FOLLOW_UP_LABELS,
    IMPLEMENTATION_LABELS,
    STATUS_LABELS,
    STATUSES,
    YES_NO,
)
from sopdoc.outputs.status import PeriodStatus, meets_all, period_status
from sopdoc.intake.store import Store

log = logging.getLogger(__name__)

ABSENT = "–"  # a field the region's form does not have: shown apart from 0 and from "not filled in"
ABSENT_TEXT = "tidak ada di formulir"
_STATUS_COLOURS = {"tepat_waktu": "63BE7B", "terlambat": "FFC000", "belum_menyampaikan": "F8696B"}


class RecapError(SopdocError):
    """The recap cannot be written (folder not writable, file held open by another program)."""


# -- the numbers --------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts over a set of SOPs (one submission, or many added together)."""

    sops: int = 0
    meets_all: int = 0  # all seven Ya
    undetermined: int = 0  # no Tidak, but a criterion blank or unreadable: "tidak dapat dinilai"
    yes: Counter = field(default_factory=Counter)  # criterion -> SOPs answering Ya
    no: Counter = field(default_factory=Counter)
    unanswered: Counter = field(default_factory=Counter)
    implementation: Counter = field(default_factory=Counter)  # baik / tidak_baik / None
    follow_up: Counter = field(default_factory=Counter)  # dipertahankan / direvisi / dicabut / None
    warnings: int = 0
    # SOPs whose form has the column at all: the others are absent, not "belum ditentukan"
    with_implementation: int = 0
    with_follow_up: int = 0

    def add_sop(self, sop: dict, absent: frozenset = frozenset()) -> None:
        self.sops += 1
        criteria = sop.get("criteria") or {}
        for key in CRITERIA:
            value = criteria.get(key)
            (self.yes if value is True else self.no if value is False else self.unanswered)[key] += 1
        verdict = meets_all(sop)
        self.meets_all += verdict is True
        self.undetermined += verdict is None
        if "implementation" not in absent:
            self.with_implementation += 1
            self.implementation[sop.get("implementation")] += 1
        if "follow_up" not in absent:
            self.with_follow_up += 1
            self.follow_up[sop.get("follow_up")] += 1

    def __iadd__(self, other: Tally) -> Tally:
        self.sops += other.sops
        self.meets_all += other.meets_all
        self.undetermined += other.undetermined
        for mine, theirs in ((self.yes, other.yes), (self.no, other.no), (self.unanswered, other.unanswered),
                             (self.implementation, other.implementation), (self.follow_up, other.follow_up)):
            mine.update(theirs)
        self.warnings += other.warnings
        self.with_implementation += other.with_implementation
        self.with_follow_up += other.with_follow_up
        return self

    @property
    def fails_all(self) -> int:
        """SOPs with at least one criterion answered Tidak."""
        return self.sops - self.meets_all - self.undetermined

    def share(self, count: int) -> Optional[float]:
        """`count` as a share of all SOPs (None when there are none)."""
        return count / self.sops if self.sops else None

    def readable(self, key: str) -> int:
        """SOPs whose answer to criterion `key` could be read (Ya or Tidak)."""
        return self.yes[key] + self.no[key]

    def yes_share(self, key: str) -> Optional[float]:
        """The share of Ya among the readable answers to `key` (None when none is readable)."""
        readable = self.readable(key)
        return self.yes[key] / readable if readable else None

    def all_share(self) -> Optional[float]:
        """The share meeting all seven among the SOPs that can be judged (None when none can)."""
        judged = self.meets_all + self.fails_all
        return self.meets_all / judged if judged else None


def absent_fields(document: dict) -> frozenset:
    """The SOP fields the form of `document` has no column for."""
    parser = (document.get("source") or {}).get("parser")
    return plugins.absent_fields(parser) if parser else frozenset()


def tally(document: Optional[dict]) -> Tally:
    """Counts of one canonical submission (an empty Tally for None)."""
    result = Tally()
    if document:
        absent = absent_fields(document)
        for sop in document["sops"]:
            result.add_sop(sop, absent)
        result.warnings = len(document["warnings"])
    return result


@dataclass
class Summary:
    statuses: Counter  # status -> number of register agencies
    total: Tally  # every SOP of the latest submission of every register agency
    by_agency: list  # (AgencyStatus, Tally) in register order

    @property
    def agencies(self) -> int:
        return len(self.by_agency)


def summarize(status: PeriodStatus) -> Summary:
    """The recap's numbers. Only register agencies count; unmatched submissions are listed apart."""
    statuses = Counter({s: 0 for s in STATUSES})
    total = Tally()
    rows = []
    for agency in status.agencies:
        statuses[agency.status] += 1
        counts = tally(agency.latest)
        total += counts
        rows.append((agency, counts))
    return Summary(statuses, total, rows)


# -- inert cells ----------------------------------------------------------------------------------


class Cells:
    """Makes cells for write-only sheets of one workbook.

    openpyxl decides a cell's type from its value: a string starting with "=" becomes a formula
    and "#N/A"-like strings become error values, also in write-only mode (`_values_to_row`
    assigns each appended value to a cell). Such strings, and every styled string, go out as a
    cell whose type is forced to text, so agency text stays inert; other strings are already
    stored as text ("+", "-" and "@" only start a formula when typed in, not in a saved file).
    Styles are registered once and copied as style arrays, which keeps 20,000-row sheets fast.
    """

    def __init__(self, ws):
        self.ws = ws
        self._styles = {}

    def style(self, name: str, *, font=None, fill=None, border=None, alignment=None, number_format=None):
        probe = WriteOnlyCell(self.ws)
        if font:
            probe.font = font
        if fill:
            probe.fill = fill
        if border:
            probe.border = border
        if alignment:
            probe.alignment = alignment
        if number_format:
            probe.number_format = number_format
        self._styles[name] = probe._style

    def style_id(self, name: str) -> int:
        """The workbook's id of style `name`, for rows written as XML (`xlsx_rows`)."""
        return Cell(self.ws, row=1, column=1, style_array=self._styles[name]).style_id

    def __call__(self, value, style: Optional[str] = None):
        if isinstance(value, str):
            value = clean_text(value)
            if style is None and not _typed_as_non_text(value):
                return value
        elif style is None:
            return value
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        cell = Cell(self.ws, row=1, column=1, value=value,
                    style_array=self._styles[style] if style else None)
        if isinstance(value, str):
            cell.data_type = "s"
        return cell

    def text(self, value: Optional[str], style: Optional[str] = None):
        """Agency text: always a text cell, whatever it starts with."""
        if value is None:
            return self(None, style) if style else None
        cell = Cell(self.ws, row=1, column=1, style_array=self._styles[style] if style else None)
        set_text_cell(cell, clean_text(str(value)))
        return cell


def clean_text(value: str) -> str:
    """Text a worksheet can hold: control characters Excel refuses are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _typed_as_non_text(value: str) -> bool:
    return (len(value) > 1 and value.startswith("=")) or value in ERROR_CODES


# -- sheet plumbing -------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
_TOTAL_FILL = PatternFill("solid", fgColor="D9E1F2")
_FILLS = {
    "terlambat": PatternFill("solid", fgColor="FFEB9C"),
    "belum_menyampaikan": PatternFill("solid", fgColor="FFC7CE"),
}
_DATE_FORMAT = "DD/MM/YYYY HH:MM"
_PERCENT = "0.0%"

# Printing on A4 landscape: about this many width units (characters of the default 11 pt font) fit
# between the margins; below MIN_SCALE percent the 11 pt cells would print under 8 pt.
PRINTABLE_WIDTH = 110
MIN_SCALE = 75
LINE_HEIGHT = 15  # points per line of 11 pt text
MAX_WIDTH = 45  # a column wider than this wraps its text instead


def print_scale(widths: list) -> int:
    """The print scale in percent: the whole width on one page when that keeps MIN_SCALE."""
    return max(MIN_SCALE, min(100, int(100 * PRINTABLE_WIDTH / max(sum(widths), 1))))


def column_width(header: str, values: Iterable = (), cap: float = MAX_WIDTH, bold: bool = True) -> float:
    """A width from the content: the header's longest word fits whole (a header wraps between
    words, never inside one), and values up to `cap` fit on one line; longer ones wrap."""
    longest_word = max((len(word) for word in str(header).split()), default=0)
    widest = max((len(str(v)) for v in values if v is not None), default=0)
    return round(max(longest_word * (1.1 if bold else 1.0) + 1.5, min(widest + 1.5, cap), 5), 1)


def text_lines(text, width: float) -> int:
    """Lines `text` takes wrapped at word boundaries in a column `width` characters wide."""
    room = max(int(width) - 1, 1)  # conservative: a row too short would cut its last line off
    lines, used = 1, 0
    for word in str(text).split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= room:
            used = need
            continue
        lines += 1 if used else 0
        lines += (len(word) - 1) // room  # a word longer than the column breaks where it must
        used = len(word) % room or room
    return lines


def _register_styles(cells: Cells) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cells.style("title", font=Font(bold=True, size=14))
    cells.style("label", font=Font(bold=True))
    cells.style("head", font=Font(bold=True, color="FFFFFF"), fill=_HEAD_FILL, border=_BOX, alignment=centre)
    cells.style("section", font=Font(bold=True, size=12))
    cells.style("note", font=Font(italic=True, color="595959"))
    cells.style("notewrap", font=Font(italic=True, color="595959"), alignment=wrap)
    for state, fill in (("", None), ("terlambat", _FILLS["terlambat"]),
                        ("belum_menyampaikan", _FILLS["belum_menyampaikan"]), ("total", _TOTAL_FILL)):
        font = Font(bold=True) if state == "total" else None
        cells.style(f"text{state}", fill=fill, border=_BOX, alignment=top, font=font)
        cells.style(f"wrap{state}", fill=fill, border=_BOX, alignment=wrap, font=font)
        cells.style(f"num{state}", fill=fill, border=_BOX, font=font, alignment=top)
        cells.style(f"no{state}", fill=fill, border=_BOX, font=font, alignment=Alignment(horizontal="center",
                                                                                         vertical="top"))
        cells.style(f"date{state}", fill=fill, border=_BOX, number_format=_DATE_FORMAT, font=font, alignment=top)
        cells.style(f"pct{state}", fill=fill, border=_BOX, number_format=_PERCENT, font=font, alignment=top)


class Sheet:
    """A write-only sheet: a title block, then a table whose header is frozen and printed on every page."""

    _TITLE_ROWS = ("Daerah", "Periode", "Batas waktu", "Dibuat")

    def __init__(self, wb: Workbook, title: str, widths: list, status: PeriodStatus, heading: str,
                 title_cols: Optional[str] = None):
        """`title_cols` ("A:C"): columns printed again on every page when the table is wider than
        one, so each page says whose row it is."""
        self.ws = wb.create_sheet(title)
        self.cells = Cells(self.ws)
        _register_styles(self.cells)
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.widths = list(widths)
        self.ncols = len(widths)
        self.row = 0
        self.header_row = len(self._TITLE_ROWS) + 3
        # sheet views go out with the first row in write-only mode, so freeze before writing
        self.ws.freeze_panes = f"D{self.header_row + 1}"
        self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        if title_cols and print_scale(widths) == MIN_SCALE:
            self.ws.print_title_cols = title_cols
        self._setup_print()
        self._title_block(status, heading)

    def _setup_print(self) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        # shrunk to the page width only while the text stays readable (8 pt of the 11 pt cells);
        # a wider table goes on across pages, each band of rows with all its columns in turn
        ws.page_setup.scale = print_scale(self.widths)
        ws.page_setup.pageOrder = "overThenDown"
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.HeaderFooter = HeaderFooter()
        ws.HeaderFooter.oddFooter.center.text = "Halaman &P dari &N"
        ws.HeaderFooter.oddFooter.right.text = "&A"

    def _title_block(self, status: PeriodStatus, heading: str) -> None:
        c = self.cells
        region = status.region
        values = (f"{region.name} — {region.organizer}", f"{status.period.name} ({status.period.id})",
                  moment_text(status.deadline, region.timezone), moment_text(status.now, region.timezone))
        self.append([c(heading, "title")])
        for label, value in zip(self._TITLE_ROWS, values):
            self.append([c(label, "label"), None, c(value)])
        self.append([])

    def append(self, values: list, height: Optional[float] = None) -> int:
        """Append a row; `height` in points for a row whose wrapped text needs more than one line
        (neither Excel nor LibreOffice fits the rows of a written file)."""
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        self.ws.append(values)
        self.row += 1
        if height:  # written with its row already: memory stays flat in the number of rows
            del self.ws.row_dimensions[self.row]
        return self.row

    def reserve(self, rows: int) -> int:
        """Leave the next `rows` rows to `xlsx_rows` (nothing may be appended after them); returns
        the first."""
        first = self.row + 1
        self.row += rows
        return first

    def wrapped_height(self, texts: dict) -> Optional[float]:
        """The height a row needs for `texts` ({column index from 1: text}) wrapped in their columns."""
        lines = max((text_lines(text, self.widths[col - 1]) for col, text in texts.items() if text), default=1)
        return LINE_HEIGHT * lines + 3 if lines > 1 else None

    def chart_area(self, rows: int) -> int:
        """Keep `rows` empty rows below the content for a chart and return the first of them: a
        chart placed there covers no cell with content."""
        self.append([])
        first = self.row + 1
        for _ in range(rows):
            self.append([])
        return first

    def header(self, labels: list) -> int:
        """Write the table's header row (frozen with the title block, repeated on every page), as
        tall as its longest label wrapped between words in its column."""
        assert self.row == self.header_row - 1
        lines = max(text_lines(label, width / 1.1) for label, width in zip(labels, self.widths))
        self.ws.row_dimensions[self.header_row].height = LINE_HEIGHT * lines + 6
        return self.append([self.cells(label, "head") for label in labels])

    def filter_to(self, last_row: int) -> None:
        """Autofilter over the table from the header down to `last_row` (totals stay outside)."""
        last = max(last_row, self.header_row + 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(self.ncols)}{last}"


def _local(moment: Optional[str], tz) -> Optional[dt.datetime]:
    if not moment:
        return None
    return dt.datetime.fromisoformat(moment).astimezone(tz).replace(tzinfo=None)


_MEETS_ALL_LABELS = {**YES_NO, None: "Tidak dapat dinilai"}


def _yes_no(value) -> Optional[str]:
    # None, not "": an empty inline string is a cell Excel may call damaged
    return YES_NO.get(value)


def _suffix(status: str) -> str:
    return status if status in _FILLS else ""


# -- the four sheets ------------------------------------------------------------------------------

_SUMMARY_HEAD = [
    "No", "Kode", "Perangkat Daerah", "Kelompok", "Diterima", "Status", "Hari Kerja Terlambat", "Versi",
    "Jumlah SOP", "Memenuhi 7 Kriteria", "7 Kriteria Tidak Dapat Dinilai", "Baik", "Tidak Baik",
    "Dipertahankan", "Direvisi", "Dicabut", "Peringatan", "Berkas Terakhir",
]
_NAME_WIDTH, _FILE_WIDTH = 36, 28  # agency and file names wrap beyond these


def _summary_widths(status: PeriodStatus, summary: Summary) -> list:
    agencies = [a for a, _ in summary.by_agency]
    values = {
        "Kode": [a.agency.code for a in agencies],
        # the status table under the main one shares columns C to E: its words must fit too
        "Perangkat Daerah": [a.agency.name for a in agencies] + [STATUS_LABELS[s] for s in STATUSES],
        "Kelompok": ["Jumlah  "],
        "Diterima": ["00/00/0000 00:00", "Persentase  "],
        "Status": [STATUS_LABELS[s] for s in STATUSES] + [f"{summary.agencies} dari {summary.agencies} menyampaikan"],
        "Berkas Terakhir": [a.latest["source"]["file"] for a in agencies if a.latest],
    }
    caps = {"Perangkat Daerah": _NAME_WIDTH, "Berkas Terakhir": _FILE_WIDTH, "Status": 20}
    return [column_width(h, values.get(h, ["0000"]), caps.get(h, MAX_WIDTH)) for h in _SUMMARY_HEAD]


def _summary_sheet(wb, status: PeriodStatus, summary: Summary) -> None:
    sheet = Sheet(wb, "Ringkasan", _summary_widths(status, summary), status,
                  "REKAP EVALUASI PELAKSANAAN STANDAR OPERASIONAL PROSEDUR (SOP)", title_cols="A:C")
    c = sheet.cells
    sheet.header(_SUMMARY_HEAD)
    tz = status.region.tz
    for i, (agency_status, counts) in enumerate(summary.by_agency, start=1):
        agency, state = agency_status.agency, agency_status.status
        s = _suffix(state)
        latest = agency_status.latest
        file_name = latest["source"]["file"] if latest else None
        row = [c(i, "no" + s), c.text(agency.code, "text" + s), c.text(agency.name, "wrap" + s),
               c(agency.group, "num" + s), c(_local(agency_status.received_at, tz), "date" + s),
               c(STATUS_LABELS[state], "text" + s)]
        if latest is None:
            row += [c(None, "num" + s)] * (2 + len(_summary_counts(counts))) + [c(None, "text" + s)]
        else:
            row += [c(agency_status.working_days_late or 0, "num" + s),
                    c(latest["source"]["version"], "num" + s)]
            row += [c(n, "num" + s) for n in _summary_counts(counts)]
            row.append(c.text(file_name, "wrap" + s))
        sheet.append(row, sheet.wrapped_height({3: agency.name, 18: file_name}))
    sheet.filter_to(sheet.row)
    t = summary.total
    sent = summary.agencies - summary.statuses["belum_menyampaikan"]
    sheet.append([c(None, "numtotal"), c(None, "texttotal"), c("Jumlah", "texttotal"), c(None, "numtotal"),
                  c(None, "datetotal"), c(f"{sent} dari {summary.agencies} menyampaikan", "wraptotal"),
                  c(None, "numtotal"), c(None, "numtotal")]
                 + [c(n, "numtotal") for n in _summary_counts(t)] + [c(None, "texttotal")],
                 sheet.wrapped_height({6: f"{sent} dari {summary.agencies} menyampaikan"}))
    sheet.append([])
    sheet.append([None, None, c("Rekapitulasi status penyampaian", "section")])
    first = sheet.append([None, None, c("Status", "head"), c("Jumlah", "head"), c("Persentase", "head")])
    for state in STATUSES:
        n = summary.statuses[state]
        s = _suffix(state)
        sheet.append([None, None, c(STATUS_LABELS[state], "text" + s), c(n, "num" + s),
                      c(n / summary.agencies if summary.agencies else None, "pct" + s)])
    sheet.append([None, None, c("Jumlah", "texttotal"), c(summary.agencies, "numtotal"),
                  c(1 if summary.agencies else None, "pcttotal")])
    notes = []
    missing = [label for label, n in (("Penilaian Penerapan (Baik, Tidak Baik)", t.with_implementation),
                                      ("Tindak Lanjut", t.with_follow_up)) if n < t.sops]
    if missing:
        notes.append(f"{ABSENT} : {' dan '.join(missing)} {ABSENT_TEXT} (formulir daerah ini tidak memuat kolom "
                     "itu); jumlahnya hanya dari SOP yang formulirnya memuat kolom tersebut.")
    if t.undetermined:
        notes.append(
            f"{t.undetermined} SOP tidak dapat dinilai terhadap 7 kriteria: tidak ada jawaban Tidak, tetapi ada "
            "kriteria yang kosong atau tidak terbaca. SOP itu tidak dihitung memenuhi maupun tidak memenuhi; "
            "periksa lembar Rekap SOP.")
    if status.unmatched:
        notes.append(
            f"{len(status.unmatched)} berkas diterima dari perangkat daerah yang tidak dikenali dalam daftar; "
            "tidak dihitung di atas. Lihat lembar Peringatan dan tambahkan alias di sopdoc.toml.")
    _notes(sheet, notes)
    _status_chart(sheet, first, sheet.chart_area(_CHART_ROWS["status"]))


def _notes(sheet: Sheet, notes: list) -> None:
    """Notes under a table, each wrapped in column C (the widest) so that it prints whole."""
    for note in notes:
        sheet.append([])
        sheet.append([None, None, sheet.cells(note, "notewrap")], sheet.wrapped_height({3: note}))


def _summary_counts(t: Tally) -> list:
    implementation = ([t.implementation["baik"], t.implementation["tidak_baik"]] if t.with_implementation
                      else [ABSENT] * 2)
    follow_up = ([t.follow_up[f] for f in FOLLOW_UP_LABELS] if t.with_follow_up else [ABSENT] * 3)
    return [t.sops, t.meets_all, t.undetermined, *implementation, *follow_up, t.warnings]


# charts sit in rows kept empty for them under the content, never over a cell with content
_CHART_CM = {"status": (7.5, 13), "criteria": (9, 18)}  # height, width
_CHART_ROWS = {name: int(height / 0.53) + 2 for name, (height, _) in _CHART_CM.items()}  # 15 pt rows


def _status_chart(sheet: Sheet, header_row: int, at_row: int) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = "Status penyampaian"
    chart.y_axis.title = "Perangkat daerah"
    chart.y_axis.majorGridlines = None
    chart.legend = None
    data = Reference(sheet.ws, min_col=4, min_row=header_row, max_row=header_row + len(STATUSES))
    labels = Reference(sheet.ws, min_col=3, min_row=header_row + 1, max_row=header_row + len(STATUSES))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    series = chart.series[0]
    for i, state in enumerate(STATUSES):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = _STATUS_COLOURS[state]
        series.dPt.append(point)
    series.dLbls = _value_labels()
    chart.height, chart.width = _CHART_CM["status"]
    sheet.ws.add_chart(chart, f"C{at_row}")


_SOP_HEAD = (["No", "Kode", "Perangkat Daerah", "Status", "Versi", "No. Urut", "Nomor SOP", "Nama SOP"]
             + [f"{i}. {CRITERIA_LABELS[k]}" for i, k in enumerate(CRITERIA, start=1)]
             + ["Memenuhi 7 Kriteria", "Penilaian Penerapan", "Tindak Lanjut", "Catatan", "Berkas"])
_SOP_CAPS = {"Perangkat Daerah": 26, "Nomor SOP": 24, "Nama SOP": 34, "Catatan": 34, "Berkas": 24}
_SOP_WRAPPED = {3: "Perangkat Daerah", 7: "Nomor SOP", 8: "Nama SOP", 19: "Catatan", 20: "Berkas"}


def _sop_sources(status: PeriodStatus) -> list:
    sources = [(a.agency.code, a.agency.name, a.status, a.latest) for a in status.agencies if a.latest]
    sources += [(None, f"{d['agency']['as_written'] or '(tanpa nama)'} (tidak dikenal)",
                 (d.get("timeliness") or {}).get("status"), d) for d in status.unmatched]
    return sources


def _sop_widths(sources: list) -> list:
    """Widths from the content, read in passes over the sources (no list of 20,000 rows kept)."""
    def each(pick):
        return (pick(code, name, document, sop) for code, name, _, document in sources for sop in document["sops"])

    values = {
        "Kode": each(lambda code, *_: code), "Perangkat Daerah": each(lambda _, name, *__: name),
        "Status": list(STATUS_LABELS.values()), "Nomor SOP": each(lambda *a: a[3].get("number")),
        "Nama SOP": each(lambda *a: a[3].get("title")), "Catatan": each(lambda *a: a[3].get("notes")),
        "Berkas": each(lambda *a: a[2]["source"]["file"]),
        "Memenuhi 7 Kriteria": list(_MEETS_ALL_LABELS.values()),
        "Tindak Lanjut": list(FOLLOW_UP_LABELS.values()), "Penilaian Penerapan": ["Tidak Baik"],
    }
    # the criteria headers are whole sentences: a column of 14 shows them on a few lines
    return [column_width(h, values.get(h, ["Tidak"]), _SOP_CAPS.get(h, MAX_WIDTH)) if not h[0].isdigit()
            else max(14.0, column_width(h, ["Tidak"])) for h in _SOP_HEAD]


def _sop_sheet(wb, status: PeriodStatus) -> Optional[TableRows]:
    """The Rekap SOP sheet: its SOP rows are returned, to go in as XML when the workbook is saved."""
    sources = _sop_sources(status)
    sheet = Sheet(wb, "Rekap SOP", _sop_widths(sources), status,
                  "REKAP SOP PER PERANGKAT DAERAH (VERSI TERAKHIR)", title_cols="A:C")
    sheet.header(_SOP_HEAD)
    count = sum(len(document["sops"]) for *_, document in sources)
    if count == 0:
        sheet.filter_to(sheet.row)
        sheet.append([None, None, sheet.cells("Belum ada SOP yang diterima pada periode ini.", "note")])
        return None
    first = sheet.reserve(count)
    sheet.filter_to(sheet.row)
    ids = {name: sheet.cells.style_id(name) for name in ("no", "num", "text", "wrap", "textterlambat")}
    return TableRows(sheet.ws, first, lambda: _sop_rows(sources, sheet, ids))


def _sop_rows(sources: list, sheet: Sheet, ids: dict) -> Iterator[tuple[list, Optional[float]]]:
    no, num, text, wrap = ids["no"], ids["num"], ids["text"], ids["wrap"]
    n = 0
    for code, name, state, document in sources:
        version, file_name = document["source"]["version"], document["source"]["file"]
        state_cell = (STATUS_LABELS.get(state), ids["textterlambat"] if state == "terlambat" else text)
        absent = absent_fields(document)
        for sop in document["sops"]:
            n += 1
            criteria = sop.get("criteria") or {}
            texts = {3: name, 7: sop.get("number"), 8: sop.get("title"), 19: sop.get("notes"), 20: file_name}
            cells = [(n, no), (code, text), (name, wrap), state_cell, (version, num), (sop["row"], num),
                     (_as_text(sop.get("number")), wrap), (_as_text(sop.get("title")), wrap)]
            cells += [(_yes_no(criteria.get(key)), text) for key in CRITERIA]
            cells += [(_MEETS_ALL_LABELS[meets_all(sop)], text),
                      (ABSENT if "implementation" in absent else IMPLEMENTATION_LABELS.get(sop.get("implementation")),
                       text),
                      (ABSENT if "follow_up" in absent else FOLLOW_UP_LABELS.get(sop.get("follow_up")), text),
                      (_as_text(sop.get("notes")), wrap), (file_name, wrap)]
            yield cells, sheet.wrapped_height(texts)


def _as_text(value) -> Optional[str]:
    """Agency text for a text cell, whatever type the form gave it (None: an empty cell)."""
    return None if value is None else str(value)


_UNREADABLE = "tak terbaca"
_CRITERIA_HEAD = (["No", "Kode", "Perangkat Daerah", "Status", "Jumlah SOP"]
                  + [f"{i}. {CRITERIA_SHORT[k]} — {part}" for i, k in enumerate(CRITERIA, start=1)
                     for part in ("Ya", "%", _UNREADABLE)]
                  + [f"Memenuhi 7 kriteria — {part}" for part in ("Ya", "%", "tidak dapat dinilai")])


def _criteria_widths(summary: Summary) -> list:
    agencies = [a for a, _ in summary.by_agency]
    values = {
        "Kode": [a.agency.code for a in agencies],
        # the overall table under the main one puts the criteria's labels in column C and its own
        # headers in D to G
        "Perangkat Daerah": [a.agency.name for a in agencies] + ["Seluruh perangkat daerah"],
        "Status": [STATUS_LABELS[s] for s in STATUSES] + ["Tidak  "],
        "Jumlah SOP": ["Kosong / Tak Terbaca"],
    }
    return [column_width(h, values.get(h, ["100,0%"]), _NAME_WIDTH if h == "Perangkat Daerah" else MAX_WIDTH)
            for h in _CRITERIA_HEAD]


def _criteria_sheet(wb, status: PeriodStatus, summary: Summary) -> None:
    """Per criterion: SOPs answering Ya, their share of the SOPs whose answer could be read, and
    how many answers were blank or unreadable (they count neither way)."""
    sheet = Sheet(wb, "Kriteria", _criteria_widths(summary), status,
                  "PEMENUHAN TUJUH KRITERIA EVALUASI SOP (PERMENPAN RB 35/2012)", title_cols="A:C")
    c = sheet.cells
    sheet.header(_CRITERIA_HEAD)

    def shares(t: Tally, s: str) -> list:
        values = []
        for key in CRITERIA:
            values += [c(t.yes[key], "num" + s), c(t.yes_share(key), "pct" + s), c(t.unanswered[key], "num" + s)]
        return values + [c(t.meets_all, "num" + s), c(t.all_share(), "pct" + s), c(t.undetermined, "num" + s)]

    for i, (agency_status, counts) in enumerate(summary.by_agency, start=1):
        agency, state = agency_status.agency, agency_status.status
        s = _suffix(state)
        row = [c(i, "no" + s), c.text(agency.code, "text" + s), c.text(agency.name, "wrap" + s),
               c(STATUS_LABELS[state], "text" + s)]
        if agency_status.latest is None:
            row += [c(None, "num" + s)] * (1 + 3 * (len(CRITERIA) + 1))
        else:
            row += [c(counts.sops, "num" + s)] + shares(counts, s)
        sheet.append(row, sheet.wrapped_height({3: agency.name}))
    sheet.filter_to(sheet.row)
    t = summary.total
    sheet.append([c(None, "numtotal"), c(None, "texttotal"), c("Seluruh perangkat daerah", "texttotal"),
                  c(None, "texttotal"), c(t.sops, "numtotal")] + shares(t, "total"))
    sheet.append([])
    senders = summary.agencies - summary.statuses["belum_menyampaikan"]
    sheet.append([None, None, c(f"Keseluruhan: {t.sops} SOP dari {senders} perangkat daerah yang menyampaikan",
                                "section")])
    labels = ["No", None, "Kriteria", "Ya", "Tidak", "Kosong / Tak Terbaca", "% Ya dari yang terbaca"]
    first = sheet.append([c(label, "head") if label else None for label in labels],
                         LINE_HEIGHT * max(text_lines(label, sheet.widths[i]) for i, label in enumerate(labels)
                                           if label) + 4)
    for i, key in enumerate(CRITERIA, start=1):
        sheet.append([c(i, "no"), None, c(CRITERIA_LABELS[key], "wrap"), c(t.yes[key], "num"),
                      c(t.no[key], "num"), c(t.unanswered[key], "num"), c(t.yes_share(key), "pct")],
                     sheet.wrapped_height({3: CRITERIA_LABELS[key]}))
    sheet.append([c(None, "numtotal"), None, c("Memenuhi seluruh 7 kriteria", "wraptotal"),
                  c(t.meets_all, "numtotal"), c(t.fails_all, "numtotal"), c(t.undetermined, "numtotal"),
                  c(t.all_share(), "pcttotal")], sheet.wrapped_height({3: "Memenuhi seluruh 7 kriteria"}))
    _notes(sheet, [
        "Persentase dihitung dari SOP yang jawabannya terbaca; jawaban kosong atau tidak terbaca tidak dihitung. "
        f"Memenuhi seluruh 7 kriteria: {t.undetermined} SOP tidak dapat dinilai (tidak ada jawaban Tidak, "
        "tetapi ada kriteria yang kosong atau tidak terbaca)."])
    _criteria_chart(sheet, first, sheet.chart_area(_CHART_ROWS["criteria"]))


def _value_labels(number_format: Optional[str] = None) -> DataLabelList:
    # LibreOffice shows series and category names too unless told not to
    labels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                           showPercent=False)
    if number_format:
        labels.numFmt = number_format
    return labels


def _criteria_chart(sheet: Sheet, header_row: int, at_row: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Persentase SOP yang memenuhi tiap kriteria"
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # criterion 1 on top, as in the table
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.numFmt = NumFmt(formatCode="0%", sourceLinked=False)
    chart.y_axis.majorGridlines = None
    rows = len(CRITERIA) + 1
    data = Reference(sheet.ws, min_col=7, min_row=header_row, max_row=header_row + rows)
    labels = Reference(sheet.ws, min_col=3, min_row=header_row + 1, max_row=header_row + rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.series[0].graphicalProperties.solidFill = "2E75B6"
    chart.series[0].dLbls = _value_labels("0%")
    chart.height, chart.width = _CHART_CM["criteria"]
    sheet.ws.add_chart(chart, f"C{at_row}")


_WARNING_HEAD = ["No", "Kode OPD", "Perangkat Daerah", "Versi", "Berkas", "Kode Peringatan", "Pesan", "Letak"]
_WARNING_CAPS = {"Perangkat Daerah": 26, "Berkas": 22, "Kode Peringatan": 20, "Pesan": 44, "Letak": 16}


def _warning_rows(status: PeriodStatus, refusals: list) -> list:
    """(agency code, name, version, file, warning code, message, where) of every warning and refusal."""
    sources = [(a.agency.code, a.agency.name, a.latest) for a in status.agencies if a.latest]
    sources += [(None, d["agency"]["as_written"], d) for d in status.unmatched]
    rows = [(code, name, document["source"]["version"], document["source"]["file"], warning.get("code"),
             warning.get("message"), warning.get("where"))
            for code, name, document in sources for warning in document["warnings"]]
    rows += [(None, None, None, r["file"], r["reason_code"], f"Berkas ditolak: {r['reason']}", None) for r in refusals]
    return rows


def _warning_sheet(wb, status: PeriodStatus, refusals: list) -> Optional[TableRows]:
    """The Peringatan sheet: its rows are returned, to go in as XML when the workbook is saved."""
    rows = _warning_rows(status, refusals)
    columns = list(zip(*rows)) if rows else [()] * 7
    widths = [column_width("No", [len(rows)])] + [
        column_width(head, values, _WARNING_CAPS.get(head, MAX_WIDTH))
        for head, values in zip(_WARNING_HEAD[1:], columns)]
    sheet = Sheet(wb, "Peringatan", widths, status, "PERINGATAN YANG PERLU DIPERIKSA")
    sheet.header(_WARNING_HEAD)
    if not rows:
        sheet.filter_to(sheet.row)
        sheet.append([None, None, sheet.cells("Tidak ada peringatan.", "note")])
        return None
    first = sheet.reserve(len(rows))
    sheet.filter_to(sheet.row)
    ids = {name: sheet.cells.style_id(name) for name in ("no", "num", "text", "wrap")}
    return TableRows(sheet.ws, first, lambda: _warning_table(rows, sheet, ids))


def _warning_table(rows: list, sheet: Sheet, ids: dict) -> Iterator[tuple[list, Optional[float]]]:
    no, num, text, wrap = ids["no"], ids["num"], ids["text"], ids["wrap"]
    for n, (code, name, version, file_name, warning_code, message, where) in enumerate(rows, start=1):
        yield ([(n, no), (_as_text(code), text), (_as_text(name), wrap), (version, num), (_as_text(file_name), wrap),
                (_as_text(warning_code), wrap), (_as_text(message), wrap), (_as_text(where), wrap)],
               sheet.wrapped_height({3: name, 5: file_name, 6: warning_code, 7: message, 8: where}))


def _period_refusals(store: Optional[Store], status: PeriodStatus) -> list:
    """Refused files whose arrival falls in this period's window (they name no period we can trust)."""
    if store is None:
        return []
    found = []
    for refusal in store.refusals():
        try:
            received = dt.datetime.fromisoformat(refusal["received_at"])
        except (TypeError, ValueError):
            continue
        period, _ = deadlines.resolve_period(status.region, received)
        if period is not None and period.id == status.period.id:
            found.append(refusal)
    return found


# -- writing files --------------------------------------------------------------------------------


def write_recap(status: PeriodStatus, path, store: Optional[Store] = None) -> Path:
    """Write the recap of `status` to `path` (replaced atomically) and return the path.

    With `store`, files refused during the period's window are listed on the Peringatan sheet.
    Raises RecapError when the file cannot be written.
    """
    summary = summarize(status)
    wb = Workbook(write_only=True)
    _summary_sheet(wb, status, summary)
    # the two tables whose rows grow with the season go in as XML (see xlsx_rows)
    tables = [_sop_sheet(wb, status)]
    _criteria_sheet(wb, status, summary)
    tables.append(_warning_sheet(wb, status, _period_refusals(store, status)))
    return _save(wb, Path(path), [table for table in tables if table is not None])


def write_table(rows: Iterable[dict], path, title: str = "Data") -> Path:
    """Write dict rows (keys of the first row as the header) as a one-sheet workbook, text inert."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    cells = Cells(ws)
    cells.style("head", font=Font(bold=True))
    header = None
    for row in rows:
        if header is None:
            header = list(row)
            for i, key in enumerate(header, start=1):
                ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(key) + 4))
            ws.freeze_panes = "A2"
            ws.append([cells(key, "head") for key in header])
        ws.append([cells.text(v) if isinstance(v, str) else v for v in (row.get(k) for k in header)])
    if header is None:
        ws.append([cells("Tidak ada data.", "head")])
    return _save(wb, Path(path))


def _save(wb: Workbook, path: Path, tables: Iterable[TableRows] = ()) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path, shared=True) as tmp:  # the watcher and the portal may refresh at once
            save_with_rows(wb, tmp, tables)
    except OSError as e:
        raise RecapError(
            f"{path.name} tidak dapat ditulis ({e.strerror or e}); bila sedang dibuka di Excel, tutup lalu "
            "jalankan: sopdoc recap"
        ) from None
    return path


def recap_path(ws, period_id: str) -> Path:
    """Where a period's recap lives: outbox/<period>/Rekap Evaluasi SOP <period>.xlsx."""
    return ws.outbox / period_id / f"Rekap Evaluasi SOP {period_id}.xlsx"


def written_within(ws, seconds: float) -> bool:
    """Was a recap of any period written less than `seconds` ago (by the wall clock)?"""
    newest = 0.0
    for period in ws.region().periods:
        try:
            newest = max(newest, recap_path(ws, period.id).stat().st_mtime)
        except OSError:
            continue
    return time.time() - newest < seconds


def refresh_after_batch(ws, now: Optional[dt.datetime] = None) -> list:
    """Rewrite the recaps a batch may have changed; return the paths written.

    Always the current period's (the one whose window holds `now`), and any other period whose
    recap is missing or older than the newest file processed into it (a late form naming
    "Tahap I" lands in that period). Quietly does nothing when the region has no periods. A recap
    that cannot be written (open in Excel) is logged and skipped: the next batch or `sopdoc
    recap` writes it again.
    """
    region = ws.region()
    if not region.periods:
        return []
    now = now or dt.datetime.now(region.tz)
    current, _ = deadlines.resolve_period(region, now, calendar=ws.calendar())
    written = []
    with Store(ws.store_path, readonly=True) as store:
        # no period open now (periods.toml not yet updated for this year): only recaps a batch changed
        wanted = ([current.id] if current else []) + [
            p for p in _stale_periods(ws, store) if current is None or p != current.id]
        for period_id in wanted:
            path = recap_path(ws, period_id)
            try:
                written.append(write_recap(period_status(ws, store, period_id, now), path, store))
            except SopdocError as e:  # a batch must not fail because its recap could not be written
                log.warning("Rekap tidak diperbarui: %s", e)
    return written


def _stale_periods(ws, store: Store) -> list:
    known = {p.id for p in ws.region().periods}
    stale = []
    for period_id, processed_at in store.latest_processing_by_period():
        if period_id not in known:
            continue
        path = recap_path(ws, period_id)
        try:
            written = int(path.stat().st_mtime)
        except FileNotFoundError:
            stale.append(period_id)
            continue
        # processed_at has whole seconds: ">=" errs on the side of writing again
        if dt.datetime.fromisoformat(processed_at).timestamp() >= written:
            stale.append(period_id)
    return stale
