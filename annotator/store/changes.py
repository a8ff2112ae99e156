"""The change log, and undo / redo / history read from it.

Owns the `changes` table: append-only (triggers refuse updates and deletes), one row per
change with its before and after. Undo and redo stacks are computed from the log, so they
survive a restart and two windows on one file agree on them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from ..core.model import GOLD, Layer, layer_from_json, validate_layer
from .connection import dumps, now

# The end of the action of a write over a damaged stored layer, kept on purpose as its
# before-state: a person's start afresh, assist's fresh suggestions, an import's layer.
AFRESH = "-afresh"


@dataclass
class Change:
    id: int
    at: str
    who: str
    doc_id: str | None
    layer: str | None
    action: str
    before: Any
    after: Any
    reverts: int | None




class ChangesMixin:
    """Change log of a Project (see project.py for what a mixin may rely on)."""

    def _log(self, who: str, seq: int | None, layer: str | None, action: str,
             before: Any, after: Any, reverts: int | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO changes (at, who, doc, layer, action, before, after, reverts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), who, seq, layer, action,
             None if before is None else dumps(before),
             None if after is None else dumps(after), reverts))
        return cur.lastrowid

    # -- undo / redo -----------------------------------------------------------------------
    def _stacks(self, seq: int, layer: str, who: str | None = None
                ) -> tuple[list[Change], list[Change]]:
        """Undo and redo stacks of a layer. In the layer reviewers share (gold) they hold only
        `who`'s own changes: reviewer A's Ctrl+Z takes back A's last change, never B's. (A
        labeler's layer has one author; whoever undoes there, e.g. a merge, undoes its last
        change.)"""
        where, args = "c.doc = ? AND c.layer = ?", (seq, layer)
        if who is not None and layer == GOLD:
            where, args = where + " AND c.who = ?", (*args, who)
        undo: list[Change] = []
        redo: list[Change] = []
        by_id: dict[int, Change] = {}
        for change in self._changes(where, args):
            by_id[change.id] = change
            if change.action in ("undo", "redo") and change.reverts not in by_id:
                continue  # it reverted someone else's change (before undo was per person)
            if change.action == "undo":
                original = by_id[change.reverts]
                if undo and undo[-1].id == original.id:
                    undo.pop()
                redo.append(original)
            elif change.action == "redo":
                if redo and redo[-1].id == change.reverts:
                    redo.pop()
                undo.append(by_id[change.reverts])
            else:
                undo.append(change)
                redo.clear()
        return undo, redo

    def can_undo(self, doc_id: str, layer: str, who: str | None = None) -> bool:
        return bool(self._stacks(self._seq(doc_id), layer, who)[0])

    def can_redo(self, doc_id: str, layer: str, who: str | None = None) -> bool:
        return bool(self._stacks(self._seq(doc_id), layer, who)[1])

    def undo(self, doc_id: str, layer: str, who: str) -> Change | None:
        """Revert `who`'s latest change of this layer (also one made before a restart). If
        someone else changed the layer since, only that change is taken back and theirs
        stay; ValidationError (nothing written) if the two cannot be separated."""
        return self._step(doc_id, layer, who, redo=False)

    def redo(self, doc_id: str, layer: str, who: str) -> Change | None:
        return self._step(doc_id, layer, who, redo=True)

    def _step(self, doc_id: str, layer: str, who: str, redo: bool) -> Change | None:
        seq, text = self._seq_text(doc_id)
        with self.write():
            undo_stack, redo_stack = self._stacks(seq, layer, who)
            stack = redo_stack if redo else undo_stack
            if not stack:
                return None
            target = stack[-1]
            empty = Layer.empty(len(text)).to_json(text)
            state = (target.after if redo else target.before) or empty
            replaced = (target.before if redo else target.after) or empty
            current = self._layer_to_edit(doc_id, layer, False).to_json(text)
            if current != replaced:  # changed by someone else since: keep their changes
                state = _reapply(current, replaced, state)
            new = layer_from_json(state, text)
            validate_layer(new, len(text), self.schema)
            self._put_layer(seq, text, layer, new, who, "redo" if redo else "undo",
                            reverts=target.id)
            return target

    # -- history ---------------------------------------------------------------------------
    def _changes(self, where: str, args: tuple) -> Iterator[Change]:
        for row in self.conn.execute(
                "SELECT c.id, c.at, c.who, d.id, c.layer, c.action, c.before, c.after, c.reverts "
                f"FROM changes c LEFT JOIN documents d ON d.seq = c.doc WHERE {where} "
                "ORDER BY c.id", args):
            yield Change(row[0], row[1], row[2], row[3], row[4], row[5],
                         None if row[6] is None else json.loads(row[6]),
                         None if row[7] is None else json.loads(row[7]), row[8])

    def history(self, doc_id: str | None = None, layer: str | None = None) -> list[Change]:
        clauses, args = ["1 = 1"], []
        if doc_id is not None:
            clauses.append("c.doc = ?")
            args.append(self._seq(doc_id))
        if layer is not None:
            clauses.append("c.layer = ?")
            args.append(layer)
        return list(self._changes(" AND ".join(clauses), tuple(args)))


def _reapply(current: dict, old: dict, new: dict) -> dict:
    """`current` with the difference from `old` to `new` applied: entities and stances that
    went from old to new are added or removed; the zones change only if nobody else moved
    them since."""
    out = {"zones": new["zones"] if current["zones"] == old["zones"] else current["zones"]}
    for key in ("entities", "stances"):
        gone = [x for x in old[key] if x not in new[key]]
        came = [x for x in new[key] if x not in old[key]]
        out[key] = [x for x in current[key] if x not in gone] + \
                   [x for x in came if x not in current[key]]
    out["entities"].sort(key=lambda e: (e["start"], e["end"], e["label"]))
    return out


