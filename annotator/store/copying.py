"""`annotator copy`: a whole project from one store to another (SQLite file <-> PostgreSQL),
history included.

Rows are copied with their own ids (documents' seq, change log ids), so the change log keeps
its order and its undo/redo links (`reverts`), and an export of the copy is byte for byte the
export of the original. Derived data (the search index, agreement tallies and the settings
that describe them) is not copied: it is rebuilt on first use. The destination must be new
(a file that does not exist, or a database without a project); it is written in one
transaction, so a copy cut short leaves no half project. The source is read in one snapshot:
a project people are working in is copied as it was when the copy began, never half an edit.
"""
from __future__ import annotations

from typing import Callable

from .connection import keyset_pages
from .project import Project

# Table -> columns, in an order that satisfies the foreign keys; the key columns come first.
TABLES = {
    "documents": ("seq", "id", "text", "meta", "content_hash", "length"),
    "layers": ("doc", "name", "data", "updated"),
    "status": ("doc", "annotator", "status", "seconds", "note", "flagged", "updated"),
    "changes": ("id", "at", "who", "doc", "layer", "action", "before", "after", "reverts"),
    "models": ("name", "kind", "data", "meta", "trained_at"),
}
KEYS = {"documents": 1, "layers": 2, "status": 2, "changes": 1, "models": 1}
# Settings about derived tables that are not copied (agreement: its sums and a run's token).
_DERIVED_SETTINGS = ("setting:search_index_version", "setting:agreement-tallies")
CHUNK = 1000


def copy_project(src: Project, dst_location, progress: Callable[[str, int], None] | None = None
                 ) -> dict[str, int]:
    """Copy `src` into a new project at `dst_location`; returns rows copied per table."""
    dst = Project.create(dst_location, src.schema)
    counts: dict[str, int] = {}
    try:
        with src.snapshot(), dst.write():
            entries = [(k, v) for k, v in src.conn.execute(
                "SELECT key, value FROM project ORDER BY key")
                if k != "schema" and not k.startswith(_DERIVED_SETTINGS)]
            dst.conn.executemany(
                "INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value", entries)
            for table, columns in TABLES.items():
                counts[table] = _copy_table(src, dst, table, columns, progress)
            if dst.backend == "postgresql":
                # Identity columns continue after the copied ids.
                for table, column in (("documents", "seq"), ("changes", "id")):
                    dst.conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")
    finally:
        dst.close()
    return counts


def _copy_table(src: Project, dst: Project, table: str, columns: tuple[str, ...],
                progress) -> int:
    names = ", ".join(columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    key = ", ".join(columns[:KEYS[table]])
    copied = 0

    def page(after: tuple) -> list:
        # Page by key (each page starts where the last one ended, found in the key's index):
        # an OFFSET would read and skip every row before the page again.
        where = f"WHERE ({key}) > ({', '.join('?' * len(after))}) " if after else ""
        return src.conn.execute(f"SELECT {names} FROM {table} {where}ORDER BY {key} LIMIT ?",
                                (*after, CHUNK)).fetchall()

    for rows in keyset_pages(page, (), key=lambda row: tuple(row[:KEYS[table]])):
        if table == "models":
            rows = [(*r[:2], bytes(r[2]), *r[3:]) for r in rows]
        dst.conn.executemany(insert, rows)
        copied += len(rows)
        if progress is not None:
            progress(table, copied)
    return copied
