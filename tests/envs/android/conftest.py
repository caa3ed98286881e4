"""Device fixtures: every device test runs on the simulator, and again on a real device when ANDROID_SERIAL is set.

The simulator is started in-process on a free loopback port; a real device is reached through the adb server
(`adb start-server` must have been run). Both go through the same adbutils client code.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401

if TYPE_CHECKING:  # the simulator's own tests below this folder need none of the client modules
    from autoplay_gym.envs.android.backend import AndroidEnv

REAL = os.environ.get("ANDROID_SERIAL")
DEVICES = [
    "sim",
    pytest.param(
        "real",
        marks=[pytest.mark.device, pytest.mark.skipif(not REAL, reason="needs a real device: set ANDROID_SERIAL")],
    ),
]


def env_kwargs(kind: str) -> dict:
    return {"device": "sim"} if kind == "sim" else {"serial": REAL}


@pytest.fixture(scope="module", params=DEVICES)
def contacts(request) -> Iterator[AndroidEnv]:
    env = gym.make("AutoPlay-Android-Contacts", **env_kwargs(request.param)).unwrapped
    try:
        env.reset(seed=0)
        yield env
    finally:
        env.close()


@pytest.fixture()
def sim_server():
    """A simulator the test owns (not the env), for connection-level tests."""
    from autoplay_gym.envs.android.sim import SimServer

    server = SimServer(host="127.0.0.1", port=0, serial="emulator-5554")
    server.start()
    try:
        yield server
    finally:
        server.stop()
