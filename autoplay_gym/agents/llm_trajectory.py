"""Trajectories and screen changes as text a model can read within a budget.

Why text summaries: a model asked to summarise a turn or to propose tasks needs what was done and what was seen,
not 20 full trees. Each step becomes one line (the action, what it acted on, its error, the text that appeared),
framed by the first and last screens; the key frames (where the screen changed) are offered as images.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from autoplay_gym.agents.llm_support import compact_tree, describe_action
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Step, Trajectory


def change_summary(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]], limit: int = 8) -> str:
    """What an action changed: counts of added/removed/changed elements and the new texts, e.g. the display."""
    if not before:
        return "(first screen)"
    diff = UITree.from_dicts(before).diff(UITree.from_dicts(after))
    if not diff:
        return "nothing changed on screen"
    texts: list[str] = []
    for element in [*diff.added, *(new for _, new in diff.changed)]:
        name = element.text or element.description
        if name and name not in texts:
            texts.append(name)
    shown = ", ".join(json.dumps(t[:60], ensure_ascii=False) for t in texts[:limit])
    more = f" (+{len(texts) - limit} more)" if len(texts) > limit else ""
    head = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
    return f"{head}; now showing: {shown}{more}" if shown else head


def step_line(previous: Step | None, step: Step) -> str:
    """`Step 3: click(element=41) on push button "7" -> ok; <changes>`."""
    elements = previous.ui_elements if previous is not None else []
    result = f"error: {step.action_error}" if step.action_error else "ok"
    if step.info.get("answer") is not None:
        result += f"; answered {json.dumps(step.info['answer'], ensure_ascii=False)}"
    changes = change_summary(elements, step.ui_elements) if not step.action_error else "nothing changed"
    return f"Step {step.index}: {describe_action(step.action, elements)} -> {result}; {changes}"


def render_trajectory(trajectory: Trajectory, max_chars: int = 12000) -> str:
    """The first screen, one line per step and the final screen, cut to about `max_chars`."""
    steps = trajectory.steps
    if not steps:
        return "(empty trajectory)"
    budget_tree = max(500, max_chars // 4)
    lines = [f"Trajectory {trajectory.id} on {trajectory.env_id}, turn {trajectory.turn}, {len(steps) - 1} actions.",
             "First screen:", compact_tree(steps[0].ui_elements, budget_tree), "Actions:"]
    body: list[str] = []
    for previous, step in zip(steps, steps[1:]):
        body.append(step_line(previous, step))
    budget_steps = max(500, max_chars - budget_tree * 2)
    text = "\n".join(body)
    if len(text) > budget_steps:  # keep the start and the end: the end holds the deepest screens reached
        text = text[: budget_steps // 2] + "\n[... steps left out ...]\n" + text[-budget_steps // 2:]
    lines.append(text or "(no actions)")
    if len(steps) > 1:
        lines += ["Final screen:", compact_tree(steps[-1].ui_elements, budget_tree)]
    return "\n".join(lines)


def key_frames(trajectory: Trajectory, limit: int = 4) -> list[Step]:
    """Up to `limit` steps with a screenshot where the screen's structure changed, always keeping the last."""
    chosen: list[Step] = []
    last_signature = None
    for step in trajectory.steps:
        if step.screenshot is None:
            continue
        signature = UITree.from_dicts(step.ui_elements).signature()
        if signature != last_signature:
            chosen.append(step)
            last_signature = signature
    final = trajectory.final
    if final is not None and final.screenshot is not None and (not chosen or chosen[-1] is not final):
        chosen.append(final)
    if len(chosen) <= limit:
        return chosen
    if limit <= 1:
        return chosen[-limit:] if limit == 1 else []
    stride = (len(chosen) - 1) / (limit - 1)
    return [chosen[round(i * stride)] for i in range(limit)]


def app_name(ui_elements: Sequence[Mapping[str, Any]]) -> str:
    """The app the screen belongs to, as the env names it on its elements (most common `app`, else the root)."""
    counts: dict[str, int] = {}
    for element in ui_elements:
        app = str(element.get("app") or "")
        if app:
            counts[app] = counts.get(app, 0) + 1
    if counts:
        return max(counts, key=counts.__getitem__)
    if ui_elements:
        return str(ui_elements[0].get("text") or "the app")
    return "the app"
