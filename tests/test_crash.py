"""kill -9 in the middle of `sopdoc process`, then start again: every file ends accepted or refused
exactly once, nothing is lost or recorded twice, and the store stays consistent."""
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from excelforms import Facts, banten
from testdata import keep_periods_open
from sopdoc.workspace import init_workspace

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 needs POSIX signals")]

SOPDOC = [sys.executable, "-m", "sopdoc"]
AGENCIES = ["Dinas Kesehatan", "Biro Hukum", "Dinas Sosial", "Dinas Perhubungan", "Dinas Pariwisata",
            "Dinas Pertanian", "Biro Umum", "Dinas Ketahanan Pangan"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """About 300 files: real forms (some agencies twice, so versions 2 appear), identical copies,
    empty files and many small files that are not forms at all."""
    folder = tmp_path_factory.mktemp("batch")
    forms = []
    for i, agency in enumerate(AGENCIES + AGENCIES[:4]):
        forms.append(banten(folder / f"form {i:02d}.xlsx", Facts(agency=agency, signer=f"Penanda Tangan {i}")))
    for i in range(12):
        shutil.copyfile(forms[i % len(forms)], folder / f"salinan {i:02d}.xlsx")
    for i in range(6):
        (folder / f"kosong {i}.xlsx").write_bytes(b"")
    for i in range(270):
        (folder / f"surat {i:03d}.xlsx").write_text(f"bukan formulir nomor {i}\n" * (1 + i % 7))
    return folder


def done_count(ws) -> int:
    """Files that have left the inbox so far."""
    return sum(1 for p in ws.rejected.iterdir() if not p.name.endswith(".alasan.txt")) + \
        sum(1 for _ in ws.archive.rglob("*.xlsx"))


def kill_at(ws, target: int, jitter: float) -> bool:
    """Run `sopdoc process` and SIGKILL it once `target` files are done (plus `jitter` seconds).
    False when it finished before that."""
    proc = subprocess.Popen(SOPDOC + ["process", "-w", str(ws.root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and done_count(ws) < target:
        time.sleep(0.002)
    time.sleep(jitter)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_mid_batch_then_restart(tmp_path, batch, seed):
    rng = random.Random(seed)
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    originals = sorted(p.name for p in batch.iterdir())
    for name in originals:
        shutil.copyfile(batch / name, ws.inbox / name)

    kills = 0
    for target in sorted(rng.sample(range(1, len(originals) - 20), 3)):  # three kills per round
        kills += kill_at(ws, target, rng.uniform(0, 0.02))
    assert kills >= 1, "the batch ended before any kill: too few files for this machine"
    for _ in range(5):  # start again until the inbox is empty
        subprocess.run(SOPDOC + ["process", "-w", str(ws.root)], capture_output=True, timeout=60)
        if not any(ws.inbox.iterdir()):
            break
    assert sorted(p.name for p in ws.inbox.iterdir()) == []

    # every file once, in archive/ or rejected/, under its own name; nothing else left behind
    archived = [p for p in ws.archive.rglob("*") if p.is_file()]
    rejected = [p for p in ws.rejected.iterdir() if not p.name.endswith(".alasan.txt")]
    placed = Counter(p.name for p in archived + rejected)
    assert placed == Counter(originals)
    for p in rejected:
        assert p.with_name(p.name + ".alasan.txt").is_file(), p.name
    reasons = [p for p in ws.rejected.iterdir() if p.name.endswith(".alasan.txt")]
    assert len(reasons) == len(rejected)

    db = sqlite3.connect(ws.store_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = db.execute("SELECT name, outcome, stored_as, submission_id FROM files").fetchall()
        assert sorted(r[0] for r in rows) == originals  # exactly one row per file
        for name, outcome, stored_as, _ in rows:
            assert (ws.root / stored_as).is_file(), (name, stored_as)
            assert (stored_as.startswith("rejected") == (outcome == "refused")) or outcome == "duplicate"
        accepted = [r[3] for r in rows if r[1] == "accepted"]
        submissions = db.execute("SELECT id FROM submissions").fetchall()
        assert sorted(accepted) == sorted(s[0] for s in submissions)  # no half-recorded submission
        versions = db.execute(
            "SELECT agency_code, GROUP_CONCAT(version) FROM submissions GROUP BY agency_code").fetchall()
        for code, numbers in versions:
            assert sorted(int(n) for n in numbers.split(",")) == list(range(1, numbers.count(",") + 2)), code
        assert db.execute("SELECT COUNT(*) FROM arrivals").fetchone()[0] == 0
    finally:
        db.close()
    assert Counter(r[1] for r in rows) == {"accepted": 12, "refused": 276, "duplicate": 12}
