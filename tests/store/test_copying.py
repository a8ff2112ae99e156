"""`annotator copy` (store/copying.py) pages through each table by key and reads the source in
one snapshot: a project people work in meanwhile is copied as it was when the copy began."""
import pytest

from annotator.core.model import Document, Entity, add_entity, set_zone
from annotator.store import ImportRecord, Project, copying


def _project(path, n):
    project = Project.create(path)
    list(project.import_documents(
        [ImportRecord(Document(f"d{i:03d}", f"نص الخبر رقم {i} عن غزة.")) for i in range(n)]))
    for i in range(0, n, 2):
        project.edit(f"d{i:03d}", "ali", "ali", "zone", lambda l: set_zone(l, 0, 5, "body"))
        project.edit(f"d{i:03d}", "sara", "sara", "entity",
                     lambda l: add_entity(l, Entity(0, 2, "LOC")))
        project.set_status(f"d{i:03d}", "ali", "done")
    return project


def _state(project):
    return ([(c.id, c.who, c.doc_id, c.layer, c.action, c.after) for c in project.history()],
            {(d, name): project.get_layer(d, name) for d in project.document_ids()
             for name in ("ali", "sara")})


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_a_copy_is_the_project_as_it_was_when_it_began(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(copying, "CHUNK", chunk)  # pages of every size, the last one short
    src = _project(tmp_path / "src.db", 11)
    before = _state(src)
    other = Project.open(tmp_path / "src.db")  # someone working meanwhile
    edits = []

    def progress(table, copied):
        if table in ("layers", "documents") and len(edits) < 2:
            doc = f"d{len(edits) * 2:03d}"
            other.edit(doc, "ali", "ali", "entity", lambda l: add_entity(l, Entity(3, 6, "PER")))
            edits.append(doc)

    counts = copying.copy_project(src, tmp_path / "copy.db", progress)
    assert edits  # the other person's edits landed in the middle of the copy
    with Project.open(tmp_path / "copy.db") as copy:
        assert _state(copy) == before
        assert counts["documents"] == 11 and counts["changes"] == len(before[0])
        assert copy.get_status("d000", "ali").status == "done"
    # and the source has them
    assert len(src.history()) == len(before[0]) + len(edits)
    other.close()
    src.close()
