"""ReviewSession without Qt: disagreements, decisions into gold (kept through the store's
review_decisions API), undo in gold, reviewed status."""
from __future__ import annotations

from annotator.core import adjudication as adj
from annotator.core.model import GOLD, Entity, Layer, add_entity, set_zone
from annotator.session.review import ReviewSession
from annotator.store.review_decisions import get_decisions

from .conftest import TEXTS, span


def two_labelers(store) -> tuple[tuple[int, int], tuple[int, int]]:
    text = TEXTS["d1"]
    name, org = span(text, "يوآف جالانت"), span(text, "حماس")
    cut = text.index("المصدر")
    for who, label, boundary in (("a", "PER", cut), ("b", "ORG", cut + 3)):
        layer = set_zone(Layer.empty(len(text)), 0, boundary, "body")
        layer = add_entity(add_entity(layer, Entity(*name, label)), Entity(*org, "ORG"))
        store.put_layer("d1", who, layer, who)
    return name, org


def test_decisions_go_to_gold_and_to_the_store(store):
    name, org = two_labelers(store)
    session = ReviewSession(store, "rev")
    assert session.labelers == ["a", "b"]
    seen = []
    session.gold_edited.connect(lambda: seen.append("gold_edited"))
    session.current_changed.connect(lambda i: seen.append(("current", i)))
    session.open_document("d1")
    kinds = [u.kind for u in session.disagreements]
    assert sorted(kinds) == [adj.ENTITY, adj.ZONE]
    assert session.current == 0 and seen == [("current", 0)]
    first = session.current_unit()
    session.accept_labeler(1)  # b's version
    assert session.is_decided(first)
    assert "gold_edited" in seen
    decisions = get_decisions(store, "d1")
    assert list(decisions) == [first.key]
    gold = store.get_layer("d1", GOLD)
    assert adj.gold_version(first, gold, session.text) == first.version("b")
    # The decided unit stays in focus (moving on is the reviewer's own key); a second
    # session sees the same decision.
    assert session.current_unit() is first
    again = ReviewSession(store, "rev")
    again.open_document("d1")
    assert again.is_decided(next(u for u in again.disagreements if u.key == first.key))
    # Undo in gold: the unit is open again (gold no longer says what was decided).
    assert session.step_gold(redo=False)
    assert not session.is_decided(first)
    assert session.step_gold(redo=True) and session.is_decided(first)
    assert session.mark_reviewed()
    assert store.get_status("d1", "rev").status == "reviewed"


def test_accept_agreed_and_gold_entity_by_hand(store):
    name, org = two_labelers(store)
    session = ReviewSession(store, "rev")
    messages = []
    session.message.connect(lambda key, params, timeout: messages.append(key))
    session.open_document("d1")
    session.accept_agreed()
    gold = store.get_layer("d1", GOLD)
    assert Entity(*org, "ORG") in gold.entities and Entity(*name, "PER") not in gold.entities
    session.add_gold_entity("PER", *name)
    assert Entity(*name, "PER") in store.get_layer("d1", GOLD).entities
    entity_unit = next(u for u in session.disagreements if u.kind == adj.ENTITY)
    assert session.is_decided(entity_unit)
    session.delete_gold_entities(name[0], name[0] + 1)
    assert Entity(*name, "PER") not in store.get_layer("d1", GOLD).entities
    session.add_gold_entity("PER", name[0], 10_000)  # outside the text: refused, said
    assert messages[-1] == "review.invalid"


def test_a_decision_that_cannot_be_saved_is_kept_and_written_on_retry(store):
    two_labelers(store)
    session = ReviewSession(store, "rev")
    session.open_document("d1")
    states = []
    session.save_state_changed.connect(states.append)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    decided = []
    for i in range(300):  # deciding and re-deciding until the file is full
        session.select(i % len(session.disagreements))
        decided.append(session.current_unit())
        session.accept_labeler((i // 2) % 2, replace=True)  # re-deciding: explicit
        if not session.saving.saved:
            break
    decided = decided[-len(session.disagreements):]
    assert session.save_state == "not saved: disk_full" and states[0] == session.save_state
    assert all(session.is_decided(u) for u in decided)  # shown as decided: nothing lost
    shown = session.gold
    assert store.get_layer("d1", GOLD) != shown
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert session.retry() and states[-1] == "saved"
    assert store.get_layer("d1", GOLD) == shown
    again = ReviewSession(store, "rev")
    again.open_document("d1")
    assert all(again.is_decided(next(u for u in again.disagreements if u.key == d.key))
               for d in decided)


def test_taking_a_version_stays_and_a_settled_unit_changes_only_explicitly(store):
    two_labelers(store)
    session = ReviewSession(store, "rev")
    messages = []
    session.message.connect(lambda key, params, timeout: messages.append(key))
    session.open_document("d1")
    first, second = session.disagreements
    assert session.accept_labeler(1)                 # b's version: decided, still in focus
    assert session.current_unit() is first and session.is_decided(first)
    session.next_unit()                              # "next" lands on the following unit
    assert session.current_unit() is second
    session.previous_unit()
    # Taking a's version of the settled unit: refused, gold and the ✓ unchanged.
    assert session.replacing(0) == (first.version("b"), first.version("a"))
    assert not session.accept_labeler(0)
    assert messages[-1] == "review.settled"
    assert adj.gold_version(first, session.gold, session.text) == first.version("b")
    assert session.is_decided(first)
    # The same version again changes nothing and says so.
    assert session.replacing(1) is None and not session.accept_labeler(1)
    assert messages[-1] == "review.same_decision"
    # Explicitly replaced: gold and the decision say a's version.
    assert session.accept_labeler(0, replace=True)
    assert adj.gold_version(first, store.get_layer("d1", GOLD), session.text) == first.version("a")
    assert first.kind == adj.ENTITY and session.is_decided(first)
    assert get_decisions(store, "d1")[first.key] == [[e.start, e.end, e.label]
                                                     for e in first.version("a")]


def test_gold_not_saved_when_the_review_ends_comes_back_next_time(store, tmp_path):
    from annotator.session.rescue import RESTORE, RescueFile

    two_labelers(store)
    rescue = RescueFile(tmp_path, store.project_id, "rev", "review")
    session = ReviewSession(store, "rev", rescue=rescue)
    session.open_document("d1")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    for i in range(300):
        session.select(i % len(session.disagreements))
        session.accept_labeler((i // 2) % 2, replace=True)
        if not session.saving.saved:
            break
    shown = session.gold
    assert session.unsaved_rescued() and rescue.path.exists()
    # The review ends (a crash); the disk is freed; the reviewer opens the review again.
    rescue.release()  # (a crash takes the lock on its file with its process)
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    again = ReviewSession(store, "rev", rescue=RescueFile(tmp_path, store.project_id, "rev",
                                                          "review"))
    assert again.restore_rescued() == (1, [])
    assert store.get_layer("d1", GOLD) == shown
    assert store.history()[-1].action == RESTORE and not rescue.path.exists()
    # A labeler's own rescue file is another file: the two sessions never share one.
    assert RescueFile(tmp_path, store.project_id, "rev").path != rescue.path
