"""Mixed-direction strings keep their order on screen: laid out by Qt (QTextLayout, as labels
and list items are) in the interface's direction, each piece lands where it is read."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption

from annotator.core import adjudication as adj
from annotator.core.model import Entity
from annotator.core.schema import Schema
from annotator.gui import i18n, review_text


def _x(line_text: str, index: int, rtl: bool) -> float:
    """Where character `index` of a one-line string is drawn (its left edge, in pixels)."""
    layout = QTextLayout(line_text, QFont())
    option = QTextOption()
    option.setTextDirection(Qt.RightToLeft if rtl else Qt.LeftToRight)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return min(line.cursorToX(index)[0], line.cursorToX(index + 1)[0])


def _reads_in_order(line_text: str, pieces: list[str], rtl: bool) -> bool:
    """The pieces appear in reading order: left to right in English, right to left in Arabic."""
    xs = [_x(line_text, line_text.index(p), rtl) for p in pieces]
    return xs == (sorted(xs, reverse=True) if rtl else sorted(xs))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_review_lines_keep_their_order(qapp, lang):
    i18n.set_language(lang)
    try:
        schema = Schema.default()
        text = "قال وزير في واشنطن إن حماس"
        start = text.index("واشنطن")
        where = Entity(start, start + 6, "LOC")
        unit = adj.Unit(adj.ENTITY, start, start + 6,
                        (("b", (where,)), ("a", (Entity(start, start + 6, "ORG"),))),
                        f"entity:{start}-{start + 6}")
        first, second = review_text.unit_item(schema, text, unit, ["a", "b"], False).split("\n")
        rtl = lang == "ar"
        location = i18n.label_text(schema.label("entity", "LOC"))
        organization = i18n.label_text(schema.label("entity", "ORG"))
        assert (location, organization) != ("LOC", "ORG") or lang == "en"
        # "2 b: LOC «واشنطن» | 1 a: ORG": numbers, names, labels and «» in reading order.
        assert _reads_in_order(second, ["2", location, "«", "»", "|", "1", organization],
                               rtl), second
        assert _reads_in_order(first, ["«", "»"], rtl), first
        # Offsets read low–high in both interfaces.
        zone = adj.Unit(adj.ZONE, 4, 12, (("a", ()), ("b", ())), "zone:4")
        title = review_text.unit_title(text, zone)
        assert _x(title, title.index("4"), False) < _x(title, title.index("12"), False)
    finally:
        i18n.set_language("en")


def test_shortcut_and_path_stay_in_order_in_arabic(qapp):
    i18n.set_language("ar")
    try:
        shortcut = f"اضغط {i18n.ltr('Ctrl++')} للتكبير"
        assert _reads_in_order(shortcut, ["اضغط", "Ctrl", "للتكبير"], True)
        line = shortcut
        assert _x(line, line.index("C"), True) < _x(line, line.index("+"), True)
        path = f"كُتب الذهبي في {i18n.ltr('/tmp/x/proj.gold.jsonl')} (3 مستندات)"
        assert _x(path, path.index("/tmp"), True) < _x(path, path.index("jsonl"), True)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("keys", ["Ctrl++", "Ctrl+,", "Alt+Shift+Left"])
def test_menu_keys_read_left_to_right_in_arabic(qapp, keys):
    """A menu's key column in the Arabic window reads as in English: its pixels are those of
    the keys isolated left to right, and differ from the keys laid out right to left (which
    showed "++Ctrl", ",+Ctrl", and the Arabic name of Left first)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMenu

    from annotator.gui.window_base import WindowBase

    i18n.set_language("ar")
    window = WindowBase()
    try:
        shown_text = QKeySequence(keys).toString(QKeySequence.NativeText)

        def grab(menu, text, shortcut=None):
            action = QAction(text, menu)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            menu.addAction(action)
            menu.popup(QPoint(0, 0))
            qapp.processEvents()
            image = menu.grab().toImage()
            menu.hide()
            return image

        shown = grab(window.menu_for("view"), "تكبير", keys)
        isolated = grab(QMenu(), f"تكبير\t{i18n.ltr(shown_text)}")
        mirrored = grab(QMenu(), f"تكبير\t{shown_text}")
        assert mirrored != isolated
        assert shown == isolated
    finally:
        window.deleteLater()
        i18n.set_language("en")


def test_file_dialogs_follow_the_arabic_interface(qapp, tmp_path):
    from PySide6.QtWidgets import QAbstractItemView, QFileDialog

    from annotator.gui.file_dialogs import file_dialog

    (tmp_path / "proj.gold.jsonl").write_text("{}\n", encoding="utf-8")
    i18n.set_language("ar")
    try:
        dialog = file_dialog(None, "تصدير", str(tmp_path / "x.jsonl"), "JSON Lines (*.jsonl)",
                             save=True)
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        assert dialog.layoutDirection() == Qt.RightToLeft
        for label in (QFileDialog.DialogLabel.LookIn, QFileDialog.DialogLabel.FileType,
                      QFileDialog.DialogLabel.FileName):
            assert any("\u0600" <= ch <= "\u06ff" for ch in dialog.labelText(label)), label
        views = dialog.findChildren(QAbstractItemView)
        assert views and all(v.layoutDirection() == Qt.LeftToRight for v in views)
        dialog.deleteLater()
    finally:
        i18n.set_language("en")


def test_file_dialog_paths_read_left_to_right_in_the_arabic_interface(qapp, tmp_path):
    """The "Look in" box shows /…/مشاريع/عربي as a path, not mirrored to عربي/مشاريع/…/:
    its pixels are those of the path isolated left to right (LRI … PDI), and differ from the
    path painted in the application's right-to-left direction."""
    from PySide6.QtWidgets import QApplication, QComboBox

    from annotator.gui.file_dialogs import LRI, PDI, file_dialog

    folder = tmp_path / "مشاريع" / "عربي"
    folder.mkdir(parents=True)
    i18n.set_language("ar")
    try:
        dialog = file_dialog(None, "فتح", str(folder), "", save=False)
        dialog.show()
        qapp.processEvents()
        combo = next(c for c in dialog.findChildren(QComboBox)
                     if c.currentText() == str(folder))
        shown = combo.grab().toImage()
        combo.setStyle(QApplication.style())  # the label in the application's direction
        mirrored = combo.grab().toImage()
        combo.setItemText(combo.currentIndex(), LRI + str(folder) + PDI)
        assert combo.currentText() == LRI + str(folder) + PDI
        isolated = combo.grab().toImage()
        assert mirrored != isolated
        assert shown == isolated
        dialog.close()
        dialog.deleteLater()
    finally:
        i18n.set_language("en")


def test_counted_nouns_are_grammatical_in_both_languages(qapp):
    """Arabic takes the noun's form from the number (one, two, 3–10, 11–99, and 100, 0 …)."""
    import annotator.gui.assist_panel  # noqa: F401  (their strings)
    import annotator.gui.search_panel  # noqa: F401
    i18n.set_language("ar")
    try:
        assert [i18n.counted(n, "document") for n in (0, 1, 2, 3, 10, 11, 99, 100, 103, 111)] \
            == ["0 مستند", "مستند واحد", "مستندان", "3 مستندات", "10 مستندات", "11 مستندًا",
                "99 مستندًا", "100 مستند", "103 مستندات", "111 مستندًا"]
        assert [i18n.counted(n, "hit") for n in (1, 2, 5, 46)] == [
            "نتيجة واحدة", "نتيجتان", "5 نتائج", "46 نتيجة"]
        assert i18n.tr("search.count", hits=i18n.counted(46, "hit"),
                       docs=i18n.counted(5, "document")) == "46 نتيجة في 5 مستندات"
        # After a preposition the dual is مستندين (it said "في مستندان", "من مستندان").
        assert i18n.tr("search.count", hits=i18n.counted(2, "hit"),
                       docs=i18n.counted(2, "document", after_preposition=True)) \
            == "نتيجتان في مستندين"
        assert [i18n.counted(n, "document", after_preposition=True) for n in (1, 2, 3)] == [
            "مستند واحد", "مستندين", "3 مستندات"]
        # Disagreements and damaged layers were a bare number before a fixed noun form
        # ("من 3 خلاف", "1 طبقات تالفة").
        assert [i18n.counted(n, "disagreement", after_preposition=True)
                for n in (1, 2, 3, 11, 100)] == [
            "خلاف واحد", "خلافين", "3 خلافات", "11 خلافًا", "100 خلاف"]
        # The model's state: "مدرَّب على 5 كيانًا" whatever the number.
        assert [i18n.counted(n, "entity", after_preposition=True) for n in (2, 5, 40, 300)] \
            == ["كيانين", "5 كيانات", "40 كيانًا", "300 كيان"]
        assert i18n.tr("assist.model", n=i18n.counted(5, "entity", after_preposition=True)) \
            == "مدرَّب على 5 كيانات"
        assert [i18n.counted(n, "confirmed_page", after_preposition=True) for n in (1, 6)] \
            == ["صفحة مؤكَّدة واحدة", "6 صفحات مؤكَّدة"]
        assert [i18n.counted(n, "unit") for n in (1, 2, 5, 30)] == [
            "وحدة واحدة", "وحدتان", "5 وحدات", "30 وحدة"]
        assert [i18n.counted(n, "damaged_layer") for n in (1, 2, 4, 12)] == [
            "طبقة تالفة واحدة", "طبقتان تالفتان", "4 طبقات تالفة", "12 طبقة تالفة"]
    finally:
        i18n.set_language("en")
    assert [i18n.counted(n, "document") for n in (0, 1, 2)] == [
        "0 documents", "1 document", "2 documents"]
    assert i18n.tr("search.count", hits=i18n.counted(1, "hit"),
                   docs=i18n.counted(1, "document")) == "1 hit in 1 document"
    assert [i18n.counted(n, "damaged_layer") for n in (1, 2)] == [
        "1 damaged layer", "2 damaged layers"]


def test_key_chords_in_the_arabic_guidelines_read_left_to_right(qapp):
    """"Alt+يسار" in the guidelines' Arabic prose is drawn Alt first from the left, as in the
    menus; laid out right to left with the sentence it read يسار+Alt."""
    from annotator.gui.panels import GuidelinesPanel

    i18n.set_language("ar")
    try:
        panel = GuidelinesPanel()
        block = panel.document().begin()
        chords = 0
        while block.isValid():
            line = block.text()
            for name in ("يسار", "يمين"):
                for chord in (f"Alt+{name}", f"Alt+Shift+{name}"):
                    at = line.find(chord)
                    if at >= 0:
                        chords += 1
                        # The key name's first letter (the right end of the word).
                        name_at = at + len(chord) - len(name)
                        assert _x(line, at, True) < _x(line, name_at, True), chord
            block = block.next()
        assert chords >= 4
        panel.deleteLater()
    finally:
        i18n.set_language("en")


def test_a_negative_figure_keeps_its_minus_sign_in_front_in_arabic(qapp):
    """κ = -0.5 in the Arabic agreement summary reads -0.500 (it showed 0.500-)."""
    from annotator.gui.agreement_panel import _figure

    i18n.set_language("ar")
    try:
        line = i18n.tr("agreement.stance_line", units=i18n.counted(1, "unit"),
                       fleiss=_figure(-0.5), alpha=_figure(0.0))
        minus = line.index("-")
        assert _x(line, minus, True) < _x(line, line.index("5", minus), True)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("name", ["news-2024.db", "أخبار 2024.db"])
def test_window_titles_keep_the_project_and_the_document_in_order(qapp, tmp_path, name):
    """In the Arabic title the file name and the document id each stay whole and in reading
    order between the dashes (a Latin name and a numeric id swapped places with them)."""
    from annotator.core.model import Document
    from annotator.gui import open_window
    from annotator.gui.review import ReviewWindow
    from annotator.store import ImportRecord, Project

    path = tmp_path / name
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("2024-17", "نص الخبر."))]))
    window = open_window(path, "ali")
    i18n.set_language("ar")  # (opening a window sets the language the user chose)
    try:
        title = window.windowTitle()
        assert _reads_in_order(title, ["المُعلِّم", name, "2024-17"], rtl=True), title
        review = ReviewWindow(window.project, "ali")
        assert _reads_in_order(review.windowTitle(), [name], rtl=True)
        assert i18n.isolate(name) in review.windowTitle()
        review.close()
        window.close()
    finally:
        i18n.set_language("en")


def test_legend_rows_are_whole_in_a_small_dock(qtbot, seeded_path):
    """The legend's texts wrap (more in Arabic): squeezed by the docks around it, its rows
    were cut to one line each; they keep their height and the legend scrolls."""
    from annotator.gui import open_window

    window = open_window(seeded_path, "sara")
    qtbot.addWidget(window)
    i18n.set_language("ar")
    try:
        window.resize(1280, 640)  # (a laptop's screen, or a banner above the text)
        legend = window.docks["legend"]
        legend.raise_()
        window.resizeDocks([legend], [300], Qt.Horizontal)  # narrow: its texts wrap
        window.resizeDocks([legend], [220], Qt.Vertical)

        def whole(label):  # every line shown (Qt's grid may round a pixel off the last one)
            return label.height() > label.heightForWidth(label.width()) \
                - label.fontMetrics().height() // 2
        def wraps(label):
            return label.heightForWidth(label.width()) > 1.5 * label.fontMetrics().height()

        def laid_out():  # some rows wrap (or the test shows nothing), and every row is whole
            labels = window.legend_panel.texts  # (made again in Arabic)
            return any(map(wraps, labels)) and all(map(whole, labels))
        qtbot.waitUntil(laid_out, timeout=3000)
    finally:
        i18n.set_language("en")
        window.close()
