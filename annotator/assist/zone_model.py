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
from itertools import chain
from typing import Iterable, Sequence

import pycrfsuite

from ..core.arabic import normalize, normalize_text
from ..core.model import NONE_ZONE, Zone
from .crf import ModelError, kept, known_attributes, open_tagger, pack, train_to_bytes, unpack
from .zones import Piece, ZoneRules

KIND = "crfsuite-zones-1"
MAGIC = b"ANNZON1\0"
ROLES = ("body", "source", "boilerplate")
TRAIN_PARAMS = {"c1": 0.5, "c2": 0.05, "max_iterations": 100,
                "feature.possible_transitions": True}
# Distinct pieces whose features a model remembers (see PageFeatures).
PIECE_CACHE = 100_000
LEARN_FIRST = 5000  # pieces PageFeatures remembers whatever comes of it
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
    keys_of: dict[str, tuple[str, ...]] = {}  # stored line -> its two keys (none if blank)
    for text in texts:
        lines = set(text.split("\n"))
        new = lines.difference(keys_of)
        if new:
            if len(keys_of) + len(new) > PIECE_CACHE:
                keys_of.clear()
                new = lines
            for line in new:
                key = line_key(line) if line.strip() else None
                keys_of[line] = (key, head_key(key)) if key is not None else ()
        counts.update(set(chain.from_iterable(map(keys_of.__getitem__, lines))))
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


def _own_features(rules: ZoneRules, piece: Piece, key: str, recurrence: Counter,
                  seen: dict[str, str]) -> tuple[list[str], bool, tuple[str, ...]]:
    """What a piece says of itself wherever it stands on a page: its features between its
    role and its place against the prose (see piece_features), whether it is prose, and
    what people confirmed that line as (its last feature, if any)."""
    text = piece.text
    recurring = recurrence.get
    f = [_WORD_FEATURES[min(piece.word_count, 16)],
         _BUCKET_FEATURES["rec"][min(recurring(key, 0), 6)]]
    if piece.rule is not None:
        f += ["rule=" + piece.rule.name, "eff=" + piece.rule.effect]
    last = text[-1:]
    if last in rules.sentence_end:
        f.append("end.")
    if rules.list_item.match(text):
        f.append("item")
    if text[:1].isdigit():
        f.append("num")
    f.append(_BUCKET_FEATURES["head"][min(recurring(head_key(key), 0), 6)])
    if last == ":":
        f.append("colon")  # introduces what follows: a list, a quote
    if "«" in text or "»" in text or '"' in text:
        f.append("quote")
    prose = rules._is_prose(piece)
    if prose:
        f.append("prose")
    label = seen.get(key)
    return f, prose, (f"seen={label}",) if label else ()


def piece_features(rules: ZoneRules, pieces: Sequence[Piece], recurrence: Counter,
                   seen: dict[str, str], keys: Sequence[str] | None = None) -> list[list[str]]:
    """The CRF's features of each piece of a page (see the top of this module). `keys`: the
    pieces' line keys, if the caller has them."""
    if keys is None:
        keys = [line_key(p.text) for p in pieces]
    n = len(pieces)
    mine = [_own_features(rules, p, key, recurrence, seen) for p, key in zip(pieces, keys)]
    prose = [is_prose for _f, is_prose, _s in mine]
    own = []
    seen_prose = False
    for i, piece in enumerate(pieces):
        middle, is_prose, seen_feature = mine[i]
        # Where the piece stands against the article's prose: a headline comes before the
        # first paragraph, the lists of other articles after the last one.
        f = ["r=" + piece.role, *middle, "after-prose" if seen_prose else "before-prose"]
        if any(prose[i + 1:i + 4]):
            f.append("prose-ahead")
        seen_prose = seen_prose or is_prose
        f += seen_feature
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


class _Piece:
    """What the model reads of one distinct piece (its text, rule and word count), whatever
    page it is on: its own features and those its neighbours take, without the attributes
    the model does not know."""
    __slots__ = ("prose", "forced", "own", "seen", "before", "after", "far_before",
                 "far_after", "placed")


class PageFeatures:
    """piece_features for a model: the same lists in the same order, less the attributes the
    model does not know (crf.kept: the tags are the same, bit for bit), with what each
    distinct piece says of itself worked out once. Pages repeat pieces (their furniture, a
    site's lines, syndicated paragraphs); only where a piece stands is read per page."""

    def __init__(self, rules: ZoneRules, recurrence: Counter, seen: dict[str, str],
                 known: frozenset[str] | None):
        self.rules = rules
        self.recurrence = recurrence
        self.seen = seen
        self.known = known
        self._pieces: dict[tuple, _Piece] = {}
        self._stats = [0, 0]  # pieces looked up, and found
        self.bias = self._kept(("bias",))
        self.pos = [self._kept((f"pos={k}",)) for k in range(5)]
        self.none = [self._kept((prefix + "none",)) for prefix in ("-2:", "-1:", "1:", "2:")]
        # Role -> its feature as the piece's own, and as seen from two and one pieces before
        # and after it ("-2:r=…" is the role of the piece two before the one described).
        self._roles: dict[str, tuple[tuple[str, ...], ...]] = {}
        # (prose before it, prose in the three after it) -> its place, own and as seen from
        # the piece after and before it.
        self._places = {}
        for seen_prose in (False, True):
            for ahead in (False, True):
                place = ["after-prose" if seen_prose else "before-prose"]
                if ahead:
                    place.append("prose-ahead")
                self._places[seen_prose, ahead] = tuple(
                    self._kept(prefix + f for f in place) for prefix in ("", "-1:", "1:"))

    def _kept(self, features) -> tuple[str, ...]:
        return tuple(kept(features, self.known))

    def _role(self, role: str) -> tuple[tuple[str, ...], ...]:
        found = self._roles.get(role)
        if found is None:
            found = self._roles[role] = tuple(
                self._kept((prefix + "r=" + role,)) for prefix in ("", "-2:", "-1:", "1:", "2:"))
        return found

    def _forced(self, key: str) -> str | None:
        """The role people confirmed for this line on a page of the site, if it recurs."""
        label = self.seen.get(key)
        return label if label and label != "body" and self.recurrence.get(key, 0) >= 2 \
            else None

    def piece(self, piece: Piece) -> _Piece:
        # The rule by identity: the pieces come from self.rules, which holds its rules.
        key = (piece.text, id(piece.rule), piece.word_count)
        found = self._pieces.get(key)
        if found is None:
            if len(self._pieces) >= PIECE_CACHE:
                self._pieces.clear()
            found = self._pieces[key] = self._read(piece)
        return found

    def _read(self, piece: Piece) -> _Piece:
        key = line_key(piece.text)
        middle, prose, seen = _own_features(self.rules, piece, key, self.recurrence, self.seen)
        out = _Piece()
        out.prose = prose
        out.forced = self._forced(key)
        out.own, out.seen = self._kept(middle), self._kept(seen)
        out.before = (self._kept("1:" + f for f in middle), self._kept("1:" + f for f in seen))
        out.after = (self._kept("-1:" + f for f in middle), self._kept("-1:" + f for f in seen))
        # As seen from two pieces away: the first three features (role, words, recurrence).
        out.far_before = self._kept("2:" + f for f in middle[:2])
        out.far_after = self._kept("-2:" + f for f in middle[:2])
        out.placed = {}  # (role, prose before it, prose ahead) -> see page
        return out

    def _placed(self, r: _Piece, role: str, seen_prose: bool, ahead: bool) -> tuple:
        role, role_far_after, role_after, role_before, role_far_before = self._role(role)
        place, place_after, place_before = self._places[seen_prose, ahead]
        return ((*role, *r.own, *place, *r.seen),
                (*role_far_after, *r.far_after),
                (*role_after, *r.after[0], *place_after, *r.after[1]),
                (*role_before, *r.before[0], *place_before, *r.before[1]),
                (*role_far_before, *r.far_before))

    def page(self, pieces: Sequence[Piece]) -> tuple[list[list[str]], list[str | None]]:
        """The features of each piece of a page, and the role people confirmed for each
        (recurring furniture), if any. While most pieces are new (remembering them costs
        more than it saves) a page with new pieces is read as piece_features reads it."""
        keys = [(p.text, id(p.rule), p.word_count) for p in pieces]
        stats = self._stats
        if stats[0] >= 100 * LEARN_FIRST:
            stats[:] = [0, 0]  # counted afresh from time to time
        read = list(map(self._pieces.get, keys))
        known = len(keys) - read.count(None)
        stats[0] += len(keys)
        stats[1] += known
        if known < len(keys):
            if stats[0] >= LEARN_FIRST and 2 * stats[1] < stats[0]:
                line_keys = [line_key(p.text) for p in pieces]
                return ([kept(f, self.known) for f in piece_features(
                    self.rules, pieces, self.recurrence, self.seen, line_keys)],
                    [self._forced(key) for key in line_keys])
            read = [r if r is not None else self.piece(p) for r, p in zip(read, pieces)]
        n = len(pieces)
        prose = [r.prose for r in read]
        # What each piece says of itself on this page, and what it tells the pieces two and
        # one after it and one and two before it: by its role and place against the prose,
        # worked out once for each.
        own, to_far_after, to_after, to_before, to_far_before = [], [], [], [], []
        seen_prose = False
        for i, r in enumerate(read):
            how = (pieces[i].role, seen_prose, True in prose[i + 1:i + 4])
            placed = r.placed.get(how)
            if placed is None:
                placed = r.placed[how] = self._placed(r, *how)
            seen_prose = seen_prose or prose[i]
            own.append(placed[0])
            to_far_after.append(placed[1])
            to_after.append(placed[2])
            to_before.append(placed[3])
            to_far_before.append(placed[4])
        bias, pos = self.bias, self.pos
        none_2b, none_1b, none_1a, none_2a = self.none
        out = []
        for i in range(n):
            out.append([*bias, *own[i], *pos[min(4, i * 5 // max(n, 1))],
                        *(to_far_after[i - 2] if i >= 2 else none_2b),
                        *(to_after[i - 1] if i >= 1 else none_1b),
                        *(to_before[i + 1] if i + 1 < n else none_1a),
                        *(to_far_before[i + 2] if i + 2 < n else none_2a)])
        return out, [r.forced for r in read]


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
        self._features: PageFeatures | None = None  # made on the first page suggested

    def check_schema(self, schema) -> None:
        self.rules.check_schema(schema)

    def suggest(self, text: str) -> tuple[Zone, ...]:
        """Zones tiling the whole text, like ZoneRules.suggest, decided by the model."""
        if not text:
            return ()
        pieces, to_orig = self.rules.read(text)  # what read_pieces gives, line by line
        if not pieces:
            return self.rules.suggest(text)
        if self._features is None:
            self._features = PageFeatures(self.rules, self.recurrence, self.seen,
                                          known_attributes(self._tagger))
        features, forced = self._features.page(pieces)
        for piece, confirmed, role in zip(pieces, forced, self._tagger.tag(features)):
            # Furniture confirmed on a page of this site, recurring here, is what people said.
            piece.role = confirmed or role
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
