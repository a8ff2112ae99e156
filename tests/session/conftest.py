"""Projects for the sessions, built through the store's API (no CLI, no Qt)."""
from __future__ import annotations

import pytest

from annotator.core.model import Document
from annotator.store import Project
from annotator.store.project import ImportRecord

# Emoji and tashkeel before the names: offsets are code points, never UTF-16 units.
TEXTS = {
    "d1": "قال يوآف جالانت 😀 إن حماس تخسر.\n\nالمصدر: وكالات\n\nإقرأ أيضاً\nخبر آخر\n",
    "d2": "أكد لويد أوستن في واشنطن دعم المختطَفين.\n",
    "d3": "نص ثالث قصير.\n",
}


def span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def store(tmp_path):
    project = Project.create(tmp_path / "s.db")
    outcomes = project.import_documents([ImportRecord(Document(i, t), where=i)
                                         for i, t in TEXTS.items()])
    assert [o.state for o in outcomes] == ["added"] * len(TEXTS)
    yield project
    project.close()


class Recorder:
    """Everything a session announced, in order."""

    def __init__(self, session):
        self.events: list[tuple] = []
        for name in ("document_changed", "layers_changed", "edited", "message",
                     "status_changed", "save_state_changed"):
            getattr(session, name).connect(lambda *args, name=name: self.events.append((name, *args)))

    def names(self) -> list[str]:
        return [e[0] for e in self.events]

    def messages(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "message"]

    def clear(self) -> None:
        self.events.clear()
