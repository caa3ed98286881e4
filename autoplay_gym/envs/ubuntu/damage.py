"""What has been drawn on the screen since the last look? The X DAMAGE extension answers without a grab.

A DAMAGE object on the root window, at the "delta rectangles" report level, sends an event with the area each
time a part of the screen (any window's included) not yet reported is drawn; clearing the damage starts over.
`damaged_since_last()` drains those events after a round trip, so every drawing the server did before the call
is counted, then clears the damage. With AT-SPI's change events this tells the observer what its last
snapshot still holds: with nothing drawn and no node changed, all of it; otherwise the extents and text of the
nodes that lie outside every drawn area and were not named by an event. Toolkits repaint what they move or
change, and X counts a drawing request as damage even when it leaves the pixels as they were. Without the
extension the answer is "unknown" (None), and callers reuse nothing.
"""

from __future__ import annotations

from Xlib import display as xdisplay
from Xlib import error as xerror
from Xlib.ext import damage

Rect = tuple[int, int, int, int]  # x, y, width, height in screen pixels
MAX_RECTS = 64  # beyond this many drawn areas, their bounding box stands for them all


class DamageWatch:
    def __init__(self, display: str) -> None:
        self._display: xdisplay.Display | None = None
        self._damage = 0
        self._first = True
        try:
            conn = xdisplay.Display(display)
        except (xerror.DisplayError, OSError):
            return  # observing still works; it just never reuses
        if not conn.has_extension(damage.extname):
            conn.close()
            return
        conn.damage_query_version()
        self._damage = conn.screen().root.damage_create(damage.DamageReportDeltaRectangles)
        conn.sync()
        self._display = conn

    @property
    def available(self) -> bool:
        return self._display is not None

    def damaged_since_last(self) -> list[Rect] | None:
        """The areas drawn since the previous call ([] for none); None when unknown (the first call, no
        DAMAGE extension, a dead display)."""
        conn = self._display
        if conn is None:
            return None
        try:
            conn.sync()  # the server has now sent the damage events of every drawing it did before this point
            areas: list[Rect] = []
            notify = conn.extension_event.DamageNotify
            while conn.pending_events():
                event = conn.next_event()
                if event.type == notify:
                    areas.append((event.area.x, event.area.y, event.area.width, event.area.height))
            # Clearing after the check: a drawing in between is in the caller's next grab and reported next time.
            conn.damage_subtract(self._damage)
            conn.flush()
        except (xerror.XError, xerror.ConnectionClosedError, OSError):
            self.close()
            return None
        if self._first:
            self._first = False
            return None
        if len(areas) > MAX_RECTS:
            left, top = min(a[0] for a in areas), min(a[1] for a in areas)
            right, bottom = max(a[0] + a[2] for a in areas), max(a[1] + a[3] for a in areas)
            areas = [(left, top, right - left, bottom - top)]
        return areas

    def drawn_since_last(self) -> bool:
        """True when something was drawn since the previous call (or nobody can tell)."""
        return self.damaged_since_last() != []

    def close(self) -> None:
        conn, self._display = self._display, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # the display may already be gone with its desktop
                pass


def overlaps(rect: Rect, areas: list[Rect]) -> bool:
    x, y, w, h = rect
    return any(x < ax + aw and ax < x + w and y < ay + ah and ay < y + h for ax, ay, aw, ah in areas)
