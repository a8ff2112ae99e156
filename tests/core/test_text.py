"""Bytes to stored text: every encoding we promise, and every way a file can be bad."""
import codecs
import os

import pytest

from annotator.core.errors import InputError
from annotator.core.text import clean_with_offsets, decode_bytes, normalize_newlines

ARABIC = "قال جالانت فى بيان صدر مؤخرا، أن الضغوط المكثفة على حماس تؤتي ثمارها\nسطر ثانٍ."


@pytest.mark.parametrize("encode,name", [
    (lambda t: t.encode("utf-8"), "utf-8"),
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    (lambda t: t.encode("utf-16"), "utf-16"),  # Python writes the BOM
    (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    (lambda t: t.encode("cp1256"), "windows-1256"),
])
def test_every_encoding_decodes_to_the_same_text(encode, name):
    decoded = decode_bytes(encode(ARABIC))
    assert decoded.text == ARABIC
    assert decoded.encoding == name


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_become_lf_and_nothing_else_changes(newline):
    text = "المختطَفين  \t" + newline + "ـــ سطر" + newline
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == "المختطَفين  \t\nـــ سطر\n"


def test_tashkeel_bidi_marks_and_trailing_space_are_kept():
    text = "\u200fالمختطَفين\u202b 😀 \u200d  "
    assert decode_bytes(text.encode("utf-8")).text == text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\t \r\n", "empty or whitespace-only"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("نص عربي سليم ثم ".encode() + b"\xff\xfe\xfa" + "تكملة النص العربي".encode(), "invalid UTF-8"),
])
def test_bad_bytes_are_refused_with_a_reason(data, reason):
    with pytest.raises(InputError, match=reason):
        decode_bytes(data)


def test_broken_utf8_names_the_line():
    data = "سطر أول\nسطر ثان\n".encode() + b"\xc3\x28 " + "بقية".encode()
    with pytest.raises(InputError, match=r"line 3"):
        decode_bytes(data)


def test_random_bytes_are_refused():
    with pytest.raises(InputError):
        decode_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))


def test_normalize_newlines_is_identity_without_cr():
    s = "a\nب"
    assert normalize_newlines(s) is s


def test_clean_with_offsets_maps_positions_past_bom_and_crlf():
    raw = "\ufeffأ\r\nب\r\nج"
    clean, to_clean = clean_with_offsets(raw)
    assert clean == "أ\nب\nج"
    for ch in "أبج":
        assert clean[to_clean(raw.index(ch))] == ch
    assert to_clean(len(raw)) == len(clean)
