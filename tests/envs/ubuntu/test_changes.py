"""Which AT-SPI events let a read be patched node by node, and which ask for a full read."""

from __future__ import annotations

import pytest

from autoplay_gym.envs.ubuntu.changes import MAX_CHANGED, Changes

NODE = "/org/a11y/atspi/accessible/7"


def test_nothing_announced_is_falsy():
    assert not Changes()


@pytest.mark.parametrize("member", ["TextCaretMoved", "BoundsChanged", "TextSelectionChanged", "LinkSelected"])
def test_pixel_only_events_change_nothing(member):
    changes = Changes()
    changes.add_event(member, NODE)
    assert not changes


@pytest.mark.parametrize("member", ["StateChanged", "PropertyChange", "TextChanged", "VisibleDataChanged"])
def test_node_events_name_the_node(member):
    changes = Changes()
    changes.add_event(member, NODE, "checked")
    assert changes.nodes == {NODE} and not changes.full and not changes.focus


@pytest.mark.parametrize("detail", ["showing", "visible"])
def test_a_node_shown_or_hidden_reshapes_the_read(detail):
    """Which nodes a read keeps may change: nothing is asked for ahead of it (atspi._fills_ahead)."""
    shown, checked, children = Changes(), Changes(), Changes()
    shown.add_event("StateChanged", NODE, detail)
    checked.add_event("StateChanged", NODE, "checked")
    children.add_event("ChildrenChanged", NODE, "add")
    assert shown.reshaped and children.reshaped and not checked.reshaped and not Changes().reshaped


@pytest.mark.parametrize("detail", ["showing", "visible"])
def test_only_a_node_that_says_it_was_shown_is_revealed(detail):
    """A node shown, not one hidden, makes the read ask for the app's cache ahead (atspi._described_ahead)."""
    shown, hidden, checked = Changes(), Changes(), Changes()
    shown.add_event("StateChanged", NODE, detail, gained=True)
    hidden.add_event("StateChanged", NODE, detail, gained=False)
    checked.add_event("StateChanged", NODE, "checked", gained=True)
    assert shown.revealed and not hidden.revealed and not checked.revealed
    assert hidden.shown and hidden.nodes == {NODE}


def test_the_last_news_of_each_nodes_showing_state_is_kept():
    """A walk asked ahead goes where the app said it shows (atspi._walk_ahead): the last word counts."""
    other = NODE + "1"
    changes = Changes()
    changes.add_event("StateChanged", NODE, "showing", gained=True)
    changes.add_event("StateChanged", other, "showing", gained=True)
    changes.add_event("StateChanged", NODE, "showing", gained=False)
    changes.add_event("StateChanged", NODE + "2", "visible", gained=False)  # visible is not SHOWING
    changes.add_event("StateChanged", NODE + "3", "checked", gained=True)
    assert changes.showing == {NODE: False, other: True}


def test_focus_state_change_rereads_former_focus_holders():
    changes = Changes()
    changes.add_event("StateChanged", NODE, "focused")
    assert changes.focus


@pytest.mark.parametrize("member", ["RowInserted", "ModelChanged", "SomethingNew"])
def test_table_and_unknown_events_ask_for_a_full_read(member):
    changes = Changes()
    changes.add_event(member, NODE)
    assert changes.full


def test_children_added_or_removed_relist_the_parent():
    changes = Changes()
    changes.add_event("ChildrenChanged", NODE, "add")
    changes.add_event("ChildrenChanged", NODE, "remove")
    assert changes.structure == {NODE} and changes and not changes.full and not changes.nodes


def test_selection_changes_reread_the_children():
    changes = Changes()
    changes.add_event("SelectionChanged", NODE)
    assert changes.child_states == {NODE} and not changes.full


def test_window_creation_is_structure_activation_is_not():
    created, activated = Changes(), Changes()
    created.add_window_event("Create", NODE)
    activated.add_window_event("Activate", NODE)
    assert created.full
    assert activated.nodes == {NODE} and not activated.full


def test_focus_events_mark_focus():
    changes = Changes()
    changes.add_focus_event(NODE)
    assert changes.focus and changes.nodes == {NODE}


def test_too_many_changes_are_read_in_full():
    changes = Changes()
    for i in range(MAX_CHANGED + 1):
        changes.add_event("StateChanged", f"/org/a11y/atspi/accessible/{i}")
    assert changes.too_many
