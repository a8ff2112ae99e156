"""The five seed articles, annotated, go out in every format; what can be read back comes back
exactly."""
import csv
import io
import re

import pytest

from annotator.core.model import (AUTHOR, Document, Entity, EntityRef, Stance, add_entity,
                                  add_stance, set_zone)
from annotator.formats import WRITERS, ExportOptions
from annotator.store import ImportRecord

from .conftest import export, import_into

NAMES = {"جالانت": "PER", "غالانت": "PER", "نتنياهو": "PER", "حماس": "ORG", "غزة": "LOC",
         "إسرائيل": "LOC", "واشنطن": "LOC"}
READABLE = {"jsonl": "jsonl", "conll": "conll", "labelstudio": "labelstudio",
            "doccano": "doccano"}


def annotate(project, doc_id):
    text = project.get_text(doc_id)
    source = re.search(r"^المصدر.*$", text, re.M)
    body_end = source.start() if source else len(text) // 2
    source_end = source.end() + 1 if source else body_end + 10

    def edit(layer):
        layer = set_zone(layer, 0, body_end, "body")
        layer = set_zone(layer, body_end, source_end, "source")
        layer = set_zone(layer, source_end, len(text), "boilerplate")
        for name, label in NAMES.items():
            for match in re.finditer(name, text):  # also inside words: وإسرائيل, لحماس
                layer = add_entity(layer, Entity(match.start(), match.end(), label))
        first = layer.entities[0]
        return add_stance(layer, Stance(AUTHOR, EntityRef(first.start, first.end), "against",
                                        ((first.start, min(len(text), first.end + 20)),)))
    project.edit(doc_id, "gold", "reviewer", "annotate", edit)


@pytest.fixture
def gold_seeds(seeded):
    for doc_id in seeded.document_ids():
        annotate(seeded, doc_id)
    return seeded


def test_every_writer_is_covered():
    assert set(WRITERS) == {"jsonl", "conll", "labelstudio", "doccano", "csv", "csv-entities",
                            "csv-stances", "text"}


@pytest.mark.parametrize("fmt", sorted(READABLE))
def test_seeds_round_trip_exactly(gold_seeds, tmp_path, fmt):
    first = tmp_path / f"first.{fmt}"
    assert export(gold_seeds, fmt, first, layer="gold") == 5
    proj, counts = import_into(tmp_path / "again.db", [first], fmt=READABLE[fmt], layer="gold")
    assert counts["added"] == 5 and counts["rejected"] == 0, counts
    second = tmp_path / f"second.{fmt}"
    export(proj, fmt, second, layer="gold")
    assert second.read_bytes() == first.read_bytes()
    proj.close()


def test_seeds_to_csv_and_text(gold_seeds, tmp_path):
    entities = sum(len(l.entities) for _d, _n, l in gold_seeds.iter_layers("gold"))
    out = tmp_path / "e.csv"
    assert export(gold_seeds, "csv-entities", out, layer="gold") == 5
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == entities > 50
    for row in rows:
        assert row["text"] == gold_seeds.get_text(row["document"])[int(row["start"]):
                                                                    int(row["end"])]
    out = tmp_path / "s.csv"
    assert export(gold_seeds, "csv-stances", out, layer="gold") == 5
    assert len(list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == 6
    folder = tmp_path / "text"
    assert export(gold_seeds, "text", folder, layer="gold") == 5
    for doc in gold_seeds.iter_documents():
        body = (folder / "gold" / f"{doc.id}.txt").read_text(encoding="utf-8")
        first_zone = gold_seeds.get_layer(doc.id, "gold").zones[0]
        assert first_zone.label == "body" and body == doc.text[:first_zone.end]


def test_long_exports_report_progress(project, tmp_path):
    records = (ImportRecord(Document(f"d{i}", f"زار عباس غزة {i} 😀"), {"gold": {
        "zones": [{"start": 0, "end": 4, "label": "body"},
                  {"start": 4, "end": len(f"زار عباس غزة {i} 😀"), "label": "source"}],
        "entities": [{"start": 4, "end": 8, "label": "PER"}],
        "stances": [{"holder": "author", "target": "غزة", "value": "neutral"}]}})
        for i in range(1000))
    assert sum(1 for _ in project.import_documents(records)) == 1000
    for fmt in sorted(WRITERS):
        seen = []
        out = tmp_path / fmt
        count = WRITERS[fmt](project, out, ExportOptions(layer="gold", progress=seen.append))
        assert count == 1000, fmt
        assert seen and seen == sorted(seen) and seen[-1] <= 1000, (fmt, seen)
