"""Two people on one PostgreSQL project at once: the window's session hears the other's
change within a second (LISTEN/NOTIFY), and an edit made on a stale view is applied on top of
the current state, never lost, with both edits in the history."""
import time

from annotator import SEEDS
from annotator.core.model import SUGGESTIONS, Entity, add_entity, set_zone
from annotator.session.annotation import AnnotationSession
from annotator.store import Project
from tests.projects import import_files

DOC = "000_a3ed348b844c58ae"


def _seeded(pg_url):
    project = Project.create(pg_url)
    import_files(project, [SEEDS])
    return project


def test_session_hears_another_persons_change_within_a_second(pg_url):
    with _seeded(pg_url) as mine, Project.open(pg_url) as theirs:
        session = AnnotationSession(mine, "ali")
        session.open_document(DOC)
        assert session.suggestions is None
        listener = mine.listen()
        heard = []
        session.message.connect(lambda key, *_: heard.append(key))
        # Another document first: notifications come in commit order, so once the one for
        # the document on screen is heard, none is left over.
        theirs.edit("001_d6de30c6830c1eec", SUGGESTIONS, "assist", "suggest",
                    lambda l: set_zone(l, 0, 40, "body"))
        theirs.edit(DOC, SUGGESTIONS, "assist", "suggest",
                    lambda l: set_zone(l, 0, 40, "body"))
        deadline = time.monotonic() + 1.0
        reloaded = False
        while not reloaded and time.monotonic() < deadline:
            reloaded = session.reload_if_changed(mine.changed_elsewhere(listener, "ali"))
            time.sleep(0.02)
        assert reloaded, "the other person's change was not heard within a second"
        assert session.suggestions.zones[0].end == 40
        assert "bar.changed_elsewhere" in heard
        # Its own edits do not count as changed elsewhere.
        session.edit("zone", lambda l: set_zone(l, 0, 10, "source"))
        time.sleep(0.1)
        assert mine.changed_elsewhere(listener, "ali") == set()
        listener.close()


def test_an_edit_on_a_stale_view_applies_on_top_and_both_stay_in_history(pg_url):
    with _seeded(pg_url) as mona, Project.open(pg_url) as omar:
        text = mona.get_text(DOC)
        a = text.index("غزة")
        b = text.index("يوآف جالانت")
        stale = omar.get_layer(DOC, "gold")  # what omar's window shows
        mona.edit(DOC, "gold", "mona", "entity", lambda l: add_entity(l, Entity(a, a + 3, "LOC")))
        assert omar.get_layer(DOC, "gold") != stale
        omar.edit(DOC, "gold", "omar", "entity", lambda l: add_entity(l, Entity(b, b + 11, "PER")))
        gold = mona.get_layer(DOC, "gold")
        assert {e.label for e in gold.entities} == {"LOC", "PER"}
        assert [(c.who, c.action) for c in mona.history(DOC, "gold")] == \
            [("mona", "entity"), ("omar", "entity")]
        # Each reviewer's undo takes back only their own edit.
        assert omar.undo(DOC, "gold", "omar").who == "omar"
        assert [e.label for e in mona.get_layer(DOC, "gold").entities] == ["LOC"]


def test_a_lost_server_connection_keeps_the_edit_and_says_not_saved(pg_url):
    """The server goes away under the window (its connection is ended by the server): the edit
    stays on screen, the state says "not saved", and no driver error reaches the window."""
    import psycopg

    with _seeded(pg_url) as project:
        session = AnnotationSession(project, "ali")
        session.open_document(DOC)
        pid = project.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        start = session.text.index("غزة")
        session.label_entity("LOC", start, start + 3, exact=True)
        assert session.saving.state.startswith("not saved")
        assert Entity(start, start + 3, "LOC") in session.layer.entities
