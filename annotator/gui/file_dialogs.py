"""Open and save file dialogs that follow the interface language: Qt's own dialog (not the
system's, which stays in the system language), every label in our strings (Qt's Arabic catalogue
leaves "Look in" and "Files of type" in English), and the file list, path and name boxes laid
out left to right in the Arabic interface, since paths, sizes and dates are left-to-right data
(mirrored they read "KiB 212", "work/…/docs/")."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QFileDialog, QLineEdit

from . import i18n
from .i18n import tr

i18n.add_strings({
    "file.look_in": ("Look in:", "البحث في:"),
    "file.name": ("File name:", "اسم الملف:"),
    "file.type": ("Files of type:", "نوع الملفات:"),
    "file.open": ("Open", "فتح"),
    "file.save": ("Save", "حفظ"),
})


def file_dialog(parent, title: str, start: str, filters: str, save: bool) -> QFileDialog:
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save
                         else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save
                       else QFileDialog.FileMode.ExistingFile)
    dialog.setLayoutDirection(i18n.direction())
    for label, key in ((QFileDialog.DialogLabel.LookIn, "file.look_in"),
                       (QFileDialog.DialogLabel.FileName, "file.name"),
                       (QFileDialog.DialogLabel.FileType, "file.type"),
                       (QFileDialog.DialogLabel.Accept, "file.save" if save else "file.open"),
                       (QFileDialog.DialogLabel.Reject, "button.cancel")):
        dialog.setLabelText(label, tr(key))
    for kind in (QAbstractItemView, QComboBox, QLineEdit):
        for widget in dialog.findChildren(kind):
            widget.setLayoutDirection(Qt.LeftToRight)
    dialog.resize(820, 480)
    return dialog


def ask_file(parent, title: str, start: str = "", filters: str = "", save: bool = False) -> str:
    """The chosen path, or "" when the dialog was cancelled."""
    dialog = file_dialog(parent, title, start, filters, save)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
