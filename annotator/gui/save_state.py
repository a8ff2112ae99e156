"""The saving state of a session, made unmissable: while an edit is not on disk a red banner
sits above the text and a red NOT SAVED badge in the status bar, with the reason, and a timer
retries every RETRY_MS (the session also retries on every edit). When the retry succeeds both
go away and the status bar says saved. Nothing here says "saved" while anything is pending."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox

from ..session import SAVED
from .banner import BannerRow
from .i18n import tr

NOT_SAVED_STYLE = "background: #c62828; color: white; font-weight: bold; padding: 2px 8px;"
RETRY_MS = 5_000


class SaveStateView:
    def __init__(self, window, session):
        self.window = window
        self.session = session
        # Added to the status bar on the first failure: even hidden it would change the bar's
        # height.
        self.badge = QLabel(objectName="saveState")
        self.badge.setStyleSheet(NOT_SAVED_STYLE)
        self.badge.hide()
        # Above the text, across the window, where the labeler looks: hidden while
        # everything is saved.
        self.banner_row = BannerRow(window, "notSavedBanner",
                                    NOT_SAVED_STYLE + "padding: 6px 12px; font-size: 14pt;")
        self.banner, self.banner_bar = self.banner_row.label, self.banner_row.bar
        self.retry_timer = QTimer(window, interval=RETRY_MS)
        self.retry_timer.timeout.connect(session.retry)
        session.save_state_changed.connect(self.show_state)
        session.rescue_changed.connect(self._rescue_changed)

    def _rescue_changed(self) -> None:
        if not self.session.saving.saved:
            self.show_state(self.session.save_state)

    def show_state(self, state: str) -> None:
        window = self.window
        if state == SAVED:
            self.banner_row.hide()
            self.badge.hide()
            self.retry_timer.stop()
            window.statusBar().showMessage(tr("bar.saved"), 3000)
            return
        reason = self.session.saving.reason or "io"
        self.banner_row.show(tr("bar.not_saved_banner_rescued" if self.session.unsaved_rescued()
                                else "bar.not_saved_banner", reason=tr(f"reason.{reason}")))
        self.badge.setText(tr("bar.not_saved_badge"))
        if self.badge.parent() is not window.statusBar():
            window.statusBar().addPermanentWidget(self.badge)
        self.badge.show()
        if not self.retry_timer.isActive():
            self.retry_timer.start()

    def may_close(self) -> bool:
        """Before the window closes: one more try, and if edits are still not on disk, ask
        whether to close anyway (they would be lost) or stay and try again later."""
        if self.session.retry():
            return True
        # Kept in the rescue file (session/rescue.py), they come back at the next opening.
        key = "close.not_saved_rescued" if self.session.unsaved_rescued() else "close.not_saved"
        answer = QMessageBox.warning(
            self.window, tr("bar.not_saved_badge"),
            tr(key, reason=tr(f"reason.{self.session.saving.reason or 'io'}")),
            QMessageBox.Close | QMessageBox.Cancel, QMessageBox.Cancel)
        return answer == QMessageBox.Close

    def stop(self) -> None:
        self.retry_timer.stop()
        self.session.save_state_changed.disconnect(self.show_state)
        self.session.rescue_changed.disconnect(self._rescue_changed)
