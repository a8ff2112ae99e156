"""Building the search index (the first search) beside its floor, and later searches.

    python benchmarks/bench_search.py [--documents 100000] [--keep DIR]

Builds (once, kept under --keep) a project of N seed-like articles (the seeds' paragraphs
recombined, ~6 kB each, as bench_assist does). Then, in this one run:
  floor  — read every document's text, normalize it (core.arabic.normalize_text) and insert it
           into a plain FTS5 table (same tokenizer), all in one transaction, in a fresh file;
  index  — the project's first search: store.search.ensure_index from nothing;
  search — a few later searches, ms each.
Target (issue 13): index ≤ 2× the floor at 100,000 documents.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(path: Path, n: int) -> None:
    from annotator.core.model import Document
    from annotator.store import ImportRecord, Project

    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    paragraphs = [p for seed in sorted((ROOT / "seeds").glob("*.txt"))
                  for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(n)
    with Project.create(tmp) as proj:
        records = (ImportRecord(Document(f"doc{i:06d}", "\n\n".join(
            rng.choice(paragraphs) for _ in range(8)) + f"\n\n[{i}]\n")) for i in range(n))
        list(proj.import_documents(records))
        proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.replace(path)


def floor(project_path: Path, out: Path) -> float:
    from annotator.core.arabic import normalize_text

    for f in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        f.unlink(missing_ok=True)
    started = time.perf_counter()
    source = sqlite3.connect(project_path)
    conn = sqlite3.connect(out)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE VIRTUAL TABLE plain USING fts5(words, "
                 "tokenize = 'unicode61 remove_diacritics 0')")
    with conn:
        conn.executemany("INSERT INTO plain (rowid, words) VALUES (?, ?)",
                         ((seq, normalize_text(text)) for seq, text in
                          source.execute("SELECT seq, text FROM documents ORDER BY seq")))
    seconds = time.perf_counter() - started
    conn.close()
    source.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path,
                        default=Path(tempfile.gettempdir()) / "annotator-bench")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    path = args.keep / f"search-{args.documents}.db"
    if not path.exists():
        build(path, args.documents)

    from annotator.store import Project
    from annotator.store.search import ensure_index, search

    with Project.open(path) as proj:  # from nothing, as on a fresh project
        with proj.write():
            proj.conn.execute("DROP TABLE IF EXISTS search_index")
        proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain = floor(path, args.keep / "search-floor.db")
    with Project.open(path) as proj:
        started = time.perf_counter()
        steps = []
        ensure_index(proj, lambda done, total: steps.append(time.perf_counter()))
        index = time.perf_counter() - started
        gaps = [b - a for a, b in zip([started] + steps, steps)]
        print(f"search index, {args.documents:,} seed-like articles, {os.cpu_count()} cores:")
        print(f"  floor (plain FTS5 of the normalized text, one transaction): {plain:.1f} s")
        print(f"  first search builds the index:  {index:.1f} s = {index / plain:.2f}× the floor "
              f"(target ≤ 2×); {len(steps)} progress steps, longest {max(gaps or [0]):.2f} s "
              f"apart")
        if len(gaps) >= 10:
            tenth = len(gaps) // 10
            print(f"  first tenth of the batches {sum(gaps[:tenth]):.1f} s, last tenth "
                  f"{sum(gaps[-tenth:]):.1f} s")
        for query in ("غزة", "المختطَفين", "وزير الدفاع"):
            started = time.perf_counter()
            results = search(proj, query, limit=50)
            print(f"  search {query}: {(time.perf_counter() - started) * 1000:.0f} ms "
                  f"({len(results)} documents listed)")


if __name__ == "__main__":
    main()
