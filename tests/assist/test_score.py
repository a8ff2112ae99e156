"""Scores of zone and entity suggestions against a reference layer, and the accept/reject
counts from the change log."""
import pytest

from annotator.assist import assist_documents
from annotator.assist.score import score_document, score_project, suggestion_counts
from annotator.core.model import (GOLD, NONE_ZONE, SUGGESTIONS, Entity, Layer, Zone, add_entity,
                                  remove_entity, set_zone)

TEXT = "جملة أولى طويلة\n\nالمصدر: وكالات\n\nاقرأ أيضا\nعنوان"  # 44 characters


def layer(*zones, entities=()):
    return Layer(tuple(Zone(*z) for z in zones), tuple(entities))


def test_boundaries_with_tolerance_ignore_whitespace():
    source = TEXT.index("المصدر")
    boiler = TEXT.index("اقرأ")
    ref = layer((0, source, "body"), (source, boiler, "source"), (boiler, len(TEXT), "boilerplate"))
    # Boundaries placed before the blank lines instead of after them: no visible character
    # between, so they match even with tolerance 0.
    pred = layer((0, source - 2, "body"), (source - 2, boiler - 2, "source"),
                 (boiler - 2, len(TEXT), "boilerplate"))
    score = score_document(TEXT, pred, ref, tolerance=0)
    assert (score.boundaries.precision, score.boundaries.recall) == (1.0, 1.0)
    assert score.char_accuracy == 1.0
    # Three visible characters off: right with tolerance 3, wrong with 2.
    pred = layer((0, source + 3, "body"), (source + 3, boiler, "source"),
                 (boiler, len(TEXT), "boilerplate"))
    assert score_document(TEXT, pred, ref, tolerance=3).boundaries.f1 == 1.0
    late = score_document(TEXT, pred, ref, tolerance=2)
    assert (late.boundaries.true_positive, late.boundaries.predicted,
            late.boundaries.reference) == (1, 2, 2)
    assert late.boundaries.f1 == pytest.approx(0.5)
    visible = sum(not c.isspace() for c in TEXT)
    assert late.chars_scored == visible
    assert late.chars_right == visible - 3
    body, src = late.zone_labels["body"], late.zone_labels["source"]
    assert (body.true_positive, body.predicted, body.reference) == (13, 16, 13)
    assert src.recall == pytest.approx((13 - 3) / 13)  # المصدر: وكالات has 13 visible
    assert src.precision == 1.0


def test_each_reference_boundary_matches_once_and_none_text_is_not_scored():
    ref = layer((0, 10, "body"), (10, 20, NONE_ZONE), (20, len(TEXT), "boilerplate"))
    pred = layer((0, 9, "body"), (9, 11, "source"), (11, len(TEXT), "boilerplate"))
    score = score_document(TEXT, pred, ref, tolerance=3)
    # Two predicted boundaries near 10, one reference boundary there: one match only.
    assert score.boundaries.true_positive == 1 and score.boundaries.predicted == 2
    unlabeled = sum(not c.isspace() for c in TEXT[10:20])
    assert score.chars_scored == sum(not c.isspace() for c in TEXT) - unlabeled


def test_entities_exact_span_and_label_per_label():
    ref = layer((0, len(TEXT), "body"), entities=[Entity(0, 4, "PER"), Entity(5, 9, "LOC"),
                                                  Entity(24, 30, "ORG")])
    pred = layer((0, len(TEXT), "body"), entities=[Entity(0, 4, "PER"), Entity(5, 9, "ORG"),
                                                   Entity(24, 29, "ORG")])
    score = score_document(TEXT, pred, ref)
    assert score.entities.true_positive == 1
    assert score.entity_labels["PER"].f1 == 1.0
    assert score.entity_labels["LOC"].recall == 0.0
    assert score.entity_labels["ORG"].precision == 0.0 and score.entity_labels["ORG"].predicted == 2
    assert score.to_json()["entities"]["all"]["precision"] == pytest.approx(1 / 3, abs=1e-4)


def test_score_project_sums_documents_with_the_reference(seeded):
    ids = seeded.document_ids()
    assist_documents(seeded, zones=True, entities=False)
    # Gold for two documents: one equal to the suggestions, one all body.
    seeded.put_layer(ids[0], GOLD, seeded.get_layer(ids[0], SUGGESTIONS), "reviewer")
    text = seeded.get_text(ids[1])
    seeded.put_layer(ids[1], GOLD, layer((0, len(text), "body")), "reviewer")
    score = score_project(seeded, GOLD, SUGGESTIONS)
    assert score.documents == 2
    suggested = seeded.get_layer(ids[1], SUGGESTIONS)
    wrong = sum(not c.isspace() for z in suggested.zones if z.label != "body"
                for c in text[z.start:z.end])
    assert score.chars_scored - score.chars_right == wrong > 0
    assert score.boundaries.reference == 2 and score.boundaries.true_positive == 2
    assert score.boundaries.predicted == 4


def test_suggestion_counts_per_labeler_from_the_change_log(seeded):
    doc_id = seeded.document_ids()[0]
    assist_documents(seeded, [doc_id])
    sugg = seeded.get_layer(doc_id, SUGGESTIONS)
    first, second, third = sugg.entities[:3]
    body = next(z for z in sugg.zones if z.label == "body")
    seeded.edit(doc_id, "alice", "alice", "accept",
                lambda old: set_zone(add_entity(add_entity(old, first), second),
                                     body.start, body.end, "body"))
    seeded.edit(doc_id, SUGGESTIONS, "alice", "reject", lambda old: remove_entity(old, third))
    seeded.edit(doc_id, "bob", "bob", "accept", lambda old: add_entity(old, third))
    seeded.edit(doc_id, "bob", "bob", "label", lambda old: add_entity(old, Entity(0, 3, "MISC")))
    assert suggestion_counts(seeded) == {"alice": {"accepted": 3, "rejected": 1},
                                         "bob": {"accepted": 1, "rejected": 0}}
    seeded.undo(doc_id, "bob", "bob")  # the plain label
    seeded.undo(doc_id, "bob", "bob")  # the accept
    assert suggestion_counts(seeded)["bob"] == {"accepted": 0, "rejected": 0}
    seeded.redo(doc_id, "bob", "bob")
    assert suggestion_counts(seeded)["bob"] == {"accepted": 1, "rejected": 0}
