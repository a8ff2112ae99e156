"""The one gateway to the project file. Nothing outside this package writes SQL."""
from .project import (FORMAT_VERSION, STATUSES, Change, DocStatus, ImportOutcome, ImportRecord,
                      Project, content_hash, open_project)

__all__ = ["Project", "ImportRecord", "ImportOutcome", "Change", "DocStatus", "STATUSES",
           "FORMAT_VERSION", "content_hash", "open_project"]
