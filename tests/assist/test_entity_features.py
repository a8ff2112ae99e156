"""Features and decisions of the entity model that do not need a project or Qt: given names
and words that announce a name as features, a person's family name read as that person where it stands alone."""
import random

import pytest

from annotator.assist.entity_model import Doc, train
from annotator.assist.features import (Lexicon, cue_kinds, is_given_name, sentences,
                                       sequence_features, tokenize, word_features)
from annotator.core.arabic import normalize_text
from annotator.core.model import Entity

from .learning_data import make_document


def test_given_names_are_found_under_proclitics_and_spellings():
    for word in ("محمد", "ومحمد", "لجورج", "وأحمد", "احمد", "فاطمه", "مُحَمَّد", "علي",
                 "يحيى", "يحيي"):
        assert is_given_name(word, normalize_text(word)), word
    # على (on) is not علي: a word written with a final ى is only a name written so.
    for word in ("كتاب", "الحكومة", "وقال", "على", "وعلى"):
        assert not is_given_name(word, normalize_text(word)), word


def test_the_word_after_a_given_name_is_told_so():
    text = "وقال جورج حداد إن الوضع يتحسن."
    tokens, _ = tokenize(text)
    (first, last), = sentences(text, tokens)
    feats = sequence_features(tokens, first, last, Lexicon(), {})
    by_word = {tokens[i].raw: feats[i - first] for i in range(first, last)}
    assert "given" in by_word["جورج"]
    assert "-1:given" in by_word["حداد"] and "given" not in by_word["حداد"]
    assert "1:given" in by_word["وقال"]


def test_words_that_announce_a_name_are_cues_under_proclitics_and_the_article():
    for word, kinds in (("والرئيس", ("title",)), ("لوزارة", ("org",)), ("بمدينة", ("place",)),
                        ("الفريق", ("org", "title")), ("مهرجان", ("work",))):
        assert cue_kinds(normalize_text(word)) == kinds, word
    for word in ("رئيسا", "مدينتي", "قال", "غزة"):
        assert cue_kinds(normalize_text(word)) == (), word
    text = "وصل الرئيس عمر الزين إلى مدينة حلب."
    tokens, _ = tokenize(text)
    (first, last), = sentences(text, tokens)
    feats = sequence_features(tokens, first, last, Lexicon(), {})
    by_word = {tokens[i].raw: feats[i - first] for i in range(first, last)}
    assert "cue=title" in by_word["الرئيس"] and "-1:cue=title" in by_word["عمر"]
    assert "-1:cue=place" in by_word["حلب"] and "1:cue=place" in by_word["إلى"]


def test_a_family_name_alone_is_the_person_named_in_full_before():
    rng = random.Random(3)
    model = train([Doc(*make_document(rng)) for _ in range(10)])
    text = "التقى فلاديمير بوتين الوفد. وقال بوتين إن المحادثات مثمرة، ثم غادر بوتين."
    full = text.index("فلاديمير بوتين")
    found = [Entity(full, full + len("فلاديمير بوتين"), "PER", None,
                    (("assist", "model"), ("confidence", 0.9)))]
    out = model._one_sense_per_document(text, found)
    alone = [text[e.start:e.end] for e in out if e.start > full + len("فلاديمير بوتين")]
    assert alone == ["بوتين", "بوتين"] and all(e.label == "PER" for e in out)
    # A one-word name is not cut further, and a single word is not propagated as a part.
    out = model._one_sense_per_document("بوتين ثم بوتين", [
        Entity(0, 5, "LOC", None, (("assist", "model"), ("confidence", 0.9)))])
    assert [(e.start, e.label) for e in out] == [(0, "LOC"), (9, "LOC")]


@pytest.mark.parametrize("word, demonym", [
    ("مصري", True), ("الفلسطينيين", True), ("والسوريون", True), ("الأمريكيّة", True),
    ("ألماني", True), ("الإسرائيليات", True), ("وزير", False), ("المدينة", False),
    ("عربي", False), ("قال", False)])
def test_a_relative_adjective_of_a_known_place_is_a_feature(word, demonym):
    """Nationalities and peoples (مصري، الفلسطينيين) are entities in some projects and not in
    others: the model is told the word is built on a place it knows, and learns which."""
    norm = normalize_text(word)
    assert ("nisba" in word_features(word, norm)) is demonym


def test_teach_shows_whole_words_around_a_suggestion():
    """The context teach mode shows: up to 40 characters of the line on each side, a word
    the cut would halve left out, and "…" where the line goes on."""
    from annotator.assist.teach import _context
    text = ("أكد وزير الدفاع الإسرائيلي يوآف جالانت على أهمية تعزيز العمليات العسكرية في قطاع "
            "غزة وأرجع التقدم إلى الغارات\nسطر آخر")
    start = text.index("يوآف")
    end = start + len("يوآف جالانت")
    before, after = _context(text, start, end, 40)
    assert before == "أكد وزير الدفاع الإسرائيلي "  # the line starts within reach: all of it
    assert after == " على أهمية تعزيز العمليات العسكرية في …"
    assert _context(text, start, end, 14) == ("… الإسرائيلي ", " على أهمية …")
    # The line ends within reach: up to its end, no "…".
    assert _context(text, text.index("الغارات"), text.index("\n"), 40)[1] == ""


@pytest.mark.parametrize("text", [
    "وقال الرئيس إن الوضع في بيروت يتحسن.",            # nothing dropped: the short way
    "وقال الرَّئيسُ إنّ الوضعَ في بيروتَ يتحسـن.",        # tashkeel and tatweel: mapped
    "غزة 🇵🇸 والقدس\r\nرام الله ٢٠٢٤",                  # emoji, CRLF, Arabic-Indic digits
    "ﻻ تنسَ الـمختطَفين ﷲ",                              # presentation forms
    "Ahmed said: «لا» — OK?",
    "",
])
def test_tokens_are_the_same_whichever_way_their_offsets_are_mapped(text, monkeypatch):
    from annotator.assist import features
    short = features.tokenize(text)
    monkeypatch.setattr(features, "maps_one_to_one", lambda _text: False)
    assert features.tokenize(text) == short
    for tok in short[0]:
        assert text[tok.start:tok.end] == tok.raw and tok.raw.strip()
