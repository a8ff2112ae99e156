"""A team on one project: 20 labelers and 2 reviewers, each a separate process, editing at
once for --seconds, on a PostgreSQL project and then on one SQLite file.

    python benchmarks/bench_team.py [--seconds 60] [--labelers 20] [--reviewers 2]
                                    [--backend both|postgresql|sqlite] [--url postgresql://…]

Without --url a PostgreSQL server is started in a temporary folder (pgserver, as the tests do).
Each labeler works on its own layer of documents that overlap with the others' (8 labelers per
document on average); the reviewers both edit `gold` on the same documents. Every edit toggles
a PER entity on a word: read the layer (the view on screen), think 50-300 ms, then edit through
project.edit like the window. Printed per backend:
  edits acknowledged (project.edit returned) and found afterwards in the change log (lost =
  acknowledged but not found; must be 0), p50/p95 edit latency, edits/s, and conflicts: edits
  made on a stale view (someone changed the layer between the read and the edit) that were
  applied on top of the current state, as the window does.
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCS = 40
WORDS = 60  # the first words of a document are the ones toggled
ACTION = "bench"


def _corpus():
    from annotator import SEEDS
    from annotator.core.model import Document
    from annotator.core.records import ImportRecord

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [ImportRecord(Document(f"doc{i:03d}", f"{texts[i % len(texts)]}\n#{i}", {}), {},
                         f"doc{i:03d}") for i in range(DOCS)]


def _worker(location: str, who: str, layer: str, docs: list[str], seconds: float, seed: int,
            ready, start, results) -> None:
    from annotator.core.errors import AnnotatorError
    from annotator.core.model import Entity, add_entity, remove_entity
    from annotator.store import Project

    rng = random.Random(seed)
    project = Project.open(location)
    spans = {}
    for doc in docs:
        text = project.get_text(doc)
        spans[doc] = [m.span() for m in re.finditer(r"\w+", text)][:WORDS]
    ready.release()
    start.wait()
    deadline = time.monotonic() + seconds
    latencies, acked, conflicts, refused = [], 0, 0, 0
    while time.monotonic() < deadline:
        doc = rng.choice(docs)
        a, b = rng.choice(spans[doc])
        view = project.get_layer(doc, layer)
        time.sleep(rng.uniform(0.05, 0.3))
        entity = Entity(a, b, "PER")
        stale = []

        def toggle(current, view=view, entity=entity, stale=stale):
            stale.append(current != view)
            if entity in current.entities:
                return remove_entity(current, entity)
            return add_entity(current, entity)

        t0 = time.perf_counter()
        try:
            project.edit(doc, layer, who, ACTION, toggle)
        except AnnotatorError:
            refused += 1
            continue
        latencies.append(time.perf_counter() - t0)
        acked += 1
        conflicts += bool(stale and stale[-1])
    project.close()
    results.put((who, acked, conflicts, refused, latencies))


def run(backend: str, location: str, seconds: float, labelers: int, reviewers: int) -> dict:
    from annotator.store import Project

    ctx = multiprocessing.get_context("spawn")
    ids = [f"doc{i:03d}" for i in range(DOCS)]
    rng = random.Random(7)
    people = [(f"labeler{i}", f"labeler{i}", rng.sample(ids, DOCS // 5)) for i in range(labelers)]
    people += [(f"reviewer{i}", "gold", ids[:DOCS // 4]) for i in range(reviewers)]
    ready = ctx.Semaphore(0)
    start = ctx.Event()
    results = ctx.Queue()
    procs = []
    for n, (who, layer, docs) in enumerate(people):
        where = location if backend == "sqlite" else location.replace("postgres@", f"{who}@")
        proc = ctx.Process(target=_worker, args=(where, who, layer, docs, seconds, n, ready,
                                                 start, results))
        proc.start()
        procs.append(proc)
    for _ in procs:
        ready.acquire()
    start.set()
    rows = [results.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    with Project.open(location) as project:
        found = {}
        for (who, n) in project.conn.execute(
                "SELECT who, count(*) FROM changes WHERE action = ? GROUP BY who", (ACTION,)):
            found[who] = n
    latencies = sorted(x for r in rows for x in r[4])
    acked = sum(r[1] for r in rows)
    lost = sum(max(0, r[1] - found.get(r[0], 0)) for r in rows)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"backend": backend, "acked": acked, "found": sum(found.values()), "lost": lost,
            "conflicts": sum(r[2] for r in rows), "refused": sum(r[3] for r in rows),
            "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "edits_per_s": acked / seconds}


def _setup(backend: str, tmp: Path, url: str | None, labelers: int, reviewers: int):
    from annotator.store import Project
    from annotator.store.pg_schema import add_user

    server = None
    if backend == "sqlite":
        location = str(tmp / "team.db")
    else:
        if url is None:
            import pgserver

            server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
            base = server.get_uri()
            import psycopg
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute("CREATE DATABASE team TEMPLATE template0 ENCODING 'UTF8'")
            url = f"postgresql://postgres@/team?host={tmp / 'pg'}"
        location = url
    with Project.create(location) as project:
        list(project.import_documents(_corpus()))
        if backend == "postgresql":
            for i in range(labelers):
                add_user(project.conn, f"labeler{i}", "labeler")
            for i in range(reviewers):
                add_user(project.conn, f"reviewer{i}", "reviewer")
    return location, server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--labelers", type=int, default=20)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--backend", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument("--url", help="a postgresql:// URL of an empty database (as its "
                                      "owner, user postgres); default: a temporary server")
    args = parser.parse_args(argv)
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(f"{args.labelers} labelers + {args.reviewers} reviewers, one process each, "
          f"{args.seconds:.0f} s, {DOCS} documents")
    print(f"{'backend':<11} {'acked':>6} {'found':>6} {'lost':>5} {'conflicts':>9} "
          f"{'refused':>7} {'p50 ms':>7} {'p95 ms':>7} {'edits/s':>8}")
    failed = False
    for backend in backends:
        tmp = Path(tempfile.mkdtemp(prefix="annteam"))
        server = None
        try:
            location, server = _setup(backend, tmp, args.url, args.labelers, args.reviewers)
            r = run(backend, location, args.seconds, args.labelers, args.reviewers)
        finally:
            if server is not None:
                server.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)
        failed |= r["lost"] > 0
        print(f"{r['backend']:<11} {r['acked']:>6} {r['found']:>6} {r['lost']:>5} "
              f"{r['conflicts']:>9} {r['refused']:>7} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
              f"{r['edits_per_s']:>8.1f}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
