"""Odd inbox entries and moves that cannot finish: only regular files are taken, names of any bytes
are kept, nothing hangs, nothing piles up in archive/ or rejected/, nothing else is held up."""
import errno
import os
import shutil
import sys
import threading
import time

import pytest

import excelforms as xf
import hostile
from sopdoc.intake import batch
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store
from sopdoc.reading import parsing

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="links, FIFOs and sockets as POSIX has them")


def process(ws):
    intake = Intake(ws)
    try:
        return {o.name: o for o in intake.process_all()}
    finally:
        intake.close()


def filed(ws) -> list:
    return sorted(str(p.relative_to(ws.root)) for folder in (ws.archive, ws.rejected)
                  for p in folder.rglob("*") if not p.is_dir())


@posix_only
def test_links_fifos_and_sockets_are_left_alone_with_a_note_and_nothing_waits_on_them(banten_ws, tmp_path, run):
    outside = tmp_path / "luar"
    outside.mkdir()
    odd = hostile.odd_entries(banten_ws.inbox, outside)
    xf.banten(banten_ws.inbox / "baik.xlsx", xf.Facts(agency="Dinas Sosial"))
    started = time.monotonic()
    result = run("process", "-w", banten_ws.root)  # a FIFO opened for reading would block here
    assert time.monotonic() - started < 30
    assert result.exit_code == 0, result.output
    assert "DITERIMA baik.xlsx" in result.output
    for name, kind in odd.items():
        assert f"Catatan: {name} di inbox bukan berkas biasa ({kind}); dibiarkan, tidak diproses." in result.output
    assert sorted(p.name for p in banten_ws.inbox.iterdir()) == sorted(odd)
    assert not any(p.is_symlink() for p in banten_ws.archive.rglob("*"))
    with Store(banten_ws.store_path) as store:
        assert [f["name"] for f in store.files()] == ["baik.xlsx"]


@posix_only
def test_a_fifo_never_hangs_the_watcher(banten_ws, tmp_path):
    from sopdoc.intake.watcher import Watcher

    outside = tmp_path / "luar"
    outside.mkdir()
    hostile.odd_entries(banten_ws.inbox, outside)
    xf.banten(banten_ws.inbox / "baik.xlsx", xf.Facts(agency="Dinas Sosial"))
    lines, outcomes = [], []

    def rounds():  # in a thread of its own, so a hang fails the test instead of stopping it
        watcher = Watcher(banten_ws, settle=0, log=lines.append)
        try:
            outcomes.extend(watcher.tick(now=0) + watcher.tick(now=100) + watcher.tick(now=200))
        finally:
            watcher._arrivals.close()

    worker = threading.Thread(target=rounds, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the watcher hangs"
    assert [o.name for o in outcomes] == ["baik.xlsx"]
    assert sum("bukan berkas biasa (FIFO (pipa bernama))" in line for line in lines) == 1


@posix_only
def test_a_fifo_replacing_a_file_after_the_listing_is_not_opened_blocking(banten_ws):
    (banten_ws.inbox / "form.xlsx").write_bytes(b"x")
    failures = []

    def take_after_swap():
        intake = Intake(banten_ws)
        try:
            [path] = intake.pending()
            path.unlink()
            os.mkfifo(path)
            intake.process_file(path)
        except OSError as e:  # "not a regular file": process_all defers it
            failures.append(e)
        finally:
            intake.close()

    worker = threading.Thread(target=take_after_swap, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "opening the FIFO blocks"
    assert "bukan berkas biasa" in str(failures[0])


@posix_only
def test_names_that_are_not_utf8_are_kept_exactly_and_hold_nothing_up(banten_ws, run):
    good = hostile.non_utf8_name(b"Dinas Sosial \xe9", b".xlsx")
    empty = hostile.non_utf8_name(b"kosong \xff\xfe", b".xlsx")
    xf.banten(banten_ws.inbox / good, xf.Facts(agency="Dinas Sosial"))
    (banten_ws.inbox / empty).write_bytes(b"")
    xf.banten(banten_ws.inbox / "biasa.xlsx", xf.Facts(agency="Biro Hukum"))
    result = run("process", "-w", banten_ws.root)
    assert result.exit_code == 1, result.output
    assert "DITERIMA Dinas Sosial \\xe9.xlsx" in result.output
    assert "DITOLAK kosong \\xff\\xfe.xlsx" in result.output
    assert list(banten_ws.inbox.iterdir()) == []
    with Store(banten_ws.store_path) as store:
        names = {os.fsencode(f["name"]): f["outcome"] for f in store.files()}
        submitted = {d["source"]["file"] for d in store.submissions()}
        refused = [r["file"] for r in store.refusals()]
    assert names == {b"Dinas Sosial \xe9.xlsx": "accepted", b"kosong \xff\xfe.xlsx": "refused",
                     b"biasa.xlsx": "accepted"}
    assert submitted == {"Dinas Sosial \\xe9.xlsx", "biasa.xlsx"}
    assert refused == ["kosong \\xff\\xfe.xlsx"]
    now = ["--now", "2025-05-20T10:00"]
    for args in (["status", *now], ["export", "--rejected"], ["recap", *now]):
        assert run(*args, "-w", banten_ws.root).exit_code == 0


@posix_only
def test_the_watcher_starts_with_a_name_that_is_not_utf8_in_the_inbox(banten_ws):
    from sopdoc.intake.watcher import Watcher

    xf.banten(banten_ws.inbox / hostile.non_utf8_name(), xf.Facts(agency="Dinas Sosial"))
    watcher = Watcher(banten_ws, settle=0)
    try:
        outcomes = watcher.tick(now=0) + watcher.tick(now=100)
    finally:
        watcher._arrivals.close()
    assert [o.outcome for o in outcomes] == ["accepted"]


def test_a_name_too_long_for_its_reason_file_is_shortened_in_rejected_keeping_its_extension(banten_ws):
    name = hostile.long_name(250, ".pdf")
    (banten_ws.inbox / name).write_bytes(hostile.PDF_MINIMAL)
    (banten_ws.inbox / (name[:-4] + ".xlsx")).write_bytes(hostile.PDF_MINIMAL)
    outcomes = process(banten_ws)
    assert [o.outcome for o in outcomes.values()] == ["refused", "refused"]
    assert list(banten_ws.inbox.iterdir()) == []
    kept = sorted(p.name for p in banten_ws.rejected.iterdir())
    assert len(kept) == 4
    for filed_name in kept:
        assert len(filed_name.encode()) <= 255
    assert {n for n in kept if not n.endswith(".alasan.txt")} == {
        n[: -len(".alasan.txt")] for n in kept if n.endswith(".alasan.txt")}
    assert sum(n.endswith(".pdf") for n in kept) == 1 and sum(n.endswith(".xlsx") for n in kept) == 1
    with Store(banten_ws.store_path) as store:
        assert {f["name"] for f in store.files()} == {name, name[:-4] + ".xlsx"}


@pytest.fixture
def inbox_on_another_drive_that_cannot_be_emptied(monkeypatch, banten_ws):
    """Moves out of inbox/ cross drives (copy, then remove), and the original cannot be removed."""
    real_replace, real_unlink = os.replace, os.unlink
    inbox = str(banten_ws.inbox)

    def replace(src, dst, *args, **kwargs):
        if str(src).startswith(inbox):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst, *args, **kwargs)

    def unlink(path, *args, **kwargs):
        if str(path).startswith(inbox):
            raise PermissionError(errno.EROFS, "Read-only file system")
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(batch.os, "replace", replace)
    monkeypatch.setattr(batch.os, "unlink", unlink)
    return banten_ws


def test_a_move_that_cannot_finish_leaves_no_copy_run_after_run(inbox_on_another_drive_that_cannot_be_emptied):
    ws = inbox_on_another_drive_that_cannot_be_emptied
    xf.banten(ws.inbox / "form.xlsx", xf.Facts(agency="Dinas Sosial"))
    (ws.inbox / "scan.pdf").write_bytes(hostile.PDF_MINIMAL)
    for _ in range(3):
        outcomes = process(ws)
        assert {n: o.outcome for n, o in outcomes.items()} == {"form.xlsx": "deferred", "scan.pdf": "deferred"}
        assert filed(ws) == []
    assert sorted(p.name for p in ws.inbox.iterdir()) == ["form.xlsx", "scan.pdf"]
    with Store(ws.store_path) as store:
        assert len(store.files()) == 2  # recorded once each, whatever the runs


def test_the_copy_of_a_move_killed_before_the_original_went_is_recognised(monkeypatch, banten_ws):
    xf.banten(banten_ws.inbox / "form.xlsx", xf.Facts(agency="Dinas Sosial"))
    real_replace, real_unlink = os.replace, os.unlink
    inbox = str(banten_ws.inbox)

    def cross_drive(src, dst, *args, **kwargs):
        if str(src).startswith(inbox):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst, *args, **kwargs)

    def killed(path, *args, **kwargs):
        if str(path).startswith(inbox):
            raise KeyboardInterrupt  # kill -9 between the copy and the removal of the original
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(batch.os, "replace", cross_drive)
    monkeypatch.setattr(batch.os, "unlink", killed)
    with pytest.raises(KeyboardInterrupt):
        process(banten_ws)
    monkeypatch.setattr(batch.os, "unlink", real_unlink)
    for _ in range(2):
        process(banten_ws)
    assert list(banten_ws.inbox.iterdir()) == []
    assert [p.name for p in banten_ws.archive.rglob("*.xlsx")] == ["form.xlsx"]
    with Store(banten_ws.store_path) as store:
        assert [f["outcome"] for f in store.files()] == ["accepted"]


def test_a_file_replaced_while_it_is_read_is_not_filed_under_the_first_ones_record(monkeypatch, banten_ws, tmp_path):
    first = xf.banten(banten_ws.inbox / "form.xlsx", xf.Facts(agency="Dinas Sosial"))
    second = xf.banten(tmp_path / "pengganti.xlsx", xf.Facts(agency="Biro Hukum"))
    read_file = parsing.read_file

    def slow_read(path, **kwargs):
        reading = read_file(path, **kwargs)
        shutil.copy(second, tmp_path / "baru.xlsx")
        os.replace(tmp_path / "baru.xlsx", first)  # the sender puts a corrected file in its place
        return reading

    monkeypatch.setattr(parsing, "read_file", slow_read)
    [outcome] = process(banten_ws).values()
    assert outcome.outcome == "deferred"
    assert "berubah" in outcome.reason
    assert filed(banten_ws) == []
    monkeypatch.setattr(parsing, "read_file", read_file)
    [outcome] = process(banten_ws).values()
    assert outcome.outcome == "accepted"
    with Store(banten_ws.store_path) as store:
        [document] = store.submissions()
        [record] = store.files()
    assert document["agency"]["as_written"] == "Biro Hukum"
    assert document["source"]["sha256"] == parsing.sha256_of(banten_ws.root / record["stored_as"])


@posix_only
def test_a_hard_linked_file_is_filed_as_a_copy_of_its_own(banten_ws, tmp_path):
    outside = tmp_path / "luar"
    outside.mkdir()
    name = hostile.hard_link_into(banten_ws.inbox, outside)
    original = outside / "milik orang lain.xlsx"
    before = original.read_bytes()
    [outcome] = process(banten_ws).values()
    assert outcome.outcome == "refused" and outcome.name == name
    [filed_copy] = [p for p in banten_ws.rejected.iterdir() if not p.name.endswith(".alasan.txt")]
    assert filed_copy.stat().st_nlink == 1 and filed_copy.read_bytes() == before
    original.write_bytes(b"diubah di luar")  # the filed file does not change with it
    assert filed_copy.read_bytes() == before
    assert list(banten_ws.inbox.iterdir()) == []
