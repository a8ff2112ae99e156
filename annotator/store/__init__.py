"""The one gateway to the project file. Nothing outside this package writes SQL."""
from ..core.records import ImportOutcome, ImportRecord
from .changes import Change
from .documents import content_hash
from .migrations import FORMAT_VERSION
from .project import Project
from .status import STATUSES, DocStatus

__all__ = ["Project", "ImportRecord", "ImportOutcome", "Change", "DocStatus", "STATUSES",
           "FORMAT_VERSION", "content_hash"]
