"""Zone agreement: character confusion, boundaries within a tolerance, Pk and WindowDiff."""
from __future__ import annotations

from collections import Counter
from typing import Sequence


from .common import Span

# -- zones --------------------------------------------------------------------------------------

def char_confusion(ref: Sequence[Span], hyp: Sequence[Span]) -> dict[tuple[str, str], int]:
    """{(a's zone label, b's zone label): characters} of two tilings of the same text."""
    confusion: dict[tuple[str, str], int] = {}
    i = j = 0
    pos = 0
    while i < len(ref) and j < len(hyp):
        r, h = ref[i], hyp[j]
        end = min(r[1], h[1])
        if end > pos:
            key = (r[2], h[2])
            confusion[key] = confusion.get(key, 0) + end - pos
            pos = end
        if r[1] == end:
            i += 1
        if h[1] == end:
            j += 1
    return confusion


def boundaries(zones: Sequence[Span]) -> list[int]:
    """Inner boundaries: offsets where the zone label changes."""
    return [z[0] for prev, z in zip(zones, zones[1:]) if z[2] != prev[2]]


def boundary_matches(ref: Sequence[int], hyp: Sequence[int], tolerance: int) -> int:
    """Boundaries matched one-to-one when at most `tolerance` apart (greedy over both sorted
    lists, which is a maximum matching on a line)."""
    i = j = matched = 0
    while i < len(ref) and j < len(hyp):
        if abs(ref[i] - hyp[j]) <= tolerance:
            matched += 1
            i += 1
            j += 1
        elif ref[i] < hyp[j]:
            i += 1
        else:
            j += 1
    return matched


def pk_window(ref_boundaries: Sequence[int], length: int) -> int:
    """Half the mean length of the reference segments, rounded, at least 1."""
    segments = len(ref_boundaries) + 1
    return max(1, int(length / segments / 2 + 0.5))


def segmentation_errors(ref: Sequence[int], hyp: Sequence[int], length: int, k: int
                        ) -> tuple[int, int, int]:
    """(Pk errors, WindowDiff errors, windows) of hyp against ref over `length` characters.

    Window i (0 ≤ i ≤ length − k) holds the boundaries b with i < b ≤ i + k, i.e. it asks
    whether characters i and i + k lie in different segments. Computed by sweeping the
    offsets where a boundary enters or leaves the window, not character by character."""
    windows = length - k + 1
    if windows <= 0:
        return 0, 0, 0
    events: Counter = Counter()
    for b in ref:
        events[(max(0, b - k), 0)] += 1
        events[(b, 0)] -= 1
    for b in hyp:
        events[(max(0, b - k), 1)] += 1
        events[(b, 1)] -= 1
    points = sorted({p for p, _side in events})
    in_ref = in_hyp = 0
    pk = wd = 0
    pos = 0
    for p in points + [windows]:
        stop = min(p, windows)
        if stop > pos:
            if (in_ref > 0) != (in_hyp > 0):
                pk += stop - pos
            if in_ref != in_hyp:
                wd += stop - pos
            pos = stop
        if p >= windows:
            break
        in_ref += events.get((p, 0), 0)
        in_hyp += events.get((p, 1), 0)
    return pk, wd, windows


