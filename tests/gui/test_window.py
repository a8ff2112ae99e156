"""The main window with real widgets and real project files, offscreen: labeling with the keyboard
alone, exact exported offsets (emoji, flags, tashkeel, CRLF, HTML), undo across a restart, the
queue, status and time, notes and flags, suggestions, the extension API."""
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from shiboken6 import isValid
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QWidget

from annotator.cli import run_import
from annotator.core.model import (AUTHOR, SUGGESTIONS, Entity, EntityRef, Layer, Zone, add_entity,
                                  set_zone)
from annotator.core.spans import line_span, paragraph_span
from annotator.formats.jsonl import export_lines
from annotator.gui import i18n, open_window
from annotator.store import Project

SEED = "000_a3ed348b844c58ae"


pytestmark = pytest.mark.usefixtures("english_ui")


def open_(qtbot, path, who="sara"):
    window = open_window(path, who)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    return window


def type_text(widget, text):
    """Arabic typed through an input method (qtbot.keyClicks with Arabic aborts Qt)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def settle():
    """Let the window finish what it does right after a key (the side lists follow the text
    on the next turn of the event loop)."""
    QApplication.processEvents()


def exported(path, layer="sara"):
    with Project.open(path) as project:
        return {rec["id"]: rec for rec in map(json.loads, export_lines(project, layer=layer))}


def span(text, word, start=0):
    i = text.index(word, start)
    return i, i + len(word)


def test_label_actions_follow_the_schema(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    schema = w.project.schema
    for label in schema.zones + schema.entities + schema.stance_values:
        kind = {"zone": "zone", "entity": "entity", "stance": "stance"}[label.kind]
        action = w.findChild(type(w.actions()[0]), f"label:{kind}:{label.name}")
        assert action is not None, label.name
        assert action.shortcut().toString() == label.key
        assert action in w.menu_for("label").actions()
    assert w.article_view.objectName() == "articleView"
    assert w.current_doc_id() == SEED


def test_keyboard_only_labeling_of_a_seed_exports_exact_offsets(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view = w.article_view
    text = view.text()
    view.setFocus()

    # Zones: body = everything before the source line (selection), source = the caret's line
    # (Alt+2), boilerplate = from "إقرأ أيضاً" to the end.
    source_at = text.index("المصدر: صدى البلد")
    view.set_selection(0, source_at)
    QTest.keyClick(view, Qt.Key_1)
    view.set_caret(source_at + 3)
    QTest.keyClick(view, Qt.Key_2, Qt.AltModifier)
    more_at = text.index("إقرأ أيضاً")
    view.set_selection(more_at, len(text))
    QTest.keyClick(view, Qt.Key_3)

    # Entities: a name selected with Shift+arrows (text runs right to left: Left is forward),
    # a word taken from the caret alone, a clitic left outside with Shift (exact characters).
    name_start, name_end = span(text, "يوآف جالانت")
    view.set_caret(name_start)
    for _ in range(len("يوآف جالانت")):
        QTest.keyClick(view, Qt.Key_Left, Qt.ShiftModifier)
    assert view.selection() == (name_start, name_end)
    QTest.keyClick(view, Qt.Key_P)
    hamas = span(text, "حماس")
    view.set_caret(hamas[0] + 2)
    QTest.keyClick(view, Qt.Key_O)
    gaza_word = span(text, "بغزة")
    view.set_selection(gaza_word[0] + 1, gaza_word[1])
    QTest.keyClick(view, Qt.Key_L, Qt.ShiftModifier)

    # Stance: evidence selected, Shift+A opens the editor on "against"; holder = the first
    # entity (Shift+Tab to the holder box, Down), target typed, Enter saves.
    evidence = span(text, "الضغوط المكثفة على حماس تؤتي ثمارها")
    view.set_selection(*evidence)
    QTest.keyClick(view, Qt.Key_A, Qt.ShiftModifier)
    editor = w.stance_editor
    assert editor.isVisible()
    QTest.keyClick(editor.target_box, Qt.Key_Tab, Qt.ShiftModifier)
    QTest.keyClick(editor.holder_box, Qt.Key_Down)
    type_text(editor.target_box.lineEdit(), "الضغوط العسكرية على حماس")
    QTest.keyClick(editor.target_box.lineEdit(), Qt.Key_Return)
    assert not editor.isVisible()
    assert "Saved" in w.statusBar().currentMessage()

    # Done: Ctrl+Enter marks it and moves on.
    QTest.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    assert w.current_doc_id() != SEED
    assert w.project.get_status(SEED, "sara").status == "done"

    rec = exported(seeded_path)[SEED]
    source_end = text.index("\n", source_at) + 1
    assert rec["zones"] == [
        {"start": 0, "end": source_at, "label": "body"},
        {"start": source_at, "end": source_end, "label": "source"},
        {"start": source_end, "end": more_at, "label": "none"},
        {"start": more_at, "end": len(text), "label": "boilerplate"},
    ]
    got = {(e["start"], e["end"], e["label"], e["text"]) for e in rec["entities"]}
    assert got == {
        (name_start, name_end, "PER", "يوآف جالانت"),
        (*hamas, "ORG", "حماس"),
        (gaza_word[0] + 1, gaza_word[1], "LOC", "غزة"),
    }
    assert rec["stances"] == [{
        "holder": {"start": name_start, "end": name_end, "text": "يوآف جالانت"},
        "target": "الضغوط العسكرية على حماس", "value": "against",
        "evidence": [list(evidence)]}]


def test_paragraph_from_the_caret(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    view.set_caret(10)
    QTest.keyClick(view, Qt.Key_1)
    start, end = paragraph_span(text, 10, include_newline=True)
    assert start == 0 and text[end - 1] == "\n" and text[end] != "\n"
    assert w.project.get_layer(SEED, "sara").zones[0] == Zone(0, end, "body")


TRICKY = ("خبر عاجل 😀 🇵🇸 عن المختطَفين 🇵🇸 😀 <b>bold</b> &amp; <img src=x>\r\n"
          "السطر الثاني: وكالاتالمصدر: صحيفة\r\n")


def test_emoji_flags_tashkeel_crlf_and_html(qtbot, tmp_path):
    source = tmp_path / "tricky.txt"
    source.write_bytes(TRICKY.encode("utf-8"))
    path = tmp_path / "t.db"
    with Project.create(path) as project:
        assert run_import(project, [source], None, None, quiet=True)["added"] == 1
    w = open_(qtbot, path)
    view = w.article_view
    text = view.text()
    assert "\r" not in text and text == TRICKY.replace("\r\n", "\n")
    assert view.toPlainText() == text  # HTML shown as characters

    # The tashkeel word between emoji and flags, selected by code points, snapped to itself.
    word = span(text, "المختطَفين")
    view.set_selection(word[0] + 2, word[1] - 2)
    QTest.keyClick(view, Qt.Key_P)
    # The same word selected by a mouse drag from its first to its last character.
    w.undo()
    first, last = view.rect_for(word[0]), view.rect_for(word[1] - 1)
    viewport = view.viewport()
    # Right to left: the first character is drawn right of the last one.
    assert first.center().x() > last.center().x()
    qtbot.mousePress(viewport, Qt.LeftButton, pos=first.center())
    qtbot.mouseMove(viewport, last.center())
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=last.center() + type(last.center())(-1, 0))
    start, end = view.selection()
    assert word[0] <= start <= word[0] + 1 and word[1] - 1 <= end <= word[1]
    QTest.keyClick(view, Qt.Key_P)
    # The glued source line: a zone boundary inside a line, at an exact character.
    glued = text.index("المصدر")
    view.set_selection(glued, text.index("\n", glued) + 1)
    QTest.keyClick(view, Qt.Key_2)
    # HTML characters labeled as characters.
    html = span(text, "<b>bold</b>")
    view.set_selection(*html)
    QTest.keyClick(view, Qt.Key_M, Qt.ShiftModifier)

    rec = exported(path)["tricky"]
    assert rec["text"] == text
    entities = {(e["start"], e["end"], e["label"]): e["text"] for e in rec["entities"]}
    assert entities == {(*word, "PER"): "المختطَفين", (*html, "MISC"): "<b>bold</b>"}
    zones = [(z["start"], z["end"], z["label"]) for z in rec["zones"]]
    assert zones == [(0, glued, "none"), (glued, len(text), "source")]
    assert text[glued - len("وكالات"):glued] == "وكالات"


ARABIC_LAYOUT = [
    # (text the key sends, Qt key code sent with it, action expected)
    ("ح", Qt.Key_unknown, "PER"),
    ("ح", Qt.Key(0x062D), "PER"),
    ("خ", Qt.Key(0x062E), "ORG"),
    ("م", Qt.Key_unknown, "LOC"),
    ("ة", Qt.Key_unknown, "MISC"),
]


@pytest.mark.parametrize("char,code,label", ARABIC_LAYOUT)
def test_arabic_layout_entity_keys(qtbot, seeded_path, char, code, label):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    name = span(text, "جالانت")
    view.set_selection(*name)
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, code, char, Qt.NoModifier)
    assert w.project.get_layer(SEED, "sara").entities == (Entity(*name, label),)


def test_arabic_layout_zone_stance_undo_and_digits(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view = w.article_view
    view.set_caret(5)
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key_unknown, "٢", Qt.NoModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].label == "source"
    # Ctrl+Z on an Arabic layout: the key code is the Arabic letter on the Z key (ئ).
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key(ord("ئ")), "", Qt.ControlModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].label == "none"
    # Shift+F on the Arabic layout sends '[' with Shift: the "favor" stance editor opens.
    view.set_selection(0, 10)
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key_BracketLeft, "[", Qt.ShiftModifier)
    editor = w.stance_editor
    assert editor.isVisible() and editor.value_box.currentData() == "favor"
    # Inside the editor an Arabic letter is text, not a command.
    line = editor.target_box.lineEdit()
    line.setFocus()
    QTest.sendKeyEvent(QTest.KeyAction.Click, line, Qt.Key_unknown, "ح", Qt.NoModifier)
    assert line.text().endswith("ح")
    assert w.project.get_layer(SEED, "sara").entities == ()
    editor.reject()
    # Shift+N (neutral) on the Arabic layout sends 'آ'.
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key_unknown, "آ", Qt.ShiftModifier)
    assert w.stance_editor.value_box.currentData() == "neutral"
    w.stance_editor.reject()


def test_undo_redo_after_closing_and_reopening(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    name = span(text, "يوآف جالانت")
    view.set_selection(*name)
    QTest.keyClick(view, Qt.Key_P)
    view.set_caret(3)
    QTest.keyClick(view, Qt.Key_1)
    w.close()

    again = open_(qtbot, seeded_path)
    assert again.current_doc_id() == SEED
    layer = again.project.get_layer(SEED, "sara")
    assert layer.entities == (Entity(*name, "PER"),) and layer.zones[0].label == "body"
    QTest.keyClick(again.article_view, Qt.Key_Z, Qt.ControlModifier)
    layer = again.project.get_layer(SEED, "sara")
    assert layer.zones[0].label == "none" and layer.entities == (Entity(*name, "PER"),)
    QTest.keyClick(again.article_view, Qt.Key_Z, Qt.ControlModifier)
    assert again.project.get_layer(SEED, "sara").is_empty()
    assert again.session.layer.is_empty()  # and the window shows it
    QTest.keyClick(again.article_view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert again.project.get_layer(SEED, "sara").entities == (Entity(*name, "PER"),)
    QTest.keyClick(again.article_view, Qt.Key_Y, Qt.ControlModifier)
    assert again.project.get_layer(SEED, "sara").zones[0].label == "body"
    actions = [c.action for c in again.project.history(SEED, "sara")]
    assert actions == ["entity", "zone", "undo", "undo", "redo", "redo"]


def test_boundary_moves_by_character_and_word(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    boundary = span(text, "قال جالانت")[0]
    view.set_selection(0, boundary)
    QTest.keyClick(view, Qt.Key_1)
    view.set_caret(boundary - 5)
    QTest.keyClick(view, Qt.Key_Left, Qt.AltModifier)  # forward one character
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary + 1
    QTest.keyClick(view, Qt.Key_Right, Qt.AltModifier)
    QTest.keyClick(view, Qt.Key_Right, Qt.AltModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary - 1
    QTest.keyClick(view, Qt.Key_Left, Qt.AltModifier | Qt.ShiftModifier)  # forward one word
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary  # the next word start
    QTest.keyClick(view, Qt.Key_Left, Qt.AltModifier | Qt.ShiftModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary + len("قال ")
    QTest.keyClick(view, Qt.Key_Right, Qt.AltModifier | Qt.ShiftModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary
    view.set_caret(boundary + 20)
    QTest.keyClick(view, Qt.Key_B, Qt.ControlModifier)
    assert w.project.get_layer(SEED, "sara").zones[0].end == boundary + 20


def test_entity_list_jump_relabel_delete(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    first, second = span(text, "جالانت"), span(text, "حماس")
    for s in (first, second):
        view.set_selection(*s)
        QTest.keyClick(view, Qt.Key_P)
    settle()
    tree = w.entity_panel.tree
    assert tree.topLevelItemCount() == 2
    view.set_caret(0)
    item = tree.topLevelItem(1)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=tree.visualItemRect(item).center())
    assert view.selection() == second
    QTest.keyClick(view, Qt.Key_O)  # the same words, another key: relabeled, not doubled
    assert w.project.get_layer(SEED, "sara").entities == (Entity(*first, "PER"),
                                                         Entity(*second, "ORG"))
    settle()
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(0))
    QTest.keyClick(tree, Qt.Key_Delete)
    assert w.project.get_layer(SEED, "sara").entities == (Entity(*second, "ORG"),)
    view.setFocus()
    view.set_caret(second[0] + 1)
    QTest.keyClick(view, Qt.Key_Delete)
    assert w.project.get_layer(SEED, "sara").entities == ()


def test_stance_list_edit_and_delete(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    view.set_selection(*span(text, "جالانت"))
    QTest.keyClick(view, Qt.Key_P)
    view.set_selection(0, 3)
    QTest.keyClick(view, Qt.Key_F, Qt.ShiftModifier)
    editor = w.stance_editor
    editor.target_box.setEditText("إسرائيل")
    QTest.keyClick(editor.target_box.lineEdit(), Qt.Key_Return)
    stances = w.project.get_layer(SEED, "sara").stances
    assert len(stances) == 1 and stances[0].holder == AUTHOR and stances[0].value == "favor"
    settle()
    # The next new stance offers the last target; edit the first: the entity as target.
    w.stance_panel.list.setCurrentRow(0)
    w.stance_panel.edit_button.click()
    editor = w.stance_editor
    assert editor.target_box.currentText() == "إسرائيل"
    index = editor.target_box.findText("جالانت [Person]")
    editor.target_box.setCurrentIndex(index)
    editor.value_box.setCurrentIndex(editor.value_box.findData("unclear"))
    QTest.keyClick(editor.target_box.lineEdit(), Qt.Key_Return)
    stance = w.project.get_layer(SEED, "sara").stances[0]
    assert (stance.target.start, stance.target.end) == span(text, "جالانت")
    assert stance.value == "unclear" and stance.evidence == ((0, 3),)
    settle()
    w.stance_panel.list.setFocus()
    QTest.keyClick(w.stance_panel.list, Qt.Key_Delete)
    assert w.project.get_layer(SEED, "sara").stances == ()
    assert [c.action for c in w.project.history(SEED, "sara")] == [
        "entity", "stance", "edit-stance", "delete-stance"]


def test_queue_filter_next_previous_status_and_time(qtbot, seeded_path, answer_confirm):
    w = open_(qtbot, seeded_path)
    model = w.queue_panel.model
    assert model.rowCount() == 5
    ids = [model.doc_id_at(i) for i in range(5)]
    assert ids[0] == SEED
    assert w.project.get_status(SEED, "sara").status == "in_progress"
    qtbot.wait(250)
    QTest.keyClick(w.article_view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.current_doc_id() == ids[1]
    # Time is banked per document and written at the latest on the next status change.
    QTest.keyClick(w.article_view, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.project.get_status(ids[1], "sara").status == "skipped"
    assert w.project.get_status(SEED, "sara").seconds >= 0.2
    assert w.current_doc_id() == ids[2]
    QTest.keyClick(w.article_view, Qt.Key_PageUp, Qt.ControlModifier)
    assert w.current_doc_id() == SEED  # the skipped one is finished: passed over
    # Done on an unlabeled document asks first: Enter (the default) keeps it open ...
    seen: list = []
    answer_confirm(yes=False, seen=seen)
    QTest.keyClick(w.article_view, Qt.Key_Return, Qt.ControlModifier)
    assert seen[1] is False and "100%" in seen[0]
    assert w.current_doc_id() == SEED and w.project.get_status(SEED, "sara").status != "done"
    # ... and its own button marks it done.
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    answer_confirm(yes=True, seen=seen)
    QTest.keyClick(w.article_view, Qt.Key_Return, Qt.ControlModifier)
    assert seen[3] is True
    assert w.current_doc_id() == ids[2]
    assert "1 of 5 done" in w.progress_label.text()
    # Filters: the table shows only matching rows; clicking one opens it.
    w.queue_panel.set_filter(("done",))
    assert model.rowCount() == 1 and model.doc_id_at(model.position(0)) == SEED
    w.queue_panel.set_filter(("in_progress",))
    assert [model.doc_id_at(model.position(r)) for r in range(model.rowCount())] == [ids[2]]
    w.queue_panel.set_filter(("todo", "in_progress"))
    assert model.rowCount() == 3
    table = w.queue_panel.table
    row_rect = table.visualRect(model.index(2, 1))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=row_rect.center())
    assert w.current_doc_id() == ids[4]
    w.queue_panel.set_filter(None)
    assert model.rowCount() == 5
    assert model.data(model.index(0, 2)) == "done"


def test_queue_least_certain_first_orders_and_steps_by_the_models_doubt(qtbot, seeded_path):
    """Active learning in the queue: the item "least certain first" lists the unfinished
    documents by their weakest entity suggestion, and next / previous follow that order."""
    from dataclasses import replace

    with Project.open(seeded_path) as project:
        ids = project.document_ids()
        for doc_id, confidence in ((ids[1], 0.9), (ids[3], 0.55), (ids[4], 0.7)):
            entity = Entity(0, 3, "PER", extra=(("confidence", confidence),))
            project.edit(doc_id, SUGGESTIONS, "assist", "assist",
                         lambda old, e=entity: replace(old, entities=(e,)))
    w = open_(qtbot, seeded_path)
    panel, model = w.queue_panel, w.queue_panel.model
    assert w.project.get_status(ids[0], "sara").status == "in_progress"
    box = panel.filter_box
    item = box.findText(i18n.tr("queue.least_certain"))
    assert item >= 0
    box.setCurrentIndex(item)
    shown = [model.data(model.index(r, 1), model.DOC_ID_ROLE) for r in range(model.rowCount())]
    assert shown == [ids[3], ids[4], ids[1], ids[0], ids[2]]
    w.show_document(ids[3])
    assert panel.table.currentIndex().row() == 0
    QTest.keyClick(w.article_view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.current_doc_id() == ids[4]
    QTest.keyClick(w.article_view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.current_doc_id() == ids[1]
    QTest.keyClick(w.article_view, Qt.Key_PageUp, Qt.ControlModifier)
    assert w.current_doc_id() == ids[4]


def test_time_is_written_on_close_and_only_while_active(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    qtbot.wait(300)
    w.close()
    with Project.open(seeded_path) as project:
        first = project.get_status(SEED, "sara").seconds
        assert 0.25 <= first < 30
        assert project.get_setting("last_document:sara") == SEED
    w = open_(qtbot, seeded_path)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not w.isActiveWindow())
    qtbot.wait(400)  # another window is active: this time does not count
    w.close()
    with Project.open(seeded_path) as project:
        assert project.get_status(SEED, "sara").seconds - first < 0.35


def test_note_and_flag_are_saved(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    w.note_panel.edit.setFocus()
    QTest.keyClicks(w.note_panel.edit, "check the date")
    qtbot.waitUntil(lambda: w.project.get_status(SEED, "sara").note == "check the date",
                    timeout=3000)
    QTest.keyClick(w.article_view, Qt.Key_F, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.project.get_status(SEED, "sara").flagged
    assert w.note_panel.flag_box.isChecked()
    w.note_panel.flag_box.click()
    assert not w.project.get_status(SEED, "sara").flagged


def test_suggestions_accept_reject_accept_all(qtbot, seeded_path):
    with Project.open(seeded_path) as project:
        text = project.get_text(SEED)
        a, b, c = span(text, "جالانت"), span(text, "حماس"), span(text, "إسرائيل")
        body_end = text.index("المصدر")
        suggested = Layer.empty(len(text))
        suggested = set_zone(suggested, 0, body_end, "body")
        for s, label in ((a, "PER"), (b, "ORG"), (c, "LOC")):
            provenance = (("assist", "gazetteer"), ("variant_of", "غالانت"))
            suggested = add_entity(suggested, Entity(*s, label, extra=provenance))
        project.put_layer(SEED, SUGGESTIONS, suggested, "assist", "assist")
    w = open_(qtbot, seeded_path)
    view = w.article_view
    assert len(w.session.pending.entities) == 3
    view.set_caret(body_end)
    QTest.keyClick(view, Qt.Key_F8, Qt.ControlModifier)  # next suggestion: wraps to the start
    assert view.selection() == (0, body_end)
    QTest.keyClick(view, Qt.Key_F8, Qt.ControlModifier)
    assert view.selection() == min(a, b, c)
    view.set_caret(a[0] + 1)
    QTest.keyClick(view, Qt.Key_F8)
    assert w.project.get_layer(SEED, "sara").entities == (Entity(*a, "PER"),)
    # ONE suggestion, the innermost: the body zone around the name is still a suggestion.
    assert all(z.label == "none" for z in w.project.get_layer(SEED, "sara").zones)
    assert any(z.label == "body" for z in w.session.pending.zones)
    assert len(w.session.pending.entities) == 2  # an accepted one is no longer drawn as suggestion
    view.set_caret(b[0] + 1)
    QTest.keyClick(view, Qt.Key_F9)
    assert Entity(*b, "ORG") not in w.project.get_layer(SEED, SUGGESTIONS).entities
    QTest.keyClick(view, Qt.Key_F8, Qt.ShiftModifier)
    layer = w.project.get_layer(SEED, "sara")
    assert set(layer.entities) == {Entity(*a, "PER"), Entity(*c, "LOC")}
    # the machine's provenance stays with the suggestion: the labeler's layer holds decisions
    assert all(e.extra == () for e in layer.entities)
    assert layer.zones[0] == Zone(0, body_end, "body")
    assert w.session.pending.entities == () and all(z.label == "none" for z in w.session.pending.zones)
    actions = [(ch.layer, ch.action) for ch in w.project.history(SEED)]
    assert actions[-3:] == [("sara", "accept"), (SUGGESTIONS, "reject"), ("sara", "accept")]
    # Undo follows the session's edits across layers: accept-all, then the rejection.
    w.undo()
    w.undo()
    assert Entity(*b, "ORG") in w.project.get_layer(SEED, SUGGESTIONS).entities


def test_language_switch_mirrors_the_window(qtbot, seeded_path):
    from annotator.gui import settings
    w = open_(qtbot, seeded_path)
    assert w.layoutDirection() == Qt.LeftToRight
    assert w.menu_for("label").title() == "Label"
    w.findChild(type(w.actions()[0]), "view:language-ar").trigger()
    assert QApplication.layoutDirection() == Qt.RightToLeft
    assert w.layoutDirection() == Qt.RightToLeft
    assert w.docks["queue"].layoutDirection() == Qt.RightToLeft
    assert w.menu_for("label").title() == "التوسيم"
    assert w.findChild(type(w.actions()[0]), "label:entity:PER").text() == "شخص"
    assert "من" in w.progress_label.text()
    # The status bar's model state is said in the new language at once (not at the next
    # retraining check), the legend too (its old rows gone).
    from PySide6.QtWidgets import QLabel
    assert w.findChild(QLabel, "modelState").text().startswith("لا نموذج بعد")
    qtbot.wait(50)  # the event loop shows the new rows and deletes the old ones
    legend = w.findChild(QWidget, "legend")
    shown = [label.text() for label in legend.findChildren(QLabel)
             if label.isVisibleTo(legend) and label.text()]
    assert shown == [label.text() for label in legend.texts] and len(shown) == 8
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in text) for text in shown)
    assert settings.language() == "ar"  # remembered
    # The article itself stays right to left in both languages.
    settings.set_language("en")
    assert w.layoutDirection() == Qt.LeftToRight
    assert w.article_view.layoutDirection() == Qt.RightToLeft
    assert w.findChild(type(w.actions()[0]), "label:entity:PER").text() == "Person"


def test_settings_dialog_switches_language(qtbot, seeded_path):
    from annotator.gui.settings import SettingsDialog, labeler_name
    w = open_(qtbot, seeded_path)
    dialog = SettingsDialog(w)
    qtbot.addWidget(dialog)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("ar"))
    dialog.name_edit.setText("salma")
    dialog.accept()
    assert w.layoutDirection() == Qt.RightToLeft and labeler_name() == "salma"
    # Opened again in Arabic, its word-wrapped note is shown whole (it was cut at its end).
    from annotator.gui.i18n import tr
    dialog = SettingsDialog(w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    note = next(label for label in dialog.findChildren(QLabel)
                if label.text() == tr("settings.name_note"))
    image = note.grab().toImage()
    ink = [x for x in range(image.width()) for y in range(image.height())
           if image.pixelColor(x, y).lightness() < 100]
    assert ink and min(ink) >= 2, min(ink)  # right-aligned: a cut line reaches the left edge
    dialog.reject()


def test_arabic_is_the_default_for_an_arabic_locale(qapp):
    from PySide6.QtCore import QLocale
    saved = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Arabic, QLocale.Egypt))
        assert i18n.default_language() == "ar"
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
        assert i18n.default_language() == "en"
    finally:
        QLocale.setDefault(saved)


def test_every_string_has_both_languages():
    for key, pair in i18n.STRINGS.items():
        assert len(pair) == 2 and all(pair), key


def test_extension_api(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    seen = []
    w.document_changed.connect(seen.append)
    edited = []
    w.layer_edited.connect(lambda: edited.append(True))
    review = w.menu_for("review")
    assert w.menu_for("review") is review
    titles = [a.menu().objectName() for a in w.menuBar().actions() if a.menu()]
    assert titles.index("menu:review") == titles.index("menu:view") + 1
    assert titles.index("menu:review") < titles.index("menu:assist")
    panel = QWidget(objectName="somePanel")
    dock = w.add_dock(panel, "Some panel")
    assert isinstance(dock, QDockWidget) and dock.widget() is panel
    assert dock.toggleViewAction() in w.menu_for("view").actions()
    other = w.queue_panel.model.doc_id_at(3)
    w.show_document(other, select=(2, 6))
    assert seen == [other] and w.article_view.selection() == (2, 6)
    QTest.keyClick(w.article_view, Qt.Key_1)
    assert edited == [True]
    # Another process (a reviewer's tool, a script) changed the layer: refresh shows it.
    with Project.open(seeded_path) as project:
        project.edit(other, "sara", "script", "zone", lambda lay: set_zone(lay, 0, 4, "source"))
    w.refresh()
    assert w.session.layer.zones[0] == Zone(0, 4, "source")


def test_zone_line_takes_the_line_not_the_paragraph(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    at = text.index("إقرأ أيضاً")
    view.set_caret(at + 2)
    QTest.keyClick(view, Qt.Key_3, Qt.AltModifier)
    start, end = line_span(text, at, include_newline=True)
    assert Zone(start, end, "boilerplate") in w.project.get_layer(SEED, "sara").zones


def test_entity_list_by_keyboard_then_label_key_relabels(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view, text = w.article_view, w.article_view.text()
    first, second = span(text, "جالانت"), span(text, "حماس")
    for s in (first, second):
        view.set_selection(*s)
        QTest.keyClick(view, Qt.Key_P)
    settle()
    QTest.keyClick(view, Qt.Key_F5)  # to the entity list
    tree = w.entity_panel.tree
    assert QApplication.focusWidget() is tree
    tree.setCurrentItem(tree.topLevelItem(0))
    QTest.keyClick(tree, Qt.Key_Down)
    assert view.selection() == second
    QTest.sendKeyEvent(QTest.KeyAction.Click, tree, Qt.Key_unknown, "م", Qt.NoModifier)  # L
    assert w.project.get_layer(SEED, "sara").entities == (Entity(*first, "PER"),
                                                         Entity(*second, "LOC"))
    settle()
    assert w.entity_panel.current_entity() == Entity(*second, "LOC")


def test_keyboard_map_lists_every_key(qtbot, seeded_path):
    from annotator.gui.keys import keyboard_map
    w = open_(qtbot, seeded_path)
    rows = {name: key for key, _text, name in keyboard_map(w)}
    assert rows["label:entity:PER"] == "P" and rows["label-exact:entity:PER"] == "Shift+P"
    assert rows["label:zone:body"] == "1" and rows["label-line:zone:body"] == "Alt+1"
    assert rows["label:stance:favor"] == "Shift+F"
    assert rows["edit:redo"] == "Ctrl+Shift+Z, Ctrl+Y"
    QTest.keyClick(w.article_view, Qt.Key_F1)
    dialog = w.findChild(QWidget, "keyboardMap")
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    # No two commands share a key.
    keys = [k for key, _t, _n in keyboard_map(w) for k in key.split(", ")]
    assert len(keys) == len(set(keys))


def test_install_extensions(qtbot, seeded_path, monkeypatch):
    import sys
    import types

    import annotator.gui as gui
    w = open_(qtbot, seeded_path)
    installed = []
    module = types.ModuleType("annotator.gui.fake_panel")
    module.install = installed.append
    monkeypatch.setitem(sys.modules, "annotator.gui.fake_panel", module)
    monkeypatch.setattr(gui, "EXTENSIONS", ("not_there", "fake_panel"))
    gui.install_extensions(w)
    assert installed == [w]
    broken = types.ModuleType("annotator.gui.broken_panel")

    def install(_window):
        raise ModuleNotFoundError("no module named 'x'", name="x")
    broken.install = install
    monkeypatch.setitem(sys.modules, "annotator.gui.broken_panel", broken)
    monkeypatch.setattr(gui, "EXTENSIONS", ("broken_panel",))
    with pytest.raises(ModuleNotFoundError):
        gui.install_extensions(w)


def test_labeler_name_is_asked_once(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from annotator.gui import ask_labeler_name, settings
    assert settings.labeler_name() is None

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  مريم ")
        dialog.accept()
    QTimer.singleShot(50, answer)
    assert ask_labeler_name() == "مريم"
    assert settings.labeler_name() == "مريم"
    assert ask_labeler_name() == "مريم"  # no dialog this time (it would block the test)


def test_next_unfinished_across_read_chunks(qtbot, seeded_path, monkeypatch):
    from annotator.gui import queue
    monkeypatch.setattr(queue, "NAV_CHUNK", 2)
    w = open_(qtbot, seeded_path)
    model = w.queue_panel.model
    ids = [model.doc_id_at(i) for i in range(5)]
    for doc_id in ids[1:4]:
        w.project.set_status(doc_id, "sara", status="done")
    assert model.next_unfinished(0, +1) == 4
    assert model.next_unfinished(4, -1) == 0
    assert model.next_unfinished(4, +1) is None
    QTest.keyClick(w.article_view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.current_doc_id() == ids[4]
    QTest.keyClick(w.article_view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.current_doc_id() == ids[0]  # wrapped around


def test_queue_is_lazy(qtbot, tmp_path):
    from annotator.core.model import Document
    from annotator.gui.queue import PAGE
    from annotator.store import ImportRecord
    path = tmp_path / "many.db"
    n = 5000
    with Project.create(path) as project:
        list(project.import_documents(
            ImportRecord(Document(f"d{i:05d}", f"نص رقم {i}\n", {})) for i in range(n)))
    w = open_(qtbot, path)
    model = w.queue_panel.model
    assert model.rowCount() == n
    assert len(model._pages) <= 2  # only what is on screen was read
    table = w.queue_panel.table
    table.scrollToBottom()
    qtbot.wait(50)
    last = model.index(n - 1, 1)
    assert model.data(last) == i18n.ltr(f"d{n - 1:05d}")
    assert len(model._pages) <= 4 and (n - 1) // PAGE in model._pages
    assert model.position_of(f"d{n - 2:05d}") == n - 2


def test_extension_texts_follow_the_language(qtbot, seeded_path):
    from PySide6.QtGui import QAction
    i18n.add_strings({"test.panel": ("Test panel", "لوحة تجربة"),
                      "test.action": ("Do it", "نفِّذ")})
    w = open_(qtbot, seeded_path)
    dock = w.add_dock(QWidget(objectName="testPanel"), lambda: i18n.tr("test.panel"))
    action = QAction(w, objectName="test:do")
    w.translatable(action.setText, "test.action")
    assert (dock.windowTitle(), action.text()) == ("Test panel", "Do it")
    i18n.set_language("ar")
    assert (dock.windowTitle(), action.text()) == ("لوحة تجربة", "نفِّذ")
    # A listener left behind by a widget that is gone is dropped, not an error.
    import shiboken6
    gone = QWidget()
    listener = lambda _lang: gone.setWindowTitle("x")  # noqa: E731
    i18n.notifier.changed.connect(listener)
    shiboken6.delete(gone)
    i18n.set_language("en")
    assert listener not in i18n.notifier.changed._listeners
    assert dock.windowTitle() == "Test panel"


def test_zoom_keys(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view = w.article_view
    QTest.keyClick(view, Qt.Key_Plus, Qt.ControlModifier)
    QTest.keyClick(view, Qt.Key_Equal, Qt.ControlModifier)
    assert view.zoom_level() == 2
    QTest.keyClick(view, Qt.Key_Minus, Qt.ControlModifier)
    assert view.zoom_level() == 1
    QTest.keyClick(view, Qt.Key_0, Qt.ControlModifier)
    assert view.zoom_level() == 0
    assert w.project.get_layer(SEED, "sara").is_empty()  # Ctrl+0 is not the zone key 0


def test_stance_one_enter_takes_the_completion_and_saves_evidence_snapped(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    view = w.article_view
    text = w.session.text
    name = span(text, "حماس")
    view.set_selection(*name)
    QTest.keyClick(view, Qt.Key_O)                     # an entity: offered as a target
    settle()
    evidence = span(text, "الضغوط المكثفة على حماس")
    view.set_selection(evidence[0] + 2, evidence[1] - 1)   # cut inside the first and last words
    QTest.keyClick(view, Qt.Key_A, Qt.ShiftModifier)
    editor = w.stance_editor
    line = editor.target_box.lineEdit()
    line.clear()
    for ch in "حما":
        QTest.sendKeyEvent(QTest.KeyAction.Click, line, Qt.Key_unknown, ch, Qt.NoModifier)
    assert line.text().startswith("حماس")               # completed as typed
    assert "\u2068" in editor.evidence_label.text()    # «» isolated around the Arabic
    QTest.keyClick(line, Qt.Key_Return)                  # one Enter: completion taken, saved
    # The editor closes and may be deleted meanwhile (a loaded machine runs the deferred
    # delete inside the wait): gone counts as closed.
    qtbot.waitUntil(lambda: not isValid(editor) or not editor.isVisible(), timeout=2000)
    stances = w.project.get_layer(w.current_doc_id(), "sara").stances
    assert len(stances) == 1
    assert stances[0].evidence == (evidence,)          # snapped to whole words
    assert stances[0].target == EntityRef(*name)


def test_side_panels_swap_sides_in_the_arabic_interface(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    w.tabifyDockWidget(w.docks["note"], w.docks["legend"])
    assert w.dockWidgetArea(w.docks["queue"]) == Qt.LeftDockWidgetArea
    assert w.dockWidgetArea(w.docks["entities"]) == Qt.RightDockWidgetArea
    try:
        i18n.set_language("ar")
        assert w.layoutDirection() == Qt.RightToLeft
        assert w.dockWidgetArea(w.docks["queue"]) == Qt.RightDockWidgetArea
        assert w.dockWidgetArea(w.docks["entities"]) == Qt.LeftDockWidgetArea
        assert w.docks["legend"] in w.tabifiedDockWidgets(w.docks["note"])   # tabs kept
    finally:
        i18n.set_language("en")
    assert w.dockWidgetArea(w.docks["queue"]) == Qt.LeftDockWidgetArea
    # The legend explains every mark: the zone colours, unlabeled text, suggestions.
    legend = " ".join(label.text() for label in w.legend_panel.texts)
    assert "dashed" in legend and "hatching" in legend and "Boilerplate" in legend
    # Hide suggestions and label names are keyed, checkable commands.
    QTest.keyClick(w.article_view, Qt.Key_H, Qt.ControlModifier)
    assert w.article_view.suggestions_hidden and w.commands["assist:hide"][1].isChecked()
    QTest.keyClick(w.article_view, Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.article_view.label_names


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_search_placeholder_fits_its_box(qtbot, seeded_path, lang):
    w = open_(qtbot, seeded_path)
    try:
        i18n.set_language(lang)
        box = w.search_panel.box
        room = box.width() - 2 * box.textMargins().left() - 12
        assert box.fontMetrics().horizontalAdvance(box.placeholderText()) < room
        assert box.toolTip()
    finally:
        i18n.set_language("en")


def test_guidelines_open_in_their_own_panel_and_keep_the_queue(qtbot, seeded_path):
    w = open_(qtbot, seeded_path)
    QTest.keyClick(w.article_view, Qt.Key_F2)
    guidelines = w.docks["guidelines"]
    assert guidelines.isVisible() and guidelines.isFloating()
    assert guidelines.width() >= 600                    # wide enough to read
    assert w.docks["queue"].isVisible()                 # the queue is not replaced by a tab
    assert guidelines not in w.tabifiedDockWidgets(w.docks["queue"])


def test_stance_holders_name_their_label_in_arabic(qapp, english_ui):
    """The holder and target lists say يوآف جالانت [شخص], as the entity list does (they said
    [PER] in the Arabic window)."""
    from annotator.core.model import Stance
    from annotator.core.schema import Schema
    from annotator.gui.panels import StanceEditor

    text = "قال يوآف جالانت إن حماس"
    entities = (Entity(*span(text, "يوآف جالانت"), "PER"), Entity(*span(text, "حماس"), "ORG"))
    i18n.set_language("ar")
    editor = StanceEditor(Schema.default(), text, entities, Stance(AUTHOR, "", "favor", ()),
                          (0, 0))
    holders = [editor.holder_box.itemText(i) for i in range(editor.holder_box.count())]
    assert holders[1:] == ["يوآف جالانت [شخص]", "حماس [منظمة]"]
    editor.deleteLater()
