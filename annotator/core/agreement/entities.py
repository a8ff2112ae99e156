"""Entity agreement: exact and overlap matches, token labels and the token confusion."""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence


from .common import NOTHING, Span, _TOKEN, label_counts

# -- entities -----------------------------------------------------------------------------------

def overlap_matches(ref: Sequence[Span], hyp: Sequence[Span],
                    exact: set[Span] | None = None,
                    exact_counts: dict[str, int] | None = None) -> dict[str, int]:
    """Matched entities per label, where a match is a one-to-one pairing of same-label spans
    that overlap: exact ones first, then by largest overlap (ties: smallest union).
    `exact`: the spans both have, and `exact_counts` their label counts, if the caller already
    knows them."""
    if exact is None:
        exact = set(ref).intersection(hyp)
    matched = dict(exact_counts) if exact_counts is not None else label_counts(exact)
    if len(exact) == len(ref) or len(exact) == len(hyp):
        return matched
    left = sorted([(s, e, lab, 0, i) for i, (s, e, lab) in enumerate(ref)
                   if (s, e, lab) not in exact]
                  + [(s, e, lab, 1, i) for i, (s, e, lab) in enumerate(hyp)
                     if (s, e, lab) not in exact])
    active: tuple[list, list] = ([], [])
    candidates = []
    for s, e, label, side, i in left:
        other = active[1 - side]
        other[:] = [x for x in other if x[1] > s]
        for os_, oe, olabel, oi in other:
            if olabel == label:
                overlap = min(e, oe) - s
                union = max(e, oe) - os_
                pair = (oi, i) if side else (i, oi)
                candidates.append((-overlap, union, pair, label))
        active[side].append((s, e, label, i))
    used_ref: set[int] = set()
    used_hyp: set[int] = set()
    for _neg, _union, (ri, hi), label in sorted(candidates):
        if ri not in used_ref and hi not in used_hyp:
            used_ref.add(ri)
            used_hyp.add(hi)
            matched[label] = matched.get(label, 0) + 1
    return matched


def exact_matches(ref: Sequence[Span], hyp: Sequence[Span]) -> Counter:
    return Counter(label for _s, _e, label in set(ref).intersection(hyp))


def token_label(start: int, end: int, entities: Sequence[Span]) -> str:
    """The label a token [start, end) gets from a layer's entities: the longest overlapping
    entity's (then the earliest, then the first label by name), NOTHING if none overlaps."""
    best = None
    for s, e, label in entities:
        if s < end and e > start:
            rank = (-(e - s), s, label)
            if best is None or rank < best:
                best = rank
    return NOTHING if best is None else best[2]


def token_count(text: str) -> int:
    """Tokens in the text (runs of non-space characters)."""
    return len(text.split())


def token_confusion(text: str, ref: Sequence[Span], hyp: Sequence[Span],
                    tokens: int | None = None, both: set[Span] | None = None
                    ) -> dict[tuple[str, str], int]:
    """{(a's token label, b's token label): tokens}.

    Only tokens under an entity are looked at, every other one is (NOTHING, NOTHING). Entities
    are taken in groups that share tokens; a group of one entity (or of one entity both
    labelers marked alike) needs no tokenizing: its tokens are the words of its span."""
    if tokens is None:
        tokens = token_count(text)
    confusion: dict[tuple[str, str], int] = {}
    if both is None:
        both = set(ref).intersection(hyp)
    items = [(*x, _BOTH) for x in both]
    if len(both) < len(ref):
        items += [(*x, _FIRST) for x in ref if x not in both]
    if len(both) < len(hyp):
        items += [(*x, _SECOND) for x in hyp if x not in both]
    items.sort()
    search = _SPACE.search
    touched = 0
    alone: dict[tuple[str, str], list[str]] = {}  # (label, label) -> the spans' texts
    i, n_items = 0, len(items)
    while i < n_items:
        s, e, lab, side = items[i]
        j, group_end = i + 1, e
        # The group grows while the gap to the next entity holds no space; mostly a space
        # is right at one end of the gap.
        while j < n_items:
            start, end = items[j][0], items[j][1]
            if start < group_end or not (text[group_end].isspace() or text[start - 1].isspace()
                                         or search(text, group_end, start) is not None):
                if end > group_end:
                    group_end = end
                j += 1
            else:
                break
        if j == i + 1 and not text[s].isspace() and not text[e - 1].isspace():
            key = (lab, lab) if side == _BOTH else (lab, NOTHING) if side == _FIRST \
                else (NOTHING, lab)
            alone.setdefault(key, []).append(text[s:e])
        else:
            touched += _group_tokens(text, items[i:j], confusion)
        i = j
    for key, pieces in alone.items():
        count = len(" ".join(pieces).split())
        confusion[key] = confusion.get(key, 0) + count
        touched += count
    if tokens > touched:
        key = (NOTHING, NOTHING)
        confusion[key] = confusion.get(key, 0) + tokens - touched
    return confusion


_BOTH, _FIRST, _SECOND = 0, 1, 2
_SPACE = re.compile(r"\s")


def _group_tokens(text: str, group: list, confusion: dict) -> int:
    """Label each token of a group of entities that share tokens; returns the tokens seen."""
    n = len(text)
    start = min(x[0] for x in group)
    end = max(x[1] for x in group)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < n and not text[end].isspace():
        end += 1
    first = [x[:3] for x in group if x[3] != _SECOND]
    second = [x[:3] for x in group if x[3] != _FIRST]
    seen = 0
    for m in _TOKEN.finditer(text, start, end):
        ts, te = m.span()
        key = (token_label(ts, te, first), token_label(ts, te, second))
        confusion[key] = confusion.get(key, 0) + 1
        seen += 1
    return seen


