"""Replaying a task's witness from a fresh reset: the feasibility proof behind every generated task.

A witness is a list of canonical actions. Element ids are positions in one snapshot, so when a task carries
`metadata["witness_targets"]` (one element descriptor or None per action, see `targets.describe`) each id is
re-resolved against the screen the replay actually sees. The resolved actions are returned, so a kept task's
`witness` is exactly what worked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from autoplay_gym.agents.base import Verdict, Verifier
from autoplay_gym.agents.checks import CheckContext, CheckError, run_check
from autoplay_gym.agents.targets import resolve, tree_from_info
from autoplay_gym.tasks import Step, Task, Trajectory


@dataclass
class ReplayResult:
    task: Task
    verdict: Verdict
    trajectory: Trajectory
    witness: list[dict[str, Any]] = field(default_factory=list)
    trivial: bool = False  # the check already held right after reset: the task asks for nothing
    error: str | None = None  # an action of the witness failed (its info["action_error"]) or the env raised
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.verdict.success and not self.trivial and self.error is None


def replay_witness(env: gym.Env, task: Task, verifier: Verifier, *, seed: int | None = 0,
                   resolve_targets: bool = True) -> ReplayResult:
    """Reset with the task's options, run its witness, and judge the end state with `verifier`.

    With `resolve_targets`, element ids are looked up again from the recorded element descriptors; without, the
    witness runs exactly as stored (what a user replaying `task.witness` does)."""
    started = time.monotonic()
    trajectory = Trajectory(id=f"replay-{task.id}", env_id=task.env_id, instruction=task.instruction,
                            metadata={"kind": "replay", "task_id": task.id})
    witness = list(task.witness or [])
    targets = list(task.metadata.get("witness_targets") or [None] * len(witness)) if resolve_targets else []
    targets += [None] * (len(witness) - len(targets))
    used: list[dict[str, Any]] = []
    error: str | None = None
    try:
        obs, info = env.reset(seed=seed, options=task.reset_options())
        trajectory.steps.append(Step.from_env(0, obs, info))
        trivial = _holds(task, info)
        for action, target in zip(witness, targets):
            action = dict(action)
            if target is not None and "element" in action:
                element = resolve(target, tree_from_info(info))
                if element is None:
                    error = f"witness step {len(used) + 1}: no element matches {target}"
                    break
                action["element"] = element.id
            obs, reward, terminated, truncated, info = env.step(action)
            used.append(info.get("action") or action)
            trajectory.steps.append(Step.from_env(len(used), obs, info, action=used[-1], reward=reward,
                                                  terminated=terminated, truncated=truncated))
            if info.get("action_error"):
                error = f"witness step {len(used)}: {info['action_error']}"
                break
            if terminated or truncated:
                break
    except Exception as exc:  # a replay that crashes the env drops the task; the caller's loop goes on
        return ReplayResult(task, Verdict(False, 0.0, f"replay failed: {type(exc).__name__}: {exc}"), trajectory,
                            used, error=f"{type(exc).__name__}: {exc}", seconds=time.monotonic() - started)
    verdict = verifier.verify(task, trajectory)
    return ReplayResult(task, verdict, trajectory, used, trivial=trivial, error=error,
                        seconds=time.monotonic() - started)


def _holds(task: Task, info: dict[str, Any]) -> bool:
    """Whether the task's check already holds on this screen (answer-only tasks never do)."""
    if not task.check:
        return False
    try:
        return run_check(task.check, CheckContext(tree_from_info(info))).passed
    except CheckError:
        return False


class ReplayExecutor:
    """An executor that performs a task's witness and then says `done`: the model-free baseline executor, and
    the way to turn generated tasks into demonstrations without a model. With `targets` (the task's
    `metadata["witness_targets"]`) element ids are re-resolved on each screen, as `replay_witness` does."""

    def __init__(self, witness: list[dict[str, Any]], targets: list[dict[str, Any] | None] | None = None) -> None:
        self.witness = [dict(a) for a in witness]
        self.targets = list(targets or [None] * len(self.witness))
        self.targets += [None] * (len(self.witness) - len(self.targets))
        self.index = 0

    @classmethod
    def for_task(cls, task: Task) -> "ReplayExecutor":
        return cls(task.witness or [], task.metadata.get("witness_targets"))

    def reset(self, instruction: str = "") -> None:
        self.index = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        if self.index >= len(self.witness):
            return {"type": "done", "status": "success"}
        action, target = dict(self.witness[self.index]), self.targets[self.index]
        self.index += 1
        if target is not None and "element" in action:
            element = resolve(target, tree_from_info(info))
            if element is not None:
                action["element"] = element.id
        return action
