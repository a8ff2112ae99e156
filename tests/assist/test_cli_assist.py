"""`annotator assist / search / score` as a user runs them."""
import json
import subprocess
import sys

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import GOLD, SUGGESTIONS, Entity, Layer, add_entity
from annotator.store import Project

from .pages import gold_zones
from .test_zone_rules import SEED_GOLD


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def seeded_file(tmp_path, seed_dir):
    path = tmp_path / "p.db"
    assert run("init", path).exit_code == 0
    assert run("import", path, seed_dir).exit_code == 0
    return path


def test_assist_fills_suggestions_only(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    with Project.open(path) as proj:
        doc = proj.document_ids()[0]
        proj.edit(doc, "alice", "alice", "label",
                  lambda old: add_entity(old, Entity(0, 3, "MISC")))
        before = proj.get_layer(doc, "alice")
    result = run("assist", path, "--zones", "--docs", doc)
    assert result.exit_code == 0, result.stderr
    assert "suggested zones for 1 documents" in result.stderr
    with Project.open(path) as proj:
        assert proj.get_layer(doc, "alice") == before
        layer = proj.get_layer(doc, SUGGESTIONS)
        assert {z.label for z in layer.zones} == {"body", "source", "boilerplate"}
        assert not layer.entities
        assert [d for d in proj.document_ids() if proj.has_layer(d, SUGGESTIONS)] == [doc]
    result = run("assist", path, "-q")
    assert result.exit_code == 0 and result.stderr == ""
    with Project.open(path) as proj:
        for doc_id in proj.document_ids():
            assert proj.get_layer(doc_id, SUGGESTIONS).entities


def test_assist_with_only_project_names_and_a_user_gazetteer(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    with Project.open(path) as proj:
        ids = proj.document_ids()
        text = proj.get_text(ids[0])
        at = text.index("يوآف جالانت")
        proj.edit(ids[0], GOLD, "reviewer", "label",
                  lambda old: add_entity(old, Entity(at, at + 11, "PER")))
    assert run("assist", path, "--entities", "--no-gazetteer").exit_code == 0
    with Project.open(path) as proj:
        for doc_id in ids[1:]:
            text = proj.get_text(doc_id)
            names = {text[e.start:e.end] for e in proj.get_layer(doc_id, SUGGESTIONS).entities}
            assert names and names <= {"غالانت", "يوآف غالانت"}
    names = tmp_path / "names.tsv"
    names.write_text("البنتاغون\tORG\n", encoding="utf-8")
    assert run("assist", path, "--entities", "--gazetteer", names).exit_code == 0
    with Project.open(path) as proj:
        labels = {e.label for d in ids for e in proj.get_layer(d, SUGGESTIONS).entities}
    assert labels == {"PER", "ORG"}


def test_assist_errors_are_one_line_and_change_nothing(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    bad = tmp_path / "bad.tsv"
    bad.write_text("اسم\tPER\nبلا عمود\n", encoding="utf-8")
    result = run("assist", path, "--gazetteer", bad)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "bad.tsv:2:" in result.stderr
    result = run("assist", path, "--docs", "nope")
    assert result.exit_code == 2 and "no document 'nope'" in result.stderr
    rules = tmp_path / "rules.toml"
    rules.write_text('[zones]\nbody = "text"\n[[rules]]\nname = "a"\neffect = "line"\n'
                     'phrases = ["x"]\n', encoding="utf-8")
    result = run("assist", path, "--zones", "--rules", rules)
    assert result.exit_code == 2 and "lacks" in result.stderr
    with Project.open(path) as proj:
        assert SUGGESTIONS not in proj.layer_names()
    assert run("assist", tmp_path / "missing.db").exit_code == 2


def test_search_prints_ids_offsets_and_marked_snippets(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    result = run("search", path, "المختطفين")
    assert result.exit_code == 0
    lines = result.stdout.strip().split("\n")
    assert {line[:3] for line in lines} >= {"000", "001", "003", "004"}
    with Project.open(path) as proj:
        for line in lines:
            doc_id, count, span, snippet = line.split("\t")
            start, end = map(int, span.strip("[]").split(":"))
            assert proj.get_text(doc_id)[start:end] in ("المختطفين", "المختطَفين")
            assert "[" + proj.get_text(doc_id)[start:end] + "]" in snippet
    one = json.loads(run("search", path, "المختطَفين", "--json", "--limit", "1").stdout)
    assert len(one["hits"]) >= 1 and one["snippet"][slice(*one["snippet_hit"])]
    result = run("search", path, "كلمةغيرموجودة")
    assert result.exit_code == 1 and "no document" in result.stderr
    assert run("search", path, "؟!").exit_code == 2


def test_score_command_against_a_quick_gold(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    result = run("score", path)
    assert result.exit_code == 2 and "no layer 'gold'" in result.stderr
    assert run("assist", path).exit_code == 0
    with Project.open(path) as proj:
        for doc_id in proj.document_ids():
            text = proj.get_text(doc_id)
            zones = gold_zones(text, SEED_GOLD[doc_id[:3]])
            proj.edit(doc_id, GOLD, "reviewer", "gold",
                      lambda _old, zones=zones: Layer(zones))
    result = run("score", path, "--layer", "gold", "--against", "suggestions")
    assert result.exit_code == 0
    assert "zone boundaries (±3): precision 1.000  recall 1.000" in result.stdout
    assert "zone source" in result.stdout
    figures = json.loads(run("score", path, "--json").stdout)
    assert figures["documents"] == 5
    assert figures["zones"]["char_accuracy"] == 1.0
    # The gold has no entities: every suggested entity is a false positive.
    assert figures["entities"]["all"]["precision"] == 0.0


def test_real_process_search(tmp_path, seed_dir):
    path = seeded_file(tmp_path, seed_dir)
    done = subprocess.run([sys.executable, "-m", "annotator", "search", str(path), "غالانت",
                           "--limit", "3"], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().split("\n")) == 3
    assert "[غالانت]" in done.stdout
