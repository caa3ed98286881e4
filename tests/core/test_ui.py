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



Node = tuple  # (role, text, [child nodes])


def _window(*children: Node) -> UITree:
    """A frame holding `children` (nested (role, text, [children]) tuples), listed depth-first."""
    elements: list[UIElement] = []

    def add(node: Node, parent: int | None, depth: int) -> None:
        role, text, kids = node
        index = len(elements)
        elements.append(UIElement(index, role, text, depth=depth, parent=parent, clickable=role == "push button",
                                  bounds=Bounds(0, 0, 600, 400)))
        for kid in kids:
            add(kid, index, depth + 1)

    add(("frame", "Editor", list(children)), None, 0)
    return UITree(elements)


MENU = ("push button", "Menu", [])
TAB = ("filler", "", [("label", "Untitled", []), ("push button", "", [])])


def _tab_bar(tabs: int) -> Node:
    kids: list[Node] = []
    for _ in range(tabs):
        kids += [("separator", "", []), TAB]
    return ("scroll pane", "", kids)


def test_signature_ignores_repeats_decoration_and_status():
    plain = _window(MENU, ("label", "Untitled", []))
    modified = _window(MENU, ("label", "•", []), ("label", "Untitled", []), ("label", "Draft", []))
    assert plain.signature() == modified.signature()  # a header's text grew a marker and a subtitle
    assert _window(MENU, _tab_bar(2)).signature() == _window(MENU, _tab_bar(3)).signature()  # one more tab
    assert _window(MENU).signature() != _window(MENU, _tab_bar(2)).signature()  # a tab bar that appeared is new
    page = ("filler", "Page", [("text", "", [])])
    loading = ("filler", "Page", [("text", "", []), ("progress bar", "", [])])
    assert _window(MENU, page).signature() == _window(MENU, loading).signature()  # gone after a while
    husk = ("filler", "", [])  # what GTK4 keeps of a closed popover
    assert _window(MENU, husk).signature() == _window(MENU).signature()
    assert _window(MENU, ("filler", "Popover", [])).signature() != _window(MENU).signature()


def test_signature_still_tells_controls_apart():
    base = _window(MENU, ("check box", "Wrap", []))
    assert base.signature() != _window(MENU, ("check box", "Wrap", []), ("push button", "Save", [])).signature()
    assert base.signature() != _window(("push button", "View", []), ("check box", "Wrap", [])).signature()
    unchecked = UITree([replace(e, checkable=e.role == "check box") for e in base])
    checked = UITree([replace(e, checked=True) if e.checkable else e for e in unchecked])
    assert unchecked.signature() != checked.signature()
    keypad = [("push button", str(d), []) for d in range(10)]
    assert _window(*keypad).signature() != _window(*keypad, MENU).signature()


def test_a_longer_list_with_rich_rows_is_the_same_screen():
    def listing(rows: int) -> UITree:
        row = ("list item", "file.txt", [("label", "file.txt", []), ("image", "", [])])
        return _window(("list", "", [row] * rows))

    assert listing(2).signature() == listing(9).signature()
    assert listing(0).signature() != listing(1).signature()


def test_a_scrolled_list_is_the_same_screen_but_a_toggled_row_is_not():
    def listing(*names: str) -> UITree:
        rows = [("list item", name, [("label", name, [])]) for name in names]
        return _window(("list", "Fonts", rows))

    assert listing("Cantarell", "DejaVu Sans").signature() == listing("Noto Sans", "Noto Serif").signature()
    toggles = UITree([UIElement(0, None, "frame", "Prefs"), UIElement(1, 0, "list", ""),
                      UIElement(2, 1, "check box", "Wrap", checkable=True)])
    flipped = UITree([replace(e, checked=e.checkable) for e in toggles])
    assert toggles.signature() != flipped.signature()
