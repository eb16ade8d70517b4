"""`sopdoc demo` makes a realistic season and runs the whole cycle that exists."""
import json

import pytest

from sopdoc.intake.store import Store


def test_demo_shows_every_outcome(tmp_path, run):
    result = run("demo", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "demo" / "sopdoc.db") as store:
        every = store.submissions(all_versions=True)
        refusals = store.refusals()
    agencies = {d["agency"]["as_written"] for d in every}
    assert len(every) >= 15 and len(agencies) >= 14
    statuses = {d["timeliness"]["status"] for d in every}
    assert statuses == {"tepat_waktu", "terlambat"}
    assert max(d["source"]["version"] for d in every) == 2
    assert "1 peringatan: opd_tidak_dikenal" in result.output  # a typo: null code plus a warning, fixed by an alias
    assert any(d["warnings"] for d in every)
    codes = {r["reason_code"] for r in refusals}
    assert {"berkas_kosong", "bukan_formulir", "daerah_lain", "formulir_kosong"} <= codes
    assert (tmp_path / "demo" / "inbox" / "~$Evaluasi SOP Dinkes.xlsx").exists()  # lock file left alone
    assert "Lihat hasilnya" in result.output


@pytest.mark.slow
def test_demo_runs_again_in_the_same_folder(tmp_path, run):
    assert run("demo", tmp_path / "demo").exit_code == 0
    assert run("demo", tmp_path / "demo").exit_code == 0


def test_demo_refuses_a_folder_with_other_files(tmp_path, run):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "penting.xlsx").write_bytes(b"x")
    result = run("demo", tmp_path / "data")
    assert result.exit_code == 2
    assert (tmp_path / "data" / "penting.xlsx").exists()


def test_demo_export_is_valid_json(tmp_path, run, schema_validator):
    run("demo", tmp_path / "demo")
    for document in json.loads(run("export", "-w", tmp_path / "demo").output):
        schema_validator.validate(document)


def test_demo_writes_the_recap_and_every_letter_kind(tmp_path, run):
    run("demo", tmp_path / "demo")
    outbox = tmp_path / "demo" / "outbox" / "banten-2025-tahap-1"
    assert (outbox / "Rekap Evaluasi SOP banten-2025-tahap-1.xlsx").exists()
    names = [p.name for p in (outbox / "surat").iterdir()]
    assert any("Undangan" in n for n in names)
    assert any("Teguran" in n for n in names)
    assert any("Laporan" in n for n in names)
    listed = run("letters", "-w", tmp_path / "demo", "--list").output
    assert "065/001/Biro-Org/2025" in listed
