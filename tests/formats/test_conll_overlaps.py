"""CoNLL export picks, among overlapping entities, the longest first (the same choice as the
quadratic scan it replaced, checked on random layouts)."""
import random

from annotator.core.model import Entity
from annotator.formats.conll import _longest_first


def reference(entities):
    kept = []
    for ent in sorted(entities, key=lambda e: (-(e.end - e.start), e.start, e.label)):
        if all(ent.end <= k.start or k.end <= ent.start for k in kept):
            kept.append(ent)
    return sorted(kept)


def test_longest_first_matches_the_plain_scan():
    rng = random.Random(5)
    for _ in range(300):
        ents = set()
        for _ in range(rng.randrange(0, 30)):
            start = rng.randrange(0, 100)
            ents.add(Entity(start, start + rng.randrange(1, 12), rng.choice("ABC")))
        ents = tuple(ents)
        assert _longest_first(ents) == reference(ents)
