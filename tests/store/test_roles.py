"""Roles enforced by PostgreSQL itself: each test connects as a labeler or a reviewer and
shows the database refusing (InsufficientPrivilege: a missing privilege or a row-level
security policy), both through the store and in raw SQL that bypasses the app."""
import psycopg
import pytest
from psycopg.errors import InsufficientPrivilege

from annotator import SEEDS
from annotator.cli import run_import
from annotator.core.errors import NotSavedError
from annotator.core.model import set_zone
from annotator.store import Project
from annotator.store.pg_schema import add_user
from annotator.store.review_decisions import record_decisions

DOC = "000_a3ed348b844c58ae"


@pytest.fixture
def team(pg_server):
    """A project on the server with labelers ali and sara and reviewer mona; returns a
    function giving a URL as one of them."""
    database = pg_server.new_database("team")
    with Project.create(pg_server.url(database)) as admin:
        run_import(admin, [SEEDS], None, None, quiet=True)
        admin.edit(DOC, "sara", "sara", "zone", lambda l: set_zone(l, 0, 30, "body"))
        for name, role in (("ali", "labeler"), ("sara", "labeler"), ("mona", "reviewer")):
            add_user(admin.conn, name, role)
    return lambda user: pg_server.url(database, user)


def _refused_by_database(call):
    """The store's NotSavedError for the write, caused by the server's refusal."""
    with pytest.raises(NotSavedError) as caught:
        call()
    assert isinstance(caught.value.__cause__, InsufficientPrivilege), caught.value.__cause__
    return caught.value


def test_labeler_writes_only_its_own_layer_status_and_log(team):
    with Project.open(team("ali")) as ali:
        ali.edit(DOC, "ali", "ali", "zone", lambda l: set_zone(l, 0, 10, "body"))
        ali.set_status(DOC, "ali", status="done", add_seconds=5)
        error = _refused_by_database(lambda: ali.edit(
            DOC, "sara", "ali", "zone", lambda l: set_zone(l, 0, 99, "source")))
        assert "refused" in str(error)
        _refused_by_database(lambda: ali.edit(DOC, "gold", "ali", "zone",
                                              lambda l: set_zone(l, 0, 5, "body")))
        _refused_by_database(lambda: ali.set_status(DOC, "sara", status="done"))
        # Writing as someone else in the app's terms: the log row's `who` must be the login.
        _refused_by_database(lambda: ali.edit(DOC, "ali", "sara", "zone",
                                              lambda l: set_zone(l, 0, 3, "source")))
        _refused_by_database(lambda: record_decisions(ali, DOC, {"x": None}))
        assert ali.get_layer(DOC, "sara").zones[0].end == 30
        assert [c.who for c in ali.history(DOC)] == ["sara", "ali", "ali"]


def test_raw_sql_as_a_labeler_is_refused_by_the_server(team):
    with psycopg.connect(team("ali"), autocommit=True) as conn:
        for statement in (
                "INSERT INTO layers (doc, name, data, updated) VALUES (1, 'gold', '{}', 'x')",
                "INSERT INTO status (doc, annotator, status, updated) VALUES (1, 'sara', 'done', 'x')",
                "INSERT INTO changes (at, who, action) VALUES ('x', 'sara', 'forged')",
                "UPDATE changes SET who = 'ali'",
                "DELETE FROM changes",
                "DELETE FROM layers",
                "INSERT INTO documents (id, text, meta, content_hash, length) "
                "VALUES ('x', 'y', '{}', 'z', 1)",
                "CREATE ROLE mallory LOGIN",
                "ALTER TABLE layers DISABLE ROW LEVEL SECURITY"):
            with pytest.raises(InsufficientPrivilege):
                conn.execute(statement)
        # Another labeler's row is invisible to UPDATE: nothing changes.
        cur = conn.execute("UPDATE layers SET data = '{}' WHERE name = 'sara'")
        assert cur.rowcount == 0
        assert conn.execute("SELECT data <> '{}' FROM layers WHERE name = 'sara'").fetchone()[0]


def test_reviewer_writes_gold_and_decisions_but_not_a_labelers_layer(team):
    with Project.open(team("mona")) as mona:
        mona.edit(DOC, "gold", "mona", "zone", lambda l: set_zone(l, 0, 20, "body"))
        assert mona.undo(DOC, "gold", "mona").action == "zone"
        record_decisions(mona, DOC, {"zone:0": None})
        mona.set_status(DOC, "mona", status="reviewed")
        _refused_by_database(lambda: mona.edit(DOC, "sara", "mona", "zone",
                                               lambda l: set_zone(l, 0, 1, "source")))
    with Project.open(team("ali")) as ali:  # everyone reads everything (no blind mode yet)
        assert [c.action for c in ali.history(DOC, "gold")] == ["zone", "undo"]
