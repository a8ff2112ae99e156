"""What the review window writes about disagreements: the interface strings, and each unit's
title, list line and detail, with every mixed-direction piece isolated so Arabic names inside
an English line (and the reverse) keep their order."""
from __future__ import annotations

from typing import Any

from ..core import adjudication as adj
from . import i18n
from .i18n import isolate, label_text, ltr, tr

i18n.add_strings({
    "review.title": ("Review — {project}", "المراجعة — {project}"),
    "review.title.doc": ("Review — {project} — {doc}", "المراجعة — {project} — {doc}"),
    "review.open": ("Review disagreements…", "مراجعة الخلافات…"),
    "review.queue": ("Review queue", "قائمة المراجعة"),
    "review.units": ("Disagreements", "الخلافات"),
    "review.col.document": ("Document", "المستند"),
    "review.col.disagreements": ("Disagreements", "الخلافات"),
    "review.col.status": ("Status", "الحالة"),
    # total: counted, after a preposition
    "review.progress": ("{done} of {total} reviewed", "رُوجع {done} من {total}"),
    "review.unit_progress": ("{done} of {total} decided", "حُسم {done} من {total}"),
    "review.gold": ("Gold (reviewer: {name})", "المعيار الذهبي (المراجِع: {name})"),
    "review.labeler": ("{number} · {name}", "{number} · {name}"),
    "review.missing": ("{name} has not labeled this document", "لم يوسم {name} هذا المستند"),
    "review.kind.entity": ("entity", "كيان"),
    "review.kind.zone": ("zone", "منطقة"),
    "review.kind.stance": ("stance", "موقف"),
    "review.nothing": ("nothing", "لا شيء"),
    "review.decided": ("decided", "محسوم"),
    "review.open_unit": ("open", "مفتوح"),
    "review.gold_has": ("gold: {version}", "الذهبي: {version}"),
    "review.all_decided": ("Every disagreement is decided. Ctrl+Enter marks the document "
                           "reviewed.", "حُسمت كل الخلافات. \u2066Ctrl+Enter\u2069 لتعليم المستند مُراجَعًا."),
    "review.damaged_layer": ("Damaged, left out (annotator check lists every problem): "
                             "{layers}",
                             "طبقة تالفة، استُبعدت (يسرد \u2066annotator check\u2069 كل "
                             "المشكلات): {layers}"),
    "review.damaged_queue": ("{count} left out of the queue (annotator check lists them).",
                             "استُبعدت من القائمة {count} "
                             "(يسردها \u2066annotator check\u2069)."),
    "review.no_disagreement": ("The labelers agree on everything here.",
                               "المُعلِّمون متفقون على كل شيء هنا."),
    "review.queue_done": ("Every document in the queue is reviewed.",
                          "رُوجعت كل مستندات القائمة."),
    "review.no_documents": ("No document has two labelers' layers yet.",
                            "لا مستند عليه طبقتا مُعلِّمَين بعد."),
    "review.settled": ("Already decided. Taking another version replaces the decision: "
                       "the window asks first.", "محسوم من قبل. أخذ نسخة أخرى يستبدل القرار: "
                       "تسأل النافذة أولًا."),
    "review.same_decision": ("Already decided this way: nothing changed.",
                             "محسوم هكذا من قبل: لم يتغير شيء."),
    "review.replace.title": ("Change a decision?", "تغيير قرار؟"),
    "review.replace.text": ("{unit}\n\nGold now: {old}\nWould become: {new}",
                            "{unit}\n\nالذهبي الآن: {old}\nسيصبح: {new}"),
    "review.replace.yes": ("&Replace the decision", "ا&ستبدال القرار"),
    "review.empty_help": (
        "Nothing to review yet.\n\nThe review window compares labelers: it needs documents "
        "labeled by two or more people. Give each labeler a copy (annotator pack), merge their "
        "files back (annotator merge), then open the review again.",
        "لا شيء للمراجعة بعد.\n\nتقارن نافذة المراجعة بين المُعلِّمين: تحتاج مستندات وسمها "
        "شخصان أو أكثر. أعطِ كل مُعلِّم نسخة (annotator pack)، وادمج ملفاتهم "
        "(annotator merge)، ثم افتح المراجعة من جديد."),
    "review.invalid": ("Not saved: {error}", "لم يُحفظ: {error}"),
    "review.menu.next": ("Next disagreement", "الخلاف التالي"),
    "review.menu.previous": ("Previous disagreement", "الخلاف السابق"),
    "review.menu.accept": ("Accept {name}'s version", "اعتماد نسخة {name}"),
    "review.menu.accept_agreed": ("Accept everything all labelers agree on",
                                  "اعتماد كل ما اتفق عليه المُعلِّمون"),
    "review.menu.reviewed": ("Mark reviewed and open the next document",
                             "تعليمه مُراجَعًا وفتح المستند التالي"),
    "review.menu.next_doc": ("Next document", "المستند التالي"),
    "review.menu.previous_doc": ("Previous document", "المستند السابق"),
    "review.menu.undo": ("Undo in gold", "تراجع في الذهبي"),
    "review.menu.redo": ("Redo in gold", "إعادة في الذهبي"),
    "review.menu.entity": ("Gold entity: {label}", "كيان ذهبي: {label}"),
    "review.menu.zone": ("Gold zone: {label}", "منطقة ذهبية: {label}"),
    "review.menu.stance": ("Gold stance: {label}", "موقف ذهبي: {label}"),
    "review.menu.delete": ("Remove gold entities in the selection", "حذف الكيانات الذهبية المحددة"),
    "review.menu.export": ("Export gold (JSONL)…", "تصدير الذهبي (JSONL)…"),
    "review.menu.agreement": ("Agreement figures…", "أرقام الاتفاق…"),
    "review.menu.close": ("Close", "إغلاق"),
    "review.menu.edit": ("Gold", "الذهبي"),
    "review.exported": ("Gold written to {path} ({n})", "كُتب الذهبي في {path} ({n})"),  # counted
    "review.export_filter": ("JSON Lines (*.jsonl)", "JSON Lines (*.jsonl)"),
    "review.export_failed": ("Gold not exported", "لم يُصدَّر الذهبي"),
})


def _chunk(text: str) -> str:
    """A piece of interface text (a labeler's number, name and version) kept whole, laid out in
    the interface's direction: "2 b: مكان «واشنطن»" reads from the right in Arabic."""
    return ("\u2067" if i18n.language() == "ar" else "\u2066") + text + "\u2069"


def _line(text: str) -> str:
    """A line that reads in the interface's direction whatever text it starts with."""
    return ("\u200f" if i18n.language() == "ar" else "\u200e") + text


def describe(schema, text: str, kind: str, version: Any) -> str:
    """A unit version in words: the stance value, the zones, or the entities with their text."""
    if kind == adj.STANCE:
        if version is None:
            return tr("review.nothing")
        return label_text(schema.label("stance", version.value))
    if kind == adj.ZONE:
        return " | ".join(label_text(schema.label("zone", z.label)) for z in version)
    if not version:
        return tr("review.nothing")
    return ", ".join(
        _chunk(f"{label_text(schema.label('entity', e.label))} «{isolate(text[e.start:e.end])}»")
        for e in version)


def unit_title(text: str, unit: adj.Unit) -> str:
    kind = tr(f"review.kind.{unit.kind}")
    if unit.kind == adj.STANCE:
        arrow = "←" if i18n.language() == "ar" else "→"  # points the way the line reads
        where = f"{isolate(unit.stance_key[0])} {arrow} {isolate(unit.stance_key[1])}"
    elif unit.kind == adj.ENTITY:
        where = f"«{isolate(text[unit.start:unit.end])}»"
    else:
        snippet = text[unit.start:unit.end].replace("\n", " ⏎ ")
        where = ltr(f"{unit.start}–{unit.end}") + f" «{isolate(snippet[:30])}»"
    return _line(f"{kind} · {where}")


def unit_item(schema, text: str, unit: adj.Unit, labelers: list[str], decided: bool) -> str:
    """The unit's two lines in the disagreement list: ✓ or •, title; each labeler's version."""
    versions = "  |  ".join(
        _chunk(f"{labelers.index(n) + 1} {isolate(n)}: {describe(schema, text, unit.kind, v)}")
        for n, v in unit.versions)
    return (_line(f"{'✓' if decided else '•'} {unit_title(text, unit)}") + "\n"
            + _line(f"   {versions}"))


def unit_detail(schema, text: str, unit: adj.Unit, labelers: list[str], gold: Any,
                decided: bool) -> str:
    """The detail pane: title, every labeler's version (keyed 1…9), what gold has now."""
    lines = [unit_title(text, unit), ""]
    for key, name in enumerate(labelers, 1):
        if name in unit.labelers:
            lines.append(_line(f"{key}  {isolate(name)}: "
                               f"{describe(schema, text, unit.kind, unit.version(name))}"))
        else:
            lines.append(_line(f"{key}  {tr('review.missing', name=isolate(name))}"))
    state = tr("review.decided") if decided else tr("review.open_unit")
    lines += ["", _line(tr("review.gold_has", version=describe(schema, text, unit.kind, gold))
                        + f" ({state})")]
    return "\n".join(lines)
