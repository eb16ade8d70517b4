"""Hostile and foreign files mixed among good forms in one batch: every good form accepted,
every bad one refused with its own code, in bounded time, the batch never crashing."""
import shutil
import subprocess
import time

import pytest

import excelforms as xf
import hostile
from testdata import SAMPLES, keep_periods_open
from sopdoc.reading import convert
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store


def soffice_convert(source, target_ext, outdir):
    """Make a legacy file the way an office suite does: LibreOffice converts a modern one."""
    profile = (outdir / "profile").resolve().as_uri()
    subprocess.run([convert.find_soffice(), f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", target_ext, "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=120)
    return outdir / (source.stem + "." + target_ext)


BAD = {
    "kosong.xlsx": ("berkas_kosong", lambda p: p.write_bytes(b"")),
    "terpotong.xlsx": ("berkas_rusak", lambda p: p.write_bytes((SAMPLES / "banten-contoh.xlsx").read_bytes()[:3000])),
    "bom zip.xlsx": ("berkas_berbahaya", lambda p: hostile.zip_bomb(p)),
    "entitas.xlsx": ("berkas_berbahaya", lambda p: hostile.replace_member(
        hostile.xlsx(p.with_suffix(".src")), p, "xl/sharedStrings.xml", hostile.BILLION_LAUGHS)),
    "hasil scan.pdf": ("bukan_formulir", lambda p: p.write_bytes(hostile.PDF_MINIMAL)),
    "foto formulir.png": ("bukan_formulir", lambda p: p.write_bytes(hostile.PNG_1PX)),
    "surat pengantar.docx": ("bukan_formulir", lambda p: hostile.docx(p, "Dengan hormat, terlampir hasil evaluasi.")),
    "data pegawai.xlsx": ("bukan_formulir", lambda p: hostile.xlsx(p, "Nama Pegawai")),
    "berpassword.xlsx": ("berpassword", lambda p: hostile.ole_file(
        p, {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 60, "EncryptedPackage": b"\x00" * 512})),
    "formulir daerah lain.xlsx": ("daerah_lain", lambda p: shutil.copy(SAMPLES / "bontang-contoh.xlsx", p)),
}


def test_mixed_batch(banten_ws, tmp_path):
    for name, (_, make) in BAD.items():
        make(banten_ws.inbox / name)
        for leftover in banten_ws.inbox.glob("*.src"):
            leftover.unlink()
    good = {f"baik {i}.xlsx": xf.banten(banten_ws.inbox / f"baik {i}.xlsx", xf.Facts(agency=a))
            for i, a in enumerate(["Dinas Sosial", "Biro Hukum", "Dinas Pariwisata"])}
    intake = Intake(banten_ws)
    start = time.perf_counter()
    outcomes = {o.name: (o.outcome, o.reason_code) for o in intake.process_all()}
    seconds = time.perf_counter() - start
    intake.close()
    assert outcomes == {**{n: ("refused", code) for n, (code, _) in BAD.items()},
                        **{n: ("accepted", None) for n in good}}
    assert seconds < 10
    assert sorted(p.name for p in banten_ws.inbox.iterdir()) == []


def test_size_limit_from_the_workspace_config(banten_ws):
    config = banten_ws.root / "sopdoc.toml"
    config.write_text(config.read_text().replace("max_file_mb = 50", "max_file_mb = 0.001"))
    shutil.copy(SAMPLES / "banten-contoh.xlsx", banten_ws.inbox / "besar.xlsx")
    from sopdoc.workspace import open_workspace

    intake = Intake(open_workspace(banten_ws.root))
    [outcome] = intake.process_all()
    intake.close()
    assert outcome.reason_code == "terlalu_besar"


def test_legacy_file_without_libreoffice_is_refused_saying_what_to_install(banten_ws, monkeypatch):
    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    hostile.ole_file(banten_ws.inbox / "lama.xls", {"Workbook": hostile.biff8_workbook(encrypted=False)})
    intake = Intake(banten_ws)
    [outcome] = intake.process_all()
    intake.close()
    assert outcome.reason_code == "format_lama_tanpa_libreoffice"
    assert "LibreOffice" in outcome.reason


@pytest.mark.soffice
def test_legacy_xls_form_is_converted_and_accepted(banten_ws, tmp_path):
    facts = xf.Facts()
    source = xf.banten(tmp_path / "Evaluasi SOP Dinkes.xlsx", facts)
    legacy = soffice_convert(source, "xls", tmp_path)
    shutil.copy(legacy, banten_ws.inbox / "EVALUASI SOP DINKES.XLS")
    intake = Intake(banten_ws)
    [outcome] = intake.process_all()
    intake.close()
    assert outcome.outcome == "accepted", outcome.reason
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
    assert document["agency"]["code"] == "36.09"
    assert [s["title"] for s in document["sops"]] == [s.title for s in facts.sops]
    assert document["signatory"]["nip"] == facts.nip


@pytest.mark.soffice
def test_legacy_doc_form_is_converted_and_accepted(tmp_path):
    from sopdoc.workspace import init_workspace

    ws = keep_periods_open(init_workspace(tmp_path / "sidoarjo", "sidoarjo"))
    legacy = soffice_convert(SAMPLES / "sidoarjo-contoh.docx", "doc", tmp_path)
    shutil.copy(legacy, ws.inbox / "Monev SOP Dinkes.DOC")
    intake = Intake(ws)
    [outcome] = intake.process_all()
    intake.close()
    assert outcome.outcome == "accepted", outcome.reason
    with Store(ws.store_path) as store:
        [document] = store.submissions()
    assert document["agency"]["code"] == "35.15.07"
    assert len(document["sops"]) == 6
    assert document["sops"][1]["criteria"]["mudah_dipahami"] is False


def run_capped(args, *, memory_mb=1024, seconds=120, cwd=None):
    """Run the sopdoc CLI in a child with its address space capped at `memory_mb` and a timeout:
    a hostile file that escapes a limit makes the child die here, not the test machine."""
    import resource
    import sys

    def cap():
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, "-m", "sopdoc", *map(str, args)], preexec_fn=cap, cwd=cwd,
                          capture_output=True, text=True, timeout=seconds)


HEAVY = {
    "sel kosong.xlsx": hostile.empty_cell_sheets,
    "baris kosong.xlsx": hostile.empty_rows_sheets,
    "sel berawalan.xlsx": hostile.prefixed_cells_sheets,
    "sel utf16.xlsx": hostile.utf16_cells_sheets,
    "sel di gambar.xlsx": hostile.cells_under_another_name,
    "paragraf kosong.docx": hostile.empty_paragraphs_document,
    "bagian banyak.xlsx": hostile.elements_spread_over_parts,
    "zip64 umpan.xlsx": hostile.decoy_zip64,
}


@pytest.mark.slow
def test_heavy_files_beside_good_forms_in_a_memory_capped_batch(banten_ws):
    for name, build in HEAVY.items():
        build(banten_ws.inbox / name)
    xf.banten(banten_ws.inbox / "baik.xlsx", xf.Facts(agency="Dinas Sosial"))
    xf.banten(banten_ws.inbox / "nama panjang.xlsx", xf.Facts(agency="Dinas " + "kota " * 20000 + "x"))
    started = time.perf_counter()
    result = run_capped(["process", "-w", banten_ws.root])
    assert time.perf_counter() - started < 60, result.stdout
    assert result.returncode == 1, result.stderr  # some refused, none deferred, no crash
    with Store(banten_ws.store_path) as store:
        outcomes = {f["name"]: (f["outcome"], f["reason_code"]) for f in store.files()}
    assert outcomes == {**{n: ("refused", "berkas_berbahaya") for n in HEAVY},
                        "baik.xlsx": ("accepted", None), "nama panjang.xlsx": ("accepted", None)}
    assert list(banten_ws.inbox.iterdir()) == []
    # the stored long name is matched again by every later command: that must stay cheap too
    started = time.perf_counter()
    for command in (["process", "-w", banten_ws.root], ["status", "-w", banten_ws.root]):
        assert run_capped(command, seconds=60).returncode == 0
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize("build", [hostile.cells_just_under_the_limit, hostile.elements_just_under_the_limit])
def test_a_file_just_under_every_limit_still_costs_seconds_and_bounded_memory(tmp_path, build):
    path = build(tmp_path / "besar.xlsx")
    from sopdoc.reading.sniff import sniff

    assert sniff(path) in ("xlsx", "docx")  # under every limit: the readers get it
    started = time.perf_counter()
    result = run_capped(["check", path, "--region", "banten"], memory_mb=1024, seconds=120)
    assert result.returncode == 1, result.stderr  # not a form, refused: no crash, no memory error
    assert "bukan_formulir" in result.stdout
    assert time.perf_counter() - started < 60
