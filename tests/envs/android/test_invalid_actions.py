"""Bad input never crashes the loop: it is reported in info["action_error"] and changes nothing on the device."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bad_actions import COMMON_INVALID

INVALID = {
    **COMMON_INVALID,
    "off screen x": {"type": "click", "x": 100_000, "y": 10},
    "off screen y": {"type": "click", "x": 10, "y": 99_999},
    "swipe off screen": {"type": "swipe", "x1": 0, "y1": 0, "x2": 50_000, "y2": 10},
    "non-ASCII text": {"type": "type", "text": "Zoë 日本"},
    "control character text": {"type": "type", "text": "bell\x07"},
    "hotkey without modifier": {"type": "hotkey", "keys": ["a", "b"]},
    "hotkey with a system key": {"type": "hotkey", "keys": ["ctrl", "Home"]},
    "unknown app": {"type": "open_app", "app": "Firefox"},
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
