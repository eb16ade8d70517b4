"""Benchmark: `process` end to end against a bare library load of the same files.

    python bench/bench.py            # N=1000 forms
    python bench/bench.py --n 20     # the small mode CI runs (asserts nothing about speed)

Prints ms per form for sopdoc and for a bare load (openpyxl.load_workbook + iterate every cell;
python-docx Document() + iterate every paragraph and table for Word), their ratio (target <= 2),
and the traced peak memory after half and after all of the forms (flat in N means the two are
close: nothing accumulates per form).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import openpyxl

from sopdoc.demo import formgen as fg
from sopdoc.intake.batch import Intake
from sopdoc.workspace import init_workspace

EXCEL_BUILDERS = {"banten": fg.banten, "bontang": fg.bontang, "tanjungbalai": fg.tanjungbalai}


def word_builders() -> dict:
    """Word generators: the tests' builders (tests/wordforms.py), fed the same facts."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    try:
        import wordforms as wf
    except ImportError:
        return {}

    def sops(facts):
        return [wf.Sop(s.number, s.title, s.criteria, fg.IMPL_TEXT[s.implementation] or "",
                       s.notes or "", fg.FOLLOW_TEXT[s.follow_up] or "-") for s in facts.sops]

    return {
        "sidoarjo": lambda path, facts: wf.build_sidoarjo(wf.SidoarjoForm(agency=facts.agency, sops=sops(facts)), path),
        "bengkulu": lambda path, facts: wf.build_bengkulu(wf.BengkuluForm(agency=facts.agency, sops=sops(facts)), path),
    }


def make_forms(folder: Path, region: str, builder, n: int, mess: bool = True) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    register = (Path(__file__).resolve().parents[1] / "sopdoc" / "data" / "agencies" / f"{region}.csv")
    names = [line.split(",")[1] for line in register.read_text(encoding="utf-8").splitlines()[1:] if line.count(",") == 4]
    paths = []
    for i in range(n):
        facts = fg.Facts(agency=names[i % len(names)], sops=fg.default_sops(10 + i % 20))
        paths.append(builder(folder / f"{region} {i:05d}.{'docx' if region in ('sidoarjo', 'bengkulu') else 'xlsx'}", facts))
    return paths


def bare_load(path: Path) -> None:
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        for _ in document.paragraphs:
            pass
        for table in document.tables:
            for row in table._tbl.tr_lst:
                for _ in row.tc_lst:
                    pass
        return
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass


def process(workspace, paths: list, memory: bool) -> tuple:
    """Seconds for one `process` batch over `paths`, and (peak at half, peak at end) in MiB."""
    for p in paths:
        shutil.copy(p, workspace.inbox / p.name)
    intake = Intake(workspace)
    peaks = []
    half = len(paths) // 2
    done = 0

    def progress(_outcome, _done, _total):
        nonlocal done
        done += 1
        if memory and done in (half, len(paths)):
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)

    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    with intake.lock():
        outcomes = intake.process_all(progress)
    seconds = time.perf_counter() - start
    if memory:
        tracemalloc.stop()
    intake.close()
    refused = [o for o in outcomes if o.outcome != "accepted"]
    if refused:
        sys.exit(f"benchmark forms were refused: {refused[:3]}")
    return seconds, peaks


def run(n: int, regions: list) -> None:
    with tempfile.TemporaryDirectory(prefix="sopdoc-bench-") as tmp:
        tmp = Path(tmp)
        builders = {**EXCEL_BUILDERS, **word_builders()}
        per_region = max(1, n // len(regions))
        print(f"sopdoc benchmark: {per_region * len(regions)} forms ({', '.join(regions)}), "
              f"{dt.datetime.now():%Y-%m-%d %H:%M}")
        print(f"{'region':<14}{'forms':>6}{'sopdoc ms/form':>16}{'bare ms/form':>14}{'ratio':>8}"
              f"{'peak MiB @N/2':>15}{'@N':>8}")
        for region in regions:
            paths = make_forms(tmp / "forms" / region, region, builders[region], per_region)
            start = time.perf_counter()
            for p in paths:
                bare_load(p)
            bare = time.perf_counter() - start
            seconds, _ = process(init_workspace(tmp / f"ws-{region}", region), paths, memory=False)
            _, peaks = process(init_workspace(tmp / f"ws-{region}-mem", region), paths, memory=True)
            half_peak, full_peak = (peaks + [float("nan")] * 2)[:2]
            print(f"{region:<14}{len(paths):>6}{seconds / len(paths) * 1000:>16.1f}"
                  f"{bare / len(paths) * 1000:>14.1f}{seconds / bare:>8.2f}{half_peak:>15.1f}{full_peak:>8.1f}")
        recap = Path(__file__).with_name("bench_recap.py")
        if recap.exists():
            sys.path.insert(0, str(recap.parent))
            import bench_recap

            agencies, sops = (500, 40) if n >= 1000 else (20, 10)
            bench_recap.bench_recap(agencies, sops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("SOPDOC_BENCH_N", 1000)))
    parser.add_argument("--regions", default=None, help="comma-separated; default: every region with a generator")
    args = parser.parse_args()
    available = [*EXCEL_BUILDERS, *word_builders()]
    regions = args.regions.split(",") if args.regions else available
    run(args.n, regions)


if __name__ == "__main__":
    main()
