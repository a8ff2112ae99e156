"""Bulk reads and writes of one layer over many documents (annotator.assist's bulk run).

Project.edit reads, validates, writes and logs one document per call: right for the window,
where each edit is its own durable transaction, but at 100,000 documents the per-call
queries are most of the cost of `annotator assist`. Here one query reads a batch of
documents with their layer, and one statement per table writes every changed layer of the batch and
its change-log row with executemany. The rows are the ones Project._put_layer writes (same
JSON, same log columns), and a layer that would not change is neither written nor logged.
"""
from __future__ import annotations

import json
from typing import Iterable, NamedTuple, Sequence

from ..core.model import Layer, validate_layer
from .connection import dumps, now


class LayerRow(NamedTuple):
    seq: int
    doc_id: str
    text: str
    data: dict | None  # the stored layer's JSON, None if the document has none yet


def read_layer_rows(project, name: str, ids: Sequence[str]) -> list[LayerRow]:
    """The documents `ids` with their layer `name`, in one query. Call it inside
    project.write() with the write that follows, so no other edit slips in between."""
    marks = ",".join("?" * len(ids))
    found = {r[1]: r for r in project.conn.execute(
        "SELECT d.seq, d.id, d.text, l.data FROM documents d LEFT JOIN layers l "
        f"ON l.doc = d.seq AND l.name = ? WHERE d.id IN ({marks})", (name, *ids))}
    out = []
    for doc_id in ids:
        row = found.get(doc_id)
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        s, i, t, d = row
        out.append(LayerRow(s, i, t, json.loads(d) if d is not None else None))
    return out


def current_layer(row: LayerRow, only_stances: bool = False) -> Layer:
    """The row's layer (empty if none). only_stances: the caller replaces its zones and
    entities, so a layer without stances need not be read (reading it is most of the cost)."""
    from ..core.model import layer_from_json
    if row.data is None or (only_stances and not row.data.get("stances")):
        return Layer.empty(len(row.text))
    return layer_from_json(row.data, row.text)


def write_layers(project, name: str, who: str, action: str,
                 updates: Iterable[tuple[LayerRow, Layer]]) -> int:
    """Write each (row, new layer) whose JSON differs from the row's, with its change-log row,
    in one transaction; returns how many changed. Every layer is validated first
    (ValidationError, nothing written)."""
    stamp = now()
    layers, log = [], []
    for row, layer in updates:
        validate_layer(layer, len(row.text), project.schema)
        after = layer.to_json(row.text)
        if after == row.data:
            continue
        layers.append((row.seq, name, dumps(after), stamp))
        log.append((stamp, who, row.seq, name, action,
                    None if row.data is None else dumps(row.data), dumps(after)))
    if not layers:
        return 0
    with project.write():
        project.conn.executemany(
            "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc, name) DO UPDATE SET data = excluded.data, "
            "updated = excluded.updated", layers)
        project.conn.executemany(
            "INSERT INTO changes (at, who, doc, layer, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", log)
    return len(layers)


__all__ = ["LayerRow", "read_layer_rows", "current_layer", "write_layers"]
