"""Wording and checks for model-free tasks: what a screen is called, what a field is called, and the check
that tells a screen, a value or a toggle was reached. Used by `GraphTaskGenerator`; kept apart so the wording
can be improved without touching the graph walk."""

from __future__ import annotations

import re
from typing import Any

from autoplay_gym.agents.candidates import shortcut_candidates
from autoplay_gym.agents.targets import WINDOW_ROLES, element_name, visible_ids
from autoplay_gym.core.ui import CONTENT_ROLES, UIElement, UITree

# Roles whose names say what a screen offers, best first; other named roles are used after these.
TELLING_ROLES = ("dialog", "page tab", "push button", "toggle button", "check box", "radio button", "menu item",
                 "check menu item", "radio menu item", "combo box", "heading", "label", "list item")
ROLE_WORDS = {"push button": "button", "toggle button": "button", "page tab": "tab", "menu item": "menu item",
              "check menu item": "menu item", "radio menu item": "menu item", "label": "text", "list item": "item"}
MENU_ROLES = frozenset({"menu", "popup menu", "popover"})
_SHORTCUT_TEXT = re.compile(r"^((Ctrl|Shift|Alt|Super)\+)+\S+$|^F\d{1,2}$")
_CLASS_NAME = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")  # `EditorOpenPopover`: a widget class, not a label
_ONLY_DIGITS = re.compile(r"^[\d\s.,:%+\-−×÷=]*$")


def windows(tree: UITree) -> list[UIElement]:
    """Top-level windows (dialogs included), as the backend lists them. A named top-level element counts
    whatever its role: a backend that flattens layout containers may report a dialog as a named filler."""
    return [e for e in tree if e.parent is None and (e.role in WINDOW_ROLES or e.text.strip())]


def named_visible(tree: UITree) -> list[UIElement]:
    """Visible, named, non-editable elements, excluding windows and content text."""
    shown = visible_ids(tree)
    out = []
    for e in tree:
        name = element_name(e)
        if e.id not in shown or not name or e.editable or e.parent is None:
            continue
        if e.role in CONTENT_ROLES and e.role != "label":
            continue
        if _ONLY_DIGITS.match(name) or len(name) > 60 or e.role in ("filler", "panel") or _CLASS_NAME.match(name):
            continue
        if not any(c.isalnum() for c in name):
            continue
        out.append(e)
    return out


def distinguishing(tree: UITree, baseline: UITree, limit: int = 2) -> list[UIElement]:
    """Named visible elements of `tree` absent from `baseline` (by role and name), most telling first."""
    seen = {(e.role, element_name(e)) for e in named_visible(baseline)}
    fresh, names = [], set()
    for e in named_visible(tree):
        key = (e.role, element_name(e))
        if key not in seen and key not in names:
            names.add(key)
            fresh.append(e)
    rank = {role: i for i, role in enumerate(TELLING_ROLES)}
    fresh.sort(key=lambda e: (rank.get(e.role, len(rank)), len(element_name(e))))
    return fresh[:limit]


def new_windows(tree: UITree, baseline: UITree) -> list[UIElement]:
    """Titled, shown windows the baseline does not have: none of its windows of that role has the same title or
    the same place (a main window whose title follows the document is not a new window; a dialog is; a closed
    dialog that the toolkit keeps in the tree without a place on screen is none)."""
    old, shown = windows(baseline), visible_ids(tree)
    return [w for w in windows(tree) if w.id in shown and w.text.strip() and not any(
        o.text == w.text or (o.role == w.role and o.bounds == w.bounds) for o in old)]


def opened_menu(tree: UITree, before: UITree) -> bool:
    shown_now, shown_before = visible_ids(tree), visible_ids(before)
    return (any(e.role in MENU_ROLES and e.id in shown_now for e in tree)
            and not any(e.role in MENU_ROLES and e.id in shown_before for e in before))


def role_word(element: UIElement) -> str:
    return ROLE_WORDS.get(element.role, element.role)


def screen_phrase(tree: UITree, before: UITree, root: UITree, opener: str) -> tuple[str, dict[str, Any]] | None:
    """(instruction, check) for reaching the screen `tree` from the start screen `root`; `before` is the screen
    the last action was taken on and `opener` what that action is called. None if nothing tells it apart."""
    for window in new_windows(tree, root):
        kind = "window" if window.role in ("frame", "window") else "dialog"
        return f'Open the "{display_name(window.text.strip())}" {kind}', {"type": "tree_contains", "role": window.role,
                                                           "text": window.text.strip(), "visible": True}
    marks = distinguishing(tree, root)
    if not marks:
        return None
    check = _contains_all(marks)
    if opener and opened_menu(tree, before):
        opener = display_name(opener)
        return (f'Open the "{opener}"' if "menu" in opener.casefold() else f'Open the "{opener}" menu'), check
    mark = marks[0]
    return f'Go to the screen that shows the "{display_name(element_name(mark))}" {role_word(mark)}', check


def _contains_all(marks: list[UIElement]) -> dict[str, Any]:
    parts = [{"type": "tree_contains", "role": e.role, "name": element_name(e), "visible": True} for e in marks]
    return parts[0] if len(parts) == 1 else {"type": "all", "checks": parts}


def field_phrase(field: UIElement, tree: UITree) -> str:
    """How an instruction names an editable field: by its name, as "the document" for a big editor, or
    generically."""
    name = display_name((field.description or "").strip())
    if name:
        return f'the "{name}" field'
    window = next((w for w in windows(tree) if w.bounds is not None), None)
    if field.bounds is not None and window is not None and window.bounds is not None:
        share = (field.bounds.width * field.bounds.height) / max(1, window.bounds.width * window.bounds.height)
        if share >= 0.3:
            return "the document"
    return "the text field"


def is_new_field(field: UIElement, tree: UITree, root: UITree) -> bool:
    """Whether the start screen lacks `field`: it sits in a window the start screen does not have (a dialog's
    field), or the start screen shows no field of its role and name (a search bar that opened). The start
    screen's own fields are filled from the start screen, with the shorter witness."""
    top = field
    while top.parent is not None:
        top = tree[top.parent]
    if any(w.id == top.id for w in new_windows(tree, root)):
        return True
    shown = visible_ids(root)
    return not any(e.editable and e.id in shown and e.role == field.role and e.description == field.description
                   for e in root)


def display_name(name: str) -> str:
    """A name as a person reads it: GTK mnemonic underscores (`Re_gular expressions`) removed."""
    return re.sub(r"_(?=\w)", "", name)


def field_selector(field: UIElement, tree: UITree) -> dict[str, Any]:
    """A selector for `field` that survives a change of its text: role, editable, visible, and its rank."""
    shown = visible_ids(tree)
    same = [e for e in tree if e.editable and e.role == field.role and e.id in shown]
    index = next((i for i, e in enumerate(same) if e.id == field.id), 0)
    return {"role": field.role, "editable": True, "visible": True, "index": index}


def toggle_phrase(element: UIElement) -> tuple[str, bool]:
    """(instruction, wanted checked state) for flipping a checkable element."""
    name = display_name(element_name(element))
    if "radio" in element.role:
        return f'Select "{name}"', True
    return (f'Turn off "{name}"', False) if element.checked else (f'Turn on "{name}"', True)


def opener_name(edge: Any, before: UITree) -> str:
    """What the action of `edge` (a `ui_graph.Edge`) is called on screen: its element's name, or for a hotkey the
    menu item or button that advertises the shortcut."""
    if edge.target_element and edge.target_element.get("name"):
        return str(edge.target_element["name"])
    if edge.action.get("type") == "hotkey":
        wanted = "hotkey:" + "+".join(edge.action.get("keys") or ())
        for candidate in shortcut_candidates(before):
            if candidate.name == wanted and candidate.label and not _SHORTCUT_TEXT.match(candidate.label):
                return candidate.label
    return ""
