"""GIMP (GTK2): a seeded PNG opens, its toolbox is read although atk-bridge never cached it, and menu and
tool actions change the image and the tool options."""

from __future__ import annotations

import pytest

from autoplay_gym.envs.ubuntu import profiles
from tests.envs.ubuntu.apps import media
from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_frames_on_windows,
    find,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy

OPEN_PNG = {"files": {"Pictures/shapes.png": media.png(320, 240)}, "open": "Pictures/shapes.png"}


@pytest.fixture(scope="module")
def gimp():
    with app_env("GIMP") as env:
        yield env


def title(tree) -> str:
    return next(e.text for e in tree if e.role == "frame")


def test_check_env(gimp):
    strict_check_env(gimp)


def test_seeded_png_opens_with_toolbox_and_docks(gimp):
    gimp.reset(options=OPEN_PNG)
    assert "[shapes] (imported)" in title(gimp.tree) and "320x240" in title(gimp.tree)
    tools = [e for e in gimp.tree if e.role == "panel" and e.description.startswith("Text Tool")]
    assert tools and tools[0].bounds is not None  # a toolbox button, read node by node
    assert len(named(gimp.tree)) >= 15
    assert_frames_on_windows(gimp)


def test_choosing_a_tool_changes_the_tool_options(gimp):
    gimp.reset(options=OPEN_PNG)
    holder = next(e for e in gimp.tree if e.role == "panel" and e.description.startswith("Text Tool"))
    button = next(e for e in gimp.tree if e.role == "toggle button" and e.parent == holder.id)
    step_ok(gimp, {"type": "click", "element": button.id})
    wait_until(gimp, lambda t: any(e.role == "label" and e.text == "Text" for e in t), "the Text tool options")


def test_invert_from_the_colors_menu_marks_the_image_dirty(gimp):
    gimp.reset(options=OPEN_PNG)
    assert not title(gimp.tree).startswith("*")
    step_ok(gimp, {"type": "click", "element": find(gimp.tree, "menu", "Colors").id})
    menu = wait_until(gimp, lambda t: any(e.role == "menu item" and e.text == "Invert" for e in t), "the Colors menu")
    step_ok(gimp, {"type": "click", "element": find(menu, "menu item", "Invert").id})
    wait_until(gimp, lambda t: title(t).startswith("*[shapes]"), "the modified-image mark in the title")


def test_plugin_list_is_kept_and_seeded_into_the_next_episode(gimp, tmp_path, monkeypatch):
    """A fresh profile makes GIMP query every plug-in and write what it learnt (pluginrc). That file is kept from
    the launch and copied into the next episode's HOME, where GIMP finds the same plug-ins (it writes the file
    back unchanged) and starts in the same state. (The time it saves is measured, not tested: ~0.9 s a reset.)"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # an empty store: this reset is a first start
    gimp.reset(seed=0)
    written = (gimp.backend.home / profiles.GIMP_PLUGINRC).read_bytes()
    assert b"(plug-in-def " in written
    assert (profiles.carried_store("GIMP") / profiles.GIMP_PLUGINRC).read_bytes() == written
    first_tree = gimp.tree.to_text()

    seeded: list[bytes] = []
    carry_in = profiles.carry_in

    def recording_carry_in(home, app_name, paths):
        carry_in(home, app_name, paths)
        seeded.append((home / profiles.GIMP_PLUGINRC).read_bytes())  # what the HOME holds before the launch

    monkeypatch.setattr(profiles, "carry_in", recording_carry_in)
    gimp.reset(seed=0)
    assert seeded == [written]
    assert (gimp.backend.home / profiles.GIMP_PLUGINRC).read_bytes() == written
    assert gimp.tree.to_text() == first_tree
