"""Task and trajectory storage: JSONL task sets, trajectory folders written step by step, and what a kill leaves."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autoplay_gym.tasks import Step, Task, TaskSet, Trajectory, TrajectoryWriter

ELEMENTS = [{"id": 0, "role": "frame", "text": "App", "bounds": [0, 0, 10, 10], "parent": None},
            {"id": 1, "role": "push button", "text": "OK", "bounds": [1, 1, 5, 5], "parent": 0, "clickable": True}]


def obs(value: int = 0) -> dict:
    return {"screenshot": np.full((8, 12, 3), value, dtype=np.uint8), "a11y_tree": '[0] frame "App"', "instruction": ""}


def info(**extra) -> dict:
    return {"ui_elements": ELEMENTS, "action_error": None, "app_status": None, "tree_truncated": False,
            "not_kept": object(), **extra}


def test_task_round_trip_and_reset_options():
    task = Task(id="t1", env_id="AutoPlay-Ubuntu-TextEditor", instruction="Type hi", guideline="feature-use",
                check={"type": "tree_contains", "text": "hi"}, witness=[{"type": "type", "text": "hi"}],
                initial_state={"files": {"a.txt": "x"}, "instruction": "ignored"}, metadata={"k": 1})
    data = task.to_dict()
    assert "answer" not in data and data["check"]["text"] == "hi"
    assert Task.from_dict(json.loads(json.dumps(data))) == task
    assert task.reset_options() == {"files": {"a.txt": "x"}, "instruction": "Type hi"}
    with pytest.raises(ValueError, match="missing instruction"):
        Task.from_dict({"id": "x", "env_id": "y"})


def test_taskset_save_load_append_and_bad_lines(tmp_path):
    path = tmp_path / "tasks.jsonl"
    tasks = TaskSet([Task(id=f"t{i}", env_id="E", instruction=f"do {i}") for i in range(3)])
    tasks.save(path)
    TaskSet.append(path, Task(id="t3", env_id="E", instruction="do 3"))
    loaded = TaskSet.load(path)
    assert [t.id for t in loaded] == ["t0", "t1", "t2", "t3"] and loaded.by_id()["t2"].instruction == "do 2"
    assert not (tmp_path / "tasks.jsonl.tmp").exists()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken"\n')
    with pytest.raises(ValueError, match=r"tasks.jsonl:5: not a valid task"):
        TaskSet.load(path)


def test_writer_steps_finish_and_load(tmp_path):
    writer = TrajectoryWriter(tmp_path / "traj", "traj", "E", instruction="go", turn=2, metadata={"seed": 1})
    writer.add(obs(0), info())
    writer.add(obs(9), info(answer="42"), action={"type": "answer", "text": "42"}, reward=1.0, terminated=True,
               seconds=0.123456, extra={"agent_seconds": 0.5})
    writer.finish(end_reason="terminated")
    trajectory = Trajectory.load(tmp_path / "traj")
    assert trajectory.turn == 2 and trajectory.metadata == {"seed": 1, "end_reason": "terminated"}
    first, last = trajectory.steps
    assert first.action is None and last.action == {"type": "answer", "text": "42"}
    assert last.info == {"answer": "42", "app_status": None, "tree_truncated": False, "agent_seconds": 0.5}
    assert last.seconds == 0.1235 and last.terminated and last.reward == 1.0
    assert trajectory.screenshot(last)[0, 0].tolist() == [9, 9, 9]
    assert last.tree()[1].text == "OK" and trajectory.actions == [{"type": "answer", "text": "42"}]


def test_a_line_cut_by_a_kill_is_dropped_and_the_rest_kept(tmp_path):
    writer = TrajectoryWriter(tmp_path / "t", "t", "E")
    writer.add(obs(), info())
    writer.add(obs(), info(), action={"type": "back"})
    with open(tmp_path / "t" / "steps.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"index": 2, "action": {"type": "ba')  # the process died mid-line
    trajectory = Trajectory.load(tmp_path / "t")
    assert [s.index for s in trajectory.steps] == [0, 1]


def test_in_memory_trajectories_hold_their_screenshots():
    step = Step.from_env(0, obs(5), info(verdict={"success": True}))
    assert step.info == {"app_status": None, "tree_truncated": False, "verdict": {"success": True}}
    trajectory = Trajectory("mem", "E", steps=[step], images={0: obs(5)["screenshot"]})
    assert trajectory.screenshot(step)[0, 0].tolist() == [5, 5, 5]
    assert Trajectory("mem", "E", steps=[step]).screenshot(step) is None
