"""The actions worth trying on a screen, derived from `info["ui_elements"]` alone (so on any platform).

Both model-free explorers draw from this list: the random one uniformly, the graph one in order of novelty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from autoplay_gym.agents.targets import describe, element_name, is_exit_control, key_of, key_text, visible_ids
from autoplay_gym.core.ui import UIElement, UITree

SAMPLE_TEXTS = ("hello world", "Meeting at 10:30", "42", "Buy milk and eggs")
KEYS = ("Enter", "Tab", "Escape", "BackSpace", "Down", "Up")
# Roles that only group other elements: clicking them rarely does anything their children do not.
CONTAINER_ROLES = frozenset({"panel", "filler", "scroll pane", "viewport", "frame", "window", "layered pane"})


@dataclass(frozen=True)
class Candidate:
    """One action on one screen. `name` is stable across snapshots of the screen (it does not use ids)."""

    name: str
    action: dict[str, Any]
    target: dict[str, Any] | None = None  # descriptor of the element, for re-resolution
    element_key: str | None = None  # the element's identity across screens ("unique elements acted on")
    group: int = 1  # visible siblings of the same role, itself included: big groups (keypads, lists) act alike
    label: str = ""  # what the action is called on screen (a hotkey's menu item), for task wording
    family: str = ""  # its element's parent and role: siblings of one family tend to act alike

    @property
    def kind(self) -> str:
        return self.action["type"]


def screen_size(obs: dict[str, Any]) -> tuple[int, int] | None:
    shot = obs.get("screenshot") if isinstance(obs, dict) else None
    shape = getattr(shot, "shape", None)
    return (int(shape[1]), int(shape[0])) if shape is not None and len(shape) >= 2 else None


def element_candidates(
    tree: UITree,
    screen: tuple[int, int] | None = None,
    *,
    avoid_exits: bool = True,
    text: str = SAMPLE_TEXTS[0],
    scroll_direction: str = "down",
) -> list[Candidate]:
    """Click, type and scroll actions on the visible, enabled, actionable elements of `tree`, in tree order.

    Elements nested in a clickable element of the same area (GTK's button-inside-button) are skipped: the outer
    one receives the click anyway.
    """
    visible = visible_ids(tree, screen)
    groups: dict[tuple[int | None, str], int] = {}
    for e in tree:
        if e.id in visible:
            groups[(e.parent, e.role)] = groups.get((e.parent, e.role), 0) + 1
    out: list[Candidate] = []
    for e in tree:
        if e.id not in visible or not e.enabled or not e.actionable:
            continue
        if avoid_exits and is_exit_control(e):
            continue
        if _shadowed(e, tree):
            continue
        key = key_text(key_of(e))
        target = describe(e, tree, visible)
        actions = []
        if e.editable:
            actions.append({"type": "type", "text": text, "element": e.id, "clear": True})
        elif (e.clickable or e.checkable) and e.role not in CONTAINER_ROLES:
            actions.append({"type": "click", "element": e.id})
        if e.scrollable:
            actions.append({"type": "scroll", "direction": scroll_direction, "element": e.id})
        group = groups.get((e.parent, e.role), 1)
        family = f"{key_text(key_of(tree[e.parent])) if e.parent is not None else ''}>{e.role}"
        out.extend(Candidate(candidate_name(a, target), a, target, key, group, family=family) for a in actions)
    return out


def candidate_name(action: dict[str, Any], target: dict[str, Any] | None) -> str:
    """A name for "this kind of action on this element" that does not depend on ids, so the same action on
    two snapshots of a screen (or in a recorded trajectory) gets the same name."""
    kind = action.get("type", "?")
    if target is not None:
        key = f"{target['role']}|{target['name']}|{target.get('resource_id', '')}|{'e' if target.get('editable') else ''}"
        return f"{kind}:{key}#{target.get('rank', 0)}"
    if kind == "key":
        return f"key:{action.get('key')}"
    if kind == "hotkey":
        return "hotkey:" + "+".join(action.get("keys") or ())
    if kind in ("back", "home"):
        return kind
    return json.dumps(action, sort_keys=True)


def _shadowed(e: UIElement, tree: UITree) -> bool:
    """A clickable nested in a clickable of the same role that covers most of it or bears the same name: one
    control (GTK4's menu button holds a toggle button named like it, at just under half its area)."""
    if e.parent is None or e.editable or e.scrollable:
        return False
    parent = tree[e.parent]
    return bool(parent.clickable and parent.role == e.role and parent.bounds is not None and e.bounds is not None
                and (_area(e) >= 0.5 * _area(parent) or (bool(e.text) and e.text == parent.text)))


def _area(e: UIElement) -> int:
    return e.bounds.width * e.bounds.height if e.bounds is not None else 0


_SHORTCUT = re.compile(r"(?<![\w+])((?:(?:Ctrl|Control|Shift|Alt|Super)\+)+)([A-Za-z0-9]|F\d{1,2}|[,.?/;=\[\]-])(?![\w+])"
                       r"|(?<![\w+])(F\d{1,2})(?!\w)")
# Characters a shortcut label shows that are typed with Shift (US layout) or have a keysym name.
_SHIFTED = {"?": ("shift", "slash")}
# Shortcuts that close windows or quit, whatever the label beside them says.
EXIT_SHORTCUTS = frozenset({("ctrl", "q"), ("ctrl", "w"), ("alt", "F4"), ("ctrl", "shift", "w"), ("ctrl", "shift", "q")})


def shortcut_candidates(tree: UITree, *, avoid_exits: bool = True) -> list[Candidate]:
    """Hotkeys the screen advertises (`Undo [Ctrl+Z]`, a menu item's `Ctrl+F` label), so an explorer can use a
    feature even when the menu that lists it is closed. Hidden elements count: a shortcut works regardless."""
    out: dict[str, Candidate] = {}
    for e in tree:
        owner = tree[e.parent] if (e.role == "label" and e.parent is not None) else e
        if avoid_exits and (is_exit_control(e) or is_exit_control(owner)):
            continue
        for source in (e.text, e.description):
            for match in _SHORTCUT.finditer(source or ""):
                keys = _keys_of(match)
                if keys is None or (avoid_exits and tuple(keys) in EXIT_SHORTCUTS):
                    continue
                name = "hotkey:" + "+".join(keys)
                label = element_name(owner) if owner is not e else re.sub(r"\s*[\[(].*", "", element_name(e))
                out.setdefault(name, Candidate(name, {"type": "hotkey", "keys": keys}, None, name, 1, label))
    return list(out.values())


def _keys_of(match: re.Match) -> list[str] | None:
    if match.group(3):
        return [match.group(3)]
    mods = [m.lower().replace("control", "ctrl") for m in match.group(1).split("+") if m]
    key = match.group(2)
    if key in _SHIFTED:
        extra, key = _SHIFTED[key]
        mods.append(extra)
    elif len(key) == 1 and key.isalpha():
        key = key.lower()
    order = ("ctrl", "alt", "shift", "super")
    return sorted(set(mods), key=order.index) + [key]


def general_candidates(keys: tuple[str, ...] = KEYS) -> list[Candidate]:
    """Actions that need no element: `back` and a few keys."""
    out = [Candidate("back", {"type": "back"})]
    out.extend(Candidate(f"key:{k}", {"type": "key", "key": k}) for k in keys)
    return out
