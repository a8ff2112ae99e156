"""Opening the review queue on a large project (target: ≤ 1 s at 100,000 documents).

    python benchmarks/bench_review_queue.py [--documents N] [--keep DIR]

Uses the project bench_agreement.py builds (seed-like documents, labelers a and b, kept under
--keep; built here if missing). The queue's counts are the ones agreement keeps: if the project
has none yet they are computed first (that is the first `annotator agree`, timed there), then:
  open  — store.tallies.review_queue: bring the kept counts up to date and read the first page
  all   — the whole queue (what `annotator review-queue` prints)
  edit  — open again after 100 documents were edited (their counts computed again)
each in a freshly opened project.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    import bench_agreement

    from annotator.core.model import set_zone
    from annotator.store import Project
    from annotator.store.tallies import project_agreement, review_queue

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    # The same folder as bench_agreement, so the project it built (and its kept counts) is reused.
    parser.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    path = args.keep / f"agree-realistic-{args.documents}.db"
    if not path.exists():
        bench_agreement.build(path, args.documents, False)
    with Project.open(path) as project:
        started = time.perf_counter()
        project_agreement(project, per_document=False)
        print(f"review queue, {args.documents:,} documents × 2 labelers:")
        print(f"  counts brought up to date beforehand: {time.perf_counter() - started:.1f} s")

    def timed(**page) -> tuple[float, list]:
        with Project.open(path) as project:
            started = time.perf_counter()
            rows = review_queue(project, reviewer="rev", **page)
            return time.perf_counter() - started, rows

    seconds, rows = timed(limit=100)
    print(f"  open (first page of 100):  {seconds:.2f} s (target ≤ 1 s); top counts "
          f"{[n for _d, n, _s in rows[:5]]}")
    seconds, rows = timed()
    print(f"  the whole queue ({len(rows):,} rows): {seconds:.2f} s")
    with Project.open(path) as project:
        ids = project.document_ids(0, 100)
        for doc_id in ids:
            project.edit(doc_id, "b", "bench", "zone", lambda layer: set_zone(layer, 0, 5, "source"))
    seconds, _rows = timed(limit=100)
    print(f"  open after 100 documents were edited: {seconds:.2f} s")
    with Project.open(path) as project:
        for doc_id in ids:
            project.undo(doc_id, "b", "bench")


if __name__ == "__main__":
    main()
