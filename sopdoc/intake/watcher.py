"""Watching inbox/ so files are taken without anyone running a command (`sopdoc watch`).

A file is taken once its size and modification time have not changed for `settle` seconds and it
can be opened for reading (Windows keeps a file locked while it is being copied). Its arrival is
recorded the moment it is first seen, so a file seen before the deadline is on time however late
it is processed. File-system events only say "look at this name": every batch re-checks the file
itself, and a full rescan every `rescan` seconds catches events that never came (network shares
send none, or several per file). Each batch holds the workspace's batch lock, so a `sopdoc
process` run beside the watcher never takes the same file twice.

A form waiting for its period (no window of periods.toml holds its arrival) stays in the inbox, where
every rescan finds it again. It is read again only when something its verdict depends on has
changed: its own file, or sopdoc.toml or periods.toml; so a rescan costs no reading however many
forms wait, and a period added to periods.toml files them within a round.
"""
from __future__ import annotations

import logging
import os
import queue
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from filelock import FileLock, Timeout

from sopdoc.app import RECAP_EVERY, Busy, Season
from sopdoc.errors import SopdocError, WorkspaceError
from sopdoc.intake import entries
from sopdoc.intake.batch import Intake, is_ignored, unusual_entries
from sopdoc.outputs.safe_text import for_terminal
from sopdoc.workspace import CONFIG_NAME, Workspace

# An empty file is usually a copy that has created its target but not written yet; taking it too
# early would move it to rejected/ and send the rest of the copy there too, so it waits longer.
EMPTY_SETTLE_FACTOR = 5
MAX_BACKOFF = 30.0  # seconds between attempts on a file that stays busy or fails
BUSY_REPORT_AFTER = 5  # attempts before a busy file is mentioned in the log


def watch_lock_path(ws: Workspace) -> Path:
    return ws.root / ".sopdoc-watch.lock"


def verdict_settings(ws: Workspace) -> tuple:
    """What a waiting form's verdict depends on besides its own bytes, as the file system has it:
    sopdoc.toml (the calendar's extra days off) and periods.toml (the periods and their windows)."""
    return tuple(entries.identity(ws.root / name) for name in (CONFIG_NAME, "periods.toml"))


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    stable_since: float
    attempts: int = 0
    not_before: float = 0.0


class Settler:
    """Decides when files in the inbox are complete. Times are `time.monotonic()` seconds.

    `see` a path whenever anything hints at it; `ready` returns the paths that have been stable
    long enough and can be opened; `retry_later` puts a path back with a growing delay.
    """

    def __init__(self, settle: float, empty_settle: Optional[float] = None,
                 readable: Callable[[Path], bool] = entries.is_readable,
                 on_busy: Callable[[str, int], None] = lambda name, attempts: None):
        self.settle = settle
        self.empty_settle = settle * EMPTY_SETTLE_FACTOR if empty_settle is None else empty_settle
        self.readable = readable
        self.on_busy = on_busy
        self.candidates: dict = {}  # name -> _Candidate; one entry per name dedupes repeated events

    def see(self, path: Path, now: float) -> bool:
        """Start following `path`; True when it was not followed yet (its arrival is news)."""
        if path.name in self.candidates:
            return False
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if entries.kind_of(st) is not None:  # links, FIFOs, sockets: never taken
            return False
        self.candidates[path.name] = _Candidate(st.st_size, st.st_mtime_ns, now)
        return True

    def forget(self, name: str) -> None:
        self.candidates.pop(name, None)

    def ready(self, folder: Path, now: float) -> list:
        """Followed files in `folder` that are complete, oldest (by mtime) first; vanished ones
        are dropped; those that cannot be opened yet are retried later."""
        done = []
        for name, c in list(self.candidates.items()):
            path = folder / name
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                self.forget(name)
                continue
            except OSError:
                continue
            if entries.kind_of(st) is not None:  # replaced by a link or a FIFO meanwhile
                self.forget(name)
                continue
            if (st.st_size, st.st_mtime_ns) != (c.size, c.mtime_ns):
                c.size, c.mtime_ns, c.stable_since = st.st_size, st.st_mtime_ns, now
                continue
            wait = self.empty_settle if c.size == 0 else self.settle
            if now - c.stable_since < wait or now < c.not_before:
                continue
            if not self.readable(path):
                self.on_busy(name, self.retry_later(name, now))
                continue
            done.append((c.mtime_ns, name))  # oldest first, so versions follow arrival
        return [folder / name for _, name in sorted(done)]

    def retry_later(self, name: str, now: float) -> int:
        """Back off on `name` (0.5 s, 1 s, 2 s ... up to MAX_BACKOFF); returns the attempts so far."""
        c = self.candidates.get(name)
        if c is None:
            return 0
        c.attempts += 1
        c.not_before = now + min(MAX_BACKOFF, 0.5 * 2 ** (c.attempts - 1))
        return c.attempts


class _Events:
    """watchdog handler: queues the names of files in the inbox that something happened to."""

    RELEVANT = {"created", "modified", "moved", "closed"}  # not "opened": reading a file opens it

    def __init__(self, inbox: Path, names: queue.Queue, wake: threading.Event):
        self.inbox = os.path.normcase(os.path.abspath(inbox))
        self.names = names
        self.wake = wake

    def dispatch(self, event) -> None:
        if event.is_directory or event.event_type not in self.RELEVANT:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = os.fsdecode(raw) if raw else ""
            if path and os.path.normcase(os.path.dirname(os.path.abspath(path))) == self.inbox:
                name = os.path.basename(path)
                if not is_ignored(name):
                    self.names.put(name)
                    self.wake.set()


def _observer(polling: bool, interval: float):
    if polling:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=interval)
    from watchdog.observers import Observer

    return Observer()


class Watcher:
    """Watches one workspace's inbox until `stop()` (or SIGINT/SIGTERM in `run`).

    `log` receives one Indonesian line per file taken and a few about the watcher itself.
    `clock` (tz-aware now) is handed to the intake, for tests of arrival times.
    """

    def __init__(self, ws: Workspace, *, polling: bool = False, interval: float = 1.0, settle: float = 2.0,
                 rescan: float = 120.0, log: Callable[[str], None] = lambda line: None,
                 clock: Callable = None):
        self.ws = ws
        self.polling = polling
        self.interval = interval
        self.rescan_every = rescan
        self.log = log
        self.clock = clock
        self.settler = Settler(settle, on_busy=self._busy)
        self._names: queue.Queue = queue.Queue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._observer = None
        self._next_rescan = 0.0
        self._recap_due_at: Optional[float] = None  # when the put-off recap refresh is to be done
        self._arrivals = Intake(ws, clock=clock)  # notes arrivals; batches use a fresh Intake
        self._noted_unusual: set = set()  # links, FIFOs ... in the inbox, mentioned once each
        self._waiting: dict = {}  # name -> identity of a form found waiting for its period
        self._settings = verdict_settings(ws)

    # -- life cycle ---------------------------------------------------------------------------

    def run(self) -> None:
        """Watch until stopped. Raises WorkspaceError when another watcher holds this workspace."""
        lock = FileLock(str(watch_lock_path(self.ws)))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self._arrivals.close()
            raise WorkspaceError(
                f"Ruang kerja {self.ws.root} sudah dipantau oleh sopdoc watch lain "
                f"(kunci {watch_lock_path(self.ws).name}). Hentikan yang itu dulu."
            ) from None
        previous = self._install_signal_handlers()
        try:
            self._start_observer()
            self.log(f"Memantau {self.ws.inbox} ({'polling' if self.polling else 'native'}, "
                     f"settle {self.settler.settle:g} dtk). Tekan Ctrl-C untuk berhenti.")
            while not self._stop.is_set():
                pause = self.interval
                try:
                    self.tick()
                except (OSError, SopdocError, sqlite3.Error) as e:
                    # a network share that drops for a moment must not end the watcher
                    self.log(f"Kesalahan: {for_terminal(e)}; dicoba lagi")
                    pause = max(self.interval, 5.0)
                self._wake.wait(pause)
                self._wake.clear()
        finally:
            self._stop_observer()
            if self._recap_due_at is not None:
                self._refresh_recaps()  # nothing taken is left out of the recap
            self._restore_signal_handlers(previous)
            self._arrivals.close()
            lock.release()
        self.log("Berhenti.")

    def stop(self, *_args) -> None:
        """Ask the watcher to stop after the file it is working on (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def _install_signal_handlers(self) -> dict:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {}
        for name in ("SIGINT", "SIGTERM", "SIGBREAK"):  # SIGBREAK: Ctrl-Break on Windows
            sig = getattr(signal, name, None)
            if sig is not None:
                previous[sig] = signal.signal(sig, self.stop)
        return previous

    @staticmethod
    def _restore_signal_handlers(previous: dict) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def _start_observer(self) -> None:
        handler = _Events(self.ws.inbox, self._names, self._wake)
        try:
            observer = _observer(self.polling, self.interval)
            observer.schedule(handler, os.path.abspath(self.ws.inbox), recursive=False)
            observer.start()
        except OSError as e:  # e.g. the inotify watch limit: polling always works
            if self.polling:
                raise WorkspaceError(f"Folder {self.ws.inbox} tidak dapat dipantau: {e}") from None
            self.log(f"Pemantauan native tidak tersedia ({e}); beralih ke polling.")
            self.polling = True
            return self._start_observer()
        self._observer = observer

    def _stop_observer(self) -> None:
        if self._observer is None:
            return
        noisy = logging.getLogger("watchdog.observers.inotify")
        level = noisy.level
        noisy.setLevel(logging.CRITICAL)  # watchdog logs a spurious error when stopped mid-read
        try:
            self._observer.stop()
            self._observer.join(timeout=5)
        finally:
            noisy.setLevel(level)
        self._observer = None

    # -- one round ----------------------------------------------------------------------------

    def tick(self, now: Optional[float] = None) -> list:
        """Note what is new, rescan when due, and process what is complete. Returns the outcomes."""
        now = time.monotonic() if now is None else now
        names = set()
        while True:
            try:
                names.add(self._names.get_nowait())
            except queue.Empty:
                break
        self._see([self.ws.inbox / name for name in sorted(names)], now)
        settings = verdict_settings(self.ws)
        if settings != self._settings:  # a period added, say: the waiting forms are read again now
            self._settings = settings
            self._waiting.clear()
            self._next_rescan = now
        if now >= self._next_rescan:
            self.rescan(now)
        ready = self.settler.ready(self.ws.inbox, now)
        taken = self._batch(ready, now) if ready else []
        if self._recap_due_at is not None and now >= self._recap_due_at:
            self._refresh_recaps()
        return taken

    def _refresh_recaps(self) -> None:
        """The refresh batches put off while files kept arriving (see `Season.run_batch`)."""
        self._recap_due_at = None
        try:
            _, error = Season.open(self.ws.root, clock=self.clock).refresh_recaps()
        except SopdocError as e:  # sopdoc.toml halfway through an edit: the next batch refreshes
            error = str(e)
        if error:
            self.log(f"Rekap tidak dapat diperbarui: {for_terminal(error)}")

    def rescan(self, now: float) -> None:
        """Follow every file in the inbox: those present at start, and any whose events were lost.
        Arrivals of files no longer there are forgotten, so a later file of that name gets its own."""
        if self._observer is not None and not self._observer.is_alive():
            self.log("Pemantau berkas berhenti; dijalankan ulang.")
            self._start_observer()
        present = self._arrivals.pending()
        names = {p.name for p in present}
        self._waiting = {name: seen for name, seen in self._waiting.items() if name in names}
        self._see(present, now)
        for name, kind in unusual_entries(self.ws.inbox):
            if name not in self._noted_unusual:
                self._noted_unusual.add(name)
                self.log(f"Catatan: {for_terminal(name)} di inbox bukan berkas biasa ({kind}); "
                         "dibiarkan, tidak diproses.")
        self._arrivals.store.forget_missing_arrivals(self.ws.inbox)
        self._next_rescan = now + self.rescan_every  # only once it worked: a share that dropped is retried

    def _see(self, paths: list, now: float) -> None:
        new = [p for p in paths
               if not is_ignored(p.name) and not self._still_waiting(p) and self.settler.see(p, now)]
        if new:
            self._arrivals.note_arrivals(new)

    def _still_waiting(self, path: Path) -> bool:
        """Was `path` found waiting for its period, and is it the same file since?"""
        seen = self._waiting.get(path.name)
        return seen is not None and seen == entries.identity(path)

    def _batch(self, paths: list, now: float) -> list:
        """Process `paths` as one batch (see `Season.run_batch`), stopping early when asked to."""
        # taken before the files are read: a file changed while it is read differs from this
        identities = {path.name: entries.identity(path) for path in paths}
        try:
            # opened afresh each batch: the bureau may have edited sopdoc.toml or agencies.csv meanwhile
            season = Season.open(self.ws.root, clock=self.clock)
            result = season.run_batch(paths=paths, should_stop=self._stop.is_set, lock_timeout=1,
                                      recap_every=RECAP_EVERY)
        except Busy:
            return []  # a `sopdoc process` run holds the inbox; these files stay ready for the next round
        except WorkspaceError as e:  # the bureau may be halfway through editing sopdoc.toml
            self.log(f"Konfigurasi tidak dapat dibaca, dicoba lagi: {e}")
            for path in paths:
                self.settler.retry_later(path.name, now)
            return []
        taken = {o.name: o for o in result.outcomes}
        for path in paths:
            outcome = taken.get(entries.readable_name(path.name))  # outcomes name files readably
            if outcome is None:
                if not os.path.lexists(path):  # taken by a `sopdoc process` run meanwhile
                    self.settler.forget(path.name)
            elif outcome.outcome == "deferred":
                attempts = self.settler.retry_later(path.name, now)
                if attempts == 1 or attempts % BUSY_REPORT_AFTER == 0:
                    self.log(outcome.summary())
            else:
                self.settler.forget(path.name)
                self.log(outcome.summary())
                if outcome.outcome == "waiting":
                    self._waiting[path.name] = identities[path.name]
        if result.recap_error:
            self.log(f"Rekap tidak dapat diperbarui: {for_terminal(result.recap_error)}")
        if result.recap_due and self._recap_due_at is None:
            self._recap_due_at = now + RECAP_EVERY
        return [o for o in result.outcomes if o.outcome != "deferred"]

    def _busy(self, name: str, attempts: int) -> None:
        if attempts == BUSY_REPORT_AFTER:
            self.log(f"MENUNGGU {for_terminal(name)}: masih dipakai program lain, dicoba lagi")
