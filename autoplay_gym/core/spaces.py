"""Gymnasium spaces for app environments.

gymnasium's `Text` only admits characters from a fixed charset (alphanumerics by default), but accessibility
trees and instructions hold any Unicode (×, é, 日本), so `UnicodeText` admits every string within its length
bounds and samples from a mixed alphabet that includes non-ASCII characters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.spaces.utils import flatten, unflatten
from gymnasium.vector.utils.shared_memory import read_from_shared_memory, write_to_shared_memory

from autoplay_gym.core.actions import ACTION_TYPES, DIRECTIONS, DONE_STATUSES, KEY_NAMES, MODIFIERS

SAMPLE_ALPHABET = tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-+*/=éöüß✓日本語")
MAX_ELEMENTS = 4096
MAX_TREE_CHARS = 1_000_000
MAX_SAMPLE_TEXT = 32
MAX_SAMPLE_WAIT = 1.0


class UnicodeText(spaces.Text):
    """A text space over all of Unicode: `contains` checks type and length only."""

    def __init__(self, max_length: int, *, min_length: int = 0, seed: int | np.random.Generator | None = None):
        super().__init__(max_length, min_length=min_length, charset="".join(SAMPLE_ALPHABET), seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )


# Flattening and vector envs' shared memory store a UnicodeText as code points (-1 pads), not as indices into a
# charset: gymnasium's Text handlers would raise KeyError on the first character outside SAMPLE_ALPHABET.


@flatten.register(UnicodeText)
def _flatten_unicode(space: UnicodeText, x: str) -> np.ndarray:
    arr = np.full((space.max_length,), -1, dtype=np.int32)
    arr[: len(x)] = [ord(c) for c in x]
    return arr


@unflatten.register(UnicodeText)
def _unflatten_unicode(space: UnicodeText, x: np.ndarray) -> str:
    return "".join(chr(int(v)) for v in x if v >= 0)


@read_from_shared_memory.register(UnicodeText)
def _read_unicode(space: UnicodeText, shared_memory: Any, n: int = 1) -> tuple[str, ...]:
    data = np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape((n, space.max_length))
    return tuple(_unflatten_unicode(space, row[row >= 0]) for row in data)


@write_to_shared_memory.register(UnicodeText)
def _write_unicode(space: UnicodeText, index: int, values: str, shared_memory: Any) -> None:
    size = space.max_length
    destination = np.frombuffer(shared_memory.get_obj(), dtype=np.int32)
    np.copyto(destination[index * size : (index + 1) * size], _flatten_unicode(space, values))


def make_observation_space(width: int, height: int) -> spaces.Dict:
    return spaces.Dict(
        {
            "screenshot": spaces.Box(0, 255, shape=(height, width, 3), dtype=np.uint8),
            "a11y_tree": UnicodeText(MAX_TREE_CHARS),
            "instruction": UnicodeText(MAX_TREE_CHARS),
        }
    )


def make_action_space(width: int, height: int, max_elements: int = MAX_ELEMENTS) -> spaces.Dict:
    """A Dict space whose samples `parse_action` accepts; `type` picks which other keys are read.

    `element` -1 means "use `point`" (x, y for pointer actions; x1, y1, x2, y2 for swipe).
    """
    return spaces.Dict(
        {
            "type": spaces.Discrete(len(ACTION_TYPES)),
            "element": spaces.Discrete(max_elements + 1, start=-1),
            "point": spaces.MultiDiscrete([width, height, width, height]),
            "text": UnicodeText(MAX_SAMPLE_TEXT, min_length=1),
            "clear": spaces.Discrete(2),
            "direction": spaces.Discrete(len(DIRECTIONS)),
            "key": spaces.Discrete(len(KEY_NAMES)),
            "modifiers": spaces.MultiBinary(len(MODIFIERS)),
            "seconds": spaces.Box(0.0, MAX_SAMPLE_WAIT, shape=(1,), dtype=np.float32),
            "status": spaces.Discrete(len(DONE_STATUSES)),
        }
    )
