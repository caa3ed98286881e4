"""Android key codes and the names agents use for them.

`input keyevent` accepts unknown names silently (it injects KEYCODE_UNKNOWN), so names are checked here and a typo
becomes an action error instead of a no-op. Agents trained on desktops say `Enter`, `BackSpace` or `Escape`;
Android says `ENTER`, `DEL` and `ESCAPE`: both spellings, `KEYCODE_*` and plain numbers are accepted.
Values are the constants of `android.view.KeyEvent`.
"""

from __future__ import annotations

from autoplay_gym.core.errors import ActionError

_NAMED: dict[str, int] = {
    "SOFT_LEFT": 1, "SOFT_RIGHT": 2, "HOME": 3, "BACK": 4, "CALL": 5, "ENDCALL": 6,
    "STAR": 17, "POUND": 18, "DPAD_UP": 19, "DPAD_DOWN": 20, "DPAD_LEFT": 21, "DPAD_RIGHT": 22,
    "DPAD_CENTER": 23, "VOLUME_UP": 24, "VOLUME_DOWN": 25, "POWER": 26, "CAMERA": 27, "CLEAR": 28,
    "COMMA": 55, "PERIOD": 56, "ALT_LEFT": 57, "ALT_RIGHT": 58, "SHIFT_LEFT": 59, "SHIFT_RIGHT": 60,
    "TAB": 61, "SPACE": 62, "SYM": 63, "EXPLORER": 64, "ENVELOPE": 65, "ENTER": 66, "DEL": 67,
    "GRAVE": 68, "MINUS": 69, "EQUALS": 70, "LEFT_BRACKET": 71, "RIGHT_BRACKET": 72, "BACKSLASH": 73,
    "SEMICOLON": 74, "APOSTROPHE": 75, "SLASH": 76, "AT": 77, "NUM": 78, "HEADSETHOOK": 79, "FOCUS": 80,
    "PLUS": 81, "MENU": 82, "NOTIFICATION": 83, "SEARCH": 84, "MEDIA_PLAY_PAUSE": 85, "MEDIA_STOP": 86,
    "MEDIA_NEXT": 87, "MEDIA_PREVIOUS": 88, "MEDIA_REWIND": 89, "MEDIA_FAST_FORWARD": 90, "MUTE": 91,
    "PAGE_UP": 92, "PAGE_DOWN": 93, "ESCAPE": 111, "FORWARD_DEL": 112, "CTRL_LEFT": 113, "CTRL_RIGHT": 114,
    "CAPS_LOCK": 115, "SCROLL_LOCK": 116, "META_LEFT": 117, "META_RIGHT": 118, "FUNCTION": 119, "SYSRQ": 120,
    "BREAK": 121, "MOVE_HOME": 122, "MOVE_END": 123, "INSERT": 124, "FORWARD": 125, "MEDIA_PLAY": 126,
    "MEDIA_PAUSE": 127, "NUM_LOCK": 143, "VOLUME_MUTE": 164, "ZOOM_IN": 168, "ZOOM_OUT": 169,
    "SETTINGS": 176, "APP_SWITCH": 187, "CONTACTS": 207, "CALENDAR": 208, "MUSIC": 209, "CALCULATOR": 210,
    "ASSIST": 219, "BRIGHTNESS_DOWN": 220, "BRIGHTNESS_UP": 221, "SLEEP": 223, "WAKEUP": 224,
    "CUT": 277, "COPY": 278, "PASTE": 279, "ALL_APPS": 284,
}
_NAMED.update({str(d): 7 + d for d in range(10)})  # KEYCODE_0..9
_NAMED.update({chr(ord("A") + i): 29 + i for i in range(26)})  # KEYCODE_A..Z
_NAMED.update({f"F{i}": 130 + i for i in range(1, 13)})  # KEYCODE_F1..F12
_NAMED.update({f"NUMPAD_{d}": 144 + d for d in range(10)})

KEYCODES: dict[str, int] = dict(_NAMED)

# Desktop and everyday spellings (compared case-insensitively, `-`, `_` and spaces ignored).
ALIASES: dict[str, str] = {
    "return": "ENTER", "enter": "ENTER", "kpenter": "ENTER",
    "backspace": "DEL", "del": "DEL", "delete": "FORWARD_DEL", "forwarddelete": "FORWARD_DEL",
    "esc": "ESCAPE", "escape": "ESCAPE", "back": "BACK", "home": "HOME", "menu": "MENU", "search": "SEARCH",
    "up": "DPAD_UP", "down": "DPAD_DOWN", "left": "DPAD_LEFT", "right": "DPAD_RIGHT", "center": "DPAD_CENTER",
    "pageup": "PAGE_UP", "pagedown": "PAGE_DOWN", "prior": "PAGE_UP", "next": "PAGE_DOWN",
    "end": "MOVE_END", "begin": "MOVE_HOME", "space": "SPACE", "tab": "TAB",
    "recents": "APP_SWITCH", "recentapps": "APP_SWITCH", "appswitch": "APP_SWITCH", "overview": "APP_SWITCH",
    "volumeup": "VOLUME_UP", "volumedown": "VOLUME_DOWN", "power": "POWER", "camera": "CAMERA",
    "ctrl": "CTRL_LEFT", "control": "CTRL_LEFT", "controll": "CTRL_LEFT", "controlleft": "CTRL_LEFT",
    "controlr": "CTRL_RIGHT", "controlright": "CTRL_RIGHT", "alt": "ALT_LEFT", "altl": "ALT_LEFT",
    "altr": "ALT_RIGHT", "shift": "SHIFT_LEFT", "shiftl": "SHIFT_LEFT", "shiftr": "SHIFT_RIGHT",
    "super": "META_LEFT", "meta": "META_LEFT", "win": "META_LEFT", "cmd": "META_LEFT", "superl": "META_LEFT",
    "capslock": "CAPS_LOCK", "insert": "INSERT", "cut": "CUT", "copy": "COPY", "paste": "PASTE",
}
MODIFIER_CODES = frozenset({57, 58, 59, 60, 113, 114, 117, 118, 119})
# Keys the system handles before any app: combining them with others does nothing useful.
SYSTEM_CODES = frozenset({3, 4, 26, 187, 223, 224})


def keycode(name: str) -> int:
    """The key code for a key name, alias, `KEYCODE_*` name or number; `ActionError` if there is none.

    A single digit is that digit's key (what an agent pressing "1" means); two or more digits are a key code.
    """
    raw = name.strip()
    if raw.isdigit() and len(raw) > 1:
        code = int(raw)
        if 0 < code <= 400:
            return code
        raise ActionError(f"key code {code} is out of range")
    upper = raw.upper()
    if upper.startswith("KEYCODE_"):
        upper = upper[len("KEYCODE_"):]
    if upper in KEYCODES:
        return KEYCODES[upper]
    folded = raw.casefold().replace("_", "").replace("-", "").replace(" ", "")
    if folded in ALIASES:
        return KEYCODES[ALIASES[folded]]
    raise ActionError(
        f"unknown Android key {name!r}; use a KEYCODE_* name (e.g. ENTER, DEL, DPAD_DOWN), its number, "
        "or an alias such as Enter, Back, Home, BackSpace, Delete, Escape, Tab, Up, Down"
    )


def key_command(name: str) -> str:
    return f"input keyevent {keycode(name)}"


def hotkey_command(names: tuple[str, ...] | list[str]) -> str:
    """`input keycombination` (Android 13+) presses the keys together, e.g. ctrl+a selects all in a text field."""
    codes = [keycode(n) for n in names]
    if len(codes) == 1:
        return f"input keyevent {codes[0]}"
    if len(set(codes)) != len(codes):
        raise ActionError(f"hotkey {'+'.join(names)} names the same key twice")
    if not any(c in MODIFIER_CODES for c in codes):
        raise ActionError(f"hotkey {'+'.join(names)} has no modifier (ctrl, alt, shift or meta); use key or type")
    if any(c in SYSTEM_CODES for c in codes):
        raise ActionError(f"hotkey {'+'.join(names)} combines a system key (Home, Back, Power, Recents)")
    return "input keycombination " + " ".join(str(c) for c in codes)
