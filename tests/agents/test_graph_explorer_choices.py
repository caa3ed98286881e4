"""The GraphExplorer's choices once every element was tried, on a toy app (no desktop): familiar actions that
found new screens come first, and a walk heads for the screens visited least."""

from __future__ import annotations

from itertools import product

from autoplay_gym.agents.graph_explorer import GraphExplorer
from autoplay_gym.core.ui import Bounds, UIElement, UITree

TOGGLES = ("Wrap", "Numbers", "Grid")
INERT = ("Help", "About")


class ToyApp:
    """One window of three check boxes (every combination of them is a screen of its own) and two buttons
    that do nothing."""

    def __init__(self) -> None:
        self.on = dict.fromkeys(TOGGLES, False)
        self.clicks: dict[str, int] = {}

    def tree(self) -> UITree:
        elements = [UIElement(0, "frame", "Toy", bounds=Bounds(0, 0, 400, 300))]
        for i, name in enumerate(TOGGLES + INERT, 1):
            toggle = name in self.on
            elements.append(UIElement(i, "check box" if toggle else "push button", name, parent=0, depth=1,
                                      bounds=Bounds(10, 40 * i, 150, 40 * i + 30), clickable=True,
                                      checkable=toggle, checked=self.on.get(name, False)))
        return UITree(elements)

    def step(self, action: dict) -> None:
        assert action["type"] in ("click", "back", "reset"), action
        if action["type"] == "reset":  # a relaunch: the app starts over
            self.on = dict.fromkeys(TOGGLES, False)
        elif action["type"] == "click":
            name = self.tree()[action["element"]].text
            self.clicks[name] = self.clicks.get(name, 0) + 1
            if name in self.on:
                self.on[name] = not self.on[name]


def explore_toy(steps: int, seed: int) -> tuple[ToyApp, set[tuple[bool, ...]]]:
    app, explorer = ToyApp(), GraphExplorer(seed=seed)
    explorer.reset("")
    seen = {tuple(app.on.values())}
    for _ in range(steps):
        action = explorer.act({"screenshot": None}, {"ui_elements": app.tree().to_dicts()})
        app.step(action)
        if action["type"] == "reset":
            explorer.reset("")
        seen.add(tuple(app.on.values()))
    return app, seen


def test_once_everything_was_tried_it_keeps_taking_what_found_new_screens():
    for seed in range(10):
        app, seen = explore_toy(40, seed)
        assert seen == set(product((False, True), repeat=len(TOGGLES))), f"seed {seed}: {len(seen)} of 8"
        assert all(app.clicks.get(name, 0) <= 2 for name in INERT), app.clicks  # they never changed anything
