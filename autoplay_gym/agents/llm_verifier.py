"""`LLMVerifier`: a model judges whether a trajectory accomplished a task; its verdict is the RL reward.

As in AutoPlay, the judge sees the instruction and the last few frames interleaved with the actions, each frame
with the acted point drawn on it (a judge that reads "click(41)" cannot see what was hit), and answers
`{screen_details, reasoning, result}`: describing the screens first keeps it from deciding before it has looked.
A verifier that cannot get a valid verdict returns a failed `Verdict` saying so and records it; it never raises
into the training loop (a reward of 0 for an unjudged episode is the conservative choice).
"""

from __future__ import annotations

import json
import time
from typing import Any

from autoplay_gym.agents.base import Verdict
from autoplay_gym.agents.llm import LLMClient, LLMError
from autoplay_gym.agents.llm_images import image_part, mark_action
from autoplay_gym.agents.llm_support import compact_tree, describe_action, load_prompt, render
from autoplay_gym.tasks import Task, Trajectory

# String limits stay in the hundreds: llama.cpp unrolls maxLength into grammar rules and refuses (or crashes on)
# grammars past a size limit; a 1500-character field was enough to hit it.
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "screen_details": {"type": "string", "maxLength": 500},
        "reasoning": {"type": "string", "maxLength": 500},
        "result": {"type": "string", "enum": ["success", "failure"]},
    },
    "required": ["screen_details", "reasoning", "result"],
    "additionalProperties": False,
}


class LLMVerifier:
    """Verifier protocol: `verify(task, trajectory) -> Verdict`. `failures` records every unjudged episode."""

    def __init__(self, client: LLMClient, *, last_frames: int = 4, use_screenshots: bool | None = None,
                 max_tree_chars: int = 4000) -> None:
        self.client = client
        self.last_frames = last_frames
        self.use_screenshots = client.vision if use_screenshots is None else use_screenshots
        self.max_tree_chars = max_tree_chars
        self.failures: list[dict[str, Any]] = []

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        if not trajectory.steps:
            return self._failed(task, trajectory, "the trajectory has no steps", [])
        messages = [{"role": "system", "content": load_prompt("verifier_system.md")},
                    {"role": "user", "content": self._content(task, trajectory)}]
        try:
            data = self.client.complete_json(messages, VERDICT_SCHEMA, name="verify")
        except LLMError as exc:
            return self._failed(task, trajectory, str(exc), exc.attempts)
        success = data["result"] == "success"
        return Verdict(success=success, score=1.0 if success else 0.0, reason=str(data["reasoning"]),
                       details={"verifier": "llm", "model": self.client.model, "result": data["result"],
                                "screen_details": data["screen_details"]})

    # --- the evidence -------------------------------------------------------------------------------------------

    def _content(self, task: Task, trajectory: Trajectory) -> Any:
        steps = trajectory.steps
        final = steps[-1]
        lines = [f"{s.index}. {describe_action(s.action, p.ui_elements)}"
                 + (f" -> error: {s.action_error}" if s.action_error else "")
                 for p, s in zip(steps, steps[1:])]
        answer = next((s.info["answer"] for s in reversed(steps) if s.info.get("answer") is not None), None)
        expected = f"Expected answer (found during exploration): {task.answer}\n" if task.answer else ""
        ending = ("the agent answered" if answer is not None else f"done: {final.info['done_status']}"
                  if final.info.get("done_status") else "the step limit ended it" if final.truncated
                  else "the agent stopped")
        text = render("verifier_step.md", task=task.instruction, expected=expected, count=len(lines),
                      actions="\n".join(lines[-30:]) or "(none)", ending=ending,
                      answer=json.dumps(answer, ensure_ascii=False) if answer is not None else "(none)",
                      tree=compact_tree(final.ui_elements, self.max_tree_chars))
        if not (self.client.vision and self.use_screenshots):
            return text
        parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
        start = max(1, len(steps) - self.last_frames)
        for before, step in zip(steps[start - 1:], steps[start:]):
            frame = self._frame(trajectory, before)
            if frame is None:
                continue
            marked = mark_action(frame, step.action, before.ui_elements)
            parts.append({"type": "text", "text": f"Screen before action {step.index}: "
                                                  f"{describe_action(step.action, before.ui_elements)}"})
            parts.append(image_part(marked, self.client.image_max_side))
        last = self._frame(trajectory, final)
        if last is not None:
            parts.append({"type": "text", "text": "Final screen (the result):"})
            parts.append(image_part(last, self.client.image_max_side))
        return parts

    @staticmethod
    def _frame(trajectory: Trajectory, step: Any) -> Any:
        try:
            return trajectory.screenshot(step)
        except OSError:  # a missing or cut screenshot file: judge from the rest
            return None

    def _failed(self, task: Task, trajectory: Trajectory, error: str, attempts: list[str]) -> Verdict:
        self.failures.append({"call": "verify", "task": task.id, "trajectory": trajectory.id, "time": time.time(),
                              "error": error, "attempts": attempts})
        return Verdict(success=False, score=0.0, reason=f"verifier failed: {error}",
                       details={"verifier": "llm", "error": error, "attempts": attempts})
