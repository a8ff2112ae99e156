"""Scores of suggestions against a reference layer (e.g. gold), so that rules improve with
evidence rather than by feel.

Zones:
- boundaries: each place where one zone label gives way to another. A predicted boundary is
  right if it lies within `tolerance` visible characters of a reference boundary not yet
  matched (whitespace between two boundaries does not count: "end the body before or after
  the blank line" is the same decision). Precision, recall and F1 over all boundaries.
- characters: per label, precision/recall/F1 over visible (non-whitespace) characters, and the
  share of visible characters whose label is right. Text the reference leaves `none` is not
  scored.
Entities: exact span and label, precision/recall/F1 per label.
Figures are summed over documents (micro averages); documents without a reference are skipped.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from ..core.agreement import boundaries, boundary_matches
from ..core.model import NONE_ZONE, Layer
from . import ACCEPT, REJECT, live_changes


@dataclass
class PRF:
    true_positive: int = 0
    predicted: int = 0
    reference: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.reference if self.reference else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.true_positive += other.true_positive
        self.predicted += other.predicted
        self.reference += other.reference

    def to_json(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "true_positive": self.true_positive,
                "predicted": self.predicted, "reference": self.reference}


@dataclass
class Score:
    documents: int = 0
    boundaries: PRF = field(default_factory=PRF)
    chars_right: int = 0
    chars_scored: int = 0
    zone_labels: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    entity_labels: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))

    @property
    def char_accuracy(self) -> float:
        return self.chars_right / self.chars_scored if self.chars_scored else 0.0

    @property
    def entities(self) -> PRF:
        total = PRF()
        for prf in self.entity_labels.values():
            total.add(prf)
        return total

    def add(self, other: "Score") -> None:
        self.documents += other.documents
        self.boundaries.add(other.boundaries)
        self.chars_right += other.chars_right
        self.chars_scored += other.chars_scored
        for label, prf in other.zone_labels.items():
            self.zone_labels[label].add(prf)
        for label, prf in other.entity_labels.items():
            self.entity_labels[label].add(prf)

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "zones": {
                "boundaries": self.boundaries.to_json(),
                "char_accuracy": round(self.char_accuracy, 4),
                "chars_scored": self.chars_scored,
                "labels": {k: v.to_json() for k, v in sorted(self.zone_labels.items())},
            },
            "entities": {
                "all": self.entities.to_json(),
                "labels": {k: v.to_json() for k, v in sorted(self.entity_labels.items())},
            },
        }


def _label_changes(layer: Layer) -> list[int]:
    """Offsets where the zone label changes (adjacent zones of one label are one zone)."""
    return boundaries([(z.start, z.end, z.label) for z in layer.zones])


def score_document(text: str, predicted: Layer, reference: Layer, tolerance: int = 3,
                   zones: bool = True, entities: bool = True) -> Score:
    score = Score(documents=1)
    if zones and any(z.label != NONE_ZONE for z in reference.zones):
        _score_zones(text, predicted, reference, tolerance, score)
    if entities:
        _score_entities(predicted, reference, score)
    return score


def _score_zones(text: str, predicted: Layer, reference: Layer, tolerance: int,
                 score: Score) -> None:
    # visible[i] = visible characters before offset i: the distance between two offsets that
    # ignores whitespace.
    visible = [0]
    for ch in text:
        visible.append(visible[-1] + (not ch.isspace()))
    # Matched one-to-one as agreement matches zone boundaries, in visible characters.
    ref_bounds = [visible[b] for b in _label_changes(reference)]
    pred_bounds = [visible[b] for b in _label_changes(predicted)]
    hits = boundary_matches(ref_bounds, pred_bounds, tolerance)
    score.boundaries.add(PRF(hits, len(pred_bounds), len(ref_bounds)))

    ref_starts = [z.start for z in reference.zones]
    pred_starts = [z.start for z in predicted.zones]
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        ref = reference.zones[bisect.bisect_right(ref_starts, i) - 1].label
        if ref == NONE_ZONE:
            continue
        pred = predicted.zones[bisect.bisect_right(pred_starts, i) - 1].label \
            if predicted.zones else NONE_ZONE
        score.chars_scored += 1
        score.zone_labels[ref].reference += 1
        if pred != NONE_ZONE:
            score.zone_labels[pred].predicted += 1
        if pred == ref:
            score.chars_right += 1
            score.zone_labels[ref].true_positive += 1


def _score_entities(predicted: Layer, reference: Layer, score: Score) -> None:
    pred = {(e.start, e.end, e.label) for e in predicted.entities}
    ref = {(e.start, e.end, e.label) for e in reference.entities}
    for label in {e[2] for e in pred | ref}:
        p = {e for e in pred if e[2] == label}
        r = {e for e in ref if e[2] == label}
        score.entity_labels[label].add(PRF(len(p & r), len(p), len(r)))


def score_project(project, reference: str, predicted: str, tolerance: int = 3,
                  zones: bool = True, entities: bool = True) -> Score:
    """Sum of `score_document` over the documents that have the reference layer."""
    total = Score()
    for doc, _name, ref_layer in project.iter_layers(reference):
        pred_layer = project.get_layer(doc.id, predicted)
        total.add(score_document(doc.text, pred_layer, ref_layer, tolerance, zones, entities))
    return total


def _zone_keys(data: dict | None) -> set[tuple[int, int, str]]:
    return {(z["start"], z["end"], z["label"]) for z in (data or {}).get("zones", ())
            if z["label"] != NONE_ZONE}


def _entity_keys(data: dict | None) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in (data or {}).get("entities", ())}


def suggestion_counts(project) -> dict[str, dict[str, int]]:
    """Per labeler, how many suggestions (zones and entities) they accepted and rejected, from
    the change log; undone accepts and rejects do not count."""
    changes = project.history()
    counts = {c.who: {"accepted": 0, "rejected": 0} for c in changes
              if c.action in (ACCEPT, REJECT)}
    for action, key in ((ACCEPT, "accepted"), (REJECT, "rejected")):
        for change in live_changes(changes, action):
            before, after = (change.before, change.after) if action == ACCEPT \
                else (change.after, change.before)
            # accepted: what the labeler's layer gained; rejected: what suggestions lost.
            items = len(_entity_keys(after) - _entity_keys(before)) \
                + len(_zone_keys(after) - _zone_keys(before))
            counts[change.who][key] += items
    return counts
