"""A short real episode: Calculator, 7 × 6 = clicked by element ids, the result read back from the tree."""

from __future__ import annotations

import time
from pathlib import Path

import gymnasium as gym
from PIL import Image

import autoplay_gym  # noqa: F401  (registers the ids)
from autoplay_gym.core.ui import UITree


def find_button(tree: UITree, label: str) -> int:
    """The id of the push button showing `label` (GTK4 names the button, its child label repeats it)."""
    for element in tree:
        if element.role == "push button" and element.text == label and element.bounds is not None:
            return element.id
    raise LookupError(f"no button labelled {label!r} on screen")


def calculator_result(tree: UITree) -> str:
    """The display's text: the editable GtkSourceView holds the current result after '='."""
    for element in tree:
        if element.role == "text" and element.editable and element.text:
            return element.text
    return ""


def run_calculator_demo(out_dir: str = ".cache/demo") -> int:
    env = gym.make("AutoPlay-Ubuntu-Calculator")
    try:
        started = time.monotonic()
        obs, info = env.reset(seed=0)
        print(f"launched gnome-calculator on a private desktop in {time.monotonic() - started:.2f} s; "
              f"{len(info['ui_elements'])} elements in the tree")
        for label in ("7", "×", "6", "="):
            tree = env.unwrapped.tree
            element = find_button(tree, label)
            t0 = time.monotonic()
            obs, _, _, _, info = env.step({"type": "click", "element": element})
            if info["action_error"]:
                print(f"click {label!r} failed: {info['action_error']}")
                return 1
            print(f"click({element})  # {label!r}   {1000 * (time.monotonic() - t0):.0f} ms")
        result = calculator_result(env.unwrapped.tree)
        print(f"result read from the tree: {result}")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = (out / "calculator_7x6.png").resolve()
        Image.fromarray(obs["screenshot"]).save(path)
        print(f"final screenshot: {path}")
        return 0 if result == "42" else 1
    finally:
        env.close()


if __name__ == "__main__":
    raise SystemExit(run_calculator_demo())
