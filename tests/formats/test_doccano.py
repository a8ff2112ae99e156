import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import SUGGESTIONS
from annotator.core.schema import Schema
from annotator.formats import Rejected
from annotator.formats.doccano import read

from .conftest import TEXT_A, TEXT_C, export, import_into, span


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_export_lines_with_code_point_spans(annotated, tmp_path):
    out = tmp_path / "d.jsonl"
    assert export(annotated, "doccano", out) == 5
    rows = lines(out)
    assert [(r["id"], r.get("layer")) for r in rows] == [
        ("a", "alice"), ("a", "gold"), ("a", "suggestions"), ("b", "gold"), ("c", None)]
    gold = rows[1]
    assert gold["text"] == TEXT_A
    assert [TEXT_A[s:e] for s, e, _ in gold["label"]] == [
        "يوآف جالانت", "المختطَفين", "غزة 🇵🇸", "جالانت", "حماس", "=SUM(A1)"]
    assert [*span(TEXT_A, "غزة 🇵🇸"), "LOC"] in gold["label"]
    assert rows[-1] == {"id": "c", "text": TEXT_C, "label": []}


def test_export_import_export_is_byte_identical(annotated, tmp_path):
    first = tmp_path / "first.jsonl"
    export(annotated, "doccano", first, layer="gold")
    proj, counts = import_into(tmp_path / "again.db", [first], fmt="doccano", layer="gold")
    assert counts["added"] == 2 and counts["rejected"] == 0
    second = tmp_path / "second.jsonl"
    export(proj, "doccano", second, layer="gold")
    assert second.read_bytes() == first.read_bytes()
    assert proj.get_layer("b", "gold").entities == annotated.get_layer("b", "gold").entities
    proj.close()


def test_older_and_newer_doccano_shapes(tmp_path):
    text = "😀 قال جالانت إن المختطَفين في غزة 🇵🇸"
    per, misc, loc = span(text, "جالانت"), span(text, "المختطَفين"), span(text, "غزة 🇵🇸")
    path = tmp_path / "shapes.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"text": text, "label": [[*per, "PERS"]]},
        {"id": 7, "data": text + " ", "labels": [[*misc, "MISC"]]},
        {"id": 8, "text": text + "  ", "entities": [
            {"id": 1, "label": "LOC", "start_offset": loc[0], "end_offset": loc[1]}],
         "relations": []},
        {"text": text + "   ", "label": []},
    ]) + "\n", encoding="utf-8")
    records = list(read(path, schema=Schema.default()))
    assert [r.doc.id for r in records] == ["shapes-1", "7", "8", "shapes-4"]
    assert [r.layers[SUGGESTIONS]["entities"] for r in records[:3]] == [
        [{"start": per[0], "end": per[1], "label": "PER"}],
        [{"start": misc[0], "end": misc[1], "label": "MISC"}],
        [{"start": loc[0], "end": loc[1], "label": "LOC"}]]
    assert records[3].layers == {}


def test_crlf_offsets_are_moved_to_the_stored_text(tmp_path):
    raw = "سطر\r\nقال جالانت\r\nغزة"
    path = tmp_path / "crlf.jsonl"
    path.write_text(json.dumps({"id": "x", "text": raw, "label": [[*span(raw, "جالانت"), "PER"],
                                                                  [*span(raw, "غزة"), "LOC"]]},
                               ensure_ascii=False), encoding="utf-8")
    proj, counts = import_into(tmp_path / "p.db", [path], fmt="doccano")
    assert counts["rejected"] == 0
    text = proj.get_text("x")
    assert [text[e.start:e.end] for e in proj.get_layer("x", SUGGESTIONS).entities] == \
        ["جالانت", "غزة"]
    proj.close()


def test_bad_lines_are_named_and_the_rest_imported(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": "سليم"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": "تصنيف", "label": ["positive"]}),
        json.dumps({"text": "قصير", "label": [[0, 99, "PER"]]}),
        json.dumps({"text": "تسمية", "label": [[0, 2, "NOPE"]]}),
        json.dumps({"text": "ناقص", "label": [[0, 2]]}),
        json.dumps({"label": []}),
        json.dumps({"text": "سليم أيضاً", "label": [[0, 4, "PER"]]}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    results = list(read(path, schema=Schema.default()))
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6, 7)]
    assert "class names" in rejected[1].message and "outside" in rejected[2].message
    assert "NOPE" in rejected[3].message
    assert [r.doc.text for r in results if not isinstance(r, Rejected)] == ["سليم", "سليم أيضاً"]

    project = tmp_path / "p.db"
    runner = CliRunner()
    runner.invoke(main, ["init", str(project)])
    result = runner.invoke(main, ["import", str(project), str(path), "--format", "doccano"])
    assert result.exit_code == 1
    assert "2 added" in result.output and f"{path}:3:" in result.output
