"""The interface in Arabic and English.

A table of strings rather than Qt .ts/.qm files: there is no build step, every string lives next
to its translation, and extensions add theirs with `add_strings`. Changing the language mirrors
the whole application (QApplication.setLayoutDirection) and tells every widget to retranslate
through `notifier.changed`.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

LANGUAGES = ("ar", "en")

# key: (English, Arabic)
STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("Annotator — {project}", "المُعلِّم — {project}"),
    "app.title.doc": ("Annotator — {project} — {doc}", "المُعلِّم — {project} — {doc}"),
    # menus
    "menu.file": ("File", "ملف"),
    "menu.edit": ("Edit", "تحرير"),
    "menu.label": ("Label", "التوسيم"),
    "menu.document": ("Document", "المستند"),
    "menu.view": ("View", "عرض"),
    "menu.review": ("Review", "المراجعة"),
    "menu.assist": ("Suggestions", "الاقتراحات"),
    "menu.help": ("Help", "مساعدة"),
    "menu.zone_line": ("Zone of the whole line", "منطقة السطر كاملًا"),
    "menu.entity_exact": ("Entity, exact characters", "كيان بالحروف كما حُدِّدت"),
    "menu.relabel": ("Relabel as", "تغيير الوسم إلى"),
    "menu.language": ("Language", "اللغة"),
    # toolbars
    "toolbar.zones": ("Zones", "المناطق"),
    "toolbar.entities": ("Entities", "الكيانات"),
    "toolbar.stance": ("Stance", "الموقف"),
    # file
    "action.open": ("Open project…", "فتح مشروع…"),
    "action.settings": ("Settings…", "الإعدادات…"),
    "action.quit": ("Quit", "خروج"),
    # edit
    "action.undo": ("Undo", "تراجع"),
    "action.redo": ("Redo", "إعادة"),
    "action.delete": ("Delete entity at the caret", "حذف الكيان عند المؤشر"),
    # label
    "action.zone_line": ("{label} (whole line)", "{label} (السطر كاملًا)"),
    "action.entity_exact": ("{label} (exact characters)", "{label} (الحروف كما هي)"),
    "action.stance": ("Stance: {label}…", "موقف: {label}…"),
    "action.boundary_next_char": ("Move zone boundary one character forward",
                                  "تحريك حد المنطقة حرفًا إلى الأمام"),
    "action.boundary_prev_char": ("Move zone boundary one character back",
                                  "تحريك حد المنطقة حرفًا إلى الخلف"),
    "action.boundary_next_word": ("Move zone boundary one word forward",
                                  "تحريك حد المنطقة كلمةً إلى الأمام"),
    "action.boundary_prev_word": ("Move zone boundary one word back",
                                  "تحريك حد المنطقة كلمةً إلى الخلف"),
    "action.boundary_to_caret": ("Move the nearest zone boundary to the caret",
                                 "نقل أقرب حد منطقة إلى المؤشر"),
    # document
    "action.done": ("Mark done and go to the next", "تم — الانتقال إلى التالي"),
    "action.skip": ("Skip and go to the next", "تخطٍّ — الانتقال إلى التالي"),
    "action.reopen": ("Mark in progress", "إعادة إلى «قيد العمل»"),
    "action.next": ("Next unfinished document", "المستند غير المنجز التالي"),
    "action.previous": ("Previous unfinished document", "المستند غير المنجز السابق"),
    "action.flag": ("Flag for review", "تعليم للمراجعة"),
    "action.note": ("Edit the note", "تحرير الملاحظة"),
    "action.focus_queue": ("Go to the queue", "الانتقال إلى القائمة"),
    "action.focus_text": ("Go to the text", "الانتقال إلى النص"),
    "action.focus_entities": ("Go to the entity list", "الانتقال إلى قائمة الكيانات"),
    "action.focus_stances": ("Go to the stance list", "الانتقال إلى قائمة المواقف"),
    # view
    "action.zoom_in": ("Zoom in", "تكبير"),
    "action.zoom_out": ("Zoom out", "تصغير"),
    "action.zoom_reset": ("Normal size", "الحجم العادي"),
    "action.lang_ar": ("العربية", "العربية"),
    "action.lang_en": ("English", "English"),
    # assist
    "action.accept": ("Accept the suggestion at the caret", "قبول الاقتراح عند المؤشر"),
    "action.accept_all": ("Accept all suggestions", "قبول كل الاقتراحات"),
    "action.reject": ("Reject the suggestion at the caret", "رفض الاقتراح عند المؤشر"),
    "action.next_suggestion": ("Select the next suggestion", "تحديد الاقتراح التالي"),
    "action.hide_suggestions": ("Hide suggestions", "إخفاء الاقتراحات"),
    "action.label_names": ("Show label names on entities", "إظهار أسماء الوسوم على الكيانات"),
    "view.suggestion_tip": ("suggestion:", "اقتراح:"),  # before a suggestion's tooltip
    "done.warning.title": ("Mostly unlabeled", "معظمه بلا وسم"),
    "done.warning.text": ("{percent}% of this document's text is in no zone. Mark it done "
                          "anyway?", "{percent}٪ من نص هذا المستند خارج أي منطقة. تعليمه "
                          "منتهيًا على أي حال؟"),
    "done.warning.yes": ("Mark &done", "تعليمه &منتهيًا"),
    # help
    "action.keys": ("Keyboard map", "خريطة المفاتيح"),
    "action.guidelines": ("Guidelines", "إرشادات التوسيم"),
    # docks
    "dock.queue": ("Queue", "قائمة المستندات"),
    "dock.entities": ("Entities", "الكيانات"),
    "dock.stances": ("Stance", "المواقف"),
    "dock.note": ("Note", "ملاحظة"),
    "dock.guidelines": ("Guidelines", "إرشادات التوسيم"),
    # queue
    "queue.filter": ("Show:", "عرض:"),
    "queue.all": ("All", "الكل"),
    "queue.unfinished": ("Unfinished", "غير المنجز"),
    "queue.least_certain": ("Unfinished, least certain first", "غير المنجز، الأقل يقينًا أولًا"),
    "queue.col.n": ("#", "#"),
    "queue.col.doc": ("Document", "المستند"),
    "queue.col.status": ("Status", "الحالة"),
    "status.todo": ("to do", "لم يبدأ"),
    "status.in_progress": ("in progress", "قيد العمل"),
    "status.done": ("done", "تم"),
    "status.skipped": ("skipped", "متخطّى"),
    "status.reviewed": ("reviewed", "رُوجع"),
    # entity panel
    "entities.col.text": ("Text", "النص"),
    "entities.col.label": ("Label", "الوسم"),
    "entities.col.span": ("Offsets", "المواضع"),
    "entities.delete": ("Delete", "حذف"),
    # stance panel / editor
    "stance.add": ("Add", "إضافة"),
    "stance.edit": ("Edit", "تعديل"),
    "stance.delete": ("Delete", "حذف"),
    "stance.holder": ("Holder:", "صاحب الموقف:"),
    "stance.target": ("Target:", "الهدف:"),
    "stance.value": ("Value:", "الموقف:"),
    "stance.evidence": ("Evidence:", "الشاهد:"),
    "stance.no_evidence": ("(none — select text before adding)", "(لا شيء — حدِّد نصًّا قبل الإضافة)"),
    "stance.use_selection": ("Use the current selection", "استخدام التحديد الحالي"),
    "stance.clear_evidence": ("Clear", "مسح"),
    "stance.author": ("the author (the article)", "الكاتب (المقال)"),
    "stance.title": ("Stance", "الموقف"),
    "stance.target_needed": ("A stance needs a target.", "يحتاج الموقف إلى هدف."),
    "stance.row": ("{holder} → {target}: {value}", "{holder} ← {target}: {value}"),
    # note panel
    "note.placeholder": ("A note about this document (saved as you type)",
                         "ملاحظة عن هذا المستند (تُحفظ أثناء الكتابة)"),
    "note.flag": ("Flag for review", "تعليم للمراجعة"),
    # status bar
    "bar.saved": ("Saved.", "حُفِظ."),
    "bar.changed_elsewhere": ("Changed by someone else: shown as it is now.",
                              "غيّره شخص آخر: يُعرض كما هو الآن."),
    "bar.saved_what": ("Saved: {what}.", "حُفِظ: {what}."),
    "bar.undone": ("Undone: {what}. Saved.", "تم التراجع: {what}. حُفِظ."),
    "bar.redone": ("Redone: {what}. Saved.", "أُعيد: {what}. حُفِظ."),
    "bar.nothing_to_undo": ("Nothing to undo.", "لا شيء للتراجع عنه."),
    "bar.nothing_to_redo": ("Nothing to redo.", "لا شيء لإعادته."),
    "bar.no_change": ("Nothing changed.", "لم يتغير شيء."),
    "bar.select_first": ("Select some text first.", "حدِّد نصًّا أولًا."),
    "bar.no_boundary": ("This document has no zone boundary yet.",
                        "لا حدود مناطق في هذا المستند بعد."),
    "bar.no_entity": ("No entity at the caret.", "لا كيان عند المؤشر."),
    "bar.no_suggestion": ("No suggestion at the caret.", "لا اقتراح عند المؤشر."),
    "bar.not_saved": ("Not saved: {error}", "لم يُحفظ: {error}"),
    "bar.not_saved_banner": ("NOT SAVED — {reason}. Your last edits are kept on screen and "
                             "will be written as soon as the file can be written again.",
                             "لم يُحفظ — {reason}. تعديلاتك الأخيرة باقية على الشاشة وستُكتب "
                             "حالما أمكنت الكتابة في الملف."),
    "bar.not_saved_banner_rescued": (
        "NOT SAVED — {reason}. Your last edits are kept on screen and in a file of their own "
        "(they come back if the window closes), and will be written as soon as the file can "
        "be written again.",
        "لم يُحفظ — {reason}. تعديلاتك الأخيرة باقية على الشاشة وفي ملف خاص بها (تعود إن "
        "أُغلقت النافذة)، وستُكتب حالما أمكنت الكتابة في الملف."),
    "bar.not_saved_badge": ("NOT SAVED", "لم يُحفظ"),
    "bar.kept_what": ("Not saved yet (kept, retrying): {what}.",
                      "لم يُحفظ بعد (محفوظ على الشاشة، ستُعاد المحاولة): {what}."),
    "bar.undone_unsaved": ("Undone an edit that had not been saved.",
                           "تم التراجع عن تعديل لم يكن قد حُفظ."),
    "close.not_saved_rescued": (
        "Your last edits are NOT SAVED in the project ({reason}). Your labels are kept in a "
        "file of their own and come back when you open this project again (a status, note "
        "or time spent since then is not). Cancel keeps the window open and tries again.",
        "تعديلاتك الأخيرة لم تُحفظ في المشروع ({reason}). وسومك محفوظة في ملف خاص بها وتعود "
        "حين تفتح هذا المشروع مرة أخرى (أما الحالة والملاحظة والوقت المستغرق منذئذ فلا). "
        "«إلغاء» يُبقي النافذة مفتوحة ويعيد المحاولة."),
    "rescue.restored": ("Restored the edits of {documents} that were not saved last time.",
                        "استُعيدت تعديلات {documents} لم تُحفظ في المرة السابقة."),
    "rescue.problems": ("Some edits that were not saved last time were not restored:",
                        "لم تُستعد بعض التعديلات التي لم تُحفظ في المرة السابقة:"),
    "close.not_saved": ("Your last edits are NOT SAVED ({reason}). Closing now loses them. "
                        "Cancel keeps the window open and tries again.",
                        "تعديلاتك الأخيرة لم تُحفظ ({reason}). الإغلاق الآن يُضيّعها. "
                        "«إلغاء» يُبقي النافذة مفتوحة ويعيد المحاولة."),
    "reason.disk_full": ("the disk is full", "القرص ممتلئ"),
    "reason.read_only": ("the project file is read-only", "ملف المشروع للقراءة فقط"),
    "window.read_only": ("read-only: nothing is saved", "للقراءة فقط: لا يُحفظ شيء"),
    "reason.locked": ("the project file is locked by another program",
                      "ملف المشروع مقفل من برنامج آخر"),
    "reason.damaged": ("the project file is damaged", "ملف المشروع تالف"),
    "reason.io": ("the project file cannot be written", "تتعذر الكتابة في ملف المشروع"),
    "bar.all_finished": ("No unfinished document left in that direction.",
                         "لا مستند غير منجز في هذا الاتجاه."),
    "bar.progress": ("{done} of {total} done · {time} spent",
                     "أُنجز {done} من {total} · الوقت المستغرق {time}"),
    "bar.accepted": ("Accepted {n} suggestion(s). Saved.", "قُبل {n} من الاقتراحات. حُفِظ."),
    "bar.rejected": ("Rejected {n} suggestion(s). Saved.", "رُفض {n} من الاقتراحات. حُفِظ."),
    "bar.suggestions": ("Suggestions: {accepted} accepted, {rejected} rejected",
                        "الاقتراحات: {accepted} مقبول، {rejected} مرفوض"),
    "bar.empty_project": ("This project has no documents yet. Import some with "
                          "`annotator import`.",
                          "لا مستندات في هذا المشروع بعد. استورد بعضها بالأمر "
                          "`annotator import`."),
    # change-log actions, as shown in undo messages
    "what.zone": ("zone", "منطقة"),
    "what.boundary": ("zone boundary", "حد منطقة"),
    "what.entity": ("entity", "كيان"),
    "what.relabel": ("entity label", "وسم كيان"),
    "what.delete-entity": ("entity deleted", "حذف كيان"),
    "what.stance": ("stance", "موقف"),
    "what.edit-stance": ("stance edited", "تعديل موقف"),
    "what.delete-stance": ("stance deleted", "حذف موقف"),
    "what.accept": ("suggestion accepted", "قبول اقتراح"),
    "what.reject": ("suggestion rejected", "رفض اقتراح"),
    # dialogs
    "ask.name.title": ("Your name", "اسمك"),
    "ask.name.text": ("Your name as a labeler (your annotations are saved under it):",
                      "اسمك بصفتك مُوسِّمًا (تُحفظ توسيماتك باسمه):"),
    "open.title": ("Open a project", "فتح مشروع"),
    "open.filter": ("Annotator projects (*.db *.annotator);;All files (*)",
                    "مشاريع المُعلِّم (*.db *.annotator);;كل الملفات (*)"),
    "open.failed": ("Cannot open the project", "تعذَّر فتح المشروع"),
    "settings.title": ("Settings", "الإعدادات"),
    "settings.language": ("Interface language:", "لغة الواجهة:"),
    "settings.name": ("Labeler name:", "اسم المُوسِّم:"),
    "settings.name_note": ("A new name takes effect the next time a project is opened.",
                           "يسري الاسم الجديد عند فتح المشروع في المرة القادمة."),
    "keys.title": ("Keyboard map", "خريطة المفاتيح"),
    "keys.col.key": ("Key", "المفتاح"),
    "keys.col.command": ("Command", "الأمر"),
    "author": ("author", "الكاتب"),
    "button.save": ("Save", "حفظ"),
    "button.cancel": ("Cancel", "إلغاء"),
    "button.ok": ("OK", "موافق"),
    "button.close": ("Close", "إغلاق"),
}

_language = "en"
# Qt's own strings (standard buttons, file dialog, text-field context menus) in Arabic.
_qt_translator: QTranslator | None = None


class _LanguageChanged:
    """Like a Qt signal (connect / disconnect / emit), but a listener whose widget is gone is
    dropped instead of raising: extensions may connect a plain function that closes over a
    dock or an action of a window that has since been closed."""

    def __init__(self):
        self._listeners: list[Callable[[str], None]] = []

    def connect(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Callable[[str], None]) -> None:
        self._listeners.remove(listener)

    def emit(self, lang: str) -> None:
        for listener in list(self._listeners):
            try:
                listener(lang)
            except RuntimeError as exc:
                if "already deleted" not in str(exc):
                    raise
                self._listeners.remove(listener)


class _Notifier:
    changed = _LanguageChanged()


notifier = _Notifier()


def add_strings(strings: dict[str, tuple[str, str]]) -> None:
    """For extensions: register (English, Arabic) pairs under their own keys."""
    STRINGS.update(strings)


def language() -> str:
    return _language


def tr(key: str, **values) -> str:
    pair = STRINGS.get(key)
    text = key if pair is None else pair[1 if _language == "ar" else 0]
    return text.format(**values) if values else text


# Counted nouns. English: singular, plural. Arabic takes the noun's form from the number
# (CLDR's plural categories): one, two, few (n % 100 in 3..10), many (n % 100 in 11..99),
# other (0, 100, 101, …): "مستند واحد، مستندان، 5 مستندات، 11 مستندًا، 100 مستند"; and the
# dual has its own form after a preposition or in a construct ("في مستندين", "من خلافين").
NOUNS: dict[str, tuple[tuple[str, str], tuple[str, str, str, str, str, str]]] = {
    # English (one, other); Arabic (one, two, few, many, other, two after a preposition)
    "document": (("document", "documents"),
                 ("مستند واحد", "مستندان", "{n} مستندات", "{n} مستندًا", "{n} مستند",
                  "مستندين")),
    "hit": (("hit", "hits"),
            ("نتيجة واحدة", "نتيجتان", "{n} نتائج", "{n} نتيجة", "{n} نتيجة", "نتيجتين")),
    "disagreement": (("disagreement", "disagreements"),
                     ("خلاف واحد", "خلافان", "{n} خلافات", "{n} خلافًا", "{n} خلاف", "خلافين")),
    "entity": (("entity", "entities"),
               ("كيان واحد", "كيانان", "{n} كيانات", "{n} كيانًا", "{n} كيان", "كيانين")),
    "confirmed_page": (("confirmed page", "confirmed pages"),
                       ("صفحة مؤكَّدة واحدة", "صفحتان مؤكَّدتان", "{n} صفحات مؤكَّدة",
                        "{n} صفحة مؤكَّدة", "{n} صفحة مؤكَّدة", "صفحتين مؤكَّدتين")),
    "unit": (("unit", "units"),
             ("وحدة واحدة", "وحدتان", "{n} وحدات", "{n} وحدة", "{n} وحدة", "وحدتين")),
    "damaged_layer": (("damaged layer", "damaged layers"),
                      ("طبقة تالفة واحدة", "طبقتان تالفتان", "{n} طبقات تالفة", "{n} طبقة تالفة",
                       "{n} طبقة تالفة", "طبقتين تالفتين")),
}


def counted(n: int, noun: str, after_preposition: bool = False) -> str:
    """n and the noun, grammatical in the interface language: counted(5, "document"); after
    a preposition (في، من) or as the second noun of a construct (أول), Arabic's dual is
    مستندين, not مستندان."""
    english, arabic = NOUNS[noun]
    if _language != "ar":
        return f"{n} {english[0] if n == 1 else english[1]}"
    one, two, few, many, other, two_oblique = arabic
    form = one if n == 1 else (two_oblique if after_preposition else two) if n == 2 \
        else few if 3 <= n % 100 <= 10 else many if 11 <= n % 100 <= 99 else other
    return form.format(n=n)


def label_text(label) -> str:
    """A schema Label's display name in the interface language."""
    return label.ar if _language == "ar" else label.en


def label_name(schema, kind: str, name: str) -> str:
    """A stored label's display name in the interface language (شخص, not PER); a label the
    schema does not have (any more) by its own name."""
    try:
        return label_text(schema.label(kind, name))
    except KeyError:
        return name


def default_language() -> str:
    # QLocale() is the system locale unless the application set another default.
    return "ar" if QLocale().language() == QLocale.Language.Arabic else "en"


def direction(lang: str | None = None) -> Qt.LayoutDirection:
    return Qt.RightToLeft if (lang or _language) == "ar" else Qt.LeftToRight


def set_language(lang: str) -> None:
    """Switch the interface language; mirrors every window for Arabic."""
    global _language, _qt_translator
    if lang not in LANGUAGES:
        raise ValueError(f"unknown interface language {lang!r} (known: {', '.join(LANGUAGES)})")
    _language = lang
    app = QApplication.instance()
    if app is not None:
        if _qt_translator is not None:
            app.removeTranslator(_qt_translator)
            _qt_translator = None
        if lang != "en":
            translator = QTranslator(app)
            if translator.load(f"qtbase_{lang}",
                               QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                app.installTranslator(translator)
                _qt_translator = translator
        app.setLayoutDirection(direction(lang))
    notifier.changed.emit(lang)


def ltr(text: str) -> str:
    """Text that reads left to right (ids, offsets) kept in that order inside a right-to-left
    interface: a left-to-right isolate around it, for display only."""
    return f"\u2066{text}\u2069"


def isolate(text: str) -> str:
    """Text in its own direction inside a line of the other (an Arabic name in an English
    line and the reverse): a first-strong isolate, for display only."""
    return f"\u2068{text}\u2069"


def listed(names) -> str:
    """Names in a list of the interface language (the Arabic comma in Arabic), each in its own
    direction: "a، b، سارة" rather than a run that reorders Latin and Arabic names."""
    return ("، " if _language == "ar" else ", ").join(isolate(n) for n in names)


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
