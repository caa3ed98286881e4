"""RandomExplorer: the baseline every smarter explorer has to beat.

Uniform over the valid actions of the current screen: a click, type or scroll on each visible actionable
element from `info["ui_elements"]`, `back`, and a few keys. It shares the graph explorer's safety knowledge
(no Close/Quit/window buttons, relaunch when the app died) so that a coverage comparison measures the value of
the graph, not the cost of killing the app.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autoplay_gym.agents.candidates import KEYS, SAMPLE_TEXTS, element_candidates, general_candidates, screen_size
from autoplay_gym.agents.recording import RESET_REQUEST
from autoplay_gym.agents.targets import tree_from_info
from autoplay_gym.core.actions import DIRECTIONS


class RandomExplorer:
    """Seeded uniform random exploration. `keys` are the key presses offered besides element actions."""

    def __init__(self, seed: int = 0, *, texts: tuple[str, ...] = SAMPLE_TEXTS, keys: tuple[str, ...] = KEYS,
                 avoid_exits: bool = True) -> None:
        if not texts:
            raise ValueError("texts must offer at least one string to type")
        self.rng = np.random.default_rng(seed)
        self.texts = texts
        self.keys = keys
        self.avoid_exits = avoid_exits
        self.steps = 0

    def reset(self, instruction: str = "") -> None:
        self.steps = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        if info.get("app_status"):
            return dict(RESET_REQUEST)
        self.steps += 1
        tree = tree_from_info(info)
        text = self.texts[int(self.rng.integers(len(self.texts)))]
        direction = DIRECTIONS[int(self.rng.integers(len(DIRECTIONS)))]
        options = element_candidates(tree, screen_size(obs), avoid_exits=self.avoid_exits, text=text,
                                     scroll_direction=direction)
        options += general_candidates(self.keys)
        return dict(options[int(self.rng.integers(len(options)))].action)
