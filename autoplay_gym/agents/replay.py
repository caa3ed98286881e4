"""Replaying a task's witness from a fresh reset: the feasibility proof behind every generated task.

A witness is a list of canonical actions. Element ids are positions in one snapshot, so when a task carries
`metadata["witness_targets"]` (one element descriptor or None per action, see `targets.describe`) each id is
re-resolved against the screen the replay actually sees. The resolved actions are returned, so a kept task's
`witness` is exactly what worked.

Settling. An env's step returns once the screen and the accessibility events went quiet, but the tree it
reports can still lag the app by a fraction of a second: a typed text not yet in the field's accessible text
(the TextEditor's document, about one step in four), a revealer's check boxes or a new dialog's rows not yet
listed. Judged on such a tree, a task that succeeded fails; acted on, a stored element id names another
element than it did when the witness was recorded. So every replay (`replay_witness` and `ReplayExecutor`,
which share `Settler`) re-observes with short `wait` actions until two observations in a row show the same
tree, before each action on an element and before the end state is judged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from autoplay_gym.agents.base import Verdict, Verifier
from autoplay_gym.agents.checks import CheckContext, CheckError, run_check
from autoplay_gym.agents.targets import key_of, resolve, tree_from_info
from autoplay_gym.tasks import Step, Task, Trajectory

SETTLE_WAIT = {"type": "wait", "seconds": 0.1}  # one re-observation
SETTLE_TRIES = 5  # re-observations at most before an action (the tree may never settle: a spinner)
DONE = {"type": "done", "status": "success"}


class Settler:
    """Decides, one observation at a time, whether to re-observe before the next action: until two observations
    in a row agree, at most `SETTLE_TRIES` times."""

    def __init__(self) -> None:
        self._previous: str | None = None
        self._tries = 0

    def wait(self, info: dict[str, Any]) -> bool:
        current = tree_from_info(info).content_hash()
        settled = current == self._previous or self._tries >= SETTLE_TRIES
        self._previous, self._tries = (None, 0) if settled else (current, self._tries + 1)
        return not settled


class ReplayExecutor:
    """An executor that performs a task's witness and then says `done`: the model-free baseline executor, and
    the way to turn generated tasks into demonstrations without a model. It lets the screen settle (see the
    module docstring) before each action on an element and before `done`. With `targets` (the task's
    `metadata["witness_targets"]`) element ids are re-resolved on each screen, as `replay_witness` does; with
    `resolve=False` they are only checked: `mismatch` then says where a stored id named another element."""

    def __init__(self, witness: list[dict[str, Any]], targets: list[dict[str, Any] | None] | None = None, *,
                 resolve: bool = True) -> None:
        self.witness = [dict(a) for a in witness]
        self.targets = list(targets or [None] * len(self.witness))
        self.targets += [None] * (len(self.witness) - len(self.targets))
        self.resolve = resolve
        self.index = 0
        self.mismatch: str | None = None
        self._settler = Settler()

    @classmethod
    def for_task(cls, task: Task) -> "ReplayExecutor":
        return cls(task.witness or [], task.metadata.get("witness_targets"))

    def reset(self, instruction: str = "") -> None:
        self.index = 0
        self.mismatch = None
        self._settler = Settler()

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        ahead = self.witness[self.index] if self.index < len(self.witness) else None
        if (ahead is None or "element" in ahead) and self._settler.wait(info):
            return dict(SETTLE_WAIT)
        if ahead is None:
            return dict(DONE)
        action, target = dict(ahead), self.targets[self.index]
        self.index += 1
        if target is not None and "element" in action:
            tree = tree_from_info(info)
            if self.resolve:
                element = resolve(target, tree)
                if element is not None:
                    action["element"] = element.id
            elif self.mismatch is None and not _names(tree, action["element"], target):
                self.mismatch = f"witness step {self.index}: element {action['element']} is not the recorded {target}"
        return action


def _names(tree: Any, element_id: Any, target: dict[str, Any]) -> bool:
    """Whether `element_id` in `tree` is the element `target` describes (role and name; ranks may differ)."""
    if not isinstance(element_id, int) or not 0 <= element_id < len(tree):
        return False
    role, name, _, _ = key_of(tree[element_id])
    return (role, name) == (target.get("role"), target.get("name"))


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
    """Reset with the task's options, run its witness through `ReplayExecutor`, and judge the settled end state
    with `verifier`.

    With `resolve_targets`, element ids are looked up again from the recorded element descriptors; without, the
    witness runs exactly as stored (what a user replaying `task.witness` does), and a stored id that names
    another element than the recorded one is an error even if the check happens to pass: such a witness works
    only when the tree comes out the same, which is luck."""
    started = time.monotonic()
    trajectory = Trajectory(id=f"replay-{task.id}", env_id=task.env_id, instruction=task.instruction,
                            metadata={"kind": "replay", "task_id": task.id})
    witness = list(task.witness or [])
    executor = ReplayExecutor(witness, task.metadata.get("witness_targets"), resolve=resolve_targets)
    used: list[dict[str, Any]] = []
    error: str | None = None
    trivial = False
    try:
        obs, info = env.reset(seed=seed, options=task.reset_options())
        trajectory.steps.append(Step.from_env(0, obs, info))
        trivial = _holds(task, info)
        while True:
            action = executor.act(obs, info)
            if action.get("type") == "done":
                break
            obs, reward, terminated, truncated, info = env.step(action)
            taken = info.get("action") or action
            if action.get("type") != "wait":
                used.append(taken)
            trajectory.steps.append(Step.from_env(len(trajectory.steps), obs, info, action=taken, reward=reward,
                                                  terminated=terminated, truncated=truncated))
            if info.get("action_error"):
                error = f"witness step {len(used)}: {info['action_error']}"
                break
            if terminated or truncated:
                break
        error = error or executor.mismatch
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
