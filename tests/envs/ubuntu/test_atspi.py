"""Pure helpers of the AT-SPI reader, on hand-made nodes (no desktop)."""

from __future__ import annotations

from autoplay_gym.envs.ubuntu.atspi import RawNode, _drop_husks

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
