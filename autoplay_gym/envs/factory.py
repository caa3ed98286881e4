"""The entry point behind every registered id: builds the platform env, then wraps it in a TaskEnv if asked.

`gym.make(id, tasks=..., verifier=...)` gives a task-per-episode env whose reward is the verifier's verdict;
without `tasks` it is the plain `AppEnv`.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym


def make(platform: str, tasks: Any = None, verifier: Any = None, task_seed: int | None = None,
         task_max_steps: int | None = None, **kwargs: Any) -> gym.Env:
    """`task_max_steps` (default: the registered episode limit) is where a TaskEnv judges a truncated episode:
    gymnasium's TimeLimit truncates outside the TaskEnv, too late for it to hand out the reward."""
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
    from autoplay_gym.envs.registration import DEFAULT_MAX_EPISODE_STEPS
    from autoplay_gym.wrappers import TaskEnv

    limit = DEFAULT_MAX_EPISODE_STEPS if task_max_steps is None else task_max_steps
    return TaskEnv(env, tasks, verifier, seed=task_seed, max_steps=limit)
