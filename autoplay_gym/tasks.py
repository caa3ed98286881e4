"""Tasks and trajectories: the data every stage of the pipeline writes and the next one reads.

On-disk formats (documented here because users read them with their own tools):

- A task set is JSONL, one `Task` per line (see `Task` for the fields).
- A trajectory is a folder: `trajectory.json` (id, env_id, instruction, turn, metadata) and `steps.jsonl`, one
  `Step` per line, appended and flushed as the episode runs, with `step_NNNN.png` screenshots beside them.
  Step 0 is the observation after reset (no action); step k>0 is the action taken and what followed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
from PIL import Image

from autoplay_gym.core.ui import UITree

GUIDELINES = ("feature-use", "feature-composition", "information-retrieval", "feature-repetition")


@dataclass
class Task:
    """One generated task. `check` is a programmatic success test; `witness` is an action list that reached the
    goal during exploration (feasibility evidence); `answer` is the expected reply of an information task."""

    id: str
    env_id: str
    instruction: str
    guideline: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    answer: str | None = None
    initial_state: dict[str, Any] | None = None
    check: dict[str, Any] | None = None
    witness: list[dict[str, Any]] | None = None
    source_trajectory: str | None = None
    category: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "") or k in ("id", "env_id", "instruction")}

    def reset_options(self) -> dict[str, Any]:
        """The `options` for `env.reset` that set this task up: its instruction and its initial state."""
        return {**(self.initial_state or {}), "instruction": self.instruction}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Task":
        if not isinstance(data, dict):
            raise ValueError(f"a task must be a JSON object, got {type(data).__name__}")
        missing = [k for k in ("id", "env_id", "instruction") if not data.get(k)]
        if missing:
            raise ValueError(f"task is missing {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class TaskSet:
    """An ordered list of tasks stored as JSONL. Bad lines are reported with their line number, not skipped."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self.tasks = list(tasks)

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def __getitem__(self, index: int) -> Task:
        return self.tasks[index]

    def by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TaskSet":
        tasks = []
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    tasks.append(Task.from_dict(json.loads(line)))
                except (json.JSONDecodeError, ValueError, TypeError) as exc:
                    raise ValueError(f"{path}:{number}: not a valid task: {exc}") from None
        return cls(tasks)

    def save(self, path: str | os.PathLike) -> None:
        """Write atomically: a crash leaves the old file or the new one, never half of one."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for task in self.tasks:
                fh.write(json.dumps(task.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    @staticmethod
    def append(path: str | os.PathLike, task: Task) -> None:
        append_jsonl(path, task.to_dict())


def append_jsonl(path: str | os.PathLike, record: dict[str, Any]) -> None:
    """Append one JSON line and fsync it, so a killed process loses at most the line being written."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass
class Step:
    """One observation of a trajectory and the action that led to it (None for the first)."""

    index: int
    action: dict[str, Any] | None
    action_error: str | None
    tree_text: str
    ui_elements: list[dict[str, Any]]
    screenshot: str | None = None  # file name inside the trajectory folder
    reward: float = 0.0
    terminated: bool = False
    truncated: bool = False
    seconds: float = 0.0  # wall time of the step call
    info: dict[str, Any] = field(default_factory=dict)

    def tree(self) -> UITree:
        return UITree.from_dicts(self.ui_elements)

    @classmethod
    def from_env(cls, index: int, obs: dict[str, Any], info: dict[str, Any], *, action: dict[str, Any] | None = None,
                 reward: float = 0.0, terminated: bool = False, truncated: bool = False, seconds: float = 0.0,
                 screenshot: str | None = None, extra: dict[str, Any] | None = None) -> "Step":
        """A step from what `env.reset`/`env.step` returned; keeps the info keys verifiers read."""
        kept = {k: v for k, v in info.items() if k in STEP_INFO_KEYS}
        kept.update(extra or {})
        return cls(
            index=index,
            action=action,
            action_error=info.get("action_error"),
            tree_text=obs.get("a11y_tree", ""),
            ui_elements=info.get("ui_elements", []),
            screenshot=screenshot,
            reward=float(reward),
            terminated=bool(terminated),
            truncated=bool(truncated),
            seconds=round(float(seconds), 4),
            info=kept,
        )


STEP_INFO_KEYS = ("answer", "done_status", "app_status", "tree_truncated", "verdict")


@dataclass
class Trajectory:
    """A recorded episode. Load one with `Trajectory.load(folder)`; write one with `TrajectoryWriter`."""

    id: str
    env_id: str
    instruction: str = ""
    turn: int = 0
    steps: list[Step] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    # Screenshots held in memory by step index (a TaskEnv episode has no folder); never written by `load`.
    images: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def actions(self) -> list[dict[str, Any]]:
        return [s.action for s in self.steps if s.action is not None]

    @property
    def final(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    def screenshot(self, step: Step) -> np.ndarray | None:
        if step.index in self.images:
            return self.images[step.index]
        if step.screenshot is None or self.path is None:
            return None
        with Image.open(self.path / step.screenshot) as image:
            return np.asarray(image.convert("RGB"))

    @classmethod
    def load(cls, folder: str | os.PathLike) -> "Trajectory":
        folder = Path(folder)
        meta = json.loads((folder / "trajectory.json").read_text(encoding="utf-8"))
        steps = []
        steps_file = folder / "steps.jsonl"
        if steps_file.exists():
            for line in steps_file.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    break  # a line cut by a kill: everything before it is intact
                steps.append(Step(**{k: v for k, v in record.items() if k in _STEP_FIELDS}))
        known = {f.name for f in fields(cls)} - {"steps", "path", "images"}
        return cls(**{k: v for k, v in meta.items() if k in known}, steps=steps, path=folder)


_STEP_FIELDS = {f.name for f in fields(Step)}


class TrajectoryWriter:
    """Writes a trajectory step by step: each step's line is on disk (fsynced) before the next step starts."""

    def __init__(self, folder: str | os.PathLike, trajectory_id: str, env_id: str, *, instruction: str = "",
                 turn: int = 0, metadata: dict[str, Any] | None = None, save_screenshots: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.save_screenshots = save_screenshots
        self.count = 0
        self.meta = {"id": trajectory_id, "env_id": env_id, "instruction": instruction, "turn": turn,
                     "metadata": dict(metadata or {})}
        self._write_meta()
        (self.folder / "steps.jsonl").write_text("", encoding="utf-8")

    def _write_meta(self) -> None:
        tmp = self.folder / "trajectory.json.tmp"
        tmp.write_text(json.dumps(self.meta, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8")
        os.replace(tmp, self.folder / "trajectory.json")

    def finish(self, **metadata: Any) -> None:
        """Merge `metadata` (end reason, error, counts) into trajectory.json, atomically: a kill during the
        rewrite leaves the previous version, which `Trajectory.load` still reads."""
        self.meta["metadata"].update(metadata)
        self._write_meta()

    def add(self, obs: dict[str, Any], info: dict[str, Any], *, action: dict[str, Any] | None = None,
            reward: float = 0.0, terminated: bool = False, truncated: bool = False, seconds: float = 0.0,
            extra: dict[str, Any] | None = None) -> Step:
        """Append one step; `extra` (e.g. the agent's thinking time) goes into `Step.info` beside the kept
        info keys."""
        screenshot = None
        if self.save_screenshots and obs.get("screenshot") is not None:
            screenshot = f"step_{self.count:04d}.png"
            Image.fromarray(np.asarray(obs["screenshot"])).save(self.folder / screenshot, compress_level=1)
        step = Step.from_env(self.count, obs, info, action=action, reward=reward, terminated=terminated,
                             truncated=truncated, seconds=seconds, screenshot=screenshot, extra=extra)
        append_jsonl(self.folder / "steps.jsonl", asdict(step))
        self.count += 1
        return step
