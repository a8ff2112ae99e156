"""Edits, the append-only change log and undo across a reopen (store/changes.py)."""
import sqlite3

import pytest

from tests.pg import location

from annotator.core.errors import ValidationError
from annotator.core.model import Entity, add_entity, set_zone
from annotator.store import Project

def test_edits_are_logged_and_undo_survives_reopening(seeded, tmp_path):
    doc = "000_a3ed348b844c58ae"
    text = seeded.get_text(doc)
    start = text.index("يوآف جالانت")
    seeded.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 100, "body"))
    seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(start, start + 11, "PER")))
    path = location(seeded)
    seeded.close()

    with Project.open(path) as again:
        assert [e.label for e in again.get_layer(doc, "ali").entities] == ["PER"]
        assert again.undo(doc, "ali", "ali").action == "entity"
        assert again.get_layer(doc, "ali").entities == ()
    with Project.open(path) as third:
        assert third.undo(doc, "ali", "ali").action == "zone"
        assert third.get_layer(doc, "ali").is_empty()
        assert third.undo(doc, "ali", "ali") is None
        assert third.redo(doc, "ali", "ali").action == "zone"
        assert third.can_redo(doc, "ali")
        # a new edit clears the redo stack
        third.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 5, "source"))
        assert not third.can_redo(doc, "ali")
        actions = [c.action for c in third.history(doc, "ali")]
        assert actions == ["zone", "entity", "undo", "undo", "redo", "zone"]


def test_invalid_edit_writes_nothing(seeded):
    doc = "001_d6de30c6830c1eec"
    before = seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    with pytest.raises(ValidationError):
        seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(0, 10**6, "PER")))
    with pytest.raises(ValidationError):
        seeded.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(0, 3, "NOPE")))
    assert seeded.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == before
    assert not seeded.has_layer(doc, "ali")


def test_change_log_is_append_only(seeded, backend):
    """Refused by the database itself (a trigger), even to the project's owner."""
    seeded.edit("000_a3ed348b844c58ae", "ali", "ali", "zone", lambda l: set_zone(l, 0, 9, "body"))
    if backend == "sqlite":
        refused = sqlite3.IntegrityError
    else:
        import psycopg
        refused = psycopg.errors.InsufficientPrivilege
    with pytest.raises(refused, match="append-only"):
        seeded.conn.execute("UPDATE changes SET who = 'mallory'")
    with pytest.raises(refused, match="append-only"):
        seeded.conn.execute("DELETE FROM changes")
    assert [c.who for c in seeded.history()] == ["ali"]
