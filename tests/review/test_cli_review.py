"""`annotator pack / merge / agree / review-queue` as a data engineer runs them."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main as cli
from annotator.store import Project
from annotator.store.tallies import project_agreement

from .conftest import annotate


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def project_path(seeded):
    path = seeded.path
    seeded.close()
    return path


def _pack_and_annotate(project_path, out):
    result = run("pack", project_path, "--to", out, "--labelers", "a,b", "--overlap", "1")
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.db"))
    assert [f.name for f in files] == ["seeded.a.db", "seeded.b.db"]
    for seed, path in enumerate(files):
        with Project.open(path) as batch:
            annotate(batch, path.stem.split(".")[-1], seed)
    return files


def test_pack_merge_agree(project_path, tmp_path):
    files = _pack_and_annotate(project_path, tmp_path / "out")
    result = run("merge", project_path, *files)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and "a: 5 layers merged" in lines[0] and "b: 5 layers merged" in lines[1]
    again = run("merge", project_path, *files)
    assert again.exit_code == 0
    assert "0 layers merged, 0 kept (the project's are later), 5 unchanged; 0 history rows" \
        in again.stdout

    result = run("agree", project_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    with Project.open(project_path) as project:
        assert report == json.loads(json.dumps(project_agreement(project)))
        assert list(report["documents"]) == project.document_ids()
    assert report["stance"]["cohen_kappa"] is not None
    summary = json.loads(run("agree", project_path, "--json", "--summary").stdout)
    assert "documents" not in summary and summary["entities"] == report["entities"]
    text = run("agree", project_path, "--tolerance", "0")
    assert text.exit_code == 0
    assert "entities a|b: exact P" in text.stdout and "boundary F1 (±0)" in text.stdout
    assert "Krippendorff alpha" in text.stdout


def test_merge_refuses_foreign_files_one_line_each_and_goes_on(project_path, tmp_path):
    files = _pack_and_annotate(project_path, tmp_path / "out")
    other = tmp_path / "other.db"
    assert run("init", other).exit_code == 0
    missing = tmp_path / "nowhere.db"
    result = run("merge", project_path, other, missing, files[0])
    assert result.exit_code != 0
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"annotator: {other}: belongs to another project")
    assert str(missing) in errors[1]
    assert "a: 5 layers merged" in result.stdout          # the good file still came in
    with Project.open(files[1]) as batch, batch.write():
        batch.conn.execute("UPDATE project SET value = value || '#' WHERE key = 'schema'")
    result = run("merge", project_path, files[1])
    assert result.exit_code != 0
    assert result.stderr.strip() == (f"annotator: {files[1]}: its label schema differs from "
                                      "this project's; merge refused")
    with Project.open(project_path) as project:
        assert "b" not in project.layer_names()


def test_pack_refuses_to_overwrite(project_path, tmp_path):
    assert run("pack", project_path, "--to", tmp_path, "--labelers", "a,b").exit_code == 0
    result = run("pack", project_path, "--to", tmp_path, "--labelers", "a,b")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "already exists" in result.stderr
    forced = run("pack", project_path, "--to", tmp_path, "--labelers", "a,b", "--force",
                 "--overlap", "0.4", "--seed", "9")
    assert forced.exit_code == 0
    assert [line.split(": ")[1].split(",")[0] for line in forced.stdout.splitlines()] == ["a", "b"]
    bad = run("pack", project_path, "--to", tmp_path, "--labelers", "a,gold", "--force")
    assert bad.exit_code != 0 and "'gold' cannot be a labeler's name" in bad.stderr


def test_agree_needs_two_labelers_and_known_layers(project_path):
    result = run("agree", project_path)
    assert result.exit_code != 0 and "needs two labelers" in result.stderr
    result = run("agree", project_path, "--layers", "a,zz")
    assert result.exit_code != 0 and "no layer named 'a'" in result.stderr


def test_review_queue(project_path, tmp_path):
    files = _pack_and_annotate(project_path, tmp_path / "out")
    assert run("merge", project_path, *files).exit_code == 0
    result = run("review-queue", project_path, "--as", "rev", "--json")
    rows = json.loads(result.stdout)
    counts = [r["disagreements"] for r in rows]
    assert len(rows) == 5 and counts == sorted(counts, reverse=True) and counts[0] > 0
    with Project.open(project_path) as project:
        project.set_status(rows[0]["id"], "rev", "reviewed")
    text = run("review-queue", project_path, "--as", "rev")
    header, first = text.stdout.splitlines()[:2]
    assert header.split() == ["disagreements", "status", "document"]
    assert first.split() == [str(counts[0]), "reviewed", rows[0]["id"]]
    assert "1 of 5 reviewed" in text.stderr


def test_a_real_process_exits_non_zero_on_a_foreign_file(project_path, tmp_path):
    other = tmp_path / "other.db"
    Project.create(other).close()
    done = subprocess.run([sys.executable, "-m", "annotator", "merge", str(project_path),
                           str(other)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "belongs to another project" in done.stderr


def test_export_counts_documents_not_layers(project_path, tmp_path):
    files = _pack_and_annotate(project_path, tmp_path / "out")
    assert run("merge", project_path, *files).exit_code == 0
    with Project.open(project_path) as project:
        documents = project.count_documents()
    result = run("export", project_path, "--format", "conll", "-o", tmp_path / "all.conll")
    assert result.exit_code == 0, result.stderr
    assert f"exported {documents} documents" in result.stderr     # not one per layer


def test_stats_lists_the_reviewer_as_a_reviewer(project_path, tmp_path):
    files = _pack_and_annotate(project_path, tmp_path / "out")
    assert run("merge", project_path, *files).exit_code == 0
    with Project.open(project_path) as project:
        project.set_status(project.document_ids()[0], "rev", "reviewed")
    out = run("stats", project_path).stdout
    assert "reviewer rev: reviewed 1" in out
    assert "annotator rev" not in out


def test_stats_after_merge_counts_only_the_documents_each_labeler_was_given(project_path,
                                                                            tmp_path):
    result = run("pack", project_path, "--to", tmp_path / "out", "--labelers", "a,b",
                 "--overlap", "0")
    assert result.exit_code == 0, result.output
    given = {}
    for path in sorted((tmp_path / "out").glob("*.db")):
        with Project.open(path) as batch:
            labeler = path.stem.split(".")[-1]
            given[labeler] = batch.document_ids()
            batch.set_status(given[labeler][0], labeler, "done")
    assert sorted(len(ids) for ids in given.values()) == [2, 3]  # 5 seeds, no overlap
    assert run("merge", project_path, *sorted((tmp_path / "out").glob("*.db"))).exit_code == 0
    with Project.open(project_path) as project:
        for labeler, ids in given.items():
            counts = project.status_counts(labeler)
            assert counts["done"] == 1 and counts["todo"] == len(ids) - 1
            assert sum(counts.values()) == len(ids)
        assert project.status_counts("someone else")["todo"] == 5  # labels in the project
    out = run("stats", project_path).stdout
    for labeler, ids in given.items():
        assert f"annotator {labeler}: todo {len(ids) - 1}, done 1;" in out
