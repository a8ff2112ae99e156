"""Documents and import (store/documents.py), on real SQLite files."""
import json
from annotator.cli import run_import
from annotator.core.model import Entity, add_entity, set_zone
from annotator import SEEDS
from annotator.formats import jsonl, read_paths
from annotator.store import Project

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_seeds_import_with_exact_text(seeded):
    assert seeded.count_documents() == 5
    for path in SEED_FILES:
        doc = seeded.get_document(path.stem)
        assert doc.text == path.read_bytes().decode("utf-8")
        assert doc.meta["encoding"] == "utf-8"


def test_reimport_changes_nothing_and_says_so(seeded, seed_dir):
    before = seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    counts = run_import(seeded, [seed_dir], None, None, quiet=True)
    assert counts == {"added": 0, "updated": 0, "unchanged": 5, "duplicate": 0, "kept": 0,
                      "rejected": 0}
    assert seeded.count_documents() == 5
    assert seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == before


def test_same_id_with_other_text_is_refused_and_the_original_kept(seeded, tmp_path):
    other = tmp_path / "x" / "000_a3ed348b844c58ae.txt"
    other.parent.mkdir()
    other.write_text("نص آخر تماما", encoding="utf-8")
    outcomes = list(seeded.import_documents(read_paths([other])))
    assert [o.state for o in outcomes] == ["rejected"]
    assert "already in the project with other text" in outcomes[0].message
    assert seeded.get_text("000_a3ed348b844c58ae") == SEED_FILES[0].read_text(encoding="utf-8")


def test_jsonl_round_trip_is_byte_exact(seeded, tmp_path):
    doc = "000_a3ed348b844c58ae"
    text = seeded.get_text(doc)
    start = text.index("يوآف جالانت")
    seeded.edit(doc, "ali", "ali", "e", lambda l: set_zone(add_entity(
        l, Entity(start, start + 11, "PER", "Yoav Gallant")), 0, 500, "body"))
    seeded.edit(doc, "gold", "rev", "e", lambda l: add_entity(l, Entity(start, start + 4, "PER")))
    first = "".join(jsonl.export_lines(seeded))
    out1 = tmp_path / "one.jsonl"
    out1.write_text(first, encoding="utf-8")

    with Project.create(tmp_path / "copy.db") as copy:
        counts = run_import(copy, [out1], None, None, quiet=True)
        assert counts["rejected"] == 0
        second = "".join(jsonl.export_lines(copy))
    assert second.encode() == first.encode()
    lines = [json.loads(l) for l in first.splitlines()]
    assert [(l["id"], l.get("layer")) for l in lines][:3] == [(doc, "ali"), (doc, "gold"),
                                                              ("001_d6de30c6830c1eec", None)]
