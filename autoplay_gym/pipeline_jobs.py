"""The units of work the pipeline hands to its workers. Each is a top-level function (picklable) that uses the
worker's own env and writes its results to its own folder, so parallel workers never write the same file.

A unit either finishes and says so (the parent then records it as done) or leaves a partial folder, which the
next attempt moves to `.interrupted/` before redoing the unit: nothing written is deleted, and no unit is
counted twice.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from autoplay_gym.agents.recording import explore
from autoplay_gym.agents.specs import build_executor, build_explorer, token_use
from autoplay_gym.pool import worker_env
from autoplay_gym.tasks import Task, Trajectory, TrajectoryWriter


def env_slug(env_id: str) -> str:
    return env_id.lower().replace("autoplay-", "").replace("-", "_")


def set_aside(folder: Path) -> Path | None:
    """Move a partial unit's folder to `<parent>/.interrupted/` (kept for inspection, out of the results)."""
    if not folder.exists():
        return None
    target = folder.parent / ".interrupted" / f"{folder.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(target))
    return target


def completed(folder: Path) -> bool:
    """A trajectory folder whose writer recorded how it ended."""
    meta_file = folder / "trajectory.json"
    if not meta_file.exists():
        return False
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return bool(meta.get("metadata", {}).get("end_reason"))


# --- explore ------------------------------------------------------------------------------------------------


def explore_turn(spec: dict[str, Any], env_id: str, env_kwargs: dict[str, Any], root: str, turn: int, steps: int,
                 seed: int) -> dict[str, Any]:
    """One exploration turn of one env, warm-started from the env's completed earlier turns."""
    root_path = Path(root)
    env = worker_env(env_id, **env_kwargs)
    explorer = build_explorer(spec, env_id, seed)
    previous = sorted(
        (Trajectory.load(p.parent) for p in root_path.glob(f"{env_slug(env_id)}-t*/trajectory.json")
         if completed(p.parent) and _turn_of(p.parent) < turn),
        key=lambda t: t.turn,
    )
    warm_start(explorer, previous)
    folder = root_path / f"{env_slug(env_id)}-t{turn:02d}"
    set_aside(folder)
    started = time.monotonic()
    trajectory = explore(env, explorer, turns=1, steps=steps, out_dir=root_path, env_id=env_id, seed=seed + turn,
                         first_turn=turn, folder_name=folder.name, progress=False)[0]
    summary = getattr(explorer, "memory", None)
    if summary:
        (folder / "summary.json").write_text(json.dumps(summary[-1], ensure_ascii=False, indent=1), encoding="utf-8")
    graph = getattr(explorer, "graph", None)
    if graph is not None and hasattr(graph, "save"):
        graph_dir = root_path.parent / "graphs"
        graph_dir.mkdir(exist_ok=True)
        graph.save(graph_dir / f"{env_slug(env_id)}.json")
    return {
        "env_id": env_id,
        "turn": turn,
        "trajectory": folder.name,
        "steps": len(trajectory.steps) - 1,
        "end_reason": trajectory.metadata.get("end_reason"),
        "new_states": trajectory.metadata.get("new_states"),
        "seconds": round(time.monotonic() - started, 3),
        "tokens": token_use(explorer),
    }


def _turn_of(folder: Path) -> int:
    try:
        return int(folder.name.rsplit("-t", 1)[1])
    except (IndexError, ValueError):
        return -1


def warm_start(explorer: Any, previous: list[Trajectory]) -> None:
    """Give a fresh explorer what earlier turns taught (graph and tries, or memory summaries)."""
    absorb = getattr(explorer, "absorb", None)
    for trajectory in previous:
        if callable(absorb):
            absorb(trajectory)
        memory = getattr(explorer, "memory", None)
        summary_file = trajectory.path / "summary.json" if trajectory.path else None
        if isinstance(memory, list) and summary_file is not None and summary_file.exists():
            memory.append(json.loads(summary_file.read_text(encoding="utf-8")))
    if previous and hasattr(explorer, "turn"):
        explorer.turn = previous[-1].turn


# --- execute ------------------------------------------------------------------------------------------------


def execute_task(spec: dict[str, Any], task_data: dict[str, Any], env_kwargs: dict[str, Any], root: str,
                 max_steps: int) -> dict[str, Any]:
    """Attempt one task from a fresh reset and record the attempt as a trajectory."""
    task = Task.from_dict(task_data)
    env = worker_env(task.env_id, **env_kwargs)
    agent = build_executor(spec, task_data)
    folder = Path(root) / task.id
    set_aside(folder)
    writer = TrajectoryWriter(folder, task.id, task.env_id, instruction=task.instruction,
                              metadata={"kind": "execution", "task": task.id, "executor": type(agent).__name__})
    started = time.monotonic()
    options = {**(task.initial_state or {}), "instruction": task.instruction}
    end_reason = "steps"
    try:
        obs, info = env.reset(seed=int(task.params.get("seed", 0)) if isinstance(task.params, dict) else 0,
                              options=options)
        writer.add(obs, info, seconds=time.monotonic() - started)
        agent.reset(task.instruction)
        for _ in range(max_steps):
            action = agent.act(obs, info)
            t0 = time.monotonic()
            obs, reward, terminated, truncated, info = env.step(action)
            writer.add(obs, info, action=info.get("action") or {"raw": str(action)[:500]}, reward=float(reward),
                       terminated=terminated, truncated=truncated, seconds=time.monotonic() - t0)
            if terminated or truncated:
                end_reason = "terminated" if terminated else "truncated"
                break
    except Exception as exc:  # the attempt failed; what was recorded stays and says why
        end_reason = f"error: {type(exc).__name__}: {exc}"[:500]
    writer.finish(end_reason=end_reason, seconds=round(time.monotonic() - started, 3))
    return {"task_id": task.id, "steps": writer.count - 1, "end_reason": end_reason, "tokens": token_use(agent),
            "seconds": round(time.monotonic() - started, 3)}


# --- generate (model-free: needs the env to replay witnesses) -------------------------------------------------


def generate_graph_tasks(env_id: str, env_kwargs: dict[str, Any], trajectory_root: str, graph_file: str,
                         options: dict[str, Any] | None = None) -> dict[str, Any]:
    from autoplay_gym.agents.graph_generator import GraphTaskGenerator
    from autoplay_gym.agents.ui_graph import ExplorationGraph

    env = worker_env(env_id, **env_kwargs)
    trajectories = [Trajectory.load(p.parent) for p in sorted(Path(trajectory_root).glob(f"{env_slug(env_id)}-t*/trajectory.json"))
                    if completed(p.parent)]
    path = Path(graph_file)
    graph = ExplorationGraph.load(path) if path.exists() else ExplorationGraph.from_trajectories(trajectories, env_id)
    generator = GraphTaskGenerator(env, env_id=env_id, **(options or {}))
    tasks = generator.generate(graph, trajectories)
    return {"env_id": env_id, "tasks": [t.to_dict() for t in tasks], "stats": getattr(generator, "stats", {})}


def generate_llm_tasks(spec: dict[str, Any], trajectory_dir: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    from autoplay_gym.agents.llm_generator import LLMTaskGenerator
    from autoplay_gym.agents.specs import llm_client

    generator = LLMTaskGenerator(llm_client(spec), **(options or {}))
    trajectory = Trajectory.load(trajectory_dir)
    tasks = generator.generate(trajectory)
    return {"trajectory": trajectory.id, "tasks": [t.to_dict() for t in tasks], "tokens": token_use(generator)}
