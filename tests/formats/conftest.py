"""A real project with annotated documents that exercise every format's weak spots: emoji
(😀, the flag 🇵🇸 — two code points, four UTF-16 units) before, inside and after spans,
tashkeel inside a span (المختطَفين), an entity starting inside a word (the و of وغزة),
cells a spreadsheet would run as formulas, and zones of all three kinds."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import run_import
from annotator.core.model import Document
from annotator.formats import WRITERS, ExportOptions
from annotator.store import ImportRecord, Project

TEXT_A = ("😀 أكد وزير الدفاع يوآف جالانت😀 أن المختطَفين في وغزة 🇵🇸 بخير.\n"
          "قال جالانت: «الضغط على حماس يؤتي ثماره».\n"
          "المصدر: صدى البلد\n"
          "إقرأ أيضاً: =SUM(A1)\n"
          "-مقالات مشابهة @user")
TEXT_B = "🇵🇸🇵🇸 رام الله: التقى محمود عباس مع الملك عبدالله الثاني في عمّان اليوم!"
TEXT_C = "نص بلا تعليقات بعد."


def span(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def entity(text: str, needle: str, label: str, occurrence: int = 0) -> dict:
    start, end = span(text, needle, occurrence)
    return {"start": start, "end": end, "label": label}


def layers_a(text: str = TEXT_A) -> dict:
    body_end = span(text, "ثماره».\n")[1]
    source_end = span(text, "البلد\n")[1]
    gold = {
        "zones": [{"start": 0, "end": body_end, "label": "body"},
                  {"start": body_end, "end": source_end, "label": "source"},
                  {"start": source_end, "end": len(text), "label": "boilerplate"}],
        "entities": [entity(text, "يوآف جالانت", "PER"),
                     entity(text, "المختطَفين", "MISC"),
                     entity(text, "غزة 🇵🇸", "LOC"),
                     entity(text, "جالانت", "PER", 1),
                     entity(text, "حماس", "ORG"),
                     entity(text, "=SUM(A1)", "MISC")],
        "stances": [
            {"holder": "author", "target": dict(zip(("start", "end"), span(text, "حماس"))),
             "value": "against", "evidence": [list(span(text, "الضغط على حماس يؤتي ثماره"))]},
            {"holder": dict(zip(("start", "end"), span(text, "جالانت", 1))),
             "target": "=HYPERLINK(\"x\")", "value": "favor",
             "evidence": [list(span(text, "😀 أكد")), list(span(text, "غزة 🇵🇸"))]},
        ],
    }
    alice = {"zones": [{"start": 0, "end": len(text), "label": "body"}],
             "entities": [entity(text, "جالانت", "PER"), entity(text, "وغزة", "LOC")]}
    suggestions = {"entities": [entity(text, "جالانت", "PER", 1)]}
    return {"gold": gold, "alice": alice, "suggestions": suggestions}


def layers_b(text: str = TEXT_B) -> dict:
    return {"gold": {
        "zones": [{"start": 0, "end": len(text), "label": "body"}],
        "entities": [entity(text, "🇵🇸🇵🇸 رام الله", "LOC"),
                     entity(text, "محمود عباس", "PER"),
                     entity(text, "الملك عبدالله الثاني", "PER"),
                     entity(text, "عبدالله", "PER"),  # nested: CoNLL keeps the longest
                     entity(text, "عمّان", "LOC")]}}


@pytest.fixture
def annotated(tmp_path) -> Project:
    proj = Project.create(tmp_path / "annotated.db")
    records = [
        ImportRecord(Document("a", TEXT_A, {"source": "a.txt", "note": "😀"}), layers_a(), "a"),
        ImportRecord(Document("b", TEXT_B, {"source": "b.txt"}), layers_b(), "b"),
        ImportRecord(Document("c", TEXT_C, {"source": "c.txt"}), {}, "c"),
    ]
    outcomes = list(proj.import_documents(records))
    assert [o.state for o in outcomes] == ["added"] * 3, outcomes
    proj.set_status("a", "alice", "done")
    yield proj
    proj.close()


def export(project: Project, fmt: str, out: Path | None, **options) -> int:
    return WRITERS[fmt](project, out, ExportOptions(**options))


def import_into(path: Path, files: list[Path], fmt: str | None = None,
                layer: str | None = None) -> tuple[Project, dict]:
    """A fresh project with `files` imported the way `annotator import` does it."""
    proj = Project.create(path)
    counts = run_import(proj, files, fmt, layer, quiet=True)
    return proj, counts
