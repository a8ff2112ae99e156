"""The review window and the agreement panel, offscreen, driven by the keyboard."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.core import adjudication as adj
from annotator.core.model import GOLD, Entity, add_entity, validate_layer
from annotator.formats.jsonl import export_lines
from annotator.gui import i18n, open_window
from annotator.gui.agreement_panel import AgreementDialog, AgreementPanel
from annotator.gui.review import ReviewWindow, open_review, open_windows
from annotator.store import Project
from annotator.store.tallies import project_agreement


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def labeled_path(labeled):
    path = labeled.path
    labeled.close()
    return path


def _active(qtbot, window):
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    return window


def _key(window, key, modifiers=Qt.NoModifier):
    QTest.keyClick(window.gold_view, key, modifiers)


def test_a_reviewer_turns_every_disagreement_into_gold_by_keyboard(labeled_path, qtbot, tmp_path):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    assert window.labelers == ["a", "b"]
    queue = window.queue_ids()
    counts = [n for _d, n, _s in window._queue]
    assert counts == sorted(counts, reverse=True)  # most disagreement first
    assert window.current_doc_id() == queue[0]
    chosen: dict[str, dict[str, str]] = {}
    decided_total = 0
    for _ in range(len(queue)):
        doc_id = window.current_doc_id()
        _key(window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)  # everything agreed
        units = window.units()
        assert units and window.open_units() == units
        chosen[doc_id] = {}
        for k in range(len(units)):
            unit = window.current_unit()
            assert unit is units[k]                  # Ctrl+F8 went to the next one, none skipped
            assert not window.is_decided(unit)
            pick = 1 if k % 3 else 0
            if unit.kind != adj.ENTITY:
                pick = 0
            _key(window, Qt.Key_1 + pick, Qt.ControlModifier)
            chosen[doc_id][unit.key] = window.labelers[pick]
            assert window.is_decided(unit)
            assert window.current_unit() is unit     # taking a version does not move on
            _key(window, Qt.Key_F8, Qt.ControlModifier)
        decided_total += len(units)
        assert window.open_units() == []
        assert window.unit_progress.text() == f"{len(units)} of {len(units)} disagreements decided"
        _key(window, Qt.Key_Return, Qt.ControlModifier)          # reviewed; next document
    assert window.queue_progress.value() == len(queue)
    assert decided_total == sum(counts) > 100

    out = tmp_path / "gold.jsonl"
    assert window.export_gold(out) == len(queue)
    window.close()
    with Project.open(labeled_path) as project:
        assert out.read_text(encoding="utf-8") == "".join(export_lines(project, GOLD))
        for doc_id in queue:
            assert project.get_status(doc_id, "rev").status == "reviewed"
            text = project.get_text(doc_id)
            layers = {n: project.get_layer(doc_id, n) for n in ("a", "b")}
            gold = project.get_layer(doc_id, GOLD)
            validate_layer(gold, len(text), project.schema)
            for unit in adj.units(text, layers):
                want = chosen[doc_id].get(unit.key, unit.labelers[0])
                if unit.kind != adj.STANCE:
                    assert adj.gold_version(unit, gold, text) == unit.version(want), unit.key
                else:
                    got = adj.gold_version(unit, gold, text)
                    expected = unit.version(want)
                    assert (got and got.value) == (expected and expected.value)
            history = project.history(doc_id, GOLD)
            assert history and {c.action for c in history} == {"review"}
            assert {c.who for c in history} == {"rev"}
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    entities = [e for line in lines for e in line["entities"]]
    assert entities and all(e["decided_by"] == "rev" and e["sources"] for e in entities)
    extra = next(line for line in lines if line["id"] == "extra_emoji_crlf")
    for e in extra["entities"]:  # offsets are code points: emoji and flags do not shift them
        assert extra["text"][e["start"]:e["end"]] == e["text"]


def test_stepping_undo_and_redo(labeled_path, qtbot):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    first, second = window.units()[:2]
    assert window.current_unit() is first
    _key(window, Qt.Key_F8, Qt.ControlModifier)
    assert window.current_unit() is second
    _key(window, Qt.Key_F8, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.current_unit() is first
    _key(window, Qt.Key_F8, Qt.ControlModifier | Qt.ShiftModifier)   # wraps around
    assert window.current_unit() is window.units()[-1]
    _key(window, Qt.Key_F8, Qt.ControlModifier)
    _key(window, Qt.Key_F8)                                     # F8 is "accept" elsewhere:
    assert window.current_unit() is first                       # here it does nothing
    _key(window, Qt.Key_2, Qt.ControlModifier)
    assert window.is_decided(first) and window.current_unit() is first
    _key(window, Qt.Key_Z, Qt.ControlModifier)
    assert not window.is_decided(first)                         # gold no longer says it
    assert window.project.get_layer(window.current_doc_id(), GOLD).entities == ()
    _key(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.is_decided(first)


def test_editing_gold_with_the_keyboard(labeled_path, qtbot):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    doc_id = window.current_doc_id()
    text = window.project.get_text(doc_id)
    start = text.index("غالانت")
    window.gold_view.set_selection(start, start + len("غالانت"))
    _key(window, Qt.Key_P)
    gold = window.project.get_layer(doc_id, GOLD)
    entity = next(e for e in gold.entities if e.start == start)
    assert entity == Entity(start, start + 6, "PER")
    having = [n for n in ("a", "b") if Entity(start, start + 6, "PER")
              in window.project.get_layer(doc_id, n).entities]
    assert dict(entity.extra) == {"sources": having, "decided_by": "rev"}
    _key(window, Qt.Key_Delete)
    assert not any(e.start == start for e in window.project.get_layer(doc_id, GOLD).entities)
    window.gold_view.set_selection(0, 10)
    _key(window, Qt.Key_2)                     # zone "source": key 2, as in the labeling window
    assert window.project.get_layer(doc_id, GOLD).zones[0].label == "source"
    stance_at = next(i for i, u in enumerate(window.units()) if u.kind == adj.STANCE)
    window.select_unit(stance_at)
    unit = window.current_unit()
    _key(window, Qt.Key_N, Qt.ShiftModifier)                    # stance value "neutral"
    gold = window.project.get_layer(doc_id, GOLD)
    assert adj.gold_version(unit, gold, text).value == "neutral"
    assert window.is_decided(unit)
    assert {c.action for c in window.project.history(doc_id, GOLD)} == {"review"}


def test_a_settled_decision_changes_only_after_saying_what_it_replaces(labeled_path, qtbot,
                                                                    answer_confirm):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    doc_id = window.current_doc_id()
    text = window.session.text
    unit = next(u for u in window.units() if u.kind == adj.ENTITY
                and u.version("a") != u.version("b") and u.version("b"))
    window.select_unit(window.units().index(unit))
    _key(window, Qt.Key_2, Qt.ControlModifier)                  # b's version
    assert window.is_decided(unit) and window.current_unit() is unit
    assert window.unit_list.currentItem().text().lstrip("\u200e\u200f").startswith("✓")
    seen: list[str] = []
    answer_confirm(yes=False, seen=seen)
    _key(window, Qt.Key_1, Qt.ControlModifier)                  # a's: asks, Enter = keep
    assert len(seen) == 2 and seen[1] is False     # asked; Enter kept the decision
    assert "Gold now:" in seen[0] and "Would become:" in seen[0]
    assert seen[0].startswith("Change a decision?\n")        # the question, not only its title
    gold = window.project.get_layer(doc_id, GOLD)
    assert adj.gold_version(unit, gold, text) == unit.version("b")   # b's entity kept
    assert window.is_decided(unit)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    answer_confirm(yes=True, seen=seen)
    _key(window, Qt.Key_1, Qt.ControlModifier)                  # now explicitly replaced
    gold = window.project.get_layer(doc_id, GOLD)
    assert len(seen) == 4 and seen[-1] is True     # the dialog was shown and answered yes
    assert adj.gold_version(unit, gold, text) == unit.version("a")
    assert window.is_decided(unit)
    window.close()


def test_decisions_and_status_survive_reopening(labeled_path, qtbot):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    doc_id = window.current_doc_id()
    _key(window, Qt.Key_1, Qt.ControlModifier)
    _key(window, Qt.Key_F8, Qt.ControlModifier)
    _key(window, Qt.Key_2, Qt.ControlModifier)
    decided = [u.key for u in window.units() if window.is_decided(u)]
    assert len(decided) == 2
    _key(window, Qt.Key_Return, Qt.ControlModifier)
    assert window.current_doc_id() != doc_id
    window.close()
    again = _active(qtbot, open_review(labeled_path, "rev"))
    assert again.current_doc_id() != doc_id          # opens on the first one not reviewed
    assert dict((d, s) for d, _n, s in again._queue)[doc_id] == "reviewed"
    assert again.queue_progress.value() == 1
    again.show_document(doc_id)
    assert [u.key for u in again.units() if again.is_decided(u)] == decided
    again.close()


def test_main_window_gets_review_and_agreement_actions(labeled_path, qtbot, tmp_path):
    main = open_window(labeled_path, "rev")
    qtbot.addWidget(main)
    actions = {a.objectName(): a for a in main.menu_for("review").actions()}
    assert {"review:open", "agreement:open"} <= set(actions)
    actions["review:open"].trigger()
    review = open_windows()[-1]
    qtbot.addWidget(review)
    assert isinstance(review, ReviewWindow) and review.project is main.project
    assert review.reviewer == "rev" and review.isVisible()
    actions["agreement:open"].trigger()
    dialog = main.findChild(AgreementDialog)
    assert dialog is not None and dialog.isVisible()
    report = project_agreement(main.project, per_document=False)
    assert dialog.panel.report == report
    assert [c.title for c in dialog.panel.charts.charts] == [
        "Per labeler pair", "Entities per label (F1)", "Zones per label (character F1)",
        "Stance per value (specific agreement)"]
    # Labels by their names in the interface language (English here; Arabic: see below).
    english = {"LOC": "Location", "MISC": "Miscellaneous", "ORG": "Organization",
               "PER": "Person"}
    assert [g for g, _v in dialog.panel.charts.charts[1].groups] == [
        english[lab] for lab in sorted(report["entities"]["overall"]["exact"]["per_label"])]
    assert {g for g, _v in dialog.panel.charts.charts[2].groups} <= {
        "Article body", "Source line", "Boilerplate", "Unlabeled"}
    pair = dialog.panel.charts.charts[0].groups[0]
    assert pair == ("a|b", [report["entities"]["pairs"]["a|b"]["exact"]["f1"],
                            report["entities"]["pairs"]["a|b"]["overlap"]["f1"],
                            report["entities"]["pairs"]["a|b"]["token_cohen_kappa"],
                            report["zones"]["pairs"]["a|b"]["char_cohen_kappa"],
                            report["zones"]["pairs"]["a|b"]["boundary_f1"]["f1"],
                            report["stance"]["pairs"]["a|b"]["cohen_kappa"]])
    png = tmp_path / "agreement.png"
    assert dialog.panel.save_png(png)
    image = QImage(str(png))
    assert image.width() == 1000 and image.height() > 400
    colors = {image.pixelColor(x, y).name() for x in range(0, 1000, 7)
              for y in range(0, image.height(), 7)}
    assert "#1f77b4" in colors and "#ff7f0e" in colors     # bars were drawn
    review.close()


def test_agreement_panel_follows_the_tolerance(labeled, qtbot):
    panel = AgreementPanel(labeled)
    qtbot.addWidget(panel)
    assert panel.report["zones"]["pairs"]["a|b"]["boundary_f1"]["tolerance"] == 5
    panel.tolerance.setValue(0)
    panel.refresh_button.click()
    strict = panel.report["zones"]["pairs"]["a|b"]["boundary_f1"]
    assert strict["tolerance"] == 0
    assert strict == project_agreement(labeled, tolerance=0,
                                       per_document=False)["zones"]["pairs"]["a|b"]["boundary_f1"]


def test_arabic_interface(labeled_path, qtbot):
    i18n.set_language("ar")
    window = _active(qtbot, open_review(labeled_path, "rev"))
    assert window.layoutDirection() == Qt.RightToLeft
    assert window.queue_progress.format() == "رُوجع 0 من 6 مستندات"
    accept = window.findChild(QAction, "review:accept:1")
    assert accept.text() == "اعتماد نسخة a"
    _key(window, Qt.Key_1, Qt.ControlModifier)                   # keys work the same
    assert window.is_decided(window.units()[0])
    image = window.grab().toImage()
    assert not image.isNull() and image.width() > 800


def test_closing_the_main_window_closes_its_review_window(labeled_path, qtbot):
    main = open_window(labeled_path, "rev")
    qtbot.addWidget(main)
    next(a for a in main.menu_for("review").actions() if a.objectName() == "review:open").trigger()
    review = open_windows()[-1]
    review.close()                       # closed first by the reviewer: no harm later
    next(a for a in main.menu_for("review").actions() if a.objectName() == "review:open").trigger()
    second = open_windows()[-1]
    assert second is not review and second.isVisible()
    main.close()
    assert not second.isVisible() and second not in open_windows()


def stored(window):
    """Gold and the decisions as the project file has them."""
    from annotator.store.review_decisions import get_decisions
    doc_id = window.current_doc_id()
    return (window.project.get_layer(doc_id, GOLD), get_decisions(window.project, doc_id))


def test_a_decision_that_cannot_be_saved_shows_not_saved_until_written(labeled_path, qtbot):
    window = _active(qtbot, open_review(labeled_path, "rev"))
    state = window.save_state
    assert not state.banner_bar.isVisible()
    conn = window.project.conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        for i in range(300):  # deciding, undoing and deciding again until the file is full
            window.select_unit(0)
            if window.is_decided(window.current_unit()):
                _key(window, Qt.Key_Z, Qt.ControlModifier)
            _key(window, Qt.Key_1 if i % 2 else Qt.Key_2, Qt.ControlModifier)
            if state.badge.isVisible():
                break
        assert state.banner_bar.isVisible() and state.banner.text().startswith("NOT SAVED")
        assert window.session.saving.pending  # kept, with what the window shows
        shown = (window.session.gold, dict(window.session.decisions))
    finally:
        conn.execute("PRAGMA max_page_count = 1073741823")  # never leave a window that asks
    state.retry_timer.timeout.emit()
    assert not state.banner_bar.isVisible() and not state.badge.isVisible()
    assert stored(window) == shown


def test_an_empty_review_window_says_what_to_do(qtbot, tmp_path):
    path = tmp_path / "empty.db"
    Project.create(path).close()
    window = _active(qtbot, open_review(path, "rev"))
    message = window.findChild(QLabel, "review:empty")
    assert message is not None and message.isVisible()
    assert "two or more people" in message.text() and "annotator merge" in message.text()
    assert window.centralWidget() is message
    window.close()


def test_gold_export_never_writes_over_the_project(labeled_path, qtbot):
    """The window's export goes through the exporters' output (temporary file, then rename),
    so a mistyped target such as the project itself is refused and the project stays whole."""
    with Project.open(labeled_path) as project:
        before = (project.count_documents(), "".join(export_lines(project, "all")))
    window = open_review(labeled_path, "rev")
    qtbot.addWidget(window)
    assert window.export_gold(labeled_path) is None
    box = window.findChild(QMessageBox)
    assert box is not None and "refused" in box.text() and box.textFormat() == Qt.PlainText
    box.close()
    window.close()
    with Project.open(labeled_path) as project:
        assert (project.count_documents(), "".join(export_lines(project, "all"))) == before
    assert [p.name for p in labeled_path.parent.iterdir() if p.name.endswith(".part")] == []


def test_review_progress_counts_grammatically_in_arabic(labeled_path, qtbot):
    """"حُسم 0 من 3 خلافات" and "رُوجع 0 من 5 مستندات": the disagreements were a bare number
    before a fixed "خلاف" (3 خلاف), and a dual after من was مستندان, not مستندين."""
    window = open_review(labeled_path, "rev")
    qtbot.addWidget(window)
    i18n.set_language("ar")
    total = len(window.units())
    forms = {1: "خلاف واحد", 2: "خلافين"}
    expected = forms.get(total) or f"{total} " + ("خلافات" if 3 <= total % 100 <= 10 else
                                                  "خلافًا" if total % 100 >= 11 else "خلاف")
    assert window.unit_progress.text() == f"حُسم 0 من {expected}"
    documents = window.queue_table.rowCount()
    assert documents > 2
    assert window.queue_progress.format().endswith(
        f" {documents} مستندات" if documents <= 10 else f" {documents} مستندًا")
    window.close()


def test_export_failure_says_what_failed_in_arabic(labeled_path, qtbot, tmp_path):
    """The box says in Arabic what failed, then the error with its path; it showed the
    core's English line alone (its Arabic title is not shown on every desktop)."""
    window = open_review(labeled_path, "rev")
    qtbot.addWidget(window)
    i18n.set_language("ar")
    blocker = tmp_path / "ملف"
    blocker.write_text("x", encoding="utf-8")
    assert window.export_gold(blocker / "gold.jsonl") is None
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    first, _blank, error = box.text().split("\n", 2)
    assert first == "لم يُصدَّر الذهبي" and str(blocker) in error
    assert box.layoutDirection() == Qt.RightToLeft
    box.accept()
    window.close()


def test_agreement_summary_in_arabic_counts_units_and_lists_names(labeled, qtbot):
    """The stance line counts its units (it said "1 وحدة", "5 وحدة"), and the labelers are
    listed with the Arabic comma, each name isolated."""
    panel = AgreementPanel(labeled)
    qtbot.addWidget(panel)
    i18n.set_language("ar")
    panel.refresh()
    report = panel.report
    lines = panel.summary.text().splitlines()
    units = report["stance"]["units"]
    assert lines[2].startswith(f"الموقف: {i18n.counted(units, 'unit')} · ")
    assert lines[0].endswith("، ".join(f"\u2068{n}\u2069" for n in report["labelers"]))


def test_review_window_on_a_server_shows_what_a_labeler_changes_meanwhile(labeled_path, qtbot,
                                                                          pg_url):
    from annotator.store.copying import copy_project

    with Project.open(labeled_path) as source:
        copy_project(source, pg_url)
    window = _active(qtbot, open_review(pg_url, "rev"))
    session = window.session
    assert window.live_updates is not None
    doc, text = session.doc_id, session.text
    session.select(1)
    focus = session.current_unit().key
    before = len(session.disagreements)
    queue_before = dict((d, n) for d, n, _s in window._queue)[doc]
    # Labeler a, still at work on the server, marks a name b did not.
    free = next(i for i in range(len(text) - 4)
                if text[i:i + 4].strip() == text[i:i + 4] and not any(
                    e.start < i + 4 and i < e.end
                    for layer in session.layers.values() for e in layer.entities))
    with Project.open(pg_url) as labeler:
        labeler.edit(doc, "a", "a", "entity",
                     lambda layer: add_entity(layer, Entity(free, free + 4, "ORG")))
    qtbot.waitUntil(lambda: len(session.disagreements) == before + 1, timeout=2000)
    assert session.current_unit().key == focus  # the reviewer's place is kept
    assert dict((d, n) for d, n, _s in window._queue)[doc] == queue_before + 1
    assert window.statusBar().currentMessage() == i18n.tr("bar.changed_elsewhere")
    window.close()
