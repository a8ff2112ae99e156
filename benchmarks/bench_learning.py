"""How the assist learns: a learning curve of the entity model on NewsFANE Gold.

    python benchmarks/bench_learning.py [--fractions 10,30,50] [--corpus PATH] [--glued]
                                        [--no-zones] [--zones-only] [--no-gazetteer]
                                        [--retrain-runs N]

NewsFANE Gold (../shared/corpora/newsfane/, CC BY-SA 3.0) is read into documents of about
2.5 kB (12 sentences each, a line break every 3 sentences); its ~50 fine-grained classes are
mapped to PER/ORG/LOC/MISC as the corpus README says. The first 10 / 30 / 50% of documents are
"confirmed" (their entities are the training data), the rest are scored: exact span and label,
precision / recall / F1 per label, training time, suggestion time per document, peak memory.
The model scored is a retrained one: it reads the suggestions a previous model (trained on the
same documents) left on the rest, as in a project (entity_model.predicted_lexicon); the
previous model's figures are printed beside it.

--glued writes the corpus as ordinary news is written (و ب ل ف ك glued to the next word, ه ها
to the previous one), with the spans keeping the proclitic outside: the figures must not
depend on NewsFANE's clitic-segmented tokens. Also printed: retraining time on 50,000 tokens
(in a fresh process, as the background training;
with the text statistics the project kept from its previous training, and with them learned
again as after an import; --retrain-runs N: N of each, with their spread and how many are
within 15 s, since this VM's speed moves by ±10% from run to run), and the time to suggest for
one 2.5 kB article.

Zones: pages of four invented sites (tests/assist/site_pages.py: their own navigation, inserts,
source forms, footers; articles ending in lists, quotes over short lines) and the pages of
tests/assist/pages.py. One page of each site is confirmed (with the pages.py pages), the
other pages are scored: boundary F1 (±3 visible characters) and non-space characters right,
rules alone against the zone model.
"""
from __future__ import annotations

import argparse
import pickle
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import fmean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpora" / "newsfane" / "NewsFANE_Gold_2014_170K.txt"

COARSE = {
    "PER": "Politician Athlete Artist Other_PER Religious_PER Scientist Police Businessperson "
           "Lawyer Engineer",
    "ORG": "Non-Governmental Sports Government Media Commercial Educational Medical-Science "
           "Entertainment Religious_ORG",
    "LOC": "Nation Population-Center State-or-Province GPE-Cluster Continent County-or-District "
           "Water-Body Land-Region-Natural Celestial Building-Grounds Path Airport "
           "Subarea-Facility Plant",
    "MISC": "Group Book Movie Software Hardware Land Air Water Projectile Shooting Food Drug",
}
FINE_TO_COARSE = {fine: coarse for coarse, fines in COARSE.items() for fine in fines.split()}
PROCLITICS = {"و", "ف", "ب", "ل", "ك"}
ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "كم", "نا"}


def read_sentences(path: Path) -> list[list[tuple[str, str]]]:
    """(token, coarse tag) sentences; the U+200E marks before each token are dropped."""
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        token, _, tag = line.partition("\t")
        token = token.replace("\u200e", "").strip()
        if not token:
            continue
        tag = tag.strip()
        if tag != "O" and tag[:2] in ("B-", "I-"):
            coarse = FINE_TO_COARSE.get(tag[2:])
            tag = f"{tag[:2]}{coarse}" if coarse else "O"
        else:
            tag = "O"
        cur.append((token, tag))
    if cur:
        sents.append(cur)
    return sents


def sentence_text(sent, glued: bool) -> tuple[str, list[tuple[int, int, str]]]:
    """The sentence as text and its entities (start, end, label). Glued: a proclitic token
    joins the next word, an enclitic the previous one, as ordinary Arabic text is written."""
    out = ""
    spans = []
    current = None
    for k, (token, tag) in enumerate(sent):
        prev = sent[k - 1][0] if k else ""
        glue = glued and k and ((prev in PROCLITICS and token[0].isalpha())
                                or (token in ENCLITICS and prev[-1].isalpha()))
        if out and not glue:
            out += " "
        start = len(out)
        out += token
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None
                                                              or current[2] != tag[2:])):
            if current:
                spans.append(tuple(current))
            current = [start, len(out), tag[2:]]
        elif tag.startswith("I-"):
            current[1] = len(out)
        else:
            if current:
                spans.append(tuple(current))
            current = None
    if current:
        spans.append(tuple(current))
    return out, spans


def documents(path: Path, glued: bool = False, per_doc: int = 12):
    from annotator.assist.entity_model import Doc
    sents = read_sentences(path)
    docs = []
    for first in range(0, len(sents), per_doc):
        text, spans = "", []
        for k, sent in enumerate(sents[first:first + per_doc]):
            if text:
                text += "\n" if k % 3 == 0 else " "
            s_text, s_spans = sentence_text(sent, glued)
            spans += [(a + len(text), b + len(text), lab) for a, b, lab in s_spans]
            text += s_text
        docs.append(Doc(text, spans))
    return docs


def score(gold_docs, predicted) -> dict[str, tuple[int, int, int]]:
    """label -> (true positives, predicted, reference); "ALL" too."""
    tp, pred, ref = Counter(), Counter(), Counter()
    for doc, found in zip(gold_docs, predicted):
        gold = {(s, e, lab) for s, e, lab in doc.entities}
        got = {(e.start, e.end, e.label) for e in found}
        for s, e, lab in gold:
            ref[lab] += 1
            ref["ALL"] += 1
        for s, e, lab in got:
            pred[lab] += 1
            pred["ALL"] += 1
            if (s, e, lab) in gold:
                tp[lab] += 1
                tp["ALL"] += 1
    return {lab: (tp[lab], pred[lab], ref[lab]) for lab in ref | pred}


def prf(tp: int, pred: int, ref: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 0.0
    r = tp / ref if ref else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


_TRAINER_PEAK_KB = [0]  # the largest CRF trainer process so far (see watch_trainers)


def own_peak_kb() -> int:
    """This process's peak resident memory. Linux's rusage carries a parent's peak over fork
    and exec (a retraining started by the learning curve reported the curve's 262 MB as its
    own), so its memory's high-water mark is read from /proc where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_mb() -> float:
    """Peak memory of this process plus that of the largest CRF trainer process it started
    (from 20,000 tokens on; both live at once)."""
    return (own_peak_kb() + _TRAINER_PEAK_KB[0]) / 1024


def watch_trainers() -> None:
    """Have each CRF trainer process's peak memory sampled for peak_mb (Linux, /proc). The
    rusage of children will not do: it counts a spawned child's copy of this process, made
    before the child runs a Python of its own."""
    import threading
    from annotator.assist import crf
    train = crf.TrainerProcess.train

    def watched(self) -> bytes:
        status = Path(f"/proc/{self._process.pid}/status")
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                try:
                    for line in status.read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            _TRAINER_PEAK_KB[0] = max(_TRAINER_PEAK_KB[0], int(line.split()[1]))
                except (OSError, ValueError, IndexError):
                    return
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            return train(self)
        finally:
            done.set()
            sampler.join()
    crf.TrainerProcess.train = watched


def spans(found) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.label) for e in found]


def run(docs, fraction: float, gaz_index, statistics):
    """Scores the model trained on the first `fraction` of the documents; returns the
    previous model's suggestions on the rest (document index -> spans), and the model.

    In a project the model retrains after every few confirmed documents, and the suggestions
    the previous model left on the unconfirmed documents are the next one's non-local
    evidence (entity_model.predicted_lexicon). Here the previous model is trained on the same
    documents without that evidence (pass 1), and the model scored is the retrained one."""
    from annotator.assist.entity_model import train
    cut = int(len(docs) * fraction)
    train_docs, test_docs = docs[:cut], docs[cut:]
    tokens = sum(len(d.tokens()[0]) for d in train_docs)
    # Word representations learn from all the project's text, the unconfirmed part too.
    unlabeled = statistics
    previous = train(train_docs, gaz_index, unlabeled=unlabeled)
    suggested = [previous.suggest(d.text) for d in test_docs]  # NewsFANE repeats no line
    p1, r1, f1 = prf(*score(test_docs, suggested)["ALL"])
    t = time.perf_counter()
    model = train(train_docs, gaz_index, unlabeled=unlabeled,
                  predicted=[(d.text, spans(found)) for d, found in zip(test_docs, suggested)])
    trained = time.perf_counter() - t
    t = time.perf_counter()
    predicted = [model.suggest(d.text) for d in test_docs]
    per_doc = (time.perf_counter() - t) / len(test_docs) * 1000
    figures = score(test_docs, predicted)
    p, r, f = prf(*figures["ALL"])
    print(f"{fraction:>4.0%} confirmed ({cut} docs, {tokens:,} tokens, "
          f"{model.meta['entities']:,} entities): P {p:.3f} R {r:.3f} F1 {f:.3f} | "
          f"train {trained:.1f} s | suggest {per_doc:.1f} ms/doc | peak {peak_mb():.0f} MB")
    print(f"       (the previous model, without its own suggestions as evidence: "
          f"P {p1:.3f} R {r1:.3f} F1 {f1:.3f})")
    for label in ("PER", "ORG", "LOC", "MISC"):
        if label in figures:
            lp, lr, lf = prf(*figures[label])
            print(f"       {label:<5} P {lp:.3f} R {lr:.3f} F1 {lf:.3f} "
                  f"({figures[label][2]} in the rest)")
    return {cut + k: spans(found) for k, found in enumerate(suggested)}, model


def zones(pages_per_site: int = 8) -> None:
    from annotator.assist.score import Score, score_document
    from annotator.assist.zone_model import line_counts, train_zones
    from annotator.assist.zones import default_rules
    from annotator.core.model import Layer, Zone
    from tests.assist.pages import HELD_OUT, PAGES, gold_zones
    from tests.assist.site_pages import SITES, site_pages

    rules = default_rules()
    sites = {s: site_pages(s, pages_per_site) for s in SITES}
    others = [(t, gold_zones(t, g)) for t, g in [*PAGES.values(), *HELD_OUT.values()]]
    recurrence = line_counts([t for pages in sites.values() for t, _z in pages]
                             + [t for t, _z in others])
    confirmed = [(pages[0][0], [Zone(*z) for z in pages[0][1]]) for pages in sites.values()]
    t = time.perf_counter()
    model = train_zones(confirmed + others, rules, recurrence)
    trained = time.perf_counter() - t
    for name, suggest in (("rules", rules.suggest), ("model", model.suggest)):
        total = Score()
        for site, pages in sites.items():
            for text, gold in pages[1:]:
                total.add(score_document(text, Layer(suggest(text)),
                                         Layer(tuple(Zone(*z) for z in gold)), entities=False))
        print(f"zones {name}: boundary F1 {total.boundaries.f1:.3f}, non-space characters "
              f"right {total.char_accuracy:.3f} ({total.documents} pages of {len(sites)} "
              f"sites after one confirmed page each)")
    print(f"zones: training on {len(confirmed) + len(others)} pages {trained * 1000:.0f} ms")


def retrain(given: Path) -> None:
    """Time one training on the first 50,000 tokens of the corpus, in this fresh process: as
    a project retrains, with the text statistics the previous training kept (given as stored
    bytes: read back and checked here), or with none kept (documents came in since)."""
    from annotator.assist.distributional import TextStatistics, sample
    from annotator.assist.entities import build_index
    from annotator.assist.entity_model import Doc, train
    watch_trainers()
    corpus, glued, no_gazetteer, suggested, kept = pickle.loads(given.read_bytes())
    docs = documents(Path(corpus), glued)
    gaz = None if no_gazetteer else build_index(None)
    chosen, tokens = [], 0
    for doc in docs:
        if tokens >= 50_000:
            break
        chosen.append(Doc(doc.text, doc.entities))  # not tokenized yet, as from a project
        tokens += len(Doc(doc.text, ()).tokens()[0])
    t, cpu = time.perf_counter(), time.process_time()
    texts = sample(d.text for d in docs)
    if kept is not None:  # what training.text_statistics does with the kept ones
        statistics = TextStatistics.from_bytes(kept)
        assert statistics.key == TextStatistics.key_of(texts)
    else:
        statistics = TextStatistics.learn(texts)
    train(chosen, gaz, unlabeled=statistics,
          predicted=[(docs[i].text, found) for i, found in suggested.items()
                     if i >= len(chosen)])
    # The CPU time too: on a machine shared with other jobs the wall time is theirs as well.
    how = "text statistics kept" if kept is not None else "text statistics learned again"
    print(f"retrain on {tokens:,} tokens (a fresh process, {how}): "
          f"{time.perf_counter() - t:.1f} s (CPU here {time.process_time() - cpu:.1f} s; peak "
          f"{own_peak_kb() / 1024:.0f} MB here + "
          f"{_TRAINER_PEAK_KB[0] / 1024:.0f} MB trainer)", flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--retrain"]:
        return retrain(Path(sys.argv[2]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--fractions", default="10,30,50")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--glued", action="store_true")
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--zones-only", action="store_true")
    parser.add_argument("--no-zones", action="store_true")
    parser.add_argument("--retrain-runs", type=int, default=1,
                        help="fresh-process retrainings of each kind (a spread, not one draw)")
    args = parser.parse_args()
    if not args.no_zones:
        zones()
    if args.zones_only:
        return
    from annotator.assist.distributional import TextStatistics
    from annotator.assist.entities import build_index
    watch_trainers()
    docs = documents(args.corpus, args.glued)
    gaz = None if args.no_gazetteer else build_index(None)
    size = sum(len(d.text) for d in docs) / len(docs)
    print(f"{args.corpus.name}: {len(docs)} documents of {size:,.0f} characters on average"
          f"{' (clitics glued)' if args.glued else ''}")
    # What the project's text says of each word: learned once, kept by the project.
    statistics = TextStatistics.learn(d.text for d in docs)
    for fraction in args.fractions.split(","):
        suggested, model = run(docs, int(fraction) / 100, gaz, statistics)
    # Retraining on 50,000 confirmed tokens, as the background training does it: in a process
    # of its own (nothing of the runs above remembered: words' features, tokens), from the
    # previous model's suggestions on the rest.
    with tempfile.TemporaryDirectory() as tmp:
        given = Path(tmp) / "retrain.pickle"
        for kept in (statistics.to_bytes(), None):
            given.write_bytes(pickle.dumps((str(args.corpus), args.glued, args.no_gazetteer,
                                            suggested, kept)))
            seconds = []
            for _ in range(args.retrain_runs):
                done = subprocess.run([sys.executable, __file__, "--retrain", str(given)],
                                      check=True, stdout=subprocess.PIPE, text=True)
                print(done.stdout, end="", flush=True)
                seconds += [float(x) for x in re.findall(r"\): ([0-9.]+) s \(", done.stdout)]
            if len(seconds) > 1:
                print(f"  {len(seconds)} runs: {min(seconds):.1f}–{max(seconds):.1f} s, mean "
                      f"{fmean(seconds):.1f} s, {sum(s <= 15 for s in seconds)} of "
                      f"{len(seconds)} within 15 s", flush=True)
    article = next(d.text for d in docs[len(docs) // 2:] if len(d.text.encode()) >= 2500)
    article = article.encode("utf-8")[:2500].decode("utf-8", "ignore")
    t = time.perf_counter()
    for _ in range(20):
        model._line_cache.clear()  # a new article: none of its lines tagged before
        model.suggest(article)
    print(f"suggest on one {len(article.encode('utf-8')) / 1000:.1f} kB article "
          f"({len(article)} characters): {(time.perf_counter() - t) / 20 * 1000:.1f} ms")


if __name__ == "__main__":
    main()
