"""A standing fuzz test: seeded random mutations of a valid file of every import format, of
a project file and of a labeler's file coming back for merge, each bounded in time
(FUZZ_SECONDS, a couple of seconds). Whatever the bytes, the outcome is imported records or
one-line rejections, never an exception and never "internal error"; the project stays sound
(`annotator check`); a damaged project file gives exit 1 or 2 with one line, never a
traceback or exit 3. Seeds are fixed, so a failure repeats;
FUZZ_SEED varies them."""
import json
import os
import random
import time

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats import Rejected, read_paths
from annotator.store import Project
from annotator.store.integrity import check

SECONDS = float(os.environ.get("FUZZ_SECONDS", "2"))
SEED = int(os.environ.get("FUZZ_SEED", "10"))
TEXT = "قال غالانت 😀 إن إسرائيل ستواصل في غزة،\r\nوأكد أوستن دعم واشنطن.\nالمصدر: وكالات"


def _span(word):
    start = TEXT.index(word)
    return start, start + len(word)


def samples() -> dict[str, tuple[str, bytes]]:
    """(file name, bytes) of a valid file per format."""
    a, b = _span("غالانت")
    c, d = _span("غزة")
    jsonl = "\n".join(json.dumps(obj, ensure_ascii=False) for obj in [
        {"id": "j1", "text": TEXT, "meta": {"x": [1, 2.5, None, True]}, "layer": "gold",
         "zones": [{"start": 0, "end": len(TEXT), "label": "body"}],
         "entities": [{"start": a, "end": b, "label": "PER", "text": "غالانت"}],
         "stances": [{"holder": "author", "target": "غزة", "value": "favor",
                      "evidence": [[c, d]]}]},
        {"id": "j2", "text": "نص ثان"}]) + "\n"
    labelstudio = json.dumps([{"data": {"text": TEXT, "id": "ls1"}, "annotations": [
        {"result": [{"type": "labels", "value": {"start": a, "end": b, "text": "غالانت",
                                                "labels": ["PER"]}}]}]}], ensure_ascii=False)
    doccano = json.dumps({"id": "dc1", "text": TEXT, "label": [[c, d, "LOC"]]},
                         ensure_ascii=False) + "\n"
    conll = "-DOCSTART- O\n\nقال O\nغالانت B-PERS\nفي O\nغزة B-LOC\n. O\n\nنص O\n"
    return {"jsonl": ("a.jsonl", jsonl.encode()), "labelstudio": ("a.json", labelstudio.encode()),
            "doccano": ("a.jsonl", doccano.encode()), "conll": ("a.conll", conll.encode()),
            "txt": ("a.txt", TEXT.encode())}


HOSTILE = [b"\\ud800", b"NaN", b"-Infinity", b"1e999", b"[" * 3000, b"{" * 50, b"\x00",
           b"\xff\xfe", b"\xc3", b'"', b"\\", b"\n", b"\r", b"null", b"5", b"[]", b"{}",
           b'"\\udfff"', b"\xd8\xa7", b"\xe2\x80\xae", b"-1", b"99999999999999999999",
           b"true", b"\t", "\u202e".encode()]


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        pos = rng.randrange(len(data) + 1)
        if choice < 0.3 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.6:
            data[pos:pos] = rng.choice(HOSTILE)
        elif choice < 0.75:
            del data[pos:pos + rng.randint(1, 20)]
        elif choice < 0.9 and data:
            other = rng.randrange(len(data))
            data[pos:pos] = data[other:other + rng.randint(1, 40)]
        else:
            del data[pos:]
    return bytes(data)


@pytest.mark.parametrize("fmt", ["jsonl", "labelstudio", "doccano", "conll", "txt"])
def test_fuzzed_import_files_are_records_or_one_line_rejections(tmp_path, fmt):
    name, good = samples()[fmt]
    rng = random.Random(f"{SEED}:{fmt}")
    project = Project.create(tmp_path / "p.db")
    deadline = time.monotonic() + SECONDS
    runs = 0
    with project:
        while time.monotonic() < deadline:
            runs += 1
            path = tmp_path / f"{runs}-{name}"
            path.write_bytes(mutate(good, rng))
            items = list(read_paths([path], fmt, None, project.schema))
            for item in items:
                if isinstance(item, Rejected):
                    assert not item.internal, f"{path.read_bytes()!r}: {item.message}"
                    assert "\n" not in item.message and item.where.startswith(str(path))
            records = [i for i in items if not isinstance(i, Rejected)]
            for outcome in project.import_documents(records):
                assert "\n" not in outcome.message
            path.unlink()
        assert check(project) == []
    assert runs > 20


def test_fuzzed_project_files_give_one_line_never_a_traceback(tmp_path):
    good = tmp_path / "good.db"
    src = tmp_path / "in.jsonl"
    src.write_bytes(samples()["jsonl"][1])
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(good)]).exit_code == 0
    assert runner.invoke(main, ["import", str(good), str(src)]).exit_code == 0
    data = good.read_bytes()
    rng = random.Random(f"{SEED}:project")
    deadline = time.monotonic() + SECONDS * 2
    runs = 0
    while time.monotonic() < deadline:
        runs += 1
        path = tmp_path / f"m{runs}.db"
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            pos = rng.randrange(100, len(damaged))  # the 100-byte header stays
            damaged[pos] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        for args in (["stats"], ["export"], ["check"], ["export", "--format", "conll"]):
            result = runner.invoke(main, [args[0], str(path), *args[1:]])
            assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
            if result.exit_code:
                errors = [l for l in result.stderr.splitlines() if l.strip()]
                assert errors and "Traceback" not in result.output
                assert str(path) in errors[-1] or args == ["check"], (args, errors)
        for extra in tmp_path.glob(f"m{runs}.db*"):
            extra.unlink()
    assert runs > 5


def test_fuzzed_labeler_files_are_merged_or_refused_in_one_line(tmp_path):
    """A labeler's file coming back for merge, bytes damaged past its header: the merge takes
    it or refuses it (the file whole, or some of its documents) in one line each, never a
    traceback or exit 3, and the project stays sound."""
    from annotator.core.model import Entity, add_entity

    project = tmp_path / "p.db"
    runner = CliRunner()
    src = tmp_path / "in.jsonl"
    src.write_bytes(samples()["jsonl"][1])
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    assert runner.invoke(main, ["import", str(project), str(src)]).exit_code == 0
    assert runner.invoke(main, ["pack", str(project), "--to", str(tmp_path / "out"),
                                "--labelers", "sara"]).exit_code == 0
    (batch,) = (tmp_path / "out").glob("*.db")
    with Project.open(batch) as labeled:
        for doc in labeled.document_ids():
            labeled.edit(doc, "sara", "sara", "label", lambda l: add_entity(l, Entity(0, 3, "PER")))
            labeled.set_status(doc, "sara", "done")
    data, base = batch.read_bytes(), project.read_bytes()
    rng = random.Random(f"{SEED}:merge")
    deadline = time.monotonic() + SECONDS
    runs = 0
    while time.monotonic() < deadline:
        runs += 1
        project.write_bytes(base)
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            damaged[rng.randrange(100, len(damaged))] = rng.randrange(256)
        path = tmp_path / f"sara-{runs}.db"
        path.write_bytes(bytes(damaged))
        result = runner.invoke(main, ["merge", str(project), str(path)])
        assert result.exit_code in (0, 1, 2), (result.output, result.exception)
        assert "Traceback" not in result.output and "internal error" not in result.output
        with Project.open(project) as merged:
            assert check(merged) == [], result.output
        for extra in tmp_path.glob(f"sara-{runs}.db*"):
            extra.unlink()
    assert runs > 5
