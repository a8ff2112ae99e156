"""Issue 3's "done when": a labeler annotates all five seed articles — zones, entities, stance —
with the keyboard alone, closes and reopens with nothing lost, undoes across the restart, and the
exported JSONL offsets are exact."""
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator import SEEDS
from annotator.core.spans import word_span
from annotator.formats.jsonl import export_lines
from annotator.gui import open_window
from annotator.store import Project

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
# Where the article body ends: the first of these markers in the text (003 has none: all body).
END_MARKERS = ("المصدر", "إقرأ أيضاً", "التعليقات")
NAMES = ("جالانت", "غالانت")


pytestmark = pytest.mark.usefixtures("english_ui")


def open_(qtbot, path):
    window = open_window(path, "huda")
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def body_end(text: str) -> int:
    found = [text.index(m) for m in END_MARKERS if m in text]
    return min(found) if found else len(text)


def label_by_keyboard(window, text: str) -> dict:
    """Label the shown article with keys only; returns what we expect to find exported."""
    view = window.article_view
    view.setFocus()
    cut = body_end(text)
    view.set_caret(cut)
    QTest.keyClick(view, Qt.Key_Home, Qt.ControlModifier | Qt.ShiftModifier)  # select to start
    QTest.keyClick(view, Qt.Key_1)                                             # body
    zones = [(0, cut, "body")]
    if cut < len(text):
        view.set_caret(cut)
        QTest.keyClick(view, Qt.Key_End, Qt.ControlModifier | Qt.ShiftModifier)  # to the end
        QTest.keyClick(view, Qt.Key_3)                                           # boilerplate
        zones.append((cut, len(text), "boilerplate"))
    # the first mention of the minister's name, caret inside the word: the key snaps to it
    name = min((text.index(n), n) for n in NAMES if n in text)
    view.set_caret(name[0] + 2)
    QTest.keyClick(view, Qt.Key_P)
    entity = (name[0], name[0] + len(name[1]), "PER")
    # stance: the first sentence as evidence, Shift+N opens the editor, target typed, Enter
    first_stop = text.index(".") if "." in text[:400] else text.index("\n")
    view.set_selection(0, first_stop)
    QTest.keyClick(view, Qt.Key_N, Qt.ShiftModifier)
    editor = window.stance_editor
    assert editor.isVisible()
    target = "حماس"
    event = QInputMethodEvent("", [])
    event.setCommitString(target)
    QApplication.sendEvent(editor.target_box.lineEdit(), event)
    QTest.keyClick(editor.target_box.lineEdit(), Qt.Key_Return)
    assert not editor.isVisible()
    assert "Saved" in window.statusBar().currentMessage()
    stance = {"holder": "author", "target": target, "value": "neutral",
              "evidence": [list(word_span(text, 0, first_stop))]}  # snapped to words
    QTest.keyClick(view, Qt.Key_Return, Qt.ControlModifier)  # done, next unfinished
    return {"zones": zones, "entity": entity, "stance": stance}


def test_all_five_seeds_by_keyboard_reopen_undo_export(qtbot, seeded_path):
    window = open_(qtbot, seeded_path)
    expected = {}
    for _ in SEED_IDS:
        doc = window.current_doc_id()
        assert doc not in expected, "the queue showed a finished article again"
        expected[doc] = label_by_keyboard(window, window.project.get_text(doc))
    assert sorted(expected) == SEED_IDS
    window.close()

    with Project.open(seeded_path) as project:
        assert all(project.get_status(d, "huda").status == "done" for d in SEED_IDS)
        exported = {r["id"]: r for r in map(json.loads, export_lines(project, layer="huda"))}
    for doc, want in expected.items():
        rec = exported[doc]
        text = rec["text"]
        assert text == (SEEDS / f"{doc}.txt").read_text(encoding="utf-8")
        assert [(z["start"], z["end"], z["label"]) for z in rec["zones"]] == want["zones"]
        start, end, label = want["entity"]
        assert rec["entities"] == [{"start": start, "end": end, "label": label,
                                    "text": text[start:end]}]
        assert text[start:end] in NAMES
        assert rec["stances"] == [want["stance"]]

    # Reopen: nothing lost, and Ctrl+Z undoes the last edit made before closing.
    again = open_(qtbot, seeded_path)
    last = SEED_IDS[-1]
    again.show_document(last)
    assert again.project.get_layer(last, "huda").stances
    QTest.keyClick(again.article_view, Qt.Key_Z, Qt.ControlModifier)
    assert again.project.get_layer(last, "huda").stances == ()
    assert again.project.get_layer(last, "huda").entities  # only the last edit went
    QTest.keyClick(again.article_view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert again.project.get_layer(last, "huda").stances
