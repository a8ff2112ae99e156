"""Opening a project: the settings every connection gets (store/connection.py, postgres.py)."""
from annotator.store import FORMAT_VERSION


def test_file_settings(project, backend):
    conn = project.conn
    if backend == "postgresql":
        # Durable before "Saved": COMMIT waits for the server's WAL flush.
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
        assert conn.execute("SHOW fsync").fetchone()[0] == "on"
        assert conn.execute("SELECT version FROM annotator_format").fetchone()[0] == FORMAT_VERSION
        return
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: on disk at commit
