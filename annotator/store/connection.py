"""The connection to a project file and its one transaction layer.

Owns: opening an SQLite connection (pragmas, busy timeout, read-only opening of a file we may
not write), `write()` — the one way any store module changes the file — and the mapping of
SQLite errors to NotSavedError / ProjectError. The concern modules (documents, layers, changes,
status) only issue SQL through `self.conn` inside `self.write()`; a second backend replaces
this module and the SQL text of those, not their callers.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from ..core.errors import NotSavedError, ProjectError


def _sqlite_utils():
    """sqlite-utils, imported on first use (the first write, not the window's first article).
    It imports pandas and numpy when they are installed, only to map their scalar types to
    column types, which we never pass: 0.45 s and 110 MB before the window's first article.
    Hide them while it loads (unless something already imported them)."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # a None entry makes `import` raise ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils


BUSY_TIMEOUT_S = 30.0

# SQLite's primary result codes (the low byte of an extended code) that mean "not saved, and
# why": the window shows the reason and tries again; the CLI prints one line.
_NOT_SAVED = {13: "disk_full", 8: "read_only", 5: "locked", 6: "locked", 10: "io",
              11: "damaged", 26: "damaged", 14: "io"}
_REASON_TEXT = {"disk_full": "the disk is full", "read_only": "the file is read-only",
                "locked": f"another program held the project locked for over {BUSY_TIMEOUT_S:.0f} s",
                "io": "the disk reported an error", "damaged": "the project file is damaged"}


def not_saved(path: Path, exc: sqlite3.Error) -> NotSavedError | None:
    """The NotSavedError for an SQLite error that means the write did not reach the disk, or
    None for any other error (a bug, to be raised as it is)."""
    code = getattr(exc, "sqlite_errorcode", None)
    reason = _NOT_SAVED.get(code & 0xFF) if code is not None else None
    if reason is None:
        text = str(exc).lower()
        reason = next((r for key, r in (("full", "disk_full"), ("readonly", "read_only"),
                                        ("read-only", "read_only"), ("locked", "locked"),
                                        ("malformed", "damaged"), ("i/o", "io"))
                       if key in text), None)
    if reason is None:
        return None
    return NotSavedError(f"{path}: not saved: {_REASON_TEXT[reason]} ({exc})", reason)


def damaged(path: Path, exc: sqlite3.Error) -> ProjectError:
    """The one line for a project file SQLite cannot read (header intact, pages corrupted)."""
    return ProjectError(f"{path}: the project file is damaged ({exc}); `annotator check` "
                        "tells more, `annotator restore` brings back a backup")


def pages_problem(conn: sqlite3.Connection, tables: tuple[str, ...] = ()) -> str | None:
    """SQLite's first complaint about the file (PRAGMA integrity_check: every page and record,
    and every index against its table; ~0.4 s for a 450 MB file in the page cache), in one
    line; None if it has none. `tables`: only those and their indexes (SQLite 3.33 on; before,
    the whole file), to spare reading what the caller never reads (the documents' texts)."""
    scopes = [f"integrity_check({t})" for t in tables] \
        if tables and sqlite3.sqlite_version_info >= (3, 33) else ["integrity_check(1)"]
    try:
        for scope in scopes:
            first = conn.execute(f"PRAGMA {scope}").fetchone()[0]
            if first != "ok":
                return "; ".join(line for line in first.splitlines()
                                 if not line.startswith("***"))
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def keyset_pages(fetch: Callable[[Any], list], after: Any,
                 key: Callable[[Any], Any] = lambda row: row[0]) -> Iterator[list]:
    """The pages of rows `fetch(after)` returns (a query `… WHERE key > after ORDER BY key
    LIMIT n`), each page starting after the last key of the one before, until one is empty.

    A damaged file can hand rows back out of their key's order (an index whose keys no longer
    sort): the paging would start over again and again and never end (`annotator export` on
    a fuzzed project wrote 80 MB in 20 s). So every key must be past the one before it. Where
    one is not (or keys of types that do not compare: a file edited by hand), this raises
    sqlite3.DatabaseError, which the callers report as a damaged project file."""
    while True:
        rows = fetch(after)
        if not rows:
            return
        for row in rows:
            this = key(row)
            try:
                past = this > after
            except TypeError:
                past = False
            if not past:
                raise sqlite3.DatabaseError("database disk image is malformed (rows out of "
                                            "the order of their key)")
            after = this
        yield rows


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (see ProjectFile.write).
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def writable(path: Path) -> bool:
    """Whether we may write the file and create its -wal/-shm beside it."""
    if not os.access(path, os.W_OK):
        return False
    wal = Path(f"{path}-wal")
    return wal.exists() and os.access(wal, os.W_OK) or os.access(path.parent, os.W_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro reads a WAL file when its -shm can be used; on a read-only folder it cannot,
    # and immutable=1 (nobody writes a file we may not write either) reads it as it is.
    from urllib.parse import quote

    uri = "file:" + quote(str(path.resolve()))
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                           isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None,
                               check_same_thread=False)
    return conn


class ProjectFile:
    """An open connection with its write transaction, backups and key/value lookups; the base
    of `Project`, which adds the concerns. (postgres.PgProjectMixin overrides what differs on
    a server: connection, write(), backups, table_columns, listen.)"""

    backend = "sqlite"
    # What a caller catches for "the database could not do it" (a read-only or busy file).
    operational_errors: tuple = (sqlite3.OperationalError,)

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        self.path = path
        self.conn = conn
        # A file we may not write (permissions, read-only medium) opens for browsing, search
        # and export; every write raises NotSavedError("read_only").
        self.read_only = read_only
        self.auto_backup = None  # an AutoBackup once enable_backups() is called

    @cached_property
    def db(self):
        """sqlite-utils' view of the connection: savepoints in write(), table introspection."""
        return _sqlite_utils().Database(self.conn)

    def enable_backups(self, every_minutes: float | None = None, keep: int | None = None):
        """Rolling backups while this project is open for work (see store.backup): one now
        unless a recent one exists, then every `every_minutes` of work."""
        from .backup import EVERY_MINUTES, KEEP, AutoBackup

        if not self.read_only:
            self.auto_backup = AutoBackup(self.path, every_minutes or EVERY_MINUTES,
                                          keep or KEEP)
            self.auto_backup.start()
        return self.auto_backup

    def close(self) -> None:
        if self.auto_backup is not None:
            self.auto_backup.wait()  # a backup half-copied would be wasted, not harmful
        try:
            self.conn.close()
        except sqlite3.Error:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def write(self):
        """One write transaction; edits made inside it join it (as savepoints).

        Bulk tools (assist, merge) use it to commit many edits at once, since a commit per
        edit is bound by fsync; the window never does, because each of its edits must be on
        disk before it says saved. BEGIN IMMEDIATE takes the write lock up front, so a second
        process waits (busy timeout) instead of failing on a read-to-write upgrade; inside,
        sqlite-utils' atomic() gives the savepoint that rolls back on any error.

        A write that cannot reach the disk (full, read-only, lock held past the busy timeout,
        I/O error, damaged file) is rolled back and raised as NotSavedError with its reason.
        (A server project overrides the four steps below, not this.)"""
        if self.read_only:
            raise NotSavedError(f"{self.location}: not saved: the project is open read-only",
                                "read_only")
        if self.conn.in_transaction:
            with self._savepoint(nested=True) as db:
                yield db
            return
        try:
            self._begin()
        except self._db_error as exc:
            self._rollback()
            raise (self._not_saved(exc) or exc) from None
        try:
            with self._savepoint(nested=False) as db:
                yield db
            self.conn.execute("COMMIT")
            if self.auto_backup is not None:
                self.auto_backup.after_write()
        except self._db_error as exc:
            self._rollback()
            error = self._not_saved(exc)
            if error is None:
                raise
            raise error from exc
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def snapshot(self):
        """Reads that all see the project as it was when the first of them ran, whatever
        other people write meanwhile (a copy of a project in use). Writes nothing."""
        if self.conn.in_transaction:
            yield
            return
        self._begin_snapshot()
        try:
            yield
        finally:
            self._rollback()

    _db_error: type = sqlite3.Error

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _begin_snapshot(self) -> None:
        # Deferred: the first read takes the snapshot (WAL), and writers go on meanwhile.
        self.conn.execute("BEGIN")

    @contextmanager
    def _savepoint(self, nested: bool):
        with self.db.atomic():
            yield self.db

    def _not_saved(self, exc) -> NotSavedError | None:
        return not_saved(self.path, exc)

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except self._db_error:
            pass  # SQLite rolled back itself (it does on SQLITE_FULL and I/O errors)

    @property
    def location(self) -> str:
        """What messages call the project: its file, or its URL without the password."""
        return str(self.path)

    def table_columns(self, table: str) -> set[str]:
        """The columns of a table (empty if there is no such table)."""
        return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    def listen(self):
        """Notifications of other people's changes: only a server has them (None here; a
        window on a file sees its own changes)."""
        return None

    def changed_elsewhere(self, listener, me: str) -> set[str]:
        return set()

    def _get(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise ProjectError(f"{self.location}: project lacks its {key}")
        return row[0]
