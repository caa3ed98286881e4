"""The UI transition graph: screens (keyed by a tree signature) and the actions that lead between them.

The graph explorer grows one while it explores; `ExplorationGraph.from_trajectories` rebuilds one from any
recorded trajectories (an LLM explorer's included), which is what the model-free task generator reads. It
serialises to plain JSON:

    {"version": 1, "env_id": ..., "state_key": "visible"|"signature", "roots": [sig, ...],
     "states": {sig: {"visits", "title", "first_seen": {"trajectory", "step"}, "elements": [ui element dicts]}},
     "edges": [{"source", "target", "action", "target_element", "candidate", "count"}],
     "fatal": [candidate names whose action ended the app]}
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from autoplay_gym.agents.candidates import candidate_name
from autoplay_gym.agents.targets import action_target, describe, top_window_title, tree_from_info, visible_ids
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Trajectory

GRAPH_VERSION = 1


def visible_signature(tree: UITree, screen: tuple[int, int] | None = None) -> str:
    """`UITree.signature()` of the part of the tree that is plausibly on screen (see `targets.visible_ids`)."""
    shown = visible_ids(tree, screen)
    return UITree([e for e in tree if e.id in shown]).renumbered().signature()


STATE_KEYS: dict[str, Callable[[UITree], str]] = {
    "visible": visible_signature,
    "signature": UITree.signature,
}


@dataclass
class State:
    key: str
    elements: list[dict[str, Any]]
    title: str = ""
    visits: int = 0
    first_seen: dict[str, Any] = field(default_factory=dict)

    def tree(self) -> UITree:
        return UITree.from_dicts(self.elements)


@dataclass
class Edge:
    source: str
    target: str
    action: dict[str, Any]
    target_element: dict[str, Any] | None = None  # descriptor of the acted-on element in the source screen
    candidate: str | None = None
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "action": self.action,
                "target_element": self.target_element, "candidate": self.candidate, "count": self.count}


class ExplorationGraph:
    """States and edges. Parallel edges with the same action collapse into one with a count."""

    def __init__(self, env_id: str = "", state_key: str = "visible") -> None:
        if state_key not in STATE_KEYS:
            raise ValueError(f"state_key must be one of {sorted(STATE_KEYS)}, got {state_key!r}")
        self.env_id = env_id
        self.state_key = state_key
        self.states: dict[str, State] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}
        self.roots: list[str] = []
        self.fatal: set[str] = set()

    def key(self, tree: UITree) -> str:
        return STATE_KEYS[self.state_key](tree)

    # --- growing ----------------------------------------------------------------------------------------------

    def visit(self, tree: UITree, *, root: bool = False, where: dict[str, Any] | None = None) -> State:
        """Record a visit to the screen `tree` shows; returns its state (created on first sight)."""
        key = self.key(tree)
        state = self.states.get(key)
        if state is None:
            state = State(key, tree.to_dicts(), top_window_title(tree), first_seen=dict(where or {}))
            self.states[key] = state
        state.visits += 1
        if root and key not in self.roots:
            self.roots.append(key)
        return state

    def add_edge(self, source: str, target: str, action: dict[str, Any], target_element: dict[str, Any] | None,
                 candidate: str | None = None) -> Edge:
        name = candidate or json.dumps(target_element or action, sort_keys=True)
        slot = (source, name, target)
        edge = self.edges.get(slot)
        if edge is None:
            edge = self.edges[slot] = Edge(source, target, dict(action), target_element, candidate, 0)
        edge.count += 1
        return edge

    # --- reading ----------------------------------------------------------------------------------------------

    def out_edges(self, key: str) -> list[Edge]:
        return [e for (source, _, _), e in self.edges.items() if source == key]

    def shortest_paths(self, sources: Iterable[str], *, avoid: set[str] | None = None) -> dict[str, list[Edge]]:
        """Breadth-first: for every state reachable from `sources`, the fewest edges that lead there."""
        avoid = avoid or set()
        adjacency: dict[str, list[Edge]] = {}
        for edge in self.edges.values():
            if edge.source != edge.target and (edge.candidate or "") not in avoid:
                adjacency.setdefault(edge.source, []).append(edge)
        paths: dict[str, list[Edge]] = {s: [] for s in sources}
        queue = deque(paths)
        while queue:
            current = queue.popleft()
            for edge in adjacency.get(current, []):
                if edge.target not in paths:
                    paths[edge.target] = paths[current] + [edge]
                    queue.append(edge.target)
        return paths

    # --- serialising ------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": GRAPH_VERSION,
            "env_id": self.env_id,
            "state_key": self.state_key,
            "roots": list(self.roots),
            "states": {k: {"title": s.title, "visits": s.visits, "first_seen": s.first_seen, "elements": s.elements}
                       for k, s in self.states.items()},
            "edges": [e.to_dict() for e in self.edges.values()],
            "fatal": sorted(self.fatal),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExplorationGraph":
        if data.get("version") != GRAPH_VERSION:
            raise ValueError(f"unsupported exploration graph version {data.get('version')!r}")
        graph = cls(data.get("env_id", ""), data.get("state_key", "visible"))
        graph.roots = list(data.get("roots", []))
        for key, s in data.get("states", {}).items():
            graph.states[key] = State(key, s["elements"], s.get("title", ""), s.get("visits", 0), s.get("first_seen", {}))
        for e in data.get("edges", []):
            edge = Edge(e["source"], e["target"], e["action"], e.get("target_element"), e.get("candidate"), e.get("count", 1))
            graph.edges[(edge.source, edge.candidate or json.dumps(edge.target_element or edge.action, sort_keys=True),
                         edge.target)] = edge
        graph.fatal = set(data.get("fatal", []))
        return graph

    def save(self, path: str | os.PathLike) -> None:
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "ExplorationGraph":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_trajectories(cls, trajectories: Iterable[Trajectory], env_id: str = "",
                          state_key: str = "visible") -> "ExplorationGraph":
        """Rebuild a graph from recorded trajectories: step 0 of each is a root, every step without an action
        error is an edge from the previous screen, named by the acted-on element's descriptor."""
        graph = cls(env_id, state_key)
        for trajectory in trajectories:
            graph.env_id = graph.env_id or trajectory.env_id
            previous: tuple[str, UITree] | None = None
            was_running = True
            for step in trajectory.steps:
                tree = tree_from_info({"ui_elements": step.ui_elements})
                if not len(tree):
                    previous = None
                    continue
                where = {"trajectory": trajectory.id, "step": step.index}
                state = graph.visit(tree, root=step.index == 0, where=where)
                if previous is not None and step.action is not None and "type" in step.action:
                    source, before = previous
                    descriptor = _descriptor_of(step.action, before)
                    name = candidate_name(step.action, descriptor)
                    if step.action_error is None:
                        graph.add_edge(source, state.key, step.action, descriptor, name)
                    if step.info.get("app_status") and was_running:
                        graph.fatal.add(name)
                was_running = not step.info.get("app_status")
                previous = (state.key, tree)
        return graph


def _descriptor_of(action: dict[str, Any], tree: UITree) -> dict[str, Any] | None:
    element = action_target(action, tree)
    return describe(element, tree) if element is not None else None
