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


def test_a_labeler_works_in_a_blind_project_and_sees_no_one_else(qtbot, pg_server):
    from annotator.core.model import Entity, add_entity
    from annotator.store.pg_schema import add_user, set_blind

    database = pg_server.new_database("blind")
    with Project.create(pg_server.url(database)) as setup:
        run_import(setup, [SEEDS], None, None, quiet=True)
        for name in ("ali", "sara"):
            add_user(setup.conn, name, "labeler")
        set_blind(setup.conn, True)
    window = open_window(pg_server.url(database, "ali"), "ali")
    qtbot.addWidget(window)
    doc, text = window.session.doc_id, window.session.text
    start = text.index("غزة")
    with Project.open(pg_server.url(database, "sara")) as sara:
        sara.edit(doc, "sara", "sara", "entity",
                  lambda l: add_entity(l, Entity(start, start + 3, "LOC")))
    window.session.label_entity("PER", start, start + 3)   # ali's own label is saved
    assert window.session.save_state == "saved"
    window.session.set_status("done")
    qtbot.wait(600)  # sara's change reaches the window's live poll, which sees nothing of it
    assert window.project.layer_names(doc) == ["ali"]
    assert window.project.get_layer(doc, "ali").entities == (Entity(start, start + 3, "PER"),)
    assert window.session.layer.entities == (Entity(start, start + 3, "PER"),)
    window.close()
