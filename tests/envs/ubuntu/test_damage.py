"""The X DAMAGE watch on a real Xvfb, and the backend's reuse of a still screen's observation."""

from __future__ import annotations

import time

import numpy as np
import pytest
from Xlib import display as xdisplay

from autoplay_gym.envs.ubuntu.damage import DamageWatch, overlaps, with_covered_parts
from autoplay_gym.envs.ubuntu.session import Desktop
from tests.envs.ubuntu.helpers import click_label, damage_within



def test_reports_drawing_once_and_nothing_on_a_still_screen():
    desktop = Desktop((320, 240)).start()
    try:
        watch = DamageWatch(desktop.display)
        assert watch.available
        assert watch.damaged_since_last() is None  # the first look knows nothing yet
        assert watch.damaged_since_last() == []  # an empty Xvfb draws nothing
        painter = xdisplay.Display(desktop.display)
        root = painter.screen().root
        window = root.create_window(10, 10, 50, 40, 0, painter.screen().root_depth, background_pixel=0xFF0000)
        window.map()
        painter.sync()
        assert overlaps((10, 10, 50, 40), damage_within(watch))
        gc = window.create_gc(foreground=0x00FF00)
        window.fill_rectangle(gc, 30, 25, 5, 5)  # screen (40, 35): inside the window, far from its corner
        painter.sync()
        areas = damage_within(watch)
        assert overlaps((40, 35, 5, 5), areas) and not overlaps((10, 10, 20, 20), areas)
        assert watch.damaged_since_last() == []
        painter.close()
        desktop.close()
        assert watch.drawn_since_last()  # a dead display never claims a still screen
        watch.close()
    finally:
        desktop.close()


def test_drawing_under_a_covering_window_is_not_reported_so_the_covered_part_is_added():
    """X reports no drawing where a window lies under another, though its app may move what is there: when a
    window is drawn on where it shows, its covered parts count as drawn on too; drawing in the window on top
    does not make the one below count."""
    desktop = Desktop((320, 240)).start()
    try:
        watch = DamageWatch(desktop.display)
        painter = xdisplay.Display(desktop.display)
        root, depth = painter.screen().root, painter.screen().root_depth
        below = root.create_window(0, 0, 200, 150, 0, depth, background_pixel=0xFF0000)
        below.map()
        dialog = root.create_window(50, 40, 100, 60, 0, depth, background_pixel=0x0000FF)
        dialog.map()
        painter.sync()
        damage_within(watch)
        watch.damaged_since_last()
        gc = below.create_gc(foreground=0x00FF00)
        below.fill_rectangle(gc, 0, 0, 200, 150)  # the whole window, the part under the dialog included
        painter.sync()
        areas = damage_within(watch)
        assert areas and not overlaps((60, 50, 80, 40), areas)  # X says nothing of the covered part
        windows = [(0, 0, 200, 150), (50, 40, 100, 60)]
        assert overlaps((60, 50, 80, 40), with_covered_parts(areas, windows))
        assert with_covered_parts([(70, 60, 10, 10)], windows) == [(70, 60, 10, 10)]  # typing in the dialog
        assert with_covered_parts([(250, 200, 10, 10)], windows) == [(250, 200, 10, 10)]  # outside both
        painter.close()
    finally:
        desktop.close()


def _poll_within(watch: DamageWatch, deadline: float = 5.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if watch.poll():
            return True
        time.sleep(0.01)
    return False


def test_polling_keeps_the_areas_and_sees_every_redraw_of_the_same_area():
    """Settling polls between observations: a poll must not eat what the next observation needs to know, and
    drawing the same spot again must count as drawing again."""
    desktop = Desktop((320, 240)).start()
    try:
        watch = DamageWatch(desktop.display)
        watch.damaged_since_last()
        painter = xdisplay.Display(desktop.display)
        window = painter.screen().root.create_window(10, 10, 50, 40, 0, painter.screen().root_depth,
                                                     background_pixel=0xFF0000)
        window.map()
        painter.sync()
        gc = window.create_gc(foreground=0x00FF00)
        assert _poll_within(watch)
        assert watch.poll() is False  # nothing drawn since
        for _ in range(2):
            window.fill_rectangle(gc, 30, 25, 5, 5)  # the same spot twice: reported twice
            painter.sync()
            assert _poll_within(watch)
        areas = watch.damaged_since_last()  # everything the polls saw since the last observation
        assert overlaps((10, 10, 50, 40), areas) and overlaps((40, 35, 5, 5), areas)
        assert watch.damaged_since_last() == [] and watch.poll() is False
        painter.close()
    finally:
        desktop.close()
    assert watch.poll() is None  # the display is gone: nobody can tell
    watch.close()


def test_overlaps():
    assert overlaps((0, 0, 10, 10), [(5, 5, 10, 10)])
    assert not overlaps((0, 0, 10, 10), [(10, 0, 5, 5)])  # touching edges do not overlap
    assert not overlaps((0, 0, 10, 10), [])


def test_missing_display_never_reuses():
    watch = DamageWatch(":9999")
    assert not watch.available and watch.drawn_since_last()


def test_still_screen_returns_the_same_observation_and_a_change_ends_it(calculator):
    calculator.reset(seed=0)
    backend = calculator.backend
    backend._settle(time.monotonic())
    first = backend.observe()
    second = backend.observe()
    assert second.tree.to_text() == first.tree.to_text()
    assert np.array_equal(second.screenshot, first.screenshot)
    assert not second.screenshot.flags.writeable  # the next read's base: nobody may write into it
    with pytest.raises(ValueError):
        second.screenshot[0, 0] = 0
    observation = calculator._observation()["screenshot"]
    observation[0, 0] = 0  # the env's users get their own copy
    click_label(calculator, "7")
    after = backend.observe()
    assert after.tree.to_text() != first.tree.to_text()
    assert not np.array_equal(after.screenshot, first.screenshot)


def test_updating_the_drawn_areas_gives_the_full_grab():
    from autoplay_gym.envs.ubuntu.screen import Screen

    desktop = Desktop((320, 240)).start()
    try:
        screen, watch = Screen(desktop.display), DamageWatch(desktop.display)
        watch.damaged_since_last()
        painter = xdisplay.Display(desktop.display)
        window = painter.screen().root.create_window(
            20, 30, 100, 80, 0, painter.screen().root_depth, background_pixel=0x336699
        )
        window.map()
        painter.sync()
        before = screen.grab()
        assert tuple(before[40, 30]) == (0x33, 0x66, 0x99)  # RGB order, window pixels
        watch.damaged_since_last()
        window.fill_rectangle(window.create_gc(foreground=0xFF8000), 10, 10, 30, 20)
        painter.sync()
        areas = damage_within(watch)
        updated = screen.grab_update(before, areas)
        assert np.array_equal(updated, screen.grab())
        frame = screen.grab_frame()  # the same update from a frame already grabbed
        assert np.array_equal(screen.grab_update(before, areas, frame), updated)
        assert np.array_equal(screen.grab(frame), updated)
        assert tuple(updated[45, 35]) == (0xFF, 0x80, 0x00)
        assert tuple(before[45, 35]) == (0x33, 0x66, 0x99)  # the last frame is left alone
        painter.close()
        screen.close()
        watch.close()
    finally:
        desktop.close()


def test_drawn_so_far_leaves_the_areas_for_the_next_observation():
    desktop = Desktop((320, 240)).start()
    try:
        watch = DamageWatch(desktop.display)
        watch.damaged_since_last()
        assert watch.drawn_so_far() == []
        painter = xdisplay.Display(desktop.display)
        window = painter.screen().root.create_window(10, 10, 50, 40, 0, painter.screen().root_depth,
                                                     background_pixel=0xFF0000)
        window.map()
        painter.sync()
        assert _poll_within(watch)
        drawn = watch.drawn_so_far()
        assert overlaps((10, 10, 50, 40), drawn)
        assert watch.damaged_since_last() == drawn  # still reported
        painter.close()
    finally:
        desktop.close()
    assert watch.drawn_so_far() is None
