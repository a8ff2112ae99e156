"""Arabic text normalization for matching and search, with a map back to the stored text.

Stored text is never changed (offsets refer to it); matching and search work on a normalized
copy and map every hit back. `normalize` works character by character, so each normalized
character knows the original code point it came from. The character classes are pyarabic's
(araby.TASHKEEL, TATWEEL, the alef, hamza-seat, yeh and teh forms), extended where scraped news
needs more; pyarabic's strip_tashkeel / strip_tatweel / normalize_hamza themselves return
shorter strings without a map back, so we build one str.translate table from the same classes
at import (fast, and every dropped or folded character still knows where it came from).

What `normalize` does, and why:
- drops tashkeel (U+064B–U+065F, the superscript alef U+0670, Quranic marks U+06D6–U+06ED) and
  tatweel (U+0640): writers add them or not, they never change which word it is;
- drops bidi controls and zero-width characters (annotator.core.text.INVISIBLE): invisible;
- unifies alef forms أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي: the spelling of hamza seats,
  alef maqsura and teh marbuta varies between sites and writers (فى / في, إسرائيل / اسرائيل).
  ئ → ي (rather than ء) because writers who drop the hamza write the bare seat (مسئول, مسيول);
  a lone ء is kept: it is a letter of its own (سماء, جزء);
- Persian/Urdu look-alikes (ک ی ۀ) become their Arabic letters, Arabic-Indic digits become
  ASCII digits, Latin letters are lower-cased, and presentation forms (ﻻ, ﺍ …) are decomposed;
  a character that turns into several (ﻻ → لا) maps each of them back to itself.

`loose_key` goes further and is used only to match foreign names, whose transliteration
varies: ج غ ق ك گ ڭ (the foreign "g"), ت ط ث, س ص, ذ ز ظ, ا ع ء into one letter each, alef
dropped inside a word and doubled letters collapsed (غالانت / جالانت, نتنياهو / نتانياهو,
ترامب / ترمب, ميلر / ميللر). It keeps و and ي: dropping them merges plurals and nisbas with
their stems (فلسطين / فلسطينيين).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from pyarabic import araby

from .text import INVISIBLE

TATWEEL = araby.TATWEEL
# pyarabic's TASHKEEL (tanween, short vowels, shadda, sukun) and its small alef, plus the other
# combining marks of the Arabic block (maddah and hamza above/below, U+0653–U+065F) and the
# Quranic annotation marks (U+06D6–U+06ED but the small waw and yeh, which are letters) that
# quotations of the Quran bring into news text.
TASHKEEL = frozenset(araby.TASHKEEL) | {araby.SMALL_ALEF} \
    | frozenset(chr(c) for c in range(0x0653, 0x0660)) \
    | frozenset(chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6))
# Characters normalization drops: a span ending on a letter also takes its marks along.
DROPPED = TASHKEEL | {TATWEEL} | INVISIBLE

# Spelling variants folded into one letter. pyarabic's normalize_hamza turns every hamza seat
# into a bare hamza; we keep the seat's letter instead (أ → ا, ؤ → و, ئ → ي), because writers
# who drop the hamza write the bare seat (مسئول, مسيول). ٲ ٳ are alef forms pyarabic lacks.
_FOLD = {
    **dict.fromkeys([araby.ALEF_HAMZA_ABOVE, araby.ALEF_HAMZA_BELOW, araby.ALEF_MADDA,
                     araby.ALEF_WASLA, "ٲ", "ٳ"], araby.ALEF),
    **dict.fromkeys([araby.ALEF_MAKSURA, araby.YEH_HAMZA, "ی", "ې", "ے"], araby.YEH),
    **dict.fromkeys([araby.TEH_MARBUTA, "ۀ", "ہ", "ە"], araby.HEH),
    araby.WAW_HAMZA: araby.WAW,
    "ک": araby.KAF, "ڪ": araby.KAF,  # Persian and Sindhi kaf
    "\u066b": ".", "\u066c": ",",  # Arabic decimal and thousands separators
}
for _digit in range(10):
    _FOLD[chr(0x0660 + _digit)] = str(_digit)  # ٠–٩
    _FOLD[chr(0x06F0 + _digit)] = str(_digit)  # ۰–۹ (Persian)


def _fold(ch: str) -> str:
    """The normalized form of one character: "" (dropped), one character, or a few."""
    if ch in DROPPED:
        return ""
    mapped = _FOLD.get(ch)
    if mapped is not None:
        return mapped
    code = ord(ch)
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:  # Arabic presentation forms
        decomposed = unicodedata.normalize("NFKC", ch)
        if decomposed != ch:  # unassigned code points and a few symbols decompose to themselves
            return "".join(_fold(c) for c in decomposed)
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


class _FoldTable(dict):
    """str.translate table computed on demand: code point -> normalized form."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_TABLE = _FoldTable()
# The characters that do not normalize to exactly one character: dropped ones and
# presentation forms. Text between them maps one to one.
_UNEVEN = re.compile("[" + "".join(sorted(DROPPED)) + "\ufb50-\ufdff\ufe70-\ufeff]")


# The fast way to the same result (normalize is the first step of every zone, entity and search
# run, and str.translate with a dict costs ~100 ns a character): lower-case the whole text,
# replace the few folded characters, delete the dropped ones, each a C-speed pass. It gives what
# the table gives, character by character, unless the text holds a presentation form (folded
# through NFKC), a capital sigma (whose whole-text lower case depends on the letter before it)
# or a character whose lower case is longer (the length then differs): those take the table.
# tests/core/test_arabic.py compares both ways over every code point.
_DROP = re.compile("[" + "".join(sorted(DROPPED)) + "]")
_NOT_FAST = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\u03a3]")
_FOLD_ITEMS = tuple(_FOLD.items())
# Shorter texts (a word, a name, a short line) go to the table: the passes' fixed cost (a scan
# for each folded character) is more than the table's per-character one below ~45 characters.
_FAST_FROM = 48


def _fold_fast(text: str) -> str | None:
    """`text` with every character folded as _TABLE folds it, dropped ones still in place
    (same length as `text`); None if the text needs the table (see above)."""
    if _NOT_FAST.search(text) is not None:
        return None
    lower = text.lower()
    if len(lower) != len(text):
        return None
    for ch, folded in _FOLD_ITEMS:  # a scan each: faster than finding them with a regex
        if ch in lower:
            lower = lower.replace(ch, folded)
    return lower


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalized text, to_orig) where to_orig[i] is the index in `text` of the character that
    normalized character i came from; to_orig has one extra entry, len(text), so that an end
    offset maps too. to_orig never decreases."""
    folded = _fold_fast(text) if len(text) >= _FAST_FROM else None
    if folded is not None:
        drops = [m.start() for m in _DROP.finditer(text)]
        if not drops:
            return folded, list(range(len(text) + 1))
        to_orig = []
        done = 0
        for at in drops:
            to_orig.extend(range(done, at))
            done = at + 1
        to_orig.extend(range(done, len(text) + 1))
        return _DROP.sub("", folded), to_orig
    norm = text.translate(_TABLE)
    if len(norm) == len(text) and not _UNEVEN.search(text):
        return norm, list(range(len(text) + 1))
    to_orig: list[int] = []
    done = 0
    for match in _UNEVEN.finditer(text):
        at = match.start()
        to_orig.extend(range(done, at))
        to_orig.extend([at] * len(_TABLE[ord(text[at])]))
        done = at + 1
    to_orig.extend(range(done, len(text) + 1))
    return norm, to_orig


def maps_one_to_one(text: str) -> bool:
    """Whether normalize(text) keeps every character in its place (none dropped, none
    expanded): its offsets are then the stored text's, and its to_orig the identity."""
    return _UNEVEN.search(text) is None


def normalize_text(text: str) -> str:
    """The normalized form alone (for keys and queries)."""
    folded = _fold_fast(text) if len(text) >= _FAST_FROM else None
    if folded is None:
        return text.translate(_TABLE)
    return _DROP.sub("", folded) if _DROP.search(folded) else folded


def orig_span(text: str, to_orig: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of `text` that normalized [start, end) came from. The end takes along the marks
    (tashkeel, tatweel) written on the last letter, so a span never cuts a letter from its
    harakat: المختطَفينَ is found whole."""
    if end <= start:
        at = to_orig[start]
        return at, at
    a = to_orig[start]
    b = to_orig[end - 1] + 1
    while b < len(text) and (text[b] in TASHKEEL or text[b] == TATWEEL):
        b += 1
    return a, b


# ---------------------------------------------------------------------------------------------
# Words

# A word is a run of letters and digits of the normalized text (tashkeel and tatweel are gone
# by then, so a word written with them is still one word).
WORD = re.compile(r"[^\W_]+")


def words(norm: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word of a normalized text."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(norm)]


# Proclitics, in the order they attach: a conjunction, then a preposition, then the article.
# لل is ل + ال with the article's alef dropped (للرئيس = ل + الرئيس).
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
MIN_STEM = 2


class Split(NamedTuple):
    prefix: int    # normalized letters before the stem (the proclitics)
    stem: str
    article: bool  # the article ال was among the proclitics taken off


@lru_cache(maxsize=1 << 16)  # words repeat a lot across a corpus
def proclitic_splits(word: str) -> tuple[Split, ...]:
    """The ways to read a normalized word as proclitics + stem, the unsplit word first.
    The stem is what a dictionary form would be: for لل… it is ال…, the article the writer
    merged with the preposition (prefix 1: the article's lam belongs to the stem's span).
    Stems shorter than MIN_STEM letters are not offered."""
    out: list[Split] = [Split(0, word, False)]
    seen = {word}

    def offer(prefix: int, stem: str, article: bool = False) -> None:
        if len(stem) >= MIN_STEM and len(word) - prefix >= MIN_STEM and stem not in seen:
            seen.add(stem)
            out.append(Split(prefix, stem, article))

    conj_options = [0] + [1 for c in _CONJ if word.startswith(c)]
    for c in conj_options:
        rest = word[c:]
        prep_options = [0] + [1 for p in _PREP if rest.startswith(p)]
        for p in prep_options:
            base = c + p
            tail = word[base:]
            if base:
                offer(base, tail)
            if tail.startswith("ال"):
                offer(base + 2, tail[2:], article=True)
            elif p and word[c] == "ل" and tail.startswith("ل") and len(tail) > MIN_STEM:
                # لل / ولل / فلل: preposition + article without its alef.
                offer(base, "ا" + tail)
                offer(base + 1, tail[1:], article=True)
    return tuple(out)


def proclitic_variants(word: str) -> list[str]:
    return [split.stem for split in proclitic_splits(word)]


# ---------------------------------------------------------------------------------------------
# Loose key for entity names

_LOOSE_CLASS = {}
for _group, _rep in (("جغقكگڭ", "ك"), ("تطث", "ت"), ("سص", "س"), ("ذزظ", "ز"), ("ءعا", "ا")):
    for _ch in _group:
        _LOOSE_CLASS[_ch] = _rep


@lru_cache(maxsize=1 << 16)
def loose_key(word: str) -> str:
    """A coarse key of a normalized word, equal for transliteration variants of one foreign
    name: غالانت / جالانت / قالانت, نتنياهو / نتانياهو, أنتوني / أنطوني. Used only to match
    entity names, never for search: it also merges unrelated native words."""
    letters = [_LOOSE_CLASS.get(ch, ch) for ch in word]
    out: list[str] = []
    for i, ch in enumerate(letters):
        if 0 < i < len(letters) - 1 and word[i] == "ا":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)
