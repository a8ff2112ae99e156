"""A suggestions layer damaged in the project file (edited by hand) so that it cannot be read
as a layer is left as it is by `annotator assist`, in this process and in the worker
processes alike, and named in one line; the other documents get their suggestions. Damage
only in the zones and entities assist replaces anyway (it does not read them) is replaced by
fresh suggestions: machine output, nothing a person made; said in one line, exit 0, and the
change-log row ends with AFRESH, so `annotator check` does not report its before-state.
`annotator stats` leaves an unreadable layer out of its figures and says so."""
import json
import subprocess
import sys

import pytest

from annotator.assist import assist_documents
from annotator.core.model import SUGGESTIONS, Layer
from annotator.store import Project

from tests.projects import import_files
from tests.review.test_damaged_layers import damage, stored


@pytest.fixture
def damaged_path(tmp_path, seed_dir):
    path = tmp_path / "p.db"
    with Project.create(path) as proj:
        import_files(proj, [seed_dir])
        assist_documents(proj)
        ids = proj.document_ids()
    damage(path, ids[1], SUGGESTIONS, "[1, 2]")
    damage(path, ids[3], SUGGESTIONS, '{"entities": [{"start": 4, "label": "PER"}]}')
    return path, ids


def annotator(*args):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)],
                          capture_output=True, text=True)


def test_assist_leaves_a_damaged_suggestions_layer_as_it_is_and_names_it(damaged_path):
    path, ids = damaged_path
    with Project.open(path) as proj:  # the others are suggested afresh
        for doc_id in (ids[0], ids[2], ids[4]):
            proj.put_layer(doc_id, SUGGESTIONS, Layer.empty(len(proj.get_text(doc_id))),
                           "test")
    run = annotator("assist", path)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines()[-3:] == [
        f"annotator: {path}: document {ids[3]!r}, layer 'suggestions' was damaged (annotation "
        "is missing the field 'end'); replaced by fresh suggestions",
        f"suggested zones and entities for {len(ids) - 1} documents (layer suggestions)",
        f"annotator: {path}: document {ids[1]!r}, layer 'suggestions': not a layer object; "
        "left out of assist (kept as it is)"]
    assert "Traceback" not in run.stderr
    # What is left to report is the layer left as it is, not the one replaced (whose damaged
    # text the change log keeps on purpose).
    assert annotator("check", path).stderr.splitlines() == [
        f"{path}: document {ids[1]!r}, layer 'suggestions': not a layer object"]
    assert stored(path, ids[1], SUGGESTIONS) == "[1, 2]"
    with Project.open(path) as proj:
        for doc_id in (ids[0], ids[2], ids[3], ids[4]):
            assert proj.checked_layer(doc_id, SUGGESTIONS).entities


def test_worker_processes_leave_it_too(damaged_path, monkeypatch):
    from annotator.assist import workers
    path, ids = damaged_path
    monkeypatch.setattr(workers, "WORK_PIECE", 2)
    damaged: list[dict] = []
    with Project.open(path) as proj:
        assert assist_documents(proj, workers=2, damaged=damaged) == len(ids)
    assert [(d["document"], d["problem"]) for d in damaged] == [(ids[1], "not a layer object")]
    assert stored(path, ids[1], SUGGESTIONS) == "[1, 2]"


def test_stats_leaves_a_damaged_layer_out_of_its_figures(damaged_path):
    path, ids = damaged_path
    run = annotator("stats", path, "--json")
    assert run.returncode == 1
    figures = json.loads(run.stdout)
    assert figures["layers"][SUGGESTIONS]["documents"] == len(ids) - 1
    assert [d["document"] for d in figures["damaged"]] == [ids[1]]
    assert run.stderr.splitlines()[0] == (
        f"annotator: {path}: document {ids[1]!r}, layer 'suggestions': not a layer object; "
        "left out of the figures")
    assert "Traceback" not in run.stderr


# -- damage only in what assist replaces: replaced, said, logged as kept on purpose ----------

def reversed_first_entity(data: str) -> str:
    layer = json.loads(data)
    first = layer["entities"][0]
    first["start"], first["end"] = first["end"], first["start"]
    return json.dumps(layer, ensure_ascii=False)


def label_outside_the_schema(data: str) -> str:
    layer = json.loads(data)
    layer["entities"][-1]["label"] = "WEAPON"
    return json.dumps(layer, ensure_ascii=False)


@pytest.fixture
def replaceable_path(tmp_path, seed_dir):
    """Assisted seeds, every suggestions layer emptied (so assist replaces each one), then two
    of them damaged by hand in their entities only: one span reversed, one label outside the
    schema. Returns the path, the ids, {id: the damaged JSON}."""
    path = tmp_path / "p.db"
    with Project.create(path) as proj:
        import_files(proj, [seed_dir])
        assist_documents(proj)
        ids = proj.document_ids()
        sound = {d: stored(path, d, SUGGESTIONS) for d in ids}
        for doc_id in ids:
            proj.put_layer(doc_id, SUGGESTIONS, Layer.empty(len(proj.get_text(doc_id))), "test")
    damaged = {ids[1]: reversed_first_entity(sound[ids[1]]),
               ids[3]: label_outside_the_schema(sound[ids[3]])}
    for doc_id, data in damaged.items():
        damage(path, doc_id, SUGGESTIONS, data)
    return path, ids, damaged


def last_changes(path, ids) -> dict[str, tuple[str, str]]:
    """id -> (action, before) of the last change-log row of each document's suggestions."""
    with Project.open(path) as proj:
        return {d: (c.action, c.before) for d in ids
                for c in proj.history(d, SUGGESTIONS)[-1:]}


def assert_replaced_afresh(path, ids, damaged):
    from annotator.store.integrity import check
    from annotator.store.layers import AFRESH
    changes = last_changes(path, ids)
    for doc_id in ids:
        action, before = changes[doc_id]
        if doc_id in damaged:  # the damaged text kept in the log, marked as kept on purpose
            assert action == "assist" + AFRESH
            assert before == json.loads(damaged[doc_id])
        else:  # an ordinary replacement is an ordinary row
            assert action == "assist" and before["entities"] == []  # emptied, sound
    with Project.open(path) as proj:
        for doc_id in ids:
            assert proj.checked_layer(doc_id, SUGGESTIONS).entities  # fresh, and it holds
        assert check(proj) == []  # nothing reported: the file holds, the log holds


def test_assist_replaces_a_layer_damaged_only_where_it_writes_and_says_so(replaceable_path):
    from click.testing import CliRunner
    from annotator.cli import main as cli
    path, ids, damaged = replaceable_path
    reversed_entity = json.loads(damaged[ids[1]])["entities"][0]
    with Project.open(path) as proj:
        length = len(proj.get_text(ids[1]))
    result = CliRunner().invoke(cli, ["assist", str(path)])
    assert result.exit_code == 0, result.output  # a repair: fresh suggestions, nothing lost
    lines = result.stderr.splitlines()
    assert lines == [
        f"annotator: {path}: document {ids[1]!r}, layer 'suggestions' was damaged (entity "
        f"[{reversed_entity['start']}, {reversed_entity['end']}) is outside the text "
        f"(length {length}) or empty); replaced by fresh suggestions",
        f"annotator: {path}: document {ids[3]!r}, layer 'suggestions' was damaged (entity "
        "label 'WEAPON' is not in the schema (PER, ORG, LOC, MISC)); replaced by fresh "
        "suggestions",
        f"suggested zones and entities for {len(ids)} documents (layer suggestions)"]
    assert_replaced_afresh(path, ids, damaged)
    checked = CliRunner().invoke(cli, ["check", str(path)])
    assert checked.exit_code == 0 and checked.stderr == "", checked.stderr


def test_worker_processes_replace_it_and_log_it_the_same(replaceable_path, monkeypatch):
    from annotator.assist import workers
    path, ids, damaged = replaceable_path
    monkeypatch.setattr(workers, "WORK_PIECE", 2)
    replaced: list[dict] = []
    left: list[dict] = []
    with Project.open(path) as proj:
        assert workers.worker_count(proj, ids, 2) == 2
        assert assist_documents(proj, workers=2, damaged=left, replaced=replaced) == len(ids)
    assert left == []
    assert [(d["document"], d["layer"]) for d in replaced] == [
        (ids[1], SUGGESTIONS), (ids[3], SUGGESTIONS)]
    assert "outside the text" in replaced[0]["problem"]
    assert "'WEAPON' is not in the schema" in replaced[1]["problem"]
    assert_replaced_afresh(path, ids, damaged)


def test_a_sound_layer_edited_by_hand_is_replaced_as_any_other(replaceable_path):
    """A layer no change-log row wrote is checked (damaged_before); sound, its row is ordinary."""
    path, ids, damaged = replaceable_path
    sound = json.loads(damaged[ids[1]])
    sound["entities"] = sound["entities"][1:]  # the reversed one taken out: it holds
    damage(path, ids[1], SUGGESTIONS, json.dumps(sound, ensure_ascii=False))
    result = annotator("assist", path)
    assert result.returncode == 0 and len(result.stderr.splitlines()) == 2, result.stderr
    changes = last_changes(path, ids)
    assert changes[ids[1]] == ("assist", sound)
    assert changes[ids[3]][0] == "assist-afresh"
