"""A real PostgreSQL server for the tests (pgserver: server binaries from PyPI), started once
per test session in a temporary folder; each test gets a fresh database.

If no server can start, the tests that need one FAIL with the reason (never skip silently):
the PostgreSQL backend is part of the product and must be tested on every machine."""
from __future__ import annotations

import itertools
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

STARTUP_TIMEOUT_S = 120
_counter = itertools.count()


class Server:
    def __init__(self):
        import pgserver  # noqa: the test extra installs it

        # A short path: the server's Unix socket lives in it (108-byte limit).
        self.dir = Path(tempfile.mkdtemp(prefix="annpg"))
        self.server = pgserver.get_server(self.dir, cleanup_mode="stop")
        self.admin_url = self.server.get_uri()
        self.socket_dir = str(self.dir)

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{quote(user)}@/{database}?host={quote(self.socket_dir)}"

    def new_database(self, prefix: str = "t") -> str:
        import psycopg

        name = f"{prefix}{next(_counter)}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return name

    def stop(self):
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


_server: Server | None = None
_failure: str | None = None


def server() -> Server:
    """The session's server (started on first use, within STARTUP_TIMEOUT_S), or a failing
    test naming why there is none."""
    global _server, _failure
    if _server is None and _failure is None:
        result: dict = {}

        def start():
            try:
                result["server"] = Server()
            except BaseException as exc:  # noqa: reported below
                result["error"] = f"{type(exc).__name__}: {exc}"

        thread = threading.Thread(target=start, daemon=True)
        thread.start()
        thread.join(STARTUP_TIMEOUT_S)
        if "server" in result:
            _server = result["server"]
        else:
            _failure = result.get("error", f"did not start within {STARTUP_TIMEOUT_S} s")
    if _server is None:
        pytest.fail(f"no PostgreSQL server for the tests of the server backend: {_failure} "
                    "(pgserver, from the test extra, bundles the server binaries)",
                    pytrace=False)
    return _server


def stop_server() -> None:
    if _server is not None:
        _server.stop()


def location(project):
    """Where to open a project again: its URL on a server, else its file."""
    return getattr(project, "url", None) or project.path
