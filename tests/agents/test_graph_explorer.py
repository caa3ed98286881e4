"""GraphExplorer and RandomExplorer on the real Calculator: safety, coverage bookkeeping, the JSON graph, warm
starts, and learning from an action that killed the app."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.graph_explorer import GraphExplorer
from autoplay_gym.agents.random_explorer import RandomExplorer
from autoplay_gym.agents.recording import RESET_REQUEST, explore
from autoplay_gym.agents.targets import action_target, is_exit_control, tree_from_info
from autoplay_gym.agents.ui_graph import ExplorationGraph

pytestmark = pytest.mark.desktop
ENV_ID = "AutoPlay-Ubuntu-Calculator"


@pytest.fixture(scope="module")
def env():
    environment = gym.make(ENV_ID)
    yield environment
    environment.close()


@pytest.fixture(scope="module")
def graph_run(env, tmp_path_factory):
    explorer = GraphExplorer(seed=1, env_id=ENV_ID)
    trajectories = explore(env, explorer, turns=10, steps=15, out_dir=tmp_path_factory.mktemp("graph"),
                           progress=False, max_total_steps=30)
    return explorer, trajectories


def acted_on(trajectories):
    for trajectory in trajectories:
        for before, step in zip(trajectory.steps, trajectory.steps[1:]):
            yield action_target(step.action, before.tree()), step


def test_graph_explorer_never_touches_exits_and_reports_coverage(graph_run):
    explorer, trajectories = graph_run
    targets = [(element, step) for element, step in acted_on(trajectories)]
    assert sum(len(t.steps) for t in trajectories) == 30  # the budget: steps plus one per reset
    assert not [e.line() for e, _ in targets if e is not None and is_exit_control(e)]
    assert not [s.action_error for _, s in targets if s.action_error]
    coverage = explorer.coverage()
    assert coverage["states"] == len(explorer.graph.states) >= 3
    assert coverage["elements_acted"] >= 10 and coverage["fatal"] == []
    names = {e.text or e.description for e, _ in targets if e is not None}
    assert "Mode selection" in names or "Primary menu" in names  # menus are new UI: tried early


def test_the_graph_is_json_and_matches_the_recording(graph_run):
    explorer, trajectories = graph_run
    data = json.loads(json.dumps(explorer.graph.to_dict()))
    again = ExplorationGraph.from_dict(data)
    assert again.to_dict() == data and again.roots == explorer.graph.roots
    assert all(edge["source"] in data["states"] and edge["target"] in data["states"] for edge in data["edges"])
    assert any(edge["target_element"] for edge in data["edges"])
    rebuilt = ExplorationGraph.from_trajectories(trajectories, ENV_ID)
    assert set(rebuilt.states) == set(explorer.graph.states) and rebuilt.roots == explorer.graph.roots
    assert {(e.source, e.target) for e in rebuilt.edges.values()} == {
        (e.source, e.target) for e in explorer.graph.edges.values()}


def test_warm_start_from_recorded_turns(graph_run):
    explorer, trajectories = graph_run
    fresh = GraphExplorer(seed=1, env_id=ENV_ID)
    for trajectory in trajectories:
        fresh.absorb(trajectory)
    fresh.turn = trajectories[-1].turn
    assert set(fresh.graph.states) == set(explorer.graph.states)
    assert fresh.touched == explorer.touched and fresh.turn == trajectories[-1].turn


def test_an_action_that_killed_the_app_is_learned_and_never_repeated(env, tmp_path):
    class CloseTheWindow:
        def reset(self, instruction=""):
            pass

        def act(self, obs, info):
            close = next(e for e in tree_from_info(info) if e.text == "Close" and e.role == "push button")
            return {"type": "click", "element": close.id}

    (trajectory,) = explore(env, CloseTheWindow(), turns=1, steps=1, out_dir=tmp_path, progress=False)
    assert trajectory.final.info["app_status"]  # the click really ended the app
    explorer = GraphExplorer(seed=0, avoid_exits=False)  # nothing but experience keeps it off Close now
    explorer.absorb(trajectory)
    assert "push button|Close||" in explorer.fatal
    obs, info = env.reset(seed=0)
    explorer.reset("")
    for _ in range(12):
        action = explorer.act(obs, info)
        target = action_target(action, tree_from_info(info))
        assert target is None or target.text != "Close"
        obs, _, _, _, info = env.step(action)
    assert explorer.act({"screenshot": None}, {"ui_elements": [], "app_status": "Calculator exited"}) == RESET_REQUEST


def test_random_explorer_is_seeded_and_stays_on_valid_actions(env, tmp_path):
    runs = []
    for seed in (4, 4):
        explorer = RandomExplorer(seed=seed)
        obs, info = env.reset(seed=0)
        explorer.reset("")
        first = explorer.act(obs, info)
        runs.append(first)
        obs, _, _, _, info = env.step(first)
        assert info["action_error"] is None
    assert runs[0] == runs[1]
    (trajectory,) = explore(env, RandomExplorer(seed=9), turns=1, steps=12, out_dir=tmp_path, progress=False)
    assert not [s.action_error for s in trajectory.steps if s.action_error]
    assert not [e.line() for e, _ in acted_on([trajectory]) if e is not None and is_exit_control(e)]
