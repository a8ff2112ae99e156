"""Full-text search that ignores tashkeel, tatweel, hamza/alef/yeh/teh-marbuta spellings and
proclitics, with hits at exact offsets in the stored text.

SQLite FTS5's default tokenizer splits words at harakat (المختطَفين becomes two tokens), so
the index holds normalized words (annotator.core.arabic) instead, together with each word's
proclitic-free forms (والمختطفين is also indexed as المختطفين and مختطفين). FTS5 finds the
candidate documents; the hits themselves are found again in Python on the normalized text and
mapped back to the original offsets, so what is highlighted is exactly what is stored.

The index (table `search_index`, one row per document, rowid = the document's seq) is built
lazily: import never waits for it; the first search indexes the documents not yet in it.

On PostgreSQL (no FTS5; pg_trgm is not in every server build) the same indexed form is kept in
a plain table (`search_index (seq, words)`, words space-padded) and the candidates are the rows
whose words contain every query word (` word ` LIKE); hits are found again exactly as above,
and results come in queue order (there is no FTS5 rank).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ..core.arabic import (WORD, normalize, normalize_text, orig_span, proclitic_splits,
                           proclitic_variants, words)

# Bump when the indexed form changes: the index is then rebuilt on the next search.
INDEX_VERSION = "2"  # 2: contentless
_VERSION_KEY = "search_index_version"
SNIPPET_CONTEXT = 40
# Documents indexed per transaction (and per progress step).
BATCH = 500


@dataclass(frozen=True)
class Hit:
    start: int  # code points in the stored text, end exclusive
    end: int


@dataclass(frozen=True)
class Result:
    doc_id: str
    hits: tuple[Hit, ...]
    snippet: str           # text around the first hit, on one line
    snippet_hit: tuple[int, int]  # where the first hit is inside `snippet`

    def marked(self, left: str = "[", right: str = "]") -> str:
        a, b = self.snippet_hit
        return self.snippet[:a] + left + self.snippet[a:b] + right + self.snippet[b:]


def indexed_form(text: str) -> str:
    """What FTS5 indexes for a document: every normalized word with its proclitic-free forms.

    Built token by token (runs of non-space characters), each token's form looked up once per
    corpus: normalizing character by character (str.translate) cost more than FTS5 itself.
    The same words come out as from the whole text: normalization maps each character on its
    own and keeps whitespace, so no word spans two tokens."""
    return " ".join(filter(None, map(_indexed_token, text.split())))


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words; numbers and typos come and go
def _indexed_token(token: str) -> str:
    return " ".join(" ".join(proclitic_variants(w)) for w in WORD.findall(normalize_text(token)))


def ensure_index(project, progress: Callable[[int, int], None] | None = None) -> int:
    """Index the documents not indexed yet (all of them after a format change); returns how
    many were indexed. `progress(done, total)` follows each committed batch, so the window can
    show the first search on a large corpus instead of freezing.

    Which documents are missing is worked out once (not per batch: a `NOT IN` over the growing
    index made the build quadratic), and each batch is one transaction of BATCH documents: few
    commits (each waits for the disk), yet a window that closes midway keeps what was done."""
    conn = project.conn
    server = project.backend != "sqlite"
    rebuild = project.get_setting(_VERSION_KEY) != INDEX_VERSION
    seqs = [r[0] for r in conn.execute("SELECT seq FROM documents ORDER BY seq")]
    indexed: set[int] = set()
    if not rebuild and project.table_columns("search_index"):
        indexed = {r[0] for r in conn.execute(
            "SELECT seq FROM search_index" if server else "SELECT rowid FROM search_index")}
        # Documents are never edited, but a merge or a delete may remove some. A contentless
        # index cannot forget a row without its words: it is built again (rare).
        rebuild = not indexed.issubset(seqs)
    with project.write():
        if rebuild:
            conn.execute("DELETE FROM search_index" if server
                         else "DROP TABLE IF EXISTS search_index")
            indexed = set()
        # Contentless: the words are only ever matched, never read back (hits are found again
        # in the stored text), so FTS5 need not keep a second copy of them.
        if not server:
            conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
                         "words, content = '', tokenize = 'unicode61 remove_diacritics 0')")
    if rebuild:
        project.set_setting(_VERSION_KEY, INDEX_VERSION)
    missing = [seq for seq in seqs if seq not in indexed]
    del indexed, seqs
    added = 0
    for i in range(0, len(missing), BATCH):
        chunk = missing[i:i + BATCH]
        # One query per batch, by seq range: the batch's own documents among them.
        wanted = set(chunk)
        rows = conn.execute("SELECT seq, text FROM documents WHERE seq BETWEEN ? AND ?",
                            (chunk[0], chunk[-1]))
        forms = [(seq, indexed_form(text)) for seq, text in rows if seq in wanted]
        with project.write():
            if server:
                conn.executemany("INSERT INTO search_index (seq, words) VALUES (?, ?) "
                                 "ON CONFLICT (seq) DO NOTHING",
                                 [(seq, f" {form} ") for seq, form in forms])
            else:
                conn.executemany("INSERT INTO search_index (rowid, words) VALUES (?, ?)",
                                 forms)
        added += len(forms)
        if progress is not None:
            progress(added, len(missing))
    return added


def query_words(query: str) -> list[str]:
    return [w for _s, _e, w in words(normalize_text(query))]


def find_hits(text: str, terms: list[str]) -> list[Hit]:
    """Every place the words `terms` appear in a row (each word possibly with proclitics)."""
    if not terms:
        return []
    norm, to_orig = normalize(text)
    ws = words(norm)
    variants = [set(proclitic_variants(w)) for _s, _e, w in ws]
    hits: list[Hit] = []
    n = len(terms)
    i = 0
    while i + n <= len(ws):
        if all(terms[k] in variants[i + k] for k in range(n)) and \
                all("\n" not in norm[ws[i + k][1]:ws[i + k + 1][0]] for k in range(n - 1)):
            first = _stem_start(ws[i][2], terms[0])
            start, end = orig_span(text, to_orig, ws[i][0] + first, ws[i + n - 1][1])
            hits.append(Hit(start, end))
            i += n
        else:
            i += 1
    return hits


def _stem_start(word: str, term: str) -> int:
    """How many letters of `word` are proclitics in front of `term` (0 if the word is the
    term itself): the hit starts after them, as the stem is what was searched for."""
    for split in proclitic_splits(word):
        if split.stem == term:
            return split.prefix
    return 0


def _fts_query(terms: list[str]) -> str:
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(project, query: str, limit: int = 50) -> list[Result]:
    """Documents whose text has the query's words in a row, best first (FTS5 rank), with every
    hit's offsets in the stored text and a snippet around the first one."""
    terms = query_words(query)
    if not terms:
        return []
    ensure_index(project)
    results: list[Result] = []
    offset = 0
    if project.backend == "sqlite":
        query = ("SELECT d.id, d.text FROM search_index s JOIN documents d ON d.seq = s.rowid "
                 "WHERE search_index MATCH ? ORDER BY rank, d.seq LIMIT ? OFFSET ?")
        args: tuple = (_fts_query(terms),)
    else:
        query = ("SELECT d.id, d.text FROM search_index s JOIN documents d ON d.seq = s.seq "
                 "WHERE " + " AND ".join(["s.words LIKE ?"] * len(terms))
                 + " ORDER BY d.seq LIMIT ? OFFSET ?")
        args = tuple("% " + _like_escape(t) + " %" for t in terms)
    while len(results) < limit:
        rows = project.conn.execute(query, (*args, BATCH, offset)).fetchall()
        if not rows:
            break
        offset += len(rows)
        for doc_id, text in rows:
            hits = find_hits(text, terms)
            if hits:  # FTS5 only checks that the words occur, not that they are adjacent
                results.append(Result(doc_id, tuple(hits), *snippet(text, hits[0])))
                if len(results) >= limit:
                    break
    return results


def snippet(text: str, hit: Hit, context: int = SNIPPET_CONTEXT) -> tuple[str, tuple[int, int]]:
    """A one-line excerpt around the hit (ellipses where cut) and the hit's place in it."""
    a = max(0, hit.start - context)
    b = min(len(text), hit.end + context)
    # Widen to the nearest word gap, when it is close, rather than cut a word.
    while a > 0 and a > hit.start - context - 10 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and b < hit.end + context + 10 and not text[b].isspace():
        b += 1
    before = text[a:hit.start].replace("\n", " ")
    middle = text[hit.start:hit.end].replace("\n", " ")
    after = text[hit.end:b].replace("\n", " ")
    lead = "…" if a > 0 else ""
    return (lead + before + middle + after + ("…" if b < len(text) else ""),
            (len(lead) + len(before), len(lead) + len(before) + len(middle)))
