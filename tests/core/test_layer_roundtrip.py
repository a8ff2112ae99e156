"""What the store writes reads back: a layer that passes validate_layer (every write checks
it) is, as JSON, a layer read_stored_layer takes, the same layer. A stance holder left empty
(None) or a float offset passed the write and then made the stored layer 'damaged' for good."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import ValidationError
from annotator.core.model import (AUTHOR, Entity, EntityRef, Layer, Stance, Zone,
                                  read_stored_layer, validate_layer)
from annotator.core.schema import Schema

TEXT = "قال يوآف غالانت 😀 إن\r\nغزة تحت الحصار"
SCHEMA = Schema.default()
offsets = st.one_of(st.integers(-2, len(TEXT) + 2), st.sampled_from([1.0, True, 2.5]))
parties = st.one_of(st.sampled_from([AUTHOR, "غزة", "", "  ", None, 7, 1.5]),
                    st.builds(EntityRef, offsets, offsets))


@st.composite
def layers(draw):
    cut = draw(st.integers(1, len(TEXT) - 1))
    zones = (Zone(0, draw(st.sampled_from([cut, float(cut)])), "body"),
             Zone(cut, len(TEXT), "source"))
    entities = draw(st.lists(st.builds(
        Entity, offsets, offsets, st.sampled_from(SCHEMA.entity_names),
        st.sampled_from([None, "يوآف غالانت", 5, ["x"]])), max_size=3))
    stances = draw(st.lists(st.builds(Stance, parties, parties,
                                      st.sampled_from(SCHEMA.stance_names)), max_size=2))
    if entities and draw(st.booleans()):  # a stance on an entity of the layer
        e = entities[0]
        stances.append(Stance(EntityRef(e.start, e.end), "غزة", SCHEMA.stance_names[0]))
    return Layer(zones, tuple(entities), tuple(stances))


@settings(max_examples=400, deadline=None)
@given(layers())
def test_a_layer_the_write_check_passes_reads_back_as_itself(layer):
    try:
        validate_layer(layer, len(TEXT), SCHEMA)
    except ValidationError:
        return
    stored = json.dumps(layer.to_json(TEXT), ensure_ascii=False)
    back, problem = read_stored_layer(stored, TEXT, SCHEMA)
    assert problem is None
    assert back == layer
    assert [e.canonical for e in back.entities] == [e.canonical for e in layer.entities]


@pytest.mark.parametrize("stance, problem", [
    (Stance(None, "غزة", "against"), "stance holder must be a string or an entity"),
    (Stance(AUTHOR, 3, "against"), "stance target must be a string or an entity"),
    (Stance(AUTHOR, EntityRef(0.0, 3), "against"), "stance target offsets are not integers"),
])
def test_the_store_refuses_a_stance_that_would_not_read_back(seeded, stance, problem):
    doc = seeded.document_ids()[0]
    before = len(seeded.history())
    with pytest.raises(ValidationError, match=problem):
        seeded.edit(doc, "ali", "ali", "stance",
                   lambda layer: Layer(layer.zones, layer.entities, (stance,)))
    assert len(seeded.history()) == before and "ali" not in seeded.layer_names(doc)


def test_the_store_refuses_an_entity_whose_canonical_name_is_not_text(seeded):
    doc = seeded.document_ids()[0]
    with pytest.raises(ValidationError, match="canonical name is not text"):
        seeded.edit(doc, "ali", "ali", "entity",
                   lambda layer: Layer(layer.zones, (Entity(0, 3, "PER", 5),)))
