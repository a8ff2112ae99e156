"""Agreement over many documents × 2 labelers (target: 100,000 documents in ≤ 10 s).

    python benchmarks/bench_agreement.py [--documents N] [--dense] [--keep DIR] [--split]

Builds (once, kept under --keep) a project whose documents are the seed articles, each made
unique by a trailing line, with two synthetic labelers. By default they label like people do
on such articles: "a" gives 3–6 zones (body, "read also" blocks inside the body as
boilerplate, the source line, the related-articles tail), marks 10–25 names of a fixed list,
article body first, and gives 0–3 stances; "b" is "a" with the slips real labelers make
(missed, shifted and relabeled entities, an extra mark, a moved zone boundary, a "read also"
block left as body, other stance values). `--dense` instead marks every occurrence of the
names (~60 per document) in three zones, the worst case. Then times `annotator agree` end
to end (reading the project and keeping the counts included) and, with --split, its parts.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator import SEEDS  # noqa: E402
from annotator.core.model import Document  # noqa: E402
from annotator.store import ImportRecord, Project  # noqa: E402

NAMES = {
    "يوآف غالانت": "PER", "غالانت": "PER", "جالانت": "PER", "لويد أوستن": "PER", "أوستن": "PER",
    "أنتوني بلينكن": "PER", "بلينكن": "PER", "نتنياهو": "PER", "بايدن": "PER",
    "حماس": "ORG", "البنتاغون": "ORG", "وزارة الدفاع": "ORG",
    "غزة": "LOC", "واشنطن": "LOC", "إسرائيل": "LOC", "تل أبيب": "LOC", "إيران": "LOC",
    "رفح": "LOC", "الولايات المتحدة": "LOC",
}
_NAME_RE = re.compile("|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)))
_READ_ALSO = re.compile(r"^\s*[إا]قرأ أيضا", re.MULTILINE)
STANCE_VALUES = ("favor", "against", "neutral", "unclear")


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def synthetic_text(seeds: list[str], i: int) -> str:
    return f"{seeds[i % len(seeds)]}\n{i}"


def source_cuts(text: str) -> tuple[int, int]:
    """Where the source line starts and ends (the body before it, boilerplate after)."""
    n = len(text)
    source = text.rfind("المصدر")
    cut1 = source if source > 0 else text.rfind("\n", 0, int(n * 0.75)) + 1
    cut1 = max(1, min(cut1, n - 3))
    cut2 = text.find("\n", cut1 + 1) + 1
    if not cut1 < cut2 < n:
        cut2 = min(n - 1, cut1 + 20)
    return cut1, cut2


def article_zones(text: str) -> list[dict]:
    """Body with its "read also" blocks (the line and the headline after it) as boilerplate,
    then the source line, then the related-articles tail as boilerplate."""
    cut1, cut2 = source_cuts(text)
    zones = []
    at = 0
    for m in _READ_ALSO.finditer(text, 0, cut1):
        headline = text.find("\n", text.find("\n", m.start()) + 2) + 1 or cut1
        end = min(cut1, headline)
        if m.start() > at and end > m.start():
            zones += [{"start": at, "end": m.start(), "label": "body"},
                      {"start": m.start(), "end": end, "label": "boilerplate"}]
            at = end
    zones += [{"start": at, "end": cut1, "label": "body"},
              {"start": cut1, "end": cut2, "label": "source"},
              {"start": cut2, "end": len(text), "label": "boilerplate"}]
    return [z for z in zones if z["end"] > z["start"]]


def first_labeler(text: str, rng: random.Random) -> dict:
    """A careful labeler's layer as stored JSON."""
    zones = article_zones(text)
    body = [(z["start"], z["end"]) for z in zones if z["label"] == "body"]
    found = [m for m in _NAME_RE.finditer(text) if rng.random() < 0.97]
    in_body = [m for m in found if any(s <= m.start() < e for s, e in body)]
    chosen = (in_body + [m for m in found if m not in in_body])[:rng.randint(10, 25)]
    entities = sorted(({"start": m.start(), "end": m.end(), "label": NAMES[m.group()]}
                       for m in chosen), key=lambda e: e["start"])
    return {"zones": zones, "entities": entities, "stances": stances(entities, rng)}


def stances(entities: list[dict], rng: random.Random) -> list[dict]:
    """0–3 stances: the author's towards Israel, a person's towards Hamas, an
    organisation's towards Israel."""
    person = next((e for e in entities if e["label"] == "PER"), None)
    group = next((e for e in entities if e["label"] == "ORG"), None)
    candidates = [("author", "إسرائيل")]
    if person:
        candidates.append(({"start": person["start"], "end": person["end"]}, "حماس"))
    if group:
        candidates.append(({"start": group["start"], "end": group["end"]}, "إسرائيل"))
    count = rng.choices((0, 1, 2, 3), weights=(1, 3, 3, 2))[0]
    return [{"holder": holder, "target": target, "value": rng.choice(STANCE_VALUES),
             "evidence": []} for holder, target in candidates[:count]]


def dense_labeler(text: str, rng: random.Random) -> dict:
    """The worst case: every occurrence of the names (~60), three zones, two stances."""
    entities = [{"start": m.start(), "end": m.end(), "label": NAMES[m.group()]}
                for m in _NAME_RE.finditer(text) if rng.random() < 0.97]
    cut1, cut2 = source_cuts(text)
    zones = [{"start": 0, "end": cut1, "label": "body"},
             {"start": cut1, "end": cut2, "label": "source"},
             {"start": cut2, "end": len(text), "label": "boilerplate"}]
    stances = [{"holder": "author", "target": "إسرائيل", "value": rng.choice(STANCE_VALUES),
                "evidence": []}]
    person = next((e for e in entities if e["label"] == "PER"), None)
    if person:
        stances.append({"holder": {"start": person["start"], "end": person["end"]},
                        "target": "حماس", "value": rng.choice(STANCE_VALUES), "evidence": []})
    return {"zones": zones, "entities": entities, "stances": stances}


def noisy_copy(layer: dict, text: str, rng: random.Random) -> dict:
    """Another labeler's version of the same document: mostly the same, with typical slips."""
    entities = []
    for e in layer["entities"]:
        roll = rng.random()
        if roll < 0.04:
            continue  # missed
        e = dict(e)
        if roll < 0.08:
            e["end"] = max(e["start"] + 1, min(len(text), e["end"] + rng.choice((-1, 1, 2))))
        elif roll < 0.11:
            e["label"] = "ORG" if e["label"] == "LOC" else "LOC"
        entities.append(e)
    if rng.random() < 0.3:  # an extra mark on the first word of some line
        at = text.find("\n", rng.randrange(len(text))) + 1
        end = text.find(" ", at)
        if 0 < at < end:
            entities.append({"start": at, "end": end, "label": "MISC"})
    unique = {(e["start"], e["end"], e["label"]): e for e in entities}
    entities = sorted(unique.values(), key=lambda e: (e["start"], e["end"], e["label"]))
    zones = [dict(z) for z in layer["zones"]]
    if len(zones) > 3 and rng.random() < 0.1:  # a "read also" block left as body
        zones[1]["label"] = "body"
    source = next(i for i, z in enumerate(zones) if z["label"] == "source")
    if rng.random() < 0.5:
        cut = zones[source]["start"] + rng.randint(-8, 8)
        if zones[source - 1]["start"] < cut < zones[source]["end"]:
            zones[source - 1]["end"] = zones[source]["start"] = cut
    spans = {(e["start"], e["end"]) for e in entities}
    stances = []
    for s in layer["stances"]:
        holder = s["holder"]
        if isinstance(holder, dict) and (holder["start"], holder["end"]) not in spans:
            continue
        s = dict(s)
        if rng.random() < 0.25:
            s["value"] = rng.choice(STANCE_VALUES)
        stances.append(s)
    return {"zones": zones, "entities": entities, "stances": stances}


def records(count: int, dense: bool = False, labelers=("a", "b")):
    seeds = seed_texts()
    label = dense_labeler if dense else first_labeler
    for i in range(count):
        text = synthetic_text(seeds, i)
        rng = random.Random(i)
        base = label(text, rng)
        layers = {labelers[0]: base}
        for name in labelers[1:]:
            layers[name] = noisy_copy(base, text, rng)
        yield ImportRecord(Document(f"doc{i:06d}", text, {"synthetic": i}), layers, f"#{i}")


def build(path: Path, count: int, dense: bool) -> None:
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with Project.create(tmp) as project:
        for n, outcome in enumerate(project.import_documents(records(count, dense), "bench"), 1):
            if outcome.state == "rejected":
                raise SystemExit(f"synthetic record rejected: {outcome.message}")
            if n % 10000 == 0:
                print(f"  built {n} documents", file=sys.stderr)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.replace(path)
    print(f"built {path} ({count} documents) in {time.perf_counter() - started:.1f} s")


def read_floor(path: Path) -> float:
    """Seconds to read every document's text and both labelers' layers (undecoded JSON)."""
    import sqlite3

    started = time.perf_counter()
    conn = sqlite3.connect(path)
    for _row in conn.execute("SELECT doc, name, data FROM layers WHERE name IN ('a', 'b')"):
        pass
    for _row in conn.execute("SELECT seq, id, text FROM documents"):
        pass
    conn.close()
    return time.perf_counter() - started


def _cpu_seconds() -> list[float]:
    """[this process, its finished children] CPU seconds; [] where unknown (Windows)."""
    try:
        import resource
    except ImportError:
        return []
    return [sum(resource.getrusage(who)[:2])
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]


def _agree(path: Path, *extra: str) -> tuple[float, dict]:
    from click.testing import CliRunner

    from annotator.cli import main as cli

    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["agree", str(path), "--json", *extra],
                                catch_exceptions=False)
    return time.perf_counter() - started, json.loads(result.output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "out",
                        help="Where the built project is kept (default: benchmarks/out, "
                             "which git ignores).")
    parser.add_argument("--dense", action="store_true",
                        help="Every occurrence of the names marked (~60 entities a document).")
    parser.add_argument("--split", action="store_true",
                        help="Also time reading the layers and the metrics apart.")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    path = args.keep / f"agree-{'dense' if args.dense else 'realistic'}-{args.documents}.db"
    if not path.exists():
        build(path, args.documents, args.dense)

    from annotator.core import agreement
    from annotator.core.model import set_zone
    from annotator.store.tallies import forget_tallies, iter_labeler_marks

    with Project.open(path) as project:
        forget_tallies(project)
    read = read_floor(path)
    cpu_before = _cpu_seconds()
    cold, report = _agree(path)
    cpu = [after - before for after, before in zip(_cpu_seconds(), cpu_before)]
    pair = report["entities"]["pairs"]["a|b"]
    print(f"annotator agree --json, {report['documents_compared']} "
          f"{'dense' if args.dense else 'realistic'} documents × 2 labelers (target ≤ 10 s), "
          f"{os.cpu_count()} cores:")
    print(f"  floor: reading both layers and the texts, one process: {read:.1f} s")
    print(f"  first run (every document computed, counts kept): {cold:.1f} s "
          f"= {cold / read:.1f}× the floor")
    if cpu:  # less bent by other jobs on the machine than the wall-clock figures
        print(f"    CPU: worker processes {cpu[1]:.1f} s, this process {cpu[0]:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f}")
    warm, again = _agree(path)
    assert again == report
    print(f"  next run (counts kept, nothing changed):           {warm:.1f} s")
    edited = max(1, args.documents // 100)
    with Project.open(path) as project:
        for doc_id in project.document_ids(0, edited):
            project.edit(doc_id, "b", "bench", "zone",
                         lambda layer: set_zone(layer, 0, 5, "source"))
    incremental, _ = _agree(path)
    print(f"  after {edited} documents were edited:              {incremental:.1f} s")
    summary, _ = _agree(path, "--summary")
    print(f"  --summary (no per-document figures):              {summary:.1f} s")
    with Project.open(path) as project:
        for doc_id in project.document_ids(0, edited):
            project.undo(doc_id, "b", "bench")
    print(f"  entity exact F1 {pair['exact']['f1']:.3f}, overlap F1 {pair['overlap']['f1']:.3f}, "
          f"token kappa {pair['token_cohen_kappa']:.3f}; zone char kappa "
          f"{report['zones']['pairs']['a|b']['char_cohen_kappa']:.3f}; stance alpha "
          f"{report['stance']['krippendorff_alpha']:.3f}")
    if args.split:  # in this one process
        with Project.open(path) as project:
            started = time.perf_counter()
            docs = list(iter_labeler_marks(project, ["a", "b"]))
            read = time.perf_counter() - started
        started = time.perf_counter()
        agreement.compute(docs, ["a", "b"])
        metrics = time.perf_counter() - started
        print(f"  one process: reading the layers {read:.1f} s, the metrics {metrics:.1f} s")


if __name__ == "__main__":
    main()
