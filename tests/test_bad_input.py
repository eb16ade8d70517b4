"""Every file ends accepted, refused with a reason, or ignored -- never a traceback, never a silent skip."""
import shutil

import openpyxl
import pytest

import excelforms as xf
from testdata import SAMPLES
from sopdoc.intake.batch import Intake
from sopdoc.intake.store import Store


def blank_banten_template(path):
    return xf.banten(path, xf.Facts(sops=[]))


def make_bad(kind, path):
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        data = (SAMPLES / "banten-contoh.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "text named xlsx":
        path.write_text("Yth. Kepala Biro Organisasi, terlampir hasil evaluasi SOP.")
    elif kind == "blank template":
        blank_banten_template(path)
    elif kind == "other region":
        shutil.copy(SAMPLES / "tanjungbalai-contoh.xlsx", path)
    elif kind == "excel not a form":
        wb = openpyxl.Workbook()
        wb.active.append(["Nama", "Alamat", "Telepon"])
        wb.active.append(["Budi", "Serang", "0812"])
        wb.save(path)
    return path


CASES = {
    "empty": "berkas_kosong",
    "truncated": "berkas_rusak",
    "text named xlsx": "bukan_formulir",
    "blank template": "formulir_kosong",
    "other region": "daerah_lain",
    "excel not a form": "bukan_formulir",
}


@pytest.mark.parametrize("kind", CASES)
def test_each_bad_file_is_refused_with_its_code(banten_ws, kind):
    make_bad(kind, banten_ws.inbox / f"{kind}.xlsx")
    intake = Intake(banten_ws)
    [outcome] = intake.process_all()
    assert (outcome.outcome, outcome.reason_code) == ("refused", CASES[kind])
    assert outcome.reason and outcome.reason[0].isupper()
    assert (banten_ws.rejected / f"{kind}.xlsx").exists()
    assert (banten_ws.rejected / f"{kind}.xlsx.alasan.txt").exists()
    intake.close()


def test_a_batch_of_bad_files_among_good_ones(banten_ws, tmp_path):
    for kind in CASES:
        make_bad(kind, banten_ws.inbox / f"{kind}.xlsx")
    good = [xf.banten(banten_ws.inbox / f"good {i}.xlsx", xf.Facts(agency=name))
            for i, name in enumerate(["Dinas Sosial", "Dinas Perhubungan", "Biro Hukum"])]
    intake = Intake(banten_ws)
    outcomes = {o.name: (o.outcome, o.reason_code) for o in intake.process_all()}
    intake.close()
    assert outcomes == {**{f"{k}.xlsx": ("refused", v) for k, v in CASES.items()},
                        **{p.name: ("accepted", None) for p in good}}
    assert list(banten_ws.inbox.iterdir()) == []
    with Store(banten_ws.store_path) as store:
        assert len(store.submissions()) == 3 and len(store.refusals()) == len(CASES)


def test_a_crashing_plugin_refuses_the_file_not_the_batch(banten_ws):
    import pluggy

    from sopdoc import ParserInfo, Recognition, hookimpl
    from sopdoc.plugins import make_manager

    class Broken:
        @hookimpl
        def sopdoc_parser_info(self):
            return ParserInfo("rusak", "0.1", "banten")

        @hookimpl
        def sopdoc_recognize(self, document):
            return Recognition("rusak", 1.0)

        @hookimpl(tryfirst=True)
        def sopdoc_parse(self, document, parser):
            if parser == "rusak":
                raise ZeroDivisionError("boom")

    pm = make_manager(load_entrypoints=False)
    pm.unregister(name="sopdoc_regions.banten")
    pm.register(Broken(), name="rusak")
    assert isinstance(pm, pluggy.PluginManager)
    shutil.copy(SAMPLES / "banten-contoh.xlsx", banten_ws.inbox / "a.xlsx")
    intake = Intake(banten_ws, pm=pm)
    [outcome] = intake.process_all()
    intake.close()
    assert outcome.reason_code == "pengurai_gagal"
    assert "rusak" in outcome.reason
