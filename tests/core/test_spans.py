"""Word / line / paragraph spans over Arabic text with tashkeel, tatweel, ZWNJ, digits, emoji."""
from annotator.core.spans import (is_word_char, line_span, next_word_boundary, paragraph_span,
                                  word_span)

TEXT = "قال جالانت: إن المختطَفين 13 «أسرى» 😀 في غزة\nسطر ثانٍ\n\nفقرة جديدة\nتكملة"


def span_of(word, text=TEXT):
    i = text.index(word)
    return i, i + len(word)


def test_word_chars():
    for ch in "اب٣3aZ\u064e\u0651\u0670\u0640\u0652":
        assert is_word_char(ch), hex(ord(ch))
    for ch in " .،:«»\n😀\u200f":
        assert not is_word_char(ch), hex(ord(ch))


def test_caret_inside_a_word_with_tashkeel_takes_the_whole_word():
    s, e = span_of("المختطَفين")
    for i in range(s, e):
        assert word_span(TEXT, i, i) == (s, e)
    # A caret just after the word still takes it.
    assert word_span(TEXT, e, e) == (s, e)


def test_partial_selection_grows_to_whole_words_and_drops_edge_punctuation():
    s, e = span_of("جالانت")
    assert word_span(TEXT, s + 2, s + 4) == (s, e)
    # The colon and the space after the name stay outside.
    assert word_span(TEXT, s + 1, e + 2) == (s, e)
    a, _ = span_of("إن المختطَفين")
    _, b = span_of("المختطَفين")
    assert word_span(TEXT, a - 1, b - 3) == (a, b)
    # Reversed arguments are the same span.
    assert word_span(TEXT, b - 3, a - 1) == (a, b)


def test_guillemets_and_digits():
    s, e = span_of("أسرى")
    assert word_span(TEXT, s - 1, e + 1) == (s, e)
    s, e = span_of("13")
    assert word_span(TEXT, s, s) == (s, e)


def test_span_without_word_characters_is_kept():
    i = TEXT.index("😀")
    assert word_span(TEXT, i, i + 1) == (i, i + 1)
    assert word_span(TEXT, i - 1, i + 2) == (i - 1, i + 2)


def test_tatweel_and_zwnj_inside_words():
    text = "كلمـــة مي\u200cخواهم \u200cبعد"
    assert word_span(text, 2, 2) == (0, 7)
    s = text.index("مي")
    assert word_span(text, s, s) == (s, s + len("مي\u200cخواهم"))
    # A ZWNJ at a word's edge is not part of it.
    b = text.index("بعد")
    assert word_span(text, b, b) == (b, b + 3)
    assert word_span(text, b - 1, b + 1) == (b, b + 3)


def test_emoji_before_does_not_shift_anything():
    text = "🇵🇸😀 يوآف جالانت"
    s = text.index("جالانت")
    assert word_span(text, s + 1, s + 1) == (s, len(text))


def test_line_span():
    first_end = TEXT.index("\n")
    assert line_span(TEXT, 0) == (0, first_end)
    assert line_span(TEXT, first_end) == (0, first_end)
    assert line_span(TEXT, 3, include_newline=True) == (0, first_end + 1)
    s = TEXT.index("سطر")
    assert line_span(TEXT, s + 2) == (s, TEXT.index("\n", s))
    last = TEXT.index("تكملة")
    assert line_span(TEXT, len(TEXT)) == (last, len(TEXT))


def test_paragraph_span():
    second_end = TEXT.index("\n\n")
    assert paragraph_span(TEXT, 5) == (0, second_end)
    assert paragraph_span(TEXT, TEXT.index("ثانٍ")) == (0, second_end)
    p = TEXT.index("فقرة")
    assert paragraph_span(TEXT, len(TEXT) - 1) == (p, len(TEXT))
    # With the newlines, consecutive paragraphs tile the text.
    assert paragraph_span(TEXT, 0, include_newline=True) == (0, p)
    # On the blank line: that line.
    assert paragraph_span(TEXT, second_end + 1) == (second_end + 1, second_end + 1)


def test_next_word_boundary_moves_by_word_starts():
    text = "وكالاتالمصدر: صحيفة  اليوم"
    assert next_word_boundary(text, 0, +1) == text.index("صحيفة")
    assert next_word_boundary(text, text.index("صحيفة"), +1) == text.index("اليوم")
    assert next_word_boundary(text, text.index("اليوم"), +1) == len(text)
    assert next_word_boundary(text, len(text), +1) == len(text)
    assert next_word_boundary(text, len(text), -1) == text.index("اليوم")
    assert next_word_boundary(text, text.index("اليوم"), -1) == text.index("صحيفة")
    assert next_word_boundary(text, 3, -1) == 0
    assert next_word_boundary(text, 0, -1) == 0
