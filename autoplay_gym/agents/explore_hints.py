"""Predictions that keep the graph explorer from spending steps on actions whose outcome it can already guess.

Both come from what the explorer saw, never from knowledge of an app:
- `FamilyOutcomes`: siblings of one family (same parent, same role) tend to act alike, so once two of them on a
  screen changed nothing when clicked (rows of a read-only properties list, fonts in a chooser), or all led
  to one and the same screen (the radio items of a popover, which each close it), the rest are presumed to do
  the same there; and for families that pick among values (a list's rows, a menu's radio and check items),
  once two members found nothing new, on whatever screens, while none ever did, the rest are presumed barren
  everywhere (a font list reached over another state of the window underneath holds the same fonts). Plain
  menu items and buttons are left out: unnamed popovers give unrelated menus one family key;
- `overlay_base`: a screen that two different clicks on the screen underneath it left for that screen is a
  modal overlay (a popover, a menu) that any click elsewhere dismisses; its untried actions on elements of
  the screen underneath would only dismiss it again.
"""

from __future__ import annotations

from collections import Counter

from autoplay_gym.agents.ui_graph import ExplorationGraph
from autoplay_gym.core.ui import ROW_ROLES

SIBLING_EVIDENCE = 2  # members of a family that acted alike before the rest are presumed to act the same
MODAL_EVIDENCE = 2  # outside actions that dismissed an overlay before the rest are presumed to do the same
SHARED = 0.9  # share of the screen underneath's candidates an overlay must show too
VALUE_ROLES = ROW_ROLES | {"radio menu item", "check menu item"}  # siblings that pick among values


class FamilyOutcomes:
    """Records, per (screen, family), where its members' clicks led."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], list[str]] = {}
        self.families: dict[str, dict[str, str]] = {}  # state -> candidate name -> family
        self.barren: dict[str, set[str]] = {}  # family -> members whose click found no screen never seen before
        self.fertile: set[str] = set()  # families a member of which found a screen never seen before

    def note_options(self, state: str, families: dict[str, str]) -> None:
        self.families[state] = {name: family for name, family in families.items() if family}

    def record(self, state: str, name: str, target: str, *, novel: bool = False) -> None:
        """A click on `name` on screen `state` led to screen `target` (`state` itself when nothing changed),
        which was a screen never seen before if `novel`."""
        family = self.families.get(state, {}).get(name)
        if family and name.startswith("click:"):
            self.outcomes.setdefault((state, family), []).append(target)
            if family.rpartition(">")[2] not in VALUE_ROLES:
                return
            if novel:
                self.fertile.add(family)
            else:
                self.barren.setdefault(family, set()).add(name)

    def predictable(self, state: str, name: str) -> bool:
        """Whether `SIBLING_EVIDENCE` members of `name`'s family here changed nothing, or whether every member
        tried (at least `SIBLING_EVIDENCE`) led to one and the same screen, or (value pickers only) whether
        `SIBLING_EVIDENCE` other members, here or elsewhere, found nothing new and none ever did."""
        family = self.families.get(state, {}).get(name)
        if not family:
            return False
        targets = self.outcomes.get((state, family), [])
        if targets.count(state) >= SIBLING_EVIDENCE or (len(targets) >= SIBLING_EVIDENCE and len(set(targets)) == 1):
            return True
        return family not in self.fertile and len(self.barren.get(family, set()) - {name}) >= SIBLING_EVIDENCE


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
