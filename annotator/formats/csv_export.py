"""CSV for spreadsheets: one row per entity (`csv-entities`, also `csv` and the .csv ending) or
per stance item (`csv-stances`).

UTF-8 with a BOM, so Excel and LibreOffice read Arabic without asking; CRLF row ends (RFC 4180).
A text cell a spreadsheet would run as a formula (starting with = + - @, a tab or a CR) gets a
leading apostrophe, the usual defence against CSV injection: labeled news text is untrusted
input. Offsets are code points (and UTF-16 with --utf16); numbers are never touched.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

from ..core.model import Document, EntityRef, Layer, zone_at
from ..core.offsets import utf16_offset
from ..store import Project
from . import ExportOptions, open_output

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EVIDENCE_SEPARATOR = "\n"  # one passage per line inside the cell
BODY = "body"
PROGRESS_EVERY = 100

ENTITY_COLUMNS = ["document", "layer", "start", "end", "label", "text", "canonical", "zone"]
STANCE_COLUMNS = ["document", "layer", "holder", "holder_start", "holder_end", "target",
                  "target_start", "target_end", "value", "evidence", "evidence_spans"]


def register_formats(register) -> None:
    register("csv-entities", writer=write_entities, extensions=[".csv"])
    register("csv", writer=write_entities)
    register("csv-stances", writer=write_stances)


def neutralize(value: Any) -> Any:
    """A text cell that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _in_body(layer: Layer, start: int, end: int) -> bool:
    return any(z.label == BODY and z.start <= start and end <= z.end for z in layer.zones)


def entity_rows(doc: Document, name: str, layer: Layer, options: ExportOptions
                ) -> Iterator[list]:
    for ent in layer.entities:
        if options.body_only and not _in_body(layer, ent.start, ent.end):
            continue
        zone = zone_at(layer, ent.start)
        row = [doc.id, name, ent.start, ent.end, ent.label, doc.text[ent.start:ent.end],
               ent.canonical or "", zone.label if zone else ""]
        if options.utf16:
            row += [utf16_offset(doc.text, ent.start), utf16_offset(doc.text, ent.end)]
        yield row


def stance_rows(doc: Document, name: str, layer: Layer, options: ExportOptions
                ) -> Iterator[list]:
    def party(p) -> list:
        if isinstance(p, EntityRef):
            return [doc.text[p.start:p.end], p.start, p.end]
        return [p, "", ""]

    for stance in layer.stances:
        if options.body_only and not all(_in_body(layer, a, b) for a, b in stance.evidence):
            continue
        evidence = EVIDENCE_SEPARATOR.join(doc.text[a:b] for a, b in stance.evidence)
        yield [doc.id, name, *party(stance.holder), *party(stance.target), stance.value,
               evidence, json.dumps([list(e) for e in stance.evidence])]


def _write(project: Project, out: Path | None, options: ExportOptions, columns: list[str],
           rows) -> int:
    if options.utf16 and rows is entity_rows:
        columns = columns + ["start_utf16", "end_utf16"]
    count = 0
    with open_output(out, bom=True) as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(columns)
        for doc, layers in options.annotated(project):
            wrote = False
            for name, layer in layers:
                for row in rows(doc, name, layer, options):
                    writer.writerow([neutralize(cell) for cell in row])
                    wrote = True
            if wrote:
                count += 1
                if options.progress and count % PROGRESS_EVERY == 0:
                    options.progress(count)
    return count


def write_entities(project: Project, out: Path | None, options: ExportOptions) -> int:
    """One row per entity; returns the number of documents that had rows."""
    return _write(project, out, options, ENTITY_COLUMNS, entity_rows)


def write_stances(project: Project, out: Path | None, options: ExportOptions) -> int:
    """One row per stance item; returns the number of documents that had rows."""
    return _write(project, out, options, STANCE_COLUMNS, stance_rows)
