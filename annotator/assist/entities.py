"""Entity suggestions: find mentions of known names in a text.

Known names come from a gazetteer (resources/assist/gazetteer.tsv or the user's file) and from
the entities people already confirmed in the project (every layer but `suggestions`, gold
included; project names win over the gazetteer). Matching is done word by word on the
normalized text (annotator.core.arabic): tashkeel, tatweel and hamza/alef/yeh/teh-marbuta
spellings do not matter, a word may carry proclitics (و ف ب ل ك ال: لغالانت، وبيروت،
للبنتاغون), and names long enough to be safe also match their transliteration variants
(جالانت / غالانت) through `loose_key` (not names with the article: الموصل is not المسؤول). A person's surname alone (بلينكن for أنتوني بلينكن) is a
name too. Every suggestion is mapped back to exact offsets in the stored text, and is always
whole words: only a proclitic may be left outside the span.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import RESOURCES
from ..core.arabic import (loose_key, normalize, normalize_text, orig_span, proclitic_splits,
                           words)
from ..core.errors import InputError
from ..core.text import read_utf8_file
from ..core.model import SUGGESTIONS, Entity

DEFAULT_GAZETTEER_PATH = RESOURCES / "assist" / "gazetteer.tsv"

# A name matches its transliteration variants only if its loose key has this many letters:
# shorter keys (بايدن → بدن) collide with ordinary words.
LOOSE_MIN_LETTERS = 4
# What may stand between two words of a name: spaces (not a line break), or a hyphen.
LINE_CACHE = 50_000  # lines whose matches are remembered (see NameIndex.find)
_NAME_GAP = re.compile(r"[ \t\u00a0\u202f]*-?[ \t\u00a0\u202f]*\Z")
# Words that are part of a name but never a surname on their own.
_NAME_PARTICLES = frozenset(normalize_text(w) for w in (
    "بن", "ابن", "بنت", "آل", "أبو", "ابو", "أبي", "أم", "عبد", "عبد", "ولد", "دي", "دير", "فون",
    "فان", "الملك", "الأمير", "الشيخ", "الرئيس", "السيد"))
# Second names that are also common words: never offered as a surname alone.
_COMMON_WORDS = frozenset(normalize_text(w) for w in (
    "سعيد", "ثاني", "حسن", "علي", "محمد", "أحمد", "سالم", "كريم", "جميل", "عادل", "أمين",
    "سلام", "زايد", "راشد", "حمد", "مصطفى", "طارق", "فرحان", "حمدان", "السادس", "خان",
    "رئيسي", "عباس", "كريم", "نصر", "ناصر", "منصور", "سلمان"))


@dataclass(frozen=True)
class Name:
    """A known name: its normalized words, label, where it comes from, and how it was written."""
    words: tuple[str, ...]
    label: str
    source: str  # "project" or "gazetteer"
    surface: str
    canonical: str | None = None
    partial: bool = False  # a surname taken from a longer name

    @property
    def loose(self) -> tuple[str, ...]:
        return tuple(loose_key(w) for w in self.words)

    @property
    def allows_variants(self) -> bool:
        # Names with the article (الموصل, السيسي) are Arabic words, spelled one way; their
        # loose keys would meet ordinary words (المسؤول, السياسي).
        return (sum(len(k) for k in self.loose) >= LOOSE_MIN_LETTERS
                and not any(w.startswith("ال") for w in self.words))


def name_words(surface: str) -> tuple[str, ...]:
    return tuple(w for _s, _e, w in words(normalize_text(surface)))


def _surname(name_words_: tuple[str, ...]) -> str | None:
    if len(name_words_) < 2:
        return None
    last, before = name_words_[-1], name_words_[-2]
    if (before in _NAME_PARTICLES or last in _NAME_PARTICLES or last in _COMMON_WORDS
            or last.startswith("ال") or len(last) < 4 or not last.isalpha()):
        return None
    return last


class NameIndex:
    """Known names, looked up by their first word (exactly and by loose key)."""

    def __init__(self, ordinary_words: Iterable[str] = ()) -> None:
        # Written forms (features.hamza_form) that confirmed documents show more often as
        # ordinary words than in names: a one-word name is never suggested on them.
        self.ordinary_words = frozenset(ordinary_words)
        self._names: dict[tuple[str, ...], Name] = {}
        self._exact: dict[str, list[Name]] = defaultdict(list)
        self._loose: dict[str, list[Name]] = defaultdict(list)
        self._line_cache: dict[str, tuple[Entity, ...]] = {}  # see find
        # word -> its readings that start a known name: (prefix, article, candidates); see
        # _match_at. Words repeat: each is split and looked up once.
        self._starts: dict[str, tuple] = {}

    def __getstate__(self) -> dict:
        # Sent to worker processes: the caches are rebuilt there, not pickled.
        return {**self.__dict__, "_line_cache": {}, "_starts": {}}

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, surface: str) -> bool:
        return name_words(surface) in self._names

    def get(self, surface: str) -> Name | None:
        return self._names.get(name_words(surface))

    def add(self, surface: str, label: str, source: str, canonical: str | None = None) -> bool:
        """Add a name (and its surname, for a person). A name already known keeps its label:
        add project names before gazetteer ones. False if nothing was added."""
        ws = name_words(surface)
        if not ws or all(w.isdigit() for w in ws) or sum(map(len, ws)) < 2:
            return False
        added = self._put(Name(ws, label, source, surface.strip(), canonical))
        surname = _surname(ws) if label == "PER" else None
        if surname:
            self._put(Name((surname,), label, source, surface.strip(), canonical, partial=True))
        return added

    def _put(self, name: Name) -> bool:
        old = self._names.get(name.words)
        if old is not None and not (old.partial and not name.partial):
            return False
        if old is not None:
            self._exact[old.words[0]].remove(old)
            if old.allows_variants:
                self._loose[old.loose[0]].remove(old)
        self._names[name.words] = name
        self._line_cache.clear()
        self._starts.clear()
        self._exact[name.words[0]].append(name)
        if name.allows_variants:
            self._loose[name.loose[0]].append(name)
        return True

    def find(self, text: str, exclude: Iterable[tuple[int, int]] = ()) -> tuple[Entity, ...]:
        """Entities for every mention of a known name, longest match first, not overlapping
        each other nor any span in `exclude` (e.g. what the labeler already marked).

        Line by line: a name never runs across a line break, so a line's matches depend on
        that line alone, and a line seen before (boilerplate, agency lines, a paragraph
        syndicated to many pages) is not matched again."""
        if not self._names:
            return ()
        taken = sorted(exclude)
        found: list[Entity] = []
        at = 0
        cache = self._line_cache
        for line in text.split("\n"):
            if line.strip():
                hits = cache.get(line)
                if hits is None:
                    if len(cache) >= LINE_CACHE:
                        cache.clear()
                    hits = cache[line] = self._find_in_line(line)
                for e in hits:
                    start, end = at + e.start, at + e.end
                    if not any(a < end and start < b for a, b in taken):
                        found.append(Entity(start, end, e.label, e.canonical, e.extra)
                                     if at else e)
            at += len(line) + 1
        return tuple(found)

    def _find_in_line(self, text: str) -> tuple[Entity, ...]:
        norm, to_orig = normalize(text)
        ws = words(norm)
        found: list[Entity] = []
        i = 0
        while i < len(ws):
            match = self._match_at(norm, ws, i)
            if match is None:
                i += 1
                continue
            prefix, count, name, exact = match
            start, end = orig_span(text, to_orig, ws[i][0] + prefix, ws[i + count - 1][1])
            if self._imprecise(text[start:end], name, count):
                i += 1
                continue
            extra = [("assist", name.source)]
            if not exact or name.partial:
                extra.append(("variant_of", name.surface))
            found.append(Entity(start, end, name.label, name.canonical, tuple(extra)))
            i += count
        return tuple(found)

    def _imprecise(self, surface: str, name: Name, count: int) -> bool:
        """Matches that normalization allows but a reader would not: ى against ي at the end
        of a word (علي is a name, على a preposition), and one-word names on a form that the
        confirmed documents show is more often an ordinary word (مالي, الأسد, المدينة)."""
        from .features import hamza_form, written_form
        seen = written_form(surface).split()
        for mine, theirs in zip(written_form(name.surface).split(), seen):
            if {mine[-1:], theirs[-1:]} == {"ى", "ي"}:
                return True
        return count == 1 and bool(self.ordinary_words) and len(seen) == 1 \
            and hamza_form(seen[0]) in self.ordinary_words

    def _starts_of(self, word: str) -> tuple:
        """The readings of a word (proclitics + stem) under which a known name starts with
        it: (prefix length, article, ((name, first word exact), …)), remembered per word."""
        starts = self._starts.get(word)
        if starts is None:
            if len(self._starts) >= LINE_CACHE:
                self._starts.clear()
            found = []
            for prefix, stem, article in proclitic_splits(word):
                candidates = [(n, True) for n in self._exact.get(stem, ())]
                candidates += [(n, False) for n in self._loose.get(loose_key(stem), ())
                               if n.words[0] != stem]
                if candidates:
                    found.append((prefix, article, tuple(candidates)))
            starts = self._starts[word] = tuple(found)
        return starts

    def _match_at(self, norm: str, ws: list, i: int):
        """The best known name starting at word i: (prefix length, word count, name, exact)."""
        best = None
        best_rank = None
        for prefix, article, candidates in self._starts_of(ws[i][2]):
            for name, first_exact in candidates:
                if article and not name.words[0].startswith("ال"):
                    continue  # الرئيسي is not the name رئيسي
                exact = self._rest_matches(norm, ws, i, name, first_exact)
                if exact is None:
                    continue
                # Longer names first; then exact spelling; then the fewest letters left out;
                # then what people confirmed over the gazetteer.
                rank = (len(name.words), exact, -prefix, name.source == "project")
                if best_rank is None or rank > best_rank:
                    best, best_rank = (prefix, len(name.words), name, exact), rank
        return best

    @staticmethod
    def _rest_matches(norm: str, ws: list, i: int, name: Name, first_exact: bool):
        """None if the words after word i do not continue the name; else whether every word
        matched exactly (not only by its loose key)."""
        n = len(name.words)
        if i + n > len(ws):
            return None
        exact = first_exact
        for k in range(1, n):
            if not _NAME_GAP.match(norm, ws[i + k - 1][1], ws[i + k][0]):
                return None  # a name does not run across punctuation or a line break
            word = ws[i + k][2]
            if word == name.words[k]:
                continue
            if name.allows_variants and loose_key(word) == name.loose[k]:
                exact = False
                continue
            return None
        return exact


# ---------------------------------------------------------------------------------------------
# Sources of names

def read_gazetteer(path: str | Path) -> list[tuple[str, str, str | None]]:
    """(name, label, canonical) from a TSV file; InputError names the file and line at fault."""
    content = read_utf8_file(path)
    entries = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2 or not fields[0] or not fields[1] or len(fields) > 3:
            raise InputError(f"{path}:{number}: expected name<TAB>label[<TAB>canonical], "
                             f"got {line!r}")
        entries.append((fields[0], fields[1], (fields[2] if len(fields) == 3 else "") or None))
    return entries


def project_names(project, skip: Iterable[str] = (SUGGESTIONS,)) -> list[tuple[str, str, str | None]]:
    """(surface, label, canonical) of the entities people confirmed, most frequent label of
    each name first, from every layer but `skip`."""
    skip = set(skip)
    labels: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    surfaces: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    canonical: dict[tuple[str, ...], str] = {}
    layers = ((doc, layer) for name in project.layer_names() if name not in skip
              for doc, _name, layer in project.iter_layers(name))
    for doc, layer in layers:
        for e in layer.entities:
            surface = doc.text[e.start:e.end]
            key = name_words(surface)
            if not key:
                continue
            labels[key][e.label] += 1
            surfaces[key][surface.strip()] += 1
            if e.canonical:
                canonical[key] = e.canonical
    return [(surfaces[k].most_common(1)[0][0], labels[k].most_common(1)[0][0], canonical.get(k))
            for k in labels]


def ordinary_words(project, min_ordinary: int = 2) -> set[str]:
    """Written forms that documents people confirmed (gold, or marked done: there, a word not
    labeled is not a name) show more often outside entities than inside them."""
    from ..store.models import confirmed_layer_refs
    from .features import hamza_form, tokenize
    inside: Counter = Counter()
    total: Counter = Counter()
    for doc_id, name in confirmed_layer_refs(project).items():
        text = project.get_text(doc_id)
        layer = project.get_layer(doc_id, name)
        spans = sorted((e.start, e.end) for e in layer.entities)
        tokens, _ = tokenize(text)
        for tok in tokens:
            if not tok.norm[0].isalpha():
                continue
            key = hamza_form(tok.raw)
            total[key] += 1
            if any(a < tok.end and tok.start < b for a, b in spans):
                inside[key] += 1
    return {k for k, n in total.items() if n - inside[k] >= min_ordinary and n - inside[k] > inside[k]}


def build_index(project=None, gazetteer: str | Path | None = DEFAULT_GAZETTEER_PATH,
                schema=None) -> NameIndex:
    """Names from the project (first: they win) and the gazetteer (None: no gazetteer).
    Labels the schema does not know are mapped through its aliases or skipped."""
    schema = schema or (project.schema if project is not None else None)
    index = NameIndex(ordinary_words(project) if project is not None else ())

    def label_of(label: str) -> str | None:
        if schema is None:
            return label
        label = schema.aliases.get(label, label)
        return label if label in schema.entity_names else None

    if project is not None:
        for surface, label, canonical in project_names(project):
            if label_of(label):
                index.add(surface, label_of(label), "project", canonical)
    if gazetteer is not None:
        for surface, label, canonical in read_gazetteer(gazetteer):
            if label_of(label):
                index.add(surface, label_of(label), "gazetteer", canonical)
    return index
