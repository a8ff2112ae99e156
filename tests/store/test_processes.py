"""Other processes: one writing at the same time, and one killed in the middle of an import."""
import json
import sqlite3
import subprocess
import sys
import time

from annotator.store import Project, content_hash
from annotator.store.project import BATCH_SIZE

WORDS = "أكد وزير الدفاع يوآف جالانت على أهمية المختطَفين 😀 في قطاع غزة وواشنطن".split()


def make_jsonl(path, prefix, count):
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(count):
            text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40)) + f" {prefix}{i}"
            fh.write(json.dumps({"id": f"{prefix}{i}", "text": text, "meta": {}},
                                ensure_ascii=False) + "\n")


def expected_text(prefix, i):
    return " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40)) + f" {prefix}{i}"


EDITOR = """
import sys
from annotator.store import Project
from annotator.core.model import set_zone
proj = Project.open(sys.argv[1])
doc = proj.document_ids(0, 1)[0]
for i in range(int(sys.argv[2])):
    proj.edit(doc, "editor", "editor", "zone", lambda l, i=i: set_zone(l, 0, 1 + i, "body"))
print("ok")
"""


def test_concurrent_writers_lose_nothing(tmp_path):
    db = tmp_path / "p.db"
    Project.create(db).close()
    make_jsonl(tmp_path / "a.jsonl", "a", 3000)
    make_jsonl(tmp_path / "b.jsonl", "b", 3000)
    # seed one document so the editor has something to edit
    make_jsonl(tmp_path / "s.jsonl", "s", 1)
    subprocess.run([sys.executable, "-m", "annotator", "import", str(db), str(tmp_path / "s.jsonl")],
                   check=True, capture_output=True)
    procs = [subprocess.Popen([sys.executable, "-m", "annotator", "import", "-q", str(db),
                               str(tmp_path / f"{p}.jsonl")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in "ab"]
    procs.append(subprocess.Popen([sys.executable, "-c", EDITOR, str(db), "200"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in err
    with Project.open(db) as proj:
        assert proj.count_documents() == 6001
        assert len(proj.history(layer="editor")) == 200


KILLED_IMPORT_TOTAL = 40 * BATCH_SIZE


def test_killed_import_leaves_a_sound_project_with_whole_documents(tmp_path):
    db = tmp_path / "p.db"
    Project.create(db).close()
    source = tmp_path / "big.jsonl"
    make_jsonl(source, "k", KILLED_IMPORT_TOTAL)
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "import", "-q", str(db), str(source)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher = sqlite3.connect(db, timeout=30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if watcher.execute("SELECT count(*) FROM documents").fetchone()[0] >= 3 * BATCH_SIZE:
            break
        time.sleep(0.005)
    proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
    proc.wait()
    watcher.close()

    with Project.open(db) as proj:
        assert proj.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = proj.count_documents()
        assert 0 < count < KILLED_IMPORT_TOTAL, "the kill came too late to test anything"
        for doc in proj.iter_documents():
            i = int(doc.id[1:])
            assert doc.text == expected_text("k", i)
        hashes = proj.conn.execute("SELECT text, content_hash FROM documents").fetchall()
        assert all(content_hash(text) == digest for text, digest in hashes)
    # the import can simply be run again and completes the rest
    rerun = subprocess.run([sys.executable, "-m", "annotator", "import", "-q", str(db), str(source)],
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    with Project.open(db) as proj:
        assert proj.count_documents() == KILLED_IMPORT_TOTAL
