"""Official letters: undangan per meeting, teguran per late or missing agency, laporan to the
Sekretaris Daerah; every part of a surat dinas present, numbers never reused nor used up (issuing
is idempotent per recipient, drafts are not numbered), PDF via LibreOffice."""
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from sopdoc.outputs import letters as letters_module
from sopdoc.cli.main import cli
from sopdoc.vocabulary import CRITERIA
from sopdoc.outputs.letters import IncompleteConfig, LettersError, TooEarly, issue_letters, list_letters, to_pdf
from sopdoc.rules.indonesian import long_date
from sopdoc.outputs.recap import write_recap
from sopdoc.outputs.status import period_status
from sopdoc.intake.store import Store
from sopdoc.workspace import open_workspace
from test_recap import NOW, PERIOD, WIB, build_season

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


@pytest.fixture
def fresh(season, tmp_path):
    """A copy of the season with [letters] filled in and no letter issued yet (one per test)."""
    root = tmp_path / "salinan"
    shutil.copytree(season.root, root, ignore=shutil.ignore_patterns("surat"))
    with open(root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    ws = open_workspace(root)
    store = Store(ws.store_path)
    try:
        assert list_letters(store) == []
    finally:
        store.close()
    return ws


def letters_cli(ws, *args, now=NOW):
    return CliRunner().invoke(cli, ["letters", "-w", str(ws.root), "--period", PERIOD, "--now", now.isoformat(),
                                    *args])


def numbers(ws) -> list:
    store = Store(ws.store_path)
    try:
        return [r["number"] for r in list_letters(store)]
    finally:
        store.close()


@pytest.fixture(scope="module")
def issued(ws):
    """One run of each kind at NOW: {kind: Issue}."""
    store = Store(ws.store_path)
    try:
        return {kind: issue_letters(ws, store, kind, PERIOD, NOW) for kind in ("undangan", "teguran", "laporan")}
    finally:
        store.close()


def lines(path: Path) -> list:
    """Every paragraph's text in document order, table cells included; a line break is "\n"."""
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" if t.tag == qn("w:t") else "\n" for t in p.iter(qn("w:t"), qn("w:br")))
            for p in body.iter(qn("w:p"))]


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
        "Tembusan:\n1. Yth. Gubernur Banten (sebagai laporan)",
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
    assert len(issue.letters) == 36  # 1 late + 35 that sent nothing (not the organiser, 36.05)
    by_code = {letter.agency_code: letter for letter in issue.letters}
    assert set(by_code) == {a.code for a in ws.register().agencies} - {"36.09", "36.02", "36.13", "36.05"}
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

    assert row_after("Tepat Waktu") == ["3", "7,7%"]
    assert row_after("Terlambat") == ["1", "2,6%"]
    assert row_after("Belum Menyampaikan") == ["35", "89,7%"]
    for follow_up in ("dipertahankan", "direvisi", "dicabut"):
        count = sum(1 for s in sops if s["follow_up"] == follow_up)
        assert row_after(follow_up.capitalize())[0] == str(count)
    def percent(part, whole):
        return f"{100 * part / whole:.1f}".replace(".", ",") + "%"

    # shares over the answers that could be read; the blank and unreadable ones are counted apart
    sinergi = sum(1 for s in sops if s["criteria"]["sinergi"] is True)
    blank = sum(1 for s in sops if s["criteria"]["sinergi"] is None)
    assert blank == 1
    assert lines(letter.path)[rows.index("Sinergi satu dengan lainnya") + 1:][:3] == [
        str(sinergi), percent(sinergi, len(sops) - blank), "1"]
    meets = sum(1 for s in sops if all(s["criteria"][k] is True for k in CRITERIA))
    unknown = sum(1 for s in sops if False not in s["criteria"].values()
                  and not all(s["criteria"][k] is True for k in CRITERIA))
    assert unknown == 2
    assert (f"seluruh tujuh kriteria sebanyak {meets} SOP ({percent(meets, len(sops) - unknown)} dari "
            f"{len(sops) - unknown} SOP yang dapat dinilai; 2 SOP tidak dapat dinilai karena ada kriteria yang "
            "kosong atau tidak terbaca).") in body
    assert f"tindak lanjut atas {len(sops)} SOP".lower() in body.lower()
    assert "terlambat: Satuan Polisi Pamong Praja." in body
    # the Sekretaris Daerah is the addressee, not a copy
    assert "Yth. Sekretaris Daerah Provinsi Banten" not in body


def test_numbers_recorded_and_never_reused(issued, ws):
    store = Store(ws.store_path)
    try:
        before = list_letters(store)
        same = issue_letters(ws, store, "laporan", PERIOD, NOW)  # already issued for the period: not again
        assert same.letters == [] and [a.number for a in same.already] == [issued["laporan"].letters[0].number]
        assert list_letters(store) == before
        again = issue_letters(ws, store, "laporan", PERIOD, NOW, reissue=True)
        after = list_letters(store)
    finally:
        store.close()
    assert again.letters[0].replaces == issued["laporan"].letters[0].number
    numbers = [r["number"] for r in after]
    assert len(numbers) == len(set(numbers)) == len(before) + 1
    assert len(before) >= 2 + 36 + 1  # every letter of the three kinds is recorded
    assert [r["seq"] for r in after] == list(range(1, len(after) + 1))
    assert again.letters[0].number == f"065/{len(after):03d}/Biro-Org/2025"
    assert after[-1]["kind"] == "laporan" and after[-1]["period"] == PERIOD
    assert (ws.root / after[-1]["path"]).is_file()
    teguran = [r for r in after if r["kind"] == "teguran"]
    assert {r["agency_code"] for r in teguran} >= {"36.12", "36.01"}
    result = CliRunner().invoke(cli, ["letters", "-w", str(ws.root), "--list"])
    assert result.exit_code == 0
    assert all(n in result.output for n in numbers)


def test_without_config_no_numbers_are_used_only_drafts(season):
    result = letters_cli(season, "--kind", "laporan")
    assert result.exit_code == 2, result.output
    assert "Surat tidak diterbitkan" in result.output and "sopdoc.toml" in result.output
    for key in ("signer_name", "signer_nip", "signer_position", "letterhead", "number_pattern", "--draf"):
        assert key in result.output, key
    assert "meeting_time" not in result.output  # only an undangan prints the meeting's time
    assert not (season.outbox / PERIOD / "surat").exists() and numbers(season) == []

    result = letters_cli(season, "--kind", "laporan", "--draf")
    assert result.exit_code == 0, result.output
    assert "1 draf surat laporan (nomor DRAF, tidak dicatat)" in result.output
    assert "sopdoc.toml bagian [letters] belum diisi" in result.output
    (path,) = (season.outbox / PERIOD / "surat").rglob("*.docx")
    assert path.parent == season.outbox / PERIOD / "surat" / "draf"
    body = text(path)
    assert "[Nama Pejabat]" in body and "[NIP Pejabat]" in body and "Sekretaris Daerah Provinsi Banten" in body
    assert "DRAF" in lines(path) or any(line.endswith("DRAF") for line in lines(path))
    assert "[Kode]" not in body  # no number, not even a placeholder one
    assert numbers(season) == []  # nothing recorded
    # a second draft replaces the first; still nothing recorded
    assert letters_cli(season, "--kind", "laporan", "--draf").exit_code == 0
    assert len(list((season.outbox / PERIOD / "surat").rglob("*.docx"))) == 1 and numbers(season) == []
    shutil.rmtree(season.outbox / PERIOD / "surat")


def test_incomplete_config_refused_in_the_library(season):
    store = Store(season.store_path)
    try:
        with pytest.raises(IncompleteConfig) as caught:
            issue_letters(season, store, "undangan", PERIOD, NOW)
        assert "meeting_time" in caught.value.missing and "signer_name" in caught.value.missing
        assert list_letters(store) == []
        drafts = issue_letters(season, store, "undangan", PERIOD, NOW, draft=True)
        assert drafts.draft and [d.number for d in drafts.letters] == ["DRAF", "DRAF"]
        assert "[Pukul]" in text(drafts.letters[0].path)
        assert list_letters(store) == []
    finally:
        store.close()
        shutil.rmtree(season.outbox / PERIOD / "surat", ignore_errors=True)


def test_teguran_twice_issues_nothing_new(fresh):
    first = letters_cli(fresh, "--kind", "teguran")
    assert first.exit_code == 0, first.output
    issued = numbers(fresh)
    assert len(issued) == 36
    second = letters_cli(fresh, "--kind", "teguran")
    assert second.exit_code == 0, second.output
    assert numbers(fresh) == issued  # no number used up
    assert "36 surat teguran sudah diterbitkan sebelumnya" in second.output and "--ulang" in second.output
    assert "Tidak ada surat yang dibuat." in second.output
    assert all(number in second.output for number in issued)  # each skipped letter with its number
    assert len(list((fresh.outbox / PERIOD / "surat").glob("*.docx"))) == 36

    # an agency sends nothing still after a week: only --ulang makes its letter again, with a new number
    again = letters_cli(fresh, "--kind", "teguran", "--ulang", now=NOW + dt.timedelta(days=7))
    assert again.exit_code == 0, again.output
    after = numbers(fresh)
    assert len(after) == 72 and after[:36] == issued and len(set(after)) == 72
    assert f"(pengganti {issued[0]})" in again.output


def test_undangan_and_laporan_once_per_meeting_and_period(fresh):
    store = Store(fresh.store_path)
    try:
        first = issue_letters(fresh, store, "undangan", PERIOD, NOW)
        laporan = issue_letters(fresh, store, "laporan", PERIOD, NOW)
        assert len(first.letters) == 2 and len(laporan.letters) == 1
        again = issue_letters(fresh, store, "undangan", PERIOD, NOW)
        assert again.letters == []
        assert [(a.label, a.number) for a in again.already] == [(x.label, x.number) for x in first.letters]
        assert issue_letters(fresh, store, "laporan", PERIOD, NOW).letters == []
        # a teguran is another kind: it does not count as the undangan or laporan already sent
        assert len(issue_letters(fresh, store, "teguran", PERIOD, NOW).letters) == 36
        # another period is another batch
        assert [r["kind"] for r in list_letters(store)].count("undangan") == 2
    finally:
        store.close()


def test_recipient_recorded_as_data_not_read_from_the_file_name(fresh):
    store = Store(fresh.store_path)
    try:
        first = issue_letters(fresh, store, "undangan", PERIOD, NOW)
        issue_letters(fresh, store, "laporan", PERIOD, NOW)
        meetings = [x.label for x in first.letters]  # "<date> Kelompok <groups>": one meeting
        assert meetings == ["2025-06-10 Kelompok 1", "2025-06-11 Kelompok 2"]
        assert [r["recipient"] for r in store.issued_letters("undangan", PERIOD)] == meetings
        assert [r["recipient"] for r in store.issued_letters("laporan", PERIOD)] == [None]
        # a file renamed by hand (or a name made by an older file-naming rule) changes nothing
        with store.transaction() as db:
            db.execute("UPDATE letters SET path = 'outbox/lain.docx' WHERE kind = 'undangan'")
        again = issue_letters(fresh, store, "undangan", PERIOD, NOW)
        assert again.letters == [] and [a.number for a in again.already] == [x.number for x in first.letters]
        teguran = issue_letters(fresh, store, "teguran", PERIOD, NOW)
        assert [r["recipient"] for r in store.issued_letters("teguran", PERIOD)] == \
            [x.agency_code for x in teguran.letters]
    finally:
        store.close()


def test_teguran_refused_before_the_deadline(fresh):
    before = dt.datetime(2025, 5, 16, 15, 0, tzinfo=WIB)  # the deadline is Friday 16 May 23.59
    result = letters_cli(fresh, "--kind", "teguran", now=before)
    assert result.exit_code == 2, result.output
    assert "Jumat, 16 Mei 2025 pukul 23.59 WIB" in result.output and "belum lewat" in result.output
    assert "Surat teguran dapat dibuat setelah batas waktu tersebut" in result.output
    assert numbers(fresh) == [] and not (fresh.outbox / PERIOD / "surat").exists()
    store = Store(fresh.store_path)
    try:
        with pytest.raises(TooEarly):
            issue_letters(fresh, store, "teguran", PERIOD, before, draft=True)
        # other kinds are not bound to the deadline
        assert len(issue_letters(fresh, store, "laporan", PERIOD, before).letters) == 1
    finally:
        store.close()
    result = letters_cli(fresh, "--kind", "teguran", now=dt.datetime(2025, 5, 17, 0, 0, 5, tzinfo=WIB))
    assert result.exit_code == 0, result.output


def test_unmatched_agencies_warned_before_letters(fresh):
    for kind in ("teguran", "laporan"):
        result = letters_cli(fresh, "--kind", kind)
        assert result.exit_code == 0, result.output
        out = result.output
        assert "Peringatan: 1 berkas pada" in out and "tidak dikenali" in out
        assert '06 tak dikenal.xlsx (tertulis "Dinas Urusan Antariksa")' in out
        assert "[aliases]" in out and "sopdoc.toml" in out
        assert out.index("Peringatan:") < out.index(f"surat {kind} dibuat")
    # --list is unchanged: no warning
    listed = CliRunner().invoke(cli, ["letters", "-w", str(fresh.root), "--list"])
    assert "Peringatan" not in listed.output and "065/001/Biro-Org/2025" in listed.output


def test_no_warning_when_every_sender_is_known(tmp_path):
    ws = build_season(tmp_path / "ws", skip=("06 tak dikenal.xlsx",))
    with open(ws.root / "sopdoc.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    result = letters_cli(ws, "--kind", "laporan")
    assert result.exit_code == 0, result.output
    assert "Peringatan" not in result.output


def test_tembusan_and_signature_kept_together(issued):
    """Heading and list of the tembusan in one paragraph that is kept together; the signature too."""
    for kind in ("undangan", "teguran", "laporan"):
        paragraphs = docx.Document(str(issued[kind].letters[0].path)).paragraphs
        (tembusan,) = [p for p in paragraphs if p.text.startswith("Tembusan:")]
        assert tembusan.paragraph_format.keep_together
        last = "1. Yth. Gubernur Banten (sebagai laporan)." if kind == "laporan" else (
            "2. Yth. Sekretaris Daerah Provinsi Banten.")  # the laporan's addressee is not copied
        assert tembusan.text.startswith("Tembusan:\n1. Yth. Gubernur") and tembusan.text.endswith(last)
        signatures = [p for p in paragraphs if "NIP. 197502142000031003" in p.text]
        assert signatures
        for p in signatures:
            assert p.paragraph_format.keep_together
            assert "Kepala Biro Organisasi dan Reformasi Birokrasi," in p.text
            assert "Dr. Hendra Gunawan, S.STP., M.Si." in p.text and "Pembina Utama Muda (IV/c)" in p.text


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
        (letter,) = issue_letters(ws, store, "laporan", PERIOD, NOW, reissue=True).letters
    finally:
        store.close()
        own.write_bytes(saved)
    assert text(letter.path) == f"NOTA KHUSUS {letter.number} untuk Sekretaris Daerah Provinsi Banten"


@pytest.mark.soffice
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


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_tembusan_and_signature_never_split_across_pages(ws, tmp_path):
    """The undangan rendered with 0..11 more letterhead lines, which walks the signature and the
    tembusan over the foot of page 1: the heading "Tembusan:" is always on the page of its list,
    and the signature's jabatan, name, rank and NIP share one page."""
    store = Store(ws.store_path)
    try:
        status = period_status(ws, store, PERIOD, NOW)
    finally:
        store.close()
    config = letters_module.letters_config(ws)
    draft = letters_module._undangan(status, config, NOW.date(), [])[0]
    template = letters_module.load_template(ws, "undangan")
    paths = []
    for extra in range(12):
        context = draft.context | {"nomor": "065/999/Biro-Org/2025",
                                   "kop_alamat": config.letterhead_address + ["Baris alamat tambahan"] * extra}
        path = tmp_path / f"undangan {extra:02d}.docx"
        letters_module._render(template, context, path)
        paths.append(path)
    tembusan_pages = set()
    for pdf in to_pdf(paths, tmp_path / "pdf"):
        rendered = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout
        pages = rendered.split("\f")

        def page_of(words, pages=pages):
            return next(i for i, page in enumerate(pages) if words in page)

        tembusan_pages.add(page_of("Tembusan:"))
        assert page_of("Tembusan:") == page_of("1. Yth. Gubernur Banten") == page_of("2. Yth. Sekretaris"), pdf.name
        assert page_of("Pembina Utama Muda") == page_of("Dr. Hendra Gunawan") == page_of("NIP. 1975"), pdf.name
        # the jabatan ("Kepala Biro Organisasi dan Reformasi / Birokrasi,") just above the name, same page
        above = [line.strip() for line in pages[page_of("NIP. 1975")].split("Dr. Hendra Gunawan")[0].splitlines()
                 if line.strip()]
        assert above[-2:] == ["Kepala Biro Organisasi dan Reformasi", "Birokrasi,"], pdf.name
    assert tembusan_pages == {0, 1}  # the walk did cross the foot of the page
