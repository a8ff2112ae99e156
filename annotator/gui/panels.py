"""Side panels of the main window: entity list, stance list and editor, note and review flag,
guidelines. They show what the window gives them and emit requests; the window does every edit
(through project.edit), so there is one path to the store.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton,
                               QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from .. import RESOURCES
from ..core.model import AUTHOR, Entity, EntityRef, Stance
from . import i18n
from .i18n import label_name, label_text, ltr, tr


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is. Qt guesses rich text for any tooltip that looks
    like HTML (a document's "<b>غزة</b>" came out bold, an <img> loaded): escaped inside a
    tag, it is always rich text whose content reads literally."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"

GUIDELINES = RESOURCES / "guidelines"
# A key chord in the guidelines' prose: Ctrl+Enter, Alt+Shift+يسار.
KEY_CHORD = re.compile(r"\b(?:(?:Ctrl|Alt|Shift|Meta)\+)+\w+")


@lru_cache(maxsize=256)
def color_icon(color: str, size: int = 14, border: str = "#555555") -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    painter = QPainter(pixmap)
    painter.setPen(QColor(border))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


def excerpt(text: str, start: int, end: int, limit: int = 40) -> str:
    piece = text[start:end].replace("\n", " ")
    return piece if len(piece) <= limit else piece[:limit - 1] + "…"


def party_text(party, text: str) -> str:
    """A stance holder or target as shown, followed by a mark of the interface's direction so
    that the arrow and colon after an Arabic name in an English line (or after a Latin name in
    an Arabic line) stay in place. (Qt's layout ignores the Unicode isolates U+2066–9.)"""
    if isinstance(party, EntityRef):
        shown = excerpt(text, party.start, party.end)
    else:
        shown = tr("author") if party == AUTHOR else party
    return shown + direction_mark()


def direction_mark() -> str:
    return "\u200f" if i18n.language() == "ar" else "\u200e"


# ---------------------------------------------------------------------------------------------

class EntityPanel(QWidget):
    """The document's entities. Click or Enter jumps to one; Delete removes it; the context
    menu relabels or removes."""

    jump_requested = Signal(int, int)
    delete_requested = Signal(object)          # Entity
    relabel_requested = Signal(object, str)    # Entity, label name

    def __init__(self, schema, parent=None):
        super().__init__(parent)
        self.setObjectName("entityPanel")
        self.schema = schema
        self.tree = QTreeWidget(objectName="entityList")
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemClicked.connect(lambda item, _col: self._jump(item))
        self.tree.itemActivated.connect(lambda item, _col: self._jump(item))
        # Moving through the list with the arrow keys selects each entity in the text, so the
        # label keys relabel it and Delete removes it.
        self.tree.currentItemChanged.connect(
            lambda item, _previous: self._jump(item) if item is not None and self._navigating
            else None)
        self._navigating = True
        # Column widths from the texts they can hold: measuring the rows is too slow to do on
        # every edit.
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.Fixed)
        header.setSectionResizeMode(2, QHeaderView.Fixed)
        self.tree.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree)
        self._text = ""
        self._entities: tuple[Entity, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([tr("entities.col.text"), tr("entities.col.label"),
                                   tr("entities.col.span")])
        metrics = self.tree.fontMetrics()
        labels = [label_text(label) for label in self.schema.entities] + [tr("entities.col.label")]
        self.tree.setColumnWidth(1, max(map(metrics.horizontalAdvance, labels)) + 40)
        self.tree.setColumnWidth(2, metrics.horizontalAdvance("0000000–0000000") + 12)
        self.set_entities(self._text, self._entities)

    def set_entities(self, text: str, entities: tuple[Entity, ...]) -> None:
        current = self.current_entity()
        self._text, self._entities = text, entities
        self._navigating = False
        self.tree.clear()
        items = []
        for entity in entities:
            label = self.schema.label("entity", entity.label) \
                if entity.label in self.schema.entity_names else None
            item = QTreeWidgetItem([excerpt(text, entity.start, entity.end),
                                    label_text(label) if label else entity.label,
                                    ltr(f"{entity.start}–{entity.end}")])
            item.setData(0, Qt.UserRole, entity)
            item.setToolTip(0, plain_tooltip(text[entity.start:entity.end]))
            # Article text is right to left in either interface language.
            item.setTextAlignment(0, Qt.AlignRight | Qt.AlignAbsolute | Qt.AlignVCenter)
            if label is not None:
                item.setIcon(1, color_icon(label.color))
            items.append(item)
        self.tree.addTopLevelItems(items)
        if current is not None:
            self.select_entity(current)
        self._navigating = True

    def current_entity(self) -> Entity | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.UserRole)

    def select_entity(self, entity: Entity) -> None:
        """Make the entity the list's current item (without moving the text's selection)."""
        navigating, self._navigating = self._navigating, False
        same_span = None
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            found = item.data(0, Qt.UserRole)
            if found == entity:
                same_span = item
                break
            if found.span == entity.span and same_span is None:
                same_span = item  # relabeled: still the same words
        if same_span is not None:
            self.tree.setCurrentItem(same_span)
        self._navigating = navigating

    def _jump(self, item) -> None:
        entity = item.data(0, Qt.UserRole)
        self.jump_requested.emit(entity.start, entity.end)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.tree and event.type() == event.Type.KeyPress \
                and event.key() in (Qt.Key_Delete, Qt.Key_Backspace) \
                and self.current_entity() is not None:
            self.delete_requested.emit(self.current_entity())
            return True
        return False

    def _context_menu(self, point) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        entity = item.data(0, Qt.UserRole)
        menu = QMenu(self)
        relabel = menu.addMenu(tr("menu.relabel"))
        for label in self.schema.entities:
            if label.name != entity.label:
                action = relabel.addAction(color_icon(label.color), label_text(label))
                action.triggered.connect(
                    lambda _=False, name=label.name: self.relabel_requested.emit(entity, name))
        menu.addAction(tr("entities.delete"),
                       lambda: self.delete_requested.emit(entity))
        menu.exec(self.tree.viewport().mapToGlobal(point))


# ---------------------------------------------------------------------------------------------

class StancePanel(QWidget):
    """The document's stance items, with Add / Edit / Delete."""

    add_requested = Signal()
    edit_requested = Signal(int)
    delete_requested = Signal(int)
    jump_requested = Signal(int, int)

    def __init__(self, schema, parent=None):
        super().__init__(parent)
        self.setObjectName("stancePanel")
        self.schema = schema
        self.list = QListWidget(objectName="stanceList")
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._jump)
        self.list.itemActivated.connect(lambda item: self.edit_requested.emit(self.list.row(item)))
        self.list.installEventFilter(self)
        self.add_button = QPushButton(objectName="stanceAdd")
        self.edit_button = QPushButton(objectName="stanceEdit")
        self.delete_button = QPushButton(objectName="stanceDelete")
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(lambda: self._emit_current(self.edit_requested))
        self.delete_button.clicked.connect(lambda: self._emit_current(self.delete_requested))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._text = ""
        self._stances: tuple[Stance, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(tr("stance.add"))
        self.edit_button.setText(tr("stance.edit"))
        self.delete_button.setText(tr("stance.delete"))
        self.set_stances(self._text, self._stances)

    def set_stances(self, text: str, stances: tuple[Stance, ...]) -> None:
        row = self.list.currentRow()
        self._text, self._stances = text, stances
        self.list.clear()
        for stance in stances:
            value = self.schema.label("stance", stance.value) \
                if stance.value in self.schema.stance_names else None
            # A mark of the interface's direction first: the line starts with an Arabic name
            # in either language, and the view would otherwise lay it out right to left.
            line = direction_mark() + tr("stance.row", holder=party_text(stance.holder, text),
                             target=party_text(stance.target, text),
                             value=label_text(value) if value else stance.value)
            if stance.evidence:
                a, b = stance.evidence[0]
                line += f"\n«{excerpt(text, a, b, 60)}»"
            item = QListWidgetItem(line)
            if value is not None:
                item.setIcon(color_icon(value.color))
            self.list.addItem(item)
        if stances:
            self.list.setCurrentRow(min(max(row, 0), len(stances) - 1))

    def _emit_current(self, signal) -> None:
        if self.list.currentRow() >= 0:
            signal.emit(self.list.currentRow())

    def _jump(self, item) -> None:
        stance = self._stances[self.list.row(item)]
        if stance.evidence:
            self.jump_requested.emit(*stance.evidence[0])

    def eventFilter(self, obj, event) -> bool:
        if obj is self.list and event.type() == event.Type.KeyPress \
                and event.key() in (Qt.Key_Delete, Qt.Key_Backspace) \
                and self.list.currentRow() >= 0:
            self.delete_requested.emit(self.list.currentRow())
            return True
        return False


class StanceEditor(QDialog):
    """Holder, target, value and evidence of one stance item. Enter saves.

    The target box is editable: pick a schema target or an entity, or type free text."""

    def __init__(self, schema, text: str, entities: tuple[Entity, ...], stance: Stance,
                 selection: tuple[int, int], parent=None):
        super().__init__(parent)
        self.setObjectName("stanceEditor")
        self.setWindowTitle(tr("stance.title"))
        self.text = text
        self.selection = selection
        self.holder_box = QComboBox(objectName="stanceHolder")
        self.holder_box.addItem(tr("stance.author"), AUTHOR)
        self.target_box = QComboBox(objectName="stanceTarget")
        self.target_box.setEditable(True)
        self.target_box.setInsertPolicy(QComboBox.NoInsert)
        for target in schema.stance_targets:
            self.target_box.addItem(target, target)
        seen = set()
        for entity in entities:
            if (entity.start, entity.end) in seen:
                continue
            seen.add((entity.start, entity.end))
            ref = EntityRef(entity.start, entity.end)
            label = label_name(schema, "entity", entity.label)  # شخص, as the entity list says
            shown = f"{excerpt(text, entity.start, entity.end)} [{label}]"
            self.holder_box.addItem(shown, ref)
            self.target_box.addItem(shown, ref)
        self.value_box = QComboBox(objectName="stanceValue")
        for label in schema.stance_values:
            self.value_box.addItem(color_icon(label.color), label_text(label), label.name)
        self.evidence_label = QLabel(objectName="stanceEvidence")
        self.evidence_label.setTextFormat(Qt.PlainText)  # document text: never <img>, <b>
        self.evidence_label.setWordWrap(True)
        self.evidence_label.setMinimumWidth(320)
        use = QPushButton(tr("stance.use_selection"), objectName="stanceUseSelection")
        use.setEnabled(selection[0] < selection[1])
        use.clicked.connect(lambda: self._set_evidence(self.evidence + (selection,)))
        use.setAutoDefault(False)
        clear = QPushButton(tr("stance.clear_evidence"), objectName="stanceClearEvidence")
        clear.clicked.connect(lambda: self._set_evidence(()))
        clear.setAutoDefault(False)
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(use)
        evidence_buttons.addWidget(clear)
        evidence_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("stance.holder"), self.holder_box)
        form.addRow(tr("stance.target"), self.target_box)
        form.addRow(tr("stance.value"), self.value_box)
        form.addRow(tr("stance.evidence"), self.evidence_label)
        form.addRow("", evidence_buttons)
        self.error_label = QLabel(objectName="stanceError")
        self.error_label.setTextFormat(Qt.PlainText)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText(tr("button.save"))
        buttons.button(QDialogButtonBox.Cancel).setText(tr("button.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._select(self.holder_box, stance.holder)
        self._select(self.value_box, stance.value)
        if not self._select(self.target_box, stance.target):
            self.target_box.setEditText(stance.target if isinstance(stance.target, str) else "")
        self.target_box.lineEdit().selectAll()
        # One Enter: the completer takes the first Enter in the target (to accept the inline
        # completion); that same Enter also saves, once the completion is in the box.
        self._accepted = False
        self.target_box.lineEdit().installEventFilter(self)
        self.evidence: tuple[tuple[int, int], ...] = ()
        self._set_evidence(stance.evidence)
        self.target_box.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress and watched is self.target_box.lineEdit()
                and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and not event.modifiers() & ~Qt.KeypadModifier):
            QTimer.singleShot(0, self.accept)
        return super().eventFilter(watched, event)

    @staticmethod
    def _select(box: QComboBox, data) -> bool:
        for i in range(box.count()):
            if box.itemData(i) == data:
                box.setCurrentIndex(i)
                return True
        return False

    def _set_evidence(self, evidence) -> None:
        self.evidence = tuple(dict.fromkeys(evidence))
        if not self.evidence:
            self.evidence_label.setText(tr("stance.no_evidence"))
        else:
            # «» around Arabic evidence in an English dialog: isolated, so the marks stay put.
            self.evidence_label.setText("\n".join(
                f"«\u2068{excerpt(self.text, a, b, 80)}\u2069»" for a, b in self.evidence))

    def target(self):
        typed = self.target_box.currentText().strip()
        index = self.target_box.findText(typed, Qt.MatchExactly)
        if index >= 0:
            return self.target_box.itemData(index)
        return typed

    def stance(self) -> Stance:
        return Stance(self.holder_box.currentData(), self.target(), self.value_box.currentData(),
                      self.evidence)

    def accept(self) -> None:
        if self._accepted:
            return  # the completer's Enter and the dialog's: saved once
        if not self.target():
            self.error_label.setText(tr("stance.target_needed"))
            return
        self._accepted = True
        super().accept()


# ---------------------------------------------------------------------------------------------

class NotePanel(QWidget):
    """A free note per document and the review flag. The note is saved shortly after typing
    stops (and at once when the document changes or the window closes)."""

    note_changed = Signal(str)
    flag_toggled = Signal(bool)
    SAVE_DELAY_MS = 600

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notePanel")
        self.edit = QPlainTextEdit(objectName="noteEdit")
        self.edit.setTabChangesFocus(True)
        self.flag_box = QCheckBox(objectName="flagBox")
        self.flag_box.toggled.connect(self.flag_toggled)
        self._timer = QTimer(self, singleShot=True, interval=self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.edit.textChanged.connect(self._timer.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.edit)
        layout.addWidget(self.flag_box)
        self._saved = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(tr("note.placeholder"))
        self.flag_box.setText(tr("note.flag"))

    def sizeHint(self) -> QSize:
        return QSize(240, 110)

    def show_note(self, note: str, flagged: bool) -> None:
        self._timer.stop()
        self._saved = note
        with QSignalBlocker(self.edit), QSignalBlocker(self.flag_box):
            self.edit.setPlainText(note)
            self.flag_box.setChecked(flagged)

    def flush(self) -> None:
        self._timer.stop()
        note = self.edit.toPlainText()
        if note != self._saved:
            self._saved = note
            self.note_changed.emit(note)


# ---------------------------------------------------------------------------------------------

class GuidelinesPanel(QTextBrowser):
    """The labeling guidelines (resources/guidelines/<language>.md), in the interface language."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("guidelinesView")
        self.setOpenExternalLinks(True)
        self.retranslate()

    def retranslate(self) -> None:
        path = GUIDELINES / f"{i18n.language()}.md"
        if not path.exists():
            path = GUIDELINES / "en.md"
        self.setLayoutDirection(i18n.direction())
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        # Key chords read left to right, as in the menus and the keyboard map: in Arabic
        # prose "Alt+يسار" came out as يسار+Alt, and "Alt+Shift+يسار" as يسار+Alt+Shift.
        self.setMarkdown(KEY_CHORD.sub(lambda chord: ltr(chord.group()), text))
        option = self.document().defaultTextOption()
        option.setTextDirection(i18n.direction())
        self.document().setDefaultTextOption(option)
