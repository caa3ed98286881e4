"""`LLMExplorer`: the AutoPlay explorer, a model that drives an app to reach all of its features and data.

Each step the model gets the screen (tree, plus the screenshot for vision models), its actions so far in this turn,
what the last action changed (so it can reflect on it), and the memory of earlier turns: at `end_turn` a summariser
call turns the turn's trajectory into JSON (pages, features, data seen), which is what makes later turns go
somewhere new instead of replaying the first one.
"""

from __future__ import annotations

import json
import time
from typing import Any, Mapping

from autoplay_gym.agents.llm import LLMClient, LLMError
from autoplay_gym.agents.llm_acting import SAFE_ACTION, ActionLoop
from autoplay_gym.agents.llm_support import EXPLORE_TYPES, compact_tree, load_prompt, render
from autoplay_gym.agents.llm_trajectory import app_name, change_summary, render_trajectory
from autoplay_gym.tasks import Trajectory

_SHORT = {"type": "string", "maxLength": 120}
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pages": {"type": "array", "items": _SHORT, "maxItems": 12},
        "features": {"type": "array", "items": _SHORT, "maxItems": 12},
        "data": {"type": "array", "items": _SHORT, "maxItems": 12},
        "summary": {"type": "string", "maxLength": 400},
    },
    "required": ["pages", "features", "data", "summary"],
    "additionalProperties": False,
}


class LLMExplorer:
    """Agent protocol (`reset`, `act`) plus `end_turn(trajectory)`, which the recorder calls after each turn.

    `failures` lists every call that ended in a fallback (with the reasons of each attempt); `memory` holds the
    per-turn summaries. The explorer never raises on a bad model: it records the failure and returns `fallback`."""

    def __init__(self, client: LLMClient, *, use_screenshot: bool | None = None, max_tree_chars: int = 6000,
                 history_len: int = 12, memory_len: int = 8, fallback: Mapping[str, Any] = SAFE_ACTION) -> None:
        self.client = client
        self.use_screenshot = client.vision if use_screenshot is None else use_screenshot
        self.max_tree_chars = max_tree_chars
        self.memory_len = memory_len
        self.loop = ActionLoop(client, EXPLORE_TYPES, ("reflection", "thought"), fallback=fallback,
                               history_len=history_len, name="explore-step")
        self.memory: list[dict[str, Any]] = []
        self.summary_failures: list[dict[str, Any]] = []
        self.turn = -1
        self.app = "the app"

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [*self.loop.failures, *self.summary_failures]

    def reset(self, instruction: str = "") -> None:
        """Start a new turn; the memory of earlier turns is kept (that is its point)."""
        self.turn += 1
        self.loop.reset()

    def act(self, obs: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
        elements = info.get("ui_elements") or []
        self.app = app_name(elements)
        last_result = self.loop.observe(info)
        changes = change_summary(self.loop.last_elements, elements) if self.loop.history else "(first step)"
        text = render(
            "explorer_step.md",
            app=self.app,
            turn=self.turn + 1,
            step=len(self.loop.history) + 1,
            memory=self.memory_text(),
            history=self.loop.history_text(),
            last_result=last_result,
            changes=changes,
            tree=compact_tree(elements, self.max_tree_chars),
            actions=load_prompt("actions.md"),
        )
        screenshots = [obs["screenshot"]] if self.use_screenshot and obs.get("screenshot") is not None else []
        messages = [{"role": "system", "content": load_prompt("explorer_system.md")},
                    self.client.user_message(text, screenshots)]
        action, _ = self.loop.choose(messages, info)
        return action

    def end_turn(self, trajectory: Trajectory) -> dict[str, Any]:
        """Summarise the finished turn into memory. A failed summary is recorded and replaced by a model-free one
        (the elements acted on), so memory never silently loses a turn."""
        messages = [{"role": "system", "content": load_prompt("summarizer_system.md")},
                    {"role": "user", "content": render("summarizer_step.md", app=self.app,
                                                       trajectory=render_trajectory(trajectory, 8000))}]
        try:
            summary = dict(self.client.complete_json(messages, SUMMARY_SCHEMA, name="explore-summary"))
            summary["source"] = "model"
        except LLMError as exc:
            self.summary_failures.append({"call": "explore-summary", "turn": self.turn, "time": time.time(),
                                          "error": str(exc), "attempts": exc.attempts})
            summary = fallback_summary(trajectory)
        summary["turn"] = self.turn
        summary["trajectory"] = trajectory.id
        self.memory.append(summary)
        return summary

    def memory_text(self) -> str:
        if not self.memory:
            return "(this is the first turn)"
        lines = []
        for entry in self.memory[-self.memory_len:]:
            parts = [f"Turn {int(entry.get('turn', 0)) + 1}:"]
            for key, label in (("pages", "pages visited"), ("features", "features used"), ("data", "data seen")):
                values = [str(v) for v in entry.get(key) or []]
                if values:
                    parts.append(f"{label}: {'; '.join(values)}.")
            if entry.get("summary"):
                parts.append(str(entry["summary"]))
            lines.append(" ".join(parts))
        return "\n".join(lines)


def fallback_summary(trajectory: Trajectory) -> dict[str, Any]:
    """What a turn covered, from the record alone: the names of the elements acted on and the text seen last."""
    features: list[str] = []
    for previous, step in zip(trajectory.steps, trajectory.steps[1:]):
        element = (step.action or {}).get("element")
        if isinstance(element, int) and 0 <= element < len(previous.ui_elements):
            e = previous.ui_elements[element]
            name = f"{e.get('role', '')} {json.dumps(e.get('text') or e.get('description') or '')}".strip()
            if name not in features:
                features.append(name)
    final = trajectory.final
    data = [str(e.get("text"))[:120] for e in (final.ui_elements if final else []) if e.get("text")][:12]
    return {"pages": [], "features": features[:12], "data": data, "source": "fallback",
            "summary": "(the summariser failed; this lists the elements acted on and the text seen at the end)"}
