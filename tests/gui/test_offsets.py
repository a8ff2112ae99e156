"""Code point <-> Qt UTF-16 positions, checked against a real QTextDocument."""
import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.core.text import normalize_newlines
from annotator.gui.offsets import OffsetMap

# The samples of tests/core/test_offsets.py, here against a real QTextDocument.
SAMPLES = [
    "",
    "بلا رموز تعبيرية",
    "😀 يوآف جالانت 🇵🇸",                               # emoji before and after a span
    "قال جال😀انت إن المختطَفين",                       # emoji inside a span, tashkeel
    "🇵🇸🇵🇸😀😀x😀",                                    # runs of non-BMP characters, flags
    normalize_newlines("سطر أول\r\n😀 سطر ثانٍ\r\nالمختطَفين 🇵🇸\r\n"),  # CRLF source
    "\U0010ffff\U00010000",                               # first and last non-BMP code points
]


@pytest.mark.parametrize("text", SAMPLES)
def test_positions_match_a_qt_document(qapp, text):
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    for i in range(len(text) + 1):
        cursor = QTextCursor(doc)
        cursor.setPosition(m.cp_to_qt(i), QTextCursor.MoveMode.KeepAnchor)
        # selectedText shows newlines as U+2029.
        assert cursor.selectedText().replace("\u2029", "\n") == text[:i]
