"""The step loop the LLM explorer and executor share: ask for one action, check it, fall back when it fails.

Why a shared piece: both agents must turn a broken model (timeouts, invalid JSON, an action that names no element,
text that tries to smuggle code) into a recorded failure and a safe action, never into an exception inside the
caller's loop. The model's action is checked with `parse_action` against the current screen, and a rejected
action is re-asked (inside the client's bounded attempts) with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from autoplay_gym.agents.llm import LLMClient, LLMError
from autoplay_gym.agents.llm_support import action_schema, check_action, describe_action

SAFE_ACTION: dict[str, Any] = {"type": "wait", "seconds": 0}


@dataclass
class HistoryEntry:
    """One action the agent took, what it acted on, the model's words about it and how it went."""

    action: dict[str, Any]
    description: str
    thought: str = ""
    reflection: str = ""
    error: str | None = None
    fallback: bool = False


class ActionLoop:
    """Keeps one episode's history and asks the client for each next action."""

    def __init__(self, client: LLMClient, types: Sequence[str], fields: Sequence[str] = ("thought",), *,
                 fallback: Mapping[str, Any] = SAFE_ACTION, history_len: int = 12, name: str = "action") -> None:
        self.client = client
        self.types = tuple(types)
        self.fields = tuple(fields)
        self.fallback = dict(fallback)
        self.history_len = history_len
        self.name = name
        self.history: list[HistoryEntry] = []
        self.failures: list[dict[str, Any]] = []
        self.consecutive_failures = 0
        self.last_elements: list[dict[str, Any]] = []

    def reset(self) -> None:
        self.history = []
        self.consecutive_failures = 0
        self.last_elements = []

    def observe(self, info: Mapping[str, Any]) -> str:
        """Attach the env's verdict on the previous action (its `action_error`) to the history; says how it went."""
        if not self.history:
            return "(no action yet)"
        error = info.get("action_error")
        self.history[-1].error = str(error) if error else None
        return f"error: {error}" if error else "the action ran"

    def history_text(self) -> str:
        if not self.history:
            return "(none yet)"
        start = max(0, len(self.history) - self.history_len)
        lines = []
        for number, entry in enumerate(self.history[start:], start + 1):
            result = f"error: {entry.error}" if entry.error else "ok"
            note = " (fallback: the model gave no usable action)" if entry.fallback else ""
            lines.append(f"{number}. {entry.description} -> {result}{note}")
        return "\n".join(lines)

    def choose(self, messages: list[dict[str, Any]], info: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The next action and the model's text fields; on any failure the fallback action, recorded."""
        elements: Sequence[Mapping[str, Any]] = info.get("ui_elements") or []
        schema = action_schema(elements, self.types, self.fields)

        def accept(data: Any) -> tuple[dict[str, Any], dict[str, str]]:
            action = check_action(data.get("action"), elements, self.types)
            return action, {k: str(data.get(k, "")) for k in self.fields}

        try:
            action, words = self.client.complete_json(messages, schema, name=self.name, validate=accept)
            self.consecutive_failures = 0
            fallback = False
        except LLMError as exc:
            self.consecutive_failures += 1
            self.failures.append({"call": self.name, "step": len(self.history), "time": time.time(),
                                  "error": str(exc), "attempts": exc.attempts})
            action, words, fallback = dict(self.fallback), {}, True
        self.history.append(HistoryEntry(action=action, description=describe_action(action, elements),
                                         thought=words.get("thought", ""), reflection=words.get("reflection", ""),
                                         fallback=fallback))
        self.last_elements = [dict(e) for e in elements]
        return dict(action), words
