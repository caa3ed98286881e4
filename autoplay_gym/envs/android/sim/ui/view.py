"""The simulated view tree: what a screen looks like, what a tap on it does, and how it is drawn.

Apps rebuild their tree from state on every request (screencap, dump, input), so the PNG, the XML dump and
hit-testing always describe the same screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Bounds = tuple[int, int, int, int]  # left, top, right, bottom in screen pixels
Action = Callable[[], None]


@dataclass
class Style:
    """Drawing hints for the renderer only; they never reach the XML dump."""

    background: str | None = None
    color: str = "#1f1f1f"
    size: int = 42  # font size in px (16sp at 420 dpi)
    bold: bool = False
    align: str = "left"  # left | center | right
    radius: int = 0
    border: str | None = None
    icon: str | None = None  # a glyph drawn centred (e.g. "+", "★")
    icon_color: str | None = None
    icon_size: int | None = None
    padding: int = 0
    valign: str = "center"  # center | top
    hide_text: bool = False  # the node's text is drawn by a decorative child instead


@dataclass
class View:
    """One accessibility node, with the attributes uiautomator dumps and the callbacks input triggers."""

    cls: str
    bounds: Bounds
    text: str = ""
    resource_id: str = ""
    content_desc: str = ""
    checkable: bool = False
    checked: bool = False
    clickable: bool = False
    enabled: bool = True
    focusable: bool = False
    focused: bool = False
    scrollable: bool = False
    long_clickable: bool = False
    password: bool = False
    selected: bool = False
    children: list[View] = field(default_factory=list)
    style: Style = field(default_factory=Style)
    on_click: Action | None = None
    on_long_click: Action | None = None
    on_scroll: Callable[[int], None] | None = None  # positive = content moves up (finger swipes up)
    visible_to_user: bool = True
    in_dump: bool = True  # False for decorative views that are drawn but not important for accessibility
    draw_bounds: Bounds | None = None  # unclipped geometry of a row cut by a scrolling viewport
    clips_children: bool = False  # a scrolling viewport: children are drawn cut to its bounds

    def add(self, *children: View) -> View:
        self.children.extend(children)
        return self

    def walk(self) -> Iterator[View]:
        yield self
        for child in self.children:
            yield from child.walk()

    def contains(self, x: int, y: int) -> bool:
        left, top, right, bottom = self.bounds
        return left <= x < right and top <= y < bottom


@dataclass
class Window:
    """A top-level window: an activity's decor view or a dialog, owned by one package."""

    package: str
    root: View
    title: str  # "pkg/full.Activity" for activities, the dialog's purpose otherwise
    is_dialog: bool = False
    dim_behind: bool = True
    on_outside_tap: Action | None = None


def intersect(a: Bounds, b: Bounds) -> Bounds | None:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[2], b[2]), min(a[3], b[3])
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def hit_path(root: View, x: int, y: int) -> list[View]:
    """Views under (x, y) from the root down; the top-most child wins where siblings overlap."""
    path: list[View] = []
    node: View | None = root if root.contains(x, y) else None
    while node is not None:
        path.append(node)
        node = next((child for child in reversed(node.children) if child.visible_to_user
                     and child.contains(x, y)), None)
    return path


def clickable_at(root: View, x: int, y: int, *, long_press: bool = False) -> View | None:
    """The deepest enabled view under the point that handles the touch, like Android's dispatch."""
    for node in reversed(hit_path(root, x, y)):
        if not node.enabled:
            continue
        if long_press and node.long_clickable and node.on_long_click is not None:
            return node
        if node.clickable and (node.on_click is not None or not long_press):
            return node
    return None


def scrollable_at(root: View, x: int, y: int) -> View | None:
    for node in reversed(hit_path(root, x, y)):
        if node.scrollable and node.on_scroll is not None:
            return node
    return None


def find_focused(root: View) -> View | None:
    return next((node for node in root.walk() if node.focused), None)
