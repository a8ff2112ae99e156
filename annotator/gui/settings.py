"""Settings remembered between sessions (labeler name, language, last project) and their dialog.

Kept in QSettings under the organization "annotator". When ANNOTATOR_DATA_DIR is set (tests,
portable installs) they go to an INI file in that folder instead, so tests never touch the
user's own settings.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from . import i18n
from .i18n import tr


def store() -> QSettings:
    data_dir = os.environ.get("ANNOTATOR_DATA_DIR")
    if data_dir:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(data_dir) / "settings.ini"), QSettings.IniFormat)
    return QSettings("annotator", "annotator")


def rescue_folder() -> Path:
    """Where edits that cannot be saved are kept meanwhile (session/rescue.py): the user's
    own data folder, never the project's (its disk may be the one failing)."""
    data_dir = os.environ.get("ANNOTATOR_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "unsaved"
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) \
        or str(Path.home() / ".annotator")
    return Path(base) / "unsaved"


def _get(key: str) -> str | None:
    value = store().value(key)
    return str(value) if value not in (None, "") else None


def _set(key: str, value: str) -> None:
    settings = store()
    settings.setValue(key, value)
    settings.sync()


def labeler_name() -> str | None:
    return _get("labeler")


def set_labeler_name(name: str) -> None:
    _set("labeler", name.strip())


def language() -> str:
    lang = _get("language")
    return lang if lang in i18n.LANGUAGES else i18n.default_language()


def set_language(lang: str) -> None:
    _set("language", lang)
    i18n.set_language(lang)


def last_project() -> Path | None:
    value = _get("last_project")
    return Path(value) if value else None


def set_last_project(path: Path) -> None:
    _set("last_project", str(Path(path).resolve()))


class SettingsDialog(QDialog):
    """Interface language and labeler name. The language applies at once."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("settings.title"))
        self.language_box = QComboBox(objectName="settingsLanguage")
        self.language_box.addItem("العربية", "ar")
        self.language_box.addItem("English", "en")
        self.language_box.setCurrentIndex(self.language_box.findData(i18n.language()))
        self.name_edit = QLineEdit(labeler_name() or "", objectName="settingsName")
        form = QFormLayout()
        form.addRow(tr("settings.language"), self.language_box)
        form.addRow(tr("settings.name"), self.name_edit)
        note = QLabel(tr("settings.name_note"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(tr("button.ok"))
        buttons.button(QDialogButtonBox.Cancel).setText(tr("button.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # A word-wrapped label does not widen its dialog: sized by its other rows alone, the
        # dialog cut the note's first line (in Arabic, at its end).
        self.setMinimumWidth(max(self.sizeHint().width(), 420))

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if name:
            set_labeler_name(name)
        lang = self.language_box.currentData()
        if lang != i18n.language():
            set_language(lang)
        super().accept()
