"""Agreement, the review queue and the review session on a project file whose stored layers
were damaged or edited by hand (written here with sqlite3 directly, as such a file would be):
one line per damaged layer naming the file, document, layer and what is wrong; the figures of
the rest; exit status 1; never a traceback."""
from __future__ import annotations

import json
import math
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main as cli
from annotator.core import agreement as ag
from annotator.session.review import ReviewSession
from annotator.store import Project
from annotator.store.tallies import project_agreement


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def labeled_path(labeled):
    """The labeled project (seeds and an emoji/CRLF document, labelers a and b), closed."""
    path, ids = labeled.path, labeled.document_ids()
    labeled.close()
    return path, ids


def stored(path, doc_id: str, layer: str) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT l.data FROM layers l JOIN documents d ON d.seq = l.doc "
                            "WHERE d.id = ? AND l.name = ?", (doc_id, layer)).fetchone()[0]


def damage(path, doc_id: str, layer: str, data) -> None:
    """Overwrite one stored layer behind the store's back (no change-log row)."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE layers SET data = ? WHERE name = ? AND doc = "
                     "(SELECT seq FROM documents WHERE id = ?)", (data, layer, doc_id))
    conn.close()


def figures_without(path, left_out: str) -> dict:
    """Entities, zones and stance figures computed from the sound layers, `left_out`'s
    document not compared (both labelers' layers are needed)."""
    with Project.open(path) as project:
        documents = []
        for doc_id in project.document_ids():
            if doc_id == left_out:
                continue
            text = project.get_text(doc_id)
            documents.append((doc_id, text, {n: ag.marks(project.get_layer(doc_id, n), text)
                                             for n in ("a", "b")}))
    report = ag.compute(documents, ["a", "b"], per_document=False)
    return {k: report[k] for k in ("documents_compared", "entities", "zones", "stance")}


def as_dict(data: str) -> dict:
    return json.loads(data)


def _entity_without_label(v):
    del v["entities"][0]["label"]


def _zone_without_end(v):
    del v["zones"][0]["end"]


def _reversed_entity(v):
    e = v["entities"][0]
    e["start"], e["end"] = e["end"], e["start"]
    del e["text"]


def _entity_past_end(v, length):
    e = v["entities"][-1]
    e["start"], e["end"] = length - 1, length + 100
    del e["text"]


def _label_not_in_schema(v):
    v["entities"][0]["label"] = "WEAPON"


def _string_numbers(v):
    v["zones"][0]["start"] = "0"


def _huge_offset(v):
    v["zones"][-1]["end"] = 10 ** 30


def _overlapping_zones(v):
    v["zones"][1]["start"] -= 3


def _stance_without_value(v):
    del v["stances"][0]["value"]


def _stance_holder_not_an_entity(v):
    v["stances"][0]["holder"] = {"start": 0, "end": 1}


def _nan_offset(v):
    v["entities"][0]["start"] = math.nan


def _canonical_not_text(v):
    # A stance on the entity keys its party by the canonical name: a number made agree and
    # review-queue fail with an internal error (TypeError).
    v["entities"][0]["canonical"] = 5
    v["stances"][0]["holder"] = {"start": v["entities"][0]["start"],
                                 "end": v["entities"][0]["end"]}


# (what is done to labeler b's layer of the first seed, the problem named), the text's length
# filled in where the message shows it.
DAMAGES = [
    (_entity_without_label, "annotation is missing the field 'label'"),
    (_zone_without_end, "annotation is missing the field 'end'"),
    (_reversed_entity, "entity [{end}, {start}) is outside the text (length {length}) or empty"),
    (_entity_past_end, "entity [{last}, {past}) is outside the text (length {length}) or empty"),
    (_label_not_in_schema, "entity label 'WEAPON' is not in the schema (PER, ORG, LOC, MISC)"),
    (_string_numbers, "zone start is not an integer: '0'"),
    (_huge_offset, "zones do not tile the text: they end at "
                   "1000000000000000000000000000000, the text at {length}"),
    (_overlapping_zones, "zones do not tile the text: overlap at offset {cut}"),
    (_stance_without_value, "annotation is missing the field 'value'"),
    (_stance_holder_not_an_entity, "stance holder [0, 1) is not an entity of the layer"),
    (_nan_offset, "entity start is not an integer: nan"),
    (_canonical_not_text, "entity canonical name is not text: 5"),
]


@pytest.mark.parametrize("change, problem", DAMAGES, ids=[d[0].__name__[1:] for d in DAMAGES])
def test_agree_leaves_a_damaged_layer_out_says_so_and_gives_the_figures_of_the_rest(
        labeled_path, change, problem):
    path, ids = labeled_path
    doc = ids[0]
    expected = figures_without(path, doc)
    value = as_dict(stored(path, doc, "b"))
    with Project.open(path) as project:
        length = len(project.get_text(doc))
    first = value["entities"][0]
    details = {"start": first["start"], "end": first["end"], "length": length,
               "last": length - 1, "past": length + 100, "cut": value["zones"][1]["start"] - 3}
    if change is _entity_past_end:
        change(value, length)
    else:
        change(value)
    damage(path, doc, "b", json.dumps(value, ensure_ascii=False))

    result = run("agree", path, "--json")
    line = (f"annotator: {path}: document {doc!r}, layer 'b': {problem.format(**details)}; "
            "left out of agreement")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [line]
    report = json.loads(result.stdout)
    assert {k: report[k] for k in expected} == expected
    assert doc not in report["documents"] and len(report["documents"]) == len(ids) - 1
    assert report["damaged"] == [{"document": doc, "layer": "b",
                                  "problem": problem.format(**details)}]


@pytest.mark.parametrize("data, problem", [
    ("{not json", "not JSON (Expecting property name enclosed in double quotes: line 1 "
                  "column 2 (char 1))"),
    ("[1, 2]", "not a layer object"),
    ("NaN", "not a layer object"),
    (7, "not a layer object"),
], ids=["not-json", "list", "nan", "number"])
def test_agree_on_a_layer_that_is_not_a_layer_object(labeled_path, data, problem):
    path, ids = labeled_path
    expected = figures_without(path, ids[2])
    damage(path, ids[2], "a", data)
    result = run("agree", path)  # the text report
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"annotator: {path}: document {ids[2]!r}, layer 'a': {problem}; left out of agreement"]
    assert result.stdout.startswith(f"{expected['documents_compared']} documents compared")


def test_a_layer_without_entities_is_a_sound_layer_without_entities(labeled_path):
    """The JSONL format says a missing list is an empty one (merge takes such a layer): the
    document is compared, with no entities from that labeler, and nothing is said."""
    path, ids = labeled_path
    value = as_dict(stored(path, ids[1], "b"))
    del value["entities"], value["stances"]
    damage(path, ids[1], "b", json.dumps(value, ensure_ascii=False))
    result = run("agree", path, "--json")
    assert result.exit_code == 0 and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["damaged"] == [] and report["documents_compared"] == len(ids)
    assert report["documents"][ids[1]]["pairs"]["a|b"]["entities"]["exact_f1"] == 0.0


def test_damage_is_said_on_every_run_until_the_layer_is_repaired(labeled_path):
    """The counts are kept between runs; a document with a damaged layer is read again each
    time (a hand edit leaves no change-log row), so the message never goes silent, and the
    figures come back whole once it is repaired."""
    path, ids = labeled_path
    good = stored(path, ids[3], "a")
    expected = figures_without(path, ids[3])
    with Project.open(path) as project:
        whole = json.loads(json.dumps(project_agreement(project, keep_tallies=False)))
    damage(path, ids[3], "a", good.replace('"label":"PER"', '"label":"PERSON"', 1))
    for _run in range(2):
        result = run("agree", path, "--json", "--summary")
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"annotator: {path}: document {ids[3]!r}, layer 'a': entity label 'PERSON' is not "
            "in the schema (PER, ORG, LOC, MISC); left out of agreement"]
        report = json.loads(result.stdout)
        assert {k: report[k] for k in expected} == expected
    damage(path, ids[3], "a", good)
    result = run("agree", path, "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == whole


def test_kept_counts_that_do_not_read_back_are_computed_again(labeled_path):
    path, _ids = labeled_path
    whole = json.loads(run("agree", path, "--json").stdout)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE agreement_tallies SET tally = '{\"pairs\": 3}'")
        conn.execute("UPDATE project SET value = '[]' WHERE key LIKE 'setting:agreement-tallies:%'")
    conn.close()
    result = run("agree", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == whole


def test_worker_processes_name_the_damaged_layers_too(labeled_path):
    path, ids = labeled_path
    damage(path, ids[0], "b", "[]")
    damage(path, ids[4], "a", "{}{")
    with Project.open(path) as project:
        alone = project_agreement(project, ["a", "b"], keep_tallies=False, workers=1)
        spread = project_agreement(project, ["a", "b"], keep_tallies=False, workers=2)
    assert spread == alone
    assert [(d["document"], d["layer"]) for d in alone["damaged"]] == [(ids[0], "b"), (ids[4], "a")]
    assert alone["documents_compared"] == len(ids) - 2


def test_review_queue_and_session_on_a_damaged_layer(labeled_path):
    path, ids = labeled_path
    value = as_dict(stored(path, ids[0], "b"))
    value["zones"][0]["end"] = value["zones"][0]["start"]
    damage(path, ids[0], "b", json.dumps(value))
    result = run("review-queue", path)
    assert result.exit_code == 1
    problem = "zone [0, 0) is empty or reversed"
    assert result.stderr.splitlines()[-1] == (
        f"annotator: {path}: document {ids[0]!r}, layer 'b': {problem}; left out of the "
        "review queue")
    assert ids[0] not in result.stdout and ids[1] in result.stdout
    with Project.open(path) as project:
        session = ReviewSession(project, "rev")
        session.open_document(ids[0])  # opened from elsewhere (search, a link): no error
        assert session.damaged == {"b": problem}
        assert list(session.layers) == ["a"] and session.disagreements == []


def test_review_window_opens_a_document_with_a_damaged_layer_and_says_so(labeled_path, qtbot,
                                                                         english_ui):
    from annotator.gui.review import open_review

    path, ids = labeled_path
    damage(path, ids[1], "a", '{"zones": [{"start": 0}]}')
    window = open_review(path, "rev")
    qtbot.addWidget(window)
    assert ids[1] not in window.queue_ids() and ids[0] in window.queue_ids()
    window.show_document(ids[1])
    assert window.statusBar().currentMessage() == (
        "Damaged, left out (annotator check lists every problem): \u2066a\u2069: annotation "
        "is missing the field 'end'")
    assert not window.labeler_views["a"].isEnabled() and window.labeler_views["b"].isEnabled()


def test_copy_and_pack_never_carry_kept_counts(labeled_path, tmp_path):
    """The kept per-document counts are keyed by the file's own document numbers: a copy or
    a labeler's batch computes them again (none of the table, the sums or a run's token
    travels), and its figures are those of its own layers."""
    path, ids = labeled_path
    original = json.loads(run("agree", path, "--json").stdout)
    with sqlite3.connect(path) as conn:  # as a run still keeping its counts leaves it
        conn.execute("INSERT INTO project (key, value) VALUES "
                     "('setting:agreement-tallies-run:[2,[\"a\",\"b\"],5]', 'token')")
    conn.close()
    copied = tmp_path / "copy.db"
    assert run("copy", path, copied).exit_code == 0
    assert run("pack", path, "--to", tmp_path / "out", "--labelers", "a,b",
               "--overlap", "1").exit_code == 0
    for other in (copied, tmp_path / "out" / "seeded.a.db"):
        with sqlite3.connect(other) as conn:
            assert conn.execute("SELECT key FROM project WHERE key LIKE "
                                "'setting:agreement-tallies%'").fetchall() == []
            assert conn.execute("SELECT name FROM sqlite_master WHERE name = "
                                "'agreement_tallies'").fetchall() == []
        conn.close()
    assert json.loads(run("agree", copied, "--json").stdout) == original
    batch = run("agree", tmp_path / "out" / "seeded.a.db", "--json")  # a's layers alone
    assert batch.exit_code == 0 and json.loads(batch.stdout)["documents_compared"] == 0
