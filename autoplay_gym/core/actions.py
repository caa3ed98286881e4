"""Actions: one canonical dataclass, parsed from a JSON dict, the text form `click(12)`, or an action-space sample.

Everything a model or policy sends goes through `parse_action`, which either returns a fully validated `Action`
or raises `ActionError` with a message fit for `info["action_error"]`. Text forms are read with `ast` and only
literal arguments are accepted: model output is data and is never evaluated.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from autoplay_gym.core.errors import ActionError

ACTION_TYPES = (
    "click",
    "double_click",
    "long_press",
    "type",
    "scroll",
    "swipe",
    "key",
    "hotkey",
    "back",
    "home",
    "open_app",
    "wait",
    "answer",
    "done",
)
POINTER_TYPES = ("click", "double_click", "long_press")
TERMINAL_TYPES = ("answer", "done")
DIRECTIONS = ("up", "down", "left", "right")
DONE_STATUSES = ("success", "infeasible")
# Key names offered to action-space samples; the dict and text forms accept any key name a backend knows.
KEY_NAMES = (
    "Enter",
    "Tab",
    "Escape",
    "BackSpace",
    "Delete",
    "Up",
    "Down",
    "Left",
    "Right",
    "Home",
    "End",
    "Page_Up",
    "Page_Down",
    "space",
    "a",
    "c",
    "v",
    "z",
    "1",
    "F2",
)
MODIFIERS = ("ctrl", "alt", "shift", "super")

# Every key of the action space (see core/spaces.py): a dict with all of them and an integer type is a sample.
SAMPLE_KEYS = frozenset({"type", "element", "point", "text", "clear", "direction", "key", "modifiers", "seconds", "status"})
MAX_TEXT_LENGTH = 4096
MAX_WAIT_SECONDS = 30.0
MAX_COORDINATE = 100_000

_FIELDS: dict[str, tuple[str, ...]] = {
    "click": ("element", "x", "y"),
    "double_click": ("element", "x", "y"),
    "long_press": ("element", "x", "y"),
    "type": ("text", "element", "clear"),
    "scroll": ("direction", "element"),
    "swipe": ("x1", "y1", "x2", "y2"),
    "key": ("key",),
    "hotkey": ("keys",),
    "back": (),
    "home": (),
    "open_app": ("app",),
    "wait": ("seconds",),
    "answer": ("text",),
    "done": ("status",),
}
# How positional arguments of the text form map onto fields, per type.
_POSITIONAL: dict[str, tuple[str, ...]] = {
    "click": ("element",),
    "double_click": ("element",),
    "long_press": ("element",),
    "type": ("text", "element"),
    "scroll": ("direction", "element"),
    "swipe": ("x1", "y1", "x2", "y2"),
    "key": ("key",),
    "open_app": ("app",),
    "wait": ("seconds",),
    "answer": ("text",),
    "done": ("status",),
}


@dataclass(frozen=True)
class Action:
    """A validated action. Only the fields its `type` uses are set; the rest stay None."""

    type: str
    element: int | None = None
    x: int | None = None
    y: int | None = None
    x1: int | None = None
    y1: int | None = None
    x2: int | None = None
    y2: int | None = None
    text: str | None = None
    clear: bool = False
    direction: str | None = None
    key: str | None = None
    keys: tuple[str, ...] | None = None
    app: str | None = None
    seconds: float | None = None
    status: str | None = None

    @property
    def terminal(self) -> bool:
        return self.type in TERMINAL_TYPES

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON-able dict form, holding only the fields this type uses."""
        out: dict[str, Any] = {"type": self.type}
        for name in _FIELDS[self.type]:
            value = getattr(self, name)
            if name == "clear":
                if value:
                    out[name] = True
            elif value is not None:
                out[name] = list(value) if name == "keys" else value
        return out

    def to_text(self) -> str:
        """The text form, e.g. `click(12)` or `type("hi", element=3)`; parses back to an equal Action."""
        data = self.to_dict()
        data.pop("type")
        args = ", ".join(f"{k}={_literal(v)}" for k, v in data.items())
        return f"{self.type}({args})"


def _literal(value: Any) -> str:
    """A Python literal for the text form (strings double-quoted, non-ASCII kept readable)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def parse_action(raw: Any) -> Action:
    """Turn any accepted action form into a validated `Action`, or raise `ActionError` saying why not."""
    if isinstance(raw, Action):
        return _validated(raw.to_dict())
    if raw is None:
        raise ActionError("action is None; expected a dict like {'type': 'click', 'element': 3} or text 'click(3)'")
    if isinstance(raw, (bytes, bytearray)):
        raise ActionError("action must be a dict or text, not bytes")
    if isinstance(raw, str):
        return parse_text_action(raw)
    if isinstance(raw, Mapping):
        kind = raw.get("type")
        if isinstance(kind, (int, np.integer)) and not isinstance(kind, bool) and SAMPLE_KEYS <= raw.keys():
            return from_space_sample(raw)
        return _validated(dict(raw))
    raise ActionError(f"action must be a dict or text, got {type(raw).__name__}")


def parse_text_action(text: str) -> Action:
    """Parse `click(12)`, `type("hi", element=3)`, `hotkey("ctrl", "a")`, or a JSON object string."""
    stripped = text.strip()
    if len(stripped) > MAX_TEXT_LENGTH * 8:
        raise ActionError(f"action text is {len(stripped)} characters long; the limit is {MAX_TEXT_LENGTH * 8}")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ActionError(f"action looks like JSON but does not parse: {exc}") from None
        return parse_action(data)
    try:
        node = ast.parse(stripped, mode="eval").body
    except (SyntaxError, ValueError) as exc:
        raise ActionError(f"cannot parse action text {stripped[:80]!r}: {exc.msg if hasattr(exc, 'msg') else exc}")
    if isinstance(node, ast.Name):  # `back`, `home` without parentheses
        node = ast.Call(func=node, args=[], keywords=[])
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ActionError(f"action text must look like name(args), got {stripped[:80]!r}")
    kind = node.func.id
    if kind not in _FIELDS:
        raise ActionError(f"unknown action type {kind!r}; expected one of {', '.join(ACTION_TYPES)}")
    try:
        args = [_literal_value(a) for a in node.args]
        kwargs = {kw.arg: _literal_value(kw.value) for kw in node.keywords if kw.arg is not None}
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise ActionError(f"action arguments must be literals (numbers, strings, lists): {stripped[:80]!r}") from None
    if any(kw.arg is None for kw in node.keywords):
        raise ActionError("**kwargs are not allowed in action text")
    data: dict[str, Any] = {"type": kind}
    if kind == "hotkey":
        keys = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
        if keys:
            data["keys"] = list(keys)
    elif kind in POINTER_TYPES and len(args) == 2:
        data["x"], data["y"] = args
    else:
        names = _POSITIONAL.get(kind, ())
        if len(args) > len(names):
            raise ActionError(f"{kind}() takes at most {len(names)} positional arguments, got {len(args)}")
        data.update(zip(names, args))
    for key, value in kwargs.items():
        if key in data:
            raise ActionError(f"{kind}() got argument {key!r} twice")
        data[key] = value
    return _validated(data)


_JSON_NAMES = {"true": True, "false": False, "null": None}


def _literal_value(node: ast.expr) -> Any:
    """`ast.literal_eval`, plus JSON's true/false/null, which models often write in the text form."""
    if isinstance(node, ast.Name) and node.id in _JSON_NAMES:
        return _JSON_NAMES[node.id]
    return ast.literal_eval(node)


def from_space_sample(sample: Mapping[str, Any]) -> Action:
    """Convert a sample of `make_action_space` (integers and arrays) into an Action.

    Only the fields the sampled type uses are read, so every sample is meaningful; it can still name an element
    that does not exist on the current screen, which the env reports as an action error.
    """
    try:
        kind = ACTION_TYPES[int(sample["type"])]
        element = int(sample.get("element", -1))
        point = [int(v) for v in np.asarray(sample.get("point", (0, 0, 0, 0))).reshape(-1)[:4]]
        data: dict[str, Any] = {"type": kind}
        if kind in POINTER_TYPES:
            if element >= 0:
                data["element"] = element
            else:
                data["x"], data["y"] = point[0], point[1]
        elif kind == "type":
            data["text"] = str(sample.get("text", ""))
            if element >= 0:
                data["element"] = element
            data["clear"] = bool(int(sample.get("clear", 0)))
        elif kind == "scroll":
            data["direction"] = DIRECTIONS[int(sample.get("direction", 0))]
            if element >= 0:
                data["element"] = element
        elif kind == "swipe":
            data["x1"], data["y1"], data["x2"], data["y2"] = point
        elif kind == "key":
            data["key"] = KEY_NAMES[int(sample.get("key", 0))]
        elif kind == "hotkey":
            mods = np.asarray(sample.get("modifiers", np.zeros(len(MODIFIERS)))).reshape(-1)
            data["keys"] = [m for m, on in zip(MODIFIERS, mods) if on] + [KEY_NAMES[int(sample.get("key", 0))]]
        elif kind == "open_app":
            data["app"] = str(sample.get("text", ""))
        elif kind == "wait":
            data["seconds"] = float(np.asarray(sample.get("seconds", 0.0)).reshape(-1)[0])
        elif kind == "answer":
            data["text"] = str(sample.get("text", ""))
        elif kind == "done":
            data["status"] = DONE_STATUSES[int(sample.get("status", 0))]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ActionError(f"malformed action-space sample: {exc}") from None
    return _validated(data)


# --- validation -------------------------------------------------------------------------------------------------


def _validated(data: dict[str, Any]) -> Action:
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ActionError(f"action 'type' must be a string, got {type(kind).__name__}")
    if kind not in _FIELDS:
        raise ActionError(f"unknown action type {kind!r}; expected one of {', '.join(ACTION_TYPES)}")
    allowed = set(_FIELDS[kind])
    extra = set(data) - allowed - {"type"}
    if extra:
        raise ActionError(f"{kind} does not take {', '.join(sorted(map(str, extra)))}; it takes {sorted(allowed)}")
    values: dict[str, Any] = {"type": kind}
    for name in allowed:
        if name in data and data[name] is not None:
            values[name] = _CHECKS[name](kind, name, data[name])
    _check_required(kind, values)
    return Action(**values)


def _check_required(kind: str, v: dict[str, Any]) -> None:
    if kind in POINTER_TYPES:
        has_element = "element" in v
        has_point = "x" in v or "y" in v
        if has_element == has_point:
            raise ActionError(f"{kind} needs either 'element' or both 'x' and 'y'")
        if has_point and ("x" not in v or "y" not in v):
            raise ActionError(f"{kind} needs both 'x' and 'y'")
    required = {
        "type": ("text",),
        "scroll": ("direction",),
        "swipe": ("x1", "y1", "x2", "y2"),
        "key": ("key",),
        "hotkey": ("keys",),
        "open_app": ("app",),
        "wait": ("seconds",),
        "answer": ("text",),
    }.get(kind, ())
    missing = [name for name in required if name not in v]
    if missing:
        raise ActionError(f"{kind} is missing {', '.join(repr(m) for m in missing)}")
    if kind == "done":
        v.setdefault("status", "success")


def _int(kind: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ActionError(f"{kind}.{name} must be an integer, got {type(value).__name__}")
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ActionError(f"{kind}.{name} must be a whole number, got {value!r}")
    number = int(value)
    if number < 0:
        raise ActionError(f"{kind}.{name} must not be negative, got {number}")
    if number > MAX_COORDINATE:
        raise ActionError(f"{kind}.{name}={number} is out of range")
    return number


def _text(kind: str, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ActionError(f"{kind}.{name} must be a string, got {type(value).__name__}")
    if len(value) > MAX_TEXT_LENGTH:
        raise ActionError(f"{kind}.{name} is {len(value)} characters long; the limit is {MAX_TEXT_LENGTH}")
    if "\x00" in value:
        raise ActionError(f"{kind}.{name} contains a NUL character")
    return value


def _short_name(kind: str, name: str, value: Any) -> str:
    text = _text(kind, name, value).strip()
    if not text or len(text) > 64:
        raise ActionError(f"{kind}.{name} must be a non-empty name of at most 64 characters")
    return text


def _bool(kind: str, name: str, value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return bool(value)
    raise ActionError(f"{kind}.{name} must be true or false, got {value!r}")


def _direction(kind: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in DIRECTIONS:
        raise ActionError(f"{kind}.{name} must be one of {', '.join(DIRECTIONS)}, got {value!r}")
    return value.lower()


def _keys(kind: str, name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.replace("+", " ").split() if part]
    if not isinstance(value, (list, tuple)) or not value or len(value) > 6:
        raise ActionError(f"{kind}.{name} must be a list of 1 to 6 key names, e.g. ['ctrl', 'a']")
    return tuple(_short_name(kind, name, k) for k in value)


def _seconds(kind: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ActionError(f"{kind}.{name} must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_WAIT_SECONDS:
        raise ActionError(f"{kind}.{name} must be between 0 and {MAX_WAIT_SECONDS} seconds, got {value!r}")
    return number


def _status(kind: str, name: str, value: Any) -> str:
    if value not in DONE_STATUSES:
        raise ActionError(f"{kind}.{name} must be one of {', '.join(DONE_STATUSES)}, got {value!r}")
    return value


_CHECKS = {
    "element": _int,
    "x": _int,
    "y": _int,
    "x1": _int,
    "y1": _int,
    "x2": _int,
    "y2": _int,
    "text": _text,
    "clear": _bool,
    "direction": _direction,
    "key": _short_name,
    "keys": _keys,
    "app": _short_name,
    "seconds": _seconds,
    "status": _status,
}


def check_against_screen(action: Action, n_elements: int, width: int, height: int) -> None:
    """Raise `ActionError` if the action names an element or a point that the current screen does not have."""
    if action.element is not None and action.element >= n_elements:
        raise ActionError(f"element {action.element} does not exist; this screen has ids 0 to {n_elements - 1}")
    for xn, yn in (("x", "y"), ("x1", "y1"), ("x2", "y2")):
        x, y = getattr(action, xn), getattr(action, yn)
        if x is not None and (x >= width or y >= height):
            raise ActionError(f"point ({x}, {y}) is off the {width}x{height} screen")
