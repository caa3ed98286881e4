"""ImageViewer (eog): a PNG made with Pillow opens, its properties are in the tree, and Zoom In zooms."""

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

OPEN_PNG = {"files": {"Pictures/shapes.png": media.png(320, 240)}, "open": "Pictures/shapes.png"}


@pytest.fixture(scope="module")
def viewer():
    with app_env("ImageViewer") as env:
        yield env


def _zoom(tree) -> float:
    return float(next(e.text for e in tree if e.role == "text" and e.text.endswith("%")).rstrip("%"))


def test_check_env(viewer):
    strict_check_env(viewer)


def test_png_opens_with_its_properties(viewer):
    viewer.reset(options=OPEN_PNG)
    assert find(viewer.tree, "frame", "shapes.png")
    labels = {e.text for e in viewer.tree if e.role == "label"}
    assert {"320 × 240 pixels", "PNG image"} <= labels
    assert len(named(viewer.tree)) >= 15
    assert_frames_on_windows(viewer)  # eog centres itself: true screen pixels, not window-relative


def test_zoom_in_button(viewer):
    viewer.reset(options=OPEN_PNG)
    before = _zoom(viewer.tree)
    step_ok(viewer, {"type": "click", "element": find(viewer.tree, "push button", "Zoom In").id})
    wait_until(viewer, lambda t: _zoom(t) > before, "the zoom level to grow")


def test_the_zoom_popover_is_placed_where_a_full_read_places_it(viewer):
    """GTK3 caches a popover under its window at index -1, while the box of the button that opens it lists it
    as a child: a read patched from the popover's news places it as the cache does, as a full read does
    (it came before the zoom buttons, not after the window's other children)."""
    viewer.reset(options=OPEN_PNG)
    arrow = find(viewer.tree, "icon", "go-down-symbolic")
    patched = assert_patched_reads_match_full_reads(viewer, [
        {"type": "click", "element": arrow.id},
        {"type": "back"},
        {"type": "click", "element": arrow.id},
    ])
    assert patched > 0
