"""Normalization with a map back to the stored text (core/arabic.py); proclitics; the loose key
for names."""
import random

import pytest

from annotator.core.arabic import (_TABLE, TASHKEEL, _fold_fast, loose_key, normalize,
                                   normalize_text, orig_span, proclitic_splits,
                                   proclitic_variants, words)


def test_tashkeel_tatweel_and_spelling_variants_normalize_alike():
    forms = ["المختطَفين", "المختطفين", "المخـتطفين", "المُختَطَفِينَ"]
    assert {normalize_text(f) for f in forms} == {"المختطفين"}
    assert normalize_text("إسرائيل") == normalize_text("اسرائيل") == "اسراييل"
    assert normalize_text("آموس") == normalize_text("أموس") == normalize_text("ٱموس")
    assert normalize_text("فى") == normalize_text("في")
    assert normalize_text("غزة") == normalize_text("غزه")
    assert normalize_text("مؤتمر") == "موتمر"
    assert normalize_text("مسئول") == normalize_text("مسيول")
    assert normalize_text("جزء") == "جزء"  # a lone hamza is a letter of its own
    assert normalize_text("ک") == "ك" and normalize_text("ی") == "ي"  # Persian look-alikes
    assert normalize_text("٢٠٢٤ ۱۲") == "2024 12"
    assert normalize_text("Gallant") == "gallant"


def test_invisible_characters_are_dropped_but_mapped():
    text = "قال\u200f غا\u200cلانت\u202b!"
    norm, to_orig = normalize(text)
    assert norm == "قال غالانت!"
    start = norm.index("غالانت")
    a, b = orig_span(text, to_orig, start, start + len("غالانت"))
    assert text[a:b] == "غا\u200cلانت"


def test_map_back_is_exact_with_emoji_flags_and_ligatures():
    text = "😀🇵🇸 ﻻ بد من المختطَفين، والإفراج 😀"
    norm, to_orig = normalize(text)
    assert len(to_orig) == len(norm) + 1 and to_orig[-1] == len(text)
    assert to_orig == sorted(to_orig)
    assert norm.startswith("😀🇵🇸 لا بد")  # the lam-alef ligature became two letters
    lig = text.index("ﻻ")
    assert to_orig[norm.index("لا")] == lig and to_orig[norm.index("لا") + 1] == lig
    i = norm.index("المختطفين")
    assert text[slice(*orig_span(text, to_orig, i, i + 9))] == "المختطَفين"
    i = norm.index("والافراج")
    assert text[slice(*orig_span(text, to_orig, i, i + 8))] == "والإفراج"


def test_span_end_takes_the_marks_of_its_last_letter():
    text = "رأى المختطَفينَ، ثم غادر"
    norm, to_orig = normalize(text)
    i = norm.index("المختطفين")
    a, b = orig_span(text, to_orig, i, i + len("المختطفين"))
    assert text[a:b] == "المختطَفينَ"
    assert text[b] == "،"


@pytest.mark.parametrize("seed", range(5))
def test_every_normalized_character_comes_from_its_mapped_character(seed):
    rng = random.Random(seed)
    alphabet = list("ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآىةؤئء ـ.،\n😀a") + sorted(TASHKEEL)[:6] \
        + ["\u200f", "\u200d", "ﻻ", "٣"]
    text = "".join(rng.choice(alphabet) for _ in range(400))
    norm, to_orig = normalize(text)
    for i, ch in enumerate(norm):
        assert ch in normalize_text(text[to_orig[i]])
    assert "".join(normalize_text(c) for c in text) == norm


def test_words_of_a_normalized_text_keep_tashkeel_inside():
    norm = normalize_text("شدّد على استعادة المختطَفين؛ 26 مارس")
    assert [w for _s, _e, w in words(norm)] == ["شدد", "علي", "استعاده", "المختطفين", "26",
                                                "مارس"]


def test_proclitic_splits():
    assert proclitic_splits("لغالانت")[1][:2] == (1, "غالانت")
    assert (1, "غالانت") in [s[:2] for s in proclitic_splits("وغالانت")]
    assert (2, "غالانت") in [s[:2] for s in proclitic_splits("وبغالانت")]
    assert (3, "مختطفين") in [s[:2] for s in proclitic_splits("والمختطفين")]
    # لل is ل + ال: the stem is the word with its article, starting at the second lam.
    splits = {s.stem: s for s in proclitic_splits("للمختطفين")}
    assert splits["المختطفين"].prefix == 1 and not splits["المختطفين"].article
    assert splits["مختطفين"].article
    assert "بالبنتاغون" not in proclitic_variants("البنتاغون")
    assert "البنتاغون" in proclitic_variants("بالبنتاغون")
    assert "البنتاغون" in proclitic_variants("فللبنتاغون")
    # Never a stem of one letter.
    assert all(len(s.stem) >= 2 for s in proclitic_splits("وبه"))


def test_loose_key_merges_transliterations_of_foreign_names_only():
    same = [("غالانت", "جالانت"), ("غالانت", "قالانت"), ("نتنياهو", "نتانياهو"),
            ("ترامب", "ترمب"), ("ميلر", "ميللر"), ("أنتوني", "أنطوني"), ("عاموس", "آموس")]
    for a, b in same:
        assert loose_key(normalize_text(a)) == loose_key(normalize_text(b)), (a, b)
    different = [("فلسطين", "فلسطينيين"), ("بايدن", "بدن"), ("غالانت", "غالب"),
                 ("إسرائيل", "إسرائيلي")]
    for a, b in different:
        assert loose_key(normalize_text(a)) != loose_key(normalize_text(b)), (a, b)


def test_the_character_classes_are_pyaraby_s_and_normalization_agrees_with_it(seed_dir):
    from pyarabic import araby

    assert set(araby.TASHKEEL) | {araby.SMALL_ALEF} <= TASHKEEL
    for path in sorted(seed_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        voweled = "".join(ch + ("َ" if ch.isalpha() else "") for ch in text[:2000]) + "ـــ"
        # Dropping marks and tatweel is what pyarabic's strip_tashkeel / strip_tatweel do.
        stripped = araby.strip_tatweel(araby.strip_tashkeel(voweled))
        assert normalize_text(voweled) == normalize_text(stripped)
        norm, to_orig = normalize(voweled)
        assert len(norm) == len(normalize_text(stripped))
        assert all(voweled[to_orig[i]] not in TASHKEEL for i in range(len(norm)))


def test_hamza_seats_fold_to_their_letter_where_pyarabic_would_write_a_bare_hamza():
    from pyarabic import araby

    assert araby.normalize_hamza("مسئول") == "مسءول"  # pyarabic's choice: the bare hamza
    assert normalize_text("مسئول") == "مسيول"          # ours: the seat, as writers drop it


def test_presentation_forms_that_decompose_to_themselves_are_kept():
    # Unassigned code points (U+FDD0) and Arabic symbols (U+FBB2) in the presentation-form
    # blocks: NFKC leaves them as they are, which used to recurse without end.
    for text in ("قال\ufdd0 غالانت", "\ufbb2x", "\ufeff\ufdcf"):
        norm, to_orig = normalize(text)
        assert len(to_orig) == len(norm) + 1 and to_orig == sorted(to_orig)


def _by_the_table(text: str) -> tuple[str, list[int]]:
    """normalize as it was done before its fast path: one table lookup a character."""
    norm, to_orig = "", []
    for i, ch in enumerate(text):
        folded = ch.translate(_TABLE)
        norm += folded
        to_orig += [i] * len(folded)
    return norm, to_orig + [len(text)]


def test_the_fast_normalization_agrees_with_the_table_on_every_code_point():
    # Every code point the fast path takes (all but capital sigma, presentation forms and the
    # few whose lower case is longer: those go to the table), in runs of 500.
    points = [chr(c) for c in range(0x110000)
              if not 0xD800 <= c < 0xE000 and _fold_fast(chr(c)) is not None]
    assert len(points) > 1_000_000
    for at in range(0, len(points), 500):
        text = "".join(points[at:at + 500])
        assert _fold_fast(text) is not None
        assert normalize(text) == _by_the_table(text), f"from U+{ord(text[0]):04X}"
        assert normalize_text(text) == _by_the_table(text)[0]


@pytest.mark.parametrize("seed", range(5))
def test_the_fast_normalization_agrees_with_the_table_on_mixed_text(seed):
    rng = random.Random(seed)
    alphabet = list("ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآىةؤئء ـ.،\n😀aAΣσİK") \
        + sorted(TASHKEEL) + ["\u200f", "\u200d", "\ufeff", "ﻻ", "٣", "۴", "ک", "ی", "\u066b"]
    for length in (1, 2, 5, 50, 400):
        text = "".join(rng.choice(alphabet) for _ in range(length))
        assert normalize(text) == _by_the_table(text)
        assert normalize_text(text) == _by_the_table(text)[0]


def test_text_said_to_map_one_to_one_keeps_every_offset():
    from annotator.core.arabic import maps_one_to_one
    for text in ("وقال الرئيس إن الوضع في بيروت", "ΣΑΣ مصر İstanbul", "غزة 🇵🇸\r\n٢٠٢٤",
                 "الرَّئيس", "الـمختطفين", "ﻻ", "a\u200bb", "x" * 60 + "أ"):
        norm, to_orig = normalize(text)
        if maps_one_to_one(text):
            assert len(norm) == len(text) and to_orig == list(range(len(text) + 1)), text
        else:
            assert text in ("الرَّئيس", "الـمختطفين", "ﻻ", "a\u200bb"), text
