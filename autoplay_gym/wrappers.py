"""`TaskEnv`: an app env with a task per episode and the verifier's verdict as the reward.

Each `reset` draws a task (seeded), passes its instruction and initial state to the app env, and starts an
in-memory `Trajectory`; the reward is 0 until the episode ends (an `answer`/`done` action, the app env's own
truncation, or `max_steps`), then the verdict's score, with the verdict itself in `info["verdict"]`.

Truncation: `gym.make(id, tasks=...)` wraps the TaskEnv in gymnasium's `TimeLimit`, which truncates *outside*
this wrapper, after it has returned. So the TaskEnv applies its own `max_steps` (the factory passes the
registered episode limit) and judges on that step; a `TimeLimit` inside (`TaskEnv(gym.make(id), ...)`) is
seen through the inner `truncated` flag. Either way the reward arrives on the step that ends the episode.

It works in a plain loop and inside `gymnasium.vector.SyncVectorEnv` / `AsyncVectorEnv` (the latter with
`shared_memory=False`: gymnasium's shared buffers encode text through a fixed charset that a Unicode
accessibility tree breaks); `batch_actions` turns canonical action dicts into the batched form a vector env's
`step` takes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import gymnasium as gym
import numpy as np
from gymnasium.vector.utils import concatenate, create_empty_array

from autoplay_gym.core.actions import ACTION_TYPES, DIRECTIONS, DONE_STATUSES, KEY_NAMES, MODIFIERS, parse_action
from autoplay_gym.tasks import Step, Task, TaskSet, Trajectory, TrajectoryWriter

SCREENSHOT_MODES = ("none", "last", "all")


def load_tasks(tasks: Any) -> list[Task]:
    """Tasks from a TaskSet, a list of Task objects or dicts, or the path of a JSONL task file."""
    if isinstance(tasks, (str, os.PathLike)):
        return list(TaskSet.load(tasks))
    if isinstance(tasks, Task):
        return [tasks]
    out = [t if isinstance(t, Task) else Task.from_dict(t) for t in tasks]
    if not out:
        raise ValueError("TaskEnv needs at least one task")
    return out


class TaskEnv(gym.Wrapper):
    """A task per episode, reward = verdict score at the episode's end. See the module docstring."""

    def __init__(self, env: gym.Env, tasks: Any, verifier: Any = None, seed: int | None = None, *,
                 max_steps: int | None = None, keep_screenshots: str = "last",
                 record_dir: str | os.PathLike | None = None) -> None:
        super().__init__(env)
        self.tasks = load_tasks(tasks)
        if not self.tasks:
            raise ValueError("TaskEnv needs at least one task")
        if verifier is None:
            # Lazy, to keep wrappers free of an import-time dependency on the agents package.
            from autoplay_gym.agents.state_verifier import ProgrammaticVerifier

            verifier = ProgrammaticVerifier()
        if not callable(getattr(verifier, "verify", None)):
            raise TypeError(f"verifier must have verify(task, trajectory), got {type(verifier).__name__}")
        if callable(getattr(verifier, "bind_env", None)):
            verifier.bind_env(env)
        if max_steps is not None and max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {max_steps}")
        if keep_screenshots not in SCREENSHOT_MODES:
            raise ValueError(f"keep_screenshots must be one of {SCREENSHOT_MODES}, got {keep_screenshots!r}")
        self.verifier = verifier
        self.max_steps = max_steps
        self.keep_screenshots = keep_screenshots
        self.record_dir = Path(record_dir) if record_dir is not None else None
        self._rng = np.random.default_rng(seed)
        self._by_id = {t.id: t for t in self.tasks}
        self.task: Task | None = None
        self.trajectory: Trajectory | None = None
        self.verdict: Any = None
        self._writer: TrajectoryWriter | None = None
        self._episodes = 0
        self._steps = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """`options` may hold `task` (a Task or dict) or `task_id` to pick the task; the rest goes to the app
        env's reset, over the task's own initial state."""
        options = dict(options or {})
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        self.task = self._pick(options)
        obs, info = self.env.reset(seed=seed, options={**self.task.reset_options(), **options})
        self._episodes += 1
        self._steps = 0
        self.verdict = None
        self.trajectory = Trajectory(id=f"{self.task.id}-e{self._episodes:04d}", env_id=self.task.env_id,
                                     instruction=self.task.instruction,
                                     metadata={"kind": "episode", "task_id": self.task.id})
        if self.record_dir is not None:
            self._writer = TrajectoryWriter(self.record_dir / self.trajectory.id, self.trajectory.id,
                                            self.task.env_id, instruction=self.task.instruction,
                                            metadata=dict(self.trajectory.metadata))
        self._record(obs, info, None, 0.0, False, False)
        return obs, {**info, "task_id": self.task.id}

    def step(self, action: Any):
        if self.task is None or self.trajectory is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        obs, _, terminated, truncated, info = self.env.step(action)
        self._steps += 1
        if self.max_steps is not None and self._steps >= self.max_steps and not terminated:
            truncated = True
        reward = 0.0
        info = {**info, "task_id": self.task.id}
        ended = (terminated or truncated) and self.verdict is None
        if ended:
            self._record(obs, info, info.get("action"), 0.0, terminated, truncated)
            self.verdict = self._judge()
            reward = float(self.verdict.score)
            info["verdict"] = self.verdict.to_dict()
            self.trajectory.steps[-1].reward = reward
            self.trajectory.steps[-1].info["verdict"] = info["verdict"]
            if self._writer is not None:
                self._writer.finish(verdict=info["verdict"])
        else:
            self._record(obs, info, info.get("action"), 0.0, terminated, truncated)
        return obs, reward, terminated, truncated, info

    # --- helpers ----------------------------------------------------------------------------------------------

    def _pick(self, options: dict[str, Any]) -> Task:
        if "task" in options:
            task = options.pop("task")
            return task if isinstance(task, Task) else Task.from_dict(task)
        if "task_id" in options:
            task_id = options.pop("task_id")
            if task_id not in self._by_id:
                raise ValueError(f"no task with id {task_id!r} among the {len(self.tasks)} tasks of this env")
            return self._by_id[task_id]
        return self.tasks[int(self._rng.integers(len(self.tasks)))]

    def _record(self, obs: dict[str, Any], info: dict[str, Any], action: Any, reward: float, terminated: bool,
                truncated: bool) -> None:
        assert self.trajectory is not None
        index = len(self.trajectory.steps)
        if action is None and index > 0 and info.get("action_error"):
            action = {"raw": "invalid action"}
        step = Step.from_env(index, obs, info, action=action, reward=reward, terminated=terminated,
                             truncated=truncated)
        self.trajectory.steps.append(step)
        if self.keep_screenshots != "none" and obs.get("screenshot") is not None:
            if self.keep_screenshots == "last":
                self.trajectory.images.clear()
            self.trajectory.images[index] = obs["screenshot"]
        if self._writer is not None:
            self._writer.add(obs, info, action=action, terminated=terminated, truncated=truncated)

    def _judge(self) -> Any:
        from autoplay_gym.agents.base import Verdict

        try:
            return self.verifier.verify(self.task, self.trajectory)
        except Exception as exc:  # a broken verifier gives 0 reward with its reason, not a dead training loop
            return Verdict(False, 0.0, f"verifier failed: {type(exc).__name__}: {exc}")


# --- vector envs ------------------------------------------------------------------------------------------------


def to_space_sample(action: Any) -> dict[str, Any]:
    """The action-space (Dict) sample form of any accepted action, so vector envs can batch it. Raises
    `ActionError` for an invalid action, or one the Dict space cannot express (a key outside its key list)."""
    from autoplay_gym.core.errors import ActionError

    parsed = parse_action(action)
    sample: dict[str, Any] = {
        "type": ACTION_TYPES.index(parsed.type),
        "element": -1 if parsed.element is None else parsed.element,
        "point": np.array([parsed.x or parsed.x1 or 0, parsed.y or parsed.y1 or 0, parsed.x2 or 0, parsed.y2 or 0],
                          dtype=np.int64),
        "text": parsed.text or parsed.app or "",
        "clear": int(parsed.clear),
        "direction": DIRECTIONS.index(parsed.direction) if parsed.direction else 0,
        "key": 0,
        "modifiers": np.zeros(len(MODIFIERS), dtype=np.int8),
        "seconds": np.array([parsed.seconds or 0.0], dtype=np.float32),
        "status": DONE_STATUSES.index(parsed.status) if parsed.status else 0,
    }
    keys = [parsed.key] if parsed.key else list(parsed.keys or ())
    if keys:
        *mods, key = keys
        if key not in KEY_NAMES or any(m not in MODIFIERS for m in mods):
            raise ActionError(f"the action space cannot express keys {keys}; send the dict form to a single env")
        sample["key"] = KEY_NAMES.index(key)
        sample["modifiers"] = np.array([m in mods for m in MODIFIERS], dtype=np.int8)
    return sample


def batch_actions(single_action_space: gym.spaces.Dict, actions: Sequence[Any]) -> Any:
    """Batch one action per sub-env (dicts, text forms or samples) for `vector_env.step`."""
    samples = [a if isinstance(a, dict) and isinstance(a.get("type"), (int, np.integer)) else to_space_sample(a)
               for a in actions]
    out = create_empty_array(single_action_space, n=len(samples))
    return concatenate(single_action_space, samples, out)
