"""A banner row above the text: the whole width of the window, on a row of its own, hidden
until there is something the labeler must not miss (NOT SAVED, a damaged layer)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar


class BannerRow:
    def __init__(self, window, object_name: str, style: str):
        self.window = window
        self.label = QLabel(objectName=object_name)
        self.label.setStyleSheet(style)
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setWordWrap(True)
        # The whole row's width: a toolbar gives a label only its size hint (a narrow column).
        self.label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.bar = QToolBar(window, objectName=f"toolbar:{object_name}", movable=False)
        self.bar.addWidget(self.label)
        window.addToolBar(Qt.TopToolBarArea, self.bar)
        self.bar.hide()

    def show(self, text: str) -> None:
        self.label.setText(text)
        if self.bar.isHidden():  # (isVisible is False too while the window is not shown)
            self.window.insertToolBarBreak(self.bar)  # a row of its own
        self.bar.show()

    def hide(self) -> None:
        if not self.bar.isHidden():
            self.window.removeToolBarBreak(self.bar)
        self.bar.hide()
