"""The article view with real widgets, offscreen: exact code-point selections (also by mouse drag,
with emoji and tashkeel around), right-to-left geometry, plain text, invisible characters,
zones/entities painted where they belong."""
import unicodedata

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics, QRawFont

from annotator import SEEDS
from annotator.core.model import Entity, Layer, Zone
from annotator.core.schema import Schema
from annotator.core.text import decode_bytes, normalize_newlines
from annotator.gui.article_view import BIDI_MARKER_COLOR, HIGHLIGHT_COLOR, ArticleView
from annotator.gui.fonts import arabic_font, load_fonts

SCHEMA = Schema.default()
WORD = "المختطَفين"  # tashkeel inside
TEXT = f"قال 😀 🇵🇸 {WORD} 😀 هنا\nسطر ثانٍ فيه Hello World و2024 https://example.com/a?b=1 نهاية"


@pytest.fixture
def view(qtbot):
    widget = ArticleView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.set_document(TEXT, SCHEMA)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def span_of(word, text=TEXT, start=0):
    i = text.index(word, start)
    return i, i + len(word)


def word_box(view, start, end):
    """Left, right and vertical center of a one-line Arabic word on screen, from rect_for."""
    rects = [view.rect_for(i) for i in range(start, end)]
    return (min(r.left() for r in rects), max(r.right() for r in rects), rects[0].center().y())


def drag(qtbot, view, from_point, to_point):
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=from_point)
    # Move in steps, as a hand does; QTest keeps the button held.
    for k in range(1, 5):
        p = from_point + (to_point - from_point) * (k / 4)
        qtbot.mouseMove(viewport, p)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=to_point)


def test_object_name_and_plain_read_only(view):
    assert view.objectName() == "articleView"
    assert view.isReadOnly()
    assert view.toPlainText() == TEXT


def test_html_is_shown_literally(view):
    text = "قال <b>عاجل</b> &amp; <img src=x> <script>alert(1)</script> &lt;p&gt;"
    view.set_document(text, SCHEMA)
    assert view.toPlainText() == text
    assert view.document().characterCount() - 1 == len(text)
    # Nothing was turned into an image or bold text.
    assert "<img" in view.document().toPlainText()


def test_invisible_controls_do_not_change_length(view):
    controls = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" \
               "\u200b\u200c\u200d\u2060\ufeff"
    text = "أ" + "ب".join(controls) + " 😀 🇵🇸 نهاية"
    view.set_document(text, SCHEMA)
    assert view.document().characterCount() - 1 == len(text.encode("utf-16-le")) // 2
    assert view.toPlainText() == text
    end = text.index("نهاية")
    view.set_selection(end, len(text))
    assert view.selection() == (end, len(text))
    assert view.textCursor().selectedText() == "نهاية"


def test_set_selection_round_trip_with_emoji_and_tashkeel(view):
    s, e = span_of(WORD)
    view.set_selection(s, e)
    assert view.selection() == (s, e)
    assert view.textCursor().selectedText() == WORD
    # Backwards (anchor after position): still start <= end.
    view.set_selection(e, s)
    assert view.selection() == (s, e)
    # A span after the second emoji and across the newline.
    a, _ = span_of("هنا")
    _, b = span_of("ثانٍ")
    view.set_selection(a, b)
    assert view.selection() == (a, b)
    assert view.textCursor().selectedText().replace("\u2029", "\n") == TEXT[a:b]
    view.set_caret(b)
    assert view.caret() == b
    assert view.selection() == (b, b)


def test_selection_changed_signal_in_code_points(view, qtbot):
    s, e = span_of("هنا")
    with qtbot.waitSignal(view.selection_changed) as blocker:
        view.set_selection(s, e)
    assert blocker.args == [s, e]


@pytest.mark.parametrize("word", [WORD, "هنا", "ثانٍ"])
@pytest.mark.parametrize("direction", ["right_to_left", "left_to_right"])
def test_mouse_drag_selects_exact_code_points(view, qtbot, word, direction):
    s, e = span_of(word)
    left, right, y = word_box(view, s, e)
    start_point, end_point = QPoint(right - 1, y), QPoint(left + 1, y)
    if direction == "left_to_right":
        start_point, end_point = end_point, start_point
    received = []
    view.selection_changed.connect(lambda a, b: received.append((a, b)))
    drag(qtbot, view, start_point, end_point)
    assert view.selection() == (s, e)
    assert TEXT[slice(*view.selection())] == word
    assert received[-1] == (s, e)


def test_new_drag_inside_a_selection_starts_a_new_selection(view, qtbot):
    view.set_selection(0, len(TEXT))
    s, e = span_of("هنا")
    left, right, y = word_box(view, s, e)
    drag(qtbot, view, QPoint(right - 1, y), QPoint(left + 1, y))
    assert view.selection() == (s, e)


def test_position_at_and_rect_for_agree(view):
    checked = 0
    for i in list(range(0, 20)) + [TEXT.index("هنا") + 1]:
        rect = view.rect_for(i)
        assert rect.width() > 0 and rect.height() > 0
        # The right half of a right-to-left letter is its start, the left half its end (after
        # its tashkeel: a letter and its marks are one cluster). Some cursive Amiri forms are
        # only 2-3 px wide; a pixel cannot tell their halves apart.
        if unicodedata.bidirectional(TEXT[i]) in ("R", "AL") and rect.width() >= 6:
            checked += 1
            end = i + 1
            while unicodedata.combining(TEXT[end]):
                end += 1
            assert view.position_at(QPoint(rect.right() - 1, rect.center().y())) == i
            assert view.position_at(QPoint(rect.left() + 1, rect.center().y())) == end
    assert checked >= 8


def test_right_to_left_geometry(view):
    first_line_end = TEXT.index("\n")
    first, last = view.rect_for(0), view.rect_for(first_line_end - 1)
    assert first.center().y() == last.center().y()
    assert first.x() > last.x()
    # Right-aligned: the first character is near the right edge of the viewport.
    assert view.viewport().width() - first.right() < 40


def test_latin_words_digits_and_urls_keep_their_order(view):
    hello, world = TEXT.index("Hello"), TEXT.index("World")
    url = TEXT.index("https")
    before, after = TEXT.index("فيه"), TEXT.index("نهاية")
    assert view.rect_for(hello).x() < view.rect_for(world).x()
    # Inside the right-to-left line the Latin run sits left of the Arabic word before it.
    assert view.rect_for(world).x() < view.rect_for(before).x()
    digits = TEXT.index("2024")
    assert view.rect_for(digits).x() < view.rect_for(digits + 3).x()
    # The URL reads left to right, and the Arabic word after it is further left.
    assert view.rect_for(url).x() < view.rect_for(url + 10).x()
    assert view.rect_for(after).x() < view.rect_for(url).x()


def test_text_direction_survives_zoom(view):
    view.zoom_in()
    view.zoom_in()
    assert view.font().pointSizeF() > arabic_font().pointSizeF()
    assert view.rect_for(0).x() > view.rect_for(2).x()
    view.zoom_out()
    view.zoom_reset()
    assert view.font().pointSizeF() == pytest.approx(arabic_font().pointSizeF())
    assert view.zoom_level() == 0
    view.zoom_in()
    view.set_document(TEXT, SCHEMA)
    assert view.zoom_level() == 0


def test_scroll_to_brings_an_offset_into_view(view):
    text = "\n".join(f"سطر رقم {n} من المقال 😀" for n in range(2000))
    view.set_document(text, SCHEMA)
    target = text.index("سطر رقم 1500 ")
    view.scroll_to(target)
    rect = view.rect_for(target)
    assert view.viewport().rect().contains(rect.center())
    assert view.position_at(QPoint(rect.right() - 1, rect.center().y())) == target
    assert view.selection() == (0, 0)  # scrolling leaves the caret alone


def pixel(view, point):
    return view.viewport().grab().toImage().pixelColor(point)


def close(c1: QColor, c2: QColor, tolerance=24):
    return all(abs(a - b) <= tolerance for a, b in
               ((c1.red(), c2.red()), (c1.green(), c2.green()), (c1.blue(), c2.blue())))


def colors_in_column(image, x, top, bottom):
    return [image.pixelColor(x, y) for y in range(top, bottom)]


def test_zones_entities_and_highlights_are_painted_in_place(view):
    first_line_end = TEXT.index("\n")
    body = QColor(SCHEMA.label("zone", "body").color)
    per = QColor(SCHEMA.label("entity", "PER").color)
    loc = QColor(SCHEMA.label("entity", "LOC").color)
    s, e = span_of(WORD)
    layer = Layer((Zone(0, first_line_end + 1, "body"), Zone(first_line_end + 1, len(TEXT), "none")),
                  (Entity(s, e, "PER"), Entity(s + 2, e, "LOC")))
    view.set_layer(layer)
    a, b = span_of("ثانٍ")
    view.set_highlights([(a, b)])
    image = view.viewport().grab().toImage()
    # A gap between words in the body zone shows the zone color; the unlabeled line is white.
    space = view.rect_for(TEXT.index(" هنا"))
    assert close(image.pixelColor(space.center()), body)
    second = view.rect_for(TEXT.index("Hello") - 1)
    assert close(image.pixelColor(second.center()), QColor("white"), 4)
    hit = view.rect_for(a)
    assert any(close(c, HIGHLIGHT_COLOR) for c in colors_in_column(image, hit.center().x(),
                                                                    hit.top(), hit.bottom()))
    # Overlap: the outer PER and the nested LOC both draw their underline, on different rows.
    x = view.rect_for(s + 5).center().x()
    column = colors_in_column(image, x, view.rect_for(s + 5).top(), view.rect_for(s + 5).bottom())
    per_rows = [y for y, c in enumerate(column) if close(c, per, 30)]
    loc_rows = [y for y, c in enumerate(column) if close(c, loc, 30)]
    assert per_rows and loc_rows
    assert max(per_rows) > max(loc_rows)  # the outer one's underline is the lower one
    # Only the PER covers the first two letters.
    x = view.rect_for(s).center().x()
    column = colors_in_column(image, x, view.rect_for(s).top(), view.rect_for(s).bottom())
    assert any(close(c, per, 30) for c in column)
    assert not any(close(c, loc, 30) for c in column)


def test_suggestions_are_drawn_dashed_and_cleared(view):
    org = QColor(SCHEMA.label("entity", "ORG").color)
    s, e = span_of("هنا")
    view.set_suggestions(Layer(Layer.empty(len(TEXT)).zones, (Entity(s, e, "ORG"),)))
    rect = view.rect_for(s)
    box = view.rect_for(s).united(view.rect_for(e - 1))
    image = view.viewport().grab().toImage()

    def row(y):
        return [close(image.pixelColor(x, y), org, 40) for x in range(box.left(), box.right())]
    underline = [row(y) for y in range(box.bottom() - 4, box.bottom() + 1)]
    assert any(any(r) and not all(r) for r in underline)  # dashes under the word: colour, gaps
    # No frame: nothing at the top, no sides through the joined letters.
    assert not any(row(box.top() + 1))
    for x in (box.left(), box.right()):
        assert not any(close(image.pixelColor(x, y), org, 40)
                       for y in range(box.top() + 2, box.bottom() - 5))
    view.set_suggestions(None)
    image = view.viewport().grab().toImage()
    assert not any(any(row(y)) for y in range(box.bottom() - 4, box.bottom() + 1))
    view.set_suggestions(Layer(Layer.empty(len(TEXT)).zones, (Entity(s, e, "ORG"),)))
    view.set_suggestions_hidden(True)                      # the "hide suggestions" toggle
    image = view.viewport().grab().toImage()
    assert not any(any(row(y)) for y in range(box.bottom() - 4, box.bottom() + 1))
    view.set_suggestions_hidden(False)
    image = view.viewport().grab().toImage()
    assert any(any(row(y)) for y in range(box.bottom() - 4, box.bottom() + 1))


def test_invisible_characters_get_a_marker(view):
    text = "قال\u200fجالانت \u202bنص\u202c"
    view.set_document(text, SCHEMA)
    image = view.viewport().grab().toImage()
    rect = view.rect_for(text.index("\u200f"))
    area = [image.pixelColor(x, y) for x in range(rect.left() - 4, rect.left() + 5)
            for y in range(rect.top(), rect.bottom())]
    assert any(close(c, BIDI_MARKER_COLOR, 30) for c in area)


def test_render_a_seed_article(view, tmp_path):
    path = sorted(SEEDS.glob("*.txt"))[0]
    text = decode_bytes(path.read_bytes()).text
    view.set_document(text, SCHEMA)
    src = text.index("المصدر")
    view.set_layer(Layer((Zone(0, src, "body"), Zone(src, src + 20, "source"),
                          Zone(src + 20, len(text), "boilerplate")),
                         (Entity(*span_of("يوآف جالانت", text), "PER"),
                          Entity(*span_of("قطاع غزة", text), "LOC"))))
    out = tmp_path / "view.png"
    assert view.grab().save(str(out))
    assert out.stat().st_size > 10_000


def test_bundled_font_has_every_arabic_character_of_the_seeds(qapp):
    assert "Amiri" in load_fonts()
    font = arabic_font()
    raw = QRawFont.fromFont(font)
    assert raw.familyName() == "Amiri"
    metrics = QFontMetrics(font)
    chars = set()
    for path in SEEDS.glob("*.txt"):
        chars |= {ch for ch in decode_bytes(path.read_bytes()).text if "\u0600" <= ch <= "\u06ff"
                  or "\ufb50" <= ch <= "\ufeff" and ch != "\ufeff"}
    assert len(chars) > 30
    missing = sorted(f"U+{ord(ch):04X}" for ch in chars
                     if not raw.supportsCharacter(ord(ch)) or not metrics.inFontUcs4(ord(ch)))
    assert missing == []


def test_crlf_source_offsets(view, qtbot):
    raw = "سطر أول 😀\r\nقال المختطَفين 🇵🇸\r\n"
    text = normalize_newlines(raw)
    view.set_document(text, SCHEMA)
    s, e = span_of(WORD, text)
    left, right, y = word_box(view, s, e)
    drag(qtbot, view, QPoint(right - 1, y), QPoint(left + 1, y))
    assert view.textCursor().selectedText() == WORD
    assert view.selection() == (s, e)
    assert raw.replace("\r\n", "\n")[s:e] == WORD


def test_empty_and_blank_documents(view):
    for text in ("", "\n", "\n\n😀"):
        view.set_document(text, SCHEMA)
        view.set_layer(Layer.empty(len(text)))
        view.repaint()
        assert view.selection() == (0, 0)
        view.set_caret(len(text))
        assert view.caret() == len(text)


def test_rect_for_far_below_the_screen_is_laid_out(view):
    text = "\n".join(f"سطر {n} 😀 كلمة" for n in range(3000))
    view.set_document(text, SCHEMA)
    target = text.index("سطر 2500 ")
    below = view.rect_for(target)
    assert below.width() > 0 and below.top() > view.viewport().height()


def test_tooltip_names_entities_and_invisible_characters(view, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    text = "قال يوآف جالانت\u200f اليوم"
    view.set_document(text, SCHEMA)
    s, e = span_of("جالانت", text)
    view.set_layer(Layer(Layer.empty(len(text)).zones, (Entity(s, e, "PER"),)))
    view.repaint()

    def tip_at(point):
        QToolTip.hideText()
        event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
        QApplication.sendEvent(view.viewport(), event)
        return QToolTip.text()

    assert "PER" in tip_at(view.rect_for(s + 2).center())
    mark = view.rect_for(text.index("\u200f"))
    assert "RIGHT-TO-LEFT MARK" in tip_at(QPoint(mark.left(), mark.center().y()))


def test_suggestion_tooltip_in_the_interface_language(view, qtbot):
    """A suggestion's tooltip begins with "اقتراح:" in Arabic (it said "suggestion:")."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from annotator.gui import i18n

    text = "قال يوآف جالانت اليوم"
    s, e = span_of("جالانت", text)
    view.set_document(text, SCHEMA)
    try:
        for lang, said in (("ar", "اقتراح:"), ("en", "suggestion:")):
            i18n.set_language(lang)
            view.set_suggestions(Layer(Layer.empty(len(text)).zones, (Entity(s, e, "PER"),)))
            view.repaint()
            QToolTip.hideText()
            point = view.rect_for(s + 2).center()
            QApplication.sendEvent(view.viewport(), QHelpEvent(
                QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
            assert QToolTip.text().startswith(said), QToolTip.text()
    finally:
        i18n.set_language("en")


def caret_box(view, offset):
    """Qt's own caret rectangle at a code point (independent of the view's geometry cache)."""
    cursor = view.textCursor()
    cursor.setPosition(len(view.text()[:offset].encode("utf-16-le")) // 2)
    return view.cursorRect(cursor)


def test_geometry_follows_relayout_scroll_and_new_documents(view, qtbot):
    """Frame geometry is cached between paints; it must follow every relayout."""
    text = decode_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes()).text
    view.set_document(text, SCHEMA)
    late = text.index(" ", len(text) // 3) + 1
    view.set_layer(Layer(Layer.empty(len(text)).zones, (Entity(late, late + 3, "PER"),)))

    def agrees():
        view.repaint()
        rect, caret = view.rect_for(late), caret_box(view, late)
        assert abs(rect.center().y() - caret.center().y()) <= 2
        assert abs(rect.right() - caret.center().x()) <= 3  # right to left: it starts on the right

    agrees()
    view.resize(420, 500)   # rewrap: the word moves to another line
    agrees()
    view.zoom_in()
    view.zoom_in()
    agrees()
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 3)
    agrees()
    view.zoom_reset()
    view.resize(900, 500)
    # Another article: the same block numbers and positions now hold other text.
    other = "سطر قصير\n" + text
    view.set_document(other, SCHEMA)
    late = other.index(" ", len(other) // 3) + 1
    agrees()


def test_partial_repaint_matches_full_paint(view):
    """A repaint of part of the page (a caret blink, a changed frame) draws what a full paint
    draws there, with frames and suggestions crossing its edges."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter, QRegion

    s, e = span_of(WORD)
    h, _ = span_of("هنا")
    view.set_layer(Layer(Layer.empty(len(TEXT)).zones,
                         (Entity(s, e, "PER"), Entity(s + 2, e, "LOC"), Entity(h, h + 3, "ORG"))))
    view.set_suggestions(Layer(Layer.empty(len(TEXT)).zones, (Entity(s, h + 3, "MISC"),)))
    viewport = view.viewport()
    full = viewport.grab().toImage()
    word = view.rect_for(s + 3)
    for part in (QRect(word.center().x() - 3, word.top() - 5, 6, 12),
                 QRect(0, word.top(), viewport.width(), word.height() // 2),
                 QRect(word.left() - 20, word.center().y(), 200, 40)):
        image = full.copy()
        painter = QPainter(image)
        painter.fillRect(part, QColor("magenta"))
        painter.end()
        viewport.render(image, part.topLeft(), QRegion(part))
        assert image == full, part


def test_emoji_draw_with_the_bundled_emoji_font(qapp):
    """Emoji come from the bundled monochrome Noto Emoji (right after Amiri), never a box, and
    the same with or without a colour emoji font on the machine."""
    from PySide6.QtGui import QFontDatabase, QTextLayout

    assert "Noto Emoji" in load_fonts()
    layout = QTextLayout("قال 😀 🇵🇸", arabic_font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = [run for run in layout.glyphRuns() if run.rawFont().familyName() != "Amiri"]
    # Ours, or a colour emoji font the machine prefers (Qt picks one for emoji when present).
    assert runs and all("Emoji" in run.rawFont().familyName() for run in runs)
    for run in runs:
        assert 0 not in run.glyphIndexes()              # glyph 0 is the "missing" box
    if not any("Color Emoji" in family for family in QFontDatabase.families()):
        assert {run.rawFont().familyName() for run in runs} == {"Noto Emoji"}
