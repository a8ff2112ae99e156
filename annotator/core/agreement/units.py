"""What agreement compares of one layer (Marks), and stance units: who holds which stance
towards whom."""
from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Mapping

from ..arabic import normalize_text
from ..model import AUTHOR, NONE_ZONE, EntityRef, Layer, Stance

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


# (start, end, label) of a stored zone or entity, picked in C: read for every mark of a corpus.
_SPAN = itemgetter("start", "end", "label")


def _json_party(party, text: str, canonical) -> str:
    if isinstance(party, dict):
        return party_key(EntityRef(party["start"], party["end"]), text, canonical)
    return party_key(party, text, canonical)


