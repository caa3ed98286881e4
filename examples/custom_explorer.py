"""Write your own explorer: any object with reset(instruction) and act(obs, info) -> action dict.

This one is a "least-clicked first" explorer: it clicks the enabled, clickable element whose label it has
clicked least often so far (ties broken at random), types into empty text fields, and presses Escape when a
screen offers nothing new. It sees the env only through the Gymnasium API, so it runs on any AutoPlay env.

    python examples/custom_explorer.py [--env AutoPlay-Ubuntu-Calculator] [--turns 2] [--steps 15] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from typing import Any

import gymnasium as gym
import numpy as np

import autoplay_gym  # noqa: F401  (registers the env ids)
from autoplay_gym.agents.recording import explore


class LeastClickedExplorer:
    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.clicks: Counter[str] = Counter()

    def reset(self, instruction: str = "") -> None:
        """A new turn; what was clicked in earlier turns is remembered (the Counter persists)."""

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        elements = [e for e in info["ui_elements"] if e["bounds"] and e["enabled"]]
        empty_fields = [e for e in elements if e["editable"] and not e["text"]]
        if empty_fields:
            return {"type": "type", "text": "hello", "element": empty_fields[0]["id"]}
        clickable = [e for e in elements if e["clickable"] and e["text"] not in ("Close", "Quit")]
        if not clickable:
            return {"type": "key", "key": "Escape"}
        label = lambda e: f'{e["role"]}:{e["text"] or e["description"]}'  # noqa: E731
        fewest = min(self.clicks[label(e)] for e in clickable)
        choices = [e for e in clickable if self.clicks[label(e)] == fewest]
        chosen = choices[int(self.rng.integers(len(choices)))]
        self.clicks[label(chosen)] += 1
        return {"type": "click", "element": chosen["id"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="AutoPlay-Ubuntu-Calculator")
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--out", default=None, help="where trajectories go (default: a temporary folder)")
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="custom-explorer-")
    env = gym.make(args.env)
    try:
        explorer = LeastClickedExplorer(seed=0)
        trajectories = explore(env, explorer, turns=args.turns, steps=args.steps, out_dir=out, env_id=args.env)
    finally:
        env.close()
    steps = sum(len(t.steps) - 1 for t in trajectories)
    screens = {autoplay_gym.UITree.from_dicts(s.ui_elements).signature() for t in trajectories for s in t.steps}
    print(f"{len(trajectories)} turns, {steps} steps, {len(screens)} distinct screens, "
          f"{len(explorer.clicks)} distinct elements clicked; trajectories in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
