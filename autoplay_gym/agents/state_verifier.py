"""Programmatic verifiers: a task's `check` on the final screen, its expected `answer`, and their compositions.

Every verifier returns a `Verdict` and never raises for a bad task or a failed device call: a verifier is a
reward function inside someone's training loop. A malformed check is reported in the verdict's reason.
Verifiers that read device state get the env through `bind_env(env)`, which `TaskEnv` calls.
"""

from __future__ import annotations

from typing import Any, Iterable

import autoplay_gym.agents.device_checks  # noqa: F401  (registers content_query and sqlite)
from autoplay_gym.agents.answers import answers_match
from autoplay_gym.agents.base import Verdict, Verifier
from autoplay_gym.agents.checks import CheckContext, CheckError, run_check
from autoplay_gym.core.ui import UITree
from autoplay_gym.tasks import Task, Trajectory


def final_tree(trajectory: Trajectory) -> UITree | None:
    """The tree of the last step that has one (a failed last step keeps the screen it failed on)."""
    for step in reversed(trajectory.steps):
        if step.ui_elements:
            return UITree.from_dicts(step.ui_elements)
    return None


def given_answer(trajectory: Trajectory) -> str | None:
    """The text of the episode's last `answer` action, if any."""
    for step in reversed(trajectory.steps):
        if step.info.get("answer") is not None:
            return str(step.info["answer"])
        if step.action and step.action.get("type") == "answer" and not step.action_error:
            return str(step.action.get("text", ""))
    return None


class StateVerifier:
    """Runs `task.check` (see `agents.checks`) on the trajectory's final tree."""

    def __init__(self, env: Any = None) -> None:
        self.env = env

    def bind_env(self, env: Any) -> None:
        self.env = env

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        if not task.check:
            return Verdict(False, 0.0, "the task has no check to run", {"verifier": "state"})
        tree = final_tree(trajectory)
        if tree is None:
            return Verdict(False, 0.0, "the trajectory has no screen to check", {"verifier": "state"})
        try:
            result = run_check(task.check, CheckContext(tree, env=self.env, trajectory=trajectory))
        except CheckError as exc:
            return Verdict(False, 0.0, f"invalid check: {exc}", {"verifier": "state", "invalid_check": True})
        except Exception as exc:  # a check extension that crashed must not take the training loop with it
            return Verdict(False, 0.0, f"check crashed: {type(exc).__name__}: {exc}", {"verifier": "state"})
        return Verdict(result.passed, 1.0 if result.passed else 0.0, result.reason, {"verifier": "state"})


class AnswerVerifier:
    """Compares the episode's `answer` with `task.answer` (and `task.metadata["accepted_answers"]`) after
    normalisation: case, spacing, quotes, trailing punctuation, and numbers in digits or words."""

    def __init__(self, *, contains: bool = False) -> None:
        self.contains = contains

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        accepted = [a for a in [task.answer, *task.metadata.get("accepted_answers", [])] if a is not None]
        if not accepted:
            return Verdict(False, 0.0, "the task has no expected answer", {"verifier": "answer"})
        given = given_answer(trajectory)
        if given is None:
            return Verdict(False, 0.0, "the episode gave no answer", {"verifier": "answer"})
        for expected in accepted:
            if answers_match(str(expected), given, contains=self.contains):
                return Verdict(True, 1.0, f"answer {given!r} matches {expected!r}", {"verifier": "answer"})
        return Verdict(False, 0.0, f"answer {given!r} does not match {accepted[0]!r}", {"verifier": "answer"})


class _Composite:
    def __init__(self, verifiers: Iterable[Verifier]) -> None:
        self.verifiers = list(verifiers)
        if not self.verifiers:
            raise ValueError(f"{type(self).__name__} needs at least one verifier")

    def bind_env(self, env: Any) -> None:
        for verifier in self.verifiers:
            if callable(getattr(verifier, "bind_env", None)):
                verifier.bind_env(env)

    def _each(self, task: Task, trajectory: Trajectory) -> list[Verdict]:
        out = []
        for verifier in self.verifiers:
            try:
                out.append(verifier.verify(task, trajectory))
            except Exception as exc:  # one broken part fails its part, not the whole reward
                out.append(Verdict(False, 0.0, f"{type(verifier).__name__} failed: {type(exc).__name__}: {exc}"))
        return out


class AllOf(_Composite):
    """Succeeds when every verifier does; the score is the lowest score."""

    def __init__(self, *verifiers: Verifier) -> None:
        super().__init__(verifiers)

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        verdicts = self._each(task, trajectory)
        return Verdict(all(v.success for v in verdicts), min(v.score for v in verdicts),
                       " AND ".join(v.reason for v in verdicts), {"parts": [v.to_dict() for v in verdicts]})


class AnyOf(_Composite):
    """Succeeds when some verifier does; the score is the highest score."""

    def __init__(self, *verifiers: Verifier) -> None:
        super().__init__(verifiers)

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        verdicts = self._each(task, trajectory)
        best = max(verdicts, key=lambda v: (v.success, v.score))
        return Verdict(any(v.success for v in verdicts), max(v.score for v in verdicts),
                       " OR ".join(v.reason for v in verdicts), {"parts": [v.to_dict() for v in verdicts],
                                                                  "best": best.reason})


class Weighted(_Composite):
    """Partial credit: the score is the weighted mean of the parts' scores; success means score >= threshold
    (by default every part must succeed fully)."""

    def __init__(self, parts: Iterable[tuple[Verifier, float]], threshold: float = 1.0) -> None:
        parts = list(parts)
        if any(w < 0 for _, w in parts) or not sum(w for _, w in parts) > 0:
            raise ValueError("weights must be non-negative and add up to more than 0")
        super().__init__(v for v, _ in parts)
        self.weights = [float(w) for _, w in parts]
        self.threshold = threshold

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        verdicts = self._each(task, trajectory)
        score = sum(w * v.score for w, v in zip(self.weights, verdicts)) / sum(self.weights)
        return Verdict(score >= self.threshold - 1e-9, score,
                       "; ".join(f"{w:g}x {v.reason}" for w, v in zip(self.weights, verdicts)),
                       {"parts": [v.to_dict() for v in verdicts], "weights": self.weights})


class ProgrammaticVerifier:
    """The default judge for generated tasks: the task's `check` if it has one, its `answer` if it has one,
    both if it has both. No model involved, so it can be the reward of every step of RL training."""

    def __init__(self, env: Any = None, *, contains: bool = False) -> None:
        self.state = StateVerifier(env)
        self.answer = AnswerVerifier(contains=contains)

    def bind_env(self, env: Any) -> None:
        self.state.bind_env(env)

    def verify(self, task: Task, trajectory: Trajectory) -> Verdict:
        has_check, has_answer = bool(task.check), task.answer is not None
        if has_check and has_answer:
            return AllOf(self.state, self.answer).verify(task, trajectory)
        if has_check:
            return self.state.verify(task, trajectory)
        if has_answer:
            return self.answer.verify(task, trajectory)
        return Verdict(False, 0.0, "the task has neither a check nor an answer: use a model-based verifier")
