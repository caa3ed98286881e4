"""Connecting, a device that vanishes mid-episode, reconnecting on reset, and closing."""

from __future__ import annotations

import socket
import time

import gymnasium as gym
import numpy as np
import pytest

from autoplay_gym.core.errors import BackendError
from autoplay_gym.envs.android.adb import DeviceError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_serial_is_a_clear_error(sim_server):
    with pytest.raises(DeviceError, match=r"device 'emulator-5556' is not connected .*connected: emulator-5554 \(device\)"):
        gym.make("AutoPlay-Android-Contacts", serial="emulator-5556", adb_port=sim_server.port)


def test_the_only_device_is_found_without_a_serial(sim_server, monkeypatch):
    monkeypatch.delenv("ANDROID_SERIAL", raising=False)
    env = gym.make("AutoPlay-Android-Contacts", adb_port=sim_server.port).unwrapped
    try:
        assert env.device.serial == "emulator-5554" and env.observation_space["screenshot"].shape == (2400, 1080, 3)
    finally:
        env.close()


def test_android_serial_is_used(sim_server, monkeypatch):
    monkeypatch.setenv("ANDROID_SERIAL", "emulator-5570")
    with pytest.raises(DeviceError, match="'emulator-5570' is not connected"):
        gym.make("AutoPlay-Android-Contacts", adb_port=sim_server.port)


def test_no_adb_server():
    start = time.monotonic()
    with pytest.raises(DeviceError, match="no adb server answers at 127.0.0.1:.*adb start-server"):
        gym.make("AutoPlay-Android-Contacts", adb_port=free_port())
    assert time.monotonic() - start < 30


def test_sim_only_models_some_apps():
    with pytest.raises(ValueError, match=r"does not model Clock .*it models: Contacts, ProExpense, SimpleCalendarPro"):
        gym.make("AutoPlay-Android-Clock", device="sim")
    with pytest.raises(ValueError, match="device must be None"):
        gym.make("AutoPlay-Android-Contacts", device="pixel")


def test_reset_options():
    env = gym.make("AutoPlay-Android-Contacts", device="sim").unwrapped
    try:
        assert env.backend.clear_data is True  # the simulator starts every episode from fresh app data
        env.reset(options={"clear_data": False, "instruction": "add a contact"})
        with pytest.raises(ValueError, match="unknown reset options"):
            env.reset(options={"wipe": True})
    finally:
        env.close()
        env.close()  # twice is fine


def test_step_before_reset_and_after_close():
    env = gym.make("AutoPlay-Android-Contacts", device="sim").unwrapped
    with pytest.raises(gym.error.ResetNeeded):
        env.step({"type": "back"})
    env.close()
    assert env.simulator.server is None  # the env's own simulator is stopped


def test_simulator_killed_mid_episode_then_reset_restarts_it():
    env = gym.make("AutoPlay-Android-Contacts", device="sim", call_timeout=5.0).unwrapped
    try:
        obs, _ = env.reset(seed=0)
        old_port = env.simulator.port
        env.simulator.server.stop()  # the device vanishes

        start = time.monotonic()
        obs2, reward, terminated, truncated, info = env.step({"type": "click", "element": 0})
        assert time.monotonic() - start < 60  # an error, not a hang
        assert info["action_error"].startswith("backend failure:") and "cannot reach the adb server" in info["action_error"]
        assert "stopped answering" in info["app_status"]
        assert np.array_equal(obs2["screenshot"], obs["screenshot"])  # the last observation stays
        _, _, _, _, info = env.step({"type": "back"})
        assert info["action_error"]  # and keeps saying so, without hanging

        obs3, info = env.reset(seed=0)  # a fresh simulator on a new port
        assert env.simulator.restarts == 1 and info["app_status"] is None
        assert env.simulator.port != old_port or env.device.alive()
        fab = next(e for e in env.tree if e.description == "Create contact")
        _, _, _, _, info = env.step({"type": "click", "element": fab.id})
        assert info["action_error"] is None
    finally:
        env.close()


def test_external_server_gone_then_back():
    """A device the env does not own: reset waits `reconnect_timeout` for it, then says it is gone; once it is
    back (same port and serial), the next reset reconnects."""
    from autoplay_gym.envs.android.sim import SimServer

    server = SimServer(host="127.0.0.1", port=0, serial="emulator-5554")
    server.start()
    port = server.port
    env = gym.make("AutoPlay-Android-Contacts", adb_port=port, serial="emulator-5554", clear_data=True,
                   reconnect_timeout=1.0, call_timeout=5.0).unwrapped
    replacement = None
    try:
        env.reset(seed=0)
        server.stop()
        _, _, _, _, info = env.step({"type": "back"})
        assert "backend failure" in info["action_error"]
        start = time.monotonic()
        with pytest.raises(BackendError, match=r"'emulator-5554' is not connected .*waited 1 s"):
            env.reset(seed=0)
        assert time.monotonic() - start < 60

        replacement = SimServer(host="127.0.0.1", port=port, serial="emulator-5554")
        replacement.start()
        _, info = env.reset(seed=0)
        assert info["app_status"] is None and any(e.description == "Create contact" for e in env.tree)
    finally:
        env.close()
        if replacement is not None:
            replacement.stop()
