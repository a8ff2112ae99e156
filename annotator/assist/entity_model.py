"""The entity model: a CRF (CRFsuite, via python-crfsuite) trained on the entities people
confirmed in the project, with the Arabic features of annotator.assist.features.

Tags are BIO over tokens, and a span that starts inside a written word carries how many
normalized letters it leaves out: "B-LOC@1" on وبيروت is a span that leaves the و outside.
The model therefore learns from the confirmed spans whether this project keeps proclitics
inside entities or outside, and predicts spans at exact code-point offsets either way.

Lexicon features (how often a form was confirmed as an entity) are computed for each training
document from the *other* folds of the training data: computed from the same document, they
would tell the model "every confirmed name is an entity", which is true only in training.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..core.model import Entity
from .distributional import TextStatistics, WordContexts
from .crf import ModelError, kept, known_attributes, open_tagger, pack, unpack
from .crf import trainer as crf_trainer
from .features import (Lexicon, Token, gazetteer_tags, hamza_form, sentences,
                       sequence_features, tokenize, written_form)

KIND = "crfsuite-entities-1"
MAGIC = b"ANNCRF1\0"
FOLDS = 4  # for the fold-out lexicon features of training documents
# Spans the model is less sure of are not suggested: a wrong suggestion costs the labeler
# more (reading, rejecting) than a missing one (selecting).
MIN_CONFIDENCE = 0.5
PROPAGATE_CONFIDENCE = 0.5  # see EntityModel._one_sense_per_document
LINE_CACHE = 50_000  # lines whose entities are remembered (see EntityModel.suggest)
TRAIN_PARAMS = {"c1": 0.2, "c2": 0.01, "max_iterations": 40,
                "feature.possible_transitions": True, "feature.minfreq": 1}


def span_key(surface: str) -> str:
    """The key under which a span's text is remembered (rejections): hamza seats unified,
    tashkeel and tatweel gone, spaces collapsed; ى/ي kept apart."""
    return " ".join(hamza_form(w) for w in written_form(surface).split())


@dataclass
class Doc:
    """A confirmed document for training: its text and entities (start, end, label)."""
    text: str
    entities: Sequence[tuple[int, int, str]]
    _tokens: tuple | None = field(default=None, repr=False)

    def tokens(self) -> tuple[list[Token], list[int]]:
        if self._tokens is None:
            self._tokens = tokenize(self.text)
        return self._tokens


def encode(tokens: list[Token], to_orig: list[int],
           entities: Iterable[tuple[int, int, str]]) -> tuple[list[str], dict[int, str]]:
    """The tag of every token, and token index -> label for the tokens inside entities."""
    import bisect
    tags = ["O"] * len(tokens)
    labels: dict[int, str] = {}
    starts = [t.start for t in tokens]
    for s, e, label in sorted(entities):
        i = max(0, bisect.bisect_right(starts, s) - 1)
        while i < len(tokens) and tokens[i].end <= s:
            i += 1
        if i >= len(tokens) or tokens[i].start >= e or tags[i] != "O":
            continue
        tok = tokens[i]
        skip = sum(1 for p in range(tok.nstart, tok.nend) if to_orig[p] < s)
        if skip >= tok.nend - tok.nstart:
            continue
        tags[i] = f"B-{label}@{skip}" if skip else f"B-{label}"
        labels[i] = label
        i += 1
        while i < len(tokens) and tokens[i].start < e and tags[i] == "O":
            tags[i] = f"I-{label}"
            labels[i] = label
            i += 1
    return tags, labels


def decode(tokens: list[Token], to_orig: list[int], first: int, tags: list[str],
           confidence: list[float]) -> list[Entity]:
    """Entities from the tags of tokens[first:first + len(tags)], with their confidence (the
    lowest marginal probability of the span's tags)."""
    out = []
    current = None  # [start, end, label, confidence]
    for k, tag in enumerate(tags):
        tok = tokens[first + k]
        if tag.startswith("I-") and current is not None and current[2] == tag[2:]:
            current[1] = tok.end
            current[3] = min(current[3], confidence[k])
            continue
        if current is not None:
            out.append(current)
            current = None
        if tag == "O":
            continue
        label, _, skip = tag[2:].partition("@")
        start = tok.start
        if skip:
            n = int(skip)
            if 0 < n < tok.nend - tok.nstart:
                start = to_orig[tok.nstart + n]
        current = [start, tok.end, label, confidence[k]]
    if current is not None:
        out.append(current)
    return [Entity(s, e, label, None, (("assist", "model"), ("confidence", round(c, 2))))
            for s, e, label, c in out]


def _xseqs(doc: Doc, lexicon: Lexicon, gaz_index, words: WordContexts | None = None,
           predicted: Lexicon | None = None) -> list[tuple[int, int, list[list[str]]]]:
    tokens, _ = doc.tokens()
    gaz = gazetteer_tags(tokens, gaz_index.find(doc.text)) if gaz_index is not None else {}
    return [(a, b, sequence_features(tokens, a, b, lexicon, gaz, words, predicted))
            for a, b in sentences(doc.text, tokens)]


def predicted_lexicon(predicted: Iterable[tuple[str, Sequence[tuple[int, int, str]]]],
                      max_tokens: int = 500_000) -> Lexicon | None:
    """Non-local evidence (two-stage NER, Krishnan & Manning 2006): how the previous model
    tagged each written form across the project's unconfirmed documents (their suggestions
    layers). A story's name the model caught where its context was plain, and missed
    elsewhere, is found everywhere by the next model. Only forms tagged at least once are
    kept (with all their occurrences). None when nothing was suggested."""
    lex = Lexicon()
    budget = max_tokens
    for text, entities in predicted:
        if budget <= 0:
            break
        tokens, to_orig = tokenize(text)
        budget -= len(tokens)
        _tags, labels = encode(tokens, to_orig, entities)
        lex.add_document(tokens, labels)
    if not lex.in_entity:
        return None
    keep = Lexicon()
    keep.in_entity = lex.in_entity
    keep.occurrences.update({k: lex.occurrences[k] for k in lex.in_entity})
    return keep


class _Line:
    """A line as the model read it: every span tagged (start, end, label, confidence, in
    the line); and for the min_confidence they were made for, the spans suggested (start,
    end, label, Entity.extra), what they claim for the rest of the document
    (EntityModel._claims), and how often each form claimed stands inside them ((form,
    count), see EntityModel._propagate)."""
    __slots__ = ("spans", "confidence", "hits", "claims", "inside")

    def __init__(self, spans: tuple[tuple[int, int, str, float], ...]):
        self.spans = spans
        self.confidence: float | None = None
        self.hits: tuple = ()
        self.claims: tuple = ()
        self.inside: tuple = ()


_UNREAD = object()  # EntityModel._known before the model's attributes are read


class EntityModel:
    """A trained model: the CRF, the lexicon it reads features from, and its figures."""

    def __init__(self, crf: bytes, lexicon: Lexicon, meta: dict, gaz_index=None,
                 words: WordContexts | None = None, predicted: Lexicon | None = None):
        self.crf = crf
        self.lexicon = lexicon
        self.words = words
        self.predicted = predicted
        self.meta = meta
        self.gaz_index = gaz_index
        self.min_confidence = MIN_CONFIDENCE
        self._line_cache: dict[str, _Line] = {}  # see suggest
        self._known: frozenset[str] | None | object = _UNREAD  # crf.known_attributes
        self._ordinary: dict[str, bool] = {}  # surface -> _mostly_ordinary (the lexicon is fixed)
        self.rejected_spans: set[tuple[str, str]] = {
            (k, lab) for k, lab in meta.get("rejected_spans", [])}
        self._tagger = open_tagger(crf, "entity model")

    # -- suggesting ------------------------------------------------------------------------
    def suggest(self, text: str, exclude: Iterable[tuple[int, int]] = ()) -> tuple[Entity, ...]:
        """Entities the model finds, with a confidence each, none overlapping `exclude`.
        (Rejections are applied by assist_document, from the live change log: an undone
        rejection must not stay baked into the model.)

        Line by line: sequences never cross a line break, nor does a gazetteer name, so a
        line's entities depend on that line alone, and a line seen before (boilerplate,
        agency lines, a paragraph syndicated to many pages) is not tagged again; nor is what
        it claims for the rest of the document (see _one_sense_per_document) worked out
        again. Only the propagation over the whole document is done per document."""
        found: list[Entity] = []
        sure: dict[str, tuple[str, float]] = {}
        inside: dict[str, int] = {}  # form -> its places inside the spans of found
        at = 0
        cache = self._line_cache
        for line in text.split("\n"):
            seen = cache.get(line)
            if seen is None or seen.confidence != self.min_confidence:
                if seen is None and not line.strip():
                    at += len(line) + 1
                    continue
                seen = self._line(line, seen)
            for s, e, label, extra in seen.hits:
                found.append(Entity(at + s, at + e, label, None, extra))
            for form, label, c in seen.claims:
                if form not in sure:
                    sure[form] = (label, c)
            for form, n in seen.inside:
                inside[form] = inside.get(form, 0) + n
            at += len(line) + 1
        if sure:
            found = self._propagate(text, found, sure, inside)
        if not exclude:
            return tuple(found)
        taken = sorted(exclude)
        return tuple(e for e in found if not any(s < e.end and e.start < t for s, t in taken))

    def _line(self, line: str, seen: "_Line | None") -> "_Line":
        """The line's record (tagged if it was not), with what passes min_confidence."""
        if seen is None:
            if len(self._line_cache) >= LINE_CACHE:
                self._line_cache.clear()
            seen = self._line_cache[line] = _Line(self._tag_line(line))
        hits, claims = [], []
        for s, e, label, c in seen.spans:
            if c >= self.min_confidence:
                hits.append((s, e, label, (("assist", "model"), ("confidence", c))))
                claims += self._claims(line[s:e], label, c)
        seen.hits, seen.claims = tuple(hits), tuple(claims)
        # Places counted without overlaps in each span; the spans do not overlap.
        seen.inside = tuple((form, sum(line[s:e].count(form) for s, e, *_r in hits))
                            for form in dict.fromkeys(form for form, _l, _c in claims))
        seen.confidence = self.min_confidence
        return seen

    def _claims(self, surface: str, label: str, c: float) -> list[tuple[str, str, float]]:
        """What a suggested span says of the rest of its document, in order: (written form,
        label, confidence) that the first claim on each form makes a name wherever else it
        stands (see _one_sense_per_document)."""
        out = []
        if c >= PROPAGATE_CONFIDENCE and len(surface) >= 3 \
                and not self._mostly_ordinary(surface):
            out.append((surface, label, c))
        words = surface.split()
        if label == "PER" and c >= PROPAGATE_CONFIDENCE and len(words) >= 2:
            # Once a person is named in full, the story goes on with the family name
            # alone (بوتين after فلاديمير بوتين).
            last = words[-1]
            if len(last) >= 3 and not self._mostly_ordinary(last):
                out.append((last, label, c))
        return out

    def _one_sense_per_document(self, text: str, found: list[Entity]) -> list[Entity]:
        """A name the model is sure of somewhere in a document is that name wherever else it
        is written the same way, as a whole word, in that document (a reader would not read
        حماس as a movement once and as a word later) — unless the confirmed documents show
        the form is more often an ordinary word. A person's family name is that person too
        where it stands alone. (suggest does the same from what each line claims.)"""
        sure: dict[str, tuple[str, float]] = {}
        for e in found:
            for form, label, c in self._claims(text[e.start:e.end], e.label,
                                               dict(e.extra)["confidence"]):
                if form not in sure:
                    sure[form] = (label, c)
        return self._propagate(text, found, sure) if sure else found

    @staticmethod
    def _propagate(text: str, found: list[Entity], sure: dict[str, tuple[str, float]],
                   inside: dict[str, int] | None = None) -> list[Entity]:
        """`found` and each form of `sure` wherever else it stands as a whole word, not
        overlapping what is already suggested (the earlier forms first). `inside`: for
        some forms, how many places of each lie inside the spans of `found`, no two
        overlapping (the model's spans never overlap each other)."""
        covered = None
        added = []
        for surface, (label, c) in sure.items():
            if inside is not None and text.count(surface) == inside.get(surface, 0):
                # str.count counts the places from the left without overlaps, as find()
                # meets them below: the most places without overlaps there are. A place
                # clear of every span of `found` would make one more than those inside
                # them, so each place find() meets overlaps a span, and none is added.
                continue
            if covered is None:  # (nothing added yet)
                covered = bytearray(len(text))
                for e in found:
                    covered[e.start:e.end] = b"\1" * (e.end - e.start)
            at = text.find(surface)
            while at != -1:
                end = at + len(surface)
                whole = (at == 0 or not text[at - 1].isalnum()) and \
                    (end == len(text) or not text[end].isalnum())
                if whole and not any(covered[at:end]):
                    added.append(Entity(at, end, label, None,
                                        (("assist", "model"), ("confidence", round(c * 0.9, 2)))))
                    covered[at:end] = b"\1" * (end - at)
                at = text.find(surface, end)
        return sorted(found + added, key=lambda e: e.start) if added else found

    def _mostly_ordinary(self, surface: str) -> bool:
        known = self._ordinary.get(surface)
        if known is None:
            if len(self._ordinary) >= LINE_CACHE:
                self._ordinary.clear()
            known = self._ordinary[surface] = self._reads_as_ordinary(surface)
        return known

    def _reads_as_ordinary(self, surface: str) -> bool:
        for word in written_form(surface).split():
            key = hamza_form(word)
            seen = self.lexicon.occurrences.get(key, 0)
            inside = sum(self.lexicon.in_entity.get(key, {}).values())
            if seen >= 2 and seen - inside > inside:
                return True
        return False

    def _tag_line(self, line: str) -> tuple[tuple[int, int, str, float], ...]:
        doc = Doc(line, ())
        tokens, to_orig = doc.tokens()
        out = []
        tagger = self._tagger
        if self._known is _UNREAD:
            self._known = known_attributes(tagger)
        known = self._known
        for a, _b, xseq in _xseqs(doc, self.lexicon, self.gaz_index, self.words,
                                  self.predicted):
            # Only the attributes the model knows: the same tags and marginals (crf.kept).
            tags = tagger.tag([kept(item, known) for item in xseq])
            if all(t == "O" for t in tags):
                continue
            confidence = [tagger.marginal(t, k) for k, t in enumerate(tags)]
            out += [(e.start, e.end, e.label, dict(e.extra)["confidence"])
                    for e in decode(tokens, to_orig, a, tags, confidence)]
        return tuple(out)

    find = suggest  # what assist_document calls on any source of entities

    # -- storing ---------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        payload = self.lexicon.to_json()
        if self.words is not None:
            payload["words"] = self.words.to_json()
        if self.predicted is not None:
            payload["predicted"] = self.predicted.to_json()
        return pack(MAGIC, self.crf, payload)

    @classmethod
    def from_bytes(cls, data: bytes, meta: dict, gaz_index=None) -> "EntityModel":
        """Read a stored model; ModelError (never a traceback) if it is damaged."""
        crf, payload = unpack(MAGIC, data, "entity model")
        try:
            lexicon = Lexicon.from_json(payload)
            words = WordContexts.from_json(payload["words"]) if "words" in payload else None
            predicted = Lexicon.from_json(payload["predicted"]) \
                if "predicted" in payload else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"the stored entity model cannot be read ({exc}); "
                             "retrain it with `annotator train`") from None
        return cls(crf, lexicon, meta, gaz_index, words, predicted)


# ---------------------------------------------------------------------------------------------
# Training

def _fold_lexicons(docs: Sequence[Doc], labels: Sequence[dict[int, str]],
                   rejected_forms: set[str]) -> tuple[Lexicon, list[Lexicon]]:
    """The lexicon of all documents, and for each document the lexicon without its fold.
    labels: each document's token index -> label (encode)."""
    folds = [Lexicon() for _ in range(FOLDS)]
    for i, doc in enumerate(docs):
        folds[i % FOLDS].add_document(doc.tokens()[0], labels[i])
    total = Lexicon(rejected=set(rejected_forms))
    for fold in folds:
        total = total.merged(fold)
    per_doc = []
    outs = []
    for fold in folds:
        out = Lexicon(total.occurrences - fold.occurrences, rejected=set(rejected_forms))
        for key, counts in total.in_entity.items():
            left = counts - fold.in_entity.get(key, Counter())
            if left:
                out.in_entity[key] = left
        outs.append(out)
    for i in range(len(docs)):
        per_doc.append(outs[i % FOLDS])
    return total, per_doc


def train(docs: Sequence[Doc], gaz_index=None, rejected: Iterable[tuple[str, str]] = (),
          params: dict | None = None,
          unlabeled: Iterable[str] | TextStatistics | None = None,
          predicted: Iterable[tuple[str, Sequence[tuple[int, int, str]]]] | None = None
          ) -> EntityModel:
    """Train on confirmed documents. `rejected`: (surface, label) of suggestions people
    rejected: never offered again, and their words are negative evidence (a feature).
    `unlabeled`: the project's texts (all of them: confirmed or not), or the TextStatistics
    learned from them, from which word representations are learned
    (annotator.assist.distributional). `predicted`: (text,
    entities) of the previous model's suggestions on unconfirmed documents (see
    predicted_lexicon)."""
    rejected = list(rejected)
    rejected_forms = {hamza_form(w) for surface, _l in rejected
                      for w in written_form(surface).split()}
    started = time.perf_counter()
    encoded = [encode(*doc.tokens(), doc.entities) for doc in docs]
    tokens_n = sum(len(tags) for tags, _labels in encoded)
    # Started now, a trainer process (crf.trainer) boots while the lexicons are made.
    trainer = crf_trainer({**TRAIN_PARAMS, **(params or {})}, tokens_n)
    try:
        labels = [doc_labels for _tags, doc_labels in encoded]
        total, per_doc = _fold_lexicons(docs, labels, rejected_forms)
        words = None
        if unlabeled is not None:
            confirmed = []
            for doc, doc_labels in zip(docs, labels):
                tokens = doc.tokens()[0]
                confirmed.append(([t.norm for t in tokens],
                                  [i in doc_labels for i in range(len(tokens))]))
            words = WordContexts.learn(unlabeled, confirmed)
        auto = predicted_lexicon(predicted) if predicted is not None else None
        for doc, lexicon, (tags, _labels) in zip(docs, per_doc, encoded):
            for a, b, xseq in _xseqs(doc, lexicon, gaz_index, words, auto):
                trainer.append(xseq, tags[a:b])
        crf = trainer.train()
    finally:
        trainer.close()
    meta = {"entities": sum(len(doc.entities) for doc in docs), "documents": len(docs),
            "tokens": tokens_n, "train_seconds": round(time.perf_counter() - started, 2),
            "rejected_spans": sorted({(span_key(s), lab) for s, lab in rejected})}
    return EntityModel(crf, total, meta, gaz_index, words, auto)


__all__ = ["EntityModel", "Doc", "train", "predicted_lexicon", "encode", "decode", "span_key", "ModelError", "KIND"]
