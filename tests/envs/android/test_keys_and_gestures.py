"""Key names -> Android key codes, and actions -> `input` command lines (checked by running them through sh)."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from autoplay_gym.core.errors import ActionError
from autoplay_gym.core.ui import Bounds, UIElement, UITree
from autoplay_gym.envs.android import gestures, keys


@pytest.mark.parametrize(
    "name, code",
    [("Enter", 66), ("Return", 66), ("KEYCODE_ENTER", 66), ("enter", 66), ("Back", 4), ("Home", 3), ("Del", 67),
     ("BackSpace", 67), ("Delete", 112), ("Escape", 111), ("Tab", 61), ("Up", 19), ("Page_Down", 93), ("End", 123),
     ("space", 62), ("a", 29), ("Z", 54), ("1", 8), ("0", 7), ("F2", 132), ("ctrl", 113), ("Control_L", 113),
     ("super", 117), ("APP_SWITCH", 187), ("66", 66), ("KEYCODE_DPAD_CENTER", 23), ("volume-up", 24)],
)
def test_key_names(name, code):
    assert keys.keycode(name) == code


@pytest.mark.parametrize("name", ["NoSuchKey", "KEYCODE_NOPE", "999", "", "ctrl+a"])
def test_unknown_keys_are_action_errors(name):
    with pytest.raises(ActionError, match="unknown Android key|out of range"):
        keys.keycode(name)


def test_every_key_name_of_the_action_space_is_known():
    from autoplay_gym.core.actions import KEY_NAMES, MODIFIERS

    for name in KEY_NAMES + MODIFIERS:
        keys.keycode(name)


def test_hotkeys():
    assert keys.hotkey_command(("ctrl", "a")) == "input keycombination 113 29"
    assert keys.hotkey_command(["Enter"]) == "input keyevent 66"
    for bad in (("a", "b"), ("ctrl", "ctrl"), ("ctrl", "Home"), ("ctrl", "nope")):
        with pytest.raises(ActionError):
            keys.hotkey_command(bad)


def sh_words(command: str) -> list[list[str]]:
    """Run a command line through a real POSIX shell with `input` replaced by a printer of its argv."""
    script = "input() { printf '%s\\0' \"$@\"; printf '\\n'; }\n" + command
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True, timeout=30).stdout.decode()
    return [line.split("\0")[:-1] for line in out.splitlines()]


def android_text(arg: str) -> str:
    """What `input text` types for one argument, following InputShellCommand.sendText: after a '%', an 's'
    becomes a space and the '%' is dropped."""
    buff, escape, i = list(arg), False, 0
    while i < len(buff):
        if escape:
            escape = False
            if buff[i] == "s":
                buff[i] = " "
                i -= 1
                del buff[i]
        if buff[i] == "%":
            escape = True
        i += 1
    return "".join(buff)


TRICKY = [
    "hello world",
    "it's \"quoted\" & $HOME; `ls` | (x) <y> #z \\ *?",
    "100% sure, 50%s and %%s",
    "  leading and trailing  ",
    "a" * 450,
    "%",
    "%s",
]


@pytest.mark.parametrize("text", TRICKY)
def test_typed_text_survives_the_shell_and_input(text):
    commands = gestures.type_text(text)
    typed = ""
    for argv in sh_words(" && ".join(commands)):
        assert argv[0] == "text" and len(argv) == 2  # one argument per `input text`, never split by the shell
        typed += android_text(argv[1])
    assert typed == text


def test_newlines_and_tabs_are_key_events():
    assert gestures.type_text("a\nb\tc") == ["input text a", "input keyevent 66", "input text b", "input keyevent 61",
                                              "input text c"]
    assert gestures.type_text("") == []


@pytest.mark.parametrize("text", ["café", "日本語", "emoji 🙂", "bell \x07"])
def test_untypeable_text_is_refused_with_the_reason(text):
    with pytest.raises(ActionError, match="cannot type"):
        gestures.type_text(text)


def test_gesture_commands():
    assert gestures.tap(10, 20) == "input tap 10 20"
    assert gestures.double_tap(1, 2) == "input tap 1 2 && input tap 1 2"
    assert gestures.long_press(5, 6) == "input swipe 5 6 5 6 1000"
    assert gestures.swipe(1, 2, 3, 4) == "input swipe 1 2 3 4 300"


def test_scroll_down_moves_the_finger_up_inside_the_region():
    region = Bounds(0, 200, 1080, 2200)
    words = shlex.split(gestures.scroll(region, "down"))
    x1, y1, x2, y2 = (int(w) for w in words[2:6])
    assert x1 == x2 == 540 and y1 > y2 and region.contains(x1, y1) and region.contains(x2, y2)
    x1, y1, x2, y2 = (int(w) for w in shlex.split(gestures.scroll(region, "right"))[2:6])
    assert y1 == y2 == 1200 and x1 > x2
    x1, y1, x2, y2 = (int(w) for w in shlex.split(gestures.scroll(region, "up"))[2:6])
    assert y1 < y2
    with pytest.raises(ActionError):
        gestures.scroll(region, "sideways")


def test_visible_bounds_and_scroll_region():
    on = UIElement(0, "list", bounds=Bounds(0, 300, 1080, 2600), scrollable=True)
    small = UIElement(1, "list", bounds=Bounds(0, 0, 100, 100), scrollable=True)
    off = UIElement(2, "label", bounds=Bounds(2000, 0, 2100, 50))
    nowhere = UIElement(3, "label")
    assert gestures.visible_bounds(on, 1080, 2400) == Bounds(0, 300, 1080, 2400)
    for element in (off, nowhere):
        with pytest.raises(ActionError, match="off screen|no position"):
            gestures.visible_bounds(element, 1080, 2400)
    assert gestures.scroll_region(UITree([small, on, off]), 1080, 2400) == Bounds(0, 300, 1080, 2400)
    assert gestures.scroll_region(UITree([off]), 1080, 2400) == Bounds(0, 240, 1080, 2160)
