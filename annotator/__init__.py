"""annotator: a desktop tool for labeling Arabic news articles."""
from pathlib import Path

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
SEEDS = ROOT / "seeds"
