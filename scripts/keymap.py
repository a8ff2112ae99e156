"""Print the README's keyboard table, read from the window's command declarations
(annotator/gui/commands.py) with the default schema's keys. No display needed.

    python scripts/keymap.py            # print the table
    python scripts/keymap.py --write    # replace the table in README.md
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
README = ROOT / "README.md"
HEADING = "## Keyboard map"


def table() -> str:
    from annotator.core.schema import Schema
    from annotator.gui.commands import keymap_table
    return keymap_table(Schema.default())


def readme_table(text: str) -> tuple[int, int]:
    """Where the table under the keyboard-map heading starts and ends in the README."""
    start = text.index("| key | does |", text.index(HEADING))
    end = text.find("\n\n", start)
    return start, (len(text) if end < 0 else end + 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the table in README.md")
    args = parser.parse_args()
    if not args.write:
        sys.stdout.write(table())
        return 0
    text = README.read_text(encoding="utf-8")
    start, end = readme_table(text)
    README.write_text(text[:start] + table() + text[end:], encoding="utf-8")
    print(README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
