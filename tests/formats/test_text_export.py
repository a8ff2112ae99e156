import json
import re

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.model import Document, set_zone
from annotator.store import ImportRecord, Project

from .conftest import TEXT_A, TEXT_B, export, span


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def test_body_text_files_and_with_without_jsonl(annotated, tmp_path):
    out = tmp_path / "gold-text"
    assert export(annotated, "text", out, layer="gold") == 2
    body_a = TEXT_A[:span(TEXT_A, "ثماره».\n")[1]]
    assert (out / "gold" / "a.txt").read_text(encoding="utf-8") == body_a
    assert (out / "gold" / "b.txt").read_text(encoding="utf-8") == TEXT_B
    records = [json.loads(x) for x in (out / "gold.jsonl").read_text(encoding="utf-8")
               .splitlines()]
    a = records[0]
    assert (a["id"], a["layer"], a["file"], a["text"]) == ("a", "gold", "gold/a.txt", TEXT_A)
    assert a["with"] == ["😀 أكد وزير الدفاع يوآف جالانت😀 أن المختطَفين في وغزة 🇵🇸 بخير.",
                         "قال جالانت: «الضغط على حماس يؤتي ثماره»."]
    assert a["without"] == ["المصدر: صدى البلد", "إقرأ أيضاً: =SUM(A1)",
                            "-مقالات مشابهة @user"]
    # the conditions trafilatura's evaluation checks on its own gold data
    for record in records:
        body = norm((out / record["file"]).read_text(encoding="utf-8"))
        assert all(norm(w) in body for w in record["with"])
        assert not any(norm(w) in body for w in record["without"])
        assert len({norm(c) for c in record["with"]}) == len(record["with"])


def test_body_zones_are_joined_with_a_newline_and_repeats_left_out(project, tmp_path):
    text = "خبر أول\nإقرأ أيضاً\nخبر ثانٍ 😀\nإقرأ أيضاً\nخبر"
    list(project.import_documents([ImportRecord(Document("x/y", text))]))
    first_end = span(text, "أول\n")[1]
    second_start, second_end = span(text, "خبر ثانٍ 😀\n")

    def zones(layer):
        layer = set_zone(layer, 0, first_end, "body")
        layer = set_zone(layer, first_end, second_start, "boilerplate")
        layer = set_zone(layer, second_start, second_end, "body")
        return set_zone(layer, second_end, len(text), "boilerplate")
    project.edit("x/y", "gold", "reviewer", "zones", zones)
    out = tmp_path / "out"
    assert export(project, "text", out, layer="gold") == 1
    assert (out / "gold" / "x" / "y.txt").read_text(encoding="utf-8") == \
        "خبر أول\n\nخبر ثانٍ 😀\n"
    [record] = [json.loads(x) for x in (out / "gold.jsonl").read_text(encoding="utf-8")
                .splitlines()]
    assert record["with"] == ["خبر أول", "خبر ثانٍ 😀"]
    # "خبر" alone is boilerplate but also inside the body: it could never be scored, so it goes
    assert record["without"] == ["إقرأ أيضاً"]


def test_layers_without_zones_are_skipped_and_all_layers_get_their_folder(annotated, tmp_path):
    out = tmp_path / "all"
    assert export(annotated, "text", out, layer="all") == 3  # a: alice, gold; b: gold
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "alice.jsonl", "alice/a.txt", "gold.jsonl", "gold/a.txt", "gold/b.txt"]
    assert (out / "alice" / "a.txt").read_text(encoding="utf-8") == TEXT_A


def test_text_needs_a_folder(annotated, tmp_path):
    with pytest.raises(InputError):
        export(annotated, "text", None, layer="gold")
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(main, ["export", str(annotated.path), "--format", "text",
                                       "-o", str(tmp_path / "file")])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_cli_text_export_of_a_crlf_source(tmp_path):
    source = tmp_path / "crlf.txt"
    source.write_bytes("متن الخبر 😀\r\nالمختطَفين\r\nالمصدر: وكالات\r\n".encode("utf-8"))
    project = tmp_path / "p.db"
    runner = CliRunner()
    runner.invoke(main, ["init", str(project)])
    assert runner.invoke(main, ["import", str(project), str(source)]).exit_code == 0
    with Project.open(project) as proj:
        text = proj.get_text("crlf")
        assert "\r" not in text
        cut = text.index("المصدر")
        proj.edit("crlf", "gold", "r", "zones",
                  lambda layer: set_zone(set_zone(layer, 0, cut, "body"), cut, len(text),
                                         "source"))
    result = runner.invoke(main, ["export", str(project), "--format", "text", "--layer", "gold",
                                  "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "gold" / "crlf.txt").read_bytes() == \
        "متن الخبر 😀\nالمختطَفين\n".encode("utf-8")
