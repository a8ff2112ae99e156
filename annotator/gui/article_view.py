"""The article view: read-only, right to left, plain text, with zones, entities and suggestions.

Everything outside this widget speaks code points; Qt positions appear only between this file
and offsets.py. Zone backgrounds are painted under the text (a whole line in its zone's color, so
blank lines and margins show the zone too); search hits are Qt extra selections; entities, zone
boundaries, suggestions and markers for invisible characters are painted over the text. Only the
part of the article on screen is painted, so a 4 MB article with thousands of annotations stays
fast. Geometry comes from the laid-out glyph runs, which keeps it exact in bidi text; it is kept
per span, relative to its block, until the text is laid out again, so a repaint (after a label
key, a scroll) only places and draws the frames.

Why one module of ~650 lines: the selection (Qt positions ↔ code points), the layout and the
geometry cache kept between paints share one state, invalidated together when the text is laid
out again; split across modules, each part would have to know when the others' cache is stale.
"""
from __future__ import annotations

import heapq
import re
import unicodedata
from dataclasses import dataclass
from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QPainter, QPalette, QPen, QTextBlock, QTextCharFormat,
                           QTextCursor, QTextOption)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from ..core.model import NONE_ZONE, Layer
from ..core.schema import Schema
from ..core.text import BIDI_CONTROLS, INVISIBLE
from .fonts import DEFAULT_POINT_SIZE, arabic_font
from .i18n import tr
from .offsets import OffsetMap


_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")

HIGHLIGHT_COLOR = QColor("#ffe94d")
BOUNDARY_COLOR = QColor("#37474f")
BIDI_MARKER_COLOR = QColor("#d81b60")
ZERO_WIDTH_MARKER_COLOR = QColor("#ef6c00")
FALLBACK_COLOR = QColor("#808080")
UNLABELED_COLOR = QColor("#d84315")
STRIPE_WIDTH = 6
DOCUMENT_MARGIN = 12  # room for the zone ruler at the right edge
# Zoom: each step scales the font by this factor, within these steps from the default.
ZOOM_FACTOR = 1.12
ZOOM_STEPS = (-6, 12)
_BLOCK_ORIGIN = QPointF(0, 0)


@dataclass(frozen=True)
class _Mark:
    """A zone, entity or suggestion to paint, in Qt positions; `color` None is the plain page.
    `level` separates overlapping entities."""
    qt_start: int
    qt_end: int
    color: QColor | None
    level: int
    tip: str
    name: str = ""   # the label's short name, drawn beside an entity when label names are on


def _levels(spans: list[tuple[int, int]]) -> list[int]:
    """Nesting level for each span (given sorted by start, longest first): the lowest level not
    taken by a span still open. Overlapping spans never share a level."""
    free: list[int] = []
    open_spans: list[tuple[int, int]] = []  # (end, level)
    next_level = 0
    levels = []
    for start, end in spans:
        while open_spans and open_spans[0][0] <= start:
            heapq.heappush(free, heapq.heappop(open_spans)[1])
        if free:
            level = heapq.heappop(free)
        else:
            level, next_level = next_level, next_level + 1
        heapq.heappush(open_spans, (end, level))
        levels.append(level)
    return levels


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip()


def _line_rects(line, origin: QPointF, rel_start: int, rel_end: int) -> list[QRectF]:
    """Rectangles of block positions [rel_start, rel_end) on one line, placed at the block's
    origin: one per visual run (a Latin word inside an Arabic span is its own run), merged where
    they touch, full line height. Widths come from glyph advances, not ink: Arabic ink overhangs its neighbors."""
    start = max(rel_start, line.textStart())
    end = min(rel_end, line.textStart() + line.textLength())
    if end <= start:
        return []
    extents = []
    for run in line.glyphRuns(start, end - start):
        advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
        xs = [(p.x(), p.x() + a.x()) for p, a in zip(run.positions(), advances) if a.x() > 0]
        if xs:
            extents.append((min(x for x, _ in xs), max(x for _, x in xs)))
        else:  # only zero-width marks
            ink = run.boundingRect()
            extents.append((ink.left(), ink.right()))
    merged: list[list[float]] = []
    for left, right in sorted(extents):
        if merged and left <= merged[-1][1] + 0.5:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    return [QRectF(left, line.y(), right - left, line.height()).translated(origin)
            for left, right in merged]


class ArticleView(QPlainTextEdit):
    """See the GUI contract: code points in, code points out."""

    selection_changed = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Lines wrap anywhere, so nothing needs scrolling sideways; without this a line a pixel
        # wider than the page (rounding) shows a scroll bar, which shrinks the page, lays the
        # whole article out again and paints it twice.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCursorWidth(2)
        self.viewport().setMouseTracking(False)
        # Zone colors are pale tints chosen for a light page; keep the page light in dark themes,
        # and keep the selection visible while another panel has the focus.
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Base, QColor("#ffffff"))
            palette.setColor(group, QPalette.ColorRole.Text, QColor("#111111"))
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#1f5fbf"))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        self.setPalette(palette)

        self._text = ""
        self._map = OffsetMap("")
        self._schema: Schema | None = None
        self._zoom = 0
        self._zones: list[_Mark] = []               # the labeler's zones, tiling the text
        self._zone_starts: list[int] = []
        self._boundaries: list[int] = []           # Qt positions of the labeler's zone boundaries
        self._marks: list[_Mark] = []              # the labeler's entities, sorted by start
        self._suggested_marks: list[_Mark] = []
        self._suggested_zones: list[_Mark] = []
        self._invisible: list[int] = []            # Qt positions of invisible characters
        self._tips: list[tuple[QRectF, str]] = []  # what was painted where, for tooltips
        # (Qt start, Qt end) -> what _span_geometry found.
        self._span_geometries: dict[tuple[int, int], list[tuple[int, list[QRectF]]]] = {}
        self._mark_styles: dict[tuple[int, bool], tuple[QColor | None, QPen]] = {}
        self._last_selection = (0, 0)
        self._suggestion_layer: Layer | None = None
        self.suggestions_hidden = False
        self.label_names = False

        self._apply_font()
        self._apply_text_option()
        self.document().documentLayout().update.connect(self._forget_geometry)
        self.selectionChanged.connect(self._emit_selection)
        self.cursorPositionChanged.connect(self._emit_selection)

    # -- document and layers ---------------------------------------------------------------
    def set_document(self, text: str, schema: Schema) -> None:
        """Show a new article (no annotations yet); zoom and scroll go back to the start."""
        self._text = text
        self._map = OffsetMap(text)
        self._schema = schema
        self._zones = []
        self._zone_starts = []
        self._boundaries = []
        self._marks = []
        self._suggested_marks = []
        self._suggested_zones = []
        self._invisible = [self._map.cp_to_qt(m.start()) for m in _INVISIBLE_RE.finditer(text)]
        self._forget_geometry()  # block numbers and positions now mean other text
        self.setExtraSelections([])
        self._zoom = 0
        self._apply_font()
        self.setPlainText(text)  # plain text: '<b>' and '&amp;' stay characters
        self._apply_text_option()
        self.verticalScrollBar().setValue(0)
        self._emit_selection()

    def text(self) -> str:
        return self._text

    def set_layer(self, layer: Layer | None) -> None:
        """The labeler's layer: zones as backgrounds, entities framed and underlined."""
        self._zones = []
        self._boundaries = []
        self._marks = []
        if layer is not None:
            to_qt = self._map.cp_to_qt
            previous = NONE_ZONE
            for zone in layer.zones:
                if zone.start and (zone.label != NONE_ZONE or previous != NONE_ZONE):
                    self._boundaries.append(to_qt(zone.start))
                previous = zone.label
                self._zones.append(_Mark(to_qt(zone.start), to_qt(zone.end),
                                         self._zone_color(zone.label), 0,
                                         self._label_text("zone", zone.label)))
            self._marks = self._build_marks(layer)
        self._zone_starts = [z.qt_start for z in self._zones]
        self.viewport().update()

    def set_suggestions(self, layer: Layer | None) -> None:
        """Machine suggestions: a dashed underline in their label colors (no frame: a frame's
        sides would cut through joined letters); nothing while suggestions are hidden."""
        self._suggestion_layer = layer
        self._suggested_marks = []
        self._suggested_zones = []
        if layer is not None and not self.suggestions_hidden:
            prefix = tr("view.suggestion_tip") + " "
            self._suggested_marks = self._build_marks(layer, prefix)
            self._suggested_zones = [
                _Mark(self._map.cp_to_qt(z.start), self._map.cp_to_qt(z.end),
                      self._color("zone", z.label).darker(170), 0,
                      prefix + self._label_text("zone", z.label))
                for z in layer.zones if z.label != NONE_ZONE]
        self.viewport().update()

    def set_suggestions_hidden(self, hidden: bool) -> None:
        self.suggestions_hidden = hidden
        self.set_suggestions(self._suggestion_layer)

    def set_label_names(self, shown: bool) -> None:
        """Print each entity's label name at its end (for colour-blind labelers)."""
        self.label_names = shown
        self.viewport().update()

    def set_highlights(self, spans: list[tuple[int, int]]) -> None:
        """Search hits and the like: a yellow background over the zones."""
        fmt = QTextCharFormat()
        fmt.setBackground(HIGHLIGHT_COLOR)
        fmt.setForeground(QColor("#000000"))
        self.setExtraSelections([self._extra(a, b, fmt) for a, b in spans if b > a])

    def _build_marks(self, layer: Layer, prefix: str = "") -> list[_Mark]:
        kind = "entity"
        entities = sorted(layer.entities, key=lambda e: (e.start, -e.end, e.label))
        levels = _levels([(e.start, e.end) for e in entities])
        to_qt = self._map.cp_to_qt
        return [_Mark(to_qt(e.start), to_qt(e.end), self._color(kind, e.label), level,
                      prefix + self._label_text(kind, e.label)
                      + f"  «\u2068{self._text[e.start:e.end]}\u2069»", e.label)
                for e, level in zip(entities, levels)]

    def _extra(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.cp_to_qt(start))
        cursor.setPosition(self._map.cp_to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        extra = QTextEdit.ExtraSelection()
        extra.cursor = cursor
        extra.format = fmt
        return extra

    def _color(self, kind: str, name: str) -> QColor:
        try:
            return QColor(self._schema.label(kind, name).color)
        except (KeyError, AttributeError):
            return QColor(FALLBACK_COLOR)

    def _zone_color(self, name: str) -> QColor | None:
        """Background of a zone; None for unlabeled text, which keeps the plain page."""
        if name == NONE_ZONE:
            return None
        return self._color("zone", name)

    def _label_text(self, kind: str, name: str) -> str:
        try:
            label = self._schema.label(kind, name)
        except (KeyError, AttributeError):
            return name
        return f"{label.name} — {label.ar} / {label.en}"

    # -- selection and caret (code points) -------------------------------------------------
    def selection(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return (self._map.qt_to_cp(cursor.selectionStart()),
                self._map.qt_to_cp(cursor.selectionEnd()))

    def set_selection(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.cp_to_qt(start))
        cursor.setPosition(self._map.cp_to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def caret(self) -> int:
        return self._map.qt_to_cp(self.textCursor().position())

    def set_caret(self, i: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.cp_to_qt(i))
        self.setTextCursor(cursor)

    def _emit_selection(self) -> None:
        current = self.selection()
        if current != self._last_selection:
            self._last_selection = current
            self.selection_changed.emit(*current)

    def scroll_to(self, offset: int) -> None:
        """Bring the character at offset into view (two lines below the top) without moving the
        caret or the selection."""
        q = self._map.cp_to_qt(offset)
        block = self.document().findBlock(q)
        if not block.isValid():
            return
        line_in_block = 0
        layout = block.layout()
        if layout is not None and layout.lineCount():
            line = layout.lineForTextPosition(q - block.position())
            if line.isValid():
                line_in_block = line.lineNumber()
        self.verticalScrollBar().setValue(max(0, block.firstLineNumber() + line_in_block - 2))

    # -- zoom ------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self._set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self._set_zoom(self._zoom - 1)

    def zoom_reset(self) -> None:
        self._set_zoom(0)

    def zoom_level(self) -> int:
        return self._zoom

    def _set_zoom(self, steps: int) -> None:
        steps = max(ZOOM_STEPS[0], min(steps, ZOOM_STEPS[1]))
        if steps == self._zoom:
            return
        top = self.position_at(QPoint(self.viewport().width() // 2, 1))
        self._zoom = steps
        self._apply_font()
        self.scroll_to(top)

    def _apply_font(self) -> None:
        self.setFont(arabic_font(DEFAULT_POINT_SIZE * ZOOM_FACTOR ** self._zoom))

    def _apply_text_option(self) -> None:
        # Every paragraph right to left, right-aligned. AlignAbsolute: without it Qt reads
        # "right" relative to the direction and may put the text on the left.
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(option)

    # -- geometry (code points <-> viewport) -----------------------------------------------
    def position_at(self, point: QPoint) -> int:
        return self._map.qt_to_cp(self.cursorForPosition(point).position())

    def rect_for(self, offset: int) -> QRect:
        """Viewport rectangle of the character at offset (a caret-wide box for a newline or the
        end of the text)."""
        q = self._map.cp_to_qt(offset)
        rects = self._span_rects(q, self._map.cp_to_qt(offset + 1))
        if not rects:
            cursor = QTextCursor(self.document())
            cursor.setPosition(q)
            return self.cursorRect(cursor)
        box = rects[0]
        for r in rects[1:]:
            box = box.united(r)
        return box.toAlignedRect()

    def _span_rects(self, qt_start: int, qt_end: int,
                    origins: dict[int, QPointF] | None = None) -> list[QRectF]:
        """Viewport rectangles covering Qt positions [qt_start, qt_end): one per visual run per
        line (a Latin word inside an Arabic span is its own run). `origins`: the viewport
        origins of the blocks on screen by block number, found once per paint."""
        rects: list[QRectF] = []
        for number, block_rects in self._span_geometry(qt_start, qt_end):
            origin = origins.get(number) if origins is not None else None
            if origin is None:
                block = self.document().findBlockByNumber(number)
                origin = self.blockBoundingGeometry(block).translated(
                    self.contentOffset()).topLeft()
            rects.extend(rect.translated(origin) for rect in block_rects)
        return rects

    def _span_geometry(self, qt_start: int, qt_end: int) -> list[tuple[int, list[QRectF]]]:
        """(block number, rectangles relative to the block's origin) covering [qt_start, qt_end).
        They depend on the layout only, not on the scroll position or the layers, so they are
        kept until the layout changes: a repaint after a label key redraws from this cache."""
        key = (qt_start, qt_end)
        geometry = self._span_geometries.get(key)
        if geometry is not None:
            return geometry
        geometry = []
        block = self.document().findBlock(qt_start) if qt_end > qt_start else QTextBlock()
        while block.isValid() and block.position() < qt_end:
            self.blockBoundingRect(block)  # lays the block out if it was not yet
            layout = block.layout()
            if block.isVisible() and layout is not None and layout.lineCount():
                base = block.position()
                rel_start = max(qt_start - base, 0)
                rel_end = min(qt_end - base, block.length() - 1)
                geometry.append((block.blockNumber(), [
                    rect for i in range(layout.lineCount())
                    for rect in _line_rects(layout.lineAt(i), _BLOCK_ORIGIN, rel_start, rel_end)]))
            block = block.next()
        self._span_geometries[key] = geometry
        return geometry

    def _forget_geometry(self, *_) -> None:
        # The document layout announces every relayout (new text, width, font) with update().
        self._span_geometries.clear()

    def _visible_blocks(self) -> list[tuple[QTextBlock, QRectF]]:
        """The blocks on screen, top to bottom, with their viewport geometry (laid out)."""
        blocks = []
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            blocks.append((block, geometry))
            block = block.next()
        return blocks

    @staticmethod
    def _visible_lines(blocks: list[tuple[QTextBlock, QRectF]]):
        """(line, origin, Qt position of its first character, of its end, of its end including
        the block's newline) for every line of the blocks on screen."""
        for block, geometry in blocks:
            layout = block.layout()
            if block.isVisible() and layout is not None:
                base = block.position()
                count = layout.lineCount()
                for i in range(count):
                    line = layout.lineAt(i)
                    start = base + line.textStart()
                    end = start + line.textLength()
                    with_newline = end + 1 if i == count - 1 and block.next().isValid() else end
                    yield line, geometry.topLeft(), start, end, with_newline

    def _x_at(self, q: int, origins: dict[int, QPointF]) -> QRectF | None:
        """A zero-width rectangle (full line height) at the caret position q, in the viewport."""
        block = self.document().findBlock(q)
        if not block.isValid():
            return None
        origin = origins.get(block.blockNumber())
        if origin is None:
            origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        layout = block.layout()
        if layout is None or not layout.lineCount():
            return None
        rel = q - block.position()
        line = layout.lineForTextPosition(rel)
        if not line.isValid():
            return None
        x = line.cursorToX(rel)[0]
        return QRectF(x, line.y(), 0, line.height()).translated(origin)

    def _visible_range(self, blocks: list[tuple[QTextBlock, QRectF]]) -> tuple[int, int]:
        """Qt positions of the first and past the last character on screen."""
        if not blocks:
            return 0, 0
        start = end = blocks[0][0].position()
        bottom = self.viewport().height()
        for block, geometry in blocks:
            end = block.position() + block.length()
            if geometry.bottom() >= bottom:
                break
        return start, end

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        self._tips = []
        blocks = self._visible_blocks()
        origins = {block.blockNumber(): geometry.topLeft() for block, geometry in blocks}
        # Zone backgrounds first: QPlainTextEdit paints the text over them.
        painter = QPainter(self.viewport())
        self._paint_zones(painter, blocks)
        painter.end()
        super().paintEvent(event)
        first, last = self._visible_range(blocks)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_suggested_zones(painter, first, last, origins)
        self._paint_boundaries(painter, first, last, origins)
        exposed = QRectF(event.rect())
        self._paint_marks(painter, self._marks, first, last, origins, exposed, dashed=False)
        self._paint_marks(painter, self._suggested_marks, first, last, origins, exposed,
                          dashed=True)
        self._paint_invisible(painter, first, last, origins)
        painter.end()

    def _paint_zones(self, painter: QPainter, blocks: list[tuple[QTextBlock, QRectF]]) -> None:
        """Each line gets the color of the zone its end belongs to across the whole width (so
        blank lines and margins show their zone too); zones that end inside the line are painted
        over their own glyphs (a boundary in glued text such as وكالاتالمصدر)."""
        if not self._zones:
            return
        width = self.viewport().width()
        page = self.palette().color(QPalette.ColorRole.Base)
        starts = self._zone_starts
        for line, origin, start, end, with_newline in self._visible_lines(blocks):
            if with_newline == start:
                continue
            last = bisect_right(starts, with_newline - 1) - 1
            band = QRectF(0, origin.y() + line.y(), width, line.height())
            zone = self._zones[last]
            if zone.color is not None:
                painter.fillRect(band, zone.color)
            self._tips.append((band, zone.tip))
            # A ruler along the line starts: the zone's color, or red hatching for unlabeled text.
            stripe = QRectF(width - STRIPE_WIDTH, band.top(), STRIPE_WIDTH, band.height())
            if zone.color is None:
                painter.fillRect(stripe, QBrush(UNLABELED_COLOR, Qt.BrushStyle.BDiagPattern))
            else:
                painter.fillRect(stripe, zone.color.darker(125))
            for zone in self._zones[max(bisect_right(starts, start) - 1, 0):last]:
                base = start - line.textStart()
                for rect in _line_rects(line, origin, zone.qt_start - base, zone.qt_end - base):
                    painter.fillRect(rect, zone.color if zone.color is not None else page)
                    self._tips.append((rect, zone.tip))

    @staticmethod
    def _on_screen(marks: list[_Mark], first: int, last: int):
        # marks are sorted by start: stop at the first one that starts below the screen.
        for mark in marks:
            if mark.qt_start >= last:
                return
            if mark.qt_end > first:
                yield mark

    def _paint_marks(self, painter: QPainter, marks: list[_Mark], first: int, last: int,
                     origins: dict[int, QPointF], exposed: QRectF, dashed: bool) -> None:
        tips = self._tips
        names = self.label_names and not dashed
        for mark in self._on_screen(marks, first, last):
            fill, underline = self._mark_style(mark.color, dashed)
            rects = self._span_rects(max(mark.qt_start, first), min(mark.qt_end, last), origins)
            for rect in rects:
                tips.append((rect, mark.tip))
                # Marks are the costly part of a paint; Qt would clip away those outside the
                # exposed area (a caret blink repaints a few pixels) after drawing them.
                if not rect.adjusted(-2, -2, 2, 2).intersects(exposed):
                    continue
                # A tint and an underline, never a frame: a frame's sides would cut through
                # the joined letters of an Arabic word when a span ends inside it.
                if fill is not None:
                    painter.fillRect(rect.adjusted(0, 1, 0, -1), fill)
                # The underline separates overlapping entities: one row per level.
                y = rect.bottom() - 1.5 - 3.5 * mark.level
                painter.setPen(underline)
                painter.drawLine(QLineF(rect.left() + 1, y, rect.right() - 1, y))
            if names and rects and mark.qt_end <= last:
                self._paint_name(painter, mark, rects[-1])

    def _paint_name(self, painter: QPainter, mark: _Mark, rect: QRectF) -> None:
        """The label's short name in a small tag in the top corner of the span's end (its left
        edge in right-to-left text), inside the span so it never covers a neighbouring word;
        the label then reads without telling colours apart."""
        font = painter.font()
        small = self.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.42))
        small.setBold(True)
        painter.setFont(small)
        width = painter.fontMetrics().horizontalAdvance(mark.name) + 4
        height = painter.fontMetrics().height()
        tag = QRectF(rect.left(), rect.top(), min(width, rect.width()), height)
        painter.fillRect(tag, mark.color)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, mark.name)
        painter.setFont(font)

    def _mark_style(self, color: QColor, dashed: bool) -> tuple[QColor | None, QPen]:
        """Fill (None for a suggestion) and underline pen of a mark in this color (dashed for a
        suggestion); made once per color rather than on every paint."""
        key = (color.rgba(), dashed)
        style = self._mark_styles.get(key)
        if style is None:
            if dashed:
                style = (None, QPen(color, 1.8, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
            else:
                fill = QColor(color)
                fill.setAlpha(40)
                style = (fill, QPen(color, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            self._mark_styles[key] = style
        return style

    def _paint_boundaries(self, painter: QPainter, first: int, last: int,
                          origins: dict[int, QPointF]) -> None:
        painter.setPen(QPen(BOUNDARY_COLOR, 2))
        lo = bisect_left(self._boundaries, first)
        for q in self._boundaries[lo:]:
            if q > last:
                break
            rect = self._x_at(q, origins)
            if rect is not None:
                painter.drawLine(rect.topLeft(), rect.bottomLeft())

    def _paint_suggested_zones(self, painter: QPainter, first: int, last: int,
                               origins: dict[int, QPointF]) -> None:
        """A suggested zone: a dashed bar in its colour in the margin beside its lines (inside
        the zone ruler), never lines across the text."""
        x = self.viewport().width() - STRIPE_WIDTH - 4
        for mark in self._on_screen(self._suggested_zones, first, last):
            painter.setPen(QPen(mark.color, 3, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
            for rect in self._span_rects(max(mark.qt_start, first), min(mark.qt_end, last),
                                         origins):
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
                self._tips.append((QRectF(x - 3, rect.top(), 6, rect.height()), mark.tip))

    def _paint_invisible(self, painter: QPainter, first: int, last: int,
                         origins: dict[int, QPointF]) -> None:
        lo = bisect_left(self._invisible, first)
        painter.setPen(Qt.PenStyle.NoPen)
        for q in self._invisible[lo:]:
            if q >= last:
                break
            rect = self._x_at(q, origins)
            if rect is None:
                continue
            ch = self._text[self._map.qt_to_cp(q)]
            color = BIDI_MARKER_COLOR if ch in BIDI_CONTROLS else ZERO_WIDTH_MARKER_COLOR
            painter.setBrush(color)
            x, top, h = rect.left(), rect.top(), rect.height()
            # A thin bar with a cap, where the zero-width character sits.
            painter.drawRect(QRectF(x - 1, top + 3, 2, h - 6))
            painter.drawRect(QRectF(x - 4, top + 2, 8, 4))
            self._tips.append((QRectF(x - 4, top, 8, h), _char_name(ch)))

    # -- events ----------------------------------------------------------------------------
    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = QPointF(event.pos())
            tips = [text for rect, text in self._tips if rect.contains(pos)]
            if tips:
                QToolTip.showText(event.globalPos(), "\n".join(dict.fromkeys(tips)),
                                  self.viewport())
                return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:
        # A press inside the selection would start dragging the text out; a labeler means to
        # start a new selection there.
        if (event.button() == Qt.MouseButton.LeftButton
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                and self.textCursor().hasSelection()):
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)
