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
    # The window is gone (a crash): nothing more is retried. The disk is freed later.
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
        rescue.path.write_text(content, encoding="utf-8")
        restored, problems = rescue.restore(store)
        assert restored == 0 and problems and all("\n" not in p for p in problems)
        assert len(store.history()) == before
    assert any("entity [5, 2) is outside the text" in p for p in problems)
    assert any("no such document" in p for p in problems)
