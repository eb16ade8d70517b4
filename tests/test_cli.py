"""The CLI contract of the core: init, process, check, export, plugins -- exit codes and messages."""
import datetime as dt
import json
import os
import shutil

import openpyxl

import excelforms as xf
from testdata import SAMPLES
from sopdoc.intake.store import Store


def drop(ws, path, name=None):
    target = ws.inbox / (name or path.name)
    shutil.copy(path, target)
    return target


def test_init_writes_a_workspace(tmp_path, run):
    result = run("init", tmp_path / "ws", "--region", "bontang")
    assert result.exit_code == 0, result.output
    assert "Kota Bontang" in result.output
    for name in ("inbox", "outbox", "archive", "rejected", "sopdoc.toml", "periods.toml", "agencies.csv"):
        assert (tmp_path / "ws" / name).exists()


def test_init_unknown_region_is_exit_2(tmp_path, run):
    result = run("init", tmp_path / "ws", "--region", "atlantis")
    assert result.exit_code == 2
    assert "tidak dikenal" in result.output and "banten" in result.output


def test_process_without_workspace_is_exit_2(tmp_path, run):
    result = run("process", "-w", tmp_path / "nothing")
    assert result.exit_code == 2
    assert "bukan ruang kerja sopdoc" in result.output


def test_workspace_from_environment(banten_ws, run, monkeypatch):
    monkeypatch.setenv("SOPDOC_WORKSPACE", str(banten_ws.root))
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx")
    result = run("process")
    assert result.exit_code == 0, result.output
    assert "1 diterima" in result.output


def test_process_accepts_archives_and_stores(banten_ws, run, schema_validator):
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "Evaluasi SOP Dinkes.xlsx")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 0, result.output
    assert list(banten_ws.inbox.iterdir()) == []
    assert (banten_ws.archive / "banten-2025-tahap-1" / "Evaluasi SOP Dinkes.xlsx").exists()
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
    schema_validator.validate(document)
    assert document["agency"] == {"code": "36.09", "name": "Dinas Kesehatan", "as_written": "Dinas Kesehatan"}
    assert document["period"] == "banten-2025-tahap-1"
    assert document["source"]["version"] == 1
    assert document["received_at"].endswith("+07:00")


def test_refused_file_is_moved_with_its_reason(banten_ws, run):
    (banten_ws.inbox / "surat pengantar.xlsx").write_text("bukan excel")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 1
    assert "DITOLAK" in result.output
    assert (banten_ws.rejected / "surat pengantar.xlsx").read_text() == "bukan excel"
    reason = (banten_ws.rejected / "surat pengantar.xlsx.alasan.txt").read_text(encoding="utf-8")
    assert "bukan_formulir" in reason


def test_same_bytes_twice_change_nothing(banten_ws, run):
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "a.xlsx")
    run("process", "-w", banten_ws.root)
    with Store(banten_ws.store_path) as store:
        before = store.submissions(all_versions=True)
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "a.xlsx")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 0
    assert "1 duplikat" in result.output
    with Store(banten_ws.store_path) as store:
        after = store.submissions(all_versions=True)
    assert after == before
    assert (banten_ws.archive / "banten-2025-tahap-1" / "a (2).xlsx").exists()


def test_process_on_an_empty_inbox(banten_ws, run):
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 0
    assert "Tidak ada berkas baru" in result.output


def test_lock_and_temp_files_are_left_alone(banten_ws, run):
    names = ["~$Evaluasi.xlsx", ".~lock.Evaluasi.xlsx#", "Evaluasi.xlsx.tmp", "Evaluasi.xlsx.part", "Thumbs.db"]
    for name in names:
        (banten_ws.inbox / name).write_bytes(b"x")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 0
    assert sorted(p.name for p in banten_ws.inbox.iterdir()) == sorted(names)
    with Store(banten_ws.store_path) as store:
        assert store.files() == []


def test_revision_is_version_two_and_export_shows_the_latest(banten_ws, run, tmp_path):
    first = xf.banten(tmp_path / "v1.xlsx", xf.Facts())
    drop(banten_ws, first, "dinkes.xlsx")
    run("process", "-w", banten_ws.root)
    second = xf.banten(tmp_path / "v2.xlsx", xf.Facts(sops=xf.default_sops(4)))
    drop(banten_ws, second, "dinkes.xlsx")
    assert run("process", "-w", banten_ws.root).exit_code == 0
    latest = json.loads(run("export", "-w", banten_ws.root, "--format", "json").output)
    assert [(d["source"]["version"], len(d["sops"])) for d in latest] == [(2, 4)]
    every = json.loads(run("export", "-w", banten_ws.root, "--format", "json", "--all-versions").output)
    assert [d["source"]["version"] for d in every] == [1, 2]
    assert (banten_ws.archive / "banten-2025-tahap-1" / "dinkes (2).xlsx").exists()


def test_export_rejected_and_csv(banten_ws, run, tmp_path):
    (banten_ws.inbox / "kosong.xlsx").write_bytes(b"")
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx")
    run("process", "-w", banten_ws.root)
    refused = json.loads(run("export", "-w", banten_ws.root, "--rejected", "--format", "json").output)
    assert [(r["file"], r["reason_code"]) for r in refused] == [("kosong.xlsx", "berkas_kosong")]
    assert set(refused[0]) == {"file", "sha256", "received_at", "reason_code", "reason"}
    out = tmp_path / "rekap.csv"
    result = run("export", "-w", banten_ws.root, "--format", "csv", "-o", out)
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 7 and "SOP/DINKES/001/2025" in text
    assert text.splitlines()[0].startswith("periode;kode_opd;nama_opd")  # Excel in Indonesian splits on ';'
    comma = run("export", "-w", banten_ws.root, "--format", "csv", "--delimiter", ",").output
    assert comma.splitlines()[0].startswith("periode,kode_opd")


def test_csv_export_keeps_formula_text_inert(banten_ws, run, tmp_path):
    from sopdoc.outputs.safe_text import set_text_cell

    facts = xf.Facts(sops=[xf.Sop("-SOP/001", "+Pengelolaan", notes="@SUM(A1)")])
    path = xf.banten(tmp_path / "f.xlsx", facts)
    wb = openpyxl.load_workbook(path)
    set_text_cell(wb.active["C11"], '=HYPERLINK("http://x")')  # text an agency typed, not a formula
    wb.save(path)
    drop(banten_ws, path)
    run("process", "-w", banten_ws.root)
    text = run("export", "-w", banten_ws.root, "--format", "csv").output
    assert "'=HYPERLINK" in text and "'-SOP/001" in text and "'@SUM(A1)" in text


def test_check_json_prints_the_canonical_object(run, schema_validator):
    result = run("check", SAMPLES / "tanjungbalai-contoh.xlsx", "--region", "tanjungbalai", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    schema_validator.validate(document)
    assert document["agency"]["code"] == "12.72.07"
    assert document["received_at"] is None and document["timeliness"] is None


def test_check_without_region_finds_the_parser(run):
    result = run("check", SAMPLES / "bontang-contoh.xlsx")
    assert result.exit_code == 0, result.output
    assert "64.74.09" in result.output and "bontang" in result.output


def test_check_refusal_as_json(run, tmp_path):
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4\n")
    result = run("check", path, "--region", "banten", "--json")
    assert result.exit_code == 1
    refusal = json.loads(result.output)
    assert refusal["reason_code"] == "bukan_formulir"


def test_check_of_another_regions_form(run):
    result = run("check", SAMPLES / "bontang-contoh.xlsx", "--region", "banten", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["reason_code"] == "daerah_lain"


def test_check_shows_warnings(run, tmp_path):
    path = xf.banten(tmp_path / "b.xlsx", nip_value=197110271995041002)
    result = run("check", path, "--region", "banten")
    assert result.exit_code == 0
    assert "PERINGATAN [nip_angka]" in result.output


def test_plugins_lists_every_region(run):
    result = run("plugins")
    assert result.exit_code == 0
    for region in ("banten", "bontang", "tanjungbalai"):
        assert region in result.output


def test_received_from_mtime(banten_ws, run):
    path = drop(banten_ws, SAMPLES / "banten-contoh.xlsx")
    stamp = 1747368000  # 2025-05-16 11:00 +07:00
    os.utime(path, (stamp, stamp))
    run("process", "-w", banten_ws.root, "--received-from", "mtime")
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
    assert document["received_at"] == "2025-05-16T11:00:00+07:00"
    assert document["timeliness"]["status"] == "tepat_waktu"


def test_paths_with_spaces_and_non_ascii(tmp_path, run):
    root = tmp_path / "Évaluasi SOP 2025 – Biro Organisasi"
    assert run("init", root, "--region", "banten").exit_code == 0
    shutil.copy(SAMPLES / "banten-contoh.xlsx", root / "inbox" / "Formulir Dinkes — revisi ke 1.xlsx")
    assert run("process", "-w", root).exit_code == 0


def test_workbook_is_not_modified_by_processing(banten_ws, run):
    path = drop(banten_ws, SAMPLES / "banten-contoh.xlsx")
    data = path.read_bytes()
    run("process", "-w", banten_ws.root)
    archived = banten_ws.archive / "banten-2025-tahap-1" / path.name
    assert archived.read_bytes() == data
    assert openpyxl.load_workbook(archived)  # still a valid workbook


def test_refused_file_put_back_after_the_cause_is_fixed_is_read_again(banten_ws, run):
    config = banten_ws.root / "sopdoc.toml"
    config.write_text(config.read_text().replace("max_file_mb = 50", "max_file_mb = 0.001"))
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "dinkes.xlsx")
    assert run("process", "-w", banten_ws.root).exit_code == 1
    config.write_text(config.read_text().replace("max_file_mb = 0.001", "max_file_mb = 50"))
    shutil.move(banten_ws.rejected / "dinkes.xlsx", banten_ws.inbox / "dinkes.xlsx")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 0, result.output
    with Store(banten_ws.store_path) as store:
        assert len(store.submissions()) == 1


def test_refused_file_put_back_unchanged_is_refused_again(banten_ws, run):
    (banten_ws.inbox / "kosong.xlsx").write_bytes(b"")
    run("process", "-w", banten_ws.root)
    shutil.move(banten_ws.rejected / "kosong.xlsx", banten_ws.inbox / "kosong.xlsx")
    assert run("process", "-w", banten_ws.root).exit_code == 1
    assert (banten_ws.rejected / "kosong (2).xlsx.alasan.txt").exists()


def test_a_named_stage_that_does_not_fit_the_arrival_is_followed_with_a_warning(banten_ws, run, tmp_path):
    facts = xf.Facts(filled_on=dt.date(2024, 5, 14))  # last year's "Tahap I" form, sent in June 2025
    path = drop(banten_ws, xf.banten(tmp_path / "lama.xlsx", facts))
    stamp = dt.datetime(2025, 6, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
    os.utime(path, (stamp, stamp))
    run("process", "-w", banten_ws.root, "--received-from", "mtime")
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
    assert document["period"] == "banten-2025-tahap-1"
    codes = {w["code"] for w in document["warnings"]}
    assert {"periode_berbeda", "periode_tahun_berbeda"} <= codes


def test_region_in_any_case(tmp_path, run):
    assert run("init", tmp_path / "ws", "--region", "Sidoarjo").exit_code == 0
    assert run("check", SAMPLES / "sidoarjo-contoh.docx", "--region", "SIDOARJO").exit_code == 0


def test_subfolders_in_the_inbox_are_mentioned(banten_ws, run):
    (banten_ws.inbox / "kiriman dinkes").mkdir()
    result = run("process", "-w", banten_ws.root)
    assert "subfolder di inbox tidak diproses (kiriman dinkes)" in result.output


def test_init_says_when_this_years_period_is_missing(tmp_path, run):
    result = run("init", tmp_path / "ws", "--region", "banten")
    assert "banten-2025-tahap-1" in result.output
    assert "periods.toml" in result.output  # the bundled periods are past: add this year's


def test_a_file_that_cannot_be_moved_now_waits_and_is_finished_next_time(banten_ws, run, monkeypatch):
    from sopdoc.intake import batch as intake

    real_move = intake.move_file

    def locked(source, target):
        raise PermissionError(13, "The process cannot access the file because it is being used")

    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "dinkes.xlsx")
    monkeypatch.setattr(intake, "move_file", locked)
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 2
    assert "DITUNDA dinkes.xlsx" in result.output
    assert (banten_ws.inbox / "dinkes.xlsx").exists()
    monkeypatch.setattr(intake, "move_file", real_move)
    assert run("process", "-w", banten_ws.root).exit_code == 0
    assert not (banten_ws.inbox / "dinkes.xlsx").exists()
    with Store(banten_ws.store_path) as store:
        assert len(store.submissions()) == 1 and len(store.files()) == 1


def test_a_bad_size_limit_is_an_operational_error(banten_ws, run):
    config = banten_ws.root / "sopdoc.toml"
    config.write_text(config.read_text().replace("max_file_mb = 50", 'max_file_mb = "lima puluh"'))
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx")
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 2
    assert "max_file_mb" in result.output


def test_an_arrival_left_behind_does_not_date_a_later_file_of_the_same_name(banten_ws):
    from sopdoc.intake.batch import Intake

    wib = dt.timezone(dt.timedelta(hours=7))
    first = drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "dinkes.xlsx")
    early = Intake(banten_ws, clock=lambda: dt.datetime(2025, 5, 14, 9, tzinfo=wib))
    early.note_arrivals([first])  # seen, then taken away by hand before processing
    early.close()
    first.unlink()
    drop(banten_ws, SAMPLES / "banten-contoh.xlsx", "dinkes.xlsx")
    late = Intake(banten_ws, clock=lambda: dt.datetime(2025, 5, 20, 9, tzinfo=wib))
    with late.lock():
        late.process_all()
    late.close()
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
    assert document["received_at"] == "2025-05-20T09:00:00+07:00"
    assert document["timeliness"]["status"] == "terlambat"
