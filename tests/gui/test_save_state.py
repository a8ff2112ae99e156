"""The window when the project file cannot be written: an unmissable NOT SAVED state, the
edit kept on screen, and everything written once a retry succeeds. SQLite really fails: the
window's connection may not grow the file (PRAGMA max_page_count), as on a full disk."""
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.gui import open_window

SEED = "000_a3ed348b844c58ae"
pytestmark = pytest.mark.usefixtures("english_ui")


def test_not_saved_banner_until_a_retry_writes_the_edits(qtbot, seeded_path):
    w = open_window(seeded_path, "sara")
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    view = w.article_view
    view.setFocus()
    assert not w.save_state.banner_bar.isVisible() and not w.save_state.badge.isVisible()
    pages = w.project.conn.execute("PRAGMA page_count").fetchone()[0]
    w.project.conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        shown = fill_and_check(qtbot, w)
    finally:  # a failure above must not leave a window that asks before closing
        w.project.conn.execute("PRAGMA max_page_count = 1073741823")
    w.save_state.retry_timer.timeout.emit()
    assert not w.save_state.banner_bar.isVisible() and not w.save_state.badge.isVisible()
    assert not w.save_state.retry_timer.isActive()
    assert w.project.get_layer(SEED, "sara").entities == shown  # the kept edit is on disk
    assert w.statusBar().currentMessage() == "Saved."


def fill_and_check(qtbot, w):
    """Label characters until the file is full; check the NOT SAVED state; returns the
    entities on screen."""
    view = w.article_view
    text = view.text()
    for i in range(len(text)):
        if text[i].isspace():
            continue
        view.set_selection(i, i + 1)
        QTest.keyClick(view, Qt.Key_M, Qt.ShiftModifier)  # MISC on exactly this character
        if w.save_state.badge.isVisible():
            break
    assert w.save_state.banner_bar.isVisible() and w.save_state.badge.isVisible()
    assert w.save_state.banner.text().startswith("NOT SAVED — the disk is full")
    qtbot.wait(20)  # laid out: the banner spans the window (a toolbar made it a narrow column)
    assert w.save_state.banner.width() >= 0.9 * w.width(), (w.save_state.banner.width(), w.width())
    assert w.save_state.badge.text() == "NOT SAVED"
    assert "Saved" not in w.statusBar().currentMessage()
    shown = w.session.layer.entities
    assert shown[-1].start == i  # the edit that did not save is on screen
    assert w.project.get_layer(SEED, "sara").entities == shown[:-1]
    assert w.save_state.retry_timer.isActive()
    w.save_state.retry_timer.timeout.emit()  # still full: the state stays
    assert w.save_state.badge.isVisible()

    # Closing now would lose the edit: the window asks, and Cancel keeps it open.
    answers = answer_the_close_question(QMessageBox.Cancel)
    assert not w.close()
    assert w.isVisible() and answers and "NOT SAVED" in answers[0]
    return shown


def answer_the_close_question(button) -> list[str]:
    """Answer the question closing asks with `button`; the list gets the question's text."""
    answers = []

    def answer():
        box = QApplication.activeModalWidget()
        answers.append(box.text())
        box.button(button).click()
    QTimer.singleShot(0, answer)
    return answers


def test_edits_not_saved_when_the_window_closes_come_back_when_it_opens_again(qtbot,
                                                                              seeded_path):
    w = open_window(seeded_path, "sara")
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.article_view.setFocus()
    pages = w.project.conn.execute("PRAGMA page_count").fetchone()[0]
    w.project.conn.execute(f"PRAGMA max_page_count = {pages}")
    shown = fill_and_check(qtbot, w)
    assert "in a file of their own" in w.save_state.banner.text()
    answers = answer_the_close_question(QMessageBox.Close)
    assert w.close()     # the labeler closes anyway (or the machine stops)
    assert "labels are kept in a file of their own" in answers[0]

    again = open_window(seeded_path, "sara")
    qtbot.addWidget(again)
    assert again.project.get_layer(SEED, "sara").entities == shown
    assert again.session.layer.entities == shown
    qtbot.waitUntil(lambda: again.statusBar().currentMessage().startswith(
        "Restored the edits of 1 document"))
    assert again.project.history()[-1].action == "restore"
    again.close()
