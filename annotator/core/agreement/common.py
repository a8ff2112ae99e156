"""Names every part of agreement shares."""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from ..model import GOLD, SUGGESTIONS

# Layers that are not a labeler's: they never take part in agreement.
NOT_LABELERS = frozenset({GOLD, SUGGESTIONS})
# The category of "nothing there" (no entity on a token, no stance for a unit). Parenthesised so
# that it cannot collide with a schema label (schema names are plain words).
NOTHING = "(none)"
DEFAULT_TOLERANCE = 5
PAIR_SEPARATOR = "|"

Span = tuple[int, int, str]
StanceKey = tuple[str, str]

# Tokens for the token-level kappa. Not core.tokenize (the CoNLL tokenizer): that one looks at
# every character in Python, far too slow for 100,000 documents; this one needs a regex only
# near entities and str.split for the count.
_TOKEN = re.compile(r"\S+")


def add_counts(into: dict, counts: Mapping, sign: int = 1) -> None:
    for key, n in counts.items():
        total = into.get(key, 0) + sign * n
        if total:
            into[key] = total
        else:
            into.pop(key, None)  # taken away again: gone, as if never counted


def label_counts(spans: Iterable[Span]) -> dict:
    # A plain loop: for the ~20 spans of a document, Counter's own setup costs more than it
    # saves (it ran four times per document).
    counts: dict = {}
    for _s, _e, label in spans:
        counts[label] = counts.get(label, 0) + 1
    return counts
