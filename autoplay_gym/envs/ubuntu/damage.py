"""Has anything been drawn on the screen since the last look? The X DAMAGE extension answers without a grab.

A DAMAGE object on the root window, at the "non-empty" report level, sends one event when the first pixel of the
screen (any window's included) is drawn after the damage was last cleared. `drawn_since_last()` drains those
events after a round trip, so every drawing the server did before the call is counted, then clears the damage.
Together with AT-SPI's change events this tells the observer that its last snapshot is still exact: nothing was
drawn and no node changed. Without the extension every call answers True, so callers never reuse.
"""

from __future__ import annotations

from Xlib import display as xdisplay
from Xlib import error as xerror
from Xlib.ext import damage


class DamageWatch:
    def __init__(self, display: str) -> None:
        self._display: xdisplay.Display | None = None
        self._damage = 0
        try:
            conn = xdisplay.Display(display)
        except (xerror.DisplayError, OSError):
            return  # observing still works; it just never reuses
        if not conn.has_extension(damage.extname):
            conn.close()
            return
        conn.damage_query_version()
        self._damage = conn.screen().root.damage_create(damage.DamageReportNonEmpty)
        conn.sync()
        self._display = conn

    @property
    def available(self) -> bool:
        return self._display is not None

    def drawn_since_last(self) -> bool:
        """True when something was drawn since the previous call (always True on the first call)."""
        conn = self._display
        if conn is None:
            return True
        try:
            conn.sync()  # the server has now sent every damage event of the drawing it did before this point
            drawn = False
            while conn.pending_events():
                drawn = conn.next_event().type == conn.extension_event.DamageNotify or drawn
            # Clearing after the check: a drawing in between is in the caller's next grab and reported next time.
            conn.damage_subtract(self._damage)
            conn.flush()
            return drawn
        except (xerror.XError, xerror.ConnectionClosedError, OSError):
            self.close()
            return True

    def close(self) -> None:
        conn, self._display = self._display, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # the display may already be gone with its desktop
                pass
