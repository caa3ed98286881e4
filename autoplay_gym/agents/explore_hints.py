"""Predictions that keep the graph explorer from spending steps on actions whose outcome it can already guess.

Both come from what the explorer saw, never from knowledge of an app:
- `InertFamilies`: siblings of one family (same parent, same role) tend to act alike, so once two of them on a
  screen changed nothing when clicked (rows of a read-only properties list, fonts in a chooser), the rest are
  presumed inert there too;
- `overlay_base`: a screen that two different clicks on the screen underneath it left for that screen is a
  modal overlay (a popover, a menu) that any click elsewhere dismisses; its untried actions on elements of
  the screen underneath would only dismiss it again.
"""

from __future__ import annotations

from collections import Counter

from autoplay_gym.agents.ui_graph import ExplorationGraph

INERT_SIBLINGS = 2  # members of a family that changed nothing before the rest are presumed inert
MODAL_EVIDENCE = 2  # outside actions that dismissed an overlay before the rest are presumed to do the same
SHARED = 0.9  # share of the screen underneath's candidates an overlay must show too


class InertFamilies:
    """Counts, per (screen, family), the members whose click changed nothing."""

    def __init__(self) -> None:
        self.inert: dict[tuple[str, str], int] = {}
        self.families: dict[str, dict[str, str]] = {}  # state -> candidate name -> family

    def note_options(self, state: str, families: dict[str, str]) -> None:
        self.families[state] = {name: family for name, family in families.items() if family}

    def record(self, state: str, name: str, *, changed: bool) -> None:
        family = self.families.get(state, {}).get(name)
        if family and not changed and name.startswith("click:"):
            slot = (state, family)
            self.inert[slot] = self.inert.get(slot, 0) + 1

    def presumed_inert(self, state: str, name: str) -> bool:
        family = self.families.get(state, {}).get(name)
        return bool(family) and self.inert.get((state, family), 0) >= INERT_SIBLINGS


def overlay_base(graph: ExplorationGraph, options: dict[str, dict[str, str | None]], state: str) -> str | None:
    """The screen under `state` if `state` is a modal overlay: two different actions on elements of another
    screen, one whose candidates `state` shares (nearly) all, led from `state` straight to that screen. A
    search bar that stays open while the menu opens is no overlay; a popover that any outside click closes is.
    """
    here = set(options.get(state, {}))
    counts: Counter[str] = Counter()
    for edge in graph.out_edges(state):
        base = options.get(edge.target)
        if edge.target != state and base and edge.candidate in base and edge.candidate != "back":
            counts[edge.target] += 1
    for target, n in counts.most_common():
        if n < MODAL_EVIDENCE:
            break
        base = set(options[target])
        if len(base & here) >= SHARED * len(base):
            return target
    return None


def dismissals(graph: ExplorationGraph, options: dict[str, dict[str, str | None]], state: str) -> set[str]:
    """Candidate names of `state` predicted to do nothing but dismiss it (empty unless it is an overlay)."""
    base = overlay_base(graph, options, state)
    return set(options.get(base, {})) if base is not None else set()
