"""Word representations learned from all of the project's text, labeled or not.

A CRF trained on a few thousand confirmed entities has never seen most of the names in the
rest of the project. What it can still know about an unseen word is how the project writes
around it: a word that follows الرئيس, قال or وزير across the corpus is a name, whether or not
anyone confirmed it. Type-level signals, each a feature of every occurrence of the word:

- its typical neighbours (`ctx`): the left and right context words that are most strongly
  associated with it over the whole text (count scaled down by the neighbour's own frequency,
  so و and في do not win everywhere) — a cheap stand-in for a Brown cluster: words with the
  same typical neighbours behave alike;
- how bursty it is: names of a story recur within the few documents about it, ordinary
  words spread over many;
- how name-like its contexts are (`name`): for each neighbour word, the confirmed documents
  say how often an entity follows it (or precedes it); a word's score is the mean of that over
  all its occurrences in the whole text, bucketed. The neighbours are learned from confirmed
  spans, not from a hand list;
- how often the word's stem is written with the article ال (`art`): common nouns and
  adjectives are met both ways, names mostly never (foreign names) or always.

Pure Python, linear in the text: it is part of training (and kept in the model)."""
from __future__ import annotations

import hashlib
import json
import math
import re
import zlib
from array import array
from operator import mul
from sys import intern
from collections import Counter, defaultdict
from itertools import chain
from typing import Iterable, Sequence

from ..core.arabic import normalize_text, proclitic_splits

WORD = re.compile(r"[^\W_]+|[^\w\s]")
CONTEXT_VOCAB = 2000     # neighbours considered: the most frequent word types
MIN_COUNT = 2            # words seen fewer times get no distributional feature
TOP_NEIGHBOURS = 2       # per side
MAX_CHARS = 2_500_000     # of text read (~500,000 words; of a 100k-document project, its first)
VERSION = 1               # of TextStatistics: stored ones of another version are learned again


def sample(texts: Iterable[str]) -> list[str]:
    """The texts the statistics are learned from: the first ones, up to MAX_CHARS."""
    out = []
    budget = MAX_CHARS
    for text in texts:
        out.append(text)
        budget -= len(text)
        if budget <= 0:
            break
    return out


def _documents(texts: Iterable[str]) -> Iterable[list[list[str]]]:
    """The normalized words of each text, line by line."""
    for text in texts:
        lines = []
        for line in normalize_text(text).split("\n"):
            words = [intern(w) for w in WORD.findall(line)]
            if words:
                lines.append(words)
        yield lines


def _bucket(x: float) -> str:
    return "0" if x <= 0.02 else "lo" if x < 0.08 else "mid" if x < 0.2 else \
        "hi" if x < 0.4 else "vhi"


def _article_rates(freq: Counter) -> dict[str, str]:
    """How often a word's stem is written with the article across the project's text: common
    nouns and adjectives take ال (and often are met both ways), most names never do or always
    do. Word -> "art=" bucket of the share with the article, for words whose stem is seen at
    least MIN_COUNT times."""
    with_article, without = Counter(), Counter()
    bases: dict[str, str] = {}
    for w, n in freq.items():
        if not w[0].isalpha():
            continue
        splits = proclitic_splits(w)
        article = next((s.stem for s in splits if s.article), None)
        if article is not None:
            with_article[article] += n
            bases[w] = article
        else:
            without[w] += n
            bases[w] = max((s.stem for s in splits), key=lambda s: freq.get(s, 0))
    out = {}
    for w, base in bases.items():
        a, b = with_article[base], without[base]
        if a + b >= MIN_COUNT:
            share = a / (a + b)
            out[w] = "art=" + ("0" if share == 0 else "lo" if share < 0.3 else
                               "mid" if share < 0.7 else "hi" if share < 1 else "all")
    return out


class TextStatistics:
    """What the project's text alone says of each word seen at least MIN_COUNT times: its
    typical neighbours, article rate and burstiness (as features), and how often each of the
    CONTEXT_VOCAB most frequent words stands right before it and right after it (for the
    name-likeness WordContexts adds from the confirmed documents).

    Learning them is most of the cost of WordContexts (~1.5 s of a 50,000-token retraining)
    and they change only when documents come in, so a project keeps them between trainings
    (annotator.assist.training.text_statistics), under the `key` of the texts they were
    learned from. Neighbour counts are kept as flat arrays of (neighbour number, count)
    pairs: read back and summed in C."""

    def __init__(self, key: str, features: dict[str, tuple[str, ...]], neighbours: list[str],
                 left: dict[str, array], right: dict[str, array]):
        self.key = key
        self.features = features
        self.neighbours = neighbours
        self.left = left
        self.right = right

    @staticmethod
    def key_of(texts: Sequence[str]) -> str:
        digest = hashlib.blake2b(
            f"{VERSION} {CONTEXT_VOCAB} {MIN_COUNT} {TOP_NEIGHBOURS}".encode(), digest_size=16)
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    @classmethod
    def learn(cls, texts: Iterable[str]) -> "TextStatistics":
        texts = sample(texts)
        lines = []
        doc_freq = Counter()
        for doc in _documents(texts):
            lines += doc
            doc_freq.update({w for line in doc for w in line})
        freq = Counter(chain.from_iterable(lines))
        vocab = {w for w, _c in freq.most_common(CONTEXT_VOCAB)}
        # Neighbours from the counts of adjacent pairs (counted in C, once per pair type):
        # the same counts, in the same first-seen order, as walking every token.
        pairs = Counter()
        for line in lines:
            pairs.update(zip(chain(("<s>",), line), chain(line, ("</s>",))))
        # Each pair is met once here, so its count is set, not added (plain dicts: making
        # 45,000 Counters took a fifth of learning).
        left: dict[str, dict[str, int]] = defaultdict(dict)
        right: dict[str, dict[str, int]] = defaultdict(dict)
        for (a, b), n in pairs.items():
            if b != "</s>" and (a in vocab or a == "<s>"):
                left[b][a] = n
            if a != "<s>" and (b in vocab or b == "</s>"):
                right[a][b] = n
        # A neighbour's weight: its count over the root of its own frequency (+1).
        root = {c: math.sqrt(freq.get(c, 1) + 1) for c in (*vocab, "<s>", "</s>")}
        takes_article = _article_rates(freq)
        features = {}
        numbers: dict[str, int] = {}
        flat_left, flat_right = {}, {}
        for w, n in freq.items():
            if n < MIN_COUNT or not w[0].isalpha():
                continue
            feats = []
            for side, counts in (("L", left[w]), ("R", right[w])):
                scored = sorted(counts.items(), key=lambda kv: -kv[1] / root[kv[0]])
                feats += [f"ctx{side}={c}" for c, _n in scored[:TOP_NEIGHBOURS]]
            # Burstiness: a topic's names recur within the documents that mention them and
            # are rare elsewhere; ordinary words spread evenly.
            rate_key = takes_article.get(w)
            if rate_key:
                feats.append(rate_key)
            per_doc = n / doc_freq[w]
            feats.append("burst=" + ("1" if per_doc < 1.5 else "2" if per_doc < 3 else
                                     "4" if per_doc < 6 else "many"))
            features[w] = tuple(feats)
            for counts, into in ((left[w], flat_left), (right[w], flat_right)):
                flat = array("q")
                for c, m in counts.items():
                    flat.append(numbers.setdefault(c, len(numbers)))
                    flat.append(m)
                into[w] = flat
        return cls(cls.key_of(texts), features, list(numbers), flat_left, flat_right)

    def to_bytes(self) -> bytes:
        payload = {"version": VERSION, "key": self.key, "neighbours": self.neighbours,
                   "words": {w: [list(feats), self.left[w].tolist(), self.right[w].tolist()]
                             for w, feats in self.features.items()}}
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def from_bytes(cls, data: bytes) -> "TextStatistics":
        """ValueError if the bytes are not statistics this version wrote (a project file is
        hostile like any input: then they are learned again)."""
        try:
            payload = json.loads(zlib.decompress(data))
            if payload["version"] != VERSION or type(payload["key"]) is not str:
                raise ValueError("another version")
            neighbours = payload["neighbours"]
            if type(neighbours) is not list or not all(type(c) is str for c in neighbours):
                raise ValueError("a neighbour is not a word")
            features, left, right = {}, {}, {}
            for w, (feats, *sides) in payload["words"].items():
                if len(sides) != 2 or not all(type(f) is str for f in feats):
                    raise ValueError(f"damaged entry for {w!r}")
                features[w] = tuple(feats)
                for flat, into in zip(sides, (left, right)):
                    flat = into[w] = array("q", flat)  # TypeError unless integers
                    if len(flat) % 2 or (flat and (min(flat) < 0
                                                   or max(flat[::2]) >= len(neighbours))):
                        raise ValueError(f"damaged counts for {w!r}")
        except (zlib.error, KeyError, TypeError, IndexError, AttributeError, OverflowError,
                RecursionError) as exc:
            raise ValueError(f"damaged ({type(exc).__name__})") from None
        return cls(payload["key"], features, neighbours, left, right)


class WordContexts:
    """Type-level features of normalized word forms (see the module's docstring)."""

    def __init__(self, features: dict[str, tuple[str, ...]] | None = None):
        self.table: dict[str, tuple[str, ...]] = features or {}

    def features(self, norm: str) -> tuple[str, ...]:
        return self.table.get(norm, ())

    @classmethod
    def learn(cls, texts: "Iterable[str] | TextStatistics",
              confirmed: Sequence[tuple[list[str], list[bool]]] = ()) -> "WordContexts":
        """texts: every text of the project, or the TextStatistics learned from them;
        confirmed: (normalized words, inside-entity flags) of confirmed lines, for the
        name-likeness of neighbours."""
        stats = texts if isinstance(texts, TextStatistics) else TextStatistics.learn(texts)
        if not confirmed:
            return cls(dict(stats.features))
        # Name-likeness of a neighbour: P(an entity starts right after it), P(one ends right
        # before it), from confirmed lines, smoothed towards the overall rate.
        starts_after, ends_before, seen = Counter(), Counter(), Counter()
        total = inside = 0
        for words, flags in confirmed:
            for i, w in enumerate(words):
                total += 1
                inside += flags[i]
                seen[w] += 1
                if i + 1 < len(words) and flags[i + 1] and not flags[i]:
                    starts_after[w] += 1
                if i > 0 and flags[i - 1] and not flags[i]:
                    ends_before[w] += 1
        prior = inside / total if total else 0.0
        k = 5.0
        start_rate = [(starts_after[c] + k * prior) / (seen[c] + k) for c in stats.neighbours]
        end_rate = [(ends_before[c] + k * prior) / (seen[c] + k) for c in stats.neighbours]
        table = {}
        for w, feats in stats.features.items():
            names = []
            for flat, rates, side in ((stats.left[w], start_rate, "nameL="),
                                      (stats.right[w], end_rate, "nameR=")):
                counts = flat[1::2]
                n = sum(counts)
                score = sum(map(mul, map(rates.__getitem__, flat[::2]), counts))
                names.append(side + _bucket(score / n if n else 0.0))
            table[w] = (*feats, *names)
        return cls(table)

    def to_json(self) -> dict:
        return {w: list(f) for w, f in self.table.items()}

    @classmethod
    def from_json(cls, data: dict) -> "WordContexts":
        return cls({str(w): tuple(str(x) for x in f) for w, f in data.items()})


__all__ = ["WordContexts"]
