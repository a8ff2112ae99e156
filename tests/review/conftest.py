"""Two (or three) labelers annotating the seeds in files made by `pack`, merged back."""
from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.model import (AUTHOR, Entity, EntityRef, Layer, Stance, add_entity,
                                  set_zone)
from annotator.store import Project
from annotator.store.batches import merge, pack

NAMES = {
    "يوآف غالانت": "PER", "يوآف جالانت": "PER", "غالانت": "PER", "جالانت": "PER",
    "لويد أوستن": "PER", "أوستن": "PER", "بلينكن": "PER", "نتنياهو": "PER", "بايدن": "PER",
    "حماس": "ORG", "البنتاغون": "ORG", "غزة": "LOC", "واشنطن": "LOC", "إسرائيل": "LOC",
    "تل أبيب": "LOC", "إيران": "LOC", "رفح": "LOC", "المختطَفين": "MISC", "😀": "MISC",
}
NAME_RE = re.compile("|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)))
# A document that is not a seed: emoji (non-BMP, a flag), tashkeel, and CRLF in the file.
EXTRA_TXT = ("قال غالانت 😀 إن إسرائيل 🇵🇸 ستواصل في غزة، وأكد أوستن دعم واشنطن للمختطَفين.\r\n"
             "وقال نتنياهو إن حماس رفضت.\r\n\r\nالمصدر: وكالات\r\n\r\nمقالات مشابهة\r\n"
             "  • بلينكن في تل أبيب\r\n")


def zone_cuts(text: str) -> tuple[int, int]:
    source = text.rfind("المصدر")
    cut1 = source if source > 0 else max(1, text.rfind("\n", 0, int(len(text) * 0.8)) + 1)
    cut2 = text.find("\n", cut1 + 1) + 1 or len(text) - 1
    return cut1, min(cut2, len(text) - 1)


def labeler_layer(text: str, rng: random.Random, noise: float) -> Layer:
    """What one labeler marks: zones, the names of NAMES (with `noise` share of slips), and
    two stances."""
    layer = Layer.empty(len(text))
    cut1, cut2 = zone_cuts(text)
    if rng.random() < noise * 3:
        cut1 += rng.choice((-3, -1, 2, 7))
    layer = set_zone(layer, 0, cut1, "body")
    layer = set_zone(layer, cut1, cut2, "source")
    layer = set_zone(layer, cut2, len(text), "boilerplate")
    for m in NAME_RE.finditer(text):
        start, end, label = m.start(), m.end(), NAMES[m.group()]
        roll = rng.random()
        if roll < noise:
            continue
        if roll < 2 * noise and end - start > 2:
            end -= 1
        elif roll < 3 * noise:
            label = {"PER": "ORG", "ORG": "LOC", "LOC": "ORG", "MISC": "PER"}[label]
        layer = add_entity(layer, Entity(start, end, label))
    values = ("favor", "against", "neutral", "unclear")
    stances = [Stance(AUTHOR, "إسرائيل", rng.choice(values[:2]) if rng.random() < 0.5
                      else "against")]
    person = next((e for e in layer.entities if e.label == "PER" and "غالانت" in text[e.start:e.end]
                   and text[e.start:e.end] == "غالانت"), None)
    if person is not None and rng.random() < 0.8:
        stances.append(Stance(EntityRef(person.start, person.end), "حماس",
                              rng.choice(values)))
    return replace(layer, stances=tuple(stances))


def annotate(project: Project, labeler: str, seed: int, noise: float = 0.08) -> None:
    """Annotate every document of the file through project.edit, as the window would: zones,
    then entities, then stances, each one logged edit."""
    for doc_id in project.document_ids():
        text = project.get_text(doc_id)
        rng = random.Random(f"{seed}:{doc_id}")
        target = labeler_layer(text, rng, noise)
        project.edit(doc_id, labeler, labeler, "zone", lambda old: replace(old, zones=target.zones))
        project.edit(doc_id, labeler, labeler, "entity",
                     lambda old: replace(old, entities=target.entities))
        project.edit(doc_id, labeler, labeler, "stance",
                     lambda old: replace(old, stances=target.stances))
        project.set_status(doc_id, labeler, "done", add_seconds=30)


def add_extra_document(project: Project, folder: Path) -> str:
    from tests.projects import import_files

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "extra_emoji_crlf.txt"
    path.write_bytes(EXTRA_TXT.encode("utf-8"))
    assert len(import_files(project, [path])) == 1
    return "extra_emoji_crlf"


@pytest.fixture
def labeled(seeded, tmp_path):
    """The seeds (plus a document with emoji and CRLF) packed for labelers a and b (every
    document to both), annotated in their files, merged back."""
    add_extra_document(seeded, tmp_path / "extra")
    files = pack(seeded, tmp_path / "batches", ["a", "b"], overlap=1.0)
    for seed, packed in enumerate(files):
        with Project.open(packed.path) as batch:
            annotate(batch, packed.labeler, seed)
    for packed in files:
        result = merge(seeded, packed.path)
        assert result.taken == seeded.count_documents()
    return seeded
