"""The second backend: a project in a PostgreSQL database (a URL `postgresql://…`), for a team
working on one live project.

The concern modules (documents, layers, changes, status, models, batches…) issue their SQL
through `project.conn` with SQLite's `?` placeholders and sqlite3's `execute / executemany /
fetchone / lastrowid`. `PgConnection` gives a psycopg 3 connection that same face, so their
SQL is written once: `?` becomes `%s` (a literal `%` is doubled), `LIMIT ?` takes SQLite's -1
for "no limit", and a one-row INSERT into a table with a generated id returns it as
`lastrowid`. What differs for real lives here and in pg_schema.py: the tables (BYTEA, identity
columns, "C" collation so that ORDER BY sorts as SQLite does), the append-only trigger, the
roles and row-level security, the change notifications, the write transaction (one advisory
lock per project, so writers queue as SQLite's BEGIN IMMEDIATE makes them), and errors.

Durability: every connection runs with synchronous_commit = on, so COMMIT returns only once
the change is flushed to the server's disk (WAL), before the window may say "Saved".
"""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.pq import TransactionStatus

from ..core.errors import NotSavedError, ProjectError, SchemaError
from ..core.schema import Schema
from . import pg_schema
from .connection import now
from .project import Project

# Every writer of a project takes this transaction-scoped advisory lock first: edits are
# read-modify-write of a layer, and the change log's ids must commit in order (undo stacks,
# agreement's "changed since" read them), as they do under SQLite's single writer.
WRITE_LOCK = 0x616E6E6F  # "anno"
CHANNEL = pg_schema.CHANNEL
CONNECT_TIMEOUT_S = 10


def display_url(url: str) -> str:
    """The URL without its password, for messages and window titles."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite-flavoured SQL of the concern modules -> psycopg's."""
    sql = sql.replace("%", "%%").replace(") WITHOUT ROWID", ")")
    sql = re.sub(r"\bLIMIT \?", "LIMIT NULLIF(%s, -1)", sql)
    sql = sql.replace("?", "%s")
    return sql


_RETURNING = re.compile(r"^\s*INSERT INTO (documents|changes)\b(?!.*\bRETURNING\b)",
                        re.IGNORECASE | re.DOTALL)
_ID_COLUMN = {"documents": "seq", "changes": "id"}


class PgCursor:
    """A psycopg cursor with sqlite3's `lastrowid` (set by one-row INSERTs that return it)."""

    def __init__(self, cursor, lastrowid=None):
        self._cursor = cursor
        self.lastrowid = lastrowid

    def fetchone(self):
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self):
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self):
        return iter(self.fetchall())

    @property
    def rowcount(self):
        return self._cursor.rowcount


class PgConnection:
    """sqlite3's connection face over a psycopg connection in autocommit mode: the store
    issues BEGIN / COMMIT itself (ProjectFile.write), as it does with SQLite."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, params=()) -> PgCursor:
        cur = self.raw.cursor()
        match = _RETURNING.match(sql)
        if match:
            cur.execute(translate(sql) + f" RETURNING {_ID_COLUMN[match.group(1)]}",
                        tuple(params) or None)
            return PgCursor(cur, cur.fetchone()[0])
        cur.execute(translate(sql), tuple(params) if params else None)
        return PgCursor(cur)

    def executemany(self, sql: str, rows) -> PgCursor:
        rows = [tuple(r) for r in rows]
        cur = self.raw.cursor()
        if rows:
            cur.executemany(translate(sql), rows)
        return PgCursor(cur)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def connect_url(url: str) -> PgConnection:
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                              application_name="annotator")
    except psycopg.Error as exc:
        raise ProjectError(f"{display_url(url)}: cannot connect: "
                           f"{' '.join(str(exc).split())}") from None
    raw.execute("SET synchronous_commit = on")
    return PgConnection(raw)


# SQLSTATE classes that mean "not saved, and why" (the window shows it and tries again).
_NOT_SAVED = {"53": "disk_full", "08": "io", "57": "io", "42501": "refused",
              "40": "locked", "55P03": "locked", "25006": "read_only"}
_REASON_TEXT = {"disk_full": "the server is out of space", "io": "the connection to the "
                "server was lost", "refused": "the server refused it (your role may not write "
                "this)", "locked": "another writer held the project too long",
                "read_only": "the server is read-only"}


def pg_not_saved(where: str, exc: psycopg.Error) -> NotSavedError | None:
    state = getattr(exc, "sqlstate", None) or ""
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and not state:
        state = "08"
    reason = _NOT_SAVED.get(state) or _NOT_SAVED.get(state[:2])
    if reason is None:
        return None
    # A role's refusal is, for the window, like a read-only file: retrying will not help.
    return NotSavedError(f"{where}: not saved: {_REASON_TEXT[reason]} "
                         f"({' '.join(str(exc).split())})",
                         "read_only" if reason == "refused" else reason)


class PgProjectMixin:
    """What a PostgreSQL project does differently from the SQLite file (see PgProject)."""

    backend = "postgresql"
    # status.LOWEST_CONFIDENCE_SQL with jsonb (the layers keep their JSON as text, as in SQLite).
    LOWEST_CONFIDENCE_SQL = """
        SELECT l.doc, min(CASE WHEN jsonb_typeof(e.value) <> 'object' THEN NULL
                               WHEN jsonb_typeof(e.value -> 'confidence') = 'number'
                               THEN (e.value ->> 'confidence')::float8 ELSE 1.0 END) AS low
        FROM layers l, jsonb_array_elements(
            CASE WHEN jsonb_typeof(l.data::jsonb -> 'entities') = 'array'
                 THEN l.data::jsonb -> 'entities' ELSE '[]'::jsonb END) e
        WHERE l.name = 'suggestions' GROUP BY l.doc"""
    operational_errors = (psycopg.Error, NotSavedError)

    @property
    def location(self) -> str:
        return display_url(self.url)

    @property
    def user(self) -> str:
        return self.conn.execute("SELECT current_user").fetchone()[0]

    def enable_backups(self, every_minutes=None, keep=None):
        return None  # the server's backups (pg_dump, WAL archiving) are the DBA's, not ours

    def close(self) -> None:
        try:
            self.conn.close()
        except psycopg.Error:
            pass

    # The steps of ProjectFile.write, on a server: COMMIT is durable (synchronous_commit =
    # on); writers queue on the project's advisory lock; a nested write is a savepoint.
    _db_error = psycopg.Error

    def _begin(self) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))

    def _begin_snapshot(self) -> None:
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    @contextmanager
    def _savepoint(self, nested: bool):
        if nested:
            with self.conn.raw.transaction():
                yield self
        else:
            yield self  # the transaction itself rolls back on error

    def _not_saved(self, exc) -> NotSavedError | None:
        return pg_not_saved(self.location, exc)

    def table_columns(self, table: str) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ?", (table,))}

    # -- live -------------------------------------------------------------------------------
    def listen(self) -> "ChangeListener":
        """A second connection that hears every committed change (see ChangeListener)."""
        return ChangeListener(self.url)

    def changed_elsewhere(self, listener: "ChangeListener", me: str) -> set[str]:
        """The documents someone other than `me` changed since the last call (layers,
        status: every such write appends to the change log, whose trigger notifies)."""
        seqs = sorted({doc for doc, _cid, who in listener.poll()
                       if doc is not None and who != me})
        if not seqs:
            return set()
        marks = ",".join("?" * len(seqs))
        return {r[0] for r in self.conn.execute(
            f"SELECT id FROM documents WHERE seq IN ({marks})", seqs)}


class ChangeListener:
    """LISTENs for the change log's notifications on its own connection; `poll()` returns,
    without blocking, the (document seq, change id, who) of the changes committed since."""

    def __init__(self, url: str):
        self._conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def poll(self) -> list[tuple[int | None, int, str]]:
        out = []
        try:
            for note in self._conn.notifies(timeout=0, stop_after=0):
                doc, cid, who = note.payload.split(" ", 2)
                out.append((int(doc) if doc else None, int(cid), who))
        except psycopg.Error:
            pass  # a lost connection: the window still shows the last state it read
        return out

    def close(self) -> None:
        self._conn.close()


class PgProject(PgProjectMixin, Project):
    """A project in a PostgreSQL database: the same API as the SQLite file."""

    def __init__(self, url: str, conn: PgConnection, read_only: bool = False):
        self.url = url
        # `path` names the project in messages and batch file names: the database's name.
        name = urlsplit(url).path.strip("/") or "project"
        Project.__init__(self, Path(name), conn, read_only)

    @classmethod
    def create(cls, url: str, schema: Schema | None = None) -> "PgProject":
        conn = connect_url(url)
        with _closed_on_error(conn, url, "create"):
            if pg_schema.is_project(conn):
                raise ProjectError(f"{display_url(url)}: already holds a project")
            schema = schema or Schema.default()
            pg_schema.create_tables(conn, [("project_id", uuid.uuid4().hex),
                                           ("schema", schema.source), ("created", now())])
            return cls(url, conn)

    @classmethod
    def open(cls, url: str, read_only: bool = False) -> "PgProject":
        conn = connect_url(url)
        with _closed_on_error(conn, url, "open"):
            pg_schema.check_format(conn, display_url(url))
            return cls(url, conn, read_only)


@contextmanager
def _closed_on_error(conn: PgConnection, url: str, doing: str):
    """Close the connection when opening or creating fails; the reason as one ProjectError."""
    try:
        yield
    except SchemaError as exc:
        conn.close()
        raise ProjectError(f"{display_url(url)}: the label schema stored in the project is "
                           f"damaged ({exc})") from None
    except psycopg.Error as exc:
        conn.close()
        raise ProjectError(f"{display_url(url)}: cannot {doing} the project: "
                           f"{' '.join(str(exc).split())}") from None
    except BaseException:
        conn.close()
        raise
