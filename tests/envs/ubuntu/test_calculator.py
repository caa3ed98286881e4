"""Calculator: element clicks drive the real gnome-calculator and the result shows in the tree."""

from __future__ import annotations

import numpy as np

from tests.envs.ubuntu.helpers import calculator_result, click_label


def test_seven_times_six_by_element_ids(calculator):
    obs, _ = calculator.reset(seed=1)
    before = obs["screenshot"].copy()
    for label in ("7", "×", "6", "="):
        click_label(calculator, label)
    assert calculator_result(calculator.tree) == "42"
    labels = [e.text for e in calculator.tree if e.role == "label"]
    assert "42" in labels  # the history row shows the result too
    after = calculator.render()
    assert after.shape == before.shape == (800, 1280, 3)
    assert np.count_nonzero((after != before).any(axis=2)) > 100  # the display was redrawn


def test_bounds_are_screen_pixels_and_hit_their_elements(calculator):
    calculator.reset(seed=2)
    frame = calculator.tree.find(role="frame")[0]
    # GTK4 reports window-relative extents; the frame must land inside the 1280x800 screen
    assert frame.bounds.x1 >= 0 and frame.bounds.y1 >= 0
    assert frame.bounds.x2 <= 1280 and frame.bounds.y2 <= 800
    seven = [e for e in calculator.tree if e.role == "push button" and e.text == "7"][0]
    x, y = seven.bounds.center
    assert calculator.tree.element_at(x, y).text == "7"


def test_info_holds_structured_elements(calculator):
    _, info = calculator.reset(seed=3)
    elements = info["ui_elements"]
    assert len(elements) == len(calculator.tree) > 30
    button = next(e for e in elements if e["role"] == "push button" and e["text"] == "=")
    for key in ("id", "role", "text", "description", "resource_id", "bounds", "clickable", "editable",
                "scrollable", "checkable", "checked", "selected", "enabled", "focused"):
        assert key in button
    assert button["clickable"] and button["enabled"] and len(button["bounds"]) == 4
    assert f'[{button["id"]}] push button "="' in calculator._observation()["a11y_tree"]


def test_a_mode_switch_leaves_one_keypad_in_a_stable_order(calculator):
    """GTK4 keeps the old mode's keypad in its cache under the old parent, at the new keypad's index: the tree
    listed both keypads, in an order that came from random object paths, so stored element ids named other
    buttons from one reset to the next (the flaky replay of "Open the Straight-Line Depreciation dialog")."""
    orders = []
    for seed in (4, 5):
        calculator.reset(seed=seed)
        click_label(calculator, "Basic")  # the "Mode selection" button shows the current mode's name
        item = calculator.tree.find(role="radio menu item", text="Financial")[0]
        _, _, _, _, info = calculator.step({"type": "click", "element": item.id})
        assert info["action_error"] is None, info["action_error"]
        buttons = [e.text for e in calculator.tree if e.role == "push button"]
        assert buttons.count("4") == 1 and "Sln" in buttons, buttons
        orders.append([(e.role, e.text) for e in calculator.tree])
    assert orders[0] == orders[1]
