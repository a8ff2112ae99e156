"""Commands `assist`, `search` and `score`: pre-annotation, corpus search, and how good the
suggestions are against a reference layer."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..core.errors import AnnotatorError
from . import (EXIT_REJECTED, Progress, fail, main, open_project_or_fail, replaced_line,
               say_damaged)


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--zones", "do_zones", is_flag=True, help="Suggest zones (body, source, "
                                                         "boilerplate) by rules.")
@click.option("--entities", "do_entities", is_flag=True,
              help="Suggest entities: by the project's trained model (annotator train) when it "
                   "has one, else from the gazetteer and the project's confirmed entities.")
@click.option("--gazetteer", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gazetteer (name<TAB>label per line) instead of the shipped one.")
@click.option("--no-gazetteer", is_flag=True,
              help="Only the entities people confirmed in this project.")
@click.option("--rules", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Zone rules (TOML) instead of the shipped resources/assist/zone_rules.toml.")
@click.option("--docs", "doc_ids", multiple=True, metavar="ID",
              help="Only these documents (repeat the option for more).")
@click.option("--quiet", "-q", is_flag=True, help="No progress.")
def assist(project: str, do_zones: bool, do_entities: bool, gazetteer: Path | None,
           no_gazetteer: bool, rules: Path | None, doc_ids: tuple[str, ...], quiet: bool) -> None:
    """Fill the `suggestions` layer (zones and entities; both without --zones/--entities).

    Other layers are never touched: suggestions count once a labeler accepts them."""
    from ..assist import DEFAULT_GAZETTEER_PATH, ZoneRules, assist_documents

    if gazetteer and no_gazetteer:
        fail("--gazetteer and --no-gazetteer exclude each other")
    if not do_zones and not do_entities:
        do_zones = do_entities = True
    with open_project_or_fail(project) as proj:
        unknown = [d for d in doc_ids if not proj.has_document(d)]
        if unknown:
            fail(f"{project}: no document {unknown[0]!r}")
        progress = Progress("assist", quiet)
        damaged: list[dict] = []
        replaced: list[dict] = []
        try:
            zone_rules = ZoneRules.load(rules) if rules else None
            count = assist_documents(
                proj, doc_ids or None, zones=do_zones, entities=do_entities, rules=zone_rules,
                gazetteer=None if no_gazetteer else (gazetteer or DEFAULT_GAZETTEER_PATH),
                progress=progress, damaged=damaged, replaced=replaced)
        except AnnotatorError as exc:
            progress.done()
            fail(str(exc))
        progress.done()
    # A damaged suggestions layer replaced by fresh suggestions is repaired (machine output,
    # nothing a person made): said, exit 0. One left as it is still is damaged: exit 1.
    for d in replaced:
        click.echo(replaced_line(project, d["document"], d["layer"], d["problem"],
                                 "fresh suggestions"), err=True)
    what = " and ".join(w for w, on in (("zones", do_zones), ("entities", do_entities)) if on)
    if not quiet:
        click.echo(f"suggested {what} for {count - len(damaged)} documents (layer "
                   "suggestions)", err=True)
    say_damaged(project, damaged, "assist (kept as it is)")


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--no-cv", is_flag=True, help="Skip the cross-validated F1 (trains 4x faster).")
@click.option("--quiet", "-q", is_flag=True, help="No progress, no summary.")
def train(project: str, no_cv: bool, quiet: bool) -> None:
    """Train the entity model on the confirmed work (the gold layer, and the layers of
    documents their labeler marked done) and store it in the project file; `annotator
    assist` and the window use it from then on."""
    from ..assist.training import model_state, train_entities, train_zone_model

    with open_project_or_fail(project) as proj:
        say = None if quiet else (lambda msg: click.echo(msg, err=True))
        damaged: list[dict] = []
        try:
            meta = train_entities(proj, cross_validate=not no_cv, progress=say,
                                  damaged=damaged)
            zones = train_zone_model(proj, damaged=damaged)
        except AnnotatorError as exc:
            fail(str(exc))
        say_damaged(project, damaged, "training", stop=False)
        if meta is None and zones is None:
            fail(f"{project}: too few confirmed entities or zones to train on (mark "
                 "documents done, or adjudicate a gold layer)")
        if not quiet:
            figures = f" ({meta['documents']} documents, {meta['tokens']:,} tokens, " \
                      f"{meta['seconds']:.1f} s)" if meta else ""
            click.echo(model_state(proj) + figures)
    if damaged:
        raise SystemExit(EXIT_REJECTED)


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1),
              help="At most this many documents.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document, with "
                                                      "every hit's offsets.")
def search(project: str, query: str, limit: int, as_json: bool) -> None:
    """Find documents containing QUERY, ignoring tashkeel, tatweel, hamza and proclitics.

    Prints each document id, its number of hits, the first hit's offsets and a snippet with
    the hit [marked]. Exit status 1 when nothing is found."""
    from ..store.search import query_words, search as run_search

    if not query_words(query):
        fail(f"nothing to search for in {query!r} (no letters or digits)")
    with open_project_or_fail(project) as proj:
        results = run_search(proj, query, limit)
    for result in results:
        if as_json:
            click.echo(json.dumps({"id": result.doc_id,
                                   "hits": [[h.start, h.end] for h in result.hits],
                                   "snippet": result.snippet,
                                   "snippet_hit": list(result.snippet_hit)},
                                  ensure_ascii=False))
        else:
            first = result.hits[0]
            click.echo(f"{result.doc_id}\t{len(result.hits)} hit(s)\t[{first.start}:{first.end}]"
                       f"\t{result.marked()}")
    if not results:
        click.echo(f"no document contains {query!r}", err=True)
        raise SystemExit(1)


@main.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--layer", "reference", default="gold", show_default=True,
              help="The reference layer (what is right).")
@click.option("--against", "predicted", default="suggestions", show_default=True,
              help="The layer to score.")
@click.option("--tolerance", default=3, show_default=True, type=click.IntRange(0),
              help="A zone boundary this many visible characters off still counts.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def score(project: str, reference: str, predicted: str, tolerance: int, as_json: bool) -> None:
    """Score a layer (suggestions by default) against a reference layer (gold by default):
    zone boundary precision/recall/F1, characters labeled right per zone label, entities."""
    from ..assist.score import score_project, suggestion_counts

    with open_project_or_fail(project) as proj:
        if reference not in proj.layer_names():
            fail(f"{project}: no layer {reference!r} (layers: "
                 f"{', '.join(proj.layer_names()) or 'none'})")
        result = score_project(proj, reference, predicted, tolerance)
        counts = suggestion_counts(proj)
    if as_json:
        out = result.to_json()
        out["suggestions_by_labeler"] = counts
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(f"{predicted} against {reference}: {result.documents} documents")
    b = result.boundaries
    click.echo(f"zone boundaries (±{tolerance}): precision {b.precision:.3f}  recall "
               f"{b.recall:.3f}  F1 {b.f1:.3f}  ({b.true_positive} right of {b.predicted} "
               f"predicted, {b.reference} in {reference})")
    click.echo(f"characters labeled right: {result.char_accuracy:.3f} of {result.chars_scored}")
    for label, prf in sorted(result.zone_labels.items()):
        click.echo(f"  zone {label:<12} precision {prf.precision:.3f}  recall {prf.recall:.3f}"
                   f"  F1 {prf.f1:.3f}  ({prf.reference} characters in {reference})")
    if result.entity_labels:
        e = result.entities
        click.echo(f"entities (exact span and label): precision {e.precision:.3f}  recall "
                   f"{e.recall:.3f}  F1 {e.f1:.3f}")
        for label, prf in sorted(result.entity_labels.items()):
            click.echo(f"  entity {label:<10} precision {prf.precision:.3f}  recall "
                       f"{prf.recall:.3f}  F1 {prf.f1:.3f}  ({prf.reference} in {reference})")
    for labeler, c in sorted(counts.items()):
        click.echo(f"labeler {labeler}: {c['accepted']} suggestions accepted, "
                   f"{c['rejected']} rejected")

