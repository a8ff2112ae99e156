"""What agreement compares of one layer (Marks), and stance units: who holds which stance
towards whom."""
from __future__ import annotations

import json
from functools import lru_cache
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Mapping

from ..arabic import normalize_text
from ..errors import ValidationError
from ..model import (AUTHOR, NONE_ZONE, EntityRef, Layer, Stance, layer_from_json,
                     layer_problem)

from .common import Span, StanceKey

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
    zones = tuple(map(_SPAN, data["zones"])) or ((0, len(text), NONE_ZONE),)
    raw = data["entities"]
    # Stored layers were validated: each entity is there once.
    entities = tuple(sorted(map(_SPAN, raw)))
    stances: dict[StanceKey, str] = {}
    if data["stances"]:
        canonical = {(e["start"], e["end"]): e["canonical"] for e in raw if e.get("canonical")}
        for s in data["stances"]:
            key = (_json_party(s["holder"], text, canonical),
                   _json_party(s["target"], text, canonical))
            stances.setdefault(key, s["value"])
    return Marks(len(text), zones, entities, stances)


# What screening a stored layer of any shape can raise (a list for a layer, a string for a span).
_UNSURE = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
_UNREAD = object()  # StoredLayers.problem: the JSON text is not decoded yet


class StoredLayers:
    """Marks of layers as a project file stores them, checked first: a file may have been
    edited by hand or damaged, and figures computed on a reversed span or a label outside the
    schema would be nonsense.

    The check that decides, and names what is wrong, is core.model.layer_problem (the one
    merge and `annotator check` use). Building the Layer it checks costs agreement ~40% more
    time, so layers are first screened on the lean Marks with the same invariants; only one
    the screen does not pass for certain is given to layer_problem. The writers that replace
    a stored layer without reading it (assist, import) ask `problem` of the layer they
    replace: its change-log row says whether it was damaged."""

    def __init__(self, schema):
        self.schema = schema
        self.zone_labels = frozenset(schema.zone_names) | {NONE_ZONE}
        self.entity_labels = frozenset(schema.entity_names)
        self.stance_values = frozenset(schema.stance_names)

    def marks(self, data, text: str) -> Marks:
        """The Marks of a stored layer's JSON text; ValidationError (one line) if it is not
        a sound layer of this text and schema."""
        try:
            value = json.loads(data)
            found = marks_from_json(value, text)
            if self._sound(value, found, text):
                return found
        except _UNSURE:
            pass
        problem = layer_problem(data, text, self.schema)
        if problem:
            raise ValidationError(problem)
        # Sound, in a shape the screen does not take (e.g. no "entities" list at all).
        return marks(layer_from_json(json.loads(data), text), text)

    def problem(self, data, text: str, value: Any = _UNREAD) -> str | None:
        """layer_problem(data, text, schema), screened first: what is wrong with a stored
        layer's JSON text, None if it holds. `value`: `data` already decoded, if it was."""
        try:
            if value is _UNREAD:
                value = json.loads(data)
            if self._sound(value, marks_from_json(value, text), text):
                return None
        except _UNSURE:
            pass
        return layer_problem(data, text, self.schema)

    def _sound(self, value: Mapping[str, Any], found: Marks, text: str) -> bool:
        """True only if the layer certainly holds every invariant of core.model.validate_layer
        and the schema's labels (False: let layer_problem decide)."""
        length = found.length
        pos = 0
        for start, end, label in found.zones:
            if type(start) is not int or type(end) is not int or start != pos or end <= start \
                    or label not in self.zone_labels:
                return False
            pos = end
        if pos != length:
            return False
        labels = self.entity_labels
        for e in value["entities"]:
            start, end = e["start"], e["end"]
            if type(start) is not int or type(end) is not int \
                    or not 0 <= start < end <= length or e["label"] not in labels \
                    or ("text" in e and e["text"] != text[start:end]):
                return False
            canonical = e.get("canonical")
            if canonical and type(canonical) is not str:  # (core.model._canonical)
                return False
        if len(set(found.entities)) != len(found.entities):  # one entity marked twice
            return False
        if value["stances"]:
            spans = {(s, e) for s, e, _label in found.entities}
            for s in value["stances"]:
                if s["value"] not in self.stance_values:
                    return False
                holder, target = s["holder"], s["target"]
                if holder != AUTHOR and not _entity_of(holder, spans):
                    return False
                if not (type(target) is str and target.strip()) \
                        and not _entity_of(target, spans):
                    return False
                for pair in s.get("evidence") or ():
                    if len(pair) != 2 or type(pair[0]) is not int \
                            or type(pair[1]) is not int or not 0 <= pair[0] < pair[1] <= length:
                        return False
        return True


def _entity_of(party, spans: set) -> bool:
    if type(party) is not dict:
        return False
    start, end = party.get("start"), party.get("end")
    return type(start) is int and type(end) is int and (start, end) in spans


# (start, end, label) of a stored zone or entity, picked in C: read for every mark of a corpus.
_SPAN = itemgetter("start", "end", "label")


def _json_party(party, text: str, canonical) -> str:
    if isinstance(party, dict):
        return party_key(EntityRef(party["start"], party["end"]), text, canonical)
    return party_key(party, text, canonical)


