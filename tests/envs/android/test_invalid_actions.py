"""Bad input never crashes the loop: it is reported in info["action_error"] and changes nothing on the device."""

from __future__ import annotations

import numpy as np
import pytest

INVALID = {
    "unknown type": {"type": "teleport"},
    "type not a string": {"type": 7},
    "element out of range": {"type": "click", "element": 10_000},
    "negative element": {"type": "click", "element": -1},
    "off screen x": {"type": "click", "x": 100_000, "y": 10},
    "off screen y": {"type": "click", "x": 10, "y": 99_999},
    "negative coordinates": {"type": "click", "x": -5, "y": -5},
    "float coordinate": {"type": "click", "x": 10.5, "y": 3},
    "bool element": {"type": "click", "element": True},
    "string element": {"type": "click", "element": "3"},
    "element and point": {"type": "click", "element": 1, "x": 1, "y": 1},
    "swipe off screen": {"type": "swipe", "x1": 0, "y1": 0, "x2": 50_000, "y2": 10},
    "missing text": {"type": "type"},
    "text not a string": {"type": "type", "text": 42},
    "one megabyte text": {"type": "type", "text": "x" * 1_000_000},
    "non-ASCII text": {"type": "type", "text": "Zoë 日本"},
    "control character text": {"type": "type", "text": "bell\x07"},
    "unknown field": {"type": "back", "force": True},
    "bad direction": {"type": "scroll", "direction": "sideways"},
    "bad status": {"type": "done", "status": "maybe"},
    "negative wait": {"type": "wait", "seconds": -1},
    "nan wait": {"type": "wait", "seconds": float("nan")},
    "unknown key": {"type": "key", "key": "NoSuchKey"},
    "empty hotkey": {"type": "hotkey", "keys": []},
    "hotkey without modifier": {"type": "hotkey", "keys": ["a", "b"]},
    "hotkey with a system key": {"type": "hotkey", "keys": ["ctrl", "Home"]},
    "unknown app": {"type": "open_app", "app": "Firefox"},
    "malformed text form": "click(12",
    "text form with code": "click(__import__('os').system('true'))",
    "text form unknown verb": "explode(3)",
    "json text broken": '{"type": "click", "element": ',
    "none": None,
    "a list": ["click", 3],
    "bytes": b"click(1)",
}


@pytest.mark.parametrize("action", list(INVALID.values()), ids=list(INVALID))
def test_invalid_action_changes_nothing(contacts, action):
    before_hash = contacts.tree.content_hash()
    before_shot = contacts.render()
    calls = sum(contacts.device.calls.values())
    obs, reward, terminated, truncated, info = contacts.step(action)
    assert isinstance(info["action_error"], str) and info["action_error"]
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert contacts.tree.content_hash() == before_hash
    assert np.array_equal(obs["screenshot"], before_shot)
    assert info["app_status"] is None
    assert sum(contacts.device.calls.values()) == calls  # refused before anything reached the device


def test_error_messages_say_what_is_wrong(contacts):
    errors = {name: contacts.step(INVALID[name])[4]["action_error"] for name in
              ("non-ASCII text", "unknown key", "unknown app", "element out of range", "off screen x")}
    assert "cannot type 'ë'" in errors["non-ASCII text"]
    assert "unknown Android key 'NoSuchKey'" in errors["unknown key"]
    assert "unknown app 'Firefox'" in errors["unknown app"]
    assert "element 10000 does not exist" in errors["element out of range"]
    assert "off the" in errors["off screen x"]


def test_space_samples_never_raise(contacts):
    contacts.reset(seed=0)
    contacts.action_space.seed(7)
    for _ in range(15):
        obs, _, terminated, _, info = contacts.step(contacts.action_space.sample())
        assert contacts.observation_space.contains(obs)
        assert info["app_status"] is None, info["app_status"]
        if terminated:
            contacts.reset(seed=0)
    contacts.reset(seed=0)
