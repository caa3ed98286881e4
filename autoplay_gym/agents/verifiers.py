"""Verifiers: the judges whose verdicts are the RL reward. Programmatic ones live here; the LLM judge is added
beside them."""

from __future__ import annotations

from typing import Any

from autoplay_gym.agents.base import Verdict, Verifier
from autoplay_gym.agents.checks import CHECKS, CheckContext, CheckError, CheckResult, register_check, run_check
from autoplay_gym.agents.state_verifier import (
    AllOf,
    AnswerVerifier,
    AnyOf,
    ProgrammaticVerifier,
    StateVerifier,
    Weighted,
)
from autoplay_gym.tasks import Task


def verifier_for(task: Task, client: Any = None) -> Verifier:
    """The cheapest judge that can decide `task`: its check and/or answer when it has them, else the LLM judge
    (which needs `client`, an `LLMClient`)."""
    if task.check or task.answer is not None:
        return ProgrammaticVerifier()
    if client is None:
        raise ValueError(f"task {task.id} has neither a check nor an answer; judging it needs an LLM client")
    from autoplay_gym.agents.llm_verifier import LLMVerifier

    return LLMVerifier(client)


__all__ = [
    "CHECKS",
    "AllOf",
    "AnswerVerifier",
    "AnyOf",
    "CheckContext",
    "CheckError",
    "CheckResult",
    "ProgrammaticVerifier",
    "StateVerifier",
    "Verdict",
    "Verifier",
    "Weighted",
    "register_check",
    "run_check",
    "verifier_for",
]
