"""Layers read back for export (store/layers.py)."""
from annotator.core.model import Layer, set_zone

def test_iter_annotated_streams_layer_selection(seeded):
    seeded.edit("003_628b6a840abc538b", "gold", "rev", "z", lambda l: set_zone(l, 0, 3, "body"))
    gold = list(seeded.iter_annotated("gold"))
    assert [(d.id, [n for n, _ in ls]) for d, ls in gold] == [("003_628b6a840abc538b", ["gold"])]
    everything = list(seeded.iter_annotated("all"))
    assert len(everything) == 5
    assert isinstance(gold[0][1][0][1], Layer)
