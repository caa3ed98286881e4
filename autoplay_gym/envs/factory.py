"""The entry point behind every registered id: builds the platform env, then wraps it in a TaskEnv if asked.

`gym.make(id, tasks=..., verifier=...)` gives a task-per-episode env whose reward is the verifier's verdict;
without `tasks` it is the plain `AppEnv`.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym


def make(platform: str, tasks: Any = None, verifier: Any = None, task_seed: int | None = None, **kwargs: Any) -> gym.Env:
    if platform == "ubuntu":
        from autoplay_gym.envs.ubuntu.backend import make_ubuntu_env

        env = make_ubuntu_env(**kwargs)
    elif platform == "android":
        from autoplay_gym.envs.android.backend import make_android_env

        env = make_android_env(**kwargs)
    else:
        raise ValueError(f"unknown platform {platform!r}")
    if tasks is None:
        if verifier is not None:
            raise ValueError("verifier= needs tasks= as well")
        return env
    from autoplay_gym.wrappers import TaskEnv

    return TaskEnv(env, tasks, verifier, seed=task_seed)
