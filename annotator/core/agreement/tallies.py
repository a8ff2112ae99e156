"""Per-document and per-pair tallies that add up over documents, what a reviewer has to
settle, and the whole computation (compute, Agreement)."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

from ..model import NONE_ZONE

from .common import DEFAULT_TOLERANCE, NOTHING, NOT_LABELERS, PAIR_SEPARATOR, label_counts
from .units import Marks
from .coefficients import AlphaTally, FleissTally, cohen_kappa
from .entities import overlap_matches, token_confusion, token_count
from .zones import boundaries, boundary_matches, char_confusion, pk_window, segmentation_errors

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
        # Written out, in the order of _NUMBERS and _COUNTERS (read back by add_json): once
        # per document. Label counts are keyed by a label, the confusion tables by a pair.
        return [[self.entity_documents, self.zone_documents, self.boundaries_first,
                 self.boundaries_second, self.boundaries_matched, self.pk_errors,
                 self.wd_errors, self.windows],
                [[[k, v] for k, v in self.in_first.items()],
                 [[k, v] for k, v in self.in_second.items()],
                 [[k, v] for k, v in self.exact.items()],
                 [[k, v] for k, v in self.overlap.items()],
                 [[a, b, v] for (a, b), v in self.tokens.items()],
                 [[a, b, v] for (a, b), v in self.chars.items()],
                 [[a, b, v] for (a, b), v in self.stance.items()]]]

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


def compare_pair(text: str, first: Marks, second: Marks, tolerance: int,
                 tokens: int | None = None) -> PairTally:
    """One document, one pair: the counts every pair figure is made of."""
    ref, hyp = first.entities, second.entities
    both = set(ref).intersection(hyp)
    exact = label_counts(both)
    tally = PairTally(entity_documents=1, in_first=label_counts(ref),
                      in_second=label_counts(hyp), exact=exact,
                      overlap=overlap_matches(ref, hyp, both, exact),
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
