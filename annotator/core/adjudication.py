"""Where labelers disagree, and the gold layer a reviewer builds from their versions. Pure.

A document's labeler layers are cut into units, each of which the reviewer decides at once:
- entity units: clusters of entities that overlap (across labelers, transitively); a labeler's
  version is the entities they marked in the cluster (possibly none);
- zone units: maximal stretches of text where the labelers' zone labels differ, so a boundary
  set a few characters apart is one unit; a version is the labeler's zones clipped to it;
- stance units: (holder, target) keys (see core.agreement.stance_key); a version is the
  labeler's stance for the key, or None.
A unit is agreed when every labeler who has the document gives the same version (for stance:
the same value). Gold items record which labelers had them and who decided:
Entity.extra / Stance.extra = (("sources", [labelers]), ("decided_by", reviewer)).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from .agreement import NOT_LABELERS, canonical_names, name_key, stance_key
from .model import (NONE_ZONE, Entity, EntityRef, Layer, Stance, Zone, add_entity, set_zone)

ENTITY, ZONE, STANCE = "entity", "zone", "stance"
SOURCES, DECIDED_BY = "sources", "decided_by"


@dataclass(frozen=True)
class Unit:
    kind: str
    start: int
    end: int
    versions: tuple[tuple[str, Any], ...]  # (labeler, version), in labeler order
    key: str                               # names the unit within its document
    stance_key: tuple[str, str] | None = None

    @property
    def labelers(self) -> list[str]:
        return [name for name, _v in self.versions]

    def version(self, labeler: str) -> Any:
        return dict(self.versions)[labeler]

    @property
    def agreed(self) -> bool:
        first = _comparable(self.kind, self.versions[0][1])
        return all(_comparable(self.kind, v) == first for _n, v in self.versions[1:])

    def labelers_with(self, version: Any) -> list[str]:
        """The labelers whose version equals `version` (gold's, say)."""
        wanted = _comparable(self.kind, version)
        return [name for name, v in self.versions if _comparable(self.kind, v) == wanted]


def _comparable(kind: str, version: Any) -> Any:
    if kind == STANCE:
        return None if version is None else version.value
    return version


def labelers_in(layers: Mapping[str, Layer]) -> list[str]:
    return sorted(set(layers) - NOT_LABELERS)


def units(text: str, layers: Mapping[str, Layer], labelers: Sequence[str] | None = None
          ) -> list[Unit]:
    """Every unit of one document (agreed ones too), in text order; stance units last."""
    names = [n for n in (labelers or labelers_in(layers)) if n in layers]
    if not names:
        return []
    chosen = {n: layers[n] for n in names}
    found = _entity_units(chosen) + _zone_units(chosen, len(text))
    found.sort(key=lambda u: (u.start, u.end, u.kind))
    return found + _stance_units(chosen, text)


def disagreements(text: str, layers: Mapping[str, Layer], labelers: Sequence[str] | None = None
                  ) -> list[Unit]:
    return [u for u in units(text, layers, labelers) if not u.agreed]


def _entity_units(layers: Mapping[str, Layer]) -> list[Unit]:
    marks = sorted((e.start, e.end, name, e) for name, layer in layers.items()
                   for e in layer.entities)
    out = []
    group: list = []
    end = -1
    for item in marks + [None]:
        if item is not None and group and item[0] < end:
            group.append(item)
            end = max(end, item[1])
            continue
        if group:
            start = group[0][0]
            versions = tuple((name, tuple(sorted(x[3] for x in group if x[2] == name)))
                             for name in layers)
            out.append(Unit(ENTITY, start, end, versions, f"entity:{start}-{end}"))
        if item is not None:
            group, end = [item], item[1]
    return out


def _zone_units(layers: Mapping[str, Layer], length: int) -> list[Unit]:
    """Stretches where the labelers' zone labels differ (disagreements) and, between them,
    stretches where they agree (agreed units, so that 'accept all agreed' covers zones)."""
    cuts = sorted({0, length} | {z.start for layer in layers.values() for z in layer.zones})
    out = []
    run_start, run_agrees = 0, None
    for a, b in zip(cuts, cuts[1:]):
        labels = {_label_at(layer, a) for layer in layers.values()}
        agrees = len(labels) == 1
        if run_agrees is None:
            run_agrees = agrees
        elif agrees != run_agrees:
            out.append(_zone_unit(layers, run_start, a))
            run_start, run_agrees = a, agrees
    if length:
        out.append(_zone_unit(layers, run_start, length))
    # An agreed stretch that nobody labeled is no unit: there is nothing to accept.
    return [u for u in out if not u.agreed or any(z.label != NONE_ZONE for z in u.versions[0][1])]


def _label_at(layer: Layer, offset: int) -> str:
    for z in layer.zones:
        if z.start <= offset < z.end:
            return z.label
    return NONE_ZONE


def _zone_unit(layers: Mapping[str, Layer], start: int, end: int) -> Unit:
    versions = tuple((name, clip_zones(layer, start, end)) for name, layer in layers.items())
    return Unit(ZONE, start, end, versions, f"zone:{start}-{end}")


def clip_zones(layer: Layer, start: int, end: int) -> tuple[Zone, ...]:
    """The layer's zones on [start, end), neighbours of one label as one zone."""
    out: list[Zone] = []
    for z in layer.zones:
        if z.start < end and z.end > start:
            piece = Zone(max(z.start, start), min(z.end, end), z.label)
            if out and out[-1].label == piece.label:
                out[-1] = Zone(out[-1].start, piece.end, piece.label)
            else:
                out.append(piece)
    return tuple(out) or (Zone(start, end, NONE_ZONE),)


def _stance_units(layers: Mapping[str, Layer], text: str) -> list[Unit]:
    by_key: dict[tuple[str, str], dict[str, Stance]] = {}
    for name, layer in layers.items():
        canonical = canonical_names(layer)
        for s in layer.stances:
            by_key.setdefault(stance_key(s, text, canonical), {}).setdefault(name, s)
    out = []
    for key in sorted(by_key):
        found = by_key[key]
        versions = tuple((name, found.get(name)) for name in layers)
        start, end = _stance_span(next(iter(found.values())))
        out.append(Unit(STANCE, start, end, versions, f"stance:{key[0]}→{key[1]}", key))
    return out


def _stance_span(stance: Stance) -> tuple[int, int]:
    for party in (stance.holder, stance.target):
        if isinstance(party, EntityRef):
            return party.start, party.end
    if stance.evidence:
        return stance.evidence[0]
    return 0, 0


# -- gold ---------------------------------------------------------------------------------------

def provenance(sources: Iterable[str], reviewer: str) -> tuple[tuple[str, Any], ...]:
    return ((SOURCES, sorted(sources)), (DECIDED_BY, reviewer))


def gold_version(unit: Unit, gold: Layer, text: str) -> Any:
    """What gold says about the unit, in the form of a labeler's version."""
    if unit.kind == ENTITY:
        return tuple(sorted(e for e in gold.entities if e.start < unit.end and e.end > unit.start))
    if unit.kind == ZONE:
        return clip_zones(gold, unit.start, unit.end)
    canonical = canonical_names(gold)
    return next((s for s in gold.stances if stance_key(s, text, canonical) == unit.stance_key),
                None)


def gold_has(unit: Unit, gold: Layer, text: str) -> bool:
    """Has gold anything of its own in the unit's place (so 'accept agreed' leaves it alone)?"""
    version = gold_version(unit, gold, text)
    if unit.kind == ZONE:
        return any(z.label != NONE_ZONE for z in version)
    return bool(version)


def accept(gold: Layer, unit: Unit, labeler: str, reviewer: str, text: str,
           layers: Mapping[str, Layer]) -> Layer:
    """Gold with the unit decided as `labeler`'s version."""
    version = unit.version(labeler)
    if unit.kind == ENTITY:
        chosen = [replace(e, extra=provenance(_having_entity(unit, e), reviewer)) for e in version]
        return replace_entities(gold, unit.start, unit.end, chosen, text)
    if unit.kind == ZONE:
        for z in version:
            gold = set_zone(gold, z.start, z.end, z.label)
        return gold
    return set_stance(gold, unit, version, reviewer, text, layers)


def accept_agreed(gold: Layer, all_units: Iterable[Unit], reviewer: str, text: str,
                  layers: Mapping[str, Layer]) -> Layer:
    """Gold with every agreed unit accepted, except where gold already says something."""
    ordered = sorted((u for u in all_units if u.agreed),
                     key=lambda u: (u.kind == STANCE, u.start))  # entities before their stances
    for unit in ordered:
        if not gold_has(unit, gold, text):
            gold = accept(gold, unit, unit.labelers[0], reviewer, text, layers)
    return gold


def _having_entity(unit: Unit, entity: Entity) -> list[str]:
    return [name for name, version in unit.versions if entity in version]


def replace_entities(gold: Layer, start: int, end: int, chosen: Sequence[Entity], text: str
                     ) -> Layer:
    """Gold's entities overlapping [start, end) replaced by `chosen`. A stance whose holder or
    target was a replaced entity moves to a chosen entity of the same name, if there is one,
    else it goes (as with model.remove_entity)."""
    removed = {(e.start, e.end): e for e in gold.entities if e.start < end and e.end > start}
    entities = tuple(sorted([e for e in gold.entities if (e.start, e.end) not in removed]
                            + list(chosen)))
    spans = {(e.start, e.end) for e in entities}
    by_name: dict[str, Entity] = {}
    for e in chosen:
        by_name.setdefault(name_key(e.canonical or text[e.start:e.end]), e)

    def moved(party):
        if not isinstance(party, EntityRef) or (party.start, party.end) in spans:
            return party
        old = removed.get((party.start, party.end))
        name = name_key(old.canonical or text[old.start:old.end]) if old else None
        new = by_name.get(name) if name else None
        return EntityRef(new.start, new.end) if new else None

    stances = []
    for s in gold.stances:
        holder, target = moved(s.holder), moved(s.target)
        if holder is not None and target is not None:
            stances.append(replace(s, holder=holder, target=target))
    return Layer(gold.zones, entities, tuple(stances))


def set_stance(gold: Layer, unit: Unit, stance: Stance | None, reviewer: str, text: str,
               layers: Mapping[str, Layer], sources: Sequence[str] | None = None) -> Layer:
    """Gold's stance for the unit's key replaced by `stance` (None: removed). A holder or
    target entity gold lacks is taken from the layer the stance came from."""
    canonical = canonical_names(gold)
    stances = tuple(s for s in gold.stances
                    if stance_key(s, text, canonical) != unit.stance_key)
    gold = replace(gold, stances=stances)
    if stance is None:
        return gold
    owner = next((layers[n] for n, v in unit.versions if v is not None and n in layers
                  and _party_spans(v) == _party_spans(stance)), None)
    holder = _anchor(gold, stance.holder, owner, text, reviewer, unit, layers)
    gold = holder[1]
    target = _anchor(gold, stance.target, owner, text, reviewer, unit, layers)
    gold = target[1]
    if sources is None:
        sources = unit.labelers_with(stance)
    made = replace(stance, holder=holder[0], target=target[0],
                   extra=provenance(sources, reviewer))
    return replace(gold, stances=gold.stances + (made,))


def _party_spans(stance: Stance) -> tuple:
    return tuple((p.start, p.end) if isinstance(p, EntityRef) else p
                 for p in (stance.holder, stance.target))


def _anchor(gold: Layer, party, owner: Layer | None, text: str, reviewer: str, unit: Unit,
            layers: Mapping[str, Layer]) -> tuple[Any, Layer]:
    """The party as gold can hold it: the same entity span, else a gold entity of the same
    name, else the labeler's entity added to gold."""
    if not isinstance(party, EntityRef):
        return party, gold
    if any((e.start, e.end) == (party.start, party.end) for e in gold.entities):
        return party, gold
    source = next((e for e in (owner.entities if owner else ())
                   if (e.start, e.end) == (party.start, party.end)), None)
    name = name_key((source.canonical if source else None) or text[party.start:party.end])
    for e in gold.entities:
        if name_key(e.canonical or text[e.start:e.end]) == name:
            return EntityRef(e.start, e.end), gold
    if source is None:
        return party, gold  # validation will say what is wrong
    having = [n for n, layer in layers.items() if source in layer.entities and n in unit.labelers]
    added = replace(source, extra=provenance(having, reviewer))
    return party, add_entity(gold, added)


def add_gold_entity(gold: Layer, start: int, end: int, label: str, reviewer: str,
                    layers: Mapping[str, Layer], labelers: Sequence[str]) -> Layer:
    """The reviewer marks an entity of their own (sources: the labelers who marked the same)."""
    probe = Entity(start, end, label)
    having = [n for n in labelers if n in layers and probe in layers[n].entities]
    return add_entity(gold, replace(probe, extra=provenance(having, reviewer)))


def review_queue(project, labelers: Sequence[str] | None = None, reviewer: str | None = None
                 ) -> list[tuple[str, int, str]]:
    """(document id, disagreements, reviewer's status) for every document two or more
    labelers have, most disagreements first (queue order among equals). `project` is a
    store Project (only its public reading API is used)."""
    rows = []
    for index, (doc, named) in enumerate(project.iter_annotated("all")):
        layers = {name: layer for name, layer in named if name not in NOT_LABELERS
                  and (not labelers or name in labelers)}
        if len(layers) < 2:
            continue
        count = len(disagreements(doc.text, layers))
        status = project.get_status(doc.id, reviewer).status if reviewer else "todo"
        rows.append((-count, index, doc.id, status))
    rows.sort()
    return [(doc_id, -neg, status) for neg, _i, doc_id, status in rows]
