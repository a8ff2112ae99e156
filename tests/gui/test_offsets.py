"""Code point <-> Qt UTF-16 positions, checked against a real QTextDocument."""
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.offsets import OffsetMap


def test_positions_match_a_qt_document(qapp, offset_sample):
    text = offset_sample
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    for i in range(len(text) + 1):
        cursor = QTextCursor(doc)
        cursor.setPosition(m.cp_to_qt(i), QTextCursor.MoveMode.KeepAnchor)
        # selectedText shows newlines as U+2029.
        assert cursor.selectedText().replace("\u2029", "\n") == text[:i]
