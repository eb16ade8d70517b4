"""convert_legacy() against a fake soffice (argv, failures, timeout) and, where installed, the real one."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile
from sopdoc.reading import convert
from sopdoc.reading.convert import convert_legacy, find_soffice
from sopdoc.errors import Refusal
from sopdoc.reading.sniff import sniff

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the fake soffice is a POSIX script")

FAKE_SOFFICE = """#!{python}
import json, os, pathlib, subprocess, sys, time
args = sys.argv[1:]
pathlib.Path({log!r}).write_text(json.dumps(args))
mode = {mode!r}
if mode == "hang":
    pathlib.Path({log!r} + ".self").write_text(str(os.getpid()))
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    pathlib.Path({log!r} + ".child").write_text(str(child.pid))
    time.sleep(60)
if mode in ("ok", "fail"):
    source = pathlib.Path(args[-1])
    target = args[args.index("--convert-to") + 1]
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    (outdir / (source.stem + "." + target)).write_bytes(b"PK converted")
sys.exit(3 if mode == "fail" else 0)
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """Install a fake soffice in the given mode; returns the path of the JSON file its argv goes to."""

    def install(mode):
        bindir = tmp_path / "bin"
        bindir.mkdir()
        log = tmp_path / "argv.json"
        script = bindir / "soffice"
        script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log), mode=mode))
        script.chmod(0o755)
        monkeypatch.setenv("PATH", str(bindir))
        return log

    return install


def legacy_xls(path) -> Path:
    return hostile.ole_file(path, {"Workbook": hostile.biff8_workbook(encrypted=False)})


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


# --- finding LibreOffice ---


@posix_only
def test_find_soffice_uses_path(fake_soffice, tmp_path):
    fake_soffice("ok")
    assert find_soffice() == str(tmp_path / "bin" / "soffice")


@posix_only
def test_find_soffice_none_when_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    for var in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        monkeypatch.delenv(var, raising=False)
    assert find_soffice() is None


def test_without_soffice_refuses_with_install_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    with pytest.raises(Refusal) as caught:
        convert_legacy(legacy_xls(tmp_path / "f.xls"), "xls", tmp_path / "work")
    assert caught.value.code == "format_lama_tanpa_libreoffice"
    assert "apt install libreoffice-calc-nogui" in caught.value.reason
    assert "libreoffice.org" in caught.value.reason


@pytest.mark.parametrize("kind", ["ods", "odt"])
def test_opendocument_without_soffice_is_refused_like_legacy_files(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    with pytest.raises(Refusal) as caught:
        convert_legacy(tmp_path / f"f.{kind}", kind, tmp_path / "work")
    assert caught.value.code == "format_lama_tanpa_libreoffice"
    assert f"OpenDocument (.{kind})" in caught.value.reason


def test_unknown_kind_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        convert_legacy(tmp_path / "f.xls", "pdf", tmp_path)


# --- the command line, with a fake soffice ---


@posix_only
def test_runs_soffice_headless_with_own_profile_on_a_simple_copy(fake_soffice, tmp_path):
    log = fake_soffice("ok")
    source = legacy_xls(tmp_path / "Formulir SOP – Dinas Pendidikan (revisi) ü.xls")
    work = tmp_path / "work"
    out = convert_legacy(source, "xls", work)
    argv = json.loads(log.read_text())
    assert out.parent == work and out.suffix == ".xlsx" and out.is_file()
    profile = next(a for a in argv if a.startswith("-env:UserInstallation="))
    assert profile.startswith("-env:UserInstallation=file:///")
    assert "--headless" in argv
    assert argv[argv.index("--convert-to") + 1] == "xlsx"
    assert argv[argv.index("--outdir") + 1] == str(work)
    assert "--infilter=MS Excel 97" in argv
    copy = Path(argv[-1])
    assert copy.parent == work and copy.name.isascii() and " " not in copy.name
    assert not copy.exists(), "the temporary copy is removed"
    assert source.exists(), "the original is left alone"


@posix_only
def test_doc_converts_to_docx(fake_soffice, tmp_path):
    log = fake_soffice("ok")
    source = hostile.ole_file(tmp_path / "f.doc", {"WordDocument": hostile.word_fib(encrypted=False)})
    assert convert_legacy(source, "doc", tmp_path / "work").suffix == ".docx"
    argv = json.loads(log.read_text())
    assert argv[argv.index("--convert-to") + 1] == "docx"
    assert "--infilter=MS Word 97" in argv


@posix_only
@pytest.mark.parametrize("mode", ["nothing", "fail"])
def test_no_output_or_failure_is_berkas_rusak(fake_soffice, tmp_path, mode):
    fake_soffice(mode)
    work = tmp_path / "work"
    with pytest.raises(Refusal) as caught:
        convert_legacy(legacy_xls(tmp_path / "f.xls"), "xls", work)
    assert caught.value.code == "berkas_rusak"
    assert list(work.iterdir()) == []


@posix_only
def test_timeout_kills_soffice_and_its_children(fake_soffice, tmp_path):
    log = fake_soffice("hang")
    started = time.monotonic()
    with pytest.raises(Refusal) as caught:
        convert_legacy(legacy_xls(tmp_path / "f.xls"), "xls", tmp_path / "work", timeout=1)
    assert caught.value.code == "konversi_terlalu_lama"
    assert "1 detik" in caught.value.reason
    assert 1 <= time.monotonic() - started < 10
    child = Path(str(log) + ".child")
    if child.exists() and Path("/proc").is_dir():
        pid = int(child.read_text())
        deadline = time.monotonic() + 3  # SIGKILL is delivered asynchronously
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)


def _gone_soon(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds  # SIGKILL is delivered asynchronously
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


@posix_only
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_soffice_and_its_children_die_with_a_killed_caller(fake_soffice, tmp_path):
    """kill -9 of sopdoc during a conversion: LibreOffice must not run on, orphaned, for ever."""
    log = fake_soffice("hang")
    caller = subprocess.Popen([
        sys.executable, "-c",
        "import sys; from sopdoc.reading.convert import convert_legacy; "
        "convert_legacy(sys.argv[1], 'xls', sys.argv[2], timeout=600)",
        str(legacy_xls(tmp_path / "f.xls")), str(tmp_path / "work"),
    ])
    child = Path(str(log) + ".child")
    deadline = time.monotonic() + 30
    while not child.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    soffice, grandchild = int(Path(str(log) + ".self").read_text()), int(child.read_text())
    caller.kill()
    caller.wait()
    assert _gone_soon(soffice) and _gone_soon(grandchild)


def _tree(children: int = 2) -> tuple:
    """A real process tree in a group of its own: a shell leader and `children` sleeping children."""
    from sopdoc.reading import process_tree

    script = "; ".join(["sleep 300 & echo $!"] * children) + "; wait"
    leader = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, text=True, **process_tree.own_group())
    kids = [int(leader.stdout.readline()) for _ in range(children)]
    leader.stdout.close()
    return leader, kids


@posix_only
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_kill_tree_kills_the_leader_and_every_child_and_a_group_already_gone_is_no_error():
    from sopdoc.reading.process_tree import kill_tree

    leader, kids = _tree()
    assert all(_alive(pid) for pid in kids)
    kill_tree(leader.pid)
    assert leader.wait(timeout=5) == -9
    assert all(_gone_soon(pid) for pid in kids)
    kill_tree(leader.pid)  # the group is gone (ProcessLookupError): nothing to do, nothing raised


@posix_only
def test_kill_tree_leaves_a_group_it_may_not_signal(monkeypatch):
    from sopdoc.reading import process_tree

    def refused(pid, sig):  # another user's group: root, who runs these tests, may signal any
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(process_tree.os, "killpg", refused)
    process_tree.kill_tree(12345)


@posix_only
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_the_watchdog_kills_the_tree_it_was_sent_once_its_caller_closes_its_input():
    from sopdoc.reading import office

    leader, kids = _tree()
    watchdog = office._start_watchdog()
    watchdog.stdin.write(f"{leader.pid}\n".encode())
    watchdog.stdin.flush()
    assert _alive(leader.pid) and watchdog.poll() is None  # waits for its caller to end
    watchdog.stdin.close()
    assert watchdog.wait(timeout=10) == 0
    assert leader.wait(timeout=5) == -9
    assert all(_gone_soon(pid) for pid in kids)


def test_sweep_removes_only_old_sopdoc_folders_of_this_user(tmp_path):
    from sopdoc.reading.tempdirs import STALE_AFTER, sweep_stale

    now = time.time()
    old = now - STALE_AFTER - 60
    for name in ("sopdoc-lo-mati", "sopdoc-baru", "lain-lama"):
        (tmp_path / name / "user").mkdir(parents=True)
    (tmp_path / "sopdoc-berkas").write_text("x")
    outside = tmp_path / "di luar"
    outside.mkdir()
    (outside / "penting.txt").write_text("x")
    (tmp_path / "sopdoc-tautan").symlink_to(outside)
    for name in ("sopdoc-lo-mati", "lain-lama", "sopdoc-berkas", "di luar"):
        os.utime(tmp_path / name, (old, old))
    os.utime(tmp_path / "sopdoc-tautan", (old, old), follow_symlinks=False)
    assert sweep_stale(tmp_path, now) == ["sopdoc-lo-mati"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "di luar", "lain-lama", "sopdoc-baru", "sopdoc-berkas", "sopdoc-tautan"]
    assert (outside / "penting.txt").exists()


# --- the real LibreOffice ---


def _soffice_save_as(src: Path, fmt: str, outdir: Path) -> Path:
    """Make a genuine legacy file the way an agency would get one."""
    profile = (outdir / "profile").resolve().as_uri()
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    return outdir / f"{src.stem}.{fmt}"


@pytest.mark.soffice
def test_real_xls_round_trip(tmp_path):
    import openpyxl

    xls = _soffice_save_as(hostile.xlsx(tmp_path / "asal.xlsx", "Dinas Kesehatan"), "xls", tmp_path)
    named = tmp_path / "Formulir Évaluasi SOP 2024.xls"
    os.replace(xls, named)
    assert sniff(named) == "xls"
    out = convert_legacy(named, "xls", tmp_path / "work")
    assert sniff(out) == "xlsx"
    assert openpyxl.load_workbook(out).active["A1"].value == "Dinas Kesehatan"


@pytest.mark.soffice
def test_real_doc_round_trip(tmp_path):
    import docx

    doc = _soffice_save_as(hostile.docx(tmp_path / "asal.docx", "Dinas Kesehatan"), "doc", tmp_path)
    assert sniff(doc) == "doc"
    out = convert_legacy(doc, "doc", tmp_path / "work")
    assert sniff(out) == "docx"
    assert [p.text for p in docx.Document(out).paragraphs] == ["Dinas Kesehatan"]


@pytest.mark.soffice
def test_real_soffice_on_damaged_xls_is_berkas_rusak(tmp_path):
    # a sound container whose Workbook stream is noise
    damaged = hostile.ole_file(tmp_path / "rusak.xls", {"Workbook": b"A" * 4096})
    with pytest.raises(Refusal) as caught:
        convert_legacy(damaged, "xls", tmp_path / "work")
    assert caught.value.code == "berkas_rusak"


@pytest.mark.soffice
@pytest.mark.parametrize("fmt,builder,region", [("ods", "banten", "banten"), ("odt", "bengkulu", "bengkulu")])
def test_real_opendocument_forms_are_read_like_the_others(tmp_path, fmt, builder, region):
    from dataclasses import asdict

    import excelforms as xf
    from sopdoc.reading import parsing
    from wordforms import BengkuluForm, build_bengkulu

    source = (xf.banten(tmp_path / "asal.xlsx") if builder == "banten"
              else build_bengkulu(BengkuluForm(), tmp_path / "asal.docx"))
    made = _soffice_save_as(source, fmt, tmp_path)
    named = tmp_path / f"Evaluasi SOP Dinkes.{fmt}"
    os.replace(made, named)
    assert sniff(named) == fmt
    form = parsing.read_file(named, region_key=region).form
    assert form.agency_as_written == "Dinas Kesehatan"
    if region == "banten":
        assert [asdict(s) for s in form.sops] == xf.expected_sops(xf.Facts(), "banten")
    else:
        assert [s.title for s in form.sops] == ["Pelayanan Pengaduan Masyarakat", "Pengelolaan Surat Keluar",
                                                "Penyusunan Rencana Kerja"]
