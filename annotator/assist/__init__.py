"""Pre-annotation: zone rules and entity suggestions, written to the `suggestions` layer.

Entities come from the project's trained model (annotator.assist.training) when it has one,
else from known names (gazetteer and confirmed entities, annotator.assist.entities).

Suggestions count for nothing until a person accepts them (the window's assist:accept copies
them into the labeler's layer, logged as "accept"; assist:reject removes them from the
suggestions layer, logged as "reject"). Re-running assist keeps what was rejected out: in the
document where it was rejected, and for the same text and label in every other document.
"""
from __future__ import annotations

from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable

from ..core.errors import ValidationError
from ..core.model import (NONE_ZONE, SUGGESTIONS, Layer, Zone, layer_from_json, layer_problem,
                          set_zone)
from ..store.bulk import (UNREADABLE, Encoded, LayerRow, current_layer, encode_layer,
                          read_layer_rows, write_encoded)
from .entities import DEFAULT_GAZETTEER_PATH, NameIndex, build_index
from .zones import DEFAULT_RULES_PATH, ZoneRules, default_rules

WHO = "assist"
ACTION = "assist"
ACCEPT = "accept"
REJECT = "reject"

__all__ = ["assist_document", "assist_documents", "suggested_layer", "rejected_suggestions", "live_changes",
           "ZoneRules", "NameIndex", "build_index", "default_rules", "DEFAULT_RULES_PATH",
           "DEFAULT_GAZETTEER_PATH", "WHO", "ACTION", "ACCEPT", "REJECT"]


def live_changes(changes, action: str) -> list:
    """The changes with this action that are in effect: not undone (or undone and redone)."""
    live: dict[int, object] = {}
    by_id = {c.id: c for c in changes}
    for change in changes:
        if change.action == action:
            live[change.id] = change
        elif change.action in ("undo", "redo") and change.reverts in by_id \
                and by_id[change.reverts].action == action:
            if change.action == "undo":
                live.pop(change.reverts, None)
            else:
                live[change.reverts] = by_id[change.reverts]
    return list(live.values())


def rejected_suggestions(project, doc_id: str) -> tuple[list[Zone], set[tuple[int, int, str]]]:
    """What was rejected in this document and is still rejected: (zones, entity keys)."""
    text = project.get_text(doc_id)
    zones: list[Zone] = []
    entities: set[tuple[int, int, str]] = set()
    for change in live_changes(project.history(doc_id, SUGGESTIONS), REJECT):
        if change.before is None:
            continue
        before = layer_from_json(change.before, text)
        after = layer_from_json(change.after, text) if change.after else Layer.empty(len(text))
        kept = {(e.start, e.end, e.label) for e in after.entities}
        entities |= {(e.start, e.end, e.label) for e in before.entities} - kept
        for zone in before.zones:
            if zone.label == NONE_ZONE:
                continue
            for now in after.zones:
                if now.label == NONE_ZONE and now.start < zone.end and zone.start < now.end:
                    zones.append(Zone(max(zone.start, now.start), min(zone.end, now.end),
                                      zone.label))
    return zones, entities


BULK_BATCH = 200
_ENTITY_ORDER = attrgetter("start", "end", "label")


def rejected_texts(project) -> set[tuple[str, str]]:
    """(span key, label) of every entity suggestion rejected anywhere in the project."""
    from .entity_model import span_key
    from .training import rejected_entities
    return {(span_key(surface), label) for surface, label in rejected_entities(project)}


def assist_document(project, doc_id: str, rules=None,
                    names=None, rejected: set[tuple[str, str]] | None = None,
                    may_have_rejections: bool = True) -> Layer:
    """Fill the document's suggestions layer: zones from `rules` (ZoneRules or ZoneModel: anything
    with suggest(text), if given), entities from
    `names` (a NameIndex or an EntityModel: anything with find(text)); the other part of the
    layer is kept. Entities rejected here, or (`rejected`, see rejected_texts) for the same
    text anywhere, are left out. One logged edit."""
    text = project.get_text(doc_id)
    # (Reading the document's history is most of the cost of a bulk run; assist_documents
    # knows which documents never had a rejection.)
    here = rejected_suggestions(project, doc_id) if may_have_rejections else ([], set())
    return project.edit(doc_id, SUGGESTIONS, WHO, ACTION,
                        lambda old: suggested_layer(old, text, rules, names, rejected, *here))


def suggested_layer(old: Layer, text: str, rules=None, names=None,
                    rejected: set[tuple[str, str]] | None = None,
                    rejected_zones: Iterable[Zone] = (),
                    rejected_entities: set[tuple[int, int, str]] = frozenset()) -> Layer:
    """The suggestions layer `old` with its zones (if `rules`) and entities (if `names`)
    suggested anew, leaving out what was rejected (see assist_document)."""
    new_zones = None
    if rules is not None:
        layer = Layer(rules.suggest(text))
        for zone in rejected_zones:
            layer = _clear_label(layer, zone)
        new_zones = layer.zones
    new_entities = None
    if names is not None:
        found = names.find(text)
        if rejected_entities or rejected:
            from .entity_model import span_key
            found = [e for e in found if (e.start, e.end, e.label) not in rejected_entities
                     and (not rejected
                          or (span_key(text[e.start:e.end]), e.label) not in rejected)]
        # Entity's own order (start, end, label), read in C rather than by its __lt__.
        new_entities = tuple(sorted(found, key=_ENTITY_ORDER))
    return replace(old, zones=old.zones if new_zones is None else new_zones,
                   entities=old.entities if new_entities is None else new_entities)


def _clear_label(layer: Layer, rejected: Zone) -> Layer:
    """Unlabel the part of `rejected` that still carries the rejected label."""
    for zone in layer.zones:
        if zone.label == rejected.label and zone.start < rejected.end and rejected.start < zone.end:
            layer = set_zone(layer, max(zone.start, rejected.start),
                             min(zone.end, rejected.end), NONE_ZONE)
    return layer


def assist_documents(project, doc_ids: Iterable[str] | None = None, zones: bool = True,
                     entities: bool = True, rules: ZoneRules | None = None,
                     gazetteer: str | Path | None = DEFAULT_GAZETTEER_PATH,
                     progress: Callable[[int], None] | None = None,
                     use_model: bool = True, workers: int | None = None,
                     damaged: list[dict] | None = None,
                     replaced: list[dict] | None = None) -> int:
    """Run assist over documents (all by default); returns how many were processed.
    Entities come from the project's model when it has one (and `use_model`).
    `workers`: processes suggesting (annotator.assist.workers); default one per core from
    a few thousand documents on, else this process alone.
    Raises InputError for unusable rules or gazetteer, ModelError for a damaged model,
    before anything is written. A suggestions layer damaged in the file (that cannot be read
    as a layer) is left as it is and named in `damaged` ({"document", "layer", "problem"}),
    the rest goes on; without that list, ValidationError names it. One damaged only in what
    assist replaces (its zones and entities) is replaced by fresh suggestions, logged with
    an action ending in store.changes.AFRESH, and named in `replaced` (same fields)."""
    if zones:
        rules = rules or default_rules()
        rules.check_schema(project.schema)
        if use_model:
            from ..store.bulk import iter_texts
            from ..store.models import model_trained_at
            from .training import ZONE_MODEL, load_zone_model
            from .zone_model import line_counts
            if model_trained_at(project, ZONE_MODEL) is not None:
                # The project's recurring lines, counted from the texts alone (read lean).
                rules = load_zone_model(project, rules, line_counts(iter_texts(project))) \
                    or rules
    names = rejected = None
    if entities:
        from .training import load_entity_model
        names = (load_entity_model(project) if use_model else None) \
            or build_index(project, gazetteer)
        rejected = rejected_texts(project)
    from ..store.models import actions_with_reverts
    rejecting = {c.doc_id for c in actions_with_reverts(project, SUGGESTIONS, REJECT)}
    ids = list(doc_ids) if doc_ids is not None else project.document_ids()
    rules = rules if zones else None
    only_stances = rules is not None and names is not None

    def suggest_here(project, rows: list[LayerRow]) -> list[Encoded | None]:
        out = []
        for row in rows:
            here = rejected_suggestions(project, row.doc_id) \
                if row.doc_id in rejecting else ([], set())
            try:
                layer = suggested_layer(current_layer(row, only_stances), row.text, rules,
                                        names, rejected, *here)
                encoded = encode_layer(row, layer, project.schema)
            except UNREADABLE:
                problem = layer_problem(row.raw, row.text, project.schema)
                if problem is None:
                    raise  # not the stored layer: a fault of ours, said as one
                if damaged is None:
                    raise ValidationError(f"document {row.doc_id!r}, layer "
                                          f"{SUGGESTIONS!r}: {problem}") from None
                damaged.append({"document": row.doc_id, "layer": SUGGESTIONS,
                                "problem": problem})
                encoded = None
            out.append(encoded)
        return out

    def write(project, encoded: list[Encoded]) -> None:
        for doc_id, problem in write_encoded(project, SUGGESTIONS, WHO, ACTION, encoded):
            if replaced is not None:
                replaced.append({"document": doc_id, "layer": SUGGESTIONS, "problem": problem})

    from .workers import run_in_workers, worker_count
    count = worker_count(project, ids, workers)
    if count > 1:
        run_in_workers(project, ids, count, rules, names, rejected, rejecting, suggest_here,
                       write, progress)
        return len(ids)
    for first in range(0, len(ids), BULK_BATCH):
        # One commit per batch (a commit per document is fsync-bound), one query to read the
        # batch and one statement per table to write it (annotator.store.bulk); read inside
        # the write lock, so an edit made meanwhile in the window is never overwritten.
        with project.write():
            rows = read_layer_rows(project, SUGGESTIONS, ids[first:first + BULK_BATCH])
            write(project, [e for e in suggest_here(project, rows) if e is not None])
        if progress is not None:
            progress(min(first + BULK_BATCH, len(ids)))
    return len(ids)
