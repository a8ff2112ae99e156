"""Trained models kept in the project file (table `models`, project format 2).

A model is an opaque blob with a `kind` naming the code that reads it and a JSON `meta` with
what it was trained on and its figures (what the window shows). Kept in the project so it
travels with pack and merge; the blob is hostile like any file we read: whoever loads it checks
it (annotator.assist.entity_model).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .project import Project, dumps, now


# Not a model: what the project's texts say of each word (annotator.assist.distributional),
# kept between trainings. Valid for the texts it was learned from only: never copied.
TEXT_STATISTICS = "text statistics"


@dataclass(frozen=True)
class StoredModel:
    name: str
    kind: str
    data: bytes
    meta: dict[str, Any]
    trained_at: str


def save_model(project: Project, name: str, kind: str, data: bytes, meta: dict[str, Any],
               trained_at: str | None = None) -> StoredModel:
    """Store (or replace) a model, in one transaction."""
    stamp = trained_at or now()
    with project.write():
        project.conn.execute(
            "INSERT INTO models (name, kind, data, meta, trained_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, data = excluded.data, "
            "meta = excluded.meta, trained_at = excluded.trained_at",
            (name, kind, data, dumps(meta), stamp))
    return StoredModel(name, kind, data, meta, stamp)


def set_model_meta(project: Project, name: str, meta: dict[str, Any]) -> None:
    """Replace a stored model's figures, its bytes untouched (figures that come after the
    model, such as its cross-validated F1)."""
    with project.write():
        project.conn.execute("UPDATE models SET meta = ? WHERE name = ?", (dumps(meta), name))


def _row(row) -> StoredModel | None:
    if row is None:
        return None
    try:
        meta = json.loads(row[3])
    except ValueError:
        meta = {}
    return StoredModel(row[0], row[1], bytes(row[2]), meta if isinstance(meta, dict) else {},
                       row[4])


def load_model(project: Project, name: str) -> StoredModel | None:
    return _row(project.conn.execute(
        "SELECT name, kind, data, meta, trained_at FROM models WHERE name = ?",
        (name,)).fetchone())


def model_trained_at(project: Project, name: str) -> str | None:
    """When the model was trained (cheap: no blob read), None if there is none."""
    row = project.conn.execute("SELECT trained_at FROM models WHERE name = ?",
                               (name,)).fetchone()
    return None if row is None else row[0]


def model_meta(project: Project, name: str) -> dict[str, Any] | None:
    row = project.conn.execute("SELECT meta FROM models WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    try:
        meta = json.loads(row[0])
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def model_names(project: Project) -> list[str]:
    return [r[0] for r in project.conn.execute("SELECT name FROM models ORDER BY name")]


def delete_model(project: Project, name: str) -> None:
    with project.write():
        project.conn.execute("DELETE FROM models WHERE name = ?", (name,))


def confirmed_layer_refs(project: Project, statuses: tuple[str, ...] = ("done", "reviewed")
                         ) -> dict[str, str]:
    """Which layer of each document people confirmed: `gold` where there is one, else the
    layer of an annotator who marked the document done (the latest such layer)."""
    refs: dict[str, str] = {}
    marks = ",".join("?" * len(statuses))
    for doc_id, name in project.conn.execute(
            "SELECT d.id, l.name FROM layers l JOIN documents d ON d.seq = l.doc "
            "JOIN status s ON s.doc = l.doc AND s.annotator = l.name "
            f"WHERE s.status IN ({marks}) ORDER BY l.updated", statuses):
        refs[doc_id] = name
    for (doc_id,) in project.conn.execute(
            "SELECT d.id FROM layers l JOIN documents d ON d.seq = l.doc WHERE l.name = 'gold'"):
        refs[doc_id] = "gold"
    return refs


def copy_models(src: Project, dst: Project, replace: bool = True) -> int:
    """Copy the models of `src` into `dst` (pack: the labeler's window suggests with the
    project's model offline). replace=False keeps the models `dst` has. Joins the caller's
    transaction if there is one. Returns how many were copied. Merge never takes a model
    from a batch file: the project's own was trained on more, and a model blob is read by C
    code (CRFsuite) that does not survive damaged input."""
    have = set(model_names(dst))
    rows = [r for r in src.conn.execute(
        "SELECT name, kind, data, meta, trained_at FROM models ORDER BY name")
        if (replace or r[0] not in have) and r[0] != TEXT_STATISTICS]
    with dst.write():
        dst.conn.executemany(
            "INSERT INTO models (name, kind, data, meta, trained_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, data = excluded.data, "
            "meta = excluded.meta, trained_at = excluded.trained_at", rows)
    return len(rows)


def actions_with_reverts(project: Project, layer: str, action: str) -> list:
    """Every logged `action` on `layer` across the project, with the undo/redo rows that
    revert them (to tell which are still in effect), oldest first. The assist remembers
    rejections for the text, not only in the document where they were made."""
    return list(project._changes(
        "c.layer = ? AND (c.action = ? OR (c.action IN ('undo', 'redo') AND c.reverts IN "
        "(SELECT id FROM changes WHERE layer = ? AND action = ?)))",
        (layer, action, layer, action)))


__all__ = ["TEXT_STATISTICS", "StoredModel", "save_model", "load_model", "model_meta", "model_names",
           "model_trained_at", "set_model_meta", "delete_model", "copy_models", "confirmed_layer_refs", "actions_with_reverts"]
