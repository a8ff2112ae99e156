"""Native JSONL: one document (and one layer of it) per line. See README, "JSONL".

    {"id": …, "text": …, "meta": {…}, "layer": "gold",
     "zones": [{"start", "end", "label"}…], "entities": [{"start", "end", "label", "text"}…],
     "stances": [{"holder", "target", "value", "evidence": [[s, e]…]}…]}

Export then import then export gives the same bytes: keys are written in a fixed order and
the reader keeps every extra key it does not know.
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..core.errors import ValidationError
from ..core.model import SUGGESTIONS, Document, Layer
from ..core.offsets import utf16_offset
from ..core.records import ImportRecord
from ..core.text import clean_with_offsets
from ..store import Project
from . import ReadResult, Rejected

ANNOTATION_KEYS = ("zones", "entities", "stances")
MAX_DEPTH = 32  # our records nest 5 deep; anything far deeper is hostile or broken


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number (non-finite numbers are refused)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as inf
        raise ValueError(f"{text} is not a finite number (non-finite numbers are refused)")
    return value


# Python's json accepts NaN, Infinity and 1e999 (as inf), which no other JSON reader takes:
# refused on input.
STRICT_JSON = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def check_json(value: Any, strings: bool = True) -> None:
    """Raise ValueError if a parsed JSON value nests deeper than MAX_DEPTH or (`strings`)
    holds a string or key with a lone surrogate (a `\\ud800` escape: not text, and refused
    by SQLite and every UTF-8 writer). Iterative: the check cannot overflow the stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            if strings:
                for key in item:
                    _check_text(key)
            stack.extend((sub, depth + 1) for sub in item.values()
                         if strings or isinstance(sub, (dict, list)))
        elif isinstance(item, list):
            stack.extend((sub, depth + 1) for sub in item
                         if strings or isinstance(sub, (dict, list)))
        elif strings and isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("non-finite number")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"lone surrogate \\u{ord(text[exc.start]):04x} in a string "
                         "(not valid Unicode text)") from None


def loads(line: str) -> Any:
    """Parse one JSON value as hostile input: ValueError (with the reason) for invalid JSON,
    NaN/Infinity, nesting too deep, lone surrogates."""
    try:
        value = STRICT_JSON.decode(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ValueError(f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from None
    # Cheap tests on the line first: a lone surrogate can only come from a \\uD8xx-\\uDFxx
    # escape (the line itself was decoded from UTF-8), deep nesting needs many brackets.
    surrogate = "\\u" in line and _SURROGATE_ESCAPE.search(line) is not None
    if surrogate or line.count("[") + line.count("{") > MAX_DEPTH:
        check_json(value, strings=surrogate)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read(path: Path, layer: str | None = None, schema=None, root: Path | None = None
         ) -> Iterator[ReadResult]:
    """Records from a JSONL file. Annotations go to `layer` if given, else to the line's own
    `layer` field, else to `suggestions` (never silently into a labeler's layer)."""
    yield from read_records(path, lambda obj, lineno: _record(obj, path, lineno, layer, schema))


def read_records(path: Path, make_record: Callable[[Any, int], ImportRecord]
                 ) -> Iterator[ReadResult]:
    """make_record(object, line number) for each JSON line of `path`; a line it refuses (or
    that is not JSON) becomes a Rejected naming file and line, and the file goes on."""
    for item in iter_json_lines(path):
        if isinstance(item, Rejected):
            yield item
            continue
        lineno, obj = item
        try:
            yield make_record(obj, lineno)
        except (ValueError, ValidationError) as exc:
            yield Rejected(f"{path}:{lineno}", str(exc))
        except (TypeError, KeyError, AttributeError, IndexError) as exc:
            yield Rejected(f"{path}:{lineno}", f"a field has the wrong type ({exc})")


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any] | Rejected]:
    """(line number, parsed value) for each non-blank line of a JSON-lines file, or a Rejected
    for a line that is not JSON (the next lines are still read) or a file that is not UTF-8."""
    try:
        fh = open(path, "r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror}")
        return
    with fh:
        lineno = 0
        while True:
            where = f"{path}:{lineno + 1}"
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                yield Rejected(where, f"not UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
                                      "JSONL files must be UTF-8")
                return
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            try:
                obj = loads(line)
            except ValueError as exc:
                yield Rejected(where, str(exc))
                continue
            yield lineno, obj


def text_and_id(obj: Any, raw: Any, path: Path, lineno: int):
    """The checks every JSON-lines format makes on a line: an object with a text that is not
    blank, and an id (default: file stem and line). Returns (stored text, offset map from the
    raw text, id); raises ValueError with the reason."""
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    if not isinstance(raw, str):
        raise ValueError("missing or non-string \"text\"")
    clean, to_clean = clean_with_offsets(raw)
    if not clean.strip():
        raise ValueError("empty or whitespace-only text")
    doc_id = obj.get("id")
    if doc_id is None:
        doc_id = f"{path.stem}-{lineno}"
    elif not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise ValueError(f"bad \"id\": {doc_id!r}")
    return clean, to_clean, str(doc_id)


def _record(obj: Any, path: Path, lineno: int, layer: str | None, schema) -> ImportRecord:
    text = obj.get("text") if isinstance(obj, dict) else None
    clean, to_clean, doc_id = text_and_id(obj, text, path, lineno)
    meta = obj.get("meta")
    if meta is None:
        meta = {"source": str(path), "line": lineno,
                "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    elif not isinstance(meta, dict):
        raise ValueError("\"meta\" must be an object")
    layers: dict[str, dict] = {}
    if any(obj.get(k) for k in ANNOTATION_KEYS) or (layer is None and obj.get("layer")):
        name = layer or obj.get("layer") or SUGGESTIONS
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"bad \"layer\": {name!r}")
        for key in ANNOTATION_KEYS:
            if obj.get(key) is not None and not isinstance(obj[key], list):
                raise ValueError(f"\"{key}\" must be a list, not {type(obj[key]).__name__}")
        data = {k: obj.get(k) or [] for k in ANNOTATION_KEYS}
        if clean != text:
            data = _remap(data, to_clean)
        if schema is not None:
            for e in data["entities"]:
                if isinstance(e, dict) and isinstance(e.get("label"), str):
                    e["label"] = schema.aliases.get(e["label"], e["label"])
        layers[name] = data
    return ImportRecord(Document(doc_id, clean, meta), layers, where=f"{path}:{lineno}")


def _remap(data: dict, to_clean) -> dict:
    """Move offsets from the raw text (with CRLF / BOM) onto the stored text."""
    def fix(item):
        if isinstance(item, dict):
            item = dict(item)
            for key in ("start", "end"):
                if isinstance(item.get(key), int):
                    item[key] = to_clean(item[key])
            item.pop("text", None)  # the raw text's slice differs from the stored one
            for key in ("holder", "target"):
                if isinstance(item.get(key), dict):
                    item[key] = fix(item[key])
            if isinstance(item.get("evidence"), list):
                item["evidence"] = [[to_clean(a), to_clean(b)] for a, b in item["evidence"]]
        return item
    return {k: [fix(x) for x in v] for k, v in data.items()}


# ---------------------------------------------------------------------------------------------

def line(doc: Document, layer_name: str | None, layer: Layer | None, utf16: bool = False) -> str:
    """One JSONL line. Key order is fixed: it is what makes the round trip byte-exact."""
    out: dict[str, Any] = {"id": doc.id, "text": doc.text, "meta": doc.meta}
    if layer_name is not None and layer is not None:
        out["layer"] = layer_name
        out.update(layer.to_json(doc.text))
        if utf16:
            _add_utf16(out, doc.text)
    return json.dumps(out, ensure_ascii=False) + "\n"


def _add_utf16(out: dict, text: str) -> None:
    for item in out["zones"] + out["entities"]:
        item["start_utf16"] = utf16_offset(text, item["start"])
        item["end_utf16"] = utf16_offset(text, item["end"])
    for stance in out["stances"]:
        stance["evidence_utf16"] = [[utf16_offset(text, a), utf16_offset(text, b)]
                                    for a, b in stance["evidence"]]
        for party in (stance["holder"], stance["target"]):
            if isinstance(party, dict):  # an entity of the layer
                party["start_utf16"] = utf16_offset(text, party["start"])
                party["end_utf16"] = utf16_offset(text, party["end"])


def export_lines(project: Project, layer: str = "all", status: str | None = None,
                 utf16: bool = False, damaged: list[dict] | None = None,
                 annotated: Iterable | None = None) -> Iterator[str]:
    """Lines for every document (layer="all", each layer on its own line, documents without
    layers as text-only lines) or for the documents that have the named layer. Damaged
    layers: see Project.iter_annotated (`annotated`: those documents and layers, if already
    being read)."""
    if annotated is None:
        annotated = project.iter_annotated(layer, status=status, damaged=damaged)
    for doc, layers in annotated:
        if not layers:
            yield line(doc, None, None)
        for name, lay in layers:
            yield line(doc, name, lay, utf16)


def write(project: Project, out, options) -> int:
    """Write the native JSONL to `out` (a path, or None for stdout)."""
    from . import open_output

    count = 0
    with open_output(out) as fh:
        for text_line in export_lines(project, utf16=options.utf16,
                                      annotated=options.annotated(project)):
            fh.write(text_line)
            count += 1
            if options.progress and count % 1000 == 0:
                options.progress(count)
    return count
