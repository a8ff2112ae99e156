"""Corpus at a glance: the figures from the store, and the charts drawn and saved as PNG."""
import time
from collections import Counter

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QImage

from annotator.assist import assist_documents
from annotator.core.model import SUGGESTIONS, Entity, add_entity, remove_entity
from annotator.gui import i18n, open_window
from annotator.gui.charts import STATUS_COLORS, ChartsDialog, CorpusCharts, corpus_figures


pytestmark = pytest.mark.usefixtures("english_ui")


def work(project):
    """Two labelers finish, skip and reopen documents; one accepts and rejects suggestions."""
    ids = project.document_ids()
    assist_documents(project, ids[:2], zones=False)
    sugg = project.get_layer(ids[0], SUGGESTIONS)
    project.edit(ids[0], "alice", "alice", "accept",
                 lambda old: add_entity(add_entity(old, sugg.entities[0]), sugg.entities[1]))
    project.edit(ids[0], SUGGESTIONS, "alice", "reject",
                 lambda old: remove_entity(old, sugg.entities[2]))
    project.edit(ids[1], "bob", "bob", "label", lambda old: add_entity(old, Entity(0, 3, "ORG")))
    for doc_id in ids[:3]:
        project.set_status(doc_id, "alice", status="done")
        time.sleep(0.01)
    project.set_status(ids[1], "alice", status="in_progress")  # reopened
    project.set_status(ids[3], "bob", status="done")
    project.set_status(ids[4], "bob", status="skipped")
    return [sugg.entities[0].label, sugg.entities[1].label, "ORG"]


def test_figures_from_status_layers_and_change_log(seeded):
    labeled = work(seeded)
    figures = corpus_figures(seeded)
    assert figures.documents == 5
    assert figures.status["alice"]["done"] == 2 and figures.status["alice"]["in_progress"] == 1
    assert figures.status["bob"] == {"todo": 3, "in_progress": 0, "done": 1, "skipped": 1,
                                     "reviewed": 0}
    # Labels of people's layers only: the many suggestions do not count.
    assert {label: n for kind, label, n in figures.labels} == Counter(labeled)
    assert all(kind == "entity" for kind, _l, _n in figures.labels)
    # Progress: 1, 2, 3 done, then back to 2 when one was reopened.
    assert [n for _t, n in figures.progress["alice"]] == [1, 2, 3, 2]
    times = [t for t, _n in figures.progress["alice"]]
    assert times == sorted(times)
    assert [n for _t, n in figures.progress["bob"]] == [1]
    assert figures.suggestions == {"alice": {"accepted": 2, "rejected": 1}}


def count_color(image: QImage, color: str) -> int:
    target = QColor(color).rgb()
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixel(x, y) == target)


def test_charts_dialog_draws_and_saves_png(qtbot, seeded, tmp_path):
    work(seeded)
    path = seeded.path
    seeded.close()
    window = open_window(path, "alice")
    qtbot.addWidget(window)
    window.findChild(QAction, "charts:open").trigger()
    dialog = window.findChild(ChartsDialog, "chartsDialog")
    assert dialog.isVisible()
    charts = dialog.charts
    out = tmp_path / "corpus.png"
    assert charts.save_png(out, QSize(1000, 700))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert count_color(image, STATUS_COLORS["done"]) > 500          # status bars
    assert count_color(image, STATUS_COLORS["skipped"]) > 100
    per = window.project.schema.label("entity", "PER").color
    org = window.project.schema.label("entity", "ORG").color
    assert count_color(image, per) + count_color(image, org) > 200   # label bars
    assert count_color(image, "#e53935") > 50                        # rejected suggestions
    i18n.set_language("ar")
    assert dialog.save_button.text() == "حفظ كصورة PNG…"
    assert charts.save_png(tmp_path / "corpus_ar.png")


def test_empty_project_charts(qtbot, project, tmp_path):
    charts = CorpusCharts(project)
    qtbot.addWidget(charts)
    assert charts.figures.status == {} and charts.figures.labels == []
    image = charts.render_image(QSize(800, 600))
    assert not image.isNull()
    assert count_color(image, STATUS_COLORS["done"]) == 0


def color_xs(image: QImage, color: str, rows: range) -> list[int]:
    """The columns where `color` fills a bar (5 rows or more of `rows`: not an edge's shade)."""
    target = QColor(color).rgb()
    hits = Counter(x for y in rows for x in range(image.width()) if image.pixel(x, y) == target)
    return [x for x, n in hits.items() if n >= 5]


def test_charts_are_mirrored_in_arabic(qtbot, seeded):
    """Arabic: the first chart at the top right, each bar starts at the right next to its
    name; English as before. (The bars started at the left with the name before them.)"""
    work(seeded)
    charts = CorpusCharts(seeded)
    qtbot.addWidget(charts)
    size = QSize(1000, 700)
    per = seeded.schema.label("entity", "PER").color
    for lang in ("en", "ar"):
        i18n.set_language(lang)
        image = charts.render_image(size)
        bars = range(0, 150, 2)  # the status bars, above their legend
        todo = color_xs(image, STATUS_COLORS["todo"], bars)
        done = color_xs(image, STATUS_COLORS["done"], bars)
        half = size.width() // 2
        # Status: todo is the first state of each bar, so it is at the start of the line.
        if lang == "ar":
            assert min(todo + done) > half                         # top right cell
            assert max(todo) > max(done) and min(todo) > min(done)
        else:
            assert max(todo + done) < half
            assert min(todo) < min(done) and max(todo) < max(done)
        # Labels: the name is on the bar's reading-order start side.
        ys = [y for y in range(image.height()) if any(
            image.pixel(x, y) == QColor(per).rgb() for x in range(0, image.width(), 3))]
        y = ys[len(ys) // 2]
        bar = [x for x in range(image.width()) if image.pixel(x, y) == QColor(per).rgb()]
        ink = [x for x in range(image.width()) if image.pixelColor(x, y).lightness() < 90
               and abs(x - (min(bar) + max(bar)) / 2) > (max(bar) - min(bar)) / 2 + 2]
        after = [x for x in ink if x > max(bar)]
        before = [x for x in ink if x < min(bar)]
        name, number = (after, before) if lang == "ar" else (before, after)
        assert name and (max(name) - min(name)) > (max(number) - min(number) if number else 0)
        if lang == "ar":
            assert max(bar) < half                                 # top left cell
    i18n.set_language("en")
