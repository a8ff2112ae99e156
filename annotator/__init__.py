"""annotator: a desktop tool for labeling Arabic news articles."""
import sys
from pathlib import Path

__version__ = "0.1.0"


def _root() -> Path:
    """The folder holding resources/ and seeds/: the source tree, or, in a desktop build
    (PyInstaller), the folder the bundle unpacked its data files to."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[1]


ROOT = _root()
RESOURCES = ROOT / "resources"
SEEDS = ROOT / "seeds"
