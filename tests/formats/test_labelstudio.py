import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import SUGGESTIONS
from annotator.core.schema import Schema
from annotator.formats import Rejected
from annotator.formats.labelstudio import read

from .conftest import TEXT_A, export, import_into, span


def js_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_export_is_label_studio_tasks_with_code_point_offsets(annotated, tmp_path):
    out = tmp_path / "ls.json"
    assert export(annotated, "labelstudio", out) == 3
    tasks = json.loads(out.read_text(encoding="utf-8"))
    a, b, c = tasks
    assert a["data"] == {"text": TEXT_A, "id": "a"}
    assert a["meta"] == {"source": "a.txt", "note": "😀"}
    assert [x["ground_truth"] for x in a["annotations"]] == [False, True]  # alice, gold
    assert [p["model_version"] for p in a["predictions"]] == [SUGGESTIONS]
    for result in a["annotations"][1]["result"]:
        assert (result["from_name"], result["to_name"], result["type"]) == \
            ("label", "text", "labels")
        value = result["value"]
        assert TEXT_A[value["start"]:value["end"]] == value["text"]
    gaza = next(r["value"] for r in a["annotations"][1]["result"]
                if r["value"]["text"] == "غزة 🇵🇸")
    assert (gaza["start"], gaza["end"]) == span(TEXT_A, "غزة 🇵🇸")
    assert gaza["labels"] == ["LOC"]
    assert c["annotations"] == [] and c["predictions"] == []


def test_export_import_export_is_byte_identical(annotated, tmp_path):
    first = tmp_path / "first.json"
    export(annotated, "labelstudio", first, layer="gold")
    proj, counts = import_into(tmp_path / "again.db", [first], layer="gold")
    assert counts["added"] == 2 and counts["rejected"] == 0
    second = tmp_path / "second.json"
    export(proj, "labelstudio", second, layer="gold")
    assert second.read_bytes() == first.read_bytes()
    original = annotated.get_layer("a", "gold").entities
    assert proj.get_layer("a", "gold").entities == original
    proj.close()


def test_imports_land_in_suggestions_unless_a_layer_is_named(annotated, tmp_path):
    out = tmp_path / "ls.json"
    export(annotated, "labelstudio", out, layer="alice")
    proj, _ = import_into(tmp_path / "p.db", [out])  # .json ending picks Label Studio
    assert proj.layer_names() == [SUGGESTIONS]
    assert [e.label for e in proj.get_layer("a", SUGGESTIONS).entities] == ["PER", "LOC"]
    proj.close()


def label_studio_task(text, spans, **extra):
    """A task the way Label Studio itself exports it."""
    return {"id": 17, "data": {"text": text}, "annotations": [{
        "id": 3, "completed_by": 1, "was_cancelled": False, "ground_truth": False,
        "result": [{"id": f"r{i}", "from_name": "label", "to_name": "text", "type": "labels",
                    "origin": "manual",
                    "value": {"start": s, "end": e, "text": t, "labels": [label]}}
                   for i, (s, e, t, label) in enumerate(spans)]}], **extra}


def test_old_label_studio_utf16_offsets_are_recognised_by_the_span_text(tmp_path):
    text = "😀🇵🇸 قال جالانت عن حماس 😀"
    s, e = span(text, "جالانت")
    s2, e2 = span(text, "حماس 😀")
    task = label_studio_task(text, [
        (js_offset(text, s), js_offset(text, e), "جالانت", "PERS"),
        (js_offset(text, s2), js_offset(text, e2), "حماس 😀", "ORG")])
    path = tmp_path / "old.json"
    path.write_text(json.dumps([task], ensure_ascii=False, indent=2), encoding="utf-8")
    [record] = list(read(path, schema=Schema.default()))
    assert record.doc.id == "17"
    assert record.layers[SUGGESTIONS]["entities"] == [
        {"start": s, "end": e, "label": "PER"}, {"start": s2, "end": e2, "label": "ORG"}]


def test_crlf_text_offsets_are_moved_to_the_stored_text(tmp_path):
    raw = "سطر أول\r\nقال المختطَفين\r\n😀 غزة"
    s, e = span(raw, "المختطَفين")
    s2, e2 = span(raw, "غزة")
    path = tmp_path / "crlf.json"
    path.write_text(json.dumps([label_studio_task(raw, [(s, e, "المختطَفين", "MISC"),
                                                        (s2, e2, "غزة", "LOC")])]),
                    encoding="utf-8")
    proj, counts = import_into(tmp_path / "p.db", [path], layer="gold")
    assert counts["rejected"] == 0
    text = proj.get_text("17")
    assert "\r" not in text
    assert [text[x.start:x.end] for x in proj.get_layer("17", "gold").entities] == \
        ["المختطَفين", "غزة"]
    proj.close()


def test_ground_truth_wins_predictions_are_used_alone_and_extras_are_reported(tmp_path):
    text = "قال جالانت عن حماس"
    per, org = span(text, "جالانت"), span(text, "حماس")
    both = label_studio_task(text, [(*per, "جالانت", "PER")])
    both["annotations"].append({"ground_truth": True, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": org[0], "end": org[1], "text": "حماس", "labels": ["ORG"]}}]})
    both["annotations"].append({"was_cancelled": True, "result": []})
    predicted = {"data": {"text": text + "!"}, "predictions": [{"model_version": "m", "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": per[0], "end": per[1], "labels": ["PER"]}},
        {"from_name": "sentiment", "to_name": "text", "type": "choices",
         "value": {"choices": ["neg"]}}]}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([both, predicted], ensure_ascii=False, indent=1),
                    encoding="utf-8")
    results = list(read(path, schema=Schema.default()))
    first, note, second = results
    assert [e["label"] for e in first.layers[SUGGESTIONS]["entities"]] == ["ORG"]
    assert isinstance(note, Rejected) and note.where == f"{path}:2"
    assert "1 more annotation" in note.message
    assert second.doc.id == "tasks-2"
    assert second.layers[SUGGESTIONS]["entities"] == [
        {"start": per[0], "end": per[1], "label": "PER"}]


def test_bad_tasks_are_named_by_line_and_the_rest_imported(tmp_path):
    good = {"data": {"text": "نص سليم"}}
    path = tmp_path / "bad.json"
    path.write_text("[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in [
        good,
        {"data": {"content": "no text key"}},
        label_studio_task("قال جالانت", [(0, 3, "غلط", "PER")]),
        label_studio_task("قال جالانت", [(4, 10, "جالانت", "NOPE")]),
        {"data": {"text": "نص آخر سليم"}},
    ]) + "\n]", encoding="utf-8")
    results = list(read(path, schema=Schema.default()))
    assert [(r.where, type(r).__name__) for r in results] == [
        (f"{path}:2", "ImportRecord"), (f"{path}:3", "Rejected"), (f"{path}:4", "Rejected"),
        (f"{path}:5", "Rejected"), (f"{path}:6", "ImportRecord")]
    assert "does not match" in results[2].message and "NOPE" in results[3].message
    broken = tmp_path / "broken.json"
    broken.write_text('[{"data": {"text": "أ"}},\n{"data": ', encoding="utf-8")
    results = list(read(broken))
    assert results[0].doc.text == "أ"
    assert isinstance(results[1], Rejected) and results[1].where == f"{broken}:2"

    project = tmp_path / "p.db"
    runner = CliRunner()
    runner.invoke(main, ["init", str(project)])
    result = runner.invoke(main, ["import", str(project), str(path)])
    assert result.exit_code == 1
    assert "2 added" in result.output and f"{path}:3:" in result.output
