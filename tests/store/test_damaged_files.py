"""Damaged project files that the standing fuzz test (tests/formats/test_fuzz.py), run longer
with other seeds, found the commands did not survive. Real files, damaged on disk.

- A documents table that hands rows back out of their key's order (a b-tree cell's rowid
  changed: FUZZ_SEED=4242). Every paged read (export, assist's line counts, agree, copying)
  started over on each page and never ended: `annotator export` wrote 80 MB in 20 s. Now:
  one line, exit 2.
- A damaged layer whose document is missing (FUZZ_SEED=77): `annotator stats` failed with an
  internal error. Now: the layer is named, exit 1.
- Status rows read back as NULLs (FUZZ_SEED=31337), and any other NULL that damaged pages give
  where the schema allows none (a document's text, its meta): code that trusts the schema
  failed, and the command said "internal error" (exit 3). Now an unexpected error in a
  command on a file SQLite's integrity check finds damaged is said as the file's: one line, exit
  2. On a sound file it is still a bug, exit 3."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Document
from annotator.store import ImportRecord, Project
from annotator.store.bulk import iter_texts
from annotator.store.connection import keyset_pages

ROOT = Path(__file__).resolve().parents[2]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint at `at`: (value, where it ends)."""
    value = 0
    for k in range(9):
        byte = data[at + k]
        if k == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + k + 1
    raise AssertionError("unreachable")


def damaged_project(tmp_path) -> Path:
    """Two documents, then the first one's rowid on disk changed from 1 to 41 (one byte)."""
    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول 😀\r\nسطر")),
                                       ImportRecord(Document("j2", "نص ثان"))]))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # everything in the main file
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    page = (root - 1) * page_size
    assert data[page] == 0x0D, "the documents table fits in one leaf page"
    first_cell = page + int.from_bytes(data[page + 8:page + 10], "big")
    _size, at = _varint(data, first_cell)
    rowid, end = _varint(data, at)
    assert rowid == 1 and end == at + 1
    data[at] = 41
    path.write_bytes(bytes(data))
    return path


def _nulls_in_first_row(path: Path, table: str, columns: int, first: int = 0) -> None:
    """The first row of a table (one leaf page) read back with `columns` of its columns NULL
    from column `first` on: their serial types set to 0 in the record header, on disk."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        (table,)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    page = (root - 1) * page_size
    assert data[page] in (0x0A, 0x0D), "the table fits in one leaf page"
    cell = page + int.from_bytes(data[page + 8:page + 10], "big")
    _size, at = _varint(data, cell)
    if data[page] == 0x0D:
        _rowid, at = _varint(data, at)
    _header_size, at = _varint(data, at)
    for _ in range(first):
        _type, at = _varint(data, at)
    for _ in range(columns):
        _type, end = _varint(data, at)
        assert end == at + 1
        data[at] = 0
        at = end
    path.write_bytes(bytes(data))


def test_keyset_pages_refuses_rows_that_do_not_move_on():
    rows = [(41, "j1"), (2, "j2")]  # what the damaged table answers to seq > 0, and to seq > 2
    pages = keyset_pages(lambda after: [r for r in rows if r[0] != after][:2], 0)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        list(pages)
    whole = [(1, "a"), (2, "b"), (3, "c")]
    assert list(keyset_pages(lambda after: [r for r in whole if r[0] > after][:2], 0)) == \
        [[(1, "a"), (2, "b")], [(3, "c")]]
    # Keys of types that do not compare (a layer name written as a number by hand).
    with pytest.raises(sqlite3.DatabaseError):
        list(keyset_pages(lambda after: [(1, "x")] if after == (0, "") else [(1, 5)],
                          (0, ""), key=lambda r: r))


def test_reading_a_table_out_of_order_ends_with_damaged(tmp_path):
    path = damaged_project(tmp_path)
    with Project.open(path) as project:
        for read in (lambda: list(project.iter_documents()), lambda: list(iter_texts(project)),
                     lambda: list(project.iter_annotated())):
            with pytest.raises(sqlite3.DatabaseError, match="out of the order"):
                read()


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "conll"]])
def test_export_of_a_table_out_of_order_is_one_line_not_endless(tmp_path, args):
    path = damaged_project(tmp_path)
    # A process of its own with a time limit: the old code never returned.
    done = subprocess.run([sys.executable, "-m", "annotator", args[0], str(path), *args[1:]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "damaged" in lines[0]
    assert "Traceback" not in done.stderr and len(done.stdout) < 10_000


def test_stats_names_a_damaged_layer_whose_document_is_missing(tmp_path):
    """The standing fuzz test again (FUZZ_SEED=77): a damaged layer whose document the file
    no longer has made `annotator stats` fail with an internal error (exit 3)."""
    from click.testing import CliRunner

    from annotator.cli import main

    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول"))]))
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO layers (doc, name, data, updated) VALUES (99, 'gold', '{not json', "
                 "'2026-01-01')")  # (foreign keys are off in a plain connection)
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 1, result.output
    said = (f"annotator: {path}: document '#99', layer 'gold': its document is missing from "
            "the file; left out of the figures")
    assert result.stderr.strip().splitlines() == [said]


def test_stats_on_status_rows_read_back_as_nulls_names_the_file_damaged(tmp_path):
    from click.testing import CliRunner

    from annotator.cli import main

    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول"))]))
        project.set_status("j1", "sara", "done")
    _nulls_in_first_row(path, "status", 3)
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "damaged" in lines[0]


def _command(path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", args[0], str(path), *args[1:]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env=env)


@pytest.mark.parametrize("args", [["export"], ["assist"], ["search", "نص"]])
def test_a_null_from_damaged_pages_is_the_file_s_fault_not_a_bug(tmp_path, args):
    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول")),
                                       ImportRecord(Document("j2", "نص ثان"))]))
    _nulls_in_first_row(path, "documents", 2, first=2)  # the text and meta of j1
    done = _command(path, *args)
    lines = [line for line in done.stderr.splitlines() if line.startswith("annotator:")]
    assert "internal error" not in done.stderr
    if args == ["assist"]:  # it reads the layer first: that one is named, the rest goes on
        assert done.returncode == 1 and len(lines) == 1 and "document 'j1'" in lines[0]
    else:
        assert done.returncode == 2, done.stderr
        assert len(lines) == 1 and "damaged" in lines[0]
    assert str(path) in lines[0]


def test_the_same_error_on_a_sound_file_is_still_a_bug(tmp_path):
    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول"))]))
    plugin = tmp_path / "plug"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(
        "from annotator.store import Project\n"
        "def stats(self):\n"
        "    return None + 'x'\n"
        "Project.stats = stats\n")
    done = _command(path, "stats", env={**os.environ, "PYTHONPATH": f"{plugin}{os.pathsep}{ROOT}"})
    assert done.returncode == 3, done.stderr
    assert "internal error (TypeError" in done.stderr and "damaged" not in done.stderr


def test_a_stored_schema_that_is_not_text_is_one_line(tmp_path):
    """FUZZ_SEED=1001: damaged pages gave the stored schema back as a number; every command
    failed with an internal error while opening the file (the fallback of the CLI does not
    cover what happens before the file is open)."""
    path = tmp_path / "p.db"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE project SET value = x'07ff' WHERE key = 'schema'")  # not text
    conn.commit()
    conn.close()
    said = (f"annotator: {path}: the label schema stored in the project is damaged "
            "(not text but bytes)")
    for args in (["stats"], ["export"], ["check"]):
        done = _command(path, *args)
        assert done.returncode == 2 and "internal error" not in done.stderr, done.stderr
        assert done.stderr.strip().splitlines() == [said]


def test_a_damaged_table_definition_is_one_line_not_nulls_everywhere(tmp_path):
    """An ad-hoc fuzz of more commands (agree, review-queue) met a damaged byte in the
    documents table's definition ('INTEGER \\xb1RIMARY KEY'): SQLite's integrity check reads
    the records by the definition, whatever it says, so it passed, and seq, no longer the
    table's key, was NULL in every row (TypeError, exit 3). Opening now refuses it."""
    path = tmp_path / "p.db"
    with Project.create(path) as project:
        list(project.import_documents([ImportRecord(Document("j1", "نص أول")),
                                       ImportRecord(Document("j2", "نص ثان"))]))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, 'seq INTEGER PRIMARY KEY', "
                 "'seq INTEGER ARIMARY KEY') WHERE name = 'documents'")
    conn.commit()
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    said = (f"annotator: {path}: the project file is damaged (documents.seq is no longer the "
            "table's key); `annotator check` tells more, `annotator restore` brings back a "
            "backup")
    for args in (["agree"], ["review-queue"], ["export"]):
        done = _command(path, *args)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [said]
