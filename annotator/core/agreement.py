"""Agreement between labelers: entities, zones and stance; per document, label, pair and overall.

Pure Python (no Qt, no numpy). Every figure is computed from counts that add up over documents,
so 100,000 documents stream through in one pass and the overall figure is exactly the one a
library would give on the concatenated data.

What each figure is (the JSON of `annotator agree` uses these names):

entities, per labeler pair "a|b" (a is the reference, b the hypothesis; F1 is symmetric):
  exact       precision / recall / F1: same start, end and label.
  overlap     the same, where spans of the same label that overlap count as a match; matching is
              one-to-one, largest overlap first.
  token_cohen_kappa
              Cohen's kappa over tokens (maximal runs of non-space characters, punctuation
              attached as written); a token's label is the label of the entity that overlaps it
              (the longest one if several), `(none)` if none does.
zones, per pair (only documents where both labelers labeled some zone):
  char_cohen_kappa   Cohen's kappa over characters, categories = zone labels including `none`.
  per_label char_f1  per zone label, agreement on its characters: 2·both / (a's + b's).
  boundary_f1        inner boundaries (where the zone label changes) matched one-to-one when at
                     most `tolerance` characters apart.
  pk, windowdiff     Beeferman et al. 1999, Pevzner & Hearst 2002 over characters, a as the
                     reference; window k = half the mean length of a's segments (rounded, ≥ 1);
                     windows i = 0 … N−k as in NLTK; pooled over all windows of all documents.
stance, over units (document, holder, target) → value; a labeler who annotated the document but
  has no stance for a unit another labeler marked gives it the value `(none)`; a labeler without
  a layer for the document is missing (Krippendorff) or the unit is left out (Cohen, Fleiss):
  cohen_kappa        per pair; at the top level when there are exactly two labelers.
  fleiss_kappa       over units every labeler rated (Fleiss 1971).
  krippendorff_alpha nominal, missing data allowed (Krippendorff 2011).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

from .arabic import normalize_text
from .model import AUTHOR, GOLD, NONE_ZONE, SUGGESTIONS, EntityRef, Layer, Stance

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


# -- stance units: who holds which stance towards whom --------------------------------------------

@lru_cache(maxsize=1 << 16)  # the same few names come back in every document
def name_key(name: str) -> str:
    """A holder's or target's name as stance units compare it: two labelers name the same
    party with different mentions or spellings (أوستن / اوستن, with or without tashkeel)."""
    return " ".join(normalize_text(name).split())


def party_key(party: str | EntityRef, text: str, canonical: Mapping[tuple[int, int], str]) -> str:
    if isinstance(party, EntityRef):
        span = (party.start, party.end)
        return name_key(canonical.get(span) or text[party.start:party.end])
    return AUTHOR if party == AUTHOR else name_key(party)


def stance_key(stance: Stance, text: str, canonical: Mapping[tuple[int, int], str]
               ) -> StanceKey:
    return (party_key(stance.holder, text, canonical), party_key(stance.target, text, canonical))


def canonical_names(layer: Layer) -> dict[tuple[int, int], str]:
    return {(e.start, e.end): e.canonical for e in layer.entities if e.canonical}


# -- what agreement compares of one layer ---------------------------------------------------------

@dataclass(frozen=True)
class Marks:
    """One labeler's annotations of one document, as the plain tuples the metrics compare."""
    length: int
    zones: tuple[Span, ...]            # tiles [0, length)
    entities: tuple[Span, ...]         # sorted, each once
    stances: Mapping[StanceKey, str] = field(default_factory=dict)  # unit key -> value

    @property
    def has_zones(self) -> bool:
        return any(z[2] != NONE_ZONE for z in self.zones)


def marks(layer: Layer, text: str) -> Marks:
    canonical = canonical_names(layer)
    stances: dict[StanceKey, str] = {}
    for s in layer.stances:
        # A labeler who gave one unit two values keeps the first: a unit has one value.
        stances.setdefault(stance_key(s, text, canonical), s.value)
    return Marks(len(text), tuple((z.start, z.end, z.label) for z in layer.zones),
                 tuple(sorted({(e.start, e.end, e.label) for e in layer.entities})), stances)


def marks_from_json(data: Mapping[str, Any], text: str) -> Marks:
    """The same as `marks(layer_from_json(data, text), text)` for a stored (already validated)
    layer, without building the Layer: agreement over a whole corpus reads these by the
    hundred thousand."""
    zones = tuple([(z["start"], z["end"], z["label"]) for z in data["zones"]]) \
        or ((0, len(text), NONE_ZONE),)
    raw = data["entities"]
    # Stored layers were validated: each entity is there once.
    entities = tuple(sorted([(e["start"], e["end"], e["label"]) for e in raw]))
    stances: dict[StanceKey, str] = {}
    if data["stances"]:
        canonical = {(e["start"], e["end"]): e["canonical"] for e in raw if e.get("canonical")}
        for s in data["stances"]:
            key = (_json_party(s["holder"], text, canonical),
                   _json_party(s["target"], text, canonical))
            stances.setdefault(key, s["value"])
    return Marks(len(text), zones, entities, stances)


def _json_party(party, text: str, canonical) -> str:
    if isinstance(party, dict):
        return party_key(EntityRef(party["start"], party["end"]), text, canonical)
    return party_key(party, text, canonical)


# -- chance-corrected coefficients --------------------------------------------------------------

def cohen_kappa(confusion: Mapping[tuple[Any, Any], int]) -> float | None:
    """Cohen's kappa from a confusion table {(a's category, b's category): count}.

    None when undefined: no items, or both labelers used one and the same category throughout
    (expected agreement 1; scikit-learn returns NaN there)."""
    n = sum(confusion.values())
    if n == 0:
        return None
    agree = 0
    first: dict = {}
    second: dict = {}
    for (x, y), count in confusion.items():
        first[x] = first.get(x, 0) + count
        second[y] = second.get(y, 0) + count
        if x == y:
            agree += count
    chance = sum(count * second.get(c, 0) for c, count in first.items())
    if chance == n * n:
        return None
    return (n * agree - chance) / (n * n - chance)


def cohen_kappa_of(first: Sequence, second: Sequence) -> float | None:
    if len(first) != len(second):
        raise ValueError("both labelers must rate the same items")
    return cohen_kappa(Counter(zip(first, second)))


class FleissTally:
    """Fleiss' kappa, one unit at a time: each unit is {category: number of raters}, the same
    number of raters (≥ 2) for every unit. Integer sums only, so units can also be taken
    away again exactly (`sign=-1`)."""

    def __init__(self) -> None:
        self.units = 0
        self.raters: int | None = None
        self.agreeing = 0            # Σ_units (Σ_c n_c² − m)
        self.totals: dict = {}       # raters per category over all units

    def add(self, counts: Mapping[Any, int], sign: int = 1) -> None:
        m = sum(counts.values())
        if self.raters is None:
            if m < 2:
                raise ValueError("Fleiss' kappa needs at least two raters per unit")
            self.raters = m
        elif m != self.raters:
            raise ValueError(f"every unit needs {self.raters} ratings, this one has {m}")
        self.units += sign
        self.agreeing += sign * (sum(c * c for c in counts.values()) - m)
        _add_counts(self.totals, counts, sign)
        if not self.units:
            self.raters = None

    def to_json(self) -> list:
        return [self.units, self.raters, self.agreeing, list(self.totals.items())]

    def load(self, data: list) -> None:
        self.units, self.raters, self.agreeing, totals = data
        self.totals = dict(totals)

    def merge(self, other: "FleissTally") -> None:
        """Add the units another tally counted (over other documents)."""
        if not other.units:
            return
        if self.raters is not None and other.raters != self.raters:
            raise ValueError(f"every unit needs {self.raters} ratings, these have {other.raters}")
        self.raters = other.raters
        self.units += other.units
        self.agreeing += other.agreeing
        _add_counts(self.totals, other.totals)

    def kappa(self) -> float | None:
        if not self.units:
            return None
        m = self.raters
        ratings = self.units * m
        # Integers up to the one division: the same figure whatever order the totals were
        # added in (tallies summed by several processes, or kept from earlier runs).
        squares = sum(t * t for t in self.totals.values())
        if squares == ratings * ratings:
            return None
        expected = squares / (ratings * ratings)
        observed = self.agreeing / (self.units * m * (m - 1))
        return (observed - expected) / (1 - expected)


def fleiss_kappa(table: Iterable[Mapping[Any, int] | Sequence[int]]) -> float | None:
    """Fleiss' kappa of a table: one row per unit, {category: raters} or a list of counts."""
    tally = FleissTally()
    for row in table:
        tally.add(row if isinstance(row, Mapping) else dict(enumerate(row)))
    return tally.kappa()


class AlphaTally:
    """Krippendorff's alpha for nominal data, one unit at a time (missing values allowed: a
    unit is the values of the raters who rated it; units with fewer than two are not pairable
    and do not count). Integer sums only, as FleissTally."""

    def __init__(self) -> None:
        self.values: dict = {}        # n_c over pairable values
        self.disagreeing: dict = {}   # m → Σ over units of m values of (m² − Σ_c n_uc²)
        self.units = 0

    def add(self, values: Iterable[Any]) -> None:
        counts: dict = {}
        for v in values:
            if v is not None:
                counts[v] = counts.get(v, 0) + 1
        m = sum(counts.values())
        if m < 2:
            return
        self.units += 1
        _add_counts(self.values, counts)
        _add_counts(self.disagreeing, {m: m * m - sum(c * c for c in counts.values())})

    def merge(self, other: "AlphaTally", sign: int = 1) -> None:
        _add_counts(self.values, other.values, sign)
        _add_counts(self.disagreeing, other.disagreeing, sign)
        self.units += sign * other.units

    def to_json(self) -> list:
        return [list(self.values.items()), list(self.disagreeing.items()), self.units]

    @classmethod
    def from_json(cls, data: list) -> "AlphaTally":
        tally = cls()
        tally.values, tally.disagreeing, tally.units = dict(data[0]), dict(data[1]), data[2]
        return tally

    def alpha(self) -> float | None:
        n = sum(self.values.values())
        expected = n * n - sum(c * c for c in self.values.values())
        if n < 2 or expected == 0:
            return None  # no pairable values, or one value throughout: undefined
        observed = sum(d / (m - 1) for m, d in sorted(self.disagreeing.items()))
        return 1 - (n - 1) * observed / expected


def krippendorff_alpha(units: Iterable[Iterable[Any]]) -> float | None:
    """Nominal alpha of units given as the raters' values (None = missing)."""
    tally = AlphaTally()
    for unit in units:
        tally.add(unit)
    return tally.alpha()


# -- entities -----------------------------------------------------------------------------------

def overlap_matches(ref: Sequence[Span], hyp: Sequence[Span],
                    exact: set[Span] | None = None) -> dict[str, int]:
    """Matched entities per label, where a match is a one-to-one pairing of same-label spans
    that overlap: exact ones first, then by largest overlap (ties: smallest union).
    `exact`: the spans both have, if the caller already knows them."""
    if exact is None:
        exact = set(ref).intersection(hyp)
    matched = _label_counts(exact)
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


# -- what a reviewer has to settle -------------------------------------------------------------

def disagreement_count(length: int, by_labeler: Sequence[Marks]) -> int:
    """How many units of the document the labelers disagree on: the number
    `len(core.adjudication.disagreements(...))` gives, from the lean Marks instead of Layers,
    so that agreement keeps it for the review queue at no extra reading.

    Entities: groups of overlapping marks (of any labeler) where not every labeler marked the
    same spans and labels; zones: maximal stretches where the labelers' zone labels differ;
    stance: units whose values (a missing stance counts as one) differ."""
    count = 0
    # A group disagrees when one of its marks is not every labeler's: only groups holding
    # such a mark are counted, and a document where all agree costs two set operations.
    sets = [set(m.entities) for m in by_labeler]
    shared = set.intersection(*sets)
    every = set.union(*sets)
    if len(shared) < len(every):
        end = -1
        differs = False
        # Entities are never empty, so a mark another labeler also made joins the same group.
        for mark in sorted(every):
            if mark[0] < end:
                if mark[1] > end:
                    end = mark[1]
                if not differs and mark not in shared:
                    differs = True
            else:
                count += differs
                end, differs = mark[1], mark not in shared
        count += differs
    first_zones = by_labeler[0].zones
    if length and any(m.zones != first_zones for m in by_labeler[1:]):
        cuts = sorted({0, length}.union(*({z[0] for z in m.zones} for m in by_labeler)))
        cursors = [0] * len(by_labeler)
        differing = False
        for a in cuts[:-1]:
            labels = set()
            for i, m in enumerate(by_labeler):
                zones, k = m.zones, cursors[i]
                while k < len(zones) and zones[k][1] <= a:
                    k += 1
                cursors[i] = k
                labels.add(zones[k][2] if k < len(zones) and zones[k][0] <= a else NONE_ZONE)
            if len(labels) > 1:
                if not differing:
                    count += 1
                differing = True
            else:
                differing = False
    keys = set().union(*(m.stances.keys() for m in by_labeler))
    for key in keys:
        first = by_labeler[0].stances.get(key)
        if any(m.stances.get(key) != first for m in by_labeler[1:]):
            count += 1
    return count


# -- tallies that add up over documents ---------------------------------------------------------

def prf(matched: int, in_first: int, in_second: int) -> dict[str, Any]:
    return {"precision": _ratio(matched, in_second), "recall": _ratio(matched, in_first),
            "f1": _ratio(2 * matched, in_first + in_second),
            "counts": {"first": in_first, "second": in_second, "matched": matched}}


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


_COUNTERS = ("in_first", "in_second", "exact", "overlap", "tokens", "chars", "stance")
_NUMBERS = ("entity_documents", "zone_documents", "boundaries_first", "boundaries_second",
            "boundaries_matched", "pk_errors", "wd_errors", "windows")


def _add_counts(into: dict, counts: Mapping, sign: int = 1) -> None:
    for key, n in counts.items():
        total = into.get(key, 0) + sign * n
        if total:
            into[key] = total
        else:
            into.pop(key, None)  # taken away again: gone, as if never counted


@dataclass
class PairTally:
    """Everything one labeler pair (or all pairs pooled) has counted so far. Label counts are
    {label: n}; confusion tables are {(first's, second's): n}."""
    entity_documents: int = 0
    in_first: dict = field(default_factory=dict)
    in_second: dict = field(default_factory=dict)
    exact: dict = field(default_factory=dict)
    overlap: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    zone_documents: int = 0
    chars: dict = field(default_factory=dict)
    boundaries_first: int = 0
    boundaries_second: int = 0
    boundaries_matched: int = 0
    pk_errors: int = 0
    wd_errors: int = 0
    windows: int = 0
    stance: dict = field(default_factory=dict)

    def add(self, other: "PairTally") -> None:
        # Written out (no getattr loop over the field names): once per document and pair.
        for mine, theirs in ((self.in_first, other.in_first), (self.in_second, other.in_second),
                             (self.exact, other.exact), (self.overlap, other.overlap),
                             (self.tokens, other.tokens), (self.chars, other.chars),
                             (self.stance, other.stance)):
            for key, n in theirs.items():
                total = mine.get(key, 0) + n
                if total:
                    mine[key] = total
                else:
                    mine.pop(key, None)
        self.entity_documents += other.entity_documents
        self.zone_documents += other.zone_documents
        self.boundaries_first += other.boundaries_first
        self.boundaries_second += other.boundaries_second
        self.boundaries_matched += other.boundaries_matched
        self.pk_errors += other.pk_errors
        self.wd_errors += other.wd_errors
        self.windows += other.windows

    def to_json(self) -> list:
        return [[getattr(self, n) for n in _NUMBERS],
                [[[*k, v] if isinstance(k, tuple) else [k, v] for k, v in getattr(self, n).items()]
                 for n in _COUNTERS]]

    def add_json(self, data: list, sign: int = 1) -> None:
        """Add (or with sign=-1 take away) a tally in its `to_json` form."""
        for name, n in zip(_NUMBERS, data[0]):
            setattr(self, name, getattr(self, name) + sign * n)
        for name, items in zip(_COUNTERS, data[1]):
            into = getattr(self, name)
            for item in items:
                key = (item[0], item[1]) if len(item) == 3 else item[0]
                total = into.get(key, 0) + sign * item[-1]
                if total:
                    into[key] = total
                else:
                    into.pop(key, None)

    # -- figures ------------------------------------------------------------------------------
    def entity_figures(self) -> dict[str, Any]:
        labels = sorted(set(self.in_first) | set(self.in_second))
        first, second = sum(self.in_first.values()), sum(self.in_second.values())
        out: dict[str, Any] = {"documents": self.entity_documents}
        for mode, matched in (("exact", self.exact), ("overlap", self.overlap)):
            figures = prf(sum(matched.values()), first, second)
            figures["per_label"] = {lab: prf(matched.get(lab, 0), self.in_first.get(lab, 0),
                                             self.in_second.get(lab, 0)) for lab in labels}
            out[mode] = figures
        out["token_cohen_kappa"] = cohen_kappa(self.tokens)
        out["tokens"] = sum(self.tokens.values())
        return out

    def zone_figures(self, tolerance: int) -> dict[str, Any]:
        first, second = _margins(self.chars)
        boundary = prf(self.boundaries_matched, self.boundaries_first, self.boundaries_second)
        boundary["tolerance"] = tolerance
        return {
            "documents": self.zone_documents,
            "characters": sum(self.chars.values()),
            "char_cohen_kappa": cohen_kappa(self.chars),
            "per_label": {lab: {"char_f1": _ratio(2 * self.chars.get((lab, lab), 0),
                                                  first.get(lab, 0) + second.get(lab, 0)),
                                "first_chars": first.get(lab, 0),
                                "second_chars": second.get(lab, 0)}
                          for lab in sorted(set(first) | set(second))},
            "boundary_f1": boundary,
            "pk": _ratio(self.pk_errors, self.windows),
            "windowdiff": _ratio(self.wd_errors, self.windows),
            "windows": self.windows,
        }

    def stance_figures(self) -> dict[str, Any]:
        n = sum(self.stance.values())
        first, second = _margins(self.stance)
        values = sorted((set(first) | set(second)) - {NOTHING})
        return {
            "units": n,
            "observed_agreement": _ratio(_agreeing(self.stance), n),
            "cohen_kappa": cohen_kappa(self.stance),
            "per_value": {v: {"specific_agreement": _ratio(2 * self.stance.get((v, v), 0),
                                                           first.get(v, 0) + second.get(v, 0)),
                              "first": first.get(v, 0), "second": second.get(v, 0)}
                          for v in values},
        }

    def document_figures(self) -> dict[str, Any]:
        """The short per-document summary of this (one document's) tally."""
        first, second = sum(self.in_first.values()), sum(self.in_second.values())
        out: dict[str, Any] = {
            "entities": {"exact_f1": _ratio(2 * sum(self.exact.values()), first + second),
                         "overlap_f1": _ratio(2 * sum(self.overlap.values()), first + second),
                         "token_cohen_kappa": cohen_kappa(self.tokens)}}
        if self.zone_documents:
            out["zones"] = {
                "char_cohen_kappa": cohen_kappa(self.chars),
                "boundary_f1": _ratio(2 * self.boundaries_matched,
                                      self.boundaries_first + self.boundaries_second),
                "pk": _ratio(self.pk_errors, self.windows),
                "windowdiff": _ratio(self.wd_errors, self.windows)}
        units = sum(self.stance.values())
        if units:
            out["stance"] = {"units": units,
                             "observed_agreement": _ratio(_agreeing(self.stance), units)}
        return out


def _agreeing(confusion: Mapping[tuple[Any, Any], int]) -> int:
    return sum(c for (x, y), c in confusion.items() if x == y)


def _margins(confusion: Mapping[tuple[Any, Any], int]) -> tuple[dict, dict]:
    first: dict = {}
    second: dict = {}
    for (x, y), n in confusion.items():
        first[x] = first.get(x, 0) + n
        second[y] = second.get(y, 0) + n
    return first, second


def _label_counts(spans: Iterable[Span]) -> dict:
    # A plain loop: for the ~20 spans of a document, Counter's own setup costs more than it
    # saves (it ran four times per document).
    counts: dict = {}
    for _s, _e, label in spans:
        counts[label] = counts.get(label, 0) + 1
    return counts


def compare_pair(text: str, first: Marks, second: Marks, tolerance: int,
                 tokens: int | None = None) -> PairTally:
    """One document, one pair: the counts every pair figure is made of."""
    ref, hyp = first.entities, second.entities
    both = set(ref).intersection(hyp)
    tally = PairTally(entity_documents=1, in_first=_label_counts(ref),
                      in_second=_label_counts(hyp), exact=_label_counts(both),
                      overlap=overlap_matches(ref, hyp, both),
                      tokens=token_confusion(text, ref, hyp, tokens, both))
    if first.has_zones and second.has_zones:
        tally.zone_documents = 1
        tally.chars = char_confusion(first.zones, second.zones)
        rb, hb = boundaries(first.zones), boundaries(second.zones)
        tally.boundaries_first, tally.boundaries_second = len(rb), len(hb)
        tally.boundaries_matched = boundary_matches(rb, hb, tolerance)
        k = pk_window(rb, first.length)
        if rb == hb:  # the usual case: every window agrees, no need to sweep them
            tally.windows = max(0, first.length - k + 1)
        else:
            tally.pk_errors, tally.wd_errors, tally.windows = \
                segmentation_errors(rb, hb, first.length, k)
    stance = tally.stance
    for key in first.stances.keys() | second.stances.keys():
        pair = (first.stances.get(key, NOTHING), second.stances.get(key, NOTHING))
        stance[pair] = stance.get(pair, 0) + 1
    return tally


def pair_name(first: str, second: str) -> str:
    return f"{first}{PAIR_SEPARATOR}{second}"


@dataclass
class DocumentTally:
    """What one document adds to the report: a tally per labeler pair that has it, its stance
    units for Krippendorff (all labelers) and Fleiss (only if every labeler has it)."""
    pairs: dict[str, PairTally]
    alpha: AlphaTally
    fleiss_units: list[dict[str, int]]
    disagreements: int = 0  # units a reviewer has to settle (see disagreement_count)

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pairs": {name: t.document_figures()
                                         for name, t in self.pairs.items()}}
        if self.alpha.units:
            out["stance_krippendorff_alpha"] = self.alpha.alpha()
        return out

    def to_json(self) -> dict:
        return {"pairs": {name: t.to_json() for name, t in self.pairs.items()},
                "alpha": self.alpha.to_json(), "fleiss": self.fleiss_units}


class Agreement:
    """Feed documents one by one (`add`, or `add_json` with a tally kept from earlier), then
    read `report()`.

    `labelers` fixes the pairs: (a, b) for a before b in that order; a is the reference of the
    asymmetric figures (precision, recall, Pk, WindowDiff)."""

    def __init__(self, labelers: Sequence[str], tolerance: int = DEFAULT_TOLERANCE,
                 per_document: bool = True):
        if len(set(labelers)) != len(labelers):
            raise ValueError("a labeler is named twice")
        self.labelers = list(labelers)
        self.tolerance = tolerance
        self.per_document = per_document
        self.pairs = [pair_name(a, b) for a, b in combinations(self.labelers, 2)]
        self.tallies = {name: PairTally() for name in self.pairs}
        self.alpha = AlphaTally()
        self.fleiss = FleissTally()
        self.documents: dict[str, Any] = {}
        self.compared = 0

    def tally(self, text: str, by_labeler: Mapping[str, Marks]) -> DocumentTally | None:
        """One document's counts, or None when fewer than two of the labelers have it."""
        present = [name for name in self.labelers if name in by_labeler]
        if len(present) < 2:
            return None
        tokens = token_count(text)
        pairs = {pair_name(a, b): compare_pair(text, by_labeler[a], by_labeler[b],
                                               self.tolerance, tokens)
                 for a, b in combinations(present, 2)}
        alpha = AlphaTally()
        fleiss = []
        keys = set().union(*(by_labeler[name].stances.keys() for name in present))
        for key in sorted(keys):
            values = [by_labeler[name].stances.get(key, NOTHING) if name in by_labeler else None
                      for name in self.labelers]
            alpha.add(values)
            if len(present) == len(self.labelers):
                unit: dict[str, int] = {}
                for v in values:
                    unit[v] = unit.get(v, 0) + 1
                fleiss.append(unit)
        return DocumentTally(pairs, alpha, fleiss,
                             disagreement_count(len(text), [by_labeler[n] for n in present]))

    def add(self, doc_id: str, text: str, by_labeler: Mapping[str, Marks]) -> None:
        tally = self.tally(text, by_labeler)
        if tally is not None:
            self.add_tally(doc_id, tally)

    def add_tally(self, doc_id: str, tally: DocumentTally) -> None:
        self.compared += 1
        for name, pair in tally.pairs.items():
            self.tallies[name].add(pair)
        self.alpha.merge(tally.alpha)
        for unit in tally.fleiss_units:
            self.fleiss.add(unit)
        if self.per_document:
            self.documents[doc_id] = tally.figures()

    def add_json(self, data: Mapping[str, Any], sign: int = 1) -> None:
        """Add (sign=-1: take away) a document's tally in its `DocumentTally.to_json` form,
        without its per-document figures."""
        self.compared += sign
        for name, pair in data["pairs"].items():
            self.tallies[name].add_json(pair, sign)
        self.alpha.merge(AlphaTally.from_json(data["alpha"]), sign)
        for unit in data["fleiss"]:
            self.fleiss.add(unit, sign)

    def totals_json(self) -> dict:
        """Everything counted so far (not the per-document figures), for `load_totals`."""
        return {"compared": self.compared,
                "pairs": {name: t.to_json() for name, t in self.tallies.items()},
                "alpha": self.alpha.to_json(), "fleiss": self.fleiss.to_json()}

    def add_totals(self, data: Mapping[str, Any]) -> None:
        """Add everything another Agreement over the same labelers counted (`totals_json`),
        e.g. over other documents in another process."""
        self.compared += data["compared"]
        for name, pair in data["pairs"].items():
            self.tallies[name].add_json(pair)
        self.alpha.merge(AlphaTally.from_json(data["alpha"]))
        other = FleissTally()
        other.load(data["fleiss"])
        self.fleiss.merge(other)

    def load_totals(self, data: Mapping[str, Any]) -> None:
        self.compared = data["compared"]
        for name, pair in data["pairs"].items():
            self.tallies[name] = PairTally()
            self.tallies[name].add_json(pair)
        self.alpha = AlphaTally.from_json(data["alpha"])
        self.fleiss.load(data["fleiss"])

    def report(self) -> dict[str, Any]:
        pooled = PairTally()
        for tally in self.tallies.values():
            pooled.add(tally)
        stance_pairs = {name: self.tallies[name].stance_figures() for name in self.pairs}
        out: dict[str, Any] = {
            "labelers": self.labelers,
            "pairs": self.pairs,
            "documents_compared": self.compared,
            "settings": {"boundary_tolerance": self.tolerance,
                         "tokens": "runs of non-space characters",
                         "reference": "the first labeler of each pair"},
            "entities": {"pairs": {name: self.tallies[name].entity_figures()
                                   for name in self.pairs},
                         "overall": pooled.entity_figures()},
            "zones": {"pairs": {name: self.tallies[name].zone_figures(self.tolerance)
                                for name in self.pairs},
                      "overall": pooled.zone_figures(self.tolerance)},
            "stance": {
                "units": self.alpha.units,
                "cohen_kappa": (stance_pairs[self.pairs[0]]["cohen_kappa"]
                                if len(self.pairs) == 1 else None),
                "fleiss_kappa": self.fleiss.kappa(),
                "fleiss_units": self.fleiss.units,
                "krippendorff_alpha": self.alpha.alpha(),
                "pairs": stance_pairs,
                "overall": pooled.stance_figures(),
            },
        }
        if self.per_document:
            out["documents"] = self.documents
        return out


def labelers_of(layer_names: Iterable[str]) -> list[str]:
    """The labelers among layer names: every layer but gold and the suggestions."""
    return sorted(set(layer_names) - NOT_LABELERS)


def compute(documents: Iterable[tuple[str, str, Mapping[str, Marks]]], labelers: Sequence[str],
            tolerance: int = DEFAULT_TOLERANCE, per_document: bool = True) -> dict[str, Any]:
    """The whole report over (document id, text, {labeler: Marks}) triples."""
    agreement = Agreement(labelers, tolerance, per_document)
    for doc_id, text, by_labeler in documents:
        agreement.add(doc_id, text, by_labeler)
    return agreement.report()
