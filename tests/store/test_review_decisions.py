"""The review decisions API keeps the format review windows always wrote (a project setting
"review:<doc>" holding JSON), and batches never copy it."""
from __future__ import annotations

import json

from annotator.store import Project
from annotator.store.review_decisions import get_decisions, put_decisions, record_decisions


def test_round_trip_and_the_old_format(project):
    assert get_decisions(project, "doc") == {}
    record_decisions(project, "doc", {"entity:3-9": [[3, 9, "PER"]]})
    decisions = record_decisions(project, "doc", {"stance:author→حماس": "against"})
    assert decisions == {"entity:3-9": [[3, 9, "PER"]], "stance:author→حماس": "against"}
    assert json.loads(project.get_setting("review:doc")) == decisions  # the stored format
    project.set_setting("review:old", json.dumps({"zone:0-5": [[0, 5, "body"]]}))
    assert get_decisions(project, "old") == {"zone:0-5": [[0, 5, "body"]]}
    put_decisions(project, "doc", {})
    assert get_decisions(project, "doc") == {}


def test_a_damaged_setting_counts_as_no_decision(project):
    project.set_setting("review:doc", "{not json")
    assert get_decisions(project, "doc") == {}
    project.set_setting("review:doc", "[1, 2]")
    assert get_decisions(project, "doc") == {}


def test_decisions_survive_reopening(tmp_path):
    with Project.create(tmp_path / "p.db") as project:
        record_decisions(project, "doc", {"k": None})
    with Project.open(tmp_path / "p.db") as project:
        assert get_decisions(project, "doc") == {"k": None}
