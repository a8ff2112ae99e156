"""Saving state: store writes that did not reach the disk are kept, in order, and retried.

A labeler must never lose what they typed and must never be told "saved" when it is not. When
the store cannot write (disk full, read-only file, lock held, damaged file), the write is kept
here instead of dropped, the state becomes "not saved: <reason>" and a listener (the window's
banner) hears it; the next write, or a retry the window's timer drives, first writes what is
pending, in order, and the state is "saved" again only when all of it is on disk.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Callable

from ..core.errors import AnnotatorError, NotSavedError, ValidationError
from ..core.model import Layer
from .observer import Signal

SAVED = "saved"
REASONS = ("disk_full", "read_only", "locked", "damaged", "io")
# The store raises NotSavedError with its reason for every write that did not reach the disk;
# anything else that fails a write (an OSError, an SQLite error the store did not expect) is
# kept all the same, as "io": an edit is never dropped because its failure was unforeseen.
FAILURES = (AnnotatorError, sqlite3.Error, OSError)


def reason_of(exc: BaseException) -> str:
    """Why a write failed, as one of REASONS."""
    if isinstance(exc, NotSavedError) and exc.reason in REASONS:
        return exc.reason
    return "io"


@dataclass
class Write:
    """One store write. For a layer edit, `doc_id`, `layer` and `change` say what it does to
    the layer, so the session can show it before it is on disk and take it back on undo."""
    run: Callable[[], Any]
    doc_id: str | None = None
    layer: str | None = None
    change: Callable[[Layer], Layer] | None = None
    data: Any = None   # what else the write carries, for a session to show before it is saved


class SaveQueue:
    def __init__(self) -> None:
        self.pending: list[Write] = []
        self.reason: str | None = None
        self.error = ""
        self.changed = Signal()   # (state): "saved" or "not saved: <reason>"

    @property
    def state(self) -> str:
        return SAVED if not self.pending else f"not saved: {self.reason}"

    @property
    def saved(self) -> bool:
        return not self.pending

    def write(self, write: Write) -> tuple[bool, Any]:
        """Write what is pending, then `write`. Returns (True, its result) when it is on disk,
        (False, None) when it is kept for a retry. A ValidationError (the write itself is
        wrong, a retry cannot help) is raised and nothing is kept."""
        if self.pending and not self.retry():
            self.pending.append(write)
            return False, None
        try:
            result = write.run()
        except ValidationError:
            raise
        except FAILURES as exc:
            self.pending.append(write)
            self._failed(exc)
            return False, None
        return True, result

    def retry(self) -> bool:
        """Write what is pending, in order; True when nothing is left pending."""
        if not self.pending:
            return True
        while self.pending:
            try:
                self.pending[0].run()
            except ValidationError as exc:
                # The layer changed under it (another window): this one can never be written.
                self.pending.pop(0)
                self.error = str(exc)
            except FAILURES as exc:
                self._failed(exc)
                return False
            else:
                self.pending.pop(0)
        self.reason, self.error = None, ""
        self.changed.emit(self.state)
        return True

    def take_back(self, doc_id: str, layer: str) -> Write | None:
        """Remove the last pending edit of that layer (an undo of what never reached the
        disk)."""
        for i in range(len(self.pending) - 1, -1, -1):
            write = self.pending[i]
            if write.doc_id == doc_id and write.layer == layer and write.change is not None:
                del self.pending[i]
                if not self.pending:
                    self.reason, self.error = None, ""
                    self.changed.emit(self.state)
                return write
        return None

    def unsaved_changes(self, doc_id: str, layer: str) -> list[Callable[[Layer], Layer]]:
        return [w.change for w in self.pending
                if w.doc_id == doc_id and w.layer == layer and w.change is not None]

    def _failed(self, exc: BaseException) -> None:
        self.reason, self.error = reason_of(exc), str(exc)
        self.changed.emit(self.state)
