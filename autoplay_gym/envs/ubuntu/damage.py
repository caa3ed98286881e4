"""What has been drawn on the screen since the last look? The X DAMAGE extension answers without a grab.

A DAMAGE object on the root window, at the "delta rectangles" report level, sends an event with the area each
time a part of the screen (any window's included) not yet reported is drawn; clearing the damage starts over.
`damaged_since_last()` clears the damage and drains those events after a round trip, so every drawing the
server did before the call is counted; `poll()` does the same for a waiting loop and keeps the areas for the
next `damaged_since_last()`. With AT-SPI's change events this tells the observer what its last
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
        self._pending: list[Rect] = []  # drained by poll(), not yet reported by damaged_since_last()
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
        """The areas drawn since the previous call ([] for none), `poll()`s in between included; None when
        unknown (the first call, no DAMAGE extension, a dead display)."""
        if self._drain() is None:
            return None
        areas, self._pending = self._pending, []
        if self._first:
            self._first = False
            return None
        return [_bounding_box(areas)] if len(areas) > MAX_RECTS else areas

    def poll(self) -> bool | None:
        """Was anything drawn since the previous `poll()` or `damaged_since_last()`? None when nobody can tell.
        The areas are kept for the next `damaged_since_last()`, so polling while waiting loses nothing."""
        new = self._drain()
        return None if new is None else new > 0

    def drawn_so_far(self) -> list[Rect] | None:
        """The areas drawn since the last `damaged_since_last()`, which still reports them; None when unknown."""
        return None if self._drain() is None else list(self._pending)

    def _drain(self) -> int | None:
        """Collect the damage events the server sent up to now into `_pending`, then clear the damage so a
        redraw of the same area is reported again; how many arrived, None when the display is gone."""
        conn = self._display
        if conn is None:
            return None
        try:
            # Clear first, then sync: a drawing before the clear already sent its event, one after it finds
            # the area clear again and sends a new one, so none falls in between and is lost.
            conn.damage_subtract(self._damage)
            conn.sync()  # the server has now sent the damage events of every drawing it did before this point
            before = len(self._pending)
            notify = conn.extension_event.DamageNotify
            while conn.pending_events():
                event = conn.next_event()
                if event.type == notify:
                    self._pending.append((event.area.x, event.area.y, event.area.width, event.area.height))
        except (xerror.XError, xerror.ConnectionClosedError, OSError):
            self.close()
            return None
        new = len(self._pending) - before
        if len(self._pending) > 4 * MAX_RECTS:  # a long wait on a busy screen: keep the bounding box only
            self._pending = [_bounding_box(self._pending)]
        return new

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


def _bounding_box(areas: list[Rect]) -> Rect:
    left, top = min(a[0] for a in areas), min(a[1] for a in areas)
    right, bottom = max(a[0] + a[2] for a in areas), max(a[1] + a[3] for a in areas)
    return (left, top, right - left, bottom - top)


def overlaps(rect: Rect, areas: list[Rect]) -> bool:
    x, y, w, h = rect
    return any(x < ax + aw and ax < x + w and y < ay + ah and ay < y + h for ax, ay, aw, ah in areas)


def with_covered_parts(areas: list[Rect], windows: list[Rect]) -> list[Rect]:
    """`areas` plus the covered parts of every window (`windows`: bottom to top) drawn on where it shows: X
    reports no drawing where a window lies under another, yet its app may have moved what is there (Thunderbird's
    page shifting under a dialog when its Spaces toolbar opens), and the reader keeps extents only where nothing
    was drawn. Drawing inside a window stacked above (typing into the dialog) does not count as the one below's."""
    extra: list[Rect] = []
    for i, window in enumerate(windows):
        above = [_intersection(window, other) for other in windows[i + 1 :]]
        covered = [rect for rect in above if rect is not None]
        if not covered:
            continue
        drawn_on = any(
            overlaps(area, [window]) and not any(contains(other, area) for other in windows[i + 1 :])
            for area in areas
        )
        if drawn_on:
            extra.extend(rect for rect in covered if rect not in areas and rect not in extra)
    return areas + extra


def _intersection(a: Rect, b: Rect) -> Rect | None:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (left, top, right - left, bottom - top) if right > left and bottom > top else None


def contains(outer: Rect | None, inner: Rect | None) -> bool:
    """Whether area `inner` lies within area `outer`; False when either is unknown."""
    if outer is None or inner is None:
        return False
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3])
