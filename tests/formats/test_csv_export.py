import csv
import io
import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import Document
from annotator.formats import WRITERS
from annotator.store import ImportRecord

from .conftest import TEXT_A, TEXT_B, export, span


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for spreadsheets"
    assert b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_entities_read_back_with_exact_text_and_offsets(annotated, tmp_path):
    out = tmp_path / "entities.csv"
    assert export(annotated, "csv-entities", out, layer="gold", utf16=True) == 2
    rows = read_csv(out)
    assert list(rows[0]) == ["document", "layer", "start", "end", "label", "text", "canonical",
                             "zone", "start_utf16", "end_utf16"]
    texts = {"a": TEXT_A, "b": TEXT_B}
    for row in rows:
        text = texts[row["document"]]
        start, end = int(row["start"]), int(row["end"])
        expected = text[start:end]
        if expected.startswith("="):
            assert row["text"] == "'" + expected
        else:
            assert row["text"] == expected
        assert int(row["start_utf16"]) == len(text[:start].encode("utf-16-le")) // 2
    by_text = {r["text"]: r for r in rows}
    assert by_text["غزة 🇵🇸"]["label"] == "LOC" and by_text["غزة 🇵🇸"]["zone"] == "body"
    assert by_text["المختطَفين"]["label"] == "MISC"
    assert by_text["🇵🇸🇵🇸 رام الله"]["document"] == "b"
    assert by_text["'=SUM(A1)"]["zone"] == "boilerplate"
    assert len(rows) == 11


def test_formula_cells_are_neutralized(annotated, tmp_path):
    text = "-1 و+2 و@x و\tt و=y"
    ents = [{"start": s, "end": e, "label": "MISC"}
            for s, e in (span(text, "-1"), span(text, "+2"), span(text, "@x"),
                         span(text, "\tt"), span(text, "=y"))]
    list(annotated.import_documents([ImportRecord(Document("=evil", text), {
        "gold": {"entities": ents}})]))
    out = tmp_path / "e.csv"
    export(annotated, "csv-entities", out, layer="gold")
    rows = [r for r in read_csv(out) if r["document"] == "'=evil"]
    assert [r["text"] for r in rows] == ["'-1", "'+2", "'@x", "'\tt", "'=y"]
    assert all(r["start"].isdigit() for r in rows)


def test_stances_with_holder_target_value_and_evidence(annotated, tmp_path):
    out = tmp_path / "stances.csv"
    assert export(annotated, "csv-stances", out, layer="gold") == 1
    rows = read_csv(out)
    assert list(rows[0]) == ["document", "layer", "holder", "holder_start", "holder_end",
                             "target", "target_start", "target_end", "value", "evidence",
                             "evidence_spans"]
    author, gallant = rows
    assert (author["holder"], author["target"], author["value"]) == ("author", "حماس", "against")
    assert author["holder_start"] == "" and int(author["target_start"]) == span(TEXT_A, "حماس")[0]
    assert author["evidence"] == "الضغط على حماس يؤتي ثماره"
    assert (gallant["holder"], gallant["target"]) == ("جالانت", "'=HYPERLINK(\"x\")")
    assert gallant["evidence"] == "😀 أكد\nغزة 🇵🇸"  # one passage per line in the cell
    assert json.loads(gallant["evidence_spans"]) == [list(span(TEXT_A, "😀 أكد")),
                                                     list(span(TEXT_A, "غزة 🇵🇸"))]


def test_body_only_drops_entities_outside_the_body(annotated, tmp_path):
    out = tmp_path / "e.csv"
    export(annotated, "csv-entities", out, layer="gold", body_only=True)
    texts = [r["text"] for r in read_csv(out)]
    assert "'=SUM(A1)" not in texts and "حماس" in texts


def test_cli_picks_csv_from_the_ending(annotated, tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", str(annotated.path), "--layer", "alice",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in read_csv(out)] == ["جالانت", "وغزة"]
    assert WRITERS["csv"] is WRITERS["csv-entities"]
    result = CliRunner().invoke(main, ["export", str(annotated.path), "--format", "csv-stances",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(read_csv(out)) == 2
