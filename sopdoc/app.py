"""The application layer: what a person can do with a workspace, whatever the interface.

The CLI, the watcher, the demo and the web portal all go through `Season`: open it once per
command (or per watcher batch), call one method, and present the result. Methods return data and
raise `SopdocError` subclasses; they never print and never import an interface's framework.
Reads (`status`, `status_json`, `export_rows`, `recap`, `blank_forms`, `letters`, `backup`) open
the store read-only; changes (`run_batch`, `issue_letters`, `add_alias`, `move`, `rebuild`) hold it
open for writing only while they work.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from filelock import Timeout

from sopdoc.errors import Refusal, SopdocError, StoreMissing, WorkspaceError
from sopdoc.files import write_atomically
from sopdoc.intake import moving, rebuild
from sopdoc.intake.batch import Intake, build_document, unusual_entries
from sopdoc.intake.journal import Journal, journal_alias
from sopdoc.intake.store import Store
from sopdoc.outputs import blanks, cover_letters, export, letters, recap
from sopdoc.outputs.status import PeriodStatus, period_status, status_dict
from sopdoc.reading import parsing
from sopdoc.rules.agencies import Register, load_register
from sopdoc.workspace import CONFIG_NAME, Workspace, bundled_regions, init_workspace, open_workspace

log = logging.getLogger(__name__)

# While files keep arriving (the watcher), recaps are rewritten at most once per this many seconds.
RECAP_EVERY = 60.0

# A region whose newest period opened longer ago than this has no period for the current year.
STALE_PERIODS_DAYS = 300


class Busy(WorkspaceError):
    """Another sopdoc run holds the workspace's batch lock."""


@dataclass
class BatchResult:
    """What one batch did: an `Outcome` per file taken (in order), the recaps rewritten after it,
    and the stored files an alias matched to an agency since the last batch."""

    outcomes: list = field(default_factory=list)
    recaps: list = field(default_factory=list)  # paths written
    recap_error: Optional[str] = None  # why the recap refresh failed; the data itself is safe
    matched: list = field(default_factory=list)  # (file, agency code)
    left_alone: list = field(default_factory=list)  # (name, kind): links, FIFOs ... in inbox/, never taken
    recap_due: bool = False  # the refresh was put off (`recap_every`): `Season.refresh_recaps` later

    @property
    def counts(self) -> Counter:
        """How many files ended with each outcome (accepted, refused, duplicate, waiting, deferred)."""
        return Counter(o.outcome for o in self.outcomes)


@dataclass
class Check:
    """What sopdoc makes of one file without storing it: the canonical object, or the refusal."""

    file: str
    sha256: str
    document: Optional[dict] = None
    refusal: Optional[Refusal] = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    def as_json(self) -> dict:
        """The canonical object, or for a refused file its name, sha256 and reason."""
        if self.refusal is None:
            return self.document
        return {"file": self.file, "sha256": self.sha256, "received_at": None,
                "reason_code": self.refusal.code, "reason": self.refusal.reason}


@dataclass
class RecapResult:
    path: Path
    status: PeriodStatus
    summary: recap.Summary


@dataclass
class LettersResult:
    issue: letters.Issue
    status: PeriodStatus
    pdfs: list = field(default_factory=list)  # PDFs made (with `pdf=True`)
    pdf_error: Optional[str] = None  # why no PDFs were made; the letters themselves were


def check_file(path: Path, *, region_key: Optional[str] = None, season: Optional[Season] = None) -> Check:
    """Read one file as a batch would, without storing or moving it.

    The region is `region_key`, else the season's, else the region of whichever parser claims the
    file. Raises WorkspaceError for an unknown region; a refusal is returned, not raised.
    """
    path = Path(path)
    regions = season.ws.regions() if season else bundled_regions()
    if region_key is None and season is not None:
        region_key = season.ws.region_key
    if region_key is not None and region_key not in regions:
        raise WorkspaceError(f"Daerah {region_key!r} tidak dikenal. Pilihan: {', '.join(sorted(regions))}")
    sha256 = parsing.sha256_of(path)
    if season is not None:
        register = season.register
    elif region_key is not None:
        register = Register(load_register(region_key), regions[region_key].name)
    else:
        register = None
    try:
        reading = parsing.read_file(path, region_key=region_key, register=register)
    except Refusal as refusal:
        return Check(path.name, sha256, refusal=refusal)
    if register is None:  # no region given: match against the region of the parser that read it
        found = reading.parser.region
        register = Register(load_register(found), regions[found].name)
        reading.agency, reading.agency_warnings = register.match(
            reading.form.agency_as_written, reading.form.agency_where)
    document = build_document(
        reading, region=regions[region_key or reading.parser.region], name=path.name, sha256=sha256,
        received_at=None, calendar=season.calendar if season else None, version=None,
    )
    return Check(path.name, sha256, document=document)


class Season:
    """One workspace opened for one command: its configuration, region, calendar and agency
    register are read once, here. `clock` (a tz-aware now) stands in for the wall clock."""

    def __init__(self, ws: Workspace, *, clock: Optional[Callable[[], dt.datetime]] = None):
        self.ws = ws
        self.region = ws.region()
        self.register = ws.register()
        self.calendar = ws.calendar()
        self.clock = clock or (lambda: dt.datetime.now(self.region.tz))

    @classmethod
    def open(cls, workspace_dir: Optional[Path] = None, *, clock=None) -> Season:
        """Open the workspace at `workspace_dir` (default: $SOPDOC_WORKSPACE, else the current
        folder). Raises WorkspaceError when it is not one or its configuration is wrong, and
        StoreMissing when its store is gone while its folders or journal hold a season (a new
        empty store would silently start the season again: `sopdoc rebuild` makes it)."""
        ws = open_workspace(workspace_dir)
        if rebuild.store_needs_rebuild(ws):
            raise StoreMissing(
                f"Basis data {ws.store_path} tidak ada, padahal ruang kerja ini sudah berisi berkas "
                f"(archive/, rejected/ atau {ws.journal_path.name}). Buat kembali dengan: "
                f"sopdoc rebuild -w \"{ws.root}\""
            )
        return cls(ws, clock=clock)

    @classmethod
    def create(cls, workspace_dir: Path, region_key: str) -> Season:
        """Create (or complete) a workspace for `region_key`; never overwrites what the bureau edited."""
        return cls(init_workspace(workspace_dir, region_key))

    def _now(self, now: Optional[dt.datetime]) -> dt.datetime:
        return (now or self.clock()).astimezone(self.region.tz)

    def _reader(self) -> Store:
        return Store(self.ws.store_path, readonly=True)

    def lacks_current_period(self, now: Optional[dt.datetime] = None) -> bool:
        """True when periods.toml has no period opening in the last STALE_PERIODS_DAYS days:
        the bureau must add this year's before forms can be dated."""
        latest = max((p.opens for p in self.region.periods), default=None)
        return latest is None or (self._now(now).date() - latest).days > STALE_PERIODS_DAYS

    # -- reading one file ---------------------------------------------------------------------

    def check_file(self, path: Path) -> Check:
        """What this workspace would make of `path`, without storing it (see `check_file`)."""
        return check_file(path, season=self)

    # -- the batch ----------------------------------------------------------------------------

    def run_batch(self, now: Optional[dt.datetime] = None, progress: Optional[Callable] = None, *,
                  received_from: str = "now", paths: Optional[list] = None,
                  should_stop: Optional[Callable[[], bool]] = None, lock_timeout: float = 600,
                  recap_every: float = 0) -> BatchResult:
        """Take files out of inbox/ under the batch lock, then refresh the recaps.

        Every waiting file, or only `paths` (files a watcher followed until complete). `now` fixes
        the moment of arrival (default: the season's clock); `progress(outcome, done, total)` is
        called after each file; `should_stop()` ends the batch early between files. One error
        policy: a file that cannot be taken now is a "deferred" outcome and stays in inbox/; a
        recap that cannot be written is `recap_error`, never a failed batch. Raises `Busy` when
        another run holds the lock past `lock_timeout` seconds, WorkspaceError/StoreError when
        the workspace or store cannot be used at all.

        A recap rewrite reads the whole period, so it grows with the season. With `recap_every`
        (seconds; the watcher passes RECAP_EVERY) a recap written less than that long ago is left
        for later (`recap_due`): while files keep arriving the recaps are rewritten at most once per
        interval, and the caller calls `refresh_recaps` once it is over. Without it (a one-shot
        `sopdoc process`) they are rewritten at once.
        """
        clock = (lambda: now) if now is not None else self.clock
        intake = Intake(self.ws, received_from=received_from, clock=clock)
        result = BatchResult()
        try:
            try:
                with intake.lock(lock_timeout):
                    # names matched by aliases added since the last batch, before new versions are counted
                    result.matched = intake.store.rematch_agencies(self.register,
                                                                   on_match=journal_alias(intake.journal))
                    if paths is None:
                        result.outcomes = intake.process_all(progress, should_stop)
                        result.left_alone = unusual_entries(self.ws.inbox)
                    else:
                        result.outcomes = intake.process_paths(paths, progress, should_stop, followed=True)
                    intake.close()
                    # still under the lock: two runs never write one recap at once
                    if paths is None or result.matched or any(o.outcome != "deferred" for o in result.outcomes):
                        if recap_every and recap.written_within(self.ws, recap_every):
                            result.recap_due = True
                        else:
                            result.recaps, result.recap_error = self._refresh(clock())
            except Timeout:
                raise Busy("Ruang kerja sedang diproses oleh sopdoc lain; coba lagi nanti") from None
        finally:
            intake.close()
        return result

    def refresh_recaps(self, now: Optional[dt.datetime] = None) -> tuple:
        """Rewrite at once the recaps batches may have changed: (paths written, error or None)."""
        return self._refresh(self._now(now))

    def _refresh(self, now: dt.datetime) -> tuple:
        try:
            return recap.refresh_after_batch(self.ws, now), None
        except (SopdocError, OSError, sqlite3.Error) as e:
            log.warning("Rekap tidak dapat diperbarui: %s", e)
            return [], str(e)

    # -- reading the store --------------------------------------------------------------------

    def status(self, period: Optional[str] = None, now: Optional[dt.datetime] = None, *,
               store: Optional[Store] = None) -> PeriodStatus:
        """Every register agency's status in `period` (default: the one open at `now`). Read-only;
        `store` is one the caller already holds open (a web request that reads more beside it)."""
        if store is not None:
            return period_status(self.ws, store, period, self._now(now))
        with self._reader() as store:
            return period_status(self.ws, store, period, self._now(now))

    def status_json(self, period: Optional[str] = None, now: Optional[dt.datetime] = None) -> dict:
        """`status` as a JSON-ready object of schema "sopdoc.status/1"."""
        return status_dict(self.status(period, now))

    def export_rows(self, *, rejected: bool = False, all_versions: bool = False, flat: bool = True) -> list:
        """Stored data for export, read-only. The refused files (`rejected`), else the submissions
        (the latest version per agency and period unless `all_versions`): one row per SOP when
        `flat`, else the canonical objects whole."""
        with self._reader() as store:
            if rejected:
                return store.refusals()
            documents = store.submissions(all_versions=all_versions)
        return export.sop_rows(documents) if flat else documents

    def recap(self, period: Optional[str] = None, now: Optional[dt.datetime] = None,
              output: Optional[Path] = None) -> RecapResult:
        """Write the recap workbook of `period` to `output` (default: outbox/<period>/Rekap
        Evaluasi SOP <period>.xlsx). The store is only read. Raises RecapError when the file
        cannot be written."""
        with self._reader() as store:
            report = period_status(self.ws, store, period, self._now(now))
            path = recap.write_recap(report, output or recap.recap_path(self.ws, report.period.id), store)
        return RecapResult(path, report, recap.summarize(report))

    def blank_forms(self, period: Optional[str] = None, now: Optional[dt.datetime] = None, *,
                    outdir: Optional[Path] = None, agency_codes: tuple = ()) -> blanks.BlankRun:
        """Write each agency's stamped blank form for `period` (all but the organiser, or those of
        `agency_codes`) to `outdir` (default: outbox/<period>/formulir/). The store is only read
        (for the SOPs each agency evaluated last time). Raises BlanksError."""
        with self._reader() as store:
            return blanks.write_blanks(self.ws, store, period, outdir, tuple(agency_codes), self._now(now))

    def letters(self, *, store: Optional[Store] = None) -> list:
        """Every letter issued so far, oldest first (dicts). Read-only; `store` as for `status`."""
        if store is not None:
            return letters.list_letters(store)
        with self._reader() as store:
            return letters.list_letters(store)

    # -- changes ------------------------------------------------------------------------------

    def issue_letters(self, kind: str, period: Optional[str] = None, now: Optional[dt.datetime] = None, *,
                      reissue: bool = False, draft: bool = False, pdf: bool = False) -> LettersResult:
        """Make, number and record the letters of `kind` (undangan, teguran, laporan) for `period`;
        see `sopdoc.outputs.letters.issue_letters`. With `pdf`, the letters made and those issued
        before to the same recipients (asking again is how to get their PDFs) are converted
        with LibreOffice; when that fails, `pdf_error` says why. Raises LettersError (and its
        IncompleteConfig, TooEarly) when no letter can be made."""
        with Store(self.ws.store_path) as store:
            report = period_status(self.ws, store, period, self._now(now))
            issue = letters.issue_letters(self.ws, store, kind, reissue=reissue, draft=draft, status=report)
        result = LettersResult(issue, report)
        to_convert = issue.letters + [letter for letter in issue.already if letter.path.is_file()]
        if pdf and to_convert:
            try:
                result.pdfs = letters.to_pdf([letter.path for letter in to_convert])
            except letters.LettersError as e:
                result.pdf_error = str(e)
        return result

    def cover_letters(self, run: blanks.BlankRun, now: Optional[dt.datetime] = None, *,
                      portal_url: Optional[str] = None, reissue: bool = False,
                      draft: bool = False) -> letters.Issue:
        """Number and write the cover letter of each blank of `run`; see
        `sopdoc.outputs.cover_letters.issue_cover_letters`. Raises LettersError (and its IncompleteConfig)."""
        with Store(self.ws.store_path) as store:
            return cover_letters.issue_cover_letters(self.ws, store, run, portal_url=portal_url,
                                                     now=self._now(now), reissue=reissue, draft=draft)

    def move(self, file_or_sha256: str, period: str) -> moving.Moved:
        """Refile a stored submission (its archived file's path or name, or 8+ digits of its
        sha256) into `period`: see `sopdoc.intake.moving.move_submission`. Recaps are refreshed."""
        moved = moving.move_submission(self.ws, file_or_sha256, period)
        self._refresh(self.clock())
        return moved

    @classmethod
    def rebuild(cls, workspace_dir: Optional[Path] = None) -> tuple:
        """Make the store again from archive/, rejected/ and the journal (a store still there is
        left alone: StoreError). Returns (the season, what was rebuilt)."""
        ws = open_workspace(workspace_dir)
        report = rebuild.rebuild_store(ws)
        season = cls(ws)
        season._refresh(season.clock())
        return season, report

    def backup(self, target: Optional[Path] = None) -> Path:
        """A consistent copy of the store at `target` (default: cadangan/sopdoc-YYYYMMDD-HHMMSS.db
        in the workspace), taken while other sopdoc processes keep working. Raises WorkspaceError
        when `target` exists or cannot be written."""
        target = Path(target) if target else self.ws.root / "cadangan" / f"sopdoc-{self.clock():%Y%m%d-%H%M%S}.db"
        if target.exists():
            raise WorkspaceError(f"{target} sudah ada; pilih nama lain dengan -o")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._reader() as store:
                store.backup(target)
        except OSError as e:
            raise WorkspaceError(f"Cadangan tidak dapat ditulis: {e}") from None
        return target

    def add_alias(self, name: str, code: str) -> list:
        """Map a name agencies write to the register agency `code`: written into sopdoc.toml's
        [aliases] and applied at once to the stored submissions it matches. Returns those
        (file, agency code) pairs. Raises WorkspaceError for an unknown code or a name already
        mapped to another agency."""
        name = " ".join(name.split())
        if not name:
            raise WorkspaceError("Nama alias kosong")
        agency = self.register.by_code.get(code)
        if agency is None:
            raise WorkspaceError(f"Kode {code!r} tidak ada di daftar perangkat daerah (agencies.csv)")
        aliases = self.ws.aliases()
        if aliases.get(name) not in (None, code):
            raise WorkspaceError(f"Alias {name!r} sudah dipakai untuk kode {aliases[name]}")
        if name not in aliases:
            config = self.ws.root / CONFIG_NAME
            write_atomically(config, _with_alias(config.read_text(encoding="utf-8"), name, code))
        season = Season.open(self.ws.root, clock=self.clock)
        with Store(self.ws.store_path) as store:
            matched = store.rematch_agencies(season.register, on_match=journal_alias(Journal(self.ws.journal_path)))
        self.ws, self.register = season.ws, season.register
        if matched:
            self._refresh(self.clock())
        return matched


def _with_alias(config_text: str, name: str, code: str) -> str:
    """sopdoc.toml with `"name" = "code"` added under [aliases] (the section added when missing).
    JSON strings are valid TOML basic strings, so any name is quoted safely."""
    line = f"{json.dumps(name, ensure_ascii=False)} = {json.dumps(code)}\n"
    lines = config_text.splitlines(keepends=True)
    for i, text in enumerate(lines):
        if text.strip() == "[aliases]":
            return "".join(lines[: i + 1] + [line] + lines[i + 1:])
    if config_text and not config_text.endswith("\n"):
        config_text += "\n"
    return config_text + "\n[aliases]\n" + line

