"""The actions worth trying on a screen, derived from `info["ui_elements"]` alone (so on any platform).

Both model-free explorers draw from this list: the random one uniformly, the graph one in order of novelty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from autoplay_gym.agents.targets import describe, is_exit_control, key_of, key_text, visible_ids
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
        out.extend(Candidate(candidate_name(a, target), a, target, key, group) for a in actions)
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
    if kind in ("back", "home"):
        return kind
    return json.dumps(action, sort_keys=True)


def _shadowed(e: UIElement, tree: UITree) -> bool:
    if e.parent is None or e.editable or e.scrollable:
        return False
    parent = tree[e.parent]
    return bool(parent.clickable and parent.role == e.role and parent.bounds is not None and e.bounds is not None
                and _area(e) >= 0.5 * _area(parent))


def _area(e: UIElement) -> int:
    return e.bounds.width * e.bounds.height if e.bounds is not None else 0


def general_candidates(keys: tuple[str, ...] = KEYS) -> list[Candidate]:
    """Actions that need no element: `back` and a few keys."""
    out = [Candidate("back", {"type": "back"})]
    out.extend(Candidate(f"key:{k}", {"type": "key", "key": k}) for k in keys)
    return out
