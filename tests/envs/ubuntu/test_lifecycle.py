"""Process hygiene and isolation: nothing survives close() or a SIGKILL, and desktops never mix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.core.errors import MissingDependency
from autoplay_gym.envs.ubuntu import processes


def _live_processes_on_display(display: str) -> list[str]:
    """Command lines of live (non-zombie) processes that mention the display or run on it."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or processes.is_zombie(int(entry.name)):
            continue
        try:
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = Path(f"/proc/{entry.name}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"Xvfb {display} " in cmdline or f"DISPLAY={display}".encode() in environ:
            found.append(cmdline)
    return found


def _wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_close_leaves_no_process():
    env = gym.make("AutoPlay-Ubuntu-Calculator").unwrapped
    env.reset(seed=0)
    desktop = env.backend.desktop
    token, display = desktop.token, desktop.display
    assert processes.tagged_pids(token)  # Xvfb, dbus-daemon, a11y bus, registry, the app
    env.close()
    assert processes.tagged_pids(token) == []
    assert _live_processes_on_display(display) == []
    env.close()  # closing twice is allowed


HOLDER = textwrap.dedent(
    """
    import json, sys, time
    import gymnasium as gym
    import autoplay_gym
    env = gym.make("AutoPlay-Ubuntu-Calculator").unwrapped
    env.reset(seed=0)
    d = env.backend.desktop
    print(json.dumps({"token": d.token, "display": d.display}), flush=True)
    time.sleep(600)
    """
)


def test_sigkill_of_the_owner_leaves_no_process():
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line, "the holder process died before starting its env"
        info = json.loads(line)
        assert processes.tagged_pids(info["token"])
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert _wait_until(lambda: processes.tagged_pids(info["token"]) == [])
        assert _wait_until(lambda: _live_processes_on_display(info["display"]) == [])
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_two_envs_get_separate_desktops(calculator, texteditor):
    calculator.reset(seed=0)
    texteditor.reset(seed=0)
    calc_desktop, editor_desktop = calculator.backend.desktop, texteditor.backend.desktop
    assert calc_desktop.display != editor_desktop.display
    assert calc_desktop.bus_address != editor_desktop.bus_address
    calc_apps = {e.app for e in calculator.tree}
    editor_apps = {e.app for e in texteditor.tree}
    assert calc_apps == {"gnome-calculator"} and editor_apps == {"gnome-text-editor"}
    calc_titles = {w.title for w in calculator.backend._input.top_windows()}
    editor_titles = {w.title for w in texteditor.backend._input.top_windows()}
    assert "Calculator" in calc_titles and not any("Text Editor" in t for t in calc_titles)
    assert any("Text Editor" in t for t in editor_titles) and "Calculator" not in editor_titles


def test_crashed_app_is_reported_and_relaunched(calculator):
    calculator.reset(seed=0)
    calculator.backend._proc.send_signal(signal.SIGKILL)
    assert _wait_until(lambda: calculator.backend.app_status() is not None)
    seven = next(e for e in calculator.tree if e.role == "push button" and e.text == "7")
    _, _, terminated, _, info = calculator.step({"type": "click", "element": seven.id})
    assert "exited" in info["action_error"] and "exited" in info["app_status"]
    assert not terminated
    _, info = calculator.reset(seed=0)
    assert info["app_status"] is None and any(e["text"] == "7" for e in info["ui_elements"])


def test_dead_display_is_reported_then_reset_recovers():
    env = gym.make("AutoPlay-Ubuntu-Calculator").unwrapped
    try:
        env.reset(seed=0)
        old_display = env.backend.desktop.display
        xvfb = env.backend.desktop._children[0]
        xvfb.kill()
        xvfb.wait(timeout=10)
        _, _, _, _, info = env.step({"type": "click", "element": 5})
        assert info["action_error"]
        _, info = env.reset(seed=0)
        assert info["app_status"] is None and len(info["ui_elements"]) > 30
        assert env.backend.desktop.display  # a new desktop (possibly reusing the freed number)
        assert _live_processes_on_display(old_display) == [] or env.backend.desktop.display == old_display
    finally:
        env.close()


def test_missing_app_names_its_package():
    with pytest.raises(MissingDependency, match="apt-get install -y --no-install-recommends gnome-calculator"):
        gym.make("AutoPlay-Ubuntu-Calculator", command=["/nonexistent/gnome-calculator"])
    with pytest.raises(MissingDependency, match="surely-not-an-installed-program.*apt-file search"):
        gym.make("AutoPlay-Ubuntu-App", command=["surely-not-an-installed-program"])


def test_missing_xvfb_names_its_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with nothing on it: Xvfb really is missing
    with pytest.raises(MissingDependency, match="xvfb"):
        gym.make("AutoPlay-Ubuntu-Calculator")
