"""Edits that cannot be saved are kept outside the project meanwhile (session/rescue.py): a
session that ends while NOT SAVED (a crash, a power cut, closing anyway) loses nothing; the
next session of that labeler gives them back, or says why not. Real SQLite files, a full disk
as in test_saving (PRAGMA max_page_count)."""
from __future__ import annotations

import json

from annotator.core.model import Entity, Layer, add_entity, set_zone
from annotator.session import AnnotationSession
from annotator.session.rescue import RESTORE, RescueFile
from annotator.store import Project

from .test_saving import fill_the_disk, free_the_disk, label_until_not_saved


def _session(store, folder, who="sara"):
    return AnnotationSession(store, who, rescue=RescueFile(folder, store.project_id, who))


def test_unsaved_edits_survive_the_session_and_come_back_once(store, tmp_path):
    folder = tmp_path / "userdata"
    session = _session(store, folder)
    session.open_document("d1")
    fill_the_disk(store)
    shown = label_until_not_saved(session)
    session.label_zone("body", 0, 10)
    session.open_document("d2")                       # more unsaved work, another document
    session.label_entity("PER", 0, 3, exact=True)
    assert not session.saving.saved and session.rescue.file.path.exists()
    session.open_document("d1")
    layer_d1 = session.layer
    kept = json.loads(session.rescue.file.path.read_text(encoding="utf-8"))
    assert {(e["document"], e["layer"]) for e in kept["layers"]} == {("d1", "sara"), ("d2", "sara")}
    # The window is gone (a crash: its process and the lock on its file go with it; a crash
    # of a real process is test_a_crashed_process_s_edits_come_back): nothing more is retried.
    # The disk is freed later.
    session.rescue.release()
    path = store.path
    store.close()
    again = Project.open(path)
    before = len(again.history())
    next_session = _session(again, folder)
    assert next_session.restore_rescued() == (2, [])
    assert again.get_layer("d1", "sara") == layer_d1
    assert again.get_layer("d1", "sara").entities == shown
    assert again.get_layer("d2", "sara").entities == (Entity(0, 3, "PER"),)
    assert [c.action for c in again.history()[before:]] == [RESTORE, RESTORE]
    assert not next_session.rescue.file.path.exists()
    assert next_session.restore_rescued() == (0, [])  # once
    again.close()


def test_once_saved_the_rescue_file_goes_and_undo_of_an_unsaved_edit_updates_it(store,
                                                                                   tmp_path):
    session = _session(store, tmp_path)
    session.open_document("d1")
    fill_the_disk(store)
    label_until_not_saved(session)
    session.undo()                                      # drops the one unsaved edit
    assert not session.rescue.file.path.exists() or not json.loads(
        session.rescue.file.path.read_text(encoding="utf-8"))["layers"]
    session.label_zone("body", 0, 10)
    assert session.rescue.file.path.exists()
    free_the_disk(store)
    assert session.retry()
    assert not session.rescue.file.path.exists()


def test_a_layer_changed_since_is_not_overwritten_and_the_file_is_set_aside(store, tmp_path):
    session = _session(store, tmp_path)
    session.open_document("d1")
    fill_the_disk(store)
    label_until_not_saved(session)
    session.rescue.release()             # its window closed anyway
    path = store.path
    store.close()
    with Project.open(path) as other:    # the same labeler, in another window, later
        other.edit("d1", "sara", "sara", "zone", lambda l: set_zone(l, 0, 4, "source"))
        changed = other.get_layer("d1", "sara")
        restored, problems = _session(other, tmp_path).restore_rescued()
        assert restored == 0 and len(problems) == 1
        assert "document 'd1', layer 'sara': changed since the unsaved edits were made on it" \
            in problems[0]
        assert other.get_layer("d1", "sara") == changed
        aside = list(tmp_path.glob("*.json"))
        assert len(aside) == 1 and str(aside[0]) in problems[0]


def test_a_damaged_rescue_file_is_one_line_and_touches_nothing(store, tmp_path):
    crashed = RescueFile(tmp_path, store.project_id, "sara")  # a session that left this file
    rescue = RescueFile(tmp_path, store.project_id, "sara")
    text = store.get_text("d1")
    good = json.dumps(add_entity(Layer.empty(len(text)), Entity(0, 2, "PER")).to_json(text),
                      ensure_ascii=False)
    before = len(store.history())
    for content in ("{not json", json.dumps({"layers": []}),
                    json.dumps({"project_id": store.project_id, "layers": [
                        {"document": "d1", "layer": "sara", "base": None,
                         "shown": '{"entities": [{"start": 5, "end": 2, "label": "PER"}]}'},
                        {"document": "nope", "layer": "sara", "base": None, "shown": good},
                        "junk"]})):
        crashed.path.write_text(content, encoding="utf-8")
        restored, problems = rescue.restore(store)
        for aside in tmp_path.glob("*.json"):    # (each one set aside: read the next one)
            aside.unlink()
        assert restored == 0 and problems and all("\n" not in p for p in problems)
        assert len(store.history()) == before
    assert any("entity [5, 2) is outside the text" in p for p in problems)
    assert any("no such document" in p for p in problems)


def test_two_windows_of_one_labeler_keep_each_its_own_edits(store, tmp_path):
    """Two windows of sara on one project (two instances of the app): the one whose edits get
    saved must not take the other's rescue file with it, nor may one replace the other's."""
    first, second = _session(store, tmp_path), _session(store, tmp_path)
    first.open_document("d1")
    second.open_document("d2")
    fill_the_disk(store)
    label_until_not_saved(first)
    shown_d2 = label_until_not_saved(second)
    assert first.rescue.file.path != second.rescue.file.path
    assert first.rescue.file.path.exists() and second.rescue.file.path.exists()
    free_the_disk(store)
    assert first.retry()                       # the first window's edits reach the disk
    assert not first.rescue.file.path.exists()
    kept = json.loads(second.rescue.file.path.read_text(encoding="utf-8"))
    assert [(e["document"], e["layer"]) for e in kept["layers"]] == [("d2", "sara")]
    # A third window opened meanwhile leaves the second's edits to it (it is still open) ...
    fill_the_disk(store)
    before = len(store.history())
    assert _session(store, tmp_path).restore_rescued() == (0, [])
    assert second.rescue.file.path.exists() and len(store.history()) == before
    # ... and once that window is closed, the next one gives them back.
    second.rescue.release()
    free_the_disk(store)
    assert _session(store, tmp_path).restore_rescued() == (1, [])
    assert store.get_layer("d2", "sara").entities == shown_d2
    assert list(tmp_path.glob("*.json")) == [] and list(tmp_path.glob("*.lock")) == []


CRASHING_SESSION = """
import json, os, sys
from annotator.session.rescue import RescueFile
folder, project_id, base, shown = sys.argv[1:]
RescueFile(folder, project_id, "sara").keep({("d1", "sara"): (base, shown)})
os._exit(3)  # a crash: no clean-up of any kind
"""


def test_a_crashed_process_s_edits_come_back(store, tmp_path):
    """The lock on a rescue file goes with its process, however it ends."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    text = store.get_text("d1")
    base = json.dumps(Layer.empty(len(text)).to_json(text), ensure_ascii=False)
    layer = add_entity(Layer.empty(len(text)), Entity(0, 2, "PER"))
    shown = json.dumps(layer.to_json(text), ensure_ascii=False)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CRASHING_SESSION, str(tmp_path),
                           store.project_id, base, shown], cwd=root, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 3
    assert len(list(tmp_path.glob("*~*.json"))) == 1 and len(list(tmp_path.glob("*.lock"))) == 1
    assert _session(store, tmp_path).restore_rescued() == (1, [])
    assert store.get_layer("d1", "sara") == layer
    assert list(tmp_path.glob("*.json")) == [] and list(tmp_path.glob("*.lock")) == []


def test_the_file_of_a_version_before_sessions_had_their_own_comes_back(store, tmp_path):
    text = store.get_text("d1")
    layer = add_entity(Layer.empty(len(text)), Entity(0, 2, "PER"))
    old = tmp_path / f"{store.project_id}-sara.json"
    base = json.dumps(Layer.empty(len(text)).to_json(text), ensure_ascii=False)
    old.write_text(json.dumps({"project_id": store.project_id, "annotator": "sara", "layers": [
        {"document": "d1", "layer": "sara", "base": base,
         "shown": json.dumps(layer.to_json(text), ensure_ascii=False)}]}), encoding="utf-8")
    aside = tmp_path / f"{store.project_id}-sara-20260101-120000.json"  # set aside: not read
    aside.write_text("{not json", encoding="utf-8")
    other = tmp_path / f"{store.project_id}-sara-review.json"  # sara's gold edits: not hers
    other.write_text("{not json", encoding="utf-8")
    assert _session(store, tmp_path).restore_rescued() == (1, [])
    assert store.get_layer("d1", "sara") == layer
    assert not old.exists() and aside.exists() and other.exists()
