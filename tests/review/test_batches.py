"""pack and merge: labelers' files made from a project and brought back."""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import AUTHOR, Document, Entity, Stance, add_entity, set_zone
from annotator.store import ImportRecord, Project
from annotator.store.batches import BATCH_LABELER, assign, batch_path, merge, pack

from .conftest import add_extra_document, annotate


def test_assign_is_round_robin_with_an_overlap_share():
    ids = [f"d{i}" for i in range(10)]
    plan = assign(ids, ["a", "b", "c"], overlap=0.2)
    given = Counter(d for docs in plan.values() for d in docs)
    assert set(given) == set(ids)                      # every document goes to someone
    assert sorted(given.values()) == [1] * 8 + [2, 2]  # 20 % go to two labelers
    assert sorted(len(v) for v in plan.values()) == [4, 4, 4]
    for docs in plan.values():
        assert docs == sorted(docs, key=ids.index)     # queue order kept
    assert assign(ids, ["a", "b", "c"], overlap=0.2) == plan  # deterministic
    assert assign(ids, ["a", "b", "c"], overlap=0.2, seed=7) == \
        assign(ids, ["a", "b", "c"], overlap=0.2, seed=7)
    everyone = assign(ids, ["a", "b", "c"], overlap=1.0, copies=3)
    assert all(v == ids for v in everyone.values())
    alone = assign(ids, ["a"], overlap=0.5)
    assert alone == {"a": ids}


def test_assign_rejects_nonsense():
    with pytest.raises(Exception, match="twice"):
        assign(["d"], ["a", "a"])
    with pytest.raises(Exception, match="between 0 and 1"):
        assign(["d"], ["a", "b"], overlap=1.5)


def _dump(project: Project) -> dict:
    """Everything merge may touch, as plain data."""
    return {
        "layers": sorted(project.conn.execute("SELECT doc, name, data, updated FROM layers")),
        "status": sorted(project.conn.execute("SELECT * FROM status")),
        "changes": project.conn.execute("SELECT count(*) FROM changes").fetchone()[0],
    }


def test_pack_writes_one_file_per_labeler(seeded, tmp_path):
    extra = add_extra_document(seeded, tmp_path / "extra")
    first = seeded.document_ids()[0]
    seeded.edit(first, "a", "a", "zone", lambda l: set_zone(l, 0, 10, "body"))
    seeded.set_status(first, "a", "in_progress", note="بدأت", add_seconds=12)
    seeded.edit(first, "suggestions", "assist", "suggest",
                lambda l: add_entity(l, Entity(0, 3, "PER")))
    seeded.edit(first, "b", "b", "zone", lambda l: set_zone(l, 0, 20, "source"))
    packed = pack(seeded, tmp_path / "out", ["a", "b"], overlap=0.5)
    plan = assign(seeded.document_ids(), ["a", "b"], overlap=0.5)
    assert [p.labeler for p in packed] == ["a", "b"]
    for p in packed:
        assert p.path == batch_path(seeded, tmp_path / "out", p.labeler)
        with Project.open(p.path) as batch:
            assert batch.project_id == seeded.project_id
            assert batch.schema.source == seeded.schema.source
            assert batch.get_setting(BATCH_LABELER) == p.labeler
            assert batch.document_ids() == plan[p.labeler]
            for doc_id in batch.document_ids():
                assert batch.get_text(doc_id) == seeded.get_text(doc_id)  # emoji, CRLF → LF
            assert (first in plan[p.labeler]) == batch.has_document(first)
            if batch.has_document(first):
                # only the labeler's own layer (and the machine suggestions) come along
                assert set(batch.layer_names(first)) == {p.labeler, "suggestions"}
                assert batch.get_layer(first, p.labeler) == seeded.get_layer(first, p.labeler)
                if p.labeler == "a":
                    status = batch.get_status(first, "a")
                    assert (status.status, status.note, status.seconds) == \
                        ("in_progress", "بدأت", 12)
                    assert [c.action for c in batch.history(first, "a")] == ["zone"]
                    assert batch.can_undo(first, "a")
    assert any(extra in plan[name] for name in plan)


def test_pack_refuses_to_overwrite_a_labelers_file(seeded, tmp_path):
    pack(seeded, tmp_path, ["a", "b"])
    path = batch_path(seeded, tmp_path, "a")
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="already exists"):
        pack(seeded, tmp_path, ["a", "b"])
    assert path.read_bytes() == before
    pack(seeded, tmp_path, ["a", "b"], overlap=1.0, replace=True)
    with Project.open(path) as batch:
        assert batch.count_documents() == seeded.count_documents()


@pytest.fixture
def batch_a(seeded, tmp_path):
    """a's file (every document), annotated by a."""
    (packed,) = pack(seeded, tmp_path / "out", ["a"], overlap=0.0)
    with Project.open(packed.path) as batch:
        annotate(batch, "a", seed=1)
        doc = batch.document_ids()[0]
        batch.set_status(doc, "a", "done", note="راجعتُ 😀", flagged=True)
    return packed.path


def test_merge_brings_layers_status_time_notes_and_history(seeded, batch_a):
    result = merge(seeded, batch_a)
    assert result.labelers == ["a"]
    assert result.taken == seeded.count_documents() and not result.problems
    with Project.open(batch_a) as batch:
        for doc_id in batch.document_ids():
            assert seeded.get_layer(doc_id, "a") == batch.get_layer(doc_id, "a")
            ours, theirs = seeded.get_status(doc_id, "a"), batch.get_status(doc_id, "a")
            assert (ours.status, ours.seconds, ours.note, ours.flagged) == \
                (theirs.status, theirs.seconds, theirs.note, theirs.flagged)
            history = [(c.at, c.action, c.after) for c in seeded.history(doc_id, "a")]
            assert history[:-1] == [(c.at, c.action, c.after) for c in batch.history(doc_id, "a")]
            assert history[-1][1] == "merge"
        doc = batch.document_ids()[0]
        assert seeded.get_status(doc, "a").note == "راجعتُ 😀"
    assert seeded.stats()["time_spent_s"]["a"] == 30 * seeded.count_documents()


def test_merging_the_same_file_twice_changes_nothing(seeded, batch_a):
    merge(seeded, batch_a)
    before = _dump(seeded)
    again = merge(seeded, batch_a)
    assert (again.taken, again.history, again.statuses) == (0, 0, 0)
    assert again.unchanged == seeded.count_documents()
    assert _dump(seeded) == before


def test_merge_refuses_a_file_of_another_project(seeded, tmp_path, seed_dir):
    from annotator.cli import run_import

    other = Project.create(tmp_path / "other.db")
    run_import(other, [seed_dir], None, None, quiet=True)
    doc = other.document_ids()[0]
    other.edit(doc, "a", "a", "zone", lambda l: set_zone(l, 0, 5, "body"))
    other.close()
    before = _dump(seeded)
    with pytest.raises(ProjectError, match="another project") as info:
        merge(seeded, tmp_path / "other.db")
    assert "\n" not in str(info.value) and "other.db" in str(info.value)
    assert _dump(seeded) == before


def test_merge_refuses_a_file_with_another_schema(seeded, batch_a):
    with Project.open(batch_a) as batch, batch.write():
        # A file whose schema was edited by hand: the labels may not mean the same.
        batch.conn.execute("UPDATE project SET value = value || '\n# edited' WHERE key = 'schema'")
    before = _dump(seeded)
    with pytest.raises(ProjectError, match="schema differs"):
        merge(seeded, batch_a)
    assert _dump(seeded) == before


def test_merge_never_touches_other_layers(seeded, batch_a):
    doc = seeded.document_ids()[0]
    seeded.edit(doc, "gold", "rev", "review", lambda l: set_zone(l, 0, 30, "body"))
    seeded.edit(doc, "b", "b", "zone", lambda l: set_zone(l, 0, 40, "source"))
    with Project.open(batch_a) as batch:
        # someone labeled under another name in a's file: that layer is not a's to bring
        batch.edit(doc, "b", "a", "zone", lambda l: set_zone(l, 0, 50, "boilerplate"))
        batch.edit(doc, "gold", "a", "zone", lambda l: set_zone(l, 0, 50, "boilerplate"))
    gold, b = seeded.get_layer(doc, "gold"), seeded.get_layer(doc, "b")
    result = merge(seeded, batch_a)
    assert result.ignored_layers == ["b", "gold"]
    assert seeded.get_layer(doc, "gold") == gold and seeded.get_layer(doc, "b") == b
    assert [c.action for c in seeded.history(doc, "b")] == ["zone"]


def test_a_merge_is_undoable(seeded, tmp_path):
    doc = seeded.document_ids()[1]
    seeded.edit(doc, "a", "a", "zone", lambda l: set_zone(l, 0, 7, "source"))
    before = seeded.get_layer(doc, "a")
    (packed,) = pack(seeded, tmp_path / "out", ["a"], overlap=0.0)
    with Project.open(packed.path) as batch:
        annotate(batch, "a", seed=5)
        assert len(batch.history(doc, "a")) == 4  # the edit made before pack came along
    merge(seeded, packed.path)
    assert seeded.get_layer(doc, "a") != before
    undone = seeded.undo(doc, "a", "engineer")
    assert undone.action == "merge"
    assert seeded.get_layer(doc, "a") == before


def test_merging_a_file_at_several_points_in_time_loses_nothing(seeded, tmp_path):
    (packed,) = pack(seeded, tmp_path / "out", ["a"], overlap=0.0)
    docs = seeded.document_ids()
    early, late = tmp_path / "early.db", tmp_path / "late.db"
    with Project.open(packed.path) as batch:
        annotate(batch, "a", seed=2)
    shutil.copy(packed.path, early)
    with Project.open(packed.path) as batch:
        batch.edit(docs[0], "a", "a", "stance",
                   lambda l: replace(l, stances=(Stance(AUTHOR, "واشنطن", "neutral"),)))
        batch.edit(docs[2], "a", "a", "zone", lambda l: set_zone(l, 0, 15, "source"))
        batch.set_status(docs[2], "a", "skipped", note="later")
    shutil.copy(packed.path, late)
    with Project.open(late) as batch:
        final = {d: batch.get_layer(d, "a") for d in docs}
        final_history = {d: len(batch.history(d, "a")) for d in docs}

    # late first, then the older copy: the older copy changes no layer
    merge(seeded, late)
    result = merge(seeded, early)
    assert result.taken == 0 and result.kept == 2
    assert {d: seeded.get_layer(d, "a") for d in docs} == final
    assert seeded.get_status(docs[2], "a").status == "skipped"

    # the history of the project (and of the file) keeps every state: each row once
    for doc in docs:
        rows = [(c.at, c.who, c.action) for c in seeded.history(doc, "a")
                if c.action != "merge"]
        assert len(rows) == len(set(rows)) == final_history[doc]


def test_merge_order_does_not_matter(seeded, tmp_path):
    (packed,) = pack(seeded, tmp_path / "out", ["a"], overlap=0.0)
    docs = seeded.document_ids()
    with Project.open(packed.path) as batch:
        annotate(batch, "a", seed=4)
    early = tmp_path / "early.db"
    shutil.copy(packed.path, early)
    with Project.open(packed.path) as batch:
        batch.edit(docs[1], "a", "a", "entity", lambda l: replace(l, entities=(), stances=()))
        final = {d: batch.get_layer(d, "a") for d in docs}
    seeded.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    twin_path = tmp_path / "twin.db"
    shutil.copy(seeded.path, twin_path)
    merge(seeded, early)
    result = merge(seeded, packed.path)
    assert result.taken == 1                         # the labeler went on from what we had
    with Project.open(twin_path) as twin:
        merge(twin, packed.path)
        merge(twin, early)                           # an older copy, arriving late
        assert {d: twin.get_layer(d, "a") for d in docs} == final
    assert {d: seeded.get_layer(d, "a") for d in docs} == final


def test_diverged_layers_keep_the_one_saved_last(seeded, batch_a):
    doc = seeded.document_ids()[3]
    # the project's copy of a's layer was edited after pack (say, a fix by the reviewer) ...
    seeded.edit(doc, "a", "rev", "fix", lambda l: set_zone(l, 0, 3, "source"))
    with Project.open(batch_a) as batch:   # ... and a went on working afterwards
        batch.edit(doc, "a", "a", "zone", lambda l: set_zone(l, 0, 4, "boilerplate"))
        theirs = batch.get_layer(doc, "a")
    merge(seeded, batch_a)
    assert seeded.get_layer(doc, "a") == theirs
    seeded.edit(doc, "a", "rev", "fix", lambda l: set_zone(l, 0, 2, "body"))
    ours = seeded.get_layer(doc, "a")
    merge(seeded, batch_a)
    assert seeded.get_layer(doc, "a") == ours      # the project's is later now


def test_merge_skips_documents_the_project_lacks(seeded, batch_a):
    with Project.open(batch_a) as batch:
        text = "وثيقة أضافها المراجع 🇵🇸 في الملف فقط"
        list(batch.import_documents([ImportRecord(Document("stray", text, {}))]))
        batch.edit("stray", "a", "a", "zone", lambda l: set_zone(l, 0, 5, "body"))
    result = merge(seeded, batch_a)
    assert len(result.problems) == 1 and "'stray'" in result.problems[0]
    assert result.taken == seeded.count_documents()
    assert not seeded.has_document("stray")


def test_a_project_file_not_made_by_pack_brings_its_labeler_layers(seeded, tmp_path):
    seeded.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.db"
    shutil.copy(seeded.path, copy)
    doc = seeded.document_ids()[0]
    with Project.open(copy) as other:
        other.edit(doc, "c", "c", "zone", lambda l: set_zone(l, 0, 9, "body"))
        other.edit(doc, "gold", "c", "zone", lambda l: set_zone(l, 0, 9, "body"))
    result = merge(seeded, copy)
    assert result.labelers == ["c"] and result.taken == 1
    assert not seeded.has_layer(doc, "gold")
    assert seeded.get_layer(doc, "c").zones[0].label == "body"


def test_merging_the_project_into_itself_is_refused(seeded):
    with pytest.raises(ProjectError, match="project itself"):
        merge(seeded, seeded.path)


def test_a_tampered_layer_is_checked_and_refused(seeded, batch_a):
    doc = seeded.document_ids()[2]
    with Project.open(batch_a) as batch, batch.write():
        # written behind the store's back: not the state its change log says
        batch.conn.execute("UPDATE layers SET data = ? WHERE name = 'a' AND doc = "
                           "(SELECT seq FROM documents WHERE id = ?)",
                           ('{"zones":[{"start":0,"end":5,"label":"body"}],"entities":[],'
                            '"stances":[]}', doc))
    result = merge(seeded, batch_a)
    assert len(result.problems) == 1
    assert f"layer 'a' of document '{doc}' is broken" in result.problems[0]
    assert "do not tile the text" in result.problems[0]
    assert result.taken == seeded.count_documents() - 1
    assert not seeded.has_layer(doc, "a")


def _tamper(path, sql, *args):
    """Write into a labeler's file behind the store's back, as a hostile labeler could."""
    with Project.open(path) as batch, batch.write():
        batch.conn.execute(sql, args)


def test_a_tampered_layer_with_a_matching_change_log_row_is_refused(seeded, batch_a):
    doc = seeded.document_ids()[1]
    length = len(seeded.get_text(doc))
    bogus = ('{"zones":[{"start":0,"end":%d,"label":"none"}],"entities":[{"start":5000,'
             '"end":6000,"label":"BOGUS"}],"stances":[]}' % length)
    seq = "(SELECT seq FROM documents WHERE id = ?)"
    _tamper(batch_a, f"UPDATE layers SET data = ? WHERE name = 'a' AND doc = {seq}", bogus, doc)
    # and a change-log row that says the store wrote it: merge used to trust that
    _tamper(batch_a, "INSERT INTO changes (at, who, doc, layer, action, before, after) "
                     f"VALUES ('2099-01-01T00:00:00', 'a', {seq}, 'a', 'edit', NULL, ?)",
            doc, bogus)
    result = merge(seeded, batch_a)
    assert len(result.problems) == 1, result.problems
    assert f"of document '{doc}' is broken" in result.problems[0]
    assert result.taken == seeded.count_documents() - 1  # the rest merged
    assert not seeded.has_layer(doc, "a")
    assert all("BOGUS" not in (c.after and str(c.after) or "") for c in seeded.history(doc))


@pytest.mark.parametrize("column, value", [("status", "hacked"), ("seconds", -1e308),
                                           ("seconds", float("inf")), ("flagged", 7)])
def test_a_tampered_status_is_refused(seeded, batch_a, column, value):
    doc = seeded.document_ids()[0]
    _tamper(batch_a, f"UPDATE status SET {column} = ?, updated = '2099-01-01' WHERE doc = "
                     "(SELECT seq FROM documents WHERE id = ?)", value, doc)
    result = merge(seeded, batch_a)
    assert len(result.problems) == 1 and "status of 'a' of document" in result.problems[0]
    assert seeded.get_status(doc, "a").status == "todo" and seeded.get_status(doc, "a").seconds == 0
    other = seeded.document_ids()[1]
    assert seeded.has_layer(other, "a")


def test_a_tampered_change_log_row_is_refused(seeded, batch_a):
    """Undo restores a change's `before`: a forged one would bring a broken layer back."""
    doc = seeded.document_ids()[3]
    _tamper(batch_a, "INSERT INTO changes (at, who, doc, layer, action, before, after) "
                     "VALUES ('2001-01-01', 'a', (SELECT seq FROM documents WHERE id = ?), 'a', "
                     "'edit', ?, NULL)", doc,
            '{"zones":[],"entities":[{"start":-4,"end":2,"label":"PER"}],"stances":[]}')
    result = merge(seeded, batch_a)
    assert len(result.problems) == 1 and "change-log row" in result.problems[0]
    assert not seeded.has_layer(doc, "a") and not seeded.history(doc, "a")


def test_a_labeler_s_file_with_damaged_pages_is_refused_whole(seeded, batch_a):
    """Damaged pages give back rows that contradict each other (a layer of a document the
    file does not have, a status row out of its key's order): the ad-hoc fuzzing of merge
    with damaged files met KeyError and TypeError (exit 3). SQLite's integrity check of the
    file comes first now: one line, nothing merged."""
    from tests.store.test_damaged_files import _nulls_in_first_row

    _nulls_in_first_row(batch_a, "status", 2)  # the status row's document and labeler
    before = len(seeded.history())
    with pytest.raises(ProjectError, match=r"the labeler's file is damaged \(.*\); nothing "
                                           "merged") as caught:
        merge(seeded, batch_a)
    assert "\n" not in str(caught.value) and str(batch_a) in str(caught.value)
    assert len(seeded.history()) == before and not seeded.has_layer(
        seeded.document_ids()[0], "a")
