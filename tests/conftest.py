"""Shared fixtures. Qt must run offscreen: without a display and without this, Qt aborts."""
import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The demo project and the remembered labeler name go to a throwaway folder, never the user's.
os.environ.setdefault("ANNOTATOR_DATA_DIR", str(Path(__file__).parent / ".data-unused"))

import pytest  # noqa: E402

from annotator import SEEDS  # noqa: E402
from annotator.core.text import normalize_newlines  # noqa: E402
from annotator.store import Project  # noqa: E402
from tests.projects import import_files  # noqa: E402

SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "userdata"))


@pytest.fixture
def project(tmp_path):
    proj = Project.create(tmp_path / "p.db")
    yield proj
    proj.close()


@pytest.fixture
def seeded(tmp_path):
    """A project with the five seed articles imported."""
    proj = Project.create(tmp_path / "seeded.db")
    assert len(import_files(proj, [SEEDS])) == len(SEED_FILES)
    yield proj
    proj.close()


@pytest.fixture
def seed_dir(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seeded_path(seeded):
    """The seeded project's file, closed, for code that opens it itself (the window)."""
    path = seeded.path
    seeded.close()
    return path


@pytest.fixture
def english_ui(qapp):
    """The window's interface in English (tests read its texts), restored afterwards."""
    from annotator.gui import application, i18n

    application()
    i18n.set_language("en")
    yield
    i18n.set_language("en")


# Texts for code point <-> UTF-16 conversions (tests/core/test_offsets.py, and the same texts
# against a real QTextDocument in tests/gui/test_offsets.py): a test asking for `offset_sample`
# runs once with each.
OFFSET_SAMPLES = [
    "",
    "بلا رموز تعبيرية",
    "😀 يوآف جالانت 🇵🇸",                               # emoji before and after a span
    "قال جال😀انت إن المختطَفين",                       # emoji inside a span, tashkeel
    "🇵🇸🇵🇸😀😀x😀",                                    # runs of non-BMP characters, flags
    normalize_newlines("سطر أول\r\n😀 سطر ثانٍ\r\nالمختطَفين 🇵🇸\r\n"),  # CRLF source
    "\U0010ffff\U00010000",                               # first and last non-BMP code points
]


def pytest_generate_tests(metafunc):
    if "offset_sample" in metafunc.fixturenames:
        metafunc.parametrize("offset_sample", OFFSET_SAMPLES)


@pytest.fixture
def answer_confirm(qapp):
    """answer(yes, seen): answer the next confirm dialog (WindowBase.confirm) by keyboard, as
    soon as it is open: Enter (its default, the safe answer) or Tab to the action's own button
    and Space; its text, then whether the action was chosen, go to `seen`."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    def answer(yes: bool, seen: list):
        def now():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, now)
                return
            seen.append(box.text())
            button = box.findChild(QPushButton, "confirm:yes")
            if yes:
                box.setFocus()
                QTest.keyClick(box, Qt.Key_Tab)   # from the default (Cancel) to the action
                QTest.keyClick(box.focusWidget(), Qt.Key_Space)
            else:
                QTest.keyClick(box, Qt.Key_Return)
            seen.append(box.clickedButton() is button)
        QTimer.singleShot(0, now)
    return answer

# -- PostgreSQL (tests/pg.py) ---------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (fails, never skips, when none can start)."""
    from tests import pg

    yield pg.server()


def pytest_sessionfinish(session, exitstatus):
    try:
        from tests import pg
    except ImportError:
        return
    pg.stop_server()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the test server, as the server's superuser."""
    return pg_server.url(pg_server.new_database())
