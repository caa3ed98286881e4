"""Fixtures that start real private desktops. Each env is closed at the end of its scope."""

from __future__ import annotations

from typing import Iterator

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.core.env import AppEnv
from tests.envs.ubuntu.apps.support import app_env


@pytest.fixture(scope="module")
def calculator() -> Iterator[AppEnv]:
    env = gym.make("AutoPlay-Ubuntu-Calculator").unwrapped
    env.reset(seed=0)
    yield env
    env.close()


@pytest.fixture(scope="module")
def texteditor() -> Iterator[AppEnv]:
    env = gym.make("AutoPlay-Ubuntu-TextEditor").unwrapped
    env.reset(seed=0)
    yield env
    env.close()


@pytest.fixture(scope="module")
def terminal() -> Iterator[AppEnv]:
    """gnome-terminal, for one module's tests; each test resets it as it needs."""
    with app_env("Terminal") as env:
        yield env
