"""Qt-free sessions: what a window shows and edits, tested without a display.

AnnotationSession (a labeler's document, layers, edits, undo routing, suggestions, status,
time) and ReviewSession (a reviewer's disagreements, decisions and gold). Both write only
through the store's API and tell windows what changed through observer.Signal."""
from .annotation import AnnotationSession
from .suggestions import pending_suggestions
from .observer import Signal
from .saving import SAVED, SaveQueue

__all__ = ["AnnotationSession", "SAVED", "SaveQueue", "Signal", "pending_suggestions"]
