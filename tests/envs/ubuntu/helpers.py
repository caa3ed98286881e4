"""Small helpers shared by the Ubuntu tests."""

from __future__ import annotations

from autoplay_gym.core.env import AppEnv
from autoplay_gym.demo import calculator_result, find_button

__all__ = ["calculator_result", "find_button", "click_label"]


def click_label(env: AppEnv, label: str) -> dict:
    """Click the push button labelled `label` by its element id; returns the step's info."""
    _, _, _, _, info = env.step({"type": "click", "element": find_button(env.tree, label)})
    assert info["action_error"] is None, info["action_error"]
    return info
