"""Plain-text articles: one .txt file per document, id from the file's path."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..core.model import Document
from ..core.records import ImportRecord
from . import ReadResult, Rejected, decode_file


def document_id(path: Path, root: Path | None) -> str:
    """The file name without its ending; inside an imported folder, the relative path, so
    that a/x.txt and b/x.txt stay two documents."""
    stem = os.path.splitext(str(path))[0]
    if root is None:
        return os.path.basename(stem)
    return stem[len(str(root)) + 1:].replace(os.sep, "/")


def read(path: Path, layer: str | None = None, schema=None, root: Path | None = None
         ) -> Iterator[ReadResult]:
    decoded = decode_file(path)
    if isinstance(decoded, Rejected):
        yield decoded
        return
    meta = {"source": str(path), "encoding": decoded.encoding,
            "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    yield ImportRecord(Document(document_id(path, root), decoded.text, meta), where=str(path))
