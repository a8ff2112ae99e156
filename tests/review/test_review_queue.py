"""The review queue read from the counts agreement keeps (store.tallies.review_queue): the same
rows as comparing every document's layers (core.adjudication), paged, and kept up to date."""
from __future__ import annotations

import random

from annotator.core import adjudication as adj
from annotator.core.agreement import disagreement_count, marks
from annotator.core.model import Entity, add_entity, set_zone
from annotator.store.tallies import _TABLE, forget_tallies, review_queue

from .conftest import labeler_layer


def test_disagreement_count_is_the_number_of_units_to_settle(seeded):
    for doc_id in seeded.document_ids():
        text = seeded.get_text(doc_id)
        for seed in range(12):
            rng = random.Random(f"{seed}:{doc_id}")
            names = ["a", "b", "c"][:2 + seed % 2]
            layers = {name: labeler_layer(text, rng, noise=0.05 * (seed % 5)) for name in names}
            if seed % 4 == 3:  # one labeler did no zones at all
                layers["b"] = layers["b"].__class__(layers["b"].empty(len(text)).zones,
                                                    layers["b"].entities, layers["b"].stances)
            expected = len(adj.disagreements(text, layers))
            assert disagreement_count(len(text), [marks(layers[n], text) for n in names]) \
                == expected


def test_the_queue_is_the_one_adjudication_computes_and_pages(labeled):
    labeled.set_status(labeled.document_ids()[2], "rev", "reviewed")
    expected = adj.review_queue(labeled, reviewer="rev")
    assert review_queue(labeled, reviewer="rev") == expected
    assert review_queue(labeled, ["b", "a"], "rev") == expected
    assert review_queue(labeled, reviewer="rev", offset=2, limit=3) == expected[2:5]
    assert review_queue(labeled) == [(d, n, "todo") for d, n, _s in expected]
    assert review_queue(labeled, ["a"]) == []


def test_an_edit_moves_the_document_in_the_queue(labeled):
    before = dict((d, n) for d, n, _s in review_queue(labeled))
    last = min(before, key=lambda d: (before[d], d))
    text = labeled.get_text(last)
    labeled.edit(last, "b", "b", "zone", lambda layer: set_zone(layer, 0, len(text), "boilerplate"))
    labeled.edit(last, "b", "b", "entity",
                 lambda layer: add_entity(layer, Entity(0, 3, "MISC")))
    after = review_queue(labeled)
    assert after == adj.review_queue(labeled)
    assert dict((d, n) for d, n, _s in after)[last] > before[last]


def test_counts_kept_by_an_older_version_are_computed_again(labeled):
    expected = adj.review_queue(labeled)
    forget_tallies(labeled)
    with labeled.write():  # the table as version 1 kept it: no disagreement counts
        old = _TABLE.replace("    disagreements INTEGER NOT NULL,"
                             "     -- units a reviewer has to settle (the review queue)\n", "")
        assert "disagreements" not in old
        labeled.conn.execute(old)
    assert review_queue(labeled) == expected

