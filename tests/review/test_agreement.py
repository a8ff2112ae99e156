"""Agreement figures against independent implementations (scikit-learn, krippendorff,
statsmodels, NLTK, seqeval, SciPy) and worked examples from the literature."""
from __future__ import annotations

import json
import random
import re
import warnings

import numpy as np
import pytest
from krippendorff import alpha as kripp_alpha
from nltk.metrics.segmentation import pk as nltk_pk
from nltk.metrics.segmentation import windowdiff as nltk_windowdiff
from scipy.optimize import linear_sum_assignment
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.metrics import precision_score as seqeval_precision
from seqeval.metrics import recall_score as seqeval_recall
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from annotator.core import agreement as ag
from annotator.core.model import (AUTHOR, Entity, EntityRef, Layer, Stance, Zone, add_entity,
                                  set_zone)
from annotator.store import Project
from annotator.store.batches import merge, pack
from annotator.store.tallies import forget_tallies, project_agreement

from .conftest import annotate

# -- coefficients -------------------------------------------------------------------------------


def test_cohen_kappa_worked_example():
    # Wikipedia's example (50 proposals, two readers): 20 yes/yes, 5 yes/no, 10 no/yes,
    # 15 no/no; p_o = 0.7, p_e = 0.5, kappa = 0.4.
    table = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    assert ag.cohen_kappa(table) == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(8))
def test_cohen_kappa_equals_scikit_learn(seed):
    rng = random.Random(seed)
    cats = ["PER", "LOC", "ORG", "(none)"][: rng.randint(2, 4)]
    first = [rng.choice(cats) for _ in range(rng.randint(5, 300))]
    second = [x if rng.random() < 0.6 else rng.choice(cats) for x in first]
    ours = ag.cohen_kappa_of(first, second)
    theirs = cohen_kappa_score(first, second)
    if np.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-12)


def test_cohen_kappa_undefined_where_scikit_learn_gives_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(cohen_kappa_score(["x"] * 5, ["x"] * 5))
    assert ag.cohen_kappa_of(["x"] * 5, ["x"] * 5) is None
    assert ag.cohen_kappa({}) is None


# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses. Fleiss reports
# kappa = .430 (statsmodels carries the same table in its tests).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
# Wikipedia's Fleiss' kappa example: 10 subjects, 14 raters, 5 categories; kappa = 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_worked_examples():
    rows = [{d: row.count(d) for d in set(row)} for row in FLEISS_1971]
    assert ag.fleiss_kappa(rows) == pytest.approx(0.430, abs=5e-4)
    assert ag.fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=5e-4)
    table, _cats = aggregate_raters(np.array(FLEISS_1971))
    assert ag.fleiss_kappa(rows) == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_kappa_equals_statsmodels(seed):
    rng = random.Random(seed)
    raters, cats = rng.randint(2, 6), rng.randint(2, 5)
    units = [[rng.randrange(cats) if rng.random() < 0.5 else 0 for _ in range(raters)]
             for _ in range(rng.randint(3, 60))]
    table, _ = aggregate_raters(np.array(units))
    ours = ag.fleiss_kappa([{v: u.count(v) for v in set(u)} for u in units])
    assert ours == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-12)


# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing
# data: 4 observers, 12 units; nominal alpha = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _kripp(observers):
    data = np.array([[np.nan if v is None else v for v in row] for row in observers], float)
    return kripp_alpha(reliability_data=data, level_of_measurement="nominal")


def test_krippendorff_alpha_worked_example_with_missing_data():
    units = list(zip(*KRIPPENDORFF_2011))
    assert ag.krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)
    assert ag.krippendorff_alpha(units) == pytest.approx(_kripp(KRIPPENDORFF_2011), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_krippendorff_alpha_equals_the_krippendorff_package(seed):
    rng = random.Random(seed)
    observers = [[(rng.randrange(4) if rng.random() < 0.5 else 1) if rng.random() < 0.8 else None
                  for _ in range(40)] for _ in range(rng.randint(2, 5))]
    units = list(zip(*observers))
    assert ag.krippendorff_alpha(units) == pytest.approx(_kripp(observers), abs=1e-12)


# -- entities -----------------------------------------------------------------------------------


def test_exact_and_overlap_matching_by_hand():
    first = ((0, 5, "PER"), (10, 20, "LOC"), (30, 40, "ORG"), (50, 55, "PER"))
    second = ((0, 5, "PER"), (12, 20, "LOC"), (30, 40, "LOC"), (41, 45, "PER"))
    assert dict(ag.exact_matches(first, second)) == {"PER": 1}
    # (10,20)~(12,20) LOC overlap; (30,40) differs in label; (50,55) and (41,45) do not meet.
    assert dict(ag.overlap_matches(first, second)) == {"PER": 1, "LOC": 1}
    # one-to-one: two short spans inside one long one match it once
    assert dict(ag.overlap_matches(((0, 20, "PER"),), ((0, 5, "PER"), (6, 20, "PER")))) \
        == {"PER": 1}


def test_entity_scores_equal_seqeval_on_token_aligned_entities():
    words = "قال يوآف غالانت في واشنطن إن حماس و إسرائيل في غزة".split()
    text = " ".join(words)
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    ends = [m.end() for m in re.finditer(r"\S+", text)]

    def span(i, j, label):  # words i..j inclusive
        return (starts[i], ends[j], label)

    first = (span(1, 2, "PER"), span(4, 4, "LOC"), span(6, 6, "ORG"), span(8, 8, "LOC"),
             span(10, 10, "LOC"))
    second = (span(1, 2, "PER"), span(4, 4, "ORG"), span(6, 6, "ORG"), span(10, 10, "LOC"),
              span(0, 0, "MISC"))

    def bio(spans):
        tags = ["O"] * len(words)
        for s, e, label in spans:
            inside = [k for k in range(len(words)) if starts[k] >= s and ends[k] <= e]
            tags[inside[0]] = "B-" + label
            for k in inside[1:]:
                tags[k] = "I-" + label
        return tags

    a = ag.Marks(len(text), ((0, len(text), "none"),), tuple(sorted(first)))
    b = ag.Marks(len(text), ((0, len(text), "none"),), tuple(sorted(second)))
    figures = ag.compare_pair(text, a, b, 5).entity_figures()["exact"]
    truth, guess = [bio(first)], [bio(second)]
    assert figures["precision"] == pytest.approx(seqeval_precision(truth, guess))
    assert figures["recall"] == pytest.approx(seqeval_recall(truth, guess))
    assert figures["f1"] == pytest.approx(seqeval_f1(truth, guess))


def _token_labels(text, spans):
    """Independent: each whitespace token takes the label of the longest entity overlapping
    it (earliest on a tie), '(none)' if none does."""
    out = []
    for m in re.finditer(r"\S+", text):
        hits = [(e - s, -s, label) for s, e, label in spans if s < m.end() and e > m.start()]
        if hits:
            best = max(hits, key=lambda h: (h[0], h[1]))
            out.append(best[2])
        else:
            out.append("(none)")
    return out


@pytest.mark.parametrize("seed", range(40))
def test_token_confusion_equals_token_by_token_labels(seed):
    rng = random.Random(seed)
    pieces = ["غالانت", "وواشنطن،", " ", "  ", "\n", "😀", "🇵🇸", "المختطَفين", "x", "(حماس)"]
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
    n = len(text)

    def spans():
        out = set()
        for _ in range(rng.randint(0, 8)):
            s = rng.randrange(n)
            out.add((s, rng.randint(s + 1, min(n, s + 12)), rng.choice("PLO")))
        return tuple(sorted(out))

    first = spans()
    second = tuple(sorted(set(first[: len(first) // 2]) | set(spans())))
    confusion = ag.token_confusion(text, first, second)
    expected = {}
    for pair in zip(_token_labels(text, first), _token_labels(text, second)):
        expected[pair] = expected.get(pair, 0) + 1
    assert dict(confusion) == expected


# -- zones --------------------------------------------------------------------------------------


def _boundary_string(bounds, length):
    """NLTK's segmentation strings: '1' on the last character of every segment but the last."""
    chars = ["0"] * length
    for b in bounds:
        chars[b - 1] = "1"
    return "".join(chars)


@pytest.mark.parametrize("seed", range(60))
def test_pk_and_windowdiff_equal_nltk(seed):
    rng = random.Random(seed)
    length = rng.randint(2, 400)
    ref = sorted(rng.sample(range(1, length), min(length - 1, rng.randint(0, 8))))
    hyp = sorted(set(min(length - 1, max(1, b + rng.randint(-6, 6))) for b in ref
                     if rng.random() < 0.8) | set(rng.sample(range(1, length),
                                                             min(length - 1, rng.randint(0, 2)))))
    k = ag.pk_window(ref, length)
    pk_errors, wd_errors, windows = ag.segmentation_errors(ref, hyp, length, k)
    r, h = _boundary_string(ref, length), _boundary_string(hyp, length)
    if k > length:
        assert windows == 0
        return
    assert pk_errors / windows == pytest.approx(nltk_pk(r, h, k))
    assert wd_errors / windows == pytest.approx(nltk_windowdiff(r, h, k))


def test_pk_window_is_half_the_mean_reference_segment():
    assert ag.pk_window([100, 300], 600) == 100  # 3 segments of mean 200
    assert ag.pk_window([], 9) == 5               # one segment: 4.5 rounds up
    assert ag.pk_window([1], 2) == 1


def _max_boundary_matching(ref, hyp, tolerance):
    if not ref or not hyp:
        return 0
    cost = np.array([[-1 if abs(a - b) <= tolerance else 0 for b in hyp] for a in ref])
    rows, cols = linear_sum_assignment(cost)
    return int(-cost[rows, cols].sum())


@pytest.mark.parametrize("seed", range(40))
def test_boundary_matching_is_a_maximum_matching(seed):
    rng = random.Random(seed)
    ref = sorted(rng.sample(range(1, 200), rng.randint(0, 10)))
    hyp = sorted(rng.sample(range(1, 200), rng.randint(0, 10)))
    tolerance = rng.randint(0, 8)
    assert ag.boundary_matches(ref, hyp, tolerance) == _max_boundary_matching(ref, hyp, tolerance)


def test_char_confusion_counts_every_character_once():
    first = ((0, 10, "body"), (10, 12, "source"), (12, 20, "boilerplate"))
    second = ((0, 8, "body"), (8, 20, "boilerplate"))
    assert dict(ag.char_confusion(first, second)) == {
        ("body", "body"): 8, ("body", "boilerplate"): 2, ("source", "boilerplate"): 2,
        ("boilerplate", "boilerplate"): 8}


# -- stance units --------------------------------------------------------------------------------


def test_stance_units_compare_names_not_mentions():
    text = "قال غالانت ثم قال غالانتَ إن إسرائيل"
    a = Layer((Zone(0, len(text), "none"),), (Entity(4, 10, "PER"),),
              (Stance(EntityRef(4, 10), "حماس", "against"), Stance(AUTHOR, "إسرائيل", "favor")))
    b = Layer((Zone(0, len(text), "none"),), (Entity(18, 25, "PER"),),
              (Stance(EntityRef(18, 25), "حماس", "against"), Stance(AUTHOR, "اسرائيل", "neutral")))
    ma, mb = ag.marks(a, text), ag.marks(b, text)
    assert ma.stances.keys() == mb.stances.keys()
    tally = ag.compare_pair(text, ma, mb, 5)
    assert tally.stance == {("against", "against"): 1, ("favor", "neutral"): 1}


# -- a whole project: pack, annotate, merge, agree ------------------------------------------------


def _independent_report(project: Project, labelers, tolerance=5):
    """Everything recomputed from the layers with the libraries (and brute force)."""
    tokens = {pair: ([], []) for pair in _pairs(labelers)}
    chars = {pair: ([], []) for pair in _pairs(labelers)}
    exact = {pair: [0, 0, 0] for pair in _pairs(labelers)}
    boundary = {pair: [0, 0, 0] for pair in _pairs(labelers)}
    segmentation = {pair: [0.0, 0] for pair in _pairs(labelers)}
    per_doc_pk = {}
    units: dict[tuple, dict[str, str]] = {}
    present: dict[str, set[str]] = {}
    for doc, named in project.iter_annotated("all"):
        layers = {n: lay for n, lay in named if n in labelers}
        if len(layers) < 2:
            continue
        present[doc.id] = set(layers)
        text = doc.text
        for a, b in _pairs(labelers):
            if a not in layers or b not in layers:
                continue
            ea = [(e.start, e.end, e.label) for e in layers[a].entities]
            eb = [(e.start, e.end, e.label) for e in layers[b].entities]
            tokens[(a, b)][0].extend(_token_labels(text, ea))
            tokens[(a, b)][1].extend(_token_labels(text, eb))
            exact[(a, b)][0] += len(set(ea) & set(eb))
            exact[(a, b)][1] += len(ea)
            exact[(a, b)][2] += len(eb)
            za, zb = layers[a].zones, layers[b].zones
            if any(z.label != "none" for z in za) and any(z.label != "none" for z in zb):
                la = [next(z.label for z in za if z.start <= i < z.end) for i in range(len(text))]
                lb = [next(z.label for z in zb if z.start <= i < z.end) for i in range(len(text))]
                chars[(a, b)][0].extend(la)
                chars[(a, b)][1].extend(lb)
                ba = [i for i in range(1, len(text)) if la[i] != la[i - 1]]
                bb = [i for i in range(1, len(text)) if lb[i] != lb[i - 1]]
                boundary[(a, b)][0] += _max_boundary_matching(ba, bb, tolerance)
                boundary[(a, b)][1] += len(ba)
                boundary[(a, b)][2] += len(bb)
                k = max(1, int(len(text) / (len(ba) + 1) / 2 + 0.5))
                windows = len(text) - k + 1
                value = nltk_pk(_boundary_string(ba, len(text)), _boundary_string(bb, len(text)), k)
                per_doc_pk[(doc.id, a, b)] = value
                segmentation[(a, b)][0] += value * windows
                segmentation[(a, b)][1] += windows
        for name, layer in layers.items():
            for s in layer.stances:
                holder = s.holder if isinstance(s.holder, str) else \
                    text[s.holder.start:s.holder.end]
                units.setdefault((doc.id, holder, s.target), {}).setdefault(name, s.value)
    return tokens, chars, exact, boundary, segmentation, per_doc_pk, units, present


def _pairs(labelers):
    return [(a, b) for i, a in enumerate(labelers) for b in labelers[i + 1:]]


def test_project_agreement_equals_independent_implementations(labeled):
    report = project_agreement(labeled)
    assert report["labelers"] == ["a", "b"]
    assert report["documents_compared"] == labeled.count_documents() == 6
    tokens, chars, exact, boundary, segmentation, per_doc_pk, units, _present = \
        _independent_report(labeled, ["a", "b"])
    pair = report["entities"]["pairs"]["a|b"]
    assert pair["token_cohen_kappa"] == pytest.approx(cohen_kappa_score(*tokens[("a", "b")]),
                                                      abs=1e-12)
    matched, in_a, in_b = exact[("a", "b")]
    assert pair["exact"]["precision"] == pytest.approx(matched / in_b)
    assert pair["exact"]["recall"] == pytest.approx(matched / in_a)
    assert 0 < pair["exact"]["f1"] < 1  # the two labelers do disagree somewhere
    assert pair["overlap"]["f1"] >= pair["exact"]["f1"]
    zones = report["zones"]["pairs"]["a|b"]
    assert zones["char_cohen_kappa"] == pytest.approx(cohen_kappa_score(*chars[("a", "b")]),
                                                      abs=1e-12)
    matched, in_a, in_b = boundary[("a", "b")]
    assert zones["boundary_f1"]["f1"] == pytest.approx(2 * matched / (in_a + in_b))
    errors, windows = segmentation[("a", "b")]
    assert zones["pk"] == pytest.approx(errors / windows)
    for (doc_id, a, b), value in per_doc_pk.items():
        figures = report["documents"][doc_id]["pairs"][f"{a}|{b}"]["zones"]
        assert figures["pk"] == pytest.approx(value)
    keys = sorted(units)
    first = [units[k].get("a", "(none)") for k in keys]
    second = [units[k].get("b", "(none)") for k in keys]
    stance = report["stance"]
    assert stance["units"] == len(keys)
    assert stance["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
    codes = {v: i for i, v in enumerate(sorted(set(first) | set(second)))}
    assert stance["krippendorff_alpha"] == pytest.approx(
        _kripp([[codes[v] for v in first], [codes[v] for v in second]]), abs=1e-12)
    table, _ = aggregate_raters(np.array([[codes[x], codes[y]] for x, y in zip(first, second)]))
    assert stance["fleiss_kappa"] == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-12)


def test_three_labelers_with_missing_documents(seeded, tmp_path):
    """pack gives each shared document to two of three labelers: Krippendorff's alpha counts
    a labeler without the document as missing; Fleiss only takes units all three rated."""
    files = pack(seeded, tmp_path / "b3", ["a", "b", "c"], overlap=0.6, copies=2, seed=3)
    for seed, packed in enumerate(files):
        with Project.open(packed.path) as batch:
            annotate(batch, packed.labeler, seed + 10, noise=0.15)
    for packed in files:
        merge(seeded, packed.path)
    report = project_agreement(seeded, ["a", "b", "c"])
    *_rest, units, present = _independent_report(seeded, ["a", "b", "c"])
    keys = sorted(units)
    codes = {v: i for i, v in enumerate(sorted({"(none)"} | {v for u in units.values()
                                                             for v in u.values()}))}
    observers = [[codes[units[k].get(name, "(none)")] if name in present[k[0]] else None
                  for k in keys] for name in ("a", "b", "c")]
    assert any(None in row for row in observers)
    assert report["stance"]["krippendorff_alpha"] == pytest.approx(_kripp(observers), abs=1e-12)
    assert report["stance"]["cohen_kappa"] is None  # three labelers: per pair only
    for a, b in _pairs(["a", "b", "c"]):
        shared = [k for k in keys if {a, b} <= present[k[0]]]
        if len(shared) > 1:
            assert report["stance"]["pairs"][f"{a}|{b}"]["cohen_kappa"] == pytest.approx(
                cohen_kappa_score([units[k].get(a, "(none)") for k in shared],
                                  [units[k].get(b, "(none)") for k in shared]), abs=1e-12)
    full = [k for k in keys if len(present[k[0]]) == 3]
    assert report["stance"]["fleiss_units"] == len(full)


def test_kept_tallies_give_the_same_report_and_follow_edits(labeled):
    fresh = project_agreement(labeled, keep_tallies=False)
    assert project_agreement(labeled) == fresh       # computed and kept
    assert project_agreement(labeled) == fresh       # read back
    doc_id = labeled.document_ids()[0]
    labeled.edit(doc_id, "b", "b", "entity",
                 lambda layer: Layer(layer.zones, (), layer.stances[:1]))
    changed = project_agreement(labeled)
    assert changed == project_agreement(labeled, keep_tallies=False)
    assert changed["entities"]["pairs"]["a|b"]["exact"]["f1"] \
        < fresh["entities"]["pairs"]["a|b"]["exact"]["f1"]
    labeled.undo(doc_id, "b", "b")
    assert project_agreement(labeled) == fresh
    forget_tallies(labeled)
    assert project_agreement(labeled) == fresh


def test_a_run_taken_over_midway_keeps_no_mixed_rows(labeled, monkeypatch):
    """The first run keeps its rows piece by piece; when another run of the same selection
    starts meanwhile, the first stops keeping pieces and the kept counts stay whole."""
    from annotator.store import tallies

    fresh = project_agreement(labeled, keep_tallies=False)
    monkeypatch.setattr(tallies, "_KEEP_EVERY", 1)
    keep_rows = tallies._keep_rows
    refused = []

    def another_run_starts(project, selection, token, rows, *rest):
        if not refused:  # before the first piece is kept, a second run takes over
            assert tallies._start_keeping(project, selection, "agreement-tallies:" + selection)
        kept = keep_rows(project, selection, token, rows, *rest)
        refused.append(not kept)
        return kept

    monkeypatch.setattr(tallies, "_keep_rows", another_run_starts)
    assert project_agreement(labeled) == fresh
    assert refused == [True]                 # the first run's pieces were refused ...
    keys = [k for (k,) in labeled.conn.execute(
        "SELECT key FROM project WHERE key LIKE 'setting:agreement-tallies%'")]
    assert len(keys) == 1 and keys[0].startswith("setting:agreement-tallies:")
    assert labeled.conn.execute("SELECT count(*) FROM agreement_tallies").fetchone()[0] \
        == fresh["documents_compared"]
    monkeypatch.setattr(tallies, "_keep_rows", keep_rows)
    assert project_agreement(labeled) == fresh        # ... and it kept them all at once
    doc_id = labeled.document_ids()[0]
    labeled.edit(doc_id, "b", "b", "entity",
                 lambda layer: Layer(layer.zones, (), layer.stances[:1]))
    assert project_agreement(labeled) == project_agreement(labeled, keep_tallies=False)


def test_worker_processes_give_the_same_report_as_one_process(labeled, monkeypatch):
    from annotator.store import tallies

    one = project_agreement(labeled, keep_tallies=False, workers=1)
    # Pieces of two documents: several pieces, summed from two spawned worker processes.
    monkeypatch.setattr(tallies, "_WORK_PIECE", 2)
    assert project_agreement(labeled, keep_tallies=False, workers=2) == one
    # What the workers computed is kept: the next run reads it back, and follows an edit.
    assert project_agreement(labeled, workers=2) == one
    assert project_agreement(labeled) == one
    doc_id = labeled.document_ids()[1]
    labeled.edit(doc_id, "a", "a", "zone", lambda layer: set_zone(layer, 0, 5, "source"))
    assert project_agreement(labeled, workers=2) == \
        project_agreement(labeled, keep_tallies=False, workers=1) != one


def test_labelers_exclude_gold_and_suggestions():
    assert ag.labelers_of(["gold", "b", "suggestions", "a"]) == ["a", "b"]


def test_figures_as_json_text_are_the_same_figures(labeled):
    def decoded(report):
        return {**report, "documents": {d: json.loads(f) for d, f in report["documents"].items()}}

    forget_tallies(labeled)
    fresh = project_agreement(labeled, keep_tallies=False)
    computed = project_agreement(labeled, figures_json=True)   # computed and kept
    assert all(isinstance(f, str) for f in computed["documents"].values())
    assert decoded(computed) == fresh
    assert decoded(project_agreement(labeled, figures_json=True)) == fresh  # read back


def test_layers_stored_alike_alone_or_empty_give_the_figures_of_the_layers(labeled):
    """What agreement reads from the stored JSON (layers stored byte for byte alike are read
    once) gives the figures of the layers themselves: for copies of one layer (also on the
    text with emoji from a CRLF file, where offsets are code points), a document only one
    labeler has, and an empty layer."""
    ids = labeled.document_ids()
    extra = "extra_emoji_crlf"
    assert extra in ids
    copied = [ids[0], extra]
    for doc_id in copied:          # c labels; d's layer is a copy of c's
        layer = labeled.get_layer(doc_id, "a")
        for name in ("c", "d"):
            labeled.edit(doc_id, name, name, "entity", lambda _old, layer=layer: layer)
    labeled.edit(ids[1], "c", "c", "entity", lambda _old: labeled.get_layer(ids[1], "b"))
    labeled.edit(ids[2], "c", "c", "entity", lambda _old: labeled.get_layer(ids[2], "a"))
    labeled.edit(ids[2], "d", "d", "entity",   # an empty layer (set, then taken back)
                 lambda old: add_entity(old, Entity(0, 1, "PER")))
    labeled.edit(ids[2], "d", "d", "entity",
                 lambda _old: Layer.empty(len(labeled.get_text(ids[2]))))
    stored = dict(labeled.conn.execute(
        "SELECT l.name, l.data FROM layers l JOIN documents d ON d.seq = l.doc "
        "WHERE d.id = ? AND l.name IN ('c', 'd')", (extra,)).fetchall())
    assert stored["c"] == stored["d"]
    text = labeled.get_text(extra)     # from a CRLF file; emoji outside the BMP
    assert len(text) < len(text.encode("utf-16-le")) // 2

    def expected(names):
        documents = []
        for doc_id in ids:
            text = labeled.get_text(doc_id)
            have = [n for n in names if n in labeled.layer_names(doc_id)]
            documents.append((doc_id, text, {n: ag.marks(labeled.get_layer(doc_id, n), text)
                                             for n in have}))
        return ag.compute(documents, names)

    report = project_agreement(labeled, ["c", "d"], keep_tallies=False)
    assert report == {**expected(["c", "d"]), "damaged": []}  # no layer left out
    assert report["documents_compared"] == 3          # ids[1]: c's alone
    assert report["documents"][ids[0]]["pairs"]["c|d"]["entities"]["exact_f1"] == 1.0
    assert report["documents"][extra]["pairs"]["c|d"]["entities"]["exact_f1"] == 1.0
    assert report["entities"]["pairs"]["c|d"]["exact"]["f1"] < 1.0   # ids[2]: d's empty
    everyone = project_agreement(labeled, ["a", "b", "c", "d"], keep_tallies=False)
    assert everyone == {**expected(["a", "b", "c", "d"]), "damaged": []}
    assert project_agreement(labeled, ["c", "d"]) == report            # kept, then read back
    assert project_agreement(labeled, ["c", "d"]) == report
