"""Small things a new bureau trips over: region keys as typed, a workspace inside another one's
folders, a TOML slip in sopdoc.toml, the letters comment in sopdoc.toml."""
import shutil
import stat

from sopdoc.workspace import CONFIG_NAME, init_workspace, open_workspace


def test_region_keys_are_read_whatever_their_case_and_spaces(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "Bengkulu ")
    assert ws.region_key == "bengkulu"
    config = ws.root / CONFIG_NAME
    config.write_text(config.read_text(encoding="utf-8").replace('region = "bengkulu"', 'region = " Bengkulu "'),
                      encoding="utf-8")
    assert open_workspace(ws.root).region().name == "Kota Bengkulu"
    periods = ws.root / "periods.toml"
    periods.write_text(periods.read_text(encoding="utf-8").replace("[regions.bengkulu]", "[regions.Bengkulu]")
                       .replace("[[regions.bengkulu.periods]]", "[[regions.Bengkulu.periods]]"), encoding="utf-8")
    result = run("status", "-w", ws.root, "--period", "bengkulu-2018")
    assert result.exit_code == 0, result.output


def test_init_refuses_a_workspace_inside_another_workspaces_folders(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    for inside in (ws.inbox, ws.inbox / "baru", ws.archive):
        result = run("init", inside, "--region", "banten")
        assert result.exit_code == 2, inside
        assert "berada di dalam folder" in result.output and str(ws.root) in result.output
    assert not (ws.inbox / CONFIG_NAME).exists() and not (ws.inbox / "baru").exists()
    assert run("init", ws.root / "templates" / "lain", "--region", "banten").exit_code == 0  # not a sopdoc folder


def test_a_command_run_from_inside_inbox_points_to_its_workspace_not_to_init(tmp_path, run, monkeypatch):
    ws = init_workspace(tmp_path / "ws", "banten")
    monkeypatch.chdir(ws.inbox)
    result = run("process")
    assert result.exit_code == 2
    assert "sopdoc init" not in result.output
    assert "folder inbox milik ruang kerja" in result.output and str(ws.root) in result.output
    assert sorted(p.name for p in ws.inbox.iterdir()) == []


def test_a_toml_slip_in_sopdoc_toml_is_told_in_indonesian_with_its_line(tmp_path, run):
    ws = init_workspace(tmp_path / "ws", "banten")
    config = ws.root / CONFIG_NAME
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("max_file_mb = 50", "max_file_mb 50"), encoding="utf-8")
    line = text.splitlines().index("max_file_mb = 50") + 1
    result = run("status", "-w", ws.root)
    assert result.exit_code == 2
    assert f"baris {line}, kolom 13: tanda '=' tidak ada setelah nama isian" in result.output
    assert "Expected" not in result.output


def test_the_letters_comment_says_what_the_command_does(tmp_path):
    text = (init_workspace(tmp_path / "ws", "banten").root / CONFIG_NAME).read_text(encoding="utf-8")
    assert "--draf" in text and "issues no\n# numbered letter" in text
    assert "Until this is filled in, letters carry [placeholders]" not in text


def test_outputs_get_the_permissions_of_the_umask(tmp_path, run):
    import os

    from test_journal import season

    old = os.umask(0o022)
    try:
        ws = season(tmp_path / "ws", run)
        run("recap", "-w", ws.root, "--period", "banten-2025-tahap-1", "--now", "2025-06-02T10:00")
        run("export", "-w", ws.root, "--format", "xlsx", "-o", tmp_path / "ekspor.xlsx")
        run("export", "-w", ws.root, "--format", "csv", "-o", tmp_path / "ekspor.csv")
        if shutil.which("soffice"):
            pdf = run("letters", "-w", ws.root, "--period", "banten-2025-tahap-1", "--kind", "laporan", "--pdf",
                      "--now", "2025-06-02T11:00")
            assert pdf.exit_code == 0, pdf.output
    finally:
        os.umask(old)
    made = [*ws.outbox.rglob("*.xlsx"), *ws.outbox.rglob("*.docx"), *ws.outbox.rglob("*.pdf"),tmp_path / "ekspor.xlsx",
                                                                                tmp_path / "ekspor.csv"]
    assert len(made) > 3 and (not shutil.which("soffice") or any(p.suffix == ".pdf" for p in made))
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_a_formula_title_without_a_stored_value_is_its_own_warning(tmp_path, run):
    """Read by both readers (the conftest differential check): openpyxl loads values only, so for
    the fallback the formula cells are found in the sheet's XML apart."""
    import json

    import openpyxl

    from excelforms import banten

    path = banten(tmp_path / "rumus.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb.active
    [title] = [c for row in sheet.iter_rows() for c in row if c.value == "Pengelolaan Arsip Nomor 1"]
    title.value = '=UPPER("Pemberian Izin Belajar")'  # openpyxl stores the formula, never its result
    wb.save(path)
    result = run("check", path, "--region", "banten", "--json")
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.output)["warnings"]
    [formula] = [w for w in warnings if w["code"] == "rumus_tanpa_nilai"]
    assert formula["where"] == f"Evaluasi SOP!{title.coordinate}"
    assert "Nama SOP" in formula["message"] and "simpan ulang" in formula["message"]
    assert not any(w["code"] == "judul_kosong" for w in warnings)

    from sopdoc.reading import parsing

    office = parsing.read_file(path, region_key="banten", reader="office")
    assert [(w.code, w.where) for w in office.form.warnings if w.code == "rumus_tanpa_nilai"] == [
        ("rumus_tanpa_nilai", formula["where"])]
