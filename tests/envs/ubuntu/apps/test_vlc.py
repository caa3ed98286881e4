"""VLC (Qt 5): the whole tree is read node by node (Qt's cache is empty), a WAV made with `wave` is queued,
and Play / Stop drive real playback whose clock and duration show in the tree."""

from __future__ import annotations

import re
import time

import pytest

from autoplay_gym.envs.ubuntu import quirks
from tests.envs.ubuntu.apps import media
from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_frames_on_windows,
    assert_patched_reads_match_full_reads,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy

OPEN_WAV = {"files": {"Music/tone.wav": media.wav(seconds=30)}, "open": "Music/tone.wav"}
CLOCK = re.compile(r"^\s*\d\d:\d\d\s*$")


@pytest.fixture(scope="module")
def vlc():
    with app_env("VLC") as env:
        yield env


def elapsed(tree) -> str:
    return next(e.text for e in tree if e.role == "label" and e.description == "Elapsed time")


def button(tree, description_start: str):
    return next(e for e in tree if e.role == "push button" and e.description.startswith(description_start))


def test_check_env(vlc):
    strict_check_env(vlc)


def test_starts_without_the_privacy_dialog(vlc):
    vlc.reset(seed=0)
    assert not any(e.role == "dialog" for e in vlc.tree)  # the profile answered it
    assert any(e.role == "frame" and e.text == "VLC media player" for e in vlc.tree)
    assert_frames_on_windows(vlc)


def test_seeded_wav_plays_and_stops(vlc):
    vlc.reset(options=OPEN_WAV)
    assert not CLOCK.match(elapsed(vlc.tree))  # queued, not playing: no clock yet
    step_ok(vlc, {"type": "click", "element": button(vlc.tree, "Play").id})
    tree = wait_until(vlc, lambda t: CLOCK.match(elapsed(t)) is not None, "the elapsed-time clock")
    assert any(e.role == "frame" and e.text == "tone.wav - VLC media player" for e in tree)
    total = next(e.text for e in tree if e.role == "label" and e.description.startswith("Total"))
    assert total.strip() == "00:30"  # the WAV's real duration, read by VLC's demuxer
    step_ok(vlc, {"type": "click", "element": button(vlc.tree, "Stop playback").id})
    wait_until(vlc, lambda t: CLOCK.match(elapsed(t)) is None, "the clock to clear after Stop")


def test_idle_video_area_has_no_fading_cone(vlc):
    """The profile turns the background cone off: it fades in over a second each time the video area shows, so
    the step that hides the playlist would wait out the fade. The area is plain black, after a launch and after
    the playlist was shown and hidden again."""
    vlc.reset(seed=0)
    frame = next(e for e in vlc.tree if e.role == "frame" and e.text == "VLC media player").bounds
    menu_bottom = max(e.bounds.y2 for e in vlc.tree if e.role == "menu item")
    slider_top = min(e.bounds.y1 for e in vlc.tree if e.role == "label" and e.description == "Elapsed time")

    def video_area_is_black(screenshot) -> bool:
        return not screenshot[menu_bottom + 4 : slider_top - 4, frame.x1 + 4 : frame.x2 - 4].any()

    assert video_area_is_black(vlc.render())
    for _ in range(2):  # the playlist shows, then hides: the video area shows again
        step_ok(vlc, {"type": "hotkey", "keys": ["ctrl", "l"]})
    assert video_area_is_black(vlc.render())


def test_media_menu_items_are_named(vlc):
    vlc.reset(seed=0)
    media_menu = next(e for e in vlc.tree if e.role == "menu item" and e.text == "Media")
    step_ok(vlc, {"type": "click", "element": media_menu.id})
    tree = wait_until(vlc, lambda t: any(e.text.startswith("Open File") for e in t), "the Media menu")
    assert len(named(tree)) >= 15
    step_ok(vlc, {"type": "back"})


def test_reads_asked_ahead_match_reads_from_nothing(vlc):
    """Qt's tree is walked in full after every drawing, with the walk's calls asked at once from the last read
    (atspi._walk_ahead). With the playlist shown (nodes the last read lacked) and hidden again (nodes it had that
    went), each step's observation is what a read from nothing finds, and the walks took their answers from
    those asked ahead."""
    vlc.reset(seed=0)
    atspi = vlc.backend._atspi
    before = dict(atspi.walked_ahead)
    sizes = [len(vlc.tree)]
    for _ in ("shown", "hidden"):
        assert_patched_reads_match_full_reads(vlc, [{"type": "hotkey", "keys": ["ctrl", "l"]}])
        sizes.append(len(vlc.backend.observe().tree))
    assert sizes[1] > sizes[0] + 10 and sizes[2] == sizes[0], sizes  # the playlist's nodes came, then went
    assert atspi.walked_ahead["taken"] - before["taken"] >= 100, atspi.walked_ahead


def test_a_playlist_shown_again_is_read_as_from_nothing_with_its_containers_asked_ahead(vlc):
    """Each time the playlist is shown, Qt makes its cells anew; its containers keep their paths. Shown, hidden
    and shown again, the last read asks the remembered containers at once, as Qt announced the pane shown (or
    else once the pane answers that it shows: uncached.AskedAhead._ask_below), and finds what a read from
    nothing finds."""
    vlc.reset(seed=0)
    atspi = vlc.backend._atspi
    before = atspi.walked_ahead["revealed"]
    sizes = []
    for _ in ("shown", "hidden", "shown again"):
        step_ok(vlc, {"type": "hotkey", "keys": ["ctrl", "l"]})
        vlc.backend._settle(time.monotonic())
        sizes.append(len(vlc.backend.observe().tree))
    assert sizes[0] > sizes[1] + 10 and sizes[2] == sizes[0], sizes
    assert atspi.walked_ahead["revealed"] > before, atspi.walked_ahead
    patched = vlc.backend.observe().tree.to_text()
    assert patched == vlc.backend.observe(fresh=True).tree.to_text()


def test_a_hidden_playlist_is_not_asked_ahead_and_a_shown_ones_item_views_are(vlc, monkeypatch):
    """Qt announces each widget it hides or shows, and the walk asked ahead goes by that news: with the playlist
    hidden, nothing below it is asked (no answer goes unused). Shown again, what the read asks of the cells of
    its two item views (quirks.expand_managed) was asked ahead, each step once the one before answered
    (uncached.AskedAhead._expand_managing), and the read is what a read from nothing finds."""
    vlc.reset(seed=0)
    atspi = vlc.backend._atspi
    taken: list[int] = []
    expand_managed = quirks.expand_managed

    async def counted(call, *args, **kwargs):
        before = getattr(call, "taken", 0)
        omitted = await expand_managed(call, *args, **kwargs)
        taken.append(getattr(call, "taken", 0) - before)
        return omitted

    monkeypatch.setattr(quirks, "expand_managed", counted)
    toggle = {"type": "hotkey", "keys": ["ctrl", "l"]}
    step_ok(vlc, toggle)
    shown = len(vlc.tree)
    before = dict(atspi.walked_ahead)
    step_ok(vlc, toggle)
    assert len(vlc.tree) < shown - 10  # hidden
    assert atspi.walked_ahead["taken"] > before["taken"]
    assert atspi.walked_ahead["unused"] - before["unused"] < 10, atspi.walked_ahead  # ~66 before news steered it
    taken.clear()
    step_ok(vlc, toggle)
    cells = max(len(paths) for paths in atspi._read_afresh.values())  # the one app read: VLC
    assert len(vlc.tree) == shown and cells >= 20
    assert max(taken) >= cells, (taken, cells)  # at least each cell's states
    patched = vlc.backend.observe().tree.to_text()
    assert patched == vlc.backend.observe(fresh=True).tree.to_text()
