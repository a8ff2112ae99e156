"""`annotator check` (store/integrity.py) on real project files."""
import sqlite3

from annotator.store import Project
from annotator.store.integrity import check


def test_a_sound_project_has_no_problems(seeded):
    assert check(seeded) == []


def test_a_missing_table_is_named_and_nothing_below_is_read(seeded, tmp_path):
    path = seeded.path
    seeded.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE status")
    conn.commit()
    conn.close()
    with Project.open(path) as damaged:
        problems = check(damaged)
    assert problems == [f"{path}: table status missing: not a whole project file"]
