"""Agents built from specs, as pipeline workers build them."""

from __future__ import annotations

from autoplay_gym.agents.specs import MODEL_FREE, build_executor
from autoplay_gym.core.ui import Bounds, UIElement, UITree


def _info(*rows: str) -> dict:
    """A dialog with one check box per row name, each under its list item (as GTK4 lists them)."""
    elements = [UIElement(0, "dialog", "Preferences", bounds=Bounds(0, 0, 400, 400))]
    for i, name in enumerate(rows):
        y, item = 10 + 50 * i, len(elements)
        elements.append(UIElement(item, "list item", name, depth=1, parent=0, clickable=True,
                                  bounds=Bounds(0, y, 400, y + 40)))
        elements.append(UIElement(item + 1, "check box", name, depth=2, parent=item, checkable=True, clickable=True,
                                  bounds=Bounds(350, y + 10, 380, y + 30)))
    return {"ui_elements": UITree(elements).to_dicts()}


def test_the_model_free_executor_looks_stored_ids_up_again_by_their_recorded_descriptors():
    """Recorded on a screen where "Highlight Current Line"'s check box was element 2; executed on one where a
    row realised late comes first: the check box is element 4, and element 2 is the other row's check box."""
    task = {
        "witness": [{"type": "click", "element": 2}],
        "metadata": {"witness_targets": [{"role": "check box", "name": "Highlight Current Line", "rank": 0}]},
    }
    executor = build_executor(MODEL_FREE, task)
    later = _info("Custom Font", "Highlight Current Line")
    assert executor.act({}, later)["type"] == "wait"  # settling: one more look before an element action
    assert executor.act({}, later) == {"type": "click", "element": 4}


def test_a_task_without_recorded_descriptors_replays_its_ids_as_stored():
    executor = build_executor(MODEL_FREE, {"witness": [{"type": "click", "element": 2}]})
    later = _info("Custom Font", "Highlight Current Line")
    executor.act({}, later)
    assert executor.act({}, later) == {"type": "click", "element": 2}
