"""A plain-Python notification, shaped like a Qt signal (connect / disconnect / emit), so the
sessions can tell windows what changed without importing Qt: the sessions run and are tested
without a display, and a window repaints in the listener it connects."""
from __future__ import annotations

from typing import Any, Callable


class Signal:
    def __init__(self) -> None:
        self._listeners: list[Callable[..., Any]] = []

    def connect(self, listener: Callable[..., Any]) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Callable[..., Any]) -> None:
        self._listeners.remove(listener)

    def emit(self, *args: Any) -> None:
        # A copy: a listener may disconnect itself (a window closing) while we go through them.
        for listener in list(self._listeners):
            listener(*args)
