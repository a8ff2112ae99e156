"""Assist in the window: run the suggestions on this document or on all of them (menu
Suggestions), choose the gazetteer, train the models, teach. The window draws the suggestions
and accepts or rejects them (assist:accept / assist:accept-all / assist:reject).

Training never blocks the window: it runs as `python -m annotator train PROJECT` in a QProcess
(assist:train, and by itself when enough new documents were confirmed since the last model);
the status bar shows the model's state ("trained on N entities, cross-validated F1 x.xx") and
the confidence of the entity suggestion under the caret."""
from __future__ import annotations

from pathlib import Path

import sys

from PySide6.QtCore import QProcess, Qt, QTimer, Signal, QObject
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMessageBox,
                               QProgressDialog)

from ..assist import (DEFAULT_GAZETTEER_PATH, assist_document, build_index, default_rules,
                      rejected_texts)
from ..assist.training import ENTITY_MODEL, load_entity_model, load_zone_model, model_summary
from ..core.errors import EXIT_REJECTED, AnnotatorError
from ..store.models import confirmed_layer_refs, model_meta
from . import i18n
from .commands import ASSIST_COMMANDS
from .window_base import error_box, register_commands
from .i18n import counted, label_name, tr

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
    "assist.done": ("Suggestions ready for {n}.", "الاقتراحات جاهزة لـ{n}."),  # n: counted
    "assist.failed": ("Suggestions failed", "تعذّر الاقتراح"),
    "assist.cancel": ("Stop", "إيقاف"),
    "assist.train": ("Train the suggestion model now", "تدريب نموذج الاقتراحات الآن"),
    "assist.teach": ("Teach: suggestions one by one, least certain first…",
                     "التعليم: الاقتراحات واحدا واحدا، الأقل يقينا أولا…"),
    "assist.training": ("training the model in the background…",
                        "جارٍ تدريب النموذج في الخلفية…"),
    "assist.trained": ("Model retrained: {state}", "أعيد تدريب النموذج: {state}"),
    "assist.no_model": ("no model yet: suggestions come from rules and names",
                        "لا نموذج بعد: الاقتراحات من القواعد والأسماء"),
    # n: counted, after a preposition
    "assist.model": ("trained on {n}", "مدرَّب على {n}"),
    "assist.model_f1": ("trained on {n}, cross-validated F1 {f1:.2f}",
                        "مدرَّب على {n}، F1 بالتحقق المتقاطع {f1:.2f}"),
    "assist.zone_model": ("zones learned from {n}", "المناطق متعلَّمة من {n}"),
    "assist.trained_left_out": ("Model retrained: {state}. Left out as damaged: {error}",
                                "أعيد تدريب النموذج: {state}. تُرك لتلفه: {error}"),
    "assist.train_failed": ("Training failed: {error}", "تعذّر التدريب: {error}"),
    "assist.confidence": ("suggestion {label}, confidence {value:.2f}",
                          "اقتراح {label}، الثقة {value:.2f}"),
})

# Retrain by itself when this many documents were confirmed since the last model.
RETRAIN_AFTER = 5
RETRAIN_CHECK_MS = 30_000


class BackgroundTrainer(QObject):
    """`python -m annotator train PROJECT` in a QProcess: the window's event loop never waits
    for it. `finished(ok, message)` when it is over."""

    finished = Signal(bool, str)

    def __init__(self, project_path, parent=None):
        super().__init__(parent)
        self.project_path = str(project_path)
        self.process: QProcess | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.NotRunning

    def start(self) -> bool:
        if self.running:
            return False
        self.process = QProcess(self)
        self.process.setObjectName("trainingProcess")
        self.process.finished.connect(self._done)
        self.process.start(sys.executable, ["-m", "annotator", "train", self.project_path,
                                            "--quiet"])
        return True

    def _done(self, code: int, _status) -> None:
        error = bytes(self.process.readAllStandardError()).decode("utf-8", "replace").strip()
        # Exit 1: trained, with damaged layers left out (the last line names one).
        self.finished.emit(code in (0, EXIT_REJECTED),
                           error.splitlines()[-1] if error and code else "")


class AssistActions:
    """The Suggestions menu's run actions, bound to one window."""

    def __init__(self, window):
        self.window = window
        register_commands(window, ASSIST_COMMANDS)
        # The model's state, always in view; the suggestion under the caret, its confidence.
        self.state_label = QLabel(objectName="modelState")
        window.statusBar().addPermanentWidget(self.state_label)
        self.trainer = BackgroundTrainer(window.project.path, window)
        self._tried_at = 0  # confirmed documents when training last started by itself
        self.trainer.finished.connect(self._trained)
        # Said again in the new language as soon as the language changes.
        window.translatable(self.state_label.setText, self.state_text)
        window.article_view.selection_changed.connect(self.show_confidence)
        self.retrain_timer = QTimer(window, objectName="retrainTimer")
        self.retrain_timer.timeout.connect(self.retrain_if_due)
        self.retrain_timer.start(RETRAIN_CHECK_MS)
        # The project closes with the window; a check after that would read a closed file.
        window.closed.connect(self.retrain_timer.stop)

    def model_state(self) -> str:
        """The models' state in the interface's language."""
        summary = model_summary(self.window.project)
        if summary["entities"] is None:
            parts = [tr("assist.no_model")]
        else:
            entities = counted(summary["entities"], "entity", after_preposition=True)
            parts = [tr("assist.model", n=entities) if summary["cv_f1"] is None
                     else tr("assist.model_f1", n=entities, f1=summary["cv_f1"])]
        if summary["zone_pages"] is not None:
            parts.append(tr("assist.zone_model", n=counted(summary["zone_pages"],
                                                             "confirmed_page",
                                                             after_preposition=True)))
        return ("؛ " if i18n.language() == "ar" else "; ").join(parts)

    def state_text(self) -> str:
        state = self.model_state()
        return tr("assist.training") + " " + state if self.trainer.running else state

    def show_state(self) -> None:
        self.state_label.setText(self.state_text())

    def train(self) -> bool:
        """Start training in the background (False if it is running already)."""
        started = self.trainer.start()
        self.show_state()
        return started

    def retrain_if_due(self) -> bool:
        self.show_state()  # also brings the state up to the interface's language
        if self.trainer.running:
            return False
        project = self.window.project
        confirmed = len(confirmed_layer_refs(project))
        meta = model_meta(project, ENTITY_MODEL) or {}
        # Counted from the last model, or the last attempt (which may have found too little
        # to learn from): not a retraining every check.
        since = max(int(meta.get("documents", 0) or 0), self._tried_at)
        if confirmed - since < RETRAIN_AFTER:
            return False
        self._tried_at = confirmed
        return self.train()

    def _trained(self, ok: bool, error: str) -> None:
        self.show_state()
        if not ok:
            message = tr("assist.train_failed", error=error or "?")
        elif error:
            message = tr("assist.trained_left_out", state=self.model_state(), error=error)
        else:
            message = tr("assist.trained", state=self.model_state())
        self.window.statusBar().showMessage(message, 8000)

    def show_confidence(self, start: int, end: int) -> None:
        suggestions = self.window.session.suggestions  # as read and checked (None: damaged)
        if suggestions is None:
            return
        for e in suggestions.entities:
            value = dict(e.extra).get("confidence")
            if e.start <= start <= e.end and isinstance(value, (int, float)):
                label = label_name(self.window.project.schema, "entity", e.label)
                self.window.statusBar().showMessage(
                    tr("assist.confidence", label=label, value=value), 4000)
                return

    def teach(self):
        from .teach import TeachDialog
        dialog = TeachDialog(self.window)
        dialog.open()
        return dialog

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
            # The project's models when it has them (a damaged one: the error is shown).
            rules = load_zone_model(project, rules) or rules
            names = load_entity_model(project) or build_index(project, self.gazetteer())
            rejected = rejected_texts(project)
            # Each document is its own committed edit: a stop keeps what was done.
            for doc_id in doc_ids:
                assist_document(project, doc_id, rules, names, rejected)
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
            box = error_box(self.window, tr("assist.failed"), str(error))
            box.setObjectName("assistError")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
        self.window.refresh()
        self.window.statusBar().showMessage(tr("assist.done", n=counted(done, "document")), 4000)
        return done


def install(window) -> AssistActions:
    window.assist_actions = AssistActions(window)
    return window.assist_actions
