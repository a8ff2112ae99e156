"""Tokens with exact offsets, for token-level exports (CoNLL).

Rules, chosen to match how Arabic NER corpora such as ANERcorp are tokenized:

- A word is a run of letters, combining marks (tashkeel), digits and tatweel. Clitics stay
  attached (وبالمدينة is one token): splitting them needs a morphological analyser, and a wrong
  split would move entity boundaries.
- Punctuation and symbols, Arabic (، ؛ ؟ « ») and Latin, are tokens of their own; a run of the
  same mark ("...", "!!", "؟؟") is one token. Inside a number, . , ٫ ٬ : / stay (3.5, ١٢٫٥, 20:00).
- An emoji is one token with its modifiers: skin tones, variation selectors, ZWJ sequences,
  and a flag (two regional indicators, 🇵🇸) stays whole.
- Invisible format characters (RLM, LRM, ZWJ …) never begin or end a token; inside a word
  (a ZWNJ between letters) they stay in it.
- `cuts` are offsets where a token must be split even inside a word: the boundaries of the
  entities being written, so that a label never covers half a token.

Pretokenized text (a CoNLL import, rebuilt as tokens joined by spaces and sentences by newlines)
is split with `whitespace_tokens` instead, which gives back exactly the imported tokens.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Iterable, NamedTuple, Sequence

SENTENCE_END = frozenset(".!?؟…")
# Closing marks that belong to the sentence they follow: «انتهى.» ends after the ».
CLOSING = frozenset("»”’)]}›")
NUMBER_JOINERS = frozenset(".,٫٬:/")
ZWJ = "\u200d"
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAG_CHARACTERS = range(0xE0020, 0xE0080)  # subdivision flags (🏴 + tags)

WORD, SYMBOL, PUNCT, SPACE, FORMAT = "word", "symbol", "punct", "space", "format"


class Token(NamedTuple):  # a tuple: corpora have millions of tokens, creation must be cheap
    start: int
    end: int
    text: str


def char_class(ch: str) -> str:
    if ch.isspace():
        return SPACE
    cat = unicodedata.category(ch)
    if cat[0] in "LMN" or ch == "_":
        return WORD
    if cat == "Cf":
        return FORMAT
    if cat == "So":
        return SYMBOL
    return PUNCT  # other punctuation and symbols, and stray control characters


def _word_end(text: str, i: int, end: int) -> int:
    j = i + 1
    while j < end:
        ch = text[j]
        kind = char_class(ch)
        if kind == WORD:
            j += 1
        elif (ch in NUMBER_JOINERS and text[j - 1].isdecimal() and j + 1 < end
              and text[j + 1].isdecimal()):
            j += 2
        elif kind == FORMAT:
            k = j
            while k < end and char_class(text[k]) == FORMAT:
                k += 1
            if k < end and char_class(text[k]) == WORD:
                j = k
            else:
                break
        else:
            break
    return j


def _symbol_end(text: str, i: int, end: int) -> int:
    j = i + 1
    if ord(text[i]) in _REGIONAL_INDICATORS:
        return i + 2 if j < end and ord(text[j]) in _REGIONAL_INDICATORS else j
    while j < end:
        ch = text[j]
        code = ord(ch)
        if unicodedata.category(ch)[0] == "M" or code in _SKIN_TONES or code in _TAG_CHARACTERS:
            j += 1
        elif ch == ZWJ and j + 1 < end and char_class(text[j + 1]) == SYMBOL:
            j += 2
        else:
            break
    return j


def _add(tokens: list[Token], start: int, end: int, text: str, cuts: Sequence[int]) -> None:
    """Add the token [start, end), split at every cut strictly inside it."""
    k = bisect_right(cuts, start)
    while k < len(cuts) and cuts[k] < end:
        tokens.append(Token(start, cuts[k], text[start:cuts[k]]))
        start = cuts[k]
        k += 1
    tokens.append(Token(start, end, text[start:end]))


# A run of characters between spaces that is all letters, digits and tashkeel is one word:
# the common case, matched by a regex instead of character by character. Everything else
# (punctuation, emoji, marks outside these ranges) goes through the scanner below.
_PLAIN_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
                         r"\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]+")
_CHUNK = re.compile(r"\S+")


def tokenize(text: str, start: int = 0, end: int | None = None,
             cuts: Iterable[int] = ()) -> list[Token]:
    """Tokens of text[start:end], offsets into `text`."""
    end = len(text) if end is None else end
    cuts = sorted(set(cuts))
    tokens: list[Token] = []
    for chunk in _CHUNK.finditer(text, start, end):
        a, b = chunk.span()
        if _PLAIN_WORD.fullmatch(text, a, b):
            _add(tokens, a, b, text, cuts)
        else:
            _scan(text, a, b, cuts, tokens)
    return tokens


def _scan(text: str, start: int, end: int, cuts: Sequence[int], tokens: list[Token]) -> None:
    i = start
    while i < end:
        ch = text[i]
        kind = char_class(ch)
        if kind == FORMAT:  # (a chunk has no spaces)
            i += 1
            continue
        if kind == WORD:
            j = _word_end(text, i, end)
        elif kind == SYMBOL:
            j = _symbol_end(text, i, end)
        else:
            j = i + 1
            while j < end and text[j] == ch:
                j += 1
        _add(tokens, i, j, text, cuts)
        i = j


def whitespace_tokens(text: str, start: int = 0, end: int | None = None,
                      cuts: Iterable[int] = ()) -> list[Token]:
    """Tokens of pretokenized text: the runs between whitespace (what str.split() gives)."""
    end = len(text) if end is None else end
    cuts = sorted(set(cuts))
    tokens: list[Token] = []
    for chunk in _CHUNK.finditer(text, start, end):
        _add(tokens, *chunk.span(), text, cuts)
    return tokens


def ends_sentence(token_text: str) -> bool:
    return token_text[0] in SENTENCE_END and all(ch in SENTENCE_END for ch in token_text)


def is_closing_mark(token_text: str) -> bool:
    return token_text[0] in CLOSING and all(ch in CLOSING for ch in token_text)


def sentences(text: str, tokens: Sequence[Token], at_punctuation: bool = True,
              keep_together: Sequence[bool] | None = None) -> list[list[Token]]:
    """Group tokens into sentences: a new one after a newline, and (with `at_punctuation`)
    after . ! ? ؟ … together with the closing marks right after them.

    keep_together[i] true means token i never starts a sentence (it continues an entity).
    """
    out: list[list[Token]] = []
    current: list[Token] = []
    ended = False
    for index, tok in enumerate(tokens):
        if current:
            newline = "\n" in text[current[-1].end:tok.start]
            continues = ends_sentence(tok.text) or is_closing_mark(tok.text)
            if newline or (ended and not continues):
                if not (keep_together and keep_together[index]):
                    out.append(current)
                    current = []
                ended = False
        current.append(tok)
        if at_punctuation and ends_sentence(tok.text):
            ended = True
    if current:
        out.append(current)
    return out
