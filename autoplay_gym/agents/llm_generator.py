"""`LLMTaskGenerator`: the AutoPlay task generator, one model call per (trajectory, guideline) pair.

The model reads the exploration record (and key frames, for vision models) with one guideline and proposes task
templates with `{param}` slots; each parameter needs at least five values, and the templates are expanded into
concrete tasks, near-duplicates dropped. Every task keeps where it came from (trajectory, guideline, template,
parameters, the screen it starts from), so a bad task can be traced back to the record and prompt that produced it.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Sequence

from autoplay_gym.agents.llm import LLMClient, LLMError
from autoplay_gym.agents.llm_support import load_prompt, render
from autoplay_gym.agents.llm_templates import MIN_VALUES, Deduplicator, Template, check_template, expand, task_id
from autoplay_gym.agents.llm_trajectory import app_name, key_frames, render_trajectory
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Task, Trajectory

ANDROID_GUIDELINES = ("feature-use", "feature-composition", "information-retrieval", "feature-repetition")
UBUNTU_GUIDELINES = ("feature-use", "feature-composition")


def default_guidelines(env_id: str) -> tuple[str, ...]:
    """The guidelines of a platform, chosen by the env id's prefix (AutoPlay-Android-* or anything else)."""
    return ANDROID_GUIDELINES if env_id.startswith("AutoPlay-Android") else UBUNTU_GUIDELINES


def guideline_text(env_id: str, guideline: str) -> str:
    """The guideline's prompt file: a desktop-specific one for Ubuntu envs when it exists, else the general one."""
    name = guideline.replace("-", "_")
    if not env_id.startswith("AutoPlay-Android"):
        try:
            return load_prompt(f"guideline_ubuntu_{name}.md")
        except FileNotFoundError:
            pass
    try:
        return load_prompt(f"guideline_{name}.md")
    except FileNotFoundError:
        raise ValueError(f"unknown guideline {guideline!r}; known: {', '.join(ANDROID_GUIDELINES)}") from None


def templates_schema(needs_answer: bool, max_templates: int, min_values: int) -> dict[str, Any]:
    # An instruction starts with a capitalised word and goes on, so a grammar-constrained model cannot answer
    # "...". No double quotes or backslashes after it: llama.cpp turns a pattern into a grammar over the raw JSON
    # text, where `.*` would let the model run the rest of the object into this one string.
    instruction = "^[A-Z][A-Za-z']* [A-Za-z{'][^\"\\\\]*$"
    text = {"type": "string", "minLength": 8, "maxLength": 300, "pattern": instruction}
    param = {"type": "object", "additionalProperties": False, "required": ["name", "values"],
             "properties": {"name": {"type": "string", "maxLength": 40},
                            "values": {"type": "array", "items": {"type": "string", "maxLength": 80},
                                       "minItems": min_values, "maxItems": 8}}}
    task = {"type": "object", "additionalProperties": False,
            "required": ["template", "params", *(["answer"] if needs_answer else []), "evidence"],
            "properties": {"template": text, "params": {"type": "array", "items": param, "maxItems": 3},
                           "answer": {"type": "string", "maxLength": 200},
                           "evidence": {"type": "string", "maxLength": 300}}}
    return {"type": "object", "additionalProperties": False, "required": ["tasks"],
            "properties": {"tasks": {"type": "array", "items": task, "minItems": 1, "maxItems": max_templates}}}


class LLMTaskGenerator:
    """`generate(trajectory, guidelines=None) -> list[Task]`; never raises on a bad model.

    `failures` records calls that produced nothing; `rejected` records single templates dropped for a slot or
    value problem (the rest of that reply is kept) and unused parameters removed from a template. The
    deduplicator lives as long as the generator, so tasks from different trajectories are checked against each
    other too."""

    def __init__(self, client: LLMClient, *, templates_per_call: int = 5, tasks_per_template: int = 10,
                 min_values: int = MIN_VALUES, dedup_threshold: float = 0.85, max_frames: int = 3,
                 use_screenshots: bool | None = None, max_trajectory_chars: int = 12000) -> None:
        self.client = client
        self.templates_per_call = templates_per_call
        self.tasks_per_template = tasks_per_template
        self.min_values = min_values
        self.max_frames = max_frames
        self.use_screenshots = client.vision if use_screenshots is None else use_screenshots
        self.max_trajectory_chars = max_trajectory_chars
        self.dedup = Deduplicator(dedup_threshold)
        self.failures: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []

    def generate(self, trajectory: Trajectory, guidelines: Iterable[str] | None = None) -> list[Task]:
        chosen = tuple(guidelines) if guidelines is not None else default_guidelines(trajectory.env_id)
        tasks: list[Task] = []
        for guideline in chosen:
            text = guideline_text(trajectory.env_id, guideline)  # an unknown guideline is the caller's bug: raise
            try:
                templates = self._ask(trajectory, guideline, text)
            except LLMError as exc:
                self.failures.append({"call": "generate", "trajectory": trajectory.id, "guideline": guideline,
                                      "time": time.time(), "error": str(exc), "attempts": exc.attempts})
                continue
            tasks.extend(self._tasks(trajectory, guideline, templates))
        return tasks

    # --- internals ----------------------------------------------------------------------------------------------

    def _ask(self, trajectory: Trajectory, guideline: str, text: str) -> list[Template]:
        needs_answer = guideline == "information-retrieval"
        elements = trajectory.steps[0].ui_elements if trajectory.steps else []
        prompt = render("generator_step.md", app=app_name(elements), guideline=guideline, guideline_text=text.strip(),
                        trajectory=render_trajectory(trajectory, self.max_trajectory_chars),
                        count=self.templates_per_call)
        frames = []
        if self.use_screenshots and self.client.vision:
            for step in key_frames(trajectory, self.max_frames):
                try:
                    frame = trajectory.screenshot(step)
                except OSError:
                    frame = None
                if frame is not None:
                    frames.append(frame)
        messages = [{"role": "system", "content": load_prompt("generator_system.md")},
                    self.client.user_message(prompt, frames)]
        schema = templates_schema(needs_answer, self.templates_per_call, self.min_values)

        def accept(data: Any) -> list[Template]:
            good: list[Template] = []
            problems: list[str] = []
            for raw in data["tasks"]:
                try:
                    good.append(check_template(raw, needs_answer=needs_answer, min_values=self.min_values))
                except ValueError as exc:
                    problems.append(str(exc))
            if not good:
                raise ValueError("no usable template: " + "; ".join(problems))
            for problem in problems:
                self.rejected.append({"trajectory": trajectory.id, "guideline": guideline, "reason": problem})
            for template in good:
                if template.dropped:
                    self.rejected.append({"trajectory": trajectory.id, "guideline": guideline,
                                          "reason": f"dropped parameters {template.dropped} that {template.text!r} "
                                                    "does not use"})
            return good

        return self.client.complete_json(messages, schema, name=f"generate-{guideline}", validate=accept)

    def _tasks(self, trajectory: Trajectory, guideline: str, templates: Sequence[Template]) -> list[Task]:
        start = trajectory.steps[0] if trajectory.steps else None
        initial_state = {
            "kind": "fresh-launch",  # exploration turns start from a freshly launched app on a fresh profile
            "screen_signature": UITree.from_dicts(start.ui_elements).signature() if start else None,
            "reset_options": trajectory.metadata.get("reset_options") or {},
        }
        out: list[Task] = []
        for template in templates:
            for instruction, params, answer in expand(template, self.tasks_per_template):
                if not self.dedup.add(instruction):
                    continue
                out.append(Task(
                    id=task_id(trajectory.env_id, guideline, instruction),
                    env_id=trajectory.env_id,
                    instruction=instruction,
                    guideline=guideline,
                    params=params,
                    answer=answer,
                    initial_state=dict(initial_state),
                    source_trajectory=trajectory.id,
                    metadata={"generator": "llm", "model": self.client.model, "template": template.text,
                              "evidence": template.evidence, "turn": trajectory.turn},
                ))
        return out
