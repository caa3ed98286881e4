"""The benchmark's libatspi baseline reads what our reader shows: on VLC, with its playlist shown and hidden,
the walk meets at least as many nodes of each role as our observation holds (it once left out the playlist's
cells, which our reader reads, and so timed less work than ours). libatspi binds to one accessibility bus per
process, so the check runs in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import collections, json, os, time
import observe as bench
from autoplay_gym.core.env import AppEnv
from autoplay_gym.envs.ubuntu.apps import UBUNTU_APPS
from autoplay_gym.envs.ubuntu.backend import UbuntuBackend
from autoplay_gym.envs.ubuntu.session import Desktop

desktop = Desktop().start()
os.environ["DISPLAY"], os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.display, desktop.bus_address
env = AppEnv(UbuntuBackend(UBUNTU_APPS["VLC"], (desktop.width, desktop.height), desktop=desktop))
try:
    env.reset(seed=0, options=bench.documents()["VLC"])
    walk = bench.libatspi_walker(next(e.app for e in env.tree if e.app))
    action, _ = bench.STEP_PROBES["VLC"](env)  # Ctrl+L: the playlist shows, then hides
    states = []
    for _ in range(2):
        bench.probe_input(env, action)
        env.backend._settle(time.monotonic())
        ours = collections.Counter(e.role for e in env.backend.observe().tree)
        visited = []
        walk(visited)
        states.append({"ours": ours, "walk": collections.Counter(visited)})
    print(json.dumps(states))
finally:
    env.close()
    desktop.close()
"""


def test_the_libatspi_walk_reads_every_node_our_observation_holds():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")]))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    states = json.loads(result.stdout.strip().splitlines()[-1])
    assert any(state["ours"].get("table cell") for state in states), states  # the playlist showed its cells
    for state in states:
        short = {role: (count, state["walk"].get(role, 0)) for role, count in state["ours"].items()
                 if state["walk"].get(role, 0) < count}
        assert not short, f"roles the walk read fewer of than our observation holds (ours, walk): {short}"
