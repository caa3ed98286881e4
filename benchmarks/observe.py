"""Observation speed per app: our observation vs a libatspi walk (the pyatspi route), raw mss, and step latency.

Everything runs in this one process on one private desktop that the apps take turns on, so libatspi (which
binds to one accessibility bus for the life of the process) and our reader see the same bus and the same app.
For every app, medians over --runs samples of:
  observe   our full observation: screenshot + every visible element with role, name, description, states,
            extents in screen pixels and text of text widgets (UbuntuBackend.observe)
  libatspi  the same fields through PyGObject's Atspi, walking the same visible subtrees, its cache cleared
            before each walk so it reads fresh values as we do
  mss       a raw mss grab of the screen (the floor for any screenshot)
  step      an XTEST input (click on a button / a typed key) until our observation reflects it
  env_step  a full env.step() of the same input, settling included
The last line is one JSON object: <app>_observe_ms, <app>_libatspi_ms, <app>_speedup, <app>_mss_ms,
<app>_step_ms, <app>_env_step_ms, <app>_elements.
Usage: python benchmarks/observe.py [--runs 30] [--apps Calculator TextEditor ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from typing import Callable

import autoplay_gym  # noqa: F401
from autoplay_gym.core.env import AppEnv
from autoplay_gym.envs.ubuntu.apps import UBUNTU_APPS, UbuntuApp
from autoplay_gym.envs.ubuntu.backend import UbuntuBackend
from autoplay_gym.envs.ubuntu.session import Desktop

STEP_PROBES: dict[str, Callable[[AppEnv], tuple[dict, Callable[[AppEnv], str]]]] = {}


def probe(name: str):
    def register(fn):
        STEP_PROBES[name] = fn
        return fn

    return register


@probe("Calculator")
def _calculator_probe(env: AppEnv):
    """Click the '7' button; the display's text grows by one digit."""
    seven = next(e for e in env.tree if e.role == "push button" and e.text == "7")
    return {"type": "click", "element": seven.id}, lambda e: "|".join(x.text for x in e.tree if x.role == "text")


def _typing_probe(env: AppEnv):
    """Type one character into the focused editable widget; its text grows."""
    return {"type": "type", "text": "x"}, lambda e: "|".join(x.text for x in e.tree if x.editable)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def libatspi_walker(app_name: str) -> Callable[[], int]:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    visible = (Atspi.StateType.VISIBLE, Atspi.StateType.SHOWING)
    text_roles = {"text", "entry", "password text", "terminal", "paragraph", "document text", "spin button"}

    def find_app():
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_name() == app_name:
                return app
        raise RuntimeError(f"libatspi does not see {app_name}")

    def walk() -> int:
        app = find_app()
        app.clear_cache()
        count = 0
        stack = [app.get_child_at_index(i) for i in range(app.get_child_count())]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            states = node.get_state_set()
            if not any(states.contains(s) for s in visible):
                continue
            role = node.get_role_name()
            node.get_name(), node.get_description(), states.get_states()
            component = node.get_component_iface()
            if component is not None:
                component.get_extents(Atspi.CoordType.SCREEN)
            text = node.get_text_iface()
            if text is not None and (role in text_roles or states.contains(Atspi.StateType.EDITABLE)):
                text.get_text(0, 10_000)
            count += 1
            stack.extend(node.get_child_at_index(i) for i in range(node.get_child_count()))
        return count

    return walk


def step_latency_ms(env: AppEnv, runs: int) -> tuple[float, float]:
    """(input until the observation reflects it, full env.step), medians."""
    backend = env.backend
    assert isinstance(backend, UbuntuBackend)
    action, reading = STEP_PROBES.get(backend.app.name, _typing_probe)(env)
    element = env.tree[action["element"]] if "element" in action else None
    raw, full = [], []
    for _ in range(runs):
        before = reading(env)
        start = time.perf_counter()
        if element is not None:
            backend._input.click(*element.bounds.center)
        else:
            backend._input.type_text(action["text"])
        deadline = start + 5.0
        while True:
            snapshot = backend.observe()
            env._snapshot = snapshot
            if reading(env) != before or time.perf_counter() > deadline:
                break
        raw.append((time.perf_counter() - start) * 1000)
        backend._settled_snapshot(time.monotonic())  # let the app finish before the next sample
        start = time.perf_counter()
        env.step(action)
        full.append((time.perf_counter() - start) * 1000)
    return statistics.median(raw), statistics.median(full)


def bench_app(app: UbuntuApp, desktop: Desktop, runs: int, results: dict) -> None:
    key = app.name.lower()
    env = AppEnv(UbuntuBackend(app, (desktop.width, desktop.height), desktop=desktop))
    try:
        env.reset(seed=0)
        backend = env.backend
        assert isinstance(backend, UbuntuBackend)
        app_name = next((e.app for e in env.tree if e.app), app.command[0])
        walk = libatspi_walker(app_name)
        walk()  # first walk connects libatspi; not timed
        observe_ms = median_ms(backend.observe, runs)
        libatspi_ms = median_ms(walk, runs)
        mss_ms = median_ms(backend._screen.grab_raw, runs)
        step_ms, env_step_ms = step_latency_ms(env, runs)
        results.update(
            {
                f"{key}_observe_ms": round(observe_ms, 1),
                f"{key}_libatspi_ms": round(libatspi_ms, 1),
                f"{key}_speedup": round(libatspi_ms / observe_ms, 1),
                f"{key}_mss_ms": round(mss_ms, 2),
                f"{key}_step_ms": round(step_ms, 1),
                f"{key}_env_step_ms": round(env_step_ms, 1),
                f"{key}_elements": len(env.tree),
            }
        )
        print(
            f"{app.name:>20}: {len(env.tree):4d} elements | observe {observe_ms:6.1f} ms | libatspi "
            f"{libatspi_ms:7.1f} ms | speedup {libatspi_ms / observe_ms:5.1f}x | mss {mss_ms:5.2f} ms | "
            f"step {step_ms:5.1f} ms | env.step {env_step_ms:5.1f} ms",
            flush=True,
        )
    finally:
        env.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--apps", nargs="*", default=None, help="catalog names (default: every installed app)")
    args = parser.parse_args()
    names = args.apps or [n for n, a in UBUNTU_APPS.items() if shutil.which(a.command[0])]
    desktop = Desktop().start()
    os.environ["DISPLAY"] = desktop.display  # libatspi finds the accessibility bus through these
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus_address
    results: dict[str, float] = {}
    try:
        for i, name in enumerate(names, 1):
            print(f"[{i}/{len(names)}] {name} ({args.runs} runs each)", flush=True)
            bench_app(UBUNTU_APPS[name], desktop, args.runs, results)
    finally:
        desktop.close()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
