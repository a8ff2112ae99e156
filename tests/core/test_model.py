"""Layers: the invariants and the pure edits the window is built on."""
import pytest

from annotator.core.errors import ValidationError
from annotator.core.model import (AUTHOR, Entity, EntityRef, Layer, Stance, Zone, add_entity,
                                  add_stance, layer_from_json, move_boundary, relabel_entity,
                                  remove_entity, set_zone, validate_layer, zone_boundaries)
from annotator.core.schema import Schema

TEXT = "أكد وزير الدفاع يوآف جالانت.وكالاتالمصدر: صدى البلد\nإقرأ أيضاً"


def test_set_zone_keeps_the_tiling_and_cuts_inside_a_glued_line():
    layer = Layer.empty(len(TEXT))
    cut = TEXT.index("المصدر")  # glued to "وكالات": a boundary inside a line, inside a "word"
    layer = set_zone(layer, 0, cut, "body")
    layer = set_zone(layer, cut, TEXT.index("\n") + 1, "source")
    layer = set_zone(layer, TEXT.index("\n") + 1, len(TEXT), "boilerplate")
    validate_layer(layer, len(TEXT), Schema.default())
    assert [z.label for z in layer.zones] == ["body", "source", "boilerplate"]
    assert TEXT[layer.zones[1].start:layer.zones[1].end].startswith("المصدر:")
    # relabel the middle as body: neighbours merge
    layer = set_zone(layer, cut, TEXT.index("\n") + 1, "body")
    assert [(z.start, z.label) for z in layer.zones] == [(0, "body"), (TEXT.index("\n") + 1, "boilerplate")]


def test_move_boundary_cannot_jump_over_a_neighbour():
    layer = set_zone(Layer.empty(30), 10, 20, "source")
    assert zone_boundaries(layer) == [10, 20]
    moved = move_boundary(layer, 10, 25)  # clamped at the source zone's end: it vanishes
    assert [(z.start, z.end, z.label) for z in moved.zones] == [(0, 30, "none")]
    moved = move_boundary(layer, 20, 13)
    assert [(z.start, z.end, z.label) for z in moved.zones] == [
        (0, 10, "none"), (10, 13, "source"), (13, 30, "none")]
    validate_layer(moved, 30)
    with pytest.raises(ValidationError):
        move_boundary(layer, 11, 12)


@pytest.mark.parametrize("zones,message", [
    ([Zone(0, 5, "body"), Zone(6, 10, "none")], "gap at offset 5"),
    ([Zone(0, 6, "body"), Zone(5, 10, "none")], "overlap at offset 5"),
    ([Zone(0, 9, "body")], "they end at 9"),
])
def test_zones_that_do_not_tile_are_refused(zones, message):
    with pytest.raises(ValidationError, match=message):
        validate_layer(Layer(tuple(zones)), 10)


def test_spans_outside_the_text_and_unknown_labels_are_refused():
    schema = Schema.default()
    with pytest.raises(ValidationError, match="outside the text"):
        validate_layer(Layer(Layer.empty(10).zones, (Entity(8, 12, "PER"),)), 10)
    with pytest.raises(ValidationError, match="'PERSON' is not in the schema"):
        validate_layer(Layer(Layer.empty(10).zones, (Entity(1, 3, "PERSON"),)), 10, schema)
    with pytest.raises(ValidationError, match="zone label 'footer'"):
        validate_layer(Layer((Zone(0, 10, "footer"),)), 10, schema)
    with pytest.raises(ValidationError, match="stance value 'maybe'"):
        validate_layer(Layer(Layer.empty(10).zones, (), (Stance(AUTHOR, "x", "maybe"),)), 10, schema)


def test_removing_an_entity_removes_the_stances_that_name_it():
    layer = add_entity(Layer.empty(40), Entity(16, 27, "PER"))
    layer = add_stance(layer, Stance(EntityRef(16, 27), "حماس", "against", ((0, 10),)))
    layer = add_stance(layer, Stance(AUTHOR, "حماس", "neutral"))
    validate_layer(layer, 40, Schema.default())
    after = remove_entity(layer, Entity(16, 27, "PER"))
    assert after.entities == () and [s.value for s in after.stances] == ["neutral"]


def test_relabel_keeps_one_entity():
    layer = add_entity(Layer.empty(40), Entity(1, 4, "PER"))
    layer = relabel_entity(layer, Entity(1, 4, "PER"), "ORG")
    assert [(e.start, e.end, e.label) for e in layer.entities] == [(1, 4, "ORG")]


def test_layer_json_round_trip_keeps_extra_fields():
    layer = Layer(Layer.empty(len(TEXT)).zones,
                  (Entity(16, 27, "PER", "Yoav Gallant", (("sources", ["a", "b"]),)),),
                  (Stance(EntityRef(16, 27), "حماس", "against", ((0, 3),), (("decided_by", "r"),)),))
    data = layer.to_json(TEXT)
    assert data["entities"][0]["text"] == "يوآف جالانت"
    again = layer_from_json(data, TEXT)
    assert again == layer and again.to_json(TEXT) == data


def test_entity_text_that_does_not_match_the_document_is_refused():
    with pytest.raises(ValidationError, match="does not match"):
        layer_from_json({"entities": [{"start": 0, "end": 3, "label": "PER", "text": "xyz"}]}, TEXT)
