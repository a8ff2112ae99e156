"""The `annotator` command.

Errors are one line on stderr naming the file (and line) and what is wrong; a batch goes on past
a bad file; the exit status is non-zero when anything was rejected.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import click

from ..core.errors import (EXIT_ERROR, EXIT_INTERNAL, EXIT_REJECTED, AnnotatorError,
                           InputError, ValidationError)
from ..core.schema import Schema
from ..store import Project


class Progress:
    """Counts on stderr, rewritten in place; silent when stderr is not a terminal or --quiet."""

    def __init__(self, what: str, quiet: bool = False):
        self.what = what
        self.enabled = not quiet and sys.stderr.isatty()
        self.shown = False

    def __call__(self, count: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r{self.what}: {count}")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def one_line(message: str, limit: int = 400) -> str:
    """A message as one line: an SQLite or parser message may quote many lines of a file."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def say_damaged(project: str, damaged: list[dict], out_of: str, stop: bool = True) -> None:
    """One line on stderr per stored layer left out as damaged ({"document", "layer",
    "problem"}); then, if there was any and `stop`, exit 1: what was done is of the rest."""
    for d in damaged:
        click.echo(f"annotator: {project}: document {d['document']!r}, layer {d['layer']!r}: "
                   f"{one_line(d['problem'])}; left out of {out_of}", err=True)
    if damaged and stop:
        raise SystemExit(EXIT_REJECTED)


def replaced_line(project, doc_id: str, layer: str, problem: str, by: str) -> str:
    """The line saying a command replaced a damaged stored layer, as asked: nothing is wrong
    any more, but what was there is gone from the layer (the change log keeps it)."""
    return (f"annotator: {project}: document {doc_id!r}, layer {layer!r} was damaged "
            f"({one_line(problem)}); replaced by {by}")


def fail(message: str) -> None:
    click.echo(f"annotator: {one_line(message)}", err=True)
    raise SystemExit(EXIT_ERROR)


_opened: list[str] = []  # project files the running command opened, to name in messages


def open_project_or_fail(path: str) -> Project:
    """Open a project file or a `postgresql://` URL; one line and exit 2 if it cannot be."""
    try:
        project = Project.open(path)
    except AnnotatorError as exc:
        fail(str(exc))
    _opened.append(str(path))
    warn_network_file(project)
    return project


def warn_network_file(project: Project) -> None:
    """One line when an SQLite project sits on a network file system (its locking is not
    safe there: a team should share a PostgreSQL project instead)."""
    from ..store.netfs import network_warning

    warning = network_warning(project)
    if warning:
        click.echo(f"annotator: warning: {warning}", err=True)


def server_errors() -> tuple:
    """psycopg's errors, once psycopg is loaded (only a PostgreSQL project loads it)."""
    psycopg = sys.modules.get("psycopg")
    return (psycopg.Error,) if psycopg is not None else ()


def _damage_found(path: Path) -> str | None:
    """SQLite's first complaint about the project file at `path` (its integrity check,
    read-only), None if it has none or `path` is not an SQLite file (a PostgreSQL project's
    address)."""
    try:
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, ValueError, sqlite3.Error):
        return None
    from ..store.connection import pages_problem

    try:
        return pages_problem(conn)
    finally:
        conn.close()


class Commands(click.Group):
    """Every command's last line of defence: an error we expect is one line and exit 2; an
    SQLite error met after opening names the project file as damaged (or not saved); anything
    else is a bug, reported in one line with exit 3 (ANNOTATOR_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            # Met after opening: data read back from the project breaks an invariant.
            fail(f"{_opened[-1]}: {exc}; `annotator check` lists what is wrong" if _opened
                 else str(exc))
        except AnnotatorError as exc:
            fail(str(exc))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if not _opened:
                raise
            # Text or JSON stored in the project that does not read back: damaged pages.
            from ..store.project import damaged

            fail(str(damaged(Path(_opened[-1]), exc)))
        except server_errors() as exc:
            # A PostgreSQL project: the server refused or lost the statement.
            where = _opened[-1] if _opened else "project"
            fail(f"{where}: the server refused it: {exc}")
        except sqlite3.DatabaseError as exc:
            from ..store.project import damaged, not_saved

            where = Path(_opened[-1]) if _opened else Path("project")
            error = not_saved(where, exc)
            fail(str(damaged(where, exc) if error is None or error.reason == "damaged"
                     else error))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            raise SystemExit(EXIT_REJECTED)
        except Exception as exc:
            if os.environ.get("ANNOTATOR_DEBUG"):
                raise
            found = _damage_found(Path(_opened[-1])) if _opened else None
            if found is not None:
                # A value only damaged pages give (a NULL where the schema allows none) broke
                # code that trusts the schema: the file's fault, said as the file's.
                from ..store.project import damaged

                fail(str(damaged(Path(_opened[-1]), sqlite3.DatabaseError(found))))
            click.echo(f"annotator: internal error ({type(exc).__name__}: {exc}); "
                       "nothing more was written. Please report it.", err=True)
            raise SystemExit(EXIT_INTERNAL)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
def main() -> None:
    """Label Arabic news articles: zones, entities, stance; review; export gold data."""


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False),
              help="Label schema (TOML); the default is resources/schema.toml.")
def init(project: str, schema_path: str | None) -> None:
    """Create a project file (or a project in an empty PostgreSQL database: a
    postgresql:// URL; `annotator server-init` also creates the database and its users)."""
    try:
        schema = Schema.load(schema_path) if schema_path else Schema.default()
        Project.create(project, schema).close()
    except AnnotatorError as exc:
        fail(str(exc))
    click.echo(f"created {project}", err=True)


def run_import(project: Project, paths: list[Path], fmt: str | None, layer: str | None,
               quiet: bool = False, who: str = "import", force: bool = False) -> dict[str, int]:
    """Import and report: one stderr line per rejected file or line, then a summary.
    counts["internal"] (absent when 0) counts files the tool itself failed on."""
    from ..formats import Rejected, read_paths

    counts = {"added": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "kept": 0,
              "rejected": 0}
    progress = Progress("importing", quiet)
    rejected_lines: list[str] = []

    def records():
        for item in read_paths(paths, fmt, layer, project.schema):
            if isinstance(item, Rejected):
                counts["rejected"] += 1
                if item.internal:
                    counts["internal"] = counts.get("internal", 0) + 1
                rejected_lines.append(f"{item.where}: {one_line(item.message)}")
                _flush()
            else:
                yield item

    def _flush():
        progress.done()
        for text in rejected_lines:
            click.echo(text, err=True)
        rejected_lines.clear()

    seen = 0
    for outcome in project.import_documents(records(), who=who, force=force):
        counts[outcome.state] += 1
        # Replacing a damaged layer is what the file asks (exit 0), but said: a layer a
        # labeler may have worked in is now the file's (its damaged text stays in the log).
        rejected_lines += [replaced_line(project.path, outcome.doc_id, name, problem,
                                         f"the layer in {outcome.where}")
                           for name, problem in outcome.replaced]
        if outcome.state in ("rejected", "kept"):
            rejected_lines.append(f"{outcome.where}: {one_line(outcome.message)}")
        elif outcome.state == "duplicate" and not quiet:
            rejected_lines.append(f"{outcome.where}: note: {outcome.message}")
        seen += 1
        if seen % 500 == 0:
            progress(seen)
        if rejected_lines:
            _flush()
    _flush()
    return counts


@main.command("import")
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", help="Read every file as this format (default: by ending).")
@click.option("--layer", help="Put the annotations the files bring into this layer "
                              "(default: the JSONL `layer` field, else `suggestions`).")
@click.option("--quiet", "-q", is_flag=True, help="No progress, no notes; errors only.")
@click.option("--force", is_flag=True, help="Replace layers edited in the project since they "
                                            "were imported (by default they are kept).")
def import_(project: str, paths: tuple[Path, ...], fmt: str | None, layer: str | None,
            quiet: bool, force: bool) -> None:
    """Import .txt files, folders of them, .jsonl and other formats."""
    from ..formats import READERS

    if fmt is not None and fmt not in READERS:
        fail(f"unknown format {fmt!r} (known: {', '.join(sorted(READERS))})")
    proj = open_project_or_fail(project)
    if proj.read_only:
        fail(f"{project}: the project file is read-only; nothing imported")
    with proj:
        proj.enable_backups()  # the state before this import stays restorable
        counts = run_import(proj, list(paths), fmt, layer, quiet, force=force)
    summary = (f"{counts['added']} added, {counts['updated']} updated, "
               f"{counts['unchanged']} unchanged, {counts['duplicate']} duplicates skipped, "
               + (f"{counts['kept']} kept as newer in the project, " if counts["kept"] else "")
               + f"{counts['rejected']} rejected")
    if counts["added"] == counts["updated"] == 0 and not counts["rejected"]:
        summary += " (nothing new: the project already had all of it)"
    click.echo(summary, err=True)
    if counts.get("internal"):
        raise SystemExit(EXIT_INTERNAL)
    if counts["rejected"] or counts["kept"]:
        raise SystemExit(EXIT_REJECTED)


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", help="Output format (default: from -o's ending, else jsonl).")
@click.option("--layer", default="all", show_default=True,
              help="A layer name, `gold`, or `all`.")
@click.option("--status", help="Only documents with this status (todo, in_progress, done, …).")
@click.option("--utf16", is_flag=True, help="Add start_utf16/end_utf16 for JavaScript.")
@click.option("--body-only", is_flag=True, help="Keep only text in body zones (where the "
                                                "format allows).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file "
                                                                      "(default: stdout).")
@click.option("--quiet", "-q", is_flag=True, help="No progress.")
def export(project: str, fmt: str | None, layer: str, status: str | None, utf16: bool,
           body_only: bool, output: Path | None, quiet: bool) -> None:
    """Write the project's documents and annotations."""
    from ..formats import WRITERS, ExportOptions, format_for

    if fmt is None:
        fmt = (format_for(output) if output is not None else None) or "jsonl"
        if fmt not in WRITERS:
            fmt = "jsonl"
    if fmt not in WRITERS:
        fail(f"unknown export format {fmt!r} (known: {', '.join(sorted(WRITERS))})")
    proj = open_project_or_fail(project)
    progress = Progress("exporting", quiet)
    with proj:
        options = ExportOptions(layer, status, utf16, body_only, progress)
        try:
            count = WRITERS[fmt](proj, output, options)
        except InputError as exc:  # the output (other errors: see Commands.invoke)
            fail(str(exc))
    progress.done()
    if not quiet:
        # Writers count (document, layer) sections; people count documents.
        documents, unit = options.documents, "lines" if fmt == "jsonl" else "sections"
        click.echo(f"exported {documents} documents ({count} {unit}: one per document and "
                   f"layer) ({fmt})" if count != documents else
                   f"exported {documents} documents ({fmt})", err=True)
    say_damaged(project, options.damaged, "the export")


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(project: str, as_json: bool) -> None:
    """Counts by status, label and annotator."""
    with open_project_or_fail(project) as proj:
        figures = proj.stats()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        say_damaged(project, figures["damaged"], "the figures")
        return
    click.echo(f"documents: {figures['documents']}")
    for name, layer in figures["layers"].items():
        click.echo(f"layer {name}: {layer['documents']} documents")
        for kind in ("entities", "stances"):
            if layer[kind]:
                counts = ", ".join(f"{k} {v}" for k, v in sorted(layer[kind].items()))
                click.echo(f"  {kind}: {counts}")
        labeled = {k: v for k, v in layer["zone_chars"].items() if k != "none"}
        if labeled:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(labeled.items()))
            click.echo(f"  zone characters: {counts}")
    for annotator, counts in figures["status"].items():
        minutes = figures["time_spent_s"][annotator] / 60
        if annotator not in figures["layers"] and counts.get("reviewed"):
            # Someone who only reviewed (no layer of their own) is a reviewer, not a labeler
            # with every other document "to do".
            click.echo(f"reviewer {annotator}: reviewed {counts['reviewed']}; "
                       f"{minutes:.1f} min spent")
            continue
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        click.echo(f"annotator {annotator}: {shown}; {minutes:.1f} min spent")
    say_damaged(project, figures["damaged"], "the figures")


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
def check(project: str) -> None:
    """Check a project file: SQLite integrity, schema, every layer, status and history row."""
    from ..store.integrity import check as check_project

    with open_project_or_fail(project) as proj:
        problems = check_project(proj)
        figures = (proj.count_documents(),
                   proj.conn.execute("SELECT count(*) FROM layers").fetchone()[0])
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise SystemExit(EXIT_REJECTED)
    click.echo(f"{project}: ok ({figures[0]} documents, {figures[1]} layers)")


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The backup to restore (default: the newest).")
@click.option("--list", "list_only", is_flag=True, help="List the backups, newest last.")
def restore(project: str, source: Path | None, list_only: bool) -> None:
    """Put a backup back in place of the project file (close the window first). The current
    file is kept beside it as PROJECT.before-restore-TIME."""
    from ..store import backup

    if list_only:
        found = backup.backups(Path(project))
        if not found:
            fail(f"{project}: no backups (looked in {backup.backup_dir(Path(project))})")
        for path in found:
            click.echo(str(path))
        return
    used, aside = backup.restore(Path(project), source)
    click.echo(f"{project}: restored from {used}"
               + (f"; the replaced file is {aside}" if aside else ""), err=True)


def user_data_dir() -> Path:
    """Where the demo project lives: the platform's per-user data folder."""
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA", Path.home())) / "annotator"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "annotator"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "annotator"


def ensure_demo_project() -> Path:
    """The demo project, built from seeds/ the first time, with assist's suggestions filled
    in so that the dashed suggestions and their accept/reject keys show at once."""
    from .. import SEEDS
    from ..assist import assist_documents

    path = user_data_dir() / "demo.annotator.db"
    if not path.exists():
        tmp = path.with_name(path.name + ".building")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        with Project.create(tmp) as proj:
            run_import(proj, [SEEDS], None, None, quiet=True)
            assist_documents(proj)
        os.replace(tmp, path)
    return path


@main.command()
@click.option("--no-window", is_flag=True, help="Only build the demo project and print its path.")
@click.option("--as", "annotator", help="Labeler name (default: the one remembered).")
def demo(no_window: bool, annotator: str | None) -> None:
    """Create (once) a demo project from the sample articles and open the window on it."""
    path = ensure_demo_project()
    click.echo(str(path))
    if not no_window:
        from ..gui import run

        raise SystemExit(run(path, annotator))


@main.command()
@click.argument("project", required=False, type=click.Path(dir_okay=False))
@click.option("--as", "annotator", help="Labeler name (default: the one remembered).")
def gui(project: str | None, annotator: str | None) -> None:
    """Open the window (on PROJECT, or on the last project used)."""
    from ..gui import run

    from ..store.project import is_url

    raise SystemExit(run((project if is_url(project) else Path(project)) if project else None,
                         annotator))


def _add_commands() -> None:
    # Commands of other areas live in their own modules and add themselves to `main`.
    import importlib

    for module_name in ("review", "assist", "server"):
        try:
            importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise


_add_commands()
