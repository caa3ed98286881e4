"""What the per-app tests share: opening an env, the checker, polling the tree for a condition."""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from typing import Callable, Iterator

import gymnasium as gym
from gymnasium.utils.env_checker import check_env

import autoplay_gym  # noqa: F401  (registers the ids)
from autoplay_gym.core.env import AppEnv
from autoplay_gym.core.ui import UIElement, UITree

# Generous: LibreOffice, GIMP and Thunderbird take 3-8 s to start on an idle 2-core machine.
LAUNCH_TIMEOUT = 180.0
POLL_DEADLINE = 60.0


@contextmanager
def app_env(name: str, **kwargs) -> Iterator[AppEnv]:
    """The unwrapped env of a catalog app, closed (desktop and all) when the block ends."""
    env = gym.make(f"AutoPlay-Ubuntu-{name}", launch_timeout=LAUNCH_TIMEOUT, **kwargs).unwrapped
    try:
        yield env
    finally:
        env.close()


def terminal_text(tree: UITree) -> str:
    """What gnome-terminal's screen shows: the text of its terminal elements."""
    return "\n".join(e.text for e in tree if e.role == "terminal")


def named(tree: UITree) -> list[UIElement]:
    """Elements with a role and a non-empty accessible name."""
    return [e for e in tree if e.role and e.role != "unknown" and e.text.strip()]


def strict_check_env(env: AppEnv) -> None:
    """gymnasium's checker with every warning turned into a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env)


def step_ok(env: AppEnv, action: dict | str) -> dict:
    """Take one step that must succeed; returns its info."""
    _, _, _, _, info = env.step(action)
    assert info["action_error"] is None, info["action_error"]
    return info


def wait_until(env: AppEnv, condition: Callable[[UITree], bool], what: str, deadline: float = POLL_DEADLINE) -> UITree:
    """Re-observe (through short `wait` steps) until `condition(tree)` holds; fail with `what` at the deadline."""
    end = time.monotonic() + deadline
    while not condition(env.tree):
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline:.0f} s waiting for {what}; tree:\n{env.tree.to_text()}")
        step_ok(env, {"type": "wait", "seconds": 0.1})
    return env.tree


def find(tree: UITree, role: str, text: str | None = None, *, contains: str | None = None) -> UIElement:
    """The first element with `role` and exactly `text` (or text containing `contains`)."""
    for element in tree:
        if element.role != role:
            continue
        if text is not None and element.text != text:
            continue
        if contains is not None and contains not in element.text:
            continue
        return element
    raise AssertionError(f"no {role} {text or contains!r} in the tree:\n{tree.to_text()}")


def assert_frames_on_windows(env: AppEnv, tolerance: int = 1) -> None:
    """Every top-level frame sits exactly on a mapped X window: extents are true screen pixels.

    (Not for GTK4, whose frames sit inside a client-side-decoration margin, nor LibreOffice, whose second,
    VCL frame omits the menu bar.)
    """
    windows = env.backend._input.top_windows()
    frames = [e for e in env.tree if e.role == "frame" and e.depth == 0 and e.bounds is not None]
    assert frames and windows
    for frame in frames:
        b = frame.bounds
        assert any(
            abs(w.x - b.x1) <= tolerance
            and abs(w.y - b.y1) <= tolerance
            and abs(w.width - b.width) <= tolerance
            and abs(w.height - b.height) <= tolerance
            for w in windows
        ), f"{frame.line()} matches no X window of {windows}"



QUIET_AGAIN = 0.3  # s of quiet screen and bus: what an app may still announce after a step settled


def assert_patched_reads_match_full_reads(env: AppEnv, actions: list[dict], deadline: float = POLL_DEADLINE) -> int:
    """After each action, the observation patched from AT-SPI events and screen damage equals a fresh read.

    An app may still change things after the step settled (LibreOffice updates its Undo button and status bar
    after a quiet spell, announcing it), so the patched read is taken again once screen and bus stood still
    for QUIET_AGAIN before the two are compared. A difference fails when a second fresh read, taken after
    such a quiet spell too, equals the first: the app stood still and the patch missed something. While
    fresh reads still differ (the app is building a window), or the app announced a change between the two
    reads (Calc updates its status bar's sum ~0.6 s after a key), the comparison starts over, up to `deadline`.
    (A patched read after a fresh one starts from it, so only the first comparison after an action tests the
    patch.) Returns how many reads were patched from events (rather than read in full), so a test can check
    the patching was exercised at all.
    """
    backend = env.backend
    before = backend._atspi.reads["patched"]
    for action in actions:
        step_ok(env, action)
        end = time.monotonic() + deadline
        backend._settle(time.monotonic())
        backend.observe()
        while True:
            backend._settle(time.monotonic(), quiet=QUIET_AGAIN)
            events = backend._atspi.event_count
            patched = backend.observe().tree.to_text()
            full = backend.observe(fresh=True).tree.to_text()
            if patched == full:
                break
            if backend._atspi.event_count != events and time.monotonic() < end:
                continue  # the app announced more between the two reads (LibreOffice's late status bar)
            backend._settle(time.monotonic(), quiet=QUIET_AGAIN)
            again = backend.observe(fresh=True).tree.to_text()
            assert again != full and time.monotonic() < end, (
                f"after {action}: patched read\n{patched}\n!= full read\n{full}"
            )
    return backend._atspi.reads["patched"] - before
