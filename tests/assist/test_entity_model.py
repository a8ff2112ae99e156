"""The entity model learns from confirmed work: the clitic convention, rejections, precision
of propagation; it is kept in the project file, packs and merges, and a damaged one is refused
with a clear error."""
import random
import sqlite3
import subprocess
import sys

import pytest

from annotator.assist import REJECT, assist_documents, rejected_texts
from annotator.assist.entity_model import ModelError
from annotator.assist.training import (ENTITY_MODEL, load_entity_model, model_state,
                                       train_entities)
from annotator.core.model import SUGGESTIONS, Document, Entity, Layer, add_entity, remove_entity
from annotator.store import ImportRecord, Project
from annotator.store.batches import merge, pack
from annotator.store.models import load_model, model_names, save_model

from .learning_data import make_document


def confirmed_project(path, docs, labeler="alice", extra=()):
    """A project whose first documents `labeler` labeled and marked done; `extra` texts follow,
    unlabeled."""
    proj = Project.create(path)
    records = [ImportRecord(Document(f"d{i:03d}", text)) for i, (text, _s) in enumerate(docs)]
    records += [ImportRecord(Document(f"x{i:03d}", text)) for i, text in enumerate(extra)]
    list(proj.import_documents(records))
    for i, (text, spans) in enumerate(docs):
        layer = Layer.empty(len(text))
        for s, e, label in spans:
            layer = add_entity(layer, Entity(s, e, label))
        proj.put_layer(f"d{i:03d}", labeler, layer, labeler, "label")
        proj.set_status(f"d{i:03d}", labeler, "done")
    return proj


def spans_of(proj, doc_id):
    text = proj.get_text(doc_id)
    return {(text[e.start:e.end], e.label) for e in proj.get_layer(doc_id, SUGGESTIONS).entities}


@pytest.mark.parametrize("inside", [False, True])
def test_the_model_learns_the_clitic_convention_people_confirmed(tmp_path, inside):
    rng = random.Random(7)
    docs = [make_document(rng, inside=inside) for _ in range(40)]
    unseen = "وزار عمر الزين وبيروت أمس. وقال مسؤول لعمر الزين إن اللقاء في بيروت كان مثمرا."
    proj = confirmed_project(tmp_path / "p.db", docs, extra=[unseen])
    meta = train_entities(proj, cross_validate=False)
    assert meta["entities"] == sum(len(s) for _t, s in docs)
    assist_documents(proj, ["x000"], zones=False)
    found = spans_of(proj, "x000")
    if inside:
        assert ("وبيروت", "LOC") in found and ("لعمر الزين", "PER") in found
    else:
        assert ("بيروت", "LOC") in found and ("عمر الزين", "PER") in found
        assert not any(t.startswith(("وبيروت", "لعمر")) for t, _l in found)
    # Offsets are exact code points in the stored text, with tashkeel in the name too.
    text = proj.get_text("x000")
    for e in proj.get_layer("x000", SUGGESTIONS).entities:
        assert text[e.start:e.end].strip() == text[e.start:e.end]
        assert dict(e.extra)["assist"] == "model" and 0 < dict(e.extra)["confidence"] <= 1


def test_a_rejected_suggestion_does_not_come_back(tmp_path):
    rng = random.Random(3)
    docs = [make_document(rng) for _ in range(30)]
    others = ["وقال سامي النجار إن الوضع في بيروت هادئ.", "وعاد سامي النجار إلى دمشق."]
    proj = confirmed_project(tmp_path / "p.db", docs, extra=others)
    train_entities(proj, cross_validate=False)
    assist_documents(proj, ["x000", "x001"], zones=False)
    assert ("سامي النجار", "PER") in spans_of(proj, "x000")
    layer = proj.get_layer("x000", SUGGESTIONS)
    text = proj.get_text("x000")
    victim = next(e for e in layer.entities if text[e.start:e.end] == "سامي النجار")
    proj.edit("x000", SUGGESTIONS, "bob", REJECT, lambda old: remove_entity(old, victim))
    # Neither re-running assist nor retraining offers it again, here or in another document.
    assist_documents(proj, ["x000", "x001"], zones=False)
    assert ("سامي النجار", "PER") not in spans_of(proj, "x000") | spans_of(proj, "x001")
    assert ("بيروت", "LOC") in spans_of(proj, "x000")
    train_entities(proj, cross_validate=False)
    assert load_entity_model(proj).rejected_spans == {("سامي النجار", "PER")}
    assist_documents(proj, ["x000", "x001"], zones=False)
    assert ("سامي النجار", "PER") not in spans_of(proj, "x000") | spans_of(proj, "x001")
    # Undoing the reject brings it back.
    while rejected_texts(proj):
        assert proj.undo("x000", SUGGESTIONS, "bob") is not None
    assist_documents(proj, ["x001"], zones=False)
    assert ("سامي النجار", "PER") in spans_of(proj, "x001")


def test_ali_confirmed_as_a_person_is_not_suggested_on_the_preposition(tmp_path):
    rng = random.Random(5)
    people = ["علي حسن", "علي"] + [p for p in make_document.__globals__["PEOPLE"]]
    docs = [make_document(rng, people=people) for _ in range(30)]
    assert any("علي" in t[s:e] for t, spans in docs for s, e, _l in spans)
    test = "وحصل علي على جائزة. وقال علي إن العمل على المشروع مستمر، واعتمد على نفسه."
    proj = confirmed_project(tmp_path / "p.db", docs, extra=[test])
    for use_model in (False, True):
        if use_model:
            train_entities(proj, cross_validate=False)
        assist_documents(proj, ["x000"], zones=False, gazetteer=None)
        text = proj.get_text("x000")
        found = [(text[e.start:e.end], e.start) for e in
                 proj.get_layer("x000", SUGGESTIONS).entities]
        assert not any("على" in t for t, _s in found), (use_model, found)
        assert ("علي", text.index("علي")) in found, (use_model, found)


def test_names_that_are_mostly_ordinary_words_are_not_propagated(tmp_path):
    # مالي: the country once, the word "financial" many times in confirmed documents.
    docs = []
    for i in range(6):
        text = f"وقال الوزير إن هناك دعم مالي ووضع مالي مستقر، وإن عجزا مالي الطابع تراجع {i}."
        docs.append((text, []))
    text = "وزار الوفد مالي أمس."
    docs.append((text, [(text.index("مالي"), text.index("مالي") + 4, "LOC")]))
    proj = confirmed_project(tmp_path / "p.db", docs, extra=["وأعلن البنك أن الوضع مالي صعب."])
    assist_documents(proj, ["x000"], zones=False, gazetteer=None)
    assert spans_of(proj, "x000") == set()


def test_a_project_with_a_model_packs_and_merges(tmp_path):
    rng = random.Random(11)
    docs = [make_document(rng) for _ in range(20)]
    proj = confirmed_project(tmp_path / "p.db", docs, labeler="gold",
                             extra=["وقال كريم منصور إن الوضع في حلب هادئ."])
    train_entities(proj, cross_validate=False)
    stored = load_model(proj, ENTITY_MODEL)
    packed = pack(proj, tmp_path / "out", ["sara"], overlap=0)
    batch = Project.open(packed[0].path)
    assert load_model(batch, ENTITY_MODEL).data == stored.data
    assert model_state(batch) == model_state(proj)
    ids = [d for d in batch.document_ids() if d.startswith("x")]
    assert ids, batch.document_ids()
    assist_documents(batch, ids, zones=False)
    assert ("كريم منصور", "PER") in spans_of(batch, ids[0])
    batch.edit(ids[0], "sara", "sara", "label",
               lambda old: add_entity(old, Entity(5, 15, "PER")))
    batch.close()
    result = merge(proj, packed[0].path)
    assert result.taken == 1 and not result.problems
    assert load_model(proj, ENTITY_MODEL).data == stored.data
    assert proj.get_layer(ids[0], "sara").entities == (Entity(5, 15, "PER"),)


def test_a_damaged_model_is_refused_with_a_clear_error(tmp_path):
    rng = random.Random(2)
    proj = confirmed_project(tmp_path / "p.db", [make_document(rng) for _ in range(10)])
    train_entities(proj, cross_validate=False)
    stored = load_model(proj, ENTITY_MODEL)
    damaged = bytearray(stored.data)
    damaged[len(damaged) // 3] ^= 0xFF
    save_model(proj, ENTITY_MODEL, stored.kind, bytes(damaged), stored.meta)
    with pytest.raises(ModelError, match="annotator train"):
        load_entity_model(proj)
    proj.close()
    run = subprocess.run([sys.executable, "-m", "annotator", "assist", str(tmp_path / "p.db"),
                          "-q"], capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "entity model" in run.stderr


def test_train_command_and_format_1_files_are_migrated(tmp_path):
    rng = random.Random(4)
    path = tmp_path / "p.db"
    confirmed_project(path, [make_document(rng) for _ in range(12)]).close()
    run = subprocess.run([sys.executable, "-m", "annotator", "train", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("trained on ") and "cross-validated F1 " in run.stdout
    # A file of format 1 (before models existed) opens migrated, with a backup.
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE models")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Project.open(path) as proj:
        assert model_names(proj) == []
    assert (tmp_path / "p.db.format1.bak").exists()
    empty = tmp_path / "e.db"
    Project.create(empty).close()
    run = subprocess.run([sys.executable, "-m", "annotator", "train", str(empty)],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "too few confirmed entities" in run.stderr


def test_the_next_model_reads_what_the_previous_one_suggested_on_unconfirmed_documents(tmp_path):
    from annotator.assist.features import hamza_form
    from annotator.assist.training import previous_suggestions
    rng = random.Random(3)
    docs = [make_document(rng) for _ in range(20)]
    extra = ["وقال زياد برهوم إن الوضع في حمص يتحسن على نحو بطيء.",
             "وصل زياد برهوم إلى حمص أمس في زيارة رسمية."]
    proj = confirmed_project(tmp_path / "p.db", docs, extra=extra)
    train_entities(proj, cross_validate=False)
    assert load_entity_model(proj).predicted is None  # nothing suggested yet
    assist_documents(proj, ["d000", "x000", "x001"], zones=False)
    suggested = list(previous_suggestions(proj))
    assert suggested and {text for text, _s in suggested} <= set(extra)  # not confirmed ones
    train_entities(proj, cross_validate=False)
    model = load_entity_model(proj)  # read back from the project file
    assert model.predicted is not None
    for text, spans in suggested:
        for s, e, label in spans:
            first = text[s:e].split()[0]
            assert model.predicted.in_entity[hamza_form(first)][label] >= 1
    assert hamza_form("الوضع") not in model.predicted.occurrences  # only forms tagged somewhere


def test_the_model_is_stored_before_its_cross_validation(tmp_path):
    """Cross-validating is three more trainings: suggestions must not wait for it, and a
    process stopped during it keeps the model."""
    rng = random.Random(3)
    proj = confirmed_project(tmp_path / "p.db", [make_document(rng) for _ in range(12)])
    seen = {}

    def progress(message):
        if message == "cross-validating":
            stored = load_model(proj, ENTITY_MODEL)
            seen["stored"] = stored is not None and "cv_f1" not in stored.meta
    meta = train_entities(proj, cross_validate=True, progress=progress)
    assert seen == {"stored": True}
    stored = load_model(proj, ENTITY_MODEL)
    assert stored.meta["cv_f1"] == meta["cv_f1"] is not None
    assert model_state(proj).startswith(f"trained on {meta['entities']} entities, "
                                        f"cross-validated F1 {meta['cv_f1']:.2f}")


def test_training_leaves_damaged_confirmed_layers_out_and_names_them(tmp_path):
    """A labeler's confirmed layer edited by hand or damaged (a reversed span, a missing
    field) is not learned from: the model is trained on the rest, each such layer is named in
    one line, exit 1, and the damaged layers are left as they are."""
    from tests.review.test_damaged_layers import damage, stored

    rng = random.Random(4)
    path = tmp_path / "p.db"
    proj = confirmed_project(path, [make_document(rng) for _ in range(12)])
    length = len(proj.get_text("d003"))
    proj.close()
    damage(path, "d003", "alice", '{"entities": [{"start": 9, "end": 3, "label": "PER"}]}')
    damage(path, "d007", "alice", '{"entities": [{"start": 1, "label": "PER"}]}')
    run = subprocess.run([sys.executable, "-m", "annotator", "train", str(path), "--no-cv"],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines()[-2:] == [
        f"annotator: {path}: document 'd003', layer 'alice': entity [9, 3) is outside the "
        f"text (length {length}) or empty; left out of training",
        f"annotator: {path}: document 'd007', layer 'alice': annotation is missing the field "
        "'end'; left out of training"]
    assert "Traceback" not in run.stderr
    with Project.open(path) as proj:
        assert load_model(proj, ENTITY_MODEL).meta["documents"] == 10
    assert stored(path, "d007", "alice") == '{"entities": [{"start": 1, "label": "PER"}]}'
