"""Assist and search speed.

    python benchmarks/bench_assist.py [--sizes 2000,20000] [--unique-lines]

For each size N, a project of N seed-like articles (the seeds' paragraphs recombined, ~2 KB
each, with their boilerplate) is built under benchmarks/out/, then it prints:
  zones     — zone rules alone, documents/s
  entities  — entity suggestions alone (shipped gazetteer + one confirmed name), documents/s
  assist    — `annotator assist` (both, written to the suggestions layer), documents/s
  + model   — the same with the project's trained models (entity CRF, zone CRF; trained first
              on 50 documents whose suggestions a labeler "confirmed"), documents/s
  index     — building the search index on first search, documents/s
  search    — later searches (a common word, a rare word, two words), ms each
The seeds have 71 paragraphs (123 lines), so every line of these articles recurs hundreds of
times, and whatever remembers lines (the name index, the entity model, the zone rules) hits far
more often than on real news. --unique-lines makes every line of the project unique (a word of
the seeds inserted at a random place in each line): the honest figure for lines never seen
before.
Targets (2-core machine): assist (rules + model) >= 2,000 docs/s at 100,000 documents;
index >= 1,000 docs/s; a search over 20,000 documents < 300 ms.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))


def build(n: int, unique_lines: bool = False) -> Path:
    from annotator.core.model import Document, Entity, add_entity
    from annotator.store import ImportRecord, Project

    db = OUT / f"assist-{n}{'-unique' if unique_lines else ''}.db"
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    paragraphs = [p for seed in sorted((ROOT / "seeds").glob("*.txt"))
                  for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(n)
    vocabulary = sorted({w for p in paragraphs for w in p.split() if w.isalpha()})
    seen: set[str] = set()

    def unique(paragraph: str) -> str:
        lines = []
        for line in paragraph.split("\n"):
            words = line.split(" ")
            while " ".join(words) in seen:
                words.insert(rng.randint(min(1, len(words) - 1), max(1, len(words) - 1)),
                             rng.choice(vocabulary))
            seen.add(" ".join(words))
            lines.append(" ".join(words))
        return "\n".join(lines)

    def paragraph() -> str:
        chosen = rng.choice(paragraphs)
        return unique(chosen) if unique_lines else chosen

    OUT.mkdir(parents=True, exist_ok=True)
    with Project.create(db) as proj:
        records = (ImportRecord(Document(f"doc{i:06d}", "\n\n".join(
            paragraph() for _ in range(8)) + f"\n\n[{i}]\n")) for i in range(n))
        list(proj.import_documents(records))
        first = proj.document_ids(0, 1)[0]
        text = proj.get_text(first)
        at = text.find("غالانت")
        if at != -1:
            proj.edit(first, "alice", "alice", "label",
                      lambda old: add_entity(old, Entity(at, at + 6, "PER")))
    return db


def confirm_and_train(proj, count: int = 50) -> None:
    """A labeler confirms the suggestions of the first `count` documents (and marks them
    done); then the models are trained on them, as `annotator train` does."""
    from annotator.assist.training import train_entities, train_zone_model
    from annotator.core.model import SUGGESTIONS

    for doc_id in proj.document_ids(0, count):
        proj.put_layer(doc_id, "alice", proj.get_layer(doc_id, SUGGESTIONS), "alice", "label")
        proj.set_status(doc_id, "alice", "done")
    t = time.perf_counter()
    train_entities(proj, cross_validate=False)
    train_zone_model(proj)
    print(f"trained the models on {count} documents in {time.perf_counter() - t:.1f} s")


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} docs/s ({seconds:.2f} s)"


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process, and of its finished children (assist's worker processes)."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def timed_assist(proj, n: int) -> str:
    """`annotator assist` over the project (worker processes from a few thousand documents
    on): its rate, and the CPU it took a document (this process and the workers: on a machine
    shared with other jobs, the figure that moves least), and of that this process's (the
    writing, and the suggesting where it runs alone)."""
    from annotator.assist import assist_documents
    from annotator.assist.workers import worker_count
    workers = worker_count(proj, proj.document_ids(), None)
    (own, children), t = cpu_seconds(), time.perf_counter()
    assist_documents(proj)
    seconds = time.perf_counter() - t
    own_after, children_after = cpu_seconds()
    own, children = own_after - own, children_after - children
    return f"{rate(n, seconds)}, {(own + children) * 1000 / n:.2f} ms CPU a document " \
        f"(this process {own * 1000 / n:.2f}), {workers} process{'es' if workers > 1 else ''}"


def bench(n: int, unique_lines: bool = False, searches: bool = True) -> None:
    from annotator.assist import build_index, default_rules
    from annotator.store import Project
    from annotator.store.search import search

    db = build(n, unique_lines)
    with Project.open(db) as proj:
        texts = [doc.text for doc in proj.iter_documents()]
        rules = default_rules()
        t = time.perf_counter()
        for text in texts:
            rules.suggest(text)
        print(f"N={n:,}  zones     {rate(n, time.perf_counter() - t)}")
        t = time.perf_counter()
        names = build_index(proj)
        built = time.perf_counter() - t
        t = time.perf_counter()
        for text in texts:
            names.find(text)
        print(f"N={n:,}  entities  {rate(n, time.perf_counter() - t)} "
              f"(+{built:.2f} s to gather {len(names)} names)")
        print(f"N={n:,}  assist    {timed_assist(proj, n)}")
        confirm_and_train(proj)
        print(f"N={n:,}  + model   {timed_assist(proj, n)} (floor 2,000 docs/s)")
        if not searches:
            return
        t = time.perf_counter()
        search(proj, "المختطفين")
        print(f"N={n:,}  index     {rate(n, time.perf_counter() - t)} (first search)")
        for query in ("غزة", "المختطَفين", "وزير الدفاع"):
            t = time.perf_counter()
            results = search(proj, query, limit=50)
            print(f"N={n:,}  search    {query}: {(time.perf_counter() - t) * 1000:.0f} ms "
                  f"({len(results)} documents listed)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000")
    parser.add_argument("--unique-lines", action="store_true",
                        help="no line of the project occurs twice (see the top of this file)")
    parser.add_argument("--no-search", action="store_true", help="assist only")
    args = parser.parse_args()
    for n in map(int, args.sizes.split(",")):
        bench(n, args.unique_lines, not args.no_search)


if __name__ == "__main__":
    main()
