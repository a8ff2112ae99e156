"""The Qt binding itself. PySide6 6.12.0 gives back None from void methods without a reference;
on Python 3.11 a few thousand repaints then abort the process ("none_dealloc"). pyproject pins
below 6.12; this fails loudly if a leaking binding is installed again."""
import sys


def test_void_qt_calls_do_not_steal_references_to_none(qtbot):
    from PySide6.QtGui import QImage, QPainter, QPen
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for _ in range(2000):
        widget.update()
        painter.setPen(QPen())
        painter.drawLine(0, 0, 1, 1)
    painter.end()
    assert sys.getrefcount(None) >= before - 50
