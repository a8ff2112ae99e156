"""The main window: article view in the middle, queue, entities, stance, note and guidelines
around it, every labeling command a QAction with a key.

What is shown and edited lives in session/annotation.py (AnnotationSession, tested without
Qt): every edit goes through project.edit there (one committed transaction with its change-log
row), undo and redo come from the change log, and an edit that cannot be saved is kept and
retried while save_state.py shows NOT SAVED. The commands are declared in commands.py. This
module builds the widgets, forwards keys and selections to the session and repaints on its
notifications. (About 540 lines: the side panels' wiring, the queue navigation and the clock's
window activation rules are window concerns and stay here.)
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolBar

from ..core.model import Entity, Layer
from ..session import AnnotationSession
from ..session.rescue import RescueFile
from ..session.suggestions import entity_items
from ..store.status import UNFINISHED
from . import i18n, settings
from .article_view import ArticleView
from .commands import main_commands
from .damaged import DamagedBanner, damaged_layers
from .i18n import tr
from .panels import EntityPanel, GuidelinesPanel, NotePanel, StanceEditor, StancePanel
from .legend import LegendPanel
from .queue import QueuePanel
from .save_state import SaveStateView
from .window_base import WindowBase, error_box, register_commands

MENU_ORDER = ("file", "edit", "label", "document", "view", "review", "assist", "help")
# Time spent is written at least this often, so a crash loses at most this much of it.
TIME_FLUSH_MS = 30_000


class MainWindow(WindowBase):
    MENU_ORDER = MENU_ORDER
    document_changed = Signal(str)
    layer_edited = Signal()

    def __init__(self, project, annotator: str, parent=None):
        """The window takes over `project` and closes it when it closes."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.project = project
        self.annotator = annotator
        self.schema = project.schema
        # What is shown and edited lives in the session; the window draws it and forwards keys.
        self.session = AnnotationSession(project, annotator, rescue=RescueFile(
            settings.rescue_folder(), project.project_id, annotator))
        self._position: int | None = None
        self._drawn_suggestions: Layer | None = None
        self._shown: Layer | None = None    # the layer the panels show
        self._is_closed = False
        self._progress: tuple[int, int, float] | None = None  # (finished, total, time written)

        self.article_view = ArticleView()
        self.setCentralWidget(self.article_view)
        # Right-click in the text: the Label menu (every labeling command, with its key).
        self.article_view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.article_view.customContextMenuRequested.connect(
            lambda point: self.menu_for("label").exec(self.article_view.mapToGlobal(point)))
        self._build_docks()
        self._build_actions()
        self._build_status_bar()

        self.install_layout_keys((self, self.article_view, self.queue_panel.table,
                                  self.entity_panel.tree, self.stance_panel.list))

        self._panels_timer = QTimer(self, singleShot=True, interval=0)
        self._panels_timer.timeout.connect(self._refresh_panels)
        self._time_timer = QTimer(self, interval=TIME_FLUSH_MS)
        self._time_timer.timeout.connect(self._flush_time)
        self._time_timer.start()
        # The counter on screen moves every second; the time is written every TIME_FLUSH_MS.
        self._tick_timer = QTimer(self, interval=1000)
        self._tick_timer.timeout.connect(self._tick)
        self._tick_timer.start()

        session = self.session
        session.layers_changed.connect(self._show_layers)
        session.edited.connect(self.layer_edited.emit)
        session.message.connect(self._show_message)
        session.status_changed.connect(self._status_changed)

        i18n.notifier.changed.connect(self.retranslate)
        self.retranslate()
        self.resize(1280, 820)

    # =========================================================================================
    # building
    def _build_docks(self) -> None:
        self.queue_panel = QueuePanel(self.project, self.annotator)
        self.queue_panel.open_requested.connect(self.show_document)
        self.entity_panel = EntityPanel(self.schema)
        self.entity_panel.jump_requested.connect(self._jump)
        self.entity_panel.delete_requested.connect(self.delete_entity)
        self.entity_panel.relabel_requested.connect(self.relabel_entity)
        self.stance_panel = StancePanel(self.schema)
        self.stance_panel.add_requested.connect(lambda: self.open_stance_editor())
        self.stance_panel.edit_requested.connect(self.edit_stance)
        self.stance_panel.delete_requested.connect(self.delete_stance)
        self.stance_panel.jump_requested.connect(self._jump)
        self.note_panel = NotePanel()
        self.note_panel.note_changed.connect(self.session.set_note)
        self.note_panel.flag_toggled.connect(self.set_flagged)
        self.guidelines_panel = GuidelinesPanel()
        self.legend_panel = LegendPanel(self.schema)

        self.docks: dict[str, QDockWidget] = {}
        for key, widget, area in (
                ("queue", self.queue_panel, Qt.LeftDockWidgetArea),
                ("entities", self.entity_panel, Qt.RightDockWidgetArea),
                ("stances", self.stance_panel, Qt.RightDockWidgetArea),
                ("note", self.note_panel, Qt.RightDockWidgetArea),
                ("legend", self.legend_panel, Qt.RightDockWidgetArea),
                ("guidelines", self.guidelines_panel, Qt.LeftDockWidgetArea)):
            dock = self.add_dock(widget, "", area)
            self.translatable(dock.setWindowTitle, f"dock.{key}")
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["note"], self.docks["legend"])
        self.docks["note"].raise_()
        # The guidelines open in their own window-sized panel (F2), not in a tab that would
        # hide the queue.
        self.docks["guidelines"].setFloating(True)
        self.docks["guidelines"].hide()
        self.resizeDocks([self.docks["queue"], self.docks["entities"]], [300, 320],
                         Qt.Horizontal)

    def _build_toolbars(self) -> None:
        """The label toolbars (their buttons are the colour legend); stance on its own row."""
        for kind in ("zones", "entities", "stance"):
            if kind == "stance":
                self.addToolBarBreak(Qt.TopToolBarArea)
            bar = QToolBar(self)
            bar.setObjectName(f"toolbar:{kind}")
            bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            self.translatable(bar.setWindowTitle, f"toolbar.{kind}")
            self.addToolBar(Qt.TopToolBarArea, bar)
            self.toolbars[kind] = bar

    def _build_actions(self) -> None:
        self._build_toolbars()
        actions = register_commands(self, main_commands(self.schema, i18n.LANGUAGES))
        self.flag_action = actions["doc:flag"]
        self.language_actions = {lang: actions[f"view:language-{lang}"]
                                 for lang in i18n.LANGUAGES}
        group = QActionGroup(self)
        for action in self.language_actions.values():
            group.addAction(action)

    def _build_status_bar(self) -> None:
        self.progress_label = QLabel(objectName="progressLabel")
        self.statusBar().addPermanentWidget(self.progress_label)
        self.save_state = SaveStateView(self, self.session)
        self.damaged_banner = DamagedBanner(self)

    def focus_dock(self, dock: str) -> None:
        """Show a side panel and put the keyboard focus in it (F4 … F7, F2)."""
        widget = {"queue": self.queue_panel.table, "entities": self.entity_panel.tree,
                  "stances": self.stance_panel.list, "note": self.note_panel.edit,
                  "guidelines": self.guidelines_panel}[dock]
        if dock == "guidelines" and self.docks[dock].isFloating():
            self.docks[dock].resize(640, max(480, self.height() - 80))
            self.docks[dock].move(self.geometry().center() - self.docks[dock].rect().center())
        self.docks[dock].show()
        self.docks[dock].raise_()
        widget.setFocus()

    def set_language(self, lang: str) -> None:
        settings.set_language(lang)

    # =========================================================================================
    # language
    def retranslate(self, _lang: str | None = None) -> None:
        self.retranslate_texts()
        for panel in (self.queue_panel, self.entity_panel, self.stance_panel, self.note_panel,
                      self.guidelines_panel, self.legend_panel):
            panel.retranslate()
        for lang, action in self.language_actions.items():
            action.setChecked(lang == i18n.language())
        self._update_title()
        self._update_progress()

    def _update_title(self) -> None:
        # Each name isolated: in the Arabic title a file name or an id would otherwise swap
        # places with the dashes around it.
        project = i18n.isolate(self.project.path.name)
        doc_id = self.session.doc_id
        if doc_id is None:
            self.setWindowTitle(tr("app.title", project=project))
        else:
            self.setWindowTitle(tr("app.title.doc", project=project, doc=i18n.ltr(doc_id)))

    # =========================================================================================
    # documents
    def current_doc_id(self) -> str | None:
        return self.session.doc_id

    @property
    def layer(self) -> Layer | None:
        """The labeler's layer of the current document, as last read or written."""
        return self.session.layer

    def show_first_document(self) -> None:
        """The document the labeler last had open, else the first unfinished one."""
        model = self.queue_panel.model
        if model.total() == 0:
            self.statusBar().showMessage(tr("bar.empty_project"))
            return
        last = self.session.last_document()
        if last:
            self.show_document(last)
            return
        position = 0 if model.status_at(0) in UNFINISHED else model.next_unfinished(0, +1)
        self.show_document(model.doc_id_at(position if position is not None else 0))

    def show_document(self, doc_id: str, select: tuple[int, int] | None = None) -> None:
        if doc_id != self.session.doc_id:
            self._leave_document()
            self.article_view.set_document(self.project.get_text(doc_id), self.schema)
            status = self.session.open_document(doc_id)
            self.note_panel.show_note(status.note, status.flagged)
            self.flag_action.setChecked(status.flagged)
            self._position = self.queue_panel.model.position_of(doc_id)
            if self._position is not None:
                self.queue_panel.select_position(self._position)
            self._update_title()
            self._update_progress()
            self._update_clock()
        if select is not None:
            self.article_view.set_selection(*select)
            self.article_view.scroll_to(select[0])
        self.document_changed.emit(doc_id)

    def restore_unsaved(self) -> None:
        """Edits an earlier session of this labeler could not save (it ended while NOT SAVED)
        given back, before any document is shown; said once the window is up."""
        restored, problems = self.session.restore_rescued()
        if restored:
            QTimer.singleShot(0, lambda: self.statusBar().showMessage(tr(
                "rescue.restored", documents=i18n.counted(restored, "document",
                                                          after_preposition=True)), 15000))
        if problems:
            box = error_box(self, tr("rescue.problems"), "\n".join(problems))
            box.setObjectName("rescueProblems")
            QTimer.singleShot(0, box.open)

    def reload_if_changed(self, changed: set[str]) -> bool:
        """Someone else changed these documents (live.py): re-read the one on screen."""
        return self.session.reload_if_changed(changed)

    def refresh(self) -> None:
        """Re-read the current document's layers from the store and repaint."""
        self.session.reload()

    def _show_layers(self, new_document: bool = True) -> None:
        """Show the session's layers. After an edit (new_document=False) the text is redrawn at
        once and the side lists just after, only if what they show changed: a label key
        repaints the article first, and a burst of keys rebuilds the lists once."""
        session = self.session
        self.article_view.set_layer(session.layer)
        if new_document or session.pending != self._drawn_suggestions:
            self.article_view.set_suggestions(session.pending)
        self._drawn_suggestions = session.pending
        if new_document:
            own = session.damaged.get(self.annotator)
            if own is None:
                self.damaged_banner.hide()
            else:
                self.damaged_banner.show("banner.damaged_layer", {self.annotator: own})
            self._shown = None
            self._refresh_panels()
        else:
            self._panels_timer.start()

    def _refresh_panels(self) -> None:
        shown, layer, text = self._shown, self.session.layer, self.session.text
        if layer is None:
            return
        if shown is None or entity_items(shown.entities) != entity_items(layer.entities):
            self.entity_panel.set_entities(text, layer.entities)
        if shown is None or shown.stances != layer.stances:
            self.stance_panel.set_stances(text, layer.stances)
        self._shown = layer

    def _leave_document(self) -> None:
        if self.session.doc_id is None:
            return
        self.note_panel.flush()
        self.session.stop_clock()

    def _jump(self, start: int, end: int) -> None:
        self.article_view.set_selection(start, end)
        self.article_view.scroll_to(start)

    def _show_message(self, key: str, params: dict, timeout: int) -> None:
        if "action" in params:
            action = params["action"]
            what = tr(f"what.{action}") if f"what.{action}" in i18n.STRINGS else action
            params = {**params, "what": what}
        if "damaged" in params:
            params = {"layers": damaged_layers(params["damaged"])}
        self.statusBar().showMessage(tr(key, **params), timeout)

    # =========================================================================================
    # editing: the selection goes to the session, which edits through the store
    def label_zone(self, name: str, whole_line: bool = False) -> None:
        self.session.label_zone(name, *self.article_view.selection(), whole_line=whole_line)

    def label_entity(self, name: str, exact: bool = False) -> None:
        caret = self.session.label_entity(name, *self.article_view.selection(), exact=exact)
        if caret is not None:
            self.article_view.set_caret(caret)

    def relabel_entity(self, entity: Entity, name: str) -> None:
        self.session.relabel_entity(entity, name)

    def delete_entity(self, entity: Entity) -> None:
        self.session.delete_entity(entity)

    def entity_at_caret(self) -> Entity | None:
        return self.session.entity_at(*self.article_view.selection())

    def delete_at_caret(self) -> None:
        focus = QApplication.focusWidget()
        if focus is self.stance_panel.list and self.stance_panel.list.currentRow() >= 0:
            self.delete_stance(self.stance_panel.list.currentRow())
            return
        entity = self.entity_panel.current_entity() if focus is self.entity_panel.tree else None
        entity = entity or self.entity_at_caret()
        if entity is None:
            self.statusBar().showMessage(tr("bar.no_entity"), 4000)
            return
        self.delete_entity(entity)

    def move_nearest_boundary(self, direction: int, by_word: bool) -> None:
        """Move the boundary nearest the caret one character or one word; +1 is forward in
        reading order (leftwards on screen in Arabic)."""
        new = self.session.move_nearest_boundary(self.article_view.caret(), direction, by_word)
        if new is not None:
            self.article_view.set_caret(new)

    def boundary_to_caret(self) -> None:
        new = self.session.boundary_to(self.article_view.caret())
        if new is not None:
            self.article_view.set_caret(new)

    def open_stance_editor(self, value: str | None = None, index: int | None = None
                           ) -> StanceEditor | None:
        """Open the stance editor (non-blocking); Enter saves. For a new item the holder is the
        author, the target the last one used, the evidence the current selection."""
        if self.session.doc_id is None:
            return None
        start, end = self.article_view.selection()
        stance = self.session.stance_to_edit(start, end, value, index)
        editor = StanceEditor(self.schema, self.session.text, self.session.layer.entities,
                              stance, self.session.evidence_span(start, end), self)
        editor.accepted.connect(lambda: self._save_stance(editor, index))
        editor.finished.connect(editor.deleteLater)
        editor.open()
        self.stance_editor = editor
        return editor

    def edit_stance(self, index: int) -> None:
        self.open_stance_editor(index=index)

    def _save_stance(self, editor: StanceEditor, index: int | None) -> None:
        self.session.save_stance(editor.stance(), index)
        self.article_view.setFocus()

    def delete_stance(self, index: int) -> None:
        self.session.delete_stance(index)

    def select_next_suggestion(self) -> None:
        """Select the next suggestion after the caret (from the start after the last one)."""
        span = self.session.next_suggestion(self.article_view.selection()[0])
        if span is not None:
            self._jump(*span)

    def accept_suggestion(self) -> None:
        self.session.accept_at(*self.article_view.selection())

    def accept_all_suggestions(self) -> None:
        self.session.accept_all()

    def reject_suggestion(self) -> None:
        self.session.reject_at(*self.article_view.selection())

    def undo(self) -> None:
        self.session.undo()

    def redo(self) -> None:
        self.session.redo()

    # =========================================================================================
    # status, time, note, flag
    def set_status(self, status: str) -> None:
        self.session.set_status(status)

    def _status_changed(self, doc_id: str, status) -> None:
        if status is not None:
            self.queue_panel.model.set_status(doc_id, status.status)
        self._update_progress()

    def finish(self, status: str) -> None:
        """Mark the document done (or skipped) and go to the next unfinished one; "done" on a
        mostly unlabeled document asks first (the session says when)."""
        if status == "done" and self.session.done_needs_warning():
            share = round(100 * self.session.unlabeled_fraction())
            if not self.confirm(tr("done.warning.title"),
                                tr("done.warning.text", percent=share), "done.warning.yes"):
                return
        self.set_status(status)
        self.go_unfinished(+1)

    def go_unfinished(self, step: int) -> None:
        model = self.queue_panel.model
        if self._position is None or model.total() == 0:
            return
        position = model.next_unfinished(self._position, step)
        if position is None:
            # Wrap around once: an unfinished document earlier in the queue still counts.
            start = -1 if step > 0 else model.total()
            position = model.next_unfinished(start, step)
            if position == self._position and model.status_at(position) in UNFINISHED:
                position = None
        if position is None:
            self.statusBar().showMessage(tr("bar.all_finished"), 4000)
            return
        self.show_document(model.doc_id_at(position))

    def set_flagged(self, flagged: bool) -> None:
        if self.session.doc_id is None:
            return
        self.session.set_flagged(bool(flagged))
        for widget in (self.flag_action, self.note_panel.flag_box):
            with QSignalBlocker(widget):
                widget.setChecked(bool(flagged))

    def _counting(self) -> bool:
        """Time counts while a document is shown and this window, or one of its dialogs, is
        the active window (not while the labeler is in another program)."""
        if self.session.doc_id is None or not self.isVisible():
            return False
        widget = QApplication.activeWindow()
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    def _update_clock(self) -> None:
        if self._counting():
            self.session.start_clock()
        else:
            self.session.stop_clock()

    def _flush_time(self) -> None:
        """Write the banked time (every TIME_FLUSH_MS, on status changes and on close)."""
        self.session.flush_time()
        self._update_clock()
        self._update_progress()

    def _tick(self) -> None:
        """Every second: the time counter, from the figures last read plus the time on screen
        (no database read here)."""
        if self._is_closed or self._progress is None:
            return
        self._update_clock()
        finished, total, stored = self._progress
        self._show_progress(finished, total, stored + self.session.on_screen_seconds())

    def set_suggestions_hidden(self, hidden: bool) -> None:
        """Hide (or show again) every suggestion mark; accepting them by key still works."""
        self.article_view.set_suggestions_hidden(bool(hidden))

    def set_label_names(self, shown: bool) -> None:
        """Draw each labeled entity's label name beside it (not only its colour)."""
        self.article_view.set_label_names(bool(shown))

    def _update_progress(self) -> None:
        if not hasattr(self, "progress_label"):
            return
        finished, total, seconds = self.session.progress()
        self._progress = (finished, total, seconds - self.session.on_screen_seconds())
        self._show_progress(finished, total, seconds)

    def _show_progress(self, finished: int, total: int, seconds: float) -> None:
        self.progress_label.setText(tr("bar.progress", done=finished, total=total,
                                       time=i18n.format_duration(seconds)))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.ActivationChange:
            self._update_clock()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._update_clock()

    def closeEvent(self, event) -> None:
        if not self._is_closed:
            self._leave_document()
            self.session.close()
            if not self.save_state.may_close():
                event.ignore()  # the labeler keeps the window and what is not saved yet
                return
        super().closeEvent(event)
        if self._is_closed:
            return
        self._is_closed = True
        self.session.rescue.release()  # what is not saved is the next window's to restore
        self._time_timer.stop()
        self._tick_timer.stop()
        self.save_state.stop()
        self.damaged_banner.stop()
        i18n.notifier.changed.disconnect(self.retranslate)
        self.project.close()
        self.closed.emit()

    # =========================================================================================
    # dialogs
    def open_settings(self) -> None:
        settings.SettingsDialog(self).exec()

    def open_project_dialog(self) -> None:
        from . import choose_project_file, open_window
        path = choose_project_file(self)
        if path is not None:
            window = open_window(path, self.annotator)
            if window is not None:
                self.close()

