"""Exploration coverage: GraphExplorer vs RandomExplorer on the real Calculator and TextEditor, same step budget,
same run, same envs. The last line is one JSON object.

A run is `explore(turns=budget, steps=20, max_total_steps=budget)`: a reset costs one step of the budget, so an
explorer that relaunches more often pays for it. Metrics per run, medians over seeds:
- `states`: distinct `UITree.signature()` values seen (the assignment's measure; the signature ignores content,
  decoration, transient progress bars and repeated siblings, so a retyped title or one more tab is no new state);
- `visible_states`: distinct signatures of the visible part of the tree (ghosts of closed menus ignored);
- `screens`: as `visible_states`, with window titles ignored too (the TextEditor's title is the document's first
  line, so every typed text would otherwise be a new screen);
- `elements`: distinct elements acted on (role + name; hotkeys by their keys);
- `dialogs`: distinct titled windows opened over the start screen.

    python benchmarks/explore_coverage.py [--steps 200] [--seeds 0] [--apps Calculator TextEditor]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace

import gymnasium as gym

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.graph_explorer import GraphExplorer
from autoplay_gym.agents.random_explorer import RandomExplorer
from autoplay_gym.agents.recording import explore
from autoplay_gym.agents.targets import action_target, key_of, key_text
from autoplay_gym.agents.task_templates import new_windows
from autoplay_gym.agents.ui_graph import visible_signature
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Trajectory

EXPLORERS = {"graph": GraphExplorer, "random": RandomExplorer}


def measure(trajectories: list[Trajectory]) -> dict[str, int]:
    states, visible, screens, elements, dialogs = set(), set(), set(), set(), set()
    root = None
    for trajectory in trajectories:
        previous = None
        for step in trajectory.steps:
            tree = step.tree()
            if not len(tree):
                previous = None
                continue
            root = root or tree
            states.add(tree.signature())
            visible.add(visible_signature(tree))
            screens.add(visible_signature(UITree([replace(e, text="") if e.parent is None else e for e in tree])))
            dialogs.update(w.text for w in new_windows(tree, root))
            if previous is not None and step.action and not step.action_error:
                target = action_target(step.action, previous)
                if target is not None:
                    elements.add(key_text(key_of(target)))
                elif step.action.get("type") == "hotkey":
                    elements.add("hotkey:" + "+".join(step.action.get("keys", [])))
            previous = tree
    return {"states": len(states), "visible_states": len(visible), "screens": len(screens), "elements": len(elements),
            "dialogs": len(dialogs)}


def run(env: gym.Env, kind: str, seed: int, budget: int) -> dict[str, float]:
    explorer = EXPLORERS[kind](seed=seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coverage-") as out:
        trajectories = explore(env, explorer, turns=budget, steps=20, out_dir=out, seed=seed, progress=False,
                               max_total_steps=budget, save_screenshots=False)
        result = measure(trajectories)
        result["actions"] = sum(len(t.steps) - 1 for t in trajectories)
        result["resets"] = len(trajectories)
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="step budget per run (resets included)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--apps", nargs="+", default=["Calculator", "TextEditor"])
    args = parser.parse_args()
    summary: dict[str, float] = {"steps": args.steps, "seeds": len(args.seeds)}
    for app in args.apps:
        env = gym.make(f"AutoPlay-Ubuntu-{app}")
        medians: dict[str, dict[str, float]] = {}
        try:
            for kind in EXPLORERS:
                runs = []
                for seed in args.seeds:
                    result = run(env, kind, seed, args.steps)
                    runs.append(result)
                    print(f"{app:<11} {kind:<6} seed {seed}: " + ", ".join(f"{k} {v}" for k, v in result.items()),
                          file=sys.stderr, flush=True)
                medians[kind] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        finally:
            env.close()
        name = app.lower()
        for metric in ("states", "visible_states", "screens", "elements", "dialogs"):
            graph, random = medians["graph"][metric], medians["random"][metric]
            summary[f"{name}_graph_{metric}"] = graph
            summary[f"{name}_random_{metric}"] = random
            ratio_key = f"{name}_ratio" if metric == "states" else f"{name}_{metric}_ratio"
            summary[ratio_key] = round(graph / random, 2) if random else None
        print(f"{app}: median over {len(args.seeds)} seed(s): graph {medians['graph']}, random {medians['random']}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
