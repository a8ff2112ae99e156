"""doccano sequence-labeling JSONL (`--format doccano`; its files end in .jsonl like ours, so
the format is never guessed from the name).

Export, one line per document and layer (a document without the layer(s) asked for, with
`--layer all`, as a line with no labels, ready to be labeled):

    {"id": …, "text": …, "label": [[start, end, "PER"], …], "layer": "gold"}

doccano keeps keys it does not know (`layer`) as metadata. Import also reads the older "labels"
key, the "data" key older exports used for the text, and the entity-object form of recent
doccano exports: "entities": [{"start_offset": …, "end_offset": …, "label": …}]. A line with no
spans brings no layer (doccano writes "label": [] for unlabeled examples too).

Offsets are code points: doccano's server is Python, and its front end was changed to send code
points instead of JavaScript's UTF-16 lengths (doccano/doccano#99).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..core.model import SUGGESTIONS, Document
from ..core.records import ImportRecord
from ..store import Project
from . import ExportOptions, ReadResult, open_output
from .jsonl import read_records, text_and_id

PROGRESS_EVERY = 1000


def register_formats(register) -> None:
    register("doccano", read, writer=write)


def write(project: Project, out: Path | None, options: ExportOptions) -> int:
    """Returns the number of lines written."""
    count = 0
    with open_output(out) as fh:
        for doc, layers in options.annotated(project):
            lines = [{"id": doc.id, "text": doc.text, "label": []}] if not layers else [
                {"id": doc.id, "text": doc.text,
                 "label": [[e.start, e.end, e.label] for e in layer.entities], "layer": name}
                for name, layer in layers]
            for line in lines:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                count += 1
                if options.progress and count % PROGRESS_EVERY == 0:
                    options.progress(count)
    return count


def _spans(obj: dict) -> list[tuple[Any, Any, Any]]:
    if isinstance(obj.get("entities"), list):
        spans = []
        for e in obj["entities"]:
            if not isinstance(e, dict):
                raise ValueError("\"entities\" must hold objects {start_offset, end_offset, label}")
            spans.append((e.get("start_offset"), e.get("end_offset"), e.get("label")))
        return spans
    key = "label" if "label" in obj else "labels"
    items = obj.get(key)
    if items is None:
        return []
    if not isinstance(items, list):  # also a 0 or "": said, not silently read as no spans
        raise ValueError(f"\"{key}\" must be a list of [start, end, label], "
                         f"not {type(items).__name__}")
    spans = []
    for item in items:
        if isinstance(item, str):
            raise ValueError("\"label\" holds class names, not spans: a text-classification "
                             "export, not sequence labeling")
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise ValueError(f"a span must be [start, end, label]: {item!r}")
        spans.append(tuple(item))
    return spans


def _record(obj: Any, path: Path, lineno: int, layer: str, schema) -> ImportRecord:
    raw = obj.get("text", obj.get("data")) if isinstance(obj, dict) else None
    text, to_clean, doc_id = text_and_id(obj, raw, path, lineno)
    entities = []
    for start, end, label in _spans(obj):
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise ValueError(f"span offsets must be integers: {start!r}, {end!r}")
        if not isinstance(label, str):
            raise ValueError(f"span label must be a string: {label!r}")
        if not 0 <= start < end <= len(raw):
            raise ValueError(f"span [{start}, {end}) is outside the text (length {len(raw)})")
        label = schema.entity_label(label) if schema is not None else label
        entities.append({"start": to_clean(start), "end": to_clean(end), "label": label})
    meta = {"source": str(path), "line": lineno,
            "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    layers = {layer: {"zones": [], "entities": entities, "stances": []}} if entities else {}
    return ImportRecord(Document(doc_id, text, meta), layers, where=f"{path}:{lineno}")


def read(path: Path, layer: str | None = None, schema=None, root: Path | None = None
         ) -> Iterator[ReadResult]:
    target = layer or SUGGESTIONS
    yield from read_records(path, lambda obj, lineno: _record(obj, path, lineno, target, schema))
