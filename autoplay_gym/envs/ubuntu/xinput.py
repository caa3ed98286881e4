"""Mouse and keyboard through the XTEST extension with python-xlib (a click costs ~0.3 ms; xdotool takes ~100 ms).

Characters the keymap lacks (é, ✓, 日) are typed the way xdotool does it: a spare keycode is remapped to the
character's keysym, pressed and released. Remapped keycodes are kept in a small LRU table so that typing the
same characters again does not remap, and X delivers the MappingNotify ahead of the key events, in order.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from Xlib import X, XK, display as xdisplay, error as xerror
from Xlib.ext import xtest

from autoplay_gym.core.errors import ActionError, BackendError
from autoplay_gym.envs.ubuntu.atspi import TopWindow

KEY_ALIASES = {
    "enter": "Return",
    "return": "Return",
    "esc": "Escape",
    "escape": "Escape",
    "backspace": "BackSpace",
    "del": "Delete",
    "delete": "Delete",
    "tab": "Tab",
    "space": "space",
    "pageup": "Page_Up",
    "page_up": "Page_Up",
    "pagedown": "Page_Down",
    "page_down": "Page_Down",
    "arrowup": "Up",
    "arrowdown": "Down",
    "arrowleft": "Left",
    "arrowright": "Right",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "insert": "Insert",
    "menu": "Menu",
    "ctrl": "Control_L",
    "control": "Control_L",
    "alt": "Alt_L",
    "shift": "Shift_L",
    "super": "Super_L",
    "meta": "Meta_L",
    "win": "Super_L",
    "cmd": "Super_L",
}
# SubstructureNotify on the root window reports these for its children, the top-level windows
TOP_WINDOW_EVENTS = frozenset(
    (X.CreateNotify, X.DestroyNotify, X.MapNotify, X.UnmapNotify, X.ConfigureNotify, X.ReparentNotify,
     X.CirculateNotify, X.GravityNotify)
)
SCROLL_BUTTONS = {"up": 4, "down": 5, "left": 6, "right": 7}
SPARE_KEYCODES_WANTED = 16


def char_keysym(char: str) -> int:
    """The X keysym that types one character."""
    if char == "\n":
        return XK.string_to_keysym("Return")
    if char == "\t":
        return XK.string_to_keysym("Tab")
    code = ord(char)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x01000000 | code


class XInput:
    def __init__(self, display_name: str) -> None:
        try:
            self.display = xdisplay.Display(display_name)
        except (xerror.DisplayError, OSError) as exc:
            raise BackendError(f"cannot open X display {display_name}: {exc}") from None
        if not self.display.has_extension("XTEST"):
            raise BackendError(f"X display {display_name} has no XTEST extension")
        self.root = self.display.screen().root
        self._net_wm_name = self.display.intern_atom("_NET_WM_NAME")
        self._utf8 = self.display.intern_atom("UTF8_STRING")
        self._wm_name = self.display.intern_atom("WM_NAME")
        self._load_keymap()
        self._seen_windows: set[int] = set()  # top-level windows the agent has already had a chance to act on
        # top_windows() is asked on every observation; X tells when the answer may change, so it is kept until
        # then: a round trip instead of three per window
        self._windows: list[TopWindow] | None = None
        self._titled: set[int] = set()  # windows whose title changes this connection hears of
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)

    # --- keymap -----------------------------------------------------------------------------------------------

    def _load_keymap(self) -> None:
        first = self.display.display.info.min_keycode
        count = self.display.display.info.max_keycode - first + 1
        mapping = self.display.get_keyboard_mapping(first, count)
        self._keys: dict[int, tuple[int, bool]] = {}
        spare = []
        for offset, syms in enumerate(mapping):
            keycode = first + offset
            if not any(syms):
                spare.append(keycode)
                continue
            for level, sym in enumerate(syms[:2]):
                if sym and sym not in self._keys:
                    self._keys[sym] = (keycode, level == 1)
        self._spare: OrderedDict[int, int] = OrderedDict((code, 0) for code in spare[-SPARE_KEYCODES_WANTED:])

    def _keycode_for(self, keysym: int) -> tuple[int, bool]:
        """(keycode, needs shift), remapping a spare keycode when the keymap lacks the keysym."""
        if keysym in self._keys:
            return self._keys[keysym]
        for code, mapped in self._spare.items():
            if mapped == keysym:
                self._spare.move_to_end(code)
                return code, False
        if not self._spare:
            raise ActionError("no spare keycode is free to type this character")
        code, _ = self._spare.popitem(last=False)
        self.display.change_keyboard_mapping(code, [(keysym, keysym)])
        self.display.sync()
        self._spare[code] = keysym
        return code, False

    def keysym_for_name(self, name: str) -> int:
        canonical = KEY_ALIASES.get(name.lower(), name)
        sym = XK.string_to_keysym(canonical)
        if sym == 0 and len(name) == 1:
            sym = char_keysym(name)
        if sym == 0 and len(canonical) > 1 and canonical[0].upper() == "F" and canonical[1:].isdigit():
            sym = XK.string_to_keysym(canonical.upper())
        if sym == 0:
            raise ActionError(f"unknown key name {name!r}; use X keysym names such as Return, Tab, Escape, a, F5")
        return sym

    # --- keyboard ---------------------------------------------------------------------------------------------

    def _tap(self, keycode: int, shift: bool) -> None:
        shift_code = self._keys[XK.string_to_keysym("Shift_L")][0] if shift else 0
        if shift:
            xtest.fake_input(self.display, X.KeyPress, shift_code)
        xtest.fake_input(self.display, X.KeyPress, keycode)
        xtest.fake_input(self.display, X.KeyRelease, keycode)
        if shift:
            xtest.fake_input(self.display, X.KeyRelease, shift_code)

    def type_text(self, text: str) -> None:
        for char in text:
            keycode, shift = self._keycode_for(char_keysym(char))
            self._tap(keycode, shift)
        self.display.sync()

    def press_keys(self, names: list[str] | tuple[str, ...]) -> None:
        """Press keys in order and release them in reverse: one key, or a combination like ctrl+shift+t."""
        codes = []
        for name in names:
            keycode, shift = self._keycode_for(self.keysym_for_name(name))
            if shift and len(names) == 1:
                codes.append(self._keys[XK.string_to_keysym("Shift_L")][0])
            codes.append(keycode)
        for code in codes:
            xtest.fake_input(self.display, X.KeyPress, code)
        for code in reversed(codes):
            xtest.fake_input(self.display, X.KeyRelease, code)
        self.display.sync()

    # --- pointer ----------------------------------------------------------------------------------------------

    def move(self, x: int, y: int) -> None:
        xtest.fake_input(self.display, X.MotionNotify, x=x, y=y)

    def click(self, x: int, y: int, *, button: int = 1, count: int = 1) -> None:
        self.focus_window_at(x, y)
        self.move(x, y)
        for _ in range(count):
            xtest.fake_input(self.display, X.ButtonPress, button)
            xtest.fake_input(self.display, X.ButtonRelease, button)
        self.display.sync()

    def long_press(self, x: int, y: int, hold: float = 0.8) -> None:
        self.focus_window_at(x, y)
        self.move(x, y)
        xtest.fake_input(self.display, X.ButtonPress, 1)
        self.display.sync()
        time.sleep(hold)  # the press itself must last: that is what makes it long
        xtest.fake_input(self.display, X.ButtonRelease, 1)
        self.display.sync()

    def drag(self, x1: int, y1: int, x2: int, y2: int, steps: int = 12) -> None:
        self.focus_window_at(x1, y1)
        self.move(x1, y1)
        xtest.fake_input(self.display, X.ButtonPress, 1)
        self.display.sync()
        for i in range(1, steps + 1):
            self.move(x1 + (x2 - x1) * i // steps, y1 + (y2 - y1) * i // steps)
            self.display.sync()
            time.sleep(0.005)  # apps sample pointer motion per frame; a few ms apart reads as a drag
        xtest.fake_input(self.display, X.ButtonRelease, 1)
        self.display.sync()

    def scroll(self, x: int, y: int, direction: str, clicks: int = 3) -> None:
        self.move(x, y)
        button = SCROLL_BUTTONS[direction]
        for _ in range(clicks):
            xtest.fake_input(self.display, X.ButtonPress, button)
            xtest.fake_input(self.display, X.ButtonRelease, button)
        self.display.sync()

    # --- windows ----------------------------------------------------------------------------------------------

    def top_windows(self) -> list[TopWindow]:
        """Mapped top-level windows, bottom to top, with their title and screen geometry.

        Listed again only when X reported a top-level window created, destroyed, mapped, unmapped, moved,
        resized, restacked or retitled since the last listing."""
        if self._windows is None or self._windows_changed():
            windows, complete = self._list_top_windows()
            self._windows = windows if complete else None
            return windows
        return list(self._windows)

    def _windows_changed(self) -> bool:
        """Did X report, since the last call, anything that changes top_windows()'s answer?"""
        self.display.sync()  # every event the server generated before now is in our queue
        changed = False
        while self.display.pending_events():
            event = self.display.next_event()
            if event.type == X.PropertyNotify:
                changed |= event.atom in (self._net_wm_name, self._wm_name)
            elif event.type in TOP_WINDOW_EVENTS:
                changed = True
                if event.type == X.DestroyNotify:
                    self._titled.discard(event.window.id)
        return changed

    def _list_top_windows(self) -> tuple[list[TopWindow], bool]:
        """(the windows, False when one vanished while being listed: list again next time)."""
        out = []
        try:
            for window in self.root.query_tree().children:
                if window.id not in self._titled:  # ask before reading the title, so no change falls in between
                    window.change_attributes(event_mask=X.PropertyChangeMask, onerror=xerror.CatchError())
                    self._titled.add(window.id)
                attrs = window.get_attributes()
                if attrs.map_state != X.IsViewable:
                    continue
                geom = window.get_geometry()
                if geom.width <= 1 and geom.height <= 1:
                    continue
                prop = window.get_full_property(self._net_wm_name, self._utf8)
                title = prop.value.decode("utf-8", "replace") if prop is not None else (window.get_wm_name() or "")
                out.append(TopWindow(str(title), geom.x, geom.y, geom.width, geom.height))
        except xerror.BadWindow:  # a window vanished between the listing and the query
            return out, False
        return out, True

    def focus_window_at(self, x: int, y: int) -> None:
        """Give keyboard focus to the top-level window under the point, as a click-to-focus window manager would."""
        try:
            self._managed_windows(remember=True)  # a click acknowledges every window now on screen
            for window in reversed(self.root.query_tree().children):
                if window.get_attributes().map_state != X.IsViewable:
                    continue
                geom = window.get_geometry()
                if geom.x <= x < geom.x + geom.width and geom.y <= y < geom.y + geom.height:
                    if self.display.get_input_focus().focus != window:
                        window.set_input_focus(X.RevertToParent, X.CurrentTime)
                    return
        except xerror.BadWindow:
            return

    def focus_top_window(self) -> None:
        """Before keyboard input: focus a window that appeared since the agent last acted (a dialog that just
        opened), as window managers do when a window maps; else the topmost one when nothing holds the keyboard.

        Without a window manager a new dialog does not get the keyboard, so typed text would go to the window
        under it. A window the agent clicked after it appeared keeps the keyboard.
        """
        try:
            windows, fresh = self._managed_windows(remember=True)
            focus = self.display.get_input_focus().focus
            target = fresh[-1] if fresh else None
            if target is None and (isinstance(focus, int) or focus in (X.NONE, X.PointerRoot) or focus == self.root):
                target = windows[-1] if windows else None
            if target is not None and focus != target:
                target.set_input_focus(X.RevertToParent, X.CurrentTime)
                self.display.sync()
        except xerror.BadWindow:  # the window vanished meanwhile; the next input finds the new state
            return

    def _managed_windows(self, *, remember: bool) -> tuple[list, list]:
        """(viewable top-level windows that take focus, bottom to top; those among them not seen before)."""
        windows = []
        for window in self.root.query_tree().children:
            attrs = window.get_attributes()
            if attrs.map_state == X.IsViewable and not attrs.override_redirect and window.get_geometry().width > 1:
                windows.append(window)
        fresh = [w for w in windows if w.id not in self._seen_windows]
        if remember:
            self._seen_windows = {w.id for w in windows}
        return windows, fresh

    def close(self) -> None:
        try:
            self.display.close()
        except Exception:  # a dead display cannot be closed cleanly; nothing is left to release
            pass
