"""The windows open now (main and review), kept referenced until they close. No Qt import:
gui/__init__ uses it before Qt is loaded."""
from __future__ import annotations

_windows: list = []


def keep(window):
    """Keep `window` referenced until its `closed` signal; returns it."""
    _windows.append(window)
    window.closed.connect(lambda: _windows.remove(window) if window in _windows else None)
    return window


def open_windows(kind: type | None = None) -> list:
    """The open windows, oldest first; only those of class `kind` if given."""
    return [w for w in _windows if kind is None or isinstance(w, kind)]
