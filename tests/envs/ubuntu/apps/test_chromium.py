"""Chromium: a seeded local page's DOM is in the tree (renderer accessibility forced on), a form filled in
through it runs the page's own script, and a bar shown without any AT-SPI event is in the next observation."""

from __future__ import annotations

import pytest

from tests.envs.ubuntu.apps import media
from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_frames_on_windows,
    assert_patched_reads_match_full_reads,
    find,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy

PAGE = media.html(
    "Order form",
    "<h1>Order form</h1><label for='qty'>Quantity</label><input id='qty' type='text'>"
    "<button onclick=\"document.getElementById('out').textContent = "
    "'Ordered ' + document.getElementById('qty').value + ' crates'\">Place order</button>"
    "<p id='out'>Nothing ordered yet</p>",
)
OPEN_PAGE = {"files": {"Documents/order.html": PAGE}, "open": "Documents/order.html"}


@pytest.fixture(scope="module")
def chromium():
    with app_env("Chromium") as env:
        yield env


def test_check_env(chromium):
    strict_check_env(chromium)


def test_page_content_is_in_the_tree(chromium):
    chromium.reset(options=OPEN_PAGE)
    assert find(chromium.tree, "document web", "Order form")
    assert find(chromium.tree, "heading", "Order form")
    assert find(chromium.tree, "paragraph", "Nothing ordered yet")
    assert len(named(chromium.tree)) >= 15
    # Chromium keeps hidden popups as SHOWING frames: only the real window's frame is left.
    assert [e.text for e in chromium.tree if e.role == "frame"] == ["Order form - Chromium"]
    assert_frames_on_windows(chromium)


def test_filling_the_form_runs_the_page_script(chromium):
    chromium.reset(options=OPEN_PAGE)
    page = find(chromium.tree, "document web", "Order form")
    field = next(e for e in chromium.tree if e.role == "entry" and page.bounds.contains(*e.bounds.center))
    step_ok(chromium, {"type": "type", "text": "7", "element": field.id})
    step_ok(chromium, {"type": "click", "element": find(chromium.tree, "push button", "Place order").id})
    wait_until(chromium, lambda t: any(e.role == "paragraph" and e.text == "Ordered 7 crates" for e in t),
               "the script's output")


def test_the_bookmarks_bar_shown_without_an_event_is_observed(chromium):
    """Chromium shows and hides its bookmarks bar without an AT-SPI event: only the drawing tells. The step's
    observation must hold it (or not) as a full read does, not the tree from before the key. Those full reads
    ask their GetItems and the walk of the uncached nodes ahead (atspi._walk_ahead), and take the answers."""
    chromium.reset(seed=0)
    toggle = {"type": "hotkey", "keys": ["ctrl", "shift", "b"]}
    shown = any(e.role == "tool bar" and e.text == "Bookmarks" for e in chromium.tree)
    taken = chromium.backend._atspi.walked_ahead["taken"]
    for _ in range(2):
        step_ok(chromium, toggle)
        shown = not shown
        assert_patched_reads_match_full_reads(chromium, [{"type": "wait", "seconds": 0.0}])
        assert any(e.role == "tool bar" and e.text == "Bookmarks" for e in chromium.tree) == shown
    assert chromium.backend._atspi.walked_ahead["taken"] - taken >= 4  # GetItems and walked nodes' answers
