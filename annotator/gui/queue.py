"""The document queue: a lazy table model over the project's documents and their status.

Rows are read from the store a page at a time, only when a view asks for them, so a project of
100,000 documents opens at once. A status filter is the one operation that reads every status
(in large pages); it runs when the labeler picks a filter, never at start. The order "least
certain first" (active learning) shows the unfinished documents by the lowest confidence of
their entity suggestions, and next / previous document then follow that order.
"""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget)

from ..store.status import UNFINISHED
from .i18n import ltr, tr

PAGE = 256
MAX_PAGES = 64
SCAN_PAGE = 20000
NAV_CHUNK = 2048
# The queue item that orders rather than filters (its combo box data, beside status tuples).
LEAST_CERTAIN = "least_certain"
STATUS_COLORS = {"todo": None, "in_progress": "#fff4c2", "done": "#d7f0d2",
                 "skipped": "#e6e6e6", "reviewed": "#d6e4ff"}
FILTERS = (("all", None), ("unfinished", UNFINISHED), (LEAST_CERTAIN, LEAST_CERTAIN),
           ("todo", ("todo",)), ("in_progress", ("in_progress",)), ("done", ("done",)),
           ("skipped", ("skipped",)), ("reviewed", ("reviewed",)))


class QueueModel(QAbstractTableModel):
    DOC_ID_ROLE = Qt.UserRole + 1

    def __init__(self, project, annotator: str, parent=None):
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self._total = project.count_documents()
        self._pages: OrderedDict[int, list[list[str]]] = OrderedDict()
        self._rows: list[int] | None = None  # queue positions shown when a filter is on
        # Row of each shown position when `_rows` is not in queue order (least certain first).
        self._row_index: dict[int, int] | None = None
        self._statuses: tuple[str, ...] | str | None = None

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return self._total if self._rows is None else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        position = self.position(index.row())
        doc_id, status = self._entry(position)
        if role == Qt.DisplayRole:
            return (str(position + 1), ltr(doc_id), tr(f"status.{status}"))[index.column()]
        if role == self.DOC_ID_ROLE:
            return doc_id
        if role == Qt.BackgroundRole and STATUS_COLORS.get(status):
            return QBrush(QColor(STATUS_COLORS[status]))
        if role == Qt.ForegroundRole and STATUS_COLORS.get(status):
            return QBrush(QColor("#1a1a1a"))
        if role == Qt.ToolTipRole:
            return f"{doc_id} — {tr(f'status.{status}')}"
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return tr(("queue.col.n", "queue.col.doc", "queue.col.status")[section])
        return None

    # -- rows ----------------------------------------------------------------------------------
    def total(self) -> int:
        return self._total

    def position(self, row: int) -> int:
        """Queue position (0-based, over all documents) of a row of the model."""
        return row if self._rows is None else self._rows[row]

    def row_of_position(self, position: int) -> int | None:
        if self._rows is None:
            return position if 0 <= position < self._total else None
        if self._row_index is not None:
            return self._row_index.get(position)
        from bisect import bisect_left
        i = bisect_left(self._rows, position)
        return i if i < len(self._rows) and self._rows[i] == position else None

    def _page(self, page: int) -> list[list[str]]:
        rows = self._pages.get(page)
        if rows is None:
            rows = [list(r) for r in
                    self.project.statuses(self.annotator, page * PAGE, PAGE)]
            self._pages[page] = rows
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows

    def _entry(self, position: int) -> tuple[str, str]:
        page = self._page(position // PAGE)
        entry = page[position % PAGE]
        return entry[0], entry[1]

    def doc_id_at(self, position: int) -> str:
        return self._entry(position)[0]

    def status_at(self, position: int) -> str:
        return self._entry(position)[1]

    def position_of(self, doc_id: str) -> int | None:
        for page, rows in self._pages.items():
            for i, (known, _status) in enumerate(rows):
                if known == doc_id:
                    return page * PAGE + i
        offset = 0
        while offset < self._total:
            ids = self.project.document_ids(offset, SCAN_PAGE)
            if not ids:
                break
            if doc_id in ids:
                return offset + ids.index(doc_id)
            offset += len(ids)
        return None

    def set_status(self, doc_id: str, status: str) -> None:
        """Reflect a status the window just wrote (no re-read of the store)."""
        position = self.position_of(doc_id)
        if position is None:
            return
        page = self._pages.get(position // PAGE)
        if page is not None:
            page[position % PAGE][1] = status
        row = self.row_of_position(position)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    # -- filter and navigation -----------------------------------------------------------------
    def set_filter(self, statuses: tuple[str, ...] | str | None) -> None:
        """Show the documents with these statuses (None: all), or, with LEAST_CERTAIN, the
        unfinished ones least certain first."""
        self.beginResetModel()
        self._statuses = statuses
        self._pages.clear()
        self._row_index = None
        if statuses is None:
            self._rows = None
        elif statuses == LEAST_CERTAIN:
            self._rows = self.project.least_certain_positions(self.annotator)
            self._row_index = {position: row for row, position in enumerate(self._rows)}
        else:
            wanted = set(statuses)
            rows = []
            offset = 0
            while True:
                chunk = self.project.statuses(self.annotator, offset, SCAN_PAGE)
                rows.extend(offset + i for i, (_doc, status) in enumerate(chunk)
                            if status in wanted)
                if len(chunk) < SCAN_PAGE:
                    break
                offset += SCAN_PAGE
            self._rows = rows
        self.endResetModel()

    def current_filter(self) -> tuple[str, ...] | str | None:
        return self._statuses

    def next_unfinished(self, position: int, step: int) -> int | None:
        """The nearest queue position after (step=1) or before (step=-1) `position` whose
        status is unfinished, over all documents whatever the filter — or, in the order least
        certain first, the next one in that order (from its start when `position` is not in
        it). Reads in large chunks: the store pages with OFFSET, so many small pages would cost
        quadratic time."""
        if self._row_index is not None:
            return self._next_in_order(position, step)
        if step > 0:
            offset = position + 1
            while 0 <= offset < self._total:
                chunk = self.project.statuses(self.annotator, offset, NAV_CHUNK)
                for i, (_doc, status) in enumerate(chunk):
                    if status in UNFINISHED:
                        return offset + i
                offset += NAV_CHUNK
        else:
            end = min(position, self._total)
            while end > 0:
                offset = max(0, end - NAV_CHUNK)
                chunk = self.project.statuses(self.annotator, offset, end - offset)
                for i in range(len(chunk) - 1, -1, -1):
                    if chunk[i][1] in UNFINISHED:
                        return offset + i
                end = offset
        return None

    def _next_in_order(self, position: int, step: int) -> int | None:
        rows = self._rows
        row = self._row_index.get(position)
        if row is None:
            row = -1 if step > 0 else len(rows)
        row += step
        while 0 <= row < len(rows):
            if self.status_at(rows[row]) in UNFINISHED:
                return rows[row]
            row += step
        return None


class QueuePanel(QWidget):
    """Filter box and table. Emits `open_requested(doc_id)` on click or Enter."""

    open_requested = Signal(str)

    def __init__(self, project, annotator: str, parent=None):
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self.model = QueueModel(project, annotator, self)
        self.filter_label = QLabel()
        self.filter_box = QComboBox(objectName="queueFilter")
        for key, statuses in FILTERS:
            self.filter_box.addItem("", statuses)
        self.filter_box.currentIndexChanged.connect(
            lambda i: self.set_filter(self.filter_box.itemData(i)))
        self.table = QTableView(objectName="queueView")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        # Fixed row heights: with 100,000 rows the view must never measure them all.
        vertical.setSectionResizeMode(QHeaderView.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        # Fixed widths computed from the texts: measuring contents would read every row.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(8)
        header.setSectionResizeMode(0, QHeaderView.Fixed)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Fixed)
        self.table.activated.connect(self._open_index)
        self.table.clicked.connect(self._open_index)
        top = QHBoxLayout()
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.retranslate()

    def retranslate(self) -> None:
        self.filter_label.setText(tr("queue.filter"))
        for i, (key, _statuses) in enumerate(FILTERS):
            text = (tr(f"queue.{key}") if key in ("all", "unfinished", LEAST_CERTAIN)
                    else tr(f"status.{key}"))
            self.filter_box.setItemText(i, text)
        self.model.headerDataChanged.emit(Qt.Horizontal, 0, 2)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(0, metrics.horizontalAdvance("0" * len(str(self.model.total())))
                                 + 14)
        self.table.setColumnWidth(2, max(metrics.horizontalAdvance(tr(f"status.{s}"))
                                         for s in STATUS_COLORS) + 14)
        self.table.viewport().update()

    def set_filter(self, statuses: tuple[str, ...] | str | None) -> None:
        current = self.model.current_filter()
        if current == statuses:
            return
        box_index = self.filter_box.findData(statuses)
        if box_index >= 0 and box_index != self.filter_box.currentIndex():
            with QSignalBlocker(self.filter_box):
                self.filter_box.setCurrentIndex(box_index)
        # Reading every status (or every suggestion layer, least certain first: ~0.1 ms per
        # document) takes seconds on 100,000 documents.
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.model.set_filter(statuses)
        finally:
            QApplication.restoreOverrideCursor()

    def _open_index(self, index) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.data(index, QueueModel.DOC_ID_ROLE))

    def select_position(self, position: int) -> None:
        row = self.model.row_of_position(position)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows)
        self.table.scrollTo(index)
