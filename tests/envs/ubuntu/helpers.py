"""Small helpers shared by the Ubuntu tests."""

from __future__ import annotations

import time

from autoplay_gym.core.env import AppEnv
from autoplay_gym.demo import calculator_result, find_button
from autoplay_gym.envs.ubuntu.damage import DamageWatch, Rect

__all__ = ["calculator_result", "find_button", "click_label", "damage_within"]


def click_label(env: AppEnv, label: str) -> dict:
    """Click the push button labelled `label` by its element id; returns the step's info."""
    _, _, _, _, info = env.step({"type": "click", "element": find_button(env.tree, label)})
    assert info["action_error"] is None, info["action_error"]
    return info


def damage_within(watch: DamageWatch, timeout: float = 5.0) -> list[Rect]:
    """The areas drawn since the last look, waiting until some are ([] when none came by the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        areas = watch.damaged_since_last()
        if areas:
            return areas
        time.sleep(0.01)
    return []
