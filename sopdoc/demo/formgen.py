"""Generators of real Excel forms for the three Excel regions, written with openpyxl.

Used by `sopdoc demo`, the benchmark and the tests.

Each builder takes the facts to write (a `Facts`) and `mess` switches for the field variations of
FORMS.md, so a test states what it built and checks the parse gives exactly that back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

# Its own copy of the vocabulary (criteria, labels, months, answers) on purpose: the generated forms
# are the independent oracle the parsers are tested against, so a word changed in
# sopdoc.vocabulary must not change what the tests expect along with it.
CRITERIA = ("mendorong_kinerja", "mudah_dipahami", "mudah_dilaksanakan", "peran_jelas",
            "atasi_masalah", "jawab_kebutuhan", "sinergi")
LABELS = ("Mampu mendorong peningkatan kinerja", "Mudah dipahami", "Mudah dilaksanakan",
          "Semua orang dapat menjalankan perannya masing-masing",
          "Mampu mengatasi permasalahan yang berkaitan dengan proses",
          "Mampu menjawab kebutuhan peningkatan kinerja organisasi", "Sinergi satu dengan lainnya")


@dataclass
class Sop:
    number: str
    title: str
    criteria: tuple = (True,) * 7
    implementation: str | None = "baik"
    follow_up: str | None = "dipertahankan"
    notes: str | None = None


def default_sops(n=3, year=2025):
    patterns = [(True,) * 7, (True, False, True, True, True, True, True), (False, True, True, False, True, True, False)]
    follow = ["dipertahankan", "direvisi", "dicabut"]
    impl = ["baik", "tidak_baik", "baik"]
    return [
        Sop(f"SOP/DINKES/{i + 1:03d}/{year}", f"Pengelolaan Arsip Nomor {i + 1}", patterns[i % 3],
            impl[i % 3], follow[i % 3], "Perlu diperjelas" if i % 2 else None)
        for i in range(n)
    ]


@dataclass
class Facts:
    agency: str = "Dinas Kesehatan"
    filled_on: dt.date = dt.date(2025, 5, 14)
    signer: str = "Rina Marlina, S.E., M.M."
    nip: str = "197110271995041002"
    position: str = "Kepala Bagian Umum"
    stage: str = "Tahap I"
    sops: list = field(default_factory=default_sops)

    def but(self, **changes) -> Facts:
        return replace(self, **changes)


def spaced_nip(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


INDONESIAN_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                     "September", "Oktober", "November", "Desember")


def indonesian_date(d: dt.date) -> str:
    return f"{d.day} {INDONESIAN_MONTHS[d.month - 1]} {d.year}"


IMPL_TEXT = {"baik": "Baik", "tidak_baik": "Tidak Baik", None: None}
FOLLOW_TEXT = {"dipertahankan": "Dipertahankan", "direvisi": "Direvisi", "dicabut": "Dicabut", None: None}
BONTANG_FOLLOW = {"dipertahankan": "Tetap", "direvisi": "Revisi", "dicabut": "Dicabut", None: None}


def _save(wb, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def banten(path, facts: Facts = None, *, top_rows=0, left_cols=0, sheet_name="Evaluasi SOP",
           extra_sheets=(), label_style="colon", date_value=None, nip_value=None, yes="Ya", no="Tidak",
           blank_row_after=None, total_row=False, notes_below=False, agency_value=None,
           criterion_overrides=None, title_breaks=False, nbsp=False, header_numbering=True) -> Path:
    """Provinsi Banten's form. `label_style`: "colon" ("Label :" | value), "upper", "abbrev",
    "inline" ("Label : value" in one cell), "colon_cell" (label | ":" | value)."""
    facts = facts or Facts()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    for name in extra_sheets:
        wb.create_sheet(name)
    r0, c0 = 1 + top_rows, 1 + left_cols
    if top_rows:
        ws.cell(1, 1, "LOGO")
    ws.cell(r0, c0, "FORMULIR EVALUASI PELAKSANAAN STANDAR OPERASIONAL PROSEDUR (SOP)")
    ws.cell(r0 + 1, c0, "PEMERINTAH PROVINSI BANTEN")
    labels = {"agency": "Perangkat Daerah", "stage": "Tahap Evaluasi", "date": "Tanggal Pengisian"}
    if label_style == "upper":
        labels = {k: v.upper() for k, v in labels.items()}
    if label_style == "abbrev":
        labels = {"agency": "OPD", "stage": "Tahap", "date": "Tgl. Pengisian"}
    values = {
        "agency": agency_value if agency_value is not None else facts.agency,
        "stage": facts.stage,
        "date": date_value if date_value is not None else dt.datetime.combine(facts.filled_on, dt.time()),
    }
    for i, key in enumerate(("agency", "stage", "date")):
        r = r0 + 3 + i
        if label_style == "inline":
            shown = values[key] if isinstance(values[key], str) else indonesian_date(facts.filled_on)
            ws.cell(r, c0, f"{labels[key]} : {shown}")
        elif label_style == "colon_cell":
            ws.cell(r, c0, labels[key])
            ws.cell(r, c0 + 1, ":")
            ws.cell(r, c0 + 2, values[key])
        else:
            ws.cell(r, c0, labels[key] + (" :" if label_style != "upper" else ""))
            ws.cell(r, c0 + 2, values[key])
    h = r0 + 7
    headers = (["No", "Nomor SOP", "Nama SOP", "Kriteria Evaluasi"] + [None] * 6
               + ["Penilaian Penerapan", "Catatan", "Tindak Lanjut"])
    for j, text in enumerate(headers):
        if text:
            ws.cell(h, c0 + j, text)
    for j, label in enumerate(LABELS):
        ws.cell(h + 1, c0 + 3 + j, f"{j + 1}. {label}")
    ws.merge_cells(start_row=h, start_column=c0 + 3, end_row=h, end_column=c0 + 9)
    for j in (0, 1, 2, 10, 11, 12):
        ws.merge_cells(start_row=h, start_column=c0 + j, end_row=h + 1, end_column=c0 + j)
    r = h + 2
    if header_numbering:
        for j in range(13):
            ws.cell(r, c0 + j, f"({j + 1})")
        r += 1
    for i, sop in enumerate(facts.sops):
        title = sop.title
        if title_breaks:
            title = title.replace(" ", "\n", 1)
        if nbsp:
            title = title.replace(" ", "\u00a0") + "  "
        ws.cell(r, c0, i + 1)
        ws.cell(r, c0 + 1, sop.number)
        ws.cell(r, c0 + 2, title)
        for j, value in enumerate(sop.criteria):
            text = {True: yes, False: no, None: None}[value]
            if criterion_overrides and (i, j) in criterion_overrides:
                text = criterion_overrides[(i, j)]
            ws.cell(r, c0 + 3 + j, text)
        ws.cell(r, c0 + 10, IMPL_TEXT[sop.implementation])
        ws.cell(r, c0 + 11, sop.notes)
        ws.cell(r, c0 + 12, FOLLOW_TEXT[sop.follow_up])
        r += 1
        if blank_row_after == i:
            r += 1
    if total_row:
        ws.cell(r, c0, "JUMLAH")
        ws.cell(r, c0 + 3, f"=COUNTIF({ws.cell(h + 2, c0 + 3).coordinate}:{ws.cell(r - 1, c0 + 3).coordinate},\"Ya\")")
        r += 1
    if notes_below:
        ws.cell(r + 1, c0, "Keterangan: kolom kriteria diisi Ya atau Tidak")
        r += 2
    r += 1
    ws.cell(r, c0 + 10, f"Serang, {indonesian_date(facts.filled_on)}")
    ws.cell(r + 1, c0 + 10, facts.position)
    ws.cell(r + 5, c0 + 10, facts.signer)
    ws.cell(r + 6, c0 + 10, nip_value if nip_value is not None else f"NIP. {spaced_nip(facts.nip)}")
    return _save(wb, path)


def bontang(path, facts: Facts = None, *, identity_sheet="IDENTITAS", eval_sheet="EVALUASI",
            sheet_order=("PETUNJUK", "IDENTITAS", "EVALUASI"), nip_value=None, legend=True,
            blank_row_after=None, date_value=None, ones="1", formula_cached=False) -> Path:
    facts = facts or Facts(filled_on=dt.date(2024, 10, 30))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names = {"PETUNJUK": "PETUNJUK", "IDENTITAS": identity_sheet, "EVALUASI": eval_sheet}
    sheets = {key: wb.create_sheet(names[key]) for key in sheet_order}
    sheets["PETUNJUK"]["A1"] = "PETUNJUK PENGISIAN FORMULIR EVALUASI SOP PASCA PENYEDERHANAAN BIROKRASI"
    ident = sheets["IDENTITAS"]
    ident["A1"] = "IDENTITAS PERANGKAT DAERAH"
    rows = [("Nama Perangkat Daerah", facts.agency),
            ("Tanggal Pengisian",
             date_value if date_value is not None else dt.datetime.combine(facts.filled_on, dt.time())),
            ("Nama Pengisi", facts.signer),
            ("NIP", nip_value if nip_value is not None else spaced_nip(facts.nip)),
            ("Jabatan", facts.position)]
    for i, (label, value) in enumerate(rows, start=3):
        ident.cell(i, 1, label)
        ident.cell(i, 2, value)
    ev = sheets["EVALUASI"]
    ev["A1"] = "EVALUASI PENERAPAN SOP"
    r = 2
    if legend:
        for j, label in enumerate(LABELS):
            ev.cell(r + j, 1, f"K{j + 1} = {label}")
        r += 8
    headers = ["No", "Nomor SOP", "Nama SOP"] + [f"K{j}" for j in range(1, 8)] + ["Nilai", "Status SOP", "Keterangan"]
    for j, text in enumerate(headers, start=1):
        ev.cell(r, j, text)
    r += 1
    for i, sop in enumerate(facts.sops):
        ev.cell(r, 1, i + 1)
        ev.cell(r, 2, sop.number)
        ev.cell(r, 3, sop.title)
        for j, value in enumerate(sop.criteria):
            ev.cell(r, 4 + j, {True: int(ones) if ones.isdigit() else ones, False: 0, None: None}[value])
        ev.cell(r, 11, f"=SUM(D{r}:J{r})")
        ev.cell(r, 12, BONTANG_FOLLOW[sop.follow_up])
        ev.cell(r, 13, sop.notes)
        r += 1
        if blank_row_after == i:
            r += 1
    return _save(wb, path)


def tanjungbalai(path, facts: Facts = None, *, sheet_name="Sheet1", mark="\u221a", mark_font=None,
                 top_rows=0, left_cols=0, marks_override=None, date_text=None, unit_label="Unit Kerja",
                 nip_value=None) -> Path:
    """Kota Tanjungbalai's form; `marks_override[(i, j)] = (yes_cell, no_cell)`."""
    facts = facts or Facts(filled_on=dt.date(2019, 5, 29), signer="Dra. Siti Nurhaliza",
                           nip="197307161999042012", position="Sekretaris", sops=default_sops(3, 2019))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    r0, c0 = 1 + top_rows, 1 + left_cols
    ws.cell(r0, c0, "PEMERINTAH KOTA TANJUNGBALAI")
    ws.cell(r0 + 1, c0, "FORMULIR MONITORING DAN EVALUASI PENERAPAN SOP ADMINISTRASI PEMERINTAHAN")
    ws.cell(r0 + 3, c0, f"{unit_label} : {facts.agency}")
    ws.cell(r0 + 4, c0, f"Hari/Tanggal : {date_text or 'Rabu, ' + indonesian_date(facts.filled_on)}")
    h = r0 + 6
    for j, text in enumerate(["No", "Nama SOP", "Nomor SOP"]):
        ws.cell(h, c0 + j, text)
        ws.merge_cells(start_row=h, start_column=c0 + j, end_row=h + 1, end_column=c0 + j)
    for j, label in enumerate(LABELS):
        col = c0 + 3 + 2 * j
        ws.cell(h, col, label)
        ws.merge_cells(start_row=h, start_column=col, end_row=h, end_column=col + 1)
        ws.cell(h + 1, col, "Ya")
        ws.cell(h + 1, col + 1, "Tidak")
    notes_col = c0 + 17
    ws.cell(h, notes_col, "Catatan / Tindakan yang harus diambil")
    r = h + 2
    for i, sop in enumerate(facts.sops):
        ws.cell(r, c0, i + 1)
        ws.cell(r, c0 + 1, sop.title)
        ws.cell(r, c0 + 2, sop.number)
        for j, value in enumerate(sop.criteria):
            col = c0 + 3 + 2 * j
            cells = (mark if value is True else None, mark if value is False else None)
            if marks_override and (i, j) in marks_override:
                cells = marks_override[(i, j)]
            for k, text in enumerate(cells):
                if text is not None:
                    cell = ws.cell(r, col + k, text)
                    if mark_font:
                        cell.font = Font(name=mark_font)
        ws.cell(r, notes_col, sop.notes)
        r += 1
    r += 1
    ws.cell(r, notes_col, f"Tanjungbalai, {indonesian_date(facts.filled_on)}")
    ws.cell(r + 1, notes_col, facts.position)
    ws.cell(r + 4, notes_col, facts.signer)
    ws.cell(r + 5, notes_col, nip_value if nip_value is not None else f"NIP. {spaced_nip(facts.nip)}")
    return _save(wb, path)


def expected_sops(facts: Facts, region: str) -> list:
    """The canonical `sops` a parser must return for `facts` in `region`'s form."""
    out = []
    for i, sop in enumerate(facts.sops, start=1):
        out.append({
            "row": i,
            "number": sop.number,
            "title": sop.title,
            "criteria": dict(zip(CRITERIA, sop.criteria)),
            "implementation": sop.implementation if region == "banten" else None,
            "notes": sop.notes,
            "follow_up": sop.follow_up if region in ("banten", "bontang") else None,
        })
    return out
