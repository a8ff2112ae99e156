"""Open and save file dialogs that follow the interface language: Qt's own dialog (not the
system's, which stays in the system language), every label in our strings (Qt's Arabic catalogue
leaves "Look in" and "Files of type" in English), and the file list, path and name boxes laid
out left to right in the Arabic interface, since paths, sizes and dates are left-to-right data
(mirrored they read "KiB 212", "work/…/docs/").

A combo box laid out left to right still paints its text in the application's direction (Qt's
painter starts from QGuiApplication.layoutDirection), so the "Look in" box showed a path as
"عربي/مشاريع/tmp/fd/": its label is painted isolated left to right instead (LeftToRightLabels)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QLineEdit,
                               QProxyStyle, QStyle)

from . import i18n
from .i18n import tr

i18n.add_strings({
    "file.look_in": ("Look in:", "البحث في:"),
    "file.name": ("File name:", "اسم الملف:"),
    "file.type": ("Files of type:", "نوع الملفات:"),
    "file.open": ("Open", "فتح"),
    "file.save": ("Save", "حفظ"),
})


LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate, pop directional isolate


class LeftToRightLabels(QProxyStyle):
    """The application's style, but a combo box's label is painted as left-to-right text
    whatever the application's direction (for boxes that show paths)."""

    def drawControl(self, element, option, painter, widget=None):
        if element == QStyle.ControlElement.CE_ComboBoxLabel and option.currentText:
            option = type(option)(option)
            option.currentText = LRI + option.currentText + PDI
        super().drawControl(element, option, painter, widget)


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
    labels = dialog._left_to_right_labels = LeftToRightLabels()  # kept: Qt does not own it
    for kind in (QAbstractItemView, QComboBox, QLineEdit):
        for widget in dialog.findChildren(kind):
            widget.setLayoutDirection(Qt.LeftToRight)
            if kind is QComboBox:
                widget.setStyle(labels)
    dialog.resize(820, 480)
    return dialog


def ask_file(parent, title: str, start: str = "", filters: str = "", save: bool = False) -> str:
    """The chosen path, or "" when the dialog was cancelled."""
    dialog = file_dialog(parent, title, start, filters, save)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
