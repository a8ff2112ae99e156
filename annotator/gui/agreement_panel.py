"""Agreement figures in the window: per labeler pair and per label, as bar charts drawn with
QPainter (QtCharts lives in PySide6-Addons, which we do not depend on), savable as PNG.

The figures are those of `annotator agree` (store.tallies.project_agreement), so the panel is
quick on a large project once the counts are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from ..core.agreement import DEFAULT_TOLERANCE
from ..store.tallies import project_agreement
from . import i18n
from .file_dialogs import ask_file
from .commands import AGREEMENT_OPEN
from .damaged import DAMAGED_STYLE
from .i18n import counted, label_name, listed, ltr, tr
from .window_base import register_commands

SERIES_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
CHART_HEIGHT_PER_BAR = 18
DEFAULT_WIDTH = 1000

i18n.add_strings({
    "agreement.open": ("Agreement between labelers…", "الاتفاق بين المُعلِّمين…"),
    "agreement.title": ("Agreement between labelers", "الاتفاق بين المُعلِّمين"),
    "agreement.summary": ("{docs} compared · labelers: {labelers}",
                          "قورن {docs} · المُعلِّمون: {labelers}"),  # docs: counted
    "agreement.none": ("Agreement needs two labelers' layers on the same documents.",
                       "يحتاج الاتفاق إلى طبقتَي مُعلِّمَين على المستندات نفسها."),
    "agreement.pairs": ("Per labeler pair", "لكل زوج من المُعلِّمين"),
    "agreement.entity_labels": ("Entities per label (F1)", "الكيانات لكل وسم (F1)"),
    "agreement.zone_labels": ("Zones per label (character F1)", "المناطق لكل وسم (F1 للأحرف)"),
    "agreement.stance_values": ("Stance per value (specific agreement)",
                                "الموقف لكل قيمة (الاتفاق النوعي)"),
    "agreement.exact_f1": ("entities exact F1", "الكيانات F1 مطابق"),
    "agreement.overlap_f1": ("entities overlap F1", "الكيانات F1 متداخل"),
    "agreement.token_kappa": ("entity tokens κ", "رموز الكيانات κ"),
    "agreement.char_kappa": ("zone characters κ", "أحرف المناطق κ"),
    "agreement.boundary_f1": ("zone boundaries F1", "حدود المناطق F1"),
    "agreement.stance_kappa": ("stance κ", "الموقف κ"),
    "agreement.exact": ("exact", "مطابق"),
    "agreement.specific": ("specific agreement", "الاتفاق النوعي"),
    "agreement.overlap": ("overlap", "متداخل"),
    "agreement.segmentation": ("Zones: Pk {pk} · WindowDiff {wd} (lower is better)",
                               "المناطق: Pk {pk} · WindowDiff {wd} (الأقل أفضل)"),
    "agreement.stance_line": ("Stance: {units} · Fleiss κ {fleiss} · Krippendorff α {alpha}",
                              "الموقف: {units} · κ فلايس {fleiss} · α كريبندورف {alpha}"),
    "agreement.tolerance": ("Boundary tolerance (characters):", "هامش الحدود (أحرف):"),
    "agreement.refresh": ("Refresh", "تحديث"),
    "agreement.save": ("Save as PNG…", "حفظ كصورة PNG…"),
    "agreement.png_filter": ("PNG images (*.png)", "صور PNG (*.png)"),
    "agreement.empty": ("nothing to compare", "لا شيء للمقارنة"),
    "agreement.damaged": ("{count} left out of these figures (annotator check lists every "
                          "problem):",
                          "استُبعدت من هذه الأرقام {count} (يسرد \u2066annotator "
                          "check\u2069 كل المشكلات):"),
    "agreement.damaged_line": ("document {doc}, layer {layer}: {problem}",
                               "المستند {doc}، الطبقة {layer}: {problem}"),
    "agreement.damaged_more": ("… and {more} more", "… و{more} غيرها"),
})
DAMAGED_SHOWN = 3  # lines naming a damaged layer; `annotator check` lists them all


def _figure(value) -> str:
    """A figure as it reads in both languages: a negative κ laid out right to left showed its
    minus sign after the digits (0.500-)."""
    return "–" if value is None else ltr(f"{value:.3f}")


@dataclass
class Chart:
    """Grouped horizontal bars: groups of (series name, value or None), values in [low, 1]."""
    title: str
    series: list[str]
    groups: list[tuple[str, list[float | None]]]

    def height(self) -> float:
        bars = sum(len(values) for _g, values in self.groups) or 1
        return 48 + bars * CHART_HEIGHT_PER_BAR + len(self.groups) * 8 + 24


def charts_of(report: dict, schema=None) -> list[Chart]:
    """What the panel draws, from an agreement report; label names in the interface language
    when the `schema` knows them."""
    def named(kind: str, name: str) -> str:
        return label_name(schema, kind, name) if schema is not None else name

    out = []
    pairs = report["pairs"]
    if pairs:
        series = [tr("agreement.exact_f1"), tr("agreement.overlap_f1"), tr("agreement.token_kappa"),
                  tr("agreement.char_kappa"), tr("agreement.boundary_f1"),
                  tr("agreement.stance_kappa")]
        groups = []
        for name in pairs:
            e = report["entities"]["pairs"][name]
            z = report["zones"]["pairs"][name]
            s = report["stance"]["pairs"][name]
            groups.append((name, [e["exact"]["f1"], e["overlap"]["f1"], e["token_cohen_kappa"],
                                  z["char_cohen_kappa"], z["boundary_f1"]["f1"],
                                  s["cohen_kappa"]]))
        out.append(Chart(tr("agreement.pairs"), series, groups))
    overall = report["entities"]["overall"]
    labels = sorted(overall["exact"]["per_label"])
    if labels:
        out.append(Chart(tr("agreement.entity_labels"),
                         [tr("agreement.exact"), tr("agreement.overlap")],
                         [(named("entity", lab), [overall["exact"]["per_label"][lab]["f1"],
                                                  overall["overlap"]["per_label"][lab]["f1"]])
                          for lab in labels]))
    zones = report["zones"]["overall"]["per_label"]
    if zones:
        out.append(Chart(tr("agreement.zone_labels"), ["F1"],
                         [(named("zone", lab), [f["char_f1"]]) for lab, f in zones.items()]))
    values = report["stance"]["overall"]["per_value"]
    if values:
        out.append(Chart(tr("agreement.stance_values"), [tr("agreement.specific")],
                         [(named("stance", v), [f["specific_agreement"]])
                          for v, f in values.items()]))
    return out


class AgreementCharts(QWidget):
    """The bar charts of one report, painted with QPainter."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementCharts")
        self.charts: list[Chart] = []

    def set_report(self, report: dict, schema=None) -> None:
        self.charts = charts_of(report, schema)
        self.setMinimumHeight(int(self.total_height()))
        self.updateGeometry()
        self.update()

    def total_height(self) -> float:
        return sum(c.height() for c in self.charts) + 8

    def sizeHint(self) -> QSize:
        return QSize(DEFAULT_WIDTH, int(self.total_height()))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        self.draw(painter, QRectF(self.rect()))
        painter.end()

    def render_image(self, width: int = DEFAULT_WIDTH) -> QImage:
        image = QImage(QSize(width, int(self.total_height())), QImage.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setFont(self.font())
        self.draw(painter, QRectF(0, 0, image.width(), image.height()))
        painter.end()
        return image

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("white"))
        top = rect.top() + 4
        for chart in self.charts:
            height = chart.height()
            self._draw_chart(painter, QRectF(rect.left() + 8, top, rect.width() - 16, height - 8),
                             chart)
            top += height

    def _draw_chart(self, painter: QPainter, rect: QRectF, chart: Chart) -> None:
        rtl = self.layoutDirection() == Qt.RightToLeft
        metrics = QFontMetricsF(painter.font())
        line = metrics.height()
        painter.setPen(QPen(QColor("#cccccc")))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("#111111"))
        title = QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, line + 4)
        # AlignAbsolute: without it Qt swaps left and right for right-to-left text.
        side = (Qt.AlignRight if rtl else Qt.AlignLeft) | Qt.AlignAbsolute
        painter.drawText(title, side | Qt.AlignVCenter, chart.title)
        # legend
        x = rect.right() - 8 if rtl else rect.left() + 8
        legend_y = title.bottom() + 2
        for i, name in enumerate(chart.series):
            width = metrics.horizontalAdvance(name) + 22
            box = QRectF(x - width if rtl else x, legend_y, width, line)
            swatch = QRectF(box.right() - 12 if rtl else box.left(), box.top() + 3, 10, line - 6)
            painter.fillRect(swatch, QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
            painter.drawText(box.adjusted(0 if rtl else 14, 0, -14 if rtl else 0, 0),
                             side | Qt.AlignVCenter, name)
            x = x - width - 8 if rtl else x + width + 8
        body_top = legend_y + line + 6
        names = [g for g, _v in chart.groups]
        label_w = max([metrics.horizontalAdvance(n) for n in names] + [40]) + 12
        value_w = metrics.horizontalAdvance("-0.000") + 10
        values = [v for _g, vs in chart.groups for v in vs if v is not None]
        low = min([0.0] + values)
        span = 1.0 - low
        bar_left = rect.left() + 8 + (value_w if rtl else label_w)
        bar_right = rect.right() - 8 - (label_w if rtl else value_w)
        width = max(10.0, bar_right - bar_left)

        def at(value: float) -> float:
            share = (value - low) / span
            return bar_right - share * width if rtl else bar_left + share * width

        y = body_top
        for group, vs in chart.groups:
            block = QRectF(rect.left() + 8, y, rect.width() - 16, len(vs) * CHART_HEIGHT_PER_BAR)
            name_rect = QRectF(bar_right + 4, y, label_w - 8, block.height()) if rtl else \
                QRectF(rect.left() + 8, y, label_w - 8, block.height())
            painter.setPen(QColor("#111111"))
            painter.drawText(name_rect, (Qt.AlignLeft if rtl else Qt.AlignRight) | Qt.AlignAbsolute
                             | Qt.AlignVCenter, group)
            for i, value in enumerate(vs):
                bar_y = y + i * CHART_HEIGHT_PER_BAR + 2
                zero = at(0.0)
                if value is not None:
                    end = at(value)
                    bar = QRectF(min(zero, end), bar_y, abs(end - zero), CHART_HEIGHT_PER_BAR - 4)
                    painter.fillRect(bar, QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
                text_x = bar_left - value_w if rtl else bar_right + 4
                painter.setPen(QColor("#333333"))
                painter.drawText(QRectF(text_x, bar_y - 1, value_w, CHART_HEIGHT_PER_BAR - 2),
                                 Qt.AlignCenter, _figure(value))
            y += block.height() + 8
        # axis: 0 and 1 (and the low end when a kappa is negative)
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.drawLine(int(at(0.0)), int(body_top), int(at(0.0)), int(y - 6))
        painter.setPen(QPen(QColor("#bbbbbb"), 1, Qt.DashLine))
        painter.drawLine(int(at(1.0)), int(body_top), int(at(1.0)), int(y - 6))
        painter.setPen(QColor("#666666"))
        for mark in sorted({low, 0.0, 0.5, 1.0}):
            painter.drawText(QRectF(at(mark) - 20, y - 4, 40, line), Qt.AlignCenter, ltr(f"{mark:g}"))


class AgreementPanel(QWidget):
    """Summary lines and the charts, with the boundary tolerance, refresh and save."""

    def __init__(self, project, labelers: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementPanel")
        self.project = project
        self.labelers = labelers
        self.report: dict | None = None
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.tolerance_label = QLabel()
        self.tolerance = QSpinBox(objectName="agreement:tolerance")
        self.tolerance.setRange(0, 500)
        self.tolerance.setValue(DEFAULT_TOLERANCE)
        self.refresh_button = QPushButton(objectName="agreement:refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.save_button = QPushButton(objectName="agreement:save")
        self.save_button.clicked.connect(self.ask_save)
        for widget in (self.tolerance_label, self.tolerance):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.refresh_button)
        controls.addWidget(self.save_button)
        layout.addLayout(controls)
        self.summary = QLabel(objectName="agreement:summary")
        self.summary.setTextFormat(Qt.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.damaged = QLabel(objectName="agreement:damaged")
        self.damaged.setTextFormat(Qt.PlainText)
        self.damaged.setWordWrap(True)
        self.damaged.setStyleSheet(DAMAGED_STYLE)
        self.damaged.hide()
        layout.addWidget(self.damaged)
        self.charts = AgreementCharts()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.charts)
        layout.addWidget(scroll, 1)
        i18n.notifier.changed.connect(self.retranslate)
        self.retranslate()
        self.refresh()

    def retranslate(self, _lang: str | None = None) -> None:
        self.tolerance_label.setText(tr("agreement.tolerance"))
        self.refresh_button.setText(tr("agreement.refresh"))
        self.save_button.setText(tr("agreement.save"))
        self.setLayoutDirection(i18n.direction())
        if self.report is not None:
            self._show(self.report)

    def refresh(self) -> None:
        self.report = project_agreement(self.project, self.labelers, self.tolerance.value(),
                                        per_document=False)
        self._show(self.report)

    def _show(self, report: dict) -> None:
        if len(report["labelers"]) < 2 or not report["documents_compared"]:
            self.summary.setText(tr("agreement.none"))
        else:
            zones = report["zones"]["overall"]
            stance = report["stance"]
            self.summary.setText("\n".join([
                tr("agreement.summary", docs=counted(report["documents_compared"], "document"),
                   labelers=listed(report["labelers"])),
                tr("agreement.segmentation", pk=_figure(zones["pk"]),
                   wd=_figure(zones["windowdiff"])),
                tr("agreement.stance_line", units=counted(stance["units"], "unit"),
                   fleiss=_figure(stance["fleiss_kappa"]),
                   alpha=_figure(stance["krippendorff_alpha"]))]))
        self._show_damaged(report.get("damaged", []))
        self.charts.setLayoutDirection(i18n.direction())
        self.charts.set_report(report, self.project.schema)

    def _show_damaged(self, damaged: list[dict]) -> None:
        """The layers the figures leave out as damaged: how many, and the first few named."""
        self.damaged.setVisible(bool(damaged))
        lines = [tr("agreement.damaged", count=counted(len(damaged), "damaged_layer"))]
        lines += [tr("agreement.damaged_line", doc=ltr(d["document"]), layer=ltr(d["layer"]),
                     problem=ltr(d["problem"])) for d in damaged[:DAMAGED_SHOWN]]
        if len(damaged) > DAMAGED_SHOWN:
            lines.append(tr("agreement.damaged_more", more=len(damaged) - DAMAGED_SHOWN))
        self.damaged.setText("\n".join(lines) if damaged else "")

    def save_png(self, path: str | Path, width: int = DEFAULT_WIDTH) -> bool:
        return self.charts.render_image(width).save(str(path), "PNG")

    def ask_save(self) -> None:
        path = ask_file(self, tr("agreement.save"),
                        str(self.project.path.with_suffix(".agreement.png")),
                        tr("agreement.png_filter"), save=True)
        if path:
            self.save_png(path)


class AgreementDialog(QDialog):
    def __init__(self, project, labelers: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle(tr("agreement.title"))
        self.panel = AgreementPanel(project, labelers, self)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(1040, 760)


def open_from(main) -> AgreementDialog:
    dialog = AgreementDialog(main.project, parent=main)
    dialog.show()
    return dialog


def install(window) -> None:
    """The main window's Review menu: the agreement figures in a dialog."""
    register_commands(window, [AGREEMENT_OPEN])
