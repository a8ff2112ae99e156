"""Code points <-> UTF-16 positions: the one place where the two ways of counting meet.

Python indexes a string by code point; Qt (QString, QTextDocument, QTextCursor) and JavaScript
count UTF-16 code units, so every character above U+FFFF (emoji, flags, rare CJK) takes two
positions there. A document's newlines are LF only and a QTextDocument counts each block break
as one position, so the only difference is the non-BMP characters. `OffsetMap` records where
they are once, then converts by binary search: O(log k) for k non-BMP characters, O(1) when
there are none. The window uses it through gui/offsets.py; exports that add UTF-16 offsets for
JavaScript use `utf16_offset`.
"""
from __future__ import annotations

import re
from bisect import bisect_left

_NON_BMP = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    def __init__(self, text: str):
        self.length = len(text)
        # Encoding is done in C and is the fastest way to learn that there is nothing to map.
        self.qt_length = len(text.encode("utf-16-le")) // 2
        if self.qt_length == self.length:
            self._astral: list[int] = []
            self._astral_qt: list[int] = []
        else:
            self._astral = [m.start() for m in _NON_BMP.finditer(text)]
            # Qt position of the high surrogate of the k-th non-BMP character.
            self._astral_qt = [cp + k for k, cp in enumerate(self._astral)]

    def cp_to_qt(self, i: int) -> int:
        """Qt position of code point index i (clamped to the text)."""
        i = max(0, min(i, self.length))
        if not self._astral:
            return i
        return i + bisect_left(self._astral, i)

    def qt_to_cp(self, q: int) -> int:
        """Code point index of Qt position q (clamped). A position between the two halves of a
        surrogate pair rounds down to the start of that character."""
        q = max(0, min(q, self.qt_length))
        if not self._astral_qt:
            return q
        # k non-BMP characters start before q; each took one extra Qt position. For q on the
        # low surrogate of character k-1 this gives that character's own index: rounding down.
        return q - bisect_left(self._astral_qt, q)


def utf16_offset(text: str, index: int) -> int:
    """UTF-16 code units before code point `index` (what JavaScript and Qt count)."""
    return len(text[:index].encode("utf-16-le")) // 2
