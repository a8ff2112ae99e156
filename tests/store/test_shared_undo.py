"""Undo in a shared layer (gold) takes back your own last change, not whoever edited last."""
import pytest

from annotator.core.errors import ValidationError
from annotator.core.model import Document, Entity, add_entity, set_zone
from annotator.store import ImportRecord, Project

TEXT = "قال غالانت إن إسرائيل ستواصل في غزة، وأكد أوستن دعم واشنطن."


@pytest.fixture
def proj(tmp_path):
    with Project.create(tmp_path / "p.db") as proj:
        list(proj.import_documents([ImportRecord(Document("d", TEXT, {}))]))
        yield proj


def span(word):
    return TEXT.index(word), TEXT.index(word) + len(word)


def add(proj, who, word, label):
    proj.edit("d", "gold", who, "entity", lambda l: add_entity(l, Entity(*span(word), label)))


def names(proj):
    return [TEXT[e.start:e.end] for e in proj.get_layer("d", "gold").entities]


def test_reviewer_a_undoes_a_own_change_not_b_s(proj):
    add(proj, "A", "غالانت", "PER")
    add(proj, "B", "غزة", "LOC")
    assert proj.undo("d", "gold", "A").who == "A"
    assert names(proj) == ["غزة"]  # B's entity stays
    assert proj.undo("d", "gold", "A") is None  # A has nothing more to undo
    assert proj.can_undo("d", "gold", "B") and not proj.can_undo("d", "gold", "A")
    proj.redo("d", "gold", "A")
    assert names(proj) == ["غالانت", "غزة"]
    proj.undo("d", "gold", "B")
    assert names(proj) == ["غالانت"]


def test_undo_keeps_zones_someone_else_moved_since(proj):
    add(proj, "A", "واشنطن", "LOC")
    proj.edit("d", "gold", "B", "zone", lambda l: set_zone(l, 0, 10, "body"))
    proj.undo("d", "gold", "A")
    layer = proj.get_layer("d", "gold")
    assert not layer.entities and layer.zones[0].label == "body"


def test_own_layer_undo_is_unchanged(proj):
    proj.edit("d", "ali", "ali", "entity", lambda l: add_entity(l, Entity(*span("غزة"), "LOC")))
    proj.edit("d", "ali", "ali", "entity", lambda l: add_entity(l, Entity(*span("أوستن"), "PER")))
    proj.undo("d", "ali", "ali")
    assert [TEXT[e.start:e.end] for e in proj.get_layer("d", "ali").entities] == ["غزة"]
