"""Word, line and paragraph spans over the stored text (code points, end exclusive).

Used to snap a selection to whole words (entities), to take a whole line or paragraph (zones) and
to move a zone boundary word by word. Arabic words carry tashkeel, tatweel and zero-width
joiners inside them; all of those belong to the word, so a snapped span never cuts a word apart.
"""
from __future__ import annotations

import unicodedata

# Zero-width non-joiner / joiner: part of a word only between two word characters.
_JOINERS = frozenset("\u200c\u200d")


def is_word_char(ch: str) -> bool:
    """Letters (Arabic, Latin, …), digits (also Arabic-Indic), combining marks such as tashkeel
    (U+064B–U+065F, U+0670) and the tatweel U+0640. ZWNJ/ZWJ count inside words only; see
    `_in_word`."""
    if ch.isalnum() or ch == "\u0640":
        return True
    return unicodedata.category(ch)[0] == "M"


def _in_word(text: str, i: int) -> bool:
    """Is the character at index i part of a word?"""
    ch = text[i]
    if ch in _JOINERS:
        return (0 < i < len(text) - 1 and is_word_char(text[i - 1])
                and is_word_char(text[i + 1]))
    return is_word_char(ch)


def _clamp(text: str, i: int) -> int:
    return max(0, min(i, len(text)))


def _word_start(text: str, i: int) -> int:
    while i > 0 and _in_word(text, i - 1):
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    n = len(text)
    while i < n and _in_word(text, i):
        i += 1
    return i


def word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Snap [start, end) to whole words.

    Spaces and punctuation at either edge are dropped, then both edges grow to the ends of the
    words they cut. An empty span (a caret) becomes the word it touches. A span without any word
    character (only punctuation, an emoji …) is returned as it is: there is nothing to snap to.
    """
    start, end = sorted((_clamp(text, start), _clamp(text, end)))
    if start == end:
        if start < len(text) and _in_word(text, start):
            return _word_start(text, start), _word_end(text, start)
        if start > 0 and _in_word(text, start - 1):
            return _word_start(text, start - 1), start
        return start, end
    s, e = start, end
    while s < e and not _in_word(text, s):
        s += 1
    while e > s and not _in_word(text, e - 1):
        e -= 1
    if s == e:
        return start, end
    return _word_start(text, s), _word_end(text, e)


def line_span(text: str, i: int, include_newline: bool = False) -> tuple[int, int]:
    """The line holding index i, without its LF unless include_newline (zones tile the text, so a
    zone usually wants the LF too)."""
    i = _clamp(text, i)
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    if end == -1:
        return start, len(text)
    return start, end + 1 if include_newline else end


def _is_blank(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip()


def paragraph_span(text: str, i: int, include_newline: bool = False) -> tuple[int, int]:
    """The paragraph holding index i: consecutive non-blank lines, up to the next blank line.

    On a blank line the line itself is returned. With include_newline the LFs (and blank lines)
    that follow the paragraph are included, so that paragraph after paragraph tiles the text.
    """
    start, end = line_span(text, i)
    if _is_blank(text, start, end):
        return line_span(text, i, include_newline)
    while start > 0:
        prev_start, prev_end = line_span(text, start - 1)
        if _is_blank(text, prev_start, prev_end):
            break
        start = prev_start
    n = len(text)
    while end < n:
        next_start, next_end = line_span(text, end + 1)
        if _is_blank(text, next_start, next_end):
            break
        end = next_end
    if include_newline:
        while end < n and text[end].isspace():
            end += 1
        # Stop at the start of the next paragraph's first line, not after its indentation.
        if end < n:
            end = text.rfind("\n", 0, end) + 1
    return start, end


def next_word_boundary(text: str, i: int, direction: int) -> int:
    """Where a word-wise move from i lands: the start of the next word (direction +1) or the start
    of the word before (direction -1), or the end/start of the text. Logical order: in a
    right-to-left line, +1 moves leftwards on screen."""
    i = _clamp(text, i)
    n = len(text)
    if direction > 0:
        while i < n and _in_word(text, i):
            i += 1
        while i < n and not _in_word(text, i):
            i += 1
        return i
    if direction < 0:
        while i > 0 and not _in_word(text, i - 1):
            i -= 1
        while i > 0 and _in_word(text, i - 1):
            i -= 1
        return i
    raise ValueError("direction must be +1 or -1")
