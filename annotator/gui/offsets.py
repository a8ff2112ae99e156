"""Code points <-> Qt positions for the window. The conversion itself is Qt-free and lives in
core/offsets.py (exports need it too); this name stays so the GUI has one place to import it."""
from ..core.offsets import OffsetMap

__all__ = ["OffsetMap"]
