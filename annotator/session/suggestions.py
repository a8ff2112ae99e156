"""Machine suggestions as the labeler sees them: only what their layer does not have yet, which
of them the selection touches, and what accepting or rejecting them does to a layer. Pure
functions over core.model layers; AnnotationSession applies them through the store."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..core.model import NONE_ZONE, Entity, Layer, Zone, add_entity, remove_entity, set_zone


def entity_items(entities) -> list[tuple]:
    """Entities with every attribute (Entity equality ignores the canonical name)."""
    return [(e.start, e.end, e.label, e.canonical) for e in entities]


def pending_suggestions(suggestions: Layer | None, layer: Layer | None) -> Layer | None:
    """The suggestions the labeler's layer does not already have: entities not in it with the
    same span and label; zones whose text is not already all of that zone (the others become
    unlabeled, so the result still tiles the text)."""
    if suggestions is None or layer is None:
        return None
    have = {(e.start, e.end, e.label) for e in layer.entities}
    entities = tuple(e for e in suggestions.entities if (e.start, e.end, e.label) not in have)
    zones = []
    for zone in suggestions.zones:
        label = zone.label
        if label != NONE_ZONE and all(z.label == label for z in layer.zones
                                      if z.start < zone.end and zone.start < z.end):
            label = NONE_ZONE
        if zones and zones[-1].label == label and zones[-1].end == zone.start:
            zones[-1] = Zone(zones[-1].start, zone.end, label)
        else:
            zones.append(Zone(zone.start, zone.end, label))
    return Layer(tuple(zones), entities, ())


def suggestions_at(pending: Layer | None, start: int, end: int
                   ) -> tuple[list[Zone], list[Entity]]:
    """The pending suggestions the selection [start, end) overlaps (or the caret is in)."""
    if pending is None:
        return [], []

    def hit(a: int, b: int) -> bool:
        return (a < end and start < b) if start < end else a <= start < b
    zones = [z for z in pending.zones if z.label != NONE_ZONE and hit(z.start, z.end)]
    entities = [e for e in pending.entities if hit(e.start, e.end)]
    return zones, entities


def innermost(zones: list[Zone], entities: list[Entity]) -> tuple[list[Zone], list[Entity]]:
    """The one suggestion an accept or reject at the caret takes: an entity before the zone
    around it, the shortest span first (then the earliest)."""
    if entities:
        return [], [min(entities, key=lambda e: (e.end - e.start, e.start, e.label))]
    if zones:
        return [min(zones, key=lambda z: (z.end - z.start, z.start))], []
    return [], []


def next_suggestion(pending: Layer | None, caret: int) -> tuple[int, int] | None:
    """The span of the next suggestion after the caret (from the start after the last)."""
    spans = [] if pending is None else sorted(
        {(z.start, z.end) for z in pending.zones if z.label != NONE_ZONE}
        | {(e.start, e.end) for e in pending.entities})
    following = [s for s in spans if s[0] > caret]
    return (following or spans or [None])[0]


def accepting(zones: list[Zone], entities: list[Entity]) -> Callable[[Layer], Layer]:
    """The edit of the labeler's layer that takes these suggestions."""
    def change(layer: Layer) -> Layer:
        for zone in zones:
            layer = set_zone(layer, zone.start, zone.end, zone.label)
        for entity in entities:
            # The suggestion's provenance (gazetteer, variant matched) stays with the
            # suggestion; the change log records that this entity came from an accept.
            layer = add_entity(layer, replace(entity, extra=()))
        return layer
    return change


def rejecting(zones: list[Zone], entities: list[Entity]) -> Callable[[Layer], Layer]:
    """The edit of the suggestions layer that drops these suggestions."""
    def change(layer: Layer) -> Layer:
        for zone in zones:
            layer = set_zone(layer, zone.start, zone.end, NONE_ZONE)
        for entity in entities:
            layer = remove_entity(layer, entity)
        return layer
    return change
