"""The review window: labelers' layers side by side, their disagreements as units stepped
through by keyboard, and the gold layer built from the reviewer's decisions.

Keys: Ctrl+F8 / Ctrl+Shift+F8 next / previous disagreement; Ctrl+1…9 take labeler 1…9's
version (the unit stays in focus with its ✓; a decided unit asks first, showing old → new);
Ctrl+Shift+A accept everything all labelers agree on; Ctrl+Return
mark the document reviewed and open the next one; Ctrl+PgDown / Ctrl+PgUp next / previous
document; in the gold view, select text and press an entity key (P, O, L, M …) to add an
entity, a zone key (1, 2, 3, 0) to set a zone, Delete to remove entities; stance keys
(Shift+F …) set the value of the stance in focus; Ctrl+Z / Ctrl+Shift+Z undo / redo in gold.

What is reviewed and decided lives in session/review.py (ReviewSession, tested without Qt);
decisions are kept through store/review_decisions.py; the texts about units are in
review_text.py. This module builds the panes and docks, forwards keys and selections to the
session and repaints on its notifications. (About 540 lines: the queue table, the unit list
and the extension entry points stay together because they are the window's own widgets.)
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QLabel,
                               QListWidget, QListWidgetItem, QProgressBar, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..core import adjudication as adj
from ..core.errors import AnnotatorError
from ..core.model import GOLD
from ..session.rescue import RescueFile
from ..session.review import ReviewSession
from ..store.tallies import review_queue
from . import i18n, live, registry, settings
from .file_dialogs import ask_file
from .commands import REVIEW_OPEN, review_commands
from .damaged import DamagedBanner
from .article_view import ArticleView
from . import review_text
from .i18n import counted, ltr, tr
from .save_state import SaveStateView
from .window_base import WindowBase, error_box, register_commands

MAX_KEYED_LABELERS = 9
LABELER_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                  "#17becf", "#7f7f7f"]
GOLD_COLOR = "#b8860b"



class ReviewWindow(WindowBase):
    MENU_ORDER = ("review", "gold")
    MENU_TITLES = {"gold": "review.menu.edit"}
    document_changed = Signal(str)
    gold_edited = Signal()

    def __init__(self, project, reviewer: str, labelers: list[str] | None = None,
                 owns_project: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.project = project
        self.reviewer = reviewer
        self.schema = project.schema
        # What is reviewed and decided lives in the session; the window draws it.
        self.session = ReviewSession(project, reviewer, labelers, rescue=RescueFile(
            settings.rescue_folder(), project.project_id, reviewer, "review"))
        self.labelers = self.session.labelers
        self._owns_project = owns_project
        self._is_closed = False
        self._queue: list[tuple[str, int, str]] = []

        self._build_views()
        self._build_docks()
        self._build_actions()
        self.install_layout_keys([self, self.gold_view, self.unit_list, self.queue_table,
                                  *self.labeler_views.values()])
        session = self.session
        session.document_changed.connect(self._document_opened)
        session.gold_changed.connect(self._gold_changed)
        session.gold_edited.connect(self.gold_edited.emit)
        session.current_changed.connect(self._current_changed)
        session.message.connect(self._show_message)
        self.save_state = SaveStateView(self, session)
        self.damaged_banner = DamagedBanner(self)
        i18n.notifier.changed.connect(self.retranslate)
        self.retranslate()
        self.resize(1400, 860)
        restored, problems = session.restore_rescued()  # before anything is read and shown
        self.refresh_queue()
        first = next((d for d, _n, s in self._queue if s != "reviewed"),
                     self._queue[0][0] if self._queue else None)
        if first is not None:
            self.show_document(first)
        else:
            self.statusBar().showMessage(tr("review.no_documents"))
            self._show_empty()
        live.install(self)  # a project on a server: what the labelers change shows here
        if restored:
            self.statusBar().showMessage(tr("rescue.restored", documents=counted(
                restored, "document", after_preposition=True)), 15000)
        if problems:
            box = error_box(self, tr("rescue.problems"), "\n".join(problems))
            box.setObjectName("rescueProblems")
            QTimer.singleShot(0, box.open)

    def _show_empty(self) -> None:
        """Nothing to review: say why and what to do instead of showing blank panes."""
        message = QLabel(objectName="review:empty")
        message.setAlignment(Qt.AlignCenter)
        message.setWordWrap(True)
        message.setTextFormat(Qt.PlainText)
        message.setStyleSheet("font-size: 15pt; color: #444; padding: 40px;")
        self.translatable(message.setText, "review.empty_help")
        self.centralWidget().hide()
        self.takeCentralWidget()
        self.setCentralWidget(message)

    # -- building -------------------------------------------------------------------------------
    def _pane(self, view: ArticleView, color: str) -> tuple[QWidget, QLabel]:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(2, 2, 2, 2)
        header = QLabel()
        header.setStyleSheet(f"font-weight: bold; color: white; background: {color}; "
                             "padding: 3px 8px; border-radius: 3px;")
        layout.addWidget(header)
        layout.addWidget(view, 1)
        return pane, header

    def _build_views(self) -> None:
        self.labeler_views: dict[str, ArticleView] = {}
        self.labeler_headers: dict[str, QLabel] = {}
        side = QSplitter(Qt.Horizontal)
        side.setObjectName("review:labelers")
        for i, name in enumerate(self.labelers):
            view = ArticleView()
            view.setObjectName(f"review:view:{name}")
            pane, header = self._pane(view, LABELER_COLORS[i % len(LABELER_COLORS)])
            self.labeler_views[name] = view
            self.labeler_headers[name] = header
            side.addWidget(pane)
        self.gold_view = ArticleView()
        self.gold_view.setObjectName("review:view:gold")
        gold_pane, self.gold_header = self._pane(self.gold_view, GOLD_COLOR)
        split = QSplitter(Qt.Vertical)
        split.addWidget(side)
        split.addWidget(gold_pane)
        split.setSizes([430, 430])
        self.setCentralWidget(split)

    def _build_docks(self) -> None:
        queue = QWidget()
        layout = QVBoxLayout(queue)
        self.queue_table = QTableWidget(0, 3)
        self.queue_table.setObjectName("review:queue")
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.queue_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.queue_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.queue_table.verticalHeader().hide()
        self.queue_table.horizontalHeader().setStretchLastSection(True)
        self.queue_table.cellActivated.connect(lambda row, _col: self._open_row(row))
        self.queue_table.cellClicked.connect(lambda row, _col: self._open_row(row))
        self.queue_progress = QProgressBar()
        self.queue_progress.setObjectName("review:progress")
        layout.addWidget(self.queue_table, 1)
        layout.addWidget(self.queue_progress)
        self.queue_dock = self._dock(queue, "review.queue", Qt.LeftDockWidgetArea)
        queue.setMinimumWidth(330)

        units = QWidget()
        layout = QVBoxLayout(units)
        self.unit_list = QListWidget()
        self.unit_list.setObjectName("review:units")
        self.unit_list.currentRowChanged.connect(self._unit_row_changed)
        self.unit_detail = QLabel()
        self.unit_detail.setObjectName("review:detail")
        self.unit_detail.setTextFormat(Qt.PlainText)
        self.unit_detail.setWordWrap(True)
        self.unit_detail.setAlignment(Qt.AlignTop)
        self.unit_detail.setMinimumHeight(120)
        self.unit_progress = QLabel()
        self.unit_progress.setObjectName("review:unit-progress")
        layout.addWidget(self.unit_progress)
        layout.addWidget(self.unit_list, 3)
        layout.addWidget(self.unit_detail, 1)
        self.unit_dock = self._dock(units, "review.units", Qt.RightDockWidgetArea)
        units.setMinimumWidth(380)

    def _dock(self, widget: QWidget, key: str, area) -> QDockWidget:
        return self.add_dock(widget, lambda: tr(key), area, name=key, view_menu=False,
                             features=QDockWidget.DockWidgetMovable
                             | QDockWidget.DockWidgetFloatable)

    def _build_actions(self) -> None:
        register_commands(self, review_commands(self.schema, self.labelers,
                                                MAX_KEYED_LABELERS))

    def retranslate(self, _lang: str | None = None) -> None:
        self.retranslate_texts()
        self.queue_table.setHorizontalHeaderLabels(
            [tr("review.col.document"), tr("review.col.disagreements"), tr("review.col.status")])
        for i, name in enumerate(self.labelers):
            key = str(i + 1) if i < MAX_KEYED_LABELERS else "–"
            self.labeler_headers[name].setText(tr("review.labeler", number=key, name=name))
        self.gold_header.setText(tr("review.gold", name=self.reviewer))
        self._update_title()
        self._fill_queue()
        self._fill_units()

    def _update_title(self) -> None:
        project, doc_id = i18n.isolate(self.project.path.name), self.session.doc_id
        self.setWindowTitle(tr("review.title.doc", project=project, doc=ltr(doc_id))
                            if doc_id else tr("review.title", project=project))

    # -- the queue ------------------------------------------------------------------------------
    def refresh_queue(self) -> None:
        damaged: list[dict] = []
        self._queue = review_queue(self.project, self.labelers, self.reviewer,
                                   damaged=damaged)
        self._fill_queue()
        if damaged:
            self.statusBar().showMessage(tr("review.damaged_queue",
                                            count=counted(len(damaged), "damaged_layer")))

    def _fill_queue(self) -> None:
        table = self.queue_table
        table.setRowCount(len(self._queue))
        for row, (doc_id, count, status) in enumerate(self._queue):
            for col, value in enumerate((ltr(doc_id), str(count), tr(f"status.{status}"))):
                item = QTableWidgetItem(value)
                if col == 1:
                    item.setTextAlignment(Qt.AlignCenter)
                table.setItem(row, col, item)
            if doc_id == self.session.doc_id:
                table.selectRow(row)
        done = sum(1 for _d, _n, s in self._queue if s == "reviewed")
        self.queue_progress.setMaximum(max(1, len(self._queue)))
        self.queue_progress.setValue(done)
        self.queue_progress.setFormat(tr("review.progress", done=done,
                                         total=counted(len(self._queue), "document",
                                                       after_preposition=True)))
        table.resizeColumnsToContents()

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self._queue) and self._queue[row][0] != self.session.doc_id:
            self.show_document(self._queue[row][0])

    def queue_ids(self) -> list[str]:
        return [d for d, _n, _s in self._queue]

    # -- one document ---------------------------------------------------------------------------
    def current_doc_id(self) -> str | None:
        return self.session.doc_id

    def show_document(self, doc_id: str) -> None:
        self.session.open_document(doc_id)
        self._shown(doc_id)

    def reload_if_changed(self, changed: set[str]) -> bool:
        """Someone else changed these documents (live.py, a project on a server): their
        counts in the queue, and the document on screen re-read."""
        self.refresh_queue()
        if not self.session.reload_if_changed(changed):
            return False
        self._shown(self.session.doc_id)
        if not self.session.damaged and self.session.gold_damaged is None:
            self._show_message("bar.changed_elsewhere", {}, 4000)
        return True

    def _shown(self, doc_id: str) -> None:
        """What the window says of the document just read: damaged layers, or nothing to
        settle."""
        self._show_gold_damage()
        if self.session.gold_damaged is not None:
            self.statusBar().showMessage(tr("review.damaged_layer", layers=ltr(
                f"{GOLD}: {self.session.gold_damaged}")))
        elif self.session.damaged:
            self.statusBar().showMessage(tr("review.damaged_layer", layers=", ".join(
                f"{ltr(name)}: {problem}" for name, problem in self.session.damaged.items())))
        elif not self.session.disagreements:
            self.statusBar().showMessage(tr("review.no_disagreement"))
        self.document_changed.emit(doc_id)

    def _document_opened(self, doc_id: str) -> None:
        session = self.session
        for name, view in self.labeler_views.items():
            view.set_document(session.text, self.schema)
            view.set_layer(session.layers.get(name))
            view.setEnabled(name in session.layers)
        self.gold_view.set_document(session.text, self.schema)
        self._update_title()
        self._fill_queue()

    def _show_gold_damage(self) -> None:
        problem = self.session.gold_damaged
        if problem is None:
            self.damaged_banner.hide()
        else:
            self.damaged_banner.show("review.banner.gold_damaged", {GOLD: problem})

    def start_gold_afresh(self) -> None:
        """Gold ▸ Start gold afresh: only on a damaged gold, only once the reviewer said yes."""
        session = self.session
        if session.gold_damaged is None:
            self.statusBar().showMessage(tr("review.gold_afresh.none"), 4000)
            return
        if self.confirm(tr("review.gold_afresh.title"), tr(
                "review.gold_afresh.text", doc=ltr(session.doc_id),
                problem=session.gold_damaged), "review.gold_afresh.yes"):
            session.start_gold_afresh()
            self._show_gold_damage()

    def _gold_changed(self) -> None:
        self.gold_view.set_layer(self.session.gold)
        self._fill_units()

    def units(self) -> list[adj.Unit]:
        """This document's disagreements, in the order they are stepped through."""
        return list(self.session.disagreements)

    def is_decided(self, unit: adj.Unit) -> bool:
        return self.session.is_decided(unit)

    def open_units(self) -> list[adj.Unit]:
        return self.session.open_units()

    def current_unit(self) -> adj.Unit | None:
        return self.session.current_unit()

    def _fill_units(self) -> None:
        session = self.session
        if session.gold is None:
            return
        with QSignalBlocker(self.unit_list):
            self.unit_list.clear()
            for unit in session.disagreements:
                decided = self.is_decided(unit)
                item = QListWidgetItem(review_text.unit_item(
                    self.schema, session.text, unit, self.labelers, decided))
                item.setForeground(QColor("#2e7d32" if decided else "#111111"))
                self.unit_list.addItem(item)
            self.unit_list.setCurrentRow(session.current)
        total = len(session.disagreements)
        decided = total - len(self.open_units())
        self.unit_progress.setText(tr("review.unit_progress", done=decided,
                                      total=counted(total, "disagreement",
                                                    after_preposition=True)))
        self._show_detail()

    def _show_detail(self) -> None:
        unit = self.current_unit()
        if unit is None:
            self.unit_detail.setText("")
            return
        gold = adj.gold_version(unit, self.session.gold, self.session.text)
        self.unit_detail.setText(review_text.unit_detail(
            self.schema, self.session.text, unit, self.labelers, gold, self.is_decided(unit)))

    def _unit_row_changed(self, row: int) -> None:
        if row != self.session.current:
            self.select_unit(row)

    def select_unit(self, index: int) -> None:
        self.session.select(index)

    def _current_changed(self, index: int) -> None:
        with QSignalBlocker(self.unit_list):
            self.unit_list.setCurrentRow(index)
        self._highlight(self.current_unit())
        self._show_detail()

    def _highlight(self, unit: adj.Unit | None) -> None:
        spans = [] if unit is None or unit.end <= unit.start else [(unit.start, unit.end)]
        for view in [*self.labeler_views.values(), self.gold_view]:
            view.set_highlights(spans)
            if spans:
                view.scroll_to(unit.start)

    def next_unit(self) -> None:
        self.session.next_unit()

    def previous_unit(self) -> None:
        self.session.previous_unit()

    # -- decisions: the selection in the gold view goes to the session ---------------------------
    def _show_message(self, key: str, params: dict, timeout: int) -> None:
        self.statusBar().showMessage(tr(key, **params), timeout)

    def accept_labeler(self, index: int) -> None:
        """Decide the unit in focus as labeler `index`'s (0-based) version; a decided unit
        only after the reviewer has seen what it replaces (old → new) and said so."""
        replacing = self.session.replacing(index)
        if replacing is None:
            self.session.accept_labeler(index)
        elif self._confirm_replace(*replacing):
            self.session.accept_labeler(index, replace=True)

    def _confirm_replace(self, old, new) -> bool:
        unit, schema, text = self.current_unit(), self.schema, self.session.text
        return self.confirm(tr("review.replace.title"), tr(
            "review.replace.text", unit=review_text.unit_title(text, unit),
            old=review_text.describe(schema, text, unit.kind, old),
            new=review_text.describe(schema, text, unit.kind, new)), "review.replace.yes")

    def accept_agreed(self) -> None:
        self.session.accept_agreed()

    def add_gold_entity(self, label: str) -> None:
        self.session.add_gold_entity(label, *self.gold_view.selection())

    def delete_gold_entities(self) -> None:
        self.session.delete_gold_entities(*self.gold_view.selection())

    def set_gold_zone(self, label: str) -> None:
        self.session.set_gold_zone(label, *self.gold_view.selection())

    def set_gold_stance(self, value: str) -> None:
        replacing = self.session.stance_replacing(value)
        if replacing is None:
            self.session.set_gold_stance(value)
            return
        unit = self.current_unit()
        new = adj.gold_version(unit, self.session.gold, self.session.text)
        if self._confirm_replace(replacing[0], None if new is None else
                                 new.__class__(new.holder, new.target, value, new.evidence)):
            self.session.set_gold_stance(value, replace=True)

    def step_gold(self, redo: bool) -> None:
        self.session.step_gold(redo)

    # -- documents ------------------------------------------------------------------------------
    def mark_reviewed(self) -> None:
        doc_id = self.session.doc_id
        if not self.session.mark_reviewed():
            return
        self._queue = [(d, n, "reviewed" if d == doc_id else s) for d, n, s in self._queue]
        ids = self.queue_ids()
        at = ids.index(doc_id) if doc_id in ids else -1
        following = [d for d, _n, s in self._queue[at + 1:] + self._queue[:at + 1]
                     if s != "reviewed"]
        if following:
            self.show_document(following[0])
        else:
            self._fill_queue()
            self.statusBar().showMessage(tr("review.queue_done"))

    def step_document(self, step: int) -> None:
        ids = self.queue_ids()
        if not ids:
            return
        doc_id = self.session.doc_id
        at = ids.index(doc_id) if doc_id in ids else -1
        self.show_document(ids[(at + step) % len(ids)])

    def export_gold(self, path: str | Path) -> int | None:
        """Write the gold layer as JSONL (formats.jsonl), whole or not at all, as the CLI
        does; returns the number of documents, None (and says why) when nothing was written."""
        from ..formats import open_output
        from ..formats.jsonl import export_lines

        count = 0
        try:
            with open_output(Path(path)) as out:
                for line in export_lines(self.project, GOLD):
                    out.write(line)
                    count += 1
        except AnnotatorError as exc:
            error_box(self, tr("review.export_failed"), str(exc)).open()
            return None
        self.statusBar().showMessage(tr("review.exported", path=ltr(str(path)),
                                        n=counted(count, "document")))
        return count

    def ask_export(self) -> None:
        path = ask_file(self, tr("review.menu.export"),
                        str(self.project.path.with_suffix(".gold.jsonl")),
                        tr("review.export_filter"), save=True)
        if path:
            self.export_gold(path)

    def open_agreement(self):
        from .agreement_panel import AgreementDialog

        dialog = AgreementDialog(self.project, self.labelers, self)
        dialog.show()
        return dialog

    def closeEvent(self, event) -> None:
        if not self._is_closed and not self.save_state.may_close():
            event.ignore()  # the reviewer keeps the window and what is not saved yet
            return
        super().closeEvent(event)
        if self._is_closed:
            return
        self._is_closed = True
        self.session.rescue.release()  # what is not saved is the next window's to restore
        self.save_state.stop()
        self.damaged_banner.stop()
        i18n.notifier.changed.disconnect(self.retranslate)
        self.closed.emit()
        if self._owns_project:
            self.project.close()


def open_windows() -> list[ReviewWindow]:
    """The review windows open now (open_review's and the main windows' Review menu's)."""
    return registry.open_windows(ReviewWindow)


def open_review(project_path, reviewer: str, labelers: list[str] | None = None) -> ReviewWindow:
    """Open the project at project_path for review as `reviewer`; the window is shown and
    closes the project when it closes."""
    from ..store import Project
    from . import application

    application()
    project = Project.open(project_path)
    try:
        window = ReviewWindow(project, reviewer, labelers, owns_project=True)
    except BaseException:
        project.close()
        raise
    window.show()
    return registry.keep(window)


def run(project_path, reviewer: str) -> int:
    from . import run_window

    return run_window(lambda: open_review(project_path, reviewer))


def open_from(main) -> ReviewWindow:
    """A review window on the main window's project, as its labeler."""
    review = registry.keep(ReviewWindow(main.project, main.annotator, parent=main))
    review.gold_edited.connect(main.refresh)
    main.closed.connect(review.close)  # the main window closes the project they share
    review.show()
    return review


def install(window) -> None:
    """The main window's Review menu: open the review window on its project."""
    register_commands(window, [REVIEW_OPEN])
