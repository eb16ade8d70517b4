"""Taking files out of inbox/: every file ends accepted (archive/), refused (rejected/, with its
reason beside it) or still waiting -- never deleted, never half-recorded.

Order of work for one file, chosen so a kill -9 at any point leaves a state the next run finishes:
1. its arrival is recorded (once, kept across restarts);
2. it is read (no side effects);
3. one transaction records its outcome *and* where it will be moved;
4. it is moved (os.replace), and the move is marked done. A file still in inbox/ whose bytes and
   name are recorded with a move not marked done, to a destination that does not exist yet, is a
   move step 4 did not finish: it is finished.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import datetime as dt
import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from filelock import FileLock

from sopdoc.rules import deadlines
from sopdoc.reading import parsing
from sopdoc.errors import Refusal, WorkspaceError
from sopdoc.files import free_name, write_atomically
from sopdoc.rules.indonesian import short_moment
from sopdoc.model import Warning, submission_dict
from sopdoc.outputs.safe_text import for_terminal
from sopdoc.intake.journal import Journal, file_fields
from sopdoc.intake import entries
from sopdoc.reading.tempdirs import temporary_folder
from sopdoc.intake.store import Store
from sopdoc.workspace import Workspace

# Names that are never submissions: office lock files, temporary and partial downloads,
# system files, and files being copied under a temporary name.
_IGNORED_PREFIXES = ("~$", ".~lock.", ".", "~")
_IGNORED_SUFFIXES = ("#", "~", ".tmp", ".temp", ".part", ".crdownload", ".partial", ".download",
                     ".swp", ".alasan.txt")
_IGNORED_NAMES = {"thumbs.db", "desktop.ini"}
# What is added to a file's name in rejected/: the reason beside it, and its temporary name
# while being written (".name.alasan.txt.tmp", sopdoc.files.replacing); and room for " (99)"
# when the name is taken.
_NAME_RESERVE = len("..alasan.txt.tmp") + len(" (99)")
# Files read by openpyxl/python-docx (or refused, perhaps by them) between full garbage collections:
# their documents hold reference cycles that keep each file's parts alive until one. A file the direct
# reader read leaves none, so a batch of those never pays for a collection (each costs a few ms).
GC_AFTER_OFFICE_READS = 20
# Reading a form makes thousands of objects that all live until the form is done (a Word form's
# cells above all), and Python's default collects after every 700 new ones, scanning them again
# and again (a tenth of a Word form's time). In a batch the cycle collector waits for this many
# new objects instead: nothing a direct read leaves needs it, and office reads are collected above.
BATCH_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections():
    """Automatic garbage collection after BATCH_GC_THRESHOLD new objects, for the block only."""
    before = gc.get_threshold()
    gc.set_threshold(BATCH_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def is_ignored(name: str) -> bool:
    low = name.lower()
    return low.startswith(_IGNORED_PREFIXES) or low.endswith(_IGNORED_SUFFIXES) or low in _IGNORED_NAMES


@dataclass
class Outcome:
    name: str
    outcome: str  # accepted | refused | duplicate | deferred (to retry) | waiting (for its period)
    stored_as: str
    reason_code: Optional[str] = None
    reason: Optional[str] = None
    document: Optional[dict] = None
    note: Optional[str] = None  # for an accepted file: agency, timeliness, version, warnings

    def summary(self) -> str:
        """One Indonesian line for people: what happened to the file and where it went. Its
        name, reason and note are the sender's text: nothing in them can steer a terminal."""
        word = OUTCOME_WORDS[self.outcome]
        name, where = for_terminal(self.name), for_terminal(self.stored_as.replace(os.sep, "/"))
        if self.outcome == "refused":
            return f"{word} {name} → {where}: {for_terminal(self.reason)}"
        if self.outcome in ("deferred", "waiting"):
            return f"{word} {name}: {for_terminal(self.reason)}"
        return f"{word} {name} → {where}" + (f" ({for_terminal(self.note)})" if self.note else "")


OUTCOME_WORDS = {"accepted": "DITERIMA", "refused": "DITOLAK", "duplicate": "DUPLIKAT", "deferred": "DITUNDA",
                 "waiting": "MENUNGGU PERIODE"}


def acceptance_note(document: dict) -> str:
    """"Dinas Kesehatan, tepat waktu, versi 2, 1 peringatan: nip_angka" for an accepted form."""
    agency = document["agency"]
    parts = [agency["name"] or f"perangkat daerah tidak dikenali: {agency['as_written']!r}"]
    timeliness = document["timeliness"]
    if timeliness:
        parts.append("tepat waktu" if timeliness["status"] == "tepat_waktu"
                     else f"terlambat {timeliness['working_days_late']} hari kerja")
    if (document["source"]["version"] or 1) > 1:
        parts.append(f"versi {document['source']['version']}")
    parts.append(f"{len(document['sops'])} SOP")
    codes = sorted({w["code"] for w in document["warnings"]})
    if codes:
        parts.append(f"{len(document['warnings'])} peringatan: {', '.join(codes)}")
    return ", ".join(parts)


class Waiting(Exception):
    """A good form whose arrival no period of periods.toml holds: it waits in inbox/ for its period."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def build_document(reading: parsing.Reading, *, region: deadlines.Region, name: str, sha256: str,
                   received_at: Optional[dt.datetime], calendar: deadlines.WorkingCalendar,
                   version: Optional[int], filed_in: Optional[str] = None) -> dict:
    """The canonical object of a reading: period, timeliness and source added by the host.

    `filed_in` is the period a rebuild found the file archived under; it wins over the rules
    (staff may have moved the file there). Raises `Waiting` when `received_at` falls in no
    period's window."""
    form = reading.form
    extra = list(reading.agency_warnings)
    period = timeliness = None
    if received_at is not None:
        found, messages = deadlines.resolve_period(region, received_at, form.period_hint, calendar)
        if filed_in is not None and (found is None or found.id != filed_in):
            found, messages = deadlines.period_by_id(region, filed_in), []
        if found is None:
            raise Waiting(messages[0])
        extra += [Warning("periode", message, None) for message in messages]
        extra += _period_doubts(form, region, received_at, found, calendar)
        period = found.id
        timeliness = deadlines.timeliness(received_at, deadlines.deadline(found, region, calendar), calendar)
        doubt = deadlines.fill_date_doubt(form.filled_on, found, region, received_at)
        if doubt:
            extra.append(Warning("tanggal_isi_tidak_wajar", doubt, None))
    elif form.period_hint:
        period = next((p.id for p in region.periods if p.id.endswith("-" + form.period_hint)), None)
    return submission_dict(
        form,
        region={"code": region.code, "name": region.name},
        agency=parsing.agency_dict(reading),
        period=period,
        received_at=received_at.isoformat(timespec="seconds") if received_at else None,
        timeliness=timeliness,
        source={"file": name, "sha256": sha256, "parser": reading.parser.name,
                "parser_version": reading.parser.version, "version": version},
        extra_warnings=extra,
    )


def _period_doubts(form, region: deadlines.Region, received_at: dt.datetime, found, calendar) -> list:
    """Warnings when the period a form names is not the one its arrival or fill date suggests:
    the form's word is followed (MODEL.md), but a person should look."""
    if found is None or not form.period_hint:
        return []
    doubts = []
    by_window, _ = deadlines.resolve_period(region, received_at, calendar=calendar)
    if by_window is not None and by_window.id != found.id:
        doubts.append(Warning(
            "periode_berbeda",
            f"Formulir menyebut {found.name}, tetapi diterima pada masa {by_window.name}; "
            f"dimasukkan ke {found.name}. Periksa tahap dan tahunnya",
            None,
        ))
    if form.filled_on and form.filled_on[:4] != str(found.opens.year):
        doubts.append(Warning(
            "periode_tahun_berbeda",
            f"Tanggal pengisian {form.filled_on} tidak pada tahun {found.name}; periksa apakah formulir ini "
            "formulir tahun lalu",
            form.agency_where,
        ))
    return doubts


def reason_text(outcome: Outcome, received_at: str, timezone: str) -> str:
    return (
        f"Berkas      : {for_terminal(outcome.name)}\n"
        f"Diterima    : {short_moment(received_at, timezone, with_zone=True)}\n"
        f"Kode alasan : {outcome.reason_code}\n"
        f"Alasan      : {for_terminal(outcome.reason)}\n"
        "\nBerkas ini tidak diproses. Perbaiki lalu letakkan kembali di folder inbox.\n"
    )


def free_destination(root: Path, store: Store, folder: Path, name: str) -> str:
    """A free path for `name` in `folder` (relative to `root`): "name (2).xlsx" if taken, by a
    file or by a move the store has recorded but not finished. A name too long for its reason
    file beside it is shortened, its extension kept."""
    def recorded(path: Path) -> bool:
        return store.is_destination(os.path.relpath(path, root))

    name = entries.fitting_name(name, _NAME_RESERVE)
    # one query for the highest "name (k)" recorded, not a probe per copy already there
    used = store.highest_copy(os.path.relpath(folder / name, root))
    return os.path.relpath(free_name(folder, name, taken=recorded, first=used + 1 if used else 1), root)


def move_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.lstat(source).st_nlink > 1:
        # a hard link shares its bytes with a file outside inbox/: moved, the filed copy would
        # change whenever that file does, so it gets bytes of its own
        _copy_then_remove(source, target)
        return
    try:
        os.replace(source, target)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        _copy_then_remove(source, target)  # folders on different drives


def _copy_then_remove(source: Path, target: Path) -> None:
    # copied under a temporary name, then renamed, so a crash never leaves a partial file at the
    # recorded destination; the original goes last
    partial = target.with_name(target.name + ".sebagian")
    shutil.copy2(source, partial, follow_symlinks=False)
    with open(partial, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    try:
        os.unlink(source)
    except OSError:
        # the original cannot be removed (a read-only inbox): the copy is taken back, so a
        # run never leaves one more copy in archive/ or rejected/; the file waits in inbox/
        os.unlink(target)
        raise


class Intake:
    """Processes the files in a workspace's inbox. Hold `lock()` around a batch."""

    def __init__(self, workspace: Workspace, *, received_from: str = "now",
                 clock: Callable[[], dt.datetime] = None, pm=None, reader: str = "direct"):
        if received_from not in ("now", "mtime"):
            raise WorkspaceError(f"--received-from harus now atau mtime, bukan {received_from!r}")
        self.ws = workspace
        self.received_from = received_from
        self.region = workspace.region()
        self.register = workspace.register()
        self.calendar = workspace.calendar()
        self.limits = workspace.limits()
        self.clock = clock or (lambda: dt.datetime.now(self.region.tz))
        self.pm = pm
        self.reader = reader  # parsing.READERS
        self.store = Store(workspace.store_path)
        self.journal = Journal(workspace.journal_path)
        self._office_reads = 0  # files read by the office libraries since the last full collection
        self._resources = contextlib.ExitStack()  # the batch's work folder, removed by close()
        self._work: Optional[Path] = None

    def close(self):
        self._resources.close()
        self.store.close()

    def lock(self, timeout: float = 600) -> FileLock:
        """The batch lock: a watcher and a `process` run never work on the inbox at once."""
        return FileLock(str(self.ws.lock_path), timeout=timeout)

    def pending(self) -> list:
        """Files waiting in inbox/, oldest first (so versions follow arrival); lock and temporary
        files left alone."""
        inbox = self.ws.inbox
        if not inbox.is_dir():
            raise WorkspaceError(f"Folder inbox {inbox} tidak ada")
        files, _ = entries.scan(inbox)  # regular files only: links, FIFOs, sockets are left alone
        found = [(st.st_mtime, p.name, p) for p, st in files if not is_ignored(p.name)]
        return [p for _, _, p in sorted(found)]

    def note_arrivals(self, paths: list) -> None:
        now = self.clock().isoformat(timespec="seconds")
        seen = []
        for p in paths:
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            if entries.kind_of(st) is None:
                seen.append((p.name, now, st.st_size, st.st_mtime_ns))
        self.store.note_arrivals(seen)

    def received_at(self, path: Path) -> dt.datetime:
        if self.received_from == "mtime":
            return dt.datetime.fromtimestamp(path.stat().st_mtime, self.region.tz).replace(microsecond=0)
        recorded = self.store.arrival(path.name)
        st = os.lstat(path)
        # a different size or time means another file now bears the name (the one first seen was
        # taken away or replaced): it arrived now, not then
        if recorded and (recorded["size"], recorded["mtime_ns"]) == (st.st_size, st.st_mtime_ns):
            return dt.datetime.fromisoformat(recorded["received_at"]).astimezone(self.region.tz)
        return self.clock().replace(microsecond=0)

    def process_all(self, progress: Callable[[Outcome, int, int], None] = None,
                    should_stop: Callable[[], bool] = None) -> list:
        """Process every waiting file; `progress(outcome, done, total)` after each. Hold `lock()`."""
        paths = self.pending()
        # an arrival whose file left inbox/ unprocessed (a crash, taken away by hand) must not
        # date a later file of the same name
        self.store.forget_missing_arrivals(self.ws.inbox)
        self.note_arrivals(paths)
        return self.process_paths(paths, progress, should_stop)

    def process_paths(self, paths: list, progress: Callable[[Outcome, int, int], None] = None,
                      should_stop: Callable[[], bool] = None, *, followed: bool = False) -> list:
        """Process `paths` in order, stopping early when `should_stop()` says so. Files no longer
        there are skipped. `followed`: a watcher saw each file grow until complete, so its
        recorded arrival takes the size it finished at. Hold `lock()`."""
        results = []
        with _fewer_collections():
            for done, path in enumerate(paths, start=1):
                if should_stop is not None and should_stop():
                    break
                if not os.path.lexists(path):  # taken away while the batch ran
                    continue
                outcome = self.take(path, followed=followed)
                if progress:
                    progress(outcome, done, len(paths))
                # keep the summary only: a batch's memory must not grow with every form's content
                results.append(dataclasses.replace(outcome, document=None))
        return results

    def take(self, path: Path, *, followed: bool = False) -> Outcome:
        """Process one file. Whatever stops it now (a program holding it, a network share gone,
        the store busy, a fault in sopdoc itself) leaves it waiting in inbox/ with outcome
        "deferred" and the cause as its reason: it is tried again next time, nothing is lost."""
        try:
            if followed:
                st = os.lstat(path)
                self.store.update_arrival(path.name, st.st_size, st.st_mtime_ns)
            return self.process_file(path)
        except Exception as e:
            return Outcome(entries.readable_name(path.name), "deferred",
                           entries.readable_name(os.path.relpath(path, self.ws.root)), "ditunda",
                           f"Belum dapat diproses ({e.__class__.__name__}: {e}); dicoba lagi pada putaran berikutnya.")

    def _collect_office_garbage(self) -> None:
        self._office_reads += 1
        if self._office_reads >= GC_AFTER_OFFICE_READS:
            self._office_reads = 0
            gc.collect()

    def process_file(self, path: Path) -> Outcome:
        # the bytes are copied once, through one descriptor, and only the copy is read: what is
        # hashed is what is parsed, whatever happens to the name in inbox/ meanwhile
        copy = self._work_folder() / "salinan"
        try:
            return self._process_copy(path, copy)
        finally:
            copy.unlink(missing_ok=True)

    def _work_folder(self) -> Path:
        """Where each file's copy is read: one temporary folder for the whole batch, not one per file."""
        if self._work is None:
            self._work = Path(self._resources.enter_context(temporary_folder()))
        return self._work

    def _process_copy(self, path: Path, copy: Path) -> Outcome:
        # `name` is the file's own, kept exactly by the store; `shown` is that name as text any
        # document, copy in archive/ and terminal takes (bytes that are not UTF-8 as \xNN)
        name = path.name
        shown = entries.readable_name(name)
        # with what identifies the file then: a file replaced or rewritten while it is read is
        # noticed before anything is recorded or moved
        taken = entries.snapshot(path, copy_to=copy)
        sha256, size = taken.sha256, taken.size

        unfinished = self.store.unfinished_move(name, sha256)
        if unfinished is not None and self._free_or_own_copy(unfinished["stored_as"], sha256):
            # this run noted the file's arrival again; left behind, it would date a later file of that name
            self.store.forget_arrival(name)
            return self._finish(path, Outcome(shown, unfinished["outcome"], unfinished["stored_as"],
                                              unfinished["reason_code"], unfinished["reason"]),
                                unfinished["received_at"], sha256, unfinished["processed_at"])

        received_at = self.received_at(path)
        received_iso = received_at.isoformat(timespec="seconds")
        processed_at = self.clock().isoformat(timespec="seconds")
        prior = self.store.accepted_file(sha256)
        if prior is not None:
            # beside the first copy of these bytes, in archive/<period>/
            stored_as = self._destination((self.ws.root / prior["stored_as"]).parent, shown)
            if not entries.unchanged(path, taken):
                return self._changed(path)
            with self.store.transaction() as db:
                self.store.record_file(db, name=name, sha256=sha256, size=size, received_at=received_iso,
                                       processed_at=processed_at, outcome="duplicate", stored_as=stored_as,
                                       duplicate_of=prior["id"])
            return self._finish(path, Outcome(shown, "duplicate", stored_as), received_iso, sha256, processed_at)

        try:
            reading = parsing.read_file(copy, name=shown, region_key=self.ws.region_key,
                                        register=self.register, limits=self.limits, pm=self.pm,
                                        reader=self.reader)
        except Refusal as refusal:
            self._collect_office_garbage()
            stored_as = self._destination(self.ws.rejected, shown)
            outcome = Outcome(shown, "refused", stored_as, refusal.code, refusal.reason)
            if not entries.unchanged(path, taken):
                return self._changed(path)
            with self.store.transaction() as db:
                self.store.record_file(db, name=name, sha256=sha256, size=size, received_at=received_iso,
                                       processed_at=processed_at, outcome="refused", stored_as=stored_as,
                                       reason_code=refusal.code, reason=refusal.reason)
            return self._finish(path, outcome, received_iso, sha256, processed_at)

        if reading.read_by == "office":
            self._collect_office_garbage()
        try:
            document = build_document(reading, region=self.region, name=shown, sha256=sha256,
                                      received_at=received_at, calendar=self.calendar, version=0)
        except Waiting as waiting:
            # stays in inbox/ with its arrival kept; the batch after its period is added files it
            if self.store.note_waiting(name, sha256, received_iso, reading.form.agency_as_written, waiting.reason):
                self.journal.append("waiting", **file_fields(name), sha256=sha256, received_at=received_iso)
            return Outcome(shown, "waiting", entries.readable_name(os.path.relpath(path, self.ws.root)),
                           "menunggu_periode", waiting.reason)
        if not entries.unchanged(path, taken):
            return self._changed(path)
        with self.store.transaction() as db:
            # version numbering and the insert share one write transaction, so two writers
            # can never hand out the same version
            document["source"]["version"] = self.store.next_version(document["period"], document["agency"]["code"])
            stored_as = self._destination(self.ws.archive / document["period"], shown)
            submission_id = self.store.record_submission(db, document)
            self.store.record_file(db, name=name, sha256=sha256, size=size, received_at=received_iso,
                                   processed_at=processed_at, outcome="accepted", stored_as=stored_as,
                                   submission_id=submission_id)
        return self._finish(path, Outcome(shown, "accepted", stored_as, document=document,
                                          note=acceptance_note(document)), received_iso, sha256, processed_at)

    def _free_or_own_copy(self, stored_as: str, sha256: str) -> bool:
        """Is the recorded destination of an unfinished move free, or does it hold these very bytes
        (the copy of a cross-drive move whose original could not be removed yet)?"""
        target = self.ws.root / stored_as
        if not os.path.lexists(target):
            return True
        try:
            return entries.snapshot(target).sha256 == sha256
        except OSError:
            return False

    def _changed(self, path: Path) -> Outcome:
        return Outcome(entries.readable_name(path.name), "deferred",
                       entries.readable_name(os.path.relpath(path, self.ws.root)), "ditunda",
                       "Berkas berubah atau diganti saat sedang diproses; dibaca ulang pada putaran berikutnya.")

    def _destination(self, folder: Path, name: str) -> str:
        return free_destination(self.ws.root, self.store, folder, name)

    def _finish(self, path: Path, outcome: Outcome, received_at: str, sha256: str, processed_at: str) -> Outcome:
        target = self.ws.root / outcome.stored_as
        # before the move: a store lost later is rebuilt from the folders and this line
        self.journal.append(outcome.outcome, **file_fields(path.name), sha256=sha256, received_at=received_at,
                            processed_at=processed_at, stored_as=outcome.stored_as.replace(os.sep, "/"),
                            reason_code=outcome.reason_code, reason=outcome.reason)
        reason_file = target.with_name(target.name + ".alasan.txt")
        if outcome.reason_code:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(reason_file, reason_text(outcome, received_at, self.region.timezone), newline="\r\n")
        try:
            move_file(path, target)
        except OSError:
            if outcome.reason_code and not os.path.lexists(target):
                reason_file.unlink(missing_ok=True)  # no reason beside a file that is not there
            raise
        # a file put back into inbox/ later (by hand, after fixing it) is then a new arrival,
        # not the rest of this move
        self.store.mark_moved(outcome.stored_as)
        return outcome


def unusual_entries(inbox: Path) -> list:
    """(name, kind) of what is in inbox/ but is no file to take and no folder: symbolic links,
    FIFOs, sockets, devices. They are left alone; a person should look."""
    return [(name, kind) for name, kind in entries.scan(inbox)[1] if kind != "folder" and not is_ignored(name)]
