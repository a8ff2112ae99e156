"""Pre-segmentation of a news page into body, source lines and boilerplate, by rules kept as
data (resources/assist/zone_rules.toml; its header explains the rules and how they apply).

The text is cut into pieces (lines, and lines cut inside where a splitting rule matches), each
piece is matched against the rules on its normalized form, and a small reader walks the pieces
to decide where the article ends. Zone boundaries fall at the first visible character of a
piece: the whitespace between two zones belongs to the earlier one.

One module of some 650 lines: reading the rules file, cutting lines with the rules, reading
the page and remembering the lines already cut are one mechanism (each step reads what the one
before derived from the rules).
"""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import RESOURCES
from ..core.arabic import WORD, normalize, normalize_text
from ..core.errors import InputError
from ..core.text import read_utf8_file
from ..core.model import Zone

DEFAULT_RULES_PATH = RESOURCES / "assist" / "zone_rules.toml"

EFFECTS = ("source", "tail", "block", "line")
ROLES = ("body", "source", "boilerplate")
_RULE_KEYS = {"name", "effect", "zone", "phrases", "after", "words", "regex", "max_words",
              "split", "numbers"}
_SHAPE_KEYS = {"prose_min_words", "sentence_min_words", "headline_max_words",
               "trailing_list_min", "sentence_end", "breaks", "list_item"}
# Bullets, dashes, brackets and quotes a phrase may follow at the start of a piece.
_LEAD = set(" \t•●▪◦○■□►▶◄◀›‹»«-–—*·|:()[]{}\"'“”‘’✓✔➤")
# What joins the names of a `words` rule: "RT + وكالات", "رويترز - أ ف ب".
_JOINERS = {"و", "and"}
_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_PROCLITICS_ONLY = re.compile(r"^[وف]?[بلك]?$")
# Distinct lines whose cuts are remembered (normalized, and as stored: see ZoneRules.read).
LINE_CACHE = 100_000
# New lines of a page, in characters, from which the whole page is normalized in one pass
# rather than line by line (each call has a fixed cost of a few scans).
WHOLE_TEXT_FROM = 200
LEARN_FIRST = 5000  # lines ZoneRules.read remembers whatever comes of it


def _is_arabic(ch: str) -> bool:
    code = ord(ch)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF


def _normalize_pattern(pattern: str) -> str:
    """Normalize only the Arabic letters of a regex, so that \\S or [A-Z] keep their meaning."""
    return "".join(normalize_text(ch) if _is_arabic(ch) else ch for ch in pattern)


@dataclass(frozen=True)
class Rule:
    name: str
    effect: str
    role: str  # "source" or "boilerplate"
    phrases: tuple[str, ...] = ()
    head: re.Pattern | None = None  # the phrases, then `after` (default: the word ends)
    words: tuple[tuple[str, ...], ...] = ()
    numbers: bool = False
    regex: re.Pattern | None = None
    max_words: int | None = None
    split: bool = False
    # Derived: phrases that can be glued to the word before them (Arabic ones), and the
    # `words` names by their first word.
    glue_phrases: tuple[str, ...] = ()
    names_by_first: dict = field(default_factory=dict, compare=False)

    def matches(self, piece: str, word_count: int | None = None,
                lead: int | None = None) -> bool:
        """Does the normalized piece (from a start position to its line's end) match?
        `word_count` and `lead` (_lead_end): the piece's, if the caller knows them."""
        if self.max_words is not None and (
                word_count if word_count is not None else _count_words(piece)) > self.max_words:
            return False
        if self.phrases:
            return self.phrase_at(piece, _lead_end(piece) if lead is None else lead)
        if self.words:
            return self._only_words(piece)
        return bool(self.regex.match(piece))

    def phrase_at(self, piece: str, at: int) -> bool:
        """Does one of the phrases, followed by what `after` asks, start at `at`?"""
        return self.head.match(piece, at) is not None

    def _only_words(self, piece: str) -> bool:
        tokens = [m.group() for m in WORD.finditer(piece)]
        if not tokens:
            return False
        i = 0
        named = False
        while i < len(tokens):
            token = tokens[i]
            step = self._name_at(tokens, i)
            if step:
                i += step
                named = True
            elif token in _JOINERS or (self.numbers and _NUMBER.match(token)):
                i += 1
            else:
                return False
        return named

    def _name_at(self, tokens: list[str], i: int) -> int:
        first = tokens[i]
        # "ووكالات", "والأناضول": a conjunction may be glued to the first name.
        candidates = self.names_by_first.get(first, [])
        if first[:1] == "و":
            candidates = candidates + self.names_by_first.get(first[1:], [])
        for name in sorted(candidates, key=len, reverse=True):
            n = len(name)
            rest = tokens[i + 1:i + n]
            if len(rest) == n - 1 and tuple(rest) == name[1:]:
                return n
        return 0


def _count_words(piece: str) -> int:
    return len(WORD.findall(piece))


class _LineWords:
    """Where a line's words are, to count the words of any part of it without reading it
    again (a line is tried against the rules from every sentence start in it)."""
    __slots__ = ("starts", "ends")

    def __init__(self, line: str):
        self.starts = []
        self.ends = []
        for m in WORD.finditer(line):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def count(self, start: int, end: int) -> int:
        """The words of line[start:end] (a word cut by `start` or `end` counts, as it would
        in the cut text: a word is a run of word characters)."""
        if end <= start:
            return 0
        return bisect_left(self.starts, end) - bisect_right(self.ends, start)


def _lead_end(piece: str) -> int:
    i = 0
    while i < len(piece) and piece[i] in _LEAD:
        i += 1
    return i


class Piece:
    """A line or part of a line: where it starts in the normalized text (its first visible
    character), its text, what the rules made of it, and its word count (asked for again and
    again by the reader and the zone model). A plain class: a page has a few dozen, made anew
    for each page, and a dataclass with a cached property costs more than the reading."""
    __slots__ = ("start", "text", "rule", "role", "word_count")

    def __init__(self, start: int, text: str, rule: Rule | None = None, role: str = "body",
                 word_count: int | None = None):
        self.start = start
        self.text = text
        self.rule = rule
        self.role = role
        self.word_count = _count_words(text) if word_count is None else word_count

    def __repr__(self) -> str:
        return f"Piece({self.start}, {self.text!r}, {self.role})"


@dataclass(frozen=True)
class ZoneRules:
    rules: tuple[Rule, ...]
    labels: dict  # role -> schema zone label
    prose_min_words: int = 12
    sentence_min_words: int = 5
    headline_max_words: int = 16
    trailing_list_min: int = 3
    sentence_end: str = ".!?؟…"
    breaks: str = ".!?؟…»”\")]|"
    list_item: re.Pattern = re.compile(r"^\s*[•\-*]\s*")
    source_names: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def split_max_words(self) -> int:
        """No splitting rule matches a rest of line longer than this."""
        return max((r.max_words or 10**9 for r in self.rules if r.split), default=0)

    @cached_property
    def _glue_at(self) -> re.Pattern:
        """Finds every place where some splitting rule's phrase begins."""
        phrases = {p for r in self.rules for p in r.glue_phrases}
        return re.compile("(?=" + _trie_pattern(phrases) + ")") if phrases \
            else re.compile(r"(?!)")

    @cached_property
    def _break_run(self) -> re.Pattern:
        return re.compile("[" + re.escape(self.breaks) + "]+[ \t]*")

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "ZoneRules":
        return cls.load(DEFAULT_RULES_PATH)

    @classmethod
    def load(cls, path: str | Path) -> "ZoneRules":
        text = read_utf8_file(path)
        try:
            return cls.parse(text)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None

    @classmethod
    def parse(cls, text: str) -> "ZoneRules":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML: {exc}") from None
        unknown = set(data) - {"version", "zones", "shape", "rules"}
        if unknown:
            raise InputError(f"unknown key {sorted(unknown)[0]!r} at the top level")
        labels = {role: role for role in ROLES}
        for role, label in (data.get("zones") or {}).items():
            if role not in ROLES or not isinstance(label, str) or not label:
                raise InputError(f"[zones] {role} = {label!r}: roles are {', '.join(ROLES)}, "
                                 f"each a zone label")
            labels[role] = label
        shape = data.get("shape") or {}
        for key in shape:
            if key not in _SHAPE_KEYS:
                raise InputError(f"unknown key {key!r} in [shape]")
        options = {}
        for key in ("prose_min_words", "sentence_min_words", "headline_max_words",
                    "trailing_list_min"):
            if key in shape:
                if not isinstance(shape[key], int) or shape[key] < 1:
                    raise InputError(f"[shape] {key} must be a positive integer")
                options[key] = shape[key]
        for key in ("sentence_end", "breaks"):
            if key in shape:
                options[key] = str(shape[key])
        if "list_item" in shape:
            options["list_item"] = _compile(shape["list_item"], "[shape] list_item")
        rules = tuple(_rule(item, i) for i, item in enumerate(data.get("rules") or (), 1))
        if not rules:
            raise InputError("no [[rules]]")
        source_names = tuple(sorted({name for r in rules if r.effect == "source"
                                     for name in r.words}, key=len, reverse=True))
        return cls(rules, labels, source_names=source_names, **options)

    def check_schema(self, schema) -> None:
        """Raise InputError if the rules produce a zone label the project's schema lacks."""
        for role, label in self.labels.items():
            if label not in schema.zone_names:
                raise InputError(f"zone rules give {role} text the zone label {label!r}, which "
                                 f"the project's schema lacks ({', '.join(schema.zone_names)})")

    # -- applying --------------------------------------------------------------------------
    def suggest(self, text: str) -> tuple[Zone, ...]:
        """Zones tiling the whole text: body, source and boilerplate (schema labels)."""
        if not text:
            return ()
        pieces, to_orig = self.read(text)
        return self.zones_of(text, pieces, to_orig)

    def zones_of(self, text: str, pieces: list[Piece], to_orig) -> tuple[Zone, ...]:
        """The zones tiling `text` that the pieces' roles say (also for the zone model).
        to_orig: normalized offset -> stored offset, at least at the pieces' starts."""
        zones: list[Zone] = []
        for piece in pieces:
            label = self.labels[piece.role]
            start = to_orig[piece.start] if zones else 0
            if zones and zones[-1].label == label:
                continue
            if zones:
                zones[-1] = Zone(zones[-1].start, start, zones[-1].label)
            zones.append(Zone(start, len(text), label))
        if not zones:
            zones.append(Zone(0, len(text), self.labels["body"]))
        return tuple(z for z in zones if z.end > z.start)

    def read(self, text: str) -> tuple[list[Piece], dict[int, int] | list[int]]:
        """The pieces of a stored text with the rules' verdicts read, as pieces() and _read()
        make them from the normalized text, and where each starts in the stored text
        (normalized offset -> stored offset, for the pieces' starts).

        Line by line: normalization folds character by character and keeps line breaks, so
        a line's pieces depend on that line alone, and a line seen before is neither
        normalized nor cut again. While most lines are new (remembering them costs more than
        it saves) a page with many new lines is read whole, as suggest did."""
        lines = text.split("\n")
        cache = self._line_pieces
        found = [cache.get(line) for line in lines]
        if None in found:
            stats = self._line_stats
            if stats[0] >= 100 * LEARN_FIRST:
                stats[:] = [0, 0]  # counted afresh from time to time
            missing = found.count(None)
            stats[0] += len(found)
            stats[1] += len(found) - missing
            if (stats[0] >= LEARN_FIRST and 2 * stats[1] < stats[0]
                    and sum(len(line) for line, f in zip(lines, found) if f is None)
                    >= WHOLE_TEXT_FROM):
                norm, to_orig = normalize(text)
                pieces = self.pieces(norm)
                self._read(pieces)
                return pieces, to_orig
            self._read_lines(text, lines, found)
        else:
            self._line_stats[0] += len(found)
            self._line_stats[1] += len(found)
        pieces: list[Piece] = []
        to_orig: dict[int, int] = {}
        norm_at = at = 0
        for line, (norm_length, cuts) in zip(lines, found):
            for cut, orig, visible, rule, words in cuts:
                start = norm_at + cut
                pieces.append(Piece(start, visible, rule, rule.role if rule else "body", words))
                to_orig[start] = at + orig
            norm_at += norm_length + 1
            at += len(line) + 1
        self._read(pieces)
        return pieces, to_orig

    def _read_lines(self, text: str, lines: list[str], found: list) -> None:
        """Fill in `found` the lines not read before: (normalized length, (normalized offset,
        stored offset, text, rule, word count) of each piece)."""
        cache = self._line_pieces
        missing = [i for i, entry in enumerate(found) if entry is None]
        if sum(len(lines[i]) for i in missing) >= WHOLE_TEXT_FROM:
            # Many new lines: one pass over the text costs less than one per line.
            norm, to_orig = normalize(text)
            norm_lines = norm.split("\n")
            starts, norm_starts = [0], [0]
            for line, norm_line in zip(lines, norm_lines):
                starts.append(starts[-1] + len(line) + 1)
                norm_starts.append(norm_starts[-1] + len(norm_line) + 1)
            for i in missing:
                first, at = norm_starts[i], starts[i]
                found[i] = self._line_entry(norm_lines[i],
                                            lambda k: to_orig[first + k] - at)
        else:
            for i in missing:
                norm_line, line_to_orig = normalize(lines[i])
                found[i] = self._line_entry(norm_line, line_to_orig.__getitem__)
        if len(cache) + len(missing) > LINE_CACHE:
            cache.clear()
        for i in missing:
            cache[lines[i]] = found[i]

    def _line_entry(self, norm_line: str, orig) -> tuple:
        return (len(norm_line), tuple((cut, orig(cut), visible, rule, words)
                                      for cut, visible, rule, words in self._cuts(norm_line)))

    def pieces(self, norm: str) -> list[Piece]:
        """Cut the normalized text into pieces and match each against the rules."""
        out: list[Piece] = []
        line_start = 0
        for line in norm.split("\n"):
            for at, visible, rule, words in self._cuts(line):
                out.append(Piece(line_start + at, visible, rule,
                                 rule.role if rule else "body", words))
            line_start += len(line) + 1
        return out

    def _cuts(self, line: str) -> tuple[tuple[int, str, Rule | None, int], ...]:
        """_line_cuts of a normalized line, remembered."""
        cache = self._cuts_cache
        cuts = cache.get(line)
        if cuts is None:
            cuts = self._line_cuts(line)
            if len(cache) >= LINE_CACHE:
                cache.clear()
            cache[line] = cuts
        return cuts

    def __getstate__(self) -> dict:
        # Pickled for assist's worker processes: without the lines this process read.
        return {k: v for k, v in self.__dict__.items()
                if k not in ("_cuts_cache", "_line_pieces", "_line_stats")}

    @cached_property
    def _cuts_cache(self) -> dict:
        # A line's cuts depend on the line alone, and pages repeat lines (their furniture,
        # agency lines, syndicated paragraphs): each distinct line is matched once.
        return {}

    @cached_property
    def _line_stats(self) -> list[int]:
        # Lines looked up in _line_pieces, and found there.
        return [0, 0]

    @cached_property
    def _line_pieces(self) -> dict:
        # Stored line -> what read() takes from it (see _read_lines).
        return {}

    def _line_cuts(self, line: str) -> tuple[tuple[int, str, Rule | None, int], ...]:
        """(where, text, rule matched, word count) of each piece of a line."""
        first = len(line) - len(line.lstrip())
        if first == len(line):
            return ()
        words = _LineWords(line)
        cuts: list[tuple[int, Rule | None]] = [
            (first, self._first_match(line[first:], words.count(first, len(line))))]
        for at, rule in self._inner_cuts(line, first, words):
            if at > cuts[-1][0]:
                cuts.append((at, rule))
        out = []
        for k, (at, rule) in enumerate(cuts):
            stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(line)
            visible = line[at:stop].rstrip()
            out.append((at, visible, rule, words.count(at, at + len(visible))))
        return tuple(out)

    def _first_match(self, piece: str, count: int, only_split: bool = False) -> Rule | None:
        """The first rule the piece (`count` words) matches."""
        if only_split and count > self.split_max_words:
            return None
        lead = _lead_end(piece)
        for rule in self.rules:
            if (rule.split or not only_split) and rule.matches(piece, count, lead):
                return rule
        return None

    def _inner_cuts(self, line: str, first: int, words: _LineWords) -> list[tuple[int, Rule]]:
        """Places inside a line where a splitting rule starts: after a sentence end or a
        closing quote, or where a rule's phrase is glued to the word before it."""
        candidates: dict[int, bool] = {}  # position -> glued
        for match in self._break_run.finditer(line, first):
            if match.end() < len(line):
                candidates[match.end()] = False
        for match in self._glue_at.finditer(line, first + 1):
            at = match.start()
            if WORD.match(line, at - 1) and self._glued(line, at):
                candidates[at] = True
        cuts = []
        for at in sorted(candidates):
            piece = line[at:]
            count = words.count(at, len(line))
            if candidates[at]:
                rule = next((r for r in self.rules if r.split and r.phrases
                             and r.phrase_at(piece, 0) and r.matches(piece, count)), None)
            else:
                rule = self._first_match(piece, count, only_split=True)
            if rule is None:
                continue
            if rule.effect == "source":
                at = self._agency_names_before(line, at, first)
            cuts.append((at, rule))
        return sorted(cuts, key=lambda c: c[0])

    @staticmethod
    def _glued(line: str, at: int) -> bool:
        """Is the word run ending at `at` a real word (a lost line break), not proclitics?"""
        begin = at
        while begin > 0 and WORD.match(line, begin - 1):
            begin -= 1
        return not _PROCLITICS_ONLY.match(line[begin:at])

    def _agency_names_before(self, line: str, at: int, first: int) -> int:
        """Move a source cut back over agency names just before it: in "… وكالاتالمصدر:"
        the word وكالات is part of the source, not of the sentence before."""
        tokens = [m for m in WORD.finditer(line, first, at)]
        while tokens:
            for name in self.source_names:
                n = len(name)
                window = tokens[-n:]
                if len(window) == n and [m.group() for m in window] == list(name):
                    between = line[window[-1].end():at]
                    if between.strip(" \t+-–—/|،,") == "":
                        at = window[0].start()
                        del tokens[-n:]
                        break
            else:
                break
        return at

    # -- reading the page ------------------------------------------------------------------
    def _is_prose(self, piece: Piece) -> bool:
        words = piece.word_count
        return words >= self.prose_min_words or (
            words >= self.sentence_min_words and piece.text[-1:] in self.sentence_end)

    def _is_listish(self, piece: Piece) -> bool:
        return bool(self.list_item.match(piece.text)) or (
            piece.word_count <= self.headline_max_words
            and piece.text[-1:] not in self.sentence_end)

    def _read(self, pieces: list[Piece]) -> None:
        """Walk the pieces in order and set each one's role (see the rules file, step 3)."""
        state = "body"          # "body", "block" (after اقرأ أيضا), "sidebar" or "tail"
        prose_seen = False      # article prose seen: a source or tail marker can end it now
        foreign = False         # in the tail: prose of other pages seen
        last_prose = -1
        for index, piece in enumerate(pieces):
            rule = piece.rule
            if state == "tail":
                if rule is not None and rule.effect == "source" and not foreign:
                    piece.role = "source"
                else:
                    piece.role = "boilerplate"
                    if rule is None and self._is_prose(piece):
                        foreign = True
                continue
            if rule is None:
                if state in ("block", "sidebar") and self._is_listish(piece):
                    piece.role = "boilerplate"
                    continue
                if state == "sidebar" and index and pieces[index - 1].rule is None \
                        and not self.list_item.match(pieces[index - 1].text):
                    # The article's title: the headline right above its first paragraph.
                    pieces[index - 1].role = "body"
                state = "body"
                piece.role = "body"
                if self._is_prose(piece):
                    prose_seen = True
                    last_prose = index
                continue
            piece.role = rule.role
            if rule.effect in ("source", "tail") and prose_seen:
                state = "tail"
            elif rule.effect == "tail":
                state = "sidebar"  # a "most read" list scraped above the article
            elif rule.effect == "block":
                state = "block"
        self._trailing_lists(pieces, last_prose)

    def _trailing_lists(self, pieces: list[Piece], last_prose: int) -> None:
        """After the article's last prose line, short lines that lead into boilerplate are
        page furniture too (a "copy link" button, a channel list); and a run of
        `trailing_list_min` headline-like lines is a list of other articles, even without a
        heading."""
        if last_prose < 0:
            return
        run: list[Piece] = []
        for piece in pieces[last_prose + 1:]:
            if piece.role == "source":
                return
            if piece.role == "boilerplate":
                for short in run:
                    short.role = "boilerplate"
                run = []
                continue
            if not self._is_listish(piece):
                return
            run.append(piece)
        if len(run) >= self.trailing_list_min:
            for piece in run:
                piece.role = "boilerplate"


def _trie_pattern(phrases: set[str]) -> str:
    """A regex matching any of the phrases, factored by common prefixes: far faster than a
    flat alternation of a few hundred phrases tried at every position."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body
    return pattern(trie)


def _compile(pattern, where: str) -> re.Pattern:
    if not isinstance(pattern, str):
        raise InputError(f"{where} must be a string (a regular expression)")
    try:
        return re.compile(_normalize_pattern(pattern))
    except re.error as exc:
        raise InputError(f"{where}: bad regular expression: {exc}") from None


def _rule(item, index: int) -> Rule:
    where = f"rule #{index}"
    if not isinstance(item, dict):
        raise InputError(f"{where} must be a table ([[rules]])")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where} needs a name")
    where = f"rule #{index} ({name})"
    unknown = set(item) - _RULE_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    effect = item.get("effect")
    if effect not in EFFECTS:
        raise InputError(f"{where}: effect must be one of {', '.join(EFFECTS)}, not {effect!r}")
    role = item.get("zone", "source" if effect == "source" else "boilerplate")
    if role not in ("source", "boilerplate"):
        raise InputError(f"{where}: zone must be source or boilerplate, not {role!r}")
    kinds = [k for k in ("phrases", "words", "regex") if k in item]
    if len(kinds) != 1:
        raise InputError(f"{where}: give exactly one of phrases, words, regex")
    max_words = item.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise InputError(f"{where}: max_words must be a positive integer")
    split = item.get("split", False)
    numbers = item.get("numbers", False)
    if not isinstance(split, bool) or not isinstance(numbers, bool):
        raise InputError(f"{where}: split and numbers are true or false")
    fields: dict = {}
    if "phrases" in item or "words" in item:
        values = item.get("phrases", item.get("words"))
        if not isinstance(values, list) or not values or \
                not all(isinstance(v, str) and v.strip() for v in values):
            raise InputError(f"{where}: {kinds[0]} must be a list of non-empty strings")
        normalized = {normalize_text(v).strip() for v in values}
        if "phrases" in item:
            fields["phrases"] = tuple(sorted(normalized, key=len, reverse=True))
            if split:  # glued words are lost Arabic line breaks
                fields["glue_phrases"] = tuple(p for p in fields["phrases"] if _is_arabic(p[0]))
            after = _compile(item["after"], f"{where} after").pattern if "after" in item \
                else r"(?![^\W_])"
            # A shorter phrase is tried when a longer one is not followed by `after`.
            fields["head"] = re.compile(f"{_trie_pattern(normalized)}(?:{after})")
        else:
            names = {tuple(m.group() for m in WORD.finditer(v)) for v in normalized}
            names.discard(())
            fields["words"] = tuple(sorted(names, key=len, reverse=True))
            by_first: dict[str, list[tuple[str, ...]]] = {}
            for words in fields["words"]:
                by_first.setdefault(words[0], []).append(words)
            fields["names_by_first"] = by_first
    else:
        fields["regex"] = _compile(item["regex"], f"{where} regex")
    if "after" in item and "phrases" not in item:
        raise InputError(f"{where}: after only goes with phrases")
    return Rule(name, effect, role, max_words=max_words, split=split, numbers=numbers,
                **fields)


_DEFAULT: ZoneRules | None = None


def default_rules() -> ZoneRules:
    """The shipped rules, read once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ZoneRules.default()
    return _DEFAULT
