"""Status, notes, review flag and time spent (store/status.py)."""

import pytest

from annotator.core.errors import ValidationError

def test_status_note_flag_and_time(seeded):
    doc = "002_b91ee82fcd84a4d3"
    assert seeded.get_status(doc, "ali").status == "todo"
    seeded.set_status(doc, "ali", status="in_progress", add_seconds=12.5)
    seeded.set_status(doc, "ali", note="سطر المصدر ملتصق", flagged=True, add_seconds=2.5)
    status = seeded.get_status(doc, "ali")
    assert (status.status, status.seconds, status.note, status.flagged) == \
        ("in_progress", 15.0, "سطر المصدر ملتصق", True)
    assert seeded.status_counts("ali")["todo"] == 4
    with pytest.raises(ValidationError):
        seeded.set_status(doc, "ali", status="finished")


def test_least_certain_first_orders_unfinished_documents_by_their_weakest_suggestion(seeded,
                                                                                    backend):
    """The active-learning order: unfinished documents by the lowest confidence of their entity
    suggestions (a suggestion without a figure counts as certain), documents without entity
    suggestions after them in queue order; finished documents are not in it."""
    from dataclasses import replace

    from annotator.core.model import SUGGESTIONS, Entity

    ids = seeded.document_ids()
    assert len(ids) == 5

    def suggest(doc_id, *confidences):
        entities = tuple(Entity(i * 10, i * 10 + 3, "PER",
                                extra=(() if c is None else (("confidence", c),)))
                         for i, c in enumerate(confidences))
        seeded.edit(doc_id, SUGGESTIONS, "assist", "assist",
                    lambda old: replace(old, entities=entities))

    suggest(ids[0], 0.9, 0.97)
    suggest(ids[1], None)          # a name match: no figure, certain
    suggest(ids[2], 0.95, 0.52)
    suggest(ids[4], 0.6)
    assert seeded.least_certain_positions("ali") == [2, 4, 0, 1, 3]
    seeded.set_status(ids[2], "ali", status="done")
    seeded.set_status(ids[3], "ali", status="in_progress")
    assert seeded.least_certain_positions("ali") == [4, 0, 1, 3]
    # Another person's status does not change ali's order.
    assert seeded.least_certain_positions("sara") == [2, 4, 0, 1, 3]
    if backend == "sqlite":
        # A damaged layer (not JSON) reads as "no suggestions", it does not fail the order.
        with seeded.write():
            seeded.conn.execute("UPDATE layers SET data = '{\"entities\": [' WHERE name = ? "
                                "AND doc = (SELECT seq FROM documents WHERE id = ?)",
                                (SUGGESTIONS, ids[4]))
        assert seeded.least_certain_positions("ali") == [0, 1, 3, 4]
