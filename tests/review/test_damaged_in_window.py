"""The labeling and review windows on a project file whose stored layer was damaged or edited by
hand (written with sqlite3, as test_damaged_layers does): the document opens read-only, the
problem is named in the status bar and a banner, label keys and undo write nothing, the rest of
the project works; exports leave the damaged layer out and say so."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from annotator.core.model import Layer
from annotator.store import Project
from tests.review.test_damaged_layers import (  # noqa: F401 (labeled_path is a fixture)
    _entity_past_end, _entity_without_label, _label_not_in_schema, _overlapping_zones,
    _reversed_entity, as_dict, damage, labeled_path, run, stored)


def damaged_data(path, doc_id: str, layer: str, kind) -> str:
    """The stored layer `layer` of doc_id as damaged by `kind` (a change of the JSON value from
    test_damaged_layers, or the stored text itself)."""
    if isinstance(kind, str):
        return kind
    value = as_dict(stored(path, doc_id, layer))
    if kind is _entity_past_end:
        with Project.open(path) as project:
            kind(value, len(project.get_text(doc_id)))
    else:
        kind(value)
    return json.dumps(value, ensure_ascii=False)


# (damage, the problem named); the second seed is 2813 code points long
WINDOW_DAMAGES = [
    (_entity_without_label, "annotation is missing the field 'label'"),
    (_reversed_entity, "entity [25, 18) is outside the text (length 2813) or empty"),
    (_entity_past_end, "entity [2812, 2913) is outside the text (length 2813) or empty"),
    (_label_not_in_schema, "entity label 'WEAPON' is not in the schema (PER, ORG, LOC, MISC)"),
    (_overlapping_zones, "zones do not tile the text: overlap at offset 1289"),
    ("{not json", "not JSON (Expecting property name enclosed in double quotes: line 1 "
                  "column 2 (char 1))"),
    ("[1, 2]", "not a layer object"),
]


def open_as(path, annotator, qtbot):
    from annotator.gui import open_window

    window = open_window(path, annotator)
    qtbot.addWidget(window)
    return window


def press(widget, char: str) -> None:
    QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key_unknown, char, Qt.NoModifier)


@pytest.mark.parametrize("kind, problem", WINDOW_DAMAGES,
                         ids=["missing-key", "reversed", "past-end", "label", "zones-overlap",
                              "not-json", "list"])
def test_labeler_window_opens_a_damaged_layer_read_only_and_never_writes_over_it(
        labeled_path, qtbot, english_ui, kind, problem):
    path, ids = labeled_path
    doc = ids[1]
    data = damaged_data(path, doc, "a", kind)
    damage(path, doc, "a", data)
    window = open_as(path, "a", qtbot)
    window.show_document(doc)
    named = f"\u2066a: {problem}\u2069"
    assert window.statusBar().currentMessage() == (
        f"Damaged, left out and read-only (annotator check lists every problem): {named}")
    assert window.damaged_banner.text() == (
        "READ-ONLY — your labels of this document are damaged in the project file and are "
        f"not shown. Nothing will be written over them. {named}")
    assert window.layer == Layer.empty(len(window.session.text))  # nothing of the damage shown

    view = window.article_view
    view.set_selection(0, 5)
    press(view, "ح")  # PER on an Arabic layout
    view.set_caret(40)
    press(view, "٢")  # the source zone
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key(ord("ئ")), "", Qt.ControlModifier)
    assert window.statusBar().currentMessage() == (
        f"Not saved: this layer is damaged in the project file and read-only: {named}")
    assert stored(path, doc, "a") == data

    # The rest of the project works: the next document takes labels, and the banner goes.
    window.show_document(ids[2])
    assert window.damaged_banner.text() == ""
    view.set_caret(5)
    press(view, "٢")
    assert window.project.get_layer(ids[2], "a").zones[0].label == "source"


def test_the_window_opens_on_a_damaged_last_document_and_says_it_in_arabic(
        labeled_path, qtbot, tmp_path, english_ui):
    from annotator.gui import i18n

    path, ids = labeled_path
    with Project.open(path) as project:
        project.set_setting("last_document:a", ids[1])
    data = damaged_data(path, ids[1], "a", _reversed_entity)
    damage(path, ids[1], "a", data)
    window = open_as(path, "a", qtbot)  # the document it opens on is the damaged one
    assert window.current_doc_id() == ids[1]
    qtbot.wait(20)
    named = "\u2066a: entity [25, 18) is outside the text (length 2813) or empty\u2069"
    window.grab().save(str(tmp_path / "damaged-en.png"))
    i18n.set_language("ar")
    assert window.damaged_banner.text() == (
        "للقراءة فقط — تسمياتك لهذا المستند تالفة في ملف المشروع ولا تُعرض، ولن يُكتب "
        f"فوقها شيء. {named}")
    press(window.article_view, "م")
    assert window.statusBar().currentMessage() == (
        f"لم يُحفظ: هذه الطبقة تالفة في ملف المشروع وهي للقراءة فقط: {named}")
    window.grab().save(str(tmp_path / "damaged-ar.png"))
    assert stored(path, ids[1], "a") == data


def test_damaged_suggestions_are_left_out_and_said(labeled_path, qtbot, english_ui):
    path, ids = labeled_path
    with Project.open(path) as project:
        text = project.get_text(ids[0])
        project.put_layer(ids[0], "suggestions", Layer.empty(len(text)), "assist")
    damage(path, ids[0], "suggestions", '{"entities": [{"start": 3}]}')
    window = open_as(path, "a", qtbot)
    window.show_document(ids[0])
    assert window.statusBar().currentMessage() == (
        "Damaged suggestions, left out; your labels work as usual (annotator check lists "
        "every problem): \u2066suggestions: annotation is missing the field 'end'\u2069")
    assert window.damaged_banner.text() == ""  # the labeler's own layer holds: labels work
    assert window.session.pending is None
    window.article_view.set_caret(5)
    press(window.article_view, "٢")
    assert window.project.get_layer(ids[0], "a").zones[0].label == "source"


def test_review_window_shows_a_damaged_gold_read_only_until_the_reviewer_starts_it_afresh(
        labeled_path, qtbot, english_ui, answer_confirm):
    from annotator.gui.review import open_review

    path, ids = labeled_path
    doc = ids[0]
    with Project.open(path) as project:
        project.put_layer(doc, "gold", Layer.empty(len(project.get_text(doc))), "rev")
    damage(path, doc, "gold", "[]")
    window = open_review(path, "rev")
    qtbot.addWidget(window)
    window.show_document(doc)
    assert window.statusBar().currentMessage() == (
        "Damaged, left out (annotator check lists every problem): \u2066gold: not a layer "
        "object\u2069")
    assert window.damaged_banner.text() == (
        "READ-ONLY — gold of this document is damaged in the project file and is not shown. "
        "Nothing will be written over it unless you choose Gold ▸ Start gold afresh. "
        "\u2066gold: not a layer object\u2069")
    window.accept_agreed()
    window.set_gold_zone("body")
    window.step_gold(False)
    window.mark_reviewed()
    assert window.statusBar().currentMessage() == (
        "Not saved: gold is damaged in the project file and read-only (not a layer object). "
        "Gold ▸ Start gold afresh replaces it.")
    assert stored(path, doc, "gold") == "[]"
    assert window.current_doc_id() == doc  # not marked reviewed, not moved on

    seen: list = []
    answer_confirm(False, seen)  # Enter: the safe answer
    window.findChild(QAction, "review:gold-afresh").trigger()
    # The dialog's title first (not every desktop shows titles), then the question.
    assert seen == [f"Start gold afresh\n\nGold of \u2066{doc}\u2069 is damaged (not a layer "
                    "object). Replace it "
                    "with what the labelers agree on? The damaged gold stays in the change "
                    "log.", False]
    assert stored(path, doc, "gold") == "[]"

    answer_confirm(True, seen)
    window.start_gold_afresh()
    assert seen[-1] is True
    assert window.damaged_banner.text() == ""
    session = window.session
    both = [{(e.start, e.end, e.label) for e in session.layers[n].entities} for n in "ab"]
    with Project.open(path) as project:
        gold = project.checked_layer(doc, "gold")
        assert gold == session.gold and gold.entities
        assert {(e.start, e.end, e.label) for e in gold.entities} == both[0] & both[1]
        last = project.history(doc, "gold")[-1]
        assert (last.action, last.before) == ("gold-afresh", [])
    # The damaged gold kept in the change log is not reported by `annotator check` as damage.
    from annotator.store.integrity import check
    with Project.open(path) as project:
        assert check(project) == []


def test_agreement_panel_says_how_many_layers_it_left_out_and_names_the_first(
        labeled_path, qtbot, english_ui):
    from annotator.gui import i18n
    from annotator.gui.agreement_panel import AgreementPanel

    path, ids = labeled_path
    for doc, layer in ((ids[0], "b"), (ids[2], "a"), (ids[3], "b"), (ids[4], "a")):
        damage(path, doc, layer, "[]")
    with Project.open(path) as project:
        panel = AgreementPanel(project)
        qtbot.addWidget(panel)
        assert panel.report["documents_compared"] == len(ids) - 4
        assert not panel.damaged.isHidden()
        assert panel.damaged.text().splitlines() == [
            "4 damaged layers left out of these figures (annotator check lists every "
            "problem):",
            f"document \u2066{ids[0]}\u2069, layer \u2066b\u2069: \u2066not a layer object\u2069",
            f"document \u2066{ids[2]}\u2069, layer \u2066a\u2069: \u2066not a layer object\u2069",
            f"document \u2066{ids[3]}\u2069, layer \u2066b\u2069: \u2066not a layer object\u2069",
            "… and 1 more"]
        i18n.set_language("ar")
        assert panel.damaged.text().splitlines()[::4] == [
            "استُبعدت من هذه الأرقام 4 طبقات تالفة (يسرد \u2066annotator check\u2069 كل "
            "المشكلات):", "… و1 غيرها"]
        i18n.set_language("en")
        for doc, layer in ((ids[0], "b"), (ids[2], "a"), (ids[3], "b"), (ids[4], "a")):
            project.put_layer(doc, layer, Layer.empty(len(project.get_text(doc))), layer,
                              over_damaged=True)
        panel.refresh_button.click()
        assert panel.damaged.isHidden() and panel.report["damaged"] == []


@pytest.mark.parametrize("kind, problem", [WINDOW_DAMAGES[1], WINDOW_DAMAGES[6]],
                         ids=["reversed", "list"])
def test_export_leaves_a_damaged_layer_out_names_it_and_exports_the_rest(
        labeled_path, tmp_path, kind, problem):
    """A reversed span used to be exported as it was (nonsense offsets), a list stopped the
    whole export with a line naming neither the document nor the layer."""
    path, ids = labeled_path
    whole = tmp_path / "whole.jsonl"
    assert run("export", path, "-o", whole).exit_code == 0
    damage(path, ids[1], "a", damaged_data(path, ids[1], "a", kind))
    line = (f"annotator: {path}: document {ids[1]!r}, layer 'a': {problem}; left out of the "
            "export")
    out = tmp_path / "rest.jsonl"
    result = run("export", path, "-o", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"exported {len(ids)} documents ({2 * len(ids) - 1} lines: one per document and "
        "layer) (jsonl)", line]
    expected = [text for text in whole.read_text("utf-8").splitlines()
                if (json.loads(text)["id"], json.loads(text)["layer"]) != (ids[1], "a")]
    assert out.read_text("utf-8").splitlines() == expected
    for fmt in ("conll", "csv", "text", "labelstudio", "doccano"):
        result = run("export", path, "--format", fmt, "-q", "-o", tmp_path / f"rest.{fmt}")
        assert (result.exit_code, result.stderr.splitlines()) == (1, [line]), fmt
