"""The main window: article view in the middle, queue, entities, stance, note and guidelines
around it, every labeling command a QAction with a key.

Every edit goes through project.edit (one committed transaction with its change-log row) and the
status bar says "saved" only after that call has returned. Undo and redo come from the change log,
so they also work after a restart.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QDockWidget, QHeaderView,
                               QLabel, QMainWindow, QMenu, QTableWidget, QTableWidgetItem,
                               QToolBar, QVBoxLayout, QWidget)

from ..core.errors import AnnotatorError
from ..core.model import (AUTHOR, NONE_ZONE, SUGGESTIONS, Entity, Layer, Stance, Zone,
                          add_entity, add_stance, move_boundary, relabel_entity, remove_entity,
                          remove_stance, replace_stance, set_zone, zone_boundaries)
from ..core.spans import line_span, next_word_boundary, paragraph_span, word_span
from . import i18n, keys, settings
from .article_view import ArticleView
from .i18n import label_text, tr
from .panels import (EntityPanel, GuidelinesPanel, NotePanel, StanceEditor, StancePanel,
                     color_icon)
from .queue import QueuePanel, UNFINISHED

MENU_ORDER = ("file", "edit", "label", "document", "view", "review", "assist", "help")
# Time spent is written at least this often, so a crash loses at most this much of it.
TIME_FLUSH_MS = 30_000


class MainWindow(QMainWindow):
    document_changed = Signal(str)
    layer_edited = Signal()
    closed = Signal()

    def __init__(self, project, annotator: str, parent=None):
        """The window takes over `project` and closes it when it closes."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.project = project
        self.annotator = annotator
        self.schema = project.schema
        self._doc_id: str | None = None
        self._position: int | None = None
        self._text = ""
        self._layer: Layer | None = None
        self._suggestions: Layer | None = None
        self._pending: Layer | None = None  # suggestions not yet in the labeler's layer
        self._shown: Layer | None = None    # the layer the panels show
        # Per document: which layer each edit of this session went to, so Undo also reverts a
        # rejected suggestion. After a restart the labeler's own layer is undone.
        self._undo_layers: dict[str, list[str]] = {}
        self._redo_layers: dict[str, list[str]] = {}
        self._last_target = ""
        self._texts: list[tuple[Callable[[str], None], Callable[[], str]]] = []
        self._menus: dict[str, QMenu] = {}
        self._clock = QElapsedTimer()
        self._unsaved_seconds: dict[str, float] = {}
        self._saved_last_document: str | None = None
        self._is_closed = False

        self.article_view = ArticleView()
        self.setCentralWidget(self.article_view)
        # Right-click in the text: the Label menu (every labeling command, with its key).
        self.article_view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.article_view.customContextMenuRequested.connect(
            lambda point: self.menu_for("label").exec(self.article_view.mapToGlobal(point)))
        self._build_docks()
        self._build_actions()
        self._build_status_bar()

        self._key_filter = keys.ArabicLayoutKeys(self)
        for widget in (self, self.article_view, self.queue_panel.table, self.entity_panel.tree,
                       self.stance_panel.list):
            widget.installEventFilter(self._key_filter)

        self._panels_timer = QTimer(self, singleShot=True, interval=0)
        self._panels_timer.timeout.connect(self._refresh_panels)
        self._time_timer = QTimer(self, interval=TIME_FLUSH_MS)
        self._time_timer.timeout.connect(self._flush_time)
        self._time_timer.start()

        i18n.notifier.changed.connect(self.retranslate)
        self.retranslate()
        self.resize(1280, 820)

    # =========================================================================================
    # building
    def translatable(self, setter: Callable[[str], None], text: str | Callable[[], str]) -> None:
        """Set a piece of the interface now and again whenever the language changes, for as
        long as this window lives. `text` is an i18n key or a function returning the text,
        e.g. window.translatable(action.setText, "search.focus")."""
        fn = (lambda key=text: tr(key)) if isinstance(text, str) else text
        self._texts.append((setter, fn))
        setter(fn())

    def menu_for(self, key: str) -> QMenu:
        """The menu for key (file, edit, label, document, view, review, assist, help), created
        on demand in that order."""
        menu = self._menus.get(key)
        if menu is not None:
            return menu
        menu = QMenu(self)
        menu.setObjectName(f"menu:{key}")
        self.translatable(menu.setTitle, f"menu.{key}" if f"menu.{key}" in i18n.STRINGS
                 else (lambda: key.capitalize()))
        order = list(MENU_ORDER) + [k for k in self._menus if k not in MENU_ORDER]
        rank = order.index(key) if key in order else len(order)
        before = None
        for other in order[rank + 1:]:
            if other in self._menus:
                before = self._menus[other].menuAction()
                break
        if before is None:
            self.menuBar().addMenu(menu)
        else:
            self.menuBar().insertMenu(before, menu)
        self._menus[key] = menu
        return menu

    def add_dock(self, widget: QWidget, title: str | Callable[[], str],
                 area=Qt.RightDockWidgetArea) -> QDockWidget:
        """Add a dock (listed in the View menu). A callable title is re-read when the
        interface language changes."""
        dock = QDockWidget(self)
        if callable(title):
            self.translatable(dock.setWindowTitle, title)
        else:
            dock.setWindowTitle(title)
        name = widget.objectName() or dock.windowTitle()
        dock.setObjectName(f"dock:{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable
                         | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self.menu_for("view").addAction(dock.toggleViewAction())
        return dock

    def _action(self, name: str, text, slot: Callable[[], None], shortcuts=(),
                menu: str | QMenu | None = None, icon=None, checkable: bool = False,
                toolbar: QToolBar | None = None, label=None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        self.translatable(action.setText, text)
        if toolbar is not None:
            # Toolbar buttons double as the legend: color, label name and its key.
            hint = f"  {QKeySequence(label.key).toString(QKeySequence.NativeText)}" \
                if label.key else ""
            self.translatable(action.setIconText, lambda: label_text(label) + hint)
            toolbar.addAction(action)
        if icon is not None:
            action.setIcon(icon)
        action.setCheckable(checkable)
        action.setShortcuts([QKeySequence(k) for k in shortcuts if k])
        action.setShortcutContext(Qt.WindowShortcut)
        if checkable:
            action.triggered.connect(lambda checked: slot(checked))
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        if menu is not None:
            (self.menu_for(menu) if isinstance(menu, str) else menu).addAction(action)
        return action

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
        self.note_panel.note_changed.connect(self._save_note)
        self.note_panel.flag_toggled.connect(self.set_flagged)
        self.guidelines_panel = GuidelinesPanel()

        self.docks: dict[str, QDockWidget] = {}
        for key, widget, area in (
                ("queue", self.queue_panel, Qt.LeftDockWidgetArea),
                ("entities", self.entity_panel, Qt.RightDockWidgetArea),
                ("stances", self.stance_panel, Qt.RightDockWidgetArea),
                ("note", self.note_panel, Qt.RightDockWidgetArea),
                ("guidelines", self.guidelines_panel, Qt.LeftDockWidgetArea)):
            dock = self.add_dock(widget, "", area)
            self.translatable(dock.setWindowTitle, f"dock.{key}")
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["queue"], self.docks["guidelines"])
        self.docks["queue"].raise_()
        self.resizeDocks([self.docks["queue"], self.docks["entities"]], [300, 320],
                         Qt.Horizontal)

    def _build_actions(self) -> None:
        # File
        self._action("file:open", "action.open", self.open_project_dialog, ["Ctrl+O"], "file")
        self._action("file:settings", "action.settings", self.open_settings, ["Ctrl+,"], "file")
        self.menu_for("file").addSeparator()
        self._action("file:quit", "action.quit", self.close, ["Ctrl+Q"], "file")
        # Edit
        self._action("edit:undo", "action.undo", self.undo, ["Ctrl+Z"], "edit")
        self._action("edit:redo", "action.redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], "edit")
        self.menu_for("edit").addSeparator()
        self._action("edit:delete", "action.delete", self.delete_at_caret, ["Delete"], "edit")

        # Label: zones, entities, stance values (keys from the schema)
        label_menu = self.menu_for("label")
        self.toolbars: dict[str, QToolBar] = {}
        for kind in ("zones", "entities", "stance"):
            if kind == "stance":
                self.addToolBarBreak(Qt.TopToolBarArea)
            bar = QToolBar(self)
            bar.setObjectName(f"toolbar:{kind}")
            bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            self.translatable(bar.setWindowTitle, f"toolbar.{kind}")
            self.addToolBar(Qt.TopToolBarArea, bar)
            self.toolbars[kind] = bar
        line_menu = QMenu(self)
        self.translatable(line_menu.setTitle, "menu.zone_line")
        exact_menu = QMenu(self)
        self.translatable(exact_menu.setTitle, "menu.entity_exact")
        taken = {label.key.replace(" ", "").lower() for label in self.schema.labels() if label.key}

        for label in self.schema.zones:
            self._action(f"label:zone:{label.name}", lambda lab=label: label_text(lab),
                         lambda name=label.name: self.label_zone(name), [label.key],
                         label_menu, color_icon(label.color),
                         toolbar=self.toolbars["zones"], label=label)
            self._action(f"label-line:zone:{label.name}",
                         lambda lab=label: tr("action.zone_line", label=label_text(lab)),
                         lambda name=label.name: self.label_zone(name, whole_line=True),
                         [f"Alt+{label.key}" if label.key else None], line_menu,
                         color_icon(label.color))
        label_menu.addMenu(line_menu)
        label_menu.addSeparator()
        for label in self.schema.entities:
            self._action(f"label:entity:{label.name}",
                         lambda lab=label: label_text(lab),
                         lambda name=label.name: self.label_entity(name), [label.key],
                         label_menu, color_icon(label.color),
                         toolbar=self.toolbars["entities"], label=label)
            exact_key = f"Shift+{label.key}" if label.key and "+" not in label.key else None
            if exact_key and exact_key.lower() in taken:
                exact_key = None
            self._action(f"label-exact:entity:{label.name}",
                         lambda lab=label: tr("action.entity_exact", label=label_text(lab)),
                         lambda name=label.name: self.label_entity(name, exact=True),
                         [exact_key], exact_menu, color_icon(label.color))
        label_menu.addMenu(exact_menu)
        label_menu.addSeparator()
        for label in self.schema.stance_values:
            self._action(f"label:stance:{label.name}",
                         lambda lab=label: tr("action.stance", label=label_text(lab)),
                         lambda name=label.name: self.open_stance_editor(value=name),
                         [label.key], label_menu, color_icon(label.color),
                         toolbar=self.toolbars["stance"], label=label)
        label_menu.addSeparator()
        # Text runs right to left: visually Left is forward (later offsets) in the text.
        self._action("zone:boundary-next-char", "action.boundary_next_char",
                     lambda: self.move_nearest_boundary(+1, by_word=False), ["Alt+Left"],
                     label_menu)
        self._action("zone:boundary-prev-char", "action.boundary_prev_char",
                     lambda: self.move_nearest_boundary(-1, by_word=False), ["Alt+Right"],
                     label_menu)
        self._action("zone:boundary-next-word", "action.boundary_next_word",
                     lambda: self.move_nearest_boundary(+1, by_word=True), ["Alt+Shift+Left"],
                     label_menu)
        self._action("zone:boundary-prev-word", "action.boundary_prev_word",
                     lambda: self.move_nearest_boundary(-1, by_word=True), ["Alt+Shift+Right"],
                     label_menu)
        self._action("zone:boundary-to-caret", "action.boundary_to_caret",
                     self.boundary_to_caret, ["Ctrl+B"], label_menu)

        # Document and queue
        self._action("doc:done", "action.done", lambda: self.finish("done"),
                     ["Ctrl+Return", "Ctrl+Enter"], "document")
        self._action("doc:skip", "action.skip", lambda: self.finish("skipped"),
                     ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], "document")
        self._action("doc:reopen", "action.reopen", lambda: self.set_status("in_progress"),
                     [], "document")
        self.menu_for("document").addSeparator()
        self._action("queue:next", "action.next", lambda: self.go_unfinished(+1),
                     ["Ctrl+PgDown"], "document")
        self._action("queue:previous", "action.previous", lambda: self.go_unfinished(-1),
                     ["Ctrl+PgUp"], "document")
        self.menu_for("document").addSeparator()
        self.flag_action = self._action("doc:flag", "action.flag", self.set_flagged,
                                        ["Ctrl+Shift+F"], "document", checkable=True)
        self._action("doc:note", "action.note", lambda: self._focus("note", self.note_panel.edit),
                     ["F7"], "document")

        # View
        view_menu = self.menu_for("view")
        view_menu.addSeparator()
        self._action("view:zoom-in", "action.zoom_in", self.article_view.zoom_in,
                     [QKeySequence.ZoomIn, "Ctrl+="], view_menu)
        self._action("view:zoom-out", "action.zoom_out", self.article_view.zoom_out,
                     [QKeySequence.ZoomOut], view_menu)
        self._action("view:zoom-reset", "action.zoom_reset", self.article_view.zoom_reset,
                     ["Ctrl+0"], view_menu)
        view_menu.addSeparator()
        self._action("view:text", "action.focus_text", self.article_view.setFocus, ["F3"],
                     view_menu)
        self._action("view:queue", "action.focus_queue",
                     lambda: self._focus("queue", self.queue_panel.table), ["F4"], view_menu)
        self._action("view:entities", "action.focus_entities",
                     lambda: self._focus("entities", self.entity_panel.tree), ["F5"], view_menu)
        self._action("view:stances", "action.focus_stances",
                     lambda: self._focus("stances", self.stance_panel.list), ["F6"], view_menu)
        view_menu.addSeparator()
        language_menu = view_menu.addMenu("")
        self.translatable(language_menu.setTitle, "menu.language")
        group = QActionGroup(self)
        self.language_actions = {}
        for lang in i18n.LANGUAGES:
            action = self._action(f"view:language-{lang}", f"action.lang_{lang}",
                                  lambda _checked, lang=lang: settings.set_language(lang), [],
                                  language_menu, checkable=True)
            group.addAction(action)
            self.language_actions[lang] = action

        # Suggestions
        self._action("assist:accept", "action.accept", self.accept_suggestion, ["F8"], "assist")
        self._action("assist:accept-all", "action.accept_all", self.accept_all_suggestions,
                     ["Shift+F8"], "assist")
        self._action("assist:reject", "action.reject", self.reject_suggestion, ["F9"], "assist")
        self._action("assist:next", "action.next_suggestion", self.select_next_suggestion,
                     ["Ctrl+F8"], "assist")

        # Help
        self._action("help:keys", "action.keys", self.show_keyboard_map, ["F1"], "help")
        self._action("help:guidelines", "action.guidelines",
                     lambda: self._focus("guidelines", self.guidelines_panel), ["F2"], "help")

    def _build_status_bar(self) -> None:
        self.progress_label = QLabel(objectName="progressLabel")
        self.statusBar().addPermanentWidget(self.progress_label)

    def _focus(self, dock: str, widget: QWidget) -> None:
        self.docks[dock].show()
        self.docks[dock].raise_()
        widget.setFocus()

    # =========================================================================================
    # language
    def retranslate(self, _lang: str | None = None) -> None:
        self.setLayoutDirection(i18n.direction())
        for setter, fn in list(self._texts):
            try:
                setter(fn())
            except RuntimeError:  # the widget is gone
                self._texts.remove((setter, fn))
        for panel in (self.queue_panel, self.entity_panel, self.stance_panel, self.note_panel,
                      self.guidelines_panel):
            panel.retranslate()
        for lang, action in self.language_actions.items():
            action.setChecked(lang == i18n.language())
        self._update_title()
        self._update_progress()

    def _update_title(self) -> None:
        project = self.project.path.name
        if self._doc_id is None:
            self.setWindowTitle(tr("app.title", project=project))
        else:
            self.setWindowTitle(tr("app.title.doc", project=project, doc=self._doc_id))

    # =========================================================================================
    # documents
    def current_doc_id(self) -> str | None:
        return self._doc_id

    @property
    def layer(self) -> Layer | None:
        """The labeler's layer of the current document, as last read or written."""
        return self._layer

    def show_first_document(self) -> None:
        """The document the labeler last had open, else the first unfinished one."""
        model = self.queue_panel.model
        if model.total() == 0:
            self.statusBar().showMessage(tr("bar.empty_project"))
            return
        last = self.project.get_setting(f"last_document:{self.annotator}")
        if last and self.project.has_document(last):
            self.show_document(last)
            return
        position = 0 if model.status_at(0) in UNFINISHED else model.next_unfinished(0, +1)
        self.show_document(model.doc_id_at(position if position is not None else 0))

    def show_document(self, doc_id: str, select: tuple[int, int] | None = None) -> None:
        if doc_id != self._doc_id:
            self._leave_document()
            self._doc_id = doc_id
            self._text = self.project.get_text(doc_id)
            self.article_view.set_document(self._text, self.schema)
            self._load_layers()
            status = self.project.get_status(doc_id, self.annotator)
            if status.status == "todo":
                status = self.project.set_status(doc_id, self.annotator, status="in_progress")
                self.queue_panel.model.set_status(doc_id, "in_progress")
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

    def refresh(self) -> None:
        """Re-read the current document's layers from the store and repaint."""
        if self._doc_id is not None:
            self._load_layers()

    def _load_layers(self) -> None:
        self._layer = self.project.get_layer(self._doc_id, self.annotator)
        self._suggestions = (self.project.get_layer(self._doc_id, SUGGESTIONS)
                             if self.project.has_layer(self._doc_id, SUGGESTIONS) else None)
        self._show_layers()

    def _show_layers(self, new_document: bool = True) -> None:
        """Show the layers. After an edit (new_document=False) the text is redrawn at once and
        the side lists just after, only if what they show changed: a label key repaints the
        article first, and a burst of keys rebuilds the lists once."""
        pending = pending_suggestions(self._suggestions, self._layer)
        self.article_view.set_layer(self._layer)
        if new_document or pending != self._pending:
            self.article_view.set_suggestions(pending)
        self._pending = pending
        if new_document:
            self._shown = None
            self._refresh_panels()
        else:
            self._panels_timer.start()

    def _refresh_panels(self) -> None:
        shown, layer = self._shown, self._layer
        if shown is None or _items(shown.entities) != _items(layer.entities):
            self.entity_panel.set_entities(self._text, layer.entities)
        if shown is None or shown.stances != layer.stances:
            self.stance_panel.set_stances(self._text, layer.stances)
        self._shown = layer

    def _leave_document(self) -> None:
        if self._doc_id is None:
            return
        self.note_panel.flush()
        self._stop_clock()

    def _jump(self, start: int, end: int) -> None:
        self.article_view.set_selection(start, end)
        self.article_view.scroll_to(start)

    # =========================================================================================
    # editing
    def _edit(self, action: str, change: Callable[[Layer], Layer], layer: str | None = None
              ) -> Layer | None:
        """Apply one edit through the store (committed when this returns) and show it."""
        if self._doc_id is None:
            return None
        layer = layer or self.annotator
        before = self._layer if layer == self.annotator else self._suggestions
        try:
            after = self.project.edit(self._doc_id, layer, self.annotator, action, change)
        except AnnotatorError as exc:
            self.statusBar().showMessage(tr("bar.not_saved", error=str(exc)))
            return None
        if after == before:
            self.statusBar().showMessage(tr("bar.no_change"), 4000)
            return after
        self._undo_layers.setdefault(self._doc_id, []).append(layer)
        self._redo_layers.pop(self._doc_id, None)
        if layer == self.annotator:
            self._layer = after
        else:
            self._suggestions = after
        self._show_layers(new_document=False)
        self.statusBar().showMessage(tr("bar.saved_what", what=tr(f"what.{action}")), 4000)
        self.layer_edited.emit()
        return after

    def label_zone(self, name: str, whole_line: bool = False) -> None:
        start, end = self.article_view.selection()
        if start == end:
            span = line_span if whole_line else paragraph_span
            start, end = span(self._text, start, include_newline=True)
        if start == end:
            self.statusBar().showMessage(tr("bar.select_first"), 4000)
            return
        self._edit("zone", lambda layer: set_zone(layer, start, end, name))

    def label_entity(self, name: str, exact: bool = False) -> None:
        start, end = self.article_view.selection()
        if not exact or start == end:
            start, end = word_span(self._text, start, end)
        if start == end:
            self.statusBar().showMessage(tr("bar.select_first"), 4000)
            return
        same_span = [e for e in self._layer.entities if (e.start, e.end) == (start, end)]
        if same_span and all(e.label != name for e in same_span):
            # The same words labeled again with another key: a relabel, not a second entity.
            self.relabel_entity(same_span[0], name)
        else:
            self._edit("entity", lambda layer: add_entity(layer, Entity(start, end, name)))
        self.article_view.set_caret(end)

    def relabel_entity(self, entity: Entity, name: str) -> None:
        self._edit("relabel", lambda layer: relabel_entity(layer, entity, name))

    def delete_entity(self, entity: Entity) -> None:
        self._edit("delete-entity", lambda layer: remove_entity(layer, entity))

    def entity_at_caret(self) -> Entity | None:
        start, end = self.article_view.selection()
        if start != end:
            hits = [e for e in self._layer.entities if e.start < end and start < e.end]
        else:
            hits = [e for e in self._layer.entities if e.start <= start < e.end
                    or e.end == start]
        if not hits:
            return None
        exact = [e for e in hits if (e.start, e.end) == (start, end)]
        return (exact or sorted(hits, key=lambda e: e.end - e.start))[0]

    def delete_at_caret(self) -> None:
        focus = QApplication.focusWidget()
        if focus is self.stance_panel.list and self.stance_panel.list.currentRow() >= 0:
            self.delete_stance(self.stance_panel.list.currentRow())
            return
        entity = self.entity_panel.current_entity() if focus is self.entity_panel.tree else None
        entity = entity or (self.entity_at_caret() if self._layer else None)
        if entity is None:
            self.statusBar().showMessage(tr("bar.no_entity"), 4000)
            return
        self.delete_entity(entity)

    # -- zone boundaries --------------------------------------------------------------------------
    def _nearest_boundary(self) -> int | None:
        boundaries = zone_boundaries(self._layer) if self._layer else []
        if not boundaries:
            self.statusBar().showMessage(tr("bar.no_boundary"), 4000)
            return None
        caret = self.article_view.caret()
        return min(boundaries, key=lambda b: (abs(b - caret), b))

    def move_nearest_boundary(self, direction: int, by_word: bool) -> None:
        """Move the boundary nearest the caret one character or one word; +1 is forward in
        reading order (leftwards on screen in Arabic)."""
        old = self._nearest_boundary()
        if old is None:
            return
        new = next_word_boundary(self._text, old, direction) if by_word else old + direction
        new = max(0, min(len(self._text), new))
        self._move_boundary(old, new)

    def boundary_to_caret(self) -> None:
        old = self._nearest_boundary()
        if old is not None:
            self._move_boundary(old, self.article_view.caret())

    def _move_boundary(self, old: int, new: int) -> None:
        if new == old:
            return
        if self._edit("boundary", lambda layer: move_boundary(layer, old, new)) is not None:
            self.article_view.set_caret(new)

    # -- stance -----------------------------------------------------------------------------------
    def open_stance_editor(self, value: str | None = None, index: int | None = None
                           ) -> StanceEditor | None:
        """Open the stance editor (non-blocking); Enter saves. For a new item the holder is the
        author, the target the last one used, the evidence the current selection."""
        if self._doc_id is None:
            return None
        start, end = self.article_view.selection()
        if index is None:
            stance = Stance(AUTHOR, self._last_target, value or self.schema.stance_names[0],
                            ((start, end),) if start < end else ())
        else:
            stance = self._layer.stances[index]
            if value is not None:
                stance = replace(stance, value=value)
        editor = StanceEditor(self.schema, self._text, self._layer.entities, stance,
                              (start, end), self)
        editor.accepted.connect(lambda: self._save_stance(editor, index))
        editor.finished.connect(editor.deleteLater)
        editor.open()
        self.stance_editor = editor
        return editor

    def edit_stance(self, index: int) -> None:
        self.open_stance_editor(index=index)

    def _save_stance(self, editor: StanceEditor, index: int | None) -> None:
        stance = editor.stance()
        if isinstance(stance.target, str):
            self._last_target = stance.target
        if index is None:
            self._edit("stance", lambda layer: add_stance(layer, stance))
        else:
            self._edit("edit-stance", lambda layer: replace_stance(layer, index, stance))
        self.article_view.setFocus()

    def delete_stance(self, index: int) -> None:
        self._edit("delete-stance", lambda layer: remove_stance(layer, index))

    # -- suggestions ------------------------------------------------------------------------------
    def _suggestions_here(self) -> tuple[list[Zone], list[Entity]]:
        if self._pending is None:
            return [], []
        start, end = self.article_view.selection()

        def hit(a: int, b: int) -> bool:
            return (a < end and start < b) if start < end else a <= start < b
        zones = [z for z in self._pending.zones if z.label != NONE_ZONE and hit(z.start, z.end)]
        entities = [e for e in self._pending.entities if hit(e.start, e.end)]
        return zones, entities

    def select_next_suggestion(self) -> None:
        """Select the next suggestion after the caret (from the start after the last one)."""
        if self._pending is None:
            self.statusBar().showMessage(tr("bar.no_suggestion"), 4000)
            return
        spans = sorted({(z.start, z.end) for z in self._pending.zones if z.label != NONE_ZONE}
                       | {(e.start, e.end) for e in self._pending.entities})
        if not spans:
            self.statusBar().showMessage(tr("bar.no_suggestion"), 4000)
            return
        caret = self.article_view.selection()[0]
        following = [s for s in spans if s[0] > caret]
        self._jump(*(following or spans)[0])

    def accept_suggestion(self) -> None:
        zones, entities = self._suggestions_here()
        self._accept(zones, entities)

    def accept_all_suggestions(self) -> None:
        if self._pending is None:
            self.statusBar().showMessage(tr("bar.no_suggestion"), 4000)
            return
        self._accept([z for z in self._pending.zones if z.label != NONE_ZONE],
                     list(self._pending.entities))

    def _accept(self, zones: list[Zone], entities: list[Entity]) -> None:
        if not zones and not entities:
            self.statusBar().showMessage(tr("bar.no_suggestion"), 4000)
            return

        def change(layer: Layer) -> Layer:
            for zone in zones:
                layer = set_zone(layer, zone.start, zone.end, zone.label)
            for entity in entities:
                # The suggestion's provenance (gazetteer, variant matched) stays with the
                # suggestion; the change log records that this entity came from an accept.
                layer = add_entity(layer, replace(entity, extra=()))
            return layer
        if self._edit("accept", change) is not None:
            self.statusBar().showMessage(tr("bar.accepted", n=len(zones) + len(entities)), 4000)

    def reject_suggestion(self) -> None:
        zones, entities = self._suggestions_here()
        if not zones and not entities:
            self.statusBar().showMessage(tr("bar.no_suggestion"), 4000)
            return

        def change(layer: Layer) -> Layer:
            for zone in zones:
                layer = set_zone(layer, zone.start, zone.end, NONE_ZONE)
            for entity in entities:
                layer = remove_entity(layer, entity)
            return layer
        if self._edit("reject", change, layer=SUGGESTIONS) is not None:
            self.statusBar().showMessage(tr("bar.rejected", n=len(zones) + len(entities)), 4000)

    # -- undo / redo ------------------------------------------------------------------------------
    def undo(self) -> None:
        self._step(redo=False)

    def redo(self) -> None:
        self._step(redo=True)

    def _step(self, redo: bool) -> None:
        if self._doc_id is None:
            return
        done, other = ((self._redo_layers, self._undo_layers) if redo
                       else (self._undo_layers, self._redo_layers))
        stack = done.get(self._doc_id) or []
        layer = stack[-1] if stack else self.annotator
        step = self.project.redo if redo else self.project.undo
        try:
            change = step(self._doc_id, layer, self.annotator)
        except AnnotatorError as exc:
            self.statusBar().showMessage(tr("bar.not_saved", error=str(exc)))
            return
        if change is None:
            self.statusBar().showMessage(tr("bar.nothing_to_redo" if redo
                                            else "bar.nothing_to_undo"), 4000)
            return
        if stack:
            stack.pop()
        other.setdefault(self._doc_id, []).append(layer)
        self._load_layers()
        what = tr(f"what.{change.action}") if f"what.{change.action}" in i18n.STRINGS \
            else change.action
        self.statusBar().showMessage(tr("bar.redone" if redo else "bar.undone", what=what), 4000)
        self.layer_edited.emit()

    # =========================================================================================
    # status, time, note, flag
    def set_status(self, status: str) -> None:
        if self._doc_id is None:
            return
        self._flush_time()
        self.project.set_status(self._doc_id, self.annotator, status=status)
        self.queue_panel.model.set_status(self._doc_id, status)
        self._update_progress()

    def finish(self, status: str) -> None:
        """Mark the document done (or skipped) and go to the next unfinished one."""
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

    def _save_note(self, note: str) -> None:
        if self._doc_id is not None:
            self.project.set_status(self._doc_id, self.annotator, note=note)
            self.statusBar().showMessage(tr("bar.saved"), 3000)

    def set_flagged(self, flagged: bool) -> None:
        if self._doc_id is None:
            return
        self.project.set_status(self._doc_id, self.annotator, flagged=bool(flagged))
        for widget in (self.flag_action, self.note_panel.flag_box):
            widget.blockSignals(True)
            widget.setChecked(bool(flagged))
            widget.blockSignals(False)
        self.statusBar().showMessage(tr("bar.saved"), 3000)

    def _counting(self) -> bool:
        """Time counts while a document is shown and this window, or one of its dialogs, is
        the active window (not while the labeler is in another program)."""
        if self._doc_id is None or not self.isVisible():
            return False
        widget = QApplication.activeWindow()
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    def _update_clock(self) -> None:
        if self._counting():
            if not self._clock.isValid():
                self._clock.start()
        else:
            self._stop_clock()

    def _stop_clock(self) -> None:
        """Bank the time the current document has been on screen (written by _flush_time)."""
        if self._clock.isValid() and self._doc_id is not None:
            self._unsaved_seconds[self._doc_id] = (self._unsaved_seconds.get(self._doc_id, 0.0)
                                                   + self._clock.elapsed() / 1000.0)
        self._clock.invalidate()

    def _flush_time(self) -> None:
        """Write the banked time spent and the last document shown. Runs every TIME_FLUSH_MS,
        on status changes and on close, not on every document switch: each write is a
        committed transaction, and switching documents must stay fast."""
        self._stop_clock()
        for doc_id, seconds in self._unsaved_seconds.items():
            if seconds > 0:
                self.project.set_status(doc_id, self.annotator, add_seconds=seconds)
        self._unsaved_seconds.clear()
        if self._doc_id is not None and self._doc_id != self._saved_last_document:
            self.project.set_setting(f"last_document:{self.annotator}", self._doc_id)
            self._saved_last_document = self._doc_id
        self._update_clock()
        self._update_progress()

    def _update_progress(self) -> None:
        if not hasattr(self, "progress_label"):
            return
        counts = self.project.status_counts(self.annotator)
        total = sum(counts.values())
        finished = counts.get("done", 0) + counts.get("reviewed", 0)
        seconds = self.project.seconds_spent(self.annotator) + sum(self._unsaved_seconds.values())
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
        super().closeEvent(event)
        if self._is_closed:
            return
        self._is_closed = True
        self._leave_document()
        self._flush_time()
        self._time_timer.stop()
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

    def show_keyboard_map(self) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("keyboardMap")
        dialog.setWindowTitle(tr("keys.title"))
        rows = keys.keyboard_map(self)
        table = QTableWidget(len(rows), 2, dialog)
        table.setHorizontalHeaderLabels([tr("keys.col.key"), tr("keys.col.command")])
        for i, (key, text, _name) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(i18n.ltr(key)))
            table.setItem(i, 1, QTableWidgetItem(text))
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.resizeColumnToContents(0)
        table.resizeRowsToContents()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(tr("button.close"))
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(560, 640)
        dialog.open()


def _items(entities) -> list[tuple]:
    """Entities with every attribute (Entity equality ignores the canonical name)."""
    return [(e.start, e.end, e.label, e.canonical) for e in entities]


def pending_suggestions(suggestions: Layer | None, layer: Layer | None) -> Layer | None:
    """The suggestions the labeler's layer does not already have: entities not in it with the
    same span and label; zones whose text is not already all of that zone (the others become
    unlabeled, so the result still tiles the text)."""
    if suggestions is None or layer is None:
        return None
    have = {(e.start, e.end, e.label) for e in layer.entities}
    entities = tuple(e for e in suggestions.entities if (e.start, e.end, e.label) not in have)
    zones = []
    for zone in suggestions.zones:
        label = zone.label
        if label != NONE_ZONE and all(z.label == label for z in layer.zones
                                      if z.start < zone.end and zone.start < z.end):
            label = NONE_ZONE
        if zones and zones[-1].label == label and zones[-1].end == zone.start:
            zones[-1] = Zone(zones[-1].start, zone.end, label)
        else:
            zones.append(Zone(zone.start, zone.end, label))
    return Layer(tuple(zones), entities, ())
