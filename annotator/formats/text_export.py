"""Boilerplate-removal gold (`--format text -o FOLDER`).

For each layer exported, FOLDER/<layer>/<document id>.txt holds the document's body text (its
`body` zones joined with "\\n") and FOLDER/<layer>.jsonl one line per document in the layout
main-content extraction benchmarks use:

    {"id": …, "layer": …, "file": "<layer>/<id>.txt", "text": <the whole document>,
     "with": [passages that must be kept], "without": [passages that must be removed]}

This follows trafilatura's evaluation data (adbar/trafilatura, tests/evaldata.json read by
tests/eval_common.py): per page a "file" and the "with"/"without" lists of text chunks, scored by
whitespace-normalized substring matching against an extractor's output. Our passages are the
non-empty lines of the body zones ("with") and of the source and boilerplate zones ("without"),
stripped, without repeats. As in that benchmark's validation, a "without" passage that also
occurs inside the body could never be scored as correctly removed, so it is left out.
Unlabeled (`none`) text is in neither list; a layer with no zone labeled at all is skipped.
"""
from __future__ import annotations

import json
import re
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from ..core.errors import InputError
from ..core.model import NONE_ZONE, Document, Layer
from ..store import Project
from . import ExportOptions, open_output

BODY = "body"
REMOVED = ("source", "boilerplate")
PROGRESS_EVERY = 100
_UNSAFE = re.compile(r'[<>:"\\|?*\x00-\x1f]')  # not allowed in Windows file names


def register_formats(register) -> None:
    register("text", writer=write)


def body_text(doc: Document, layer: Layer) -> str:
    return "\n".join(doc.text[z.start:z.end] for z in layer.zones if z.label == BODY)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _passages(doc: Document, layer: Layer, labels) -> list[str]:
    seen: dict[str, None] = {}
    for z in layer.zones:
        if z.label in labels:
            for line in doc.text[z.start:z.end].split("\n"):
                if line.strip():
                    seen.setdefault(line.strip())
    return list(seen)


def gold_record(doc: Document, layer_name: str, layer: Layer, file: str) -> dict:
    keep = _passages(doc, layer, (BODY,))
    body = _norm(body_text(doc, layer))
    remove = [p for p in _passages(doc, layer, REMOVED) if _norm(p) not in body]
    return {"id": doc.id, "layer": layer_name, "file": file, "text": doc.text,
            "with": keep, "without": remove}


def _safe(part: str) -> str:
    part = _UNSAFE.sub("_", part).replace("/", "_")
    return part if part.strip(". ") else "_"


def relative_file(layer_name: str, doc_id: str) -> str:
    """A safe relative path for the document's body text, on every platform: the id's
    folders are kept (ids of folder imports are relative paths), nothing climbs out."""
    parts = [_safe(p) for p in doc_id.split("/")]
    return "/".join([_safe(layer_name), *parts[:-1], parts[-1] + ".txt"])


def write(project: Project, out: Path | None, options: ExportOptions) -> int:
    """Write the body texts and the per-layer JSONL; returns the number of .txt files."""
    if out is None:
        raise InputError("--format text writes a folder: give it with -o FOLDER")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    count = 0
    with ExitStack() as stack:
        indexes: dict[str, TextIO] = {}  # layer name -> its open JSONL
        for doc, layers in options.annotated(project):
            for name, layer in layers:
                if all(z.label == NONE_ZONE for z in layer.zones):
                    continue
                file = relative_file(name, doc.id)
                with open_output(out / file) as fh:
                    fh.write(body_text(doc, layer))
                if name not in indexes:
                    index_path = out / (file.split("/")[0] + ".jsonl")
                    indexes[name] = stack.enter_context(open_output(index_path))
                indexes[name].write(json.dumps(gold_record(doc, name, layer, file),
                                               ensure_ascii=False) + "\n")
                count += 1
                if options.progress and count % PROGRESS_EVERY == 0:
                    options.progress(count)
    return count
