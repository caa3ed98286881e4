"""GraphExplorer: model-free, systematic exploration over a UI transition graph.

Every screen is a state keyed by a tree signature (by default of the visible part of the tree: toolkits keep
closed menus in their trees, which would make "the same screen" look new after every menu). On each step the
explorer, in this order of preference:
1. takes an untried action on an element it has never acted on anywhere (new UI first: elements that just
   appeared, like the items of a menu it opened);
2. walks the known graph to the nearest screen that still has such an element;
3. takes any untried action here (a familiar element on a new screen), including `back`;
4. walks to any screen with untried actions; 5. asks for a relaunch (`RESET_REQUEST`) when nothing untried is
   reachable from here but something is from the start screen; 6. otherwise repeats the least-tried action.
It never presses Close/Quit/window-decoration buttons, and an action after which `info["app_status"]` reported
the app gone is never taken again (on any screen) and triggers a relaunch.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autoplay_gym.agents.candidates import SAMPLE_TEXTS, Candidate, element_candidates, general_candidates, screen_size
from autoplay_gym.agents.recording import RESET_REQUEST
from autoplay_gym.agents.targets import tree_from_info
from autoplay_gym.agents.ui_graph import Edge, ExplorationGraph
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Trajectory

GROUP_SIZE = 4  # a candidate with more same-role siblings than this is deferred
STALE_STEPS = 12  # steps without a new state or element before a stuck walk asks for a relaunch


class GraphExplorer:
    """Seeded, deterministic for a given seed and app. `graph` is the live `ExplorationGraph` (JSON-able)."""

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
        self.acted: set[str] = set()  # element keys acted on anywhere
        self.fatal: set[str] = set()  # element keys (or candidate names) whose action ended the app
        self.unreliable: dict[tuple[str, str], int] = {}  # (state, candidate) -> times it led somewhere unplanned
        self._last: tuple[str, Candidate] | None = None
        self._prev_keys: set[str] = set()
        self._plan: list[Edge] = []
        self._stale = 0
        self._turn = -1
        self._step = 0

    # --- agent protocol ---------------------------------------------------------------------------------------

    def reset(self, instruction: str = "") -> None:
        self._last = None
        self._plan = []
        self._prev_keys = set()
        self._stale = 0
        self._turn += 1
        self._step = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        tree = tree_from_info(info)
        state = self._absorb(tree, info, root=self._step == 0)
        self._step += 1
        if info.get("app_status"):
            self._plan = []
            return dict(RESET_REQUEST)
        text = self.texts[int(self.rng.integers(len(self.texts)))]
        options = element_candidates(tree, screen_size(obs), avoid_exits=self.avoid_exits, text=text)
        options = [c for c in options if c.element_key not in self.fatal and c.name not in self.fatal]
        options.append(general_candidates(())[0])  # back
        self.options[state] = {c.name: c.element_key for c in options}
        choice = self._choose(state, options)
        if choice is None:
            return dict(RESET_REQUEST)
        self._prev_keys = {c.element_key for c in options if c.element_key}
        self._last = (state, choice)
        self.tried.setdefault(state, {})
        self.tried[state][choice.name] = self.tried[state].get(choice.name, 0) + 1
        if choice.element_key:
            self.acted.add(choice.element_key)
        return dict(choice.action)

    def end_turn(self, trajectory: Trajectory) -> None:
        """Learn from the turn's last step, whose result no `act` call saw."""
        final = trajectory.final
        if self._last is not None and final is not None and final.ui_elements:
            self._absorb(tree_from_info({"ui_elements": final.ui_elements}), {
                "action_error": final.action_error, "app_status": final.info.get("app_status")})
        self._last = None

    def coverage(self) -> dict[str, Any]:
        return {"states": len(self.graph.states), "edges": len(self.graph.edges),
                "elements_acted": len(self.acted), "fatal": sorted(self.fatal)}

    # --- learning ---------------------------------------------------------------------------------------------

    def _absorb(self, tree: UITree, info: dict[str, Any], *, root: bool = False) -> str:
        known = len(self.graph.states)
        state = self.graph.visit(tree, root=root, where={"turn": self._turn, "step": self._step}).key
        novel = len(self.graph.states) > known
        if self._last is not None:
            source, choice = self._last
            self._last = None
            if info.get("app_status"):
                self.fatal.add(choice.element_key or choice.name)
                self.graph.fatal.add(choice.name)
            elif not info.get("action_error"):
                self.graph.add_edge(source, state, choice.action, choice.target, choice.name)
            if self._plan:
                expected = self._plan.pop(0)
                if expected.target != state:
                    slot = (source, choice.name)
                    self.unreliable[slot] = self.unreliable.get(slot, 0) + 1
                    self._plan = []
            novel = novel or (choice.element_key is not None and choice.element_key not in self.acted)
        self._stale = 0 if novel else self._stale + 1
        return state

    # --- choosing ---------------------------------------------------------------------------------------------

    def _untried(self, state: str, names: dict[str, str | None]) -> list[str]:
        tried = self.tried.get(state, {})
        return [n for n, key in names.items() if not tried.get(n) and key not in self.fatal and n not in self.fatal]

    def _fresh(self, state: str) -> list[str]:
        """Untried candidates of `state` on elements never acted on anywhere."""
        names = self.options.get(state, {})
        return [n for n in self._untried(state, names) if names[n] is not None and names[n] not in self.acted]

    def _choose(self, state: str, options: list[Candidate]) -> Candidate | None:
        by_name = {c.name: c for c in options}
        names = {c.name: c.element_key for c in options}
        if self._plan:
            step = self._plan[0]
            if step.source == state and step.candidate in by_name:
                return by_name[step.candidate]
            self._plan = []
        fresh = set(self._fresh(state))
        if fresh:
            return self._pick([c for c in options if c.name in fresh])
        if self._plan_to(state, self._fresh, by_name):
            return by_name[self._plan[0].candidate]
        untried = set(self._untried(state, names))
        if untried:
            return self._pick([c for c in options if c.name in untried])
        if self._plan_to(state, lambda s: self._untried(s, self.options.get(s, {})), by_name):
            return by_name[self._plan[0].candidate]
        if self._step > 1 and any(self._untried(r, self.options.get(r, {})) or self._reachable_frontier(r)
                                  for r in self.graph.roots if r != state):
            return None  # something is left to try, but only from the start screen
        if self._stale >= STALE_STEPS and self._step > 1:
            return None
        tried = self.tried.get(state, {})
        least = min(tried.get(c.name, 0) for c in options)
        pool = [c for c in options if tried.get(c.name, 0) == least]
        return pool[int(self.rng.integers(len(pool)))]

    def _pick(self, pool: list[Candidate]) -> Candidate:
        """Elements that just appeared (a menu's items) first; members of big same-role groups (keypads, list
        rows: they tend to act alike) after singletons; then scrolls, then back; ties broken by the seed."""
        order = self.rng.permutation(len(pool))
        ranked = sorted(order, key=lambda i: (pool[i].element_key in self._prev_keys, pool[i].group > GROUP_SIZE,
                                              pool[i].kind == "back", pool[i].kind == "scroll"))
        return pool[int(ranked[0])]

    def _plan_to(self, state: str, wanted: Callable[[str], list[str]], here: dict[str, Candidate]) -> bool:
        """Set `_plan` to the shortest known path from `state` to a state where `wanted(state)` is non-empty and
        whose first action exists on the current screen."""
        avoid = {name for (_, name), n in self.unreliable.items() if n >= 2}
        paths = self.graph.shortest_paths([state], avoid=avoid)
        best: list[Edge] | None = None
        for target, path in paths.items():
            if (path and len(path) <= self.max_path and path[0].candidate in here and wanted(target)
                    and (best is None or len(path) < len(best))):
                best = path
        self._plan = list(best) if best else []
        return bool(best)

    def _reachable_frontier(self, root: str) -> bool:
        paths = self.graph.shortest_paths([root])
        return any(self._untried(s, self.options.get(s, {})) for s, p in paths.items() if p and len(p) <= self.max_path)
