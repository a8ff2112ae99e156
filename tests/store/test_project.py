"""The project file: real SQLite files, opened, edited, closed and reopened."""
import json
import sqlite3

import pytest

from annotator.cli import run_import
from annotator.core.errors import ProjectError, ValidationError
from annotator.core.model import Entity, Layer, add_entity, set_zone
from annotator import SEEDS
from annotator.formats import jsonl, read_paths
from annotator.store import FORMAT_VERSION, Project, project as project_module

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_file_settings(project):
    conn = project.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: on disk at commit


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


def test_edits_are_logged_and_undo_survives_reopening(seeded, tmp_path):
    doc = "000_a3ed348b844c58ae"
    text = seeded.get_text(doc)
    start = text.index("يوآف جالانت")
    seeded.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 100, "body"))
    seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(start, start + 11, "PER")))
    path = seeded.path
    seeded.close()

    with Project.open(path) as again:
        assert [e.label for e in again.get_layer(doc, "ali").entities] == ["PER"]
        assert again.undo(doc, "ali", "ali").action == "entity"
        assert again.get_layer(doc, "ali").entities == ()
    with Project.open(path) as third:
        assert third.undo(doc, "ali", "ali").action == "zone"
        assert third.get_layer(doc, "ali").is_empty()
        assert third.undo(doc, "ali", "ali") is None
        assert third.redo(doc, "ali", "ali").action == "zone"
        assert third.can_redo(doc, "ali")
        # a new edit clears the redo stack
        third.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 5, "source"))
        assert not third.can_redo(doc, "ali")
        actions = [c.action for c in third.history(doc, "ali")]
        assert actions == ["zone", "entity", "undo", "undo", "redo", "zone"]


def test_invalid_edit_writes_nothing(seeded):
    doc = "001_d6de30c6830c1eec"
    before = seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    with pytest.raises(ValidationError):
        seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(0, 10**6, "PER")))
    with pytest.raises(ValidationError):
        seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(0, 3, "NOPE")))
    assert seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == before
    assert not seeded.has_layer(doc, "ali")


def test_change_log_is_append_only(seeded):
    seeded.edit("000_a3ed348b844c58ae", "ali", "ali", "zone", lambda l: set_zone(l, 0, 9, "body"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        seeded.conn.execute("UPDATE changes SET who = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        seeded.conn.execute("DELETE FROM changes")


def test_status_note_flag_and_time(seeded):
    doc = "002_b91ee82fcd84a4d3"
    assert seeded.get_status(doc, "ali").status == "todo"
    seeded.set_status(doc, "ali", status="in_progress", add_seconds=12.5)
    seeded.set_status(doc, "ali", note="سطر المصدر ملتصق", flagged=True, add_seconds=2.5)
    status = seeded.get_status(doc, "ali")
    assert (status.status, status.seconds, status.note, status.flagged) == \
        ("in_progress", 15.0, "سطر المصدر ملتصق", True)
    assert seeded.status_counts("ali")["todo"] == 4
    with pytest.raises(ValidationError):
        seeded.set_status(doc, "ali", status="finished")


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


def test_newer_file_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION + 3}")
    conn.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        Project.open(path)


def test_not_a_project_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 10)
    with pytest.raises(ProjectError, match="not a project file"):
        Project.open(junk)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(plain)


def test_older_file_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    Project.create(path).close()

    def add_column(conn):
        conn.execute("ALTER TABLE documents ADD COLUMN language TEXT DEFAULT 'ar'")
    monkeypatch.setattr(project_module, "FORMAT_VERSION", FORMAT_VERSION + 1)
    monkeypatch.setitem(project_module.MIGRATIONS, FORMAT_VERSION, add_column)
    with Project.open(path) as migrated:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION + 1
        columns = [r[1] for r in migrated.conn.execute("PRAGMA table_info(documents)")]
        assert "language" in columns
    backup = tmp_path / f"old.db.format{FORMAT_VERSION}.bak"
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    old.close()


def test_iter_annotated_streams_layer_selection(seeded):
    seeded.edit("003_628b6a840abc538b", "gold", "rev", "z", lambda l: set_zone(l, 0, 3, "body"))
    gold = list(seeded.iter_annotated("gold"))
    assert [(d.id, [n for n, _ in ls]) for d, ls in gold] == [("003_628b6a840abc538b", ["gold"])]
    everything = list(seeded.iter_annotated("all"))
    assert len(everything) == 5
    assert isinstance(gold[0][1][0][1], Layer)
