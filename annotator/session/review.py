"""ReviewSession: a reviewer settling the labelers' disagreements into the gold layer, no Qt.

For one document at a time it holds the labelers' layers, the disagreements as units
(core.adjudication), the unit in focus, the gold layer and the reviewer's decisions (kept
through store.review_decisions). Every gold change is one project.edit(doc, "gold", reviewer,
"review", …): undoable and logged. A unit counts as decided only while gold still says what
was decided. Windows call it and repaint on its notifications; `message` carries i18n keys.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core import adjudication as adj
from ..core.errors import ValidationError
from ..core.model import GOLD, Layer, Stance, remove_entity, set_zone, validate_layer
from ..store.review_decisions import get_decisions, record_decisions
from .observer import Signal
from .rescue import Rescue, RescueFile
from .saving import SaveQueue, Write

DECISIONS = "review-decisions"  # what a kept decisions write is about (Write.layer)


def version_json(kind: str, version: Any) -> Any:
    """A unit version as plain data (what a decision records)."""
    if kind == adj.STANCE:
        return None if version is None else version.value
    return [[x.start, x.end, x.label] for x in version]


class ReviewSession:
    def __init__(self, project, reviewer: str, labelers: list[str] | None = None,
                 rescue: RescueFile | None = None):
        """`rescue`: where gold edits that cannot be saved are kept meanwhile (rescue.py)."""
        self.project = project
        self.reviewer = reviewer
        self.schema = project.schema
        self.labelers = list(labelers) if labelers else adj.labelers_in(project.layer_names())
        self.doc_id: str | None = None
        self.text = ""
        self.layers: dict[str, Layer] = {}
        self.damaged: dict[str, str] = {}  # labeler -> what is wrong with their stored layer
        self.gold: Layer | None = None
        # What is wrong with the stored gold of the document on screen (None: it holds). A
        # damaged gold is read-only: nothing is written over it until the reviewer chooses to
        # start it afresh (start_gold_afresh).
        self.gold_damaged: str | None = None
        self.all_units: list[adj.Unit] = []
        self.disagreements: list[adj.Unit] = []   # in text order
        self.current = -1
        self.decisions: dict[str, Any] = {}

        self.document_changed = Signal()  # (doc_id)
        self.gold_changed = Signal()      # () gold or the decisions changed
        self.gold_edited = Signal()       # () gold changed by an edit, undo or redo
        self.current_changed = Signal()   # (index of the unit in focus, or -1)
        self.message = Signal()           # (i18n key, params: dict, timeout ms or 0)
        # Gold edits and decisions that could not be saved are kept and retried (saving.py).
        self.saving = SaveQueue()
        self.save_state_changed = self.saving.changed
        self.rescue = Rescue(rescue, self.saving)
        self.rescue_changed = self.rescue.changed

    @property
    def save_state(self) -> str:
        return self.saving.state

    def unsaved_rescued(self) -> bool:
        """Whether every gold edit not saved is in the rescue file (a decision is not)."""
        return self.rescue.all_kept()

    def restore_rescued(self) -> tuple[int, list[str]]:
        """Gold edits an earlier review session of this reviewer kept and never saved, given
        back (rescue.py): (layers restored, one line for each that was not)."""
        return self.rescue.restore(self.project)

    @property
    def annotator(self) -> str:
        """Who this session writes as (gold, decisions): a live window leaves their changes
        out of what it hears from others."""
        return self.reviewer

    def retry(self) -> bool:
        return self.saving.retry()

    # -- one document ---------------------------------------------------------------------------
    def open_document(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.text = self.project.get_text(doc_id)
        names = set(self.project.layer_names(doc_id))
        self.layers, self.damaged = {}, {}
        for name in self.labelers:
            if name in names:
                try:
                    self.layers[name] = self.project.checked_layer(doc_id, name)
                except ValidationError as exc:  # left out: compared, it would mislead
                    self.damaged[name] = str(exc)
        self.all_units = adj.units(self.text, self.layers, self.labelers)
        self.disagreements = [u for u in self.all_units if not u.agreed]
        self.decisions = get_decisions(self.project, doc_id)
        self.current = -1
        self._read_gold()
        self.document_changed.emit(doc_id)
        self.gold_changed.emit()
        self.select(self.first_open(0))

    def reload_if_changed(self, changed: set[str]) -> bool:
        """Someone else changed the documents `changed` (a project on a server: a labeler
        still editing, another reviewer): re-read the one on screen, its labelers' layers,
        gold and decisions, with this reviewer's unsaved gold edits on top (_read_gold), the
        disagreement in focus kept in focus while it is still one. True if re-read."""
        if self.doc_id is None or self.doc_id not in changed:
            return False
        focus = self.current_unit()
        self.open_document(self.doc_id)
        if focus is not None:
            same = next((i for i, u in enumerate(self.disagreements) if u.key == focus.key),
                        None)
            if same is not None:
                self.select(same)
        return True

    def reload_gold(self) -> None:
        self._read_gold()
        self.gold_changed.emit()

    def _read_gold(self) -> None:
        """Gold and the decisions as stored, with what is still waiting to be saved."""
        try:
            gold = self.project.checked_layer(self.doc_id, GOLD)
            self.gold_damaged = None
        except ValidationError as exc:
            self.gold, self.gold_damaged = Layer.empty(len(self.text)), str(exc)
            return
        for write in self.saving.pending:
            if write.doc_id == self.doc_id and write.layer == GOLD:
                gold = write.change(gold)
            elif write.doc_id == self.doc_id and write.layer == DECISIONS:
                self.decisions.update(write.data)
        self.gold = gold

    # -- units ----------------------------------------------------------------------------------
    def is_decided(self, unit: adj.Unit) -> bool:
        if unit.key not in self.decisions:
            return False
        gold = adj.gold_version(unit, self.gold, self.text)
        return self.decisions[unit.key] == version_json(unit.kind, gold)

    def open_units(self) -> list[adj.Unit]:
        return [u for u in self.disagreements if not self.is_decided(u)]

    def current_unit(self) -> adj.Unit | None:
        return (self.disagreements[self.current]
                if 0 <= self.current < len(self.disagreements) else None)

    def select(self, index: int) -> None:
        n = len(self.disagreements)
        self.current = -1 if n == 0 else max(0, min(index, n - 1))
        self.current_changed.emit(self.current)

    def first_open(self, start: int, step: int = 1) -> int:
        """The next undecided unit from `start` on (wrapping), else `start`."""
        n = len(self.disagreements)
        for k in range(n):
            i = (start + step * k) % n
            if not self.is_decided(self.disagreements[i]):
                return i
        return start

    def next_unit(self) -> None:
        if self.disagreements:
            self.select((self.current + 1) % len(self.disagreements))

    def previous_unit(self) -> None:
        if self.disagreements:
            self.select((self.current - 1) % len(self.disagreements))

    # -- decisions ------------------------------------------------------------------------------
    def _refused_on_damaged_gold(self) -> bool:
        """True (and said) when gold as stored is damaged: no decision is built on it."""
        if self.gold_damaged is not None:
            self.message.emit("review.gold_read_only", {"problem": self.gold_damaged}, 0)
        return self.gold_damaged is not None

    def _edit_gold(self, change: Callable[[Layer], Layer]) -> bool:
        if self.doc_id is None or self._refused_on_damaged_gold():
            return False
        doc_id, project, reviewer = self.doc_id, self.project, self.reviewer
        try:
            ok, _ = self.saving.write(Write(
                lambda: project.edit(doc_id, GOLD, reviewer, "review", change),
                doc_id=doc_id, layer=GOLD, change=change))
            if ok:
                self.gold = project.get_layer(doc_id, GOLD)
            else:
                # Kept: shown as it will be saved, so the reviewer's decision is not lost.
                gold = change(self.gold)
                try:
                    validate_layer(gold, len(self.text), self.schema)
                except ValidationError:
                    self.saving.take_back(doc_id, GOLD)
                    raise
                self.rescue.note(doc_id, GOLD, self.text, self.gold, gold)
                self.gold = gold
        except ValidationError as exc:
            self.message.emit("review.invalid", {"error": str(exc)}, 0)
            return False
        self.gold_edited.emit()
        return True

    def _record(self, units: list[adj.Unit]) -> None:
        decided = {u.key: version_json(u.kind, adj.gold_version(u, self.gold, self.text))
                   for u in units}
        doc_id, project = self.doc_id, self.project
        self.decisions.update(decided)
        self.saving.write(Write(lambda: record_decisions(project, doc_id, decided),
                                doc_id=doc_id, layer=DECISIONS, data=decided))

    def _after_decision(self) -> None:
        """Gold changed: repaint. The unit in focus stays in focus (its ✓ shows the decision);
        the reviewer moves on with "next", so no key both decides and moves."""
        self.gold_changed.emit()
        if not self.open_units():
            self.message.emit("review.all_decided", {}, 0)

    def replacing(self, index: int) -> tuple[Any, Any] | None:
        """(what gold has, labeler `index`'s version) when taking that version would change a
        unit that is already decided: the window asks before calling accept_labeler with
        replace=True. None when there is nothing settled to replace."""
        unit = self.current_unit()
        if unit is None or index >= len(self.labelers) or not self.is_decided(unit):
            return None
        name = self.labelers[index]
        if name not in unit.labelers:
            return None
        old = adj.gold_version(unit, self.gold, self.text)
        new = unit.version(name)
        return None if version_json(unit.kind, old) == version_json(unit.kind, new) \
            else (old, new)

    def accept_labeler(self, index: int, replace: bool = False) -> bool:
        """Decide the unit in focus as labeler `index`'s (0-based) version. A unit already
        decided otherwise is changed only with replace=True (an explicit, confirmed action);
        True when gold changed."""
        unit = self.current_unit()
        if unit is None or index >= len(self.labelers):
            return False
        name = self.labelers[index]
        if name not in unit.labelers:
            self.message.emit("review.missing", {"name": name}, 0)
            return False
        if self.is_decided(unit):
            if self.replacing(index) is None:
                self.message.emit("review.same_decision", {"name": name}, 4000)
                return False
            if not replace:
                self.message.emit("review.settled", {}, 0)
                return False
        text, layers, reviewer = self.text, self.layers, self.reviewer
        if self._edit_gold(lambda gold: adj.accept(gold, unit, name, reviewer, text, layers)):
            self._record([unit])
            self._after_decision()
            return True
        return False

    def accept_agreed(self) -> None:
        """Everything all labelers agree on, into gold, in one edit."""
        text, layers, reviewer, units = self.text, self.layers, self.reviewer, self.all_units
        if self._edit_gold(lambda gold: adj.accept_agreed(gold, units, reviewer, text, layers)):
            self._after_decision()

    def _touched(self, start: int, end: int, kind: str) -> list[adj.Unit]:
        return [u for u in self.disagreements if u.kind == kind
                and u.start < max(end, start + 1) and u.end > start]

    def add_gold_entity(self, label: str, start: int, end: int) -> None:
        if start == end:
            return
        layers, reviewer, labelers = self.layers, self.reviewer, self.labelers
        if self._edit_gold(lambda gold: adj.add_gold_entity(gold, start, end, label, reviewer,
                                                            layers, labelers)):
            self._record(self._touched(start, end, adj.ENTITY))
            self._after_decision()

    def delete_gold_entities(self, start: int, end: int) -> None:
        def change(gold: Layer) -> Layer:
            for entity in [e for e in gold.entities if e.start < max(end, start + 1)
                           and e.end > start]:
                gold = remove_entity(gold, entity)
            return gold
        if self._edit_gold(change):
            self._record(self._touched(start, end, adj.ENTITY))
            self._after_decision()

    def set_gold_zone(self, label: str, start: int, end: int) -> None:
        if start == end:
            return
        if self._edit_gold(lambda gold: set_zone(gold, start, end, label)):
            self._record(self._touched(start, end, adj.ZONE))
            self._after_decision()

    def stance_replacing(self, value: str) -> tuple[Any, str] | None:
        """(gold's stance, the new value) when `value` would change a decided stance unit."""
        unit = self.current_unit()
        if unit is None or unit.kind != adj.STANCE or not self.is_decided(unit):
            return None
        old = adj.gold_version(unit, self.gold, self.text)
        return None if old is not None and old.value == value else (old, value)

    def set_gold_stance(self, value: str, replace: bool = False) -> bool:
        """Give the stance unit in focus this value in gold (the reviewer's own call); a decided
        unit changes only with replace=True. True when gold changed."""
        unit = self.current_unit()
        if unit is None or unit.kind != adj.STANCE:
            return False
        if self.is_decided(unit) and not replace:
            self.message.emit("review.settled" if self.stance_replacing(value)
                              else "review.same_decision", {"name": self.reviewer}, 0)
            return False
        template = adj.gold_version(unit, self.gold, self.text) or next(
            v for _n, v in unit.versions if v is not None)
        chosen = Stance(template.holder, template.target, value, template.evidence)
        sources = [n for n, v in unit.versions if v is not None and v.value == value]
        text, layers, reviewer = self.text, self.layers, self.reviewer
        if self._edit_gold(lambda gold: adj.set_stance(gold, unit, chosen, reviewer, text,
                                                       layers, sources)):
            self._record([unit])
            self._after_decision()
            return True
        return False

    def step_gold(self, redo: bool) -> bool:
        """Undo (or redo) the last gold change; True when there was one."""
        if self.doc_id is None or self._refused_on_damaged_gold():
            return False
        if not redo and self.saving.take_back(self.doc_id, GOLD) is not None:
            self.reload_gold()  # it never reached the disk: undoing it is dropping it
            self.rescue.note(self.doc_id, GOLD, self.text, None, self.gold)
            self.gold_edited.emit()
            return True
        if not self.retry():
            return False
        doc_id, reviewer = self.doc_id, self.reviewer
        step = self.project.redo if redo else self.project.undo
        ok, change = self.saving.write(Write(lambda: step(doc_id, GOLD, reviewer)))
        if not ok or change is None:
            return False
        self.reload_gold()
        self.gold_edited.emit()
        return True

    def mark_reviewed(self) -> bool:
        """The document is reviewed (kept and retried if it cannot be saved now)."""
        if self.doc_id is None or self._refused_on_damaged_gold():
            return False
        doc_id, reviewer = self.doc_id, self.reviewer
        self.saving.write(Write(lambda: self.project.set_status(doc_id, reviewer, "reviewed")))
        return True

    def start_gold_afresh(self) -> bool:
        """The reviewer's explicit choice on a damaged gold: write over it a new gold holding
        what all the sound labelers' layers agree on (one logged edit, the damaged text kept in
        the change log). True when gold was written."""
        if self.doc_id is None or self.gold_damaged is None:
            return False
        doc_id, reviewer, text, layers = self.doc_id, self.reviewer, self.text, self.layers
        units = self.all_units
        fresh = (lambda empty: adj.accept_agreed(empty, units, reviewer, text, layers))
        try:
            ok, _ = self.saving.write(Write(
                lambda: self.project.edit(doc_id, GOLD, reviewer, "gold-afresh", fresh,
                                          over_damaged=True)))
        except ValidationError as exc:
            self.message.emit("review.invalid", {"error": str(exc)}, 0)
            return False
        if not ok:
            return False
        self.reload_gold()
        self.gold_edited.emit()
        return True
