"""Document text shown in widgets is plain text: a scraped page's "<b>" or "<img>" is shown as
the characters it is, never interpreted."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from annotator.core.model import AUTHOR, Entity, Stance
from annotator.core.schema import Schema
from annotator.gui.panels import EntityPanel, StanceEditor

TEXT = "قال <b>غزة</b> و <img src='file:///etc/passwd'> &amp; نص"


def test_entity_list_tooltip_shows_markup_literally(qtbot):
    panel = EntityPanel(Schema.default())
    qtbot.addWidget(panel)
    start = TEXT.index("<b>")
    panel.set_entities(TEXT, (Entity(start, TEXT.index("</b>") + 4, "LOC"),))
    tip = panel.tree.topLevelItem(0).toolTip(0)
    shown = QTextDocument()
    shown.setHtml(tip)  # what the tooltip renders
    assert shown.toPlainText() == "<b>غزة</b>"


def test_stance_editor_evidence_is_plain_text(qtbot):
    start, end = TEXT.index("<img"), TEXT.index("&amp;") + 5
    editor = StanceEditor(Schema.default(), TEXT, (), Stance(AUTHOR, "غزة", "favor",
                                                             ((start, end),)), (0, 0))
    qtbot.addWidget(editor)
    label = editor.evidence_label
    assert label.textFormat() == Qt.PlainText
    assert "<img src='file:///etc/passwd'> &amp;" in label.text()
    assert editor.error_label.textFormat() == Qt.PlainText
