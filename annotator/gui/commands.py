"""Every window command declared once, as data: id (the QAction's object name), text (an i18n
key or a function returning the text), keys, menu, handler. window_base.register_commands turns
them into QActions on a window; the keyboard map (F1) and the README's keyboard table
(scripts/keymap.py) are read from the same declarations, so a key cannot be documented in one
place and bound differently in another.

No Qt here, so the README table can be printed without a display. A key "std:ZoomIn" names
Qt's standard key (QKeySequence.ZoomIn). Every key also works with an Arabic keyboard layout
(gui/keys.py maps the Arabic characters back) unless a command says arabic_layout=False.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

# Shown for a standard key where a concrete key is needed (the README).
STANDARD_KEYS = {"std:ZoomIn": "Ctrl++", "std:ZoomOut": "Ctrl+-"}


@dataclass(frozen=True)
class Command:
    id: str                                   # the QAction's object name
    text: str | Callable[[], str]             # an i18n key, or a function giving the text
    handler: Callable[..., Any]               # handler(window), or (window, checked)
    keys: tuple[str | None, ...] = ()
    menu: str | None = None                   # "label", or a submenu "label/zone_line"
    checkable: bool = False
    color: str | None = None                  # a label's colour: its icon
    toolbar: str | None = None                # a label toolbar; the button shows label + key
    label: Any = None                         # the schema label (toolbar legend)
    arabic_layout: bool = True


@dataclass(frozen=True)
class Separator:
    menu: str


@dataclass(frozen=True)
class Submenu:
    """Where submenu `menu` ("label/zone_line") sits in its parent, titled by i18n key `text`."""
    menu: str
    text: str


def _call(name: str, *args) -> Callable:
    return lambda window: getattr(window, name)(*args)


def _label_text(label) -> Callable[[], str]:
    def text() -> str:
        from .i18n import label_text
        return label_text(label)
    return text


def _tr(key: str, label) -> Callable[[], str]:
    def text() -> str:
        from .i18n import label_text, tr
        return tr(key, label=label_text(label))
    return text


def exact_entity_key(label, taken: set[str]) -> str | None:
    """Shift+key for the exact-characters entity command, unless another label has it."""
    key = f"Shift+{label.key}" if label.key and "+" not in label.key else None
    return None if key is None or key.lower() in taken else key


def main_commands(schema, languages=("en", "ar")) -> list:
    """The main window's commands in menu order (label commands from the schema)."""
    out: list = [
        Command("file:open", "action.open", _call("open_project_dialog"), ("Ctrl+O",), "file"),
        Command("file:settings", "action.settings", _call("open_settings"), ("Ctrl+,",), "file"),
        Separator("file"),
        Command("file:quit", "action.quit", _call("close"), ("Ctrl+Q",), "file"),
        Command("edit:undo", "action.undo", _call("undo"), ("Ctrl+Z",), "edit"),
        Command("edit:redo", "action.redo", _call("redo"), ("Ctrl+Shift+Z", "Ctrl+Y"), "edit"),
        Separator("edit"),
        Command("edit:delete", "action.delete", _call("delete_at_caret"), ("Delete",), "edit"),
    ]
    taken = {label.key.replace(" ", "").lower() for label in schema.labels() if label.key}
    for label in schema.zones:
        out.append(Command(f"label:zone:{label.name}", _label_text(label),
                           _call("label_zone", label.name), (label.key,), "label",
                           color=label.color, toolbar="zones", label=label))
        out.append(Command(f"label-line:zone:{label.name}", _tr("action.zone_line", label),
                           lambda w, name=label.name: w.label_zone(name, whole_line=True),
                           (f"Alt+{label.key}" if label.key else None,), "label/zone_line",
                           color=label.color))
    out += [Submenu("label/zone_line", "menu.zone_line"), Separator("label")]
    for label in schema.entities:
        out.append(Command(f"label:entity:{label.name}", _label_text(label),
                           _call("label_entity", label.name), (label.key,), "label",
                           color=label.color, toolbar="entities", label=label))
        out.append(Command(f"label-exact:entity:{label.name}", _tr("action.entity_exact", label),
                           lambda w, name=label.name: w.label_entity(name, exact=True),
                           (exact_entity_key(label, taken),), "label/entity_exact",
                           color=label.color))
    out += [Submenu("label/entity_exact", "menu.entity_exact"), Separator("label")]
    for label in schema.stance_values:
        out.append(Command(f"label:stance:{label.name}", _tr("action.stance", label),
                           lambda w, name=label.name: w.open_stance_editor(value=name),
                           (label.key,), "label", color=label.color, toolbar="stance",
                           label=label))
    out += [
        Separator("label"),
        # Text runs right to left: visually Left is forward (later offsets) in the text.
        Command("zone:boundary-next-char", "action.boundary_next_char",
                _call("move_nearest_boundary", +1, False), ("Alt+Left",), "label"),
        Command("zone:boundary-prev-char", "action.boundary_prev_char",
                _call("move_nearest_boundary", -1, False), ("Alt+Right",), "label"),
        Command("zone:boundary-next-word", "action.boundary_next_word",
                _call("move_nearest_boundary", +1, True), ("Alt+Shift+Left",), "label"),
        Command("zone:boundary-prev-word", "action.boundary_prev_word",
                _call("move_nearest_boundary", -1, True), ("Alt+Shift+Right",), "label"),
        Command("zone:boundary-to-caret", "action.boundary_to_caret",
                _call("boundary_to_caret"), ("Ctrl+B",), "label"),
        Command("doc:done", "action.done", _call("finish", "done"),
                ("Ctrl+Return", "Ctrl+Enter"), "document"),
        Command("doc:skip", "action.skip", _call("finish", "skipped"),
                ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"), "document"),
        Command("doc:reopen", "action.reopen", _call("set_status", "in_progress"), (),
                "document"),
        Separator("document"),
        Command("queue:next", "action.next", _call("go_unfinished", +1), ("Ctrl+PgDown",),
                "document"),
        Command("queue:previous", "action.previous", _call("go_unfinished", -1),
                ("Ctrl+PgUp",), "document"),
        Separator("document"),
        Command("doc:flag", "action.flag", lambda w, checked: w.set_flagged(checked),
                ("Ctrl+Shift+F",), "document", checkable=True),
        Command("doc:note", "action.note", _call("focus_dock", "note"), ("F7",), "document"),
        Separator("view"),
        Command("view:zoom-in", "action.zoom_in", lambda w: w.article_view.zoom_in(),
                ("std:ZoomIn", "Ctrl+="), "view"),
        Command("view:zoom-out", "action.zoom_out", lambda w: w.article_view.zoom_out(),
                ("std:ZoomOut",), "view"),
        Command("view:zoom-reset", "action.zoom_reset", lambda w: w.article_view.zoom_reset(),
                ("Ctrl+0",), "view"),
        Separator("view"),
        Command("view:text", "action.focus_text", lambda w: w.article_view.setFocus(),
                ("F3",), "view"),
        Command("view:queue", "action.focus_queue", _call("focus_dock", "queue"), ("F4",),
                "view"),
        Command("view:entities", "action.focus_entities", _call("focus_dock", "entities"),
                ("F5",), "view"),
        Command("view:stances", "action.focus_stances", _call("focus_dock", "stances"),
                ("F6",), "view"),
        Separator("view"),
    ]
    for lang in languages:
        out.append(Command(f"view:language-{lang}", f"action.lang_{lang}",
                           lambda w, checked, lang=lang: w.set_language(lang), (),
                           "view/language", checkable=True))
    out += [
        Submenu("view/language", "menu.language"),
        Command("assist:accept", "action.accept", _call("accept_suggestion"), ("F8",), "assist"),
        Command("assist:accept-all", "action.accept_all", _call("accept_all_suggestions"),
                ("Shift+F8",), "assist"),
        Command("assist:reject", "action.reject", _call("reject_suggestion"), ("F9",), "assist"),
        Command("assist:next", "action.next_suggestion", _call("select_next_suggestion"),
                ("Ctrl+F8",), "assist"),
        Command("assist:hide", "action.hide_suggestions",
                lambda w, checked: w.set_suggestions_hidden(checked), ("Ctrl+H",), "assist",
                checkable=True),
        Command("view:label-names", "action.label_names",
                lambda w, checked: w.set_label_names(checked), ("Ctrl+Shift+L",), "view",
                checkable=True),
        Command("help:keys", "action.keys", _call("show_keyboard_map"), ("F1",), "help"),
        Command("help:guidelines", "action.guidelines", _call("focus_dock", "guidelines"),
                ("F2",), "help"),
    ]
    return out


def _open_review(window):
    from .review import open_from
    return open_from(window)


def _open_agreement(window):
    from .agreement_panel import open_from
    return open_from(window)


# Commands extension modules add to the main window (review, agreement_panel, charts,
# search_panel, assist_panel), declared here so the keyboard table knows them; each module
# registers its own.
REVIEW_OPEN = Command("review:open", "review.open", _open_review, ("Ctrl+Shift+R",), "review")
AGREEMENT_OPEN = Command("agreement:open", "agreement.open", _open_agreement,
                         ("Ctrl+Shift+K",), "review")
CHARTS_OPEN = Command("charts:open", "charts.open", lambda w: w.open_charts(), (), "view")
SEARCH_FOCUS = Command("search:focus", "search.focus", lambda w: w.search_panel.focus(), ("Ctrl+F",), "edit")

def _assist(method: str) -> Callable:
    return lambda window: getattr(window.assist_actions, method)()


# The Suggestions menu's own commands (assist_panel registers them after the accept/reject ones).
ASSIST_COMMANDS = [
    Separator("assist"),
    Command("assist:run-document", "assist.run_document", _assist("run_document"),
            ("Ctrl+Shift+G",), "assist"),
    Command("assist:run-all", "assist.run_all", _assist("run_all"), (), "assist"),
    Command("assist:gazetteer", "assist.gazetteer", _assist("choose_gazetteer"), (), "assist"),
    Command("assist:train", "assist.train", _assist("train"), (), "assist"),
    Command("assist:teach", "assist.teach", _assist("teach"), ("Ctrl+T",), "assist"),
]


def _review_text(key: str, **values) -> Callable[[], str]:
    def text() -> str:
        from .i18n import tr
        return tr(key, **values)
    return text


def review_commands(schema, labelers: list[str], keyed_labelers: int = 9) -> list:
    """The review window's commands in menu order: its Review and Gold menus."""
    t = _review_text
    out: list = [
        # Ctrl+F8 goes to the next thing to decide in both windows (the next suggestion there,
        # the next disagreement here); F8 / F9 only ever accept / reject a suggestion.
        Command("review:next-unit", t("review.menu.next"), _call("next_unit"), ("Ctrl+F8",),
                "review"),
        Command("review:previous-unit", t("review.menu.previous"), _call("previous_unit"),
                ("Ctrl+Shift+F8",), "review"),
        Separator("review"),
    ]
    for i, name in enumerate(labelers[:keyed_labelers]):
        out.append(Command(f"review:accept:{i + 1}", t("review.menu.accept", name=name),
                           _call("accept_labeler", i), (f"Ctrl+{i + 1}",), "review"))
    out += [
        Command("review:accept-agreed", t("review.menu.accept_agreed"), _call("accept_agreed"),
                ("Ctrl+Shift+A",), "review"),
        Separator("review"),
        Command("review:reviewed", t("review.menu.reviewed"), _call("mark_reviewed"),
                ("Ctrl+Return", "Ctrl+Enter"), "review"),
        Command("review:next-document", t("review.menu.next_doc"), _call("step_document", +1),
                ("Ctrl+PgDown",), "review"),
        Command("review:previous-document", t("review.menu.previous_doc"),
                _call("step_document", -1), ("Ctrl+PgUp",), "review"),
        Separator("review"),
        Command("review:agreement", t("review.menu.agreement"), _call("open_agreement"), (),
                "review"),
        Command("review:export", t("review.menu.export"), _call("ask_export"), ("Ctrl+E",),
                "review"),
        Command("review:close", t("review.menu.close"), _call("close"), ("Ctrl+W",), "review"),
        Command("review:undo", t("review.menu.undo"), _call("step_gold", False), ("Ctrl+Z",),
                "gold"),
        Command("review:redo", t("review.menu.redo"), _call("step_gold", True),
                ("Ctrl+Shift+Z", "Ctrl+Y"), "gold"),
        # No key: it writes over a stored (damaged) gold, so it is chosen, and confirmed.
        Command("review:gold-afresh", t("review.menu.gold_afresh"), _call("start_gold_afresh"),
                (), "gold"),
        Separator("gold"),
    ]
    for label in schema.entities:
        out.append(Command(f"review:entity:{label.name}", _tr("review.menu.entity", label),
                           _call("add_gold_entity", label.name), (label.key,), "gold"))
    out += [Command("review:delete", t("review.menu.delete"), _call("delete_gold_entities"),
                    ("Delete",), "gold"),
            Separator("gold")]
    for label in schema.zones:
        out.append(Command(f"review:zone:{label.name}", _tr("review.menu.zone", label),
                           _call("set_gold_zone", label.name), (label.key,), "gold"))
    out.append(Separator("gold"))
    for label in schema.stance_values:
        out.append(Command(f"review:stance:{label.name}", _tr("review.menu.stance", label),
                           _call("set_gold_stance", label.name), (label.key,), "gold"))
    return out


# The README's keyboard table: rows of command groups and what they do. Keys are read from the
# commands (default schema), so the table cannot drift from the bindings; scripts/keymap.py
# prints it and a test compares it with the README. In a group, each command's keys are
# separated by spaces (alternatives by "or"); groups by the row's separator.
def _zones(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}:zone:{z}" for z in ("body", "source", "boilerplate", "none"))


def _entities(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}:entity:{e}" for e in ("PER", "ORG", "LOC", "MISC"))


KEYMAP_ROWS: list[tuple[tuple[tuple[str, ...], ...], str, str]] = [
    ((_zones("label"),), "zone body / source / boilerplate / unlabeled for the selection; with "
     "no selection, the caret's paragraph", "; "),
    ((_zones("label-line"),), "the same zone for the caret's whole line", "; "),
    ((_entities("label"),), "entity PER / ORG / LOC / MISC, snapped to whole words; the same "
     "key on an entity relabels it", "; "),
    ((_entities("label-exact"),), "entity on exactly the selected characters (to leave a "
     "clitic و ب ل ال outside)", "; "),
    ((tuple(f"label:stance:{v}" for v in ("favor", "against", "neutral", "unclear")),),
     "stance favor / against / neutral / unclear: the editor opens with holder `author`, the "
     "last target, the selection as evidence; `Tab` between fields, `Enter` saves", "; "),
    ((("zone:boundary-next-char",), ("zone:boundary-prev-char",)), "move the zone boundary "
     "nearest the caret one character forward / back (forward is the reading direction: "
     "leftwards in Arabic)", " / "),
    ((("zone:boundary-next-word",), ("zone:boundary-prev-word",)), "the same, one word", " / "),
    ((("zone:boundary-to-caret",),), "move the nearest zone boundary to the caret", "; "),
    ((("edit:delete",),), "delete the entity at the caret, or the item selected in the entity "
     "or stance list", "; "),
    ((("edit:undo",), ("edit:redo",)), "undo; redo (also after closing and reopening)", "; "),
    ((("doc:done",), ("doc:skip",)), "done and next unfinished; skip and next", "; "),
    ((("queue:next",), ("queue:previous",)), "next / previous unfinished document", " / "),
    ((("doc:flag",), ("doc:note",)), "flag for review; edit the document's note", "; "),
    ((("view:text", "view:queue", "view:entities", "view:stances"),),
     "focus the text / queue / entity list / stance list", "; "),
    ((("assist:accept",), ("assist:accept-all",), ("assist:reject",), ("assist:next",)),
     "accept the one suggestion at the caret (the innermost: an entity before the zone "
     "around it); accept all; reject it; select the next suggestion", "; "),
    ((("assist:hide",), ("view:label-names",)), "hide / show suggestions; show the label name "
     "beside each entity", "; "),
    ((("assist:run-document",),), "run assist on this document (suggestions)", "; "),
    ((("assist:teach",),), "teach: the open suggestions one by one, least certain first (`A` or "
     "`Enter` accept, `R` or `Backspace` reject, `1`–`4` relabel, `S` or `Space` skip, `Esc` "
     "closes)", "; "),
    ((("search:focus",),), "search the corpus (tashkeel-insensitive)", "; "),
    ((("review:open",),), "open the review window", "; "),
    ((("agreement:open",),), "agreement figures between labelers", "; "),
    ((("review:next-unit",), ("review:previous-unit",)), "review window: next / previous "
     "disagreement, in text order (taking a version never moves on by itself)", " / "),
    ((("review:accept:1", "review:accept:2"),), "review window: take labeler 1 / 2 … 9's "
     "version; on a decided disagreement it first asks, showing old → new", "; "),
    ((("review:accept-agreed",), ("review:reviewed",)), "review window: accept everything "
     "the labelers agree on; mark reviewed and open the next; the labeling keys above edit gold",
     "; "),
    ((("view:zoom-in",), ("view:zoom-out",), ("view:zoom-reset",)),
     "zoom in / out / normal size", " / "),
    ((("help:keys",), ("help:guidelines",)), "this keyboard map; the labeling guidelines", "; "),
    ((("file:open",), ("file:settings",), ("file:quit",)),
     "open a project; settings (language, name); quit", "; "),
]


def keymap_table(schema) -> str:
    """The README's keyboard table (Markdown) for this schema's keys."""
    commands = {c.id: c for c in main_commands(schema)
                if isinstance(c, Command)}
    commands.update({c.id: c for c in review_commands(schema, ["1", "2"])
                     if isinstance(c, Command)})
    commands.update({c.id: c for c in (REVIEW_OPEN, AGREEMENT_OPEN, SEARCH_FOCUS, CHARTS_OPEN,
                                       *ASSIST_COMMANDS) if isinstance(c, Command)})

    def keys_of(command_id: str) -> str:
        keys = [STANDARD_KEYS.get(k, k) for k in commands[command_id].keys if k]
        return " or ".join(f"`{k}`" for k in keys)
    lines = ["| key | does |", "| --- | --- |"]
    for groups, does, separator in KEYMAP_ROWS:
        cell = separator.join(" ".join(keys_of(i) for i in group) for group in groups)
        lines.append(f"| {cell} | {does} |")
    return "\n".join(lines) + "\n"
