"""Label keys that also work with an Arabic keyboard layout.

With the standard Arabic (PC, 101) layout the physical key P sends the text 'ح' and a key code
that is either Qt.Key_unknown or the Arabic code point (0x062D); a shortcut "P" never matches it.
The filter below maps such key presses back to the Latin key on the same physical key and
triggers the window's QAction whose shortcut matches. Key presses Qt has already matched to a
shortcut never reach it (Qt consumes them), so nothing fires twice.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

# Unshifted characters of the Arabic (101) layout -> the Latin character on the same key.
ARABIC_KEYS = {
    "ذ": "`",
    "ض": "Q", "ص": "W", "ث": "E", "ق": "R", "ف": "T", "غ": "Y", "ع": "U", "ه": "I",
    "خ": "O", "ح": "P", "ج": "[", "د": "]",
    "ش": "A", "س": "S", "ي": "D", "ب": "F", "ل": "G", "ا": "H", "ت": "J", "ن": "K",
    "م": "L", "ك": ";", "ط": "'",
    "ئ": "Z", "ء": "X", "ؤ": "C", "ر": "V", "لا": "B", "ى": "N", "ة": "M", "و": ",",
    "ز": ".", "ظ": "/",
    "ﻻ": "B",  # lam-alef as one presentation form (the key code some systems send for B)
}
# Characters the layout gives with Shift held -> the Latin key (Shift is implied).
ARABIC_SHIFTED_KEYS = {
    "ّ": "`",
    "َ": "Q", "ً": "W", "ُ": "E", "ٌ": "R", "لإ": "T", "إ": "Y", "‘": "U", "÷": "I",
    "×": "O", "؛": "P",
    "ِ": "A", "ٍ": "S", "لأ": "G", "أ": "H", "ـ": "J", "،": "K",
    "ْ": "X", "لآ": "B", "آ": "N", "’": "M", "؟": "/",
    "ﻹ": "T", "ﻷ": "G", "ﻵ": "B",
}
# Shift+D and Shift+F give ']' and '[' on the Arabic layout; a Latin layout never sends those
# characters with Shift held (it sends '{' '}'), so the pair is unambiguous.
ARABIC_SHIFTED_ASCII = {"]": "D", "[": "F"}
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}

_MODIFIERS = (Qt.ShiftModifier | Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier)


def latin_key(key: int, text: str, modifiers: Qt.KeyboardModifier
              ) -> tuple[int, Qt.KeyboardModifier] | None:
    """The (Latin key code, modifiers) a key press on an Arabic layout stands for, or None
    when the press is not an Arabic-layout character."""
    modifiers = Qt.KeyboardModifier(modifiers) & _MODIFIERS
    shift = bool(modifiers & Qt.ShiftModifier)
    candidates = []
    if text:
        candidates.append(text)
    # Special keys (arrows, F-keys, …) have codes from 0x01000000; below that a code is a
    # character. Under Ctrl the text is often empty, so the key code is all there is.
    if key and key != Qt.Key_unknown and key < 0x01000000:
        candidates.append(chr(key))
    for ch in candidates:
        if ch in DIGITS:
            return ord(DIGITS[ch]), modifiers
        if ch in ARABIC_KEYS:
            return ord(ARABIC_KEYS[ch]), modifiers
        if ch in ARABIC_SHIFTED_KEYS:
            return ord(ARABIC_SHIFTED_KEYS[ch]), modifiers | Qt.ShiftModifier
        if shift and ch in ARABIC_SHIFTED_ASCII:
            return ord(ARABIC_SHIFTED_ASCII[ch]), modifiers
    return None


def matching_action(actions, key: int, modifiers) -> QAction | None:
    sequence = QKeySequence(QKeyCombination(Qt.KeyboardModifier(modifiers), Qt.Key(key)))
    for action in actions:
        if not action.isEnabled() or action.property("latinKeysOnly"):
            continue
        for shortcut in action.shortcuts():
            if shortcut.matches(sequence) == QKeySequence.ExactMatch:
                return action
    return None


class ArabicLayoutKeys(QObject):
    """Event filter: install on the window and on the widgets that take key presses for
    themselves (article view, lists). Never on text inputs: there Arabic letters are text."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.KeyPress:
            return False
        mapped = latin_key(event.key(), event.text(), event.modifiers())
        if mapped is None:
            return False
        action = matching_action(self.window.findChildren(QAction), *mapped)
        if action is None:
            return False
        action.trigger()
        return True


def keyboard_map(window) -> list[tuple[str, str, str]]:
    """(keys as shown, command text, action object name) for every action with a key: the
    window's declared commands (gui/commands.py) in their order, then any other action an
    extension added."""
    rows = []
    seen = set()
    declared = [action for _command, action in getattr(window, "commands", {}).values()]
    for action in declared + window.findChildren(QAction):
        name = action.objectName()
        if not action.shortcuts() or not name or name in seen:
            continue
        seen.add(name)
        keys = ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts())
        rows.append((keys, action.text().replace("&", ""), name))
    return rows
