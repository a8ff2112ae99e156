"""Disagreement units and the gold layer built from them."""
from __future__ import annotations

import json
import random

from annotator.core import adjudication as adj
from annotator.core.model import (AUTHOR, Entity, EntityRef, Layer, Stance, Zone, set_zone,
                                  validate_layer)
from annotator.formats.jsonl import export_lines

TEXT = "قال يوآف غالانت في واشنطن إن حماس رفضت 😀 المقترح.\nالمصدر: وكالات\nإقرأ أيضاً"


def _layer(entities=(), zones=None, stances=()):
    layer = Layer.empty(len(TEXT))
    for start, end, label in zones or ():
        layer = set_zone(layer, start, end, label)
    return Layer(layer.zones, tuple(sorted(Entity(*e) for e in entities)), tuple(stances))


def _find(word, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = TEXT.index(word, at + 1)
    return at, at + len(word)


GALANT = _find("يوآف غالانت")
GALANT_SHORT = _find("غالانت")
WASHINGTON = _find("واشنطن")
HAMAS = _find("حماس")
SOURCE = TEXT.index("المصدر")
MORE = TEXT.index("إقرأ")


def test_entity_units_cluster_overlapping_spans_across_labelers():
    a = _layer([(*GALANT, "PER"), (*WASHINGTON, "LOC"), (*HAMAS, "ORG")])
    b = _layer([(*GALANT_SHORT, "PER"), (*WASHINGTON, "LOC")])
    c = _layer([(GALANT[0], GALANT_SHORT[0] + 2, "PER"), (*WASHINGTON, "ORG"), (*HAMAS, "ORG")])
    units = [u for u in adj.units(TEXT, {"a": a, "b": b, "c": c}) if u.kind == adj.ENTITY]
    assert [(u.start, u.end) for u in units] == [GALANT, WASHINGTON, HAMAS]
    galant, washington, hamas = units
    assert galant.version("b") == (Entity(*GALANT_SHORT, "PER"),)
    assert not galant.agreed and not washington.agreed and not hamas.agreed
    assert hamas.version("b") == ()
    assert hamas.labelers_with((Entity(*HAMAS, "ORG"),)) == ["a", "c"]
    agreed = adj.units(TEXT, {"a": a, "b": a})
    assert all(u.agreed for u in agreed) and not adj.disagreements(TEXT, {"a": a, "b": a})


def test_zone_units_group_nearby_boundaries_and_different_labels():
    a = _layer(zones=[(0, SOURCE, "body"), (SOURCE, MORE, "source"),
                      (MORE, len(TEXT), "boilerplate")])
    b = _layer(zones=[(0, SOURCE - 3, "body"), (SOURCE - 3, MORE, "source"),
                      (MORE, len(TEXT), "source")])
    zones = [u for u in adj.units(TEXT, {"a": a, "b": b}) if u.kind == adj.ZONE]
    disagreeing = [u for u in zones if not u.agreed]
    assert [(u.start, u.end) for u in disagreeing] == [(SOURCE - 3, SOURCE), (MORE, len(TEXT))]
    assert disagreeing[0].version("a") == (Zone(SOURCE - 3, SOURCE, "body"),)
    assert disagreeing[0].version("b") == (Zone(SOURCE - 3, SOURCE, "source"),)
    assert all(u.agreed for u in zones if u not in disagreeing)


def test_stance_units_are_holder_target_keys():
    a = _layer([(*GALANT, "PER")], stances=[Stance(EntityRef(*GALANT), "حماس", "against"),
                                            Stance(AUTHOR, "إسرائيل", "neutral")])
    b = _layer([(*GALANT, "PER")], stances=[Stance(EntityRef(*GALANT), "حماس", "favor")])
    stance = [u for u in adj.units(TEXT, {"a": a, "b": b}) if u.kind == adj.STANCE]
    assert [u.stance_key for u in stance] == [("author", "اسراييل"), ("يواف غالانت", "حماس")]
    assert stance[0].version("b") is None and not stance[0].agreed
    assert stance[1].version("a").value == "against" and not stance[1].agreed
    same = _layer([(*GALANT, "PER")], stances=[Stance(EntityRef(*GALANT), "حماس", "against",
                                                      evidence=((0, 3),))])
    assert [u.agreed for u in adj.units(TEXT, {"a": a, "b": same}) if u.kind == adj.STANCE] \
        == [False, True]  # evidence aside, the same value is agreement


def test_accepting_a_version_records_sources_and_who_decided():
    a = _layer([(*GALANT, "PER"), (*HAMAS, "ORG")])
    b = _layer([(*GALANT_SHORT, "PER")])
    c = _layer([(*GALANT, "PER")])
    layers = {"a": a, "b": b, "c": c}
    units = adj.disagreements(TEXT, layers)
    gold = Layer.empty(len(TEXT))
    galant = units[0]
    gold = adj.accept(gold, galant, "a", "rev", TEXT, layers)
    (entity,) = gold.entities
    assert entity == Entity(*GALANT, "PER")
    assert dict(entity.extra) == {"sources": ["a", "c"], "decided_by": "rev"}
    assert adj.gold_version(galant, gold, TEXT) == galant.version("a")
    gold = adj.accept(gold, galant, "b", "rev2", TEXT, layers)  # change of mind
    assert gold.entities == (Entity(*GALANT_SHORT, "PER"),)
    assert dict(gold.entities[0].extra) == {"sources": ["b"], "decided_by": "rev2"}
    hamas = units[1]
    gold = adj.accept(gold, hamas, "b", "rev", TEXT, layers)  # b had nothing there
    assert adj.gold_version(hamas, gold, TEXT) == ()
    validate_layer(gold, len(TEXT))


def test_accept_agreed_takes_what_all_agree_on_and_leaves_gold_decisions_alone():
    zones = [(0, SOURCE, "body"), (SOURCE, MORE, "source"), (MORE, len(TEXT), "boilerplate")]
    a = _layer([(*GALANT, "PER"), (*WASHINGTON, "LOC"), (*HAMAS, "ORG")], zones,
               [Stance(EntityRef(*GALANT), "حماس", "against"), Stance(AUTHOR, "x", "favor")])
    b = _layer([(*GALANT, "PER"), (*WASHINGTON, "ORG"), (*HAMAS, "ORG")], zones,
               [Stance(EntityRef(*GALANT), "حماس", "against"), Stance(AUTHOR, "x", "neutral")])
    layers = {"a": a, "b": b}
    units = adj.units(TEXT, layers)
    gold = adj.accept_agreed(Layer.empty(len(TEXT)), units, "rev", TEXT, layers)
    validate_layer(gold, len(TEXT))
    assert gold.entities == (Entity(*GALANT, "PER"), Entity(*HAMAS, "ORG"))
    assert all(dict(e.extra) == {"sources": ["a", "b"], "decided_by": "rev"}
               for e in gold.entities)
    assert gold.zones == a.zones
    assert [(s.value, dict(s.extra)["sources"]) for s in gold.stances] == [("against", ["a", "b"])]
    # a reviewer's own decision on an agreed unit survives a second "accept agreed"
    gold = adj.replace_entities(gold, *HAMAS, [Entity(*HAMAS, "LOC")], TEXT)
    again = adj.accept_agreed(gold, units, "rev", TEXT, layers)
    assert Entity(*HAMAS, "LOC") in again.entities and Entity(*HAMAS, "ORG") not in again.entities


def test_a_stance_keeps_its_holder_when_the_entity_version_changes():
    short_stance = Stance(EntityRef(*GALANT_SHORT), "حماس", "favor")
    a = _layer([(*GALANT, "PER")], stances=[Stance(EntityRef(*GALANT), "حماس", "against")])
    b = _layer([(*GALANT_SHORT, "PER")], stances=[short_stance])
    layers = {"a": a, "b": b}
    units = adj.disagreements(TEXT, layers)
    entity = next(u for u in units if u.kind == adj.ENTITY)
    # holders are compared by name: "يوآف غالانت" and "غالانت" are two stance units
    short, full = [u for u in units if u.kind == adj.STANCE]
    assert short.stance_key == ("غالانت", "حماس") and full.stance_key == ("يواف غالانت", "حماس")
    assert short.version("a") is None and full.version("b") is None
    # stance first: its holder entity comes along from b's layer
    gold = adj.accept(Layer.empty(len(TEXT)), short, "b", "rev", TEXT, layers)
    assert gold.entities == (Entity(*GALANT_SHORT, "PER"),)
    assert gold.stances[0].holder == EntityRef(*GALANT_SHORT)
    # then a's longer span wins the entity unit; the stance's holder is no longer in gold
    # under that name, so the stance goes (as when an entity is removed)
    gold = adj.accept(gold, entity, "a", "rev", TEXT, layers)
    validate_layer(gold, len(TEXT))
    assert gold.entities == (Entity(*GALANT, "PER"),) and gold.stances == ()
    gold = adj.accept(gold, full, "a", "rev", TEXT, layers)
    assert gold.stances[0].holder == EntityRef(*GALANT)
    assert adj.gold_version(full, gold, TEXT).value == "against"
    # a canonical name makes two mentions one party: the stance moves to the kept entity
    named_a = Layer(a.zones, (Entity(*GALANT, "PER", canonical="Gallant"),), ())
    named_b = Layer(b.zones, (Entity(*GALANT_SHORT, "PER", canonical="Gallant"),),
                    (short_stance,))
    gold = adj.replace_entities(Layer(b.zones, named_b.entities, (short_stance,)), *GALANT,
                                list(named_a.entities), TEXT)
    assert gold.stances[0].holder == EntityRef(*GALANT)
    # a labeler without the stance: accepting that removes gold's
    gold = adj.accept(adj.accept(Layer.empty(len(TEXT)), full, "a", "rev", TEXT, layers),
                      full, "b", "rev", TEXT, layers)
    assert gold.stances == ()


def test_every_disagreement_of_the_seeds_can_be_decided(labeled):
    rng = random.Random(0)
    total = 0
    for doc in labeled.iter_documents():
        layers = {n: labeled.get_layer(doc.id, n) for n in ("a", "b")}
        units = adj.units(doc.text, layers)
        open_units = [u for u in units if not u.agreed]
        total += len(open_units)
        gold = adj.accept_agreed(Layer.empty(len(doc.text)), units, "rev", doc.text, layers)
        choices = {}
        for unit in open_units:
            choices[unit.key] = rng.choice(unit.labelers)
            gold = adj.accept(gold, unit, choices[unit.key], "rev", doc.text, layers)
        validate_layer(gold, len(doc.text), labeled.schema)
        for unit in units:
            # entity and zone decisions never undo one another (units do not overlap)
            if unit.kind != adj.STANCE:
                want = unit.version(choices.get(unit.key, unit.labelers[0]))
                assert adj.gold_version(unit, gold, doc.text) == want, unit.key
        labeled.put_layer(doc.id, "gold", gold, "rev", "review")
    assert total > 50
    lines = [json.loads(x) for x in export_lines(labeled, "gold")]
    assert len(lines) == labeled.count_documents()
    assert all(e["decided_by"] == "rev" and set(e["sources"]) <= {"a", "b"}
               for line in lines for e in line["entities"])


def test_review_queue_puts_the_most_disagreement_first(labeled):
    queue = adj.review_queue(labeled, reviewer="rev")
    counts = [n for _d, n, _s in queue]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert {d for d, _n, _s in queue} == set(labeled.document_ids())
    first = queue[0][0]
    labeled.set_status(first, "rev", "reviewed")
    again = dict((d, s) for d, _n, s in adj.review_queue(labeled, reviewer="rev"))
    assert again[first] == "reviewed"
    only_one = adj.review_queue(labeled, labelers=["a"])
    assert only_one == []  # a document with one labeler has nothing to compare
