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


def _project_with_models(path, seed_dir):
    """Seed-like documents (the seeds' paragraphs in several orders), two of them confirmed
    and learned from (entity and zone models), one suggestion rejected, one stance added to
    a document's suggestions."""
    import random

    from annotator.assist import REJECT
    from annotator.assist.training import train_entities, train_zone_model
    from annotator.core.model import AUTHOR, Document, Stance, remove_entity
    from annotator.store import ImportRecord

    paragraphs = [p for f in sorted(seed_dir.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(3)
    proj = Project.create(path)
    list(proj.import_documents(ImportRecord(Document(f"d{i:02d}", "\n\n".join(
        rng.sample(paragraphs, 6)))) for i in range(14)))
    ids = proj.document_ids()
    assist_documents(proj, use_model=False)
    for doc_id in ids[:2]:
        proj.put_layer(doc_id, "alice", proj.get_layer(doc_id, SUGGESTIONS), "alice", "label")
        proj.set_status(doc_id, "alice", "done")
    assert train_entities(proj, cross_validate=False) and train_zone_model(proj)
    victim = proj.get_layer(ids[3], SUGGESTIONS).entities[0]
    proj.edit(ids[3], SUGGESTIONS, "bob", REJECT, lambda old: remove_entity(old, victim))
    stance = Stance(AUTHOR, "غزة", proj.schema.stance_names[0])
    proj.edit(ids[5], SUGGESTIONS, "bob", "stance",
              lambda old: Layer(old.zones, old.entities, (stance,)))
    return proj


def test_worker_processes_write_what_this_process_writes(tmp_path, seed_dir, monkeypatch):
    import shutil

    from annotator.assist import workers
    proj = _project_with_models(tmp_path / "one.db", seed_dir)
    proj.close()
    shutil.copy(tmp_path / "one.db", tmp_path / "two.db")
    logs, from_workers = [], []
    # Pieces of three documents: several pieces, from two spawned worker processes.
    monkeypatch.setattr(workers, "WORK_PIECE", 3)
    write_piece = workers._write_piece
    monkeypatch.setattr(workers, "_write_piece", lambda project, ids, results, *rest: (
        from_workers.extend(r[0] for r in results), write_piece(project, ids, results, *rest)))
    for name, count in (("one.db", 1), ("two.db", 2)):
        with Project.open(tmp_path / name) as proj:
            assert workers.worker_count(proj, proj.document_ids(), count) == count
            assert assist_documents(proj, workers=count) == 14
            logs.append([(r, proj.get_layer(r[1], SUGGESTIONS)) for r in proj.conn.execute(
                "SELECT c.who, d.id, c.action, c.before, c.after FROM changes c "
                "JOIN documents d ON d.seq = c.doc ORDER BY c.id")])
    assert logs[0] == logs[1]
    # The workers suggested all but the document with a rejection (done here, as it reads
    # the document's history).
    assert len(from_workers) == 13
    assert sum(action == ACTION for (_w, _d, action, _b, _a), _l in logs[0]) > 14
    doc_ids = [d for (_w, d, *_rest), _l in logs[0]]
    with Project.open(tmp_path / "two.db") as proj:
        ids = proj.document_ids()
        assert proj.get_layer(ids[5], SUGGESTIONS).stances  # kept by both
        assert doc_ids[-14:] == ids  # the new run's rows, in document order


def test_an_edit_made_while_the_workers_compute_is_not_overwritten(tmp_path, seed_dir,
                                                                    monkeypatch):
    from annotator.assist import workers
    from annotator.core.model import AUTHOR, Stance
    proj = _project_with_models(tmp_path / "p.db", seed_dir)
    first = proj.document_ids()[0]
    stance = Stance(AUTHOR, "غزة", proj.schema.stance_names[0])
    monkeypatch.setattr(workers, "WORK_PIECE", 4)
    write_piece = workers._write_piece

    def write_after_an_edit(project, ids, results, *rest):
        # The labeler adds a stance to the first document's suggestions after its worker
        # read them, before this process writes them.
        if first in ids:
            project.edit(first, SUGGESTIONS, "bob", "stance",
                         lambda old: Layer(old.zones, old.entities, (stance,)))
            assert any(r[0] == first for r in results)
        write_piece(project, ids, results, *rest)

    monkeypatch.setattr(workers, "_write_piece", write_after_an_edit)
    assist_documents(proj, workers=2)
    after = proj.get_layer(first, SUGGESTIONS)
    assert after.stances == (stance,)
    # ... and its zones and entities are what this process suggests.
    proj.put_layer(first, SUGGESTIONS, Layer.empty(len(proj.get_text(first))), "bob")
    assist_documents(proj, [first], workers=1)
    assert proj.get_layer(first, SUGGESTIONS) == Layer(after.zones, after.entities)
    proj.close()


def test_an_edit_from_another_connection_while_the_workers_compute_is_not_overwritten(
        tmp_path, seed_dir, monkeypatch):
    # The window is another process: its commit is seen by SQLite's data_version, not by
    # this connection's own change count (annotator.assist.workers._OwnWrites).
    from annotator.assist import workers
    from annotator.core.model import AUTHOR, Stance
    proj = _project_with_models(tmp_path / "p.db", seed_dir)
    ids = proj.document_ids()
    last = ids[-1]
    stance = Stance(AUTHOR, "غزة", proj.schema.stance_names[0])
    monkeypatch.setattr(workers, "WORK_PIECE", 4)
    write_piece = workers._write_piece

    def write_after_an_edit(project, piece, results, *rest):
        # After the first piece is written, the window adds a stance to the last document's
        # suggestions, which a worker has read already (or will).
        write_piece(project, piece, results, *rest)
        if ids[0] in piece:
            with Project.open(tmp_path / "p.db") as window:
                window.edit(last, SUGGESTIONS, "bob", "stance",
                            lambda old: Layer(old.zones, old.entities, (stance,)))

    monkeypatch.setattr(workers, "_write_piece", write_after_an_edit)
    assist_documents(proj, workers=2)
    assert proj.get_layer(last, SUGGESTIONS).stances == (stance,)
    proj.close()
