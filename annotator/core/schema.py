"""The label schema: zone labels, entity labels, stance values and targets.

Kept as TOML (`resources/schema.toml` by default) and stored in each project at creation, so a
project carries the schema it was labeled with.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SchemaError, ValidationError
from .model import AUTHOR, NONE_ZONE, Layer
from .text import read_utf8_file

from .. import RESOURCES
DEFAULT_SCHEMA_PATH = RESOURCES / "schema.toml"

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LABEL_KEYS = {"name", "en", "ar", "color", "key"}
_TOP_KEYS = {"version", "zones", "entities", "stance", "aliases"}
_STANCE_KEYS = {"values", "targets"}


@dataclass(frozen=True)
class Label:
    kind: str  # "zone", "entity" or "stance"
    name: str
    en: str
    ar: str
    color: str
    key: str | None


@dataclass(frozen=True)
class Schema:
    zones: tuple[Label, ...]
    entities: tuple[Label, ...]
    stance_values: tuple[Label, ...]
    stance_targets: tuple[str, ...]
    aliases: dict[str, str]
    source: str  # the TOML text, stored in the project verbatim

    # -- lookups ---------------------------------------------------------------------------
    @property
    def zone_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.zones)

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.entities)

    @property
    def stance_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.stance_values)

    def labels(self) -> tuple[Label, ...]:
        return self.zones + self.entities + self.stance_values

    def label(self, kind: str, name: str) -> Label:
        for lab in {"zone": self.zones, "entity": self.entities, "stance": self.stance_values}[kind]:
            if lab.name == name:
                return lab
        raise KeyError(f"{kind} label {name!r}")

    def entity_label(self, name: str) -> str:
        """Our name for an entity label another corpus uses (PERS -> PER), or ValidationError."""
        name = self.aliases.get(name, name)
        if name not in self.entity_names:
            raise ValidationError(f"entity label {name!r} is not in the schema "
                                  f"({', '.join(self.entity_names)})")
        return name

    def check_layer(self, layer: Layer) -> None:
        zones = set(self.zone_names) | {NONE_ZONE}
        for z in layer.zones:
            if z.label not in zones:
                raise ValidationError(f"zone label {z.label!r} is not in the schema "
                                      f"({', '.join(sorted(zones))})")
        entities = set(self.entity_names)
        for e in layer.entities:
            if e.label not in entities:
                raise ValidationError(f"entity label {e.label!r} is not in the schema "
                                      f"({', '.join(self.entity_names)})")
        values = set(self.stance_names)
        for s in layer.stances:
            if s.value not in values:
                raise ValidationError(f"stance value {s.value!r} is not in the schema "
                                      f"({', '.join(self.stance_names)})")
            if isinstance(s.holder, str) and s.holder != AUTHOR:
                raise ValidationError(f"stance holder {s.holder!r} is neither 'author' "
                                      f"nor an entity")

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "Schema":
        return cls.load(DEFAULT_SCHEMA_PATH)

    @classmethod
    def load(cls, path: str | Path) -> "Schema":
        text = read_utf8_file(path, SchemaError)
        try:
            return cls.parse(text)
        except SchemaError as exc:
            raise SchemaError(f"{path}: {exc}") from None

    @classmethod
    def parse(cls, text: str) -> "Schema":
        if not isinstance(text, str):  # (a project file's stored schema, damaged: a number)
            raise SchemaError(f"not text but {type(text).__name__}")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemaError(f"not valid TOML: {exc}") from None
        _unknown(data, _TOP_KEYS, "top level")
        stance = data.get("stance", {})
        if not isinstance(stance, dict):
            raise SchemaError("[stance] must be a table")
        _unknown(stance, _STANCE_KEYS, "[stance]")
        zones = _labels(data.get("zones", []), "zone", "zones")
        if NONE_ZONE not in {z.name for z in zones}:
            zones += (Label("zone", NONE_ZONE, "Unlabeled", "غير معلَّم", "#ffffff", None),)
        entities = _labels(data.get("entities", []), "entity", "entities")
        values = _labels(stance.get("values", []), "stance", "stance.values")
        if not [z for z in zones if z.name != NONE_ZONE]:
            raise SchemaError("at least one zone label is needed")
        targets = stance.get("targets", [])
        if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets):
            raise SchemaError("stance.targets must be a list of non-empty strings")
        if len(set(targets)) != len(targets):
            raise SchemaError("stance.targets has a duplicate")
        aliases = data.get("aliases", {})
        if not isinstance(aliases, dict):
            raise SchemaError("[aliases] must be a table")
        entity_names = {e.name for e in entities}
        for alias, target in aliases.items():
            if target not in entity_names:
                raise SchemaError(f"alias {alias} = {target!r}: no such entity label")
        keys: dict[str, str] = {}
        for lab in zones + entities + values:
            if lab.key is None:
                continue
            norm = lab.key.replace(" ", "").lower()
            if norm in keys:
                raise SchemaError(f"duplicate key {lab.key!r}: {keys[norm]} and {lab.kind} {lab.name}")
            keys[norm] = f"{lab.kind} {lab.name}"
        return cls(zones, entities, values, tuple(targets), dict(aliases), text)


def _unknown(table: dict, allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise SchemaError(f"unknown key {key!r} in {where} (expected one of "
                              f"{', '.join(sorted(allowed))})")


def _labels(items, kind: str, where: str) -> tuple[Label, ...]:
    if not isinstance(items, list):
        raise SchemaError(f"{where} must be an array of tables ([[{where}]])")
    out: list[Label] = []
    names: set[str] = set()
    for i, item in enumerate(items, 1):
        at = f"{where} #{i}"
        if not isinstance(item, dict):
            raise SchemaError(f"{at} must be a table")
        _unknown(item, _LABEL_KEYS, at)
        name = item.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
            raise SchemaError(f"{at}: name must be a word of Latin letters, digits, _ or -: {name!r}")
        if name in names:
            raise SchemaError(f"duplicate {kind} label {name!r}")
        names.add(name)
        color = item.get("color", "#cccccc")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise SchemaError(f"{kind} {name}: bad color {color!r} (expected #rrggbb)")
        key = item.get("key")
        if key is not None and (not isinstance(key, str) or not key.strip()):
            raise SchemaError(f"{kind} {name}: key must be a non-empty string")
        en = item.get("en", name)
        ar = item.get("ar", en)
        if not isinstance(en, str) or not isinstance(ar, str):
            raise SchemaError(f"{kind} {name}: en and ar must be strings")
        out.append(Label(kind, name, en, ar, color, key))
    return tuple(out)
