"""Median time of one Android env step on the simulated device vs the raw adbutils calls that step makes.

Both sides talk to the same in-process simulator over loopback. The env side is `env.step(click)` (input, settle
dumps, screenshot decode, parse, observation and info). The raw side replays the same shell commands the env sent
during one step (counted by the device wrapper), one after another, decoding the PNG with Pillow as adbutils' own
screenshot helper does: once through a stock `adbutils.AdbClient` (`raw_adb_ms`, which asks the server for its
version before every call) and once through the env's own client (`raw_lean_ms`). The last line is one JSON object.

    python benchmarks/android_step.py [--runs 40] [--app Contacts]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections import Counter

import adbutils
import gymnasium as gym
from PIL import Image

import autoplay_gym  # noqa: F401
from autoplay_gym.envs.android.adb import BoundedClient
from autoplay_gym.envs.android.device import DUMP_COMMAND as DUMP


def pick_target(env) -> tuple[dict, tuple[int, int]]:
    """A click that leaves the screen as it is (a plain label), so every run measures the same step."""
    width, height = env.backend.screen_size
    for element in env.tree:
        if element.role == "label" and element.text and not element.clickable and element.bounds is not None:
            visible = element.bounds.clip(width, height)
            if not visible.empty:
                return {"type": "click", "element": element.id}, visible.center
    return {"type": "click", "x": width // 2, "y": height // 2}, (width // 2, height // 2)


def time_raw(device: adbutils.AdbDevice, runs: int, x: int, y: int, n_dumps: int, n_shots: int) -> list[float]:
    """Seconds per replayed step: the tap, the dumps and the screenshots the env step made, one after another."""

    def raw_step() -> None:
        device.shell(f"input tap {x} {y}", timeout=10)
        for _ in range(n_dumps):
            device.shell(DUMP, timeout=20)
        for _ in range(n_shots):
            png = device.shell("screencap -p", encoding=None, timeout=10)
            Image.open(io.BytesIO(png)).convert("RGB")

    for _ in range(3):
        raw_step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        raw_step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--app", default="Contacts")
    args = parser.parse_args()
    runs = max(args.runs, 30)

    env = gym.make(f"AutoPlay-Android-{args.app}", device="sim").unwrapped
    try:
        env.reset(seed=0)
        action, (x, y) = pick_target(env)
        for _ in range(3):  # warm up: connections, caches
            env.step(action)
        before = Counter(env.device.calls)
        env_times = []
        for _ in range(runs):
            start = time.perf_counter()
            _, _, _, _, info = env.step(action)
            env_times.append(time.perf_counter() - start)
            assert info["action_error"] is None, info["action_error"]
        per_step = {k: v / runs for k, v in (Counter(env.device.calls) - before).items()}

        sim = env.simulator
        n_dumps = round(per_step.get("uiautomator", 0))
        n_shots = round(per_step.get("screencap", 0))
        stock = adbutils.AdbClient(host=sim.host, port=sim.port).device(sim.serial)
        # The same calls through the env's own client (version cached, no auto-start): what is left is
        # pure Python overhead minus what running the screenshot beside the dump saves.
        lean = BoundedClient(sim.host, sim.port).device(sim.serial)
        raw_times = time_raw(stock, runs, x, y, n_dumps, n_shots)
        lean_times = time_raw(lean, runs, x, y, n_dumps, n_shots)
    finally:
        env.close()

    env_ms = statistics.median(env_times) * 1000
    raw_ms = statistics.median(raw_times) * 1000
    lean_ms = statistics.median(lean_times) * 1000
    print(f"runs: {runs} each; shell calls per env step: {dict(sorted(per_step.items()))}")
    print(f"env.step median {env_ms:.1f} ms (min {min(env_times) * 1000:.1f}, max {max(env_times) * 1000:.1f})")
    print(f"raw adbutils median {raw_ms:.1f} ms (min {min(raw_times) * 1000:.1f}, max {max(raw_times) * 1000:.1f})")
    print(f"raw, env's client median {lean_ms:.1f} ms (min {min(lean_times) * 1000:.1f})")
    print(json.dumps({
        "env_step_ms": round(env_ms, 1),
        "raw_adb_ms": round(raw_ms, 1),
        "overhead": round(env_ms / raw_ms, 3),
        "raw_lean_ms": round(lean_ms, 1),
        "overhead_vs_lean": round(env_ms / lean_ms, 3),
        "runs": runs,
        "dumps_per_step": n_dumps,
        "screencaps_per_step": n_shots,
    }))


if __name__ == "__main__":
    main()
