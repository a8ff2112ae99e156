"""Re-import over a labeler's layer damaged in the project file (edited by hand): the file's
layer replaces it, as the file asks; one line says which layer was damaged and what it is now
(exit 0: nothing asked for was refused); the change-log row ends with AFRESH, so `annotator
check` does not report the damaged before-state the log keeps on purpose. A layer a person
edited since it was imported is still kept unless --force, damaged or not."""
import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main as cli
from annotator.core.model import Entity, Layer, add_entity
from annotator.store import Project
from annotator.store.changes import AFRESH

from tests.review.test_damaged_layers import damage, stored

TEXT = "قال وزير الدفاع غالانت 😀 إنّ إسرائيل ستواصل\nوأكد أوستن دعم واشنطن."
GALLANT = TEXT.index("غالانت")
AUSTIN = TEXT.index("أوستن")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def record(doc_id: str, label: str) -> str:
    return json.dumps({"id": doc_id, "text": f"{doc_id} {TEXT}", "layer": "ali", "entities": [
        {"start": GALLANT + 3, "end": GALLANT + 9, "label": label, "text": "غالانت"},
        {"start": AUSTIN + 3, "end": AUSTIN + 8, "label": "PER", "text": "أوستن"}]},
        ensure_ascii=False)


@pytest.fixture
def project(tmp_path):
    """A project whose labeler layers 'ali' of d0 and d1 came from a file."""
    path = tmp_path / "p.db"
    Project.create(path).close()
    source = tmp_path / "ali.jsonl"
    source.write_text(record("d0", "PER") + "\n" + record("d1", "PER") + "\n", encoding="utf-8")
    assert run("import", path, source).exit_code == 0
    return path, source


def reverse_first_entity(path, doc_id: str) -> str:
    layer = json.loads(stored(path, doc_id, "ali"))
    first = layer["entities"][0]
    first["start"], first["end"] = first["end"], first["start"]
    data = json.dumps(layer, ensure_ascii=False)
    damage(path, doc_id, "ali", data)
    return data


def last_change(path, doc_id: str):
    with Project.open(path) as proj:
        return proj.history(doc_id, "ali")[-1]


def test_reimport_replaces_a_damaged_layer_says_so_and_check_is_clean(project, tmp_path):
    path, source = project
    damaged = reverse_first_entity(path, "d0")
    assert run("check", path).exit_code == 1  # the damage is seen before
    # The file again, d1 changed in it (an ordinary replacement: no AFRESH).
    source.write_text(record("d0", "PER") + "\n" + record("d1", "LOC") + "\n", encoding="utf-8")
    result = run("import", path, source)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"annotator: {path}: document 'd0', layer 'ali' was damaged (entity "
        f"[{GALLANT + 9}, {GALLANT + 3}) is outside the text (length {len(TEXT) + 3}) or "
        f"empty); replaced by the layer in {source}:1",
        "0 added, 2 updated, 0 unchanged, 0 duplicates skipped, 0 rejected"]
    with Project.open(path) as proj:  # the file's layer, whole
        assert [(e.start, e.end, e.label) for e in proj.checked_layer("d0", "ali").entities] \
            == [(GALLANT + 3, GALLANT + 9, "PER"), (AUSTIN + 3, AUSTIN + 8, "PER")]
    change = last_change(path, "d0")
    assert change.action == "import" + AFRESH
    assert change.before == json.loads(damaged)  # nothing lost: the log keeps what was there
    assert last_change(path, "d1").action == "import"
    checked = run("check", path)
    assert checked.exit_code == 0 and checked.stderr == "", checked.stderr

    # A layer an import started afresh is still the import's: the next import refreshes it.
    source.write_text(record("d0", "LOC") + "\n", encoding="utf-8")
    result = run("import", path, source)
    assert result.exit_code == 0 and "1 updated" in result.stderr, result.stderr
    assert last_change(path, "d0").action == "import"


def test_a_damaged_layer_a_person_edited_since_is_kept_unless_forced(project):
    path, source = project
    with Project.open(path) as proj:  # ali labels on after the import
        layer = add_entity(proj.get_layer("d0", "ali"), Entity(0, 2, "MISC"))
        proj.put_layer("d0", "ali", layer, "ali", "label")
    damaged = reverse_first_entity(path, "d0")
    result = run("import", path, source)
    assert result.exit_code == 1
    assert "layer 'ali' (changed by ali" in result.stderr and "kept" in result.stderr
    kept_line = next(line for line in result.stderr.splitlines() if "changed by ali" in line)
    assert "; damaged since: entity " in kept_line  # what --force would replace, said
    assert stored(path, "d0", "ali") == damaged  # not written over without --force

    result = run("import", path, source, "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        f"annotator: {path}: document 'd0', layer 'ali' was damaged (entity ")
    assert result.stderr.splitlines()[0].endswith(f"; replaced by the layer in {source}:1")
    assert last_change(path, "d0").action == "import" + AFRESH
    assert run("check", path).exit_code == 0


def test_a_sound_layer_replaced_by_import_is_an_ordinary_row(project):
    path, source = project
    source.write_text(record("d0", "ORG") + "\n", encoding="utf-8")
    result = run("import", path, source)
    assert result.exit_code == 0 and result.stderr.splitlines() == [
        "0 added, 1 updated, 0 unchanged, 0 duplicates skipped, 0 rejected"]
    assert last_change(path, "d0").action == "import"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM changes WHERE action LIKE ?",
                            (f"%{AFRESH}",)).fetchone()[0] == 0
    conn.close()
