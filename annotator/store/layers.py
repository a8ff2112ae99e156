"""Layers: each labeler's (and the reviewers' gold) labels of a document, read and written.

Owns the `layers` table: one JSON row per (document, layer name), validated against the text
and the schema before it is written; every write goes through `_put_layer`, which logs it (see
changes.py), so an edit and its change-log row are one transaction.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from ..core.agreement.units import StoredLayers
from ..core.errors import DamagedLayerError, ValidationError
from ..core.model import Document, Layer, layer_from_json, read_stored_layer, validate_layer
from .changes import AFRESH
from .connection import dumps, keyset_pages, now
from .documents import BATCH_SIZE


class LayersMixin:
    """Layers of a Project (see project.py for what a mixin may rely on)."""

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

    def checked_layer(self, doc_id: str, name: str) -> Layer:
        """`get_layer`, for a layer that must hold before it is shown, compared or edited (a
        file may have been edited by hand or damaged): ValidationError naming what is wrong
        (core.model.read_stored_layer), instead of nonsense or an error further on."""
        seq, text = self._seq_text(doc_id)
        row = self.conn.execute("SELECT data FROM layers WHERE doc = ? AND name = ?",
                                (seq, name)).fetchone()
        if row is None:
            return Layer.empty(len(text))
        layer, problem = read_stored_layer(row[0], text, self.schema)
        if problem:
            raise ValidationError(problem)
        return layer

    def _layer_to_edit(self, doc_id: str, name: str, over_damaged: bool) -> Layer:
        """The stored layer an edit starts from. A damaged one is never edited (an edit built
        on it would keep or spread the damage): DamagedLayerError, unless a person chose to
        start the layer afresh (over_damaged), then the edit starts from an empty layer."""
        try:
            return self.checked_layer(doc_id, name)
        except ValidationError as exc:
            if not over_damaged:
                raise DamagedLayerError(name, str(exc)) from None
            return Layer.empty(len(self.get_text(doc_id)))

    def iter_layers(self, name: str | None = None) -> Iterator[tuple[Document, str, Layer]]:
        """(document, layer name, layer) in queue order, for one layer name or all; streamed."""
        where = "" if name is None else "AND l.name = ?"

        def page(last: tuple[int, str]) -> list:
            args: list[Any] = [last[0], last[0], last[1]]
            if name is not None:
                args.append(name)
            return self.conn.execute(
                "SELECT d.seq, l.name, d.id, d.text, d.meta, l.data FROM layers l "
                "JOIN documents d ON d.seq = l.doc "
                f"WHERE (l.doc > ? OR (l.doc = ? AND l.name > ?)) {where} "
                "ORDER BY l.doc, l.name LIMIT ?", (*args, BATCH_SIZE)).fetchall()

        for rows in keyset_pages(page, (0, ""), key=lambda row: (row[0], row[1])):
            for _seq, lname, doc_id, text, meta, data in rows:
                yield (Document(doc_id, text, json.loads(meta)), lname,
                       layer_from_json(json.loads(data), text))

    def iter_annotated(self, layer: str = "all", status: str | None = None,
                       annotator: str | None = None, damaged: list[dict] | None = None,
                       ) -> Iterator[tuple[Document, list[tuple[str, Layer]]]]:
        """Documents in queue order with their layers, for exports; streamed in batches.

        layer="all": every document with every layer it has (possibly none); a layer name:
        only the documents that have that layer. `status` keeps documents whose status (for
        `annotator`, or for the layer's own name, or for anyone when neither applies) is it.
        Each layer is checked (core.model.read_stored_layer): a damaged one is left out and added
        to `damaged` ({"document", "layer", "problem"}), or, without that list, stops the
        iteration with a ValidationError naming it. Exported, it would be nonsense.
        """
        for docs in keyset_pages(lambda last: self.conn.execute(
                "SELECT seq, id, text, meta FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, BATCH_SIZE)).fetchall(), 0):
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
                layers = []
                for name, data in by_doc.get(seq, []):
                    stored, problem = read_stored_layer(data, text, self.schema)
                    if problem is None:
                        layers.append((name, stored))
                    elif damaged is None:
                        raise ValidationError(f"document {doc_id!r}, layer {name!r}: {problem}")
                    else:
                        damaged.append({"document": doc_id, "layer": name, "problem": problem})
                if layer != "all" and not layers:
                    continue
                yield Document(doc_id, text, json.loads(meta)), layers

    def _put_layer(self, seq: int, text: str, name: str, layer: Layer, who: str,
                   action: str, stamp: str | None = None, reverts: int | None = None,
                   damaged: list[str] | None = None) -> bool:
        """Write a layer and log the change; False (and nothing written) if it is unchanged.
        `damaged`: the caller did not check the stored layer it replaces (import): if that
        one does not hold, the change is logged with AFRESH and what was wrong is added to
        the list."""
        row = self.conn.execute("SELECT data FROM layers WHERE doc = ? AND name = ?",
                                (seq, name)).fetchone()
        after = layer.to_json(text)
        before = _stored_value(row[0]) if row else None
        if before == after:
            return False
        if damaged is not None and row is not None:
            problem = self._stored_problem(row[0], text, before)
            if problem is not None:
                damaged.append(problem)
                action += AFRESH
        self.conn.execute(
            "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc, name) DO UPDATE SET data = excluded.data, updated = excluded.updated",
            (seq, name, dumps(after), stamp or now()))
        self._log(who, seq, name, action, before, after, reverts)
        return True

    def _stored_problem(self, data: str, text: str, value: Any = None) -> str | None:
        """What is wrong with a stored layer's JSON (None: it holds); `value`: its parsed
        value, if the caller has it."""
        return stored_screen(self.schema).problem(
            data, text, _stored_value(data) if value is None else value)

    def edit(self, doc_id: str, layer_name: str, who: str, action: str,
             change: Callable[[Layer], Layer], over_damaged: bool = False) -> Layer:
        """Apply `change` to the current layer and commit it, with its change-log row, in one
        transaction. Reading inside the write lock means two windows never lose each other's
        edits. Raises ValidationError (nothing written) if the result breaks an invariant, and
        DamagedLayerError if the stored layer does not hold (see _layer_to_edit). A write
        over a damaged layer is logged with an action ending in AFRESH: its before-state is
        the damaged layer, kept on purpose (`annotator check` does not report it)."""
        if not layer_name or not layer_name.strip():
            raise ValidationError("a layer needs a name")
        if over_damaged and not action.endswith(AFRESH):
            action += AFRESH
        seq, text = self._seq_text(doc_id)
        with self.write():
            new = change(self._layer_to_edit(doc_id, layer_name, over_damaged))
            validate_layer(new, len(text), self.schema)
            self._put_layer(seq, text, layer_name, new, who, action)
        return new

    def put_layer(self, doc_id: str, layer_name: str, layer: Layer, who: str,
                  action: str = "replace", over_damaged: bool = False) -> Layer:
        return self.edit(doc_id, layer_name, who, action, lambda _old: layer, over_damaged)


_SCREEN: list = [None, None]  # (a schema, its StoredLayers): a run meets one project's schema


def stored_screen(schema) -> StoredLayers:
    """The screen of stored layers of this schema (StoredLayers.problem), made once."""
    if _SCREEN[0] is not schema:
        _SCREEN[:] = [schema, StoredLayers(schema)]
    return _SCREEN[1]


def _stored_value(data: str) -> Any:
    """A stored layer as the change log keeps it: its JSON value, or the text itself when it
    is not JSON (a damaged layer written over stays readable in the log)."""
    try:
        return json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return data

