"""TaskEnv on the real Calculator and TextEditor: a task per episode, the verdict as the reward on the step that
ends the episode (done, answer, its own step limit, an inner TimeLimit), and vector envs."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.base import Verdict
from autoplay_gym.agents.targets import tree_from_info
from autoplay_gym.tasks import Task, TaskSet
from autoplay_gym.wrappers import TaskEnv, batch_actions, to_space_sample

pytestmark = pytest.mark.desktop
CALC = "AutoPlay-Ubuntu-Calculator"
DISPLAY = {"role": "text", "editable": True, "visible": True}


def compute_task(expression: str, result: str) -> Task:
    return Task(id=f"calc-{result}", env_id=CALC, instruction=f"Compute {expression}",
                check={"type": "element_text_equals", "element": DISPLAY, "text": result},
                params={"keys": [c for c in expression if c != " "]})


SIX_BY_SEVEN = compute_task("6 × 7", "42")
EIGHT_PLUS_ONE = compute_task("8 + 1", "9")


def press(info: dict, label: str) -> dict:
    """The click on the visible push button labelled `label` in this observation."""
    for e in tree_from_info(info):
        if e.role == "push button" and e.text == label and e.bounds is not None:
            return {"type": "click", "element": e.id}
    raise AssertionError(f"no {label!r} button")


def script(task: Task) -> list[str]:
    return [*task.params["keys"], "="]


@pytest.fixture(scope="module")
def calc():
    env = gym.make(CALC, tasks=[SIX_BY_SEVEN, EIGHT_PLUS_ONE], task_seed=0)
    yield env
    env.close()


def run_episode(env, options, keys, finish=({"type": "done"},)):
    obs, info = env.reset(options=options)
    rewards, last = [], None
    for key in keys:
        obs, reward, terminated, truncated, info = env.step(press(info, key))
        rewards.append(reward)
        assert not (terminated or truncated) and "verdict" not in info
    for action in finish:
        obs, reward, terminated, truncated, info = env.step(action)
        rewards.append(reward)
        last = (terminated, truncated, info)
    return obs, rewards, last


def test_reward_is_the_verdict_at_the_episode_end(calc):
    obs, info = calc.reset(options={"task_id": SIX_BY_SEVEN.id})
    assert obs["instruction"] == SIX_BY_SEVEN.instruction and info["task_id"] == SIX_BY_SEVEN.id
    _, rewards, (terminated, _, info) = run_episode(calc, {"task_id": SIX_BY_SEVEN.id}, script(SIX_BY_SEVEN))
    assert rewards == [0.0, 0.0, 0.0, 0.0, 1.0] and terminated
    assert info["verdict"]["success"] and info["verdict"]["score"] == 1.0
    _, rewards, (_, _, info) = run_episode(calc, {"task_id": SIX_BY_SEVEN.id}, ["6", "+", "7", "="])
    assert rewards[-1] == 0.0 and not info["verdict"]["success"] and "'13'" in info["verdict"]["reason"]
    episode = calc.get_wrapper_attr("trajectory")
    assert len(episode.steps) == 6 and episode.final.reward == 0.0 and list(episode.images) == [5]


def test_seeded_task_draws_and_explicit_choice(calc):
    draws = []
    for seed in (3, 3):
        calc.reset(seed=seed)
        draws.append([calc.reset()[1]["task_id"] for _ in range(5)])
    assert draws[0] == draws[1] and set(draws[0]) == {SIX_BY_SEVEN.id, EIGHT_PLUS_ONE.id}
    with pytest.raises(ValueError, match="no task with id"):
        calc.reset(options={"task_id": "nope"})
    obs, info = calc.reset(options={"task": EIGHT_PLUS_ONE.to_dict()})
    assert info["task_id"] == EIGHT_PLUS_ONE.id and obs["instruction"] == "Compute 8 + 1"


def test_truncation_by_the_tasks_step_limit_pays_the_reward(tmp_path):
    path = tmp_path / "tasks.jsonl"
    TaskSet([EIGHT_PLUS_ONE]).save(path)
    env = gym.make(CALC, tasks=str(path), task_max_steps=5, max_episode_steps=5)
    try:
        _, rewards, (terminated, truncated, info) = run_episode(
            env, None, script(EIGHT_PLUS_ONE), finish=({"type": "wait", "seconds": 0},))
        assert rewards == [0.0, 0.0, 0.0, 0.0, 1.0] and truncated and not terminated and info["verdict"]["success"]
    finally:
        env.close()


def test_an_inner_time_limit_is_seen_and_a_broken_verifier_pays_zero():
    class Broken:
        def verify(self, task, trajectory):
            raise RuntimeError("judge crashed")

    env = TaskEnv(gym.make(CALC, max_episode_steps=2), [EIGHT_PLUS_ONE], Broken())
    try:
        with pytest.raises(gym.error.ResetNeeded):
            env.step({"type": "back"})
        _, rewards, (_, truncated, info) = run_episode(env, None, ["8"], finish=({"type": "back"},))
        assert truncated and rewards == [0.0, 0.0] and "judge crashed" in info["verdict"]["reason"]
    finally:
        env.close()


def test_initial_state_reaches_the_app():
    task = Task(id="note", env_id="AutoPlay-Ubuntu-TextEditor", instruction="Answer with the note's first word",
                answer="Hello", initial_state={"files": {"notes/todo.txt": "Hello from the seeded file\n"},
                                               "open": "notes/todo.txt"})
    env = gym.make("AutoPlay-Ubuntu-TextEditor", tasks=[task])
    try:
        obs, _ = env.reset()
        assert "Hello from the seeded file" in obs["a11y_tree"] and obs["instruction"] == task.instruction
        _, reward, terminated, _, info = env.step({"type": "answer", "text": "hello."})
        assert terminated and reward == 1.0 and info["verdict"]["details"]["verifier"] == "answer"
    finally:
        env.close()


def _vector_rollout(envs, scripts: list[list[str]], steps: int):
    """Drive each sub-env through its script then `done`; returns the reward and verdict arrays per step."""
    obs, infos = envs.reset(seed=0)
    position = [0] * len(scripts)
    history = []
    for _ in range(steps):
        actions = []
        for i, keys in enumerate(scripts):
            info_i = {"ui_elements": infos["ui_elements"][i]}
            actions.append(press(info_i, keys[position[i]]) if position[i] < len(keys) else {"type": "done"})
            position[i] += 1
        obs, rewards, terminated, truncated, infos = envs.step(batch_actions(envs.single_action_space, actions))
        history.append((rewards.copy(), terminated.copy(), infos.get("_verdict", np.zeros(len(scripts), bool)).copy()))
    return history


def test_sync_vector_env_pays_each_sub_env_at_its_own_episode_end():
    makers = [lambda task=t: gym.make(CALC, tasks=[task]) for t in (SIX_BY_SEVEN, EIGHT_PLUS_ONE)]
    envs = gym.vector.SyncVectorEnv(makers)
    try:
        history = _vector_rollout(envs, [script(SIX_BY_SEVEN), script(EIGHT_PLUS_ONE)], steps=5)
    finally:
        envs.close()
    rewards = np.array([h[0] for h in history])
    ended = np.array([h[1] for h in history])
    # env 1 presses 8 + 1 = and says done on step 5 (index 4); env 0 presses 6 × 7 = then done on step 5 too
    assert ended[:, 1].tolist() == [False, False, False, False, True]
    assert ended[:, 0].tolist() == [False, False, False, False, True]
    assert rewards[:4].sum() == 0.0 and rewards[4].tolist() == [1.0, 1.0]
    assert history[4][2].tolist() == [True, True] and not any(h[2].any() for h in history[:4])


def test_async_vector_env_runs_task_envs_in_worker_processes():
    makers = [lambda: gym.make(CALC, tasks=[EIGHT_PLUS_ONE]) for _ in range(2)]
    # shared_memory=False: gymnasium's shared buffers index text by a fixed charset, which a Unicode a11y tree
    # breaks (and a 1M-character text space would reserve megabytes per env); observations go through pipes.
    envs = gym.vector.AsyncVectorEnv(makers, shared_memory=False)
    try:
        history = _vector_rollout(envs, [script(EIGHT_PLUS_ONE), ["8", "−", "1", "="]], steps=5)
    finally:
        envs.close()
    assert history[-1][1].tolist() == [True, True]
    assert history[-1][0].tolist() == [1.0, 0.0]  # 8 − 1 = 7 is not what the task asked for
    assert sum(h[0].sum() for h in history[:-1]) == 0.0


def test_space_samples_round_trip_through_the_env_parser():
    from autoplay_gym.core.actions import from_space_sample

    for action in ({"type": "click", "element": 3}, {"type": "type", "text": "hi", "element": 2, "clear": True},
                   {"type": "hotkey", "keys": ["ctrl", "z"]}, {"type": "scroll", "direction": "up"},
                   {"type": "done", "status": "infeasible"}, {"type": "swipe", "x1": 1, "y1": 2, "x2": 3, "y2": 4}):
        assert from_space_sample(to_space_sample(action)).to_dict() == action
    with pytest.raises(Exception, match="cannot express"):
        to_space_sample({"type": "key", "key": "F11"})


def test_verdict_type_is_the_protocols():
    assert Verdict(True, 1.0).to_dict()["success"] is True
