"""Where two frames differ, in squares of the screen: on made-up frames and on a real Xvfb."""

from __future__ import annotations

import time

import numpy as np
from Xlib import display as xdisplay

from autoplay_gym.envs.ubuntu.damage import DamageWatch
from autoplay_gym.envs.ubuntu.screen import TILE, Screen, changed_tiles
from autoplay_gym.envs.ubuntu.session import Desktop
from tests.envs.ubuntu.helpers import damage_within

WHOLE = [(0, 0, 10_000, 10_000)]


def test_one_changed_pixel_marks_its_square_only():
    before = np.zeros((240, 320, 4), np.uint8)
    after = before.copy()
    after[37, 50, 2] = 1
    tiles = changed_tiles(before, after, WHOLE)
    assert tiles.mask.sum() == 1 and tiles.mask[37 // TILE, 50 // TILE]
    assert tiles.overlaps((50, 37, 1, 1)) and tiles.overlaps((40, 30, 20, 20))
    assert not tiles.overlaps((0, 0, 48, 32)) and not tiles.overlaps((64, 0, 100, 240))
    assert not changed_tiles(before, before.copy(), WHOLE).mask.any()


def test_odd_sizes_keep_the_last_row_and_column():
    before = np.zeros((250, 330, 3), np.uint8)
    after = before.copy()
    after[249, 329] = 255
    tiles = changed_tiles(before, after, [(300, 240, 30, 10)])
    assert tiles.mask.shape == (16, 21) and tiles.mask.sum() == 1
    assert tiles.overlaps((329, 249, 1, 1)) and not tiles.overlaps((0, 0, 320, 240))


def test_only_the_rows_of_the_drawn_areas_are_compared():
    before = np.zeros((240, 320, 4), np.uint8)
    after = before.copy()
    after[10, 10] = after[200, 200] = 7
    tiles = changed_tiles(before, after, [(150, 190, 100, 20)])
    assert tiles.overlaps((200, 200, 1, 1)) and not tiles.overlaps((10, 10, 1, 1))


def test_including_marks_every_square_an_area_touches():
    tiles = changed_tiles(np.zeros((64, 64, 4), np.uint8), np.zeros((64, 64, 4), np.uint8), WHOLE)
    more = tiles.including([(15, 15, 2, 2)])
    assert more.mask.sum() == 4 and not tiles.mask.any()  # the original is left alone
    assert changed_tiles(np.zeros((64, 64, 4), np.uint8), np.zeros((32, 64, 4), np.uint8), WHOLE) is None


def test_areas_give_one_span_per_row_of_changed_squares():
    before = np.zeros((64, 96, 4), np.uint8)
    after = before.copy()
    after[5, 20] = after[5, 70] = after[40, 3] = 9
    tiles = changed_tiles(before, after, WHOLE)
    assert tiles.areas() == [(16, 0, 64, 16), (0, 32, 16, 16)]
    assert changed_tiles(before, before, WHOLE).areas() == []


def test_far_apart_drawings_are_patched_into_the_last_screenshot():
    """Two small drawings in opposite corners (a box around them covers the screen) are converted alone, and
    the result equals a full grab, whether grabbed anew or taken from a frame."""
    desktop = Desktop((320, 240)).start()
    try:
        screen = Screen(desktop.display)
        painter = xdisplay.Display(desktop.display)
        root = painter.screen().root
        window = root.create_window(0, 0, 320, 240, 0, painter.screen().root_depth, background_pixel=0x203040)
        window.map()
        painter.sync()
        deadline = time.monotonic() + 5
        last = screen.grab()
        while not (last == (0x20, 0x30, 0x40)).all():  # the window's background, once drawn
            assert time.monotonic() < deadline, "the window was never drawn"
            time.sleep(0.01)
            last = screen.grab()
        gc = window.create_gc(foreground=0xFF8000)
        window.fill_rectangle(gc, 2, 3, 10, 10)
        window.fill_rectangle(gc, 300, 220, 12, 15)
        painter.sync()
        areas = [(2, 3, 10, 10), (300, 220, 12, 15)]
        patched = screen.grab_update(last, areas)
        assert (patched == screen.grab()).all() and (patched[5, 5] == (0xFF, 0x80, 0x00)).all()
        assert (screen.grab_update(last, areas, screen.grab_frame()) == patched).all()
        assert (last[5, 5] == (0x20, 0x30, 0x40)).all()  # the last screenshot is left alone
        painter.close()
        screen.close()
    finally:
        desktop.close()


def test_updates_reuse_only_the_buffers_nobody_holds():
    """Chained updates alternate between two buffers (no new array, no page faults) and each equals the screen,
    also where the update before drew (copied, or rewritten by this update); a screenshot someone still holds is
    never written again."""
    desktop = Desktop((320, 240)).start()
    try:
        screen = Screen(desktop.display)
        painter = xdisplay.Display(desktop.display)
        window = painter.screen().root.create_window(0, 0, 320, 240, 0, painter.screen().root_depth,
                                                     background_pixel=0x000000)
        window.map()
        painter.sync()
        deadline = time.monotonic() + 5
        while not (screen.grab_frame()[..., :3] == 0).all():
            assert time.monotonic() < deadline, "the window was never drawn"
            time.sleep(0.01)
        last = screen.grab()
        buffers, held = set(), None
        for step in range(8):
            box = (10 + 37 * step % 280, 5 + 23 * step % 200, 30, 20)
            window.fill_rectangle(window.create_gc(foreground=0x010203 * (step + 1)), *box)
            painter.sync()
            last = screen.grab_update(last, [box])
            last.flags.writeable = False  # as the backend hands it out
            assert (last == screen.grab_frame()[..., 2::-1]).all(), f"step {step}"
            buffers.add(last.__array_interface__["data"][0])
            if step == 5:
                held, kept = last, last.copy()
        assert len(buffers) <= 3  # the first copy, then two buffers in turn (the held one left the rotation)
        assert (held == kept).all()
        growing = [(100 - 10 * k, 100 - 10 * k, 30 + 20 * k, 30 + 20 * k) for k in range(4)]
        shifting = [(163 + 3 * k, 60, 30, 30) for k in range(4)]  # each leaves a strip of the one before
        for step, box in enumerate(growing + shifting):  # each rewrites the box the one before drew, or most of it
            window.fill_rectangle(window.create_gc(foreground=0x202020 * (step + 1)), *box)
            painter.sync()
            last = screen.grab_update(last, [box])
            last.flags.writeable = False
            assert (last == screen.grab_frame()[..., 2::-1]).all(), f"box {box}"
        painter.close()
        screen.close()
    finally:
        desktop.close()


def test_a_redraw_with_the_same_pixels_is_damage_but_no_change():
    """X reports a drawing even when it leaves the pixels as they were; the frames tell the two apart."""
    desktop = Desktop((320, 240)).start()
    try:
        screen, watch = Screen(desktop.display), DamageWatch(desktop.display)
        watch.damaged_since_last()  # the first look knows nothing
        painter = xdisplay.Display(desktop.display)
        window = painter.screen().root.create_window(
            20, 30, 100, 80, 0, painter.screen().root_depth, background_pixel=0x336699
        )
        window.map()
        painter.sync()
        assert damage_within(watch)
        before = screen.grab_frame()
        window.fill_rectangle(window.create_gc(foreground=0x336699), 0, 0, 100, 80)  # the same colour again
        painter.sync()
        areas = damage_within(watch)
        assert areas and not changed_tiles(before, screen.grab_frame(), areas).mask.any()
        window.fill_rectangle(window.create_gc(foreground=0xFF8000), 40, 40, 5, 5)  # screen (60, 70)
        painter.sync()
        areas = damage_within(watch)
        tiles = changed_tiles(before, screen.grab_frame(), areas)
        assert tiles.overlaps((60, 70, 5, 5)) and not tiles.overlaps((0, 0, 320, 64))
        painter.close()
        screen.close()
        watch.close()
    finally:
        desktop.close()
