"""CoNLL: one `token TAG` per line, a blank line between sentences, `-DOCSTART- O` between
documents. Tags are BIO (IOB2) with the schema's entity labels.

Export: tokens come from `core.tokenize` (punctuation apart, clitics attached, a word split only
where an entity boundary falls inside it); sentences end at . ! ? ؟ … and at newlines, never
inside an entity. CoNLL cannot show overlapping entities: the longest one (then the first) wins.
`--body-only` keeps the tokens of the layer's `body` zones only. Every (document, layer) pair
is one section; with `--layer all`, documents without any layer are left out (all-O tags
would claim "no entities" for text nobody labeled).

Import reads corpora the way they are written (ANERcorp and friends):
- columns separated by spaces or tabs; the token is the first column, the tag the last
  (CoNLL-2003's POS and chunk columns in between are ignored);
- BIO, IOB1, IO (bare `PERS`), and BIOES/BILOU tags; labels go through the schema's aliases,
  so PERS becomes PER;
- bidi marks (RLM, LRM …) and zero-width characters around a token are dropped; a line whose
  token is empty (a tag alone, or only an RLM) is skipped;
- `-DOCSTART-` starts a new document; a blank line, or a . ! ? ؟ … token (with the closing
  quotes or brackets right after it), ends a sentence, so stretches written without blank
  lines get their sentence breaks back.
The text is rebuilt as the tokens joined by spaces, sentences by newlines; document ids are
the file's stem (its path inside an imported folder) and the document's number: `corpus-1`.
Such documents are marked `pretokenized` in their metadata, and export splits them at
whitespace and newlines only: exporting an imported file gives back the same tokens and tags,
with tags normalized to BIO and our label names (IO and IOB1 input comes back as BIO, PERS as
PER, the dropped stray lines stay dropped). A BIO file with our labels and a blank line after
each sentence-final token comes back byte for byte.

A malformed line (no tag, an unknown label) is reported as file:line; its token is kept with
the tag O so the text stays whole.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..core.errors import ValidationError
from ..core.model import SUGGESTIONS, Document, Entity, Layer
from ..core.records import ImportRecord
from ..core.text import INVISIBLE
from ..core.tokenize import (Token, ends_sentence, is_closing_mark, sentences, tokenize,
                             whitespace_tokens)
from ..store import Project
from . import ExportOptions, ReadResult, Rejected, decode_file, open_output
from .txt import document_id

DOCSTART = "-DOCSTART-"
BODY = "body"
PRETOKENIZED = "pretokenized"  # metadata key: the text is tokens joined by spaces/newlines
PROGRESS_EVERY = 100

_PREFIXED = re.compile(r"([BIESLU])[-_](.+)")
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_STARTS = frozenset("BSU")  # prefixes that always open a new entity
_ENDS = frozenset("ESLU")   # prefixes that close the entity after their token


def register_formats(register) -> None:
    register("conll", read, [".conll", ".bio", ".iob", ".iob2"], writer=write)


# ---------------------------------------------------------------------------------------------
# Export

def _longest_first(entities: tuple[Entity, ...]) -> list[Entity]:
    """Entities that do not overlap, longest first: what a tag sequence can show. Linear in
    the entities (and their lengths): a map of the characters already taken, not a scan of
    every kept entity for each one (quadratic: 100,000 entities took minutes)."""
    ordered = sorted(entities)
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:])):
        return ordered  # the usual case: nothing overlaps
    taken = bytearray(max(e.end for e in ordered))
    kept: list[Entity] = []
    for ent in sorted(entities, key=lambda e: (-(e.end - e.start), e.start, e.label)):
        if taken.find(1, ent.start, ent.end) == -1:
            taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
            kept.append(ent)
    return sorted(kept)


def tagged_sentences(doc: Document, layer: Layer, body_only: bool = False
                     ) -> list[list[tuple[str, str]]]:
    """The document as sentences of (token, BIO tag)."""
    entities = _longest_first(layer.entities)
    cuts = [x for e in entities for x in (e.start, e.end)]
    if body_only:
        ranges = [(z.start, z.end) for z in layer.zones if z.label == BODY]
    else:
        ranges = [(0, len(doc.text))]
    pretokenized = bool(doc.meta.get(PRETOKENIZED))
    split = whitespace_tokens if pretokenized else tokenize
    out: list[list[tuple[str, str]]] = []
    for start, end in ranges:
        tokens = split(doc.text, start, end, cuts)
        tags = _tags(tokens, entities)
        inside = [tag.startswith("I-") for tag in tags]
        index = 0  # sentences() partitions `tokens` in order
        for sentence in sentences(doc.text, tokens, at_punctuation=not pretokenized,
                                  keep_together=inside):
            out.append([(tok.text, tags[index + i]) for i, tok in enumerate(sentence)])
            index += len(sentence)
    return out


def _tags(tokens: list[Token], entities: list[Entity]) -> list[str]:
    tags: list[str] = []
    k = 0
    previous: Entity | None = None
    for tok in tokens:
        while k < len(entities) and entities[k].end <= tok.start:
            k += 1
        ent = entities[k] if k < len(entities) and entities[k].start <= tok.start else None
        if ent is None:
            tags.append("O")
        else:
            tags.append(("I-" if ent is previous else "B-") + ent.label)
        previous = ent
    return tags


def write(project: Project, out: Path | None, options: ExportOptions) -> int:
    """Write every (document, layer) section; returns the number of sections."""
    count = 0
    with open_output(out) as fh:
        for doc, layers in options.annotated(project):
            for _name, layer in layers:
                section = tagged_sentences(doc, layer, options.body_only)
                if not section:
                    continue
                if count:
                    fh.write(f"{DOCSTART} O\n\n")
                for sentence in section:
                    fh.write("".join(f"{token} {tag}\n" for token, tag in sentence))
                    fh.write("\n")
                count += 1
                if options.progress and count % PROGRESS_EVERY == 0:
                    options.progress(count)
    return count


# ---------------------------------------------------------------------------------------------
# Import

def parse_tag(tag: str, schema) -> tuple[str, str | None]:
    """(prefix, label): ("O", None), ("B", "PER"), or ("", "PER") for a bare IO tag."""
    if tag == "O":
        return "O", None
    match = _PREFIXED.fullmatch(tag)
    if match:
        prefix, label = match.groups()
    elif _BARE.fullmatch(tag):
        prefix, label = "", tag
    else:
        raise ValueError(f"bad tag {tag!r} (expected O, B-X, I-X or a bare label)")
    if schema is not None:
        try:
            label = schema.entity_label(label)
        except ValidationError as exc:
            raise ValueError(f"tag {tag!r}: {exc}") from None
    return prefix, label


_INVISIBLE = "".join(INVISIBLE)


def _strip_invisible(token: str) -> str:
    return token.strip(_INVISIBLE)


class _DocumentBuilder:
    """Accumulates one document's text and entities as its tokens arrive."""

    def __init__(self):
        self.first_line = 0
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[dict] = []
        self.open: dict | None = None
        self.break_pending = False
        self.sentence_ended = False

    def sentence_break(self) -> None:
        self.close()
        if self.parts:
            self.break_pending = True
        self.sentence_ended = False

    def close(self) -> None:
        if self.open is not None:
            self.entities.append(self.open)
            self.open = None

    def add(self, token: str, prefix: str, label: str | None) -> None:
        continues_entity = (label is not None and prefix not in _STARTS
                            and self.open is not None and self.open["label"] == label)
        if self.sentence_ended and not (ends_sentence(token) or is_closing_mark(token)):
            if continues_entity:  # "U . S" of one entity: not a sentence end after all
                self.sentence_ended = False
            else:
                self.sentence_break()
        if self.parts:
            self.parts.append("\n" if self.break_pending else " ")
            self.length += 1
        self.break_pending = False
        start = self.length
        self.parts.append(token)
        self.length += len(token)
        if label is None:
            self.close()
        elif (prefix in _STARTS or self.open is None or self.open["label"] != label):
            self.close()
            self.open = {"start": start, "end": self.length, "label": label}
        else:
            self.open["end"] = self.length
        if prefix in _ENDS:
            self.close()
        if ends_sentence(token):
            self.sentence_ended = True

    def record(self, doc_id: str, path: Path, layer: str) -> ImportRecord | None:
        self.close()
        if not self.parts:
            return None
        meta = {"source": str(path), "line": self.first_line, "format": "conll",
                PRETOKENIZED: True,
                "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        # The layer is brought even without entities: all-O tags say "no entities here".
        data = {"zones": [], "entities": self.entities, "stances": []}
        return ImportRecord(Document(doc_id, "".join(self.parts), meta), {layer: data},
                            where=f"{path}:{self.first_line}")


def read(path: Path, layer: str | None = None, schema=None, root: Path | None = None
         ) -> Iterator[ReadResult]:
    """Documents of a CoNLL file, annotations in `layer` (default: suggestions)."""
    decoded = decode_file(path)
    if isinstance(decoded, Rejected):
        yield decoded
        return
    text = decoded.text
    target = layer or SUGGESTIONS
    base = document_id(path, root)
    number = 0
    builder = _DocumentBuilder()

    def finish():
        nonlocal builder, number
        record = builder.record(f"{base}-{number + 1}", path, target)
        if record is not None:
            number += 1
            yield record
        builder = _DocumentBuilder()

    for lineno, line in enumerate(text.split("\n"), 1):
        columns = [c for c in (_strip_invisible(c) for c in line.split()) if c]
        if not columns:
            builder.sentence_break()
            continue
        if columns[0] == DOCSTART:
            yield from finish()
            continue
        if not builder.parts:
            builder.first_line = lineno
        token = columns[0]
        if len(columns) == 1:
            if line.lstrip(_INVISIBLE)[:1].isspace() or _is_tag(token, schema):
                continue  # a tag without its token (or only an RLM where the token was)
            builder.add(token, "O", None)
            yield Rejected(f"{path}:{lineno}", f"token {token!r} has no tag (kept as O)")
            continue
        try:
            prefix, label = parse_tag(columns[-1], schema)
        except ValueError as exc:
            builder.add(token, "O", None)
            yield Rejected(f"{path}:{lineno}", f"{exc} (token {token!r} kept as O)")
            continue
        builder.add(token, prefix, label)
    yield from finish()


def _is_tag(text: str, schema) -> bool:
    """Whether a lone column is a tag (its token lost) rather than a token (its tag lost)."""
    try:
        prefix, _label = parse_tag(text, schema)
    except ValueError:
        return False
    return prefix != "" or schema is not None  # a bare word is a label only if the schema says so
