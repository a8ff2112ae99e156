"""`annotator assist` over many documents in worker processes (a core each), this process
writing what they computed.

Each worker opens the project file read-only, reads its piece of documents with their
suggestions layer, suggests, validates and encodes each layer (annotator.store.bulk), and
hands back (seq, the layer as it read it, what to write or None if unchanged). This
process writes a piece in one transaction; inside it, once anything else has written to the
project since the run started (_OwnWrites), it first reads the suggestions layers of the
piece again: a document whose layer changed since its worker read it (a labeler accepting or
rejecting meanwhile), and a document with rejections of its own (their history is read
here), is suggested here instead. The layers, the change-log rows and their order
are the ones the in-process run writes.

What the workers suggest with is what this process loaded, sent over once per worker: the
zone rules, the zone model (its CRF bytes and the recurring lines), the names or the entity
model (its bytes, as stored in the project). Workers are spawned (as on Windows and macOS,
and no fork of a process that may run Qt threads); where processes cannot be started, this
process does the rest.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..core.model import SUGGESTIONS
from ..store.bulk import Encoded, encode_layer, read_layer_rows, stored_layers

# Fewer documents than this: this process alone (starting the workers and sending them the
# models costs about a second of one core).
PARALLEL_FROM = 4000
# Documents per piece of work: one transaction each when written; small enough that the
# last piece keeps one core alone for a fraction of a second.
WORK_PIECE = 500


def worker_count(project, ids: Sequence[str], workers: int | None) -> int:
    """How many worker processes a run over `ids` uses (1: none, this process does it)."""
    if project.backend != "sqlite" or len(set(ids)) != len(ids):
        return 1  # workers read a file; a document given twice is done twice, in order
    if workers is None:
        workers = (os.cpu_count() or 1) if len(ids) >= PARALLEL_FROM else 1
    return max(1, min(workers, -(-len(ids) // WORK_PIECE)))


def portable(source):
    """What to send a worker for a zone or entity source: itself if it pickles, else (an
    entity model, whose CRF tagger does not) what rebuilds it."""
    from .entity_model import EntityModel
    if isinstance(source, EntityModel):
        return ("entity model", source.to_bytes(), source.meta, source.gaz_index,
                source.min_confidence)
    return source


def _restored(source):
    if isinstance(source, tuple) and source[:1] == ("entity model",):
        from .entity_model import EntityModel
        _kind, data, meta, gaz_index, min_confidence = source
        model = EntityModel.from_bytes(data, meta, gaz_index)
        model.min_confidence = min_confidence
        return model
    return source


def run_in_workers(project, ids: list[str], count: int, rules, names, rejected,
                   rejecting: set[str], suggest_here: Callable, write: Callable,
                   progress: Callable[[int], None] | None = None) -> None:
    """Suggest for `ids` in `count` worker processes, writing piece by piece with `write`
    (project, encoded rows). `suggest_here(project, rows)`: the in-process run's encoded
    rows, for the documents this process does itself."""
    pieces = [ids[i:i + WORK_PIECE] for i in range(0, len(ids), WORK_PIECE)]
    path = str(Path(project.path).resolve())
    setup = (path, portable(rules), portable(names), rejected,
             rules is not None and names is not None)
    done = 0
    writes = _OwnWrites(project)  # taken before any worker reads
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_start, initargs=setup) as pool:
            # A few pieces ahead of the writing, not all of them: the results wait in memory.
            waiting: deque = deque()
            for k, piece in enumerate(pieces):
                waiting.append(pool.submit(_suggest, [d for d in piece if d not in rejecting]))
                if len(waiting) < 2 * count and k + 1 < len(pieces):
                    continue
                while waiting and (len(waiting) >= 2 * count or k + 1 == len(pieces)):
                    results = waiting.popleft().result()
                    _write_piece(project, pieces[done], results, suggest_here, write, writes)
                    done += 1
                    if progress is not None:
                        progress(min(done * WORK_PIECE, len(ids)))
    except (BrokenProcessPool, OSError):
        # No worker processes here (a frozen app without freeze_support, a sandbox): this
        # process does the rest.
        for piece in pieces[done:]:
            _write_piece(project, piece, [], suggest_here, write)
            done += 1
            if progress is not None:
                progress(min(done * WORK_PIECE, len(ids)))


class _OwnWrites:
    """Whether anything but this run wrote to the project since the run started: another
    connection's commit (SQLite's data_version moves), or an edit on this process's own
    connection between two pieces (its total_changes moves outside the run's writes). Until
    then the layers the workers read are still the stored ones, and are not read again."""

    def __init__(self, project):
        self.conn = project.conn if project.backend == "sqlite" else None
        self.version = self._version()
        self.changes = self.conn.total_changes if self.conn is not None else None
        self.foreign = self.conn is None

    def _version(self):
        return None if self.conn is None else \
            self.conn.execute("PRAGMA data_version").fetchone()[0]

    def only_ours(self) -> bool:
        """Nothing else wrote (once something did, every later piece is checked)."""
        if not self.foreign and (self._version() != self.version
                                 or self.conn.total_changes != self.changes):
            self.foreign = True
        return not self.foreign

    def ours_done(self) -> None:
        """This run wrote: what it changed is not another writer's."""
        if self.conn is not None:
            self.changes = self.conn.total_changes


def _write_piece(project, ids: list[str], results: list[tuple], suggest_here: Callable,
                 write: Callable, writes: "_OwnWrites | None" = None) -> None:
    """Write a piece in one transaction, in the order of `ids`: what the workers computed
    for layers still as they read them, the rest computed here."""
    with project.write():
        by_id = {doc_id: (seq, raw, new) for doc_id, seq, raw, new in results}
        if writes is not None and writes.only_ours():
            # (Checked inside the write lock: no other writer can slip in before the write.)
            current = {seq: raw for seq, raw, _n in by_id.values()}
        else:
            current = stored_layers(project, SUGGESTIONS,
                                    [seq for seq, _r, _n in by_id.values()]) if by_id else {}
        here = [d for d in ids if d not in by_id or by_id[d][0] not in current
                or current[by_id[d][0]] != by_id[d][1]]
        computed = dict(zip(here, suggest_here(project, read_layer_rows(
            project, SUGGESTIONS, here)))) if here else {}
        encoded: list[Encoded] = []
        for doc_id in ids:
            found = computed[doc_id] if doc_id in computed else by_id[doc_id][2]
            if found is not None:
                encoded.append(found)
        write(project, encoded)
        if writes is not None:
            writes.ours_done()


# -- in the worker process ------------------------------------------------------------------

_WORKER: dict = {}


def _start(path: str, rules, names, rejected, only_stances: bool) -> None:
    from ..store import Project
    _WORKER.update(project=Project.open(path, read_only=True), rules=_restored(rules),
                   names=_restored(names), rejected=rejected, only_stances=only_stances)


def _suggest(ids: list[str]) -> list[tuple[str, int, str | None, Encoded | None]]:
    """(document id, seq, its suggestions layer as read, what to write or None if
    unchanged) for each of `ids`."""
    from . import suggested_layer
    from ..core.model import layer_problem
    from ..store.bulk import UNREADABLE, current_layer
    w = _WORKER
    project = w["project"]
    out = []
    for row in _rows(project, ids):
        try:
            layer = suggested_layer(current_layer(row, w["only_stances"]), row.text,
                                    w["rules"], w["names"], w["rejected"])
            out.append((row.doc_id, row.seq, row.raw, encode_layer(row, layer, project.schema)))
        except UNREADABLE:
            if layer_problem(row.raw, row.text, project.schema) is None:
                raise
            # A damaged suggestions layer: left out here, so the writing process meets it
            # and says so (assist_documents).
    return out


def _rows(project, ids: list[str], batch: int = 200) -> Iterator:
    for i in range(0, len(ids), batch):
        yield from read_layer_rows(project, SUGGESTIONS, ids[i:i + batch])


__all__ = ["run_in_workers", "worker_count", "portable", "PARALLEL_FROM", "WORK_PIECE"]
