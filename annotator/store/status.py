"""Per-document work state and project settings.

Owns the `status` table (status, time spent, note and review flag per document and person,
each change logged), the settings kept in the `project` table (`setting:` keys) and the
figures `annotator stats` prints.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from ..core.errors import ValidationError
from ..core.model import layer_problem
from .connection import dumps, now

STATUSES = ("todo", "in_progress", "done", "skipped", "reviewed")
# Setting (+ annotator): the documents someone was given in batches (pack) and brought back
# (merge), so that their "to do" counts those and not every document of the project.
ASSIGNED = "assigned:"
UNFINISHED = ("todo", "in_progress")

# Each document's lowest entity-suggestion confidence (a suggestion without a figure — a rule
# or name match — counts 1.0). SQLite's JSON1 reads it inside the query, so ordering 100,000
# documents ships no layer to Python; a layer that is not valid JSON (a damaged file) counts
# as having no suggestions instead of failing the query. postgres.py has its jsonb twin.
LOWEST_CONFIDENCE_SQL = """
    SELECT l.doc, min(CASE WHEN e.type <> 'object' THEN NULL
                           WHEN json_type(e.value, '$.confidence') IN ('integer', 'real')
                           THEN json_extract(e.value, '$.confidence') ELSE 1.0 END) AS low
    FROM layers l, json_each(CASE WHEN json_valid(l.data) THEN l.data ELSE '{}' END,
                             '$.entities') e
    WHERE l.name = 'suggestions' GROUP BY l.doc"""


@dataclass
class DocStatus:
    status: str = "todo"
    seconds: float = 0.0
    note: str = ""
    flagged: bool = False
    updated: str | None = None



class StatusMixin:
    """Status, settings and figures of a Project (see project.py for what a mixin may rely on)."""

    LOWEST_CONFIDENCE_SQL = LOWEST_CONFIDENCE_SQL

    # -- status ----------------------------------------------------------------------------
    def get_status(self, doc_id: str, annotator: str) -> DocStatus:
        row = self.conn.execute(
            "SELECT status, seconds, note, flagged, updated FROM status WHERE doc = ? AND annotator = ?",
            (self._seq(doc_id), annotator)).fetchone()
        return DocStatus() if row is None else DocStatus(row[0], row[1], row[2], bool(row[3]), row[4])

    def set_status(self, doc_id: str, annotator: str, status: str | None = None,
                   note: str | None = None, flagged: bool | None = None,
                   add_seconds: float = 0.0) -> DocStatus:
        """Change any of status / note / review flag / time spent, in one logged transaction."""
        if status is not None and status not in STATUSES:
            raise ValidationError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        seq = self._seq(doc_id)
        with self.write():
            old = self.get_status(doc_id, annotator)
            new = DocStatus(status if status is not None else old.status,
                            old.seconds + max(0.0, add_seconds),
                            note if note is not None else old.note,
                            flagged if flagged is not None else old.flagged, now())
            self.conn.execute(
                "INSERT INTO status (doc, annotator, status, seconds, note, flagged, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc, annotator) DO UPDATE SET "
                "status = excluded.status, seconds = excluded.seconds, note = excluded.note, "
                "flagged = excluded.flagged, updated = excluded.updated",
                (seq, annotator, new.status, new.seconds, new.note, int(new.flagged), new.updated))
            if (old.status, old.note, old.flagged) != (new.status, new.note, new.flagged):
                self._log(annotator, seq, None, "status",
                          {"status": old.status, "note": old.note, "flagged": old.flagged},
                          {"status": new.status, "note": new.note, "flagged": new.flagged})
        return new

    def statuses(self, annotator: str, offset: int = 0, limit: int = -1
                 ) -> list[tuple[str, str]]:
        """(document id, status) in queue order, for the queue view's visible rows."""
        return [(r[0], r[1] or "todo") for r in self.conn.execute(
            "SELECT d.id, s.status FROM documents d LEFT JOIN status s "
            "ON s.doc = d.seq AND s.annotator = ? ORDER BY d.seq LIMIT ? OFFSET ?",
            (annotator, limit, offset))]

    def least_certain_positions(self, annotator: str) -> list[int]:
        """Queue positions (0-based) of this annotator's unfinished documents, least certain
        first: by the lowest confidence among their entity suggestions, so the documents the
        model is least sure of are labeled (and teach it) first. Documents without entity
        suggestions come after the others, in queue order."""
        unfinished = ",".join("?" * len(UNFINISHED))
        return [row[0] for row in self.conn.execute(
            "WITH queue AS (SELECT d.seq, ROW_NUMBER() OVER (ORDER BY d.seq) - 1 AS position, "
            "coalesce(s.status, 'todo') AS status FROM documents d LEFT JOIN status s "
            "ON s.doc = d.seq AND s.annotator = ?) "
            f"SELECT q.position FROM queue q LEFT JOIN ({self.LOWEST_CONFIDENCE_SQL}) c "
            f"ON c.doc = q.seq WHERE q.status IN ({unfinished}) "
            "ORDER BY c.low IS NULL, c.low, q.position", (annotator, *UNFINISHED))]

    def status_counts(self, annotator: str) -> dict[str, int]:
        """Documents by status for this annotator; "todo" counts the documents they were given
        (those of their merged batches) or, for someone labeling in the project, all."""
        counts = {s: 0 for s in STATUSES}
        assigned = self.assigned_documents(annotator)
        total = self.count_documents() if assigned is None else len(assigned)
        for status, n in self.conn.execute(
                "SELECT status, count(*) FROM status WHERE annotator = ? GROUP BY status",
                (annotator,)):
            counts[status] = n
        counts["todo"] = total - sum(n for s, n in counts.items() if s != "todo")
        return counts

    def assigned_documents(self, annotator: str) -> list[str] | None:
        """The documents this annotator was given in batches and brought back (merge), or
        None for someone labeling in the project itself."""
        value = self.get_setting(ASSIGNED + annotator)
        return None if value is None else json.loads(value)

    def record_assigned(self, annotator: str, doc_ids: Iterable[str]) -> None:
        """Add documents to those this annotator was given (merge calls it for a batch)."""
        known = set(self.assigned_documents(annotator) or ())
        self.set_setting(ASSIGNED + annotator, dumps(sorted(known.union(doc_ids))))

    def seconds_spent(self, annotator: str) -> float:
        return self.conn.execute("SELECT coalesce(sum(seconds), 0) FROM status WHERE annotator = ?",
                                 (annotator,)).fetchone()[0]

    def annotators(self) -> list[str]:
        names = {r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM status")}
        names |= {r[0] for r in self.conn.execute("SELECT DISTINCT name FROM layers")}
        return sorted(names)

    # -- settings kept in the project ------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?",
                                ("setting:" + key,)).fetchone()
        return default if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.conn.execute("INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT (key) "
                              "DO UPDATE SET value = excluded.value", ("setting:" + key, value))

    # -- figures ---------------------------------------------------------------------------
    def _damaged_row(self, seq: int, name: str, data: Any) -> dict[str, str]:
        row = self.conn.execute("SELECT id, text FROM documents WHERE seq = ?",
                                (seq,)).fetchone()
        if row is None:  # a damaged file: the layer's document is not where it points
            return {"document": f"#{seq}", "layer": name,
                    "problem": "its document is missing from the file"}
        doc_id, text = row
        return {"document": doc_id, "layer": name,
                "problem": layer_problem(data, text, self.schema) or "not readable"}

    def stats(self) -> dict[str, Any]:
        """Counts by status, label and annotator (what `annotator stats` prints)."""
        out: dict[str, Any] = {"documents": self.count_documents(), "layers": {},
                               "status": {}, "time_spent_s": {}, "damaged": []}
        for (name,) in self.conn.execute("SELECT DISTINCT name FROM layers ORDER BY name"):
            zones: dict[str, int] = {}
            entities: dict[str, int] = {}
            stances: dict[str, int] = {}
            docs = 0
            for seq, data in self.conn.execute("SELECT doc, data FROM layers WHERE name = ?",
                                               (name,)):
                try:
                    layer = json.loads(data)
                    # (A missing list is an empty one, as layer_from_json reads it.)
                    counted = ([(z["label"], z["end"] - z["start"])
                                for z in layer.get("zones") or ()],
                               [e["label"] for e in layer.get("entities") or ()],
                               [s["value"] for s in layer.get("stances") or ()])
                except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                    # A layer damaged in the file (edited by hand): left out of the figures,
                    # named (what is wrong, as `annotator check` says it).
                    out["damaged"].append(self._damaged_row(seq, name, data))
                    continue
                docs += 1
                for label, chars in counted[0]:
                    zones[label] = zones.get(label, 0) + chars
                for label in counted[1]:
                    entities[label] = entities.get(label, 0) + 1
                for value in counted[2]:
                    stances[value] = stances.get(value, 0) + 1
            out["layers"][name] = {"documents": docs, "zone_chars": zones,
                                   "entities": entities, "stances": stances}
        for annotator in sorted({r[0] for r in self.conn.execute("SELECT annotator FROM status")}):
            out["status"][annotator] = self.status_counts(annotator)
            out["time_spent_s"][annotator] = round(self.seconds_spent(annotator), 1)
        return out


