"""Render the main window on seed article 000 (zones, entities with their label names, a
suggestion, a stance item, Arabic interface) and write docs/screenshot.png; with --window review,
the review window on the same article labeled by two labelers who disagree. Runs offscreen;
nothing outside a temporary folder is touched.

    python scripts/screenshot.py [--out docs/screenshot.png] [--lang ar|en] [--window main|review]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = "000_a3ed348b844c58ae"


def span(text: str, word: str, start: int = 0) -> tuple[int, int]:
    i = text.index(word, start)
    return i, i + len(word)


def label_seed(window) -> None:
    """Zones, entities and a stance, through the window's own commands."""
    from PySide6.QtWidgets import QApplication

    from annotator.core.model import EntityRef

    view = window.article_view
    text = view.text()
    source = text.index("المصدر: صدى البلد")
    more = text.index("إقرأ أيضاً")
    view.set_selection(0, source)
    window.label_zone("body")
    view.set_caret(source + 2)
    window.label_zone("source", whole_line=True)
    view.set_selection(more, len(text))
    window.label_zone("boilerplate")
    for word, label, start in (("يوآف جالانت", "PER", 0), ("قطاع غزة", "LOC", 0),
                               ("سلاح الجو الإسرائيلي", "ORG", 0), ("جالانت", "PER", 200),
                               ("حماس", "ORG", 0), ("حماس", "ORG", 400),
                               ("إسرائيل", "LOC", text.index("التزام إسرائيل")),
                               ("القناة 13", "ORG", 0),
                               ("صدى البلد", "ORG", 0), ("واشنطن", "LOC", 0)):
        view.set_selection(*span(text, word, start))
        window.label_entity(label)
    evidence = span(text, "الضغوط المكثفة على حماس تؤتي ثمارها")
    view.set_selection(*evidence)
    editor = window.open_stance_editor(value="against")
    holder = EntityRef(*span(text, "يوآف جالانت"))
    box = editor.holder_box
    box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == holder))
    editor.target_box.setEditText("حماس")
    editor.accept()
    window.note_panel.show_note("الخبر يتكرر في «إقرأ أيضاً»: راجع حدود المحتوى الزائد.", False)
    QApplication.processEvents()  # the side lists follow the text on the next event loop turn
    window.entity_panel.select_entity(window.layer.entities[0])
    view.set_caret(0)


def add_suggestions(window) -> None:
    """A machine suggestion the labeler has not taken yet (drawn dashed)."""
    from annotator.core.model import SUGGESTIONS, Entity, Layer

    text = window.article_view.text()
    entity = Entity(*span(text, "رفح"), "LOC") if "رفح" in text else Entity(
        *span(text, "واشنطن"), "LOC")
    window.project.put_layer(SEED, SUGGESTIONS, Layer(Layer.empty(len(text)).zones,
                                                      (entity,)), "assist", "assist")
    window.refresh()


def second_labeler(project, first: str) -> None:
    """Labeler "b": labeler `first`'s layer with other labels, a missing entity and a moved
    zone boundary, so the review window has disagreements of every kind to show."""
    from dataclasses import replace

    from annotator.core.model import Layer, move_boundary, relabel_entity, zone_boundaries

    layer = project.get_layer(SEED, first)
    project.put_layer(SEED, "a", layer, "a")
    entities = list(layer.entities)
    changed = Layer(layer.zones, tuple(entities[:-1]), layer.stances)
    changed = relabel_entity(changed, entities[2], "ORG")
    bound = zone_boundaries(changed)[0]
    changed = move_boundary(changed, bound, bound + 12)
    changed = replace(changed, stances=tuple(replace(s, value="neutral")
                                             for s in changed.stances))
    project.put_layer(SEED, "b", changed, "b")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--lang", choices=("ar", "en"), default="ar")
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--window", choices=("main", "review"), default="main")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANNOTATOR_DATA_DIR"] = str(Path(tmp) / "userdata")
        from annotator import SEEDS
        from annotator.cli import run_import
        from annotator.gui import application, open_window, settings
        from annotator.store import Project

        path = Path(tmp) / "screenshot.db"
        with Project.create(path) as project:
            run_import(project, [SEEDS], None, None, quiet=True)
        app = application()
        settings.set_language(args.lang)
        window = open_window(path, "سارة")
        width, height = (int(v) for v in args.size.split("x"))
        window.resize(width, height)
        window.show_document(SEED)
        label_seed(window)
        add_suggestions(window)
        window.commands["view:label-names"][1].trigger()
        app.processEvents()
        window.article_view.scroll_to(0)
        app.processEvents()
        shown = window
        if args.window == "review":
            from annotator.gui.review import ReviewWindow

            second_labeler(window.project, "سارة")
            shown = ReviewWindow(window.project, "rev", ["a", "b"])
            shown.resize(width, height)
            shown.show()
            shown.show_document(SEED)
            app.processEvents()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not shown.grab().save(str(args.out)):
            print(f"screenshot: cannot write {args.out}", file=sys.stderr)
            return 1
        if shown is not window:
            shown.close()
        window.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
