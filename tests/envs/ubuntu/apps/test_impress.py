"""LibreOffice Impress: no template picker on start, a typed slide title reads back, a new slide appears, and
reads patched from events (a new slide adds and removes children) equal full reads."""

from __future__ import annotations

import pytest

from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_patched_reads_match_full_reads,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def impress():
    with app_env("LibreOfficeImpress") as env:
        yield env


def slides(tree) -> list[str]:
    return [e.text for e in tree if e.role == "panel" and e.text.startswith("Slide ")]


def test_check_env(impress):
    strict_check_env(impress)


def test_starts_on_the_first_slide_without_dialogs(impress):
    impress.reset(seed=0)
    assert not any(e.role == "dialog" for e in impress.tree)  # the profile turned the template picker off
    assert slides(impress.tree) == ["Slide 1"]
    assert any(e.role == "panel" and e.text.startswith("PresentationTitle") for e in impress.tree)
    assert len(named(impress.tree)) >= 15


def test_typed_title_reads_back(impress):
    impress.reset(seed=0)
    title = next(e for e in impress.tree if e.role == "panel" and e.text.startswith("PresentationTitle"))
    step_ok(impress, {"type": "click", "element": title.id})
    step_ok(impress, {"type": "type", "text": "Quarterly review"})
    wait_until(impress, lambda t: any(e.role == "paragraph" and e.text == "Quarterly review" for e in t),
               "the title paragraph")


def test_new_slide_appears_in_the_slide_pane(impress):
    impress.reset(seed=0)
    step_ok(impress, {"type": "hotkey", "keys": ["ctrl", "m"]})
    tree = wait_until(impress, lambda t: "Slide 2" in slides(t), "Slide 2 in the slide pane")
    assert any(e.role == "panel" and e.text == "PageShape: Slide 2" for e in tree)  # and it is the edited one


def test_patched_reads_match_full_reads(impress):
    """A new slide removes and adds children in the slide pane and the edit view: those parents' children are
    listed again and the new ones read, which must equal a full read."""
    impress.reset(seed=0)
    new_slide = {"type": "hotkey", "keys": ["ctrl", "m"]}
    assert assert_patched_reads_match_full_reads(impress, [new_slide]) > 0  # the new slide's read was patched
    assert_patched_reads_match_full_reads(impress, [new_slide, {"type": "key", "key": "Page_Up"}])


def test_a_new_slide_keeps_the_extents_where_no_pixel_changed(impress):
    """LibreOffice repaints its whole work area for a new slide, so X's damage covers nearly every node, while
    the pixels of few change: the others keep their extents and text (the reads still equal full reads, above)."""
    impress.reset(seed=0)
    new_slide = {"type": "hotkey", "keys": ["ctrl", "m"]}
    step_ok(impress, new_slide)
    fills = impress.backend._atspi.fills
    before = dict(fills)
    step_ok(impress, new_slide)
    kept, read = fills["kept"] - before["kept"], fills["read"] - before["read"]
    assert kept > 2 * read, f"{kept} nodes kept their extents, {read} were read again"


def test_the_slide_pane_lists_each_slide_once(impress):
    """LibreOffice keeps the slide pane's replaced rows in its accessibility cache, still showing: a full read
    drops the rows their parent no longer lists, so each slide shows once, as on screen."""
    impress.reset(seed=0)
    for _ in range(4):
        step_ok(impress, {"type": "hotkey", "keys": ["ctrl", "m"]})
    wait_until(impress, lambda t: "Slide 5" in slides(t), "Slide 5 in the slide pane")
    expected = [f"Slide {n}" for n in range(1, 6)]
    assert slides(impress.backend.observe(fresh=True).tree) == expected
    assert slides(impress.tree) == expected
