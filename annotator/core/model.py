"""Documents and layers of annotations, as immutable values with their invariants.

Offsets are Python code-point indexes into the document's stored text, `end` exclusive.
Every edit is a pure function from one Layer to the next; the store persists the result and logs
the before/after pair, which is what makes undo, history and merge simple.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from .errors import ValidationError

NONE_ZONE = "none"
AUTHOR = "author"
GOLD = "gold"
SUGGESTIONS = "suggestions"


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, order=True)
class Zone:
    start: int
    end: int
    label: str

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass(frozen=True, order=True)
class Entity:
    start: int
    end: int
    label: str
    # An entity is identified by span and label; its canonical name is an attribute.
    canonical: str | None = field(default=None, compare=False)
    # Free-form provenance, e.g. on gold items which labelers had it and who decided.
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_json(self, text: str) -> dict:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label,
                               "text": text[self.start:self.end]}
        if self.canonical:
            out["canonical"] = self.canonical
        for key, value in self.extra:
            out[key] = value
        return out


@dataclass(frozen=True)
class EntityRef:
    """A stance holder or target that is an entity of the same layer, named by its span."""
    start: int
    end: int

    def to_json(self, text: str) -> dict:
        return {"start": self.start, "end": self.end, "text": text[self.start:self.end]}


@dataclass(frozen=True)
class Stance:
    holder: str | EntityRef  # AUTHOR or an entity of the layer
    target: str | EntityRef  # a schema target, free text, or an entity of the layer
    value: str
    evidence: tuple[tuple[int, int], ...] = ()
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def to_json(self, text: str) -> dict:
        def party(p):
            return p.to_json(text) if isinstance(p, EntityRef) else p
        out: dict[str, Any] = {"holder": party(self.holder), "target": party(self.target),
                               "value": self.value, "evidence": [list(e) for e in self.evidence]}
        for key, value in self.extra:
            out[key] = value
        return out


@dataclass(frozen=True)
class Layer:
    """One annotator's (or gold's, or the suggestions') annotations of one document.

    `zones` always tiles [0, len(text)) in order; unlabeled stretches carry NONE_ZONE.
    """
    zones: tuple[Zone, ...]
    entities: tuple[Entity, ...] = ()
    stances: tuple[Stance, ...] = ()

    @classmethod
    def empty(cls, text_length: int) -> "Layer":
        return cls(zones=(Zone(0, text_length, NONE_ZONE),) if text_length else ())

    def is_empty(self) -> bool:
        return (not self.entities and not self.stances
                and all(z.label == NONE_ZONE for z in self.zones))

    def to_json(self, text: str) -> dict:
        return {
            "zones": [z.to_json() for z in self.zones],
            "entities": [e.to_json(text) for e in self.entities],
            "stances": [s.to_json(text) for s in self.stances],
        }


# ---------------------------------------------------------------------------------------------
# Reading layers from JSON-like dicts (JSONL lines, change-log rows)

def _int(value: Any, what: str) -> int:
    if not _is_offset(value):
        raise ValidationError(f"{what} is not an integer: {value!r}")
    return value


# Derived on export (for JavaScript consumers), never stored.
_DERIVED = {"start_utf16", "end_utf16", "evidence_utf16"}


def _extra(item: dict, known: set[str]) -> tuple[tuple[str, Any], ...]:
    return tuple((k, v) for k, v in item.items() if k not in known and k not in _DERIVED)


def _canonical(value: Any) -> str | None:
    # Read as a name wherever it is used (stance units key parties by it): text or nothing.
    if not value:  # absent, null, "" (and any other empty value, as before): no name
        return None
    if not isinstance(value, str):
        raise ValidationError(f"entity canonical name is not text: {value!r}")
    return value


def _party(value: Any, what: str) -> str | EntityRef:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "start" in value and "end" in value:
        return EntityRef(_int(value["start"], f"{what} start"), _int(value["end"], f"{what} end"))
    raise ValidationError(f"stance {what} must be a string or an entity {{start, end}}: {value!r}")


def layer_from_json(data: dict, text: str) -> Layer:
    """Build a layer from the `zones` / `entities` / `stances` lists of a JSONL record.

    Missing or empty `zones` means all text is unlabeled. `text` fields on entities are checked
    against the document so that a file whose offsets drifted (the classic emoji/CRLF bug of other
    tools) is refused instead of silently imported.
    """
    try:
        zones = tuple(
            Zone(_int(z["start"], "zone start"), _int(z["end"], "zone end"), str(z["label"]))
            for z in data.get("zones") or ()
        ) or Layer.empty(len(text)).zones
        entities = []
        for e in data.get("entities") or ():
            ent = Entity(_int(e["start"], "entity start"), _int(e["end"], "entity end"),
                         str(e["label"]), _canonical(e.get("canonical")),
                         _extra(e, {"start", "end", "label", "text", "canonical"}))
            if "text" in e and 0 <= ent.start <= ent.end <= len(text) \
                    and text[ent.start:ent.end] != e["text"]:
                raise ValidationError(
                    f"entity [{ent.start}, {ent.end}) text {e['text']!r} does not match the "
                    f"document there ({text[ent.start:ent.end]!r})")
            entities.append(ent)
        stances = []
        for s in data.get("stances") or ():
            evidence = tuple((_int(a, "evidence start"), _int(b, "evidence end"))
                             for a, b in (s.get("evidence") or ()))
            stances.append(Stance(_party(s["holder"], "holder"), _party(s["target"], "target"),
                                  str(s["value"]), evidence,
                                  _extra(s, {"holder", "target", "value", "evidence"})))
    except KeyError as exc:
        raise ValidationError(f"annotation is missing the field {exc.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"malformed annotation: {exc}") from None
    return Layer(zones, tuple(entities), tuple(stances))


# ---------------------------------------------------------------------------------------------
# Invariants

def validate_layer(layer: Layer, text_length: int, schema=None) -> None:
    """Raise ValidationError naming the first broken invariant."""
    pos = 0
    for z in layer.zones:
        if not (_is_offset(z.start) and _is_offset(z.end)):
            raise ValidationError(f"zone offsets are not integers: [{z.start!r}, {z.end!r})")
        if z.start != pos:
            kind = "gap" if z.start > pos else "overlap"
            raise ValidationError(f"zones do not tile the text: {kind} at offset {min(pos, z.start)}")
        if z.end <= z.start:
            raise ValidationError(f"zone [{z.start}, {z.end}) is empty or reversed")
        pos = z.end
    if pos != text_length:
        raise ValidationError(
            f"zones do not tile the text: they end at {pos}, the text at {text_length}")
    seen = set()
    for e in layer.entities:
        _check_span(e.start, e.end, text_length, "entity")
        if (e.start, e.end, e.label) in seen:
            raise ValidationError(f"entity [{e.start}, {e.end}) {e.label} appears twice")
        seen.add((e.start, e.end, e.label))
        if e.canonical is not None and not isinstance(e.canonical, str):
            raise ValidationError(f"entity canonical name is not text: {e.canonical!r}")
    spans = {(e.start, e.end) for e in layer.entities}
    for s in layer.stances:
        for what, party in (("holder", s.holder), ("target", s.target)):
            if isinstance(party, EntityRef):
                _check_span(party.start, party.end, text_length, f"stance {what}")
                if (party.start, party.end) not in spans:
                    raise ValidationError(f"stance {what} [{party.start}, {party.end}) is not "
                                          "an entity of the layer")
            elif not isinstance(party, str):
                # What is written must read back: a stored party is text or an entity.
                raise ValidationError(f"stance {what} must be a string or an entity "
                                      f"{{start, end}}: {party!r}")
            elif not party.strip():
                raise ValidationError(f"stance {what} is empty")
        for a, b in s.evidence:
            _check_span(a, b, text_length, "stance evidence")
    if schema is not None:
        schema.check_layer(layer)


def read_stored_layer(data: Any, text: str, schema=None) -> tuple["Layer | None", str | None]:
    """A layer's JSON text as stored in a project file, checked: (the layer, None) when it
    holds, (None, what is wrong) when it does not.

    The one check of a stored layer that did not come through this process's store (a
    labeler's file for merge, `annotator check`, agreement, exports, the windows): anything
    may be in that column. Parsed once, whether the caller wants the layer or only the
    verdict."""
    try:
        value = json.loads(data)
    except (ValueError, TypeError, RecursionError) as exc:
        return None, f"not JSON ({exc})"
    if not isinstance(value, dict):
        return None, "not a layer object"
    try:
        layer = layer_from_json(value, text)
        validate_layer(layer, len(text), schema)
    except (ValidationError, ValueError, TypeError, RecursionError) as exc:
        return None, str(exc)
    return layer, None


def layer_problem(data: Any, text: str, schema=None) -> str | None:
    """What is wrong with a layer's JSON text as stored in a project file (None: nothing);
    see read_stored_layer."""
    return read_stored_layer(data, text, schema)[1]


def _is_offset(value: Any) -> bool:
    # An integer, as the reader (_int) takes it: what is written must read back, and 1.0 or
    # true would not.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_span(start: int, end: int, text_length: int, what: str) -> None:
    if not (_is_offset(start) and _is_offset(end)):
        raise ValidationError(f"{what} offsets are not integers: [{start!r}, {end!r})")
    if not 0 <= start < end <= text_length:
        raise ValidationError(
            f"{what} [{start}, {end}) is outside the text (length {text_length}) or empty")


# ---------------------------------------------------------------------------------------------
# Pure edits. Each returns a new Layer; none mutates.

def _merge_adjacent(zones: Iterable[Zone]) -> tuple[Zone, ...]:
    out: list[Zone] = []
    for z in zones:
        if z.end <= z.start:
            continue
        if out and out[-1].label == z.label and out[-1].end == z.start:
            out[-1] = Zone(out[-1].start, z.end, z.label)
        else:
            out.append(z)
    return tuple(out)


def set_zone(layer: Layer, start: int, end: int, label: str) -> Layer:
    """Give [start, end) the zone `label` (NONE_ZONE clears); neighbours are cut to fit."""
    if start > end:
        start, end = end, start
    total = layer.zones[-1].end if layer.zones else 0
    start, end = max(0, start), min(total, end)
    if start == end:
        return layer
    pieces: list[Zone] = []
    for z in layer.zones:
        if z.end <= start or z.start >= end:
            pieces.append(z)
            continue
        if z.start < start:
            pieces.append(Zone(z.start, start, z.label))
        if z.end > end:
            pieces.append(Zone(end, z.end, z.label))
    pieces.append(Zone(start, end, label))
    return replace(layer, zones=_merge_adjacent(sorted(pieces)))


def zone_boundaries(layer: Layer) -> list[int]:
    """Inner boundaries: every offset where one zone ends and the next begins."""
    return [z.start for z in layer.zones[1:]]


def move_boundary(layer: Layer, old: int, new: int) -> Layer:
    """Move the boundary at `old` to `new`; the neighbouring zones grow or shrink.

    A boundary cannot jump over another one: `new` is clamped to stay inside the two zones
    it separates (a zone can shrink to nothing, and then disappears).
    """
    zones = list(layer.zones)
    for i in range(1, len(zones)):
        if zones[i].start == old:
            left, right = zones[i - 1], zones[i]
            new = max(left.start, min(right.end, new))
            zones[i - 1] = Zone(left.start, new, left.label)
            zones[i] = Zone(new, right.end, right.label)
            return replace(layer, zones=_merge_adjacent(zones))
    raise ValidationError(f"no zone boundary at offset {old}")


def zone_at(layer: Layer, offset: int) -> Zone | None:
    for z in layer.zones:
        if z.start <= offset < z.end:
            return z
    return layer.zones[-1] if layer.zones and offset == layer.zones[-1].end else None


def add_entity(layer: Layer, entity: Entity) -> Layer:
    if entity in layer.entities:
        return layer
    return replace(layer, entities=tuple(sorted(layer.entities + (entity,))))


def remove_entity(layer: Layer, entity: Entity) -> Layer:
    """Remove the entity and any stance that names it as holder or target."""
    kept = tuple(e for e in layer.entities if e != entity)
    if len(kept) == len(layer.entities):
        return layer
    still = {(e.start, e.end) for e in kept}

    def ok(p):
        return not isinstance(p, EntityRef) or (p.start, p.end) in still
    stances = tuple(s for s in layer.stances if ok(s.holder) and ok(s.target))
    return replace(layer, entities=kept, stances=stances)


def relabel_entity(layer: Layer, entity: Entity, label: str) -> Layer:
    if entity not in layer.entities:
        return layer
    moved = replace(entity, label=label)
    others = tuple(e for e in layer.entities if e != entity and e != moved)
    return replace(layer, entities=tuple(sorted(others + (moved,))))


def add_stance(layer: Layer, stance: Stance) -> Layer:
    return replace(layer, stances=layer.stances + (stance,))


def replace_stance(layer: Layer, index: int, stance: Stance) -> Layer:
    stances = list(layer.stances)
    stances[index] = stance
    return replace(layer, stances=tuple(stances))


def remove_stance(layer: Layer, index: int) -> Layer:
    stances = list(layer.stances)
    del stances[index]
    return replace(layer, stances=tuple(stances))
