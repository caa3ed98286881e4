"""Every kind of invalid action is reported in info["action_error"] and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bad_actions import COMMON_INVALID

INVALID = {
    **COMMON_INVALID,
    "off screen x": {"type": "click", "x": 5000, "y": 10},
    "off screen y": {"type": "click", "x": 10, "y": 800},
    "home on a desktop": {"type": "home"},
    "open another app": {"type": "open_app", "app": "Firefox"},
}


@pytest.mark.parametrize("action", list(INVALID.values()), ids=list(INVALID))
def test_invalid_action_changes_nothing(calculator, action):
    before_hash = calculator.tree.content_hash()
    before_shot = calculator.render()
    obs, reward, terminated, truncated, info = calculator.step(action)
    assert isinstance(info["action_error"], str) and info["action_error"]
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert calculator.tree.content_hash() == before_hash
    assert np.array_equal(obs["screenshot"], before_shot)
    assert info["app_status"] is None


def test_valid_action_after_errors_still_works(calculator):
    calculator.reset(seed=0)
    calculator.step(None)
    seven = next(e for e in calculator.tree if e.role == "push button" and e.text == "7")
    _, _, _, _, info = calculator.step(f"click({seven.id})")
    assert info["action_error"] is None
    assert "7" in [e.text for e in calculator.tree if e.role == "text"]


def test_element_without_bounds_is_an_action_error(calculator):
    calculator.reset(seed=0)
    nameless = [e for e in calculator.tree if e.bounds is None]
    if not nameless:  # every element on this screen has bounds; use a frame-sized drag instead
        _, _, _, _, info = calculator.step({"type": "click", "element": len(calculator.tree)})
    else:
        _, _, _, _, info = calculator.step({"type": "click", "element": nameless[0].id})
    assert info["action_error"]


def test_space_samples_never_raise(calculator):
    calculator.reset(seed=0)
    calculator.action_space.seed(7)
    for _ in range(15):
        obs, _, terminated, _, info = calculator.step(calculator.action_space.sample())
        assert calculator.observation_space.contains(obs)
        if terminated or info["app_status"] is not None:
            calculator.reset(seed=0)
