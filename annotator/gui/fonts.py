"""The bundled fonts (OFL), so articles render the same on every machine: Amiri for Arabic, and
Noto Emoji (monochrome) right after it, so emoji never draw as boxes and look the same whether
or not a colour emoji font is installed."""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from .. import RESOURCES

FONT_FILES = ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "NotoEmoji-Regular.ttf")
# After Amiri, common Arabic-capable fonts on Windows, macOS and Linux, for characters Amiri lacks
# (emoji, rare symbols); Qt also falls back per character on its own.
FALLBACK_FAMILIES = ("Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro", "Traditional Arabic",
                     "Arial", "Tahoma", "DejaVu Sans", "Noto Color Emoji", "Segoe UI Emoji",
                     "Apple Color Emoji")
DEFAULT_POINT_SIZE = 16

_families: list[str] | None = None


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt (once per process; needs a QGuiApplication) and return
    their family names."""
    global _families
    if _families is None:
        families: list[str] = []
        for name in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(RESOURCES / "fonts" / name))
            if font_id != -1:
                for family in QFontDatabase.applicationFontFamilies(font_id):
                    if family not in families:
                        families.append(family)
        _families = families
    return _families


def arabic_font(point_size: float = DEFAULT_POINT_SIZE) -> QFont:
    """The article font: Amiri first, then the fallbacks."""
    families = load_fonts() or []
    font = QFont()
    font.setFamilies(families + [f for f in FALLBACK_FAMILIES if f not in families])
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font
