"""Taking one uploaded file through the intake (sopdoc.intake.upload), without the web layer."""
import datetime as dt
import shutil

from testdata import SAMPLES
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store
from sopdoc.intake.upload import partial_path, take_upload

SAMPLE = SAMPLES / "banten-contoh.xlsx"


def received(ws, hour=9):
    return dt.datetime(2025, 5, 14, hour, 30, tzinfo=ws.region().tz)


def _take(ws, name, when):
    partial = partial_path(ws.inbox)
    shutil.copy(SAMPLE, partial)
    intake = Intake(ws)
    try:
        with intake.lock(5):
            return take_upload(intake, partial, name, when)
    finally:
        intake.close()


def test_an_upload_is_taken_at_once_with_the_moment_it_was_received(banten_ws):
    outcome = _take(banten_ws, "formulir.xlsx", received(banten_ws))
    assert outcome.outcome == "accepted"
    assert outcome.document["received_at"] == "2025-05-14T09:30:00+07:00"
    assert outcome.document["timeliness"]["status"] == "tepat_waktu"
    assert (banten_ws.root / outcome.stored_as).read_bytes() == SAMPLE.read_bytes()
    assert list(banten_ws.inbox.iterdir()) == []


def test_an_upload_never_takes_the_name_of_a_file_waiting_in_the_inbox(banten_ws):
    waiting = banten_ws.inbox / "formulir.xlsx"
    waiting.write_bytes(b"sedang disalin")
    outcome = _take(banten_ws, "formulir.xlsx", received(banten_ws))
    assert outcome.name == "formulir (2).xlsx" and outcome.outcome == "accepted"
    assert waiting.read_bytes() == b"sedang disalin"


def test_a_process_run_leaves_an_upload_in_progress_alone(banten_ws, run):
    partial = partial_path(banten_ws.inbox)
    partial.write_bytes(SAMPLE.read_bytes()[:100])  # still arriving
    assert run("process", "-w", banten_ws.root).exit_code == 0
    assert partial.exists()
    store = Store(banten_ws.store_path)
    try:
        assert store.files() == []
    finally:
        store.close()
