"""Tokens and their features for the entity model (annotator.assist.entity_model).

Tokens are the words and punctuation marks of the normalized text (annotator.core.arabic), each
with its exact code-point span in the stored text, so a tashkeel mark, a tatweel or an invisible
control inside a word never splits it and every prediction maps back to stored offsets.

A token's features, and why:
- its form three ways: as written without tashkeel and tatweel (pyarabic's strip_tashkeel and
  strip_tatweel; ى and ي stay apart, so على and علي are different words), with hamza seats
  unified (pyarabic's normalize_hamza), and fully folded (core.arabic.normalize_text);
- proclitics (و ف ب ل ك ال) and the stems they leave, enclitics (ه ها هم كم نا …), prefixes and
  suffixes: where an Arabic name starts inside a written word;
- the loose key (ج/غ/ك/ق, ت/ط, س/ص … folded): transliteration variants of foreign names share
  it. It is a feature the model weighs against the rest, never a licence to match;
- shape: digits, Latin letters, punctuation, length;
- lexicon evidence from the project (`Lexicon`): how often this written form was confirmed as
  an entity (and as which label) against how often it occurs as an ordinary word in confirmed
  documents, whether a suggestion on it was rejected; and the gazetteer's matches;
- whether it is a given name (the shipped resources/assist/given_names.txt, under any reading
  of the proclitics): the word after one reads as a family name even if never confirmed;
- the same for the words around it (a window of two on each side).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, NamedTuple

from pyarabic import araby

from .. import RESOURCES
from ..core.arabic import (loose_key, maps_one_to_one, normalize, normalize_text, orig_span,
                           proclitic_splits)

# A token: a run of letters and digits, or one other visible character.
TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_SPAN = re.Match.span
# Tokens that end a sentence: sequences are cut there (and at line breaks).
SENTENCE_END = frozenset(".!?؟;؛")
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "كن", "ها", "نا", "ه", "ك", "ي")


class Token(NamedTuple):
    start: int      # code points in the stored text
    end: int
    nstart: int     # in the normalized text
    nend: int
    raw: str        # the stored text of the token
    norm: str       # its normalized form


def tokenize(text: str) -> tuple[list[Token], list[int]]:
    """The tokens of a stored text, and the normalized-to-stored offset map."""
    norm, to_orig = normalize(text)
    if maps_one_to_one(text):  # (most lines: no tashkeel, no tatweel) offsets are the same
        return [Token(s, e, s, e, text[s:e], norm[s:e])
                for s, e in map(_SPAN, TOKEN.finditer(norm))], to_orig
    tokens = []
    for m in TOKEN.finditer(norm):
        start, end = orig_span(text, to_orig, m.start(), m.end())
        tokens.append(Token(start, end, m.start(), m.end(), text[start:end], m.group()))
    return tokens, to_orig


def sentences(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """[first, last) token index ranges: cut at line breaks and sentence-ending marks."""
    out = []
    first = 0
    for i, tok in enumerate(tokens):
        cut = tok.norm in SENTENCE_END
        if not cut and i + 1 < len(tokens):
            cut = "\n" in text[tok.end:tokens[i + 1].start]
        if cut:
            out.append((first, i + 1))
            first = i + 1
    if first < len(tokens):
        out.append((first, len(tokens)))
    return out


@lru_cache(maxsize=1 << 17)
def written_form(raw: str) -> str:
    """As written, without tashkeel and tatweel (pyarabic): keeps ى/ي, ة/ه, hamza seats."""
    return araby.strip_tatweel(araby.strip_tashkeel(raw))


@lru_cache(maxsize=1 << 17)
def hamza_form(raw: str) -> str:
    """Hamza seats unified (pyarabic), ى/ي still apart: the key of the lexicon."""
    return araby.normalize_hamza(written_form(raw), method="tasheel")


@lru_cache(maxsize=1 << 17)
def word_features(raw: str, norm: str) -> tuple[str, ...]:
    """What one token says on its own (cached: words repeat)."""
    if not norm[0].isalnum():
        return ("p=" + norm,)
    w = written_form(raw)
    # The written form itself is not a feature: with hamza seats unified (h=) it is the same
    # word, and the third copy of nearly every form made training slower, the model no better.
    feats = ["h=" + hamza_form(raw), "n=" + norm, f"len={min(len(norm), 8)}"]
    if norm.isdigit():
        feats.append("digit")
        return tuple(feats)
    if norm.isascii():
        feats.append("latin")
        if raw[:1].isupper():
            feats.append("Cap" if not raw.isupper() else "CAPS")
    feats += ["p2=" + norm[:2], "p3=" + norm[:3], "s2=" + norm[-2:], "s3=" + norm[-3:]]
    splits = proclitic_splits(norm)
    stem = splits[-1].stem
    for split in splits[1:]:
        feats.append(f"pro={norm[:split.prefix]}")
        feats.append("stem=" + split.stem)
    if splits[-1].article or norm.startswith("ال"):
        feats.append("al")
    for enc in ENCLITICS:
        if len(norm) - len(enc) >= 3 and norm.endswith(enc):
            feats.append("enc=" + enc)
            break
    feats.append("lk=" + loose_key(stem))
    if any(is_demonym(split.stem) for split in splits):
        feats.append("nisba")
    if stem != norm and len(stem) >= 4:
        # The stem's own ends, the article and clitics off: foreign names share endings
        # (ـوف ـسكي ـيف) that the written word hides behind ال / و / ب.
        feats += ["sp3=" + stem[:3], "ss2=" + stem[-2:], "ss3=" + stem[-3:]]

    if w != raw:
        feats.append("marked")  # written with tashkeel or tatweel
    return tuple(feats)


PLACES_PATH = RESOURCES / "assist" / "gazetteer.tsv"
NISBA = ("يين", "يون", "يات", "يان", "يه", "ي")  # normalized: ية is يه


@lru_cache(maxsize=1)
def place_bases() -> frozenset[str]:
    """The one-word places of the shipped gazetteer, normalized, with and without the article
    and a final ا / يا / يه: what a demonym is built on (مصر → مصري, سوريا → سوري, السعودية →
    سعودي, ألمانيا → ألماني)."""
    bases = set()
    for line in PLACES_PATH.read_text(encoding="utf-8").splitlines():
        name, _tab, rest = line.partition("\t")
        if line.startswith("#") or rest.split("\t")[0].strip() != "LOC" or " " in name.strip():
            continue
        word = normalize_text(name.strip())
        for form in {word, word[2:] if word.startswith("ال") else word}:
            for end in ("يا", "يه", "ا", "ه", ""):
                if form.endswith(end) and len(form) - len(end) >= 3:
                    bases.add(form[:len(form) - len(end)])
                    break
    return frozenset(bases)


def is_demonym(stem: str) -> bool:
    """A relative adjective of a known place (مصري، الفلسطينيين، سعودية، الأمريكيون): a
    feature (nationalities and peoples are entities in some projects, not in others; the
    model learns which), never a match."""
    return any(stem.endswith(end) and len(stem) - len(end) >= 3
               and stem[:len(stem) - len(end)] in place_bases() for end in NISBA)


GIVEN_NAMES_PATH = RESOURCES / "assist" / "given_names.txt"


@lru_cache(maxsize=1)
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """The shipped list of given names, normalized: all of them, and those written with a
    final ى (يحيى, ليلى), the only ones a word ending in ى may be (على is not علي).
    A feature, never a match."""
    lines = GIVEN_NAMES_PATH.read_text(encoding="utf-8").splitlines()
    names = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return (frozenset(normalize_text(w) for w in names),
            frozenset(normalize_text(w) for w in names if w.endswith("ى")))


@lru_cache(maxsize=1 << 17)
def is_given_name(raw: str, norm: str) -> bool:
    """A given name, under any reading of the proclitics (ومحمد, لجورج)."""
    names, with_maqsura = given_names()
    if written_form(raw).endswith("ى"):
        names = with_maqsura
    return any(split.stem in names for split in proclitic_splits(norm))


NAME_CUES_PATH = RESOURCES / "assist" / "name_cues.tsv"


@lru_cache(maxsize=1)
def name_cues() -> dict[str, frozenset[str]]:
    """The shipped words that announce a name (titles, heads of organizations' and places'
    names, words before a work's name), normalized and without the article -> their kinds."""
    cues: dict[str, set[str]] = defaultdict(set)
    for line in NAME_CUES_PATH.read_text(encoding="utf-8").splitlines():
        word, _tab, kind = line.partition("\t")
        if line.startswith("#") or not word.strip() or not kind.strip():
            continue
        norm = normalize_text(word.strip())
        cues[norm[2:] if norm.startswith("ال") else norm].add(kind.strip())
    return {w: frozenset(k) for w, k in cues.items()}


@lru_cache(maxsize=1 << 17)
def cue_kinds(norm: str) -> tuple[str, ...]:
    """The kinds of name cue a word is, under any reading of its proclitics and article
    (والرئيس, لوزارة, بمدينة). A feature, never a match."""
    cues = name_cues()
    kinds: set[str] = set()
    for split in proclitic_splits(norm):
        stem = split.stem[2:] if split.stem.startswith("ال") else split.stem
        kinds.update(cues.get(stem, ()))
    return tuple(sorted(kinds))


def stem_of(norm: str) -> str:
    return proclitic_splits(norm)[-1].stem


def _bucket(ratio: float) -> str:
    return "0" if ratio == 0 else "lo" if ratio < 0.2 else "mid" if ratio < 0.5 else \
        "hi" if ratio < 0.85 else "all"


@dataclass
class Lexicon:
    """What confirmed documents say about written forms: occurrences, occurrences inside an
    entity (by label), forms a labeler rejected. Keys are hamza forms (ى/ي apart), and the
    stems under proclitics.

    A lexicon is filled, then read: what it says of each written form is remembered at the
    first read (training reads every token's form under four fold lexicons), and only
    add_document forgets it."""
    occurrences: Counter = field(default_factory=Counter)
    in_entity: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rejected: set[str] = field(default_factory=set)
    _said: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _said_of_stems: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def add_document(self, tokens: list[Token], entity_tokens: dict[int, str]) -> None:
        """Count a confirmed document: entity_tokens maps token index -> label."""
        self._said.clear()
        self._said_of_stems.clear()
        # Counted in C (Counter.update over the words' keys, in the document's order).
        self.occurrences.update([hamza_form(tok.raw) for tok in tokens if tok.norm[0].isalnum()])
        for i in sorted(entity_tokens):
            tok = tokens[i]
            if tok.norm[0].isalnum():
                self.in_entity[hamza_form(tok.raw)][entity_tokens[i]] += 1

    def merged(self, other: "Lexicon") -> "Lexicon":
        out = Lexicon(self.occurrences + other.occurrences, defaultdict(Counter),
                      self.rejected | other.rejected)
        for source in (self.in_entity, other.in_entity):
            for key, counts in source.items():
                out.in_entity[key].update(counts)
        return out

    def features(self, raw: str, prefix: str = "") -> tuple[str, ...]:
        said = self._said.get((raw, prefix))
        if said is None:
            said = self._said[raw, prefix] = tuple(self._features(raw, prefix))
        return said

    def _features(self, raw: str, prefix: str) -> list[str]:
        key = hamza_form(raw)
        feats = []
        seen = self.occurrences.get(key, 0)
        counts = self.in_entity.get(key)
        if seen:
            total = sum(counts.values()) if counts else 0
            feats.append(prefix + "lr=" + _bucket(total / seen))
            if counts:
                feats.append(prefix + "ll=" + counts.most_common(1)[0][0])
            feats.append(prefix + "lc=" + ("1" if seen == 1 else "few" if seen < 5 else "many"))
        elif not prefix:
            feats.append("lr=unseen")
        return feats

    def is_rejected(self, raw: str) -> bool:
        return bool(self.rejected) and hamza_form(raw) in self.rejected

    def stem_features(self, raw: str, norm: str) -> tuple[str, ...]:
        """For a word read as proclitics + stem: is the stem a confirmed name on its own?
        (وبيروت when بيروت was confirmed): where the span of such a word starts is the
        project's clitic convention, which the model learns from this feature. With
        "rejected" after them when a labeler rejected a suggestion on this form."""
        said = self._said_of_stems.get((raw, norm))
        if said is None:
            feats = []
            written = hamza_form(raw)
            if len(written) == len(norm):
                for split in proclitic_splits(norm)[1:]:
                    stem = written[split.prefix:]
                    counts = self.in_entity.get(stem)
                    if counts and sum(counts.values()) * 2 >= self.occurrences.get(stem, 0):
                        feats.append(f"pse={counts.most_common(1)[0][0]}@{split.prefix}")
            if self.is_rejected(raw):
                feats.append("rejected")
            said = self._said_of_stems[raw, norm] = tuple(feats)
        return said

    def to_json(self) -> dict:
        return {"occurrences": dict(self.occurrences),
                "in_entity": {k: dict(v) for k, v in self.in_entity.items()},
                "rejected": sorted(self.rejected)}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        lex = cls()
        lex.occurrences = Counter({str(k): int(v) for k, v in data["occurrences"].items()})
        for key, counts in data["in_entity"].items():
            lex.in_entity[str(key)] = Counter({str(k): int(v) for k, v in counts.items()})
        lex.rejected = {str(k) for k in data["rejected"]}
        return lex


def gazetteer_tags(tokens: list[Token], matches: Iterable) -> dict[int, str]:
    """Token index -> "B-LABEL"/"I-LABEL" for the gazetteer's matches (entities with spans)."""
    tags: dict[int, str] = {}
    if not tokens:
        return tags
    starts = [t.start for t in tokens]
    import bisect
    for e in matches:
        i = max(0, bisect.bisect_right(starts, e.start) - 1)
        first = True
        while i < len(tokens) and tokens[i].start < e.end:
            if tokens[i].end > e.start:
                variant = any(k == "variant_of" for k, _v in e.extra)
                inside = first and e.start > tokens[i].start  # a proclitic left out
                tags[i] = ("B-" if first else "I-") + e.label + ("~" if variant else "") \
                    + ("@in" if inside else "")
                first = False
            i += 1
    return tags


@lru_cache(maxsize=1 << 17)
def _told(raw: str, norm: str) -> tuple[str, tuple[str, ...], tuple[str, ...],
                                        tuple[str, ...], tuple[str, ...]]:
    """What a token tells its neighbours, ready-made (words repeat): its form (half of a
    bigram), and its features as the word two before, one before, one after and two after —
    its form, and to the adjacent ones its stems, article and punctuation too."""
    base = word_features(raw, norm)
    form = base[1] if len(base) > 1 else base[0]  # n=, or p= for punctuation
    near = (form, *(f for f in base if f.startswith(("stem=", "al", "p="))))
    return (form, ("-2:" + form,), tuple("-1:" + f for f in near),
            tuple("1:" + f for f in near), ("2:" + form,))


def sequence_features(tokens: list[Token], first: int, last: int, lexicon: Lexicon,
                      gaz: dict[int, str], words=None,
                      predicted: Lexicon | None = None) -> list[list[str]]:
    """The feature lists of tokens[first:last] (one sentence). `words`: the project's
    WordContexts (annotator.assist.distributional), if learned; `predicted`: what the
    previous model suggested across the unconfirmed documents (entity_model.predicted_lexicon)."""
    own = []
    told = []
    for i in range(first, last):
        tok = tokens[i]
        # `alone`: features that are the token's own only. Told to the neighbours too, each of
        # them made training slower and the model no better (F1 at 30%, segmented / glued):
        # the previous model's verdict on the form 0.673 / 0.665 against 0.680 / 0.667; what
        # the project's text says of the word (distributional) 0.690 / 0.672 against 0.691 /
        # 0.670; how often the form was confirmed as what (lr ll lc: a fifth of training's
        # work) 0.691 / 0.670 against 0.692 / 0.675.
        alone: tuple[str, ...] = ()
        extra: tuple[str, ...] = ()
        if tok.norm[0].isalnum():
            alone = lexicon.features(tok.raw)
            extra = lexicon.stem_features(tok.raw, tok.norm)
            if predicted is not None:
                alone += predicted.features(tok.raw, "a")
            if words is not None:
                alone += words.features(tok.norm)
        tag = gaz.get(i)
        if tag:
            extra += ("gaz=" + tag,)
        cues = cue_kinds(tok.norm)
        if cues:
            # A word that announces a name: its neighbours are told too (the name after
            # الرئيس, مدينة, وزارة; the span that starts at وزارة).
            extra += tuple("cue=" + kind for kind in cues)
        if is_given_name(tok.raw, tok.norm):
            # A given name (a shipped list): its neighbours are told too, so the word after
            # it reads as a surname even when neither was ever confirmed.
            extra += ("given",)
        own.append((word_features(tok.raw, tok.norm), extra, alone))
        told.append(_told(tok.raw, tok.norm))
    out = []
    n = last - first
    for k in range(n):
        base, extra, alone = own[k]
        feats = ["bias", *base, *extra, *alone]
        feats.append("bi=" + told[k - 1][0] + "|" + told[k][0] if k else "BOS")
        if k == n - 1:
            feats.append("EOS")
        if k >= 2:
            feats += told[k - 2][1]
        if k >= 1:
            feats += told[k - 1][2]
            feats += ["-1:" + f for f in own[k - 1][1]]
        if k + 1 < n:
            feats += told[k + 1][3]
            feats += ["1:" + f for f in own[k + 1][1]]
        if k + 2 < n:
            feats += told[k + 2][4]
        out.append(feats)
    return out


__all__ = ["Token", "tokenize", "sentences", "written_form", "hamza_form", "word_features",
           "Lexicon", "gazetteer_tags", "sequence_features", "stem_of", "normalize_text"]
