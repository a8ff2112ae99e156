"""`annotator selftest PROJECT`: label one entity through the window's actions, headless, and
report what a desktop build must get right (bundled resources, Qt's Arabic translations, worker
processes). Hidden from `--help`: it is for the build test (tests/build/), which runs the same
steps with the built executable and with the source tree and compares the exports.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
import multiprocessing

import click


def label_in_window(project: str, annotator: str, text: str, label: str) -> dict:
    """Open the window on PROJECT, select the first occurrence of `text` in the article shown
    and trigger the action `label:entity:LABEL`, then close the window (which saves)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QWidget

    from . import i18n, open_window

    window = open_window(project, annotator)
    try:
        view = window.findChild(QWidget, "articleView")
        shown = view.text()
        start = shown.find(text)
        if start < 0:
            raise click.ClickException(f"{text!r} is not in the article shown")
        view.set_selection(start, start + len(text))
        action = window.findChild(QAction, f"label:entity:{label}")
        if action is None:
            raise click.ClickException(f"no action label:entity:{label}")
        action.trigger()
        QApplication.processEvents()
        doc = window.current_doc_id()
        # Qt's own strings (standard buttons, file dialogs) in Arabic come from qtbase_ar.qm.
        i18n.set_language("ar")
        qt_arabic = QCoreApplication.translate("QPlatformTheme", "Cancel")
        i18n.set_language("en")
    finally:
        window.close()
        QApplication.processEvents()
    return {"document": doc, "span": [start, start + len(text)], "qt_arabic_cancel": qt_arabic}


def worker_pid() -> int:
    """The pid of a spawned worker process (as the agreement figures use them)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(os.getpid).result(timeout=120)


@click.command(hidden=True)
@click.argument("project", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "annotator", default="smoke", show_default=True)
@click.option("--text", default="يوآف جالانت", show_default=True,
              help="The words to select in the first article shown.")
@click.option("--label", default="PER", show_default=True)
def selftest(project: str, annotator: str, text: str, label: str) -> None:
    """Label one entity through the window's actions; print a JSON report."""
    from .. import RESOURCES, SEEDS

    report = label_in_window(project, annotator, text, label)
    report["worker_process"] = worker_pid() != os.getpid()
    report["resources"] = sorted(p.relative_to(RESOURCES).as_posix()
                                 for p in RESOURCES.rglob("*") if p.is_file())
    report["seeds"] = sorted(p.name for p in SEEDS.glob("*.txt"))
    click.echo(json.dumps(report, ensure_ascii=False))
