"""GraphExplorer: model-free, systematic exploration over a UI transition graph.

Every screen is a state keyed by a tree signature (by default of the visible part of the tree: toolkits keep
closed menus in their trees, which would make "the same screen" look new after every menu). Candidate actions
are clicks, typing and scrolls on visible actionable elements, the hotkeys the screen advertises (`Ctrl+F`
beside a menu item), and `back`. On each step the explorer, in this order of preference:
1. acts on an element it has not explored anywhere: new UI first (the items of a menu it just opened), then
   lone controls before members of big same-role groups (a keypad's keys act alike), skipping the rest of a
   family whose members proved inert on this screen, or all led to one screen, or (rows, radio and check
   items) found nothing new on any screen (see `explore_hints`);
2. walks the known graph to the nearest screen that still has such an element;
3. takes an action that, on another screen, led somewhere with unexplored elements (likely here too), unless
   it broke that promise twice in a row (a popover over a one-off dialog kept the elements it promised);
4. when unexplored elements remain only behind the start screen, presses `back` (Escape: closes a dialog or
   menu and keeps the app's state) once per screen, then asks for a relaunch (`RESET_REQUEST`);
5. takes any untried action here (a familiar element on a new screen; first those that most often found a
   screen never seen before), then walks to any screen with one,
   leaving out the actions that never changed any screen in two tries and those predicted only to dismiss a
   modal overlay (see `explore_hints`);
6. relaunches when stuck, otherwise takes an action known to change screens toward the screen visited least
   (a known effect on a rarely seen screen makes a new combination of the app's states), else repeats the
   least-tried action.
An element counts as explored once acting on it changed the screen (not merely closed an overlay over it), or
after one try that did not (two for a hotkey). Typing a text the field already holds is no candidate: it changes
nothing. The explorer never presses Close/Quit/window-decoration buttons or their shortcuts, and an action after
which `info["app_status"]` reported the app gone is never taken again (on any screen) and triggers a relaunch.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from autoplay_gym.agents.candidates import (
    SAMPLE_TEXTS,
    Candidate,
    candidate_name,
    element_candidates,
    general_candidates,
    screen_size,
    shortcut_candidates,
)
from autoplay_gym.agents.explore_hints import FamilyOutcomes, dismissals
from autoplay_gym.agents.recording import RESET_REQUEST
from autoplay_gym.agents.targets import action_target, describe, key_of, key_text, tree_from_info
from autoplay_gym.agents.ui_graph import Edge, ExplorationGraph
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Trajectory

GROUP_SIZE = 4  # a candidate with more same-role siblings than this is deferred
FAMILY_GROUP = 2  # families bigger than this get predicted from their members (see `explore_hints`)
NO_EFFECT_TRIES = 2  # tries of a hotkey without a visible effect before it counts as explored anyway
BROKEN_PROMISES = 2  # times in a row a "promising" action led nowhere new before it is no longer promising
STALE_STEPS = 12  # steps without a new state or element before a stuck walk asks for a relaunch


class GraphExplorer:
    """Seeded exploration; `graph` is the live `ExplorationGraph` (JSON-able), `coverage()` sums it up."""

    def __init__(self, seed: int = 0, *, texts: tuple[str, ...] = SAMPLE_TEXTS, state_key: str = "visible",
                 avoid_exits: bool = True, max_path: int = 6, env_id: str = "") -> None:
        if not texts:
            raise ValueError("texts must offer at least one string to type")
        self.rng = np.random.default_rng(seed)
        self.texts = texts
        self.avoid_exits = avoid_exits
        self.max_path = max_path
        self.graph = ExplorationGraph(env_id, state_key)
        self.tried: dict[str, dict[str, int]] = {}  # state -> candidate name -> times taken
        self.options: dict[str, dict[str, str | None]] = {}  # state -> candidate name -> element key
        self.touched: set[str] = set()  # element keys acted on anywhere ("unique elements acted on")
        self.acted: set[str] = set()  # element keys explored: acting on them changed the screen, or tried enough
        self.fatal: set[str] = set()  # element keys (or candidate names) whose action ended the app
        self.no_effect: dict[str, int] = {}  # element key -> tries in a row that changed nothing
        self.outcomes: dict[str, set[str]] = {}  # candidate name -> states it led to, from any screen
        self.unreliable: dict[tuple[str, str], int] = {}  # (state, candidate) -> times it led somewhere unplanned
        self.families = FamilyOutcomes()  # clicks whose outcome their siblings predict
        self.taken: dict[str, int] = {}  # candidate name -> times taken, on any screen
        self.found: dict[str, int] = {}  # candidate name -> times it led to a screen never seen before
        self.broken: dict[str, int] = {}  # candidate name -> promises in a row it broke (see `_choose`)
        self._last: tuple[str, Candidate] | None = None
        self._prev_keys: set[str] = set()
        self._shown_keys: frozenset[str] = frozenset()  # keys of the elements the last screen offered to act on
        self._shown_all: frozenset[str] = frozenset()  # keys of every element the last screen showed
        self._plan: list[Edge] = []
        self._stale = 0
        self._turn = -1
        self._step = 0
        self._barren_relaunches = 0
        self.reason = ""  # which preference (see the module docstring) chose the last action, for debugging

    # --- agent protocol ---------------------------------------------------------------------------------------

    def reset(self, instruction: str = "") -> None:
        self._last = None
        self._plan = []
        self._prev_keys = set()
        self._shown_keys = self._shown_all = frozenset()
        self._stale = 0
        self._turn += 1
        self._step = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        tree = tree_from_info(info)
        elements = element_candidates(tree, screen_size(obs), avoid_exits=self.avoid_exits)
        promised = self._last[1].name if self._last is not None and self.reason == "promising" else None
        state = self._absorb(tree, info, elements, root=self._step == 0)
        self._step += 1
        if info.get("app_status"):
            self._plan = []
            return dict(RESET_REQUEST)
        options = [self._with_text(c) for c in elements]
        options = [c for c in options if not _types_what_is_there(c, tree)]
        options += shortcut_candidates(tree, avoid_exits=self.avoid_exits)
        options = [c for c in options if c.element_key not in self.fatal and c.name not in self.fatal]
        options.append(general_candidates(())[0])  # back
        self.options[state] = {c.name: c.element_key for c in options}
        self.families.note_options(state, {c.name: c.family for c in options if c.group > FAMILY_GROUP})
        if promised:  # kept if this screen offers unseen elements
            self.broken[promised] = 0 if self._fresh(state) else self.broken.get(promised, 0) + 1
        choice = self._choose(state, options)
        if choice is None:
            return dict(RESET_REQUEST)
        self._prev_keys = {c.element_key for c in options if c.element_key}
        self._last = (state, choice)
        self.tried.setdefault(state, {})
        self.tried[state][choice.name] = self.tried[state].get(choice.name, 0) + 1
        self.taken[choice.name] = self.taken.get(choice.name, 0) + 1
        return dict(choice.action)

    def end_turn(self, trajectory: Trajectory) -> None:
        """Learn from the turn's last step, whose result no `act` call saw."""
        final = trajectory.final
        if self._last is not None and final is not None:
            tree = tree_from_info({"ui_elements": final.ui_elements})
            self._absorb(tree, {"action_error": final.action_error, "app_status": final.info.get("app_status")},
                         element_candidates(tree, None, avoid_exits=self.avoid_exits))
        self._last = None

    @property
    def turn(self) -> int:
        """Index of the current turn (settable, for explorers warm-started from earlier turns)."""
        return self._turn

    @turn.setter
    def turn(self, value: int) -> None:
        self._turn = int(value)

    def absorb(self, trajectory: Trajectory) -> None:
        """Learn a recorded trajectory (this explorer's or any other's) as if it had taken those steps: its
        screens, edges and tried actions; used to warm-start a fresh explorer from earlier turns."""
        previous: tuple[str, UITree] | None = None
        self._last, self._plan = None, []
        for step in trajectory.steps:
            tree = tree_from_info({"ui_elements": step.ui_elements})
            if previous is not None and step.action and "type" in step.action:
                source, before = previous
                element = action_target(step.action, before)
                target = describe(element, before) if element is not None else None
                name = candidate_name(step.action, target)
                key = key_text(key_of(element)) if element is not None else (name if name.startswith("hotkey:") else None)
                self._last = (source, Candidate(name, dict(step.action), target, key))
                self.tried.setdefault(source, {})
                self.tried[source][name] = self.tried[source].get(name, 0) + 1
                self.taken[name] = self.taken.get(name, 0) + 1
            elements = element_candidates(tree, None, avoid_exits=self.avoid_exits)
            state = self._absorb(tree, {"action_error": step.action_error, "app_status": step.info.get("app_status")},
                                 elements, root=step.index == 0)
            if not state:
                previous = None
                continue
            options = elements + shortcut_candidates(tree)
            self.options[state] = {c.name: c.element_key for c in options} | {"back": None}
            previous = (state, tree)
        self._last = None

    def _with_text(self, candidate: Candidate) -> Candidate:
        """Type a text fixed by the field's name, so that a known edge repeats when a plan follows it."""
        if candidate.kind != "type":
            return candidate
        text = self.texts[zlib.crc32(candidate.name.encode("utf-8")) % len(self.texts)]
        return replace(candidate, action={**candidate.action, "text": text})

    def coverage(self) -> dict[str, Any]:
        return {"states": len(self.graph.states), "edges": len(self.graph.edges),
                "elements_acted": len(self.touched), "fatal": sorted(self.fatal)}

    # --- learning ---------------------------------------------------------------------------------------------

    def _absorb(self, tree: UITree, info: dict[str, Any], elements: list[Candidate], *, root: bool = False) -> str:
        """Learn the screen `tree` that the last action led to; `elements` are its element candidates."""
        if not len(tree):  # no window left (the app died): learn that, but an empty screen is no state
            if self._last is not None and info.get("app_status"):
                _, choice = self._last
                self.fatal.add(choice.element_key or choice.name)
                self.graph.fatal.add(choice.name)
            self._last, self._plan = None, []
            return ""
        known = len(self.graph.states)
        state = self.graph.visit(tree, root=root, where={"turn": self._turn, "step": self._step}).key
        shown, self._shown_all = self._shown_all, frozenset(key_text(key_of(e)) for e in tree)
        self._shown_keys = frozenset(c.element_key for c in elements if c.element_key)
        novel = len(self.graph.states) > known
        if self._last is not None:
            source, choice = self._last
            self._last = None
            if novel:
                self.found[choice.name] = self.found.get(choice.name, 0) + 1
            if info.get("app_status"):
                self.fatal.add(choice.element_key or choice.name)
                self.graph.fatal.add(choice.name)
            elif not info.get("action_error"):
                self.graph.add_edge(source, state, choice.action, choice.target, choice.name)
                if state != source:
                    self.outcomes.setdefault(choice.name, set()).add(state)
            first_touch = choice.element_key is not None and choice.element_key not in self.touched
            if state != source and choice.element_key in self._shown_keys and self._shown_all < shown:
                # Only elements went away, this one stayed: the click dismissed an overlay (a popover, a menu)
                # and never reached the element. Counting it explored would hide, say, the app menu's items
                # after a click on its button while another popover was open.
                self.touched.add(choice.element_key)
            else:
                self._mark_acted(choice, changed=state != source)
                self.families.record(source, choice.name, state, novel=novel)
            if self._plan:
                expected = self._plan.pop(0)
                if expected.target != state:
                    slot = (source, choice.name)
                    self.unreliable[slot] = self.unreliable.get(slot, 0) + 1
                    self._plan = []
            novel = novel or first_touch
        self._stale = 0 if novel else self._stale + 1
        if novel:
            self._barren_relaunches = 0
        return state

    def _mark_acted(self, choice: Candidate, *, changed: bool) -> None:
        """An element counts as explored once acting on it changed the screen, or after a try that changed
        nothing; a hotkey gets `NO_EFFECT_TRIES` (one pressed while a modal popover swallows keys deserves
        another try, while a click on a row that does nothing does nothing again)."""
        key = choice.element_key
        if key is None:
            return
        self.touched.add(key)
        self.no_effect[key] = 0 if changed else self.no_effect.get(key, 0) + 1
        if changed or self.no_effect[key] >= (NO_EFFECT_TRIES if choice.kind == "hotkey" else 1):
            self.acted.add(key)

    # --- choosing ---------------------------------------------------------------------------------------------

    def _untried(self, state: str, names: dict[str, str | None]) -> list[str]:
        tried = self.tried.get(state, {})
        return [n for n, key in names.items() if not tried.get(n) and key not in self.fatal and n not in self.fatal]

    def _fresh(self, state: str) -> list[str]:
        """Untried candidates of `state` on elements never acted on anywhere (and not predicted by their siblings)."""
        names = self.options.get(state, {})
        return [n for n in self._untried(state, names) if names[n] is not None and names[n] not in self.acted
                and not self.families.predictable(state, n)]

    def _worth_trying(self, state: str) -> list[str]:
        """Untried candidates of `state`, less those predicted to change nothing (taken `NO_EFFECT_TRIES` times
        or more, on any screens, and never changed one) or only to dismiss it (see `explore_hints`)."""
        dismiss = dismissals(self.graph, self.options, state)
        return [n for n in self._untried(state, self.options.get(state, {})) if n not in dismiss
                and (n in self.outcomes or self.taken.get(n, 0) < NO_EFFECT_TRIES)]

    def _choose(self, state: str, options: list[Candidate]) -> Candidate | None:
        by_name = {c.name: c for c in options}
        if self._plan:
            step = self._plan[0]
            if step.source == state and step.candidate in by_name:
                self.reason = "plan"
                return by_name[step.candidate]
            self._plan = []
        fresh = set(self._fresh(state)) & set(by_name)
        if fresh:
            self.reason = "fresh"
            return self._pick([c for c in options if c.name in fresh])
        if self._plan_to(state, self._fresh, by_name):
            self.reason = "walk to fresh"
            return by_name[self._plan[0].candidate]
        tried = self.tried.get(state, {})
        promising = [c for c in options if not tried.get(c.name) and self.broken.get(c.name, 0) < BROKEN_PROMISES
                     and any(self._fresh(t) for t in self.outcomes.get(c.name, ()))]
        if promising:  # on another screen this action led somewhere with unseen elements: likely here too
            self.reason = "promising"
            return self._pick(promising)
        if self._may_relaunch(state) and self._left_at_roots(self._fresh):
            if "back" in by_name and not tried.get("back"):
                self.reason = "back before relaunch"
                return by_name["back"]  # Escape closes a dialog or menu for one step, and keeps the app's state
            return self._relaunch()  # unseen elements remain, but only the start screen leads there
        untried = set(self._worth_trying(state)) & set(by_name)
        if untried:
            self.reason = "untried"
            return self._most_finding([c for c in options if c.name in untried])
        if self._plan_to(state, self._worth_trying, by_name):
            self.reason = "walk to untried"
            return by_name[self._plan[0].candidate]
        if self._may_relaunch(state) and (self._left_at_roots(self._worth_trying) or self._stale >= STALE_STEPS):
            return self._relaunch()
        wander = self._toward_least_visited(state, options)
        if wander:
            self.reason = "wander"
            return self._most_finding(wander)
        tried = self.tried.get(state, {})
        least = min(tried.get(c.name, 0) for c in options)
        pool = [c for c in options if tried.get(c.name, 0) == least]
        self.reason = "least tried"
        return pool[int(self.rng.integers(len(pool)))]

    def _most_finding(self, pool: list[Candidate]) -> Candidate:
        """Of familiar actions, one that most often found a new screen (Laplace-smoothed rate over every
        screen it was taken on): opening a menu or a dialog over a changed screen finds a new combination of
        the app's states, while a key that did nothing before will do nothing again; ties broken by the seed."""
        def rate(c: Candidate) -> float:
            return (self.found.get(c.name, 0) + 1) / (self.taken.get(c.name, 0) + 2)
        best = max(rate(c) for c in pool)
        return self._pick([c for c in pool if rate(c) == best])

    def _toward_least_visited(self, state: str, options: list[Candidate]) -> list[Candidate]:
        """When nothing here or near is untried: the actions known to change screens, those whose screens (as
        seen from here, else from anywhere) were visited least. Poking the same screen again finds nothing,
        while an effect applied on a rarely seen screen makes a new combination of the app's states. An action
        taken here that never changed this screen is left out, whatever it did elsewhere: on a start screen,
        where relaunching gains nothing, it would otherwise be taken again for the rest of the turn."""
        led: dict[str, set[str]] = {}
        for edge in self.graph.out_edges(state):
            if edge.target != state:
                led.setdefault(edge.candidate, set()).add(edge.target)
        tried = self.tried.get(state, {})
        visits: dict[str, int] = {}
        for c in options:
            if c.name not in led and tried.get(c.name):
                continue
            targets = led.get(c.name) or self.outcomes.get(c.name, set()) - {state}
            counts = [self.graph.states[t].visits for t in targets if t in self.graph.states]
            if counts and c.kind != "back":
                visits[c.name] = min(counts)
        if not visits:
            return []
        least = min(visits.values())
        return [c for c in options if visits.get(c.name) == least]

    def _may_relaunch(self, state: str) -> bool:
        """Relaunching from a start screen gains nothing, nor does relaunching again when the last two
        relaunches found nothing new."""
        return self._step > 1 and state not in self.graph.roots and self._barren_relaunches < 2

    def _relaunch(self) -> None:
        self.reason = "relaunch"
        self._barren_relaunches += 1
        return None

    def _left_at_roots(self, wanted: Callable[[str], list[str]]) -> bool:
        """Whether a relaunch could lead somewhere `wanted`: by the same paths `_plan_to` would follow from a
        start screen (unreliable edges avoided, first action one the start screen offers), or else a relaunch
        ends in a walk that does not start, and the explorer relaunches again and again."""
        avoid = self._unreliable_names()
        for root in self.graph.roots:
            offered = self.options.get(root, {})
            paths = self.graph.shortest_paths([root], avoid=avoid)
            if any(wanted(s) for s, p in paths.items()
                   if len(p) <= self.max_path and (not p or p[0].candidate in offered)):
                return True
        return False

    def _unreliable_names(self) -> set[str]:
        return {name for (_, name), n in self.unreliable.items() if n >= 2}

    def _pick(self, pool: list[Candidate]) -> Candidate:
        """Elements that just appeared (a menu's items) first; members of big same-role groups (keypads, list
        rows: they tend to act alike) after singletons; then scrolls, then back; ties broken by the seed."""
        order = self.rng.permutation(len(pool))
        ranked = sorted(order, key=lambda i: (pool[i].element_key is None or pool[i].element_key in self._prev_keys,
                                              pool[i].group > GROUP_SIZE,
                                              pool[i].kind == "back", pool[i].kind == "scroll"))
        return pool[int(ranked[0])]

    def _plan_to(self, state: str, wanted: Callable[[str], list[str]], here: dict[str, Candidate]) -> bool:
        """Set `_plan` to the shortest known path from `state` to a state where `wanted(state)` is non-empty and
        whose first action exists on the current screen."""
        paths = self.graph.shortest_paths([state], avoid=self._unreliable_names())
        best: list[Edge] | None = None
        for target, path in paths.items():
            if (path and len(path) <= self.max_path and path[0].candidate in here and wanted(target)
                    and (best is None or len(path) < len(best))):
                best = path
        self._plan = list(best) if best else []
        return bool(best)


def _types_what_is_there(candidate: Candidate, tree: UITree) -> bool:
    """A typing action whose text the field already holds: it would change nothing."""
    if candidate.kind != "type":
        return False
    element = action_target(candidate.action, tree)
    return element is not None and element.text.strip() == str(candidate.action.get("text", "")).strip()
