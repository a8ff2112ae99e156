"""The store's tests run against both backends: the `project` and `seeded` fixtures of the
modules in BOTH_BACKENDS come once as an SQLite file and once as a PostgreSQL database (a real
server, tests/pg.py). Modules about the file itself (backups, migrations, SQLite's failures,
processes sharing a file) stay SQLite-only."""
import pytest

from annotator import SEEDS
from annotator.store import Project

BOTH_BACKENDS = {"test_changes", "test_documents", "test_layers", "test_status",
                 "test_review_decisions", "test_shared_undo", "test_connection",
                 "test_backends"}


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        module = metafunc.module.__name__.rsplit(".", 1)[-1]
        both = module in BOTH_BACKENDS
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"])


@pytest.fixture
def new_location(backend, tmp_path, request):
    """Makes the location of a new project: a file, or a fresh database's URL."""
    if backend == "sqlite":
        names = iter(range(1000))
        return lambda: tmp_path / f"p{next(names)}.db"
    server = request.getfixturevalue("pg_server")
    return lambda: server.url(server.new_database())


@pytest.fixture
def project(new_location):
    proj = Project.create(new_location())
    yield proj
    proj.close()


@pytest.fixture
def seeded(new_location):
    """A project with the five seed articles imported."""
    from tests.projects import import_files

    proj = Project.create(new_location())
    assert len(import_files(proj, [SEEDS])) == 5
    yield proj
    proj.close()
