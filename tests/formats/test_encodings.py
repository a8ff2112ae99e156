"""Legacy code pages decode to the right text; damaged UTF-8 is refused, short or long."""
import pytest

from annotator.core.errors import InputError
from annotator.core.text import decode_bytes

LATIN = [
    "Café crème à la française, naïve façade — “quoted” €5 and œuvre",
    "El niño comió piñata en Málaga; señor Muñoz",
    "Größe Straße Übermäßig",
    "Le garçon a mangé.",
    "São Paulo: coração, ação, não",
]


@pytest.mark.parametrize("text", LATIN)
def test_western_text_in_cp1252_decodes_right(text):
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text and decoded.encoding == "windows-1252"


@pytest.mark.parametrize("text", [t for t in LATIN if "€" not in t and "“" not in t])
def test_western_text_in_latin1_decodes_right(text):
    assert decode_bytes(text.encode("latin-1")).text == text


@pytest.mark.parametrize("text", ["قال غالانت إن إسرائيل ستواصل في غزة، وأكد أوستن دعم واشنطن.",
                                  "مرحبا", "نص قصير؟ نعم", "Reuters: قال غالانت في غزة"])
def test_arabic_in_windows_1256_still_decodes_right(text):
    decoded = decode_bytes(text.encode("cp1256"))
    assert decoded.text == text and decoded.encoding == "windows-1256"


@pytest.mark.parametrize("data, byte", [
    ("نص قصير".encode() + b"\xa0\xff", 0xA0),                   # two stray bytes, short file
    ("مرحبا".encode() + b"\xff" + " بكم".encode(), 0xFF),
    ("سطر\n".encode() * 200 + b"\xe9\xe9", 0xE9),                # the same in a long file
])
def test_utf8_with_a_few_broken_bytes_is_refused_short_or_long(data, byte):
    with pytest.raises(InputError, match=f"invalid UTF-8 byte 0x{byte:02x}"):
        decode_bytes(data)
