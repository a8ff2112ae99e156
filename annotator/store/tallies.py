"""Agreement over a project: reading the labelers' layers, and keeping each document's counts.

`project_agreement` is what `annotator agree` and the agreement panel call. Every agreement
figure comes from integer counts that add up over documents (core.agreement.DocumentTally), so
the project keeps each document's counts and figures (table `agreement_tallies`, created on
first use; derived data, safe to drop) and, as a project setting per selection of labelers,
their sums and the last change-log row seen. Next time, only documents with a newer change-log
row for one of the labelers' layers are computed again: their old counts are taken out of the
sums and the new ones added. Every layer write appends a change-log row, so nothing is missed.

The first run over a large project computes every document: that work is split over the
machine's cores (worker processes, each reading the project file through its own read-only
connection, started with "spawn" as on Windows and macOS); the counts add up, so the sums of
the parts are the figures of the whole.
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..core.agreement import DEFAULT_TOLERANCE, Agreement, Marks, StoredLayers, labelers_of
from ..core.errors import NotSavedError, ValidationError
from ..core.schema import Schema
from .connection import keyset_pages
from .project import BUSY_TIMEOUT_S, Project, dumps

# Bump when a definition in core.agreement changes: rows of older versions are then ignored.
# 2: each row also keeps the document's disagreement count (the review queue's order).
TALLY_VERSION = 2
_BATCH = 1000
# Fewer documents than this to compute: one process (starting workers costs ~0.3 s).
PARALLEL_FROM = 4000
# Documents per piece of work handed to a worker process: small enough that the last piece
# keeps one core alone for only ~0.5 s.
_WORK_PIECE = 1000
# Rows computed from scratch are kept in transactions of about this many (a commit waits for
# the disk).
_KEEP_EVERY = 5000

# A computed document: (seq, document id, tally JSON, figures JSON, figures, disagreements).
# The figures come along decoded too: decoding 100,000 of them again here would cost this one
# process seconds.
Row = tuple[int, str, str, str, dict, int]
# A stored layer agreement left out: (seq, document id, layer name, what is wrong).
Damaged = tuple[int, str, str, str]

_TABLE = """CREATE TABLE IF NOT EXISTS agreement_tallies (
    selection TEXT NOT NULL,            -- JSON [version, labelers, tolerance]
    doc INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    tally TEXT NOT NULL,                -- JSON of core.agreement.DocumentTally
    figures TEXT NOT NULL,              -- JSON: the document's own figures
    disagreements INTEGER NOT NULL,     -- units a reviewer has to settle (the review queue)
    PRIMARY KEY (selection, doc)
) WITHOUT ROWID"""
# The review queue reads a page of it in this order without sorting the whole selection.
_QUEUE_INDEX = ("CREATE INDEX IF NOT EXISTS agreement_queue ON agreement_tallies "
                "(selection, disagreements DESC, doc)")


def iter_labeler_marks(project: Project, labelers: Sequence[str], seqs: Iterable[int] | None = None,
                       minimum: int = 2, damaged: list[Damaged] | None = None
                       ) -> Iterator[tuple[str, str, dict[str, Marks]]]:
    """(document id, text, {labeler: Marks}) in queue order for the documents that at least
    `minimum` of the labelers have a sound layer for; only those documents' texts are read.
    Layers that are not sound are left out, and listed in `damaged` if given."""
    stored = StoredLayers(project.schema)
    found: list[Damaged] = [] if damaged is None else damaged
    for _seq, doc_id, text, by_labeler in _iter_marks(project.conn, labelers, seqs, minimum,
                                                      stored, found):
        yield doc_id, text, by_labeler


def _iter_marks(conn: sqlite3.Connection, labelers: Sequence[str], seqs: Iterable[int] | None,
                minimum: int, stored: StoredLayers, damaged: list[Damaged]
                ) -> Iterator[tuple[int, str, str, dict[str, Marks]]]:
    names = ",".join("?" * len(labelers))
    for chunk in _seq_chunks(conn, seqs):
        marks = ",".join("?" * len(chunk))
        layers: dict[int, dict[str, str]] = {}
        for seq, name, data in conn.execute(
                f"SELECT doc, name, data FROM layers WHERE doc IN ({marks}) AND name IN ({names})",
                (*chunk, *labelers)):
            layers.setdefault(seq, {})[name] = data
        wanted = sorted(seq for seq, found in layers.items() if len(found) >= minimum)
        if not wanted:
            continue
        marks = ",".join("?" * len(wanted))
        for seq, doc_id, text in conn.execute(
                f"SELECT seq, id, text FROM documents WHERE seq IN ({marks}) ORDER BY seq", wanted):
            by_labeler: dict[str, Marks] = {}
            read: dict[str, Marks] = {}  # layers stored byte for byte alike are read once
            for name, data in layers[seq].items():
                found = read.get(data)
                if found is None:
                    try:
                        found = read[data] = stored.marks(data, text)
                    except ValidationError as exc:
                        damaged.append((seq, doc_id, name, str(exc)))
                        continue
                by_labeler[name] = found
            if len(by_labeler) >= minimum:
                yield seq, doc_id, text, by_labeler


def _seq_chunks(conn: sqlite3.Connection, seqs: Iterable[int] | None) -> Iterator[list[int]]:
    if seqs is not None:
        ordered = sorted(set(seqs))
        for i in range(0, len(ordered), _BATCH // 2):
            yield ordered[i:i + _BATCH // 2]
        return
    for rows in keyset_pages(lambda last: conn.execute(
            "SELECT seq FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
            (last, _BATCH // 2)).fetchall(), 0):
        yield [r[0] for r in rows]


def project_agreement(project: Project, labelers: Sequence[str] | None = None,
                      tolerance: int = DEFAULT_TOLERANCE, per_document: bool = True,
                      progress: Callable[[int], None] | None = None,
                      keep_tallies: bool = True, workers: int | None = None,
                      figures_json: bool = False) -> dict[str, Any]:
    """The agreement report (see core.agreement) between `labelers` (default: every layer but
    gold and suggestions), reusing the counts kept for documents that did not change.

    `figures_json`: the per-document figures as their JSON text (as kept in the project), for
    a caller that writes them out: decoding and encoding 100,000 of them again cost seconds.

    `workers`: processes computing the documents; default one per core when there are at
    least PARALLEL_FROM documents to compute, else 1 (this process).

    A stored layer that is not sound (a file edited by hand or damaged) is left out of every
    figure, and listed in the report's "damaged": [{document, layer, problem}]. Its document
    is read again on every run, until it is sound (a hand edit leaves no change-log row)."""
    labelers = list(labelers) if labelers else labelers_of(project.layer_names())
    agreement = Agreement(labelers, tolerance, per_document=False)
    if len(labelers) < 2:
        return {**agreement.report(), "damaged": []}
    selection = dumps([TALLY_VERSION, labelers, tolerance])
    setting = "agreement-tallies:" + selection
    # Read before the layers: a change made while we compute is then seen as new next time.
    latest = project.conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
    kept = project.get_setting(setting) if keep_tallies and _has_table(project) else None
    stale: set[int] | None = None
    if kept is not None:
        try:
            kept, stale = _load_kept(project, agreement, selection, labelers, kept)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            # Kept counts that do not read back (a hand-edited file): derived data, so
            # everything is computed again.
            kept, stale = None, None
            agreement = Agreement(labelers, tolerance, per_document=False)
    todo = sorted(stale) if stale is not None else _all_seqs(project)
    # seq -> (document id, tally JSON, figures JSON, figures or None, disagreements)
    fresh: dict[int, tuple] = {}
    decoded = per_document and not figures_json
    # Computed from scratch: the rows are kept, a few thousand at a time, as they arrive while
    # the workers compute the next ones (at the end, this process wrote 100,000 rows alone).
    token = _start_keeping(project, selection, setting) if keep_tallies and stale is None \
        else None
    waiting: list[Row] = []
    damaged: list[Damaged] = []
    for rows, totals, bad in _compute_all(project, labelers, tolerance, todo, workers, decoded):
        agreement.add_totals(totals)
        damaged += bad
        waiting += rows
        if token and len(waiting) >= _KEEP_EVERY:
            token = token if _keep_rows(project, selection, token, waiting) else None
            waiting = []
        for seq, *row in rows:
            fresh[seq] = row
        if progress and rows:
            progress(len(fresh))
    state = {"through": latest, "totals": agreement.totals_json(),
             "damaged": sorted({seq for seq, *_rest in damaged})}
    kept_whole = bool(token) and _keep_rows(project, selection, token, waiting, setting, state)
    if not kept_whole and keep_tallies and (fresh or stale or kept is None
                                            or kept["through"] != latest):
        _keep(project, selection, setting, state, fresh, stale)
    report = agreement.report()
    report["damaged"] = [{"document": doc_id, "layer": name, "problem": problem}
                         for _seq, doc_id, name, problem in damaged]
    if per_document:
        report["documents"] = _document_figures(project, selection, fresh, stale is None,
                                                figures_json)
    return report


def _load_kept(project: Project, agreement: Agreement, selection: str, labelers: list[str],
               kept: str) -> tuple[dict, set[int]]:
    """The kept sums loaded into `agreement`, less the counts of the documents to compute
    again (changed since, or with a damaged layer last time): (the setting, those documents).
    Raises ValueError, KeyError… if what is kept does not read back."""
    state = json.loads(kept)
    agreement.load_totals(state["totals"])
    stale = {r[0] for r in project.conn.execute(
        f"SELECT DISTINCT doc FROM changes WHERE id > ? AND layer IN "
        f"({','.join('?' * len(labelers))})", (state["through"], *labelers))}
    stale.update(int(seq) for seq in state.get("damaged", ()))
    for chunk in _chunks(sorted(stale)):
        for (data,) in project.conn.execute(
                f"SELECT tally FROM agreement_tallies WHERE selection = ? AND doc IN "
                f"({','.join('?' * len(chunk))})", (selection, *chunk)):
            agreement.add_json(json.loads(data), -1)
    return state, stale


def _compute_all(project: Project, labelers: list[str], tolerance: int, seqs: list[int],
                 workers: int | None, decoded: bool = False
                 ) -> Iterator[tuple[list[Row], dict, list[Damaged]]]:
    """The counts of the documents `seqs` (ascending), piece by piece: (rows, their sums as
    Agreement.totals_json, the layers left out as damaged). `decoded`: the rows carry the
    figures decoded too."""
    schema = project.schema.source
    if workers is None:
        workers = (os.cpu_count() or 1) if len(seqs) >= PARALLEL_FROM else 1
    pieces = list(_chunks(seqs, _WORK_PIECE if workers > 1 else _BATCH * 10))
    if workers <= 1 or not pieces or project.backend != "sqlite":  # workers read a file
        for piece in pieces:
            yield _compute(project.conn, labelers, tolerance, piece, schema, decoded)
        return
    path = str(Path(project.path).resolve())
    done = 0
    try:
        # "spawn" everywhere: what Windows and macOS do anyway, and no fork of a process that
        # may run Qt threads. As with any spawned worker, a script that ends up here must
        # start from an `if __name__ == "__main__":` block.
        with ProcessPoolExecutor(min(workers, len(pieces)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            for result in pool.map(_compute_in_worker,
                                   [(path, labelers, tolerance, piece, schema, decoded)
                                    for piece in pieces]):
                yield result
                done += 1
    except (BrokenProcessPool, OSError):
        # No worker processes here (a frozen app without freeze_support, a sandbox):
        # this process does the rest.
        for piece in pieces[done:]:
            yield _compute(project.conn, labelers, tolerance, piece, schema, decoded)


def _compute(conn: sqlite3.Connection, labelers: list[str], tolerance: int, seqs: list[int],
             schema: str, decoded: bool = False) -> tuple[list[Row], dict, list[Damaged]]:
    """`schema`: its source text (what a worker process is sent)."""
    agreement = Agreement(labelers, tolerance, per_document=False)
    rows: list[Row] = []
    damaged: list[Damaged] = []
    encode = _ENCODER.encode
    for seq, doc_id, text, by_labeler in _iter_marks(conn, labelers, seqs, 2,
                                                     StoredLayers(Schema.parse(schema)),
                                                     damaged):
        tally = agreement.tally(text, by_labeler)
        agreement.add_tally(doc_id, tally)
        figures = tally.figures()
        rows.append((seq, doc_id, encode(tally.to_json()), encode(figures),
                     figures if decoded else None, tally.disagreements))
    return rows, agreement.totals_json(), damaged


# store.project.dumps, made once: it is called twice for each of 100,000 documents. Our own
# tallies and figures hold no cycles; not looking for them makes encoding a third faster.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _compute_in_worker(work: tuple[str, list[str], int, list[int], str, bool]
                       ) -> tuple[list[Row], dict, list[Damaged]]:
    path, labelers, tolerance, seqs, schema, decoded = work
    # This process only computes and exits: it makes no reference cycles worth collecting,
    # and collecting passes over its many small tuples and dicts cost a third of its time.
    gc.disable()
    conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True,
                           timeout=BUSY_TIMEOUT_S)
    try:
        return _compute(conn, labelers, tolerance, seqs, schema, decoded)
    finally:
        conn.close()


def _chunks(items: list, size: int = 900) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _document_figures(project: Project, selection: str, fresh: dict[int, tuple],
                      all_fresh: bool, as_json: bool = False) -> dict[str, Any]:
    """Per-document figures in queue order: those just computed, the rest as kept; `as_json`:
    each as its JSON text."""
    rows: list[tuple[int, str, Any]] = [
        (seq, doc_id, text if as_json else figures)
        for seq, (doc_id, _t, text, figures, _n) in fresh.items()]
    if not all_fresh:
        kept = project.conn.execute(
            "SELECT t.doc, d.id, t.figures FROM agreement_tallies t JOIN documents d "
            "ON d.seq = t.doc WHERE t.selection = ?", (selection,))
        rows += [(seq, doc_id, figures if as_json else json.loads(figures))
                 for seq, doc_id, figures in kept if seq not in fresh]
    rows.sort(key=lambda r: r[0])
    return {doc_id: figures for _seq, doc_id, figures in rows}


def _has_table(project: Project) -> bool:
    columns = project.table_columns("agreement_tallies")
    if columns and "disagreements" not in columns:
        # Kept by an older version, without the review queue's counts: derived data, so it
        # is dropped and computed again (once).
        try:
            forget_tallies(project)
        except (*project.operational_errors, NotSavedError):
            pass  # read-only: computed in memory this time
        return False
    return bool(columns)


def _keep(project: Project, selection: str, setting: str, state: dict,
          fresh: dict[int, tuple], stale: set[int] | None) -> None:
    """`state`: the selection's setting (the last change-log row seen, the sums, the
    documents with a damaged layer)."""
    try:
        with project.write():
            if not project.table_columns("agreement_tallies"):  # a server project has it
                project.conn.execute(_TABLE)
                project.conn.execute(_QUEUE_INDEX)
            if stale is None:  # computed from scratch: rows of this selection are all replaced
                project.conn.execute("DELETE FROM agreement_tallies WHERE selection = ?",
                                     (selection,))
            else:
                project.conn.executemany(
                    "DELETE FROM agreement_tallies WHERE selection = ? AND doc = ?",
                    [(selection, seq) for seq in stale])
            project.conn.executemany(
                "INSERT INTO agreement_tallies (selection, doc, tally, figures, disagreements) "
                "VALUES (?, ?, ?, ?, ?)",
                [(selection, seq, tally, figures, count)
                 for seq, (_id, tally, figures, _f, count) in fresh.items()])
            project.set_setting(setting, dumps(state))
            # A run keeping this selection piece by piece stops: these rows are the whole.
            project.conn.execute("DELETE FROM project WHERE key = ?",
                                 ("setting:" + _RUN + selection,))
    except (*project.operational_errors, NotSavedError):
        pass  # a read-only or busy file: the figures are right, only not kept for next time


def _start_keeping(project: Project, selection: str, setting: str) -> str | None:
    """Make room for a selection computed from scratch, kept piece by piece; returns this
    run's token, None when the file cannot be written.

    The selection's rows and setting go first: until the last `_keep_rows` writes the
    setting again, no run takes the rows kept so far for a whole (it computes everything
    again). The token (a setting of its own) says which run's rows these are: another run of
    the same selection that starts meanwhile takes it over, and this one stops keeping rows
    piece by piece, so two runs never mix their rows."""
    token = os.urandom(8).hex()
    try:
        with project.write():
            if not project.table_columns("agreement_tallies"):  # a server project has it
                project.conn.execute(_TABLE)
                project.conn.execute(_QUEUE_INDEX)
            project.conn.execute("DELETE FROM agreement_tallies WHERE selection = ?",
                                 (selection,))
            project.conn.execute("DELETE FROM project WHERE key = ?", ("setting:" + setting,))
            project.set_setting(_RUN + selection, token)
        return token
    except (*project.operational_errors, NotSavedError):
        return None  # a read-only or busy file: the figures are right, only not kept


# Setting (+ selection): the token of the run keeping that selection's rows piece by piece.
_RUN = "agreement-tallies-run:"


def _keep_rows(project: Project, selection: str, token: str, rows: list[Row],
               setting: str | None = None, state: dict | None = None) -> bool:
    """Rows of the run holding `token`, in a transaction of their own (a labeler saving
    meanwhile waits for one piece, not for the whole computation); with `setting`, the last
    ones, and the selection's setting (`state`, as for `_keep`) with them. False: not kept (the file is busy or read-only,
    or another run took the selection over)."""
    try:
        with project.write():
            if project.get_setting(_RUN + selection) != token:
                return False
            project.conn.executemany(
                "INSERT INTO agreement_tallies (selection, doc, tally, figures, disagreements) "
                "VALUES (?, ?, ?, ?, ?)",
                [(selection, seq, tally, figures, count)
                 for seq, _id, tally, figures, _f, count in rows])
            if setting is not None:
                project.set_setting(setting, dumps(state))
                project.conn.execute("DELETE FROM project WHERE key = ?",
                                     ("setting:" + _RUN + selection,))
        return True
    except (*project.operational_errors, NotSavedError):
        return False


def forget_tallies(project: Project) -> None:
    """Drop the kept counts (the next agreement computes everything again)."""
    with project.write():
        project.conn.execute("DROP TABLE IF EXISTS agreement_tallies")
        project.conn.execute("DELETE FROM project WHERE key LIKE 'setting:agreement-tallies:%' "
                             "OR key LIKE 'setting:agreement-tallies-run:%'")


# -- the review queue -----------------------------------------------------------------------------

QueueRow = tuple[str, int, str]  # (document id, disagreements, the reviewer's status)


def review_queue(project: Project, labelers: Sequence[str] | None = None,
                 reviewer: str | None = None, offset: int = 0, limit: int | None = None,
                 damaged: list[dict] | None = None) -> list[QueueRow]:
    """The documents two or more of `labelers` (default: every labeler) have, most
    disagreements first (queue order among equals), with the reviewer's status ("todo" without
    a reviewer); `offset` / `limit` give one page of it.

    The counts are the ones agreement keeps per document (the same as
    core.adjudication.disagreements): opening the queue brings them up to date (only documents
    changed since are computed) and reads a page in index order, instead of comparing every
    document's layers on open. A read-only project file is computed in memory.

    Layers left out as damaged (see project_agreement) are added to `damaged` if given."""
    # Sorted: the counts do not depend on the order, and `annotator agree` keeps them so.
    labelers = sorted(labelers) if labelers else labelers_of(project.layer_names())
    if len(labelers) < 2:
        return []
    report = project_agreement(project, labelers, per_document=False)
    if damaged is not None:
        damaged += report["damaged"]
    selection = dumps([TALLY_VERSION, labelers, DEFAULT_TOLERANCE])
    page = -1 if limit is None else limit
    if _has_table(project) and project.get_setting("agreement-tallies:" + selection):
        rows = project.conn.execute(
            "SELECT d.id, t.disagreements, coalesce(s.status, 'todo') FROM agreement_tallies t "
            "JOIN documents d ON d.seq = t.doc "
            "LEFT JOIN status s ON s.doc = t.doc AND s.annotator = ? "
            "WHERE t.selection = ? ORDER BY t.disagreements DESC, t.doc LIMIT ? OFFSET ?",
            (reviewer or "", selection, page, offset)).fetchall()
        return rows if reviewer else [(d, n, "todo") for d, n, _s in rows]
    counted = sorted((-row[4], seq, row[0]) for rows, _totals, _bad in _compute_all(
        project, labelers, DEFAULT_TOLERANCE, _all_seqs(project), 1) for seq, *row in rows)
    chosen = counted[offset:None if limit is None else offset + limit]
    return [(doc_id, -neg, project.get_status(doc_id, reviewer).status if reviewer else "todo")
            for neg, _seq, doc_id in chosen]


def _all_seqs(project: Project) -> list[int]:
    # Sorted here: ORDER BY seq would walk the table itself (every text's first page), where
    # without it SQLite reads the seqs from a narrow index.
    return sorted(r[0] for r in project.conn.execute("SELECT seq FROM documents"))
