"""What every window shares: texts that follow the interface language, menus in a fixed order,
docks, and commands (gui/commands.py) turned into QActions, with keys that also work on an
Arabic keyboard layout. The main and review windows derive from WindowBase."""
from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDockWidget, QHeaderView, QMainWindow,
                               QMenu, QMessageBox, QTableWidget, QTableWidgetItem, QToolBar, QVBoxLayout,
                               QWidget)

from . import i18n, keys
from .commands import Command, Separator, Submenu
from .i18n import label_text, tr
from .panels import color_icon

DOCK_FEATURES = (QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable
                 | QDockWidget.DockWidgetFloatable)


def key_sequence(key: str) -> QKeySequence:
    if key.startswith("std:"):
        return QKeySequence(getattr(QKeySequence.StandardKey, key[4:]))
    return QKeySequence(key)


class KeysMenu(QMenu):
    """A menu whose key column reads left to right in Arabic too: Qt lays the keys out in the
    menu's direction, which turned "Ctrl++" into "++Ctrl", "Ctrl+," into ",+Ctrl" and
    "Alt+Shift+Left" (its key name in Arabic) into a backwards chain."""

    def initStyleOption(self, option, action) -> None:
        super().initStyleOption(option, action)
        text, tab, keys = option.text.partition("\t")
        if tab and keys:
            option.text = f"{text}\t{i18n.ltr(keys)}"


class WindowBase(QMainWindow):
    closed = Signal()
    MENU_ORDER: tuple[str, ...] = ()
    MENU_TITLES: dict[str, str] = {}   # menu key -> i18n key, where not "menu.<key>"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._texts: list[tuple[Callable[[str], None], Callable[[], str]]] = []
        self._menus: dict[str, QMenu] = {}
        self.toolbars: dict[str, QToolBar] = {}
        self.commands: dict[str, tuple[Command, QAction]] = {}  # by id, in registration order
        self._key_filter = keys.ArabicLayoutKeys(self)
        self._dock_areas: dict[QDockWidget, Qt.DockWidgetArea] = {}  # as placed, left to right

    # -- language -------------------------------------------------------------------------------
    def translatable(self, setter: Callable[[str], None], text: str | Callable[[], str]) -> None:
        """Set a piece of the interface now and again whenever the language changes, for as
        long as this window lives. `text` is an i18n key or a function returning the text,
        e.g. window.translatable(action.setText, "search.focus")."""
        fn = (lambda key=text: tr(key)) if isinstance(text, str) else text
        self._texts.append((setter, fn))
        setter(fn())

    def retranslate_texts(self) -> None:
        self.setLayoutDirection(i18n.direction())
        self._mirror_docks()
        for setter, fn in list(self._texts):
            try:
                setter(fn())
            except RuntimeError:  # the widget is gone
                self._texts.remove((setter, fn))

    # -- menus and docks ------------------------------------------------------------------------
    def menu_for(self, key: str) -> QMenu:
        """The menu for key (in MENU_ORDER, others after), created on demand. "a/b" is
        submenu b of menu a, created detached: a Submenu command places it."""
        menu = self._menus.get(key)
        if menu is not None:
            return menu
        menu = KeysMenu(self)
        menu.setObjectName(f"menu:{key}")
        self._menus[key] = menu
        if "/" in key:
            return menu  # titled by its Submenu declaration
        title = self.MENU_TITLES.get(key, f"menu.{key}")
        self.translatable(menu.setTitle, title if title in i18n.STRINGS
                          else (lambda: key.capitalize()))
        order = list(self.MENU_ORDER) + [k for k in self._menus if k not in self.MENU_ORDER]
        rank = order.index(key) if key in order else len(order)
        before = next((self._menus[k].menuAction() for k in order[rank + 1:]
                       if k in self._menus and "/" not in k), None)
        if before is None:
            self.menuBar().addMenu(menu)
        else:
            self.menuBar().insertMenu(before, menu)
        return menu

    @staticmethod
    def _mirrored(area, rtl: bool | None = None):
        """Where a dock placed at `area` (left-to-right terms) goes in this interface: the side
        panels swap sides in Arabic, as the rest of the window does."""
        if rtl is None:
            rtl = i18n.direction() == Qt.RightToLeft
        swap = {Qt.LeftDockWidgetArea: Qt.RightDockWidgetArea,
                Qt.RightDockWidgetArea: Qt.LeftDockWidgetArea}
        return swap.get(area, area) if rtl else area

    def _mirror_docks(self) -> None:
        """Qt does not swap dock areas with the layout direction: move the docks that sit on
        the other language's side (a dock the user moved elsewhere stays), keeping tabs."""
        rtl = i18n.direction() == Qt.RightToLeft
        moved = [dock for dock, area in self._dock_areas.items() if not dock.isFloating()
                 and self.dockWidgetArea(dock) == self._mirrored(area, not rtl)
                 and self._mirrored(area, rtl) != self._mirrored(area, not rtl)]
        if not moved:
            return
        tabs = {dock: [d for d in self.tabifiedDockWidgets(dock) if d in moved]
                for dock in moved}
        visible = [dock for dock in moved if dock.isVisible()]
        for dock in moved:
            self.addDockWidget(self._mirrored(self._dock_areas[dock], rtl), dock)
        done: set = set()
        for dock, others in tabs.items():
            for other in others:
                if other not in done and dock not in done:
                    self.tabifyDockWidget(dock, other)
            done.add(dock)
        for dock in visible:
            dock.show()

    def add_dock(self, widget: QWidget, title: str | Callable[[], str],
                 area=Qt.RightDockWidgetArea, name: str | None = None,
                 features=DOCK_FEATURES, view_menu: bool = True) -> QDockWidget:
        """Add a dock (listed in the View menu). A callable title is re-read when the
        interface language changes."""
        dock = QDockWidget(self)
        if callable(title):
            self.translatable(dock.setWindowTitle, title)
        else:
            dock.setWindowTitle(title)
        dock.setObjectName(f"dock:{name or widget.objectName() or dock.windowTitle()}")
        dock.setWidget(widget)
        dock.setFeatures(features)
        self._dock_areas[dock] = area
        self.addDockWidget(self._mirrored(area), dock)
        if view_menu:
            self.menu_for("view").addAction(dock.toggleViewAction())
        return dock

    # -- commands -------------------------------------------------------------------------------
    def show_keyboard_map(self) -> None:
        """The keyboard map (F1): every command with a key, as declared."""
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

    def confirm(self, title: str, text: str, yes: str) -> bool:
        """Ask before a key does something that cannot be taken for granted (replacing a
        settled decision, finishing a mostly unlabeled document). The safe answer is the
        default: Enter or Escape on the dialog changes nothing; the action's own button
        (`yes`, an i18n key) or its Alt+Y does. The question (`title`) is also the box's first
        line: not every desktop shows a dialog's title (macOS does not)."""
        box = QMessageBox(QMessageBox.Warning, title, f"{title}\n\n{text}", QMessageBox.NoButton,
                          self)
        box.setObjectName("confirm")
        box.setTextFormat(Qt.PlainText)
        box.setLayoutDirection(i18n.direction())
        do = box.addButton(tr(yes), QMessageBox.AcceptRole)
        do.setObjectName("confirm:yes")
        cancel = box.addButton(tr("button.cancel"), QMessageBox.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is do

    def install_layout_keys(self, widgets: Iterable[QWidget]) -> None:
        """Arabic-layout keys on these widgets (those that take key presses themselves)."""
        for widget in widgets:
            widget.installEventFilter(self._key_filter)


def error_box(parent, title: str, error: str,
              icon=QMessageBox.Warning) -> QMessageBox:
    """A box (not yet shown) saying what failed in the interface language, then the error
    itself: the core's words, in English, with the file and line. The title alone did not say
    it: macOS shows none, and the Arabic window showed a bare English line."""
    box = QMessageBox(icon, title, f"{title}\n\n{error}", QMessageBox.Ok, parent)
    box.setTextFormat(Qt.PlainText)
    box.setLayoutDirection(i18n.direction())
    return box


def register_commands(window: WindowBase, commands: Iterable) -> dict[str, QAction]:
    """Turn command declarations into the window's QActions (object name = id, keys as window
    shortcuts), put them in their menus and toolbars; returns the actions by id."""
    actions = {}
    for item in commands:
        if isinstance(item, Separator):
            window.menu_for(item.menu).addSeparator()
            continue
        if isinstance(item, Submenu):
            submenu = window.menu_for(item.menu)
            window.translatable(submenu.setTitle, item.text)
            window.menu_for(item.menu.rsplit("/", 1)[0]).addMenu(submenu)
            continue
        actions[item.id] = _action(window, item)
    return actions


def _action(window: WindowBase, command: Command) -> QAction:
    action = QAction(window)
    action.setObjectName(command.id)
    window.translatable(action.setText, command.text)
    if command.toolbar is not None:
        # Toolbar buttons double as the legend: colour, label name and its key.
        label = command.label
        # The key in a left-to-right isolate: "Shift+F" never becomes "F+Shift" in Arabic.
        hint = f"  {i18n.ltr(QKeySequence(label.key).toString(QKeySequence.NativeText))}" \
            if label.key else ""
        window.translatable(action.setIconText, lambda: label_text(label) + hint)
        window.toolbars[command.toolbar].addAction(action)
    if command.color is not None:
        action.setIcon(color_icon(command.color))
    action.setCheckable(command.checkable)
    action.setShortcuts([key_sequence(k) for k in command.keys if k])
    action.setShortcutContext(Qt.WindowShortcut)
    if not command.arabic_layout:
        action.setProperty("latinKeysOnly", True)
    handler = command.handler
    if command.checkable:
        action.triggered.connect(lambda checked: handler(window, checked))
    else:
        action.triggered.connect(lambda _checked=False: handler(window))
    window.addAction(action)
    if command.menu is not None:
        window.menu_for(command.menu).addAction(action)
    window.commands[command.id] = (command, action)
    return action
