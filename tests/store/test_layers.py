"""Layers read back for export, and layers written over a stored one that was damaged by
hand (store/layers.py, store/bulk.py), on both backends."""
import json

from annotator.core.model import SUGGESTIONS, Layer, set_zone
from annotator.store import ImportRecord
from annotator.store.changes import AFRESH
from annotator.store.integrity import check


def test_iter_annotated_streams_layer_selection(seeded):
    seeded.edit("003_628b6a840abc538b", "gold", "rev", "z", lambda l: set_zone(l, 0, 3, "body"))
    gold = list(seeded.iter_annotated("gold"))
    assert [(d.id, [n for n, _ in ls]) for d, ls in gold] == [("003_628b6a840abc538b", ["gold"])]
    everything = list(seeded.iter_annotated("all"))
    assert len(everything) == 5
    assert isinstance(gold[0][1][0][1], Layer)


def damage_by_hand(project, doc_id: str, layer: str) -> str:
    """Reverse the first entity's span of a stored layer, behind the store's back."""
    seq = project._seq(doc_id)
    data = json.loads(project.conn.execute("SELECT data FROM layers WHERE doc = ? AND name = ?",
                                           (seq, layer)).fetchone()[0])
    first = data["entities"][0]
    first["start"], first["end"] = first["end"], first["start"]
    with project.write():
        project.conn.execute("UPDATE layers SET data = ? WHERE doc = ? AND name = ?",
                             (json.dumps(data, ensure_ascii=False), seq, layer))
    return json.dumps(data, ensure_ascii=False)


def test_writes_over_a_layer_damaged_by_hand_are_logged_afresh(seeded):
    from annotator.assist import assist_documents
    ids = seeded.document_ids()[:3]
    assist_documents(seeded, ids)
    damage_by_hand(seeded, ids[0], SUGGESTIONS)
    seeded.put_layer(ids[1], SUGGESTIONS, Layer.empty(len(seeded.get_text(ids[1]))), "test")
    replaced: list[dict] = []
    assist_documents(seeded, ids, replaced=replaced)
    assert [(r["document"], r["layer"]) for r in replaced] == [(ids[0], SUGGESTIONS)]
    assert [seeded.history(d, SUGGESTIONS)[-1].action for d in ids[:2]] == \
        ["assist" + AFRESH, "assist"]  # (ids[2] was not changed: no row)

    text = seeded.get_text(ids[2])
    entity = {"start": 0, "end": 3, "label": "PER", "text": text[:3]}
    list(seeded.import_documents([ImportRecord(seeded.get_document(ids[2]),
                                               {"ali": {"entities": [entity]}})]))
    damage_by_hand(seeded, ids[2], "ali")
    entity["label"] = "LOC"
    outcome, = seeded.import_documents([ImportRecord(seeded.get_document(ids[2]),
                                                     {"ali": {"entities": [entity]}})])
    assert outcome.state == "updated" and [name for name, _ in outcome.replaced] == ["ali"]
    assert "outside the text" in outcome.replaced[0][1]
    assert seeded.history(ids[2], "ali")[-1].action == "import" + AFRESH
    assert check(seeded) == []
