"""Rolling automatic backups of a project file, and restoring one.

Backups are whole copies made with SQLite's online backup API (a consistent snapshot, also
while the window is writing), kept in a folder beside the project: `NAME.backups/`, named by
the UTC time they were made. One is made when the window opens a project and then every
`every_minutes` of work (checked after each saved edit, copied by a background thread so that
no keystroke waits for it); the newest `keep` are kept, as Anki does. `annotator restore` puts
one back, after setting the current file aside.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from ..core.errors import ProjectError

KEEP = 5
EVERY_MINUTES = 10.0
SUFFIX = ".db"


def backup_dir(project_path: Path) -> Path:
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + ".backups")


def backups(project_path: Path) -> list[Path]:
    """The project's backups, oldest first (their names sort by time)."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX)
                  and not p.name.startswith("."))


def make_backup(project_path: Path, keep: int = KEEP) -> Path:
    """Copy the project (a consistent snapshot, through its own read connection) into its
    backups folder and drop all but the newest `keep`. Written to a hidden temporary file and
    renamed, so a backup cut short (power cut, kill) never looks like a good one."""
    project_path = Path(project_path)
    folder = backup_dir(project_path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{project_path.stem}.{stamp}{SUFFIX}"
    tmp = folder / f".{target.name}.part"
    src = _read_only(project_path, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        os.replace(tmp, target)
    finally:
        src.close()
        tmp.unlink(missing_ok=True)
    for old in backups(project_path)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def _read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    from urllib.parse import quote  # a path may hold ? # % that a URI would misread

    return sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True,
                           timeout=timeout)


def newest_age_s(project_path: Path) -> float | None:
    existing = backups(project_path)
    if not existing:
        return None
    return time.time() - existing[-1].stat().st_mtime


class AutoBackup:
    """Backups every `every_minutes` of work for an open project. `due()` is cheap (called
    after each saved edit); the copy itself runs in a background thread. A backup that fails
    (disk full, say) is remembered in `last_error` and never interrupts the labeler's work."""

    def __init__(self, project_path: Path, every_minutes: float = EVERY_MINUTES,
                 keep: int = KEEP):
        self.path = Path(project_path)
        self.every_s = every_minutes * 60
        self.keep = keep
        self.last_error: str | None = None
        self._next = 0.0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """On open: a backup (in the background) unless a recent one exists."""
        age = newest_age_s(self.path)
        if age is None or age >= self.every_s:
            self._launch()
        else:
            self._next = time.monotonic() + self.every_s - age

    def after_write(self) -> None:
        if time.monotonic() >= self._next and not self.running:
            self._launch()

    def _launch(self) -> None:
        self._next = time.monotonic() + self.every_s
        self._thread = threading.Thread(target=self.run, name="annotator-backup", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def run(self) -> None:
        self._next = time.monotonic() + self.every_s
        try:
            make_backup(self.path, self.keep)
            self.last_error = None
        except (OSError, sqlite3.Error) as exc:
            self.last_error = f"{self.path}: backup failed: {exc}"


def restore(project_path: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put a backup (the newest, or the one given) in place of the project file. The backup is
    checked first; the current file (with its -wal) is kept as NAME.before-restore-TIME, never
    deleted. Returns (the backup used, where the replaced file went). Close the window first."""
    from .project import Project

    project_path = Path(project_path)
    if backup is None:
        existing = backups(project_path)
        if not existing:
            raise ProjectError(f"{project_path}: no backups (looked in {backup_dir(project_path)})")
        backup = existing[-1]
    backup = Path(backup)
    try:
        conn = _read_only(backup)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise ProjectError(f"{backup}: not a usable backup ({exc})") from None
    if verdict != "ok":
        raise ProjectError(f"{backup}: the backup itself is damaged ({verdict})")
    Project.open(backup, read_only=True).close()  # a project, of a format we read
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = None
    tmp = project_path.with_name(f".{project_path.name}.restoring")
    shutil.copyfile(backup, tmp)
    if project_path.exists():
        aside = project_path.with_name(f"{project_path.name}.before-restore-{stamp}")
        os.replace(project_path, aside)
        for extra in ("-wal", "-shm"):
            side = Path(f"{project_path}{extra}")
            if side.exists():
                os.replace(side, Path(f"{aside}{extra}"))
    os.replace(tmp, project_path)
    return backup, aside
