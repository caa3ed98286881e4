"""Explorers, task generators, executors and verifiers: the AutoPlay method as pluggable classes."""

from autoplay_gym.agents.base import Agent, Verdict, Verifier

__all__ = ["Agent", "Verdict", "Verifier"]
