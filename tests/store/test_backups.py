"""Rolling backups (SQLite's backup API), `annotator check` and `annotator restore`, and
re-import that never overwrites newer work."""
import os
import random
import subprocess
import sys
import time

import pytest

from annotator.core.model import Document, Entity, Layer, add_entity
from annotator.store import ImportRecord, Project
from annotator.store.backup import AutoBackup, backups, make_backup, restore

TEXT = "قال غالانت إن إسرائيل ستواصل في غزة 😀 وأكد أوستن دعم واشنطن.\n" * 20


def annotator(*args):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "a project? #1 100%.db"  # characters a file: URI would misread
    with Project.create(path) as proj:
        list(proj.import_documents([ImportRecord(Document(f"d{i}", f"{i} {TEXT}", {}))
                                    for i in range(20)]))
    return path


def label(proj, doc, n):
    layer = Layer.empty(len(proj.get_text(doc)))
    for i in range(n):
        layer = add_entity(layer, Entity(i * 4, i * 4 + 3, "PER"))
    proj.put_layer(doc, "ali", layer, "ali")


def test_backups_roll_and_keep_the_newest(path):
    made = [make_backup(path, keep=3) for _ in range(5)]
    assert backups(path) == made[-3:]
    with Project.open(made[-1]) as copy:
        assert copy.count_documents() == 20


def test_a_backup_on_open_and_after_minutes_of_work(path):
    with Project.open(path) as proj:
        auto = proj.enable_backups(every_minutes=0.5 / 60)  # every half second
        auto.wait()
        assert len(backups(path)) == 1
        label(proj, "d0", 3)
        auto.wait()
        assert len(backups(path)) == 1  # not due yet
        time.sleep(0.6)
        label(proj, "d1", 2)
        auto.wait()
        assert len(backups(path)) == 2 and auto.last_error is None
    with Project.open(backups(path)[-1]) as copy:
        assert len(copy.get_layer("d1", "ali").entities) == 2


def test_check_finds_nothing_in_a_sound_file_and_names_what_is_broken(path):
    with Project.open(path) as proj:
        label(proj, "d0", 2)
    result = annotator("check", path)
    assert result.returncode == 0 and "ok (20 documents, 1 layers)" in result.stdout
    with Project.open(path) as proj, proj.write():
        proj.conn.execute("UPDATE layers SET data = ? WHERE name = 'ali'",
                          ('{"zones":[],"entities":[{"start":0,"end":99999,"label":"X"}],'
                           '"stances":[]}',))
        proj.conn.execute("UPDATE status SET status = 'hacked'")
        proj.conn.execute("INSERT INTO status (doc, annotator, status, seconds, updated) "
                          "VALUES (2, 'b', 'hacked', -1e308, 'x')")
    result = annotator("check", path)
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any("document 'd0', layer 'ali'" in l and "outside" in l for l in lines), lines
    assert any("'hacked' is not a status" in l for l in lines)
    assert any("time spent -1e+308" in l for l in lines)
    assert all(l.startswith(f"{path}: ") for l in lines)


def test_a_damaged_file_is_one_line_in_every_command_and_restore_brings_it_back(path):
    with Project.open(path) as proj:
        label(proj, "d0", 4)
    make_backup(path)
    with Project.open(path) as proj:
        label(proj, "d1", 1)  # after the backup: what restore cannot bring back
    data = bytearray(path.read_bytes())
    rng = random.Random(3)
    for i in range(4096 * 3, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))
    for args in (["stats"], ["export"], ["export", "--format", "conll"], ["search", "غزة"],
                 ["agree"], ["check"], ["review-queue"], ["export", "--format", "csv"]):
        result = annotator(args[0], path, *args[1:])
        lines = result.stderr.strip().splitlines()
        assert "Traceback" not in result.stderr and len(lines) == 1, (args, result.stderr)
        assert str(path) in lines[0] and result.returncode in (1, 2)
    result = annotator("restore", path)
    assert result.returncode == 0, result.stderr
    assert "restored from" in result.stderr
    assert annotator("check", path).returncode == 0
    with Project.open(path) as proj:
        assert len(proj.get_layer("d0", "ali").entities) == 4
    aside = [p for p in path.parent.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1
    assert annotator("check", aside[0]).returncode != 0  # the damaged file, kept, not deleted


def test_restore_refuses_a_damaged_backup(path, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(path.read_bytes()[:4096] + b"\x00" * 4096 * 3)
    result = annotator("restore", path, "--from", bad)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert annotator("check", path).returncode == 0


# -- re-import --------------------------------------------------------------------------------

def test_reimporting_an_older_export_keeps_newer_edits_unless_forced(path, tmp_path):
    with Project.open(path) as proj:
        label(proj, "d0", 2)
        label(proj, "d1", 2)
    old = tmp_path / "old.jsonl"
    assert annotator("export", path, "--layer", "ali", "-o", old).returncode == 0
    with Project.open(path) as proj:
        label(proj, "d0", 5)  # the labeler went on after the export
    result = annotator("import", path, old)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and f"{old}:1: layer 'ali' (changed by ali" in lines[0]
    assert "newer in the project" in lines[0]
    assert "1 kept as newer in the project" in lines[1]
    with Project.open(path) as proj:
        assert len(proj.get_layer("d0", "ali").entities) == 5
    result = annotator("import", path, old, "--force")
    assert result.returncode == 0 and "1 updated" in result.stderr
    with Project.open(path) as proj:
        assert len(proj.get_layer("d0", "ali").entities) == 2


def test_reimport_refreshes_a_layer_only_an_import_wrote(path, tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "d0", "text": "%s", "entities": [{"start": 0, "end": 1, '
                   '"label": "PER"}]}\n' % f"0 {TEXT}".replace("\n", "\\n"), encoding="utf-8")
    assert annotator("import", path, src).returncode == 0
    src.write_text(src.read_text(encoding="utf-8").replace('"PER"', '"LOC"'), encoding="utf-8")
    result = annotator("import", path, src)
    assert result.returncode == 0 and "1 updated" in result.stderr
