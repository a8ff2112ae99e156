"""Zone rules on the seeds, on invented pages from other site styles, and the rules file."""
import pytest

from annotator.assist.score import Score, score_document
from annotator.assist.zones import DEFAULT_RULES_PATH, ZoneRules, default_rules
from annotator.core.errors import InputError
from annotator.core.model import Layer, Zone, validate_layer, zone_at
from annotator.core.schema import Schema

from .pages import HELD_OUT, PAGES, gold_zones

SEED_GOLD = {
    "000": [("أكد وزير", "body"), ("المصدر: صدى البلد", "source"), ("إقرأ أيضاً", "boilerplate")],
    "001": [("شدّد وزير", "body"), ("المصدر : وكالة سوا", "source"),
            ("إقرأ أيضاً", "boilerplate")],
    "002": [("أوستن يلتقي", "body"), ("تاريخ النشر", "boilerplate"),
            ("الولايات المتحدة –", "body"), ("المصدر : الجزيرة", "source"),
            ("إقرأ أيضاً", "boilerplate")],
    "003": [("غالانت يجتمع", "body")],
    "004": [("غالانت يحث", "body"), ("التعليقات", "boilerplate")],
}


def seed_texts(seeded):
    return {doc_id[:3]: seeded.get_text(doc_id) for doc_id in seeded.document_ids()}


def label_at(zones, offset):
    return zone_at(Layer(tuple(zones)), offset).label


def test_seeds_source_lines_and_related_and_comment_blocks_are_not_body(seeded):
    rules = default_rules()
    texts = seed_texts(seeded)
    for key, text in texts.items():
        zones = rules.suggest(text)
        validate_layer(Layer(zones), len(text), seeded.schema)
        # Every source line that belongs to the article is a source zone, starting exactly at
        # the marker.
        for marker in ("المصدر: صدى البلد", "المصدر : وكالة سوا", "المصدر: وكالة سوا الإخبارية",
                       "المصدر : الجزيرة + وكالات", "المصدر: صحيفة المرصد الليبية"):
            at = text.find(marker)
            if at != -1:
                assert label_at(zones, at) == "source", (key, marker)
                assert label_at(zones, at + len(marker) - 1) == "source", (key, marker)
        for marker in ("إقرأ أيضاً", "مقالات مشابهة", "التعليقات", "اترك تعليقاً",
                       "لن يتم نشر عنوان بريدك", "الاسم :", "جميع حقوق النشر محفوظة",
                       "تابع قناتنا"):
            at = text.find(marker)
            while at != -1:
                assert label_at(zones, at) == "boilerplate", (key, marker)
                at = text.find(marker, at + 1)
    # The body is body, from its first word to its last.
    assert label_at(rules.suggest(texts["000"]), 0) == "body"
    assert label_at(rules.suggest(texts["000"]), texts["000"].index("القناة 13.")) == "body"
    text = texts["003"]
    assert rules.suggest(text) == (Zone(0, len(text), "body"),)


def test_glued_source_line_is_split_inside_the_line(seeded):
    text = seed_texts(seeded)["002"]
    zones = default_rules().suggest(text)
    glued = text.index("وكالاتالمصدر")
    assert label_at(zones, glued - 3) == "source"  # "الجزيرة + " is part of the source line
    assert label_at(zones, glued + len("وكالات")) == "source"
    # The related article's own source line (after its prose) is not this article's source.
    text = seed_texts(seeded)["000"]
    zones = default_rules().suggest(text)
    assert label_at(zones, text.index("المصدر: RT + وكالات")) == "boilerplate"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_invented_pages_of_other_sites(name):
    text, anchors = PAGES[name]
    gold = gold_zones(text, anchors)
    assert default_rules().suggest(text) == gold


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_pages_written_after_the_rules(name):
    text, anchors = HELD_OUT[name]
    assert default_rules().suggest(text) == gold_zones(text, anchors)


def test_split_after_a_sentence_end_and_glued_markers_only():
    text = ("قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في العاصمة القطرية بمشاركة الوسطاء."
            "المصدر: الجزيرة نت\n")
    zones = default_rules().suggest(text)
    assert [z.label for z in zones] == ["body", "source"]
    assert zones[1].start == text.index("المصدر")
    # A proclitic glued to the marker is a word, not a lost line break.
    text = ("وأكد أن القرار اتخذ بعد مشاورات طويلة مع الشركاء الإقليميين والدوليين، حسب ما أفاد "
            "بالمصدر: نفسه في وقت لاحق من اليوم.\n")
    assert [z.label for z in default_rules().suggest(text)] == ["body"]
    # An agency credit at the end of the last paragraph.
    text = ("أعلنت الحكومة اليوم عن حزمة إجراءات اقتصادية جديدة لدعم الأسر محدودة الدخل ومواجهة "
            "ارتفاع الأسعار. (أ ف ب)\nشارك\n")
    zones = default_rules().suggest(text)
    assert [z.label for z in zones] == ["body", "source", "boilerplate"]
    assert text[zones[1].start:].startswith("(أ ف ب)")


def test_offsets_exact_with_emoji_bidi_marks_tashkeel_and_crlf_import(project, tmp_path):
    page = ("غزة 🇵🇸 😀: قُتل وأُصيب العشرات في غارات ليلية استهدفت منازل في وسط القطاع، وفق "
            "ما أفادت به مصادر طبية محلية صباح اليوم.\r\n\u200fالمصدَر: وكالات\r\n"
            "إقرأ أيضاً:\r\nعنوان آخر\r\n")
    path = tmp_path / "crlf.txt"
    path.write_bytes(page.encode("utf-8"))
    from annotator.cli import run_import
    run_import(project, [path], None, None, quiet=True)
    doc_id = project.document_ids()[0]
    text = project.get_text(doc_id)
    assert "\r" not in text
    zones = default_rules().suggest(text)
    assert [z.label for z in zones] == ["body", "source", "boilerplate"]
    assert text[zones[1].start:zones[1].end].rstrip() == "المصدَر: وكالات"
    assert text[zones[1].start - 1] == "\u200f"  # the invisible mark stays with the body
    assert text[zones[2].start:].startswith("إقرأ أيضاً")


def test_scores_on_seeds_and_invented_pages(seeded):
    """Quick gold for the seeds and the invented pages; the figures go in the report."""
    rules = default_rules()
    figures = {}
    for name, pages in (("seeds", {k: (t, SEED_GOLD[k]) for k, t in seed_texts(seeded).items()}),
                        ("invented", PAGES), ("written after", HELD_OUT)):
        total = Score()
        for text, anchors in pages.values():
            total.add(score_document(text, Layer(rules.suggest(text)),
                                     Layer(gold_zones(text, anchors)), entities=False))
        figures[name] = total
        b = total.boundaries  # shown with pytest -s
        print(f"\n{name}: boundaries P {b.precision:.3f} R {b.recall:.3f} F1 {b.f1:.3f}; "
              f"characters right {total.char_accuracy:.3f}; " + ", ".join(
                  f"{k} F1 {v.f1:.3f}" for k, v in sorted(total.zone_labels.items())))
    assert figures["seeds"].boundaries.f1 >= 0.9
    assert figures["seeds"].char_accuracy >= 0.98
    assert figures["invented"].boundaries.f1 >= 0.9


def test_rules_file_errors_name_the_file_and_rule(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rules]]\nname = "x"\neffect = "explode"\nphrases = ["a"]\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"rules\.toml: rule #1 \(x\): effect must be one of"):
        ZoneRules.load(bad)
    bad.write_text('[[rules]]\nname = "x"\neffect = "line"\nregex = "("\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad regular expression"):
        ZoneRules.load(bad)
    bad.write_text("not = [toml", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        ZoneRules.load(bad)
    bad.write_text('[[rules]]\nname = "x"\neffect = "line"\nphrases = ["a"]\nwords = ["b"]\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match="exactly one of phrases, words, regex"):
        ZoneRules.load(bad)


def test_custom_rules_and_labels(tmp_path):
    custom = tmp_path / "rules.toml"
    custom.write_text(
        '[zones]\nsource = "credit"\n'
        '[[rules]]\nname = "credit"\neffect = "source"\nphrases = ["حقوق الصورة"]\n'
        'after = "\\\\s*:"\n', encoding="utf-8")
    rules = ZoneRules.load(custom)
    text = ("نص الخبر الكامل هنا وفيه جمل كثيرة عن الموضوع تكفي لتكون فقرة من المقال.\n"
            "حقوق الصوره: رويترز\nبقية")
    zones = rules.suggest(text)
    assert [z.label for z in zones] == ["body", "credit", "boilerplate"]
    with pytest.raises(InputError, match="lacks"):
        rules.check_schema(Schema.default())
    default_rules().check_schema(Schema.default())


def test_shipped_rules_load():
    rules = ZoneRules.load(DEFAULT_RULES_PATH)
    assert len(rules.rules) > 15
    assert {r.effect for r in rules.rules} == {"source", "tail", "block", "line"}


def test_every_rule_keeps_its_name():
    # The zone model learns from which rule matched a line, by name: a `words` rule once took
    # the name of its last word list, different in every process (set order).
    rules = ZoneRules.parse(
        '[[rules]]\nname = "agency"\neffect = "source"\nwords = ["رويترز", "أ ف ب"]\n')
    assert [r.name for r in rules.rules] == ["agency"]
    assert all(isinstance(r.name, str) for r in default_rules().rules)
