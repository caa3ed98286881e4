"""`explore()` on the real Calculator: the on-disk format, turn hooks, budgets, and containment of crashing
explorers, failing envs and a process killed mid-turn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from PIL import Image

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.random_explorer import RandomExplorer
from autoplay_gym.agents.recording import RESET_REQUEST, explore
from autoplay_gym.tasks import Trajectory

pytestmark = pytest.mark.desktop
ENV_ID = "AutoPlay-Ubuntu-Calculator"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def env():
    environment = gym.make(ENV_ID)
    yield environment
    environment.close()


class Scripted:
    """An explorer that replays a list of actions (or raises / asks for a reset) and remembers its hooks."""

    def __init__(self, actions):
        self.actions, self.turns, self.index = list(actions), [], 0

    def reset(self, instruction=""):
        self.index = 0

    def act(self, obs, info):
        item = self.actions[self.index % len(self.actions)]
        self.index += 1
        if isinstance(item, Exception):
            raise item
        return item

    def end_turn(self, trajectory):
        self.turns.append(trajectory)


def test_explore_writes_the_documented_format(env, tmp_path):
    explorer = Scripted([{"type": "key", "key": "7"}, "click(0)", {"type": "scroll", "direction": "down"}])
    lines: list[str] = []
    trajectories = explore(env, explorer, turns=2, steps=3, out_dir=tmp_path, seed=5, progress=lines.append)
    assert [t.id for t in trajectories] == ["autoplay-ubuntu-calculator-s5-t00", "autoplay-ubuntu-calculator-s5-t01"]
    assert len(lines) == 2 and lines[0].startswith(f"explore {ENV_ID} turn 1/2: 3 steps")
    for turn, trajectory in enumerate(trajectories):
        folder = tmp_path / trajectory.id
        meta = json.loads((folder / "trajectory.json").read_text())
        assert meta["id"] == trajectory.id and meta["env_id"] == ENV_ID and meta["turn"] == turn
        assert meta["metadata"]["kind"] == "exploration" and meta["metadata"]["seed"] == 5 + turn
        assert meta["metadata"]["end_reason"] == "steps" and meta["metadata"]["explorer"] == "Scripted"
        records = [json.loads(line) for line in (folder / "steps.jsonl").read_text().splitlines()]
        assert [r["index"] for r in records] == [0, 1, 2, 3]
        assert records[0]["action"] is None and records[1]["action"] == {"type": "key", "key": "7"}
        assert records[2]["action"] == {"type": "click", "element": 0}  # the text form, recorded canonically
        for record in records:
            assert record["ui_elements"] and record["tree_text"].startswith("[0] ")
            image = np.asarray(Image.open(folder / record["screenshot"]))
            assert image.shape == (800, 1280, 3)
        assert all("agent_seconds" in r["info"] and r["seconds"] > 0 for r in records[1:])
        loaded = Trajectory.load(folder)
        assert [s.action for s in loaded.steps] == [s.action for s in trajectory.steps]
        assert loaded.screenshot(loaded.final).shape == (800, 1280, 3)
    assert explorer.turns[0].final.action == {"type": "scroll", "direction": "down"}  # end_turn saw the last step
    with pytest.raises(FileExistsError):
        explore(env, explorer, turns=1, steps=1, out_dir=tmp_path, seed=5, progress=False)


def test_a_crashing_explorer_leaves_a_readable_trajectory_and_the_run_goes_on(env, tmp_path):
    explorer = Scripted([{"type": "key", "key": "1"}, {"type": "key", "key": "2"}, RuntimeError("model went away")])
    first, second = explore(env, explorer, turns=2, steps=5, out_dir=tmp_path, progress=False)
    for trajectory in (first, second):
        assert len(trajectory.steps) == 3 and trajectory.metadata["end_reason"] == "explorer_error"
        assert "RuntimeError: model went away" in trajectory.metadata["error"]
    assert len(explorer.turns) == 2


def test_invalid_actions_are_recorded_and_a_reset_request_ends_the_turn(env, tmp_path):
    explorer = Scripted([{"type": "click", "element": 99999}, "teleport(3)", dict(RESET_REQUEST)])
    (trajectory,) = explore(env, explorer, turns=1, steps=10, out_dir=tmp_path, progress=False)
    assert trajectory.metadata["end_reason"] == "reset_requested" and len(trajectory.steps) == 3
    assert "does not exist" in trajectory.steps[1].action_error
    assert trajectory.steps[2].action == {"raw": "teleport(3)"} and "unknown action type" in trajectory.steps[2].action_error


def test_total_budget_counts_resets(env, tmp_path):
    explorer = RandomExplorer(seed=3)
    trajectories = explore(env, explorer, turns=5, steps=4, out_dir=tmp_path, progress=False, max_total_steps=8)
    assert [len(t.steps) - 1 for t in trajectories] == [4, 2]  # 1 + 4, then 1 + 2: eight in all
    (named,) = explore(env, explorer, turns=1, steps=1, out_dir=tmp_path, progress=False, first_turn=7,
                       folder_name="calc-t07")
    assert named.id == "calc-t07" and named.turn == 7


class FailingStep(gym.Wrapper):
    """The real env, with its second step failing the way a dead display makes it fail."""

    def __init__(self, env):
        super().__init__(env)
        self.calls = 0

    def step(self, action):
        self.calls += 1
        if self.calls == 2:
            raise OSError("display connection lost")
        return self.env.step(action)


def test_an_env_failure_ends_the_turn_with_the_error_recorded(env, tmp_path):
    explorer = Scripted([{"type": "key", "key": "4"}])
    (trajectory,) = explore(FailingStep(env), explorer, turns=1, steps=5, out_dir=tmp_path, env_id=ENV_ID,
                            progress=False)
    assert trajectory.metadata["end_reason"] == "env_error" and "display connection lost" in trajectory.metadata["error"]
    assert trajectory.metadata["failed_action"] == {"type": "key", "key": "4"} and len(trajectory.steps) == 2


def test_a_killed_process_leaves_a_readable_trajectory(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, sys
        import gymnasium as gym
        import autoplay_gym
        from autoplay_gym.agents.recording import explore

        class Killer:
            steps = 0
            def reset(self, instruction=""):
                pass
            def act(self, obs, info):
                self.steps += 1
                if self.steps == 3:
                    os.kill(os.getpid(), signal.SIGKILL)
                return {{"type": "key", "key": "9"}}

        explore(gym.make("{ENV_ID}"), Killer(), turns=1, steps=10, out_dir=sys.argv[1], progress=False)
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == -9
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    trajectory = Trajectory.load(folder)
    assert [s.index for s in trajectory.steps] == [0, 1, 2]
    assert trajectory.steps[2].action == {"type": "key", "key": "9"}
    assert "end_reason" not in trajectory.metadata  # the writer never got to say how it ended


def test_bad_arguments_are_refused(env, tmp_path):
    with pytest.raises(ValueError):
        explore(env, RandomExplorer(), turns=0, out_dir=tmp_path)
    with pytest.raises(TypeError):
        explore(env, object(), out_dir=tmp_path)
    with pytest.raises(ValueError):
        explore(env, RandomExplorer(), turns=2, out_dir=tmp_path, folder_name="x")
