"""ReplayExecutor's settling and id checks, on hand-made observations (the real replays are in
test_graph_generator)."""

from __future__ import annotations

from autoplay_gym.agents.replay import SETTLE_TRIES, ReplayExecutor
from autoplay_gym.core.ui import Bounds, UIElement, UITree


def _info(text: str = "", extra: bool = False) -> dict:
    elements = [UIElement(0, "frame", "Editor", bounds=Bounds(0, 0, 100, 100)),
                UIElement(1, "text", text, editable=True, depth=1, parent=0, bounds=Bounds(0, 0, 100, 50))]
    if extra:
        elements.insert(1, UIElement(1, "progress bar", "", depth=1, parent=0))
    return {"ui_elements": UITree(elements).renumbered().to_dicts()}


TYPE = {"type": "type", "text": "hi", "element": 1, "clear": True}


def test_it_waits_until_two_observations_agree_before_element_actions_and_done():
    executor = ReplayExecutor([{"type": "hotkey", "keys": ["ctrl", "n"]}, TYPE])
    assert executor.act({}, _info())["type"] == "hotkey"  # no element: no need to settle first
    assert executor.act({}, _info())["type"] == "wait"  # look once more before acting on an element ...
    assert executor.act({}, _info())["type"] == "type"  # ... two equal observations in a row
    assert executor.act({}, _info(""))["type"] == "wait"
    assert executor.act({}, _info("hi"))["type"] == "wait"  # the typed text showed up late: look again
    assert executor.act({}, _info("hi")) == {"type": "done", "status": "success"}


def test_settling_gives_up_on_a_screen_that_never_stops_changing():
    executor = ReplayExecutor([])
    actions = [executor.act({}, _info(str(i)))["type"] for i in range(SETTLE_TRIES + 1)]
    assert actions == ["wait"] * SETTLE_TRIES + ["done"]


def test_ids_are_resolved_or_checked_against_the_recorded_descriptors():
    target = {"role": "text", "name": "", "rank": 0, "editable": True}
    shifted = _info(extra=True)  # a progress bar before the field: the field is element 2 now
    resolving = ReplayExecutor([TYPE], [target])
    assert resolving.act({}, shifted)["type"] == "wait"
    assert resolving.act({}, shifted)["element"] == 2 and resolving.mismatch is None
    exact = ReplayExecutor([TYPE], [target], resolve=False)
    assert exact.act({}, shifted)["type"] == "wait"
    assert exact.act({}, shifted)["element"] == 1  # run as stored ...
    assert exact.mismatch and "element 1" in exact.mismatch  # ... but the stored id named another element
