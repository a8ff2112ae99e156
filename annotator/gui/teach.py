"""Teach mode window: one entity suggestion at a time, least certain first, answered by key:
A or Enter accepts, R or Backspace rejects, 1–9 relabel (the schema's entity labels in order),
S or Space skips, Esc closes. The answers go through annotator.assist.teach.TeachSession."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from ..assist.teach import TeachSession
from ..core.model import SUGGESTIONS
from . import i18n
from .i18n import counted, label_name, tr

i18n.add_strings({
    "teach.title": ("Teach", "التعليم"),
    # The key names isolated left to right, after the Arabic words: a line that began with
    # "A/Enter" was laid out left to right and read backwards in Arabic.
    "teach.keys": ("A/Enter accept · R/Backspace reject · {labels} relabel · S/Space skip · Esc "
                   "close", "قبول \u2066A/Enter\u2069 · رفض \u2066R/Backspace\u2069 · تغيير "
                   "الوسم \u2066{labels}\u2069 · تخطٍّ \u2066S/Space\u2069 · إغلاق "
                   "\u2066Esc\u2069"),
    "teach.question": ("{label}? (confidence {value:.2f}) — {n} of {total}",
                       "{label}؟ (الثقة {value:.2f}) — {n} من {total}"),
    "teach.done": ("No suggestion left. Accepted {accept}, rejected {reject}, relabeled "
                   "{relabel}, skipped {skip}.", "لم يبق اقتراح. قُبل {accept}، رُفض {reject}، "
                   "غُيّر وسم {relabel}، تُخطّي {skip}."),
    "teach.damaged": ("{count} left out of teaching (annotator check lists them).",
                      "استُبعدت من التعليم {count} (يسردها "
                      "\u2066annotator check\u2069)."),
})
MAX_DOCUMENTS = 200  # from the current document on, in queue order


class TeachDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setObjectName("teachDialog")
        self.setWindowTitle(tr("teach.title"))
        self.setLayoutDirection(Qt.RightToLeft)
        project = window.project
        ids = project.document_ids()
        current = window.current_doc_id()
        start = ids.index(current) if current in ids else 0
        ids = [d for d in ids[start:] if project.has_layer(d, SUGGESTIONS)][:MAX_DOCUMENTS]
        self.session = TeachSession(project, window.annotator, ids)
        if self.session.damaged:
            window.statusBar().showMessage(
                tr("teach.damaged", count=counted(len(self.session.damaged), "damaged_layer")))
        self.labels = list(project.schema.entity_names)
        layout = QVBoxLayout(self)
        self.context = QLabel(objectName="teachContext", textFormat=Qt.PlainText,
                              wordWrap=True)
        self.question = QLabel(objectName="teachQuestion", textFormat=Qt.PlainText)
        keys = tr("teach.keys", labels="/".join(str(i + 1) for i in range(len(self.labels))))
        layout.addWidget(self.context)
        layout.addWidget(self.question)
        layout.addWidget(QLabel(keys, textFormat=Qt.PlainText))
        # Wide enough for the context to wrap inside it: a word-wrapped label does not widen
        # its dialog, which cut the context's first line at its end.
        self.setMinimumWidth(max(self.sizeHint().width(), 640))
        self.show_current()

    def show_current(self) -> None:
        q = self.session.current
        if q is None:
            self.context.setText("")
            self.question.setText(tr("teach.done", **self.session.answered))
            return
        self.context.setText(f"{q.before} [{q.text}] {q.after}")
        label = label_name(self.window.project.schema, "entity", q.entity.label)
        self.question.setText(tr("teach.question", label=label, value=q.confidence,
                                 n=self.session.position + 1,
                                 total=len(self.session.questions)))

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text().lower()
        if key == Qt.Key_Escape:
            self.close()
            return
        if key in (Qt.Key_Return, Qt.Key_Enter) or text in ("a", "ش"):
            self.session.accept()
        elif key == Qt.Key_Backspace or text in ("r", "ق"):
            self.session.reject()
        elif key == Qt.Key_Space or text in ("s", "س"):
            self.session.skip()
        elif text.isdigit() and 1 <= int(text) <= len(self.labels):
            self.session.relabel(self.labels[int(text) - 1])
        else:
            super().keyPressEvent(event)
            return
        self.show_current()

    def done(self, result: int) -> None:
        self.window.refresh()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.window.refresh()
        super().closeEvent(event)
