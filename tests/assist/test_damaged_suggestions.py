"""A suggestions layer damaged in the project file (edited by hand) so that it cannot be read
as a layer is left as it is by `annotator assist`, in this process and in the worker
processes alike, and named in one line; the other documents get their suggestions. Damage
only in the zones and entities assist replaces anyway (it does not read them) is replaced by
fresh suggestions: machine output, nothing a person made. `annotator stats` leaves an
unreadable layer out of its figures and says so."""
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
    assert run.stderr.splitlines()[-2:] == [
        f"suggested zones and entities for {len(ids) - 1} documents (layer suggestions)",
        f"annotator: {path}: document {ids[1]!r}, layer 'suggestions': not a layer object; "
        "left out of assist (kept as it is)"]
    assert "Traceback" not in run.stderr
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
