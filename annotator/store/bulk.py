"""Bulk reads and writes of one layer over many documents (annotator.assist's bulk run).

Project.edit reads, validates, writes and logs one document per call: right for the window,
where each edit is its own durable transaction, but at 100,000 documents the per-call
queries are most of the cost of `annotator assist`. Here one query reads a batch of
documents with their layer, and one statement per table writes every changed layer of the batch and
its change-log row with executemany. The rows are the ones Project._put_layer writes (same
JSON, same log columns), and a layer that would not change is neither written nor logged.

Encoding (validate, JSON) and writing are two steps, so that worker processes can encode
while this process writes (annotator.assist.workers); the stored JSON is kept as read, and
decoded only when something needs it. A stored layer that is replaced is checked on its way
into the change log (damaged_before): a damaged one (a file edited by hand) is logged with an
action ending in AFRESH, as a person's start afresh is, so `annotator check` does not report
it.
"""
from __future__ import annotations

import json
from typing import Iterator, NamedTuple, Sequence

from ..core.errors import ValidationError
from ..core.model import Entity, Layer, layer_from_json, validate_layer
from .connection import keyset_pages, now
from .layers import AFRESH, stored_screen

# store.connection.dumps, made once (no reference cycle can hide in a layer's JSON: not
# looking for one makes encoding a third faster).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                           check_circular=False).encode
# How the JSON of a layer without stances ends (Layer.to_json puts them last).
_NO_STANCES = '"stances":[]}'


class LayerRow(NamedTuple):
    seq: int
    doc_id: str
    text: str
    raw: str | None  # the stored layer's JSON text, None if the document has none yet

    def data(self) -> dict | None:
        """The stored layer's JSON, decoded."""
        return None if self.raw is None else json.loads(self.raw)


class Encoded(NamedTuple):
    """What a batch writes for one document."""
    seq: int
    doc_id: str
    before: str | None  # the stored JSON it replaces, None if there is none
    after: str


def read_layer_rows(project, name: str, ids: Sequence[str], conn=None) -> list[LayerRow]:
    """The documents `ids` with their layer `name`, in one query. Call it inside
    project.write() with the write that follows, so no other edit slips in between (or give
    a worker's read-only `conn`, and check the layers are still the same when writing)."""
    marks = ",".join("?" * len(ids))
    found = {r[1]: r for r in (conn or project.conn).execute(
        "SELECT d.seq, d.id, d.text, l.data FROM documents d LEFT JOIN layers l "
        f"ON l.doc = d.seq AND l.name = ? WHERE d.id IN ({marks})", (name, *ids))}
    out = []
    for doc_id in ids:
        row = found.get(doc_id)
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        out.append(LayerRow(*row))
    return out


def iter_texts(project, batch: int = 2000) -> Iterator[str]:
    """Every document's text, in queue order, read in batches (memory stays flat): what
    counting the project's recurring lines reads, without the rest of each document."""
    for rows in keyset_pages(lambda last: project.conn.execute(
            "SELECT seq, text FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
            (last, batch)).fetchall(), 0):
        for _seq, text in rows:
            yield text


def stored_layers(project, name: str, seqs: Sequence[int]) -> dict[int, str | None]:
    """seq -> the stored JSON of layer `name` (None if none), for the documents `seqs` that
    still exist."""
    marks = ",".join("?" * len(seqs))
    return dict(project.conn.execute(
        "SELECT d.seq, l.data FROM documents d LEFT JOIN layers l ON l.doc = d.seq "
        f"AND l.name = ? WHERE d.seq IN ({marks})", (name, *seqs)))


# What building on a stored layer that does not hold can raise (a file edited by hand: not
# JSON, a list, a missing field, a reversed span caught by validation): the caller asks
# core.model.layer_problem whether the stored layer is at fault.
UNREADABLE = (ValidationError, ValueError, TypeError, KeyError, AttributeError, RecursionError)


def current_layer(row: LayerRow, only_stances: bool = False) -> Layer:
    """The row's layer (empty if none). only_stances: the caller replaces its zones and
    entities, so a layer without stances need not be read (reading it is most of the cost)."""
    if row.raw is None or (only_stances and row.raw.endswith(_NO_STANCES)):
        return Layer.empty(len(row.text))
    data = row.data()
    if only_stances and not data.get("stances"):
        return Layer.empty(len(row.text))
    return layer_from_json(data, row.text)


def encode_layer(row: LayerRow, layer: Layer, schema) -> Encoded | None:
    """What to write for `layer`, None if it is what the row holds. ValidationError if the
    layer breaks an invariant; ValueError if the stored layer is not JSON."""
    validate_layer(layer, len(row.text), schema)
    encoded = layer_json(layer, row.text)
    if row.raw is None:
        return Encoded(row.seq, row.doc_id, None, encoded)
    if encoded == row.raw:
        return None
    # The same layer written another way (key order, spacing) is the same layer.
    data = row.data()
    if _may_equal(data, layer) and data == layer.to_json(row.text):
        return None
    return Encoded(row.seq, row.doc_id, row.raw, encoded)


def _may_equal(data, layer: Layer) -> bool:
    """False if `data` (a decoded layer) cannot equal layer.to_json(): not three lists as
    long as the layer's zones, entities and stances."""
    if type(data) is not dict or len(data) != 3:
        return False
    for name, items in (("zones", layer.zones), ("entities", layer.entities),
                        ("stances", layer.stances)):
        value = data.get(name)
        if type(value) is not list or len(value) != len(items):
            return False
    return True


def layer_json(layer: Layer, text: str) -> str:
    """_encode(layer.to_json(text)), byte for byte: the encoder writes a list as its items'
    JSON joined by commas, and an entity's JSON after its span is remembered (_TAILS). An
    entity not remembered is learned as long as what is remembered is met again; otherwise
    its layer is encoded whole, as before (entities of lines never seen again would cost
    more to learn than they save)."""
    parts = []
    # Learning goes on while at least half the entities looked up were remembered (counted
    # afresh from time to time: another project, another run).
    if _SEEN[0] >= 100 * LEARN_FIRST:
        _SEEN[:] = [0, 0]
    learning = _SEEN[0] < LEARN_FIRST or 2 * _SEEN[1] >= _SEEN[0]
    for e in layer.entities:
        part = _entity_json(e, text, learning)
        _SEEN[0] += 1
        if part is None:
            return _encode(layer.to_json(text))
        _SEEN[1] += not part[1]
        parts.append(part[0])
    return ('{"zones":' + _encode([z.to_json() for z in layer.zones])
            + ',"entities":[' + ",".join(parts)
            + '],"stances":' + _encode([s.to_json(text) for s in layer.stances]) + "}")


# An entity's JSON after `"start":…,"end":…,`, by (label, text, canonical, id of its extra):
# the entities of a bulk run share their extra tuple with many others (the model's and the
# names' results are kept per line), and the value keeps that tuple, so its id is not reused.
_TAILS: dict[tuple, tuple[str, tuple]] = {}
TAIL_CACHE = 100_000
LEARN_FIRST = 2000  # entities learned whatever comes of it
_SEEN = [0, 0]  # entities looked up, and of them remembered


def _entity_json(e: Entity, text: str, learn: bool) -> tuple[str, bool] | None:
    """(the entity's JSON, whether it was learned now); None if it is not remembered (and
    not learned), or takes the plain way (see layer_json)."""
    start, end, label, canonical = e.start, e.end, e.label, e.canonical
    if type(start) is not int or type(end) is not int or type(label) is not str \
            or (canonical is not None and type(canonical) is not str):
        return None  # (equal keys, other JSON: 1 and 1.0, True)
    key = (label, text[start:end], canonical, id(e.extra))
    found = _TAILS.get(key)
    if found is not None:
        return f'{{"start":{start},"end":{end},{found[0]}', False
    if not learn or any(k == "start" or k == "end" for k, _v in e.extra):
        return None  # (an extra field named start or end takes their place)
    head = f'{{"start":{start},"end":{end},'
    whole = _encode(e.to_json(text))
    if not whole.startswith(head):
        return None
    if len(_TAILS) >= TAIL_CACHE:
        _TAILS.clear()
    _TAILS[key] = (whole[len(head):], e.extra)
    return whole, True


def write_encoded(project, name: str, who: str, action: str, rows: Sequence[Encoded]
                  ) -> list[tuple[str, str]]:
    """Write the layers and their change-log rows in one transaction. A row that replaces a
    damaged layer is logged with `action` + AFRESH; returns (document id, what was wrong)
    of those."""
    if not rows:
        return []
    stamp = now()
    afresh = action + AFRESH
    with project.write():
        damaged = damaged_before(project, name, rows)
        project.conn.executemany(
            "INSERT INTO layers (doc, name, data, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc, name) DO UPDATE SET data = excluded.data, "
            "updated = excluded.updated", [(r.seq, name, r.after, stamp) for r in rows])
        project.conn.executemany(
            "INSERT INTO changes (at, who, doc, layer, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(stamp, who, r.seq, name, afresh if r.seq in damaged else action, r.before,
              r.after) for r in rows])
    return [(r.doc_id, damaged[r.seq]) for r in rows if r.seq in damaged]


def damaged_before(project, name: str, rows: Sequence[Encoded]) -> dict[int, str]:
    """seq -> what is wrong with the stored layer a row replaces, for those that do not hold.
    The callers did not read those layers whole (assist replaces their zones and entities),
    but the change log says whether they were damaged. One the last row of the log wrote was
    validated then (compared in SQL: ~7 us a layer, where screening it costs ~30), so only
    the others (a file edited by hand) are checked: screened, layer_problem if unsure."""
    replacing = {r.seq: r.before for r in rows if r.before is not None}
    unsure: list[int] = []
    pairs = list(replacing.items())
    for first in range(0, len(pairs), _PAIRS):  # (two bound values a row)
        chunk = pairs[first:first + _PAIRS]
        unsure += [r[0] for r in project.conn.execute(
            f"WITH b (doc, before) AS (VALUES {', '.join(['(?, ?)'] * len(chunk))}) "
            "SELECT b.doc FROM b WHERE b.before <> coalesce((SELECT c.after FROM changes c "
            "WHERE c.doc = b.doc AND c.layer = ? ORDER BY c.id DESC LIMIT 1), '')",
            (*(v for pair in chunk for v in pair), name))]
    if not unsure:
        return {}
    marks = ",".join("?" * len(unsure))
    screen = stored_screen(project.schema)
    found = {}
    for seq, text in project.conn.execute(
            f"SELECT seq, text FROM documents WHERE seq IN ({marks})", unsure):
        problem = screen.problem(replacing[seq], text)
        if problem is not None:
            found[seq] = problem
    return found


_PAIRS = 400  # stays under the 999 bound values of older SQLite builds


__all__ = ["LayerRow", "Encoded", "read_layer_rows", "iter_texts", "stored_layers", "current_layer",
           "encode_layer", "layer_json", "write_encoded", "damaged_before"]
