"""The project file: one SQLite database holding schema, documents, layers, status and change log.

This module (with its siblings in `annotator.store`) is the only code that writes SQL. Every edit
is one transaction that also appends its before/after to the change log, so undo, redo and history
come from disk and survive a restart; an edit is committed (synchronous=FULL) before the caller can
report it as saved.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..core.errors import (AnnotatorError, NotSavedError, ProjectError, SchemaError,
                           ValidationError)
from ..core.model import GOLD, Document, Layer, layer_from_json, validate_layer
from ..core.schema import Schema

def _import_sqlite_utils():
    """sqlite-utils imports pandas and numpy when they are installed, only to map their scalar
    types to column types, which we never pass: 0.45 s and 110 MB before the window's first
    article. Hide them while it loads (unless something already imported them)."""
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


sqlite_utils = _import_sqlite_utils()

# Bump when the tables change, and add the step to MIGRATIONS.
FORMAT_VERSION = 2
# MIGRATIONS[n] upgrades a file from format n to n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}

STATUSES = ("todo", "in_progress", "done", "skipped", "reviewed")
BATCH_SIZE = 500
BUSY_TIMEOUT_S = 30.0

_TABLES = """
CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,            -- queue order
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    meta TEXT NOT NULL,                 -- JSON
    content_hash TEXT NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE TABLE layers (
    doc INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    name TEXT NOT NULL,
    data TEXT NOT NULL,                 -- JSON: {"zones": […], "entities": […], "stances": […]}
    updated TEXT NOT NULL,
    PRIMARY KEY (doc, name)
) WITHOUT ROWID;
CREATE INDEX layers_name ON layers(name, doc);
CREATE TABLE status (
    doc INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    flagged INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL,
    PRIMARY KEY (doc, annotator)
) WITHOUT ROWID;
CREATE TABLE changes (                  -- append-only
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    doc INTEGER REFERENCES documents(seq) ON DELETE CASCADE,
    layer TEXT,
    action TEXT NOT NULL,
    before TEXT,                        -- JSON, NULL when the thing did not exist
    after TEXT,
    reverts INTEGER                     -- for undo/redo rows: the change they undo or redo
);
CREATE INDEX changes_doc_layer ON changes(doc, layer, id);
CREATE TRIGGER changes_append_only_u BEFORE UPDATE ON changes
    BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER changes_append_only_d BEFORE DELETE ON changes WHEN old.doc IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
"""

# Format 2: models trained on the project's confirmed work (annotator.store.models). They live
# in the project file so that they travel with it (pack, merge, mail).
_TABLES_2 = """
CREATE TABLE models (
    name TEXT PRIMARY KEY,              -- "entities", "zones"
    kind TEXT NOT NULL,                 -- what reads `data`, e.g. "crfsuite-1"
    data BLOB NOT NULL,
    meta TEXT NOT NULL,                 -- JSON: what it was trained on, its figures
    trained_at TEXT NOT NULL
);
"""
# One statement, run with execute: executescript would commit the migration's transaction.
MIGRATIONS[1] = lambda conn: conn.execute(_TABLES_2.strip().rstrip(";"))


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


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class ImportRecord:
    """One document to import, with the layers it brings. `where` names it in messages."""
    doc: Document
    layers: dict[str, dict] = field(default_factory=dict)  # layer name -> JSONL-style dict
    where: str = ""


@dataclass
class ImportOutcome:
    where: str
    doc_id: str
    state: str  # "added", "updated", "unchanged", "duplicate", "kept" or "rejected"
    message: str = ""


@dataclass
class Change:
    id: int
    at: str
    who: str
    doc_id: str | None
    layer: str | None
    action: str
    before: Any
    after: Any
    reverts: int | None


@dataclass
class DocStatus:
    status: str = "todo"
    seconds: float = 0.0
    note: str = ""
    flagged: bool = False
    updated: str | None = None


class Project:
    """An open project file. Use `Project.create` / `Project.open`, and `close()` when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        self.path = path
        self.conn = conn
        # A file we may not write (permissions, read-only medium) opens for browsing, search
        # and export; every write raises NotSavedError("read_only").
        self.read_only = read_only
        self.auto_backup = None  # an AutoBackup once enable_backups() is called
        self.db = sqlite_utils.Database(conn)
        self.schema = Schema.parse(self._get("schema"))
        self.project_id = self._get("project_id")
        # Texts are immutable once imported; the window re-reads the open one constantly.
        self._text_cache: dict[str, tuple[int, str]] = {}

    # -- opening ---------------------------------------------------------------------------
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see _write).
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None) -> "Project":
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        schema = schema or Schema.default()
        conn = cls._connect(path)
        conn.execute("PRAGMA journal_mode = WAL")
        # user_version stays 0 until the last step: a file cut short here is refused on open.
        conn.executescript("BEGIN IMMEDIATE;" + _TABLES + _TABLES_2 + "COMMIT;")
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO project (key, value) VALUES (?, ?)", [
            ("project_id", uuid.uuid4().hex),
            ("schema", schema.source),
            ("created", now()),
        ])
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        conn.execute("COMMIT")
        conn.execute("PRAGMA synchronous = FULL")
        return cls(path, conn)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Project":
        """Open a project file; one it may not write opens read-only (see `read_only`)."""
        path = Path(path)
        if not path.is_file():
            raise ProjectError(f"{path}: no such project file")
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise ProjectError(f"{path}: cannot read: {exc.strerror}") from None
        if head and head != b"SQLite format 3\x00":
            raise ProjectError(f"{path}: not a project file (not an SQLite database)")
        read_only = read_only or not cls._writable(path)
        conn = cls._connect_read_only(path) if read_only else cls._connect(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > FORMAT_VERSION:
                raise ProjectError(
                    f"{path}: written by a newer annotator (project format {version}; this one "
                    f"reads up to {FORMAT_VERSION}). Update annotator to open it.")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "project" not in tables or version < 1:
                raise ProjectError(f"{path}: not an annotator project")
            if version < FORMAT_VERSION:
                if read_only:
                    raise ProjectError(f"{path}: an older project format ({version}) that must "
                                       "be migrated, but the file is read-only")
                conn.close()
                cls._migrate(path, version)
                conn = cls._connect(path)
            if not read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            return cls(path, conn, read_only)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            conn.close()
            raise damaged(path, exc) from None
        except SchemaError as exc:
            conn.close()
            raise ProjectError(f"{path}: the label schema stored in the project is damaged "
                               f"({exc})") from None
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _writable(path: Path) -> bool:
        """Whether we may write the file and create its -wal/-shm beside it."""
        if not os.access(path, os.W_OK):
            return False
        wal = Path(f"{path}-wal")
        return wal.exists() and os.access(wal, os.W_OK) or os.access(path.parent, os.W_OK)

    @staticmethod
    def _connect_read_only(path: Path) -> sqlite3.Connection:
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

    @classmethod
    def _migrate(cls, path: Path, version: int) -> None:
        backup = path.with_name(f"{path.name}.format{version}.bak")
        src = sqlite3.connect(str(path))
        dst = sqlite3.connect(str(backup))
        with dst:
            src.backup(dst)
        dst.close()
        src.close()
        conn = cls._connect(path)
        try:
            while version < FORMAT_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                MIGRATIONS[version](conn)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            shutil.copyfile(backup, path)
            raise
        conn.close()

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

    def __enter__(self) -> "Project":
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
        I/O error, damaged file) is rolled back and raised as NotSavedError with its reason."""
        if self.read_only:
            raise NotSavedError(f"{self.path}: not saved: the project is open read-only",
                                "read_only")
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise (not_saved(self.path, exc) or exc) from None
        try:
            with self.db.atomic():
                yield self.db
            self.conn.execute("COMMIT")
            if self.auto_backup is not None:
                self.auto_backup.after_write()
        except sqlite3.Error as exc:
            self._rollback()
            error = not_saved(self.path, exc)
            if error is None:
                raise
            raise error from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite rolled back itself (it does on SQLITE_FULL and I/O errors)

    def _get(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise ProjectError(f"{self.path}: project file lacks its {key}")
        return row[0]

    def _seq(self, doc_id: str) -> int:
        row = self.conn.execute("SELECT seq FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        return row[0]

    def _log(self, who: str, seq: int | None, layer: str | None, action: str,
             before: Any, after: Any, reverts: int | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO changes (at, who, doc, layer, action, before, after, reverts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), who, seq, layer, action,
             None if before is None else dumps(before),
             None if after is None else dumps(after), reverts))
        return cur.lastrowid

    # -- documents -------------------------------------------------------------------------
    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document_ids(self, offset: int = 0, limit: int = -1) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents ORDER BY seq LIMIT ? OFFSET ?", (limit, offset))]

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() \
            is not None

    def get_document(self, doc_id: str) -> Document:
        row = self.conn.execute("SELECT id, text, meta FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        return Document(row[0], row[1], json.loads(row[2]))

    def get_text(self, doc_id: str) -> str:
        return self.get_document(doc_id).text

    def iter_documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """All documents in queue order (or the given ids), read in batches: memory stays flat."""
        if ids is not None:
            for doc_id in ids:
                yield self.get_document(doc_id)
            return
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT seq, id, text, meta FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, BATCH_SIZE)).fetchall()
            if not rows:
                return
            for seq, doc_id, text, meta in rows:
                yield Document(doc_id, text, json.loads(meta))
            last = rows[-1][0]

    def import_documents(self, records: Iterable[ImportRecord], who: str = "import",
                         force: bool = False) -> Iterator[ImportOutcome]:
        """Add documents (and the layers they bring), BATCH_SIZE per transaction.

        Yields one outcome per record, as each batch is committed. A killed import leaves whole
        batches only. Re-importing the same text is a no-op; the same id with other text is
        refused; nothing already in the project is changed except layers the records bring,
        and of those only layers whose present state came from an import: a layer a person
        edited since is newer than the file (an older export coming back), so it is kept and
        reported (state "kept"), unless `force`.
        """
        batch: list[ImportRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                yield from self._import_batch(batch, who, force)
                batch = []
        if batch:
            yield from self._import_batch(batch, who, force)

    def _edited_since_import(self, seq: int, name: str) -> Change | None:
        """The layer's latest change if it was not an import (a person's edit, a merge)."""
        change = next(self._changes("c.id = (SELECT max(id) FROM changes WHERE doc = ? AND "
                                    "layer = ?)", (seq, name)), None)
        return None if change is None or change.action == "import" else change

    def _import_batch(self, batch: list[ImportRecord], who: str, force: bool = False
                      ) -> list[ImportOutcome]:
        outcomes: list[ImportOutcome] = []
        with self.write():
            ids = [r.doc.id for r in batch]
            hashes = [content_hash(r.doc.text) for r in batch]
            known_ids = dict(self._lookup("id", "id, content_hash, seq", ids))
            known_hash = dict(self._lookup("content_hash", "content_hash, id", hashes))
            new_rows = []
            pending_layers = []
            for record, digest in zip(batch, hashes):
                doc = record.doc
                try:
                    layers = {name: self._checked_layer(data, doc.text)
                              for name, data in record.layers.items()}
                except ValidationError as exc:
                    outcomes.append(ImportOutcome(record.where, doc.id, "rejected", str(exc)))
                    continue
                if doc.id in known_ids:
                    old_hash, seq = known_ids[doc.id]
                    if old_hash != digest:
                        outcomes.append(ImportOutcome(
                            record.where, doc.id, "rejected",
                            f"document id {doc.id!r} is already in the project with other text"))
                        continue
                    pending_layers.append((record, seq, layers, False))
                elif digest in known_hash:
                    outcomes.append(ImportOutcome(
                        record.where, doc.id, "duplicate",
                        f"same text as document {known_hash[digest]!r}: skipped"))
                else:
                    known_ids[doc.id] = (digest, None)  # its seq is known after the insert
                    known_hash[digest] = doc.id
                    new_rows.append((doc.id, doc.text, dumps(doc.meta), digest, len(doc.text)))
                    pending_layers.append((record, None, layers, True))
            if new_rows:
                self.conn.executemany(
                    "INSERT INTO documents (id, text, meta, content_hash, length) "
                    "VALUES (?, ?, ?, ?, ?)", new_rows)
            new_seqs = dict(self._lookup("id", "id, seq", [r[0] for r in new_rows]))
            stamp = now()
            for record, seq, layers, added in pending_layers:
                doc = record.doc
                seq = new_seqs[doc.id] if seq is None else seq
                changed = False
                kept = []
                for name, layer in layers.items():
                    newer = None if added or force else self._edited_since_import(seq, name)
                    if newer is not None and layer.to_json(doc.text) != newer.after:
                        kept.append(f"{name!r} (changed by {newer.who} at {newer.at})")
                        continue
                    changed |= self._put_layer(seq, doc.text, name, layer, who, "import", stamp)
                state = "added" if added else ("updated" if changed else "unchanged")
                if kept:
                    outcomes.append(ImportOutcome(
                        record.where, doc.id, "kept",
                        f"layer {', '.join(kept)} is newer in the project than in this file: "
                        "kept (--force replaces it)"))
                else:
                    outcomes.append(ImportOutcome(record.where, doc.id, state))
        return outcomes

    def _lookup(self, column: str, select: str, values: list) -> Iterator[tuple]:
        for i in range(0, len(values), 900):  # stay under SQLite's bound-variable limit
            chunk = values[i:i + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {select} FROM documents WHERE {column} IN ({marks})", chunk):
                yield (row[0], row[1:]) if len(row) > 2 else row

    def _checked_layer(self, data: dict, text: str) -> Layer:
        layer = layer_from_json(data, text)
        validate_layer(layer, len(text), self.schema)
        return layer

    # -- layers ----------------------------------------------------------------------------
    def layer_names(self, doc_id: str | None = None) -> list[str]:
        if doc_id is None:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT name FROM layers ORDER BY name")]
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM layers WHERE doc = ? ORDER BY name", (self._seq(doc_id),))]

    def has_layer(self, doc_id: str, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM layers WHERE doc = ? AND name = ?",
                                 (self._seq(doc_id), name)).fetchone() is not None

    def get_layer(self, doc_id: str, name: str) -> Layer:
        """The layer, or an empty one (all text unlabeled) if nobody has touched it yet."""
        seq, text = self._seq_text(doc_id)
        row = self.conn.execute("SELECT data FROM layers WHERE doc = ? AND name = ?",
                                (seq, name)).fetchone()
        if row is None:
            return Layer.empty(len(text))
        return layer_from_json(json.loads(row[0]), text)

    def _seq_text(self, doc_id: str) -> tuple[int, str]:
        hit = self._text_cache.get(doc_id)
        if hit is None:
            row = self.conn.execute("SELECT seq, text FROM documents WHERE id = ?",
                                    (doc_id,)).fetchone()
            if row is None:
                raise KeyError(f"no document {doc_id!r}")
            if len(self._text_cache) > 64:
                self._text_cache.clear()
            hit = self._text_cache[doc_id] = (row[0], row[1])
        return hit

    def iter_layers(self, name: str | None = None) -> Iterator[tuple[Document, str, Layer]]:
        """(document, layer name, layer) in queue order, for one layer name or all; streamed."""
        last = (0, "")
        where = "" if name is None else "AND l.name = ?"
        while True:
            args: list[Any] = [last[0], last[0], last[1]]
            if name is not None:
                args.append(name)
            rows = self.conn.execute(
                "SELECT d.seq, l.name, d.id, d.text, d.meta, l.data FROM layers l "
                "JOIN documents d ON d.seq = l.doc "
                f"WHERE (l.doc > ? OR (l.doc = ? AND l.name > ?)) {where} "
                "ORDER BY l.doc, l.name LIMIT ?", (*args, BATCH_SIZE)).fetchall()
            if not rows:
                return
            for seq, lname, doc_id, text, meta, data in rows:
                yield (Document(doc_id, text, json.loads(meta)), lname,
                       layer_from_json(json.loads(data), text))
            last = (rows[-1][0], rows[-1][1])

    def iter_annotated(self, layer: str = "all", status: str | None = None,
                       annotator: str | None = None,
                       ) -> Iterator[tuple[Document, list[tuple[str, Layer]]]]:
        """Documents in queue order with their layers, for exports; streamed in batches.

        layer="all": every document with every layer it has (possibly none); a layer name:
        only the documents that have that layer. `status` keeps documents whose status (for
        `annotator`, or for the layer's own name, or for anyone when neither applies) is it.
        """
        last = 0
        while True:
            docs = self.conn.execute(
                "SELECT seq, id, text, meta FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, BATCH_SIZE)).fetchall()
            if not docs:
                return
            last = docs[-1][0]
            seqs = [d[0] for d in docs]
            marks = ",".join("?" * len(seqs))
            by_doc: dict[int, list[tuple[str, str]]] = {}
            query = f"SELECT doc, name, data FROM layers WHERE doc IN ({marks})"
            args: list[Any] = list(seqs)
            if layer != "all":
                query += " AND name = ?"
                args.append(layer)
            for seq, name, data in self.conn.execute(query + " ORDER BY doc, name", args):
                by_doc.setdefault(seq, []).append((name, data))
            keep = None
            if status is not None:
                who = annotator or (None if layer == "all" else layer)
                query = f"SELECT doc FROM status WHERE doc IN ({marks}) AND status = ?"
                args = [*seqs, status]
                if who is not None:
                    query += " AND annotator = ?"
                    args.append(who)
                keep = {r[0] for r in self.conn.execute(query, args)}
            for seq, doc_id, text, meta in docs:
                if keep is not None and seq not in keep:
                    continue
                layers = by_doc.get(seq, [])
                if layer != "all" and not layers:
                    continue
                yield (Document(doc_id, text, json.loads(meta)),
                       [(name, layer_from_json(json.loads(data), text)) for name, data in layers])

    def _put_layer(self, seq: int, text: str, name: str, layer: Layer, who: str,
                   action: str, stamp: str | None = None, reverts: int | None = None) -> bool:
        """Write a layer and log the change; False (and nothing written) if it is unchanged."""
        row = self.conn.execute("SELECT data FROM layers WHERE doc = ? AND name = ?",
                                (seq, name)).fetchone()
        after = layer.to_json(text)
        before = json.loads(row[0]) if row else None
        if before == after:
            return False
        self.conn.execute(
            "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc, name) DO UPDATE SET data = excluded.data, updated = excluded.updated",
            (seq, name, dumps(after), stamp or now()))
        self._log(who, seq, name, action, before, after, reverts)
        return True

    def edit(self, doc_id: str, layer_name: str, who: str, action: str,
             change: Callable[[Layer], Layer]) -> Layer:
        """Apply `change` to the current layer and commit it, with its change-log row, in one
        transaction. Reading inside the write lock means two windows never lose each other's
        edits. Raises ValidationError (nothing written) if the result breaks an invariant."""
        if not layer_name or not layer_name.strip():
            raise ValidationError("a layer needs a name")
        seq, text = self._seq_text(doc_id)
        with self.write():
            new = change(self.get_layer(doc_id, layer_name))
            validate_layer(new, len(text), self.schema)
            self._put_layer(seq, text, layer_name, new, who, action)
        return new

    def put_layer(self, doc_id: str, layer_name: str, layer: Layer, who: str,
                  action: str = "replace") -> Layer:
        return self.edit(doc_id, layer_name, who, action, lambda _old: layer)

    # -- undo / redo -----------------------------------------------------------------------
    def _stacks(self, seq: int, layer: str, who: str | None = None
                ) -> tuple[list[Change], list[Change]]:
        """Undo and redo stacks of a layer. In the layer reviewers share (gold) they hold only
        `who`'s own changes: reviewer A's Ctrl+Z takes back A's last change, never B's. (A
        labeler's layer has one author; whoever undoes there, e.g. a merge, undoes its last
        change.)"""
        where, args = "c.doc = ? AND c.layer = ?", (seq, layer)
        if who is not None and layer == GOLD:
            where, args = where + " AND c.who = ?", (*args, who)
        undo: list[Change] = []
        redo: list[Change] = []
        by_id: dict[int, Change] = {}
        for change in self._changes(where, args):
            by_id[change.id] = change
            if change.action in ("undo", "redo") and change.reverts not in by_id:
                continue  # it reverted someone else's change (before undo was per person)
            if change.action == "undo":
                original = by_id[change.reverts]
                if undo and undo[-1].id == original.id:
                    undo.pop()
                redo.append(original)
            elif change.action == "redo":
                if redo and redo[-1].id == change.reverts:
                    redo.pop()
                undo.append(by_id[change.reverts])
            else:
                undo.append(change)
                redo.clear()
        return undo, redo

    def can_undo(self, doc_id: str, layer: str, who: str | None = None) -> bool:
        return bool(self._stacks(self._seq(doc_id), layer, who)[0])

    def can_redo(self, doc_id: str, layer: str, who: str | None = None) -> bool:
        return bool(self._stacks(self._seq(doc_id), layer, who)[1])

    def undo(self, doc_id: str, layer: str, who: str) -> Change | None:
        """Revert `who`'s latest change of this layer (also one made before a restart). If
        someone else changed the layer since, only that change is taken back and theirs
        stay; ValidationError (nothing written) if the two cannot be separated."""
        return self._step(doc_id, layer, who, redo=False)

    def redo(self, doc_id: str, layer: str, who: str) -> Change | None:
        return self._step(doc_id, layer, who, redo=True)

    def _step(self, doc_id: str, layer: str, who: str, redo: bool) -> Change | None:
        seq, text = self._seq_text(doc_id)
        with self.write():
            undo_stack, redo_stack = self._stacks(seq, layer, who)
            stack = redo_stack if redo else undo_stack
            if not stack:
                return None
            target = stack[-1]
            empty = Layer.empty(len(text)).to_json(text)
            state = (target.after if redo else target.before) or empty
            replaced = (target.before if redo else target.after) or empty
            current = self.get_layer(doc_id, layer).to_json(text)
            if current != replaced:  # changed by someone else since: keep their changes
                state = _reapply(current, replaced, state)
            new = layer_from_json(state, text)
            validate_layer(new, len(text), self.schema)
            self._put_layer(seq, text, layer, new, who, "redo" if redo else "undo",
                            reverts=target.id)
            return target

    # -- history ---------------------------------------------------------------------------
    def _changes(self, where: str, args: tuple) -> Iterator[Change]:
        for row in self.conn.execute(
                "SELECT c.id, c.at, c.who, d.id, c.layer, c.action, c.before, c.after, c.reverts "
                f"FROM changes c LEFT JOIN documents d ON d.seq = c.doc WHERE {where} "
                "ORDER BY c.id", args):
            yield Change(row[0], row[1], row[2], row[3], row[4], row[5],
                         None if row[6] is None else json.loads(row[6]),
                         None if row[7] is None else json.loads(row[7]), row[8])

    def history(self, doc_id: str | None = None, layer: str | None = None) -> list[Change]:
        clauses, args = ["1"], []
        if doc_id is not None:
            clauses.append("c.doc = ?")
            args.append(self._seq(doc_id))
        if layer is not None:
            clauses.append("c.layer = ?")
            args.append(layer)
        return list(self._changes(" AND ".join(clauses), tuple(args)))

    # -- status ----------------------------------------------------------------------------
    def get_status(self, doc_id: str, annotator: str) -> DocStatus:
        row = self.conn.execute(
            "SELECT status, seconds, note, flagged, updated FROM status WHERE doc = ? AND annotator = ?",
            (self._seq(doc_id), annotator)).fetchone()
        return DocStatus() if row is None else DocStatus(row[0], row[1], row[2], bool(row[3]), row[4])

    def set_status(self, doc_id: str, annotator: str, status: str | None = None,
                   note: str | None = None, flagged: bool | None = None,
                   add_seconds: float = 0.0) -> DocStatus:
        """Change any of status / note / review flag / time spent, in one logged transaction."""
        if status is not None and status not in STATUSES:
            raise ValidationError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        seq = self._seq(doc_id)
        with self.write():
            old = self.get_status(doc_id, annotator)
            new = DocStatus(status if status is not None else old.status,
                            old.seconds + max(0.0, add_seconds),
                            note if note is not None else old.note,
                            flagged if flagged is not None else old.flagged, now())
            self.conn.execute(
                "INSERT INTO status (doc, annotator, status, seconds, note, flagged, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc, annotator) DO UPDATE SET "
                "status = excluded.status, seconds = excluded.seconds, note = excluded.note, "
                "flagged = excluded.flagged, updated = excluded.updated",
                (seq, annotator, new.status, new.seconds, new.note, int(new.flagged), new.updated))
            if (old.status, old.note, old.flagged) != (new.status, new.note, new.flagged):
                self._log(annotator, seq, None, "status",
                          {"status": old.status, "note": old.note, "flagged": old.flagged},
                          {"status": new.status, "note": new.note, "flagged": new.flagged})
        return new

    def statuses(self, annotator: str, offset: int = 0, limit: int = -1
                 ) -> list[tuple[str, str]]:
        """(document id, status) in queue order, for the queue view's visible rows."""
        return [(r[0], r[1] or "todo") for r in self.conn.execute(
            "SELECT d.id, s.status FROM documents d LEFT JOIN status s "
            "ON s.doc = d.seq AND s.annotator = ? ORDER BY d.seq LIMIT ? OFFSET ?",
            (annotator, limit, offset))]

    def status_counts(self, annotator: str) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        total = self.count_documents()
        for status, n in self.conn.execute(
                "SELECT status, count(*) FROM status WHERE annotator = ? GROUP BY status",
                (annotator,)):
            counts[status] = n
        counts["todo"] = total - sum(n for s, n in counts.items() if s != "todo")
        return counts

    def seconds_spent(self, annotator: str) -> float:
        return self.conn.execute("SELECT coalesce(sum(seconds), 0) FROM status WHERE annotator = ?",
                                 (annotator,)).fetchone()[0]

    def annotators(self) -> list[str]:
        names = {r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM status")}
        names |= {r[0] for r in self.conn.execute("SELECT DISTINCT name FROM layers")}
        return sorted(names)

    # -- settings kept in the project ------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?",
                                ("setting:" + key,)).fetchone()
        return default if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.conn.execute("INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT (key) "
                              "DO UPDATE SET value = excluded.value", ("setting:" + key, value))

    # -- figures ---------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts by status, label and annotator (what `annotator stats` prints)."""
        out: dict[str, Any] = {"documents": self.count_documents(), "layers": {},
                               "status": {}, "time_spent_s": {}}
        for (name,) in self.conn.execute("SELECT DISTINCT name FROM layers ORDER BY name"):
            zones: dict[str, int] = {}
            entities: dict[str, int] = {}
            stances: dict[str, int] = {}
            docs = 0
            for (data,) in self.conn.execute("SELECT data FROM layers WHERE name = ?", (name,)):
                layer = json.loads(data)
                docs += 1
                for z in layer["zones"]:
                    zones[z["label"]] = zones.get(z["label"], 0) + (z["end"] - z["start"])
                for e in layer["entities"]:
                    entities[e["label"]] = entities.get(e["label"], 0) + 1
                for s in layer["stances"]:
                    stances[s["value"]] = stances.get(s["value"], 0) + 1
            out["layers"][name] = {"documents": docs, "zone_chars": zones,
                                   "entities": entities, "stances": stances}
        for annotator in sorted({r[0] for r in self.conn.execute("SELECT annotator FROM status")}):
            out["status"][annotator] = self.status_counts(annotator)
            out["time_spent_s"][annotator] = round(self.seconds_spent(annotator), 1)
        return out


def _reapply(current: dict, old: dict, new: dict) -> dict:
    """`current` with the difference from `old` to `new` applied: entities and stances that
    went from old to new are added or removed; the zones change only if nobody else moved
    them since."""
    out = {"zones": new["zones"] if current["zones"] == old["zones"] else current["zones"]}
    for key in ("entities", "stances"):
        gone = [x for x in old[key] if x not in new[key]]
        came = [x for x in new[key] if x not in old[key]]
        out[key] = [x for x in current[key] if x not in gone] + \
                   [x for x in came if x not in current[key]]
    out["entities"].sort(key=lambda e: (e["start"], e["end"], e["label"]))
    return out


def open_project(path: str | Path) -> Project:
    return Project.open(path)


__all__ = ["Project", "ImportRecord", "ImportOutcome", "Change", "DocStatus", "STATUSES",
           "FORMAT_VERSION", "MIGRATIONS", "AnnotatorError", "open_project", "content_hash"]
