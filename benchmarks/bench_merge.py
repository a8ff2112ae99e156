"""Merging a labeler's file back (target: a 10,000-document file in ≤ 10 s).

    python benchmarks/bench_merge.py [--documents N] [--keep DIR]

Builds (once, kept under --keep) a project of N documents (the seed articles, made unique) and
packs them all for labeler "a"; in that file the labeler makes three edits per document (zones,
entities, stances: the synthetic layers of bench_agreement) and sets a status with time spent.
Then times, on a fresh copy of the project each time: the first merge (every layer, status
and history row comes in), the same file again (nothing changes), and the file after the
labeler edited another 10 % of the documents.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_agreement import first_labeler, seed_texts, synthetic_text  # noqa: E402

from annotator.core.model import Document, layer_from_json, set_zone  # noqa: E402
from annotator.store import ImportRecord, Project  # noqa: E402
from annotator.store.batches import merge, pack  # noqa: E402


def build(folder: Path, count: int) -> tuple[Path, Path]:
    project_path, batch_path = folder / f"merge-{count}.db", folder / f"merge-{count}.a.db"
    if project_path.exists() and batch_path.exists():
        return project_path, batch_path
    for leftover in folder.glob(f"merge-{count}*"):
        leftover.unlink()
    started = time.perf_counter()
    seeds = seed_texts()
    with Project.create(project_path) as project:
        records = (ImportRecord(Document(f"doc{i:06d}", synthetic_text(seeds, i), {}))
                   for i in range(count))
        for _outcome in project.import_documents(records, "bench"):
            pass
        (packed,) = pack(project, folder / "packed", ["a"], overlap=0.0)
    shutil.move(packed.path, batch_path)
    with Project.open(batch_path) as batch:
        ids = batch.document_ids()
        for start in range(0, len(ids), 500):
            with batch.write():  # one commit per 500 documents: only to build faster
                for doc_id in ids[start:start + 500]:
                    text = batch.get_text(doc_id)
                    target = layer_from_json(first_labeler(text, random.Random(doc_id)), text)
                    batch.edit(doc_id, "a", "a", "zone", lambda l: replace(l, zones=target.zones))
                    batch.edit(doc_id, "a", "a", "entity",
                               lambda l: replace(l, entities=target.entities))
                    batch.edit(doc_id, "a", "a", "stance",
                               lambda l: replace(l, stances=target.stances))
                    batch.set_status(doc_id, "a", "done", note="", add_seconds=42)
        batch.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {project_path.name} and {batch_path.name} ({count} documents, 3 edits each) "
          f"in {time.perf_counter() - started:.0f} s")
    return project_path, batch_path


def timed_merge(project_path: Path, batch_path: Path):
    with Project.open(project_path) as project:
        started = time.perf_counter()
        result = merge(project, batch_path)
        return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--keep", type=Path,
                        default=Path(tempfile.gettempdir()) / "annotator-bench")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    project_path, batch_path = build(args.keep, args.documents)
    work = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        target = work / "project.db"
        shutil.copy(project_path, target)
        first, result = timed_merge(target, batch_path)
        print(f"merge of a {args.documents}-document labeler file (target ≤ 10 s): {first:.1f} s "
              f"({result.taken} layers, {result.history} history rows, {result.statuses} statuses)")
        again, result = timed_merge(target, batch_path)
        print(f"  the same file again: {again:.1f} s ({result.taken} layers changed, "
              f"{result.unchanged} unchanged)")
        later = work / "later.a.db"
        shutil.copy(batch_path, later)
        with Project.open(later) as batch:
            ids = batch.document_ids()[: max(1, len(batch.document_ids()) // 10)]
            with batch.write():
                for doc_id in ids:
                    batch.edit(doc_id, "a", "a", "zone", lambda l: set_zone(l, 0, 3, "source"))
        third, result = timed_merge(target, later)
        print(f"  after the labeler edited {len(ids)} more documents: {third:.1f} s "
              f"({result.taken} layers taken, {result.history} history rows)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
