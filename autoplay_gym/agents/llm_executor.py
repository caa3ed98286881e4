"""`LLMExecutor`: a task-following agent for the execute stage (and a baseline policy for TaskEnv).

It speaks the same action format as the explorer and adds `answer` and `done`. Why it gives up on its own: after
`give_up_after` calls in a row without a usable action (a dead server, a model that only emits garbage), waiting
out the step limit would waste the env; it ends the episode with `done(infeasible)` instead, recorded.
"""

from __future__ import annotations

from typing import Any, Mapping

from autoplay_gym.agents.llm import LLMClient
from autoplay_gym.agents.llm_acting import SAFE_ACTION, ActionLoop
from autoplay_gym.agents.llm_support import TASK_TYPES, compact_tree, load_prompt, render
from autoplay_gym.agents.llm_trajectory import app_name, change_summary

GIVE_UP_ACTION: dict[str, Any] = {"type": "done", "status": "infeasible"}


class LLMExecutor:
    """Agent protocol: `reset(instruction)` starts a task, `act(obs, info)` returns the next action dict."""

    def __init__(self, client: LLMClient, *, use_screenshot: bool | None = None, max_tree_chars: int = 6000,
                 history_len: int = 12, give_up_after: int = 3, fallback: Mapping[str, Any] = SAFE_ACTION) -> None:
        self.client = client
        self.use_screenshot = client.vision if use_screenshot is None else use_screenshot
        self.max_tree_chars = max_tree_chars
        self.give_up_after = give_up_after
        self.loop = ActionLoop(client, TASK_TYPES, ("thought",), fallback=fallback, history_len=history_len,
                               name="execute-step")
        self.instruction = ""

    @property
    def failures(self) -> list[dict[str, Any]]:
        return self.loop.failures

    def reset(self, instruction: str = "") -> None:
        self.instruction = instruction
        self.loop.reset()

    def act(self, obs: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
        elements = info.get("ui_elements") or []
        task = self.instruction or str(obs.get("instruction") or "")
        last_result = self.loop.observe(info)
        changes = change_summary(self.loop.last_elements, elements) if self.loop.history else "(first step)"
        text = render(
            "executor_step.md",
            task=task or "(no task given: explore carefully)",
            app=app_name(elements),
            step=len(self.loop.history) + 1,
            history=self.loop.history_text(),
            last_result=last_result,
            changes=changes,
            tree=compact_tree(elements, self.max_tree_chars),
            actions=load_prompt("actions.md") + load_prompt("actions_task.md"),
        )
        screenshots = [obs["screenshot"]] if self.use_screenshot and obs.get("screenshot") is not None else []
        messages = [{"role": "system", "content": load_prompt("executor_system.md")},
                    self.client.user_message(text, screenshots)]
        action, _ = self.loop.choose(messages, info)
        if self.loop.consecutive_failures >= self.give_up_after:
            self.loop.history[-1].action = dict(GIVE_UP_ACTION)
            self.loop.history[-1].description = "done(status=\"infeasible\") (gave up: no usable model replies)"
            return dict(GIVE_UP_ACTION)
        return action
