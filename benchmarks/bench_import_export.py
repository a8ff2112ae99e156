"""Import and export throughput against the floor, and memory as the corpus grows.

    python benchmarks/bench_import_export.py [--sizes 10000,50000,100000]

For each size N: writes N seed-like articles (the seeds' paragraphs recombined) as .txt files
(cached under benchmarks/out/), then, each in a fresh process so peak memory is its own:
  import  — `annotator import` logic (read, decode, hash, dedupe, insert in batches)
  floor   — read the same files and a plain sqlite3 executemany insert of (id, text)
  export  — native JSONL of every document to a file
and prints docs/s, the import/floor ratio and peak RSS. Targets (2-core machine): 100,000
articles imported in < 20 s (>= 5,000 docs/s) and within 3x of the floor; export >= 10,000
docs/s; memory flat as N grows.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))


def corpus(n: int) -> Path:
    folder = OUT / f"corpus-{n}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = [p for seed in sorted((ROOT / "seeds").glob("*.txt"))
                  for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(n)
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(exist_ok=True)
        body = "\n\n".join(rng.choice(paragraphs) for _ in range(8)) + f"\n\n[{i}]\n"
        (sub / f"doc{i:06d}.txt").write_text(body, encoding="utf-8")
    done.touch()
    return folder


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def run_import(folder: Path, db: Path) -> dict:
    from annotator.cli import run_import as do_import
    from annotator.store import Project

    db.unlink(missing_ok=True)
    with Project.create(db) as proj:
        start = time.perf_counter()
        counts = do_import(proj, [folder], None, None, quiet=True)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "docs": counts["added"], "rss_mb": peak_rss_mb()}


def run_floor(folder: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT)")
    start = time.perf_counter()
    files = sorted(folder.rglob("*.txt"))
    rows = []
    for path in files:
        rows.append((path.stem, path.read_text(encoding="utf-8")))
        if len(rows) == 500:
            with conn:
                conn.executemany("INSERT INTO documents VALUES (?, ?)", rows)
            rows = []
    with conn:
        conn.executemany("INSERT INTO documents VALUES (?, ?)", rows)
    seconds = time.perf_counter() - start
    conn.close()
    return {"seconds": seconds, "docs": len(files), "rss_mb": peak_rss_mb()}


def run_export(db: Path, out: Path) -> dict:
    from annotator.formats import ExportOptions, jsonl
    from annotator.store import Project

    with Project.open(db) as proj:
        start = time.perf_counter()
        count = jsonl.write(proj, out, ExportOptions())
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "docs": count, "rss_mb": peak_rss_mb()}


def in_child(step: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", step, *args],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        step, *rest = args.child
        paths = [Path(p) for p in rest]
        result = {"import": lambda: run_import(*paths), "floor": lambda: run_floor(*paths),
                  "export": lambda: run_export(*paths)}[step]()
        print(json.dumps(result))
        return
    print(f"{'N':>8} {'import/s':>10} {'floor/s':>10} {'ratio':>6} {'export/s':>10} "
          f"{'import MB':>10} {'export MB':>10}")
    for n in (int(s) for s in args.sizes.split(",")):
        folder = corpus(n)
        db = OUT / f"bench-{n}.db"
        imp = in_child("import", str(folder), str(db))
        floor = in_child("floor", str(folder), str(OUT / f"floor-{n}.db"))
        exp = in_child("export", str(db), str(OUT / f"export-{n}.jsonl"))
        assert imp["docs"] == n and exp["docs"] == n, (imp, exp)
        print(f"{n:>8} {n / imp['seconds']:>10,.0f} {n / floor['seconds']:>10,.0f} "
              f"{imp['seconds'] / floor['seconds']:>6.2f} {n / exp['seconds']:>10,.0f} "
              f"{imp['rss_mb']:>10.0f} {exp['rss_mb']:>10.0f}   "
              f"(import {imp['seconds']:.1f} s, floor {floor['seconds']:.1f} s, "
              f"export {exp['seconds']:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
