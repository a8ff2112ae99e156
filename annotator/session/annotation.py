"""AnnotationSession: one labeler's work on one project, without Qt.

It holds the document on screen, the labeler's layer and the machine suggestions, and does
every edit through the store (project.edit: one committed transaction with its change-log
row). It routes undo and redo between the labeler's layer and the suggestions (a rejected
suggestion is undone like any edit), accepts and rejects suggestions, keeps status, note, flag
and time spent, and keeps what could not be saved (see saving.py). Windows call it with the
selection they have and repaint on its notifications; `message` carries i18n keys, never text.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from ..core.errors import ValidationError
from ..core.model import (AUTHOR, NONE_ZONE, SUGGESTIONS, Entity, Layer, Stance, Zone,
                          add_entity, add_stance, move_boundary, relabel_entity, remove_entity,
                          remove_stance, replace_stance, set_zone, validate_layer,
                          zone_boundaries)
from .suggestions import (accepting, innermost, next_suggestion, pending_suggestions,
                          rejecting, suggestions_at)
from ..core.spans import line_span, next_word_boundary, paragraph_span, word_span
from .observer import Signal
from .rescue import Rescue, RescueFile
from .saving import SaveQueue, Write


# "Done" on a document with more than this share of its non-space text unlabeled asks first.
DONE_WARNING_UNLABELED = 0.5


class AnnotationSession:
    def __init__(self, project, annotator: str, clock: Callable[[], float] = time.monotonic,
                 rescue: RescueFile | None = None):
        """`rescue`: where edits that cannot be saved are kept meanwhile (rescue.py)."""
        self.project = project
        self.annotator = annotator
        self.schema = project.schema
        self.doc_id: str | None = None
        self.text = ""
        self.layer: Layer | None = None        # the labeler's layer, as last read or written
        self.suggestions: Layer | None = None  # the whole suggestions layer
        self.pending: Layer | None = None      # suggestions the labeler's layer lacks
        # What is wrong with the stored layer (the labeler's, the suggestions) of the document
        # on screen, when it does not hold: shown read-only and said, never edited.
        self.damaged: dict[str, str] = {}
        self.last_target = project.get_setting(f"last_target:{annotator}") or ""
        # Per document: which layer each edit of this session went to, so Undo also reverts a
        # rejected suggestion. After a restart the labeler's own layer is undone.
        self._undo_layers: dict[str, list[str]] = {}
        self._redo_layers: dict[str, list[str]] = {}
        self._clock = clock
        self._clock_started: float | None = None
        self.unsaved_seconds: dict[str, float] = {}
        self._saved_last_document: str | None = None
        self.saving = SaveQueue()
        self.rescue = Rescue(rescue, self.saving)

        self.document_changed = Signal()   # (doc_id)
        self.layers_changed = Signal()     # (new_document: bool)
        self.edited = Signal()             # () a layer changed by an edit, undo or redo
        self.message = Signal()            # (i18n key, params: dict, timeout ms or 0)
        self.status_changed = Signal()     # (doc_id, DocStatus)
        self.save_state_changed = self.saving.changed  # ("saved" | "not saved: <reason>")
        self.rescue_changed = self.rescue.changed  # () what the rescue file holds changed

    # -- saving state ---------------------------------------------------------------------------
    @property
    def save_state(self) -> str:
        return self.saving.state

    def retry(self) -> bool:
        """Write what did not reach the disk; True when everything is saved."""
        return self.saving.retry()

    def _write(self, run: Callable[[], object], **what) -> tuple[bool, object]:
        return self.saving.write(Write(run, **what))

    def restore_rescued(self) -> tuple[int, list[str]]:
        """Edits an earlier session of this labeler kept and never saved, given back (see
        rescue.py): (layers restored, one line for each that was not)."""
        return self.rescue.restore(self.project)

    def unsaved_rescued(self) -> bool:
        """Whether every label not saved is in the rescue file."""
        return self.rescue.all_kept()

    # -- documents ------------------------------------------------------------------------------
    def last_document(self) -> str | None:
        last = self.project.get_setting(f"last_document:{self.annotator}")
        return last if last and self.project.has_document(last) else None

    def open_document(self, doc_id: str):
        """Show doc_id: read its text and layers; a document seen for the first time becomes
        in progress. Returns its status."""
        self.stop_clock()
        self.doc_id = doc_id
        self.text = self.project.get_text(doc_id)
        self._load_layers()
        status = self.project.get_status(doc_id, self.annotator)
        if status.status == "todo":
            ok, new = self._write(lambda: self.project.set_status(doc_id, self.annotator,
                                                                  status="in_progress"))
            status = new if ok else replace(status, status="in_progress")
            self.status_changed.emit(doc_id, status)
        self.document_changed.emit(doc_id)
        self.layers_changed.emit(True)
        return status

    def reload(self) -> None:
        """Re-read the current document's layers from the store."""
        if self.doc_id is not None:
            self._load_layers()
            self.layers_changed.emit(True)

    def _load_layers(self) -> None:
        """Read the labeler's layer and the suggestions, each checked: a damaged one is left
        out (the labeler's shows as no labels at all), named in `damaged` and said once."""
        self.damaged = {}
        self.layer = self._checked(self.annotator) or Layer.empty(len(self.text))
        self.suggestions = (self._checked(SUGGESTIONS)
                            if self.project.has_layer(self.doc_id, SUGGESTIONS) else None)
        # Suggestions accepted into a damaged layer could not be saved: none are offered.
        self.pending = (None if self.annotator in self.damaged
                        else pending_suggestions(self.suggestions, self.layer))
        if self.damaged:
            # Read-only only when the labeler's own layer is damaged.
            self.message.emit("bar.damaged_layer" if self.annotator in self.damaged
                              else "bar.damaged_suggestions", self.damaged_params(), 0)

    def _checked(self, name: str) -> Layer | None:
        try:
            return self._with_unsaved(self.project.checked_layer(self.doc_id, name), name)
        except ValidationError as exc:
            self.damaged[name] = str(exc)
            return None

    def damaged_params(self) -> dict:
        """The message parameters naming the damaged layers on screen (the window words them)."""
        return {"damaged": dict(self.damaged)}

    def _with_unsaved(self, layer: Layer, name: str) -> Layer:
        """The stored layer with the edits that are still waiting to be saved."""
        for change in self.saving.unsaved_changes(self.doc_id, name):
            layer = change(layer)
        return layer

    # -- editing --------------------------------------------------------------------------------
    def edit(self, action: str, change: Callable[[Layer], Layer], layer: str | None = None
             ) -> Layer | None:
        """Apply one edit through the store (committed when this returns) and announce it.
        An edit that cannot be saved now is kept, shown and retried; an invalid one is refused
        (None)."""
        if self.doc_id is None:
            return None
        name = layer or self.annotator
        if name in self.damaged:  # read-only: an edit built on it would spread the damage
            self.message.emit("bar.damaged_read_only", self.damaged_params(), 0)
            return None
        before = self.layer if name == self.annotator else self.suggestions
        doc_id, who, project = self.doc_id, self.annotator, self.project
        try:
            ok, after = self._write(lambda: project.edit(doc_id, name, who, action, change),
                                    doc_id=doc_id, layer=name, change=change)
            if not ok:
                # Shown as it will be saved: nothing the labeler did is lost or hidden.
                try:
                    after = change(before or Layer.empty(len(self.text)))
                    validate_layer(after, len(self.text), self.schema)
                except ValidationError:
                    self.saving.take_back(doc_id, name)
                    raise
                self.rescue.note(doc_id, name, self.text, before, after)
        except ValidationError as exc:
            self.message.emit("bar.not_saved", {"error": str(exc)}, 0)
            return None
        if after == before:
            self.message.emit("bar.no_change", {}, 4000)
            return after
        self._undo_layers.setdefault(doc_id, []).append(name)
        self._redo_layers.pop(doc_id, None)
        if name == self.annotator:
            self.layer = after
        else:
            self.suggestions = after
        self.pending = pending_suggestions(self.suggestions, self.layer)
        self.layers_changed.emit(False)
        self.message.emit("bar.saved_what" if ok else "bar.kept_what", {"action": action}, 4000)
        self.edited.emit()
        return after

    def label_zone(self, name: str, start: int, end: int, whole_line: bool = False) -> bool:
        """Zone `name` for [start, end); with no selection the caret's paragraph (or line)."""
        if start == end:
            span = line_span if whole_line else paragraph_span
            start, end = span(self.text, start, include_newline=True)
        if start == end:
            self.message.emit("bar.select_first", {}, 4000)
            return False
        return self.edit("zone", lambda layer: set_zone(layer, start, end, name)) is not None

    def label_entity(self, name: str, start: int, end: int, exact: bool = False) -> int | None:
        """Entity `name` on the selection snapped to whole words (exact: as selected); the same
        words labeled again with another key relabel. Returns where the caret goes."""
        if not exact or start == end:
            start, end = word_span(self.text, start, end)
        if start == end:
            self.message.emit("bar.select_first", {}, 4000)
            return None
        same_span = [e for e in self.layer.entities if (e.start, e.end) == (start, end)]
        if same_span and all(e.label != name for e in same_span):
            self.relabel_entity(same_span[0], name)
        else:
            self.edit("entity", lambda layer: add_entity(layer, Entity(start, end, name)))
        return end

    def relabel_entity(self, entity: Entity, name: str) -> None:
        self.edit("relabel", lambda layer: relabel_entity(layer, entity, name))

    def delete_entity(self, entity: Entity) -> None:
        self.edit("delete-entity", lambda layer: remove_entity(layer, entity))

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity the selection (or the caret) is on; the exact span, else the shortest."""
        if self.layer is None:
            return None
        if start != end:
            hits = [e for e in self.layer.entities if e.start < end and start < e.end]
        else:
            hits = [e for e in self.layer.entities if e.start <= start < e.end
                    or e.end == start]
        if not hits:
            return None
        exact = [e for e in hits if (e.start, e.end) == (start, end)]
        return (exact or sorted(hits, key=lambda e: e.end - e.start))[0]

    # -- zone boundaries ------------------------------------------------------------------------
    def nearest_boundary(self, caret: int) -> int | None:
        boundaries = zone_boundaries(self.layer) if self.layer else []
        if not boundaries:
            self.message.emit("bar.no_boundary", {}, 4000)
            return None
        return min(boundaries, key=lambda b: (abs(b - caret), b))

    def move_nearest_boundary(self, caret: int, direction: int, by_word: bool) -> int | None:
        """Move the boundary nearest the caret one character or one word; +1 is forward in
        reading order. Returns the boundary's new place when it moved."""
        old = self.nearest_boundary(caret)
        if old is None:
            return None
        new = next_word_boundary(self.text, old, direction) if by_word else old + direction
        return self.move_boundary(old, max(0, min(len(self.text), new)))

    def boundary_to(self, caret: int) -> int | None:
        old = self.nearest_boundary(caret)
        return None if old is None else self.move_boundary(old, caret)

    def move_boundary(self, old: int, new: int) -> int | None:
        if new == old:
            return None
        if self.edit("boundary", lambda layer: move_boundary(layer, old, new)) is None:
            return None
        return new

    # -- stance ---------------------------------------------------------------------------------
    def evidence_span(self, start: int, end: int) -> tuple[int, int]:
        """A selection as stance evidence: snapped to whole words, like an entity."""
        return word_span(self.text, start, end) if start < end else (start, end)

    def stance_to_edit(self, start: int, end: int, value: str | None = None,
                       index: int | None = None) -> Stance:
        """The stance an editor opens with: a new one (holder the author, the last target
        used, in this document or an earlier one, the selection snapped to words as evidence)
        or item `index`, with `value` if given."""
        if index is None:
            start, end = self.evidence_span(start, end)
            return Stance(AUTHOR, self.last_target, value or self.schema.stance_names[0],
                          ((start, end),) if start < end else ())
        stance = self.layer.stances[index]
        return stance if value is None else replace(stance, value=value)

    def save_stance(self, stance: Stance, index: int | None = None) -> None:
        if isinstance(stance.target, str) and stance.target != self.last_target:
            self.last_target = target = stance.target
            # Kept in the project: the next document, and the next session, start with it.
            self._write(lambda: self.project.set_setting(f"last_target:{self.annotator}",
                                                         target))
        if index is None:
            self.edit("stance", lambda layer: add_stance(layer, stance))
        else:
            self.edit("edit-stance", lambda layer: replace_stance(layer, index, stance))

    def delete_stance(self, index: int) -> None:
        self.edit("delete-stance", lambda layer: remove_stance(layer, index))

    # -- suggestions ----------------------------------------------------------------------------
    def suggestions_at(self, start: int, end: int) -> tuple[list[Zone], list[Entity]]:
        return suggestions_at(self.pending, start, end)

    def next_suggestion(self, caret: int) -> tuple[int, int] | None:
        span = next_suggestion(self.pending, caret)
        if span is None:
            self.message.emit("bar.no_suggestion", {}, 4000)
        return span

    def accept_at(self, start: int, end: int) -> None:
        """Accept ONE suggestion: the innermost at the caret or in the selection."""
        self.accept(*innermost(*self.suggestions_at(start, end)))

    def accept_all(self) -> None:
        if self.pending is None:
            self.message.emit("bar.no_suggestion", {}, 4000)
            return
        self.accept([z for z in self.pending.zones if z.label != NONE_ZONE],
                    list(self.pending.entities))

    def accept(self, zones: list[Zone], entities: list[Entity]) -> None:
        if not zones and not entities:
            self.message.emit("bar.no_suggestion", {}, 4000)
        elif self.edit("accept", accepting(zones, entities)) is not None and self.saving.saved:
            self.message.emit("bar.accepted", {"n": len(zones) + len(entities)}, 4000)

    def reject_at(self, start: int, end: int) -> None:
        """Reject ONE suggestion, the same one accept_at would take."""
        zones, entities = innermost(*self.suggestions_at(start, end))
        if not zones and not entities:
            self.message.emit("bar.no_suggestion", {}, 4000)
        elif (self.edit("reject", rejecting(zones, entities), layer=SUGGESTIONS) is not None
              and self.saving.saved):
            self.message.emit("bar.rejected", {"n": len(zones) + len(entities)}, 4000)

    # -- undo / redo ----------------------------------------------------------------------------
    def undo(self) -> None:
        self._step(redo=False)

    def redo(self) -> None:
        self._step(redo=True)

    def _step(self, redo: bool) -> None:
        if self.doc_id is None:
            return
        done, other = ((self._redo_layers, self._undo_layers) if redo
                       else (self._undo_layers, self._redo_layers))
        stack = done.get(self.doc_id) or []
        layer = stack[-1] if stack else self.annotator
        if layer in self.damaged:  # the change log's states would be put over the damage
            self.message.emit("bar.damaged_read_only", self.damaged_params(), 0)
            return
        if not redo and self.saving.take_back(self.doc_id, layer) is not None:
            # The edit never reached the disk: undoing it is dropping it.
            stack.pop()
            self._load_layers()
            self.rescue.note(self.doc_id, layer, self.text, None,
                             self.layer if layer == self.annotator else self.suggestions)
            self.layers_changed.emit(True)
            self.message.emit("bar.undone_unsaved", {}, 4000)
            self.edited.emit()
            return
        if not self.saving.saved and not self.retry():
            self.message.emit("bar.not_saved", {"error": self.saving.error}, 0)
            return
        step = self.project.redo if redo else self.project.undo
        ok, change = self._write(lambda: step(self.doc_id, layer, self.annotator))
        if not ok:
            return
        if change is None:
            self.message.emit("bar.nothing_to_redo" if redo else "bar.nothing_to_undo", {}, 4000)
            return
        if stack:
            stack.pop()
        other.setdefault(self.doc_id, []).append(layer)
        self._load_layers()
        self.layers_changed.emit(True)
        self.message.emit("bar.redone" if redo else "bar.undone", {"action": change.action}, 4000)
        self.edited.emit()

    # -- status, note, flag, time ---------------------------------------------------------------
    def set_status(self, status: str) -> None:
        if self.doc_id is None:
            return
        self.flush_time()
        doc_id = self.doc_id
        ok, new = self._write(lambda: self.project.set_status(doc_id, self.annotator,
                                                              status=status))
        self.status_changed.emit(doc_id, new if ok else None)

    def set_note(self, note: str) -> None:
        if self.doc_id is not None:
            doc_id = self.doc_id
            ok, _ = self._write(lambda: self.project.set_status(doc_id, self.annotator,
                                                                note=note))
            if ok:
                self.message.emit("bar.saved", {}, 3000)

    def set_flagged(self, flagged: bool) -> None:
        if self.doc_id is not None:
            doc_id = self.doc_id
            ok, _ = self._write(lambda: self.project.set_status(doc_id, self.annotator,
                                                                flagged=bool(flagged)))
            if ok:
                self.message.emit("bar.saved", {}, 3000)

    @property
    def clock_running(self) -> bool:
        return self._clock_started is not None

    def start_clock(self) -> None:
        """Time counts while the window says the labeler is looking at this document."""
        if self._clock_started is None and self.doc_id is not None:
            self._clock_started = self._clock()

    def stop_clock(self) -> None:
        """Bank the time the current document has been on screen (written by flush_time)."""
        if self._clock_started is not None and self.doc_id is not None:
            self.unsaved_seconds[self.doc_id] = (self.unsaved_seconds.get(self.doc_id, 0.0)
                                                 + self._clock() - self._clock_started)
        self._clock_started = None

    def flush_time(self) -> None:
        """Write the banked time spent and the last document shown. Called every so often, on
        status changes and on close, not on every document switch: each write is a committed
        transaction, and switching documents must stay fast."""
        running = self.clock_running
        self.stop_clock()
        for doc_id, seconds in list(self.unsaved_seconds.items()):
            if seconds > 0:
                self._write(lambda doc_id=doc_id, seconds=seconds: self.project.set_status(
                    doc_id, self.annotator, add_seconds=seconds))
        self.unsaved_seconds.clear()
        if self.doc_id is not None and self.doc_id != self._saved_last_document:
            doc_id = self.doc_id
            self._write(lambda: self.project.set_setting(f"last_document:{self.annotator}",
                                                         doc_id))
            self._saved_last_document = doc_id
        if running:
            self.start_clock()

    def progress(self) -> tuple[int, int, float]:
        """(documents finished, documents, seconds spent) for this labeler, the time on screen
        now included (shown every second; written every so often by flush_time)."""
        counts = self.project.status_counts(self.annotator)
        finished = counts.get("done", 0) + counts.get("reviewed", 0)
        seconds = self.project.seconds_spent(self.annotator) + self.on_screen_seconds()
        return finished, sum(counts.values()), seconds

    def on_screen_seconds(self) -> float:
        """Time spent that is not written yet: banked, and running on the current document."""
        running = self._clock() - self._clock_started if self._clock_started is not None else 0
        return sum(self.unsaved_seconds.values()) + running

    def unlabeled_fraction(self) -> float:
        """The share of the document's non-space characters in no zone (0.0 … 1.0)."""
        if self.layer is None:
            return 0.0
        counted = unlabeled = 0
        for zone in self.layer.zones:
            visible = sum(1 for ch in self.text[zone.start:zone.end] if not ch.isspace())
            counted += visible
            if zone.label == NONE_ZONE:
                unlabeled += visible
        return unlabeled / counted if counted else 0.0

    def done_needs_warning(self) -> bool:
        """Marking done deserves a question: more than half the text is in no zone."""
        return self.unlabeled_fraction() > DONE_WARNING_UNLABELED

    # -- live: changes made elsewhere (a project on a server) ----------------------------------
    def reload_if_changed(self, changed: set[str]) -> bool:
        """Someone else changed the documents `changed` (the window's live poll says which):
        re-read the one on screen, keeping this labeler's unsaved edits on top. An edit made
        on the old view is not lost either way: project.edit applies it to the current layer.
        True if the document on screen was re-read."""
        if self.doc_id is None or self.doc_id not in changed:
            return False
        self.reload()
        self.status_changed.emit(self.doc_id, self.project.get_status(self.doc_id,
                                                                      self.annotator))
        self.message.emit("bar.changed_elsewhere", {}, 4000)
        return True

    def close(self) -> None:
        """Bank the time and try once more to write what is pending. The project stays open."""
        self.flush_time()
        self.retry()
