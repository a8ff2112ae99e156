"""Live updates for a window on a project on a PostgreSQL server: a QTimer polls the
server's change notifications (non-blocking) and has the session re-read the document on
screen when someone else changed it (gold, another labeler's layer, a status). A window on
a file has nothing to poll."""
from __future__ import annotations

POLL_MS = 250  # shown within a second of the other person's commit


class LiveUpdates:
    def __init__(self, window, listener):
        from PySide6.QtCore import QTimer

        self.window = window
        self.listener = listener
        self.timer = QTimer(window)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        window.destroyed.connect(self.stop)

    def poll(self) -> bool:
        """Re-read the document on screen if it changed elsewhere; True if it was."""
        session = self.window.session
        try:
            changed = self.window.project.changed_elsewhere(self.listener, session.annotator)
        except Exception:  # noqa: a closed project or a lost server: the window keeps its view
            return False
        return bool(changed) and session.reload_if_changed(changed)

    def stop(self, *_args) -> None:
        self.timer.stop()
        self.listener.close()


def install(window) -> LiveUpdates | None:
    listener = window.project.listen()
    if listener is None:
        return None
    window.live_updates = LiveUpdates(window, listener)
    return window.live_updates
