"""Action parsing: dict, text and space-sample forms give the same validated Action, or a clear ActionError."""

from __future__ import annotations

import numpy as np
import pytest

from autoplay_gym.core.actions import ACTION_TYPES, Action, ActionError, check_against_screen, parse_action
from autoplay_gym.core.spaces import make_action_space


@pytest.mark.parametrize(
    "text, expected",
    [
        ("click(12)", {"type": "click", "element": 12}),
        ("click(x=10, y=20)", {"type": "click", "x": 10, "y": 20}),
        ("click(10, 20)", {"type": "click", "x": 10, "y": 20}),
        ('type("hi", element=3)', {"type": "type", "text": "hi", "element": 3}),
        ('type("日本 ✓", 3, clear=True)', {"type": "type", "text": "日本 ✓", "element": 3, "clear": True}),
        ('scroll("down")', {"type": "scroll", "direction": "down"}),
        ("scroll(direction='UP', element=4)", {"type": "scroll", "direction": "up", "element": 4}),
        ("swipe(1, 2, 3, 4)", {"type": "swipe", "x1": 1, "y1": 2, "x2": 3, "y2": 4}),
        ('key("Enter")', {"type": "key", "key": "Enter"}),
        ('hotkey("ctrl", "a")', {"type": "hotkey", "keys": ["ctrl", "a"]}),
        ('hotkey(["ctrl", "shift", "t"])', {"type": "hotkey", "keys": ["ctrl", "shift", "t"]}),
        ("back()", {"type": "back"}),
        ("home", {"type": "home"}),
        ('open_app("Contacts")', {"type": "open_app", "app": "Contacts"}),
        ("wait(0.5)", {"type": "wait", "seconds": 0.5}),
        ('answer("42")', {"type": "answer", "text": "42"}),
        ("done()", {"type": "done", "status": "success"}),
        ('done("infeasible")', {"type": "done", "status": "infeasible"}),
        ('{"type": "click", "element": 5}', {"type": "click", "element": 5}),
        ('type("x", clear=true)', {"type": "type", "text": "x", "clear": True}),
    ],
)
def test_text_form(text, expected):
    action = parse_action(text)
    assert action.to_dict() == expected
    assert parse_action(expected) == action
    assert parse_action(action.to_text()) == action  # the text form round-trips


@pytest.mark.parametrize(
    "raw, message",
    [
        (None, "None"),
        ("click(12", "cannot parse"),
        ("os.system('ls')", r"name\(args\)"),
        ("click(__import__('os').getpid())", "literals"),
        ("click(**{'element': 1})", "literals|kwargs"),
        ("nuke(1)", "unknown action type"),
        ({"type": "click"}, "either 'element'"),
        ({"type": "click", "x": 3}, "both"),
        ({"type": "click", "element": -2}, "negative"),
        ({"type": "click", "element": 1.5}, "whole number"),
        ({"type": "click", "element": True}, "integer"),
        ({"type": "type", "text": "a" * 1_000_000}, "limit"),
        ({"type": "type", "text": "nul\x00"}, "NUL"),
        ({"type": "scroll", "direction": 3}, "direction"),
        ({"type": "wait", "seconds": 1e9}, "between"),
        ({"type": "hotkey", "keys": "x" * 80}, "name"),
        ({"type": "back", "element": 1}, "does not take"),
        ({"type": 3}, "must be a string"),
        (3.14, "dict or text"),
    ],
)
def test_invalid_forms_raise_action_error(raw, message):
    with pytest.raises(ActionError, match=message):
        parse_action(raw)


def test_model_output_is_never_evaluated(tmp_path):
    marker = tmp_path / "pwned"
    for text in (f"click(open('{marker}', 'w'))", f"type(__import__('pathlib').Path('{marker}').touch())"):
        with pytest.raises(ActionError):
            parse_action(text)
    assert not marker.exists()


def test_space_samples_all_parse():
    space = make_action_space(1280, 800)
    space.seed(0)
    seen = set()
    for _ in range(500):
        action = parse_action(space.sample())
        assert isinstance(action, Action)
        seen.add(action.type)
    assert seen == set(ACTION_TYPES)


def test_sample_with_numpy_integers():
    space = make_action_space(100, 100)
    sample = space.sample()
    sample["type"] = np.int64(ACTION_TYPES.index("swipe"))
    sample["point"] = np.array([1, 2, 3, 4])
    assert parse_action(sample).to_dict() == {"type": "swipe", "x1": 1, "y1": 2, "x2": 3, "y2": 4}


def test_check_against_screen():
    check_against_screen(parse_action("click(2)"), 3, 100, 100)
    with pytest.raises(ActionError, match="does not exist"):
        check_against_screen(parse_action("click(3)"), 3, 100, 100)
    with pytest.raises(ActionError, match="off the 100x100 screen"):
        check_against_screen(parse_action("click(5, 100)"), 3, 100, 100)
    with pytest.raises(ActionError, match="off the"):
        check_against_screen(parse_action("swipe(1, 1, 150, 1)"), 3, 100, 100)
