"""Assist in the window: run the zone rules and entity suggestions on this document or on all
of them (menu Suggestions), and choose the gazetteer. The window draws the suggestions and
accepts or rejects them (assist:accept / assist:accept-all / assist:reject)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from ..assist import DEFAULT_GAZETTEER_PATH, assist_document, build_index, default_rules
from ..core.errors import AnnotatorError
from . import i18n
from .commands import ASSIST_RUN_DOCUMENT_KEY
from .i18n import tr

GAZETTEER_SETTING = "assist:gazetteer"

i18n.add_strings({
    "assist.run_document": ("Suggest zones and entities for this document",
                            "اقتراح المناطق والكيانات لهذا المستند"),
    "assist.run_all": ("Suggest zones and entities for all documents…",
                       "اقتراح المناطق والكيانات لكل المستندات…"),
    "assist.gazetteer": ("Gazetteer for entity suggestions…", "قائمة الأسماء لاقتراح الكيانات…"),
    "assist.gazetteer.title": ("Gazetteer (name<TAB>label per line)",
                               "قائمة الأسماء (اسم<TAB>وسم في كل سطر)"),
    "assist.gazetteer.filter": ("Tab-separated files (*.tsv *.txt);;All files (*)",
                                "ملفات مفصولة بمسافات جدولة (*.tsv *.txt);;كل الملفات (*)"),
    "assist.gazetteer.reset": ("Use the shipped gazetteer again?",
                               "العودة إلى قائمة الأسماء المرفقة؟"),
    "assist.progress": ("Suggesting…", "جارٍ الاقتراح…"),
    "assist.done": ("Suggestions ready for {n} document(s).", "الاقتراحات جاهزة لـ{n} مستند."),
    "assist.failed": ("Suggestions failed", "تعذّر الاقتراح"),
    "assist.cancel": ("Stop", "إيقاف"),
})


class AssistActions:
    """The Suggestions menu's run actions, bound to one window."""

    def __init__(self, window):
        self.window = window
        menu = window.menu_for("assist")
        menu.addSeparator()
        self.run_document_action = self._action("assist:run-document", "assist.run_document",
                                                self.run_document, ASSIST_RUN_DOCUMENT_KEY)
        self.run_all_action = self._action("assist:run-all", "assist.run_all", self.run_all)
        self.gazetteer_action = self._action("assist:gazetteer", "assist.gazetteer",
                                             self.choose_gazetteer)
        for action in (self.run_document_action, self.run_all_action, self.gazetteer_action):
            menu.addAction(action)
        i18n.notifier.changed.connect(self.retranslate)

    def _action(self, name: str, key: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(tr(key), self.window, objectName=name)
        action.setData(key)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def retranslate(self, _lang: str | None = None) -> None:
        for action in (self.run_document_action, self.run_all_action, self.gazetteer_action):
            action.setText(tr(action.data()))

    def gazetteer(self) -> Path:
        chosen = self.window.project.get_setting(GAZETTEER_SETTING)
        return Path(chosen) if chosen else DEFAULT_GAZETTEER_PATH

    def choose_gazetteer(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, tr("assist.gazetteer.title"), str(self.gazetteer().parent),
            tr("assist.gazetteer.filter"))
        if path:
            self.window.project.set_setting(GAZETTEER_SETTING, path)
        elif self.window.project.get_setting(GAZETTEER_SETTING) and QMessageBox.question(
                self.window, tr("assist.gazetteer.title"),
                tr("assist.gazetteer.reset")) == QMessageBox.Yes:
            self.window.project.set_setting(GAZETTEER_SETTING, "")

    def run_document(self) -> int:
        doc_id = self.window.current_doc_id()
        if doc_id is None:
            return 0
        return self._run([doc_id])

    def run_all(self) -> int:
        return self._run(self.window.project.document_ids(), show_progress=True)

    def _run(self, doc_ids: list[str], show_progress: bool = False) -> int:
        project = self.window.project
        progress = None
        if show_progress:
            progress = QProgressDialog(tr("assist.progress"), tr("assist.cancel"), 0,
                                       len(doc_ids), self.window)
            progress.setObjectName("assistProgress")
            progress.setWindowModality(Qt.WindowModal)
            progress.setMinimumDuration(500)
        done = 0
        error = None
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            rules = default_rules()
            rules.check_schema(project.schema)
            names = build_index(project, self.gazetteer())
            # Each document is its own committed edit: a stop keeps what was done.
            for doc_id in doc_ids:
                assist_document(project, doc_id, rules, names)
                done += 1
                if progress is not None:
                    progress.setValue(done)
                    QApplication.processEvents()
                    if progress.wasCanceled():
                        break
        except AnnotatorError as exc:
            error = exc
        finally:
            QApplication.restoreOverrideCursor()
            if progress is not None:
                progress.close()
        if error is not None:
            box = QMessageBox(QMessageBox.Warning, tr("assist.failed"), str(error),
                              QMessageBox.Ok, self.window)
            box.setObjectName("assistError")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
        self.window.refresh()
        self.window.statusBar().showMessage(tr("assist.done", n=done), 4000)
        return done


def install(window) -> AssistActions:
    window.assist_actions = AssistActions(window)
    return window.assist_actions
