"""Registers every env id with Gymnasium. Ids carry no version suffix: users type them exactly as listed."""

from __future__ import annotations

import gymnasium as gym

from autoplay_gym.envs.android.apps import ANDROID_APPS
from autoplay_gym.envs.ubuntu.apps import GENERIC_APP_ID, UBUNTU_APPS

UBUNTU_PREFIX = "AutoPlay-Ubuntu-"
ANDROID_PREFIX = "AutoPlay-Android-"
DEFAULT_MAX_EPISODE_STEPS = 50


def ubuntu_env_ids() -> list[str]:
    return [UBUNTU_PREFIX + name for name in UBUNTU_APPS] + [UBUNTU_PREFIX + GENERIC_APP_ID]


def android_env_ids() -> list[str]:
    return [ANDROID_PREFIX + name for name in ANDROID_APPS]


def register_all() -> None:
    """Idempotent: importing the package twice (or reloading it) does not re-register."""
    for name, app in UBUNTU_APPS.items():
        _register(UBUNTU_PREFIX + name, {"platform": "ubuntu", "app": name}, nondeterministic=not app.deterministic)
    _register(UBUNTU_PREFIX + GENERIC_APP_ID, {"platform": "ubuntu"}, nondeterministic=True)
    for name in ANDROID_APPS:  # a device's clock, network and animations make every Android app nondeterministic
        _register(ANDROID_PREFIX + name, {"platform": "android", "app": name}, nondeterministic=True)


def _register(env_id: str, kwargs: dict, *, nondeterministic: bool) -> None:
    if env_id in gym.registry:
        return
    gym.register(
        id=env_id,
        entry_point="autoplay_gym.envs.factory:make",
        kwargs=kwargs,
        max_episode_steps=DEFAULT_MAX_EPISODE_STEPS,
        nondeterministic=nondeterministic,
        disable_env_checker=True,
    )
