"""A store that cannot write: the session keeps the edits, says "not saved: <reason>", and
writes them, in order, when a retry succeeds. SQLite really fails here: the session's own
connection is limited to the pages the file has (PRAGMA max_page_count), as on a full disk."""
from __future__ import annotations

import pytest

from annotator.core.errors import NotSavedError
from annotator.core.model import Entity
from annotator.session import AnnotationSession
from annotator.session.saving import SaveQueue, Write, reason_of

from .conftest import Recorder


def fill_the_disk(project) -> None:
    pages = project.conn.execute("PRAGMA page_count").fetchone()[0]
    project.conn.execute(f"PRAGMA max_page_count = {pages}")


def free_the_disk(project) -> None:
    project.conn.execute("PRAGMA max_page_count = 1073741823")


def label_until_not_saved(session) -> tuple[Entity, ...]:
    """Label one character after another until the file is full; returns the entities the
    labeler sees (the last one not on disk)."""
    for i in range(len(session.text)):
        if not session.text[i].isspace():
            session.label_entity(("MISC", "PER")[i % 2], i, i + 1, exact=True)
            if not session.saving.saved:
                return session.layer.entities
    raise AssertionError("the file never filled up")


def test_full_disk_keeps_the_edit_shows_it_and_writes_it_on_retry(store):
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    events = Recorder(session)
    fill_the_disk(store)
    made = label_until_not_saved(session)
    assert session.save_state == "not saved: disk_full"
    assert ("save_state_changed", "not saved: disk_full") in events.events
    assert events.messages()[-1] == "bar.kept_what"  # never "saved"
    assert session.layer.entities == made    # on screen, nothing lost
    assert store.get_layer("d1", "sara").entities == made[:-1]
    # More work while the disk is full: kept too, in order.
    session.label_zone("body", 0, 10)
    assert session.layer.zones[0].label == "body"
    assert not session.retry()
    # Reading the document again (another document and back) still shows the kept edits.
    session.open_document("d1")
    assert session.layer.entities == made and session.layer.zones[0].label == "body"

    free_the_disk(store)
    events.clear()
    assert session.retry()
    assert session.save_state == "saved"
    assert events.events == [("save_state_changed", "saved")]
    stored = store.get_layer("d1", "sara")
    assert stored.entities == made and stored.zones[0].label == "body"
    assert [c.action for c in store.history("d1", "sara")][-2:] == ["entity", "zone"]


def test_the_next_edit_retries_first(store):
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    fill_the_disk(store)
    made = label_until_not_saved(session)
    free_the_disk(store)
    session.label_zone("source", 0, 5)  # writes the kept edit, then this one
    assert session.save_state == "saved"
    stored = store.get_layer("d1", "sara")
    assert stored.entities == made and stored.zones[0].label == "source"


def test_undo_of_an_edit_that_never_reached_the_disk_drops_it(store):
    session = AnnotationSession(store, "sara")
    session.open_document("d1")
    fill_the_disk(store)
    made = label_until_not_saved(session)
    session.undo()
    assert session.layer.entities == made[:-1] == store.get_layer("d1", "sara").entities
    assert session.save_state == "saved"
    free_the_disk(store)
    session.undo()  # the one before it, which is on disk
    assert store.get_layer("d1", "sara").entities == made[:-2]


def test_time_and_status_are_kept_too(store):
    now = [0.0]
    session = AnnotationSession(store, "sara", clock=lambda: now[0])
    session.open_document("d2")
    session.start_clock()
    now[0] += 30
    fill_the_disk(store)
    label_until_not_saved(session)
    session.set_status("done")
    assert store.get_status("d2", "sara").status == "in_progress"
    free_the_disk(store)
    assert session.retry()
    status = store.get_status("d2", "sara")
    assert status.status == "done" and status.seconds == 30


# The store turns SQLite's failures into NotSavedError with their reason (tests/store cover that
# with real full, read-only and locked files); anything else is kept as an I/O failure.
@pytest.mark.parametrize("error, reason", [
    (NotSavedError("x", "read_only"), "read_only"),
    (NotSavedError("x", "locked"), "locked"),
    (NotSavedError("x", "disk_full"), "disk_full"),
    (NotSavedError("x", "damaged"), "damaged"),
    (OSError("something else"), "io"),
])
def test_reasons(error, reason):
    assert reason_of(error) == reason


def test_a_store_error_is_kept_as_not_saved():
    queue = SaveQueue()
    attempts = []

    def run():
        attempts.append(1)
        if len(attempts) < 3:
            raise NotSavedError("project.db: the file is read-only", "read_only")
        return "written"
    assert queue.write(Write(run)) == (False, None)
    assert queue.state == "not saved: read_only" and queue.error.endswith("read-only")
    assert not queue.retry()
    assert queue.retry() and queue.state == "saved" and len(attempts) == 3
