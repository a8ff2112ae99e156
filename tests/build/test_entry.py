"""The desktop build's command line and resource lookup, tested from source (fast; part of the
default suite). The built executable itself is tested in test_desktop_build.py (`-m build`)."""
import sys

import annotator
from annotator.__main__ import desktop_args


def test_no_arguments_open_the_window():
    assert desktop_args([]) == ["gui"]


def test_a_double_clicked_project_opens_in_the_window(tmp_path):
    project = tmp_path / "مشروع.db"
    project.write_bytes(b"")
    assert desktop_args([str(project)]) == ["gui", str(project)]


def test_commands_and_options_go_to_the_command_line(tmp_path, monkeypatch):
    assert desktop_args(["export", "p.db", "--format", "jsonl"]) == [
        "export", "p.db", "--format", "jsonl"]
    assert desktop_args(["--version"]) == ["--version"]
    # A missing file is not guessed into a project: the command line says what is wrong.
    assert desktop_args([str(tmp_path / "missing.db")]) == [str(tmp_path / "missing.db")]
    # Nor is a command, even with a file of that name in the current folder.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stats").write_bytes(b"")
    assert desktop_args(["stats"], ["stats", "gui"]) == ["stats"]


def test_the_app_started_as_python_minus_m_runs_the_command():
    # Code that starts `sys.executable -m annotator agree …` works the same from a build.
    assert desktop_args(["-m", "annotator", "agree", "p.db", "--json"]) == [
        "agree", "p.db", "--json"]
    assert desktop_args(["-m", "annotator"]) == []


def test_resources_are_found_in_the_bundle_when_frozen(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    try:
        assert annotator._root() == tmp_path
    finally:
        monkeypatch.undo()
    assert (annotator._root() / "resources" / "schema.toml").is_file()
    assert annotator.RESOURCES == annotator._root() / "resources"


def test_qt_own_strings_follow_the_interface_language(qapp):
    # Standard buttons and file dialogs are Qt's strings: Arabic from qtbase_ar.qm, which the
    # desktop build must carry (i18n.set_language loads it from Qt's translations folder).
    from PySide6.QtCore import QCoreApplication

    from annotator.gui import application, i18n

    application()
    try:
        i18n.set_language("ar")
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")  # "ألغِ" in Qt 6.11
        assert cancel != "Cancel" and all("\u0600" <= c <= "\u06ff" for c in cancel)
        i18n.set_language("en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        i18n.set_language("en")


def test_a_project_the_system_hands_over_opens_in_a_window(qtbot, seeded_path):
    # macOS: a project double-clicked while annotator runs arrives as a QFileOpenEvent.
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from annotator.gui import _windows, application, settings

    app = application()
    settings.set_labeler_name("sara")
    before = list(_windows)
    assert QApplication.sendEvent(app, QFileOpenEvent(str(seeded_path)))  # handled
    opened = [w for w in _windows if w not in before]
    assert len(opened) == 1
    window = opened[0]  # deleted on close, like the window `annotator gui` opens
    try:
        assert window.isVisible() and window.annotator == "sara"
        assert window.current_doc_id() == "000_a3ed348b844c58ae"
    finally:
        window.close()
