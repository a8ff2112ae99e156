"""The corpus at a glance: documents by status, labels by count, each labeler's progress over
time and the suggestions they accepted or rejected, drawn with QPainter (QtCharts is in
PySide6-Addons, which we do not depend on) and savable as PNG.

In Arabic the bar charts are mirrored as the rest of the window is: names on the right, bars
growing leftwards from them, legends from the right. The time axis of the progress chart still
runs left to right: its dates and clock times read left to right in Arabic too, and that is
how Arabic dashboards and news graphics draw a time line; only its legend is mirrored.

The figures come from the store's API only: status counts, the layers, and the change log
(status changes give the progress over time; "accept"/"reject" edits give the suggestion
counts)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QPushButton, QVBoxLayout,
                               QWidget)

from ..assist.score import suggestion_counts
from ..core.model import NONE_ZONE, SUGGESTIONS
from ..store.project import STATUSES
from . import i18n
from .file_dialogs import ask_file
from .i18n import counted, tr

FINISHED = ("done", "reviewed")
STATUS_COLORS = {"todo": "#d0d0d0", "in_progress": "#f2c14e", "done": "#4caf50",
                 "skipped": "#9e9e9e", "reviewed": "#3f7fbf"}
LINE_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
               "#17becf", "#7f7f7f", "#bcbd22"]
DEFAULT_SIZE = QSize(1200, 820)

i18n.add_strings({
    "charts.open": ("Corpus at a glance…", "نظرة عامة على المدونة…"),
    "charts.title": ("Corpus at a glance", "نظرة عامة على المدونة"),
    "charts.status": ("Documents by status, per labeler", "المستندات حسب الحالة لكل مُعلِّم"),
    "charts.labels": ("Labels by count (people's layers)", "الوسوم حسب العدد (طبقات المُعلِّمين)"),
    "charts.progress": ("Documents finished over time", "المستندات المنجزة عبر الزمن"),
    "charts.suggestions": ("Suggestions accepted and rejected", "الاقتراحات المقبولة والمرفوضة"),
    "charts.accepted": ("accepted", "مقبول"),
    "charts.rejected": ("rejected", "مرفوض"),
    "charts.empty": ("Nothing yet.", "لا شيء بعد."),
    "charts.save": ("Save as PNG…", "حفظ كصورة PNG…"),
    "charts.refresh": ("Refresh", "تحديث"),
    "charts.png_filter": ("PNG images (*.png)", "صور PNG (*.png)"),
})


@dataclass
class CorpusFigures:
    documents: int = 0
    status: dict[str, dict[str, int]] = field(default_factory=dict)  # labeler -> status -> n
    labels: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, count)
    progress: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)
    suggestions: dict[str, dict[str, int]] = field(default_factory=dict)


def corpus_figures(project) -> CorpusFigures:
    """What the charts show, read from the store."""
    figures = CorpusFigures(documents=project.count_documents())
    history = project.history()
    labelers = sorted({c.who for c in history if c.action == "status"}
                      | {who for who in project.annotators() if who != SUGGESTIONS})
    for labeler in labelers:
        counts = project.status_counts(labeler)
        if any(counts[s] for s in STATUSES if s != "todo"):
            figures.status[labeler] = counts
    zones: Counter = Counter()
    entities: Counter = Counter()
    stances: Counter = Counter()
    for _doc, name, layer in project.iter_layers():
        if name == SUGGESTIONS:
            continue
        zones.update(z.label for z in layer.zones if z.label != NONE_ZONE)
        entities.update(e.label for e in layer.entities)
        stances.update(s.value for s in layer.stances)
    schema = project.schema
    for kind, counter, names in (("zone", zones, schema.zone_names),
                                 ("entity", entities, schema.entity_names),
                                 ("stance", stances, schema.stance_names)):
        order = [n for n in names if n in counter] + sorted(set(counter) - set(names))
        figures.labels += [(kind, label, counter[label]) for label in order]
    finished: dict[str, int] = defaultdict(int)
    for change in history:
        if change.action != "status" or not change.after:
            continue
        was = (change.before or {}).get("status") in FINISHED
        now = change.after.get("status") in FINISHED
        if was == now:
            continue
        finished[change.who] += 1 if now else -1
        figures.progress.setdefault(change.who, []).append(
            (datetime.fromisoformat(change.at), finished[change.who]))
    figures.suggestions = suggestion_counts(project)
    return figures


class CorpusCharts(QWidget):
    """Four charts in a grid, painted from a CorpusFigures."""

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("corpusCharts")
        self.project = project
        self.figures = CorpusFigures()
        self.setMinimumSize(640, 480)
        self.refresh()

    def sizeHint(self) -> QSize:
        return DEFAULT_SIZE

    def refresh(self) -> None:
        self.figures = corpus_figures(self.project)
        self.update()

    # -- output ----------------------------------------------------------------------------
    def render_image(self, size: QSize | None = None) -> QImage:
        size = size or (self.size() if self.isVisible() else DEFAULT_SIZE)
        image = QImage(size, QImage.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self.draw(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return image

    def save_png(self, path: str | Path, size: QSize | None = None) -> bool:
        return self.render_image(size).save(str(path), "PNG")

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        self.draw(painter, QRectF(self.rect()))
        painter.end()

    # -- drawing ---------------------------------------------------------------------------
    def _rtl(self) -> bool:
        return self.layoutDirection() == Qt.RightToLeft

    def _placed(self, within: QRectF, rect: QRectF) -> QRectF:
        """`rect`, laid out left to right inside `within`, where it goes in this interface:
        mirrored inside `within` in Arabic."""
        if not self._rtl():
            return rect
        return QRectF(within.left() + within.right() - rect.right(), rect.top(), rect.width(),
                      rect.height())

    def _toward(self, side: Qt.AlignmentFlag) -> Qt.AlignmentFlag:
        """A left-to-right alignment (AlignLeft / AlignRight), mirrored in Arabic; absolute,
        so that Qt does not swap it again for right-to-left text."""
        if self._rtl():
            side = Qt.AlignRight if side == Qt.AlignLeft else Qt.AlignLeft
        return side | Qt.AlignAbsolute

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setFont(self.font())
        half_w, half_h = rect.width() / 2, rect.height() / 2
        # In reading order: the first chart top right in Arabic.
        cells = [self._placed(rect, QRectF(rect.left() + dx * half_w, rect.top() + dy * half_h,
                                           half_w, half_h)).adjusted(12, 12, -12, -12)
                 for dy in (0, 1) for dx in (0, 1)]
        for cell, (title, draw) in zip(cells, (
                (tr("charts.status"), self._draw_status),
                (tr("charts.labels"), self._draw_labels),
                (tr("charts.progress"), self._draw_progress),
                (tr("charts.suggestions"), self._draw_suggestions))):
            body = self._frame(painter, cell, title)
            draw(painter, body)

    def _frame(self, painter: QPainter, cell: QRectF, title: str) -> QRectF:
        painter.setPen(QPen(QColor("#cccccc")))
        painter.setBrush(Qt.NoBrush)
        painter.drawRoundedRect(cell, 6, 6)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        height = QFontMetricsF(font).height()
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(cell.left() + 10, cell.top() + 6, cell.width() - 20, height),
                         Qt.AlignCenter, title)
        font.setBold(False)
        painter.setFont(font)
        return cell.adjusted(10, height + 14, -10, -10)

    def _empty(self, painter: QPainter, body: QRectF) -> None:
        painter.setPen(QColor("#888888"))
        painter.drawText(body, Qt.AlignCenter, tr("charts.empty"))

    def _name_column(self, painter: QPainter, names: list[str], body: QRectF) -> float:
        metrics = QFontMetricsF(painter.font())
        return min(body.width() * 0.4, max((metrics.horizontalAdvance(n) for n in names),
                                           default=0) + 12)

    def _draw_status(self, painter: QPainter, body: QRectF) -> None:
        status = self.figures.status
        if not status:
            self._empty(painter, body)
            return
        metrics = QFontMetricsF(painter.font())
        legend_h = metrics.height() + 8
        names = list(status)
        left = self._name_column(painter, names, body)
        rows = QRectF(body.left(), body.top(), body.width(), body.height() - legend_h)
        bar_h = min(28.0, rows.height() / len(names))
        total = max(1, self.figures.documents)
        for i, name in enumerate(names):
            y = rows.top() + i * bar_h
            painter.setPen(QColor("#222222"))
            painter.drawText(self._placed(rows, QRectF(rows.left(), y, left - 6, bar_h)),
                             self._toward(Qt.AlignRight) | Qt.AlignVCenter, name)
            x = rows.left() + left
            width = rows.width() - left
            for state in STATUSES:
                n = status[name].get(state, 0)
                if not n:
                    continue
                w = width * n / total
                painter.fillRect(self._placed(rows, QRectF(x, y + 3, w, bar_h - 6)),
                                 QColor(STATUS_COLORS[state]))
                if w > metrics.horizontalAdvance(str(n)) + 4:
                    painter.drawText(self._placed(rows, QRectF(x, y, w, bar_h)),
                                     Qt.AlignCenter, str(n))
                x += w
        self._legend(painter, QRectF(body.left(), body.bottom() - legend_h + 4, body.width(),
                                     legend_h),
                     [(tr(f"status.{s}"), QColor(STATUS_COLORS[s])) for s in STATUSES]
                     + [(counted(self.figures.documents, "document"), None)])

    def _draw_labels(self, painter: QPainter, body: QRectF) -> None:
        labels = [item for item in self.figures.labels if item[2]]
        if not labels:
            self._empty(painter, body)
            return
        schema = self.project.schema
        names = []
        colors = []
        for kind, label, _count in labels:
            try:
                lab = schema.label(kind, label)
                names.append(i18n.label_text(lab))
                colors.append(QColor(lab.color))
            except KeyError:
                names.append(label)
                colors.append(QColor("#999999"))
        left = self._name_column(painter, names, body)
        bar_h = min(24.0, body.height() / len(labels))
        top = max(count for _k, _l, count in labels)
        metrics = QFontMetricsF(painter.font())
        for i, ((_kind, _label, count), name, color) in enumerate(zip(labels, names, colors)):
            y = body.top() + i * bar_h
            painter.setPen(QColor("#222222"))
            painter.drawText(self._placed(body, QRectF(body.left(), y, left - 6, bar_h)),
                             self._toward(Qt.AlignRight) | Qt.AlignVCenter, name)
            room = body.width() - left - metrics.horizontalAdvance(str(top)) - 8
            w = max(1.0, room * count / top)
            bar = self._placed(body, QRectF(body.left() + left, y + 3, w, bar_h - 6))
            painter.fillRect(bar, color)
            painter.setPen(QPen(color.darker(140)))
            painter.drawRect(bar)
            painter.setPen(QColor("#222222"))
            painter.drawText(self._placed(body, QRectF(body.left() + left + w + 4, y, 80, bar_h)),
                             self._toward(Qt.AlignLeft) | Qt.AlignVCenter, str(count))

    def _draw_progress(self, painter: QPainter, body: QRectF) -> None:
        progress = {k: v for k, v in self.figures.progress.items() if v}
        if not progress:
            self._empty(painter, body)
            return
        metrics = QFontMetricsF(painter.font())
        legend_h = metrics.height() + 8
        plot = body.adjusted(metrics.horizontalAdvance("0000") + 6, 4, -8,
                             -(legend_h + metrics.height() + 6))
        times = [t for points in progress.values() for t, _n in points]
        start, end = min(times), max(times)
        span = max((end - start).total_seconds(), 1.0)
        top = max(1, max(n for points in progress.values() for _t, n in points))
        painter.setPen(QPen(QColor("#999999")))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(QColor("#444444"))
        for value in sorted({0, top // 2, top}):
            y = plot.bottom() - plot.height() * value / top
            painter.drawText(QRectF(body.left(), y - metrics.height() / 2,
                                    plot.left() - body.left() - 4, metrics.height()),
                             Qt.AlignRight | Qt.AlignVCenter | Qt.AlignAbsolute, str(value))
        fmt = "%H:%M:%S" if span < 3600 else "%H:%M" if span < 86400 else "%Y-%m-%d"
        for when, align in ((start, Qt.AlignLeft), (end, Qt.AlignRight)):
            painter.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(),
                                    metrics.height()), align | Qt.AlignAbsolute,
                             when.astimezone().strftime(fmt))
        legend = []
        for i, (name, points) in enumerate(sorted(progress.items())):
            color = QColor(LINE_COLORS[i % len(LINE_COLORS)])
            legend.append((name, color))
            path = QPainterPath()
            path.moveTo(QPointF(plot.left(), plot.bottom()))
            for when, n in points:
                x = plot.left() + plot.width() * (when - start).total_seconds() / span
                y = plot.bottom() - plot.height() * n / top
                path.lineTo(QPointF(x, path.currentPosition().y()))  # a step: count holds
                path.lineTo(QPointF(x, y))
            path.lineTo(QPointF(plot.right(), path.currentPosition().y()))
            painter.setPen(QPen(color, 2))
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(path)
        self._legend(painter, QRectF(body.left(), body.bottom() - legend_h + 4, body.width(),
                                     legend_h), legend)

    def _draw_suggestions(self, painter: QPainter, body: QRectF) -> None:
        counts = {k: v for k, v in self.figures.suggestions.items()}
        if not counts:
            self._empty(painter, body)
            return
        metrics = QFontMetricsF(painter.font())
        legend_h = metrics.height() + 8
        names = sorted(counts)
        left = self._name_column(painter, names, body)
        rows = QRectF(body.left(), body.top(), body.width(), body.height() - legend_h)
        group_h = min(44.0, rows.height() / len(names))
        top = max(1, max(max(c.values()) for c in counts.values()))
        colors = {"accepted": QColor("#4caf50"), "rejected": QColor("#e53935")}
        room = rows.width() - left - metrics.horizontalAdvance(str(top)) - 8
        for i, name in enumerate(names):
            y = rows.top() + i * group_h
            painter.setPen(QColor("#222222"))
            painter.drawText(self._placed(rows, QRectF(rows.left(), y, left - 6, group_h)),
                             self._toward(Qt.AlignRight) | Qt.AlignVCenter, name)
            for j, key in enumerate(("accepted", "rejected")):
                n = counts[name][key]
                bar = QRectF(rows.left() + left, y + 3 + j * (group_h - 6) / 2,
                             max(1.0, room * n / top), (group_h - 6) / 2 - 1)
                painter.fillRect(self._placed(rows, bar), colors[key])
                painter.setPen(QColor("#222222"))
                painter.drawText(
                    self._placed(rows, QRectF(bar.right() + 4, bar.top(), 80, bar.height())),
                    self._toward(Qt.AlignLeft) | Qt.AlignVCenter, str(n))
        self._legend(painter, QRectF(body.left(), body.bottom() - legend_h + 4, body.width(),
                                     legend_h),
                     [(tr(f"charts.{k}"), c) for k, c in colors.items()])

    def _legend(self, painter: QPainter, rect: QRectF, items) -> None:
        """Swatch and name pairs in a row, from the start of the line (the right in Arabic)."""
        metrics = QFontMetricsF(painter.font())
        x = rect.left()
        box = metrics.height() * 0.7
        for text, color in items:
            if color is not None:
                swatch = QRectF(x, rect.top() + (metrics.height() - box) / 2, box, box)
                painter.fillRect(self._placed(rect, swatch), color)
                x += box + 4
            painter.setPen(QColor("#222222"))
            width = metrics.horizontalAdvance(text)
            painter.drawText(self._placed(rect, QRectF(x, rect.top(), width + 2,
                                                       metrics.height())),
                             self._toward(Qt.AlignLeft), text)
            x += width + 14


class ChartsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("chartsDialog")
        self.setWindowTitle(tr("charts.title"))
        self.charts = CorpusCharts(window.project, self)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.refresh_button = QPushButton(tr("charts.refresh"), objectName="charts:refresh")
        self.save_button = QPushButton(tr("charts.save"), objectName="charts:save")
        buttons.addButton(self.refresh_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        self.refresh_button.clicked.connect(self.charts.refresh)
        self.save_button.clicked.connect(self.ask_save)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.charts, 1)
        layout.addWidget(buttons)
        self.resize(DEFAULT_SIZE + QSize(24, 60))
        i18n.notifier.changed.connect(self.retranslate)

    def retranslate(self, _lang: str | None = None) -> None:
        self.setWindowTitle(tr("charts.title"))
        self.refresh_button.setText(tr("charts.refresh"))
        self.save_button.setText(tr("charts.save"))
        self.charts.update()

    def ask_save(self) -> None:
        path = ask_file(self, tr("charts.save"), "corpus.png", tr("charts.png_filter"),
                        save=True)
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.charts.save_png(path)


def install(window) -> None:
    from .commands import CHARTS_OPEN
    from .window_base import register_commands

    dialogs: list[ChartsDialog] = []

    def open_charts() -> ChartsDialog:
        if dialogs:
            dialogs[0].charts.refresh()
        else:
            dialogs.append(ChartsDialog(window))
        dialogs[0].show()
        dialogs[0].raise_()
        return dialogs[0]

    window.open_charts = open_charts
    register_commands(window, [CHARTS_OPEN])
