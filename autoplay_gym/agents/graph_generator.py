"""GraphTaskGenerator: tasks from an exploration graph, each with a programmatic check and a replayed witness.

Templates (all grounded in screens the explorer reached, with the shortest known path as the witness prefix):
- navigate (feature-use): reach a screen that exploration found: a dialog, a menu, a mode;
- fill (feature-use): make an editable field hold a value;
- toggle (feature-use): flip a check box / check item, or select a radio item;
- compute (feature-composition / feature-repetition / information-retrieval): on a screen with a digit keypad,
  compute a value; the expected result is worked out here, independently of the app.
Every proposed task is replayed from reset on the real env and kept only if its check fails right after reset
(the task asks for something) and passes after the witness (the task is feasible), then replayed again exactly
as stored, where every stored element id must still name the element it was recorded on (see `replay`: a
witness whose ids only work when the tree happens to come out the same is dropped). Ids hash (env_id,
instruction), so the same task gets the same id in every run.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Callable, Iterable

import numpy as np

from autoplay_gym.agents.replay import replay_witness
from autoplay_gym.agents.state_verifier import ProgrammaticVerifier
from autoplay_gym.agents.targets import describe, element_name, visible_ids
from autoplay_gym.agents.task_templates import (
    field_phrase,
    field_selector,
    is_new_field,
    opener_name,
    screen_phrase,
    toggle_phrase,
)
from autoplay_gym.agents.ui_graph import Edge, ExplorationGraph
from autoplay_gym.core.ui import UIElement, UITree
from autoplay_gym.tasks import Task, Trajectory

FIELD_VALUES = ("Hello world", "Meeting at 10:30", "Shopping list: milk, eggs", "Call Alice tomorrow",
                "Draft 2 of the report", "12+30")
NUMBER_VALUES = ("12", "30", "7", "64", "25")
NUMERIC_ROLES = frozenset({"spin button", "slider"})  # fields that reject or rewrite anything but a number
OPERATORS = {"+": ("+",), "−": ("−", "-"), "×": ("×", "*"), "÷": ("÷", "/")}


def task_id(env_id: str, instruction: str) -> str:
    return "graph-" + hashlib.blake2b(f"{env_id}\n{instruction}".encode("utf-8"), digest_size=6).hexdigest()


class GraphTaskGenerator:
    """`generate(graph, trajectories)` proposes tasks and keeps those whose witness replays on `env`.

    Proposals are replayed in turns across (category, guideline), shortest witness first within each, so a
    `max_tasks` budget still yields a mix. `stats` says how many were proposed, kept, dropped (and why) and left
    unreplayed because the budget was reached, per category.
    """

    def __init__(self, env: Any = None, *, env_id: str = "", seed: int = 0, values: Iterable[str] = FIELD_VALUES,
                 values_per_field: int = 5, computations: int = 12, max_witness: int = 8,
                 max_per_category: int | None = None, max_tasks: int | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.env = env
        self.env_id = env_id
        self.seed = seed
        self.values = tuple(values)
        self.values_per_field = values_per_field
        self.computations = computations
        self.max_witness = max_witness
        self.max_per_category = max_per_category
        # Stop replaying once this many tasks are kept: replays are what generation costs (seconds each).
        self.max_tasks = max_tasks
        self.progress = progress
        self.stats: dict[str, Any] = {}
        self.rejected: list[dict[str, Any]] = []  # the tasks validate() dropped, with why

    # --- public API -------------------------------------------------------------------------------------------

    def generate(self, graph: ExplorationGraph | None = None, trajectories: Iterable[Trajectory] = ()) -> list[Task]:
        if self.env is None:
            raise ValueError("GraphTaskGenerator needs the env to replay witnesses; use propose() without one")
        if graph is None:
            graph = ExplorationGraph.from_trajectories(trajectories, self.env_id)
        return self.validate(self.propose(graph))

    def propose(self, graph: ExplorationGraph) -> list[Task]:
        """Candidate tasks from the graph, not yet replayed."""
        if not graph.roots:
            raise ValueError("the exploration graph has no start screen (no trajectory began with a reset)")
        self.env_id = self.env_id or graph.env_id
        root = graph.states[graph.roots[0]].tree()
        paths = {k: p for k, p in graph.shortest_paths(graph.roots).items() if len(p) < self.max_witness}
        rng = np.random.default_rng(self.seed)
        found: dict[str, Task] = {}
        for key in sorted(paths, key=lambda k: (len(paths[k]), k)):
            path, tree = paths[key], graph.states[key].tree()
            screen = self._screen(graph, path, tree, root) if path else None
            if path and screen is None:
                continue
            if screen is not None and not _ends_with_typing(path):
                self._add(found, "navigate", "feature-use", screen[0], screen[1], path, [], key, graph)
            self._fields(found, graph, key, path, tree, screen, rng)
            self._toggles(found, graph, key, path, tree, screen)
        self._computations(found, graph, paths, rng)
        return self._limited(list(found.values()))

    def validate(self, tasks: list[Task]) -> list[Task]:
        """Replay every task's witness from reset; keep the ones that prove feasible and non-trivial.

        With `max_tasks`, stops once that many are kept; the rest count as `unreplayed` in `stats`.
        """
        tasks = _interleaved(tasks)
        verifier = ProgrammaticVerifier(self.env)
        self.rejected = []
        kept: list[Task] = []
        dropped: dict[str, int] = {}
        started = time.monotonic()
        by_category: dict[str, list[int]] = {}
        for number, task in enumerate(tasks, 1):
            if self.max_tasks is not None and len(kept) >= self.max_tasks:
                break
            seed = int(task.params.get("seed", 0))
            result = replay_witness(self.env, task, verifier, seed=seed)
            if result.passed:
                # The stored witness must replay as stored, again, its ids naming the same elements: a task that
                # passes only once, or only because a shifted id happened to land on a look-alike, is luck.
                stored = Task.from_dict({**task.to_dict(), "witness": result.witness})
                again = replay_witness(self.env, stored, verifier, seed=seed, resolve_targets=False)
                if not again.passed:
                    result = again
            counts = by_category.setdefault(task.category, [0, 0])
            counts[0] += 1
            if result.passed:
                task.witness = result.witness
                task.metadata["replay_seconds"] = round(result.seconds, 3)
                kept.append(task)
                counts[1] += 1
            else:
                why = "error" if result.error else "trivial" if result.trivial else "check failed"
                dropped[why] = dropped.get(why, 0) + 1
                self.rejected.append({"task": task, "why": why,
                                      "reason": result.error or result.verdict.reason})
            if self.progress is not None:
                self.progress(f"replayed {number}/{len(tasks)}: {'kept' if result.passed else 'dropped'} "
                              f"{task.instruction!r}")
        self.stats = {"proposed": len(tasks), "kept": len(kept), "dropped": dropped,
                      "unreplayed": len(tasks) - len(kept) - len(self.rejected),
                      "by_category": {k: {"proposed": v[0], "kept": v[1]} for k, v in by_category.items()},
                      "seconds": round(time.monotonic() - started, 1)}
        return kept

    # --- templates --------------------------------------------------------------------------------------------

    def _screen(self, graph: ExplorationGraph, path: list[Edge], tree: UITree, root: UITree):
        last = path[-1]
        before = graph.states[last.source].tree()
        return screen_phrase(tree, before, root, opener_name(last, before))

    def _fields(self, found, graph, key, path, tree, screen, rng) -> None:
        if len(path) + 1 >= self.max_witness:
            return
        shown = visible_ids(tree)
        root = graph.states[graph.roots[0]].tree()
        for field in (e for e in tree if e.editable and e.enabled and e.id in shown):
            if path and not is_new_field(field, tree, root):
                continue  # the start screen's own field: its fill task starts there, with a shorter witness
            where = field_phrase(field, tree)
            values = NUMBER_VALUES if field.role in NUMERIC_ROLES else self.values
            picks = rng.choice(len(values), size=min(self.values_per_field, len(values)), replace=False)
            for value in (values[int(i)] for i in sorted(picks)):
                text = f'Type "{value}" into {where}'
                check: dict[str, Any] = {"type": "element_text_equals", "element": field_selector(field, tree),
                                         "text": value}
                if screen is not None:
                    text = f"{screen[0]}, then type \"{value}\" into {where}"
                    check = {"type": "all", "checks": [screen[1], check]}
                step = {"type": "type", "text": value, "element": field.id, "clear": True}
                self._add(found, "fill", "feature-use", text, check, path, [(step, describe(field, tree, shown))],
                          key, graph, {"value": value})

    def _toggles(self, found, graph, key, path, tree, screen) -> None:
        if len(path) + 1 >= self.max_witness:
            return
        shown = visible_ids(tree)
        for element in (e for e in tree if e.checkable and e.enabled and e.id in shown and element_name(e)):
            if any((edge.target_element or {}).get("name") == element_name(element) for edge in path):
                continue  # the path already flipped it: "turn it back" is not a feature of the app
            text, wanted = toggle_phrase(element)
            if screen is not None:
                text = f"{screen[0]}, then {text[0].lower()}{text[1:]}"
            check = {"type": "element_checked", "element": {"role": element.role, "name": element_name(element)},
                     "checked": wanted}
            step = {"type": "click", "element": element.id}
            self._add(found, "toggle", "feature-use", text, check, path, [(step, describe(element, tree, shown))],
                      key, graph, {"control": element_name(element), "checked": wanted})

    def _computations(self, found, graph, paths, rng) -> None:
        """Arithmetic on the first reachable screen with a keypad (digits, an operator, and =)."""
        for key in sorted(paths, key=lambda k: (len(paths[k]), k)):
            tree = graph.states[key].tree()
            keypad = _keypad(tree)
            if keypad is None:
                continue
            path, shown = paths[key], visible_ids(tree)
            display = next((e for e in tree if e.editable and e.id in shown), None)
            for number in range(self.computations + 8):
                symbol = list(keypad["ops"])[number % len(keypad["ops"])]
                kind = "compute" if number < self.computations else "sum" if number < self.computations + 4 else "ask"
                operands = _operands("+" if kind == "sum" else symbol, 3 if kind == "sum" else 2, rng)
                result = _evaluate(operands, "+" if kind == "sum" else symbol)
                presses = _presses(operands, "+" if kind == "sum" else symbol)
                steps = [({"type": "click", "element": keypad[p].id}, describe(keypad[p], tree, shown)) for p in presses]
                shown_text = f" {'+' if kind == 'sum' else symbol} ".join(str(o) for o in operands)
                check = {"type": "tree_contains", "text": str(result), "editable": False, "visible": True}
                if display is not None:
                    check = {"type": "all", "checks": [{"type": "element_text_equals", "element": field_selector(
                        display, tree), "text": str(result)}, check]}
                params = {"operands": operands, "operator": symbol, "result": result}
                if kind == "compute":
                    self._add(found, "compute", "feature-composition", f"Compute {shown_text} using the keypad",
                              check, path, steps, key, graph, params)
                elif kind == "sum":
                    self._add(found, "compute", "feature-repetition", f"Add up {', '.join(map(str, operands[:-1]))} "
                              f"and {operands[-1]} using the keypad", check, path, steps, key, graph, params)
                else:
                    steps.append(({"type": "answer", "text": str(result)}, None))
                    self._add(found, "compute", "information-retrieval", f"What is {shown_text}? Work it out with "
                              "the keypad and answer with the number.", None, path, steps, key, graph, params,
                              answer=str(result))
            return

    # --- helpers ----------------------------------------------------------------------------------------------

    def _add(self, found: dict[str, Task], category: str, guideline: str, instruction: str, check: Any,
             path: list[Edge], extra: list[tuple[dict[str, Any], dict[str, Any] | None]], state: str,
             graph: ExplorationGraph, params: dict[str, Any] | None = None, answer: str | None = None) -> None:
        tid = task_id(self.env_id, instruction)
        witness = [dict(e.action) for e in path] + [a for a, _ in extra]
        if tid in found and len(found[tid].witness or []) <= len(witness):
            return
        targets = [e.target_element for e in path] + [t for _, t in extra]
        source = graph.states[state].first_seen.get("trajectory")
        found[tid] = Task(id=tid, env_id=self.env_id, instruction=instruction, guideline=guideline,
                          params=dict(params or {}), answer=answer, check=check, witness=witness,
                          source_trajectory=source, category=category,
                          metadata={"generator": "graph", "state": state, "witness_targets": targets})

    def _limited(self, tasks: list[Task]) -> list[Task]:
        if self.max_per_category is None:
            return tasks
        out, counts = [], {}
        for task in sorted(tasks, key=lambda t: (len(t.witness or []), t.id)):
            slot = (task.category, task.guideline)
            if counts.get(slot, 0) < self.max_per_category:
                counts[slot] = counts.get(slot, 0) + 1
                out.append(task)
        return out


def _interleaved(tasks: list[Task]) -> list[Task]:
    """One task per (category, guideline) in turn, each slot shortest witness first (cheapest, likeliest to replay)."""
    slots: dict[tuple[str, str], list[Task]] = {}
    for task in sorted(tasks, key=lambda t: (len(t.witness or []), t.id)):
        slots.setdefault((task.category, task.guideline), []).append(task)
    queues = [slots[k] for k in sorted(slots)]
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


def _ends_with_typing(path: list[Edge]) -> bool:
    return bool(path) and path[-1].action.get("type") == "type"


def _keypad(tree: UITree) -> dict[str, Any] | None:
    shown = visible_ids(tree)
    buttons: dict[str, UIElement] = {}
    for e in tree:
        if e.id in shown and e.clickable and e.enabled and e.role in ("push button", "button"):
            buttons.setdefault(element_name(e), e)
    if not all(str(d) in buttons for d in range(10)) or "=" not in buttons:
        return None
    ops = {symbol: buttons[name] for symbol, names in OPERATORS.items() for name in names if name in buttons}
    if not ops:
        return None
    return {**{str(d): buttons[str(d)] for d in range(10)}, "=": buttons["="], **ops, "ops": ops}


def _operands(symbol: str, count: int, rng: np.random.Generator) -> list[int]:
    while True:
        values = [int(v) for v in rng.integers(2, 60, size=count)]
        if symbol == "÷":
            values = [values[0] * values[1], values[1]]
        result = _evaluate(values, symbol)
        if 0 < result < 1000 and (symbol != "−" or values[0] > values[1]):
            return values


def _evaluate(values: list[int], symbol: str) -> int:
    out = values[0]
    for v in values[1:]:
        out = {"+": out + v, "−": out - v, "×": out * v, "÷": out // v}[symbol]
    return out


def _presses(values: list[int], symbol: str) -> list[str]:
    presses: list[str] = []
    for i, v in enumerate(values):
        if i:
            presses.append(symbol)
        presses.extend(str(v))
    return presses + ["="]
