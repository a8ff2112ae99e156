"""Killed the instant the status bar says "Saved": the edit is already on disk."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.core.model import Entity
from annotator.store import Project

SEED = "000_a3ed348b844c58ae"

CHILD = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from annotator.gui import application, i18n, open_window

    application()
    i18n.set_language("en")
    window = open_window(sys.argv[1], "sara")
    window.activateWindow()
    view = window.article_view
    text = view.text()
    start = text.index("يوآف جالانت")

    def on_message(message):
        if message.startswith("Saved"):
            # The moment the labeler is told it is saved: die without any cleanup.
            print("killing", flush=True)
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    window.statusBar().messageChanged.connect(on_message)
    view.set_selection(start, start + len("يوآف جالانت"))
    window.label_entity("PER")
    print("not killed", flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_right_after_saved_loses_nothing(seeded, tmp_path):
    path = seeded.path
    text = seeded.get_text(SEED)
    seeded.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               ANNOTATOR_DATA_DIR=str(tmp_path / "userdata"))
    child = subprocess.run([sys.executable, "-c", CHILD, str(path)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "killing" in child.stdout and "not killed" not in child.stdout
    start = text.index("يوآف جالانت")
    with Project.open(path) as project:
        assert project.get_layer(SEED, "sara").entities == (
            Entity(start, start + len("يوآف جالانت"), "PER"),)
        assert [c.action for c in project.history(SEED, "sara")] == ["entity"]


RUN = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import annotator.gui as gui
    from annotator.gui import settings

    gui.application()
    settings.set_labeler_name("sara")
    settings.set_last_project(sys.argv[1])

    def look_and_close():
        window = gui._windows[-1]
        print(window.project.path, window.annotator, window.current_doc_id(), flush=True)
        window.close()  # the last window: the application quits
    QTimer.singleShot(300, look_and_close)
    print("exit", gui.run(None, None), flush=True)
""")


def test_run_opens_the_last_project_as_the_remembered_labeler(seeded, tmp_path):
    path = seeded.path
    seeded.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               ANNOTATOR_DATA_DIR=str(tmp_path / "userdata"))
    child = subprocess.run([sys.executable, "-c", RUN, str(path)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    assert child.stdout.split("\n")[:2] == [f"{path.resolve()} sara {SEED}", "exit 0"]
