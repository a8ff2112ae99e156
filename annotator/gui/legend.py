"""The legend: what every mark in the article view means, each drawn as the view draws it
(zone colours, the hatched margin of unlabeled text, entities, suggestions, boundaries)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QWidget

from . import i18n
from .article_view import BOUNDARY_COLOR, STRIPE_WIDTH, UNLABELED_COLOR
from .i18n import label_text, tr

i18n.add_strings({
    "dock.legend": ("Legend", "دليل العلامات"),
    "legend.zone": ("zone {label} (background; the margin bar in a darker shade)",
                    "منطقة {label} (الخلفية؛ وشريط الهامش أغمق)"),
    "legend.unlabeled": ("unlabeled text: white, red hatching in the margin",
                         "نص بلا وسم: أبيض، وتظليل أحمر في الهامش"),
    "legend.entity": ("entity: tint and solid underline in its label's colour",
                      "كيان: تظليل وخط متصل بلون وسمه"),
    "legend.suggestion": ("suggested entity: dashed underline (F8 accept, F9 reject)",
                          "كيان مقترح: خط متقطع تحته (F8 قبول، F9 رفض)"),
    "legend.suggested_zone": ("suggested zone: dashed bar in the margin",
                              "منطقة مقترحة: شريط متقطع في الهامش"),
    "legend.boundary": ("zone boundary: dark vertical line", "حد المنطقة: خط عمودي داكن"),
})

SWATCH = (34, 16)


def _swatch(draw) -> QPixmap:
    pixmap = QPixmap(*SWATCH)
    pixmap.fill(QColor("#ffffff"))
    painter = QPainter(pixmap)
    draw(painter, QRectF(0, 0, *SWATCH))
    painter.end()
    return pixmap


def _zone(color: QColor):
    def draw(p: QPainter, r: QRectF) -> None:
        p.fillRect(r, color)
        p.fillRect(QRectF(r.right() - STRIPE_WIDTH, 0, STRIPE_WIDTH, r.height()), color.darker(125))
    return draw


def _unlabeled(p: QPainter, r: QRectF) -> None:
    p.setPen(QColor("#999999"))
    p.drawRect(r.adjusted(0, 0, -1, -1))
    p.fillRect(QRectF(r.right() - STRIPE_WIDTH, 0, STRIPE_WIDTH, r.height()),
               QBrush(UNLABELED_COLOR, Qt.BrushStyle.BDiagPattern))


def _underline(color: QColor, dashed: bool):
    def draw(p: QPainter, r: QRectF) -> None:
        if not dashed:
            tint = QColor(color)
            tint.setAlpha(40)
            p.fillRect(r.adjusted(2, 1, -2, -1), tint)
        p.setPen(QPen(color, 2.5 if not dashed else 1.8,
                      Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine))
        p.drawLine(QPointF(3, r.bottom() - 2), QPointF(r.right() - 3, r.bottom() - 2))
    return draw


def _margin_bar(color: QColor):
    def draw(p: QPainter, r: QRectF) -> None:
        p.setPen(QPen(color, 3, Qt.PenStyle.DashLine))
        x = r.right() - STRIPE_WIDTH - 4
        p.drawLine(QPointF(x, 0), QPointF(x, r.bottom()))
    return draw


def _boundary(p: QPainter, r: QRectF) -> None:
    p.setPen(QPen(BOUNDARY_COLOR, 2))
    p.drawLine(QPointF(r.center().x(), 0), QPointF(r.center().x(), r.bottom()))


class LegendPanel(QScrollArea):
    """One row per kind of mark: the mark as drawn, and what it means. In a scroll area: a
    dock squeezed by its neighbours would otherwise squeeze the word-wrapped rows to one line
    each and cut their text (seen in the Arabic window, whose texts wrap)."""

    def __init__(self, schema, parent=None):
        super().__init__(parent)
        self.setObjectName("legend")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.schema = schema
        rows = QWidget()
        self.grid = QGridLayout(rows)
        self.setWidget(rows)
        self.grid.setColumnStretch(1, 1)
        self.texts: list[QLabel] = []
        self.retranslate()

    def _rows(self):
        entity = QColor(self.schema.entities[0].color) if self.schema.entities else QColor("#555")
        for label in self.schema.zones:
            if label.name == "none":
                continue
            yield _zone(QColor(label.color)), tr("legend.zone", label=label_text(label))
        yield _unlabeled, tr("legend.unlabeled")
        yield _underline(entity, False), tr("legend.entity")
        yield _underline(entity, True), tr("legend.suggestion")
        zone = QColor(self.schema.zones[0].color).darker(170) if self.schema.zones else entity
        yield _margin_bar(zone), tr("legend.suggested_zone")
        yield _boundary, tr("legend.boundary")

    def retranslate(self) -> None:
        while self.grid.count():
            old = self.grid.takeAt(0).widget()
            old.hide()  # deleted when the event loop gets to it: not drawn under the new rows
            old.deleteLater()
        self.texts = []
        for row, (draw, text) in enumerate(self._rows()):
            icon = QLabel()
            icon.setPixmap(_swatch(draw))
            label = QLabel(text)
            label.setWordWrap(True)
            self.grid.addWidget(icon, row, 0, Qt.AlignTop)
            self.grid.addWidget(label, row, 1)
            self.texts.append(label)
        self.grid.setRowStretch(self.grid.rowCount(), 1)
