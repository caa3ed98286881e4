"""Toolkit corrections as pure functions, on node trees shaped like the ones the apps report (see quirks.py);
the app tests check the same rules against the live apps."""

from __future__ import annotations

import pytest

from autoplay_gym.envs.ubuntu.atspi import AppInfo, RawNode, TopWindow
from autoplay_gym.envs.ubuntu.quirks import (
    CELL_ADDRESS,
    column_index,
    column_name,
    fix_libreoffice_extents,
    unmapped_roots,
)


def node(path: str, role: str, extents, *children: RawNode, name: str = "") -> RawNode:
    n = RawNode(path, "", 0, len(children), [], name, role, "", 0, list(children))
    n.extents = extents
    return n


@pytest.mark.parametrize("index,letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_spreadsheet_column_names(index, letters):
    assert column_name(index) == letters
    assert column_index(letters) == index


def test_cell_addresses_parse_with_or_without_dollars():
    assert CELL_ADDRESS.match("B3").groups() == ("B", "3")
    assert CELL_ADDRESS.match("$XFD$1048576").groups() == ("XFD", "1048576")
    assert CELL_ADDRESS.match("Sheet1") is None


def _libreoffice_window():
    menu = node("m", "menu bar", (57, 50, 1165, 25), node("f", "menu", (57, 50, 35, 25), name="File"))
    toolbar = node("t", "tool bar", (57, 50, 1165, 39), node("b", "push button", (61, 52, 44, 35), name="New"))
    island = node("g", "scroll pane", (324, 116, 207, 34))  # a GTK combo box: already right
    pane = node("p", "root pane", (57, 50, 1165, 675), menu, toolbar, island)
    return node("w", "frame", (57, 50, 1165, 700), pane), pane, toolbar, island


def test_libreoffice_vcl_widgets_move_below_the_menu_bar():
    frame, pane, toolbar, island = _libreoffice_window()
    app = AppInfo(":1.3", name="soffice")
    app.quirk_memo["gtk_islands"] = {"g": True, "t": False}
    fix_libreoffice_extents(app, [frame], [TopWindow("Untitled 1", 57, 50, 1165, 700)])
    assert pane.extents == (57, 75, 1165, 675)
    assert toolbar.extents == (57, 75, 1165, 39) and toolbar.children[0].extents == (61, 77, 44, 35)
    assert island.extents == (324, 116, 207, 34)  # GTK widgets report true positions
    assert pane.children[0].extents == (57, 50, 1165, 25)  # the menu bar too


def test_no_shift_without_a_gap_or_for_other_apps():
    frame, pane, toolbar, _ = _libreoffice_window()
    fix_libreoffice_extents(AppInfo(":1.3", name="gedit"), [frame], [TopWindow("x", 57, 50, 1165, 700)])
    assert pane.extents == (57, 50, 1165, 675)
    fix_libreoffice_extents(AppInfo(":1.3", name="soffice"), [frame], [TopWindow("x", 57, 50, 1165, 675)])
    assert toolbar.extents == (57, 50, 1165, 39)


def test_frames_without_a_mapped_window_are_hidden():
    real = node("a", "frame", (10, 10, 1050, 780), name="Order form - Chromium")
    ghost = node("b", "frame", (109, 35, 888, 89))  # the omnibox popup, closed
    orphan = node("c", "panel", (300, 300, 50, 50))  # not a top level: kept whatever its place
    windows = [TopWindow("Order form - Chromium", 10, 10, 1050, 780)]
    assert unmapped_roots([real, ghost, orphan], windows) == {1}
    assert unmapped_roots([real, ghost], []) == set()  # no window list: nothing to judge by
