"""Device-state checks through a real Android env: the project's simulated device served over the ADB protocol,
reached through adbutils and `env.unwrapped.device` exactly as a real device would be."""

from __future__ import annotations

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.state_verifier import StateVerifier
from autoplay_gym.tasks import Step, Task, Trajectory

SETTINGS = "content://settings/system"


@pytest.fixture(scope="module")
def android():
    env = gym.make("AutoPlay-Android-Contacts", device="sim")
    try:
        obs, info = env.reset(seed=0)
        yield env, Trajectory("t", "AutoPlay-Android-Contacts", steps=[Step.from_env(0, obs, info)])
    finally:
        env.close()


def verdict(env, trajectory, check):
    verifier = StateVerifier()
    verifier.bind_env(env)
    return verifier.verify(Task("t", "AutoPlay-Android-Contacts", "x", check=check), trajectory)


def test_content_query_reads_the_device(android):
    env, trajectory = android
    check = {"type": "content_query", "uri": SETTINGS, "where": "name='autoplay_probe'",
             "expect": {"row_contains": {"name": "autoplay_probe", "value": "42"}}}
    before = verdict(env, trajectory, check)
    assert not before.success and "no row has" in before.reason
    env.unwrapped.device.shell(f"content insert --uri {SETTINGS} --bind name:s:autoplay_probe --bind value:s:42")
    assert verdict(env, trajectory, check).success
    assert not verdict(env, trajectory, {**check, "expect": {"max_rows": 0}}).success


def test_a_provider_error_is_a_failed_verdict(android):
    env, trajectory = android
    result = verdict(env, trajectory, {"type": "content_query", "uri": "content://no.such.provider/x",
                                       "expect": {"min_rows": 1}})
    assert not result.success and result.score == 0.0
    assert "failed" in result.reason and "no.such.provider" in result.reason
