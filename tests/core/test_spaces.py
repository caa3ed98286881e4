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


def test_unicode_text_survives_flatten_and_vector_shared_memory():
    import multiprocessing

    from gymnasium.spaces.utils import flatten, unflatten
    from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

    space = UnicodeText(40)
    text = "[3] push button \"×\" ✓ 日本"
    assert unflatten(space, flatten(space, text)) == text
    shared = create_shared_memory(space, n=2, ctx=multiprocessing.get_context("spawn"))
    write_to_shared_memory(space, 1, text, shared)
    write_to_shared_memory(space, 0, "", shared)
    assert read_from_shared_memory(space, shared, n=2) == ("", text)
