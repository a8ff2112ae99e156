"""The search dock: a box, the hits (one row per hit, with its snippet), and a click that opens
the document with the hit selected and every hit of that document highlighted.

Search ignores tashkeel, tatweel, hamza/alef/yeh/teh-marbuta spellings and proclitics
(annotator.store.search); hits are code-point offsets in the stored text.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (QApplication, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QProgressDialog,
                               QStyle, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout,
                               QWidget)

from ..store.search import Result, ensure_index, search, snippet
from . import i18n
from .i18n import counted, tr
from .panels import plain_tooltip

MAX_DOCUMENTS = 200
HIT_ROLE = Qt.UserRole + 1  # (doc_id, start, end)
SNIPPET_ROLE = Qt.UserRole + 2  # (snippet, (a, b))

i18n.add_strings({
    "search.title": ("Search", "بحث"),
    "search.indexing": ("Indexing the corpus for search…", "جارٍ فهرسة المدونة للبحث…"),
    # Short enough for the narrow dock; the rest is the box's tooltip.
    "search.placeholder": ("Search all documents", "ابحث في كل المستندات"),
    "search.hint": ("Tashkeel and hamza forms do not matter: حماس finds حَمَاس and أ/إ/ا alike.",
                    "لا فرق للتشكيل ولا لصور الهمزة: «حماس» تجد «حَمَاس»، و أ/إ/ا سواء."),
    "search.focus": ("Search the corpus…", "البحث في المدونة…"),
    "search.none": ("No document contains “{query}”.", "لا يوجد مستند يحوي «{query}»."),
    # hits, docs: i18n.counted (docs after a preposition)
    "search.count": ("{hits} in {docs}", "{hits} في {docs}"),
    "search.more": ("{hits} in the first {docs}", "{hits} في أول {docs}"),
})


class _SnippetDelegate(QStyledItemDelegate):
    """Draws a row as its document id and snippet, the hit in bold."""

    def _document(self, index, option) -> QTextDocument:
        doc_id, _start, _end = index.data(HIT_ROLE)
        text, (a, b) = index.data(SNIPPET_ROLE)
        body = (html.escape(text[:a]) + "<b><span style='background:#ffe94d'>"
                + html.escape(text[a:b]) + "</span></b>" + html.escape(text[b:]))
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        # The id reads left to right, the Arabic snippet right to left, whatever the
        # interface language.
        document.setHtml(f"<p dir='ltr' style='color:#666; margin:0'>{html.escape(doc_id)}</p>"
                         f"<p dir='rtl' style='margin:0'>{body}</p>")
        document.setTextWidth(max(120, option.rect.width() - 8))
        return document

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, opt.widget)
        document = self._document(index, option)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.State_Selected:
            context.palette.setColor(QPalette.Text,
                                     option.palette.color(QPalette.HighlightedText))
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 2)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        document = self._document(index, option)
        return QSize(int(document.idealWidth()) + 8, int(document.size().height()) + 4)


class SearchPanel(QWidget):
    def __init__(self, window):
        super().__init__()
        self.setObjectName("searchPanel")
        self.window_ = window
        self.results: list[Result] = []
        self.box = QLineEdit(objectName="searchBox")
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.run)
        self.summary = QLabel(objectName="searchSummary")
        self.summary.setWordWrap(True)
        self.list = QListWidget(objectName="searchResults")
        self.list.setItemDelegate(_SnippetDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollPerPixel)
        self.list.itemActivated.connect(self.open_item)
        self.list.itemClicked.connect(self.open_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        window.document_changed.connect(self._highlight_current)
        i18n.notifier.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, _lang: str | None = None) -> None:
        self.box.setPlaceholderText(tr("search.placeholder"))
        self.box.setToolTip(tr("search.hint"))
        if self.results or self.box.text().strip():
            self._summarize()

    def run(self, query: str | None = None) -> list[Result]:
        """Search for `query` (default: the box's text) and list the hits."""
        if query is not None:
            self.box.setText(query)
        query = self.box.text()
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self._build_index()
            self.results = search(self.window_.project, query, MAX_DOCUMENTS)
        finally:
            QApplication.restoreOverrideCursor()
        self.list.clear()
        for result in self.results:
            text = self.window_.project.get_text(result.doc_id)
            for hit in result.hits:
                item = QListWidgetItem()
                item.setData(HIT_ROLE, (result.doc_id, hit.start, hit.end))
                item.setData(SNIPPET_ROLE, snippet(text, hit))
                item.setToolTip(plain_tooltip(result.doc_id))
                self.list.addItem(item)
        self._summarize()
        self._highlight_current()
        return self.results

    def _build_index(self) -> None:
        """The first search indexes the corpus (a minute or two for 100,000 documents): show
        how far it is rather than a frozen window. Each batch is committed, so closing the
        window midway loses nothing; the next search goes on from there."""
        dialog = QProgressDialog(tr("search.indexing"), "", 0, 0, self.window_)
        dialog.setObjectName("searchIndexProgress")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(500)

        def step(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            QApplication.processEvents()
        try:
            ensure_index(self.window_.project, step)
        finally:
            dialog.close()

    def _summarize(self) -> None:
        if not self.results:
            self.summary.setText(tr("search.none", query=self.box.text().strip())
                                 if self.box.text().strip() else "")
            return
        hits = sum(len(r.hits) for r in self.results)
        key = "search.more" if len(self.results) >= MAX_DOCUMENTS else "search.count"
        self.summary.setText(tr(key, hits=counted(hits, "hit"),
                                docs=counted(len(self.results), "document",
                                             after_preposition=True)))

    def open_item(self, item: QListWidgetItem) -> None:
        doc_id, start, end = item.data(HIT_ROLE)
        self.window_.show_document(doc_id, select=(start, end))

    def hits_in(self, doc_id: str | None) -> list[tuple[int, int]]:
        for result in self.results:
            if result.doc_id == doc_id:
                return [(h.start, h.end) for h in result.hits]
        return []

    def _highlight_current(self, _doc_id: str | None = None) -> None:
        self.window_.article_view.set_highlights(self.hits_in(self.window_.current_doc_id()))

    def focus(self) -> None:
        dock = self.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()
        self.box.setFocus()
        self.box.selectAll()


def install(window) -> SearchPanel:
    from .commands import SEARCH_FOCUS
    from .window_base import register_commands

    panel = SearchPanel(window)
    window.add_dock(panel, lambda: tr("search.title"), Qt.LeftDockWidgetArea)
    window.search_panel = panel
    register_commands(window, [SEARCH_FOCUS])
    return panel
