"""Commands are declared once (gui/commands.py): the window's actions, the keyboard map and the
README's keyboard table all come from the declarations."""
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.schema import Schema
from annotator.gui import keys, open_window
from annotator.gui.commands import Command, keymap_table, main_commands, review_commands
from annotator.gui.review import ReviewWindow

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("english_ui")


def shortcuts(action):
    return [s.toString(QKeySequence.PortableText) for s in action.shortcuts()]


def declared_keys(command):
    from annotator.gui.window_base import key_sequence
    return [key_sequence(k).toString(QKeySequence.PortableText) for k in command.keys if k]


def test_readme_keyboard_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "keymap.py")],
                         capture_output=True, text=True, check=True).stdout
    assert out == keymap_table(Schema.default())
    assert out in readme, "README's keyboard table is stale: python3 scripts/keymap.py --write"


def test_every_declared_command_is_an_action_with_its_keys(qtbot, seeded_path):
    w = open_window(seeded_path, "sara")
    qtbot.addWidget(w)
    commands = [c for c in main_commands(w.schema) if isinstance(c, Command)]
    assert len({c.id for c in commands}) == len(commands)
    for command in commands:
        action = w.findChild(QAction, command.id)
        assert action is not None, command.id
        assert shortcuts(action) == declared_keys(command), command.id
        assert w.commands[command.id][1] is action
    # The keyboard map (F1) lists the declared commands first, in declaration order.
    rows = [name for _keys, _text, name in keys.keyboard_map(w)]
    keyed = [c.id for c in commands if c.keys and any(c.keys)]
    assert rows[:len(keyed)] == keyed
    # Extensions' commands are there too.
    assert {"review:open", "search:focus", "agreement:open", "assist:run-document"} <= set(rows)
    review = ReviewWindow(w.project, "rev", ["a", "b"], parent=w)
    qtbot.addWidget(review)
    for command in review_commands(w.schema, ["a", "b"]):
        if isinstance(command, Command):
            action = review.findChild(QAction, command.id)
            assert action is not None and shortcuts(action) == declared_keys(command)
    review.close()


def test_a_command_can_keep_its_key_to_the_latin_layout(qtbot, seeded_path):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.gui.window_base import register_commands

    w = open_window(seeded_path, "sara")
    qtbot.addWidget(w)
    fired = []
    register_commands(w, [
        Command("test:both", "action.undo", lambda _w: fired.append("both"), ("Ctrl+Shift+J",)),
        Command("test:latin", "action.undo", lambda _w: fired.append("latin"), ("Ctrl+Shift+Y",),
                arabic_layout=False)])
    view = w.article_view
    # The Arabic layout's J and Y keys ('ت', 'غ') with Ctrl+Shift held.
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key_unknown, "ت",
                       Qt.ControlModifier | Qt.ShiftModifier)
    QTest.sendKeyEvent(QTest.KeyAction.Click, view, Qt.Key_unknown, "غ",
                       Qt.ControlModifier | Qt.ShiftModifier)
    assert fired == ["both"]
    w.findChild(QAction, "test:latin").trigger()
    assert fired == ["both", "latin"]
