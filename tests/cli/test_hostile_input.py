"""Hostile and awkward input through the `annotator` command, as a tester tries it: every bad
file is one line naming it (and the line), the good files of the same batch are imported, no
traceback, exit status 1 (bad input), 2 (project or usage error), 3 (the tool itself failed)."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import Project

GOOD = {"id": "good", "text": "نص سليم عن غالانت في غزة"}


def annotator(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "annotator", *map(os.fsdecode, args)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=timeout)


def one_line_each(result, count):
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == count, result.stderr
    return lines


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.db"
    Project.create(path).close()
    return path


def jsonl(path, *lines):
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l, ensure_ascii=False))
                            + "\n" for l in lines), encoding="utf-8")
    return path


def ids(db):
    with Project.open(db) as proj:
        return proj.document_ids()


@pytest.mark.parametrize("bad_line, why", [
    ('{"id": "s1", "text": "نص \\ud800 مكسور"}', "lone surrogate"),
    ('{"id": "\\udcff", "text": "نص"}', "lone surrogate"),
    ('{"id": "s3", "text": "نص", "meta": {"k\\udc80": 1}}', "lone surrogate"),
    ('{"id": "n1", "text": "نص", "meta": {"x": NaN}}', "NaN"),
    ('{"id": "n2", "text": "نص", "meta": {"x": -Infinity}}', "Infinity"),
    ('{"id": "n3", "text": "نص", "meta": {"x": 1e999}}', "non-finite"),
    ('{"id": "d", "text": "نص", "meta": ' + "[" * 50000 + "]" * 50000 + "}", "nested"),
    ('{"id": "d2", "text": "نص", "meta": ' + "[" * 40 + "]" * 40 + "}", "nested"),
    ('{"id": "t1", "text": "نص", "entities": 5}', '"entities" must be a list'),
    ('{"id": "t2", "text": "نص", "zones": {"a": 1}}', '"zones" must be a list'),
    ('{"id": "t3", "text": "نص", "entities": [5]}', "malformed"),
    ('{"id": "t4", "text": "نص\\r\\nنص", "stances": [{"evidence": 3}]}', ""),
    ('{"id": "t5", "text": 7}', "text"),
    ('{"id": [1], "text": "نص"}', "id"),
    ('[1, 2]', "object"),
])
def test_a_hostile_jsonl_line_is_one_line_and_the_rest_imports(tmp_path, db, bad_line, why):
    src = jsonl(tmp_path / "in.jsonl", GOOD, bad_line, {"id": "good2", "text": "نص ثان"})
    result = annotator("import", db, src)
    (line, summary) = one_line_each(result, 2)
    assert line.startswith(f"{src}:2: ") and why in line
    assert result.returncode == 1 and summary.startswith("2 added")
    assert ids(db) == ["good", "good2"]


def test_meta_with_nan_is_never_exported_as_invalid_json(tmp_path, db):
    jsonl(tmp_path / "in.jsonl", {**GOOD, "meta": {"ok": 1.5}})
    annotator("import", db, tmp_path / "in.jsonl")
    out = annotator("export", db).stdout
    for line in out.splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} exported"))


@pytest.mark.parametrize("content, why", [
    ('[{"data": {"text": "نص \\ud83d"}}]', "lone surrogate"),
    ('[{"data": {"text": "نص"}, "annotations": 5}]', '"annotations" must be a list'),
    ('[{"data": {"text": "نص"}, "predictions": "x"}]', '"predictions" must be a list'),
    ('[{"data": {"text": "نص"}, "meta": {"x": NaN}}]', "NaN"),
    ("[" * 100000 + "]" * 100000, "nested"),
])
def test_hostile_label_studio_files(tmp_path, db, content, why):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"data": {"text": "نص سليم", "id": "ls-good"}}],
                               ensure_ascii=False), encoding="utf-8")
    result = annotator("import", db, bad, good)
    line = one_line_each(result, 2)[0]
    assert line.startswith(str(bad)) and why in line
    assert result.returncode == 1 and ids(db) == ["ls-good"]


@pytest.mark.parametrize("obj, why", [
    ({"text": "نص", "label": 7}, '"label" must be a list'),
    ({"text": "نص", "label": 0}, '"label" must be a list'),
    ({"text": "نص", "labels": "PER"}, '"labels" must be a list'),
    ('{"text": "نص \\udfff", "label": []}', "lone surrogate"),
    ({"text": "نص", "label": [[0, 2, 7]]}, "label must be a string"),
])
def test_hostile_doccano_lines(tmp_path, db, obj, why):
    src = jsonl(tmp_path / "in.jsonl", obj, {"id": "dc", "text": "نص سليم", "label": []})
    result = annotator("import", db, src, "--format", "doccano")
    line = one_line_each(result, 2)[0]
    assert line.startswith(f"{src}:1: ") and why in line, line
    assert result.returncode == 1 and ids(db) == ["dc"]


def test_fifo_symlink_loop_and_undecodable_name_in_a_folder(tmp_path, db):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("نص أول", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("نص ثان", encoding="utf-8")
    os.mkfifo(folder / "fifo.txt")  # reading it would wait forever
    (folder / "sub" / "loop").symlink_to(folder)  # corpus/sub/loop -> corpus
    (folder / "self.txt").symlink_to(folder / "self.txt")  # ELOOP
    bad_name = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(bad_name, "wb") as fh:
        fh.write("نص ثالث".encode())
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.txt"))
    try:
        result = annotator("import", db, folder, timeout=30)
    finally:
        sock.close()
    lines = one_line_each(result, 6)
    text = "\n".join(lines)
    assert f"{folder}/fifo.txt: not a regular file" in text
    assert f"{folder}/s.txt: not a regular file" in text
    assert f"{folder}/self.txt: symbolic link loop" in text
    assert f"{folder}/sub/loop: symbolic link loop" in text
    assert f"{folder}/caf\\xe9.txt: file name is not valid UTF-8" in text
    assert lines[-1].startswith("2 added") and result.returncode == 1
    assert ids(db) == ["a", "sub/b"]


def test_a_fifo_named_directly_is_refused_not_waited_on(tmp_path, db):
    os.mkfifo(tmp_path / "pipe.jsonl")
    result = annotator("import", db, tmp_path / "pipe.jsonl", timeout=30)
    assert "not a regular file" in one_line_each(result, 2)[0] and result.returncode == 1


# -- export targets ------------------------------------------------------------------------

@pytest.fixture
def filled(db, tmp_path):
    jsonl(tmp_path / "in.jsonl", GOOD)
    assert annotator("import", db, tmp_path / "in.jsonl").returncode == 0
    return db


def test_export_over_the_project_itself_is_refused(filled):
    before = filled.read_bytes()
    result = annotator("export", filled, "-o", filled)
    (line,) = one_line_each(result, 1)
    assert "is a project (SQLite) file" in line and result.returncode == 2
    assert filled.read_bytes() == before and ids(filled) == ["good"]


def test_export_over_another_project_or_a_folder_is_refused(filled, tmp_path):
    other = tmp_path / "other.db"
    Project.create(other).close()
    for target, why in ((other, "is a project"), (tmp_path, "is a folder")):
        for fmt in ("jsonl", "csv", "conll", "labelstudio", "doccano"):
            result = annotator("export", filled, "--format", fmt, "-o", target)
            (line,) = one_line_each(result, 1)
            assert why in line and result.returncode == 2
    assert ids(other) == []


def test_export_to_a_device_is_refused_and_the_device_stays(filled):
    result = annotator("export", filled, "-o", "/dev/full")
    (line,) = one_line_each(result, 1)
    assert "/dev/full: is not a regular file" in line and result.returncode == 2
    assert Path("/dev/full").is_char_device()


def test_an_unwritable_target_is_one_line(filled, tmp_path):
    (tmp_path / "file").write_text("x")
    result = annotator("export", filled, "-o", tmp_path / "file" / "out.jsonl")
    (line,) = one_line_each(result, 1)
    assert "cannot write" in line and result.returncode == 2


def test_a_failed_export_leaves_the_old_file_and_no_temporary(filled, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert annotator("export", filled, "-o", out).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "good"
    assert sorted(p.name for p in tmp_path.iterdir() if "part" in p.name) == []


def test_export_on_a_full_disk_is_one_line_and_leaves_nothing(filled, tmp_path):
    """A real write failure: the export runs with a file-size limit (RLIMIT_FSIZE; Python
    ignores SIGXFSZ, so write() fails with EFBIG as it fails with ENOSPC on a full disk)."""
    resource = pytest.importorskip("resource")
    big = tmp_path / "big.jsonl"
    jsonl(big, *({"id": f"b{i}", "text": f"نص رقم {i} " * 200} for i in range(40)))
    assert annotator("import", filled, big).returncode == 0
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = subprocess.run([sys.executable, "-m", "annotator", "export", str(filled), "-o",
                             str(out)], capture_output=True, text=True, preexec_fn=limit)
    (line,) = one_line_each(result, 1)
    assert f"{out}: cannot write" in line and result.returncode == 2
    assert out.read_text() == "previous export\n"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_bug_in_a_reader_is_one_line_exit_3_and_the_batch_goes_on(tmp_path, db):
    """An unexpected error inside a reader (simulated by a format module that raises) is
    reported for that file; the other files import; the exit status says the tool failed."""
    plugin = tmp_path / "plug"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(
        "from annotator import formats\n"
        "def broken(path, **kw):\n"
        "    raise KeyError('surprise')\n"
        "    yield\n"
        "formats.register('broken', broken, ['.brk'])\n")
    (tmp_path / "x.brk").write_text("whatever")
    good = jsonl(tmp_path / "good.jsonl", GOOD)
    env = {**os.environ, "PYTHONPATH": str(plugin)}
    result = subprocess.run([sys.executable, "-m", "annotator", "import", str(db),
                             str(tmp_path / "x.brk"), str(good)], capture_output=True,
                            text=True, env=env)
    lines = one_line_each(result, 2)
    assert lines[0].startswith(f"{tmp_path / 'x.brk'}: internal error while reading")
    assert result.returncode == 3 and ids(db) == ["good"]
