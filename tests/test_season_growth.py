"""What a batch costs must not grow with the season: recaps put off while files keep arriving,
and a name used many times placed with one query."""
import os

from testdata import keep_periods_open
from excelforms import Facts, banten
from sopdoc.app import RECAP_EVERY, Season
from sopdoc.intake.batch import free_destination
from sopdoc.intake.store import Store
from sopdoc.outputs.recap import recap_path
from sopdoc.workspace import init_workspace

PERIOD = "banten-2025-tahap-1"


def test_a_watcher_batch_puts_the_recap_off_while_files_keep_arriving(tmp_path):
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    season = Season(ws)
    banten(ws.inbox / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    first = season.run_batch(received_from="mtime", recap_every=RECAP_EVERY)
    recap = recap_path(ws, PERIOD)
    assert recap in first.recaps and not first.recap_due  # no recap yet: written at once
    written = recap.stat().st_mtime_ns

    banten(ws.inbox / "dishub.xlsx", Facts(agency="Dinas Perhubungan"))
    second = season.run_batch(received_from="mtime", recap_every=RECAP_EVERY)
    assert [o.outcome for o in second.outcomes] == ["accepted"]
    assert second.recap_due and second.recaps == [] and recap.stat().st_mtime_ns == written

    paths, error = season.refresh_recaps()
    assert error is None and recap in paths and recap.stat().st_mtime_ns > written


def test_a_one_shot_batch_rewrites_the_recap_at_once(tmp_path):
    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    for name in ("dinkes.xlsx", "dishub.xlsx"):
        banten(ws.inbox / name, Facts(agency="Dinas Kesehatan"))
        result = Season(ws).run_batch(received_from="mtime")
        assert recap_path(ws, PERIOD) in result.recaps and not result.recap_due


def _record(store, stored_as: str) -> None:
    with store.transaction() as db:
        store.record_file(db, name=os.path.basename(stored_as), sha256="0" * 64, size=1, received_at="-",
                          processed_at="-", outcome="refused", stored_as=stored_as)


def test_a_name_used_many_times_gets_the_next_number_from_one_query(tmp_path):
    folder = tmp_path / "rejected"
    folder.mkdir()
    with Store(tmp_path / "sopdoc.db") as store:
        assert store.highest_copy(os.path.join("rejected", "Evaluasi SOP.xlsx")) == 0
        assert free_destination(tmp_path, store, folder, "Evaluasi SOP.xlsx") == os.path.join(
            "rejected", "Evaluasi SOP.xlsx")
        _record(store, os.path.join("rejected", "Evaluasi SOP.xlsx"))
        for k in range(2, 40):
            _record(store, os.path.join("rejected", f"Evaluasi SOP ({k}).xlsx"))
        _record(store, os.path.join("rejected", "Evaluasi SOP (99).docx"))  # another extension
        _record(store, os.path.join("rejected", "Evaluasi SOP (lama) (7).xlsx"))  # another stem
        probes = []
        store.db.set_trace_callback(probes.append)
        assert store.highest_copy(os.path.join("rejected", "Evaluasi SOP.xlsx")) == 39
        assert free_destination(tmp_path, store, folder, "Evaluasi SOP.xlsx") == os.path.join(
            "rejected", "Evaluasi SOP (40).xlsx")
        store.db.set_trace_callback(None)
        assert len(probes) <= 3  # not one per copy already there
        (folder / "Evaluasi SOP (40).xlsx").write_bytes(b"")  # put there by hand, not recorded
        assert free_destination(tmp_path, store, folder, "Evaluasi SOP.xlsx") == os.path.join(
            "rejected", "Evaluasi SOP (41).xlsx")


def test_re_matching_stored_names_looks_for_no_suggestion(tmp_path, monkeypatch):
    from sopdoc.rules import agencies

    ws = keep_periods_open(init_workspace(tmp_path / "ws", "banten"))
    for i in range(3):
        banten(ws.inbox / f"tak dikenal {i}.xlsx", Facts(agency="Dinas Tak Dikenal"))
    Season(ws).run_batch(received_from="mtime")

    def no_suggestion(*args, **kwargs):
        raise AssertionError("a stored name is re-matched exactly, never fuzzily")

    monkeypatch.setattr(agencies.process, "extractOne", no_suggestion)
    banten(ws.inbox / "dinkes.xlsx", Facts(agency="Dinas Kesehatan"))
    result = Season(ws).run_batch(received_from="mtime")
    assert [o.outcome for o in result.outcomes] == ["accepted"] and result.matched == []
