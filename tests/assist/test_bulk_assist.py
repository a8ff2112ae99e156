"""`annotator assist` over many documents (annotator.store.bulk): the same layers and change-log
rows as one edit per document, nothing logged for a document whose suggestions did not change,
and a labeler's edit of the suggestions replaced by the next run."""
from annotator.assist import ACTION, WHO, assist_document, assist_documents, build_index, \
    default_rules
from annotator.core.model import SUGGESTIONS, Layer
from annotator.store import Project


def test_bulk_run_writes_what_one_edit_per_document_writes(tmp_path, seed_dir):
    from annotator.cli import main
    from click.testing import CliRunner
    paths = []
    for name in ("bulk", "single"):
        path = tmp_path / f"{name}.db"
        assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
        assert CliRunner().invoke(main, ["import", str(path), str(seed_dir)]).exit_code == 0
        paths.append(path)
    with Project.open(paths[0]) as bulk, Project.open(paths[1]) as single:
        ids = bulk.document_ids()
        assert len(ids) >= 2
        assert assist_documents(bulk) == len(ids)
        rules, names = default_rules(), build_index(single)
        for doc_id in ids:
            assist_document(single, doc_id, rules, names, set(), False)
        for doc_id in ids:
            layer = bulk.get_layer(doc_id, SUGGESTIONS)
            assert layer == single.get_layer(doc_id, SUGGESTIONS)
            assert layer.zones and layer.entities
            [change] = bulk.history(doc_id, SUGGESTIONS)
            [other] = single.history(doc_id, SUGGESTIONS)
            assert (change.who, change.action, change.before, change.after) == \
                (WHO, ACTION, None, other.after)


def test_an_unchanged_document_is_not_written_again(tmp_path, seed_dir):
    from annotator.cli import main
    from click.testing import CliRunner
    path = tmp_path / "p.db"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["import", str(path), str(seed_dir)]).exit_code == 0
    with Project.open(path) as proj:
        ids = proj.document_ids()
        assist_documents(proj)
        # A labeler edits one document's suggestions (an entity removed): only that one is
        # written again by the next run, and it gets its suggestion back.
        doc = ids[0]
        layer = proj.get_layer(doc, SUGGESTIONS)
        gone = layer.entities[0]
        proj.put_layer(doc, SUGGESTIONS, Layer(layer.zones, layer.entities[1:]), "alice")
        before = {d: len(proj.history(d, SUGGESTIONS)) for d in ids}
        assist_documents(proj)
        after = {d: len(proj.history(d, SUGGESTIONS)) for d in ids}
        assert after == {d: n + (d == doc) for d, n in before.items()}
        assert gone in proj.get_layer(doc, SUGGESTIONS).entities
