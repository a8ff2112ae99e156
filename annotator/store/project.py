"""The project file: one SQLite database holding schema, documents, layers, status and change log.

`Project` is what every caller uses; it is composed of one module per concern:
  connection.py  opening, pragmas, read-only, the `write()` transaction, SQLite errors
  migrations.py  FORMAT_VERSION, table definitions, MIGRATIONS (backup, then migrate)
  documents.py   documents and import          layers.py   layers and edits
  changes.py     change log, undo/redo, history status.py   status, notes, time, settings

Why mixins rather than a Project holding a DocumentStore, a LayerStore…: callers (GUI, CLI,
formats, assist) call `project.get_layer(…)`, `project.write()`, `project.conn` today, and the
concerns call each other constantly inside one transaction (an edit reads the document, writes
the layer, appends to the log). Mixins keep that one API and one connection while each module
holds one concern's SQL. A mixin may rely on: `self.conn`, `self.write()`, `self.path`,
`self.schema` (ProjectFile and Project below) and the other mixins' methods.

Every edit is one transaction that also appends its before/after to the change log, so undo,
redo and history come from disk and survive a restart; an edit is committed (synchronous=FULL)
before the caller can report it as saved.
"""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from ..core.errors import AnnotatorError, ProjectError, SchemaError
from ..core.records import ImportOutcome, ImportRecord
from ..core.schema import Schema
from .changes import Change, ChangesMixin
from .connection import (BUSY_TIMEOUT_S, ProjectFile, connect, connect_read_only, damaged,
                         dumps, not_saved, now, writable)
from .documents import BATCH_SIZE, DocumentsMixin, content_hash
from .layers import LayersMixin
from .migrations import FORMAT_VERSION, MIGRATIONS, create_tables, upgrade
from .status import STATUSES, DocStatus, StatusMixin


def is_url(location) -> bool:
    """Whether a project location is a PostgreSQL URL rather than a file path (psycopg is
    imported only then: the desktop on a file never loads it)."""
    return isinstance(location, str) and location.lower().startswith(
        ("postgresql://", "postgres://"))


class Project(DocumentsMixin, LayersMixin, ChangesMixin, StatusMixin, ProjectFile):
    """An open project file. Use `Project.create` / `Project.open`, and `close()` when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        super().__init__(path, conn, read_only)
        self.schema = Schema.parse(self._get("schema"))
        self.project_id = self._get("project_id")
        # Texts are immutable once imported; the window re-reads the open one constantly.
        self._text_cache: dict[str, tuple[int, str]] = {}

    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None) -> "Project":
        """A new project: a file, or (a `postgresql://` URL) tables in an empty database."""
        if is_url(path):
            from .postgres import PgProject
            return PgProject.create(path, schema)
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        schema = schema or Schema.default()
        conn = connect(path)
        create_tables(conn, [("project_id", uuid.uuid4().hex), ("schema", schema.source),
                             ("created", now())])
        conn.execute("PRAGMA synchronous = FULL")
        return cls(path, conn)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Project":
        """Open a project file (one it may not write opens read-only, see `read_only`), or the
        project in a PostgreSQL database given by a `postgresql://` URL."""
        if is_url(path):
            from .postgres import PgProject
            return PgProject.open(path, read_only)
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
        read_only = read_only or not writable(path)
        conn = connect_read_only(path) if read_only else connect(path)
        try:
            conn = upgrade(path, conn, read_only)
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


# Names other modules import from here.
__all__ = ["Project", "ImportRecord", "ImportOutcome", "Change", "DocStatus", "STATUSES",
           "FORMAT_VERSION", "MIGRATIONS", "BATCH_SIZE", "BUSY_TIMEOUT_S", "AnnotatorError",
           "content_hash", "damaged", "dumps", "not_saved", "now", "is_url"]
