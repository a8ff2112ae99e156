"""The desktop window (PySide6). `run` is what `annotator gui` / `annotator demo` call;
`open_window` builds a shown window for tests and scripts.

After the window is built, each optional extension module that exists is imported and its
`install(window)` called (see the GUI contract).
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from .registry import _windows  # noqa: F401  (the open windows; scripts and tests read it)

EXTENSIONS = ("review", "agreement_panel", "assist_panel", "search_panel", "charts", "live")


def application():
    """The QApplication (created on first use), with the bundled Arabic font as a fallback for
    the interface and the saved (or locale's) interface language applied."""
    from PySide6.QtGui import QFont, QFontInfo
    from PySide6.QtWidgets import QApplication

    from . import file_open, i18n, settings
    from .fonts import load_fonts

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setOrganizationName("annotator")
        app.setApplicationName("annotator")
    if not getattr(app, "_annotator_ready", False):
        # Qt's own file dialogs: they follow the interface language (Qt's Arabic translations,
        # i18n.set_language) and mirror; a native one stays in the system's language.
        from PySide6.QtCore import Qt
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
        families = load_fonts()
        font = QFont(app.font())
        # Menus and panels in Arabic need Arabic glyphs even where the system has no such font.
        # The system font first, by its real name (an alias such as "Sans Serif" would not match
        # in a family list).
        system = QFontInfo(font).family()
        font.setFamilies([system] + [f for f in families if f != system])
        app.setFont(font)
        i18n.set_language(settings.language())
        file_open.install(app)
        app._annotator_ready = True
    return app


def ask_labeler_name(parent=None) -> str | None:
    """The remembered labeler name; asked once (and remembered) when there is none."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from . import settings
    from .i18n import tr

    name = settings.labeler_name()
    while not name:
        name, ok = QInputDialog.getText(parent, tr("ask.name.title"), tr("ask.name.text"),
                                        QLineEdit.Normal, "")
        if not ok:
            return None
        name = name.strip()
    settings.set_labeler_name(name)
    return name


def choose_project_file(parent=None) -> Path | None:
    from . import settings
    from .file_dialogs import ask_file
    from .i18n import tr

    last = settings.last_project()
    path = ask_file(parent, tr("open.title"), str(last.parent) if last else "", tr("open.filter"))
    return Path(path) if path else None


def install_extensions(window) -> None:
    for name in EXTENSIONS:
        full = f"{__name__}.{name}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name == full:
                continue
            raise
        module.install(window)


def is_url(location) -> bool:
    from ..store.project import is_url as store_is_url

    return store_is_url(location)


def open_window(project_path, annotator: str):
    """Open the project at project_path as `annotator`, show its window on the first document
    (the one last open, else the first unfinished) and return it."""
    from ..store import Project
    from . import registry, settings
    from .main_window import MainWindow

    application()
    project = Project.open(project_path)
    try:
        project.enable_backups()  # one now (in the background), then every 10 min of work
        window = MainWindow(project, annotator)
        if project.read_only:
            from PySide6.QtWidgets import QLabel

            label = QLabel(objectName="readOnly")
            window.statusBar().addPermanentWidget(label)
            window.translatable(label.setText, "window.read_only")
        install_extensions(window)
        window.show()
        window.restore_unsaved()
        window.show_first_document()
    except BaseException:
        project.close()
        raise
    if not is_url(project_path):  # a server project is given by its URL each time
        settings.set_last_project(Path(project_path))
    return registry.keep(window)


def run(project_path=None, annotator: str | None = None) -> int:
    """Start the application: the given project, else the last one used, else a file dialog.
    Returns the exit status."""
    from . import settings

    application()
    if is_url(project_path):
        # On a server the login is who works: the database only lets it write its own layer.
        from urllib.parse import urlsplit

        annotator = annotator or urlsplit(project_path).username
        if not annotator:
            annotator = ask_labeler_name()
        return run_window(lambda: open_window(project_path, annotator)) if annotator else 1
    if not annotator:
        annotator = ask_labeler_name()
        if not annotator:
            return 1
    path = Path(project_path) if project_path else settings.last_project()
    if path is None or not path.is_file():
        path = choose_project_file()
        if path is None:
            return 1
    return run_window(lambda: open_window(path, annotator))


def run_window(open_fn) -> int:
    """Open a window with open_fn() and run the event loop until it closes; a project that
    cannot be opened is said in a message box. Returns the exit status."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from ..core.errors import AnnotatorError
    from .i18n import tr

    app = application()
    try:
        window = open_fn()
    except AnnotatorError as exc:
        from .window_base import error_box
        error_box(None, tr("open.failed"), str(exc), QMessageBox.Critical).exec()
        return 2
    window.setAttribute(Qt.WA_DeleteOnClose)
    return app.exec()
