"""Touch and key input on the front window: taps hit-test the view tree, swipes scroll or long-press, text
goes to the focused field, and key codes act like the framework's (BACK, HOME, ENTER, DEL, Ctrl+A)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.ui.view import clickable_at, scrollable_at

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

LONG_PRESS_MS = 500
TOUCH_SLOP_DP = 8

KEYCODES = {
    "UNKNOWN": 0, "SOFT_LEFT": 1, "SOFT_RIGHT": 2, "HOME": 3, "BACK": 4, "CALL": 5, "ENDCALL": 6,
    **{str(d): 7 + d for d in range(10)}, "STAR": 17, "POUND": 18, "DPAD_UP": 19, "DPAD_DOWN": 20,
    "DPAD_LEFT": 21, "DPAD_RIGHT": 22, "DPAD_CENTER": 23, "VOLUME_UP": 24, "VOLUME_DOWN": 25, "POWER": 26,
    "CAMERA": 27, "CLEAR": 28, **{chr(ord("A") + i): 29 + i for i in range(26)}, "COMMA": 55, "PERIOD": 56,
    "ALT_LEFT": 57, "ALT_RIGHT": 58, "SHIFT_LEFT": 59, "SHIFT_RIGHT": 60, "TAB": 61, "SPACE": 62, "SYM": 63,
    "EXPLORER": 64, "ENVELOPE": 65, "ENTER": 66, "DEL": 67, "GRAVE": 68, "MINUS": 69, "EQUALS": 70,
    "LEFT_BRACKET": 71, "RIGHT_BRACKET": 72, "BACKSLASH": 73, "SEMICOLON": 74, "APOSTROPHE": 75, "SLASH": 76,
    "AT": 77, "NUM": 78, "HEADSETHOOK": 79, "FOCUS": 80, "PLUS": 81, "MENU": 82, "NOTIFICATION": 83,
    "SEARCH": 84, "MEDIA_PLAY_PAUSE": 85, "MUTE": 91, "PAGE_UP": 92, "PAGE_DOWN": 93, "ESCAPE": 111,
    "FORWARD_DEL": 112, "CTRL_LEFT": 113, "CTRL_RIGHT": 114, "MOVE_HOME": 122, "MOVE_END": 123,
    "APP_SWITCH": 187, "WAKEUP": 224, "SLEEP": 223,
}
_CHAR_FOR_CODE = {**{7 + d: str(d) for d in range(10)}, **{29 + i: chr(ord("a") + i) for i in range(26)},
                  55: ",", 56: ".", 62: " ", 68: "`", 69: "-", 70: "=", 71: "[", 72: "]", 73: "\\", 74: ";",
                  75: "'", 76: "/", 77: "@", 81: "+", 17: "*", 18: "#"}


def keycode_from_string(name: str) -> int:
    """KeyEvent.keyCodeFromString: a number, `KEYCODE_X` or `X`; unknown names give 0 (KEYCODE_UNKNOWN)."""
    if name.lstrip("-").isdigit():
        return int(name)
    key = name.upper()
    key = key[len("KEYCODE_"):] if key.startswith("KEYCODE_") else key
    return KEYCODES.get(key, 0)


class InputManager:
    def __init__(self, device: Device) -> None:
        self.device = device

    def tap(self, x: int, y: int) -> None:
        self._touch(x, y, long_press=False)

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int) -> None:
        slop = TOUCH_SLOP_DP * self.device.display.density // 160
        if abs(x2 - x1) <= slop and abs(y2 - y1) <= slop:
            self._touch(x1, y1, long_press=duration_ms >= LONG_PRESS_MS)
            return
        windows = self.device.am.windows()
        if not windows or windows[-1].is_dialog:
            return
        target = scrollable_at(windows[-1].root, x1, y1)
        if target is not None and target.on_scroll is not None and abs(y2 - y1) >= abs(x2 - x1):
            target.on_scroll(y1 - y2)
        self.device.am.after_input()

    def _touch(self, x: int, y: int, long_press: bool) -> None:
        windows = self.device.am.windows()
        if not windows:
            return
        top = windows[-1]
        if top.is_dialog and not top.root.contains(x, y):
            if top.on_outside_tap is not None:
                top.on_outside_tap()
            self.device.am.after_input()
            return
        if y < self.device.frame().status_bar:
            return
        node = clickable_at(top.root, x, y, long_press=long_press)
        if node is not None:
            action = node.on_long_click if long_press and node.on_long_click else node.on_click
            if action is not None:
                action()
        self.device.am.after_input()

    def text(self, text: str) -> None:
        field = self.device.am.top.app.focus
        if field is not None:
            field.insert(text)

    def key(self, code: int, *, modifiers: frozenset[int] = frozenset()) -> None:
        am = self.device.am
        app = am.top.app
        if code == KEYCODES["BACK"] or code == KEYCODES["ESCAPE"]:
            am.back()
        elif code == KEYCODES["HOME"]:
            am.home()
        elif code in (KEYCODES["ENTER"], KEYCODES["TAB"], KEYCODES["DPAD_CENTER"]):
            app.enter()
            am.after_input()
        elif code == KEYCODES["DEL"]:
            if app.focus is not None:
                app.focus.backspace()
        elif code == KEYCODES["A"] and modifiers & {KEYCODES["CTRL_LEFT"], KEYCODES["CTRL_RIGHT"]}:
            if app.focus is not None and app.focus.value:
                app.focus.select_all = True
        elif code in _CHAR_FOR_CODE and app.focus is not None:
            char = _CHAR_FOR_CODE[code]
            shifted = modifiers & {KEYCODES["SHIFT_LEFT"], KEYCODES["SHIFT_RIGHT"]}
            app.focus.insert(char.upper() if shifted else char)
