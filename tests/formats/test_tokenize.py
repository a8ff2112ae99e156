from annotator.core.tokenize import sentences, tokenize, whitespace_tokens


def texts(tokens):
    return [t.text for t in tokens]


def check_offsets(text, tokens):
    for t in tokens:
        assert text[t.start:t.end] == t.text
    assert all(a.end <= b.start for a, b in zip(tokens, tokens[1:]))


def test_arabic_and_latin_punctuation_are_tokens_of_their_own():
    text = "قال جالانت، في بيان؛ هل انتهى؟ نعم: (الضغط) \"يؤتي\" ثماره, ok!"
    tokens = tokenize(text)
    check_offsets(text, tokens)
    assert texts(tokens) == ["قال", "جالانت", "،", "في", "بيان", "؛", "هل", "انتهى", "؟",
                             "نعم", ":", "(", "الضغط", ")", "\"", "يؤتي", "\"", "ثماره", ",",
                             "ok", "!"]


def test_clitics_stay_attached_and_tashkeel_stays_in_the_word():
    text = "وبالمدينة لإسرائيل المختطَفين فسيكتبونها لـ"
    assert texts(tokenize(text)) == ["وبالمدينة", "لإسرائيل", "المختطَفين", "فسيكتبونها", "لـ"]


def test_a_cut_splits_a_word_exactly_there():
    text = "في وغزة اليوم"
    cut = text.index("غزة")
    tokens = tokenize(text, cuts=[cut, cut + 3])
    check_offsets(text, tokens)
    assert texts(tokens) == ["في", "و", "غزة", "اليوم"]
    # a cut in whitespace or at a token edge changes nothing
    assert texts(tokenize(text, cuts=[2, 3, len(text)])) == ["في", "وغزة", "اليوم"]


def test_emoji_and_flags_are_whole_tokens():
    text = "😀جالانت🇵🇸🇵🇸 👨🏻\u200d🚒 ❤️غزة"
    tokens = tokenize(text)
    check_offsets(text, tokens)
    assert texts(tokens) == ["😀", "جالانت", "🇵🇸", "🇵🇸", "👨🏻\u200d🚒", "❤️", "غزة"]


def test_numbers_keep_their_separators_and_runs_of_a_mark_stay_together():
    text = "بنسبة 3.5% و١٢٫٥ الساعة 20:00... حقاً؟؟ 1,000"
    assert texts(tokenize(text)) == ["بنسبة", "3.5", "%", "و١٢٫٥", "الساعة", "20:00", "...",
                                     "حقاً", "؟؟", "1,000"]


def test_bidi_marks_never_start_or_end_a_token_but_stay_inside_a_word():
    text = "\u200fبغداد\u200f . بي\u200cتا \u200f"
    tokens = tokenize(text)
    check_offsets(text, tokens)
    assert texts(tokens) == ["بغداد", ".", "بي\u200cتا"]


def test_range_limits_tokens_and_offsets_stay_in_the_whole_text():
    text = "أول. ثاني ثالث"
    tokens = tokenize(text, 5, 9)
    assert [(t.start, t.end, t.text) for t in tokens] == [(5, 9, "ثاني")]


def test_sentences_end_at_final_punctuation_closing_marks_and_newlines():
    text = "قال: «انتهى.» ثم غادر؟! وعاد\nسطر جديد"
    groups = sentences(text, tokenize(text))
    assert [texts(g) for g in groups] == [
        ["قال", ":", "«", "انتهى", ".", "»"],
        ["ثم", "غادر", "؟", "!"],
        ["وعاد"],
        ["سطر", "جديد"],
    ]


def test_sentences_never_split_where_told_to_keep_together():
    text = "زار د. محمد غزة."
    tokens = tokenize(text)
    keep = [t.text == "محمد" for t in tokens]
    assert [texts(g) for g in sentences(text, tokens, keep_together=keep)] == [
        ["زار", "د", ".", "محمد", "غزة", "."]]


def test_whitespace_tokens_give_back_pretokenized_tokens():
    text = "(د ب أ) وقال U.S.\nجديد 😀x"
    tokens = whitespace_tokens(text)
    check_offsets(text, tokens)
    assert texts(tokens) == ["(د", "ب", "أ)", "وقال", "U.S.", "جديد", "😀x"]
    assert [texts(g) for g in sentences(text, tokens, at_punctuation=False)] == [
        ["(د", "ب", "أ)", "وقال", "U.S."], ["جديد", "😀x"]]
    cut = text.index("x")
    assert texts(whitespace_tokens(text, cuts=[cut]))[-2:] == ["😀", "x"]
