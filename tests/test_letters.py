"""Official letters: undangan per meeting, teguran per late or missing agency, laporan to the
Sekretaris Daerah; every part of a surat dinas present, numbers never reused, PDF via LibreOffice."""
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from sopdoc import letters as letters_module
from sopdoc.cli import cli
from sopdoc.letters import LettersError, issue_letters, list_letters, to_pdf
from sopdoc.recap import long_date, write_recap
from sopdoc.status import period_status
from sopdoc.store import Store
from sopdoc.workspace import open_workspace
from test_recap import NOW, PERIOD, build_season

CONFIG = """
[letters]
signer_name = "Dr. Hendra Gunawan, S.STP., M.Si."
signer_nip = "197502142000031003"
signer_position = "Kepala Biro Organisasi dan Reformasi Birokrasi"
signer_rank = "Pembina Utama Muda (IV/c)"
letterhead = ["PEMERINTAH PROVINSI BANTEN", "SEKRETARIAT DAERAH"]
letterhead_address = ["Kawasan Pusat Pemerintahan Provinsi Banten (KP3B) & <Gedung SKPD Terpadu>"]
report_to = "Sekretaris Daerah Provinsi Banten"
tembusan = ["Gubernur Banten (sebagai laporan)", "Sekretaris Daerah Provinsi Banten"]
number_pattern = "065/{seq:03d}/Biro-Org/{year}"
days_to_resend = 5
meeting_time = "09.00 WIB s.d. selesai"
"""


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """The recap tests' season, without [letters] configured."""
    return build_season(tmp_path_factory.mktemp("letters") / "belum diatur")


@pytest.fixture(scope="module")
def ws(season, tmp_path_factory):
    """The same season in a workspace whose sopdoc.toml has [letters] filled in."""
    root = tmp_path_factory.mktemp("letters") / "diatur"
    shutil.copytree(season.root, root)
    with open(root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    return open_workspace(root)


@pytest.fixture(scope="module")
def issued(ws):
    """One run of each kind at NOW: {kind: Issue}."""
    store = Store(ws.store_path)
    try:
        return {kind: issue_letters(ws, store, kind, PERIOD, NOW) for kind in ("undangan", "teguran", "laporan")}
    finally:
        store.close()


def lines(path: Path) -> list:
    """Every paragraph's text in document order, table cells included."""
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def text(path: Path) -> str:
    return "\n".join(lines(path))


def assert_surat_dinas(path: Path, *, number: str, addressee: str) -> str:
    """Every part a surat dinas has, with the configured signer, letterhead and copies."""
    body = text(path)
    for part in (
        "PEMERINTAH PROVINSI BANTEN", "SEKRETARIAT DAERAH",  # kop surat
        "Kawasan Pusat Pemerintahan Provinsi Banten (KP3B) & <Gedung SKPD Terpadu>",
        "Serang, 2 Juni 2025",  # place and date in Indonesian
        "Nomor", number, "Sifat", "Lampiran", "Hal",
        addressee,
        "Kepala Biro Organisasi dan Reformasi Birokrasi",  # jabatan
        "Dr. Hendra Gunawan, S.STP., M.Si.", "Pembina Utama Muda (IV/c)", "NIP. 197502142000031003",
        "Tembusan:", "1. Yth. Gubernur Banten (sebagai laporan)",
    ):
        assert part in body, f"{path.name}: {part!r} missing"
    assert "{{" not in body and "{%" not in body and "[" not in body.replace("[letters]", "")
    return body


def test_undangan_one_per_meeting_for_on_time_agencies(issued):
    issue = issued["undangan"]
    # groups 1 and 2 have on-time agencies; nobody of groups 3 and 4 sent on time
    assert [letter.label for letter in issue.letters] == ["2025-06-10 Kelompok 1", "2025-06-11 Kelompok 2"]
    assert len(issue.skipped) == 2 and all("tidak ada perangkat daerah" in s for s in issue.skipped)
    first = issue.letters[0]
    assert first.number == "065/001/Biro-Org/2025" and first.path.parent.name == "surat"
    assert first.path.parent.parent.name == PERIOD
    body = assert_surat_dinas(first.path, number=first.number, addressee="Yth. Kepala Perangkat Daerah")
    for part in ("Selasa, 10 Juni 2025", "09.00 WIB s.d. selesai", "Gedung SKPD Terpadu Lantai 6",
                 "DAFTAR PERANGKAT DAERAH YANG DIUNDANG", "Undangan Apresiasi dan Verifikasi"):
        assert part in body
    cells = lines(first.path)
    assert "Dinas Kesehatan" in cells and "Biro Hukum" in cells  # the attachment table
    assert "Satuan Polisi Pamong Praja" not in body and "Dinas Sosial" not in body  # late / other group
    second = text(issue.letters[1].path)
    assert "Dinas Sosial" in second and "Satuan Polisi Pamong Praja" not in second  # Satpol PP was late


def test_teguran_one_per_late_or_missing_agency(issued, ws):
    issue = issued["teguran"]
    assert len(issue.letters) == 37  # 1 late + 36 that sent nothing
    by_code = {letter.agency_code: letter for letter in issue.letters}
    assert set(by_code) == {a.code for a in ws.register().agencies} - {"36.09", "36.02", "36.13"}
    send_by = long_date(ws.calendar().add_working_days(NOW.date(), 5))
    late = assert_surat_dinas(by_code["36.12"].path, number=by_code["36.12"].number,
                              addressee="Yth. Kepala Satuan Polisi Pamong Praja Provinsi Banten")
    assert "terlambat 2 hari kerja" in late and "Selasa, 20 Mei 2025 pukul 10.00 WIB" in late
    assert "Jumat, 16 Mei 2025 pukul 23.59 WIB" in late and send_by in late
    missing = text(by_code["36.01"].path)
    assert "belum kami terima" in missing and send_by in missing and "(5 hari kerja" in missing
    assert "Yth. Inspektur Provinsi Banten" in text(by_code["36.40"].path)
    assert "Yth. Sekretaris DPRD Provinsi Banten" in text(by_code["36.39"].path)


def test_laporan_summarises_the_recap(issued, ws):
    (letter,) = issued["laporan"].letters
    body = assert_surat_dinas(letter.path, number=letter.number, addressee="Sekretaris Daerah Provinsi Banten")
    assert "NOTA DINAS" in body
    store = Store(ws.store_path)
    try:
        latest = [d for d in store.submissions(period=PERIOD) if d["agency"]["code"]]
    finally:
        store.close()
    sops = [s for d in latest for s in d["sops"]]
    rows = lines(letter.path)

    def row_after(label):
        i = rows.index(label)
        return rows[i + 1:i + 3]

    assert row_after("Tepat Waktu") == ["3", "7,5%"]
    assert row_after("Terlambat") == ["1", "2,5%"]
    assert row_after("Belum Menyampaikan") == ["36", "90,0%"]
    for follow_up in ("dipertahankan", "direvisi", "dicabut"):
        count = sum(1 for s in sops if s["follow_up"] == follow_up)
        assert row_after(follow_up.capitalize())[0] == str(count)
    sinergi = sum(1 for s in sops if s["criteria"]["sinergi"] is True)
    assert row_after("Sinergi satu dengan lainnya") == [
        str(sinergi), f"{100 * sinergi / len(sops):.1f}".replace(".", ",") + "%"]
    assert f"tindak lanjut atas {len(sops)} SOP".lower() in body.lower()
    assert "terlambat: Satuan Polisi Pamong Praja." in body
    # the Sekretaris Daerah is the addressee, not a copy
    assert "Yth. Sekretaris Daerah Provinsi Banten" not in body


def test_numbers_recorded_and_never_reused(issued, ws):
    store = Store(ws.store_path)
    try:
        before = list_letters(store)
        again = issue_letters(ws, store, "laporan", PERIOD, NOW)
        after = list_letters(store)
    finally:
        store.close()
    numbers = [r["number"] for r in after]
    assert len(numbers) == len(set(numbers)) == len(before) + 1
    assert len(before) >= 2 + 37 + 1  # every letter of the three kinds is recorded
    assert [r["seq"] for r in after] == list(range(1, len(after) + 1))
    assert again.letters[0].number == f"065/{len(after):03d}/Biro-Org/2025"
    assert after[-1]["kind"] == "laporan" and after[-1]["period"] == PERIOD
    assert (ws.root / after[-1]["path"]).is_file()
    teguran = [r for r in after if r["kind"] == "teguran"]
    assert {r["agency_code"] for r in teguran} >= {"36.12", "36.01"}
    result = CliRunner().invoke(cli, ["letters", "-w", str(ws.root), "--list"])
    assert result.exit_code == 0
    assert all(n in result.output for n in numbers)


def test_without_config_placeholders_and_a_notice(season):
    result = CliRunner().invoke(cli, ["letters", "-w", str(season.root), "--period", PERIOD, "--kind", "laporan",
                                      "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sopdoc.toml bagian [letters] belum diisi" in result.output
    (path,) = (season.outbox / PERIOD / "surat").glob("*.docx")
    body = text(path)
    assert "[Nama Pejabat]" in body and "[NIP Pejabat]" in body and "Sekretaris Daerah Provinsi Banten" in body
    assert "[Kode]/001/[Unit]/2025" in body


def test_cli_errors(ws, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli, ["letters", "-w", str(ws.root)])
    assert result.exit_code == 2 and "--kind" in result.output
    monkeypatch.setattr(letters_module, "find_soffice", lambda: None)
    result = runner.invoke(cli, ["letters", "-w", str(ws.root), "--period", PERIOD, "--kind", "laporan", "--pdf",
                                 "--now", NOW.isoformat()])
    assert result.exit_code == 2
    assert "LibreOffice tidak ditemukan" in result.output and "libreoffice.org" in result.output


def test_bad_number_pattern_and_no_meetings(tmp_path):
    ws = build_season(tmp_path / "ws")
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write('\n[letters]\nnumber_pattern = "065/Biro-Org/{year}"\n')
    result = CliRunner().invoke(cli, ["letters", "-w", str(ws.root), "--period", PERIOD, "--kind", "teguran"])
    assert result.exit_code == 2 and "{seq}" in result.output
    store = Store(ws.store_path)
    try:
        assert list_letters(store) == []
        ws = open_workspace(ws.root)
        ws.config["letters"] = {}
        with pytest.raises(LettersError, match="meetings"):
            issue_letters(ws, store, "undangan", "banten-2025-tahap-2", NOW)
    finally:
        store.close()


def test_workspace_template_is_used(ws, tmp_path):
    own = ws.root / "templates" / "laporan.docx"
    assert own.is_file()  # copied by init for the bureau to edit
    saved = own.read_bytes()
    edited = docx.Document()
    edited.add_paragraph("NOTA KHUSUS {{ nomor }} untuk {{ kepada }}")
    edited.save(own)
    store = Store(ws.store_path)
    try:
        (letter,) = issue_letters(ws, store, "laporan", PERIOD, NOW).letters
    finally:
        store.close()
        own.write_bytes(saved)
    assert text(letter.path) == f"NOTA KHUSUS {letter.number} untuk Sekretaris Daerah Provinsi Banten"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_letters_and_recap_render_to_pdf(issued, ws, tmp_path):
    store = Store(ws.store_path)
    try:
        recap = write_recap(period_status(ws, store, PERIOD, NOW), tmp_path / "rekap.xlsx", store)
    finally:
        store.close()
    teguran = next(letter for letter in issued["teguran"].letters if letter.agency_code == "36.12")
    chosen = [issued["undangan"].letters[0], teguran, issued["laporan"].letters[0]]
    pdfs = to_pdf([letter.path for letter in chosen] + [recap], tmp_path / "pdf")  # one LibreOffice run
    assert [p.suffix for p in pdfs] == [".pdf"] * 4
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        for letter, pdf in zip(chosen, pdfs):
            rendered = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout
            for part in ("PEMERINTAH PROVINSI BANTEN", "Serang, 2 Juni 2025", "Nomor", letter.number, "Sifat",
                         "Lampiran", "Hal", "Yth.", "NIP. 197502142000031003", "Tembusan"):
                assert part in rendered, (pdf.name, part)
