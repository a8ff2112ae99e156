"""What every backend must do alike (run once per backend: tests/store/conftest.py): pack
and merge, search, models, and an export byte for byte the same."""
from annotator.core.model import Entity, add_entity, set_zone
from annotator.formats import ExportOptions, WRITERS
from annotator.store import Project
from annotator.store.batches import merge, pack
from annotator.store.models import load_model, save_model
from annotator.store.search import search


def test_pack_and_merge_against_either_backend(seeded, tmp_path):
    packed = pack(seeded, tmp_path / "out", ["ali", "sara"], overlap=0.4, seed=1)
    batch = packed[0]
    with Project.open(batch.path) as work:
        doc = work.document_ids()[0]
        work.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 12, "body"))
        work.set_status(doc, "ali", status="done", add_seconds=4)
    merged = merge(seeded, batch.path)
    assert merged.taken == 1 and merged.history == 2  # the edit and the status
    assert seeded.get_layer(doc, "ali").zones[0].end == 12
    assert seeded.get_status(doc, "ali").status == "done"
    again = merge(seeded, batch.path)
    assert again.taken == 0 and again.history == 0


def test_search_models_and_exports_agree_across_backends(seeded, tmp_path, backend):
    doc = "001_d6de30c6830c1eec"
    text = seeded.get_text(doc)
    at = text.index("غزة")
    seeded.edit(doc, "gold", "rev", "entity", lambda l: add_entity(l, Entity(at, at + 3, "LOC")))
    hits = search(seeded, "غزه")  # hamza/teh-marbuta-insensitive
    assert doc in [r.doc_id for r in hits]
    assert all(text[h.start:h.end] == "غزة" for r in hits if r.doc_id == doc for h in r.hits)
    save_model(seeded, "zones", "crfsuite-1", bytes(range(256)), {"n": 1})
    assert load_model(seeded, "zones").data == bytes(range(256))
    out = tmp_path / "gold.jsonl"
    WRITERS["jsonl"](seeded, out, ExportOptions("gold", None, False, False, None))
    line = out.read_text(encoding="utf-8")
    assert '"label":"LOC"' in line.replace(" ", "")


def test_check_finds_no_problem_in_a_sound_project(seeded):
    from annotator.store.integrity import check

    seeded.edit("000_a3ed348b844c58ae", "ali", "ali", "zone", lambda l: set_zone(l, 0, 4, "body"))
    assert check(seeded) == []
