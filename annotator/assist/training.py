"""Training on the project's confirmed work, on demand (`annotator train`) or in the background.

Confirmed work: the `gold` layer, and the layers of documents their labeler marked done (or a
reviewer marked reviewed). Rejected suggestions (assist:reject) are remembered for their text:
never offered again, and negative evidence for the model.

Training runs in another process (`python -m annotator train PROJECT`), so the window never
waits for it (gui.assist_panel.BackgroundTrainer starts it in a QProcess); the process writes
the model into the project file in one transaction, and the window reads its state from there.
"""
from __future__ import annotations

import time
from typing import Callable

from ..core.errors import ValidationError
from ..core.model import SUGGESTIONS, layer_from_json
from ..store.models import (TEXT_STATISTICS, actions_with_reverts, confirmed_layer_refs,
                            load_model, model_meta, save_model, set_model_meta)
from .distributional import TextStatistics, sample
from .entities import DEFAULT_GAZETTEER_PATH, build_index
from .entity_model import KIND, Doc, EntityModel, ModelError, train

ENTITY_MODEL = "entities"
ZONE_MODEL = "zones"
MIN_ENTITIES = 5  # fewer confirmed entities than this: nothing worth learning yet
CV_FOLDS = 3


def _confirmed_layers(project, damaged: list[dict] | None = None):
    """(document id, its confirmed layer) for every document with confirmed work, in queue
    order. A stored layer that is not sound (a labeler's file edited by hand or damaged) is
    left out — a model must not learn a reversed span or a label outside the schema — and
    named in `damaged` ({"document", "layer", "problem"}) once."""
    refs = confirmed_layer_refs(project)
    for doc_id in project.document_ids():
        name = refs.get(doc_id)
        if name is None:
            continue
        try:
            layer = project.checked_layer(doc_id, name)
        except ValidationError as exc:
            if damaged is not None:
                said = {"document": doc_id, "layer": name, "problem": str(exc)}
                if said not in damaged:
                    damaged.append(said)
            continue
        yield doc_id, layer


def confirmed_documents(project, damaged: list[dict] | None = None) -> list[tuple[str, Doc]]:
    """(document id, Doc) for every document with sound confirmed work, in queue order."""
    return [(doc_id, Doc(project.get_text(doc_id),
                         [(e.start, e.end, e.label) for e in layer.entities]))
            for doc_id, layer in _confirmed_layers(project, damaged)]


def rejected_entities(project) -> list[tuple[str, str]]:
    """(surface text, label) of every entity suggestion a labeler rejected (and did not undo)."""
    from . import REJECT, live_changes
    out = []
    texts: dict[str, str] = {}
    for change in live_changes(actions_with_reverts(project, SUGGESTIONS, REJECT), REJECT):
        if change.before is None or change.doc_id is None:
            continue
        text = texts.get(change.doc_id) or texts.setdefault(change.doc_id,
                                                            project.get_text(change.doc_id))
        before = layer_from_json(change.before, text)
        after = {(e.start, e.end, e.label) for e in layer_from_json(change.after, text).entities} \
            if change.after else set()
        out += [(text[e.start:e.end], e.label) for e in before.entities
                if (e.start, e.end, e.label) not in after]
    return out


def project_texts(project):
    """Every text of the project, confirmed or not: what word representations learn from."""
    return (doc.text for doc in project.iter_documents())


def text_statistics(project) -> TextStatistics:
    """What the project's texts say of each word (distributional.TextStatistics), kept in the
    project between trainings: learned again only when the texts they were learned from
    changed (documents came in), or the kept ones do not read back."""
    texts = sample(project_texts(project))
    key = TextStatistics.key_of(texts)
    stored = load_model(project, TEXT_STATISTICS)
    if stored is not None and stored.meta.get("key") == key:
        try:
            kept = TextStatistics.from_bytes(stored.data)
        except ValueError:
            kept = None
        if kept is not None and kept.key == key:
            return kept
    statistics = TextStatistics.learn(texts)
    save_model(project, TEXT_STATISTICS, TEXT_STATISTICS, statistics.to_bytes(),
               {"key": key, "texts": len(texts)})
    return statistics


def previous_suggestions(project):
    """(text, entities) of the entity suggestions on documents nobody confirmed: what the
    previous model (or the names) found there, the next model's non-local evidence
    (entity_model.predicted_lexicon). Streamed: read only as far as that needs."""
    refs = confirmed_layer_refs(project)
    for doc, _name, layer in project.iter_layers(SUGGESTIONS):
        if doc.id not in refs and layer.entities:
            yield doc.text, [(e.start, e.end, e.label) for e in layer.entities]


def _cross_validated_f1(docs: list[Doc], gaz, rejected,
                        statistics: TextStatistics | None = None) -> float | None:
    """Exact-span F1 over CV_FOLDS folds of the confirmed documents (None if too few)."""
    if len(docs) < CV_FOLDS * 2:
        return None
    tp = pred = ref = 0
    for fold in range(CV_FOLDS):
        train_docs = [d for i, d in enumerate(docs) if i % CV_FOLDS != fold]
        model = train(train_docs, gaz, rejected,
                      unlabeled=statistics)
        for doc in (d for i, d in enumerate(docs) if i % CV_FOLDS == fold):
            gold = set(map(tuple, doc.entities))
            got = {(e.start, e.end, e.label) for e in model.suggest(doc.text)}
            tp += len(gold & got)
            pred += len(got)
            ref += len(gold)
    return round(2 * tp / (pred + ref), 3) if pred + ref else None


def train_entities(project, cross_validate: bool = True,
                   progress: Callable[[str], None] | None = None,
                   damaged: list[dict] | None = None) -> dict | None:
    """Train the entity model on the project's confirmed work and store it in the project.
    Returns its meta (figures), or None when there is too little confirmed to learn from.
    Damaged confirmed layers are left out and added to `damaged` (see _confirmed_layers)."""
    started = time.perf_counter()
    docs = [doc for _id, doc in confirmed_documents(project, damaged)]
    if sum(len(d.entities) for d in docs) < MIN_ENTITIES:
        return None
    gaz = build_index(None, DEFAULT_GAZETTEER_PATH, project.schema)
    rejected = rejected_entities(project)
    if progress:
        progress(f"training on {len(docs)} confirmed documents")
    statistics = text_statistics(project)
    model = train(docs, gaz, rejected, unlabeled=statistics,
                  predicted=previous_suggestions(project))
    meta = dict(model.meta, seconds=round(time.perf_counter() - started, 2))
    # Stored before the cross-validation (three more trainings): suggestions use the new
    # model from now on, and stopping the process later loses only the figure.
    save_model(project, ENTITY_MODEL, KIND, model.to_bytes(), meta)
    if cross_validate:
        if progress:
            progress("cross-validating")
        meta["cv_f1"] = _cross_validated_f1(docs, gaz, rejected, statistics)
        set_model_meta(project, ENTITY_MODEL, meta)
    return meta


def confirmed_zone_pages(project, damaged: list[dict] | None = None) -> list:
    """(text, zones) of every sound confirmed document whose zones are all labeled."""
    from ..core.model import NONE_ZONE
    pages = []
    for doc_id, layer in _confirmed_layers(project, damaged):
        if layer.zones and all(z.label != NONE_ZONE for z in layer.zones):
            pages.append((project.get_text(doc_id), layer.zones))
    return pages


def project_line_counts(project):
    """How many of the project's documents each line occurs in (the recurring-line signal)."""
    from .zone_model import line_counts
    return line_counts(project_texts(project))


def train_zone_model(project, rules=None, damaged: list[dict] | None = None) -> dict | None:
    """Train the zone model on the confirmed zones; None if no page is fully labeled.
    Damaged confirmed layers are left out and added to `damaged` (see _confirmed_layers)."""
    from .zone_model import KIND as ZONE_KIND, train_zones
    from .zones import default_rules
    started = time.perf_counter()
    pages = confirmed_zone_pages(project, damaged)
    if not pages:
        return None
    rules = rules or default_rules()
    model = train_zones(pages, rules, project_line_counts(project))
    if model is None:
        return None
    meta = dict(model.meta, seconds=round(time.perf_counter() - started, 2))
    save_model(project, ZONE_MODEL, ZONE_KIND, model.to_bytes(), meta)
    return meta


def load_zone_model(project, rules=None, recurrence=None):
    """The project's zone model reading with `rules` (default: the shipped ones), None if the
    project has none; ModelError if it is damaged."""
    from .zone_model import KIND as ZONE_KIND, ZoneModel
    from .zones import default_rules
    stored = load_model(project, ZONE_MODEL)
    if stored is None:
        return None
    if stored.kind != ZONE_KIND:
        raise ModelError(f"{project.path}: the zone model is of an unknown kind "
                         f"{stored.kind!r}; retrain it with `annotator train`")
    try:
        return ZoneModel.from_bytes(stored.data, rules or default_rules(), stored.meta,
                                    recurrence if recurrence is not None
                                    else project_line_counts(project))
    except ModelError as exc:
        raise ModelError(f"{project.path}: {exc}") from None


def load_entity_model(project) -> EntityModel | None:
    """The project's entity model, None if it has none; ModelError if it is damaged."""
    stored = load_model(project, ENTITY_MODEL)
    if stored is None:
        return None
    if stored.kind != KIND:
        raise ModelError(f"{project.path}: the entity model is of an unknown kind "
                         f"{stored.kind!r}; retrain it with `annotator train`")
    gaz = build_index(None, DEFAULT_GAZETTEER_PATH, project.schema)
    try:
        return EntityModel.from_bytes(stored.data, stored.meta, gaz)
    except ModelError as exc:
        raise ModelError(f"{project.path}: {exc}") from None


def model_summary(project) -> dict:
    """What the project's models were trained on, for a window to word in its language:
    entities (None: no entity model), cv_f1 (None: not cross-validated), zone_pages (None: no
    zone model)."""
    meta = model_meta(project, ENTITY_MODEL)
    zones = model_meta(project, ZONE_MODEL)
    f1 = meta.get("cv_f1") if meta is not None else None
    return {"entities": None if meta is None else int(meta.get("entities", 0) or 0),
            "cv_f1": f1 if isinstance(f1, (int, float)) else None,
            "zone_pages": None if zones is None else int(zones.get("pages", 0) or 0)}


def model_state(project) -> str:
    """What the models were trained on, one English line (`annotator train` prints it)."""
    summary = model_summary(project)
    if summary["entities"] is None:
        state = "no model yet: suggestions come from rules and names"
    else:
        figure = "" if summary["cv_f1"] is None else \
            f", cross-validated F1 {summary['cv_f1']:.2f}"
        state = f"trained on {summary['entities']} entities{figure}"
    if summary["zone_pages"] is not None:
        state += f"; zones learned from {summary['zone_pages']} confirmed pages"
    return state


__all__ = ["train_entities", "load_entity_model", "train_zone_model", "load_zone_model", "model_state", "model_summary",
           "confirmed_documents",
           "rejected_entities", "ENTITY_MODEL", "ZONE_MODEL"]
