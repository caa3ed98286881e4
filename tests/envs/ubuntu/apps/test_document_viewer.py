"""DocumentViewer (evince): a PDF built at test time opens, its text is in the tree, and zooming changes it."""

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

LINES = ["AutoPlay quarterly report", "Total shipped: 42 crates"]
OPEN_PDF = {"files": {"Documents/report.pdf": media.pdf(LINES)}, "open": "Documents/report.pdf"}


@pytest.fixture(scope="module")
def viewer():
    with app_env("DocumentViewer") as env:
        yield env


def _zoom(tree) -> str:
    return next(e.text for e in tree if e.role == "text" and e.text.endswith("%"))


def test_check_env(viewer):
    strict_check_env(viewer)


def test_pdf_text_is_in_the_tree(viewer):
    viewer.reset(options=OPEN_PDF)
    page = find(viewer.tree, "page", contains="AutoPlay quarterly report")
    assert "Total shipped: 42 crates" in page.text
    assert find(viewer.tree, "frame", "report.pdf")
    assert_frames_on_windows(viewer)


def test_zoom_in_changes_the_zoom_field(viewer):
    viewer.reset(options=OPEN_PDF)
    before = _zoom(viewer.tree)
    step_ok(viewer, {"type": "hotkey", "keys": ["ctrl", "plus"]})
    wait_until(viewer, lambda t: _zoom(t) != before, "the zoom level to change")
    assert float(_zoom(viewer.tree).rstrip("%")) > float(before.rstrip("%"))


def test_menu_has_named_items(viewer):
    viewer.reset(options=OPEN_PDF)
    step_ok(viewer, {"type": "click", "element": find(viewer.tree, "toggle button", "File options").id})
    # GTK3 popover menus are push buttons and check boxes
    tree = wait_until(viewer, lambda t: any(e.text == "Properties" for e in t), "the File options menu")
    assert {"Save As…", "Night Mode", "About Document Viewer"} <= {e.text for e in tree}
    assert len(named(tree)) >= 15


def test_patched_reads_match_full_reads(viewer):
    """Zooming, the side pane and focus moves patch the last read exactly (or fall back to a full read). The
    patches take the states, properties and (once the pane shows) the cache asked ahead of them."""
    viewer.reset(options=OPEN_PDF)
    taken = viewer.backend._atspi.walked_ahead["taken"]
    patched = assert_patched_reads_match_full_reads(viewer, [
        {"type": "hotkey", "keys": ["ctrl", "plus"]},
        {"type": "key", "key": "F9"},
        {"type": "key", "key": "Tab"},
        {"type": "key", "key": "F9"},
    ])
    assert patched > 0
    assert viewer.backend._atspi.walked_ahead["taken"] > taken


def test_launch_reads_are_full_and_later_reads_patch(viewer, monkeypatch):
    """evince does not announce every change it makes while starting (its page takes the focus unannounced
    now and then): each read of reset's settling is a full one, so two resets agree, and the reads after an
    action patch the last one again. (The launch's own polls for a first window may patch: reset's result
    never comes from them.)"""
    viewer.reset(options=OPEN_PDF)
    backend = viewer.backend
    reads = backend._atspi.reads
    settling: list[dict[str, int]] = []
    settle = backend._settled_snapshot

    def counted(*args, **kwargs):
        start = dict(reads)
        try:
            return settle(*args, **kwargs)
        finally:
            settling.append({kind: reads[kind] - start[kind] for kind in reads})

    monkeypatch.setattr(backend, "_settled_snapshot", counted)
    before = dict(reads)
    viewer.reset(options=OPEN_PDF)
    assert len(settling) == 1 and settling[0]["full"] > 0
    assert settling[0]["patched"] == settling[0]["reused"] == 0, settling
    step_ok(viewer, {"type": "hotkey", "keys": ["ctrl", "plus"]})
    assert reads["patched"] > before["patched"]
