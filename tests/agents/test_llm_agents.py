"""The LLM agents on the real Calculator (a real gnome-calculator on a private Xvfb), driven by a scripted
OpenAI-compatible server over HTTP: element ids come from the real tree in each request."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import gymnasium as gym
import numpy as np
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.llm import LLMClient
from autoplay_gym.agents.llm_executor import LLMExecutor
from autoplay_gym.agents.llm_explorer import LLMExplorer
from autoplay_gym.agents.llm_generator import LLMTaskGenerator
from autoplay_gym.agents.llm_images import decode_data_url
from autoplay_gym.agents.llm_verifier import LLMVerifier
from autoplay_gym.agents.recording import explore
from autoplay_gym.tasks import Task, Trajectory, TrajectoryWriter
from tests.agents.scripted_openai_server import Fail, Reply, ScriptedOpenAIServer, image_urls, user_text

pytestmark = pytest.mark.desktop
ENV_ID = "AutoPlay-Ubuntu-Calculator"


@pytest.fixture(scope="module")
def env():
    environment = gym.make(ENV_ID)
    yield environment
    environment.close()


@pytest.fixture
def server():
    with ScriptedOpenAIServer() as s:
        yield s


def client_for(server, **options) -> LLMClient:
    options = {"timeout": 20.0, "max_attempts": 3, "backoff": 0.0, "vision": False, **options}
    return LLMClient(base_url=server.base_url, model="scripted-model", **options)


def screen_text(body: dict) -> str:
    """The step prompt (first user message) of a request: it holds the real tree the agent saw."""
    message = next(m for m in body["messages"] if m["role"] == "user")
    content = message["content"]
    return content if isinstance(content, str) else "\n".join(p.get("text", "") for p in content)


def element_id(body: dict, label: str, role: str = "push button") -> int:
    match = re.search(rf"^\[(\d+)\] {re.escape(role)} {re.escape(json.dumps(label, ensure_ascii=False))}",
                      screen_text(body), re.M)
    assert match, f"no {role} {label!r} in the screen the agent was shown"
    return int(match.group(1))


def press(label: str, **words: str) -> Reply:
    """A reply that clicks the button labelled `label`, by the id the real tree gave it in this request."""
    return Reply(lambda body: json.dumps({**{"reflection": "", "thought": f"press {label}"}, **words,
                                          "action": {"type": "click", "element": element_id(body, label)}}))


def exec_press(label: str) -> Reply:
    return Reply(lambda body: json.dumps({"thought": f"press {label}",
                                          "action": {"type": "click", "element": element_id(body, label)}}))


def button(info: dict, label: str) -> int:
    return next(e["id"] for e in info["ui_elements"] if e["role"] == "push button" and e["text"] == label)


@pytest.fixture(scope="module")
def sum_trajectory(env, tmp_path_factory) -> Trajectory:
    """7 + 2 = on the real calculator, recorded with TrajectoryWriter (the display then shows 9)."""
    folder = tmp_path_factory.mktemp("traj") / "calc-sum"
    writer = TrajectoryWriter(folder, "calc-sum", ENV_ID)
    obs, info = env.reset(seed=0)
    writer.add(obs, info)
    for label in ("7", "+", "2", "="):
        obs, reward, terminated, truncated, info = env.step({"type": "click", "element": button(info, label)})
        assert info["action_error"] is None
        writer.add(obs, info, action=info["action"])
    return Trajectory.load(folder)


def test_explorer_clicks_real_elements_survives_smuggling_and_remembers_turns(env, server, tmp_path):
    pwned = tmp_path / "pwned"
    smuggle = [
        Reply(json.dumps({"reflection": "", "thought": "x", "action": f"__import__('os').system('touch {pwned}')"})),
        Reply(f"```python\nimport os\nos.system('touch {pwned}')\n```"),
        Reply(json.dumps({"reflection": "", "thought": "x", "action": {"type": "click", "element": 9999}})),
    ]
    summary = {"pages": ["basic calculator"], "features": ["add two numbers"], "data": ["7 + 2 = 9"],
               "summary": "Added 7 and 2; the modes menu is unexplored."}
    server.script(press("7"), press("+", reflection="7 appeared"), *smuggle, press("2"), press("="),
                  Reply(json.dumps(summary)), press("Basic"), Reply(json.dumps({**summary, "data": []})))
    explorer = LLMExplorer(client_for(server))
    trajectories = explore(env, explorer, turns=2, steps=5, out_dir=tmp_path / "run", progress=False,
                           max_total_steps=8)
    first, second = trajectories
    actions = first.actions
    assert len(actions) == 5 and actions[2] == {"type": "wait", "seconds": 0.0}
    assert [a["type"] for a in actions] == ["click", "click", "wait", "click", "click"]
    assert not any(s.action_error for s in first.steps)
    assert any(e["text"] == "9" and e["role"] == "text" for e in first.final.ui_elements)
    assert not pwned.exists()
    (failure,) = explorer.failures
    assert failure["step"] == 2 and len(failure["attempts"]) == 3
    assert "is not of type 'object'" in failure["attempts"][0]  # a string is no action
    assert "action/element: 9999 is not one of" in failure["attempts"][-1]
    # the second step's prompt carries the history and the reflection-worthy change of the first
    step2 = screen_text(server.requests[1])
    assert re.search(r'1\. click\(element=\d+\) on push button "7" -> ok', step2)
    assert "now showing" in step2
    # end_turn produced memory, and the next turn's prompt shows it
    assert explorer.memory[0]["features"] == ["add two numbers"] and explorer.memory[0]["source"] == "model"
    assert "features used: add two numbers" in screen_text(server.requests[-2])
    assert len(second.actions) == 1 and len(explorer.memory) == 2
    assert server.exhausted == 0 and server.pending == 0


def test_explorer_summary_failure_falls_back_to_a_recorded_model_free_memory(sum_trajectory, server):
    server.script(Fail(500), Fail(500))
    explorer = LLMExplorer(client_for(server, max_attempts=2))
    memory = explorer.end_turn(sum_trajectory)
    assert memory["source"] == "fallback" and 'push button "7"' in memory["features"]
    assert explorer.failures[0]["call"] == "explore-summary"


def test_executor_completes_a_task_and_answers(env, server):
    server.script(exec_press("7"), exec_press("×"), exec_press("3"), exec_press("="),
                  Reply(json.dumps({"thought": "the display shows 21", "action": {"type": "answer", "text": "21"}})))
    executor = LLMExecutor(client_for(server))
    obs, info = env.reset(seed=1, options={"instruction": "What is 7 times 3?"})
    executor.reset(obs["instruction"])
    for _ in range(6):
        obs, reward, terminated, truncated, info = env.step(executor.act(obs, info))
        assert info["action_error"] is None
        if terminated:
            break
    assert terminated and info["answer"] == "21"
    assert "Task: What is 7 times 3?" in screen_text(server.requests[0])
    assert not executor.failures


def test_executor_gives_up_cleanly_when_the_server_only_fails(env, server):
    server.script(*[Fail(500)] * 3)
    executor = LLMExecutor(client_for(server, max_attempts=1), give_up_after=3)
    obs, info = env.reset(seed=2)
    executor.reset("Compute 1 plus 1")
    actions = []
    for _ in range(5):
        action = executor.act(obs, info)
        actions.append(action)
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated:
            break
    assert actions == [{"type": "wait", "seconds": 0}] * 2 + [{"type": "done", "status": "infeasible"}]
    assert terminated and info["done_status"] == "infeasible" and len(executor.failures) == 3


def _templates(*tasks: dict) -> Reply:
    return Reply(json.dumps({"tasks": list(tasks)}))


def test_generator_expands_dedups_and_keeps_provenance(sum_trajectory, server):
    numbers = ["2", "7", "9", "12", "30"]
    feature_use = _templates(
        {"template": "Compute {a} plus {b}", "params": [{"name": "a", "values": numbers},
                                                        {"name": "b", "values": ["1", "3", "4", "5", "6"]}],
         "evidence": "steps 1-4 add 7 and 2"},
        {"template": "Type {n} into the calculator", "params": [], "evidence": "bad: slot without parameter"},
        {"template": "Compute {a} PLUS {b}!", "params": [{"name": "a", "values": numbers},
                                                         {"name": "b", "values": ["1", "3", "4", "5", "6"]}],
         "evidence": "a rewording of the first"},
    )
    server.script(feature_use, Reply('{"tasks": [{"template": "Add'), Reply("no JSON here"), Reply("{}"))
    generator = LLMTaskGenerator(client_for(server), tasks_per_template=6)
    tasks = generator.generate(sum_trajectory)
    assert len(tasks) == 6 and len({t.id for t in tasks}) == 6
    for task in tasks:
        assert task.instruction == f"Compute {task.params['a']} plus {task.params['b']}"
        assert task.guideline == "feature-use" and task.source_trajectory == "calc-sum" and task.env_id == ENV_ID
        assert task.initial_state["screen_signature"] and task.metadata["template"] == "Compute {a} plus {b}"
        assert Task.from_dict(task.to_dict()) == task
    assert "without parameters" in generator.rejected[0]["reason"]
    (failure,) = generator.failures
    assert failure["guideline"] == "feature-composition" and len(failure["attempts"]) == 3
    prompt = screen_text(server.requests[0])
    assert "Compute {a} divided by {b}" in prompt  # the Ubuntu guideline file was chosen by the env id
    assert 'push button "7"' in prompt and "Step 4:" in prompt
    # deterministic: another generator on the same reply gives the same ids
    server.script(feature_use)
    again = LLMTaskGenerator(client_for(server), tasks_per_template=6).generate(sum_trajectory, ["feature-use"])
    assert [t.id for t in again] == [t.id for t in tasks]


def test_generator_uses_the_four_android_guidelines_and_needs_answers_for_questions(sum_trajectory, server):
    android = replace(sum_trajectory, env_id="AutoPlay-Android-Calculator", id="android-sum")
    five = ["1", "2", "3", "4", "5"]
    server.script(
        _templates({"template": "Compute {a} minus 1", "params": [{"name": "a", "values": five}], "evidence": ""}),
        _templates({"template": "Compute {a} plus 1 then clear", "params": [{"name": "a", "values": five}],
                    "evidence": ""}),
        _templates({"template": "What result did 7 plus 2 give?", "params": [], "evidence": ""}),  # no answer
        _templates({"template": "What result did 7 plus 2 give?", "params": [], "answer": "9", "evidence": ""}),
        _templates({"template": "Press {d} three times", "params": [{"name": "d", "values": five}], "evidence": ""}),
    )
    tasks = LLMTaskGenerator(client_for(server)).generate(android)
    assert [t.guideline for t in tasks].count("information-retrieval") == 1
    (question,) = [t for t in tasks if t.guideline == "information-retrieval"]
    assert question.answer == "9" and "answer" in user_text(server.requests[3]).lower()
    assert {t.guideline for t in tasks} == {"feature-use", "feature-composition", "information-retrieval",
                                            "feature-repetition"}


def test_verifier_judges_marked_frames_and_fails_cleanly(sum_trajectory, server):
    verdict_json = {"screen_details": "The display shows 9.", "reasoning": "7 + 2 = 9 is on screen.",
                    "result": "success"}
    server.script(Reply(json.dumps(verdict_json)))
    verifier = LLMVerifier(client_for(server, vision=True, image_max_side=640), last_frames=2)
    task = Task(id="t1", env_id=ENV_ID, instruction="Compute 7 plus 2")
    verdict = verifier.verify(task, sum_trajectory)
    assert verdict.success and verdict.score == 1.0 and verdict.reason == "7 + 2 = 9 is on screen."
    request = server.requests[0]
    urls = image_urls(request)
    assert len(urls) == 3  # two marked frames before the last two actions, then the final screen
    text = user_text(request)
    assert "Task: Compute 7 plus 2" in text and 'on push button "="' in text
    # the frame before the last action ("=") has the clicked button's centre marked
    before = sum_trajectory.steps[-2]
    x1, y1, x2, y2 = next(e["bounds"] for e in before.ui_elements if e["text"] == "=" and e["role"] == "push button")
    frame = np.asarray(decode_data_url(urls[1]).convert("RGB")).astype(int)
    cx, cy = (x1 + x2) // 4, (y1 + y2) // 4  # half scale: 1280 -> 640
    patch = frame[cy - 12:cy + 12, cx - 12:cx + 12]
    assert ((patch[..., 0] > 180) & (patch[..., 1] < 90)).any()
    assert not verifier.failures
    # a server that never gives a valid verdict: a failed verdict, recorded, never an exception
    server.script(Fail(500), Reply('{"result": "maybe"}'), Reply("```python\nprint('hi')\n```"))
    verdict = verifier.verify(task, sum_trajectory)
    assert not verdict.success and verdict.score == 0.0 and verdict.reason.startswith("verifier failed:")
    assert len(verifier.failures) == 1 and len(verifier.failures[0]["attempts"]) == 3


def test_verifier_text_only_mode_sends_the_tree_and_no_images(sum_trajectory, server):
    server.script(Reply(json.dumps({"screen_details": "9", "reasoning": "wrong sum asked", "result": "failure"})))
    verifier = LLMVerifier(client_for(server, vision=False))
    verdict = verifier.verify(Task(id="t2", env_id=ENV_ID, instruction="Compute 7 plus 3"), sum_trajectory)
    assert not verdict.success and verdict.details["result"] == "failure" and not verifier.failures
    assert not image_urls(server.requests[0]) and re.search(r'\[\d+\] text "9"', user_text(server.requests[0]))


def test_explorer_sends_the_screenshot_to_vision_models(env, server):
    server.script(press("1"))
    explorer = LLMExplorer(client_for(server, vision=True, image_max_side=512))
    obs, info = env.reset(seed=3)
    explorer.reset("")
    action = explorer.act(obs, info)
    assert action["type"] == "click" and info["ui_elements"][action["element"]]["text"] == "1"
    (url,) = image_urls(server.requests[0])
    assert decode_data_url(url).size == (512, 320)
