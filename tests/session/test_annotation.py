"""AnnotationSession without Qt: edits through the store, undo routing, suggestions, status,
time, and what it announces."""
from __future__ import annotations

import subprocess
import sys

from annotator.core.model import SUGGESTIONS, Entity, Layer, Zone, add_entity, set_zone
from annotator.session import AnnotationSession

from .conftest import TEXTS, Recorder, span


def test_sessions_never_import_qt():
    # In a fresh interpreter: pytest-qt has already loaded Qt into this one.
    code = ("import sys, annotator.session, annotator.session.review; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'annotator.gui'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_entity_snaps_to_words_saves_and_announces(store):
    session = AnnotationSession(store, "sara")
    events = Recorder(session)
    status = session.open_document("d1")
    assert status.status == "in_progress" and store.get_status("d1", "sara").status == "in_progress"
    assert events.names()[:3] == ["status_changed", "document_changed", "layers_changed"]
    events.clear()
    text = TEXTS["d1"]
    start, end = span(text, "جالانت")
    caret = session.label_entity("PER", start + 2, start + 3)  # inside the word
    assert caret == end
    assert store.get_layer("d1", "sara").entities == (Entity(start, end, "PER"),)
    assert session.layer.entities == (Entity(start, end, "PER"),)
    assert events.names() == ["layers_changed", "message", "edited"]
    assert events.events[0] == ("layers_changed", False)
    assert events.events[1][1:] == ("bar.saved_what", {"action": "entity"}, 4000)
    assert session.save_state == "saved"
    # The same words with another key: a relabel, not a second entity.
    session.label_entity("ORG", start, end)
    assert store.get_layer("d1", "sara").entities == (Entity(start, end, "ORG"),)


def test_exact_entity_and_zone_for_the_caret_paragraph(store):
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    text = TEXTS["d1"]
    start, end = span(text, "حماس")
    session.label_entity("ORG", start + 1, end, exact=True)
    assert session.layer.entities == (Entity(start + 1, end, "ORG"),)
    source = text.index("المصدر")
    assert session.label_zone("source", source + 2, source + 2)
    zone = next(z for z in store.get_layer("d1", "sara").zones if z.label == "source")
    assert (zone.start, text[zone.end - 1]) == (source, "\n")
    events = Recorder(session)
    assert not session.label_zone("body", len(text), len(text))  # nothing there
    assert events.messages() == ["bar.select_first"]


def test_undo_goes_to_the_layer_the_edit_went_to(store):
    text = TEXTS["d1"]
    name, other = span(text, "جالانت"), span(text, "حماس")
    suggested = Layer(Layer.empty(len(text)).zones, (Entity(*name, "PER"), Entity(*other, "ORG")))
    store.put_layer("d1", SUGGESTIONS, suggested, "assist", "assist")
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    assert len(session.pending.entities) == 2
    session.accept_at(name[0], name[0])
    session.reject_at(other[0], other[0])
    assert store.get_layer("d1", "sara").entities == (Entity(*name, "PER"),)
    assert store.get_layer("d1", SUGGESTIONS).entities == (Entity(*name, "PER"),)
    assert session.pending.entities == ()
    session.undo()  # the reject: the suggestion is back, the labeler's layer untouched
    assert store.get_layer("d1", SUGGESTIONS).entities == suggested.entities
    assert store.get_layer("d1", "sara").entities == (Entity(*name, "PER"),)
    assert session.pending.entities == (Entity(*other, "ORG"),)
    session.undo()  # the accept
    assert store.get_layer("d1", "sara").entities == ()
    session.redo()
    assert store.get_layer("d1", "sara").entities == (Entity(*name, "PER"),)
    events = Recorder(session)
    session.redo()  # the reject again
    assert store.get_layer("d1", SUGGESTIONS).entities == (Entity(*name, "PER"),)
    assert ("message", "bar.redone", {"action": "reject"}, 4000) in events.events


def test_boundaries_stance_and_delete(store):
    text = TEXTS["d1"]
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    assert session.nearest_boundary(3) is None  # no zone yet
    cut = text.index("المصدر")
    session.label_zone("body", 0, cut)
    assert session.move_nearest_boundary(cut - 1, +1, by_word=False) == cut + 1
    assert session.boundary_to(cut) == cut
    assert store.get_layer("d1", "sara").zones[0] == Zone(0, cut, "body")
    stance = session.stance_to_edit(0, 3, value="against")
    assert (stance.holder, stance.value, stance.evidence) == ("author", "against", ((0, 3),))
    session.save_stance(stance.__class__(stance.holder, "حماس", "against", stance.evidence))
    assert session.stance_to_edit(5, 5).target == "حماس"  # the last target, no evidence
    assert session.stance_to_edit(5, 5).evidence == ()
    assert store.get_layer("d1", "sara").stances[0].target == "حماس"
    session.delete_stance(0)
    assert store.get_layer("d1", "sara").stances == ()
    start, end = span(text, "يوآف")
    session.label_entity("PER", start, end)
    assert session.entity_at(start + 1, start + 1) == Entity(start, end, "PER")
    session.delete_entity(session.entity_at(start, start))
    assert store.get_layer("d1", "sara").entities == ()


def test_status_note_flag_and_time(store):
    now = [100.0]
    session = AnnotationSession(store, "sara", clock=lambda: now[0])
    session.open_document("d2")
    session.start_clock()
    now[0] += 12.5
    session.open_document("d3")  # banks d2's time without writing it
    assert session.unsaved_seconds == {"d2": 12.5}
    assert store.get_status("d2", "sara").seconds == 0
    session.start_clock()
    now[0] += 2
    session.set_status("done")  # writes the time first
    assert store.get_status("d2", "sara").seconds == 12.5
    assert store.get_status("d3", "sara").seconds == 2 and session.clock_running
    assert store.get_status("d3", "sara").status == "done"
    assert session.progress()[:2] == (1, 3)
    assert store.get_setting("last_document:sara") == "d3"
    session.set_note("راجع الحدود")
    session.set_flagged(True)
    status = store.get_status("d3", "sara")
    assert (status.note, status.flagged) == ("راجع الحدود", True)
    again = AnnotationSession(store, "sara")
    assert again.last_document() == "d3"


def test_undo_after_restart_and_nothing_to_undo(store):
    store.edit("d2", "sara", "sara", "zone", lambda lay: set_zone(lay, 0, 4, "body"))
    session = AnnotationSession(store, "sara")
    session.open_document("d2")
    events = Recorder(session)
    session.undo()
    assert session.layer.is_empty() and store.get_layer("d2", "sara").is_empty()
    session.undo()
    assert events.messages()[-1] == "bar.nothing_to_undo"
    session.edit("entity", lambda lay: add_entity(lay, Entity(0, 99, "PER")))  # outside
    assert events.messages()[-1] == "bar.not_saved" and session.save_state == "saved"


def test_accept_takes_one_suggestion_the_innermost_at_the_caret(store):
    """The caret in a suggested name inside a suggested body zone: F8 takes the name only,
    the next F8 the zone; F9 rejects one (the innermost) too."""
    text = TEXTS["d1"]
    name, other = span(text, "يوآف جالانت"), span(text, "جالانت")
    cut = text.index("المصدر")
    suggested = set_zone(Layer.empty(len(text)), 0, cut, "body")
    suggested = Layer(suggested.zones, (Entity(*name, "PER"), Entity(*other, "LOC")))
    store.put_layer("d1", SUGGESTIONS, suggested, "assist", "assist")
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    session.accept_at(other[0] + 1, other[0] + 1)   # in both names: the shorter one
    layer = store.get_layer("d1", "sara")
    assert layer.entities == (Entity(*other, "LOC"),)
    assert all(z.label == "none" for z in layer.zones)
    session.accept_at(name[0], name[0])
    assert store.get_layer("d1", "sara").entities == (Entity(*name, "PER"), Entity(*other, "LOC"))
    assert all(z.label == "none" for z in store.get_layer("d1", "sara").zones)
    session.reject_at(name[0], name[0])              # only the zone is left there
    assert store.get_layer("d1", SUGGESTIONS).entities == suggested.entities
    assert all(z.label == "none" for z in store.get_layer("d1", SUGGESTIONS).zones)


def test_stance_evidence_snaps_to_words_and_the_last_target_carries_on(store):
    text = TEXTS["d1"]
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    start, end = span(text, "حماس تخسر")
    stance = session.stance_to_edit(start + 2, end - 1, "against")   # «اس تخس»
    assert stance.evidence == ((start, end),)
    assert text[slice(*stance.evidence[0])] == "حماس تخسر"
    session.save_stance(stance.__class__(stance.holder, "حماس", "against", stance.evidence))
    session.open_document("d2")                          # the next document: same target
    assert session.stance_to_edit(0, 0).target == "حماس"
    again = AnnotationSession(store, "sara")             # and after a restart
    again.open_document("d3")
    assert again.stance_to_edit(0, 0).target == "حماس"
    assert AnnotationSession(store, "omar").stance_to_edit(0, 0).target == ""


def test_time_on_screen_counts_every_second_but_is_written_in_batches(store):
    now = [100.0]
    session = AnnotationSession(store, "sara", clock=lambda: now[0])
    session.open_document("d1")
    session.start_clock()
    now[0] += 7
    assert session.progress()[2] == 7                  # shown: the seconds so far
    assert store.seconds_spent("sara") == 0            # written: not yet
    session.flush_time()
    assert store.seconds_spent("sara") == 7


def test_done_warns_on_a_mostly_unlabeled_document(store):
    text = TEXTS["d1"]
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    assert session.unlabeled_fraction() == 1.0 and session.done_needs_warning()
    cut = text.index("المصدر")
    session.label_zone("body", 0, cut)
    visible = [ch for ch in text if not ch.isspace()]
    rest = sum(1 for ch in text[cut:] if not ch.isspace())
    assert session.unlabeled_fraction() == rest / len(visible) > 0.5
    assert session.done_needs_warning()
    more = text.index("إقرأ")
    session.label_zone("source", cut, more)           # now under half is unlabeled
    assert session.unlabeled_fraction() < 0.5 and not session.done_needs_warning()
