"""Platform-neutral UI snapshots: what every backend produces and every agent reads.

A `UITree` is an ordered list of `UIElement`s; an element's id is its index in that order, so ids are small,
stable within one observation and valid for the next action. Backends never expose their native handles
(D-Bus paths, view ids): those change between launches and would break determinism and novelty counting.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Iterable, Iterator

FLAG_NAMES = (
    "clickable",
    "editable",
    "scrollable",
    "checkable",
    "checked",
    "selected",
    "enabled",
    "focused",
)

# Roles whose text is content rather than structure: a new value there is not a new screen.
CONTENT_ROLES = frozenset(
    {"text", "entry", "password text", "paragraph", "terminal", "document text", "label", "static", "editbar"}
)
# Rows of a list: a longer or shorter list is not a new screen.
ROW_ROLES = frozenset({"list item", "table row", "table cell", "tree item", "row"})
LIST_ROLES = frozenset({"list", "list box", "table", "tree", "tree table", "recycler view"})
WINDOW_ROLES = frozenset({"frame", "window"})
# Roles that decorate or report progress: they never make a screen different.
DECORATION_ROLES = frozenset({"separator", "progress bar"})
# Containers that only lay out children: empty and unnamed, they show nothing.
LAYOUT_ROLES = frozenset({"filler", "panel"})
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Bounds:
    """An element's rectangle in screen pixels, right and bottom edges exclusive."""

    x1: int
    y1: int
    x2: int
    y2: int

    @property
    def width(self) -> int:
        return self.x2 - self.x1

    @property
    def height(self) -> int:
        return self.y2 - self.y1

    @property
    def center(self) -> tuple[int, int]:
        return (self.x1 + self.x2) // 2, (self.y1 + self.y2) // 2

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def contains(self, x: int, y: int) -> bool:
        return self.x1 <= x < self.x2 and self.y1 <= y < self.y2

    def clip(self, width: int, height: int) -> "Bounds":
        """The part of the rectangle that lies on a screen of the given size (possibly empty)."""
        return Bounds(max(self.x1, 0), max(self.y1, 0), min(self.x2, width), min(self.y2, height))

    def as_list(self) -> list[int]:
        return [self.x1, self.y1, self.x2, self.y2]


@dataclass(frozen=True)
class UIElement:
    """One accessible node, in the vocabulary shared by Android views and AT-SPI objects."""

    id: int
    role: str
    text: str = ""
    description: str = ""
    resource_id: str = ""
    bounds: Bounds | None = None
    clickable: bool = False
    editable: bool = False
    scrollable: bool = False
    checkable: bool = False
    checked: bool = False
    selected: bool = False
    enabled: bool = True
    focused: bool = False
    depth: int = 0
    parent: int | None = None
    app: str = ""
    class_name: str = ""

    @property
    def actionable(self) -> bool:
        return self.enabled and (self.clickable or self.editable or self.scrollable or self.checkable)

    def flags(self) -> list[str]:
        """Names of the boolean flags that differ from their default, for the text form."""
        out = [name for name in FLAG_NAMES if name != "enabled" and getattr(self, name)]
        if not self.enabled:
            out.append("disabled")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bounds"] = self.bounds.as_list() if self.bounds else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "UIElement":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("bounds") is not None:
            values["bounds"] = Bounds(*values["bounds"])
        return cls(**values)

    def line(self, max_text: int = 200) -> str:
        """The element as one line of the model-facing text form: `[id] role "name" ...`."""
        parts = [f"[{self.id}]", self.role or "unknown"]
        parts.append(_quote(self.text, max_text))
        if self.description and self.description != self.text:
            parts.append("desc=" + _quote(self.description, max_text))
        if self.resource_id:
            parts.append(f"id={self.resource_id}")
        if self.bounds is not None:
            b = self.bounds
            parts.append(f"@({b.x1},{b.y1},{b.x2},{b.y2})")
        parts.extend(self.flags())
        return " ".join(parts)


def _quote(text: str, limit: int) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if len(text) > limit:
        text = text[:limit] + "…"
    return f'"{text}"'


@dataclass
class TreeDiff:
    """What changed between two snapshots, matched by structural position rather than by id."""

    added: list[UIElement] = field(default_factory=list)
    removed: list[UIElement] = field(default_factory=list)
    changed: list[tuple[UIElement, UIElement]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self) -> str:
        return f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"


@dataclass
class UITree:
    """An ordered snapshot of a screen's elements. `truncated` says the backend cut a huge tree."""

    elements: list[UIElement] = field(default_factory=list)
    truncated: bool = False
    total_nodes: int | None = None

    def __len__(self) -> int:
        return len(self.elements)

    def __iter__(self) -> Iterator[UIElement]:
        return iter(self.elements)

    def __getitem__(self, element_id: int) -> UIElement:
        return self.elements[element_id]

    def find(self, **criteria: Any) -> list[UIElement]:
        """Elements whose attributes equal every given value (e.g. `find(role="push button", text="7")`)."""
        return [e for e in self.elements if all(getattr(e, k) == v for k, v in criteria.items())]

    def find_text(self, text: str, *, exact: bool = False) -> list[UIElement]:
        needle = text if exact else text.casefold()
        if exact:
            return [e for e in self.elements if e.text == needle or e.description == needle]
        return [e for e in self.elements if needle in e.text.casefold() or needle in e.description.casefold()]

    def element_at(self, x: int, y: int) -> UIElement | None:
        """The deepest element whose bounds contain the point (the one a tap there most likely hits)."""
        best: UIElement | None = None
        for element in self.elements:
            if element.bounds is not None and element.bounds.contains(x, y):
                if best is None or element.depth >= best.depth:
                    best = element
        return best

    def children(self, element_id: int) -> list[UIElement]:
        return [e for e in self.elements if e.parent == element_id]

    def all_text(self) -> str:
        """Every text and description joined by newlines: the haystack for answer and content checks."""
        return "\n".join(t for e in self.elements for t in (e.text, e.description) if t)

    def to_text(self, max_text: int = 200) -> str:
        lines = [e.line(max_text) for e in self.elements]
        if self.truncated:
            lines.append(f"[...] tree cut at {len(self.elements)} of {self.total_nodes or '?'} elements")
        return "\n".join(lines)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.elements]

    @classmethod
    def from_dicts(cls, items: Iterable[dict[str, Any]], *, truncated: bool = False) -> "UITree":
        return cls([UIElement.from_dict(d) for d in items], truncated=truncated)

    def renumbered(self) -> "UITree":
        """A copy whose ids (and parent links) are the positions in `elements` again, after filtering."""
        mapping = {e.id: i for i, e in enumerate(self.elements)}
        elements = [
            replace(e, id=i, parent=mapping.get(e.parent) if e.parent is not None else None)
            for i, e in enumerate(self.elements)
        ]
        return UITree(elements, truncated=self.truncated, total_nodes=self.total_nodes)

    # --- identity -------------------------------------------------------------------------------------------

    def content_hash(self) -> str:
        """A hash of everything in the tree: equal hashes mean the screen's structure and text did not change."""
        h = hashlib.blake2b(digest_size=16)
        for e in self.elements:
            h.update(repr(astuple_fast(e)).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def signature(self) -> str:
        """A structural hash that ignores volatile text, for counting distinct screens.

        Two snapshots get the same signature when they show the same controls in the same nesting, whatever
        the content. So the hash leaves out:
        - text in content roles (labels, entries, documents), main-window titles (they name the open
          document), and digits everywhere: a display showing another number is the same screen;
        - decoration and transient status: separators, progress bars (gnome-text-editor shows one while a
          document loads, and whether it is still there depends on timing), and empty layout containers (an
          unnamed filler or panel with nothing in it, such as the husk GTK4 keeps of a closed popover);
        - repetition: consecutive identical sibling subtrees count once (a header whose title grew a "•"
          modified marker and a subtitle, a tab bar with one more tab), and consecutive rows of a list,
          table or tree collapse to the first, with everything inside them, so a list that grew is the same
          screen; the first row's name is content too, so a list scrolled (a virtualised list holds only the
          rows it shows) or sorted is the same screen.
        Focus is ignored. A new dialog, page, menu or control, a control that appeared or vanished, a check box
        that flipped, or a button whose label changed (Play -> Pause) is a new screen.
        """
        return hashlib.blake2b(b"".join(_shapes(self.elements)), digest_size=12).hexdigest()

    def diff(self, other: "UITree") -> TreeDiff:
        """Changes from `self` (before) to `other` (after), pairing elements by their structural path."""
        before = dict(_keyed(self.elements))
        after = dict(_keyed(other.elements))
        result = TreeDiff()
        for key, element in after.items():
            old = before.get(key)
            if old is None:
                result.added.append(element)
            elif _comparable(old) != _comparable(element):
                result.changed.append((old, element))
        result.removed = [e for key, e in before.items() if key not in after]
        return result


def _token(e: UIElement) -> tuple:
    """What one element contributes to the signature, before nesting."""
    volatile = (e.editable or e.role in CONTENT_ROLES or (e.role in WINDOW_ROLES and e.depth == 0)
                or (e.role in ROW_ROLES and not e.checkable))  # a row's name is its content: a scrolled list is no new screen
    name = "" if volatile else _normalise_name(e.text)
    return (e.role, e.resource_id, name, e.checkable, e.checked, e.selected, e.enabled)


def _is_row(e: UIElement, parent: UIElement | None) -> bool:
    return (e.role in ROW_ROLES or (parent is not None and parent.role in LIST_ROLES)) and not e.checkable


def _shapes(elements: list[UIElement]) -> list[bytes]:
    """The hashes of the top-level subtrees, each folding its element's token with its kept children's hashes.

    Elements come parents first (every backend lists them depth-first), so one pass from the end sees every
    child before its parent. A parent missing from the list makes its child a top-level subtree."""
    by_id = {e.id: e for e in elements}
    kids: dict[int | None, list[tuple[UIElement, bytes]]] = {}
    for e in reversed(elements):
        children = kids.pop(e.id, [])
        children.reverse()
        if e.role in DECORATION_ROLES or (e.role in LAYOUT_ROLES and not children and not e.actionable
                                           and not e.text and not e.description):
            continue
        parent = by_id.get(e.parent) if e.parent is not None else None
        kids.setdefault(e.parent if parent is not None else None, []).append((e, _fold(e, children)))
    top = kids.pop(None, [])
    top.reverse()
    for stray in kids.values():  # children listed before their parent (not depth-first): keep them anyway
        top.extend(reversed(stray))
    return _collapse(top, None)


def _fold(e: UIElement, children: list[tuple[UIElement, bytes]]) -> bytes:
    h = hashlib.blake2b(repr(_token(e)).encode("utf-8", "surrogatepass"), digest_size=12)
    for shape in _collapse(children, e):
        h.update(shape)
    return h.digest()


def _collapse(children: list[tuple[UIElement, bytes]], parent: UIElement | None) -> list[bytes]:
    """Children's shapes with repeats dropped: a subtree identical to the previous kept sibling, and a row
    shaped like the previous kept row of the same parent (whatever its content)."""
    out: list[bytes] = []
    last_row: tuple | None = None
    for child, shape in children:
        if out and out[-1] == shape:
            continue
        if _is_row(child, parent):
            row = (child.role, child.resource_id)
            if row == last_row:
                continue
            last_row = row
        out.append(shape)
    return out


def astuple_fast(element: UIElement) -> tuple:
    return tuple(getattr(element, f) for f in _FIELD_NAMES)


_FIELD_NAMES = tuple(f.name for f in fields(UIElement))


def _normalise_name(text: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", text)).strip()[:60]


def _comparable(element: UIElement) -> tuple:
    return tuple(getattr(element, f) for f in _FIELD_NAMES if f not in ("id", "parent"))


def _keyed(elements: list[UIElement]) -> Iterator[tuple[tuple, UIElement]]:
    """Yield (path key, element): the chain of (role, rank among same-role siblings) from the root."""
    keys: dict[int, tuple] = {}
    counters: dict[tuple, int] = {}
    for e in elements:
        parent_key = keys.get(e.parent, ()) if e.parent is not None else ()
        slot = (parent_key, e.role)
        rank = counters.get(slot, 0)
        counters[slot] = rank + 1
        key = parent_key + ((e.role, rank),)
        keys[e.id] = key
        yield key, e
