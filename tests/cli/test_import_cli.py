"""`annotator init / import / export / stats` as a user runs them: real files in every encoding,
every kind of bad input, exit status and one-line errors."""
import codecs
import json
import os
import subprocess
import sys

import pytest

from annotator import SEEDS
from annotator.store import Project

ARABIC = "شدّد وزير الأمن الإسرائيلي، يوآف غالانت، على استعادة المختطَفين 😀 🇵🇸\nالمصدر: وكالات"


def annotator(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def corpus(tmp_path):
    """A folder with every encoding we promise and every kind of bad file."""
    good = tmp_path / "corpus"
    (good / "nested").mkdir(parents=True)
    (good / "utf8.txt").write_bytes(ARABIC.encode("utf-8"))
    (good / "bom.txt").write_bytes(codecs.BOM_UTF8 + ("أ" + ARABIC).encode("utf-8"))
    (good / "utf16.txt").write_bytes(("ب" + ARABIC).encode("utf-16"))
    (good / "nested" / "crlf.txt").write_bytes(("ت" + ARABIC).replace("\n", "\r\n").encode())
    cp1256 = "ث" + ARABIC.split("😀")[0]  # windows-1256 has no emoji
    (good / "cp1256.txt").write_bytes(cp1256.encode("cp1256"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_bytes(b" \r\n\t\n")
    (bad / "broken.txt").write_bytes("سطر سليم\n".encode() * 3 + b"\xff\xfe bad" + "نص".encode())
    lines = [
        {"id": "ok-1", "text": "نص سليم عن غالانت", "layer": "gold",
         "entities": [{"start": 11, "end": 17, "label": "PERS", "text": "غالانت"}]},
        "{not json",
        {"id": "far", "text": "قصير", "entities": [{"start": 2, "end": 40, "label": "PER"}]},
        {"id": "lbl", "text": "نص ما", "entities": [{"start": 0, "end": 2, "label": "PERSON"}]},
        {"id": "gap", "text": "نص ما هنا", "zones": [{"start": 0, "end": 2, "label": "body"},
                                                   {"start": 3, "end": 9, "label": "none"}]},
        {"text": "   "},
        {"id": "ok-2", "text": "نص\r\nثان غالانت", "layer": "gold",
         "entities": [{"start": 8, "end": 14, "label": "PER"}]},
    ]
    (bad / "mixed.jsonl").write_text(
        "\n".join(l if isinstance(l, str) else json.dumps(l, ensure_ascii=False) for l in lines)
        + "\n", encoding="utf-8")
    return good, bad


def test_every_encoding_imports_and_is_recorded(tmp_path, corpus):
    good, _ = corpus
    db = tmp_path / "p.db"
    assert annotator("init", db).returncode == 0
    result = annotator("import", db, good)
    assert result.returncode == 0, result.stderr
    assert "5 added" in result.stderr
    with Project.open(db) as proj:
        found = {d.id: (d.text, d.meta["encoding"]) for d in proj.iter_documents()}
    assert found["utf8"] == (ARABIC, "utf-8")
    assert found["bom"] == ("أ" + ARABIC, "utf-8-sig")
    assert found["utf16"] == ("ب" + ARABIC, "utf-16")
    assert found["nested/crlf"] == ("ت" + ARABIC, "utf-8")
    assert found["cp1256"] == ("ث" + ARABIC.split("😀")[0], "windows-1256")
    again = annotator("import", db, good)
    assert again.returncode == 0 and "5 unchanged" in again.stderr and "nothing new" in again.stderr


def test_bad_input_one_line_each_batch_goes_on_nothing_saved_is_touched(tmp_path, corpus):
    good, bad = corpus
    db = tmp_path / "p.db"
    annotator("init", db)
    annotator("import", db, good)
    with Project.open(db) as proj:
        before = [(d.id, d.text) for d in proj.iter_documents()]
    result = annotator("import", db, bad, tmp_path / "missing.txt")
    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if not l.startswith(("0 added", "2 added"))]
    expected = {
        "image.txt": "binary file",
        "empty.txt": "empty file",
        "blank.txt": "empty or whitespace-only",
        "broken.txt": "invalid UTF-8",
        "mixed.jsonl:2": "invalid JSON",
        "mixed.jsonl:3": "outside the text",
        "mixed.jsonl:4": "'PERSON' is not in the schema",
        "mixed.jsonl:5": "zones do not tile",
        "mixed.jsonl:6": "empty or whitespace-only",
        "missing.txt": "no such file",
    }
    for where, reason in expected.items():
        hits = [l for l in errors if where + ":" in l]
        assert len(hits) == 1 and reason in hits[0], (where, errors)
    assert "2 added" in result.stderr and "10 rejected" in result.stderr
    with Project.open(db) as proj:
        after = [(d.id, d.text) for d in proj.iter_documents()]
        assert after[:len(before)] == before
        assert [d for d, _ in after[len(before):]] == ["ok-1", "ok-2"]
        ok1 = proj.get_layer("ok-1", "gold")  # PERS arrived as PER
        assert [(e.label, "نص سليم عن غالانت"[e.start:e.end]) for e in ok1.entities] == \
            [("PER", "غالانت")]
        ok2 = proj.get_document("ok-2")  # CRLF in a JSONL text: offsets moved with it
        entity = proj.get_layer("ok-2", "gold").entities[0]
        assert ok2.text == "نص\nثان غالانت" and ok2.text[entity.start:entity.end] == "غالانت"


def test_done_when_init_import_export_gives_the_seeds(tmp_path):
    db = tmp_path / "p.db"
    assert annotator("init", db).returncode == 0
    assert annotator("import", db, SEEDS).returncode == 0
    result = annotator("export", db, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert [l["id"] for l in lines] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for line in lines:
        assert line["text"] == (SEEDS / f"{line['id']}.txt").read_bytes().decode("utf-8")


def test_unknown_project_and_schema_errors_are_one_line(tmp_path):
    result = annotator("import", tmp_path / "nope.db", SEEDS)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no such project file" in result.stderr
    schema = tmp_path / "s.toml"
    schema.write_text('[[zones]]\nname = "body"\ncolor = "blue"\n', encoding="utf-8")
    result = annotator("init", tmp_path / "x.db", "--schema", schema)
    assert result.returncode == 2 and "s.toml: zone body: bad color 'blue'" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_init_with_custom_schema_is_stored(tmp_path):
    schema = tmp_path / "s.toml"
    schema.write_text('[[zones]]\nname = "body"\nkey = "B"\n[[entities]]\nname = "ORG"\nkey = "G"\n',
                      encoding="utf-8")
    db = tmp_path / "c.db"
    assert annotator("init", db, "--schema", schema).returncode == 0
    with Project.open(db) as proj:
        assert proj.schema.entity_names == ("ORG",)


def test_stats_counts(tmp_path):
    db = tmp_path / "p.db"
    annotator("init", db)
    annotator("import", db, SEEDS)
    result = annotator("stats", db, "--json")
    assert json.loads(result.stdout)["documents"] == 5


def test_demo_builds_once(tmp_path):
    env = dict(os.environ, ANNOTATOR_DATA_DIR=str(tmp_path / "data"))
    run = lambda: subprocess.run([sys.executable, "-m", "annotator", "demo", "--no-window"],
                                 capture_output=True, text=True, env=env)
    first = run()
    assert first.returncode == 0, first.stderr
    path = first.stdout.strip()
    with Project.open(path) as proj:
        assert proj.count_documents() == 5
        suggested = proj.get_layer("000_a3ed348b844c58ae", "suggestions")
        assert {z.label for z in suggested.zones} >= {"body", "source", "boilerplate"}
        proj.set_status("000_a3ed348b844c58ae", "ali", status="done")
    assert run().stdout.strip() == path  # built once: the labeler's work is still there
    with Project.open(path) as proj:
        assert proj.get_status("000_a3ed348b844c58ae", "ali").status == "done"


def test_format_option_reads_every_file_of_a_folder(tmp_path):
    corpus = tmp_path / "anercorp"
    corpus.mkdir()
    (corpus / "part1.txt").write_text("غالانت B-PERS\nفي O\nواشنطن B-LOC\n", encoding="utf-8")
    db = tmp_path / "p.db"
    annotator("init", db)
    result = annotator("import", db, corpus, "--format", "conll")
    assert "part1.txt" not in result.stderr, result.stderr
    with Project.open(db) as proj:
        texts = [d.text for d in proj.iter_documents()]
    assert any("غالانت" in t and "واشنطن" in t for t in texts)
