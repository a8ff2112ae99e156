import json
import subprocess
import sys

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Project

from .conftest import TEXT_A, export, import_into, span


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def js_length(text: str) -> int:
    """What JavaScript's String.length says: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def test_utf16_offsets_are_what_javascript_counts(annotated, tmp_path):
    out = tmp_path / "gold.jsonl"
    export(annotated, "jsonl", out, layer="gold", utf16=True)
    by_id = {x["id"]: x for x in lines(out)}
    a = by_id["a"]
    for item in a["entities"] + a["zones"]:
        assert item["start_utf16"] == js_length(TEXT_A[:item["start"]])
        assert item["end_utf16"] == js_length(TEXT_A[:item["end"]])
    gaza = next(e for e in a["entities"] if e["text"] == "غزة 🇵🇸")
    # two 😀 before it (one unit more each), the flag inside it (two code points, four units)
    assert gaza["start_utf16"] == gaza["start"] + 2
    assert gaza["end_utf16"] == gaza["end"] + 4
    stance = a["stances"][1]
    assert stance["evidence_utf16"] == [[js_length(TEXT_A[:s]), js_length(TEXT_A[:e])]
                                        for s, e in stance["evidence"]]
    holder = stance["holder"]
    assert holder["start_utf16"] == js_length(TEXT_A[:holder["start"]])
    b = by_id["b"]
    assert b["entities"][0]["end_utf16"] == b["entities"][0]["end"] + 4  # 🇵🇸🇵🇸 inside


def test_utf16_export_round_trips_byte_for_byte(annotated, tmp_path):
    first = tmp_path / "first.jsonl"
    export(annotated, "jsonl", first, layer="all", utf16=True)
    proj, counts = import_into(tmp_path / "again.db", [first])
    assert counts["rejected"] == 0 and counts["added"] == 3
    second = tmp_path / "second.jsonl"
    export(proj, "jsonl", second, layer="all", utf16=True)
    assert second.read_bytes() == first.read_bytes()
    plain = tmp_path / "plain.jsonl"
    export(proj, "jsonl", plain, layer="all")
    assert "_utf16" not in plain.read_text(encoding="utf-8")
    proj.close()


def test_layer_option_selects_gold_a_labeler_or_all(annotated, tmp_path):
    out = tmp_path / "x.jsonl"
    assert export(annotated, "jsonl", out, layer="gold") == 2
    assert [(x["id"], x["layer"]) for x in lines(out)] == [("a", "gold"), ("b", "gold")]
    assert export(annotated, "jsonl", out, layer="alice") == 1
    assert [(x["id"], x["layer"]) for x in lines(out)] == [("a", "alice")]
    assert export(annotated, "jsonl", out, layer="all") == 5
    assert [(x["id"], x.get("layer")) for x in lines(out)] == [
        ("a", "alice"), ("a", "gold"), ("a", "suggestions"), ("b", "gold"), ("c", None)]
    assert "entities" not in lines(out)[-1]  # a document nobody labeled: text only


def test_status_filter_and_metadata(annotated, tmp_path):
    out = tmp_path / "x.jsonl"
    assert export(annotated, "jsonl", out, layer="alice", status="done") == 1
    assert export(annotated, "jsonl", out, layer="all", status="done") == 3  # a's three layers
    assert {x["id"] for x in lines(out)} == {"a"}
    assert lines(out)[0]["meta"] == {"source": "a.txt", "note": "😀"}
    annotated.set_status("a", "alice", "in_progress")
    assert export(annotated, "jsonl", out, layer="alice", status="done") == 0
    assert out.read_text(encoding="utf-8") == ""


def test_cli_export_options(annotated, tmp_path):
    path = annotated.path
    out = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(main, ["export", str(path), "--layer", "gold", "--status",
                                       "done", "--utf16", "-o", str(out)])
    assert result.exit_code == 0, result.output
    # status "done" is the gold layer's own status; nobody set it
    assert out.read_text(encoding="utf-8") == ""
    annotated.set_status("b", "gold", "done")
    result = CliRunner().invoke(main, ["export", str(path), "--layer", "gold", "--status",
                                       "done", "--utf16", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [b] = lines(out)
    assert b["id"] == "b" and "start_utf16" in b["entities"][0]


def test_python_m_annotator_round_trip(annotated, tmp_path):
    """The real command, in a subprocess: export, import into a new project, export again."""
    first, second, again = tmp_path / "1.jsonl", tmp_path / "2.jsonl", tmp_path / "again.db"
    annotated.close()
    run = [sys.executable, "-m", "annotator"]
    subprocess.run(run + ["export", str(annotated.path), "--utf16", "-o", str(first)],
                   check=True, capture_output=True)
    subprocess.run(run + ["init", str(again)], check=True, capture_output=True)
    subprocess.run(run + ["import", str(again), str(first)], check=True, capture_output=True)
    subprocess.run(run + ["export", str(again), "--utf16", "-o", str(second)],
                   check=True, capture_output=True)
    assert second.read_bytes() == first.read_bytes()
    with Project.open(again) as proj:
        gold = proj.get_layer("a", "gold")
        text = proj.get_text("a")
        assert (gold.entities[2].start, gold.entities[2].end) == span(text, "غزة 🇵🇸")
