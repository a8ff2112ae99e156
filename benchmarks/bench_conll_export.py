"""CoNLL export of one document with many entities: time per size (linear, not quadratic).
Prints seconds for 20,000 and 100,000 one-word entities, and the same with as many nested ones.
Run: .venv/bin/python benchmarks/bench_conll_export.py"""
import time, sys
from annotator.core.model import Document, Layer, Entity
from annotator.formats.conll import tagged_sentences
for n in (20000, 100000):
    words = ["كلمة%d" % i for i in range(n)]
    text = " ".join(words) + "."
    ents = []; pos = 0
    for w in words:
        ents.append(Entity(pos, pos + len(w), "PER")); pos += len(w) + 1
    layer = Layer((), tuple(ents), ())
    doc = Document("d", text, {})
    t = time.perf_counter(); out = tagged_sentences(doc, layer); t1 = time.perf_counter() - t
    # overlapping: every entity plus a nested one
    layer2 = Layer((), tuple(ents + [Entity(e.start, e.end - 1, "LOC") for e in ents]), ())
    t = time.perf_counter(); tagged_sentences(doc, layer2); t2 = time.perf_counter() - t
    print(n, f"{t1:.2f}s", f"overlapping {t2:.2f}s", sum(len(s) for s in out))
