"""Project format versions: newer refused, foreign refused, older backed up then migrated."""
import sqlite3

import pytest

from annotator.core.errors import ProjectError
from annotator.store import FORMAT_VERSION, Project, migrations as migrations_module

def test_newer_file_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION + 3}")
    conn.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        Project.open(path)


def test_not_a_project_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 10)
    with pytest.raises(ProjectError, match="not a project file"):
        Project.open(junk)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(plain)


def test_older_file_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    Project.create(path).close()

    def add_column(conn):
        conn.execute("ALTER TABLE documents ADD COLUMN language TEXT DEFAULT 'ar'")
    monkeypatch.setattr(migrations_module, "FORMAT_VERSION", FORMAT_VERSION + 1)
    monkeypatch.setitem(migrations_module.MIGRATIONS, FORMAT_VERSION, add_column)
    with Project.open(path) as migrated:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION + 1
        columns = [r[1] for r in migrated.conn.execute("PRAGMA table_info(documents)")]
        assert "language" in columns
    backup = tmp_path / f"old.db.format{FORMAT_VERSION}.bak"
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    old.close()
