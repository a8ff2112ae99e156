"""A window on a shared project. On a PostgreSQL server: live updates, a QTimer polling the
server's change notifications (non-blocking) and having the window re-read the document on
screen when someone else changed it (gold, another labeler's layer, a status). On a project
file that sits on a network file system: one warning line in the status bar (store.netfs).

Both windows take it: the labeling window and the review window, each with a session that
says who it writes as (`session.annotator`: their own changes are not news) and a
`reload_if_changed(doc ids)` that re-reads what is on screen."""
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
        return bool(changed) and self.window.reload_if_changed(changed)

    def stop(self, *_args) -> None:
        self.timer.stop()
        self.listener.close()


def install(window) -> LiveUpdates | None:
    from ..store.netfs import network_warning

    warning = network_warning(window.project)
    if warning:
        from PySide6.QtWidgets import QLabel

        label = QLabel("⚠ " + warning)
        label.setObjectName("network-share-warning")
        label.setToolTip(warning)
        window.statusBar().addPermanentWidget(label)
    listener = window.project.listen()
    if listener is None:
        return None
    window.live_updates = LiveUpdates(window, listener)
    return window.live_updates
