"""`explore()`: drive any explorer on any env for M turns of K steps and record every step to disk.

The recorder owns the bookkeeping every explorer needs and none should re-implement: resets, on-disk
trajectories written step by step (a kill loses at most the step in flight), turn hooks for explorers with
memory, and containment, so that an exception in an explorer or an env ends one turn with the error written
down instead of ending the run with the data lost.

Explorer protocol (all but `act` optional):
- `reset(instruction)` at the start of each turn, `act(obs, info) -> action` per step;
- `act` may return `RESET_REQUEST` to end the turn early (e.g. the app died, or every known screen is
  exhausted and only a relaunch leads somewhere new); the next turn starts from a fresh reset;
- `end_turn(trajectory)` after each turn with the recorded `Trajectory` (the last step's result included), so a
  memory-keeping explorer can summarise what the turn found.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import gymnasium as gym

from autoplay_gym.agents.targets import tree_from_info
from autoplay_gym.tasks import Trajectory, TrajectoryWriter

RESET_REQUEST: dict[str, Any] = {"type": "reset"}
MAX_RESET_FAILURES = 2  # consecutive turns whose reset failed before exploring stops


def is_reset_request(action: Any) -> bool:
    return isinstance(action, dict) and action.get("type") == RESET_REQUEST["type"] and len(action) == 1


def explore(
    env: gym.Env,
    explorer: Any,
    turns: int = 1,
    steps: int = 20,
    out_dir: str | Path = "runs/explore",
    env_id: str | None = None,
    seed: int = 0,
    progress: bool | Callable[[str], None] = True,
    *,
    max_total_steps: int | None = None,
    save_screenshots: bool = True,
    first_turn: int = 0,
    folder_name: str | None = None,
) -> list[Trajectory]:
    """Run `turns` turns of at most `steps` steps; return the recorded trajectories (loaded back from disk).

    Turn t resets with `seed + t` and is written to `out_dir/<id>/` where id is `<env>-s<seed>-t<NN>` (NN counts
    from `first_turn`, for runs that resume or spread turns over workers; `folder_name` names the folder of a
    single-turn call).
    `max_total_steps` caps the steps of the whole run; a reset then costs one step of it, so explorers that
    end turns early to relaunch pay for it (this keeps budgets comparable between explorers).
    """
    if turns < 1 or steps < 1:
        raise ValueError(f"turns and steps must be at least 1, got turns={turns}, steps={steps}")
    if folder_name is not None and turns != 1:
        raise ValueError("folder_name names one trajectory; use it with turns=1")
    if not callable(getattr(explorer, "act", None)):
        raise TypeError(f"explorer {type(explorer).__name__} has no act(obs, info) method")
    env_id = env_id or _env_id(env)
    out = Path(out_dir)
    report = _reporter(progress)
    budget = max_total_steps if max_total_steps is not None else turns * (steps + 1)
    seen: set[str] = set()
    trajectories: list[Trajectory] = []
    reset_failures = 0
    for index in range(turns):
        if budget <= 1:
            break
        turn = first_turn + index
        trajectory_id = folder_name or f"{_slug(env_id)}-s{seed}-t{turn:02d}"
        folder = out / trajectory_id
        if (folder / "steps.jsonl").exists():
            raise FileExistsError(f"{folder} already holds a trajectory; explore into a fresh out_dir")
        writer = TrajectoryWriter(folder, trajectory_id, env_id, turn=turn, save_screenshots=save_screenshots,
                                  metadata={"kind": "exploration", "explorer": type(explorer).__name__,
                                            "seed": seed + index, "max_steps": steps})
        started = time.monotonic()
        result = _run_turn(env, explorer, writer, seed + index, min(steps, budget - 1))
        budget -= writer.count  # the reset observation plus every step taken
        trajectory = Trajectory.load(folder)
        new_states = _count_new_states(trajectory, seen)
        writer.finish(**result, new_states=new_states, seconds=round(time.monotonic() - started, 3))
        if callable(getattr(explorer, "end_turn", None)):
            try:
                explorer.end_turn(trajectory)
            except Exception as exc:  # a summary that failed must not cost the recorded turn
                writer.finish(end_turn_error=_describe(exc))
        trajectory = Trajectory.load(folder)
        trajectories.append(trajectory)
        errors = sum(1 for s in trajectory.steps if s.action_error)
        report(f"explore {env_id} turn {index + 1}/{turns}: {max(len(trajectory.steps) - 1, 0)} steps, {new_states} new "
               f"states ({len(seen)} seen), {errors} action errors, ended by {result['end_reason']}, "
               f"{time.monotonic() - started:.1f} s")
        reset_failures = reset_failures + 1 if result["end_reason"] == "reset_failed" else 0
        if reset_failures >= MAX_RESET_FAILURES:
            report(f"explore {env_id}: stopping after {reset_failures} failed resets in a row")
            break
    return trajectories


def _run_turn(env: gym.Env, explorer: Any, writer: TrajectoryWriter, seed: int, steps: int) -> dict[str, Any]:
    """One turn; returns the metadata that says how it ended. Only KeyboardInterrupt/SystemExit escape, after
    the end reason is written."""
    result: dict[str, Any] = {"end_reason": "interrupted"}
    try:
        start = time.monotonic()
        try:
            obs, info = env.reset(seed=seed)
        except Exception as exc:
            result = {"end_reason": "reset_failed", "error": _describe(exc)}
            return result
        writer.add(obs, info, seconds=time.monotonic() - start)
        try:
            explorer.reset("")
        except Exception as exc:
            result = {"end_reason": "explorer_error", "error": _describe(exc)}
            return result
        for _ in range(steps):
            think = time.monotonic()
            try:
                action = explorer.act(obs, info)
            except Exception as exc:
                result = {"end_reason": "explorer_error", "error": _describe(exc)}
                return result
            think = time.monotonic() - think
            if is_reset_request(action):
                result = {"end_reason": "reset_requested"}
                return result
            start = time.monotonic()
            try:
                obs, reward, terminated, truncated, info = env.step(action)
            except Exception as exc:
                result = {"end_reason": "env_error", "error": _describe(exc), "failed_action": _jsonable(action)}
                return result
            recorded = info.get("action") or {"raw": _jsonable(action)}
            writer.add(obs, info, action=recorded, reward=float(reward), terminated=terminated, truncated=truncated,
                       seconds=time.monotonic() - start, extra={"agent_seconds": round(think, 4)})
            if terminated or truncated:
                result = {"end_reason": "terminated" if terminated else "truncated"}
                return result
        result = {"end_reason": "steps"}
        return result
    finally:
        writer.finish(**result)


def _count_new_states(trajectory: Trajectory, seen: set[str]) -> int:
    before = len(seen)
    for step in trajectory.steps:
        if step.ui_elements:
            seen.add(tree_from_info({"ui_elements": step.ui_elements}).signature())
    return len(seen) - before


def _describe(exc: BaseException) -> str:
    tail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])
    return f"{type(exc).__name__}: {exc}\n{tail}"[:4000]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return repr(value)


def _env_id(env: gym.Env) -> str:
    spec = getattr(env, "spec", None)
    return spec.id if spec is not None and spec.id else type(env.unwrapped).__name__


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "env"


def _reporter(progress: bool | Callable[[str], None]) -> Callable[[str], None]:
    if callable(progress):
        return progress
    if progress:
        return lambda line: print(line, file=sys.stderr, flush=True)
    return lambda line: None
