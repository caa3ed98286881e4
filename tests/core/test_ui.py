"""UITree: text form, signature (novelty) and diff."""

from __future__ import annotations

from dataclasses import replace

from autoplay_gym.core.ui import Bounds, UIElement, UITree


def _tree(display: str = "7", rows: int = 3, dialog: bool = False) -> UITree:
    elements = [
        UIElement(0, "frame", "Calculator", bounds=Bounds(0, 0, 400, 500)),
        UIElement(1, "text", display, bounds=Bounds(0, 50, 400, 90), editable=True, depth=1, parent=0),
        UIElement(2, "push button", "=", description="Calculate Result", bounds=Bounds(300, 400, 350, 480),
                  clickable=True, depth=1, parent=0),
        UIElement(3, "list", "", bounds=Bounds(0, 100, 400, 300), scrollable=True, depth=1, parent=0),
    ]
    for i in range(rows):
        elements.append(UIElement(len(elements), "list item", f"{i} × 6 = {i * 6}", depth=2, parent=3,
                                  bounds=Bounds(0, 100 + 20 * i, 400, 120 + 20 * i), clickable=True))
    if dialog:
        elements.append(UIElement(len(elements), "dialog", "Preferences", depth=1, parent=0))
    return UITree(elements)


def test_text_form_lines():
    text = _tree().to_text()
    lines = text.splitlines()
    assert lines[0] == '[0] frame "Calculator" @(0,0,400,500)'
    assert lines[2] == '[2] push button "=" desc="Calculate Result" @(300,400,350,480) clickable'
    assert lines[1].endswith("editable")
    quoted = UITree([UIElement(0, "label", 'say "hi"\nnow')]).to_text()
    assert quoted == '[0] label "say \\"hi\\"\\nnow"'


def test_signature_ignores_volatile_text_but_not_structure():
    base = _tree()
    assert base.signature() == _tree(display="42").signature()  # a new number is not a new screen
    assert base.signature() == _tree(rows=7).signature()  # a longer list is not a new screen
    assert base.signature() != _tree(dialog=True).signature()  # a dialog is
    disabled = UITree([replace(e, enabled=False) if e.id == 2 else e for e in base])
    assert base.signature() != disabled.signature()


def test_diff_pairs_elements_by_position():
    before, after = _tree(), _tree(display="42", rows=4, dialog=True)
    diff = before.diff(after)
    assert [(old.text, new.text) for old, new in diff.changed] == [("7", "42")]
    assert {e.role for e in diff.added} == {"list item", "dialog"}
    assert diff.removed == []
    assert not before.diff(_tree())
    assert diff.summary() == "+2 -0 ~1"


def test_round_trip_and_queries():
    tree = _tree()
    again = UITree.from_dicts(tree.to_dicts())
    assert again.to_dicts() == tree.to_dicts() and again.content_hash() == tree.content_hash()
    assert tree.element_at(310, 410).text == "="
    assert [e.id for e in tree.find_text("× 6")] == [4, 5, 6]
    assert tree.children(3) == tree.elements[4:]
    cut = UITree(tree.elements[:2], truncated=True, total_nodes=7)
    assert cut.to_text().endswith("tree cut at 2 of 7 elements")
