"""TextEditor: XTEST typing of non-ASCII text reads back exactly from the accessibility tree."""

from __future__ import annotations

TEXT = "héllo wörld ✓ 日本"


def _document(env):
    return [e for e in env.tree if e.role == "text" and e.editable]


def test_unicode_typing_reads_back_exactly(texteditor):
    texteditor.reset(seed=0)
    document = _document(texteditor)[0]
    _, _, _, _, info = texteditor.step({"type": "type", "text": TEXT, "element": document.id})
    assert info["action_error"] is None
    assert [e.text for e in _document(texteditor)] == [TEXT]


def test_type_with_clear_replaces_text(texteditor):
    texteditor.reset(seed=0)
    document = _document(texteditor)[0]
    texteditor.step('type("first draft", element=%d)' % document.id)
    document = _document(texteditor)[0]
    _, _, _, _, info = texteditor.step({"type": "type", "text": "Ünïcødé ✓", "element": document.id, "clear": True})
    assert info["action_error"] is None
    assert _document(texteditor)[0].text == "Ünïcødé ✓"


def test_reset_gives_a_fresh_profile(texteditor):
    texteditor.reset(seed=0)
    document = _document(texteditor)[0]
    texteditor.step({"type": "type", "text": "leftover", "element": document.id})
    texteditor.reset(seed=0)
    assert _document(texteditor)[0].text == ""
