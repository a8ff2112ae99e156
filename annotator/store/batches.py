"""Handing documents to labelers as project files (pack), and bringing their work back (merge).

A batch file is a project file like any other: same project id and schema as the project it
came from, the documents given to one labeler, that labeler's layer, status and history so far
(plus the machine suggestions, as help), and the setting `batch.labeler` naming whose it is.
The labeler opens it in the window on another machine, offline.

Merging brings back the layers the file's labeler owns (and their status, time, notes and
change-log rows) and never touches any other layer. It is safe to repeat and to do in any
order: history rows already in the project are recognised and not added twice, and for each
layer the later state wins — the file's, if the project's state appears in the file's history
(the labeler went on from it), the project's, if the file's state appears in the project's
history (an older copy of the file), otherwise the one saved last. Each layer taken from the
file is written as one change with action "merge", which undo reverts.
"""
from __future__ import annotations

import json
import math
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..core.errors import ProjectError, ValidationError
from ..core.model import GOLD, SUGGESTIONS, layer_problem
from ..core.schema import Schema
from . import review_decisions
from .connection import pages_problem
from .project import STATUSES, Project, now

BATCH_LABELER = "batch.labeler"
MERGE = "merge"  # the change-log action of a layer brought in by merge
BATCH_PACKED_AT = "batch.packed_at"
RESERVED = (GOLD, SUGGESTIONS)
# Project settings that describe the source file's own state and mean nothing in a batch.
_NOT_COPIED = ("setting:agreement-tallies", review_decisions.SETTING_ROW_PREFIX)
_CHUNK = 500


# -- pack --------------------------------------------------------------------------------------

def assign(doc_ids: Sequence[str], labelers: Sequence[str], overlap: float = 0.2,
           copies: int = 2, seed: int | None = None) -> dict[str, list[str]]:
    """Who gets which document: round-robin over the labelers, and an `overlap` share of the
    documents (spread evenly; picked at random with `seed`) given to `copies` labelers each,
    for agreement. Deterministic; each labeler's list keeps the queue order."""
    if not labelers:
        raise ValidationError("no labelers given")
    if len(set(labelers)) != len(labelers):
        raise ValidationError("a labeler is named twice")
    if not 0 <= overlap <= 1:
        raise ValidationError(f"overlap must be between 0 and 1, not {overlap}")
    if copies < 2:
        raise ValidationError("an overlap document goes to at least 2 labelers")
    copies = min(copies, len(labelers))
    order = list(range(len(doc_ids)))
    if seed is not None:
        random.Random(seed).shuffle(order)
    n = len(order)
    shared = round(overlap * n) if len(labelers) > 1 else 0
    out: dict[str, list[int]] = {name: [] for name in labelers}
    turn = 0
    for i, index in enumerate(order):
        # Evenly spread: document i is shared when the running share passes a whole number.
        takers = copies if shared and (i + 1) * shared // n > i * shared // n else 1
        for j in range(takers):
            out[labelers[(turn + j) % len(labelers)]].append(index)
        turn += takers
    return {name: [doc_ids[i] for i in sorted(indexes)] for name, indexes in out.items()}


@dataclass
class Packed:
    labeler: str
    path: Path
    documents: int
    shared: int  # of which also given to another labeler


def batch_path(project: Project, out_dir: Path, labeler: str) -> Path:
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", labeler).strip(". ") or "labeler"
    return Path(out_dir) / f"{project.path.stem}.{safe}{project.path.suffix or '.db'}"


def pack(project: Project, out_dir: str | Path, labelers: Sequence[str], overlap: float = 0.2,
         copies: int = 2, seed: int | None = None, replace: bool = False) -> list[Packed]:
    """Write one batch file per labeler into `out_dir`. Refuses (ProjectError, nothing
    written) if a file is there already, unless `replace`: it may hold work not merged yet."""
    for name in labelers:
        if not name or not name.strip() or name in RESERVED:
            raise ValidationError(f"{name!r} cannot be a labeler's name")
    plan = assign(project.document_ids(), labelers, overlap, copies, seed)
    out_dir = Path(out_dir)
    paths = {name: batch_path(project, out_dir, name) for name in labelers}
    if len(set(paths.values())) != len(paths):
        raise ValidationError("two labelers' names give the same file name")
    for name, path in paths.items():
        if path.resolve() == project.path.resolve():
            raise ProjectError(f"{path}: is the project itself")
        if path.exists() and not replace:
            raise ProjectError(f"{path}: already exists (it may hold work not merged yet); "
                               "merge it, move it away or pack with --force")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for ids in plan.values():
        for doc_id in ids:
            counts[doc_id] = counts.get(doc_id, 0) + 1
    packed = []
    for name in labelers:
        _write_batch(project, paths[name], name, plan[name])
        packed.append(Packed(name, paths[name], len(plan[name]),
                             sum(1 for d in plan[name] if counts[d] > 1)))
    return packed


def _write_batch(project: Project, path: Path, labeler: str, doc_ids: list[str]) -> None:
    tmp = path.with_name(path.name + ".packing")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    src = project.conn
    batch = Project.create(tmp, Schema.parse(project.schema.source))
    try:
        with batch.write():
            rows = [r for r in src.execute("SELECT key, value FROM project")
                    if not r[0].startswith(_NOT_COPIED)]
            batch.conn.executemany("INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
                                   rows)
            batch.conn.executemany("INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
                                   [("setting:" + BATCH_LABELER, labeler),
                                    ("setting:" + BATCH_PACKED_AT, now())])
            change_ids: dict[int, int] = {}
            for i in range(0, len(doc_ids), _CHUNK):
                _copy_documents(src, batch, labeler, doc_ids[i:i + _CHUNK], change_ids)
            from .models import copy_models
            copy_models(project, batch)  # the labeler's window suggests with it offline
        batch.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        batch.close()
        tmp.unlink(missing_ok=True)
        raise
    batch.close()
    os.replace(tmp, path)


def _copy_documents(src, batch: Project, labeler: str, doc_ids: list[str],
                    change_ids: dict[int, int]) -> None:
    marks = ",".join("?" * len(doc_ids))
    docs = src.execute(f"SELECT seq, id, text, meta, content_hash, length FROM documents "
                       f"WHERE id IN ({marks}) ORDER BY seq", doc_ids).fetchall()
    seq_of: dict[int, int] = {}
    for seq, *row in docs:
        cur = batch.conn.execute("INSERT INTO documents (id, text, meta, content_hash, length) "
                                 "VALUES (?, ?, ?, ?, ?)", row)
        seq_of[seq] = cur.lastrowid
    seqs = list(seq_of)
    marks = ",".join("?" * len(seqs))
    batch.conn.executemany(
        "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?)",
        [(seq_of[doc], name, data, updated) for doc, name, data, updated in src.execute(
            f"SELECT doc, name, data, updated FROM layers WHERE doc IN ({marks}) "
            f"AND name IN (?, ?)", (*seqs, labeler, SUGGESTIONS))])
    batch.conn.executemany(
        "INSERT INTO status (doc, annotator, status, seconds, note, flagged, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(seq_of[r[0]], *r[1:]) for r in src.execute(
            f"SELECT doc, annotator, status, seconds, note, flagged, updated FROM status "
            f"WHERE doc IN ({marks}) AND annotator = ?", (*seqs, labeler))])
    # The labeler's history comes along, so that undo in their window reaches back past the
    # pack; merge recognises these rows when they come home.
    for cid, at, who, doc, layer, action, before, after, reverts in src.execute(
            f"SELECT id, at, who, doc, layer, action, before, after, reverts FROM changes "
            f"WHERE doc IN ({marks}) AND (layer = ? OR (layer IS NULL AND who = ?)) "
            f"ORDER BY id", (*seqs, labeler, labeler)):
        cur = batch.conn.execute(
            "INSERT INTO changes (at, who, doc, layer, action, before, after, reverts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (at, who, seq_of[doc], layer, action, before, after, change_ids.get(reverts)))
        change_ids[cid] = cur.lastrowid


# -- merge -------------------------------------------------------------------------------------

@dataclass
class Merged:
    path: Path
    labelers: list[str]
    taken: int = 0        # layers the file brought
    kept: int = 0         # layers where the project's state is the later one
    unchanged: int = 0
    history: int = 0      # change-log rows added
    statuses: int = 0
    problems: list[str] = field(default_factory=list)  # one line each: documents skipped
    ignored_layers: list[str] = field(default_factory=list)


def owned_layers(batch: Project) -> list[str]:
    """The layers a batch file brings back: its labeler's; for a project file not made by
    pack, every layer but gold and the suggestions."""
    labeler = batch.get_setting(BATCH_LABELER)
    if labeler:
        return [labeler]
    return sorted(set(batch.layer_names()) - set(RESERVED))


_READ_FROM_BATCH = ("project", "layers", "status", "changes")


def merge(project: Project, path: str | Path, layers: Sequence[str] | None = None) -> Merged:
    """Bring a labeler's file back (see the module docstring). Raises ProjectError, with
    nothing changed, for a file of another project or with another schema."""
    path = Path(path)
    if path.resolve() == project.path.resolve():
        raise ProjectError(f"{path}: is the project itself")
    batch = Project.open(path)
    try:
        problem = pages_problem(batch.conn, _READ_FROM_BATCH)
        if problem is not None:
            # Damaged pages give back rows that contradict each other (a layer of a document
            # the file does not have): nothing is read from such a file. (The documents
            # table is read whole, in its order, ids and hashes only: checking its pages
            # would read every text, ~1 s more on a 10,000-document file from disk.)
            raise ProjectError(f"{path}: the labeler's file is damaged ({problem}); nothing "
                               "merged")
        if batch.project_id != project.project_id:
            raise ProjectError(f"{path}: belongs to another project (project id "
                               f"{batch.project_id}, this one is {project.project_id})")
        if batch.schema.source != project.schema.source:
            raise ProjectError(f"{path}: its label schema differs from this project's; "
                               "merge refused")
        owned = list(layers) if layers else owned_layers(batch)
        for name in owned:
            if name in RESERVED:
                raise ValidationError(f"{path}: the {name} layer is not a labeler's; "
                                      "it is never merged")
        result = Merged(path, owned)
        result.ignored_layers = sorted(set(batch.layer_names()) - set(owned) - {SUGGESTIONS})
        if owned:
            with project.write():
                _merge_into(project, batch, owned, result)
                labeler = batch.get_setting(BATCH_LABELER)
                if labeler:  # a packed batch: its documents are what this labeler was given
                    project.record_assigned(labeler, (d for d in batch.document_ids()
                                                      if project.has_document(d)))
        return result
    finally:
        batch.close()


def _merge_into(project: Project, batch: Project, owned: list[str], result: Merged) -> None:
    main = project.conn
    their_docs = batch.conn.execute("SELECT seq, id, content_hash FROM documents ORDER BY seq"
                                    ).fetchall()
    ours: dict[str, tuple[int, str, str]] = {}
    ids = [d[1] for d in their_docs]
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for seq, doc_id, digest, text in main.execute(
                f"SELECT seq, id, content_hash, text FROM documents WHERE id IN "
                f"({','.join('?' * len(chunk))})", chunk):
            ours[doc_id] = (seq, digest, text)
    seq_of: dict[int, int] = {}
    for their_seq, doc_id, digest in their_docs:
        if doc_id not in ours:
            result.problems.append(f"{result.path}: document {doc_id!r} is not in the project: "
                                   "skipped")
        elif ours[doc_id][1] != digest:
            result.problems.append(f"{result.path}: document {doc_id!r} has other text than "
                                   "in the project: skipped")
        else:
            seq_of[their_seq] = ours[doc_id][0]
    text_of = {seq: text for seq, _digest, text in ours.values()}
    their_seqs = list(seq_of)
    for i in range(0, len(their_seqs), _CHUNK):
        chunk = {s: seq_of[s] for s in their_seqs[i:i + _CHUNK]}
        for their_seq, reason in _refused(project, batch, owned, chunk, text_of).items():
            what, detail = reason
            result.problems.append(f"{result.path}: {what} of document "
                                   f"{_doc_id(project, chunk.pop(their_seq))!r} is broken "
                                   f"({detail}): skipped, nothing of the document merged")
        if chunk:
            _merge_chunk(project, batch, owned, chunk, text_of, result)


def _refused(project: Project, batch: Project, owned: list[str], seq_of: dict[int, int],
             text_of: dict[int, str]) -> dict[int, tuple[str, str]]:
    """The documents of a chunk whose layers, statuses or change-log rows break an invariant,
    with the first reason. A labeler's file is untrusted input: everything it brings is
    checked here, whatever its change log says, so a tampered file cannot carry a span outside
    the text, a label outside the schema, a made-up status or time, or a history undo would
    restore. States the project already holds for the document (its layers, its change log:
    written through the store, so checked) and states checked once are not checked again:
    a change's `before` is the previous change's `after`."""
    bad: dict[int, tuple[str, str]] = {}  # their seq -> (what, why)
    names = ",".join("?" * len(owned))
    theirs = list(seq_of)
    good: set[tuple[int, str]] = set()  # (our seq, layer JSON) known to hold
    ours = list(seq_of.values())
    for doc, data in _select(project.conn, f"SELECT doc, data FROM layers WHERE doc IN "
                                           f"({{marks}}) AND name IN ({names})", ours, *owned):
        good.add((doc, data))
    for doc, before, after in _select(
            project.conn, f"SELECT doc, before, after FROM changes WHERE doc IN ({{marks}}) "
                          f"AND layer IN ({names})", ours, *owned):
        good.update(((doc, before), (doc, after)))

    def check_layer(doc: int, data: str | None, what: str) -> None:
        if data is None or doc in bad or (seq_of[doc], data) in good:
            return
        problem = layer_problem(data, text_of[seq_of[doc]], project.schema)
        if problem:
            bad[doc] = (what, problem)
        else:
            good.add((seq_of[doc], data))

    for doc, name, data in _select(
            batch.conn, f"SELECT doc, name, data FROM layers WHERE doc IN ({{marks}}) "
                        f"AND name IN ({names})", theirs, *owned):
        check_layer(doc, data, f"layer {name!r}")
    for doc, who, status, seconds, note, flagged, updated in _select(
            batch.conn, "SELECT doc, annotator, status, seconds, note, flagged, updated "
                        f"FROM status WHERE doc IN ({{marks}}) AND annotator IN ({names})",
            theirs, *owned):
        reason = _status_problem(status, seconds, note, flagged, updated)
        if reason and doc not in bad:
            bad[doc] = (f"status of {who!r}", reason)
    for cid, at, who, doc, layer, action, before, after in _select(
            batch.conn, "SELECT id, at, who, doc, layer, action, before, after FROM changes "
                        f"WHERE doc IN ({{marks}}) AND (layer IN ({names}) OR "
                        f"(layer IS NULL AND who IN ({names})))", theirs, *owned, *owned):
        if doc in bad:
            continue
        if not all(isinstance(x, str) and x for x in (at, who, action)):
            bad[doc] = (f"change-log row {cid}", "time, author or action missing")
        elif layer is not None:
            check_layer(doc, before, f"change-log row {cid}")
            check_layer(doc, after, f"change-log row {cid}")
        else:
            for state in (before, after):
                try:
                    value = None if state is None else json.loads(state)
                except ValueError:
                    value = "bad"
                if value is not None and (not isinstance(value, dict) or
                                          value.get("status", "todo") not in STATUSES):
                    bad[doc] = (f"change-log row {cid}", "not a status change")
    return bad


def _status_problem(status, seconds, note, flagged, updated) -> str | None:
    if status not in STATUSES:
        return f"status {status!r} is not one of {', '.join(STATUSES)}"
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
            or not math.isfinite(seconds) or seconds < 0:
        return f"time spent {seconds!r} is not a finite number of seconds >= 0"
    if not isinstance(note, str):
        return "the note is not text"
    if flagged not in (0, 1):
        return f"review flag {flagged!r} is not 0 or 1"
    if not isinstance(updated, str) or not updated:
        return "no time of the last change"
    return None


def _select(conn, sql: str, seqs: list[int], *args):
    return conn.execute(sql.format(marks=",".join("?" * len(seqs))), (*seqs, *args))


def _merge_chunk(project: Project, batch: Project, owned: list[str], seq_of: dict[int, int],
                 text_of: dict[int, str], result: Merged) -> None:
    main = project.conn
    names = ",".join("?" * len(owned))
    mine_filter = f"(layer IN ({names}) OR (layer IS NULL AND who IN ({names})))"
    ours = list(seq_of.values())
    # History already in the project, by identity; and, per layer, every change it has had
    # and the change its present state came from (its head; merges do not count, they copy).
    known: dict[tuple, list[tuple[int, str | None, str | None]]] = {}
    our_changes: dict[tuple[int, str], set[tuple]] = {}
    our_head: dict[tuple[int, str], tuple] = {}
    for cid, at, who, doc, layer, action, before, after in _select(
            main, "SELECT id, at, who, doc, layer, action, before, after FROM changes "
                  f"WHERE doc IN ({{marks}}) AND {mine_filter} ORDER BY id",
            ours, *owned, *owned):
        known.setdefault((at, who, doc, layer, action), []).append((cid, before, after))
        if layer is not None and action != MERGE:
            our_changes.setdefault((doc, layer), set()).add((at, who, action, after))
            our_head[(doc, layer)] = (at, who, action, after)
    their_changes: dict[tuple[int, str], set[tuple]] = {}
    their_head: dict[tuple[int, str], tuple] = {}
    change_ids: dict[int, int] = {}
    theirs = list(seq_of)
    for cid, at, who, doc, layer, action, before, after, reverts in _select(
            batch.conn, "SELECT id, at, who, doc, layer, action, before, after, reverts "
                        f"FROM changes WHERE doc IN ({{marks}}) AND {mine_filter} ORDER BY id",
            theirs, *owned, *owned):
        doc = seq_of[doc]
        if layer is not None and action != MERGE:
            their_changes.setdefault((doc, layer), set()).add((at, who, action, after))
            their_head[(doc, layer)] = (at, who, action, after)
        same = next((c for c, b, a in known.get((at, who, doc, layer, action), ())
                     if (b, a) == (before, after)), None)
        if same is None:
            mapped = change_ids.get(reverts) if reverts is not None else None
            if reverts is not None and mapped is None:
                continue  # it undoes a row this merge did not bring: it would mean nothing here
            cur = main.execute(
                "INSERT INTO changes (at, who, doc, layer, action, before, after, reverts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, who, doc, layer, action, before, after, mapped))
            same = cur.lastrowid
            known.setdefault((at, who, doc, layer, action), []).append((same, before, after))
            result.history += 1
        change_ids[cid] = same
    our_layers = {(doc, name): (data, updated) for doc, name, data, updated in _select(
        main, f"SELECT doc, name, data, updated FROM layers WHERE doc IN ({{marks}}) "
              f"AND name IN ({names})", ours, *owned)}
    for doc, name, data, updated in _select(
            batch.conn, f"SELECT doc, name, data, updated FROM layers WHERE doc IN ({{marks}}) "
                        f"AND name IN ({names}) ORDER BY doc, name", theirs, *owned):
        doc = seq_of[doc]
        current = our_layers.get((doc, name))
        if current is not None and current[0] == data:
            result.unchanged += 1
            continue
        if current is not None and not _theirs_is_later(
                updated, current[1], our_head.get((doc, name)), their_head.get((doc, name)),
                our_changes.get((doc, name), set()), their_changes.get((doc, name), set())):
            result.kept += 1
            continue
        # (every layer was checked by _refused, whatever its change log said)
        main.execute(
            "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?) ON CONFLICT "
            "(doc, name) DO UPDATE SET data = excluded.data, updated = excluded.updated",
            (doc, name, data, updated))
        main.execute("INSERT INTO changes (at, who, doc, layer, action, before, after) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (now(), name, doc, name, MERGE, None if current is None else current[0], data))
        result.taken += 1
    our_status = {(doc, who): updated for doc, who, updated in _select(
        main, f"SELECT doc, annotator, updated FROM status WHERE doc IN ({{marks}}) "
              f"AND annotator IN ({names})", ours, *owned)}
    for doc, who, status, seconds, note, flagged, updated in _select(
            batch.conn, "SELECT doc, annotator, status, seconds, note, flagged, updated "
                        f"FROM status WHERE doc IN ({{marks}}) AND annotator IN ({names})", theirs, *owned):
        doc = seq_of[doc]
        mine = our_status.get((doc, who))
        if mine is not None and mine >= updated:
            continue
        main.execute(
            "INSERT INTO status (doc, annotator, status, seconds, note, flagged, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc, annotator) DO UPDATE SET "
            "status = excluded.status, seconds = excluded.seconds, note = excluded.note, "
            "flagged = excluded.flagged, updated = excluded.updated",
            (doc, who, status, seconds, note, flagged, updated))
        result.statuses += 1


def _theirs_is_later(their_updated: str, our_updated: str, our_head: tuple | None,
                     their_head: tuple | None, ours: set[tuple], theirs: set[tuple]) -> bool:
    """Whose state of a layer is the later one, when they differ. By history first (states
    can repeat, so changes are compared, not contents), by the time saved when the two went
    separate ways."""
    if our_head is not None and our_head in theirs:
        return True   # the labeler went on from the project's state
    if their_head is not None and their_head in ours:
        return False  # the project has been past the file's state: an older copy of the file
    return their_updated > our_updated


def _doc_id(project: Project, seq: int) -> str:
    return project.conn.execute("SELECT id FROM documents WHERE seq = ?", (seq,)).fetchone()[0]
