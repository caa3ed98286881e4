"""Spaces: Unicode text is admitted, samples stay inside their spaces."""

from __future__ import annotations

import numpy as np

from autoplay_gym.core.spaces import UnicodeText, make_observation_space


def test_unicode_text_accepts_any_string_within_bounds():
    space = UnicodeText(10)
    assert space.contains("héllo ✓ 日本")
    assert not space.contains("x" * 11)
    assert not space.contains(b"bytes")
    space.seed(1)
    assert all(space.contains(space.sample()) for _ in range(50))


def test_observation_space_shape():
    space = make_observation_space(1280, 800)
    obs = {"screenshot": np.zeros((800, 1280, 3), np.uint8), "a11y_tree": "[0] frame \"×\"", "instruction": ""}
    assert space.contains(obs)
    obs["screenshot"] = np.zeros((800, 1280, 4), np.uint8)
    assert not space.contains(obs)
