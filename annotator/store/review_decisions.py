"""Which disagreements a reviewer has decided, per document, and what gold said when decided.

Kept as one project setting per document, "review:<document id>", holding a JSON object from
a unit's key (core.adjudication.Unit.key) to the gold version decided (entities and zones as
[[start, end, label], …], a stance as its value or null). The format is the one review windows
have always written, so older project files keep their decisions. A unit counts as decided only
while gold still says what was decided (the session compares). Decisions belong to the project
they were made in: batches (pack / merge) do not copy them (SETTING_ROW_PREFIX)."""
from __future__ import annotations

import json
from typing import Any

SETTING_PREFIX = "review:"
# How the project table names these rows (store settings are stored as "setting:<key>").
SETTING_ROW_PREFIX = "setting:" + SETTING_PREFIX


def get_decisions(project, doc_id: str) -> dict[str, Any]:
    """The document's decisions: unit key -> the gold version decided."""
    raw = project.get_setting(SETTING_PREFIX + doc_id)
    if not raw:
        return {}
    try:
        decisions = json.loads(raw)
    except ValueError:
        return {}  # a damaged setting: nothing counts as decided, gold itself is untouched
    return decisions if isinstance(decisions, dict) else {}


def put_decisions(project, doc_id: str, decisions: dict[str, Any]) -> None:
    """Replace the document's decisions (one committed transaction)."""
    project.set_setting(SETTING_PREFIX + doc_id, json.dumps(decisions, ensure_ascii=False))


def record_decisions(project, doc_id: str, decided: dict[str, Any]) -> dict[str, Any]:
    """Add or overwrite these units' decisions; returns all of the document's decisions."""
    decisions = get_decisions(project, doc_id)
    decisions.update(decided)
    put_decisions(project, doc_id, decisions)
    return decisions
