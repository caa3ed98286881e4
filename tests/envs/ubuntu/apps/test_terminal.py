"""Terminal (gnome-terminal): commands typed through XTEST run in a real shell and their output is in the tree."""

from __future__ import annotations

from tests.envs.ubuntu.apps.support import (
    assert_frames_on_windows,
    assert_patched_reads_match_full_reads,
    find,
    named,
    step_ok,
    strict_check_env,
    terminal_text,
    wait_until,
)


def test_check_env(terminal):
    strict_check_env(terminal)


def test_echo_output_reads_back(terminal):
    terminal.reset(seed=0)
    assert "$" in terminal_text(terminal.tree) or "#" in terminal_text(terminal.tree)  # the prompt
    assert_frames_on_windows(terminal)
    step_ok(terminal, {"type": "type", "text": "echo autoplay-$((6*7))\n"})
    # only the shell's output, not the typed command, contains the evaluated number
    wait_until(terminal, lambda t: "autoplay-42" in terminal_text(t), "the echo output")


def test_opens_in_the_seeded_folder(terminal):
    terminal.reset(options={"files": {"work/notes-for-agent.txt": "hello"}, "open": "work"})
    step_ok(terminal, {"type": "type", "text": "ls; pwd\n"})
    tree = wait_until(terminal, lambda t: "notes-for-agent.txt" in terminal_text(t), "the seeded file in ls")
    assert "/work" in terminal_text(tree)


def test_open_menu_lists_named_items_onterminal_text(terminal):
    terminal.reset(seed=0)
    step_ok(terminal, {"type": "click", "element": find(terminal.tree, "menu", "Terminal").id})
    tree = wait_until(terminal, lambda t: any(e.role == "menu item" for e in t), "the open menu")
    items = [e for e in tree if e.role == "menu item"]
    assert {"Reset", "Reset and Clear"} <= {e.text for e in items}
    assert all(e.bounds is not None and e.bounds.clip(1280, 800) == e.bounds for e in items)
    assert len(named(tree)) >= 15
    step_ok(terminal, {"type": "back"})  # Escape closes the menu
    wait_until(terminal, lambda t: not any(e.role == "menu item" for e in t), "the menu to close")


def test_patched_reads_match_full_reads(terminal):
    """GTK3 announces its changes: typing, output, a menu and focus moves patch the last read exactly."""
    terminal.reset(seed=0)
    patched = assert_patched_reads_match_full_reads(terminal, [
        {"type": "type", "text": "echo patched-$((6*7))\n"},
        {"type": "click", "element": find(terminal.tree, "menu", "Edit").id},
        {"type": "back"},
        {"type": "type", "text": "ls /\n"},
    ])
    assert patched > 0


def test_tabbing_through_combo_boxes_patches_as_a_full_read_reads(terminal):
    """GTK3 gives the focus to a combo box's inner toggle button, which neither its cache nor the combo box
    lists: a full read never holds it, so a read patched from the focus event must leave it out too."""
    terminal.reset(seed=0)
    step_ok(terminal, {"type": "click", "element": find(terminal.tree, "menu", "Edit").id})
    tree = wait_until(terminal, lambda t: any(e.role == "menu item" and "Preferences" in e.text for e in t), "Edit")
    preferences = next(e for e in tree if e.role == "menu item" and "Preferences" in e.text)
    step_ok(terminal, {"type": "click", "element": preferences.id})
    wait_until(terminal, lambda t: any(e.role == "check box" and e.text == "Custom font:" for e in t), "the dialog")
    # the 11th to 13th presses focus the "Allow blinking text", "Cursor shape" and "Cursor blinking" combo boxes
    assert_patched_reads_match_full_reads(terminal, [{"type": "key", "key": "Tab"}] * 13)
