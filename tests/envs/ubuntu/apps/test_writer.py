"""LibreOffice Writer: a seeded .odt opens with its paragraphs in the tree, and typed text reads back."""

from __future__ import annotations

import pytest

from tests.envs.ubuntu.apps import media
from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_patched_reads_match_full_reads,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy

PARAGRAPHS = ["Minutes of the planning meeting", "Budget approved: 1200 euros"]
OPEN_ODT = {"files": {"Documents/minutes.odt": media.odt(PARAGRAPHS)}, "open": "Documents/minutes.odt"}


@pytest.fixture(scope="module")
def writer():
    with app_env("LibreOfficeWriter") as env:
        yield env


def paragraphs(tree) -> list[str]:
    return [e.text for e in tree if e.role == "paragraph"]


def test_check_env(writer):
    strict_check_env(writer)


def test_seeded_document_paragraphs_are_in_the_tree(writer):
    writer.reset(options=OPEN_ODT)
    assert paragraphs(writer.tree)[:2] == PARAGRAPHS
    assert any(e.role == "frame" and e.text.startswith("minutes.odt") for e in writer.tree)
    assert len(named(writer.tree)) >= 15


def test_typed_text_reads_back_from_the_paragraph(writer):
    writer.reset(seed=0)
    assert paragraphs(writer.tree) == [""]  # a new document: one empty paragraph
    step_ok(writer, {"type": "type", "text": "Hello from AutoPlay, 42 times"})
    wait_until(writer, lambda t: paragraphs(t) == ["Hello from AutoPlay, 42 times"], "the typed paragraph")


def test_bold_button_toggles(writer):
    writer.reset(seed=0)
    bold = next(e for e in writer.tree if e.role == "toggle button" and e.text == "Bold")
    assert not bold.checked
    step_ok(writer, {"type": "click", "element": bold.id})  # hits the button only if its bounds are right
    wait_until(writer, lambda t: any(e.role == "toggle button" and e.text == "Bold" and e.checked for e in t),
               "Bold to be pressed")


def test_patched_reads_match_full_reads(writer):
    """Typing names paragraphs, which are read afresh every snapshot; the rest is patched, and must equal a full
    read (Bold turns on silently). The first click on Bold moves every extent LibreOffice reports by the menu
    bar's height, with no pixel moving: the patched read reads them all again."""
    writer.reset(seed=0)
    bold = next(e for e in writer.tree if e.role == "toggle button" and e.text == "Bold")
    patched = assert_patched_reads_match_full_reads(writer, [
        {"type": "type", "text": "Patched"},
        {"type": "click", "element": bold.id},
        {"type": "type", "text": " and bold"},
        {"type": "key", "key": "Home"},
    ])
    assert patched > 0
