"""Commands for several labelers: pack, merge, agree, review-queue, review."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..core.agreement import DEFAULT_TOLERANCE
from ..core.errors import AnnotatorError
from . import EXIT_REJECTED, Progress, fail, main, one_line, open_project_or_fail


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("give names separated by commas, e.g. a,b")
    return names


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--to", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the labelers' files.")
@click.option("--labelers", required=True, help="Labeler names, separated by commas.")
@click.option("--overlap", default=0.2, show_default=True, type=click.FloatRange(0, 1),
              help="Share of documents given to several labelers, for agreement.")
@click.option("--copies", default=2, show_default=True, type=click.IntRange(2),
              help="How many labelers get each shared document.")
@click.option("--seed", type=int, help="Pick the shared documents at random with this seed "
                                       "(default: spread evenly).")
@click.option("--force", is_flag=True, help="Replace labeler files that are already there.")
def pack(project: str, out_dir: Path, labelers: str, overlap: float, copies: int,
         seed: int | None, force: bool) -> None:
    """Write one project file per labeler holding the documents they get."""
    from ..store.batches import pack as pack_files

    with open_project_or_fail(project) as proj:
        try:
            packed = pack_files(proj, out_dir, _names(labelers), overlap, copies, seed, force)
        except AnnotatorError as exc:
            fail(str(exc))
    for p in packed:
        click.echo(f"{p.path}: {p.labeler}, {p.documents} documents ({p.shared} shared)")


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--layer", "layers", multiple=True,
              help="Merge this layer (repeatable; default: the labeler the file was packed for).")
def merge(project: str, files: tuple[Path, ...], layers: tuple[str, ...]) -> None:
    """Bring labelers' files back: their layers, status, time, notes and history."""
    from ..store.batches import merge as merge_file

    failed = False
    with open_project_or_fail(project) as proj:
        for path in files:
            try:
                result = merge_file(proj, path, list(layers) or None)
            except AnnotatorError as exc:
                click.echo(f"annotator: {exc}", err=True)
                failed = True
                continue
            for line in result.problems:
                click.echo(line, err=True)
            failed |= bool(result.problems)
            who = ", ".join(result.labelers) or "nobody"
            summary = (f"{path}: {who}: {result.taken} layers merged, {result.kept} kept (the "
                       f"project's are later), {result.unchanged} unchanged; "
                       f"{result.history} history rows, {result.statuses} statuses")
            if result.ignored_layers:
                summary += f"; not merged: {', '.join(result.ignored_layers)}"
            click.echo(summary)
    if failed:
        raise SystemExit(EXIT_REJECTED)


def _echo_report_json(report: dict) -> None:
    """The report as indented JSON, except the per-document figures: one document a line
    (100,000 documents stay readable, and fast to write)."""
    documents = report.pop("documents", None)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if documents is None:
        click.echo(text)
        return
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode  # made once
    # Figures given as JSON text (as the project keeps them) are written as they are.
    lines = [f" {encode(doc_id)}: {figures if isinstance(figures, str) else encode(figures)}"
             for doc_id, figures in documents.items()]
    body = "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"
    click.echo(text[:-2] + f',\n "documents": {body}\n}}')


def _figure(value) -> str:
    return "–" if value is None else f"{value:.3f}"


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--layers", help="Compare these labelers' layers (default: every layer but gold "
                               "and suggestions).")
@click.option("--tolerance", default=DEFAULT_TOLERANCE, show_default=True, type=click.IntRange(0),
              help="Zone boundaries this many characters apart still match.")
@click.option("--summary", is_flag=True, help="Leave out the per-document figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress.")
def agree(project: str, as_json: bool, layers: str | None, tolerance: int, summary: bool,
          quiet: bool) -> None:
    """Agreement between labelers: entities, zones, stance."""
    from ..store.tallies import project_agreement

    progress = Progress("documents", quiet)
    with open_project_or_fail(project) as proj:
        names = _names(layers)
        known = set(proj.layer_names())
        for name in names or ():
            if name not in known:
                fail(f"{project}: no layer named {name!r} (layers: {', '.join(sorted(known))})")
        # Only the JSON shows per-document figures: written as the project keeps them.
        report = project_agreement(proj, names, tolerance, per_document=as_json and not summary,
                                   progress=progress, figures_json=True)
    progress.done()
    if as_json:
        _echo_report_json(report)
    else:
        _echo_report(project, report)
    say_damaged(project, report["damaged"])


def say_damaged(project: str, damaged: list[dict], out_of: str = "agreement") -> None:
    """One line on stderr per stored layer left out as damaged, then exit 1 if there was
    any: what was printed is of the rest."""
    for d in damaged:
        click.echo(f"annotator: {project}: document {d['document']!r}, layer {d['layer']!r}: "
                   f"{one_line(d['problem'])}; left out of {out_of}", err=True)
    if damaged:
        raise SystemExit(EXIT_REJECTED)


def _echo_report(project: str, report: dict) -> None:
    if len(report["labelers"]) < 2:
        fail(f"{project}: agreement needs two labelers' layers "
             f"(found: {', '.join(report['labelers']) or 'none'})")
    click.echo(f"{report['documents_compared']} documents compared; labelers "
               f"{', '.join(report['labelers'])}")
    for name, e in report["entities"]["pairs"].items():
        ex, ov = e["exact"], e["overlap"]
        click.echo(f"entities {name}: exact P {_figure(ex['precision'])} R {_figure(ex['recall'])}"
                   f" F1 {_figure(ex['f1'])}; overlap F1 {_figure(ov['f1'])}; token kappa "
                   f"{_figure(e['token_cohen_kappa'])}")
        per_label = ", ".join(f"{lab} {_figure(f['f1'])}" for lab, f in ex["per_label"].items())
        if per_label:
            click.echo(f"  exact F1 per label: {per_label}")
    for name, z in report["zones"]["pairs"].items():
        click.echo(f"zones {name}: char kappa {_figure(z['char_cohen_kappa'])}; boundary F1 "
                   f"(±{z['boundary_f1']['tolerance']}) {_figure(z['boundary_f1']['f1'])}; "
                   f"Pk {_figure(z['pk'])}; WindowDiff {_figure(z['windowdiff'])} "
                   f"({z['documents']} documents)")
    s = report["stance"]
    click.echo(f"stance: {s['units']} units; Cohen kappa {_figure(s['cohen_kappa'])}; Fleiss "
               f"kappa {_figure(s['fleiss_kappa'])}; Krippendorff alpha "
               f"{_figure(s['krippendorff_alpha'])}")
    if len(s["pairs"]) > 1:
        for name, p in s["pairs"].items():
            click.echo(f"  {name}: Cohen kappa {_figure(p['cohen_kappa'])} ({p['units']} units)")


@main.command("review-queue")
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--as", "reviewer", default="reviewer", show_default=True,
              help="Reviewer whose status is shown.")
@click.option("--layers", help="Labelers to compare (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def review_queue(project: str, reviewer: str, layers: str | None, as_json: bool) -> None:
    """Documents two or more labelers have, most disagreements first."""
    from ..store.tallies import review_queue as queue

    damaged: list[dict] = []
    with open_project_or_fail(project) as proj:
        rows = queue(proj, _names(layers), reviewer, damaged=damaged)
    if as_json:
        click.echo(json.dumps([{"id": d, "disagreements": n, "status": s} for d, n, s in rows],
                              ensure_ascii=False, indent=1))
        say_damaged(project, damaged, "the review queue")
        return
    done = sum(1 for _d, _n, s in rows if s == "reviewed")
    click.echo(f"{'disagreements':>13}  {'status':<11} document")
    for doc_id, count, status in rows:
        click.echo(f"{count:13d}  {status:<11} {doc_id}")
    click.echo(f"{done} of {len(rows)} reviewed", err=True)
    say_damaged(project, damaged, "the review queue")


@main.command()
@click.argument("project")
@click.option("--as", "reviewer", required=True, help="Reviewer name (decisions are signed "
                                                      "with it).")
def review(project: str, reviewer: str) -> None:
    """Open the review window: settle disagreements into the gold layer."""
    from ..gui.review import run
    from ..store.project import is_url

    if not is_url(project) and not Path(project).is_file():  # a file, or a server's URL
        fail(f"{project}: no such project file")
    raise SystemExit(run(project if is_url(project) else Path(project), reviewer))
