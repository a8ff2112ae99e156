"""Projects the system asks the running application to open: on macOS, a project file
double-clicked (or dropped on the Dock icon) while annotator runs arrives as a QFileOpenEvent, not
as an argument. (The one that starts the application is turned into an argument by the desktop
build: PyInstaller's argv_emulation, packaging/annotator.spec.)"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox


class FileOpenHandler(QObject):
    """Opens a window on each file the system hands to the application."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FileOpen and watched is QApplication.instance():
            path = event.file()
            if path:
                open_requested(Path(path))
                return True
        return False


def open_requested(path: Path):
    """A window on the project at path, as the remembered labeler (asked if there is none);
    a file that is not a project is said in a message box. Returns the window or None."""
    from ..core.errors import AnnotatorError
    from . import ask_labeler_name, open_window
    from .i18n import tr

    annotator = ask_labeler_name()
    if not annotator:
        return None
    try:
        window = open_window(path, annotator)
    except AnnotatorError as exc:
        from .window_base import error_box
        error_box(None, tr("open.failed"), str(exc), QMessageBox.Critical).exec()
        return None
    window.setAttribute(Qt.WA_DeleteOnClose)
    return window


def install(app: QApplication) -> None:
    handler = FileOpenHandler(app)
    app.installEventFilter(handler)
    app._annotator_file_open = handler  # kept alive with the application
