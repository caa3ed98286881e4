"""Malformed actions every platform must refuse with info["action_error"] and no change (shared by the tests)."""

from __future__ import annotations

COMMON_INVALID = {
    "unknown type": {"type": "teleport"},
    "type not a string": {"type": 7},
    "element out of range": {"type": "click", "element": 10_000},
    "negative element": {"type": "click", "element": -1},
    "negative coordinates": {"type": "click", "x": -5, "y": -5},
    "float coordinate": {"type": "click", "x": 10.5, "y": 3},
    "bool element": {"type": "click", "element": True},
    "string element": {"type": "click", "element": "3"},
    "element and point": {"type": "click", "element": 1, "x": 1, "y": 1},
    "missing text": {"type": "type"},
    "text not a string": {"type": "type", "text": 42},
    "one megabyte text": {"type": "type", "text": "x" * 1_000_000},
    "unknown field": {"type": "back", "force": True},
    "bad direction": {"type": "scroll", "direction": "sideways"},
    "bad status": {"type": "done", "status": "maybe"},
    "negative wait": {"type": "wait", "seconds": -1},
    "nan wait": {"type": "wait", "seconds": float("nan")},
    "unknown key": {"type": "key", "key": "NoSuchKey"},
    "empty hotkey": {"type": "hotkey", "keys": []},
    "malformed text form": "click(12",
    "text form with code": "click(__import__('os').system('true'))",
    "text form unknown verb": "explode(3)",
    "json text broken": '{"type": "click", "element": ',
    "none": None,
    "a list": ["click", 3],
    "bytes": b"click(1)",
}
