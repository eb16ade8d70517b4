"""Benchmark: `process` per form against the floor of reading the same files, and the cost of a
1-file batch as the season grows.

    python bench/bench.py            # 200 forms per region; season of 100, 1,000 and 5,000 forms
    python bench/bench.py --n 20     # the small mode CI runs: 4 forms per region, seasons of 20 and 100

Part 1, per region, all measured in the same run on the same files (ms per form):
  batch    `process` inside one batch (Intake.process_all: sniff, read, parse, store, move)
  office   the same batch reading with openpyxl / python-docx instead of the direct reader
  cli      `sopdoc process -w` as a fresh process (start-up and the recap refresh included), its
           bytecode compiled first, as an installed sopdoc has it
  library  the bare library load: openpyxl.load_workbook + every row, or python-docx Document() + walk
  floor    zipfile + lxml: open the zip and parse the XML parts a reader needs
  and the ratios office/batch (the direct reader's gain), batch/library, batch/floor and cli/floor;
  then the traced peak memory of the batch after half and after all of its forms (flat in N:
  nothing accumulates per form).
Part 2: a 1-file batch (`Season.run_batch`, as the watcher runs it) in a workspace already holding
N forms (every tenth from an agency not in the register), against the same batch in a fresh one;
with the recap rewrite it puts off, and the re-matching of unknown agencies it includes.
Times are CPU seconds (of the benchmark and of the `sopdoc` processes it starts), so a busy
machine does not blur them; waits for the disk are not counted. Prints, never asserts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile

try:
    import resource
except ImportError:  # Windows
    resource = None
from pathlib import Path
from typing import Optional

import openpyxl
from lxml import etree

from sopdoc.demo import formgen as fg
from sopdoc.intake.batch import Intake
from sopdoc.app import RECAP_EVERY, Season
from sopdoc.intake.store import Store
from sopdoc.rules import deadlines
from sopdoc.workspace import init_workspace

ROOT = Path(__file__).resolve().parents[1]


def clock() -> float:
    """CPU seconds of this process and of its finished children: the machine may be shared, and
    wall time then measures the neighbours (waits for the disk, fsync among them, are not counted)."""
    if resource is None:  # Windows
        return time.perf_counter()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
EXCEL_BUILDERS = {"banten": fg.banten, "bontang": fg.bontang, "tanjungbalai": fg.tanjungbalai}
UNKNOWN_SHARE = 10  # every tenth seeded form names an agency the register does not know


def word_builders() -> dict:
    """Word generators: the tests' builders (tests/wordforms.py), fed the same facts."""
    sys.path.insert(0, str(ROOT / "tests"))
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


def register_names(region: str) -> list:
    register = ROOT / "sopdoc" / "data" / "agencies" / f"{region}.csv"
    return [line.split(",")[1] for line in register.read_text(encoding="utf-8").splitlines()[1:]
            if line.count(",") == 4]


def make_forms(folder: Path, region: str, builder, n: int, first: int = 0) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    names = register_names(region)
    suffix = "docx" if region in ("sidoarjo", "bengkulu") else "xlsx"
    paths = []
    for i in range(first, first + n):
        facts = fg.Facts(agency=names[i % len(names)], sops=fg.default_sops(10 + i % 20))
        paths.append(builder(folder / f"{region} {i:05d}.{suffix}", facts))
    return paths


# --- what reading the same files costs without sopdoc ------------------------------------------

def library_load(path: Path) -> None:
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
    workbook = openpyxl.load_workbook(path, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass


_EXCEL_PARTS = ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml")


def floor_read(path: Path) -> None:
    """The floor: open the zip and parse the parts any reader of the form must parse."""
    with zipfile.ZipFile(path) as zf:
        if path.suffix == ".docx":
            parts = ["word/document.xml"]
        else:
            parts = [n for n in zf.namelist() if n in _EXCEL_PARTS or n.startswith("xl/worksheets/sheet")]
        for name in parts:
            etree.fromstring(zf.read(name))


def collected() -> None:
    """Collect the garbage of what ran before a measure, so it is not charged to the measure (the
    cycles python-docx leaves made a small batch after `library_load` look twice as slow)."""
    gc.collect()


def seconds_per_form(function, paths: list) -> float:
    collected()
    start = clock()
    for p in paths:
        function(p)
    return (clock() - start) / len(paths)


# --- sopdoc ---------------------------------------------------------------------------------------

def moment(workspace) -> dt.datetime:
    """When the benchmark's forms arrive: a working morning inside the region's first period."""
    region = workspace.region()
    opens = min(p.opens for p in region.periods)
    return dt.datetime.combine(opens + dt.timedelta(days=1), dt.time(10), tzinfo=region.tz)


def copy_in(workspace, paths: list, names: Optional[list] = None) -> None:
    """Put `paths` into the inbox, dated at `moment` (for `--received-from mtime`)."""
    at = moment(workspace).timestamp()
    for p, name in zip(paths, names or [p.name for p in paths]):
        target = workspace.inbox / name
        shutil.copy(p, target)
        os.utime(target, (at, at))


def batch(workspace, paths: list, memory: bool = False, reader: str = "direct") -> tuple:
    """Seconds per form of one in-process `process` batch over `paths` (no refresh), and with
    `memory` the traced peak in MiB after half and after all of the forms (else NaN)."""
    copy_in(workspace, paths)
    arrival = moment(workspace)
    peaks = [float("nan")] * 2
    try:
        intake = Intake(workspace, reader=reader, clock=lambda: arrival)
    except TypeError:  # a sopdoc from before the direct reader, benchmarked for comparison
        if reader != "direct":
            return float("nan"), peaks
        intake = Intake(workspace, clock=lambda: arrival)

    def progress(_outcome, done, total):
        if done in (total // 2, total):
            peaks[done == total] = tracemalloc.get_traced_memory()[1] / 2**20

    if memory:
        tracemalloc.start()
    collected()
    start = clock()
    with intake.lock():
        outcomes = intake.process_all(progress if memory else None)
    seconds = clock() - start
    if memory:
        tracemalloc.stop()
    intake.close()
    refused = [o for o in outcomes if o.outcome != "accepted"]
    if refused:
        sys.exit(f"benchmark forms were refused: {refused[:3]}")
    return seconds / len(paths), peaks


def compile_bytecode() -> None:
    """Write sopdoc's bytecode, as installing it does (pip compiles on install): `cli` measures
    `sopdoc process` as a user runs it, not compiling sopdoc's modules on every start, as it does
    where the environment says never to write bytecode (PYTHONDONTWRITEBYTECODE)."""
    import compileall

    for folder in ("sopdoc", "plugins"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def cli(workspace, paths: list) -> float:
    """Seconds per form of `sopdoc process -w` as a new process over `paths`."""
    copy_in(workspace, paths)
    collected()
    start = clock()
    done = subprocess.run([sys.executable, "-m", "sopdoc", "process", "-w", str(workspace.root),
                           "--received-from", "mtime"],
                          capture_output=True, text=True)
    seconds = clock() - start
    if done.returncode != 0:
        sys.exit(f"sopdoc process failed ({done.returncode}): {done.stdout[-500:]}{done.stderr[-500:]}")
    return seconds / len(paths)


def per_form(n: int, regions: list, tmp: Path) -> None:
    builders = {**EXCEL_BUILDERS, **word_builders()}
    per_region = max(1, n // len(regions))
    print(f"sopdoc benchmark: {per_region} forms per region, {dt.datetime.now():%Y-%m-%d %H:%M}; ms per form")
    print(f"{'region':<14}{'batch':>8}{'office':>8}{'cli':>8}{'library':>9}{'floor':>8}"
          f"{'office/batch':>14}{'batch/lib':>11}{'batch/floor':>13}{'cli/floor':>11}{'peak MiB @N/2':>15}{'@N':>6}")
    for region in regions:
        paths = make_forms(tmp / "forms" / region, region, builders[region], per_region)
        batch(init_workspace(tmp / f"ws-{region}-warm", region), paths[:1])  # imports, plugins, caches
        library = seconds_per_form(library_load, paths)
        floor = seconds_per_form(floor_read, paths)
        in_batch, _ = batch(init_workspace(tmp / f"ws-{region}", region), paths)
        office, _ = batch(init_workspace(tmp / f"ws-{region}-office", region), paths, reader="office")
        _, (half_peak, full_peak) = batch(init_workspace(tmp / f"ws-{region}-mem", region), paths, memory=True)
        through_cli = cli(init_workspace(tmp / f"ws-{region}-cli", region), paths)
        ms = 1000
        print(f"{region:<14}{in_batch * ms:>8.2f}{office * ms:>8.2f}{through_cli * ms:>8.2f}{library * ms:>9.2f}"
              f"{floor * ms:>8.2f}{office / in_batch:>14.2f}{in_batch / library:>11.2f}{in_batch / floor:>13.1f}"
              f"{through_cli / floor:>11.1f}"
              f"{half_peak:>15.1f}{full_peak:>6.1f}")


# --- the season -----------------------------------------------------------------------------------

def seed_season(workspace, templates: list, n: int, now: dt.datetime) -> str:
    """Record `n` accepted forms in the store, cloned from `templates` (canonical objects), as
    if processed earlier in the current period; returns the file name used most often."""
    region = workspace.region()
    period, _ = deadlines.resolve_period(region, now)
    register = workspace.register()
    agencies = register.agencies
    versions: dict = {}
    names: dict = {}
    store = Store(workspace.store_path)
    try:
        with store.transaction() as db:
            for i in range(n):
                document = json.loads(json.dumps(templates[i % len(templates)]))
                if i % UNKNOWN_SHARE == UNKNOWN_SHARE - 1:
                    agency = None
                    document["agency"] = {"code": None, "name": None, "as_written": f"Dinas Tak Dikenal {i % 37}"}
                else:
                    agency = agencies[i % len(agencies)]
                    document["agency"] = {"code": agency.code, "name": agency.name, "as_written": agency.name}
                key = agency.code if agency else f"#{i}"
                versions[key] = versions.get(key, 0) + 1
                name = f"Evaluasi SOP {agency.short_name if agency else 'OPD'}.xlsx"
                names[name] = names.get(name, 0) + 1
                k = names[name]
                stored_as = os.path.join("archive", period.id, name if k == 1 else f"{name[:-5]} ({k}).xlsx")
                sha256 = hashlib.sha256(f"seed {i}".encode()).hexdigest()
                received = (now - dt.timedelta(seconds=n - i)).isoformat(timespec="seconds")
                document.update(period=period.id, received_at=received)
                document["source"].update(file=name, sha256=sha256, version=versions[key] if agency else 1)
                submission_id = store.record_submission(db, document)
                store.record_file(db, name=name, sha256=sha256, size=1, received_at=received,
                                  processed_at=received, outcome="accepted", stored_as=stored_as,
                                  submission_id=submission_id)
            db.execute("UPDATE files SET moved = 1")
    finally:
        store.close()
    return max(names, key=names.get)


def one_file_batch(season, form: Path, name: str) -> tuple:
    """CPU seconds of a 1-file batch over `form` (as `name`) as the watcher runs it (recaps
    rewritten at most once per RECAP_EVERY), and whether it rewrote the recaps."""
    copy_in(season.ws, [form], [name])
    start = clock()
    result = season.run_batch(recap_every=RECAP_EVERY)
    seconds = clock() - start
    if [o.outcome for o in result.outcomes] != ["accepted"]:
        sys.exit(f"the season's 1-file batch was not accepted: {result.outcomes}")
    return seconds, bool(result.recaps)


def season(sizes: list, tmp: Path) -> None:
    region = "banten"
    forms = make_forms(tmp / "season-forms", region, fg.banten, 8 + (len(sizes) + 1) * 2, first=50_000)
    templates_ws = init_workspace(tmp / "season-templates", region)
    batch(templates_ws, forms[:8])
    store = Store(templates_ws.store_path)
    templates = store.submissions(all_versions=True)
    store.close()
    now = moment(templates_ws)
    print(f"\n1-file batch (banten) after N forms in the workspace, 1 in {UNKNOWN_SHARE} from an unknown agency; "
          "CPU seconds")
    print("  first: the first batch, which writes the missing recap; batch: the next one, as the watcher runs")
    print(f"  it (recap put off, at most one rewrite per {RECAP_EVERY:g} s); refresh: that put-off rewrite;")
    print("  matching: re-matching the unknown agencies' names, part of every batch")
    print(f"{'N':>7}{'first':>9}{'batch':>9}{'x fresh':>9}{'refresh':>9}{'matching':>10}")
    fresh = None
    for i, n in enumerate([0, *sizes]):
        workspace = init_workspace(tmp / f"season-{n}", region)
        name = seed_season(workspace, templates, n, now) if n else "Evaluasi SOP OPD.xlsx"
        season_ = Season(workspace, clock=lambda: now)
        first, _ = one_file_batch(season_, forms[8 + 2 * i], name)
        steady, rewrote = one_file_batch(season_, forms[9 + 2 * i], name)
        if rewrote:
            sys.exit("the second batch rewrote the recap: RECAP_EVERY passed, or the policy is off")
        start = clock()
        season_.refresh_recaps()
        refresh = clock() - start
        with Store(workspace.store_path) as store:
            start = clock()
            store.rematch_agencies(season_.register)
            matching = clock() - start
        fresh = fresh or steady
        print(f"{n:>7}{first:>9.3f}{steady:>9.3f}{steady / fresh:>9.2f}{refresh:>9.3f}{matching:>10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("SOPDOC_BENCH_N", 1000)),
                        help="forms in part 1, shared among the regions")
    parser.add_argument("--regions", default=None, help="comma-separated; default: every region with a generator")
    parser.add_argument("--season", default=None,
                        help="comma-separated N for part 2; default 100,1000,5000 (20,100 when --n < 200)")
    args = parser.parse_args()
    available = [*EXCEL_BUILDERS, *word_builders()]
    regions = args.regions.split(",") if args.regions else available
    sizes = args.season or ("100,1000,5000" if args.n >= 200 else "20,100")
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="sopdoc-bench-") as tmp:
        per_form(args.n, regions, Path(tmp))
        season([int(s) for s in sizes.split(",") if s], Path(tmp))


if __name__ == "__main__":
    main()
