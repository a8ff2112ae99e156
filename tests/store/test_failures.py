"""When the disk fails the labeler: full, read-only, locked, damaged. Real SQLite files; disk
full is real (SQLite's max_page_count makes the file unable to grow, the same SQLITE_FULL a
full disk gives), no mock of the store."""
import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from annotator.core.errors import NotSavedError, ProjectError
from annotator.core.model import Entity, Layer, add_entity
from annotator.core.model import Document
from annotator.store import ImportRecord, Project

TEXT = "قال غالانت إن إسرائيل ستواصل في غزة 😀 وأكد أوستن دعم واشنطن.\n" * 40


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.db") as proj:
        list(proj.import_documents([ImportRecord(Document(f"d{i}", f"{i} {TEXT}", {}))
                                    for i in range(3)]))
        yield proj


def entity_layer(proj, doc, count):
    layer = proj.get_layer(doc, "ali")
    text = proj.get_text(doc)
    for i in range(count):
        layer = add_entity(layer, Entity(i * 3, i * 3 + 2, "PER"))
    return layer


def test_disk_full_is_not_saved_with_its_reason_and_saves_when_space_returns(project):
    project.put_layer("d0", "ali", entity_layer(project, "d0", 5), "ali")
    pages = project.conn.execute("PRAGMA page_count").fetchone()[0]
    project.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    big = entity_layer(project, "d1", 600)
    with pytest.raises(NotSavedError) as caught:
        project.put_layer("d1", "ali", big, "ali")
    assert caught.value.reason == "disk_full" and "not saved" in str(caught.value)
    assert str(project.path) in str(caught.value)
    assert not project.has_layer("d1", "ali")  # nothing half-written
    assert len(project.get_layer("d0", "ali").entities) == 5  # nothing saved was touched
    with pytest.raises(NotSavedError):  # again: the window retries, still full
        project.put_layer("d1", "ali", big, "ali")
    project.conn.execute("PRAGMA max_page_count = 1073741823")  # space again
    project.put_layer("d1", "ali", big, "ali")
    with Project.open(project.path) as again:
        assert len(again.get_layer("d1", "ali").entities) == 600
        assert again.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_lock_held_past_the_busy_timeout_is_not_saved_locked(project):
    project.conn.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(project.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(NotSavedError) as caught:
            project.put_layer("d0", "ali", entity_layer(project, "d0", 2), "ali")
        assert caught.value.reason == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    project.put_layer("d0", "ali", entity_layer(project, "d0", 2), "ali")
    assert len(project.get_layer("d0", "ali").entities) == 2


def test_a_read_only_project_opens_for_reading_and_refuses_writes(project):
    project.put_layer("d0", "ali", entity_layer(project, "d0", 3), "ali")
    with Project.open(project.path, read_only=True) as ro:
        assert ro.read_only
        assert ro.document_ids() == ["d0", "d1", "d2"]
        assert len(ro.get_layer("d0", "ali").entities) == 3
        assert ro.stats()["documents"] == 3
        with pytest.raises(NotSavedError) as caught:
            ro.put_layer("d1", "ali", Layer.empty(len(ro.get_text("d1"))), "ali")
        assert caught.value.reason == "read_only"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may write any file: permissions cannot make one read-only")
def test_a_file_without_write_permission_opens_read_only(tmp_path):
    path = tmp_path / "p.db"
    Project.create(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with Project.open(path) as proj:
            assert proj.read_only and proj.count_documents() == 0
    finally:
        tmp_path.chmod(0o755)


def damage(path):
    """Keep the header and the first page (the schema), overwrite the rest with noise."""
    data = bytearray(path.read_bytes())
    rng = random.Random(7)
    for i in range(4096, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))


def test_a_damaged_project_is_one_line_naming_it(tmp_path):
    path = tmp_path / "p.db"
    with Project.create(path) as proj:
        list(proj.import_documents([ImportRecord(Document(f"d{i}", f"{i} {TEXT}", {}))
                                    for i in range(30)]))
    damage(path)
    with pytest.raises(ProjectError, match="damaged"):
        with Project.open(path) as proj:
            proj.stats()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="runs the command as user nobody, which needs root to switch to")
def test_a_project_nobody_may_write_is_read_by_every_command(tmp_path):
    """The real thing as root cannot see it: the commands run as `nobody` on a project file and
    folder they may not write."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="annotator-ro-")
    try:
        path = os.path.join(folder, "p.db")
        with Project.create(path) as proj:
            list(proj.import_documents([ImportRecord(Document("d0", f"غزة {TEXT}", {}))]))
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)

        def run(*args):
            return subprocess.run([sys.executable, "-m", "annotator", *args], text=True,
                                  capture_output=True, preexec_fn=lambda: os.setuid(65534),
                                  cwd=folder)

        probe = run("--version")
        if probe.returncode != 0:
            pytest.skip(f"user nobody cannot run this Python: {probe.stderr[-200:]}")
        stats = run("stats", path)
        assert stats.returncode == 0 and "documents: 1" in stats.stdout, stats.stderr
        export = run("export", path)
        assert export.returncode == 0 and '"id": "d0"' in export.stdout, export.stderr
        assert run("check", path).returncode == 0
        imported = run("import", path, path)
        assert imported.returncode == 2 and "read-only" in imported.stderr
        assert len(imported.stderr.strip().splitlines()) == 1
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)
