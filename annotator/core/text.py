"""Bytes to stored text, and the few facts about characters every layer needs.

The stored text is the decoded file with a leading BOM removed and CRLF / CR turned into LF.
Nothing else changes: offsets everywhere refer to exactly this string.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

# Invisible characters that change how text is shown or joined but are easy to miss: bidi marks,
# embeddings, isolates, zero-width joiners. The window shows them; search ignores them.
BIDI_CONTROLS = frozenset(
    ["\u200e", "\u200f", "\u061c"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
ZERO_WIDTH = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
INVISIBLE = BIDI_CONTROLS | ZERO_WIDTH

# C0 controls other than tab, LF, VT, FF, CR: a few happen in scraped text, many mean binary.
# Counted on UTF-8 bytes with translate(), 5x faster than a regex; exact, because multi-byte
# UTF-8 sequences only use bytes >= 0x80.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 9 or 14 <= b < 32))

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; the only change the stored text gets besides the BOM."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the name recorded in the document's metadata


def _line_of(data: bytes, byte_offset: int) -> int:
    return data.count(b"\n", 0, byte_offset) + 1


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes, or raise InputError saying why it is not a usable article.

    Order: a BOM decides; then strict UTF-8; then a file that is mostly valid UTF-8 with a few
    broken bytes is reported as broken (guessing a legacy code page would turn it into mojibake);
    otherwise charset-normalizer picks among legacy encodings (windows-1256 is common on Arabic
    sites).
    """
    if not data:
        raise InputError("empty file")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"invalid {name} at byte {exc.start + len(bom)} "
                    f"(line {_line_of(data, exc.start + len(bom))})"
                ) from None
            return _checked(text, name)
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    loose = data.decode("utf-8", errors="replace")
    multibyte_ok = sum(1 for ch in loose if ord(ch) > 0x7F and ch != "\ufffd")
    broken = loose.count("\ufffd")
    # Valid multi-byte UTF-8 sequences are rare by chance in a legacy code page (a few per
    # hundred broken bytes in windows-1256 Arabic): as many valid ones as broken bytes means a
    # UTF-8 file with damage, short or long, not a legacy file.
    if multibyte_ok and multibyte_ok >= broken:
        raise InputError(
            f"invalid UTF-8 byte 0x{data[first_bad]:02x} at byte {first_bad} "
            f"(line {_line_of(data, first_bad)})"
        )
    return _legacy(data)


def _letters(text: str) -> tuple[int, int, int]:
    """(Arabic letters, ASCII letters, other non-ASCII letters)."""
    arabic = ascii_ = other = 0
    for ch in text:
        if ch.isalpha():
            if ch < "\x80":
                ascii_ += 1
            elif "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff":
                arabic += 1
            else:
                other += 1
    return arabic, ascii_, other


def _looks_arabic(text: str) -> bool:
    arabic, ascii_, other = _letters(text)
    return arabic > 0 and arabic >= ascii_ and arabic >= 9 * other


def _looks_latin(text: str) -> bool:
    """Western text: letters mostly ASCII, the others Latin (accents), no C1 controls."""
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return False
    arabic, ascii_, other = _letters(text)
    latin = sum(1 for ch in text if "\u00c0" <= ch <= "\u024f" and ch.isalpha())
    return ascii_ > 0 and arabic == 0 and latin == other and ascii_ >= other


def _legacy(data: bytes) -> Decoded:
    """A legacy code page. windows-1256 first: on short texts a general detector easily
    prefers a CJK code page, and an Arabic tool sees windows-1256 far more often. Then
    windows-1252 (and Latin-1, its subset but for 0x80-0x9F) for Western text, before any
    guess: a detector picks windows-1250 or -1006 for French or Spanish and turns è into č."""
    for codec, name, looks_right in (("cp1256", "windows-1256", _looks_arabic),
                                     ("cp1252", "windows-1252", _looks_latin),
                                     ("latin-1", "iso-8859-1", _looks_latin)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_right(text):
            return _checked(text, name)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("undecodable bytes: not UTF-8/UTF-16 and no legacy encoding fits")
    name = best.encoding.replace("_", "-")
    if name.startswith("cp") and name[2:].isdigit():
        name = "windows-" + name[2:]
    return _checked(str(best), name)


def _checked(text: str, encoding: str) -> Decoded:
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError("empty or whitespace-only text")
    sample = text[:4096].encode("utf-8", "surrogatepass")
    if len(sample.translate(None, _NOT_CONTROL_BYTES)) > 8:
        raise InputError("binary file (control characters in the text)")
    return Decoded(text, encoding)


def clean_with_offsets(text: str):
    """Apply the stored-text rules to a string that already has offsets pointing into it
    (a JSONL `text` field): drop a leading BOM, turn CRLF / CR into LF.

    Returns (clean_text, to_clean) where to_clean(i) maps an offset in `text` to the offset
    of the same place in clean_text.
    """
    import bisect

    removed: list[int] = []  # indexes in `text` of characters that disappear
    if text.startswith("\ufeff"):
        removed.append(0)
    i = text.find("\r\n")
    while i != -1:
        removed.append(i)  # the CR of CRLF goes; the LF stays
        i = text.find("\r\n", i + 2)
    clean = normalize_newlines(text[1:] if text.startswith("\ufeff") else text)
    if not removed:
        return clean, (lambda offset: offset)
    removed.sort()
    return clean, (lambda offset: offset - bisect.bisect_left(removed, offset))


def read_utf8_file(path, error: type[Exception] = InputError) -> str:
    """A UTF-8 configuration file (schema, rules, gazetteer; a BOM is allowed), or `error`
    naming the file and what is wrong."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8") from None
