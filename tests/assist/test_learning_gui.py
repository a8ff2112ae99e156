"""The window trains in the background and stays responsive, shows the model's state and each
suggestion's confidence, and teach mode answers suggestions by key, least certain first."""
import random
import time

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from annotator.assist import rejected_texts
from annotator.assist.entity_model import span_key
from annotator.assist.teach import confidence
from annotator.core.model import SUGGESTIONS
from annotator.gui import open_window

from .learning_data import make_document
from .test_entity_model import confirmed_project

pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def window(qtbot, tmp_path):
    rng = random.Random(9)
    docs = [make_document(rng, sentences=12) for _ in range(80)]
    extra = ["وقال كريم منصور إن الوضع في حلب هادئ، ووصل رامي يوسف إلى بيروت أمس."]
    proj = confirmed_project(tmp_path / "p.db", docs, labeler="alice", extra=extra)
    proj.close()
    win = open_window(tmp_path / "p.db", "sara")
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    return win


def test_training_runs_in_the_background_while_the_window_stays_responsive(window, qtbot):
    state = window.findChild(QLabel, "modelState")
    assert state.text().startswith("no model yet")
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(window.assist_actions.trainer.finished, timeout=180_000) as done:
        window.findChild(QAction, "assist:train").trigger()
        assert window.assist_actions.trainer.running
        assert window.assist_actions.trainer.process.processId() > 0
        assert state.text().startswith("training the model in the background")
    timer.stop()
    assert done.args[0] is True, done.args
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 10 and max(gaps) < 0.5, max(gaps)
    assert state.text().startswith("trained on ") and "cross-validated F1" in state.text()
    assert not window.assist_actions.retrain_if_due()  # nothing new confirmed since

    from annotator.gui import i18n
    i18n.set_language("ar")  # the state is worded in the interface's language
    window.assist_actions.show_state()
    assert state.text().startswith("مدرَّب على ") and "بالتحقق المتقاطع" in state.text()
    # The noun takes its form from the number (it was كيانًا whatever the number).
    from annotator.assist.training import ENTITY_MODEL
    from annotator.store.models import model_meta, set_model_meta
    meta = model_meta(window.project, ENTITY_MODEL)
    for entities, said in ((5, "مدرَّب على 5 كيانات،"), (2, "مدرَّب على كيانين،"),
                           (40, "مدرَّب على 40 كيانًا،")):
        set_model_meta(window.project, ENTITY_MODEL, {**meta, "entities": entities})
        window.assist_actions.show_state()
        assert state.text().startswith(said), state.text()


def test_retraining_by_itself_only_after_new_confirmations(window, qtbot):
    actions = window.assist_actions
    with qtbot.waitSignal(actions.trainer.finished, timeout=180_000):
        assert actions.retrain_if_due()  # 80 confirmed documents and no model yet
    assert not actions.retrain_if_due()
    project = window.project
    fresh = [d for d in project.document_ids() if d.startswith("d")][:4]
    for doc_id in fresh:  # already done: confirming again is nothing new
        project.set_status(doc_id, "bob", "done")
    assert not actions.retrain_if_due()


def test_teach_mode_least_certain_first_by_keyboard(window, qtbot):
    with qtbot.waitSignal(window.assist_actions.trainer.finished, timeout=180_000):
        window.assist_actions.train()
    project = window.project
    doc_id = next(d for d in project.document_ids() if d.startswith("x"))
    window.show_document(doc_id)
    window.assist_actions._run([doc_id])
    suggested = project.get_layer(doc_id, SUGGESTIONS).entities
    assert len(suggested) >= 3 and all(0 < confidence(e) <= 1 for e in suggested)
    # The caret in a suggestion shows its confidence.
    e = suggested[0]
    window.article_view.set_selection(e.start, e.start)
    window.assist_actions.show_confidence(e.start, e.start)
    assert "confidence" in window.statusBar().currentMessage()
    dialog = window.assist_actions.teach()
    session = dialog.session
    order = [q.confidence for q in session.questions]
    assert order == sorted(order) and len(order) >= 3
    first, second, third = session.questions[:3]
    QTest.keyClick(dialog, Qt.Key_R)
    QTest.keyClick(dialog, Qt.Key_A)
    QTest.keyClick(dialog, Qt.Key_2)  # the schema's second entity label
    label2 = project.schema.entity_names[1]
    text = project.get_text(doc_id)
    assert (span_key(text[first.entity.start:first.entity.end]), first.entity.label) in \
        rejected_texts(project)
    mine = {(e.start, e.end, e.label) for e in project.get_layer(doc_id, "sara").entities}
    assert (second.entity.start, second.entity.end, second.entity.label) in mine
    assert (third.entity.start, third.entity.end, label2) in mine
    assert session.answered == {"accept": 1, "reject": 1, "relabel": 1, "skip": 0}
    assert first.entity not in project.get_layer(doc_id, SUGGESTIONS).entities
    QTest.keyClick(dialog, Qt.Key_Escape)

    # In Arabic: the label by its Arabic name, and the keys line laid out right to left
    # (it begins with an Arabic word; the key names are isolated left to right).
    from annotator.gui import i18n
    i18n.set_language("ar")
    try:
        dialog = window.assist_actions.teach()
        question = dialog.findChild(QLabel, "teachQuestion").text()
        current = dialog.session.current.entity.label
        assert question.startswith(i18n.label_text(project.schema.label("entity", current))
                                   + "؟"), question
        keys = [w.text() for w in dialog.findChildren(QLabel) if "Enter" in w.text()]
        assert keys and keys[0].startswith("قبول \u2066A/Enter\u2069"), keys
        QTest.keyClick(dialog, Qt.Key_Escape)
    finally:
        i18n.set_language("en")


def test_background_training_with_a_damaged_confirmed_layer_says_what_it_left_out(
        window, qtbot):
    from tests.review.test_damaged_layers import damage

    damage(window.project.path, "d005", "alice", "[1, 2]")
    with qtbot.waitSignal(window.assist_actions.trainer.finished, timeout=180_000) as done:
        window.findChild(QAction, "assist:train").trigger()
    ok, said = done.args
    assert ok is True
    assert said.endswith("document 'd005', layer 'alice': not a layer object; left out of "
                         "training"), said
    message = window.statusBar().currentMessage()
    assert message.startswith("Model retrained: trained on ") and \
        message.endswith("Left out as damaged: " + said), message
