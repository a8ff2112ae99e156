"""The search dock in a real window: type, search, click a hit, land on it with every hit of the
document highlighted at its exact place (emoji and tashkeel included)."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget

from annotator.core.model import Document
from annotator.gui import i18n, open_window
from annotator.store import ImportRecord

EMOJI_DOC = "😀🇵🇸 عاد المختطَفين إلى بيوتهم، وقال ذوو المختطفين: 👍🏽 نشكر الجميع.\nالمصدر: وكالات"


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def path(seeded):
    list(seeded.import_documents([ImportRecord(Document("emoji", EMOJI_DOC))]))
    result = seeded.path
    seeded.close()
    return result


@pytest.fixture
def window(qtbot, path):
    win = open_window(path, "sara")
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win


def type_text(widget, text):
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def highlighted(view):
    return [s.cursor.selectedText() for s in view.extraSelections()]


def test_typing_a_query_lists_every_hit_and_a_click_opens_it(qtbot, window):
    window.findChild(QAction, "search:focus").trigger()
    box = window.findChild(QLineEdit, "searchBox")
    assert box.hasFocus()
    type_text(box, "المختطفين")
    QTest.keyClick(box, Qt.Key_Return)
    results = window.findChild(QListWidget, "searchResults")
    panel = window.search_panel
    hits = sum(len(r.hits) for r in panel.results)
    assert results.count() == hits >= 9
    assert {r.doc_id[:3] for r in panel.results} >= {"000", "001", "003", "004", "emo"}
    assert "document" in panel.summary.text()
    # Click the row of the emoji document's second hit.
    row = next(i for i in range(results.count())
               if results.item(i).data(Qt.UserRole + 1)[0] == "emoji")
    item = results.item(row + 1)
    results.scrollToItem(item)
    rect = results.visualItemRect(item)
    QTest.mouseClick(results.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    assert window.current_doc_id() == "emoji"
    start = EMOJI_DOC.index("المختطفين")
    assert window.article_view.selection() == (start, start + len("المختطفين"))
    assert highlighted(window.article_view) == ["المختطَفين", "المختطفين"]
    # Another document with hits: its hits are highlighted; one without: none.
    window.show_document(panel.results[0].doc_id)
    assert len(highlighted(window.article_view)) == len(panel.results[0].hits)
    panel.run("بلا_نتيجة_أبدا")
    assert results.count() == 0 and "No document" in panel.summary.text()
    assert highlighted(window.article_view) == []


def test_rendered_panel_and_arabic_interface(qtbot, window, tmp_path):
    panel = window.search_panel
    panel.run("غالانت")
    window.resize(1300, 850)
    image = panel.grab().toImage()
    assert not image.isNull() and image.width() > 100
    panel.grab().save(str(tmp_path / "search_panel.png"))
    i18n.set_language("ar")
    assert panel.box.placeholderText().startswith("ابحث")
    assert "نتيجة" in panel.summary.text()
    dock = panel.parentWidget()
    assert dock.windowTitle() == "بحث"
