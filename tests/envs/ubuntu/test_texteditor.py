"""TextEditor: XTEST typing of non-ASCII text reads back exactly from the accessibility tree."""

from __future__ import annotations

import time

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


def test_the_settling_after_typing_into_an_element_starts_once_the_keys_are_sent(texteditor, monkeypatch):
    """Typing into an element clicks it and settles first. The settling that follows must count its quiet from
    the last key sent, not from before the click: by then the quiet had passed, the step read the tree at once,
    and an editor slow to take the keys (a loaded machine) read back empty."""
    texteditor.reset(seed=0)
    backend = texteditor.backend
    sent: list[float] = []
    settles: list[tuple[float, float]] = []  # (when it was called, the start it counts quiet from)
    type_text, settle = backend._input.type_text, backend._settle

    def typing(text):
        type_text(text)
        sent.append(time.monotonic())

    def settling(start, **kwargs):
        settles.append((time.monotonic(), start))
        return settle(start, **kwargs)

    monkeypatch.setattr(backend._input, "type_text", typing)
    monkeypatch.setattr(backend, "_settle", settling)
    document = _document(texteditor)[0]
    _, _, _, _, info = texteditor.step({"type": "type", "text": "later", "element": document.id})
    assert info["action_error"] is None and len(sent) == 1
    first = next(start for called, start in settles if called >= sent[0])  # the step's own settling
    assert first >= sent[0], (settles, sent)
    assert [e.text for e in _document(texteditor)] == ["later"]
