"""Edits that did not reach the disk, kept outside the project until they do.

While the window says NOT SAVED (saving.py) the edits live in memory: a crash, a power cut or
a labeler closing anyway would lose them. So while anything is pending the session keeps a
rescue file in the user's data folder (not beside the project: its disk may be the one that
fails): each layer with unsaved edits as it is shown, and the stored layer those edits were
made on. When everything is saved the file goes.

When the labeler opens the project again, each layer whose stored layer is still the one the
edits were made on gets them back as one edit ("restore"); a layer changed since (another
window, another person, a retry that did get through) is left as it is and named, and the
file is set aside (renamed) for whoever sorts it out. The file is read as hostile input: every
layer in it is checked against its document and the schema.

Each session has a file of its own: the same labeler may have two windows on one project (two
instances of the app, one on each screen), and one window replacing or clearing the other's
file would lose that one's edits. A session holds an OS lock on a lock file beside its rescue
file while the file holds edits; the lock goes with the session's process, so a new session
restores every file whose lock it can take (its session ended, however it ended) and leaves
alone those of sessions still open."""
from __future__ import annotations

import glob
import json
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

from ..core.errors import AnnotatorError, ValidationError
from ..core.model import Layer, read_stored_layer
from .observer import Signal
from .saving import SAVED, SaveQueue

RESTORE = "restore"


def layer_json(layer: Layer | None, text: str) -> str:
    return json.dumps((layer or Layer.empty(len(text))).to_json(text), ensure_ascii=False)


class RescueFile:
    def __init__(self, folder: str | Path, project_id: str, annotator: str, kind: str = ""):
        """One file per session, under a name per project, person and `kind` of session (a
        reviewer's gold edits apart from the same person's own labels)."""
        self.annotator = annotator
        self.project_id = project_id
        self.folder = Path(folder)
        self.name = re.sub(r"[^\w.-]", "_", "-".join(filter(None, (project_id, annotator, kind))))
        self.path = self.folder / f"{self.name}~{uuid.uuid4().hex[:12]}.json"
        self._lock: _Lock | None = None

    def keep(self, layers: dict[tuple[str, str], tuple[str, str]]) -> bool:
        """Write {(document id, layer name): (JSON it was made on, JSON as shown)}, replacing
        what was kept before, durably (written beside, synced, renamed over). False when that
        folder cannot be written either: the window already says NOT SAVED."""
        if not layers:
            self.clear()
            return True
        data = {"project_id": self.project_id, "annotator": self.annotator,
                "layers": [{"document": doc, "layer": name, "base": base, "shown": shown}
                           for (doc, name), (base, shown) in layers.items()]}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._lock is None:  # held before the file exists: no one restores it meanwhile
                self._lock = _Lock.take(_lock_path(self.path))
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            return True
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            return False

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        self.release()

    def release(self) -> None:
        """The session ends (its window closed): what the file still holds is for the next
        session to restore, even one in this same process."""
        if self._lock is not None:
            self._lock.drop()
            self._lock = None

    def restore(self, project) -> tuple[int, list[str]]:
        """Give back what the ended sessions of this labeler on this project kept and never
        saved, the oldest first: (layers restored, one line for each that was not). A file
        goes when all of it is back; otherwise it is set aside, renamed, and the lines name
        it. The files of sessions still open are left to them."""
        restored, problems = 0, []
        for path in self._ended_sessions_files():
            try:
                lock = _Lock.take(_lock_path(path))
                if lock is None:
                    continue  # its session is still open
            except OSError:
                lock = None  # no lock file can be made there, so no session holds one
            try:
                n, more = _SessionFile(self, path).restore(project)
            finally:
                if lock is not None:
                    lock.drop()
            restored += n
            problems += more
        return restored, problems

    def _ended_sessions_files(self) -> list[Path]:
        """This name's rescue files other than this session's (and the one file of a version
        before sessions had their own), oldest first; not the ones set aside."""
        own = re.compile(re.escape(self.name) + r"(~[0-9a-f]{12})?\.json")
        found = []
        try:
            for path in self.folder.glob(f"{glob.escape(self.name)}*.json"):
                if own.fullmatch(path.name) and path != self.path:
                    try:
                        found.append((path.stat().st_mtime, path.name, path))
                    except OSError:
                        pass  # gone meanwhile: its session saved it all
        except OSError:
            return []
        return [path for *_key, path in sorted(found)]


class _SessionFile:
    """One session's rescue file, read back by a later session."""

    def __init__(self, owner: RescueFile, path: Path):
        self.annotator = owner.annotator
        self.project_id = owner.project_id
        self.path = path

    def restore(self, project) -> tuple[int, list[str]]:
        if not self.path.exists():
            return 0, []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data["layers"]
            if data["project_id"] != self.project_id or not isinstance(entries, list):
                raise ValueError("not this project's")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return 0, [f"{self._set_aside()}: not a file of unsaved edits ({exc})"]
        restored = 0
        problems: list[str] = []
        for entry in entries:
            try:
                restored += self._restore_one(project, entry)
            except ValidationError as exc:
                problems.append(str(exc))
            except AnnotatorError as exc:  # still cannot be written: keep the file as it is
                return restored, [f"{exc}; the unsaved edits stay in {self.path}"]
        if problems:
            where = self._set_aside()
            problems = [f"{p} (kept in {where})" for p in problems]
        else:
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass
        return restored, problems

    def _restore_one(self, project, entry) -> int:
        if not isinstance(entry, dict) or not isinstance(entry.get("document"), str) \
                or not isinstance(entry.get("layer"), str):
            raise ValidationError(f"an entry that names no document and layer: {entry!r:.80}")
        doc, name = entry["document"], entry["layer"]
        where = f"document {doc!r}, layer {name!r}"
        if not project.has_document(doc):
            raise ValidationError(f"{where}: the project has no such document")
        text = project.get_text(doc)
        shown, problem = read_stored_layer(entry.get("shown"), text, project.schema)
        base, base_problem = read_stored_layer(entry.get("base"), text, project.schema)
        if problem or base_problem:
            raise ValidationError(f"{where}: {problem or base_problem}")
        current = project.checked_layer(doc, name) if project.has_layer(doc, name) \
            else Layer.empty(len(text))
        if current == shown:
            return 0  # it did reach the disk after all
        if current != base:
            raise ValidationError(f"{where}: changed since the unsaved edits were made on it; "
                                  "not restored")
        project.edit(doc, name, self.annotator, RESTORE, lambda _old: shown)
        return 1

    def _set_aside(self) -> Path:
        aside = self.path.with_name(f"{self.path.stem}-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            os.replace(self.path, aside)
        except OSError:
            return self.path
        return aside


def _lock_path(path: Path) -> Path:
    return path.with_suffix(".lock")


class _Lock:
    """An OS lock on a file, held by an open handle: released when the handle is closed or
    the process ends, however it ends (a crash, a power cut). flock on POSIX (per open file,
    so two sessions of one process exclude each other too), msvcrt.locking on Windows."""

    def __init__(self, handle):
        self.handle = handle

    @classmethod
    def take(cls, path: Path) -> _Lock | None:
        """The lock, None if someone holds it; OSError if the lock file cannot be opened."""
        handle = open(path, "a+b")  # noqa: SIM115 (held open: the handle is the lock)
        try:
            if os.name == "nt":
                import msvcrt
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        return cls(handle)

    def drop(self) -> None:
        path = Path(self.handle.name)
        self.handle.close()
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


class Rescue:
    """A session's layers with unsaved edits, kept in its RescueFile (none: nothing is kept)
    while its SaveQueue holds writes, and forgotten once everything is saved."""

    def __init__(self, file: RescueFile | None, saving: SaveQueue):
        self.file = file
        self.saving = saving
        # (document, layer) -> (JSON the unsaved edits were made on, JSON as shown)
        self.layers: dict[tuple[str, str], tuple[str, str]] = {}
        self.kept = False
        self.changed = Signal()  # () what the file holds changed
        saving.changed.connect(self._saving_changed)

    def note(self, doc_id: str, name: str, text: str, before: Layer | None,
             shown: Layer | None) -> None:
        """(doc_id, name) is shown as `shown` now; `before`: the layer the edit was made on
        (the stored one, for the first unsaved edit of that layer)."""
        if self.file is None:
            return
        key = (doc_id, name)
        if shown is None or not self.saving.unsaved_changes(doc_id, name):
            self.layers.pop(key, None)
        else:
            base = self.layers[key][0] if key in self.layers else layer_json(before, text)
            self.layers[key] = (base, layer_json(shown, text))
        self.kept = self.file.keep(self.layers)
        self.changed.emit()

    def all_kept(self) -> bool:
        """Whether every unsaved layer edit is in the file (a status, a note, a decision or
        the time spent is not kept there)."""
        edits = [(w.doc_id, w.layer) for w in self.saving.pending if w.change is not None]
        return self.file is not None and self.kept and bool(edits) and all(
            key in self.layers for key in edits)

    def restore(self, project) -> tuple[int, list[str]]:
        return (0, []) if self.file is None else self.file.restore(project)

    def release(self) -> None:
        """The session's window is closed: its file, if any, is the next session's to restore."""
        if self.file is not None:
            self.file.release()

    def _saving_changed(self, state: str) -> None:
        if state == SAVED and self.layers:
            self.layers.clear()
            self.file.clear()
