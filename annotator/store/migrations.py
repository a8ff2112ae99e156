"""The project file's tables and their versions.

Owns: FORMAT_VERSION, the table definitions (_TABLES) and MIGRATIONS, creating the tables of a
new file, and upgrading an older file (a backup copy first, restored if a step fails). A change
of tables is made here only: bump FORMAT_VERSION, add the step to MIGRATIONS, change _TABLES.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

from ..core.errors import ProjectError
from .connection import connect, damaged

# Bump when the tables change, and add the step to MIGRATIONS.
FORMAT_VERSION = 2
# MIGRATIONS[n] upgrades a file from format n to n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}

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


def table_names() -> list[str]:
    """The tables every project file has (read from _TABLES, so a new table counts at once)."""
    return re.findall(r"^CREATE TABLE (\w+)", _TABLES + _TABLES_2, re.MULTILINE)


def create_tables(conn: sqlite3.Connection, entries: list[tuple[str, str]]) -> None:
    """The tables of a new file and its `project` entries. user_version stays 0 until the last
    step: a file cut short here is refused on open."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript("BEGIN IMMEDIATE;" + _TABLES + _TABLES_2 + "COMMIT;")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO project (key, value) VALUES (?, ?)", entries)
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    conn.execute("COMMIT")


def upgrade(path: Path, conn: sqlite3.Connection, read_only: bool) -> sqlite3.Connection:
    """Check the file's format and migrate it to FORMAT_VERSION if it is older; returns the
    connection to use from now on. ProjectError for a file that is not a project, is newer
    than this annotator, or must be migrated but may not be written."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > FORMAT_VERSION:
        raise ProjectError(
            f"{path}: written by a newer annotator (project format {version}; this one "
            f"reads up to {FORMAT_VERSION}). Update annotator to open it.")
    try:
        # `sql` read too: a definition that is not UTF-8 text fails here, not in a command.
        tables = {r[0] for r in conn.execute("SELECT name, sql FROM sqlite_master")}
    except sqlite3.OperationalError:
        raise damaged(path, sqlite3.DatabaseError("its table definitions are damaged")) \
            from None
    if "project" not in tables or version < 1:
        raise ProjectError(f"{path}: not an annotator project")
    seq = [r for r in conn.execute("PRAGMA table_info(documents)") if r[1] == "seq"]
    if not seq or seq[0][5] != 1 or str(seq[0][2]).upper() != "INTEGER":
        # SQLite's integrity check reads the records by the definitions, whatever they say: a
        # damaged byte in this one makes seq a plain column, NULL in every row.
        raise damaged(path, sqlite3.DatabaseError("documents.seq is no longer the table's key"))
    if version < FORMAT_VERSION:
        if read_only:
            raise ProjectError(f"{path}: an older project format ({version}) that must "
                               "be migrated, but the file is read-only")
        conn.close()
        _migrate(path, version)
        conn = connect(path)
    return conn


def _migrate(path: Path, version: int) -> None:
    backup = path.with_name(f"{path.name}.format{version}.bak")
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(backup))
    with dst:
        src.backup(dst)
    dst.close()
    src.close()
    conn = connect(path)
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
