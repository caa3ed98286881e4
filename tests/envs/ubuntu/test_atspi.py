"""Pure helpers of the AT-SPI reader, on hand-made nodes (no desktop)."""

from __future__ import annotations

from autoplay_gym.envs.ubuntu.atspi import AppInfo, RawNode, _drop_husks, _reusable_fills
from autoplay_gym.envs.ubuntu.changes import Changes

VIEW = (246, 52, 639, 493)


def node(path: str, role: str, name: str = "", extents=VIEW) -> RawNode:
    return RawNode(path, "", 0, 0, [], name, role, "", 0, extents=extents)


def entries(*rows: tuple[RawNode, str]) -> list[tuple[RawNode, int, int, str]]:
    return [(n, 0, 0, parent) for n, parent in rows]


def test_an_empty_husk_under_a_view_with_content_is_dropped_and_nothing_else():
    """Nautilus keeps, in some launches, an empty scroll pane exactly under its folder view."""
    view, husk, table = node("/v", "filler", "Content View"), node("/h", "scroll pane"), node("/t", "table")
    pane = node("/p", "scroll pane")
    order = entries((view, ""), (husk, "/v"), (pane, "/v"), (table, "/p"))
    assert [e[0].path for e in _drop_husks(order)] == ["/v", "/p", "/t"]

    elsewhere = node("/e", "scroll pane", extents=(0, 0, 100, 100))  # not under a sibling: kept
    named = node("/n", "scroll pane", "Preview")  # named: kept
    order = entries((view, ""), (elsewhere, "/v"), (named, "/v"), (pane, "/v"), (table, "/p"))
    assert [e[0].path for e in _drop_husks(order)] == ["/v", "/e", "/n", "/p", "/t"]

    lone = entries((view, ""), (husk, "/v"), (node("/h2", "scroll pane"), "/v"))  # no sibling has content
    assert len(_drop_husks(lone)) == 3


def test_a_node_off_the_screen_keeps_nothing_while_one_on_it_keeps_what_nothing_drew_over():
    """X reports no drawing off the screen: a terminal window grown past the edge moved its scroll bar unseen."""
    app = AppInfo(":1.5", name="gnome-terminal-server", toolkit="GTK", version="3.24.38")
    on, off, drawn = node("/on", "label"), node("/off", "scroll bar"), node("/drawn", "label")
    last = {
        (app.bus_name, "/on"): ((10, 10, 50, 20), "kept"),
        (app.bus_name, "/off"): ((1522, 25, 14, 458), None),
        (app.bus_name, "/drawn"): ((300, 300, 50, 20), "old"),
    }
    reusable = _reusable_fills(app, Changes(), [(290, 290, 100, 100)], last, screen=(1280, 800))
    assert reusable(on) == ((10, 10, 50, 20), "kept")
    assert reusable(off) is None
    assert reusable(drawn) is None
    edge = node("/edge", "panel")  # partly on the screen: drawing on its visible part is reported
    last[(app.bus_name, "/edge")] = ((1200, 0, 200, 50), None)
    assert reusable(edge) == ((1200, 0, 200, 50), None)
