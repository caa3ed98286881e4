"""Actions -> `input` shell commands: taps, swipes, scroll geometry and text that survives two rounds of parsing.

Text goes through the device shell (`sh -c`) and then `input text`, which turns `%s` into a space and maps every
character through the virtual keyboard's key map. So each chunk is single-quoted for the shell (`shlex.quote`),
spaces are sent as `%s`, and a literal `%s` in the text is split across two commands so it cannot turn into a space.
Characters the virtual key map lacks (anything outside printable ASCII) cannot be typed by `input text` on a stock
image, and there is no other shell route there (ADBKeyboard-style broadcasts need an extra IME), so they are refused
with an action error instead of being silently dropped or mangled.
"""

from __future__ import annotations

import shlex

from autoplay_gym.core.errors import ActionError
from autoplay_gym.core.ui import Bounds, UIElement, UITree

SWIPE_MS = 300
SCROLL_MS = 400
LONG_PRESS_MS = 1000
TEXT_CHUNK = 200
SCROLL_SPAN = 0.4  # the finger travels this fraction of the region, centred on its middle


def visible_bounds(element: UIElement, width: int, height: int) -> Bounds:
    """The part of an element on the screen; `ActionError` if it has no position or lies off screen."""
    if element.bounds is None:
        raise ActionError(f"element {element.id} ({element.role} {element.text!r}) has no position on screen")
    visible = element.bounds.clip(width, height)
    if visible.empty:
        raise ActionError(f"element {element.id} ({element.role} {element.text!r}) is off screen")
    return visible


def scroll_region(tree: UITree, width: int, height: int) -> Bounds:
    """Where a scroll without an element goes: the largest visible scrollable element, else the middle of the
    screen (clear of the status and navigation bars)."""
    regions = [e.bounds.clip(width, height) for e in tree if e.scrollable and e.bounds is not None]
    regions = [b for b in regions if not b.empty]
    if regions:
        return max(regions, key=lambda b: b.width * b.height)
    return Bounds(0, height // 10, width, height - height // 10)


def tap(x: int, y: int) -> str:
    return f"input tap {x} {y}"


def double_tap(x: int, y: int) -> str:
    """Two taps in one shell round trip: `cmd input` is fast enough to land inside the double-tap timeout."""
    return f"input tap {x} {y} && input tap {x} {y}"


def long_press(x: int, y: int) -> str:
    return f"input swipe {x} {y} {x} {y} {LONG_PRESS_MS}"


def swipe(x1: int, y1: int, x2: int, y2: int, duration_ms: int = SWIPE_MS) -> str:
    return f"input swipe {x1} {y1} {x2} {y2} {duration_ms}"


def scroll(region: Bounds, direction: str) -> str:
    """Scroll the content of `region` so that what lies in `direction` comes into view.

    `down` shows what is below, so the finger moves up (the way a person scrolls a phone); `right` shows what is
    to the right, so the finger moves left.
    """
    cx, cy = region.center
    half_w = max(int(region.width * SCROLL_SPAN / 2), 1)
    half_h = max(int(region.height * SCROLL_SPAN / 2), 1)
    if direction == "down":
        points = (cx, cy + half_h, cx, cy - half_h)
    elif direction == "up":
        points = (cx, cy - half_h, cx, cy + half_h)
    elif direction == "right":
        points = (cx + half_w, cy, cx - half_w, cy)
    elif direction == "left":
        points = (cx - half_w, cy, cx + half_w, cy)
    else:
        raise ActionError(f"scroll direction must be up, down, left or right, got {direction!r}")
    return swipe(*points, duration_ms=SCROLL_MS)


def check_typeable(text: str) -> None:
    """Raise `ActionError` naming the first character `input text` cannot produce."""
    for index, char in enumerate(text):
        if char in "\n\t" or " " <= char <= "~":
            continue
        what = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
        raise ActionError(
            f"cannot type {what} (character {index + 1} of the text): `input text` on a stock Android image only "
            "types printable ASCII, newline and tab, and no stock shell route types other characters; "
            "type an ASCII spelling instead"
        )


def type_text(text: str) -> list[str]:
    """Shell commands that type `text` into the focused field, in order (newline = ENTER, tab = TAB)."""
    check_typeable(text)
    commands: list[str] = []
    line = []
    for char in text:
        if char in "\n\t":
            commands.extend(_text_commands("".join(line)))
            line = []
            commands.append("input keyevent 66" if char == "\n" else "input keyevent 61")
        else:
            line.append(char)
    commands.extend(_text_commands("".join(line)))
    return commands


def _text_commands(text: str) -> list[str]:
    chunks: list[str] = []
    start = 0
    for i in range(len(text) - 1):
        # Break between a literal '%' and a following 's' so the pair never reads as the %s space escape.
        if text[i] == "%" and text[i + 1] == "s":
            chunks.append(text[start : i + 1])
            start = i + 1
    chunks.append(text[start:])
    commands = []
    for chunk in chunks:
        for offset in range(0, len(chunk), TEXT_CHUNK):
            piece = chunk[offset : offset + TEXT_CHUNK]
            if piece:
                commands.append("input text " + shlex.quote(piece.replace(" ", "%s")))
    return commands
