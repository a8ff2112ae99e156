"""Status, notes, review flag and time spent (store/status.py)."""

import pytest

from annotator.core.errors import ValidationError

def test_status_note_flag_and_time(seeded):
    doc = "002_b91ee82fcd84a4d3"
    assert seeded.get_status(doc, "ali").status == "todo"
    seeded.set_status(doc, "ali", status="in_progress", add_seconds=12.5)
    seeded.set_status(doc, "ali", note="سطر المصدر ملتصق", flagged=True, add_seconds=2.5)
    status = seeded.get_status(doc, "ali")
    assert (status.status, status.seconds, status.note, status.flagged) == \
        ("in_progress", 15.0, "سطر المصدر ملتصق", True)
    assert seeded.status_counts("ali")["todo"] == 4
    with pytest.raises(ValidationError):
        seeded.set_status(doc, "ali", status="finished")
