"""Visibility: what an explorer may click, on hand-made trees."""

from __future__ import annotations

from autoplay_gym.agents.targets import visible_ids
from autoplay_gym.core.ui import Bounds, UIElement, UITree


def _tree(dialog_role: str = "filler", dialog_title: str = "Save As") -> UITree:
    return UITree([
        UIElement(0, "frame", "Editor", bounds=Bounds(5, 5, 695, 515)),
        UIElement(1, "push button", "Menu", bounds=Bounds(546, 16, 570, 40), clickable=True, depth=1, parent=0),
        UIElement(2, "text", "", bounds=Bounds(5, 600, 695, 700), editable=True, depth=1, parent=0),
        UIElement(3, "push button", "New tab", bounds=Bounds(99, 450, 123, 474), clickable=True, depth=1, parent=0),
        UIElement(4, dialog_role, dialog_title, bounds=Bounds(0, 0, 1232, 419)),
        UIElement(5, "push button", "Cancel", bounds=Bounds(1076, 378, 1126, 402), clickable=True, depth=1, parent=4),
    ])


def test_a_later_window_covers_what_lies_under_it():
    shown = visible_ids(_tree())
    assert 1 not in shown  # the header bar's Menu button lies under the Save As dialog: a click lands there
    assert {0, 3, 4, 5} <= shown  # what sticks out below the dialog, both windows (still open), the dialog's button
    assert 2 not in shown  # outside its own window: a ghost


def test_an_untitled_leftover_covers_nothing():
    assert 1 in visible_ids(_tree(dialog_role="panel", dialog_title=""))  # a closed dialog's husk, for a moment
    assert 1 not in visible_ids(_tree(dialog_role="dialog", dialog_title=""))  # a real dialog, even untitled
