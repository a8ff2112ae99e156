"""Projects for tests, built through the library (not the CLI, whose import has its own tests)."""
from __future__ import annotations

from pathlib import Path


def import_files(project, paths) -> list[str]:
    """Import files through the library, as fixtures should (formats read them, the store
    imports them; the CLI's own import is tested in tests/cli); returns the added ids."""
    from annotator.formats import Rejected, read_paths

    records = list(read_paths([Path(p) for p in paths], None, None, project.schema))
    assert not [r for r in records if isinstance(r, Rejected)], records
    return [o.doc_id for o in project.import_documents(records) if o.state == "added"]
