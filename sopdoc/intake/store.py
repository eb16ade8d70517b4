"""The workspace store: one SQLite file (WAL) holding every file seen and every submission.

One transaction per file. The schema carries a version; `MIGRATIONS[n]` takes a store from
version n to n+1, so a store made by any release opens in every later one. A migration is an SQL
script, or a function of the connection for what SQL cannot say; each runs in one transaction.
No module but this one speaks SQL.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from filelock import FileLock, Timeout

from sopdoc.errors import StoreError
from sopdoc.vocabulary import CRITERIA

MIGRATIONS = [
    # 0 -> 1: the first release
    f"""
    CREATE TABLE arrivals (
        name TEXT PRIMARY KEY,          -- file name in inbox/
        received_at TEXT NOT NULL,      -- first time sopdoc saw it (ISO 8601, tz-aware)
        size INTEGER,
        mtime_ns INTEGER
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,             -- name as received
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused', 'duplicate')),
        reason_code TEXT,
        reason TEXT,
        stored_as TEXT NOT NULL,        -- where the file went, relative to the workspace
        submission_id INTEGER REFERENCES submissions(id),
        duplicate_of INTEGER REFERENCES files(id)
    );
    CREATE INDEX files_sha256 ON files(sha256);
    CREATE INDEX files_stored_as ON files(stored_as);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        region TEXT NOT NULL,
        period TEXT,
        agency_code TEXT,
        agency_name TEXT,
        agency_as_written TEXT,
        version INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        filled_on TEXT,
        status TEXT,
        working_days_late INTEGER,
        parser TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        document TEXT NOT NULL          -- the canonical JSON object
    );
    CREATE INDEX submissions_agency ON submissions(period, agency_code, version);
    CREATE TABLE sops (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        row INTEGER NOT NULL,
        number TEXT,
        title TEXT,
        {", ".join(f"{key} INTEGER" for key in CRITERIA)},
        implementation TEXT,
        notes TEXT,
        follow_up TEXT,
        PRIMARY KEY (submission_id, row)
    );
    CREATE TABLE warnings (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        "where" TEXT
    );
    """,
    # 1 -> 2: official letters issued (sopdoc letters), numbers never reused
    """
    CREATE TABLE letters (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,             -- undangan, teguran or laporan
        number TEXT NOT NULL UNIQUE,    -- the letter number as printed
        seq INTEGER NOT NULL,           -- the running number inside it
        period TEXT,
        agency_code TEXT,
        path TEXT NOT NULL,             -- the .docx, relative to the workspace
        issued_at TEXT NOT NULL         -- ISO 8601, tz-aware
    );
    """,
    # 2 -> 3: whether a recorded file has been moved out of inbox/ yet (earlier rows had been)
    """
    ALTER TABLE files ADD COLUMN moved INTEGER NOT NULL DEFAULT 1
    """,
    # 3 -> 4: whom a letter is addressed to, as data (see _add_letter_recipient)
    lambda db: _add_letter_recipient(db),
    # 4 -> 5: good forms whose arrival no period holds yet, waiting in inbox/ (MODEL.md)
    """
    CREATE TABLE waiting (
        name TEXT PRIMARY KEY,          -- file name in inbox/
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        agency_as_written TEXT,
        reason TEXT NOT NULL,
        noted_at TEXT NOT NULL
    );
    """,
    # 5 -> 6: the web portal: agency upload links (only a token's hash), receipts, staff users
    """
    CREATE TABLE upload_links (
        id INTEGER PRIMARY KEY,
        period TEXT NOT NULL,
        agency_code TEXT NOT NULL,
        generation INTEGER NOT NULL,    -- raised by every rotation
        token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the token (hex), never the token itself
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        UNIQUE (period, agency_code, generation)
    );
    CREATE TABLE receipts (
        number TEXT PRIMARY KEY,        -- as printed: TT-<year>-<seq>-<random>
        seq INTEGER NOT NULL UNIQUE,
        file_id INTEGER REFERENCES files(id),  -- NULL while the upload still waits in inbox/
        received_at TEXT NOT NULL,      -- the arrival the store recorded for the file
        agency_code TEXT NOT NULL,      -- the agency whose link received it
        period TEXT NOT NULL,
        file_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        outcome TEXT NOT NULL,
        signature TEXT NOT NULL         -- HMAC-SHA256 with the workspace secret, hex
    );
    CREATE INDEX receipts_sha256 ON receipts(sha256);
    CREATE INDEX receipts_agency ON receipts(period, agency_code);
    CREATE TABLE staff_users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,    -- scrypt, with its parameters and salt
        created_at TEXT NOT NULL
    );
    """,
    # 6 -> 7: the submissions whose agency is not known, which every batch re-matches, found
    # without reading the table (whose rows hold whole canonical objects)
    """
    CREATE INDEX submissions_unmatched ON submissions(agency_as_written, period) WHERE agency_code IS NULL
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
WORKSPACE_LOCK_NAME = ".sopdoc.lock"


class Store:
    """The store at `path`, opened for writing, or with `readonly` for reading only: then nothing
    is written and a store that does not exist yet reads as empty. Creating or migrating it
    happens under the file lock `lock_path` (default: the workspace lock beside it), so two sopdoc
    commands started together on a new workspace do not both create the tables. Use it as a
    context manager (`with Store(path) as store:`)."""

    def __init__(self, path: Path, lock_path: Optional[Path] = None, *, readonly: bool = False):
        self.path = Path(path)
        self.lock_path = Path(lock_path) if lock_path else self.path.with_name(WORKSPACE_LOCK_NAME)
        self.readonly = readonly
        try:
            if readonly:
                self._connect_readonly()
            elif not self.path.exists():
                with FileLock(str(self.lock_path), timeout=600):
                    self._connect()
                    self._migrate()
            else:
                self._connect()
                if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    with FileLock(str(self.lock_path), timeout=600):
                        self._migrate()
                else:
                    self._migrate()  # only refuses a store newer than this sopdoc
        except sqlite3.DatabaseError as e:
            self._close_if_connected()
            raise StoreError(f"Basis data {self.path} tidak dapat dibuka: {e}") from None
        except Timeout:
            self._close_if_connected()
            raise StoreError(f"Basis data {self.path} sedang disiapkan oleh sopdoc lain; coba lagi nanti") from None
        except StoreError:
            self._close_if_connected()
            raise

    def _close_if_connected(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()

    def _connect(self) -> None:
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=FULL")

    def _connect_readonly(self) -> None:
        if not self.path.exists():  # nothing processed yet: an empty store of the current schema
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self._migrate()
            return
        self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30,
                                  isolation_level=None)
        self.db.row_factory = sqlite3.Row
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            # a store of an earlier release is brought up to date once, the only write a reader makes
            self.db.close()
            Store(self.path, self.lock_path).close()
            self._connect_readonly()
        elif version > SCHEMA_VERSION:
            self._migrate()  # refuses a store newer than this sopdoc

    def close(self):
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self):
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Basis data {self.path} dibuat oleh sopdoc yang lebih baru (skema {version}); perbarui sopdoc"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                if self.db.execute("PRAGMA user_version").fetchone()[0] != target:
                    continue  # a sopdoc without the lock (an older release) got here first
                migration = MIGRATIONS[target]
                if callable(migration):
                    migration(self.db)
                else:
                    for statement in _statements(migration):
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target + 1}")

    def backup(self, target: Path) -> None:
        """A consistent copy of the store at `target`, taken with SQLite's backup API while other
        sopdoc processes keep working."""
        copy = sqlite3.connect(target)
        try:
            self.db.backup(copy)
        finally:
            copy.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # --- arrivals ---------------------------------------------------------------------------

    def note_arrivals(self, seen: list) -> None:
        """Record the first sighting of each (name, received_at, size, mtime_ns); keep earlier ones."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO arrivals (name, received_at, size, mtime_ns) VALUES (?, ?, ?, ?)",
                [(_stored_name(name), *rest) for name, *rest in seen],
            )

    def arrival(self, name: str) -> Optional[sqlite3.Row]:
        """The first sighting of `name`: received_at, and the size and mtime_ns it had then."""
        return self.db.execute("SELECT received_at, size, mtime_ns FROM arrivals WHERE name = ?",
                               (_stored_name(name),)).fetchone()

    def update_arrival(self, name: str, size: int, mtime_ns: int) -> None:
        """The file first seen as `name` has grown to this while it was followed (a copy finishing)."""
        with self.transaction() as db:
            db.execute("UPDATE arrivals SET size = ?, mtime_ns = ? WHERE name = ?",
                       (size, mtime_ns, _stored_name(name)))

    def record_arrival(self, name: str, received_at: str, size: int, mtime_ns: int) -> None:
        """Record that `name` arrived at `received_at`, replacing any sighting of it (an upload
        knows its own arrival better than a watcher that saw it renamed into inbox/)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO arrivals (name, received_at, size, mtime_ns) VALUES (?, ?, ?, ?)",
                       (name, received_at, size, mtime_ns))

    def forget_arrival(self, name: str) -> None:
        """Drop the arrival of `name` (its file has been dealt with)."""
        with self.transaction() as db:
            db.execute("DELETE FROM arrivals WHERE name = ?", (_stored_name(name),))

    def forget_missing_arrivals(self, inbox) -> None:
        """Drop arrivals whose file is no longer in `inbox` (taken away, or left behind by a crash).

        Whether each file exists is checked inside the write transaction, so an arrival that
        another sopdoc process notes meanwhile is never dropped by a stale listing.
        """
        with self.transaction() as db:
            names = [r[0] for r in db.execute("SELECT name FROM arrivals")]
            gone = [(name,) for name in names if not os.path.lexists(inbox / _name_read(name))]
            db.executemany("DELETE FROM arrivals WHERE name = ?", gone)
            waiting = [r[0] for r in db.execute("SELECT name FROM waiting")]
            db.executemany("DELETE FROM waiting WHERE name = ?",
                           [(name,) for name in waiting if not os.path.lexists(inbox / _name_read(name))])

    # --- forms waiting for their period -------------------------------------------------------

    def note_waiting(self, name: str, sha256: str, received_at: str, agency_as_written: Optional[str],
                     reason: str) -> bool:
        """A good form in inbox/ that no period holds yet (its arrival stays in `arrivals`).
        True when it was not known to wait before."""
        with self.transaction() as db:
            known = db.execute("SELECT 1 FROM waiting WHERE name = ? AND sha256 = ?",
                               (_stored_name(name), sha256)).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO waiting (name, sha256, received_at, agency_as_written, reason, noted_at)"
                " VALUES (?, ?, ?, ?, ?, datetime('now'))",
                (_stored_name(name), sha256, received_at, agency_as_written, reason),
            )
        return known is None

    def waiting(self) -> list:
        """Forms waiting in inbox/ for their period, oldest arrival first, as dicts."""
        return [dict(r, name=_name_read(r["name"])) for r in self.db.execute(
            "SELECT name, sha256, received_at, agency_as_written, reason FROM waiting ORDER BY received_at, name")]

    # --- files ------------------------------------------------------------------------------

    def accepted_file(self, sha256: str) -> Optional[sqlite3.Row]:
        """The file record that first accepted these bytes, if any.

        Refused bytes are not remembered this way: a file put back after its cause was fixed
        (a size limit raised, LibreOffice installed, a plugin updated) is read again.
        """
        return self.db.execute(
            "SELECT * FROM files WHERE sha256 = ? AND outcome = 'accepted' ORDER BY id LIMIT 1", (sha256,)
        ).fetchone()

    def unfinished_move(self, name: str, sha256: str) -> Optional[sqlite3.Row]:
        """A record of this name and these bytes whose move out of inbox/ a crash interrupted."""
        return self.db.execute(
            "SELECT * FROM files WHERE name = ? AND sha256 = ? AND moved = 0 ORDER BY id DESC LIMIT 1",
            (_stored_name(name), sha256),
        ).fetchone()

    def mark_moved(self, stored_as: str) -> None:
        # Not worth an fsync: losing this mark in a power cut only makes a hand-returned copy of
        # the same file count as the rest of this move. The outcome itself is written with FULL.
        self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            with self.transaction() as db:
                db.execute("UPDATE files SET moved = 1 WHERE stored_as = ?", (stored_as,))
        finally:
            self.db.execute("PRAGMA synchronous=FULL")

    def highest_copy(self, stored_as: str) -> int:
        """The highest k of the "name (k).ext" recorded beside `stored_as` ("name.ext"): 1 when
        only the name itself is, 0 when neither is. One index range, however many copies."""
        stem, suffix = os.path.splitext(stored_as)
        closing = ")" + suffix
        row = self.db.execute(
            "SELECT MAX(CAST(substr(stored_as, ?) AS INTEGER)) FROM files"
            " WHERE stored_as >= ? AND stored_as < ? AND substr(stored_as, ?) = ?",
            (len(stem) + 3, stem + " (", stem + " )", -len(closing), closing),
        ).fetchone()
        if row[0]:
            return row[0]
        return 1 if self.is_destination(stored_as) else 0

    def is_destination(self, stored_as: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE stored_as = ?", (stored_as,)).fetchone() is not None

    def next_version(self, period: Optional[str], agency_code: Optional[str]) -> int:
        if agency_code is None:
            return 1
        row = self.db.execute(
            "SELECT MAX(version) FROM submissions WHERE period IS ? AND agency_code = ?", (period, agency_code)
        ).fetchone()
        return (row[0] or 0) + 1

    def record_file(self, db, *, name, sha256, size, received_at, processed_at, outcome, stored_as,
                    reason_code=None, reason=None, submission_id=None, duplicate_of=None) -> int:
        name = _stored_name(name)
        db.execute("DELETE FROM arrivals WHERE name = ?", (name,))
        db.execute("DELETE FROM waiting WHERE name = ?", (name,))
        return db.execute(
            "INSERT INTO files (name, sha256, size, received_at, processed_at, outcome, reason_code, reason,"
            " stored_as, submission_id, duplicate_of, moved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (name, sha256, size, received_at, processed_at, outcome, reason_code, reason, stored_as,
             submission_id, duplicate_of),
        ).lastrowid

    def record_submission(self, db, document: dict) -> int:
        timeliness = document.get("timeliness") or {}
        sid = db.execute(
            "INSERT INTO submissions (sha256, region, period, agency_code, agency_name, agency_as_written,"
            " version, received_at, filled_on, status, working_days_late, parser, parser_version, document)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document["source"]["sha256"], document["region"]["code"], document["period"],
                document["agency"]["code"], document["agency"]["name"], document["agency"]["as_written"],
                document["source"]["version"], document["received_at"], document["filled_on"],
                timeliness.get("status"), timeliness.get("working_days_late"),
                document["source"]["parser"], document["source"]["parser_version"],
                json.dumps(document, ensure_ascii=False),
            ),
        ).lastrowid
        db.executemany(
            f"INSERT INTO sops (submission_id, row, number, title, {', '.join(CRITERIA)}, implementation,"
            f" notes, follow_up) VALUES ({', '.join('?' * (len(CRITERIA) + 7))})",
            [
                (sid, s["row"], s["number"], s["title"],
                 *[(s["criteria"] or {}).get(k) for k in CRITERIA],
                 s["implementation"], s["notes"], s["follow_up"])
                for s in document["sops"]
            ],
        )
        db.executemany(
            'INSERT INTO warnings (submission_id, code, message, "where") VALUES (?, ?, ?, ?)',
            [(sid, w["code"], w["message"], w["where"]) for w in document["warnings"]],
        )
        return sid

    def rematch_agencies(self, register, on_match: Optional[Callable[[dict], None]] = None) -> list:
        """Give stored submissions whose agency was not recognised the register entry their
        written name now matches exactly (an alias added to sopdoc.toml since, or an entry added
        to agencies.csv). Each becomes the agency's next version; its "unknown agency" warning
        is dropped. `on_match(document)` is called inside each match's transaction (to journal
        it). Returns the (file, agency code) pairs that were matched."""
        # sorted here: an ORDER BY id would have SQLite walk the whole table instead of the index
        rows = sorted(self.db.execute(
            "SELECT id, period, agency_as_written FROM submissions WHERE agency_code IS NULL"
        ).fetchall(), key=lambda row: row["id"])
        # every batch asks: each name written once, without a suggestion, and a stored object
        # read only when its name now matches
        names = {name: register.exact(name) for name in {row["agency_as_written"] for row in rows}}
        matched = []
        for row in rows:
            agency = names[row["agency_as_written"]]
            if agency is None:
                continue
            with self.transaction() as db:
                stored = db.execute("SELECT document FROM submissions WHERE id = ?", (row["id"],)).fetchone()
                document = json.loads(stored["document"])
                document["agency"].update(code=agency.code, name=agency.name)
                document["warnings"] = [w for w in document["warnings"]
                                        if w["code"] not in ("opd_tidak_dikenal", "opd_ganda")]
                db.execute(
                    "UPDATE submissions SET agency_code = ?, agency_name = ?, document = ? WHERE id = ?",
                    (agency.code, agency.name, json.dumps(document, ensure_ascii=False), row["id"]),
                )
                db.execute("DELETE FROM warnings WHERE submission_id = ? "
                           "AND code IN ('opd_tidak_dikenal', 'opd_ganda')", (row["id"],))
                self.renumber(db, row["period"], agency.code)
                if on_match:
                    on_match(document)
            matched.append((document["source"]["file"], agency.code))
        return matched

    def renumber(self, db, period: Optional[str], agency_code: Optional[str]) -> None:
        """Versions of one agency in one period in order of arrival (a file matched late may be
        the agency's first, a file moved in from another period may come between two)."""
        if agency_code is None:
            return
        rows = db.execute(
            "SELECT id, version, document FROM submissions WHERE period IS ? AND agency_code = ? "
            "ORDER BY received_at, id", (period, agency_code),
        ).fetchall()
        for version, row in enumerate(rows, start=1):
            if row["version"] != version:
                document = json.loads(row["document"])
                document["source"]["version"] = version
                db.execute("UPDATE submissions SET version = ?, document = ? WHERE id = ?",
                           (version, json.dumps(document, ensure_ascii=False), row["id"]))

    def find_accepted(self, key: str) -> list:
        """Accepted files whose sha256 starts with `key` (at least 8 hex digits), or whose name or
        place in archive/ is `key`, as (file row, submission id, period, agency code)."""
        key = key.strip()
        if len(key) >= 8 and all(c in "0123456789abcdefABCDEF" for c in key):
            where, params = "f.sha256 LIKE ?", (key.lower() + "%",)
        else:
            where, params = ("(f.name = ? OR replace(f.stored_as, '\\', '/') = ?)",
                             (_stored_name(key), key.replace("\\", "/")))
        return [dict(r, name=_name_shown(r["name"])) for r in self.db.execute(
            "SELECT f.*, s.period, s.agency_code, s.document FROM files f JOIN submissions s ON s.id = f.submission_id"
            f" WHERE f.outcome = 'accepted' AND {where} ORDER BY f.id", params,
        )]

    def agency_codes(self, period: str) -> list:
        """The agencies with a submission in `period`."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT agency_code FROM submissions WHERE period = ? AND agency_code IS NOT NULL", (period,))]

    def refile(self, db, submission_id: int, document: dict, stored_as: str) -> None:
        """Give a submission its new period (in `document`) and its file its new place."""
        timeliness = document.get("timeliness") or {}
        db.execute(
            "UPDATE submissions SET period = ?, status = ?, working_days_late = ?, document = ? WHERE id = ?",
            (document["period"], timeliness.get("status"), timeliness.get("working_days_late"),
             json.dumps(document, ensure_ascii=False), submission_id),
        )
        db.execute("DELETE FROM warnings WHERE submission_id = ?", (submission_id,))
        db.executemany(
            'INSERT INTO warnings (submission_id, code, message, "where") VALUES (?, ?, ?, ?)',
            [(submission_id, w["code"], w["message"], w["where"]) for w in document["warnings"]],
        )
        db.execute("UPDATE files SET stored_as = ? WHERE submission_id = ? AND outcome = 'accepted'",
                   (stored_as, submission_id))

    # --- letters ----------------------------------------------------------------------------

    def next_letter_number(self, db, number_for: Callable[[int], str], year: Optional[int] = None) -> tuple:
        """The next running number (counted within `year` when given) and its unused printed number,
        as (seq, number)."""
        if year is not None:
            row = db.execute("SELECT MAX(seq) FROM letters WHERE substr(issued_at, 1, 4) = ?",
                             (f"{year:04d}",)).fetchone()
        else:
            row = db.execute("SELECT MAX(seq) FROM letters").fetchone()
        seq = (row[0] or 0) + 1
        while True:
            number = number_for(seq)
            if db.execute("SELECT 1 FROM letters WHERE number = ?", (number,)).fetchone() is None:
                return seq, number
            seq += 1  # the pattern was changed and meets an earlier number: move past it

    def record_letter(self, db, *, kind: str, number: str, seq: int, period: Optional[str],
                      agency_code: Optional[str], recipient: Optional[str], path: str, issued_at: str) -> int:
        """Record an issued letter inside the caller's transaction (the one that chose its number)."""
        return db.execute(
            "INSERT INTO letters (kind, number, seq, period, agency_code, recipient, path, issued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, number, seq, period, agency_code, recipient, path, issued_at),
        ).lastrowid

    def issued_letters(self, kind: str, period: Optional[str]) -> list:
        """Recorded letters of `kind` in `period`, oldest first."""
        return self.db.execute(
            f"SELECT {_LETTER_COLUMNS}, recipient FROM letters WHERE kind = ? AND period = ? ORDER BY id",
            (kind, period),
        ).fetchall()

    def letters(self) -> list:
        """Every recorded letter, oldest first, as dicts (the columns `sopdoc letters --list` shows)."""
        return [dict(r) for r in self.db.execute(f"SELECT {_LETTER_COLUMNS} FROM letters ORDER BY id")]

    # --- reading ----------------------------------------------------------------------------

    def submissions(self, all_versions: bool = False, period: Optional[str] = None) -> list:
        """Canonical objects, latest version per agency and period unless `all_versions`."""
        where, params = ("WHERE period = ?", [period]) if period else ("", [])
        rows = self.db.execute(
            f"SELECT id, period, agency_code, version, document FROM submissions {where} ORDER BY id", params
        ).fetchall()
        if not all_versions:
            latest = {}
            for row in rows:
                key = (row["period"], row["agency_code"]) if row["agency_code"] else ("#", row["id"])
                if key not in latest or row["version"] > latest[key]["version"]:
                    latest[key] = row
            rows = sorted(latest.values(), key=lambda r: r["id"])
        return [json.loads(row["document"]) for row in rows]

    def refusals(self) -> list:
        rows = self.db.execute(
            "SELECT name, sha256, received_at, reason_code, reason FROM files WHERE outcome = 'refused' ORDER BY id"
        ).fetchall()
        return [
            {"file": _name_shown(r["name"]), "sha256": r["sha256"], "received_at": r["received_at"],
             "reason_code": r["reason_code"], "reason": r["reason"]}
            for r in rows
        ]

    def files(self) -> list:
        return [dict(r, name=_name_read(r["name"])) for r in self.db.execute("SELECT * FROM files ORDER BY id")]

    def latest_processing_by_period(self) -> list:
        """(period, newest processed_at) of every period with a submission, by period."""
        return [tuple(r) for r in self.db.execute(
            "SELECT s.period, MAX(f.processed_at) FROM submissions s JOIN files f ON f.submission_id = s.id"
            " WHERE s.period IS NOT NULL GROUP BY s.period ORDER BY s.period"
        )]

    def file_record(self, stored_as: str) -> Optional[sqlite3.Row]:
        """The newest file record of the file now at `stored_as`."""
        return self.db.execute("SELECT * FROM files WHERE stored_as = ? ORDER BY id DESC LIMIT 1",
                               (stored_as,)).fetchone()

    def file_of_arrival(self, sha256: str, received_at: str) -> Optional[sqlite3.Row]:
        """The file record of these bytes that arrived at `received_at` (a file that waited in
        inbox/ keeps its arrival when it is finally taken)."""
        return self.db.execute("SELECT * FROM files WHERE sha256 = ? AND received_at = ? ORDER BY id DESC LIMIT 1",
                               (sha256, received_at)).fetchone()

    def file_by_id(self, file_id: int) -> Optional[sqlite3.Row]:
        return self.db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()

    def submission_of_sha(self, sha256: str) -> Optional[dict]:
        """The canonical object of the submission these bytes made, if any."""
        row = self.db.execute("SELECT document FROM submissions WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row["document"]) if row else None

    def last_file_id(self) -> int:
        """The newest file record's id (0 when none): changes after every file processed."""
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM files").fetchone()[0]

    # --- the web portal ---------------------------------------------------------------------

    def current_link(self, period: str, agency_code: str) -> Optional[sqlite3.Row]:
        """The newest upload link of an agency in a period (revoked or not)."""
        return self.db.execute(
            "SELECT * FROM upload_links WHERE period = ? AND agency_code = ? ORDER BY generation DESC LIMIT 1",
            (period, agency_code),
        ).fetchone()

    def add_link(self, *, period: str, agency_code: str, generation: int, token_hash: str,
                 created_at: str, revoke_before: bool = False) -> None:
        """Record a link's hash; with `revoke_before`, the agency's earlier links of the period are
        revoked in the same transaction."""
        with self.transaction() as db:
            if revoke_before:
                db.execute("UPDATE upload_links SET revoked_at = ? WHERE period = ? AND agency_code = ?"
                           " AND revoked_at IS NULL", (created_at, period, agency_code))
            db.execute("INSERT OR IGNORE INTO upload_links (period, agency_code, generation, token_hash, created_at)"
                       " VALUES (?, ?, ?, ?, ?)", (period, agency_code, generation, token_hash, created_at))

    def link_by_hash(self, token_hash: str) -> Optional[sqlite3.Row]:
        return self.db.execute("SELECT * FROM upload_links WHERE token_hash = ?", (token_hash,)).fetchone()

    def record_receipt(self, *, make_number: Callable[[int], str], sign: Callable[[dict], str],
                       fields: dict) -> dict:
        """Number, sign and record a receipt of `fields` (file_id, received_at, agency_code, period,
        file_name, size, sha256, outcome) in one transaction; returns the receipt as a dict."""
        with self.transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM receipts").fetchone()[0]
            receipt = dict(fields, number=make_number(seq))
            receipt["signature"] = sign(receipt)
            db.execute(
                "INSERT INTO receipts (number, seq, file_id, received_at, agency_code, period, file_name, size,"
                " sha256, outcome, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (receipt["number"], seq, receipt.get("file_id"), receipt["received_at"], receipt["agency_code"],
                 receipt["period"], receipt["file_name"], receipt["size"], receipt["sha256"],
                 receipt["outcome"], receipt["signature"]),
            )
        return receipt

    def receipt(self, number: str) -> Optional[dict]:
        row = self.db.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE number = ?", (number,)).fetchone()
        return dict(row) if row else None

    def receipts(self, *, sha256: Optional[str] = None, period: Optional[str] = None,
                 agency_code: Optional[str] = None, limit: int = -1, offset: int = 0) -> list:
        """Receipts matching every filter given, newest first: at most `limit` of them (-1: all),
        after skipping `offset`."""
        clauses = [(c, v) for c, v in (("sha256", sha256), ("period", period), ("agency_code", agency_code))
                   if v is not None]
        where = " AND ".join(f"{c} = ?" for c, _ in clauses) or "1"
        return [dict(r) for r in self.db.execute(
            f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
            [v for _, v in clauses] + [limit, offset])]

    def add_user(self, name: str, password_hash: str, created_at: str) -> None:
        """Add a staff user, or give an existing one a new password."""
        with self.transaction() as db:
            db.execute("INSERT INTO staff_users (name, password_hash, created_at) VALUES (?, ?, ?)"
                       " ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash",
                       (name, password_hash, created_at))

    def password_hash(self, name: str) -> Optional[str]:
        row = self.db.execute("SELECT password_hash FROM staff_users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None


_RECEIPT_COLUMNS = ("number, file_id, received_at, agency_code, period, file_name, size, sha256, outcome,"
                    " signature")
_LETTER_COLUMNS = "id, kind, number, seq, period, agency_code, path, issued_at"

def _add_letter_recipient(db) -> None:
    """Schema 4: letters.recipient, the agency code of a teguran, the meeting (date and groups) of
    an undangan, NULL for a laporan. Earlier teguran get it from agency_code; earlier undangan
    keep NULL and count for no meeting (`--ulang` is not needed to make theirs again)."""
    db.execute("ALTER TABLE letters ADD COLUMN recipient TEXT")
    db.execute("UPDATE letters SET recipient = agency_code WHERE kind = 'teguran'")


def _stored_name(name: str):
    """A file name as the store keeps it: text, or its exact bytes (a BLOB) when they are not
    UTF-8 (Python holds those as lone surrogates, which SQLite text cannot take)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name)
    return name


def _name_read(value) -> str:
    """A stored file name back as Python names files."""
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _name_shown(value) -> str:
    """A stored file name for reports and exports: bytes that are not UTF-8 as \\xNN."""
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value


def _statements(script: str) -> list:
    return [s.strip() for s in script.split(";") if s.strip()]
