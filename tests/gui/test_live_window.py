"""The window on a PostgreSQL project shows another person's change within a second (its
QTimer polls the server's notifications: annotator/gui/live.py)."""
from annotator import SEEDS
from annotator.cli import run_import
from annotator.core.model import SUGGESTIONS, set_zone
from annotator.gui import open_window
from annotator.store import Project


def test_window_shows_a_change_made_elsewhere(qtbot, pg_url):
    with Project.create(pg_url) as setup:
        run_import(setup, [SEEDS], None, None, quiet=True)
    window = open_window(pg_url, "ali")
    qtbot.addWidget(window)
    doc = window.session.doc_id
    assert window.live_updates is not None and window.session.suggestions is None
    with Project.open(pg_url) as assist:
        assist.edit(doc, SUGGESTIONS, "assist", "suggest", lambda l: set_zone(l, 0, 40, "body"))
    qtbot.waitUntil(lambda: window.session.suggestions is not None, timeout=1000)
    assert window.session.pending.zones[0].end == 40
    window.close()
