"""`annotator copy`, `server-init`, `users add` against a real PostgreSQL server (tests/pg.py),
and the network file system warning."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

from annotator import SEEDS
from annotator.core.model import Entity, add_entity, set_zone
from annotator.store import Project
from annotator.store.models import load_model, save_model
from annotator.store.netfs import _linux_type, is_network


def annotator(*args, env=None, input=None):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8",
                          env=None if env is None else {**os.environ, **env}, input=input)


def _work(project):
    """Edits, an undo, a redo, a status, a note and a model: what history a copy must keep."""
    doc = project.document_ids()[1]
    text = project.get_text(doc)
    start = text.index("غزة")
    project.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 50, "body"))
    project.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(start, start + 3, "LOC")))
    project.undo(doc, "ali", "ali")
    project.redo(doc, "ali", "ali")
    project.edit(doc, "gold", "rev", "entity", lambda l: add_entity(l, Entity(start, start + 3, "LOC")))
    project.set_status(doc, "ali", status="done", note="ملاحظة 😀", add_seconds=3.25)
    save_model(project, "entities", "crfsuite-1", b"\x00\xffmodel", {"f1": 0.5})


def _exports(location, tmp_path, name):
    files = {}
    for fmt in ("jsonl", "conll"):
        out = tmp_path / f"{name}.{fmt}"
        result = annotator("export", location, "--format", fmt, "-o", out, "-q")
        assert result.returncode == 0, result.stderr
        files[fmt] = out.read_bytes()
    return files


def test_copy_file_to_server_and_back_keeps_history_and_exports(tmp_path, pg_url):
    original = tmp_path / "team.db"
    assert annotator("init", original).returncode == 0
    assert annotator("import", original, SEEDS, "-q").returncode == 0
    with Project.open(original) as project:
        _work(project)
        history = [(c.id, c.who, c.action, c.reverts, c.after) for c in project.history()]

    result = annotator("copy", original, pg_url)
    assert result.returncode == 0, result.stderr
    back = tmp_path / "back.db"
    result = annotator("copy", pg_url, back)
    assert result.returncode == 0, result.stderr

    for location in (pg_url, back):
        with Project.open(location) as copy:
            assert [(c.id, c.who, c.action, c.reverts, c.after)
                    for c in copy.history()] == history
            assert load_model(copy, "entities").data == b"\x00\xffmodel"
            doc = copy.document_ids()[1]
            assert copy.get_status(doc, "ali").note == "ملاحظة 😀"
            assert copy.can_redo(doc, "ali") is False and copy.can_undo(doc, "ali")
    expected = _exports(original, tmp_path, "original")
    assert _exports(pg_url, tmp_path, "server") == expected
    assert _exports(back, tmp_path, "back") == expected
    # The server's copy goes on where the file left off: new ids follow the copied ones.
    with Project.open(pg_url) as copy:
        doc = copy.document_ids()[0]
        copy.edit(doc, "ali", "ali", "zone", lambda l: set_zone(l, 0, 5, "body"))
        assert copy.history()[-1].id == history[-1][0] + 1


def test_copy_refuses_an_existing_destination(tmp_path, pg_url):
    src = tmp_path / "a.db"
    Project.create(src).close()
    Project.create(pg_url).close()
    result = annotator("copy", src, pg_url)
    assert result.returncode == 2
    assert "already holds a project" in result.stderr and len(result.stderr.splitlines()) == 1


def test_server_init_creates_database_project_and_users(pg_server):
    url = pg_server.url("teamproject")
    result = annotator("server-init", url, "--labeler", "ali", "--labeler", "sara",
                       "--reviewer", "mona")
    assert result.returncode == 0, result.stderr
    with Project.open(pg_server.url("teamproject", "ali")) as project:
        assert project.user == "ali"
        assert project.count_documents() == 0
    assert annotator("users", "add", url, "boss", "--role", "admin").returncode == 0
    # The admin (not the server's superuser) adds people; a labeler may not.
    result = annotator("users", "add", pg_server.url("teamproject", "boss"), "omar",
                       "--role", "reviewer")
    assert result.returncode == 0, result.stderr
    refused = annotator("users", "add", pg_server.url("teamproject", "ali"), "eve",
                        "--role", "labeler")
    assert refused.returncode == 2 and "permission denied" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    with Project.open(pg_server.url("teamproject", "omar")) as project:
        assert project.conn.execute(
            "SELECT pg_has_role('omar', 'annotator_reviewer', 'MEMBER')").fetchone()[0]


def _is_verifier_of(stored: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier (RFC 5802, as PostgreSQL keeps it) is that password's."""
    method, iterations_salt, keys = stored.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                 int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return method == "SCRAM-SHA-256" \
        and hashlib.sha256(client_key).digest() == base64.b64decode(stored_key)


def test_initial_passwords_stay_off_the_command_line_and_out_of_the_server_log(pg_server):
    url = pg_server.url("pwproject")
    result = annotator("server-init", url, "--labeler", "ali",
                       env={"ANNOTATOR_PASSWORD": "first-login"})
    assert result.returncode == 0, result.stderr
    result = annotator("users", "add", url, "sara", "--role", "labeler", "--ask-password",
                       input="second-login\nsecond-login\n")
    assert result.returncode == 0, result.stderr
    assert "second-login" not in result.stdout + result.stderr
    with Project.open(url) as project:
        stored = dict(project.conn.execute(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('ali', 'sara')"))
        # The server was sent the verifier, not the password.
        statements = " ".join(row[0] for row in project.conn.execute(
            "SELECT query FROM pg_stat_activity WHERE query IS NOT NULL"))
    assert _is_verifier_of(stored["ali"], "first-login")
    assert _is_verifier_of(stored["sara"], "second-login")
    assert not _is_verifier_of(stored["sara"], "first-login")
    assert "login" not in statements
    # Two ways at once, or an empty password: one line, nothing created.
    both = annotator("users", "add", url, "nadia", "--role", "labeler", "--ask-password",
                     env={"ANNOTATOR_PASSWORD": "x"}, input="y\ny\n")
    empty = annotator("users", "add", url, "nadia", "--role", "labeler", "--password", "")
    for refused in (both, empty):
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    with Project.open(url) as project:
        assert not project.conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = 'nadia'").fetchone()


def test_network_file_system_is_recognised(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "server:/export /mnt/team nfs4 rw 0 0\n"
                      "//nas/share /mnt/nas cifs rw 0 0\n")
    assert _linux_type(tmp_path, str(mounts)) == "ext4"
    assert is_network(_linux_type(Path("/mnt/team/x"), str(mounts)))
    assert is_network(_linux_type(Path("/mnt/nas"), str(mounts)))
    assert not is_network("ext4") and not is_network(None)


def test_assist_writes_the_same_suggestions_on_a_server_as_in_a_file(tmp_path, pg_url):
    """assist's bulk path (store/bulk.py) writes SQL of its own: it must work on both backends."""
    local = tmp_path / "local.db"
    for location in (local, pg_url):
        assert annotator("init", location).returncode == 0
        assert annotator("import", location, SEEDS, "-q").returncode == 0
        result = annotator("assist", location, "-q")
        assert result.returncode == 0, result.stderr
    exports = [annotator("export", location, "--format", "jsonl", "--layer", "suggestions",
                         "-o", tmp_path / f"{i}.jsonl", "-q") for i, location in
               enumerate((local, pg_url))]
    assert all(r.returncode == 0 for r in exports), [r.stderr for r in exports]
    file_docs, server_docs = ([json.loads(line) | {"meta": None}  # meta names the source
                               for line in (tmp_path / name).read_text("utf-8").splitlines()]
                              for name in ("0.jsonl", "1.jsonl"))
    assert server_docs == file_docs
    assert any(doc["entities"] for doc in file_docs) and any(doc["zones"] for doc in file_docs)


def test_blind_annotation_each_labeler_reads_only_their_own_layer(pg_server):
    url = pg_server.url("blindproject")
    result = annotator("server-init", url, "--labeler", "ali", "--labeler", "sara",
                       "--reviewer", "mona", "--blind")
    assert result.returncode == 0, result.stderr
    assert annotator("import", url, SEEDS, "-q").returncode == 0
    with Project.open(url) as admin:
        doc = admin.document_ids()[0]
        text = admin.get_text(doc)
    start = text.index("غزة")
    for who in ("ali", "sara"):
        with Project.open(pg_server.url("blindproject", who)) as mine:
            mine.edit(doc, who, who, "entity",
                      lambda l: add_entity(l, Entity(start, start + 3, "LOC")))
    with Project.open(pg_server.url("blindproject", "mona")) as reviewer:
        reviewer.edit(doc, "gold", "mona", "entity",
                      lambda l: add_entity(l, Entity(start, start + 3, "LOC")))
    assert annotator("agree", pg_server.url("blindproject", "mona"), "--json").returncode == 0

    def seen_by(who):
        with Project.open(pg_server.url("blindproject", who)) as project:
            return (set(project.layer_names(doc)),
                    {c.layer for c in project.history() if c.layer},
                    project.conn.execute("SELECT count(*) FROM agreement_tallies").fetchone()[0],
                    project.get_layer(doc, "sara").entities)

    names, logged, tallies, saras = seen_by("ali")
    assert names == {"ali"} and logged == {"ali"} and tallies == 0 and saras == ()
    names, logged, tallies, saras = seen_by("mona")
    assert names == {"ali", "sara", "gold"} and tallies > 0 and len(saras) == 1
    # A labeler cannot turn it off; the owner can.
    refused = annotator("blind", pg_server.url("blindproject", "ali"), "off")
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert annotator("blind", url, "off").returncode == 0
    assert seen_by("ali")[0] == {"ali", "sara", "gold"}
    on_a_file = annotator("blind", SEEDS / "001.txt", "on")
    assert on_a_file.returncode == 2
