"""Label Studio JSON: a list of tasks, for its named-entity template

    <View><Labels name="label" toName="text"><Label value="PER"/>…</Labels>
          <Text name="text" value="$text"/></View>

    [{"data": {"text": …, "id": <our document id>}, "meta": {…our metadata…},
      "annotations": [{"ground_truth": true|false, "result": [
          {"id": "e0", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 40, "end": 51, "text": "يوآف جالانت", "labels": ["PER"]}}, …]}],
      "predictions": [{"model_version": "suggestions", "result": […]}]}, …]

Export: one task per document; the `suggestions` layer becomes a prediction (Label Studio shows
it as a pre-annotation), every other layer an annotation (`gold` marked ground truth). Only
entities travel: the template has no zones or stance. Written one task per line, streamed.

Offsets: code points, like our store. Label Studio's editor runs in the browser, where strings
count UTF-16 units, and older versions stored those (an emoji shifted every later span by one:
HumanSignal/label-studio#1347, #539). It was changed to store code points (label-studio#1559,
merged through label-studio-frontend#308); in 1.9 exported offsets are code points even where
the highlight is drawn off (label-studio#4988). So we write code points, and on import each
span's `text` decides: if the code-point slice differs but the UTF-16 one matches, the file came
from an older Label Studio and the offsets are converted.

Import: one result set per task goes to the target layer (`--layer`, default `suggestions`):
the ground-truth annotation, else the first one not cancelled, else the first prediction
(predictions behind an annotation are the pre-annotations it replaced). Other annotations that
differ from the chosen one are reported, not merged: one layer cannot hold two opinions.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..core.errors import ValidationError
from ..core.model import GOLD, SUGGESTIONS, Document, Layer
from ..core.records import ImportRecord
from ..core.text import clean_with_offsets
from ..store import Project
from . import ExportOptions, ReadResult, Rejected, decode_file, open_output
from .jsonl import STRICT_JSON, check_json

FROM_NAME = "label"
TO_NAME = "text"
PROGRESS_EVERY = 100


def register_formats(register) -> None:
    register("labelstudio", read, [".json"], writer=write)


# ---------------------------------------------------------------------------------------------
# Export

def results(doc: Document, layer: Layer) -> list[dict]:
    return [{"id": f"e{i}", "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
             "value": {"start": e.start, "end": e.end, "text": doc.text[e.start:e.end],
                       "labels": [e.label]}}
            for i, e in enumerate(layer.entities)]


def task(doc: Document, layers: list[tuple[str, Layer]]) -> dict:
    out: dict[str, Any] = {"data": {"text": doc.text, "id": doc.id}, "meta": doc.meta,
                           "annotations": [], "predictions": []}
    for name, layer in layers:
        if name == SUGGESTIONS:
            out["predictions"].append({"model_version": name, "result": results(doc, layer)})
        else:
            out["annotations"].append({"ground_truth": name == GOLD,
                                       "result": results(doc, layer)})
    return out


def write(project: Project, out: Path | None, options: ExportOptions) -> int:
    count = 0
    with open_output(out) as fh:
        fh.write("[")
        for doc, layers in options.annotated(project):
            fh.write(",\n" if count else "\n")
            fh.write(json.dumps(task(doc, layers), ensure_ascii=False))
            count += 1
            if options.progress and count % PROGRESS_EVERY == 0:
                options.progress(count)
        fh.write("\n]\n")
    return count


# ---------------------------------------------------------------------------------------------
# Import

def _tasks(text: str) -> Iterator[tuple[int, Any]]:
    """(line, task) for each element of the top-level array (or the one top-level object),
    so that messages can name the line where a task starts. Raises JSONDecodeError."""
    decoder = STRICT_JSON
    ws = " \t\n\r"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    line, counted = 1, 0

    def line_at(i: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, i)
        counted = i
        return line

    i = skip(0)
    if text.startswith("{", i):
        value, _end = decoder.raw_decode(text, i)
        yield line_at(i), value
        return
    if not text.startswith("[", i):
        raise json.JSONDecodeError("expected a JSON array of tasks", text, i)
    i = skip(i + 1)
    if text.startswith("]", i):
        return
    while True:
        value, end = decoder.raw_decode(text, i)
        yield line_at(i), value
        i = skip(end)
        if text.startswith(",", i):
            i = skip(i + 1)
        elif text.startswith("]", i):
            return
        else:
            raise json.JSONDecodeError("expected , or ] after a task", text, i)


def code_point_index(text: str, utf16_index: int) -> int:
    """The code-point index of a UTF-16 position (what older Label Studio stored)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_index:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _span(raw: str, value: dict) -> tuple[int, int]:
    start, end = value.get("start"), value.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise ValueError(f"span offsets must be integers: {start!r}, {end!r}")
    expected = value.get("text")
    if not isinstance(expected, str) or raw[start:end] == expected:
        return start, end
    a, b = code_point_index(raw, start), code_point_index(raw, end)
    if raw[a:b] == expected:
        return a, b
    raise ValueError(f"span [{start}, {end}) text {expected!r} does not match the task text "
                     f"there ({raw[start:end]!r}), in code points or in UTF-16 units")


def _entities(raw: str, result: Any, schema) -> list[dict]:
    if not isinstance(result, list):
        raise ValueError("\"result\" must be a list")
    entities = []
    for item in result:
        if not isinstance(item, dict):
            raise ValueError("a result must be an object")
        value = item.get("value")
        if item.get("type") != "labels" or not isinstance(value, dict):
            continue  # choices, relations, text areas: not entity spans
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels \
                or not all(isinstance(x, str) for x in labels):
            raise ValueError(f"result {item.get('id', '')!r}: \"labels\" must be a list of names")
        start, end = _span(raw, value)
        for label in labels:
            label = schema.entity_label(label) if schema is not None else label
            entities.append({"start": start, "end": end, "label": label})
    return entities


def _chosen(task_obj: dict) -> tuple[dict | None, list[dict]]:
    """The result set to import, and the other annotations that were not."""
    for key in ("annotations", "completions", "predictions"):
        if task_obj.get(key) is not None and not isinstance(task_obj[key], list):
            raise ValueError(f"\"{key}\" must be a list, not {type(task_obj[key]).__name__}")
    annotations = [a for a in (task_obj.get("annotations") or task_obj.get("completions") or [])
                   if isinstance(a, dict) and not a.get("was_cancelled")]
    predictions = [p for p in task_obj.get("predictions") or [] if isinstance(p, dict)]
    ground = [a for a in annotations if a.get("ground_truth")]
    chosen = (ground or annotations or predictions or [None])[0]
    others = [a for a in annotations
              if a is not chosen and a.get("result") != chosen.get("result")]
    return chosen, others


def _record(obj: Any, path: Path, number: int, line: int, layer: str, schema
            ) -> tuple[ImportRecord, int]:
    if not isinstance(obj, dict):
        raise ValueError("a task must be a JSON object")
    check_json(obj)
    data = obj.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError("a task needs \"data\": {\"text\": …}")
    raw = data["text"]
    text, to_clean = clean_with_offsets(raw)
    if not text.strip():
        raise ValueError("empty or whitespace-only text")
    doc_id = data.get("id", obj.get("id"))
    if doc_id is None:
        doc_id = f"{path.stem}-{number}"
    elif isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or str(doc_id) == "":
        raise ValueError(f"bad task id: {doc_id!r}")
    meta = obj.get("meta")
    if not isinstance(meta, dict) or not meta:
        meta = {"source": str(path), "line": line,
                "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    chosen, others = _chosen(obj)
    layers = {}
    if chosen is not None:
        entities = _entities(raw, chosen.get("result"), schema)
        for e in entities:
            e["start"], e["end"] = to_clean(e["start"]), to_clean(e["end"])
        layers[layer] = {"zones": [], "entities": entities, "stances": []}
    record = ImportRecord(Document(str(doc_id), text, meta), layers, where=f"{path}:{line}")
    return record, len(others)


def read(path: Path, layer: str | None = None, schema=None, root: Path | None = None
         ) -> Iterator[ReadResult]:
    """Tasks of a Label Studio JSON export (or of our own)."""
    decoded = decode_file(path)
    if isinstance(decoded, Rejected):
        yield decoded
        return
    text = decoded.text
    target = layer or SUGGESTIONS
    number = 0
    try:
        for line, obj in _tasks(text):
            number += 1
            where = f"{path}:{line}"
            try:
                record, ignored = _record(obj, path, number, line, target, schema)
            except (ValueError, ValidationError) as exc:
                yield Rejected(where, str(exc))
                continue
            except (TypeError, KeyError, AttributeError, IndexError) as exc:
                yield Rejected(where, f"a field has the wrong type ({exc})")
                continue
            yield record
            if ignored:
                yield Rejected(where, f"{ignored} more annotation(s) of this task not imported "
                                      f"(one layer takes one annotation; the ground-truth or "
                                      f"first one went to {target!r})")
    except json.JSONDecodeError as exc:
        yield Rejected(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:  # NaN / Infinity
        yield Rejected(str(path), f"invalid JSON: {exc}")
    except RecursionError:
        yield Rejected(str(path), "invalid JSON: nested too deeply")
