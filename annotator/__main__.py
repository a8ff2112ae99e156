"""`python -m annotator …`, and the entry point of the desktop build (packaging/annotator.spec).

A desktop build is one executable that is both the window and the `annotator` command, so its
command line is read a little differently (see `desktop_args`): started with nothing, it opens
the window; given one project file (a double-click, "Open with"), it opens that project; started
as `APP -m annotator ARGS…` — the way code that starts a worker runs `sys.executable -m annotator`
from source — it runs the command ARGS, not a second window.
"""
from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path


def desktop_args(argv: list[str], commands=()) -> list[str]:
    """The `annotator` command's arguments for the desktop build's command line argv
    (`commands`: the command names, which are never taken for a project file)."""
    if argv[:2] == ["-m", "annotator"]:
        return argv[2:]
    if not argv:
        return ["gui"]
    if (len(argv) == 1 and not argv[0].startswith("-") and argv[0] not in commands
            and Path(argv[0]).is_file()):
        return ["gui", argv[0]]
    return argv


def main(argv: list[str] | None = None, desktop: bool | None = None) -> None:
    # In a frozen build, a worker process of multiprocessing (spawn) starts this same executable;
    # freeze_support runs the worker there and exits instead of running the command line.
    multiprocessing.freeze_support()
    if argv is None:
        argv = sys.argv[1:]
    if desktop is None:
        desktop = bool(getattr(sys, "frozen", False))
    from annotator.cli import main as command
    from annotator.gui.selftest import selftest

    command.add_command(selftest)
    if desktop:
        argv = desktop_args(argv, command.commands)
    command.main(args=argv, prog_name="annotator")


if __name__ == "__main__":
    main()
