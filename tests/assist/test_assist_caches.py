"""What bulk assist remembers gives what it would compute afresh: the entity model's lines
(and what they claim for their document), the zone model's pieces, the rules' lines, the
attributes left out of what CRFsuite is given, the recurring-line counts, the layer JSON.
On text with emoji, tashkeel, CR, presentation forms and invisible marks."""
import json
import random

import pycrfsuite
import pytest

from annotator.assist import default_rules, zones
from annotator.assist.crf import kept, known_attributes, open_tagger, train_to_bytes
from annotator.assist.entities import build_index
from annotator.assist.entity_model import Doc, _xseqs, decode, train
from annotator.assist import zone_model as zone_model_module
from annotator.assist.zone_model import (PageFeatures, line_counts, line_key, head_key,
                                         piece_features, read_pieces, train_zones)
from annotator.core.model import Entity, Layer, Zone
from annotator.store.bulk import LayerRow, _encode, encode_layer, layer_json

from .learning_data import make_document
from .site_pages import SITES, site_pages

# Inserted at random places: what must not shift an offset or split a line's cache.
ODD = ["😀", "\u200f", "\u200d", "ـ", "َ", "ُّ", "ﻻ", "ﷲ", "Σ", "İ", "ß", "\r", "\t", "\ufeff",
       "٣", "  ", ".", "»"]


def sprinkled(text: str, rng: random.Random, count: int) -> str:
    chars = list(text)
    for _ in range(count):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(ODD))
    return "".join(chars)


def with_tashkeel(text: str) -> str:
    return "".join(ch + "َ" if "\u0628" <= ch <= "\u064a" and i % 3 == 0 else ch
                   for i, ch in enumerate(text))


@pytest.fixture(scope="module")
def entity_model():
    rng = random.Random(5)
    return train([Doc(*make_document(rng)) for _ in range(30)], build_index(None))


def pages(seed: int, count: int) -> list[str]:
    """Pages recombining a few dozen lines (as a site repeats its own), some of them marked."""
    rng = random.Random(seed)
    lines = [make_document(rng, sentences=rng.randint(1, 3))[0] for _ in range(30)]
    lines += ["بوتين", "التقى فلاديمير بوتين الوفد.", "وقال بوتين إن المحادثات مثمرة.",
              "سامي النجار", "وصل سامي النجار إلى بيروت.", "النجار قال ذلك أمس، وبيروت هادئة."]
    lines += [with_tashkeel(line) for line in lines[:5]]
    lines += [sprinkled(line, rng, 4) for line in lines[:8]]
    out = []
    for k in range(count):
        chosen = [rng.choice(lines) for _ in range(rng.randint(1, 9))]
        out.append("\n".join(chosen + ["", f"[{k}]", " ", ""]))
    return out


def uncached_suggest(model, text: str) -> tuple[list[tuple], int]:
    """EntityModel.suggest as it was before anything was remembered or left out: every line
    tagged with every attribute, then one sense per document over the whole text. And how
    many entities that carried to other places."""
    found = []
    at = 0
    for line in text.split("\n"):
        if line.strip():
            doc = Doc(line, ())
            tokens, to_orig = doc.tokens()
            for a, _b, xseq in _xseqs(doc, model.lexicon, model.gaz_index, model.words,
                                      model.predicted):
                tags = model._tagger.tag(xseq)
                if all(t == "O" for t in tags):
                    continue
                confidence = [model._tagger.marginal(t, k) for k, t in enumerate(tags)]
                for e in decode(tokens, to_orig, a, tags, confidence):
                    c = dict(e.extra)["confidence"]
                    if c >= model.min_confidence:
                        found.append(Entity(at + e.start, at + e.end, e.label, None,
                                            (("assist", "model"), ("confidence", c))))
        at += len(line) + 1
    sure = {}
    for e in found:
        c = dict(e.extra)["confidence"]
        surface = text[e.start:e.end]
        if c >= 0.5 and len(surface) >= 3 and surface not in sure \
                and not model._reads_as_ordinary(surface):
            sure[surface] = (e.label, c)
        words = surface.split()
        if e.label == "PER" and c >= 0.5 and len(words) >= 2:
            last = words[-1]
            if len(last) >= 3 and last not in sure and not model._reads_as_ordinary(last):
                sure[last] = (e.label, c)
    covered = bytearray(len(text))
    for e in found:
        covered[e.start:e.end] = b"\1" * (e.end - e.start)
    added = []
    for surface, (label, c) in sure.items():
        at = text.find(surface)
        while at != -1:
            end = at + len(surface)
            whole = (at == 0 or not text[at - 1].isalnum()) and \
                (end == len(text) or not text[end].isalnum())
            if whole and not any(covered[at:end]):
                added.append(Entity(at, end, label, None,
                                    (("assist", "model"), ("confidence", round(c * 0.9, 2)))))
                covered[at:end] = b"\1" * (end - at)
            at = text.find(surface, end)
    out = sorted(found + added, key=lambda e: e.start) if added else found
    return [(e.start, e.end, e.label, e.canonical, e.extra) for e in out], len(added)


def test_remembered_lines_suggest_what_the_model_finds_afresh(entity_model):
    model = entity_model
    propagated = 0
    for confidence in (0.5, 0.3, 0.8, 0.5):  # a change of threshold reaches remembered lines
        model.min_confidence = confidence
        for rep in range(2):  # lines new, then remembered
            for text in pages(11, 60):
                expected, added = uncached_suggest(model, text)
                got = model.suggest(text)
                assert [(e.start, e.end, e.label, e.canonical, e.extra) for e in got] \
                    == expected, text
                assert all(text[e.start:e.end].strip() == text[e.start:e.end] for e in got)
                propagated += added
    model.min_confidence = 0.5
    assert propagated > 0  # the pages carry names to places where they were not tagged


def test_a_forgotten_line_is_tagged_again(entity_model):
    text = pages(3, 1)[0]
    first = entity_model.suggest(text)
    entity_model._line_cache.clear()  # as bench_learning does for a new article
    assert [(e.start, e.end, e.label, e.extra) for e in entity_model.suggest(text)] == \
        [(e.start, e.end, e.label, e.extra) for e in first]


def test_attributes_the_model_does_not_know_change_no_tag_nor_marginal(entity_model):
    tagger = entity_model._tagger
    known = known_attributes(tagger)
    assert known and "bias" in known
    rng = random.Random(2)
    left_out = 0
    for text in pages(4, 20):
        for line in text.split("\n"):
            doc = Doc(line, ())
            for _a, _b, xseq in _xseqs(doc, entity_model.lexicon, entity_model.gaz_index,
                                       entity_model.words, entity_model.predicted):
                short = [kept(item, known) for item in xseq]
                left_out += sum(map(len, xseq)) - sum(map(len, short))
                tags = tagger.tag(xseq)
                marginals = [tagger.marginal(t, k) for k, t in enumerate(tags)]
                probability = tagger.probability(tags)
                assert tagger.tag(short) == tags
                # Bit for bit: the same sums in the same order.
                assert [tagger.marginal(t, k) for k, t in enumerate(tags)] == marginals
                assert tagger.probability(tags) == probability
                other = [rng.choice(list(tagger.labels())) for _ in tags]
                tagger.set(xseq)
                p = tagger.probability(other)
                tagger.set(short)
                assert tagger.probability(other) == p
    assert left_out > 0


def _trained(sequences, params=None):
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(params or {"c1": 0.0, "c2": 0.01, "max_iterations": 30})
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    return open_tagger(train_to_bytes(trainer), "test model")


def test_attribute_names_are_read_back_exactly_or_not_at_all():
    odd = ["a b", "trailing ", " leading", "x = {", "}", "1: two", "w=عربي", "ل:=",
           "tab\there", "ends with cr\r", "#", "ATTRIBUTES = {", "-1:p=.", "٣"]
    sequences = [([[name, "bias"], ["bias"]], ["A", "B"]) for name in odd]
    sequences += [([["bias"], [name]], ["B", "A"]) for name in odd]
    tagger = _trained(sequences)
    assert known_attributes(tagger) == frozenset(odd) | {"bias"}
    # A line break in an attribute cannot be read back from the dump: nothing is left out.
    broken = _trained([([["one\ntwo", "bias"], ["bias"]], ["A", "B"]),
                       ([["bias"], ["one\ntwo"]], ["B", "A"])])
    assert known_attributes(broken) is None
    assert kept(["x", "y"], None) == ["x", "y"]
    assert kept(["bias", "zzz", "a\0b"], frozenset({"bias"})) == ["bias", "a\0b"]


def site_texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [text for site in SITES for text, _z in site_pages(site, 4, seed=seed)]
    texts += [sprinkled(text, rng, 30) for text in texts[:6]]
    texts += [with_tashkeel(text) for text in texts[:3]]
    texts += ["", "\n", "\n\n", "x", " \n  y\n", "😀\n😀😀", "ΣΣ\nσ", "ﻻ\nﷲ", "\r\n\r"]
    # Pages of known lines with one short new line (read line by line), and of long new
    # lines (the whole page normalized at once).
    texts += [texts[0] + f"\n[{k}] 😀َ" for k in range(3)]
    texts += [sprinkled(texts[1], rng, 60)]
    return texts


@pytest.mark.parametrize("learn_first", [5000, 10])
def test_zone_rules_read_a_page_line_by_line_as_whole(monkeypatch, learn_first):
    # (learn_first 10: soon most lines are new, and pages of new lines are read whole)
    monkeypatch.setattr(zones, "LEARN_FIRST", learn_first)
    rules = zones.ZoneRules.load(zones.DEFAULT_RULES_PATH)
    rng = random.Random(8)
    for rep in range(2):
        for text in site_texts(1) + [sprinkled(t, rng, 40) for t in site_texts(1)[:10]]:
            pieces, to_orig = read_pieces(rules, text)
            read, starts = rules.read(text)
            assert [(p.start, p.text, p.rule, p.role, p.word_count) for p in read] == \
                [(p.start, p.text, p.rule, p.role, p.word_count) for p in pieces]
            assert all(starts[p.start] == to_orig[p.start] for p in pieces)
            assert rules.suggest(text) == (rules.zones_of(text, pieces, to_orig)
                                           if text else ())


@pytest.fixture(scope="module")
def zone_model():
    rules = default_rules()
    pages_ = [(text, tuple(Zone(*z) for z in zones))
              for site in SITES for text, zones in site_pages(site, 3, seed=4)]
    return train_zones(pages_, rules, line_counts(text for text, _z in pages_))


@pytest.mark.parametrize("learn_first", [5000, 10])
def test_zone_features_of_remembered_pieces_are_piece_features(zone_model, monkeypatch,
                                                               learn_first):
    # (learn_first 10: soon most pieces are new, and pages of new pieces are read afresh)
    monkeypatch.setattr(zone_model_module, "LEARN_FIRST", learn_first)
    rules = zone_model.rules
    known = known_attributes(zone_model._tagger)
    assert known
    every = PageFeatures(rules, zone_model.recurrence, zone_model.seen, None)
    known_only = PageFeatures(rules, zone_model.recurrence, zone_model.seen, known)
    rng = random.Random(9)
    for rep in range(2):
        for text in site_texts(2) + [sprinkled(t, rng, 40) for t in site_texts(2)[:10]]:
            pieces, _ = read_pieces(rules, text)
            expected = piece_features(rules, pieces, zone_model.recurrence, zone_model.seen)
            confirmed = []
            for p in pieces:  # as ZoneModel.suggest overrode the model's roles
                seen = zone_model.seen.get(line_key(p.text))
                confirmed.append(seen if seen and seen != "body" and
                                 zone_model.recurrence.get(line_key(p.text), 0) >= 2 else None)
            assert every.page(pieces) == (expected, confirmed)
            short, forced = known_only.page(pieces)
            assert short == [kept(f, known) for f in expected] and forced == confirmed
            if pieces:
                assert zone_model._tagger.tag(short) == zone_model._tagger.tag(expected)


def test_recurring_line_counts_are_per_document():
    rng = random.Random(6)
    texts = site_texts(3) + [sprinkled(t, rng, 5) for t in site_texts(3)[:4]]
    texts += ["^a b\n^a b c\na b\n0\n1", "١٢\n12\n١٢"]
    expected = {}
    for text in texts:
        keys = {line_key(line) for line in text.split("\n") if line.strip()}
        for key in keys | {head_key(k) for k in keys}:
            expected[key] = expected.get(key, 0) + 1
    assert dict(line_counts(texts)) == expected


def test_layer_json_is_what_the_encoder_writes():
    text = "علي 😀 في\nغزة سامي"
    odd_extras = [(("confidence", 1),), (("confidence", 1.0),), (("confidence", True),),
                  (("confidence", -0.0),), (("confidence", 0.0),), (("start", 5),),
                  (("end", 3),), (("label", "X"),), (("text", "t"),), (("canonical", "c"),),
                  (("note", [1, 2]),), (("note", {"a": 1}),), (), (("assist", "model"),)]
    for rep in range(2):  # the second time from what was remembered
        for extra in odd_extras:
            for canonical in (None, "", "ك", 1, 1.0):
                for start, end in ((0, 3), (True, 3), (10, 13)):
                    layer = Layer((Zone(0, 5, "body"), Zone(5, len(text), "source")),
                                  (Entity(start, end, "PER", canonical, extra),
                                   Entity(14, 18, "LOC", None, extra)))
                    assert layer_json(layer, text) == _encode(layer.to_json(text))


def test_a_layer_stored_another_way_is_the_same_layer():
    text = "سامي في غزة"
    layer = Layer((Zone(0, len(text), "body"),),
                  (Entity(0, 4, "PER", None, (("assist", "model"), ("confidence", 0.9))),
                   Entity(8, 11, "LOC")))
    after = layer.to_json(text)
    same = [_encode(after), json.dumps(after), json.dumps(after, sort_keys=True),
            json.dumps({"stances": [], "entities": after["entities"], "zones": after["zones"]})]
    for raw in same:
        assert encode_layer(LayerRow(1, "d", text, raw), layer, None) is None
    other = Layer(layer.zones, layer.entities[:1])
    for raw in same + [None, "[]", '{"zones": 1, "entities": [], "stances": []}']:
        encoded = encode_layer(LayerRow(1, "d", text, raw), other, None)
        assert encoded.after == _encode(other.to_json(text)) and encoded.before == raw
