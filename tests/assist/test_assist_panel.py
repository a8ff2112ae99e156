"""Assist from the window's Suggestions menu, then the window's accept/reject, counted."""
import pytest
from PySide6.QtGui import QAction

from annotator.assist.score import suggestion_counts
from annotator.gui import open_window
from annotator.gui.assist_panel import GAZETTEER_SETTING
from annotator.core.model import SUGGESTIONS


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def window(qtbot, seeded):
    path = seeded.path
    seeded.close()
    win = open_window(path, "sara")
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    return win


def action(window, name):
    return window.findChild(QAction, name)


def test_run_on_this_document_then_accept_all(window):
    project = window.project
    doc_id = window.current_doc_id()
    assert action(window, "assist:run-document") in window.menu_for("assist").actions()
    action(window, "assist:run-document").trigger()
    assert [d for d in project.document_ids() if project.has_layer(d, SUGGESTIONS)] == [doc_id]
    suggested = project.get_layer(doc_id, SUGGESTIONS)
    assert suggested.entities and {z.label for z in suggested.zones} >= {"body", "source"}
    assert "1 document" in window.statusBar().currentMessage()
    # The window shows them; accepting all copies them into the labeler's layer.
    action(window, "assist:accept-all").trigger()
    mine = project.get_layer(doc_id, "sara")
    assert set(suggested.entities) <= set(mine.entities)
    assert suggestion_counts(project)["sara"]["accepted"] >= len(suggested.entities)


def test_run_on_all_documents_with_a_chosen_gazetteer(window, tmp_path):
    names = tmp_path / "names.tsv"
    names.write_text("البنتاغون\tORG\n", encoding="utf-8")
    window.project.set_setting(GAZETTEER_SETTING, str(names))
    action(window, "assist:run-all").trigger()
    project = window.project
    labels = set()
    for doc_id in project.document_ids():
        assert project.has_layer(doc_id, SUGGESTIONS)
        labels |= {e.label for e in project.get_layer(doc_id, SUGGESTIONS).entities}
    assert labels == {"ORG"}
    assert "5 document" in window.statusBar().currentMessage()


def test_a_bad_gazetteer_is_reported_and_nothing_written(window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    bad = tmp_path / "bad.tsv"
    bad.write_text("بلا عمود\n", encoding="utf-8")
    window.project.set_setting(GAZETTEER_SETTING, str(bad))
    action(window, "assist:run-document").trigger()
    box = window.findChild(QMessageBox, "assistError")
    assert box is not None and box.isVisible()
    assert "bad.tsv:1:" in box.text()
    box.accept()
    assert SUGGESTIONS not in window.project.layer_names()


def test_confidence_names_the_label_in_the_interface_language(window):
    """The caret on a suggestion says its label and confidence; in Arabic the label's Arabic
    name (it said "اقتراح LOC")."""
    from annotator.core.model import Entity, Layer
    from annotator.gui import i18n

    doc_id = window.current_doc_id()
    text = window.article_view.text()
    start = text.index("غزة")
    suggestion = Entity(start, start + 3, "LOC", extra=(("confidence", 0.87),))
    window.project.put_layer(doc_id, SUGGESTIONS,
                             Layer(Layer.empty(len(text)).zones, (suggestion,)),
                             "assist", "assist")
    window.refresh()
    for lang, name in (("en", "Location"), ("ar", "مكان")):
        i18n.set_language(lang)
        window.statusBar().clearMessage()
        window.assist_actions.show_confidence(start + 1, start + 1)
        said = window.statusBar().currentMessage()
        assert name in said and "0.87" in said and "LOC" not in said, said
