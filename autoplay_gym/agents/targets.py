"""Naming elements across observations: visibility, stable descriptors, re-resolution, and what never to touch.

Element ids are positions in one tree, so an action recorded on one screen cannot simply be replayed on another
snapshot of "the same" screen: hidden widgets that a toolkit keeps in its accessibility tree (GTK4 keeps closed
popovers and inactive stack pages, with stale extents) shift the ids. Explorers, generators and the witness
replayer therefore name an element by a *descriptor* (role, name, flags, and rank among equal matches) and
resolve it again against each new tree.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from autoplay_gym.core.ui import CONTENT_ROLES, UIElement, UITree

# Names of controls that end the app or take its window away. An explorer that presses them loses the rest of
# its turn, and a task that needs them is not about the app's features.
EXIT_WORDS = re.compile(
    r"^\s*(close|quit|exit|minimi[sz]e|maximi[sz]e|restore|log ?out|sign ?out|shut ?down|power ?off)\b"
    r"|close the window|minimi[sz]e the window|maximi[sz]e the window|\bquit\b",
    re.IGNORECASE,
)
WINDOW_ROLES = frozenset({"frame", "dialog", "window", "alert", "file chooser", "color chooser"})


def tree_from_info(info: dict[str, Any]) -> UITree:
    """The structured tree an env reports in `info["ui_elements"]` (empty if the env gave none)."""
    return UITree.from_dicts(info.get("ui_elements") or [])


def element_name(element: UIElement) -> str:
    """What a person would call the element: its text, else its description; empty for content text."""
    if element.editable or element.role in CONTENT_ROLES and element.role != "label":
        return (element.description or "").strip()
    return (element.text or element.description or "").strip()


def visible_ids(tree: UITree, screen: tuple[int, int] | None = None) -> set[int]:
    """Ids of elements that are plausibly on screen: they and every ancestor have an area, their centre lies
    inside their top-level window (and the screen, when its size is given), and no later top-level window
    covers that centre.

    Without this, an explorer keeps clicking the ghosts of closed menus, whose stale extents point at whatever
    is drawn there now, and the main window's buttons under a dialog (GTK4's Save As dialog covers the text
    editor's header bar: a click there lands in the dialog's name field).
    """
    out: set[int] = set()
    window_of: dict[int, UIElement] = {}
    for e in tree:  # parents come before children in every backend's depth-first order
        parent_ok = e.parent is None or e.parent in out
        window = e if e.parent is None else window_of.get(e.parent)
        if window is not None:
            window_of[e.id] = window
        if not parent_ok or e.bounds is None or e.bounds.empty:
            continue
        cx, cy = e.bounds.center
        if window is not None and window.bounds is not None and not window.bounds.contains(cx, cy):
            continue
        if screen is not None and not (0 <= cx < screen[0] and 0 <= cy < screen[1]):
            continue
        out.add(e.id)
    return out - _covered(tree, out, window_of)


def _covered(tree: UITree, shown: set[int], window_of: dict[int, UIElement]) -> set[int]:
    """Shown elements inside a window whose centre lies under a later, shown, titled top-level window (backends
    list windows in the order they were mapped; with no window manager to raise an older one, a later window is
    on top).
    Untitled top-level leftovers (a dialog's husk for a moment after it closed) do not count as covering."""
    covers = [e for e in tree if e.parent is None and e.id in shown and (e.role in WINDOW_ROLES or e.text.strip())]
    if len(covers) < 2:
        return set()
    rank = {w.id: i for i, w in enumerate(covers)}
    hidden = set()
    for e in tree:
        window = window_of.get(e.id)
        if e.parent is None or e.id not in shown or window is None or window.id not in rank or e.bounds is None:
            continue  # a window under a dialog is still open: only what it holds is out of reach
        cx, cy = e.bounds.center
        if any(w.bounds is not None and w.bounds.contains(cx, cy) for w in covers[rank[window.id] + 1:]):
            hidden.add(e.id)
    return hidden


def is_exit_control(element: UIElement) -> bool:
    """True for window-decoration buttons and Close/Quit/Exit commands."""
    return bool(EXIT_WORDS.search(element.text or "") or EXIT_WORDS.search(element.description or ""))


def key_of(element: UIElement) -> tuple[str, str, str, bool]:
    """Identity of an element regardless of position: role, name, resource id, editability."""
    return (element.role, element_name(element), element.resource_id, element.editable)


def key_text(key: Iterable[Any]) -> str:
    """A compact printable form of `key_of`, used as a JSON key."""
    role, name, rid, editable = key
    return f"{role}|{name}|{rid}|{'e' if editable else ''}"


def describe(element: UIElement, tree: UITree, visible: set[int] | None = None) -> dict[str, Any]:
    """A JSON-able descriptor that `resolve` can find again in another snapshot of the screen."""
    visible = visible_ids(tree) if visible is None else visible
    key = key_of(element)
    rank = sum(1 for e in tree if e.id < element.id and e.id in visible and key_of(e) == key)
    out: dict[str, Any] = {"role": element.role, "name": key[1], "rank": rank}
    if element.resource_id:
        out["resource_id"] = element.resource_id
    if element.editable:
        out["editable"] = True
    return out


def resolve(descriptor: dict[str, Any], tree: UITree, visible: set[int] | None = None) -> UIElement | None:
    """The element of `tree` that `descriptor` names, preferring visible ones; None if there is none."""
    key = (descriptor.get("role", ""), descriptor.get("name", ""), descriptor.get("resource_id", ""),
           bool(descriptor.get("editable", False)))
    visible = visible_ids(tree) if visible is None else visible
    matches = [e for e in tree if key_of(e) == key]
    shown = [e for e in matches if e.id in visible]
    rank = int(descriptor.get("rank", 0))
    for pool in (shown, matches):
        if pool:
            return pool[rank] if rank < len(pool) else pool[0]
    return None


def top_window_title(tree: UITree) -> str:
    """The name of the last (topmost) top-level window, e.g. a dialog opened over the main window."""
    titles = [e.text for e in tree if e.parent is None and e.role in WINDOW_ROLES and e.text]
    return titles[-1] if titles else ""


def action_target(action: dict[str, Any] | None, tree: UITree) -> UIElement | None:
    """The element an action dict names (by id), if it exists in `tree`."""
    if not action or action.get("element") is None:
        return None
    element_id = action["element"]
    if isinstance(element_id, int) and 0 <= element_id < len(tree):
        return tree[element_id]
    return None
