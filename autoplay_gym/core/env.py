"""`AppEnv`: the Gymnasium loop shared by every platform, over a small `Backend` protocol.

The env owns the contract (spaces, action parsing and checking, termination, `info`); a backend owns the
platform (launching, observing, performing). Whatever goes wrong with one action, malformed input or a dead app,
ends up in `info["action_error"]` and never as an exception in the training loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import gymnasium as gym
import numpy as np

from autoplay_gym.core.actions import Action, check_against_screen, parse_action
from autoplay_gym.core.errors import ActionError, AppNotRunning, BackendError
from autoplay_gym.core.spaces import MAX_ELEMENTS, MAX_TREE_CHARS, make_action_space, make_observation_space
from autoplay_gym.core.ui import UITree


@dataclass
class Snapshot:
    """What a backend sees at one moment."""

    screenshot: np.ndarray
    tree: UITree


@runtime_checkable
class Backend(Protocol):
    """What a platform implements. Methods raise `ActionError` for actions that cannot apply and
    `BackendError` when the app, display or device fails."""

    screen_size: tuple[int, int]

    def reset(self, *, seed: int | None, options: dict[str, Any] | None) -> Snapshot:
        """Relaunch the app on a fresh profile and return the settled first snapshot."""

    def perform(self, action: Action, tree: UITree) -> Snapshot | None:
        """Carry out a validated action against the screen described by `tree` and let the app settle.

        May return the settled snapshot it took while settling (saving a second observation); None means the
        env calls `observe()`."""

    def observe(self) -> Snapshot:
        """The current screen and tree."""

    def app_status(self) -> str | None:
        """None while the app runs, else a sentence saying how it ended."""

    def close(self) -> None:
        """Release everything; must be safe to call twice."""


class AppEnv(gym.Env):
    """A real app as a Gymnasium environment. Observation, action and info follow DESIGN.md's contract."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(self, backend: Backend, *, render_mode: str | None = "rgb_array", max_elements: int = MAX_ELEMENTS):
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None, got {render_mode!r}")
        self.backend = backend
        self.render_mode = render_mode
        width, height = backend.screen_size
        self.observation_space = make_observation_space(width, height)
        self.action_space = make_action_space(width, height, max_elements)
        self.instruction = ""
        self._snapshot: Snapshot | None = None
        self._closed = False

    # --- gymnasium API ----------------------------------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = dict(options or {})
        self.instruction = str(options.pop("instruction", "") or "")
        self._snapshot = self.backend.reset(seed=seed, options=options)
        return self._observation(), self._info()

    def step(self, action: Any):
        if self._snapshot is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        error: str | None = None
        parsed: Action | None = None
        try:
            parsed = parse_action(action)
            width, height = self.backend.screen_size
            check_against_screen(parsed, len(self._snapshot.tree), width, height)
        except ActionError as exc:
            error = str(exc)
        terminated = False
        extra: dict[str, Any] = {}
        if parsed is not None and error is None:
            if parsed.terminal:
                terminated = True
                extra = {"answer": parsed.text} if parsed.type == "answer" else {"done_status": parsed.status}
            else:
                error = self._perform(parsed)
        info = self._info(action_error=error, action=parsed, **extra)
        return self._observation(), 0.0, terminated, False, info

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self._snapshot is None:
            return None
        return self._snapshot.screenshot.copy()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.backend.close()

    # --- helpers ----------------------------------------------------------------------------------------------

    @property
    def tree(self) -> UITree:
        """The tree of the last observation, whose ids the next action refers to."""
        return self._snapshot.tree if self._snapshot is not None else UITree()

    def _perform(self, action: Action) -> str | None:
        """Run a valid action; on failure keep the last observation (its ids stay valid) and return the error."""
        assert self._snapshot is not None
        try:
            settled = self.backend.perform(action, self._snapshot.tree)
        except (ActionError, AppNotRunning) as exc:
            return str(exc)
        except BackendError as exc:
            return f"backend failure: {exc}"
        try:
            self._snapshot = settled if isinstance(settled, Snapshot) else self.backend.observe()
        except BackendError as exc:
            return f"the action ran but the screen could not be read: {exc}"
        return None

    def _observation(self) -> dict[str, Any]:
        assert self._snapshot is not None
        text = self._snapshot.tree.to_text()
        if len(text) > MAX_TREE_CHARS:
            text = text[: MAX_TREE_CHARS - 40].rsplit("\n", 1)[0] + "\n[...] tree text cut at the size limit"
        return {
            "screenshot": self._snapshot.screenshot.copy(),
            "a11y_tree": text,
            "instruction": self.instruction,
        }

    def _info(self, action_error: str | None = None, action: Action | None = None, **extra: Any) -> dict[str, Any]:
        assert self._snapshot is not None
        info: dict[str, Any] = {
            "ui_elements": self._snapshot.tree.to_dicts(),
            "tree_truncated": self._snapshot.tree.truncated,
            "action_error": action_error,
            "app_status": self.backend.app_status(),
        }
        if action is not None:
            info["action"] = action.to_dict()
        info.update(extra)
        return info
