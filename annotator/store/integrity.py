"""`annotator check`: is this project file whole and does everything in it hold?

SQLite's own integrity and foreign-key checks first; then what only we know: the format
version, the schema, every layer against its text and the schema, statuses and times, and
that every change-log row can be read back (undo restores them)."""
from __future__ import annotations

import json
import math
import sqlite3
from typing import Iterator

from ..core.errors import SchemaError
from ..core.model import layer_problem
from ..core.schema import Schema
from .layers import AFRESH
from .migrations import FORMAT_VERSION, table_names
from .project import Project
from .status import STATUSES

MAX_PROBLEMS = 200  # a badly damaged file would otherwise print one line per row


def check(project: Project) -> list[str]:
    """One line per problem found (empty: the file is sound)."""
    problems: list[str] = []
    for line in _problems(project):
        problems.append(f"{project.path}: {line}")
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{project.path}: … stopped after {MAX_PROBLEMS} problems")
            break
    return problems


def _problems(project: Project) -> Iterator[str]:
    conn = project.conn
    if project.backend == "sqlite":
        for line in _file_problems(project):
            if line is None:
                return  # nothing below can be trusted
            yield line
    else:  # a server keeps its own pages and foreign keys sound; the rows are checked below
        missing = [t for t in table_names() if not project.table_columns(t)]
        if missing:
            yield f"table {', '.join(missing)} missing: not a whole project"
            return
    yield from _row_problems(project)


def _file_problems(project: Project) -> Iterator[str]:
    """SQLite's own checks of the file, one line per problem; None: stop checking."""
    conn = project.conn
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(50)")]
    except sqlite3.DatabaseError as exc:
        yield f"SQLite integrity check failed: {exc}"
        yield None
        return
    if rows != ["ok"]:
        for row in rows:
            yield f"SQLite: {row}"
        yield None
        return
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        yield f"{table} row {rowid} refers to a missing {parent} row"
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != FORMAT_VERSION:
        yield f"project format {version}, expected {FORMAT_VERSION}"
    missing = [t for t in table_names() if not project.db[t].exists()]
    if missing:
        yield f"table {', '.join(missing)} missing: not a whole project file"
        yield None  # the checks below read these tables


def _row_problems(project: Project) -> Iterator[str]:
    conn = project.conn
    try:
        schema = Schema.parse(project._get("schema"))
    except (SchemaError, ValueError) as exc:
        yield f"the stored label schema is not valid ({exc})"
        schema = None
    for seq, doc_id, text, meta, length in conn.execute(
            "SELECT seq, id, text, meta, length FROM documents"):
        if len(text) != length:
            yield f"document {doc_id!r}: stored length {length}, text has {len(text)}"
        try:
            if not isinstance(json.loads(meta), dict):
                raise ValueError("not an object")
        except ValueError as exc:
            yield f"document {doc_id!r}: metadata is not a JSON object ({exc})"
    for seq, doc_id, text, name, data in conn.execute(
            "SELECT d.seq, d.id, d.text, l.name, l.data FROM layers l "
            "JOIN documents d ON d.seq = l.doc ORDER BY l.doc, l.name"):
        reason = layer_problem(data, text, schema)
        if reason:
            yield f"document {doc_id!r}, layer {name!r}: {reason}"
    for doc_id, who, status, seconds, note, flagged in conn.execute(
            "SELECT d.id, s.annotator, s.status, s.seconds, s.note, s.flagged FROM status s "
            "JOIN documents d ON d.seq = s.doc"):
        if status not in STATUSES:
            yield f"document {doc_id!r}, status of {who!r}: {status!r} is not a status"
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not math.isfinite(seconds) or seconds < 0:
            yield f"document {doc_id!r}, status of {who!r}: time spent {seconds!r} is not valid"
        if flagged not in (0, 1):
            yield f"document {doc_id!r}, status of {who!r}: review flag {flagged!r}"
    for cid, doc_id, text, layer, action, before, after in conn.execute(
            "SELECT c.id, d.id, d.text, c.layer, c.action, c.before, c.after FROM changes c "
            "LEFT JOIN documents d ON d.seq = c.doc WHERE c.doc IS NOT NULL"):
        if isinstance(action, str) and action.endswith(AFRESH):
            before = None  # the damaged layer a person chose to start afresh, kept on purpose
        for state in (before, after):
            if state is None:
                continue
            if layer is not None:
                reason = layer_problem(state, text, schema)
            else:
                try:
                    value = json.loads(state)
                    reason = None if isinstance(value, dict) else "not an object"
                except ValueError as exc:
                    reason = f"not JSON ({exc})"
            if reason:
                yield f"change-log row {cid} (document {doc_id!r}): {reason}"
                break
