"""`sopdoc demo`: a realistic season of one region (Banten, Tahap I 2025) run end to end.

The set is generated, kept small, and shows every outcome: on time, late, a revision, messy forms
that still parse, warnings, and files that must be refused or ignored.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from sopdoc.demo import formgen as fg
from sopdoc.errors import WorkspaceError
from sopdoc.app import Season
from sopdoc.workspace import init_workspace

MARKER = ".sopdoc-demo"
WIB = ZoneInfo("Asia/Jakarta")
PERIOD = "banten-2025-tahap-1"
# The demo looks at the season as on this day: after the deadline, before the meetings.
DEMO_NOW = dt.datetime(2025, 5, 28, 10, 0, tzinfo=WIB)

DEMO_LETTERS = """
[letters]
signer_name = "Dr. H. Ahmad Syaukani, S.STP., M.Si."
signer_nip = "197501012000031001"
signer_position = "Kepala Biro Organisasi dan Reformasi Birokrasi"
signer_rank = "Pembina Utama Muda (IV/c)"
letterhead = ["PEMERINTAH PROVINSI BANTEN", "SEKRETARIAT DAERAH"]
letterhead_address = ["Kawasan Pusat Pemerintahan Provinsi Banten (KP3B), Jl. Syech Nawawi Al-Bantani, Serang 42171",
                      "Telepon (0254) 267001, laman biroorganisasi.bantenprov.go.id"]
report_to = "Sekretaris Daerah Provinsi Banten"
tembusan = ["Gubernur Banten (sebagai laporan)", "Inspektur Provinsi Banten"]
number_pattern = "065/{seq:03d}/Biro-Org/{year}"
meeting_time = "09.00 WIB s.d. selesai"
"""


def _at(day: int, hour: int, minute: int = 0, month: int = 5) -> float:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=WIB).timestamp()


def _sops(seed: int, n: int) -> list:
    titles = ["Pelayanan Informasi Publik", "Pengelolaan Surat Masuk", "Penyusunan Rencana Kerja",
              "Pengadaan Barang/Jasa Langsung", "Verifikasi Surat Perintah Membayar", "Pengelolaan Arsip Inaktif",
              "Penyusunan Laporan Kinerja", "Pemeliharaan Kendaraan Dinas", "Pelayanan Pengaduan Masyarakat"]
    follow = ["dipertahankan", "dipertahankan", "direvisi", "dipertahankan", "dicabut"]
    sops = []
    for i in range(n):
        k = seed * 7 + i * 3
        # about half the SOPs meet all seven criteria; the others miss one or two
        criteria = (True,) * 7 if k % 2 else tuple((k + j) % 5 != 0 for j in range(7))
        sops.append(fg.Sop(f"SOP/{seed:02d}/{i + 1:03d}/2025", titles[(seed + i) % len(titles)], criteria,
                           "baik" if (k % 4) else "tidak_baik", follow[k % len(follow)],
                           "Dasar hukum perlu diperbarui" if k % 3 == 0 else None))
    return sops


# (file name, agency as written, arrival, builder options, how many SOPs)
SEASON = [
    ("Evaluasi SOP Dinkes.xlsx", "Dinas Kesehatan", _at(12, 9, 12), {}, 6),
    ("Biro Hukum - evaluasi SOP.xlsx", "Biro Hukum", _at(9, 14, 5), {}, 4),
    ("EVALUASI SOP DINSOS.xlsx", "DINAS SOSIAL PROVINSI BANTEN", _at(13, 10, 40), {"label_style": "upper"}, 5),
    ("dishub_evaluasi.xlsx", "Dishub", _at(14, 8, 30), {"top_rows": 2, "left_cols": 1}, 3),
    ("Form Evaluasi Bappeda.xlsx", "Bappeda", _at(15, 16, 45), {"label_style": "abbrev", "total_row": True}, 7),
    ("BPKAD evaluasi sop tahap 1.xlsx", "Badan Pengelolaan Keuangan dan Aset Daerah", _at(16, 11, 0),
     {"notes_below": True, "blank_row_after": 1}, 5),
    ("Inspektorat.xlsx", "Inspektorat Daerah", _at(16, 23, 30), {"label_style": "inline"}, 4),
    ("Satpol PP - Evaluasi.xlsx", "Satpol PP", _at(15, 9, 0), {"sheet_name": "Sheet1", "extra_sheets": ("Sheet2",)}, 3),
    ("Diskominfo evaluasi.xlsx", "Dinas Komunikasi, Informatika, Statistik dan Persandian", _at(14, 13, 20),
     {"title_breaks": True, "nbsp": True}, 6),
    ("Biro Umum.xlsx", "Biro Umum", _at(13, 15, 0), {"nip_value": 197103121998031003}, 3),
    ("BKD evaluasi.xlsx", "Badan Kepegawaian Daerah", _at(19, 8, 15), {}, 4),
    ("Dinas Pariwisata.xlsx", "Dinas Pariwisata", _at(21, 10, 5), {"date_value": "20/05/2025"}, 3),
    ("DPMPTSP.xlsx", "DPMPTSP", _at(27, 9, 45), {"yes": "\u221a", "no": "x"}, 5),
    ("Evaluasi SOP Dinas Pertanian.xlsx", "Dinas Pertanain", _at(15, 10, 10), {}, 4),
    ("Disdukcapil - ada isian kosong.xlsx", "Dinas Kependudukan dan Pencatatan Sipil", _at(16, 14, 0),
     {"criterion_overrides": {(0, 3): None}}, 3),
    ("Evaluasi SOP Dinkes (revisi).xlsx", "Dinas Kesehatan", _at(20, 9, 30), {}, 7),
]


def _write_season(inbox: Path) -> None:
    for seed, (name, agency, arrival, options, n) in enumerate(SEASON, start=1):
        filled = dt.datetime.fromtimestamp(arrival, WIB).date()
        facts = fg.Facts(agency=agency, filled_on=filled, sops=_sops(seed, n),
                         signer=f"Pejabat Penandatangan {seed}", nip=f"1975{seed % 12 + 1:02d}15200003100{seed % 10}")
        fg.banten(inbox / name, facts, **options)
        os.utime(inbox / name, (arrival, arrival))
    blank = fg.banten(inbox / "Formulir kosong DLHK.xlsx", fg.Facts(agency="DLHK", sops=[]))
    os.utime(blank, (_at(14, 9), _at(14, 9)))
    refusals = {
        "hasil scan Dindikbud.pdf": b"%PDF-1.4\n% scanned form\n",
        "Evaluasi DPK.xlsx": b"",
        "surat pengantar Disperindag.xlsx": b"Dengan hormat, bersama ini kami sampaikan hasil evaluasi SOP.",
    }
    for name, data in refusals.items():
        (inbox / name).write_bytes(data)
        os.utime(inbox / name, (_at(15, 12), _at(15, 12)))
    other = fg.tanjungbalai(inbox / "formulir monev (salah kirim).xlsx")
    os.utime(other, (_at(16, 8), _at(16, 8)))
    (inbox / "~$Evaluasi SOP Dinkes.xlsx").write_bytes(b"lock")  # Excel's lock file: ignored


def _prepare(directory: Path) -> Path:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise WorkspaceError(
                f"Folder {directory} sudah berisi berkas lain; pilih folder kosong untuk demo"
            )
        shutil.rmtree(directory)  # a previous demo: start the season afresh
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("Ruang kerja demo sopdoc; aman dihapus.\n", encoding="utf-8")
    return directory


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> tuple:
    """Build the demo workspace in `directory` and run the cycle: process, an alias, recap, the
    three letter kinds. Returns (workspace root, the period's status as of the demo's "now")."""
    directory = _prepare(directory)
    ws = init_workspace(directory, "banten")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(DEMO_LETTERS)
    # read again for the letters' signatory; the season is seen as on DEMO_NOW
    season = Season.open(ws.root, clock=lambda: DEMO_NOW)
    _write_season(season.ws.inbox)
    waiting = len(list(season.ws.inbox.iterdir())) - 1  # not Excel's lock file
    echo(f"Ruang kerja demo dibuat di {season.ws.root} dengan {waiting} berkas di inbox.")

    batch = season.run_batch(received_from="mtime")
    for o in batch.outcomes:
        echo(f"  {o.summary()}")

    # what staff do about the misspelt agency name the process run warned about
    season.add_alias("Dinas Pertanain", "36.25")
    echo('Staf menambahkan alias "Dinas Pertanain" = "36.25" (Dinas Pertanian): sopdoc alias "Dinas Pertanain" 36.25')
    recap = season.recap(PERIOD)
    echo(f"Rekap: {recap.path}")
    for kind in ("undangan", "teguran", "laporan"):
        issued = season.issue_letters(kind, PERIOD)
        echo(f"Surat {kind}: {len(issued.issue.letters)} dibuat di {season.ws.outbox / PERIOD / 'surat'}")
    return season.ws.root, recap.status


def where_to_look(root: Path) -> list:
    return [
        "Lihat hasilnya:",
        f"  berkas diterima : {root / 'archive'}",
        f"  berkas ditolak  : {root / 'rejected'} (alasan di *.alasan.txt)",
        f"  rekap dan surat : {root / 'outbox' / PERIOD}",
        f"  status          : sopdoc status -w \"{root}\" --period {PERIOD}",
    ]
