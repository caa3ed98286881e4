"""Every kind of invalid action is reported in info["action_error"] and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

INVALID = {
    "unknown type": {"type": "teleport"},
    "type not a string": {"type": 7},
    "element out of range": {"type": "click", "element": 10_000},
    "negative element": {"type": "click", "element": -1},
    "off screen x": {"type": "click", "x": 5000, "y": 10},
    "off screen y": {"type": "click", "x": 10, "y": 800},
    "negative coordinates": {"type": "click", "x": -5, "y": -5},
    "float coordinate": {"type": "click", "x": 10.5, "y": 3},
    "bool element": {"type": "click", "element": True},
    "string element": {"type": "click", "element": "3"},
    "element and point": {"type": "click", "element": 1, "x": 1, "y": 1},
    "missing text": {"type": "type"},
    "text not a string": {"type": "type", "text": 42},
    "one megabyte text": {"type": "type", "text": "x" * 1_000_000},
    "unknown field": {"type": "back", "force": True},
    "bad direction": {"type": "scroll", "direction": "sideways"},
    "bad status": {"type": "done", "status": "maybe"},
    "negative wait": {"type": "wait", "seconds": -1},
    "nan wait": {"type": "wait", "seconds": float("nan")},
    "unknown key": {"type": "key", "key": "NoSuchKey"},
    "empty hotkey": {"type": "hotkey", "keys": []},
    "malformed text form": "click(12",
    "text form with code": "click(__import__('os').system('true'))",
    "text form unknown verb": "explode(3)",
    "json text broken": '{"type": "click", "element": ',
    "none": None,
    "a list": ["click", 3],
    "bytes": b"click(1)",
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
