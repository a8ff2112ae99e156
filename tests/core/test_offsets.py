"""Code points <-> UTF-16 positions (core/offsets.py), with emoji, flags, tashkeel and CRLF sources."""
from annotator.core.offsets import OffsetMap, utf16_offset
from annotator.core.text import normalize_newlines

def test_round_trip_and_agreement_with_utf16(offset_sample):
    text = offset_sample
    m = OffsetMap(text)
    assert m.qt_length == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        q = m.cp_to_qt(i)
        assert q == utf16_offset(text, i)
        assert m.qt_to_cp(q) == i


def test_inside_a_surrogate_pair_rounds_down():
    text = "ا😀ب🇵🇸ج"
    m = OffsetMap(text)
    emoji = text.index("😀")
    assert m.qt_to_cp(m.cp_to_qt(emoji) + 1) == emoji
    flag = text.index("🇵🇸")  # two regional indicators: two code points, four Qt positions
    assert m.cp_to_qt(flag + 2) - m.cp_to_qt(flag) == 4
    assert m.qt_to_cp(m.cp_to_qt(flag) + 1) == flag
    assert m.qt_to_cp(m.cp_to_qt(flag) + 3) == flag + 1


def test_crlf_source_has_no_drift():
    raw = "سطر\r\n😀 جالانت\r\nنهاية"
    text = normalize_newlines(raw)
    m = OffsetMap(text)
    s = text.index("جالانت")
    assert m.cp_to_qt(s) == s + 1  # one emoji before; the CRs are gone from the stored text
    assert m.cp_to_qt(text.index("نهاية")) == text.index("نهاية") + 1


def test_out_of_range_is_clamped():
    m = OffsetMap("😀ab")
    assert m.cp_to_qt(-5) == 0
    assert m.cp_to_qt(99) == 4
    assert m.qt_to_cp(99) == 3
    assert m.qt_to_cp(-1) == 0


def test_large_text_is_mapped_by_search():
    text = ("نص عربي طويل 😀 " * 50_000)
    m = OffsetMap(text)
    i = len(text) - 3
    assert m.cp_to_qt(i) == utf16_offset(text, i)
    assert m.qt_to_cp(m.cp_to_qt(i)) == i


def test_utf16_offset_counts_surrogate_pairs():
    text = "😀 غالانت 🇵🇸"
    assert utf16_offset(text, 0) == 0
    assert utf16_offset(text, 1) == 2
    assert utf16_offset(text, len(text)) == len(text.encode("utf-16-le")) // 2
