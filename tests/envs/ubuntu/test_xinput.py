"""XInput's list of top-level windows on a real Xvfb: kept between observations, and listed again whenever X
reports a window mapped, unmapped, moved, retitled or destroyed."""

from __future__ import annotations

from Xlib import Xatom, display as xdisplay

from autoplay_gym.envs.ubuntu.session import Desktop
from autoplay_gym.envs.ubuntu.xinput import XInput


def _set_title(painter: xdisplay.Display, window, title: str) -> None:
    window.change_property(
        painter.intern_atom("_NET_WM_NAME"), painter.intern_atom("UTF8_STRING"), 8, title.encode()
    )
    painter.sync()


def test_top_windows_follow_what_x_reports():
    desktop = Desktop((320, 240)).start()
    try:
        xinput = XInput(desktop.display)
        listings = []
        list_windows = xinput._list_top_windows
        xinput._list_top_windows = lambda: listings.append(1) or list_windows()
        assert xinput.top_windows() == []
        painter = xdisplay.Display(desktop.display)
        root = painter.screen().root
        window = root.create_window(10, 20, 100, 80, 0, painter.screen().root_depth)
        _set_title(painter, window, "First")
        window.map()
        painter.sync()
        [shown] = xinput.top_windows()
        assert (shown.title, shown.x, shown.y, shown.width, shown.height) == ("First", 10, 20, 100, 80)
        listed = len(listings)
        assert xinput.top_windows() == [shown] and len(listings) == listed  # nothing happened: the kept answer

        _set_title(painter, window, "Renamed")
        assert [w.title for w in xinput.top_windows()] == ["Renamed"]
        window.configure(x=30, y=40, width=60, height=50)
        painter.sync()
        [moved] = xinput.top_windows()
        assert (moved.x, moved.y, moved.width, moved.height) == (30, 40, 60, 50)
        # a property other than the title (GTK sets _NET_WM_USER_TIME on every input) changes nothing
        window.change_property(painter.intern_atom("_NET_WM_USER_TIME"), Xatom.CARDINAL, 32, [1])
        painter.sync()
        listed = len(listings)
        assert xinput.top_windows() == [moved] and len(listings) == listed

        dialog = root.create_window(50, 50, 40, 30, 0, painter.screen().root_depth)
        _set_title(painter, dialog, "Dialog")
        dialog.map()
        painter.sync()
        assert [w.title for w in xinput.top_windows()] == ["Renamed", "Dialog"]
        dialog.unmap()
        painter.sync()
        assert [w.title for w in xinput.top_windows()] == ["Renamed"]
        window.destroy()
        painter.sync()
        assert xinput.top_windows() == []
        painter.close()
        xinput.close()
    finally:
        desktop.close()
