"""Documents: reading them, and importing them with the layers they bring.

Owns the `documents` table: queue order (seq), ids, texts (immutable once imported) and their
content hashes; the import that dedupes by id and by text, BATCH_SIZE records per transaction.
"""
from __future__ import annotations

import hashlib
import json
from typing import Iterable, Iterator

from ..core.errors import ValidationError
from ..core.model import Document, Layer, layer_from_json, validate_layer
from ..core.records import ImportOutcome, ImportRecord
from .changes import AFRESH, Change
from .connection import dumps, keyset_pages, now

BATCH_SIZE = 500
IMPORT = "import"  # the change-log action of a layer an import brought


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class DocumentsMixin:
    """Documents of a Project (see project.py for what a mixin may rely on)."""

    def _seq(self, doc_id: str) -> int:
        row = self.conn.execute("SELECT seq FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        return row[0]

    def _seq_text(self, doc_id: str) -> tuple[int, str]:
        hit = self._text_cache.get(doc_id)
        if hit is None:
            row = self.conn.execute("SELECT seq, text FROM documents WHERE id = ?",
                                    (doc_id,)).fetchone()
            if row is None:
                raise KeyError(f"no document {doc_id!r}")
            if len(self._text_cache) > 64:
                self._text_cache.clear()
            hit = self._text_cache[doc_id] = (row[0], row[1])
        return hit

    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document_ids(self, offset: int = 0, limit: int = -1) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents ORDER BY seq LIMIT ? OFFSET ?", (limit, offset))]

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() \
            is not None

    def get_document(self, doc_id: str) -> Document:
        row = self.conn.execute("SELECT id, text, meta FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        return Document(row[0], row[1], json.loads(row[2]))

    def get_text(self, doc_id: str) -> str:
        return self.get_document(doc_id).text

    def iter_documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """All documents in queue order (or the given ids), read in batches: memory stays flat."""
        if ids is not None:
            for doc_id in ids:
                yield self.get_document(doc_id)
            return
        for rows in keyset_pages(lambda last: self.conn.execute(
                "SELECT seq, id, text, meta FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, BATCH_SIZE)).fetchall(), 0):
            for _seq, doc_id, text, meta in rows:
                yield Document(doc_id, text, json.loads(meta))

    def import_documents(self, records: Iterable[ImportRecord], who: str = "import",
                         force: bool = False) -> Iterator[ImportOutcome]:
        """Add documents (and the layers they bring), BATCH_SIZE per transaction.

        Yields one outcome per record, as each batch is committed. A killed import leaves whole
        batches only. Re-importing the same text is a no-op; the same id with other text is
        refused; nothing already in the project is changed except layers the records bring,
        and of those only layers whose present state came from an import: a layer a person
        edited since is newer than the file (an older export coming back), so it is kept and
        reported (state "kept"), unless `force`. A stored layer that does not hold (a file
        edited by hand) is replaced, as the file asks: logged with an action ending in AFRESH
        (`annotator check` does not report the damaged state the log keeps) and named in the
        outcome's `replaced`.
        """
        batch: list[ImportRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                yield from self._import_batch(batch, who, force)
                batch = []
        if batch:
            yield from self._import_batch(batch, who, force)

    def _edited_since_import(self, seq: int, name: str) -> Change | None:
        """The layer's latest change if it was not an import (a person's edit, a merge)."""
        change = next(self._changes("c.id = (SELECT max(id) FROM changes WHERE doc = ? AND "
                                    "layer = ?)", (seq, name)), None)
        return None if change is None or change.action in (IMPORT, IMPORT + AFRESH) \
            else change

    def _import_batch(self, batch: list[ImportRecord], who: str, force: bool = False
                      ) -> list[ImportOutcome]:
        outcomes: list[ImportOutcome] = []
        with self.write():
            ids = [r.doc.id for r in batch]
            hashes = [content_hash(r.doc.text) for r in batch]
            known_ids = dict(self._lookup("id", "id, content_hash, seq", ids))
            known_hash = dict(self._lookup("content_hash", "content_hash, id", hashes))
            new_rows = []
            pending_layers = []
            for record, digest in zip(batch, hashes):
                doc = record.doc
                try:
                    layers = {name: self._checked_layer(data, doc.text)
                              for name, data in record.layers.items()}
                except ValidationError as exc:
                    outcomes.append(ImportOutcome(record.where, doc.id, "rejected", str(exc)))
                    continue
                if doc.id in known_ids:
                    old_hash, seq = known_ids[doc.id]
                    if old_hash != digest:
                        outcomes.append(ImportOutcome(
                            record.where, doc.id, "rejected",
                            f"document id {doc.id!r} is already in the project with other text"))
                        continue
                    pending_layers.append((record, seq, layers, False))
                elif digest in known_hash:
                    outcomes.append(ImportOutcome(
                        record.where, doc.id, "duplicate",
                        f"same text as document {known_hash[digest]!r}: skipped"))
                else:
                    known_ids[doc.id] = (digest, None)  # its seq is known after the insert
                    known_hash[digest] = doc.id
                    new_rows.append((doc.id, doc.text, dumps(doc.meta), digest, len(doc.text)))
                    pending_layers.append((record, None, layers, True))
            if new_rows:
                self.conn.executemany(
                    "INSERT INTO documents (id, text, meta, content_hash, length) "
                    "VALUES (?, ?, ?, ?, ?)", new_rows)
            new_seqs = dict(self._lookup("id", "id, seq", [r[0] for r in new_rows]))
            stamp = now()
            for record, seq, layers, added in pending_layers:
                doc = record.doc
                seq = new_seqs[doc.id] if seq is None else seq
                changed = False
                kept = []
                replaced: list[tuple[str, str]] = []
                for name, layer in layers.items():
                    newer = None if added or force else self._edited_since_import(seq, name)
                    if newer is not None and layer.to_json(doc.text) != newer.after:
                        # Said if it was damaged since (a hand edit): --force would replace it.
                        row = self.conn.execute("SELECT data FROM layers WHERE doc = ? AND "
                                                "name = ?", (seq, name)).fetchone()
                        problem = row and self._stored_problem(row[0], doc.text)
                        kept.append(f"{name!r} (changed by {newer.who} at {newer.at}"
                                    + (f"; damaged since: {problem}" if problem else "") + ")")
                        continue
                    damaged: list[str] = []
                    changed |= self._put_layer(seq, doc.text, name, layer, who, IMPORT, stamp,
                                               damaged=None if added else damaged)
                    replaced += [(name, problem) for problem in damaged]
                state = "added" if added else ("updated" if changed else "unchanged")
                if kept:
                    outcomes.append(ImportOutcome(
                        record.where, doc.id, "kept",
                        f"layer {', '.join(kept)} is newer in the project than in this file: "
                        "kept (--force replaces it)", replaced))
                else:
                    outcomes.append(ImportOutcome(record.where, doc.id, state, "", replaced))
        return outcomes

    def _lookup(self, column: str, select: str, values: list) -> Iterator[tuple]:
        for i in range(0, len(values), 900):  # stay under SQLite's bound-variable limit
            chunk = values[i:i + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {select} FROM documents WHERE {column} IN ({marks})", chunk):
                yield (row[0], row[1:]) if len(row) > 2 else row

    def _checked_layer(self, data: dict, text: str) -> Layer:
        layer = layer_from_json(data, text)
        validate_layer(layer, len(text), self.schema)
        return layer

