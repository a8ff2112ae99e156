"""Teach mode, Qt-free: step through entity suggestions one by one, least certain first, and
accept, reject or relabel each (as Prodigy's ner.teach does). Every answer is one logged edit
through the store, with the same actions as the window's F8/F9, so rejections are remembered
and negative evidence for the next training, and accepted entities are the labeler's.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.errors import ValidationError
from ..core.model import SUGGESTIONS, Entity, add_entity, remove_entity
from . import ACCEPT, REJECT


def confidence(entity: Entity) -> float:
    """The model's confidence in a suggestion; 1.0 for rule or name matches (no figure)."""
    value = dict(entity.extra).get("confidence")
    return float(value) if isinstance(value, (int, float)) else 1.0


@dataclass(frozen=True)
class Question:
    doc_id: str
    entity: Entity
    text: str       # the suggested span's text
    before: str     # a little context on each side
    after: str

    @property
    def confidence(self) -> float:
        return confidence(self.entity)


class TeachSession:
    """The suggestions still open (not in the labeler's layer, not rejected), least certain
    first, across `doc_ids`."""

    CONTEXT = 40

    def __init__(self, project, annotator: str, doc_ids: list[str]):
        self.project = project
        self.annotator = annotator
        self.answered = {"accept": 0, "reject": 0, "relabel": 0, "skip": 0}
        questions = []
        self.damaged: list[tuple[str, str, str]] = []  # (document, layer, problem) left out
        for doc_id in doc_ids:
            layers = {}
            for name in (annotator, SUGGESTIONS):
                try:
                    layers[name] = project.checked_layer(doc_id, name)
                except ValidationError as exc:  # no questions from a damaged layer
                    self.damaged.append((doc_id, name, str(exc)))
            if len(layers) < 2:
                continue
            mine = {(e.start, e.end, e.label) for e in layers[annotator].entities}
            offered = layers[SUGGESTIONS].entities
            text = project.get_text(doc_id)
            for e in offered:
                if (e.start, e.end, e.label) in mine:
                    continue
                questions.append(Question(doc_id, e, text[e.start:e.end],
                                          *_context(text, e.start, e.end, self.CONTEXT)))
        questions.sort(key=lambda q: (q.confidence, doc_ids.index(q.doc_id), q.entity.start))
        self.questions = questions
        self.position = 0

    @property
    def current(self) -> Question | None:
        return self.questions[self.position] if self.position < len(self.questions) else None

    def _next(self, how: str) -> Question | None:
        self.answered[how] += 1
        self.position += 1
        return self.current

    def accept(self) -> Question | None:
        q = self.current
        if q is None:
            return None
        entity = replace(q.entity, extra=())
        self.project.edit(q.doc_id, self.annotator, self.annotator, ACCEPT,
                          lambda layer: add_entity(layer, entity))
        return self._next("accept")

    def reject(self) -> Question | None:
        q = self.current
        if q is None:
            return None
        self.project.edit(q.doc_id, SUGGESTIONS, self.annotator, REJECT,
                          lambda layer: remove_entity(layer, q.entity))
        return self._next("reject")

    def relabel(self, label: str) -> Question | None:
        """The span is right, the label is not: the suggested label is rejected (remembered),
        the span goes into the labeler's layer with `label`."""
        q = self.current
        if q is None:
            return None
        if label not in self.project.schema.entity_names:
            raise ValueError(f"{label!r} is not an entity label of this project")
        self.project.edit(q.doc_id, SUGGESTIONS, self.annotator, REJECT,
                          lambda layer: remove_entity(layer, q.entity))
        entity = Entity(q.entity.start, q.entity.end, label)
        self.project.edit(q.doc_id, self.annotator, self.annotator, "label",
                          lambda layer: add_entity(layer, entity))
        return self._next("relabel")

    def skip(self) -> Question | None:
        return self._next("skip") if self.current is not None else None


def _context(text: str, start: int, end: int, size: int) -> tuple[str, str]:
    """Up to `size` characters of the line on each side of [start, end), in whole words: a
    word the cut would halve is left out and "…" says there is more."""
    before = text[max(0, start - size):start]
    if "\n" in before:
        before = before.rsplit("\n", 1)[1]
    elif start > size and " " in before:
        before = "…" + before[before.index(" "):]
    after = text[end:end + size]
    if "\n" in after:
        after = after.split("\n", 1)[0]
    elif end + size < len(text) and " " in after:
        after = after[:after.rindex(" ")] + " …"
    return before, after


__all__ = ["TeachSession", "Question", "confidence"]

