"""Zones that learn the site: a CRF over the pieces of a page (the zone rules' lines and parts
of lines), trained on the zones people confirmed, with the rules' own verdict as features.

What a piece is described by, and why:
- the rules' verdict (role, which rule, its effect): what they get right stays right;
- its shape: words, sentence end, list item, digits, position on the page;
- the strongest boilerplate signal there is: the same line recurring across many documents
  of the corpus (navigation, promos, footers and source forms of one site), with digits
  folded so that dates and counters do not hide it;
- how people labeled that very line on a confirmed page (computed for training pages from
  the *other* confirmed pages, so the model also learns to read the rest);
- the same of the pieces around it: a numbered list or a quote cut into short lines between
  two paragraphs of prose is the article, not a list of other articles.
One confirmed page of a site teaches the others: its furniture recurs on them.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Sequence

import pycrfsuite

from ..core.arabic import normalize, normalize_text
from ..core.model import NONE_ZONE, Zone
from .crf import ModelError, open_tagger, pack, train_to_bytes, unpack
from .zones import Piece, ZoneRules

KIND = "crfsuite-zones-1"
MAGIC = b"ANNZON1\0"
ROLES = ("body", "source", "boilerplate")
TRAIN_PARAMS = {"c1": 0.5, "c2": 0.05, "max_iterations": 100,
                "feature.possible_transitions": True}
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 17)
def line_key(text: str) -> str:
    """A line's identity across pages: normalized, digits folded, spaces collapsed."""
    return _SPACES.sub(" ", _DIGITS.sub("0", normalize_text(text))).strip()


def head_key(key: str) -> str:
    """The first two words of a line key: "شاهد ايضا: …" recurs even when what follows
    differs from page to page."""
    return "^" + " ".join(key.split(" ", 2)[:2])


def line_counts(texts: Iterable[str]) -> Counter:
    """How many documents each line (line_key), and each line start (head_key), occurs in."""
    counts: Counter = Counter()
    for text in texts:
        keys = {line_key(line) for line in text.split("\n") if line.strip()}
        counts.update(keys | {head_key(k) for k in keys})
    return counts


def _bucket(n: int) -> str:
    return "0" if n <= 1 else "2" if n == 2 else "few" if n <= 5 else "many"


def _words(n: int) -> str:
    return "0" if n == 0 else "1-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 \
        else "16+"


def read_pieces(rules: ZoneRules, text: str) -> tuple[list[Piece], list[int]]:
    """The rules' pieces of a text with their verdicts, and the normalized-to-stored map."""
    norm, to_orig = normalize(text)
    pieces = rules.pieces(norm)
    rules._read(pieces)
    return pieces, to_orig


# Feature strings made once (piece_features makes some 40 for each piece of each page).
_WORD_FEATURES = tuple(f"w={_words(n)}" for n in range(17))
_BUCKET_FEATURES = {name: tuple(f"{name}={_bucket(n)}" for n in range(7))
                    for name in ("rec", "head")}
_NEIGHBOURS = ((-2, "-2:"), (-1, "-1:"), (1, "1:"), (2, "2:"))


def piece_features(rules: ZoneRules, pieces: Sequence[Piece], recurrence: Counter,
                   seen: dict[str, str], keys: Sequence[str] | None = None) -> list[list[str]]:
    """The CRF's features of each piece of a page (see the top of this module). `keys`: the
    pieces' line keys, if the caller has them."""
    if keys is None:
        keys = [line_key(p.text) for p in pieces]
    own = []
    n = len(pieces)
    prose = [rules._is_prose(p) for p in pieces]
    sentence_end = rules.sentence_end
    list_item = rules.list_item.match
    recurring = recurrence.get
    rec_features, head_features = _BUCKET_FEATURES["rec"], _BUCKET_FEATURES["head"]
    seen_prose = False
    for i, piece in enumerate(pieces):
        key = keys[i]
        text = piece.text
        f = ["r=" + piece.role, _WORD_FEATURES[min(piece.word_count, 16)],
             rec_features[min(recurring(key, 0), 6)]]
        if piece.rule is not None:
            f += ["rule=" + piece.rule.name, "eff=" + piece.rule.effect]
        last = text[-1:]
        if last in sentence_end:
            f.append("end.")
        if list_item(text):
            f.append("item")
        if text[:1].isdigit():
            f.append("num")
        f.append(head_features[min(recurring(head_key(key), 0), 6)])
        if last == ":":
            f.append("colon")  # introduces what follows: a list, a quote
        if "«" in text or "»" in text or '"' in text:
            f.append("quote")
        if prose[i]:
            f.append("prose")
        # Where the piece stands against the article's prose: a headline comes before the
        # first paragraph, the lists of other articles after the last one.
        f.append("after-prose" if seen_prose else "before-prose")
        if any(prose[i + 1:i + 4]):
            f.append("prose-ahead")
        seen_prose = seen_prose or prose[i]
        label = seen.get(key)
        if label:
            f.append(f"seen={label}")
        own.append(f)
    out = []
    for i, f in enumerate(own):
        # The neighbours' features, but their position (added below, last): the whole own
        # list of the adjacent pieces, the first three of the next ones.
        feats = ["bias", *f, f"pos={min(4, i * 5 // max(n, 1))}"]
        for d, prefix in _NEIGHBOURS:
            j = i + d
            if 0 <= j < n:
                feats += map(prefix.__add__, own[j] if d == 1 or d == -1 else own[j][:3])
            else:
                feats.append(prefix + "none")
        out.append(feats)
    return out


def _roles_of(pieces: Sequence[Piece], to_orig: list[int], zones: Sequence[Zone],
              role_of_label: dict[str, str]) -> list[str] | None:
    """The confirmed role of each piece (the zone at its first character); None if the page
    has unlabeled stretches."""
    import bisect
    starts = [z.start for z in zones]
    roles = []
    for piece in pieces:
        at = to_orig[piece.start]
        zone = zones[bisect.bisect_right(starts, at) - 1]
        if zone.label == NONE_ZONE or zone.label not in role_of_label:
            return None
        roles.append(role_of_label[zone.label])
    return roles


class ZoneModel:
    def __init__(self, crf: bytes, seen: dict[str, str], rules: ZoneRules, meta: dict,
                 recurrence: Counter | None = None):
        self.crf = crf
        self.seen = seen
        self.rules = rules
        self.meta = meta
        self.recurrence = recurrence or Counter()
        self._tagger = open_tagger(crf, "zone model")

    def check_schema(self, schema) -> None:
        self.rules.check_schema(schema)

    def suggest(self, text: str) -> tuple[Zone, ...]:
        """Zones tiling the whole text, like ZoneRules.suggest, decided by the model."""
        if not text:
            return ()
        pieces, to_orig = read_pieces(self.rules, text)
        if not pieces:
            return self.rules.suggest(text)
        keys = [line_key(p.text) for p in pieces]
        roles = self._tagger.tag(piece_features(self.rules, pieces, self.recurrence, self.seen,
                                                keys))
        for piece, key, role in zip(pieces, keys, roles):
            seen = self.seen.get(key)
            if seen and seen != "body" and self.recurrence.get(key, 0) >= 2:
                role = seen  # furniture confirmed on a page of this site, recurring here
            piece.role = role
        return self.rules.zones_of(text, pieces, to_orig)

    def to_bytes(self) -> bytes:
        return pack(MAGIC, self.crf, self.seen)

    def __reduce__(self):
        # Sent to assist's worker processes (its CRF tagger does not pickle). Of the recurring
        # lines only those seen twice or more: a count of 1 reads as 0 (_bucket, and the
        # `>= 2` in suggest), and on real news most lines occur once.
        recurring = Counter({k: n for k, n in self.recurrence.items() if n >= 2})
        return (ZoneModel.from_bytes, (self.to_bytes(), self.rules, self.meta, recurring))

    @classmethod
    def from_bytes(cls, data: bytes, rules: ZoneRules, meta: dict,
                   recurrence: Counter | None = None) -> "ZoneModel":
        crf, seen = unpack(MAGIC, data, "zone model")
        if not isinstance(seen, dict) or not all(v in ROLES for v in seen.values()):
            raise ModelError("the stored zone model cannot be read (damaged lines); "
                             "retrain it with `annotator train`")
        return cls(crf, {str(k): v for k, v in seen.items()}, rules, meta, recurrence)


def train_zones(pages: Sequence[tuple[str, Sequence[Zone]]], rules: ZoneRules,
                recurrence: Counter) -> ZoneModel | None:
    """Train on confirmed pages (text, zones). None if no page is fully labeled."""
    role_of_label = {label: role for role, label in rules.labels.items()}
    read = []
    for text, zones in pages:
        pieces, to_orig = read_pieces(rules, text)
        roles = _roles_of(pieces, to_orig, zones, role_of_label) if pieces else None
        if roles:
            read.append((pieces, roles))
    if not read:
        return None
    seen_by_page = []
    for pieces, roles in read:
        seen_by_page.append({line_key(p.text): r for p, r in zip(pieces, roles)})
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(TRAIN_PARAMS)
    for k, (pieces, roles) in enumerate(read):
        others: dict[str, str] = {}
        for j, seen in enumerate(seen_by_page):
            if j != k:
                others.update(seen)
        trainer.append(piece_features(rules, pieces, recurrence, others), roles)
    seen_all: dict[str, str] = {}
    votes: dict[str, Counter] = {}
    for seen in seen_by_page:
        for key, role in seen.items():
            votes.setdefault(key, Counter())[role] += 1
    seen_all = {key: c.most_common(1)[0][0] for key, c in votes.items()}
    crf = train_to_bytes(trainer)
    meta = {"pages": len(read), "pieces": sum(len(p) for p, _r in read)}
    return ZoneModel(crf, seen_all, rules, meta, recurrence)


__all__ = ["ZoneModel", "train_zones", "line_counts", "line_key", "KIND"]
