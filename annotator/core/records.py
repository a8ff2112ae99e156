"""What an import reader produces and what the store answers for each record: plain data,
shared by formats (which read files) and the store (which writes them), so that neither
imports the other."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Document


@dataclass
class ImportRecord:
    """One document to import, with the layers it brings. `where` names it in messages."""
    doc: Document
    layers: dict[str, dict] = field(default_factory=dict)  # layer name -> JSONL-style dict
    where: str = ""


@dataclass
class ImportOutcome:
    where: str
    doc_id: str
    state: str  # "added", "updated", "unchanged", "duplicate", "kept" or "rejected"
    message: str = ""
    # (layer name, what was wrong) of each damaged stored layer the record's layer replaced.
    replaced: list[tuple[str, str]] = field(default_factory=list)
