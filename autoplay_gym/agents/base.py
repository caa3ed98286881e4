"""The protocols every agent and verifier follows, so users can plug in their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from autoplay_gym.tasks import Task, Trajectory


@runtime_checkable
class Agent(Protocol):
    """Anything that picks actions from observations. Works on every env, through the Gymnasium API only."""

    def reset(self, instruction: str = "") -> None:
        """Start a new episode (an exploration turn or a task attempt)."""

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        """The next action in the canonical dict form, e.g. {"type": "click", "element": 3}."""


@dataclass
class Verdict:
    """A verifier's judgement. `score` in [0, 1] is the reward a TaskEnv hands out."""

    success: bool
    score: float
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"success": self.success, "score": self.score, "reason": self.reason, "details": self.details}


@runtime_checkable
class Verifier(Protocol):
    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        """Judge whether `trajectory` accomplished `task`."""
