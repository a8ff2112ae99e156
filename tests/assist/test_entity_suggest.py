"""Entity suggestions: gazetteer and confirmed project entities, spelling variants, proclitics,
exact offsets in the stored text, whole words only."""
import re

import pytest

from annotator.assist import assist_documents, rejected_suggestions
from annotator.assist.entities import NameIndex, build_index, read_gazetteer
from annotator.core.arabic import DROPPED, proclitic_splits
from annotator.core.errors import InputError
from annotator.core.model import (GOLD, NONE_ZONE, SUGGESTIONS, Document, Entity, add_entity,
                                  remove_entity, set_zone)
from annotator.store import ImportRecord


def ids_by_prefix(project):
    return {doc_id[:3]: doc_id for doc_id in project.document_ids()}


def label(project, doc_id, layer, surface, entity_label="PER", nth=0):
    text = project.get_text(doc_id)
    start = [m.start() for m in re.finditer(re.escape(surface), text)][nth]
    entity = Entity(start, start + len(surface), entity_label)
    project.edit(doc_id, layer, layer, "label", lambda old: add_entity(old, entity))
    return entity


def suggested(project, doc_id):
    text = project.get_text(doc_id)
    return {(text[e.start:e.end], e.start, e.end, e.label)
            for e in project.get_layer(doc_id, SUGGESTIONS).entities}


def test_one_labeled_name_brings_every_other_mention_in_every_spelling(seeded):
    ids = ids_by_prefix(seeded)
    label(seeded, ids["000"], "alice", "يوآف جالانت")
    assist_documents(seeded, zones=False, entities=True, gazetteer=None)
    for key in ("001", "002", "003", "004"):
        doc_id = ids[key]
        text = seeded.get_text(doc_id)
        spans = {(s, e) for _t, s, e, lab in suggested(seeded, doc_id) if lab == "PER"}
        mentions = [m.start() for m in re.finditer("غالانت", text)]
        assert mentions, key
        for at in mentions:
            full = text.rfind("يوآف ", 0, at)
            expected = (full, at + 6) if full == at - 5 else (at, at + 6)
            assert expected in spans, (key, text[at - 10:at + 10])
    # The clitic forms: the proclitic stays outside the span.
    text = seeded.get_text(ids["003"])
    at = text.index("لغالانت")
    assert ("غالانت", at + 1, at + 7, "PER") in suggested(seeded, ids["003"])
    text = seeded.get_text(ids["002"])
    at = text.index("وغالانت")
    assert ("غالانت", at + 1, at + 7, "PER") in suggested(seeded, ids["002"])
    # And in the labeled document itself, the other spellings.
    found = {t for t, *_ in suggested(seeded, ids["000"])}
    assert {"جالانت", "غالانت", "يوآف غالانت"} <= found
    text = seeded.get_text(ids["000"])
    at = text.index("لجالانت")
    assert ("جالانت", at + 1, at + 7, "PER") in suggested(seeded, ids["000"])
    # Nothing but the labeled person was suggested (no gazetteer).
    assert all(lab == "PER" for key in ids for *_x, lab in suggested(seeded, ids[key]))
    # Other layers were not touched.
    assert not seeded.has_layer(ids["001"], "alice")
    assert [c.action for c in seeded.history(ids["000"], "alice")] == ["label"]


def test_suggested_spans_are_whole_words_with_only_proclitics_left_out(seeded):
    assist_documents(seeded, zones=False, entities=True)
    total = 0
    for doc_id in seeded.document_ids():
        text = seeded.get_text(doc_id)
        for e in seeded.get_layer(doc_id, SUGGESTIONS).entities:
            total += 1
            assert text[e.start].isalnum() and (text[e.end - 1].isalnum()
                                                or text[e.end - 1] in DROPPED)
            after = text[e.end] if e.end < len(text) else " "
            assert not after.isalnum() and after not in DROPPED, text[e.start:e.end + 3]
            word_start = e.start
            while word_start > 0 and (text[word_start - 1].isalnum()
                                      or text[word_start - 1] in DROPPED):
                word_start -= 1
            if word_start < e.start:  # only proclitics may be left outside
                whole = text[word_start:e.end]
                assert any(split.prefix == e.start - word_start
                           for split in proclitic_splits(whole)), whole
    assert total > 150


def test_gazetteer_finds_names_in_news_spelling():
    index = build_index(None)
    text = ("التقى وزير الخارجية الأمريكي أنطوني بلينكن في الدوحة بالشيخ تميم بن حمد، ثم توجه "
            "لإسرائيل حيث اجتمع بنتانياهو وبحث مع الأمم المتحدة وللأمم المتحدة وضع غزّة وقطاع "
            "غـزة 😀🇵🇸 وترمب.")
    found = {(text[e.start:e.end], e.label) for e in index.find(text)}
    assert ("أنطوني بلينكن", "PER") in found       # أنتوني in the gazetteer
    assert ("الدوحة", "LOC") in found
    assert ("تميم بن حمد", "PER") in found
    assert ("إسرائيل", "LOC") in found               # لإسرائيل
    assert ("نتانياهو", "PER") in found              # بنتانياهو, نتنياهو in the gazetteer
    assert ("الأمم المتحدة", "ORG") in found
    assert ("لأمم المتحدة", "ORG") in found          # للأمم: the article's lam stays in
    assert ("غزّة", "LOC") in found and ("قطاع غـزة", "LOC") in found
    assert ("ترمب", "PER") in found
    # The surname alone of a longer gazetteer name is not suggested where it is a common word.
    assert not index.find("قال المسؤول الرئيسي إن الأمر حسن وسعيد")



def test_gazetteer_names_of_several_words_match_whole_not_word_by_word():
    """Place names of several words are one gazetteer line each: their words alone (الشيخ,
    الدين, رأس, دي) are ordinary words or titles, not places."""
    index = build_index(None)
    text = ("وصل الشيخ إلى رأس الجبل في يوم الدين، ثم سافر من شرم الشيخ إلى ريو دي جانيرو "
            "ومنها إلى رأس الخيمة وبوركينا فاسو.")
    found = {(text[e.start:e.end], e.label) for e in index.find(text)}
    assert found == {("شرم الشيخ", "LOC"), ("ريو دي جانيرو", "LOC"), ("رأس الخيمة", "LOC"),
                     ("بوركينا فاسو", "LOC")}

def test_loose_matching_does_not_reach_native_words():
    index = NameIndex()
    index.add("الموصل", "LOC", "gazetteer")
    index.add("فلسطين", "LOC", "gazetteer")
    index.add("اليمن", "LOC", "gazetteer")
    text = "قال المسؤول إن الأمن في فلسطين مستقر، وهاجم الفلسطينيين فلسطينيين آخرين في اليمن"
    found = [text[e.start:e.end] for e in index.find(text)]
    assert found == ["فلسطين", "اليمن"]


def test_project_labels_win_over_the_gazetteer_and_gold_counts(project):
    texts = {"a": "زار الوفد واشنطن أمس.", "b": "قالت واشنطن في بيان إن المحادثات مستمرة.",
             "c": "وصلت واشنطن ردود متأخرة.", "d": "صرح غانتس بأن واشنطن تدعم القرار."}
    list(project.import_documents([ImportRecord(Document(k, t)) for k, t in texts.items()]))
    label(project, "b", "alice", "واشنطن", "ORG")
    label(project, "c", "bob", "واشنطن", "ORG")
    label(project, "a", GOLD, "واشنطن", "LOC")
    label(project, "d", GOLD, "غانتس", "PER")
    # A machine suggestion is not a confirmation.
    project.edit("d", SUGGESTIONS, "assist", "assist",
                 lambda old: add_entity(old, Entity(16, 21, "MISC")))
    index = build_index(project, gazetteer=None)
    assert index.get("واشنطن").label == "ORG"  # two people said ORG, one LOC
    assert index.get("غانتس").label == "PER"
    assert "تدعم" not in index
    assist_documents(project, ["d"], zones=False, entities=True, gazetteer=None)
    assert suggested(project, "d") == {("غانتس", 4, 9, "PER"), ("واشنطن", 14, 20, "ORG")}


def test_user_gazetteer_file(project, tmp_path):
    good = tmp_path / "names.tsv"
    good.write_text("# comment\nجالانت\tPERS\tيوآف غالانت\nالكنيست\tORG\nشيء\tWEIRD\n",
                    encoding="utf-8")
    assert read_gazetteer(good)[0] == ("جالانت", "PERS", "يوآف غالانت")
    index = build_index(project, good)  # PERS maps to PER; an unknown label is skipped
    entities = index.find("وقال غالانت أمام الكنيست إن شيء ما تغير")
    assert [(e.label, e.canonical) for e in entities] == [("PER", "يوآف غالانت"), ("ORG", None)]
    bad = tmp_path / "bad.tsv"
    bad.write_text("اسم\tPER\nسطر بلا عمود\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tsv:2: expected name<TAB>label"):
        build_index(project, bad)


def test_offsets_exact_with_tashkeel_tatweel_emoji_and_bidi_marks():
    index = NameIndex()
    index.add("غالانت", "PER", "project")
    text = "😀🇵🇸 قال غالَانتُ، ثم لـغالانت و\u200fغالانت وغالانتي"
    got = [(text[e.start:e.end], e.start) for e in index.find(text)]
    assert got == [("غالَانتُ", text.index("غالَانتُ")),
                   ("غالانت", text.index("لـغالانت") + 2),
                   ("غالانت", text.index("\u200fغالانت") + 1)]  # غالانتي is another word


def test_rejected_suggestions_stay_rejected_until_the_reject_is_undone(seeded):
    ids = ids_by_prefix(seeded)
    doc_id = ids["004"]
    assist_documents(seeded, [doc_id])
    layer = seeded.get_layer(doc_id, SUGGESTIONS)
    victim = layer.entities[0]
    zone = next(z for z in layer.zones if z.label == "boilerplate")
    def reject(old):
        return set_zone(remove_entity(old, victim), zone.start, zone.end, NONE_ZONE)
    seeded.edit(doc_id, SUGGESTIONS, "alice", "reject", reject)
    zones, entities = rejected_suggestions(seeded, doc_id)
    assert (victim.start, victim.end, victim.label) in entities
    assert [(z.start, z.end, z.label) for z in zones] == [(zone.start, zone.end, "boilerplate")]
    assist_documents(seeded, [doc_id])
    again = seeded.get_layer(doc_id, SUGGESTIONS)
    # Remembered for its text (issue 9): no mention of the same text gets that label again,
    # every other suggestion stays.
    text = seeded.get_text(doc_id)
    same = {e for e in layer.entities
            if (text[e.start:e.end], e.label) == (text[victim.start:victim.end], victim.label)}
    assert victim in same and len(same) > 1
    assert set(again.entities) == set(layer.entities) - same
    assert all(z.label != "boilerplate" for z in again.zones)
    seeded.undo(doc_id, SUGGESTIONS, "alice")  # undoes the reassist
    seeded.undo(doc_id, SUGGESTIONS, "alice")  # undoes the reject
    assert rejected_suggestions(seeded, doc_id) == ([], set())
    assist_documents(seeded, [doc_id])
    assert seeded.get_layer(doc_id, SUGGESTIONS) == layer


def test_zones_only_keeps_entity_suggestions_and_the_reverse(seeded):
    doc_id = seeded.document_ids()[0]
    assist_documents(seeded, [doc_id], zones=False, entities=True)
    entities = seeded.get_layer(doc_id, SUGGESTIONS).entities
    assert entities and all(z.label == "none" for z in seeded.get_layer(doc_id, SUGGESTIONS).zones)
    assist_documents(seeded, [doc_id], zones=True, entities=False)
    layer = seeded.get_layer(doc_id, SUGGESTIONS)
    assert layer.entities == entities and {z.label for z in layer.zones} >= {"body", "source"}
    assert all(c.who == "assist" and c.action == "assist"
               for c in seeded.history(doc_id, SUGGESTIONS))
